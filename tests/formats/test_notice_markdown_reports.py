"""The attribution file and the pull-request summary: complete where it matters, inert where the tree
is hostile, and the summary within a comment's size limit however large the scan."""

from __future__ import annotations

import dataclasses
import re

from osi_check.facts import Scope
from osi_check.formats import markdown, notice
from osi_check.model import Finding, FindingKind, Severity, Subject
from tests.formats.conftest import PAYLOAD


def test_notice_lists_every_shipped_component_and_each_license_text_once(example):
    text = notice.render(example)
    shipped = [c for c in example.components if c.role.value != "application" and c.scope.shipped]
    for c in shipped:
        assert f"\n{c.name} {c.version}\n" in text or f"\n{c.name}\n" in text, c.name
    dev = [c for c in example.components if c.scope in (Scope.DEV, Scope.TEST)]
    assert dev and all(f"\n{c.name} {c.version}\n" not in text for c in dev)
    assert f"{len(dev)} development or test dependency(ies) are not shipped" in text
    assert text.count("----- MIT: MIT License -----") == 1
    assert "Permission is hereby granted, free of charge" in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text
    assert "----- LicenseRef-OPL-1 -----\nNo reference text is available" in text
    assert "Notice (addons/crm_lead_scoring/__manifest__.py:2): LGPL-3.0 or later" in text
    assert notice.render(example) == text


def test_notice_carries_copyright_lines_and_attribution_terms(example):
    from osi_check.facts import AdditionalTerm, Evidence, EvidenceKind, Location

    c = next(c for c in example.components if c.name == "jquery")
    license = dataclasses.replace(c.license, evidence=c.license.evidence + (
        Evidence(EvidenceKind.NOTICE, Location("public/js/jquery.js", 2), "Copyright OpenJS Foundation and other contributors"),),
        additional_terms=(AdditionalTerm("attribution", "keep the Powered by logo", Location("LICENSE", 700), "7(b)",
                                         ("Powered by SuiteCRM",)),))
    text = notice.render(dataclasses.replace(example, components=(dataclasses.replace(c, license=license),)))
    assert "Copyright: Copyright OpenJS Foundation and other contributors" in text
    assert "Additional terms §7(b) (attribution, LICENSE:700): keep the Powered by logo" in text
    assert "Must remain visible: Powered by SuiteCRM" in text


def test_markdown_summary_of_the_example(example):
    text = markdown.render(example)
    counts = example.count_by_severity()
    assert text.startswith(f"### osi-check: REPORT: {counts['error']} error(s), {counts['warning']} warning(s), "
                           f"{counts['note']} note(s)")
    assert "#### Decisions needed" in text and "The license could not be identified" in text
    assert "| warning | The license is not OSI-approved open source |" in text


def test_markdown_checklist_when_obligations_name_actions(full):
    text = markdown.render(full)
    assert "#### Obligations" in text
    assert "- [ ] **the Corresponding Source of the modified version** to every user" in text
    counted = [f for f in full.findings if f.suppression is None]
    by_level = [sum(f.severity.value == level for f in counted) for level in ("error", "warning", "note")]
    waived = sum(f.suppression is not None for f in full.findings)
    assert f"| {by_level[0]} | {by_level[1]} | {by_level[2]} | {waived} |" in text  # waived counted apart


def test_markdown_is_inert(hostile):
    text = markdown.render(hostile)
    assert PAYLOAD not in text and "<script" not in text and "<img" not in text
    assert "&lt;img src=x onerror=" in text
    assert "@everyone" not in text  # '@' is followed by a zero-width space: no mention
    assert "\\[x\\](javascript:" in text and not re.search(r"(?<!\\)\]\(javascript:", text)  # no link


def test_markdown_stays_within_a_pull_request_comment(example):
    subject = example.findings[0].subject
    many = tuple(
        Finding(f"needs-info/rule-{i % 400}", FindingKind.NEEDS_INFO, Severity.WARNING, f"Question {i % 400} " + "x" * 200,
                "m" * 300, dataclasses.replace(subject, name=f"pkg-{i}" + "y" * 150, key=f"k{i}"))
        for i in range(20_000)
    )
    text = markdown.render(dataclasses.replace(example, findings=many))
    assert len(text) <= markdown.LIMIT
    assert "and 385 more" in text


def test_terminal_report_shows_actions_and_waivers(full):
    from osi_check.formats import text

    out = text.render(full)
    assert "to do: the Corresponding Source of the modified version | for: every user who interacts" in out
    assert "WAIVED (waiver, until 2027-06-30): the module is published on the vendor's site" in out
    counted = [f for f in full.findings if f.suppression is None]
    errors, warnings, notes = (sum(f.severity.value == level for f in counted) for level in ("error", "warning", "note"))
    assert out.startswith(f"REPORT: {errors} error(s), {warnings} warning(s), {notes} note(s); 2 waived")
    assert all(f.severity.value != "error" for f in counted)  # the one error is waived
