"""The gate decision: does this report fail the build at the chosen level?

A suppressed finding (a waiver, the baseline, a commercial license held) stays in the report but is not
counted: the decision was made, and it is shown rather than hidden.
"""

from __future__ import annotations

from osi_check.model import Finding, GateDecision, Severity

FAIL_LEVELS = ("error", "warning", "note", "never")


def decide(findings: tuple[Finding, ...], fail_on: str) -> GateDecision:
    if fail_on not in FAIL_LEVELS:
        raise ValueError(f"unknown fail level '{fail_on}' (use one of {', '.join(FAIL_LEVELS)})")
    if fail_on == "never":
        return GateDecision(fail_on, False, 0)
    threshold = Severity(fail_on).rank
    counted = sum(1 for f in findings if f.suppression is None and f.severity.rank >= threshold)
    return GateDecision(fail_on, counted > 0, counted)
