"""License notices, markers and additional terms in a file's comments, as knowledge-driven matchers.

What a notice looks like is knowledge, not code: rules/knowledge/notices.yaml (license notices with their
"How to Apply" citations), markers.yaml (commercial-file markers such as Twenty's `@license Enterprise`)
and additional-terms.yaml (GPL-3.0/AGPL-3.0 §7 terms, license exceptions, restrictions). This module only
compiles those patterns once and applies them to a `Prose` (comment text, markers stripped, white space
collapsed).

Matching is fast and bounded. A rule names the literal at which its matches start (`anchor`; what must
come before it is a separate `lead`): the pattern is only tried where the literal is, so a rule costs one
substring search in a file that does not contain it, and a few anchored matches in one that does. Rules
whose matches start in too many ways name literals they contain (`requires`) and are searched in windows
around them. Every pattern in the data is written with bounded repetitions, and each rule reports at most
`MAX_MATCHES` matches per examined region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from osi_check import licensing, resources
from osi_check.detect.comments import Prose, cap
from osi_check.detect.findings import Finding, TermFinding
from osi_check.facts import AdditionalTerm, EvidenceKind, Location

MAX_MATCHES = 20  # per rule and region: a file repeating a notice a thousand times is not a thousand licenses
_FLAGS = re.IGNORECASE
# A `requires` rule's pattern is searched in windows around its literals: this far before and after each one.
WINDOW_BEFORE = 300
WINDOW_AFTER = 1200
LEAD_CHARS = 160  # how far before its anchor a rule's `lead` may start


class KnowledgeError(ValueError):
    """A knowledge file of this module is malformed (an installation or editing error: fail loudly)."""


# --------------------------------------------------------------------------------------------------
# knowledge


@dataclass(frozen=True)
class _Hit:
    """A match of a rule: its lead (if any) and the pattern from the anchor on, as one span."""

    main: re.Match
    lead: re.Match | None

    def start(self) -> int:
        return self.lead.start() if self.lead is not None else self.main.start()

    def end(self) -> int:
        return self.main.end()

    def group(self, name: int | str = 0) -> str | None:
        if name == 0:
            return self.main.string[self.start(): self.end()]
        return self.groupdict().get(name)

    def groupdict(self) -> dict[str, str | None]:
        groups = dict(self.lead.groupdict()) if self.lead is not None else {}
        for key, value in self.main.groupdict().items():
            if value is not None or key not in groups:
                groups[key] = value
        return groups


@dataclass(frozen=True)
class _Finder:
    """Where a rule's pattern is tried: at its anchors (with its lead before), or near its required literals."""

    pattern: re.Pattern
    anchors: tuple[str, ...] = ()
    lead: re.Pattern | None = None
    requires: tuple[str, ...] = ()

    def finditer(self, prose: Prose, limit: int = MAX_MATCHES):
        count = 0
        if self.requires:
            for m in near(self.pattern, prose, self.requires, limit):
                yield _Hit(m, None)
            return
        flat, lower = prose.flat, prose.lower
        starts = sorted(i for anchor in self.anchors for i in occurrences(lower, anchor, limit * 4))
        end = -1
        for i in starts:
            if i < end:
                continue  # inside the previous match
            m = self.pattern.match(flat, i)
            if m is None:
                continue
            lead = None
            if self.lead is not None:
                lead = self.lead.search(flat, max(0, i - LEAD_CHARS), i)
                if lead is None:
                    continue
            end = m.end()
            yield _Hit(m, lead)
            count += 1
            if count >= limit:
                return


def occurrences(text: str, literal: str, limit: int) -> list[int]:
    found = []
    i = text.find(literal)
    while i >= 0 and len(found) < limit:
        found.append(i)
        i = text.find(literal, i + len(literal))
    return found


@dataclass(frozen=True)
class _Clause:
    pattern: re.Pattern
    window: int
    spdx: str | None
    note: str | None
    unless_before: re.Pattern | None = None


@dataclass(frozen=True)
class _Notice:
    id: str
    finder: _Finder
    family: str
    spdx: str
    version: re.Pattern | None
    or_later: re.Pattern | None
    only: re.Pattern | None
    alternative: re.Pattern | None
    kinds: dict[str, str]
    unversioned: dict[str, str]
    unversioned_note: str | None
    corrections: dict[str, dict]
    modifiers: tuple[_Clause, ...]
    alternatives: tuple[_Clause, ...]


@dataclass(frozen=True)
class _Marker:
    id: str
    finder: _Finder
    product: str
    license: str
    note: str


@dataclass(frozen=True)
class _Term:
    id: str
    finder: _Finder
    kind: str
    section: str | None
    quoted: bool
    exception: str | None
    applies_to: tuple[str, ...]
    confident: bool
    note: str | None


def _load(name: str) -> dict:
    data = yaml.safe_load(resources.knowledge_file(name).read_text("utf-8")) or {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"rules/knowledge/{name}: expected a mapping at the top")
    return data


def _compile(source: str, where: str) -> re.Pattern:
    try:
        return re.compile(source, _FLAGS)
    except re.error as exc:
        raise KnowledgeError(f"{where}: invalid pattern: {exc}") from None


def _requires(entry: dict, where: str) -> tuple[str, ...]:
    literals = tuple(str(r).lower() for r in entry.get("requires") or ())
    if not literals:
        raise KnowledgeError(f"{where}: 'requires' (the literals every match contains) is missing")
    return literals


def _finder(entry: dict, where: str) -> _Finder:
    pattern = _compile(entry["pattern"], where)
    if entry.get("anchor"):
        anchors = tuple(str(a).lower() for a in entry["anchor"])
        lead = _compile(f"(?:{entry['lead']})\\Z", f"{where}.lead") if entry.get("lead") else None
        return _Finder(pattern, anchors=anchors, lead=lead)
    if entry.get("requires"):
        return _Finder(pattern, requires=_requires(entry, where))
    raise KnowledgeError(f"{where}: a rule needs 'anchor' (where its matches start) or 'requires'")


def _optional(entry: dict, key: str, where: str) -> re.Pattern | None:
    return _compile(entry[key], f"{where}.{key}") if entry.get(key) else None


def _clauses(entry: dict, key: str, where: str) -> tuple[_Clause, ...]:
    return tuple(
        _Clause(_compile(c["pattern"], f"{where}.{key}"), int(c.get("window", 300)), c.get("spdx"), c.get("note"),
                _optional(c, "unless_before", f"{where}.{key}"))
        for c in entry.get(key) or ()
    )


@cache
def notice_rules() -> tuple[_Notice, ...]:
    rules = []
    for entry in _load("notices.yaml").get("notices") or ():
        where = f"notices.yaml {entry.get('id')}"
        rules.append(
            _Notice(
                id=entry["id"],
                finder=_finder(entry, where),
                family=entry["family"],
                spdx=entry["spdx"],
                version=_optional(entry, "version", where),
                or_later=_optional(entry, "or_later", where),
                only=_optional(entry, "only", where),
                alternative=_optional(entry, "alternative", where),
                kinds={" ".join(k.lower().split()): v for k, v in (entry.get("kinds") or {}).items()},
                unversioned={" ".join(k.lower().split()): v for k, v in (entry.get("unversioned") or {}).items()},
                corrections=dict(entry.get("corrections") or {}),
                unversioned_note=" ".join((entry.get("unversioned_note") or "").split()) or None,
                modifiers=_clauses(entry, "modifiers", where),
                alternatives=_clauses(entry, "alternatives", where),
            )
        )
    return tuple(rules)


@cache
def marker_rules() -> tuple[_Marker, ...]:
    return tuple(
        _Marker(m["id"], _finder(m, f"markers.yaml {m['id']}"), m["product"], m["license"],
                " ".join(m.get("note", "").split()))
        for m in _load("markers.yaml").get("markers") or ()
    )


@cache
def term_rules() -> tuple[_Term, ...]:
    return tuple(
        _Term(
            id=t["id"],
            finder=_finder(t, f"additional-terms.yaml {t['id']}"),
            kind=t["kind"],
            section=t.get("section"),
            quoted=t.get("required_notices") == "quoted",
            exception=t.get("exception"),
            applies_to=tuple(t.get("applies_to") or ()),
            confident=bool(t.get("confident", True)),
            note=" ".join(t["note"].split()) if t.get("note") else None,
        )
        for t in _load("additional-terms.yaml").get("terms") or ()
    )


@cache
def prefilter_words() -> tuple[str, ...]:
    """The literals (lower case) every file with license evidence contains (notices.yaml `prefilter`): a file
    is examined only if one of them is in the part examined. Plain substring searches, not a regex
    alternation: `in` on lower-cased text is a fast C scan, an alternation tries every position."""
    return tuple(str(w).lower() for w in _load("notices.yaml").get("prefilter") or ())


@cache
def prefilter_bytes() -> tuple[bytes, ...]:
    return tuple(w.encode("ascii") for w in prefilter_words())


@cache
def _license_text_triggers() -> tuple[tuple[tuple[str, ...], re.Pattern], ...]:
    return tuple(
        (_requires(t, "notices.yaml license_text_triggers"), _compile(t["pattern"], "notices.yaml license_text_triggers"))
        for t in _load("notices.yaml").get("license_text_triggers") or ()
    )


def license_text_trigger(prose: Prose) -> re.Match | None:
    """The first phrase in the prose that only a full license text contains (notices.yaml)."""
    found = [m for requires, pattern in _license_text_triggers() for m in near(pattern, prose, requires, 1)]
    return min(found, key=lambda m: m.start()) if found else None


def _windows(lower: str, literals: tuple[str, ...]) -> list[tuple[int, int]]:
    """Merged ranges around each occurrence of the literals (at most MAX_MATCHES occurrences each)."""
    n = len(lower)
    spans = []
    for literal in literals:
        i = lower.find(literal)
        count = 0
        while i >= 0 and count < MAX_MATCHES:
            spans.append((max(0, i - WINDOW_BEFORE), min(n, i + len(literal) + WINDOW_AFTER)))
            i = lower.find(literal, i + len(literal))
            count += 1
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def near(pattern: re.Pattern, prose: Prose, requires: tuple[str, ...], limit: int = MAX_MATCHES):
    """The pattern's matches in `prose.flat`, searched only near the literals every match contains: a rule
    costs a substring search where its literals are absent, and bounded regex work where they are."""
    count = 0
    for start, end in _windows(prose.lower, requires):
        for m in pattern.finditer(prose.flat, start, end):
            yield m
            count += 1
            if count >= limit:
                return


@cache
def _exception_names() -> tuple[tuple[re.Pattern, str], ...]:
    data = _load("additional-terms.yaml").get("terms") or ()
    return tuple(
        (_compile(r"\s*,?\s+" + name.replace(" ", r"\s+") + r"\b", "additional-terms.yaml names"), t["exception"])
        for t in data
        for name in t.get("names") or ()
    )


def with_exceptions(name: str) -> str:
    """A license name in prose with the exceptions it names written the SPDX way, for licensing.normalize:
    "GNU General Public License, version 2 with the GNU Classpath Exception" -> "... version 2 WITH
    Classpath-exception-2.0"."""
    for pattern, exception in _exception_names():
        name = pattern.sub(f" WITH {exception}", name, count=1)
    return name


# --------------------------------------------------------------------------------------------------
# matching


def _version(raw: str) -> str:
    raw = raw.strip().lstrip("vV").strip(". ")
    return raw if "." in raw else f"{raw}.0"


def _spdx_or_unknown(candidate: str, raw: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    if licensing.is_known_key(candidate):
        return candidate, (), ()
    return (
        licensing.UNKNOWN_PREFIX + re.sub(r"[^A-Za-z0-9.]+", "-", raw).strip("-.")[:60],
        (raw,),
        (f"the notice names {candidate}, which is not on the SPDX license list",),
    )


def _gnu_scope(rule: _Notice, tail: str, later: re.Match | None) -> tuple[str, str]:
    if later is not None:
        return "or-later", "says 'or any later version'"
    if rule.only is not None and rule.only.search(tail):
        return "only", "says 'only'"
    return "only", "names the version without 'or any later version': that version only"


def find_notices(prose: Prose) -> list[Finding]:
    """The license notices of notices.yaml in the prose."""
    found: list[Finding] = []
    for rule in notice_rules():
        for m in rule.finder.finditer(prose):
            found.append(_read_notice(rule, m, prose))
    return found


def _read_notice(rule: _Notice, m: re.Match, prose: Prose) -> Finding:
    flat = prose.flat
    groups = m.groupdict()
    tail = groups.get("tail") or ""
    version_raw = groups.get("version")
    if version_raw is None and rule.version is not None:
        vm = rule.version.search(tail)
        version_raw = vm.group("version") if vm else None
    later = rule.or_later.search(tail) if rule.or_later is not None else None
    alternative = rule.alternative.search(tail) if rule.alternative is not None else None
    written = " ".join((groups.get("kind") or "").lower().split())
    kind = rule.kinds.get(written) if rule.kinds else None
    notes: list[str] = []
    unknown: tuple[str, ...] = ()
    confident = True
    score = 1.0
    end = m.end()
    if rule.spdx == "normalize":
        raw = f"{m.group('name')} Public License {m.group('version')}"
        normalized = licensing.normalize(raw)
        expression, unknown = normalized.expression or licensing.UNKNOWN_PREFIX + "notice", normalized.unknown
        notes.extend(normalized.notes)
        confident = normalized.confident
        how = f"names '{raw}'"
    elif version_raw is None and written in rule.unversioned:
        expression = rule.unversioned[written]
        notes.append(f"{expression}: {rule.unversioned_note}" if rule.unversioned_note else expression)
        confident, score = False, 0.7
        how = "names no version"
    else:
        version = _version(version_raw) if version_raw else ""
        # "version 2.1, or (at your option) version 3, or any later version": the "or later" is the second's
        main_later = later if later is not None and (alternative is None or later.end() <= alternative.start()) else None
        scope, how = _gnu_scope(rule, tail, main_later)
        correction = rule.corrections.get(f"{kind}-{version}")
        if correction:
            kind = correction["spdx"].rsplit("-", 1)[0]
            notes.append(" ".join(correction["note"].split()))
            confident = False
        candidate = rule.spdx.format(kind=kind or "", version=version, scope=scope)
        expression, unknown, extra = _spdx_or_unknown(candidate, cap(flat[m.start():m.end()], 120))
        notes.extend(extra)
        if alternative is not None and _version(alternative.group("alternative")) != version:
            alt_scope = "or-later" if later is not None and later.end() > alternative.end() else "only"
            alt = rule.spdx.format(kind=kind or "", version=_version(alternative.group("alternative")), scope=alt_scope)
            alt_expr, alt_unknown, alt_notes = _spdx_or_unknown(alt, alt)
            expression = f"{expression} OR {alt_expr}"
            unknown += alt_unknown
            notes.extend(alt_notes)
            how += f"; or (at your option) version {alternative.group('alternative')}"
        elif "{scope}" not in rule.spdx:
            how = f"version {version}"
    for modifier in rule.modifiers:
        mm = modifier.pattern.search(flat, m.end(), m.end() + modifier.window)
        if mm and modifier.unless_before is not None and modifier.unless_before.search(flat, max(0, mm.start() - 120),
                                                                                      mm.start()):
            mm = None
        if mm:
            expression = modifier.spdx or expression
            if modifier.note:
                notes.append(" ".join(modifier.note.split()))
            end = max(end, mm.end())
    parts = [expression]
    for clause in rule.alternatives:
        am = clause.pattern.search(flat, m.end(), m.end() + clause.window)
        if not am:
            continue
        if clause.spdx:
            parts.append(clause.spdx)
        elif am.groupdict().get("name"):
            normalized = licensing.normalize(with_exceptions(am.group("name")))
            if normalized.expression:
                parts.append(normalized.expression)
                unknown += normalized.unknown
                notes.extend(n for n in normalized.notes if "sentence" not in n)
        end = max(end, am.end())
    if len(parts) > 1:
        expression = licensing.render(licensing.parse(" OR ".join(f"({p})" for p in parts)))
    first, last = prose.lines(m.start(), end)
    return Finding(
        kind=EvidenceKind.NOTICE,
        expression=expression,
        line=first,
        end_line=last,
        quote=cap(flat[m.start():end]),
        detail=f"{rule.family} notice ({rule.id}): {how}",
        score=score,
        unknown=tuple(dict.fromkeys(unknown)),
        notes=tuple(dict.fromkeys(notes)),
        confident=confident,
        choice=len(parts) > 1 or alternative is not None,
    )


def find_markers(prose: Prose) -> list[Finding]:
    """Markers (markers.yaml) that put the file under other terms."""
    found = []
    for rule in marker_rules():
        for m in rule.finder.finditer(prose):
            known = licensing.is_known_key(rule.license)
            quote = cap(m.group(0))
            first, last = prose.lines(m.start(), m.end())
            notes = [rule.note] if rule.note else []
            if not known:
                notes.append(f"{rule.license} is not in rules/knowledge/licenses.yaml yet: its terms are unknown to osi-check")
            found.append(
                Finding(
                    kind=EvidenceKind.MARKER,
                    expression=rule.license,
                    line=first,
                    end_line=last,
                    quote=quote,
                    detail=f"{rule.product} marker ({rule.id}): the file is under {rule.license}",
                    score=1.0,
                    unknown=() if known else (quote,),
                    notes=tuple(notes),
                )
            )
    return found


_QUOTED = re.compile(r"[\"“]([^\"“”]{1,80})[\"”]")


def find_terms(prose: Prose, path: str) -> list[TermFinding]:
    """Additional terms, exceptions and restrictions (additional-terms.yaml). A match inside the span of an
    earlier, more specific rule is not reported again by a generic one."""
    found: list[TermFinding] = []
    spans: list[tuple[int, int]] = []
    for rule in term_rules():
        for m in rule.finder.finditer(prose):
            if any(s < m.end() and m.start() < e for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            groups = m.groupdict()
            clause = groups.get("clause") or m.group(0)
            required: tuple[str, ...] = ()
            if rule.quoted:
                texts = [clause, groups.get("words") or ""]
                required = tuple(dict.fromkeys(" ".join(q.split()) for t in texts for q in _QUOTED.findall(t)))
            first, last = prose.lines(m.start(), m.end())
            found.append(
                TermFinding(
                    term=AdditionalTerm(
                        kind=rule.kind,
                        text=cap(clause, 300),
                        location=Location(path, first, last),
                        section=rule.section,
                        required_notices=required,
                    ),
                    detail=f"additional term ({rule.id})",
                    quote=cap(m.group(0)),
                    exception=rule.exception,
                    applies_to=rule.applies_to,
                    confident=rule.confident,
                    note=rule.note,
                )
            )
    return found
