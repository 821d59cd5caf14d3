"""Identify a full license text (a LICENSE/COPYING file) against the reference texts.

`identify(text)` is a pure function. The method, in order:

1. Normalise both texts to word tokens: markup (HTML tags and entities, list markers such as "1." or
   "(a)" at the start of a line, markdown/comment punctuation) and case are dropped, "licence" reads as
   "license". Character offsets are preserved, so every token keeps its line in the file.
2. Cut both into word 5-gram shingles. A cheap set intersection picks the candidates worth a closer
   look; for those, an order-preserving one-to-one alignment of the shingles (patience-diff style:
   unique shingles anchor, the rest is matched in between) says which reference passages the file
   holds and which file words they explain. Order matters: the GNU "How to Apply These Terms" appendix
   contains the notice boilerplate "... or (at your option) any later version", and a project's own
   notice placed before the license must not be mistaken for (and absorbed by) that appendix.
3. coverage = the fraction of the reference's shingles found, in order, in the file. The part of a
   reference after "END OF TERMS AND CONDITIONS" (the how-to-apply appendix of the GNU and Apache
   texts) is optional: many files omit it, and that does not change the license. A reference passage
   replaced by a few words is a filled-in placeholder, not a change, when the reference words are
   only name-like ("the ORGANIZATION", "THE AUTHORS OR COPYRIGHT HOLDERS") or an FSF postal address.
   The best candidate maximises the harmonic mean of coverage and of the fraction of the file it
   explains: BSD-3 text holds every BSD-2 shingle, but BSD-2 leaves the third clause unexplained;
   AGPL-3.0 shares 90% of GPL-3.0. Ties go to the higher coverage, then the longer reference.
4. File words no match explains are extra text. Copyright lines and a short title line are not.
   For GNU licenses a version notice in the extra text decides "-only" / "-or-later"; text that is
   neither a notice nor a repeat of reference text marks additional terms (riders such as the Commons
   Clause or "The Software shall be used for Good, not Evil."), so the base license is never reported
   clean because it matched.
5. The rest of the file is tried again against the other candidates, so a file holding two license
   texts reports both (`others`).
"""

from __future__ import annotations


import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import compress, repeat
from operator import add
from typing import NamedTuple

from osi_check.detect.reference_texts import ReferenceText, candidates

SHINGLE = 5
ACCEPT = 0.80  # minimum coverage for a match
EXACT = 0.99  # coverage from which a text counts as unmodified
EXTRA_WORDS = 8  # an unexplained run of at least this many words is "extra text"
RIDER_WORDS = 20  # unexplained text outside the license body that counts as additional terms
_PREFILTER = 0.5  # set-coverage below which a candidate is not aligned at all
_APPENDIX_KEEP = 0.6  # an optional appendix counts as present only if this much of it matched
_MIN_REST = 80  # unexplained words needed before looking for a second license text

# --------------------------------------------------------------------------------------------------
# results


class ExtraText(NamedTuple):
    """A run of file text that no reference passage explains."""

    first_line: int
    last_line: int
    snippet: str  # whitespace-collapsed, at most 200 characters


@dataclass(frozen=True)
class Difference:
    """A place where the file departs from the reference inside the license body."""

    first_line: int
    last_line: int
    reference: str  # reference words missing here ("" for a pure insertion)
    found: str  # file words found instead ("" for a pure deletion)


@dataclass(frozen=True)
class Notice:
    """A license notice in the extra text that decides a GNU license's version scope."""

    line: int
    end_line: int
    quote: str
    scope: str  # "only" | "or-later"
    version: str


@dataclass(frozen=True)
class TextMatch:
    spdx_id: str  # concluded id: "GPL-3.0-only", "GPL-3.0-or-later" (notice), "MIT", ...
    text_id: str  # the id of the reference text itself (the front matter's spdx_license_key)
    key: str  # ScanCode key of the reference
    name: str
    coverage: float  # fraction of the reference's (required) shingles found in order
    explained: float  # fraction of the file's words (copyright/title lines aside) the match explains
    exact: bool  # coverage >= 0.99 and no extra text inside the license body
    modified: bool  # coverage < 0.99: parts of the reference are missing or changed
    first_line: int  # line span of the matched text
    last_line: int
    quote: str  # first non-empty line of the matched text, at most 120 characters
    missing_passages: int = 0  # reference passages missing or replaced
    differences: tuple[Difference, ...] = ()
    extra_text: tuple[ExtraText, ...] = ()
    additional_terms: bool = False
    rider_text: tuple[ExtraText, ...] = ()  # the extra text that makes additional_terms
    version_scope: str | None = None  # "only" | "or-later" | None (GNU licenses, from a notice)
    notice: Notice | None = None
    notes: tuple[str, ...] = ()
    others: tuple[TextMatch, ...] = ()  # further license texts found in the rest of the file

    @property
    def gnu(self) -> bool:
        return _gnu_version(self.text_id) is not None


# --------------------------------------------------------------------------------------------------
# normalisation

_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")  # HTML tags; also <https://...> and <year>, in both texts alike
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#[xX][0-9A-Fa-f]{1,6});")
_MARKER = re.compile(
    r"^[ \t>*#+-]*\(?(?:[0-9]{1,2}(?:\.[0-9]{1,2})*|[A-Za-z]|[ivxIVX]{1,5})[.)](?=\s)", re.MULTILINE
)
_VARIANTS = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "licencing": "licensing",
    "licencee": "licensee",
    "licencees": "licensees",
    "licencor": "licensor",
    "licencors": "licensors",
}
_IGNORABLE_LINE = re.compile(
    r"^[ \t#*/>;-]*(?:copyright\b|\(c\)|©|portions\s+copyright\b|all\s+rights\s+reserved)[^\n]*",
    re.IGNORECASE | re.MULTILINE,
)
_NOT_TITLE = re.compile(r"spdx|\bonly\b|\blater\b|\+|\bexcept|\bnot\b", re.IGNORECASE)
_LICENSE_IN_TITLE = re.compile(r"\blicen[cs]e\b", re.IGNORECASE)  # a short line naming a license is a title


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group())


@dataclass(frozen=True)
class _Doc:
    text: str
    tokens: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    lines: tuple[int, ...]  # 1-based line of each token
    ignorable: tuple[bool, ...]  # token is on a copyright or title line


def _tokenize(text: str) -> _Doc:
    cleaned = _TAG.sub(_blank, text)
    cleaned = _ENTITY.sub(_blank, cleaned)
    cleaned = _MARKER.sub(_blank, cleaned)
    newlines = [-1] + [m.start() for m in re.finditer("\n", text)]  # bisect_right gives the 1-based line
    ignorable_lines: set[int] = set()
    for m in _IGNORABLE_LINE.finditer(cleaned):
        ignorable_lines.add(bisect_right(newlines, m.start()))
    seen: set[int] = set()
    for m in _LICENSE_IN_TITLE.finditer(cleaned):
        line_no = bisect_right(newlines, m.start())
        if line_no in seen:
            continue
        seen.add(line_no)
        end = newlines[line_no] if line_no < len(newlines) else len(cleaned)
        line = cleaned[newlines[line_no - 1] + 1 : end].strip()
        if (
            len(line) <= 100
            and len(_WORD.findall(line)) <= 8
            and not line.rstrip("*_ ").endswith((".", ":", ";", ","))
            and not _NOT_TITLE.search(line)
        ):
            ignorable_lines.add(line_no)
    raw = _WORD.findall(cleaned)
    variants = _VARIANTS
    tokens = [variants.get(w, w) for w in map(str.lower, raw)]
    starts = [m.start() for m in _WORD.finditer(cleaned)]
    ends = list(map(add, starts, map(len, raw)))
    lines = list(map(bisect_right, repeat(newlines, len(starts)), starts))
    ignorable = [line in ignorable_lines for line in lines] if ignorable_lines else [False] * len(lines)
    return _Doc(text, tuple(tokens), tuple(starts), tuple(ends), tuple(lines), tuple(ignorable))


def _shingles(tokens) -> list[int]:
    """Word 5-grams, as hashes: a 2 MiB file has 300,000 of them, and every set or dict operation on
    them would otherwise hash a 5-tuple again. (Hash equality stands for 5-gram equality; a collision
    between two different 5-grams of 64-bit hashes is negligible, and could only add one matched shingle.)"""
    t = tokens
    return list(map(hash, zip(t, t[1:], t[2:], t[3:], t[4:])))


def _collapse(raw: str, limit: int) -> str:
    parts = [line.strip().lstrip("#*/;>").strip() for line in raw.split("\n")]
    text = re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------------
# prepared references


def _gnu_version(spdx_id: str) -> tuple[str, str] | None:
    m = re.fullmatch(r"(A?GPL|LGPL)-(\d\.\d)-only", spdx_id)
    return (m.group(1), m.group(2)) if m else None


@dataclass(frozen=True)
class _Ref:
    ref: ReferenceText
    doc: _Doc
    shingles: tuple[int, ...]
    required: int  # shingles [0, required) are the license terms; the rest is an optional appendix
    optional_from: int  # first token of the optional appendix
    required_set: frozenset
    all_set: frozenset


@cache
def _references() -> tuple[_Ref, ...]:
    prepared = []
    for ref in candidates():
        doc = _tokenize(ref.text)
        toks = doc.tokens
        optional_from = len(toks)
        for i in range(len(toks) - 4):
            if toks[i : i + 5] == ("end", "of", "terms", "and", "conditions"):
                optional_from = i + 5
                break
        sh = _shingles(toks)
        required = max(0, min(len(sh), optional_from - (SHINGLE - 1)))
        prepared.append(
            _Ref(ref, doc, tuple(sh), required, optional_from, frozenset(sh[:required]), frozenset(sh))
        )
    return tuple(prepared)


# --------------------------------------------------------------------------------------------------
# alignment


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs (sorted by first item) whose second items increase."""
    tails: list[int] = []  # second item of the last pair of the best chain of each length
    tail_idx: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        # strictly increasing: the first chain whose tail is >= j
        pos = bisect_left(tails, j)
        back[k] = tail_idx[pos - 1] if pos > 0 else -1
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos] = j
            tail_idx[pos] = k
    chain = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    chain.reverse()
    return chain


def _align(a, b, b_index: tuple[Counter, dict] | None = None) -> dict[int, int]:
    """A monotone one-to-one matching of equal items of `a` and `b` (patience diff).

    `b_index` may hold (Counter(b), {item: last position in b}) when several `a` are aligned with one `b`.
    """
    out: dict[int, int] = {}
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            out[alo] = blo
            alo += 1
            blo += 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi -= 1
            bhi -= 1
            out[ahi] = bhi
        if alo >= ahi or blo >= bhi:
            continue
        # unique in both ranges (C-level counting: the file side may be a 2 MiB text)
        part_a = a[alo:ahi]
        if b_index is not None and (blo, bhi) == (0, len(b)):
            count_b, pos_b = b_index
        else:
            part_b = b[blo:bhi]
            count_b, pos_b = Counter(part_b), dict(zip(part_b, range(blo, bhi)))
        pos_a = dict(zip(part_a, range(alo, ahi)))
        anchors = [
            (pos_a[x], pos_b[x]) for x, n in Counter(part_a).items() if n == 1 and count_b.get(x) == 1
        ]
        if not anchors:
            continue
        anchors.sort()
        prev_i, prev_j = alo, blo
        for i, j in _lis(anchors):
            out[i] = j
            if i > prev_i and j > prev_j:
                stack.append((prev_i, i, prev_j, j))
            prev_i, prev_j = i + 1, j + 1
        if ahi > prev_i and bhi > prev_j:
            stack.append((prev_i, ahi, prev_j, bhi))
    return out


# Reference words that stand for a name or are commonly replaced by one ("THE COPYRIGHT HOLDERS",
# "the ORGANIZATION", "[yyyy] [name of copyright owner]"): a small substitution of only these words is a
# filled-in placeholder, not a change of terms.
_PLACEHOLDER_WORDS = frozenset(
    "organization copyright holder holders owner owners author authors contributors the of and or its "
    "yyyy year name regents university california".split()
)
_NEGATING = frozenset("not no never nor except unless only without".split())
# The FSF has moved: GNU texts in the wild carry its older postal addresses. Replacing one address by
# another is not a change of terms.
_ADDRESS_WORDS = frozenset(
    "free software foundation inc franklin street st fifth floor boston ma massachusetts usa temple place "
    "suite mass ave avenue cambridge".split()
)


def _address_word(token: str) -> bool:
    return token in _ADDRESS_WORDS or token.isdigit()


@dataclass
class _Aligned:
    rref: _Ref
    coverage: float
    explained: float
    covered: bytearray  # per local file token: explained by this match
    first: int  # first/last covered local token
    last: int
    terms_last: int  # last local token covered by the license terms (before an optional appendix)
    gaps: list[tuple[int, int, int | None, int | None]]  # ref token gap [g0, g1], file tokens between flanks


def _match_ref(rref: _Ref, toks, fsh, ignorable, b_index=None) -> _Aligned | None:
    pairs = _align(rref.shingles, fsh, b_index)
    n_ref = len(rref.shingles)
    if rref.required < n_ref:
        appendix = [i for i in pairs if i >= rref.required]
        if len(appendix) < _APPENDIX_KEEP * (n_ref - rref.required):
            for i in appendix:
                del pairs[i]
    if not pairs:
        return None
    ref_cov = bytearray(len(rref.doc.tokens))
    covered = bytearray(len(toks))
    for i, j in pairs.items():
        ref_cov[i : i + SHINGLE] = b"\x01" * SHINGLE
        covered[j : j + SHINGLE] = b"\x01" * SHINGLE
    # gaps in the required reference text, and filled-in placeholders among them
    slot_tokens: set[int] = set()
    gaps = []
    rtoks = rref.doc.tokens
    g = 0
    appendix_kept = any(i >= rref.required for i in pairs)
    end = len(rtoks) if appendix_kept else rref.optional_from
    while g < end:
        if ref_cov[g]:
            g += 1
            continue
        g1 = g
        while g1 + 1 < end and not ref_cov[g1 + 1]:
            g1 += 1
        left = pairs.get(g - SHINGLE)
        right = pairs.get(g1 + 1)
        fl = left + SHINGLE if left is not None else None
        fr = right if right is not None else None
        replaced = fr - fl if fl is not None and fr is not None else None
        if replaced is not None and 1 <= replaced <= 12 and (
            (
                g1 - g + 1 <= 6
                and all(t in _PLACEHOLDER_WORDS for t in rtoks[g : g1 + 1])
                and not any(toks[k] in _NEGATING for k in range(fl, fr))
            )
            or (
                all(_address_word(t) for t in rtoks[g : g1 + 1])
                and all(_address_word(toks[k]) for k in range(fl, fr))
            )
        ):
            slot_tokens.update(range(g, g1 + 1))
            for k in range(fl, fr):
                covered[k] = 1
        elif g < rref.optional_from:  # differences in the how-to-apply appendix do not change the terms
            gaps.append((g, g1, fl, fr))
        g = g1 + 1
    required = rref.required
    if slot_tokens:
        present = sum(
            1
            for i in range(required)
            if i in pairs or any(t in slot_tokens for t in range(i, i + SHINGLE))
        )
    else:
        present = sum(map(required.__gt__, pairs))
    coverage = present / required if required else 0.0
    counted = len(toks) - sum(ignorable)
    explained = (sum(covered) - sum(compress(covered, ignorable))) / counted if counted else 0.0
    first, last = covered.find(1), covered.rfind(1)
    terms = [j for i, j in pairs.items() if i < required]
    terms_last = max(terms) + SHINGLE - 1 if terms else last
    return _Aligned(rref, coverage, explained, covered, first, last, terms_last, gaps)


def _best(toks, ignorable, exclude: set[str]) -> _Aligned | None:
    if len(toks) < SHINGLE:
        return None
    fsh = _shingles(toks)
    fset = set(fsh)
    bounds = []
    for rref in _references():
        if rref.ref.key in exclude or not rref.required_set:
            continue
        if len(rref.required_set & fset) / len(rref.required_set) < _PREFILTER:
            continue
        # upper bound of the coverage an alignment can reach (filled-in placeholders add a little)
        bound = sum(map(fset.__contains__, rref.shingles[: rref.required])) / rref.required + 0.02
        if bound >= ACCEPT:
            bounds.append((bound, rref))
    best: _Aligned | None = None
    best_key = None
    b_index = (Counter(fsh), dict(zip(fsh, range(len(fsh))))) if len(bounds) > 1 else None
    for bound, rref in sorted(bounds, key=lambda b: -b[0]):
        if best_key is not None and _score(min(bound, 1.0), 1.0) < best_key[0]:
            break  # cannot beat the best even if it explained the whole file
        aligned = _match_ref(rref, toks, fsh, ignorable, b_index)
        if aligned is None or aligned.coverage < ACCEPT:
            continue
        key = (_score(aligned.coverage, aligned.explained), aligned.coverage, len(rref.doc.tokens))
        if best_key is None or key > best_key:
            best, best_key = aligned, key
    return best


def _score(coverage: float, explained: float) -> float:
    """How well a candidate accounts for the file: harmonic mean of reference coverage and file explained.

    Coverage alone cannot tell BSD-3 from BSD-2 (BSD-3 text holds every BSD-2 shingle) or a modified AGPL
    from GPL-3 (they share 90% of their text); the candidate that also explains the file wins.
    """
    return 2 * coverage * explained / (coverage + explained) if coverage + explained else 0.0


# --------------------------------------------------------------------------------------------------
# version notices and riders

_S = r"(?:[\s#*>]|//)+"
_OR_LATER = re.compile(
    r"\bversion" + _S + r"(?P<v>\d+(?:\.\d+)?)"
    r"(?:" + _S + r"of" + _S + r"the" + _S + r"(?:[\w-]+" + _S + r"){0,5}?licen[cs]e)?"
    r"[\s#*>,;]*(?:or|and/or)" + _S + r"(?:\(at" + _S + r"your" + _S + r"option\)" + _S + r")?"
    r"(?:any" + _S + r")?later\b",
    re.IGNORECASE,
)
_ID_SCOPE = re.compile(
    r"\b(?P<fam>A?GPL|LGPL)[\s-]?v?(?P<v>\d(?:\.\d)?)(?P<s>[\s-]+or[\s-]+later\b|\+|[\s-]+only\b)", re.IGNORECASE
)
_VERSION = re.compile(r"\bversion" + _S + r"(?P<v>\d+(?:\.\d+)?)(?!\.?\d)", re.IGNORECASE)
_LICENSE_WORD = re.compile(r"licen[cs]e|\bgpl\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n[ \t#*/>;]*\n")
_RESTRICTIVE = re.compile(
    r"\b(?:shall|must|may\s+not|not\s+(?:be\s+)?(?:used|permitted|allowed|sold|sell)|prohibit\w*|restrict\w*|"
    r"commercial\w*|evil|only\s+be\s+used|sell|fee)\b",
    re.IGNORECASE,
)


def _norm_version(v: str) -> str:
    return v if "." in v else f"{v}.0"


def _sentence(text: str, lo: int, hi: int, ms: int, me: int) -> tuple[int, int]:
    """The sentence around text[ms:me], bounded by [lo, hi)."""
    start = lo
    for m in _SENTENCE_END.finditer(text, lo, ms):
        start = m.end()
    m = _SENTENCE_END.search(text, me, hi)
    end = m.end() if m else hi
    if end == hi and text[end : end + 1] in (".", ";", "!", "?"):
        end += 1
    return start, end


def _find_notices(text: str, runs: list[tuple[int, int]]) -> list[tuple[str, str, str | None, int, int]]:
    """(scope, version, family-or-None, start, end) for every version notice in the runs (char spans)."""
    found = []
    for lo, hi in runs:
        spans = []
        for m in _OR_LATER.finditer(text, lo, hi):
            s, e = _sentence(text, lo, hi, m.start(), m.end())
            found.append(("or-later", _norm_version(m.group("v")), None, s, e))
            spans.append((s, e))
        for m in _ID_SCOPE.finditer(text, lo, hi):
            scope = "only" if m.group("s").strip(" -\t\n").lower() == "only" else "or-later"
            s, e = _sentence(text, lo, hi, m.start(), m.end())
            found.append((scope, _norm_version(m.group("v")), m.group("fam").upper(), s, e))
            spans.append((s, e))
        for m in _VERSION.finditer(text, lo, hi):
            s, e = _sentence(text, lo, hi, m.start(), m.end())
            if any(a <= m.start() < b for a, b in spans):
                continue
            sentence = text[s:e]
            if not _LICENSE_WORD.search(sentence) or re.search(r"\blater\b", sentence, re.IGNORECASE):
                continue
            found.append(("only", _norm_version(m.group("v")), None, s, e))
            spans.append((s, e))
    found.sort(key=lambda f: f[3])
    return found


# --------------------------------------------------------------------------------------------------
# the result


def _line_of(doc: _Doc, offset: int) -> int:
    return doc.text.count("\n", 0, offset) + 1


def _runs(mask_uncovered: list[bool]) -> list[tuple[int, int]]:
    runs = []
    k, n = 0, len(mask_uncovered)
    while k < n:
        if not mask_uncovered[k]:
            k += 1
            continue
        e = k
        while e + 1 < n and mask_uncovered[e + 1]:
            e += 1
        runs.append((k, e))
        k = e + 1
    return runs


def _whole_lines(text: str, lo: int, hi: int) -> str:
    """text[lo:hi] widened to whole lines, so a quoted rider reads as written."""
    start = text.rfind("\n", 0, lo) + 1
    end = text.find("\n", hi)
    return text[start : end if end >= 0 else len(text)]


def _pct(value: float) -> str:
    pct = int(value * 1000) / 10
    return f"{pct:.0f}" if pct == int(pct) else f"{pct:.1f}"


def _line_list(spans) -> str:
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in spans[:8]]
    return ", ".join(parts) + (", ..." if len(spans) > 8 else "")


@lru_cache(maxsize=512)
def identify(text: str) -> TextMatch | None:
    """Identify the license text in `text`; None when no candidate covers at least 80% of its reference."""
    doc = _tokenize(text)
    n = len(doc.tokens)
    index = list(range(n))
    found: list[tuple[_Aligned, list[int]]] = []  # match, local->global token index
    covered = bytearray(n)
    used: set[str] = set()
    for _ in range(3):
        if len(index) == n:
            toks, ign = doc.tokens, doc.ignorable
        else:
            toks = [doc.tokens[k] for k in index]
            ign = [doc.ignorable[k] for k in index]
        aligned = _best(toks, ign, used)
        if aligned is None:
            break
        found.append((aligned, index))
        used.add(aligned.rref.ref.key)
        for local, flag in enumerate(aligned.covered):
            if flag:
                covered[index[local]] = 1
        index = [k for k in index if not covered[k] and not doc.ignorable[k]]
        if len(index) < _MIN_REST:
            break
    if not found:
        return None

    bodies = [(idx[a.first], idx[a.terms_last]) for a, idx in found]
    uncovered = [not covered[k] and not doc.ignorable[k] for k in range(n)]
    runs = _runs(uncovered)
    p_first, p_last = bodies[0]

    extra: list[ExtraText] = []
    riders: list[ExtraText] = []
    small_inserts: list[tuple[int, int]] = []
    inside_extra = False  # extra text or an inserted negation inside the primary license body
    for a, b in runs:
        words = b - a + 1
        lo, hi = doc.starts[a], doc.ends[b]
        raw = text[lo:hi]
        item = ExtraText(doc.lines[a], doc.lines[b], _collapse(_whole_lines(text, lo, hi), 200))
        inside = any(first < a and b < last for first, last in bodies)
        if words < EXTRA_WORDS:
            if inside:
                small_inserts.append((a, b))
                # a few inserted words that negate or restrict ("not", "shall be used for Good, not Evil")
                if any(t in _NEGATING for t in doc.tokens[a : b + 1]) or (words >= 3 and _RESTRICTIVE.search(raw)):
                    riders.append(item)
                    inside_extra = inside_extra or (p_first < a and b < p_last)
            elif (
                words >= 3
                and _RESTRICTIVE.search(raw)
                and not _is_notice_or_repeat(raw, doc.tokens[a : b + 1], found)
            ):
                riders.append(item)
            continue
        extra.append(item)
        if p_first < a and b < p_last:
            inside_extra = True
        if _is_notice_or_repeat(raw, doc.tokens[a : b + 1], found):
            continue
        if inside or words >= RIDER_WORDS or _RESTRICTIVE.search(raw):
            riders.append(item)

    notices = _find_notices(text, [(doc.starts[a], doc.ends[b]) for a, b in runs])
    matches = [
        _build(doc, a, idx, notices, small_inserts if k == 0 else [], inside_extra if k == 0 else False)
        for k, (a, idx) in enumerate(found)
    ]
    head = matches[0]
    notes = list(head.notes)
    if len(matches) > 1:
        notes.append(
            "the file holds several license texts: "
            + ", ".join(f"{m.text_id} (lines {m.first_line}-{m.last_line})" for m in matches)
        )
    if riders:
        notes.append(
            "text that is not part of the license: "
            + "; ".join(f"lines {r.first_line}-{r.last_line}" for r in riders)
            + " (read as additional terms)"
        )
    return replace(
        head,
        extra_text=tuple(extra),
        additional_terms=bool(riders),
        rider_text=tuple(riders),
        notes=tuple(dict.fromkeys(notes)),
        others=tuple(matches[1:]),
    )


def _is_notice_or_repeat(raw: str, tokens, found) -> bool:
    """A license notice, or text repeated from a matched reference (e.g. its how-to-apply notice)."""
    if _OR_LATER.search(raw) or _ID_SCOPE.search(raw):
        return True
    if len(tokens) < SHINGLE:
        return False
    sh = _shingles(tokens)
    for aligned, _ in found:
        all_set = aligned.rref.all_set
        if sum(map(all_set.__contains__, sh)) >= 0.8 * len(sh):
            return True
    return False


def _build(doc: _Doc, a: _Aligned, idx: list[int], notices, small_inserts, inside_extra: bool) -> TextMatch:
    rref = a.rref
    ref = rref.ref
    rdoc = rref.doc
    first, last = idx[a.first], idx[a.last]
    first_line, last_line = doc.lines[first], doc.lines[last]
    quote = doc.text.split("\n")[first_line - 1].strip()[:120]

    differences: list[Difference] = []
    in_gap: set[int] = set()
    for g0, g1, fl, fr in a.gaps:
        missing = _collapse(rdoc.text[rdoc.starts[g0] : rdoc.ends[g1]], 200)
        found_text = ""
        if fl is not None and fr is not None and fr > fl:
            found_text = _collapse(doc.text[doc.starts[idx[fl]] : doc.ends[idx[fr - 1]]], 200)
            in_gap.update(idx[k] for k in range(fl, fr))
        anchor = [idx[k] for k in (fl - 1 if fl else None, fr) if k is not None and 0 <= k < len(idx)]
        lines = [doc.lines[k] for k in anchor] or [first_line]
        differences.append(Difference(min(lines), max(lines), missing, found_text))
    for s, e in small_inserts:
        if all(k in in_gap for k in range(s, e + 1)):
            continue
        differences.append(
            Difference(doc.lines[s], doc.lines[e], "", _collapse(doc.text[doc.starts[s] : doc.ends[e]], 200))
        )
    differences.sort(key=lambda d: (d.first_line, d.last_line))

    modified = a.coverage < EXACT
    exact = not modified and not inside_extra
    notes = []
    spans = [(d.first_line, d.last_line) for d in differences]
    if modified:
        notes.append(
            f"the text differs from the {ref.spdx_id} reference: {len(differences)} passage(s) missing or changed"
            + (f" (lines {_line_list(spans)})" if spans else "")
        )
    elif differences:
        notes.append(
            f"{len(differences)} short passage(s) differ from the {ref.spdx_id} reference text "
            f"(lines {_line_list(spans)}); within tolerance"
        )

    spdx_id, scope, notice = ref.spdx_id, None, None
    gnu = _gnu_version(ref.spdx_id)
    if gnu:
        family, version = gnu
        relevant = [x for x in notices if x[1] == version and (x[2] is None or x[2] == family)]
        for x in [x for x in notices if x not in relevant][:3]:
            notes.append(
                f"a notice at line {_line_of(doc, x[3])} names {x[2] or 'version'} {x[1]}, the text is "
                f"{ref.spdx_id}; not used to decide the version"
            )
        scopes = {x[0] for x in relevant}
        if len(scopes) == 1:
            scope = scopes.pop()
            _, _, _, s, e = relevant[0]
            notice = Notice(
                _line_of(doc, s),
                _line_of(doc, max(s, e - 1)),
                _collapse(doc.text[s:e], 300),
                scope,
                version,
            )
            if scope == "or-later":
                spdx_id = f"{family}-{version}-or-later"
        elif len(scopes) > 1:
            notes.append(
                "notices disagree on 'or any later version' (lines "
                + ", ".join(str(_line_of(doc, x[3])) for x in relevant)
                + f"); read as {ref.spdx_id}"
            )
    return TextMatch(
        spdx_id=spdx_id,
        text_id=ref.spdx_id,
        key=ref.key,
        name=ref.name,
        coverage=a.coverage,
        explained=a.explained,
        exact=exact,
        modified=modified,
        first_line=first_line,
        last_line=last_line,
        quote=quote,
        missing_passages=len(a.gaps),
        differences=tuple(differences),
        version_scope=scope,
        notice=notice,
        notes=tuple(notes),
    )


def describe(match: TextMatch) -> str:
    """The evidence detail for a match: "<pct>% of the <id> text, exact" / ", modified: N ..."."""
    detail = f"{_pct(match.coverage)}% of the {match.text_id} text"
    if match.exact:
        return detail + ", exact"
    if match.modified:
        n = len(match.differences) or match.missing_passages
        return detail + f", modified: {n} reference passage{'s' if n != 1 else ''} missing or changed"
    return detail + ", with extra text inside"
