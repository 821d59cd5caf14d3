"""Putting a Report together from facts and findings, and deciding the gate.

Kept apart from the pipeline (which imports every reader and the rule engine) so that a re-scan served
from the cache can build its report without importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from osi_check import __version__
from osi_check.facts import Facts
from osi_check.gate import decide
from osi_check.model import Finding, Report

SCHEMA_VERSION = "1.0"


def assemble_report(
    facts: Facts,
    findings: tuple[Finding, ...],
    *,
    rules_digest: str,
    license_list_version: str,
    fail_on: str = "error",
    clock: Callable[[], datetime] | None = None,
) -> Report:
    """The Report for facts and (possibly policy-adjusted) findings; the gate counts unsuppressed findings."""
    findings = tuple(sorted(findings, key=Finding.sort_key))
    return Report(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        license_list_version=license_list_version,
        rules_digest=rules_digest,
        target=facts.target,
        deployment=facts.deployment,
        generated_at=clock().isoformat(timespec="seconds") if clock else None,
        components=facts.components,
        files=facts.files,
        findings=findings,
        problems=facts.problems,
        files_scanned=facts.files_scanned,
        skipped=facts.skipped,
        gate=decide(findings, fail_on),
        modifications=facts.changes,
        upstream=facts.upstream,
        files_unchanged=facts.files_unchanged,
        components_added=facts.components_added,
        components_not_compared=facts.components_not_compared,
    )
