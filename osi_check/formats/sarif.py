"""SARIF 2.1.0 for CI and code-scanning dashboards (GitHub code scanning reads it).

One result per finding, located on the line that declares the component (its manifest or lockfile
entry) or on the file a file-level finding is about, so the annotation lands where a developer would
change something. `partialFingerprints` carries the finding's fingerprint (rule + subject identity, never
a line number), so a result keeps its identity when lines move. Waived findings stay in the log with a
`suppressions` entry: a dashboard shows them as dismissed, with the reason. Inputs that could not be read
are tool execution notifications, so a partial scan is visible in CI too. Validated in the tests against
the official schema vendored in reports/schemas/sarif-schema-2.1.0.json.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from osi_check.facts import Location
from osi_check.model import Finding, Report

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "osiCheckFingerprint/v1"
_LOCATION = re.compile(r"^(?P<path>.*?):(?P<line>\d+)(?:-(?P<end>\d+))?$")


def parse_location(text: str) -> Location | None:
    """'path:line', 'path:line-end' or 'path' back into a Location; None for the tree itself ('.', '')."""
    match = _LOCATION.match(text)
    if match:
        end = match.group("end")
        return Location(match.group("path"), int(match.group("line")), int(end) if end else None)
    if text in ("", "."):
        return None
    return Location(text)


def _physical(location: Location) -> dict:
    physical: dict = {"artifactLocation": {"uri": quote(location.path, safe="/"), "uriBaseId": "%SRCROOT%"}}
    if location.line:
        region = {"startLine": location.line}
        if location.end_line and location.end_line > location.line:
            region["endLine"] = location.end_line
        physical["region"] = region
    return {"physicalLocation": physical}


def _fallback_location(report: Report) -> Location:
    """Where a finding about the whole tree is shown: the application's own declaration."""
    for component in report.components:
        if component.role.value == "application":
            return component.location
    return report.components[0].location if report.components else Location("README.md")


def _location_of(finding: Finding, report: Report) -> Location:
    location = parse_location(finding.subject.location)
    if location is None and finding.evidence:
        location = finding.evidence[0].location
    return location or _fallback_location(report)


def _fingerprint(finding: Finding) -> str:
    if finding.fingerprint:
        return finding.fingerprint
    raw = "\u0000".join((finding.rule_id, finding.subject.type, finding.subject.key))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _help(finding: Finding) -> dict:
    lines = [finding.explanation or finding.title]
    lines += [f"- {c.text}" + (f" ({c.url})" if c.url else "") for c in finding.citations]
    markdown = [finding.explanation or finding.title, ""]
    markdown += [f"- {c.text}" + (f" <{c.url}>" if c.url else "") for c in finding.citations]
    return {"text": "\n".join(lines), "markdown": "\n".join(markdown).strip()}


def _rule(finding: Finding) -> dict:
    rule: dict = {
        "id": finding.rule_id,
        "name": "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", finding.rule_id) if part),
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": finding.explanation or finding.title},
        "help": _help(finding),
        "defaultConfiguration": {"level": finding.severity.value},
        "properties": {"tags": sorted({"license", finding.kind.value} | ({finding.topic} if finding.topic else set()))},
    }
    urls = [c.url for c in finding.citations if c.url and c.url.startswith(("https://", "http://"))]
    if urls:
        rule["helpUri"] = urls[0]
    return rule


def _suppression(finding: Finding) -> list[dict]:
    s = finding.suppression
    if s is None:
        return []
    properties = {"kind": s.kind}
    for name in ("owner", "expires", "source"):
        if getattr(s, name):
            properties[name] = getattr(s, name)
    return [{"kind": "external", "status": "accepted", "justification": s.reason, "properties": properties}]


def _result(finding: Finding, rule_index: int, report: Report) -> dict:
    properties: dict = {"kind": finding.kind.value, "subject": finding.subject.key}
    if finding.topic:
        properties["topic"] = finding.topic
    if finding.action is not None:
        a = finding.action
        properties["action"] = {"what": a.what, "toWhom": a.to_whom, "how": a.how, "byWhen": a.by_when}
    if finding.facts:
        properties["facts"] = {fact.name: fact.value for fact in finding.facts}
    result: dict = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": finding.message},
        "locations": [_physical(_location_of(finding, report))],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(finding)},
        "properties": properties,
    }
    related = [
        {"id": i + 1, **_physical(e.location), "message": {"text": f"{e.kind.value}: {e.quote}"[:1000]}}
        for i, e in enumerate(finding.evidence)
    ]
    if related:
        result["relatedLocations"] = related
    suppressions = _suppression(finding)
    if suppressions:
        result["suppressions"] = suppressions
    return result


def to_data(report: Report) -> dict:
    rules: dict[str, dict] = {}
    for finding in sorted(report.findings, key=lambda f: f.rule_id):
        rules.setdefault(finding.rule_id, _rule(finding))
    index = {rule_id: i for i, rule_id in enumerate(rules)}
    notifications = [
        {"level": "error", "message": {"text": f"{p.message} ({p.reader})"}, "locations": [_physical(p.location)]}
        for p in report.problems
    ]
    d = report.deployment
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "osi-check",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": list(rules.values()),
            }},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": f"The scanned tree ({report.target})"}}},
            "results": [_result(f, index[f.rule_id], report) for f in report.findings],
            "columnKind": "unicodeCodePoints",
            "properties": {
                "target": report.target,
                "deployment": {"profile": d.profile, "distributed": d.distributed,
                               "networkService": d.network_service, "modified": d.modified},
                "partial": report.partial,
                "rulesDigest": report.rules_digest,
            },
        }],
    }


def render(report: Report) -> str:
    return json.dumps(to_data(report), indent=2, ensure_ascii=False) + "\n"
