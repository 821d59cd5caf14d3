"""Terminal report: readable in ten seconds. A one-line verdict, counts, then findings grouped by
rule with their subjects and evidence. Rendered from reports/templates/text.j2 so its wording can be
changed without touching Python.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from itertools import groupby

import jinja2

from osi_check import resources
from osi_check.model import Report


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.template_dir())),
        autoescape=False,  # plain text for a terminal; nothing here is interpreted as markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _verdict(report: Report) -> str:
    counts = report.count_by_severity()
    if report.gate.fail_on == "never":
        head = "REPORT"
    else:
        head = "FAIL" if report.gate.failed else "PASS"
    parts = [f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['note']} note(s)"]
    if report.gate.fail_on != "never":
        parts.append(f"{report.gate.counted} at or above --fail-on {report.gate.fail_on}")
    suppressed = sum(1 for f in report.findings if f.suppression is not None)
    if suppressed:
        parts.append(f"{suppressed} suppressed (waiver, baseline or commercial license)")
    if report.partial:
        parts.append(f"PARTIAL SCAN: {len(report.problems)} input(s) could not be read")
    return f"{head}: " + "; ".join(parts)


def _deployment(report: Report) -> str:
    d = report.deployment
    flags = [
        "distributed" if d.distributed else "not distributed",
        "network service" if d.network_service else "no outside network users",
        {True: "modified", False: "unmodified", None: "modification status unknown"}[d.modified],
    ]
    return f"{d.profile} ({', '.join(flags)})"


def render(report: Report) -> str:
    by_rule = [
        (rule_id, list(items))
        for rule_id, items in groupby(
            sorted(report.findings, key=lambda f: (-f.severity.rank, f.rule_id, f.subject.key)), key=lambda f: f.rule_id
        )
    ]
    ecosystems = Counter(c.ecosystem for c in report.components)
    licenses = Counter(c.license.expression or "(none found)" for c in report.components)
    return _environment().get_template("text.j2").render(
        report=report,
        verdict=_verdict(report),
        deployment=_deployment(report),
        groups=by_rule,
        ecosystems=sorted(ecosystems.items()),
        licenses=licenses.most_common(),
    )
