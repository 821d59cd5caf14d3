"""JSON report: the complete Report as data, versioned by reports/schemas/report-1.schema.json.

Pure: `render(report)` depends on nothing but the report, so the same report always gives the same
bytes (keys in a fixed order, lists already sorted by the pipeline).
"""

from __future__ import annotations

import dataclasses
import json

from osi_check.facts import AdditionalTerm, Component, Evidence, FileLicense, LicenseConclusion, Location
from osi_check.model import Action, Finding, Report

SCHEMA_ID = "https://osi-check.invalid/schemas/report-1.schema.json"


def _location(location: Location) -> dict:
    return {"path": location.path, "line": location.line, "end_line": location.end_line}


def _evidence(evidence: Evidence) -> dict:
    return {"kind": evidence.kind.value, **_location(evidence.location), "quote": evidence.quote,
            "detail": evidence.detail, "score": evidence.score}


def _term(term: AdditionalTerm) -> dict:
    return {"kind": term.kind, "section": term.section, **_location(term.location), "text": term.text,
            "required_notices": list(term.required_notices)}


def _license(conclusion: LicenseConclusion) -> dict:
    return {
        "concluded": conclusion.expression,
        "status": conclusion.status,
        "confident": conclusion.confident,
        "unknown": list(conclusion.unknown),
        "conflicts": list(conclusion.conflicts),
        "additional_terms": [_term(t) for t in conclusion.additional_terms],
        "notes": list(conclusion.notes),
        "evidence": [_evidence(e) for e in conclusion.evidence],
    }


def _component(component: Component, files_by_license: dict[str, dict[str, int]]) -> dict:
    return {
        "key": component.key,
        "name": component.name,
        "version": component.version,
        "ecosystem": component.ecosystem,
        "role": component.role.value,
        "scope": component.scope.value,
        "purl": component.purl,
        "root": component.root,
        "direct": component.direct,
        "integrity": component.integrity,
        "dependencies": list(component.dependencies),
        "price": component.price,
        "found_by": list(component.sources),
        "declared_at": _location(component.location),
        "license": _license(component.license),
        "files_by_license": files_by_license.get(component.key, {}),
    }


def _files_by_license(files: tuple[FileLicense, ...]) -> dict[str, dict[str, int]]:
    """Per component: how many of its files carry each license (the roll-up of per-file evidence)."""
    rollup: dict[str, dict[str, int]] = {}
    for file in files:
        counts = rollup.setdefault(file.component_key, {})
        key = file.license.expression or "(none found)"
        counts[key] = counts.get(key, 0) + 1
    return {k: dict(sorted(v.items(), key=lambda item: (-item[1], item[0]))) for k, v in rollup.items()}


def _folders(files: tuple[FileLicense, ...], depth: int = 2) -> dict[str, dict[str, int]]:
    """Per folder (down to `depth` levels): the licenses its files carry, for a reader looking for the
    parts of a tree under other terms."""
    folders: dict[str, dict[str, int]] = {}
    for file in files:
        parts = file.path.split("/")[:-1][:depth]
        for level in range(len(parts) + 1):
            folder = "/".join(parts[:level]) or "."
            counts = folders.setdefault(folder, {})
            key = file.license.expression or "(none found)"
            counts[key] = counts.get(key, 0) + 1
    return {k: dict(sorted(v.items(), key=lambda item: (-item[1], item[0]))) for k, v in sorted(folders.items())}


def _file(file: FileLicense) -> dict:
    return {"path": file.path, "component": file.component_key, "license": _license(file.license)}


def _finding(finding: Finding) -> dict:
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule_id,
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "title": finding.title,
        "message": finding.message,
        "subject": {
            "type": finding.subject.type,
            "key": finding.subject.key,
            "name": finding.subject.name,
            "location": finding.subject.location,
        },
        "facts": {fact.name: fact.value for fact in finding.facts},
        "evidence": [_evidence(e) for e in finding.evidence],
        "waiting_rules": list(finding.waiting_rules),
        "explanation": finding.explanation,
        "topic": finding.topic,
        "action": _action(finding.action),
        "citations": [{"text": c.text, "url": c.url} for c in finding.citations],
        "suppression": dataclasses.asdict(finding.suppression) if finding.suppression else None,
    }


def _action(action: Action | None) -> dict | None:
    if action is None:
        return None
    return {"what": action.what, "to_whom": action.to_whom, "how": action.how, "by_when": action.by_when}
def _modifications(report: Report) -> dict:
    """The comparison with the upstream release: per changed file, and which components it makes modified."""
    counts = {"unchanged": report.files_unchanged, "modified": 0, "added": 0, "deleted": 0, "renamed": 0,
              "whitespace_only": 0}
    modified_components = set()
    for change in report.modifications:
        counts[change.status] = counts.get(change.status, 0) + 1
        counts["whitespace_only"] += change.whitespace_only
        if change.counts_as_modification and change.component_key not in report.components_not_compared:
            modified_components.add(change.component_key)
    return {
        "upstream": report.upstream,
        "summary": counts,
        "components_modified": sorted(k for k in modified_components if k is not None),
        "components_added": list(report.components_added),
        "components_not_compared": list(report.components_not_compared),
        "files": [
            {"path": c.path, "status": c.status, "old_path": c.old_path, "component": c.component_key,
             "license": c.license, "whitespace_only": c.whitespace_only, "last_changed": c.last_changed,
             "similarity": c.similarity}
            for c in report.modifications
        ],
    }


def to_data(report: Report) -> dict:
    deployment = report.deployment
    rollup = _files_by_license(report.files)
    licenses: dict[str, int] = {}
    for component in report.components:
        key = component.license.expression or "(none found)"
        licenses[key] = licenses.get(key, 0) + 1
    by_kind: dict[str, int] = {}
    for finding in report.findings:
        by_kind[finding.kind.value] = by_kind.get(finding.kind.value, 0) + 1
    data = {
        "$schema": SCHEMA_ID,
        "schema_version": report.schema_version,
        "tool": {
            "name": "osi-check",
            "version": report.tool_version,
            "spdx_license_list": report.license_list_version,
            "rules_digest": report.rules_digest,
        },
        "generated_at": report.generated_at,
        "target": report.target,
        "deployment": {
            "profile": deployment.profile,
            "distributed": deployment.distributed,
            "network_service": deployment.network_service,
            "internal_network": deployment.internal_network,
            "contractor": deployment.contractor,
            "modified": deployment.modified,
            "outbound_license": deployment.outbound_license,
        },
        "partial": report.partial,
        "gate": {"fail_on": report.gate.fail_on, "failed": report.gate.failed, "counted": report.gate.counted},
        "summary": {
            "files_scanned": report.files_scanned,
            "components": len(report.components),
            "findings_by_severity": report.count_by_severity(),
            "findings_by_kind": dict(sorted(by_kind.items())),
            "licenses": dict(sorted(licenses.items(), key=lambda item: (-item[1], item[0]))),
        },
        "problems": [
            {**_location(p.location), "message": p.message, "reader": p.reader} for p in report.problems
        ],
        "skipped": list(report.skipped),
        "components": [_component(c, rollup) for c in report.components],
        "files": [_file(f) for f in report.files],
        "folders": _folders(report.files),
        "findings": [_finding(f) for f in report.findings],
        "upstream": report.upstream,
        "license_assessments": [dataclasses.asdict(a) for a in report.license_assessments],
        "fees": [dataclasses.asdict(f) for f in report.fees],
    }
    if report.upstream is not None:  # absent: no comparison was made, the modification status is not measured
        data["modifications"] = _modifications(report)
    return data


def render(report: Report) -> str:
    return json.dumps(to_data(report), indent=2, ensure_ascii=False) + "\n"
