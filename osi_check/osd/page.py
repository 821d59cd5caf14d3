"""The `osi-check license` output: one LicenseAssessment as text, JSON or a self-contained HTML page.

Pure renderers (`render_*(assessment) -> str`), like osi_check.formats for a Report. The HTML is a Jinja2 template
(reports/templates/license.html.j2) with autoescaping on: a quoted clause from a vendor's text is data, never markup.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape

from osi_check import resources
from osi_check.model import LicenseAssessment

SCHEMA_ID = "https://osi-check.invalid/schemas/license-assessment-1.schema.json"
VERDICT_TEXT = {
    "osi-approved": "OSI-approved open source license",
    "conforms-not-approved": "conforms to the Open Source Definition, but is not OSI-approved",
    "does-not-conform": "does NOT conform to the Open Source Definition",
    "unclear": "unclear: could not be established from the text",
}
BASIS_TEXT = {
    "spdx-list": "the OSI flag of the SPDX license list",
    "curated": "a curated assessment (rules/knowledge/osd-curated.yaml), with the text read clause by clause where available",
    "clause-detectors": "the text read clause by clause (rules/osd-criteria/)",
}


def assessment_data(a: LicenseAssessment) -> dict:
    """The assessment as plain data: the JSON output, and the `license_assessments` entries of a report."""
    return {
        "license": a.license,
        "name": a.name,
        "verdict": a.verdict,
        "basis": a.basis,
        "location": a.location,
        "criteria": [
            {"number": c.number, "name": c.name, "verdict": c.verdict, "reason": c.reason, "clause": c.clause,
             "location": c.location}
            for c in a.criteria
        ],
        "notes": list(a.notes),
        "obligations": list(a.obligations),
        "fee_terms": list(a.fee_terms),
        "rights": list(a.rights),
    }


def render_json(a: LicenseAssessment) -> str:
    return json.dumps({"$schema": SCHEMA_ID, **assessment_data(a)}, indent=2, ensure_ascii=False) + "\n"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, 110, initial_indent=indent, subsequent_indent=indent) or [indent]


def render_text(a: LicenseAssessment) -> str:
    title = a.license + (f" ({a.name})" if a.name and a.name != a.license else "")
    lines = [f"{title}: {VERDICT_TEXT[a.verdict]}", f"basis: {BASIS_TEXT[a.basis]}"]
    lines += [f"note: {n}" for n in a.notes]
    lines.append("")
    lines.append("Open Source Definition, criterion by criterion:")
    for c in a.criteria:
        where = f"  ({c.location})" if c.location else ""
        lines.append(f"{c.number:>3}  {c.name:<46} {c.verdict.upper() if c.verdict != 'pass' else 'pass'}{where}")
        if c.clause:
            lines += _wrap(f"\"{c.clause}\"", "       ")
        if c.verdict != "pass" or c.reason.startswith("no clause restricts it; allowed"):
            lines += _wrap(f"why: {c.reason}", "       ")
    for heading, items in (("Obligations in brief", a.obligations), ("Fee terms in brief", a.fee_terms),
                           ("Rights a recipient receives", a.rights)):
        if items:
            lines += ["", f"{heading}:"]
            for item in items:
                lines += _wrap(f"- {item}", "  ")
    return "\n".join(lines) + "\n"


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(resources.template_dir())),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       keep_trailing_newline=True)


def render_html(a: LicenseAssessment) -> str:
    template = _environment().get_template("license.html.j2")
    return template.render(a=assessment_data(a), verdict_text=VERDICT_TEXT[a.verdict], basis_text=BASIS_TEXT[a.basis])


PAGE_FORMATS: dict[str, Callable[[LicenseAssessment], str]] = {
    "text": render_text,
    "json": render_json,
    "html": render_html,
}
