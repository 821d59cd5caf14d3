"""Rule message templates: `{placeholder}` names a fact or a field of the subject.

Templates are data written by analysts, so they are filled by plain substitution (never str.format
or eval) and every placeholder is checked when the rule is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from osi_check import licensing
from osi_check.engine.compatibility import duty_weight, assess
from osi_check.engine.knowledge import LicenseFacts
from osi_check.engine.vocabulary import RESOLVERS, FactSpec, SubjectContext, addons_siblings, display

PLACEHOLDER = re.compile(r"\{([a-z]+\.[a-z.-]+)\}")

# Placeholders that are not facts: descriptive fields of the subject.
FIELDS = {
    "subject.name": lambda ctx: ctx.subject.name,
    "subject.location": lambda ctx: ctx.subject.location,
    "component.name": lambda ctx: ctx.component.name,
    "component.version": lambda ctx: ctx.component.version or "(no version)",
    "license.expression": lambda ctx: ctx.license.expression or "no license found",
    "license.raw": lambda ctx: raw_license_text(ctx),
    "application.name": lambda ctx: ctx.application.name if ctx.application else "the application",
    "application.license": lambda ctx: (ctx.application.license.expression if ctx.application else None)
    or "no license found",
}


def raw_license_text(ctx: SubjectContext) -> str:
    """The declarations as found, with where: what a reviewer needs to resolve an unknown license."""
    if not ctx.license.evidence:
        return "no license declaration or text"
    return "; ".join(f"'{e.quote}' ({e.location})" for e in ctx.license.evidence[:3])


def unknown_placeholders(template: str, vocabulary: dict[str, FactSpec]) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(template) if name not in FIELDS and name not in vocabulary})


def render(template: str, ctx: SubjectContext) -> str:
    def substitute(match: re.Match) -> str:
        name = match.group(1)
        if name in FIELDS:
            return FIELDS[name](ctx)
        if name in RESOLVERS:
            return display(RESOLVERS[name](ctx))
        return match.group(0)

    return PLACEHOLDER.sub(substitute, template)


# ---- placeholders drawn from the license knowledge and the deployed work ------------------------------------

MAX_LISTED = 20


def _listing(items: list[str], none: str) -> str:
    if not items:
        return none
    shown = ", ".join(items[:MAX_LISTED])
    return shown if len(items) <= MAX_LISTED else f"{shown} and {len(items) - MAX_LISTED} more"


def _governing_leaves(ctx: SubjectContext) -> list[licensing.Leaf]:
    """The licenses whose duties a finding describes: every part of a combination; of a choice, the option
    with the fewest duties (the one the licensee can take)."""
    if not ctx.license.expression:
        return []

    def walk(node) -> list[licensing.Leaf]:
        if isinstance(node, licensing.Leaf):
            return [node]
        if isinstance(node, licensing.AllOf):
            return [leaf for part in node.parts for leaf in walk(part)]
        return walk(min(node.parts, key=lambda part: duty_weight(part, ctx.knowledge)))

    return walk(licensing.parse(ctx.license.expression))


def knowledge_text(ctx: SubjectContext, pick: Callable[[LicenseFacts], str | None]) -> str:
    """One knowledge text per governing license, prefixed with the license when there are several."""
    texts: dict[str, list[str]] = {}
    for leaf in _governing_leaves(ctx):
        facts = ctx.knowledge.facts_for(leaf.key, leaf.exception)
        text = pick(facts) if facts else None
        if text:
            texts.setdefault(text, []).append(leaf.key)
    if not texts:
        return "(not recorded in rules/knowledge/licenses.yaml)"
    if len(texts) == 1:
        return next(iter(texts))
    return "; ".join(f"{', '.join(keys)}: {text}" for text, keys in texts.items())


def required_notices(ctx: SubjectContext) -> str:
    found = [
        f"{', '.join(repr(n) for n in term.required_notices) or repr(term.text)} ({term.location}, §{term.section})"
        if term.section else f"{', '.join(repr(n) for n in term.required_notices) or repr(term.text)} ({term.location})"
        for term in ctx.license.additional_terms
        if term.kind == "attribution"
    ]
    own = knowledge_text(ctx, lambda facts: facts.attribution)
    if not own.startswith("(not recorded"):
        found.append(own)
    return "; ".join(found) or "(none recorded)"


def modified_files(ctx: SubjectContext) -> str:
    if ctx.changes is None:
        return ("not measured: the modification was declared for the whole deployment (--modified yes); compare "
                "the tree with its upstream release to list the files")
    changed = [c for c in ctx.changes if c.counts_as_modification]
    return _listing([f"{c.path} ({c.status})" for c in changed], "none")


def _commercial(ctx: SubjectContext, attribute: str) -> str:
    return knowledge_text(ctx, lambda facts: getattr(facts.commercial, attribute) if facts.commercial else None)


def _disclosure(ctx: SubjectContext, kind: str, attribute: str) -> str:
    return knowledge_text(ctx, lambda facts: getattr(getattr(facts, kind), attribute) if getattr(facts, kind) else None)


def _assessment(ctx: SubjectContext):
    return assess(ctx.license, ctx.component, ctx.work, ctx.knowledge)


def _siblings(ctx: SubjectContext) -> str:
    return _listing([f"{m.name} ({m.license.expression or 'no license found'}, {m.location})" for m in addons_siblings(ctx)],
                    "none")


FIELDS.update({
    "license.required-notices": required_notices,
    "license.notices": lambda ctx: knowledge_text(ctx, lambda facts: facts.notices),
    "license.change-notice": lambda ctx: knowledge_text(ctx, lambda facts: facts.state_changes),
    "license.disclosure-scope": lambda ctx: _disclosure(ctx, "disclosure", "scope"),
    "license.disclosure-audience": lambda ctx: _disclosure(ctx, "disclosure", "audience"),
    "license.disclosure-method": lambda ctx: _disclosure(ctx, "disclosure", "method"),
    "license.network-disclosure-scope": lambda ctx: _disclosure(ctx, "network_disclosure", "scope"),
    "license.network-disclosure-audience": lambda ctx: _disclosure(ctx, "network_disclosure", "audience"),
    "license.network-disclosure-method": lambda ctx: _disclosure(ctx, "network_disclosure", "method"),
    "license.commercial-product": lambda ctx: _commercial(ctx, "product"),
    "license.commercial-vendor": lambda ctx: _commercial(ctx, "vendor"),
    "license.commercial-terms": lambda ctx: _commercial(ctx, "terms"),
    "license.elected": lambda ctx: _assessment(ctx).elected or "(no option fits)",
    "license.not-elected": lambda ctx: _listing(list(_assessment(ctx).rejected), "none"),
    "component.modified-files": modified_files,
    "component.addons-siblings": _siblings,
    "compatibility.problems": lambda ctx: "; ".join(_assessment(ctx).problems) or "none",
    "work.constraints": lambda ctx: ctx.work.describe(),
})
