"""The findings the policy itself produces: about components (a denied license) and about its own
entries (unused, expired, void). Built in one place so they look alike and fingerprint alike."""

from __future__ import annotations

from osi_check.model import Citation, Finding, FindingKind, Severity, Subject

POLICY_CITATION = Citation("osi-check policy file (README: Policy)")

# rule id -> (default severity, kind, title)
POLICY_RULES: dict[str, tuple[Severity, FindingKind, str]] = {
    "policy/license-denied": (Severity.ERROR, FindingKind.VIOLATION, "A license the policy denies"),
    "policy/license-not-allowed": (Severity.ERROR, FindingKind.VIOLATION, "A license the policy does not allow"),
    "policy/expired-exception": (Severity.WARNING, FindingKind.RISK, "A policy exception has expired"),
    "policy/expired-commercial-license": (Severity.WARNING, FindingKind.RISK, "A commercial license held has expired"),
    "policy/clarification-void": (Severity.WARNING, FindingKind.RISK,
                                  "A license clarification no longer applies: its license file changed"),
    "policy/unused-entry": (Severity.WARNING, FindingKind.NOTE, "A policy entry is not used"),
}
# findings about the policy's own entries: no exception or baseline can suppress them (fix the entry instead)
ENTRY_RULES = frozenset(r for r in POLICY_RULES if r not in ("policy/license-denied", "policy/license-not-allowed"))


def _fingerprint(*parts: str) -> str:
    from osi_check.engine.evaluate import fingerprint

    return fingerprint(*parts)


def entry_finding(rule_id: str, policy_path: str, source: str, message: str, identity: str, explanation: str,
                  severity: Severity | None = None) -> Finding:
    """A finding about a policy entry, located at its line. `identity` keeps the fingerprint stable when
    lines move (the entry's kind and what it names)."""
    default, kind, title = POLICY_RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        kind=kind,
        severity=severity or default,
        title=title,
        message=f"{source}: {message}",
        subject=Subject("file", policy_path, policy_path, source),
        explanation=explanation,
        citations=(POLICY_CITATION,),
        fingerprint=_fingerprint(rule_id, policy_path, identity),
        topic="policy",
    )


def component_finding(rule_id: str, subject: Subject, message: str, explanation: str, identity: str) -> Finding:
    severity, kind, title = POLICY_RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        kind=kind,
        severity=severity,
        title=title,
        message=message,
        subject=subject,
        explanation=explanation,
        citations=(POLICY_CITATION,),
        fingerprint=_fingerprint(rule_id, subject.key, identity),
        topic="policy",
    )
