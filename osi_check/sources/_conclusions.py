"""License conclusions built from several declarations of one package, shared by the sources.

A package often says its license more than once: a manifest field, a classifier, a license file, a
comment. Each is read into a `LicenseConclusion` of its own; `combine` puts them together the way the
resolver merges sources (first known wins, every one stays as evidence, a disagreement is a conflict),
with two refinements that only make sense inside one package:
- an unsure reading of a family ("BSD License") narrowed by a sure one (a BSD-2-Clause text) is not a
  conflict;
- a license text that matched a license but holds more (a rider, changed clauses) is never outranked:
  its unknown terms apply in addition to the declaration.
"""

from __future__ import annotations

import re
from dataclasses import replace

from osi_check import licensing
from osi_check.facts import Evidence, EvidenceKind, LicenseConclusion, Location
from osi_check.resolve import merge_conclusions

# A declared "license" longer than this, or spanning lines, is a pasted license text, not a name.
SHORT_LICENSE_CHARS = 200


def is_license_text(value: str) -> bool:
    stripped = value.strip()
    return len(stripped) > SHORT_LICENSE_CHARS or "\n" in stripped


def declared(raw: str, location: Location, detail: str, *, confident: bool = True) -> LicenseConclusion:
    """A declared license name or expression, normalised; the raw string is the evidence."""
    normalized = licensing.normalize(raw)
    evidence = (Evidence(EvidenceKind.DECLARED, location, raw, detail),)
    return LicenseConclusion(
        normalized.expression, evidence, normalized.unknown, normalized.notes,
        confident=confident and normalized.confident,
    )


def shift(conclusion: LicenseConclusion, path: str, first_line: int) -> LicenseConclusion:
    """A conclusion about a text embedded in a file at `first_line`: its evidence lines made file lines."""

    def moved(location: Location) -> Location:
        if location.line is None:
            return Location(path, first_line)
        end = None if location.end_line is None else location.end_line + first_line - 1
        return Location(path, location.line + first_line - 1, end)

    evidence = tuple(
        Evidence(e.kind, moved(e.location), e.quote, e.detail) for e in conclusion.evidence
    )
    return LicenseConclusion(
        conclusion.expression, evidence, conclusion.unknown, conclusion.notes, conclusion.confident,
        conclusion.conflicts,
    )


def combine(conclusions: list[LicenseConclusion], none_note: str) -> LicenseConclusion:
    """Several declarations of one package's license, strongest first, as the resolver merges them:
    the first known one wins, every one stays as evidence, a disagreement is recorded as a conflict.

    An unsure reading (a "BSD License" classifier read as BSD-3-Clause) that a sure declaration narrows
    within the same family (the license file is BSD-2-Clause) is not a disagreement: it stays as evidence,
    with a note saying which declaration decides.
    """
    present = [c for c in conclusions if c.expression or c.evidence]
    remarks = tuple(n for c in conclusions if c not in present for n in c.notes)  # e.g. a named file is missing
    if not present:
        return LicenseConclusion(None, notes=tuple(dict.fromkeys((none_note, *remarks))))
    if remarks:
        return _noted(combine(present, none_note), remarks)
    if len(present) == 1:
        return present[0]
    chosen = next((c for c in present if c.expression and not c.unknown and c.confident), None)
    kept, narrowed = [], []
    for conclusion in present:
        if (chosen is not None and conclusion is not chosen and not conclusion.confident and conclusion.expression
                and not conclusion.unknown and conclusion.expression != chosen.expression
                and _families(conclusion.expression) <= _families(chosen.expression)):
            narrowed.append(conclusion)
        else:
            kept.append(conclusion)
    merged = merge_conclusions(kept) if len(kept) > 1 else kept[0]
    if not merged.confident and any(c.confident and c.expression == merged.expression and not c.unknown for c in kept):
        merged = replace(merged, confident=True)  # an unsure reading that a sure declaration confirms
    merged = _with_added_terms(merged, kept)
    if not narrowed:
        return merged
    notes = [
        f"{_quoted(n)} does not say which license of its family is meant (read as {n.expression}); "
        f"{_where(chosen)} says {chosen.expression}"
        for n in narrowed
    ]
    return LicenseConclusion(
        merged.expression,
        tuple(dict.fromkeys((*merged.evidence, *(e for n in narrowed for e in n.evidence)))),
        merged.unknown,
        tuple(dict.fromkeys((*merged.notes, *notes))),
        merged.confident,
        merged.conflicts,
    )


def _noted(conclusion: LicenseConclusion, notes: tuple[str, ...]) -> LicenseConclusion:
    return replace(conclusion, notes=tuple(dict.fromkeys((*conclusion.notes, *notes))))


def _with_added_terms(merged: LicenseConclusion, conclusions: list[LicenseConclusion]) -> LicenseConclusion:
    """A license text that matched a license but holds more (a rider, changed clauses) is never outranked by a
    declaration: its unknown terms apply in addition to whatever was concluded (as for the root license file)."""
    added: list[str] = []
    unknown: list[str] = []
    stale: list[str] = []  # merge_conclusions' "the declared X is resolved by Y": not so for these texts
    for conclusion in conclusions:
        if conclusion.expression is None or not conclusion.unknown or conclusion is merged:
            continue
        if not any(e.kind is EvidenceKind.LICENSE_TEXT for e in conclusion.evidence):
            continue
        leaves = [leaf.key for leaf in licensing.leaves(licensing.parse(conclusion.expression))]
        if all(key.startswith(licensing.UNKNOWN_PREFIX) for key in leaves):
            continue  # a text that matched nothing: a declaration names the license better
        added.extend(key for key in leaves if key.startswith(licensing.UNKNOWN_PREFIX))
        unknown.extend(conclusion.unknown)
        stale.append(f"the declared {', '.join(conclusion.unknown)} is resolved by ")
    if not added or merged.expression is None:
        return merged
    present = {leaf.key for leaf in licensing.leaves(licensing.parse(merged.expression))}
    added = [a for a in dict.fromkeys(added) if a not in present]
    if not added:
        return merged
    parts = [f"({merged.expression})" if " " in merged.expression else merged.expression, *added]
    note = "a license text has terms osi-check could not identify; they apply in addition to the declaration"
    return LicenseConclusion(
        licensing.render(licensing.parse(" AND ".join(parts))),
        merged.evidence,
        tuple(dict.fromkeys((*merged.unknown, *unknown))),
        tuple(dict.fromkeys((*(n for n in merged.notes if not n.startswith(tuple(stale))), note))),
        merged.confident,
        merged.conflicts,
    )


_FAMILY = re.compile(r"^(?:LicenseRef-)?([A-Za-z]+|0BSD)")


def _families(expression: str) -> frozenset[str]:
    """License families of an expression: "BSD-3-Clause OR GPL-2.0-or-later" -> {BSD, GPL}."""
    out = set()
    for leaf in licensing.leaves(licensing.parse(expression)):
        found = _FAMILY.match(leaf.key)
        out.add(found.group(1).upper() if found else leaf.key)
    return frozenset(out)


def _quoted(conclusion: LicenseConclusion) -> str:
    evidence = conclusion.evidence[0] if conclusion.evidence else None
    return f"'{evidence.quote}' ({evidence.location})" if evidence else "an unsure declaration"


def _where(conclusion: LicenseConclusion) -> str:
    return str(conclusion.evidence[0].location) if conclusion.evidence else "a stronger declaration"
