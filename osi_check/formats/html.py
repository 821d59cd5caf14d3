"""HTML report for a legal reader: one self-contained file from reports/templates/html/.

Self-contained means the page makes no request at all: CSS, script and the chart are inline, and the
Content-Security-Policy (a meta tag) allows only those inline blocks, by hash, and nothing else. Every
string from the scanned tree is hostile: the template autoescapes it, the two large tables (inventory
and findings) travel as JSON data blocks with '<', '>' and '&' escaped, and the script writes them into
the page with textContent only, never as markup. Keeping the bulk in JSON also keeps a report of 5,000
components and 20,000 findings small and quick to open: rows are built when shown, not parsed upfront.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from functools import cache
from itertools import groupby

import jinja2
from markupsafe import Markup

from osi_check import resources
from osi_check.facts import Component
from osi_check.formats import license_texts, summary
from osi_check.model import Finding, Report

COMPRESS_ABOVE = 1_000_000  # characters of findings JSON; below it the data stays readable in the file

CATEGORY_COLOURS: dict[str, str] = {  # colour-blind-safe palette (Okabe-Ito), dark enough for white text
    "Public Domain": "#0072B2",
    "Permissive": "#009E73",
    "Copyleft Limited": "#B8860B",
    "Copyleft": "#D55E00",
    "Free Restricted": "#CC79A7",
    "Proprietary Free": "#8E44AD",
    "Source-available": "#6A3D9A",
    "Commercial": "#A50F15",
    "Other": "#555555",
    "Unknown": "#333333",
    "None found": "#777777",
}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.template_dir() / "html")),
        autoescape=True,  # everything from the scanned tree is escaped unless marked safe here
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _asset(name: str) -> str:
    return (resources.template_dir() / "html" / name).read_text("utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing may load or connect; only our own inline script and stylesheet run (by hash)."""
    return (f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def _safe_json(text: str) -> Markup:
    """JSON text made safe inside <script type="application/json">: no '<', '>' or '&' survives, so no
    string from the tree can close the block or open a comment."""
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_block(data: object) -> Markup:
    return _safe_json(_dumps(data))


def findings_block(data: dict) -> tuple[Markup, str]:
    """The findings data and its encoding: plain JSON, or above `COMPRESS_ABOVE` characters gzip in
    base64 (20,000 findings are ~7 MB of JSON and ~0.7 MB compressed; the page decompresses them with
    the browser's DecompressionStream). mtime=0 keeps the bytes reproducible."""
    text = _dumps(data)
    if len(text) <= COMPRESS_ABOVE:
        return _safe_json(text), "json"
    packed = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    return Markup(base64.b64encode(packed).decode("ascii")), "gzip-base64"


def _status(component: Component) -> str:
    """known / unknown / none, 'unsure' for a plausible mapping, and the raw strings not identified."""
    conclusion = component.license
    text = conclusion.status + ("" if conclusion.confident else ", unsure")
    if conclusion.unknown:
        text += ": declared as " + "; ".join(conclusion.unknown)
    return text


def _inventory_rows(report: Report) -> list[list]:
    findings_per_subject: dict[str, int] = {}
    for finding in report.findings:
        findings_per_subject[finding.subject.key] = findings_per_subject.get(finding.subject.key, 0) + 1
    rows = []
    for c in report.components:
        rows.append([
            c.name, c.version or "", c.ecosystem, c.role.value, c.scope.value,
            c.license.expression or "(none found)", license_texts.category(c.license.expression),
            _status(c), str(c.location),
            findings_per_subject.get(c.key, 0),
        ])
    return rows


def _finding_row(finding: Finding) -> list:
    s = finding.suppression
    return [
        finding.severity.value,
        finding.subject.name,
        finding.subject.location,
        finding.message,
        [[e.kind.value, str(e.location), e.quote, e.detail] for e in finding.evidence],
        [[fact.name, fact.value] for fact in finding.facts],
        None if s is None else [s.kind, s.reason, s.owner, s.expires, s.source],
        list(finding.waiting_rules),
        finding.kind.value,
    ]


def interned(rows: list[list]) -> dict:
    """Rows whose strings are replaced by their index in one table of distinct strings: subjects, places,
    evidence quotes and details repeat across thousands of findings and are stored once. Rows hold only
    strings, lists and nulls, so every number in them is an index."""
    table: dict[str, int] = {}

    def encode(value):
        if isinstance(value, str):
            return table.setdefault(value, len(table))
        if isinstance(value, list):
            return [encode(item) for item in value]
        if value is None:
            return None
        raise TypeError(f"finding rows hold strings, lists and nulls, not {type(value).__name__}")

    encoded = [encode(row) for row in rows]
    return {"strings": list(table), "rows": encoded}


def _finding_groups(report: Report) -> tuple[list[dict], list[list]]:
    """Findings grouped by topic, then rule; the rows go to JSON, the groups (with the rule's
    explanation, said once) to the template, each naming its slice of the rows."""
    ordered = sorted(report.findings, key=lambda f: (summary.topic_key(f.topic), f.rule_id, f.sort_key()))
    rows: list[list] = []
    topics = []
    for topic, in_topic in groupby(ordered, key=lambda f: f.topic):
        groups = []
        for rule_id, items in groupby(in_topic, key=lambda f: f.rule_id):
            items = list(items)
            first = items[0]
            start = len(rows)
            rows.extend(_finding_row(f) for f in items)
            groups.append({
                "rule_id": rule_id, "title": first.title, "severity": max(f.severity.rank for f in items),
                "severity_name": max(items, key=lambda f: f.severity.rank).severity.value,
                "explanation": first.explanation, "citations": first.citations,
                "count": len(items), "waived": sum(1 for f in items if f.suppression is not None),
                "start": start, "end": len(rows),
            })
        topics.append({"topic": topic, "title": summary.topic_title(topic), "groups": groups})
    return topics, rows


def _chart(components: tuple[Component, ...]) -> dict:
    counts = summary.category_counts(components)
    total = sum(n for _, n in counts) or 1
    bar_height, gap, label_width, bar_width = 22, 8, 150, 420
    bars = []
    for i, (name, n) in enumerate(counts):
        bars.append({
            "name": name, "count": n, "colour": CATEGORY_COLOURS.get(name, "#555555"),
            "y": i * (bar_height + gap), "width": max(2, round(bar_width * n / total)),
            "percent": round(100 * n / total),
        })
    return {"bars": bars, "height": max(1, len(bars)) * (bar_height + gap), "bar_height": bar_height,
            "label_width": label_width, "bar_width": bar_width}


def _license_texts(report: Report) -> tuple[list[license_texts.LicenseText], list[str]]:
    found, missing = [], []
    for spdx_id in summary.licenses_used(report):
        text = license_texts.lookup(spdx_id)
        (found.append(text) if text else missing.append(spdx_id))
    return found, missing


def render(report: Report) -> str:
    script, style = _asset("report.js"), _asset("report.css")
    topics, finding_rows = _finding_groups(report)
    texts, without_text = _license_texts(report)
    counts = summary.counts(report)
    findings_json, findings_encoding = findings_block(interned(finding_rows))
    return _environment().get_template("report.html.j2").render(
        report=report,
        csp=content_security_policy(script, style),
        script=Markup(script),
        style=Markup(style),
        verdict=summary.verdict(report),
        deployment=summary.deployment_text(report),
        counts=counts,
        waived=[f for f in sorted(report.findings, key=Finding.sort_key) if f.suppression is not None],
        decisions=summary.decisions(report),
        checklist=summary.checklist(report),
        disclosure=summary.disclosure(report),
        chart=_chart(report.components),
        inventory=json_block({"rows": _inventory_rows(report)}),
        findings_json=findings_json,
        findings_encoding=findings_encoding,
        topics=topics,
        texts=texts,
        without_text=without_text,
        modified_count=sum(1 for m in report.modifications if m.counts_as_modification),
    )
