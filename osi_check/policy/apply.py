"""Applying the policy to a scan's findings: a pure function of the findings, the policy and the date.

Order matters and is fixed: (1) the policy's own license findings are added (allow/deny); (2) severity
overrides re-weigh findings by rule; (3) exceptions (waivers) and (4) commercial licenses held suppress
what they cover, unless expired; (5) entries that matched nothing, and expired ones, become findings
themselves, so a policy cannot rot unnoticed (cargo-deny's unused-entry warnings). Suppressed findings
stay in the result: only the gate stops counting them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fnmatch import fnmatchcase

from osi_check.facts import Component, FileLicense
from osi_check.model import Finding, FindingKind, Severity, Suppression
from osi_check.policy.findings import ENTRY_RULES, POLICY_RULES, entry_finding
from osi_check.policy.licenses import check_licenses
from osi_check.policy.model import CommercialLicense, Policy, Waiver
from osi_check.policy.scope import covers_component, covers_path



class _Subjects:
    """What a finding's subject is, in terms a scope can match: its component and its paths."""

    def __init__(self, components: tuple[Component, ...], files: tuple[FileLicense, ...]):
        self.components = {c.key: c for c in components}
        self.file_component = {f.path: f.component_key for f in files}

    def component(self, finding: Finding) -> Component | None:
        key = finding.subject.key
        if finding.subject.type == "file":
            key = self.file_component.get(key, "")
        return self.components.get(key)

    def paths(self, finding: Finding) -> tuple[str, ...]:
        component = self.component(finding)
        own = finding.subject.key if finding.subject.type == "file" else ""
        location = finding.subject.location.split(":", 1)[0]
        return (own, component.root if component and component.root not in (None, ".") else "", location)


def _covers(scope, finding: Finding, subjects: _Subjects) -> bool:
    return covers_component(scope, subjects.component(finding)) and covers_path(scope, subjects.paths(finding))


def _waives(waiver: Waiver, finding: Finding, subjects: _Subjects) -> bool:
    if waiver.rule and not fnmatchcase(finding.rule_id, waiver.rule):
        return False
    if waiver.fingerprint and finding.fingerprint != waiver.fingerprint:
        return False
    return _covers(waiver.scope, finding, subjects)


def _names_product(held: CommercialLicense, finding: Finding) -> bool:
    text = f"{finding.title}\n{finding.message}".casefold()
    return finding.topic == "commercial" and (held.product.casefold() in text
                                              or bool(held.vendor and held.vendor.casefold() in text))


def apply_policy(
    findings: tuple[Finding, ...],
    policy: Policy,
    today: date,
    *,
    components: tuple[Component, ...] = (),
    files: tuple[FileLicense, ...] = (),
    known_rules: frozenset[str] | None = None,
    license_choices: tuple | None = None,
) -> tuple[Finding, ...]:
    """The findings with the policy applied. `today` decides expiry (inject it: tests and reproducible CI).
    `known_rules` lets a [severity] entry for a rule that does not exist be reported; `license_choices`
    (policy.licenses.component_choices of the components) saves parsing the expressions again."""
    subjects = _Subjects(components, files)
    license_findings, used_allow = check_licenses(components, policy, license_choices)
    result = [*findings, *license_findings]
    entries: list[Finding] = []

    overrides = {o.rule: o for o in policy.severities}
    for override in policy.severities:
        if known_rules is not None and override.rule not in known_rules and override.rule not in POLICY_RULES:
            entries.append(entry_finding(
                "policy/unused-entry", policy.path, override.source,
                f"[severity] names the rule '{override.rule}', which does not exist (see: osi-check rules list).",
                f"severity {override.rule}", "A severity override for a rule that does not exist changes nothing; "
                "it is usually a misspelt rule id."))

    active_waivers = [w for w in policy.waivers if today <= w.expires]
    active_held = [c for c in policy.commercial if today <= c.expires]
    waiver_used: set[int] = set()
    held_used: set[int] = set()
    adjusted = []
    for finding in result:
        finding = _reweigh(finding, overrides)
        if finding.suppression is None and finding.rule_id not in ENTRY_RULES:
            finding = _suppress(finding, active_waivers, active_held, subjects, waiver_used, held_used)
        adjusted.append(finding)

    for waiver in policy.waivers:
        what = _describe(waiver)
        if today > waiver.expires:
            entries.append(entry_finding(
                "policy/expired-exception", policy.path, waiver.source,
                f"the exception for {what} (owner: {waiver.owner}) expired on {waiver.expires.isoformat()}; "
                "the findings it covered count again.",
                f"exception {what} {waiver.expires.isoformat()}",
                "An exception records a decision for a limited time. Review it with its owner: renew it with a "
                "new expiry date, or resolve the findings it covered and remove it."))
        elif id(waiver) not in waiver_used:
            entries.append(_unused(policy, waiver.source, f"the exception for {what} matches no finding",
                                   f"exception {what}"))
    for held in policy.commercial:
        if today > held.expires:
            entries.append(entry_finding(
                "policy/expired-commercial-license", policy.path, held.source,
                f"the commercial license for {held.product} expired on {held.expires.isoformat()}; findings that "
                "require it count again.",
                f"commercial {held.product} {held.expires.isoformat()}",
                "A commercial license satisfies the findings that require it only while it is valid. Renew it "
                "and update the expiry date, or stop using the components that require it."))
        elif id(held) not in held_used:
            entries.append(_unused(policy, held.source,
                                   f"the commercial license for {held.product} matches no finding",
                                   f"commercial {held.product}"))
    for entry in policy.allow:
        if entry.license not in used_allow:
            entries.append(_unused(policy, entry.source, f"the allowed license {entry.license} is used by no "
                                   "component", f"allow {entry.license}", Severity.NOTE))
    adjusted.extend(_reweigh(f, overrides) for f in entries)
    return tuple(sorted(adjusted, key=Finding.sort_key))


def _unused(policy: Policy, source: str, message: str, identity: str, severity: Severity | None = None) -> Finding:
    return entry_finding("policy/unused-entry", policy.path, source, message + ".", identity,
                         "An entry that matches nothing is either stale (the component or finding is gone) or "
                         "misspelt; remove or correct it so the policy says what is really decided.", severity)


def _describe(waiver: Waiver) -> str:
    parts = [p for p in (waiver.scope.purl, waiver.scope.versions, waiver.scope.path) if p]
    if waiver.fingerprint:
        parts.append(f"finding {waiver.fingerprint}")
    if waiver.rule:
        parts.append(f"rule {waiver.rule}")
    return " ".join(parts)


def _reweigh(finding: Finding, overrides) -> Finding:
    override = overrides.get(finding.rule_id)
    if override is None:
        return finding
    changed = replace(finding, severity=Severity(override.severity))
    if override.kind:
        changed = replace(changed, kind=FindingKind(override.kind))
    return changed


def _suppress(finding, waivers, held_licenses, subjects, waiver_used, held_used) -> Finding:
    for waiver in waivers:
        if _waives(waiver, finding, subjects):
            waiver_used.add(id(waiver))
            return replace(finding, suppression=Suppression(
                "waiver", waiver.reason, waiver.owner, waiver.expires.isoformat(), waiver.source))
    for held in held_licenses:
        if _names_product(held, finding) and _covers(held.scope, finding, subjects):
            held_used.add(id(held))
            seats = f", {held.seats} seat(s)" if held.seats else ""
            return replace(finding, suppression=Suppression(
                "commercial-license", f"commercial license held: {held.product}{seats}", "",
                held.expires.isoformat(), held.source))
    return finding
