"""What every human-facing report says first, computed once so the terminal, HTML, Markdown and NOTICE
reports agree: the verdict line, the deployment in words, the decisions a reader must take, the
obligations checklist (findings grouped by topic and by the concrete action they ask for), and the
license inventory grouped by category.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from osi_check.facts import Component
from osi_check.formats import license_texts
from osi_check.model import Action, Finding, FindingKind, Report, Severity

# Topics in the order a reader needs them; topics not listed follow in alphabetical order.
TOPIC_ORDER: tuple[str, ...] = (
    "disclosure", "source-form", "commercial", "osd", "open-core", "fees", "compatibility", "attribution",
    "notices", "change-notices", "media", "needs-info", "inventory",
)
TOPIC_TITLES: dict[str, str] = {
    "disclosure": "Source disclosure",
    "source-form": "Source form",
    "commercial": "Commercial licenses",
    "osd": "Open Source Definition",
    "open-core": "Open core",
    "fees": "Fees",
    "compatibility": "License compatibility",
    "attribution": "Attribution",
    "notices": "Notices",
    "change-notices": "Change notices",
    "media": "Media and assets",
    "needs-info": "Information needed",
    "inventory": "Inventory",
    "": "Other findings",
}
DECISION_KINDS = frozenset({FindingKind.NEEDS_INFO, FindingKind.RISK, FindingKind.VIOLATION})


def counts(report: Report) -> dict[str, int]:
    """Findings per severity that still count (waived findings are counted apart, as 'waived')."""
    out = {s.value: 0 for s in Severity}
    for finding in active(report.findings):
        out[finding.severity.value] += 1
    out["waived"] = len(report.findings) - sum(out.values())
    return out


def verdict(report: Report) -> str:
    counts_ = counts(report)
    if report.gate.fail_on == "never":
        head = "REPORT"
    else:
        head = "FAIL" if report.gate.failed else "PASS"
    parts = [f"{counts_['error']} error(s), {counts_['warning']} warning(s), {counts_['note']} note(s)"]
    if report.gate.fail_on != "never":
        parts.append(f"{report.gate.counted} at or above --fail-on {report.gate.fail_on}")
    if counts_["waived"]:
        parts.append(f"{counts_['waived']} waived")
    if report.partial:
        parts.append(f"PARTIAL SCAN: {len(report.problems)} input(s) could not be read")
    return f"{head}: " + "; ".join(parts)


def deployment_text(report: Report) -> str:
    d = report.deployment
    flags = [
        "distributed" if d.distributed else "not distributed",
        "network service" if d.network_service else "no outside network users",
        {True: "modified", False: "unmodified", None: "modification status unknown"}[d.modified]
        if report.upstream is None
        else f"compared with {report.upstream}: {sum(c.counts_as_modification for c in report.modifications)} "
        "file(s) changed",
    ]
    return f"{d.profile} ({', '.join(flags)})"


def topic_title(topic: str) -> str:
    return TOPIC_TITLES.get(topic, topic.replace("-", " ").capitalize())


def topic_key(topic: str) -> tuple[int, str]:
    return (TOPIC_ORDER.index(topic) if topic in TOPIC_ORDER else len(TOPIC_ORDER), topic)


def active(findings: tuple[Finding, ...]) -> list[Finding]:
    """Findings no waiver, baseline or held commercial license covers."""
    return [f for f in findings if f.suppression is None]


@dataclass(frozen=True)
class Decision:
    """One question or risk for the reader, with every subject it concerns."""

    rule_id: str
    title: str
    severity: str
    kind: str
    subjects: tuple[str, ...]
    example: str  # the message of the first finding, as an illustration


def decisions(report: Report) -> list[Decision]:
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(active(report.findings), key=Finding.sort_key):
        if finding.kind in DECISION_KINDS:
            groups.setdefault(finding.rule_id, []).append(finding)
    out = [
        Decision(rule_id, items[0].title, items[0].severity.value, items[0].kind.value,
                 tuple(f.subject.name for f in items), items[0].message)
        for rule_id, items in groups.items()
    ]
    return sorted(out, key=lambda d: (-{"error": 3, "warning": 2, "note": 1}[d.severity], d.rule_id))


@dataclass(frozen=True)
class ChecklistItem:
    action: Action
    rule_id: str
    title: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ChecklistTopic:
    topic: str
    title: str
    items: tuple[ChecklistItem, ...]


def checklist(report: Report) -> list[ChecklistTopic]:
    """Obligations that name a concrete action, grouped by topic, then by identical action (one line
    for 'give every remote user the source' however many components it covers)."""
    by_topic: dict[str, dict[tuple, list[Finding]]] = {}
    for finding in sorted(active(report.findings), key=Finding.sort_key):
        if finding.action is None:
            continue
        key = (finding.action, finding.rule_id)
        by_topic.setdefault(finding.topic, {}).setdefault(key, []).append(finding)
    return [
        ChecklistTopic(topic, topic_title(topic), tuple(
            ChecklistItem(action, rule_id, items[0].title, tuple(items))
            for (action, rule_id), items in groups.items()
        ))
        for topic, groups in sorted(by_topic.items(), key=lambda item: topic_key(item[0]))
    ]


@dataclass(frozen=True)
class DisclosureGroup:
    """Source-disclosure findings that ask the same thing (same rule, action, status): one row for
    every component it covers, however many there are."""

    rule_id: str
    title: str
    status: str  # obligation | needs information | waived (<kind>) | ...
    action: Action | None
    message: str  # the first finding's message, for groups without an action
    findings: tuple[Finding, ...]


def _status(finding: Finding) -> str:
    if finding.suppression is not None:
        return f"waived ({finding.suppression.kind})"
    return "needs information" if finding.kind is FindingKind.NEEDS_INFO else finding.kind.value


def disclosure(report: Report) -> list[DisclosureGroup]:
    """Source-disclosure obligations and the questions that decide them."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in sorted(report.findings, key=Finding.sort_key):
        if finding.topic == "disclosure":
            groups.setdefault((finding.rule_id, finding.action, _status(finding)), []).append(finding)
    return [DisclosureGroup(rule_id, items[0].title, status, action, items[0].message, tuple(items))
            for (rule_id, action, status), items in groups.items()]


def category_counts(components: tuple[Component, ...]) -> list[tuple[str, int]]:
    """Components per license category, in the fixed category order (empty categories left out)."""
    counts = Counter(license_texts.category(c.license.expression) for c in components)
    return [(name, counts[name]) for name in license_texts.CATEGORY_ORDER if counts[name]]


def licenses_used(report: Report) -> list[str]:
    """Every license and exception id the components and files are under, sorted."""
    ids: set[str] = set()
    for conclusion in [c.license for c in report.components] + [f.license for f in report.files]:
        ids.update(license_texts.leaf_ids(conclusion.expression))
    return sorted(ids)
