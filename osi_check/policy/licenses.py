"""Allowed and denied licenses, with SPDX expression semantics.

An expression is read as its choices (disjunctive normal form): `MIT OR GPL-2.0-only` offers two, and the
licensee may pick one, so it passes when either choice does; `MIT AND BSD-3-Clause` is one choice with
both. A choice passes when none of its licenses is denied and, if an allow list is given, all of them
are allowed. A license with an exception (`GPL-2.0-only WITH Classpath-exception-2.0`) passes when it is
allowed as written or its base license is allowed: an exception only adds permissions.

Components whose license is unknown are left to the unknown-license rule: the policy cannot judge
what nobody has identified.
"""

from __future__ import annotations

from osi_check.facts import Component
from osi_check.model import Finding, Subject
from osi_check.policy.findings import component_finding
from osi_check.policy.model import Policy


def choices(node) -> list[frozenset[str]]:
    """The expression as alternatives, each the set of licenses that then all apply."""
    from osi_check import licensing

    if isinstance(node, licensing.Leaf):
        return [frozenset({f"{node.key} WITH {node.exception}" if node.exception else node.key})]
    if isinstance(node, licensing.AnyOf):
        return [c for part in node.parts for c in choices(part)]
    combined = [frozenset()]
    for part in node.parts:
        combined = [a | b for a in combined for b in choices(part)]
    return combined


def _base(license_: str) -> str:
    return license_.split(" WITH ", 1)[0]


Choices = tuple[tuple[str, ...], ...]  # the alternatives of one expression, each the licenses that then apply


def component_choices(components: tuple[Component, ...]) -> tuple[Choices, ...]:
    """Per component, in order: the choices its concluded license offers; () when it is unknown.

    Computed with the scan and kept in the cache with it, so a re-scan served from the cache applies an
    allow or deny list without loading the expression parser."""
    from osi_check import licensing

    out = []
    for component in components:
        conclusion = component.license
        if conclusion.expression is None or conclusion.unknown:
            out.append(())
        else:
            out.append(tuple(tuple(sorted(c)) for c in choices(licensing.parse(conclusion.expression))))
    return tuple(out)


def check_licenses(components: tuple[Component, ...], policy: Policy,
                   known_choices: tuple[Choices, ...] | None = None) -> tuple[tuple[Finding, ...], set[str]]:
    """Findings for components whose every choice breaks the policy, and the allow entries that were used.
    `known_choices` are `component_choices(components)` when the caller has them already."""
    if not (policy.allow or policy.deny):
        return (), set()
    if known_choices is None or len(known_choices) != len(components):
        known_choices = component_choices(components)
    allowed = {e.license for e in policy.allow}
    denied = {e.license for e in policy.deny}
    used: set[str] = set()
    findings = []
    for component, options in zip(components, known_choices):
        if not options:
            continue
        conclusion = component.license
        passing = []
        for option in options:
            blocked = {x for x in option if x in denied or _base(x) in denied}
            missing = {x for x in option if allowed and x not in allowed and _base(x) not in allowed}
            if not blocked and not missing:
                passing.append(option)
        if passing:
            # the first passing choice is the one the team relies on
            used |= {x if x in allowed else _base(x) for x in passing[0]}
            continue
        name = f"{component.name}@{component.version}" if component.version else component.name
        subject = Subject("component", component.key, name, str(component.location))
        every_choice_denied = all(any(x in denied or _base(x) in denied for x in o) for o in options)
        rule = "policy/license-denied" if every_choice_denied else "policy/license-not-allowed"
        what = "denies" if every_choice_denied else "does not allow"
        findings.append(component_finding(
            rule, subject,
            f"{name} is under {conclusion.expression}, which the policy ({policy.path}) {what}.",
            "Every choice this license expression offers includes a license outside the policy's allowed "
            "licenses or on its deny list. Replace the component, obtain it under other terms, or record a "
            "decision as an exception with an owner and an expiry date.",
            conclusion.expression,
        ))
    return tuple(findings), used
