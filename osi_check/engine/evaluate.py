"""Evaluating rules over the facts of a scan.

Each rule is evaluated for every subject it applies to. A condition that holds gives the rule's
finding. A condition that is unknown gives a needs-info finding instead of a silent pass; unknowns
are folded so a reader sees one question per missing fact, not one per rule:

1. if an explicit needs-info rule fired for the same subject and asks for one of the missing facts
   (say, the unknown-license rule, which asks for `license`), the waiting rule is listed on that
   finding: that question comes first, and answering it may settle or change the others;
2. otherwise rules waiting on the same facts for the same subject share one finding, led by the most
   severe of them, which lists the others in `waiting_rules`. Note-kind rules never lead: a note only
   explains, so on its own an unknown note is already covered by the rule it explains.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace

from osi_check.engine.compatibility import build_work
from osi_check.engine.conditions import Trace
from osi_check.engine.knowledge import Knowledge
from osi_check.engine.messages import render
from osi_check.engine.rules import Rule
from osi_check.engine.vocabulary import SBOM_READERS, SubjectContext, builtin_vocabulary
from osi_check.facts import Component, Evidence, EvidenceKind, Facts, Role
from osi_check.model import Action, FactUsed, Finding, FindingKind, Severity, Subject


def fingerprint(*parts: str) -> str:
    """Stable identity of a finding across runs: what and about whom, never where (lines move)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def subjects(facts: Facts, knowledge: Knowledge) -> dict[str, list[SubjectContext]]:
    """Every component and every file with its own license evidence, as rule subjects."""
    by_key: dict[str, Component] = {c.key: c for c in facts.components}
    sbom_present = any(set(c.sources) & SBOM_READERS for c in facts.components)
    out: dict[str, list[SubjectContext]] = {"component": [], "file": []}
    work = build_work(facts.components, facts.files, knowledge, facts.deployment.outbound_license)
    application = next((c for c in facts.components if c.role is Role.APPLICATION and c.root in (".", "", None)), None)
    # component keys and file paths that the upstream does not have
    not_in_upstream = set(facts.components_added) | {c.path for c in facts.changes if c.status == "added"}
    change_by_path = {c.path: c for c in facts.changes}
    changes_by_component: dict[str, list] = {}
    for change in facts.changes:
        if change.component_key is not None:
            changes_by_component.setdefault(change.component_key, []).append(change)
    for component in facts.components:
        name = f"{component.name}@{component.version}" if component.version else component.name
        subject = Subject("component", component.key, name, str(component.location))
        out["component"].append(
            SubjectContext(subject, component.license, component, facts.deployment, knowledge, sbom_present,
                           changes=_changes_of(component, facts, changes_by_component), application=application,
                           added=None if facts.upstream is None else component.key in not_in_upstream, work=work)
        )
    for file in facts.files:
        component = by_key.get(file.component_key)
        if component is None:  # every file belongs to some component; the pipeline guarantees it
            continue
        location = str(file.license.evidence[0].location) if file.license.evidence else file.path
        subject = Subject("file", file.path, file.path, location)
        component_changes = _changes_of(component, facts, changes_by_component)
        own = change_by_path.get(file.path)
        own_changes = None if component_changes is None else ((own,) if own and own.component_key == component.key else ())
        out["file"].append(SubjectContext(subject, file.license, component, facts.deployment, knowledge, sbom_present,
                                          changes=own_changes, application=application,
                                          added=_file_added(file.path, component, facts, not_in_upstream), work=work))
    return out


def _changes_of(component: Component, facts: Facts, changes_by_component: dict) -> tuple | None:
    """The component's changed files; None when it was not compared (no upstream, or no pristine copy
    of it in the upstream), so its modification status stays as declared."""
    if facts.upstream is None or component.key in facts.components_not_compared:
        return None
    return tuple(changes_by_component.get(component.key, ()))


def _file_added(path: str, component: Component, facts: Facts, added: set[str]) -> bool | None:
    """A file is not in the upstream when it was added, or its whole component was."""
    if facts.upstream is None:
        return None
    return component.key in added or path in added


def evaluate(rules: tuple[Rule, ...], facts: Facts, knowledge: Knowledge) -> tuple[Finding, ...]:
    all_subjects = subjects(facts, knowledge)
    findings: list[Finding] = []
    pending: list[tuple[Rule, SubjectContext, Trace]] = []
    for rule in rules:
        for subject_type in rule.applies_to:
            for ctx in all_subjects[subject_type]:
                trace = Trace()
                result = rule.when.evaluate(ctx, trace)
                if result is True:
                    findings.append(_finding(rule, ctx, trace))
                elif result is None:
                    pending.append((rule, ctx, trace))
    asks_for = {rule.id: rule.asks_for for rule in rules if rule.asks_for}
    findings = _fold_unknowns(findings, pending, asks_for)
    return tuple(sorted(findings, key=Finding.sort_key))


def _finding(rule: Rule, ctx: SubjectContext, trace: Trace) -> Finding:
    return Finding(
        rule_id=rule.id,
        kind=rule.kind,
        severity=rule.severity,
        title=rule.title,
        message=render(rule.message, ctx),
        subject=ctx.subject,
        explanation=rule.explanation,
        citations=rule.citations,
        facts=tuple(FactUsed(k, v) for k, v in sorted(trace.used.items())),
        evidence=evidence_for(rule, ctx),
        fingerprint=fingerprint(rule.id, ctx.subject.type, ctx.subject.key),
        topic=rule.topic,
        action=Action(*(render(rule.action[k], ctx) for k in ("what", "to-whom", "how", "by-when")))
        if rule.action else None,
    )


def evidence_for(rule: Rule, ctx: SubjectContext) -> tuple[Evidence, ...]:
    """The evidence a finding quotes, as the rule asks: the license evidence, the additional terms, or both."""
    found: list[Evidence] = []
    for source in rule.evidence:
        if source == "license":
            found.extend(ctx.license.evidence)
        for term in ctx.license.additional_terms if source in ("additional-terms", "attribution-terms") else ():
            if source == "attribution-terms" and term.kind != "attribution":
                continue
            section = f"§{term.section} " if term.section else ""
            notices = f"; notices to keep: {', '.join(term.required_notices)}" if term.required_notices else ""
            found.append(Evidence(EvidenceKind.ADDITIONAL_TERMS, term.location, term.text, f"{section}{term.kind}{notices}"))
    return tuple(found)


def _covers(asks_for: str, fact: str) -> bool:
    return fact == asks_for or fact.startswith(asks_for + ".")


def _fold_unknowns(
    findings: list[Finding], pending: list[tuple[Rule, SubjectContext, Trace]], asks_for: dict[str, str]
) -> list[Finding]:
    vocabulary = builtin_vocabulary()
    asking: dict[tuple[str, str], list[int]] = defaultdict(list)  # subject -> explicit needs-info findings
    for index, finding in enumerate(findings):
        if finding.kind is FindingKind.NEEDS_INFO and finding.rule_id in asks_for:
            asking[(finding.subject.type, finding.subject.key)].append(index)
    waiting: dict[int, set[str]] = defaultdict(set)
    groups: dict[tuple, list[tuple[Rule, SubjectContext, Trace]]] = defaultdict(list)
    for rule, ctx, trace in pending:
        target = next(
            (
                index
                for index in asking[(ctx.subject.type, ctx.subject.key)]
                if any(_covers(asks_for[findings[index].rule_id], fact) for fact in trace.unknown)
            ),
            None,
        )
        if target is not None:
            waiting[target].add(rule.id)
        else:
            groups[(ctx.subject.type, ctx.subject.key, tuple(sorted(trace.unknown)))].append((rule, ctx, trace))
    for index, rule_ids in waiting.items():
        findings[index] = replace(findings[index], waiting_rules=tuple(sorted(rule_ids)))
    for (_, _, unknown), members in sorted(groups.items()):
        leaders = sorted(
            (m for m in members if m[0].kind is not FindingKind.NOTE),
            key=lambda m: (-m[0].severity.rank, m[0].id),
        )
        if leaders:
            findings.append(_needs_info(leaders[0], unknown, members, vocabulary))
    return findings


def _needs_info(leader, unknown: tuple[str, ...], members, vocabulary) -> Finding:
    rule, ctx, trace = leader
    questions = " ".join(render(vocabulary[fact].question, ctx) for fact in unknown)
    if rule.if_unknown:
        message = f"{render(rule.if_unknown, ctx)} {questions}"
    else:
        message = f"{render(rule.message, ctx)} (not established: {questions})"
    used = [FactUsed(k, v) for k, v in sorted(trace.used.items())] + [FactUsed(k, "unknown") for k in unknown]
    return Finding(
        rule_id=rule.id,
        kind=FindingKind.NEEDS_INFO,
        # a question is at most a warning: --fail-on warning (or a policy) makes unanswered questions fail
        severity=min(rule.severity, Severity.WARNING, key=lambda s: s.rank),
        title=f"Needs information: {rule.title[0].lower()}{rule.title[1:]}",
        message=message,
        subject=ctx.subject,
        explanation=rule.explanation,
        citations=rule.citations,
        facts=tuple(used),
        evidence=evidence_for(rule, ctx),
        waiting_rules=tuple(sorted(m[0].id for m in members)),
        fingerprint=fingerprint(rule.id, ctx.subject.type, ctx.subject.key, "unknown", *unknown),
        topic=rule.topic,
    )
