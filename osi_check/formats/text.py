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
from osi_check.formats import summary
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
        verdict=summary.verdict(report),
        deployment=summary.deployment_text(report),
        groups=by_rule,
        ecosystems=sorted(ecosystems.items()),
        licenses=licenses.most_common(),
    )
