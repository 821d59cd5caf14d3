"""Identify a full license text (a LICENSE/COPYING file) against the reference texts.

The references are every license text of licensedcode-data (~2,150, LicenseRef-scancode-* and exceptions
included) and its license-text rules (~3,450 *known variants*: MIT with another wording, BSD with the holder
written in, ...), indexed once and cached (osi_check.detect.index). `identify(text)` is a pure function of
the text and that data. The method, in order:

1. Normalise both texts to word tokens (osi_check.detect.text_tokens): markup (HTML tags and entities,
   list markers such as "1." or "(a)", markdown/comment punctuation) and case are dropped, "licence" reads
   as "license". Character offsets are preserved, so every token keeps its line in the file.
2. Cut both into word 5-gram shingles. The index proposes candidates from a sample of rare reference
   shingles (a dict lookup per file shingle, whatever the number of references); the most promising are
   aligned, best first, until none of the rest can do better. The alignment is order-preserving and
   one-to-one (patience-diff style: unique shingles anchor, the rest is matched in between) and says which
   reference passages the file holds and which file words they explain. Order matters: the GNU "How to
   Apply These Terms" appendix contains the notice boilerplate "... or (at your option) any later
   version", and a project's own notice placed before the license must not be mistaken for (and absorbed
   by) that appendix.
3. coverage = the fraction of the reference's license terms (its shingles, except those on its copyright
   and title lines: another holder or no title is not another license) found, in order, in the file. The
   part of a reference after "END OF TERMS AND CONDITIONS" (the how-to-apply appendix of the GNU and Apache
   texts) is optional: many files omit it, and that does not change the license. A reference passage
   replaced by a few words is a filled-in placeholder, not a change, when the reference words are
   only name-like ("the ORGANIZATION", "THE AUTHORS OR COPYRIGHT HOLDERS") or an FSF postal address.
   The best candidate maximises the harmonic mean of coverage and of the fraction of the file it
   explains: BSD-3 text holds every BSD-2 shingle, but BSD-2 leaves the third clause unexplained;
   AGPL-3.0 shares 90% of GPL-3.0. Near-ties go to the license's own text over a known variant, then to
   fewer missing passages, the higher coverage, the longer reference. A known variant that matches is
   reported as such (`variant`), exact and not modified. A short text (or a ScanCode catch-all such as a
   bare warranty disclaimer) counts only when it is most of the file, not a passage of something longer;
   a rule that is several licenses in one text (GPL-2.0 with an exception) only when all of it is there.
4. File words no match explains are extra text. Copyright lines and a short title line are not.
   For GNU licenses a version notice in the extra text decides "-only" / "-or-later" (the database's
   "-or-later" texts, which are a notice plus the text, are not references for that reason); text that
   is neither a notice nor a repeat of reference text marks additional terms (riders such as "The
   Software shall be used for Good, not Evil." added to MIT), so the base license is never reported
   clean because it matched.
5. The rest of the file is tried again against the other candidates, so a file holding two license
   texts reports both (`others`): an exception after its license (`exception=True`), or a rider the
   database knows (the Commons Clause is LicenseRef-scancode-commons-clause) is named, not left as
   extra text.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left
from collections import Counter, deque
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import compress, repeat
from math import sqrt
from typing import NamedTuple

from osi_check.detect.index import LicenseIndex, PreparedRef, load_index
from osi_check.detect.text_tokens import SHINGLE, shingles
from osi_check.detect.text_tokens import Doc as _Doc
from osi_check.detect.text_tokens import tokenize as _tokenize

ACCEPT = 0.80  # minimum coverage for a match
EXACT = 0.99  # coverage from which a text counts as unmodified
EXTRA_WORDS = 8  # an unexplained run of at least this many words is "extra text"
RIDER_WORDS = 20  # unexplained text outside the license body that counts as additional terms
_PREFILTER = 0.5  # set-coverage below which a candidate is not aligned at all
_APPENDIX_KEEP = 0.6  # an optional appendix counts as present only if this much of it matched
_MIN_REST = 80  # unexplained words needed before looking for a second license text
_MAX_TEXTS = 8  # license texts looked for in one file
_POOL = 40  # references the index proposes per pass (from sampled shingles) ...
_CANDIDATES = 12  # ... of which at most this many are aligned, best exact bounds first
_EXACT_BOUNDS = 600  # references up to this many shingles get exact bounds before alignment, larger ones estimates
_TIE = 0.002  # scores closer than this are a tie (see _better)
_EXPLAINED_SLACK = 0.05  # the token-level share of a file a match explains exceeds the shingle-level one a little
_SHORT_REF = 40  # a reference with fewer shingles than this is short ...
_SHORT_EXPLAINED = 0.5  # ... and must explain this much of the text it is found in;
_GENERIC_EXPLAINED = 0.8  # a ScanCode catch-all (warranty-disclaimer, other-permissive, ...) this much

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
    spdx_id: str  # concluded id: "GPL-3.0-only", "GPL-3.0-or-later" (notice), "MIT", ... (an expression
    #               for the few texts that are themselves a choice: "Ruby OR GPL-2.0-only")
    text_id: str  # the id of the reference text itself (the front matter's spdx_license_key)
    key: str  # ScanCode key of the reference (a ScanCode expression for a compound known variant)
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
    variant: str | None = None  # the licensedcode rule ("mit_1044.RULE") when a known variant matched
    category: str = ""  # ScanCode category of the license: "Permissive", "Source-available", ...
    exception: bool = False  # the text is a license exception (read "<license> WITH <exception>")

    @property
    def gnu(self) -> bool:
        return _gnu_version(self.text_id) is not None


# --------------------------------------------------------------------------------------------------
# helpers


def _collapse(raw: str, limit: int) -> str:
    parts = [line.strip().lstrip("#*/;>").strip() for line in raw.split("\n")]
    text = re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _gnu_version(spdx_id: str) -> tuple[str, str] | None:
    m = re.fullmatch(r"(A?GPL|LGPL)-(\d\.\d)-only", spdx_id)
    return (m.group(1), m.group(2)) if m else None


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
    rref: PreparedRef
    coverage: float
    explained: float
    covered: bytearray  # per local file token: explained by this match
    first: int  # first/last covered local token
    last: int
    terms_last: int  # last local token covered by the license terms (before an optional appendix)
    gaps: list[tuple[int, int, int | None, int | None]]  # ref token gap [g0, g1], file tokens between flanks


def _covering(starts, n: int, widen: bool = True) -> bytearray:
    """Per token of a text of n tokens: 1 if a matched shingle starting at one of `starts` covers it
    (with widen=False: 1 where a matched shingle starts).

    The marks are set by a C-level map and widened to SHINGLE tokens by OR-ing shifted big integers (one
    byte per token): no Python loop over thousands of shingles.
    """
    marks = bytearray(n)
    deque(map(marks.__setitem__, starts, repeat(1)), maxlen=0)
    if not widen:
        return marks
    x = int.from_bytes(marks, "little")
    y = x
    for s in range(1, SHINGLE):
        y |= x << (8 * s)
    return bytearray(y.to_bytes(n + SHINGLE, "little")[:n])


def _match_ref(rref: PreparedRef, toks, fsh, ignorable, b_index=None) -> _Aligned | None:
    pairs = _align(rref.shingles, fsh, b_index)
    n_ref = len(rref.shingles)
    if rref.required < n_ref:
        appendix = [i for i in pairs if i >= rref.required]
        if len(appendix) < _APPENDIX_KEEP * (n_ref - rref.required):
            for i in appendix:
                del pairs[i]
    if not pairs:
        return None
    ref_cov = _covering(pairs.keys(), len(rref.tokens))
    covered = _covering(pairs.values(), len(toks))
    # gaps in the required reference text, and filled-in placeholders among them
    slot_tokens: set[int] = set()
    gaps = []
    rtoks = rref.tokens
    appendix_kept = any(i >= rref.required for i in pairs)
    end = len(rtoks) if appendix_kept else rref.optional_from
    g = ref_cov.find(0, 0, end)
    while g >= 0:
        g1 = ref_cov.find(1, g, end)
        g1 = (end if g1 < 0 else g1) - 1
        left = pairs.get(g - SHINGLE)
        right = pairs.get(g1 + 1)
        fl = left + SHINGLE if left is not None else None
        fr = right if right is not None else None
        replaced = fr - fl if fl is not None and fr is not None else None
        if rref.optional_lines.find(0, g, g1 + 1) < 0:
            # a copyright or title line of the reference: another holder, another year, or none at all
            slot_tokens.update(range(g, g1 + 1))
        elif replaced is not None and 1 <= replaced <= 12 and (
            (
                g1 - g + 1 <= 6
                and all(t in _PLACEHOLDER_WORDS for t in rtoks[g : g1 + 1])
                and not any(toks[k] in _NEGATING for k in range(fl, fr))
            )
            or (
                all(_address_word(t) for t in rtoks[g : g1 + 1])
                and all(_address_word(toks[k]) for k in range(fl, fr))
                # an address, not a version number: "Version 2.3" is not "Version 2.2.2"
                and any(t in _ADDRESS_WORDS for t in rtoks[max(0, g - 1) : g1 + 2])
            )
        ):
            slot_tokens.update(range(g, g1 + 1))
            for k in range(fl, fr):
                covered[k] = 1
        elif g < rref.optional_from:  # differences in the how-to-apply appendix do not change the terms
            gaps.append((g, g1, fl, fr))
        g = ref_cov.find(0, g1 + 1, end) if g1 + 1 < end else -1
    # coverage: the share of the license terms' shingles (required, off copyright/title lines) that matched
    # or touch a filled-in slot
    required = rref.required
    n = len(rtoks)
    y = int.from_bytes(_covering(pairs.keys(), n, widen=False), "little")
    if slot_tokens:
        slots = bytearray(n)
        deque(map(slots.__setitem__, slot_tokens, repeat(1)), maxlen=0)
        x = int.from_bytes(slots, "little")
        for s in range(SHINGLE):
            y |= x >> (8 * s)
    terms = rref.terms
    present = (y & int.from_bytes(terms, "little")).to_bytes(n, "little").count(1)
    n_terms = len(rref.terms_shingles)
    coverage = present / n_terms if n_terms else 0.0
    counted = len(toks) - sum(ignorable)
    explained = (sum(covered) - sum(compress(covered, ignorable))) / counted if counted else 0.0
    first, last = covered.find(1), covered.rfind(1)
    terms = [j for i, j in pairs.items() if i < required]
    terms_last = max(terms) + SHINGLE - 1 if terms else last
    return _Aligned(rref, coverage, explained, covered, first, last, terms_last, gaps)


def _best(index: LicenseIndex, toks, ids, ignorable) -> _Aligned | None:
    """The reference that best accounts for the text (tokens `toks`, token ids `ids`), if one covers 80%.

    The index proposes a pool of references from sampled shingles, with estimates of how much of each the
    text holds and how much of the text each explains. They are aligned one license at a time first (its
    own text, then other licenses, then variants), each in the order of the best score it could reach (the
    estimates widened by their sampling error); a reference whose exact set bounds cannot beat (or tie with)
    the best alignment so far is skipped, and at most `_CANDIDATES` are aligned. An exact text stops at
    the first alignment.
    """
    if len(toks) < SHINGLE:
        return None
    fsh = shingles(ids)
    fset = set(fsh)
    counted = set(compress(fsh, map(operator.not_, ignorable))) or fset
    n_counted = len(counted)
    # token-level "explained" exceeds the shingle-level share by the few tokens at the ends of matched runs
    slack = min(_EXPLAINED_SLACK, 40 / n_counted)
    order = []
    for cand in index.candidates(fset, n_counted, _POOL, _PREFILTER):
        r = cand.ref
        if index.size(r) <= _EXACT_BOUNDS:
            # a short reference: its sample is small and its estimate coarse, while exact bounds are cheap
            # (near-identical MIT/BSD variants differ in a few shingles only)
            rref = index.prepared(r)
            if not rref.terms_shingles:
                continue
            coverage = sum(map(fset.__contains__, rref.terms_shingles)) / len(rref.terms_shingles) + 0.02
            explained = len(rref.all_set & counted) / n_counted + slack
            if coverage < ACCEPT:
                continue
        else:
            c, n = cand.contained, cand.samples
            noise = 2 * sqrt(c * (1 - c) / n) + 1 / n
            coverage = c + noise
            explained = cand.explained * coverage / c + slack  # explained grows with contained
        optimistic = _score(min(1.0, coverage), min(1.0, explained))
        order.append((-optimistic, index.refs[r].variant is not None, -cand.contained, r))
    order = _one_per_license_first(index, sorted(order))
    best: _Aligned | None = None
    best_key = None
    best_reach = 0.0  # the best's score from set bounds, to compare its variants with
    b_index = None
    aligned_count = 0
    for neg_optimistic, _, _, r in order:
        if aligned_count >= _CANDIDATES or (best_key is not None and best_key[:2] >= (1.0, 1.0)):
            break
        if best_key is not None and -neg_optimistic < best_key[0] - _TIE:
            continue  # cannot beat (or tie with) the best
        rref = index.prepared(r)
        if not rref.terms_shingles:
            continue
        # exact bounds (set operations, a fraction of an alignment's cost): the coverage an alignment can
        # reach (filled-in placeholders add a little) and the share of the text it can explain
        bound = sum(map(fset.__contains__, rref.terms_shingles)) / len(rref.terms_shingles) + 0.02
        ref = rref.ref
        if bound < (EXACT + 0.02 if " " in ref.key else ACCEPT):
            continue  # (a text of several licenses counts only whole, see below)
        share = len(rref.all_set & counted) / n_counted
        if share + slack < _needed_explained(rref):
            continue
        if best_key is not None:
            if ref.variant is not None and best.rref.ref.variant is None and best.rref.ref.key == ref.key:
                # a variant of the license text that is already the best wins only by explaining more of
                # the file than it (a tie goes to the license text): compare like with like, shingles
                if _score(min(bound, 1.0), share) < best_reach + _TIE:
                    continue
            elif _score(min(bound, 1.0), min(1.0, share + slack)) < best_key[0] - _TIE:
                continue
        if b_index is None and aligned_count:
            b_index = (Counter(fsh), dict(zip(fsh, range(len(fsh)))))
        aligned = _match_ref(rref, toks, fsh, ignorable, b_index)
        aligned_count += 1
        if aligned is None or aligned.coverage < ACCEPT:
            continue
        ref = rref.ref
        if aligned.explained < _needed_explained(rref):
            # a short text, or a catch-all such as a bare warranty disclaimer, inside something longer: a
            # passage (the disclaimer of an Apache notice), not the license
            continue
        if " " in ref.key and aligned.gaps:
            # a text of several licenses ("GPL-2.0 WITH <exception>" as one rule) counts only when all of it is
            # there: its parts are references too, and a file that lacks a passage of it is read part by part
            continue
        key = (
            _score(aligned.coverage, aligned.explained),
            aligned.coverage,
            ref.variant is None,  # the license text itself before a known variant of it
            -len(aligned.gaps),
            len(rref.tokens),
            -rref.index,
        )
        if best_key is None or _better(key, best_key):
            best, best_key = aligned, key
            best_reach = _score(min(bound, 1.0), share)
    return best


def _needed_explained(rref: PreparedRef) -> float:
    return _GENERIC_EXPLAINED if rref.ref.generic else _SHORT_EXPLAINED if rref.required < _SHORT_REF else 0.0


def _better(key: tuple, than: tuple) -> bool:
    """Whether a candidate (score, coverage, is the license text, -gaps, length, -index) beats another.

    Scores within `_TIE` of each other are a tie (a GPL variant that differs in one line scores within
    0.0001 of the GPL text itself): then the license text wins over a known variant, then fewer missing
    passages, then the higher coverage and the longer reference.
    """
    if abs(key[0] - than[0]) > _TIE:
        return key[0] > than[0]
    return (key[2], key[3], key[1], key[4], key[5]) > (than[2], than[3], than[1], than[4], than[5])


def _one_per_license_first(index: LicenseIndex, order: list) -> list:
    """The order (best optimistic score first), with one reference per license moved to the front: the
    license's own text where it is proposed, else its best variant; then the other variants.

    A license with many variants in the data (GPL-3.0, Apache-2.0, MIT, BSD-3-Clause have dozens, nearly
    identical) would otherwise fill the alignment budget with variants whose estimates are a shade higher
    than its neighbour's (AGPL-3.0 next to GPL-3.0), and a file holding the exact license text with
    something else besides would be reported as a variant.
    """
    refs = index.refs
    first: dict[str, tuple] = {}
    for item in order:
        ref = refs[item[3]]
        held = first.get(ref.key)
        if held is None:
            first[ref.key] = item
        elif ref.variant is None and refs[held[3]].variant is not None:
            first[ref.key] = (held[0], False, item[2], item[3])  # the text itself, at its license's rank
    leaders = sorted(first.values())
    chosen = {item[3] for item in leaders}
    return leaders + [item for item in order if item[3] not in chosen]


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


def _runs(accounted: bytes) -> list[tuple[int, int]]:
    """(first, last) token of every run of tokens that are 0 in `accounted` (neither explained nor ignorable)."""
    runs = []
    n = len(accounted)
    k = accounted.find(0)
    while k >= 0:
        e = accounted.find(1, k)
        e = n if e < 0 else e
        runs.append((k, e - 1))
        k = accounted.find(0, e) if e < n else -1
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
    refs = load_index()
    doc = _tokenize(text)
    n = len(doc.tokens)
    all_ids = refs.ids(doc.tokens)
    index = list(range(n))
    found: list[tuple[_Aligned, list[int]]] = []  # match, local->global token index
    covered = bytearray(n)
    # up to _MAX_TEXTS texts; the rest may hold the same license again (a repeated text is reported, not
    # taken for its near relative: a second GPL-3.0 copy is GPL-3.0, not a modified AGPL-3.0)
    for _ in range(_MAX_TEXTS):
        if len(index) == n:
            toks, ids, ign = doc.tokens, all_ids, doc.ignorable
        else:
            toks = [doc.tokens[k] for k in index]
            ids = [all_ids[k] for k in index]
            ign = [doc.ignorable[k] for k in index]
        aligned = _best(refs, toks, ids, ign)
        if aligned is None:
            break
        found.append((aligned, index))
        deque(map(covered.__setitem__, compress(index, aligned.covered), repeat(1)), maxlen=0)
        # the rest keeps its copyright and title lines (a second text's title is part of its reference)
        index = list(compress(index, map(operator.not_, map(covered.__getitem__, index))))
        if len(index) - sum(map(doc.ignorable.__getitem__, index)) < _MIN_REST:
            break
    if not found:
        return None

    bodies = [(idx[a.first], idx[a.terms_last]) for a, idx in found]
    runs = _runs(bytes(map(operator.or_, covered, doc.ignorable)))
    p_first, p_last = bodies[0]

    extra: list[ExtraText] = []
    riders: list[ExtraText] = []
    small_inserts: list[tuple[int, int]] = []
    inside_extra = False  # extra text or an inserted negation inside the primary license body
    for a, b in runs:
        words = b - a + 1
        lo, hi = doc.starts[a], doc.ends[b]
        raw = doc.cleaned[lo:hi]  # markup blanked: an HTML notice reads as a notice
        item = ExtraText(doc.line(a), doc.line(b), _collapse(_whole_lines(text, lo, hi), 200))
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
                and not _is_notice_or_repeat(raw, all_ids[a : b + 1], found)
            ):
                riders.append(item)
            continue
        extra.append(item)
        if p_first < a and b < p_last:
            inside_extra = True
        if _is_notice_or_repeat(raw, all_ids[a : b + 1], found):
            continue
        if inside or words >= RIDER_WORDS or _RESTRICTIVE.search(raw):
            riders.append(item)

    notices = _find_notices(doc.cleaned, [(doc.starts[a], doc.ends[b]) for a, b in runs])
    matches = [
        _build(refs, doc, a, idx, notices, small_inserts if k == 0 else [], inside_extra if k == 0 else False)
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


def _is_notice_or_repeat(raw: str, ids, found) -> bool:
    """A license notice, or text repeated from a matched reference (e.g. its how-to-apply notice)."""
    if _OR_LATER.search(raw) or _ID_SCOPE.search(raw):
        return True
    if len(ids) < SHINGLE:
        return False
    sh = shingles(ids)
    for aligned, _ in found:
        all_set = aligned.rref.all_set
        if sum(map(all_set.__contains__, sh)) >= 0.8 * len(sh):
            return True
    return False


def _build(
    refs: LicenseIndex, doc: _Doc, a: _Aligned, idx: list[int], notices, small_inserts, inside_extra: bool
) -> TextMatch:
    rref = a.rref
    ref = rref.ref
    rdoc = refs.doc(rref.index) if a.gaps else None
    if rdoc is not None and len(rdoc.tokens) != len(rref.tokens):  # pragma: no cover - data changed under the cache
        rdoc = None
    first, last = idx[a.first], idx[a.last]
    first_line, last_line = doc.line(first), doc.line(last)
    quote = doc.text.split("\n")[first_line - 1].strip()[:120]

    differences: list[Difference] = []
    in_gap: set[int] = set()
    for g0, g1, fl, fr in a.gaps:
        missing = _collapse(
            rdoc.text[rdoc.starts[g0] : rdoc.ends[g1]] if rdoc else " ".join(rref.tokens[g0 : g1 + 1]), 200
        )
        found_text = ""
        if fl is not None and fr is not None and fr > fl:
            found_text = _collapse(doc.text[doc.starts[idx[fl]] : doc.ends[idx[fr - 1]]], 200)
            in_gap.update(idx[k] for k in range(fl, fr))
        anchor = [idx[k] for k in (fl - 1 if fl else None, fr) if k is not None and 0 <= k < len(idx)]
        lines = [doc.line(k) for k in anchor] or [first_line]
        differences.append(Difference(min(lines), max(lines), missing, found_text))
    for s, e in small_inserts:
        if all(k in in_gap for k in range(s, e + 1)):
            continue
        differences.append(
            Difference(doc.line(s), doc.line(e), "", _collapse(doc.text[doc.starts[s] : doc.ends[e]], 200))
        )
    differences.sort(key=lambda d: (d.first_line, d.last_line))

    modified = a.coverage < EXACT
    exact = not modified and not inside_extra
    notes = []
    spans = [(d.first_line, d.last_line) for d in differences]
    variant = f" (known variant {ref.variant})" if ref.variant else ""
    if ref.variant and not modified:
        notes.append(f"a known variant of the {ref.spdx_id} text (licensedcode-data rule {ref.variant})")
    if modified:
        notes.append(
            f"the text differs from the {ref.spdx_id} reference{variant}: {len(differences)} passage(s) missing or changed"
            + (f" (lines {_line_list(spans)})" if spans else "")
        )
    elif differences:
        notes.append(
            f"{len(differences)} short passage(s) differ from the {ref.spdx_id} reference text{variant} "
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
                _collapse(doc.cleaned[s:e] if "<" in doc.text[s:e] or "&" in doc.text[s:e] else doc.text[s:e], 300),
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
        variant=ref.variant,
        category=ref.category,
        exception=ref.exception,
    )


def describe(match: TextMatch) -> str:
    """The evidence detail for a match: "<pct>% of the <id> text, exact" / ", modified: N ..."."""
    detail = f"{_pct(match.coverage)}% of the {match.text_id} text"
    if match.variant:
        detail += f" (known variant {match.variant})"
    if match.exact:
        return detail + ", exact"
    if match.modified:
        n = len(match.differences) or match.missing_passages
        return detail + f", modified: {n} reference passage{'s' if n != 1 else ''} missing or changed"
    return detail + ", with extra text inside"
