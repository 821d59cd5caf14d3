"""Clarifications: a team's reading of a component's license, applied before the rules run.

Pinned to the sha256 of the license files it was read from (cargo-deny's `clarify`): when one of them
changes or disappears, the clarification is void (a finding says so) and the component keeps the license
osi-check concluded itself, because a changed file may well mean changed terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from osi_check.facts import Evidence, EvidenceKind, Facts, LicenseConclusion, Location
from osi_check.model import Finding
from osi_check.policy.findings import entry_finding
from osi_check.policy.model import Clarification, Policy
from osi_check.policy.scope import covers_component


def _location(source: str) -> Location:
    path, _, line = source.rpartition(":")
    return Location(path, int(line)) if path and line.isdigit() else Location(source)


def _clarified(entry: Clarification, old: LicenseConclusion) -> LicenseConclusion:
    reason = f": {entry.reason}" if entry.reason else ""
    evidence = Evidence(EvidenceKind.DECLARED, _location(entry.source), entry.expression,
                        f"clarified in the policy, pinned to {', '.join(f.path for f in entry.license_files)}{reason}")
    note = f"license clarified by the policy ({entry.source}) as {entry.expression}; osi-check read {old.expression}"
    return LicenseConclusion(entry.expression, (evidence, *old.evidence), (), (*old.notes, note),
                             additional_terms=old.additional_terms)


def clarify(facts: Facts, file_sha256: Callable[[str], str | None], *, policy: Policy) -> tuple[Facts, tuple[Finding, ...]]:
    """Facts with the valid clarifications applied, and findings for void or unused ones.
    `file_sha256(path)` gives the hex sha256 of a file of the tree, None if it cannot be read."""
    if not policy.clarifications:
        return facts, ()
    components = list(facts.components)
    findings = []
    for entry in policy.clarifications:
        targets = [i for i, c in enumerate(components) if covers_component(entry.scope, c)]
        if not targets:
            findings.append(entry_finding(
                "policy/unused-entry", policy.path, entry.source,
                f"the clarification for {entry.scope.purl} matches no component.", f"clarify {entry.scope.purl}",
                "A clarification that matches nothing is stale or misspelt; remove or correct it."))
            continue
        changed = [f.path for f in entry.license_files if file_sha256(f.path) != f.sha256]
        if changed:
            findings.append(entry_finding(
                "policy/clarification-void", policy.path, entry.source,
                f"the clarification of {entry.scope.purl} as {entry.expression} is void: "
                f"{', '.join(changed)} changed or is missing since it was pinned.",
                f"clarify {entry.scope.purl} {entry.expression}",
                "The clarification was made for license files with a given content. One of them changed, "
                "so its terms may have changed too: read it again, then pin the new sha256 "
                "(sha256sum FILE) or remove the clarification."))
            continue
        for i in targets:
            components[i] = replace(components[i], license=_clarified(entry, components[i].license))
    return replace(facts, components=tuple(components)), tuple(findings)
