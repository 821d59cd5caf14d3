"""Rule message templates: `{placeholder}` names a fact or a field of the subject.

Templates are data written by analysts, so they are filled by plain substitution (never str.format
or eval) and every placeholder is checked when the rule is loaded.
"""

from __future__ import annotations

import re

from osi_check.engine.vocabulary import RESOLVERS, FactSpec, SubjectContext, display

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
