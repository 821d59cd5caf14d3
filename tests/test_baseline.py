"""Baselines: what is recorded, what is suppressed, and what cannot be baselined."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from osi_check.baseline import Baseline, BaselineError, apply_baseline, load_baseline, render_baseline
from osi_check.gate import decide
from osi_check.model import Finding, FindingKind, Severity, Subject, Suppression


def finding(fingerprint: str, rule: str = "needs-info/unknown-license", suppression=None) -> Finding:
    return Finding(rule, FindingKind.NEEDS_INFO, Severity.ERROR, "t", "m",
                   Subject("component", f"pkg:npm/p{fingerprint[-1]}@1", "p", "package-lock.json:3"),
                   fingerprint=fingerprint, suppression=suppression)


def test_render_then_load_round_trips_sorted_and_skips_waived_and_policy_entry_findings(tmp_path):
    findings = (
        finding("00000000000000b2"),
        finding("00000000000000a1"),
        finding("00000000000000c3", suppression=Suppression("waiver", "ok", "anna", "2027-01-01", "osi-check.toml:3")),
        finding("00000000000000d4", rule="policy/expired-exception"),
        finding("00000000000000e5", suppression=Suppression("baseline", "known", source="old.json")),
    )
    text = render_baseline(findings)
    document = json.loads(text)
    assert [e["fingerprint"] for e in document["findings"]] == ["00000000000000a1", "00000000000000b2",
                                                                "00000000000000e5"]
    assert document["findings"][0] == {"fingerprint": "00000000000000a1", "rule": "needs-info/unknown-license",
                                       "subject": "pkg:npm/p1@1"}
    path = tmp_path / "baseline.json"
    path.write_text(text, "utf-8")
    assert load_baseline(path) == Baseline(str(path), frozenset({"00000000000000a1", "00000000000000b2",
                                                                  "00000000000000e5"}))
    assert render_baseline(findings) == text  # deterministic


def test_only_new_findings_count_and_policy_entry_findings_are_never_suppressed():
    known = Baseline("baseline.json", frozenset({"00000000000000a1", "00000000000000d4"}))
    findings = (finding("00000000000000a1"), finding("00000000000000b2"),
                finding("00000000000000d4", rule="policy/unused-entry"))
    applied = apply_baseline(findings, known)
    assert applied[0].suppression == Suppression("baseline", "recorded in the baseline: known before this change",
                                                 source="baseline.json")
    assert applied[1].suppression is None and applied[2].suppression is None
    assert decide(applied, "error").counted == 2
    waived = replace(findings[0], suppression=Suppression("waiver", "ok"))
    assert apply_baseline((waived,), known)[0].suppression.kind == "waiver"  # the waiver's word stands


@pytest.mark.parametrize("content, message", [
    ("[1, 2]", "not an osi-check baseline"),
    ('{"osi-check-baseline": 2, "findings": []}', "not an osi-check baseline"),
    ('{"osi-check-baseline": 1, "findings": {}}', '"findings" must be a list'),
    ('{"osi-check-baseline": 1, "findings": [{"rule": "x"}]}', "finding #1 has no valid"),
    ('{"osi-check-baseline": 1,\n "findings": [,]}', ":2: not valid JSON"),
])
def test_a_file_that_is_not_a_baseline_is_an_error_naming_it(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    path.write_text(content, "utf-8")
    with pytest.raises(BaselineError) as error:
        load_baseline(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)
