"""Fee terms per license, from rules/knowledge/fees.yaml: which kinds of charge a license allows, forbids, caps at
cost, or leaves to a commercial license; and the words that tell a price-list line's kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from osi_check import licensing, resources

KINDS = ("license", "source", "copy", "media", "support", "hosting", "warranty", "services", "commercial-license", "other")
VERDICTS = ("allowed", "forbidden", "at-cost", "review", "commercial-license-required")


class FeeDataError(Exception):
    """rules/knowledge/fees.yaml is malformed (the message names the file and the entry)."""


@dataclass(frozen=True)
class FeeTerm:
    verdict: str
    reason: str
    citation: str
    url: str


@dataclass(frozen=True)
class FeeGroup:
    id: str
    ids: frozenset[str]
    osi_approved: bool | None
    terms: dict[str, FeeTerm]
    default: FeeTerm

    def term(self, kind: str) -> FeeTerm:
        return self.terms.get(kind, self.default)


def _term(data: dict, where: str) -> FeeTerm:
    if not isinstance(data, dict) or data.get("verdict") not in VERDICTS or not data.get("reason") or not data.get("citation"):
        raise FeeDataError(f"{where}: needs verdict (one of {', '.join(VERDICTS)}), reason and citation")
    return FeeTerm(data["verdict"], " ".join(data["reason"].split()), data["citation"], data.get("url", ""))


@cache
def load() -> tuple[tuple[tuple[str, re.Pattern], ...], tuple[FeeGroup, ...]]:
    """(kind recognisers in order, groups in order)."""
    path = resources.knowledge_file("fees.yaml")
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    kinds = []
    for kind, words in (data.get("kinds") or {}).items():
        if kind not in KINDS:
            raise FeeDataError(f"{path}: kinds: unknown kind '{kind}' (known: {', '.join(KINDS)})")
        kinds.append((kind, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)))
    groups = []
    for g in data.get("groups") or []:
        where = f"{path}: group {g.get('id')}"
        terms = {}
        for kind, term in (g.get("terms") or {}).items():
            if kind not in KINDS:
                raise FeeDataError(f"{where}: unknown kind '{kind}'")
            terms[kind] = _term(term, f"{where}: {kind}")
        groups.append(FeeGroup(g["id"], frozenset(g.get("ids") or ()), g.get("osi-approved"), terms,
                               _term(g.get("default"), f"{where}: default")))
    return tuple(kinds), tuple(groups)


def kind_of(what: str) -> str:
    """The kind of a line item from its wording ("other" when no word says)."""
    for kind, pattern in load()[0]:
        if pattern.search(what):
            return kind
    return "other"


def group_for(license_id: str, osi: bool | None = None) -> FeeGroup | None:
    osi = licensing.osi_approved(license_id) if osi is None else osi
    if osi is None and licensing.is_known_key(license_id):
        from osi_check.engine.knowledge import builtin_knowledge

        osi = builtin_knowledge().osi_approved(license_id)
    for group in load()[1]:
        if license_id in group.ids:
            return group
    for group in load()[1]:
        if not group.ids and group.osi_approved is not None and group.osi_approved == osi:
            return group
    return None


def fee_terms_brief(license_id: str, osi: bool | None = None) -> tuple[str, ...]:
    """One line per kind the license's group names, for `osi-check license`."""
    group = group_for(license_id, osi)
    if group is None:
        return ("no fee terms recorded: the license is not identified",)
    lines = [f"{kind}: {term.verdict} - {term.reason} ({term.citation})" for kind, term in group.terms.items()]
    lines.append(f"other charges: {group.default.verdict} - {group.default.reason}")
    return tuple(lines)
