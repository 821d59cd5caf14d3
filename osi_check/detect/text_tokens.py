"""Normalisation of license texts to word tokens, shared by the reference index and the identifier.

One function, two callers: the index (osi_check.detect.index) tokenises ~6,000 reference texts once and
caches the result, identify() tokenises each file. They must agree token for token, so the rules live in
this one module, and the index's cache key hashes this file: changing a rule here rebuilds the cache.

Markup (HTML tags and entities, list markers such as "1." or "(a)" at the start of a line,
markdown/comment punctuation) and case are dropped, "licence" reads as "license". Character offsets are
kept, so every token of a file keeps its line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, repeat

SHINGLE = 5

# Chinese and Japanese have no spaces between words: each ideograph or kana is a token of its own, so a
# text re-wrapped at other places (a line break is not a space there) still gives the same tokens.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")  # split() alternates separators and words: offsets in C
_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")  # HTML tags; also <https://...> and <year>, in both texts alike
# an HTML page shows a placeholder "<year>" as "&lt;year&gt;": blanked like the tag it stands for
_ESCAPED_TAG = re.compile(r"&lt;/?[A-Za-z!](?:(?!&[lg]t;)[^<>])*&gt;")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#[xX][0-9A-Fa-f]{1,6});")
# List markers ("1.", "(a)", "iv)") at the start of a line, after any quote/comment/bullet prefix, and "(a)",
# "(ii)", "ii." inside a line (the same item starts a line in one copy and not in another). "(c)" is also the
# copyright sign: it stays a word after "copyright" and before a year ("(c) 2004 Acme").
_C_ITEM = r"[cC](?=[.)][ \t]+(?![0-9]))"
_MARKER = re.compile(
    r"^(?:[ \t>*#+;-]|//)*\(?(?:[0-9]{1,2}(?:\.[0-9]{1,2})*|[A-Za-bd-zA-BD-Z]|" + _C_ITEM + r"|[ivxIVX]{1,5})[.)](?=\s)",
    re.MULTILINE,
)
_INLINE_MARKER = re.compile(
    r"(?<!(?i:copyright))[ \t](?:\((?:[0-9]{1,2}|[A-Za-bd-zA-BD-Z]|" + _C_ITEM + r"|[ivxIVX]{2,5})\)"
    r"|(?:ii|iii|iv|vi|vii|viii|ix|xi|xii)\.)(?=[ \t\n])"
)
_IGNORABLE_LINE = re.compile(
    r"^[ \t#*/>;-]*(?:copyright\b|\(c\)|©|portions\s+copyright\b|all\s+rights\s+reserved)[^\n]*",
    re.IGNORECASE | re.MULTILINE,
)
_NOT_TITLE = re.compile(r"spdx|\bonly\b|\blater\b|\+|\bexcept|\bnot\b", re.IGNORECASE)
_LICENSE_IN_TITLE = re.compile(r"\blicen[cs]e\b", re.IGNORECASE)  # a short line naming a license is a title
_LICENSE_IN_TITLE_LOWER = re.compile(r"licen[cs]e\b")  # the same, on lowercased text (a literal prefix: fast)
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]", re.MULTILINE)  # ... and so is a heading
_HTML_HEADING = re.compile(r"<(?:h[1-6]|title)[ >]", re.IGNORECASE)


def _blank(match: re.Match) -> str:
    text = match.group()
    return " " * len(text) if "\n" not in text else re.sub(r"[^\n]", " ", text)


def clean(text: str) -> str:
    """The text with markup and list markers blanked out: same length, same line breaks, so every offset
    in it is an offset in the text."""
    cleaned = _TAG.sub(_blank, text)
    if "&" in cleaned:
        cleaned = _ESCAPED_TAG.sub(_blank, cleaned)
        cleaned = _ENTITY.sub(_blank, cleaned)
    cleaned = _INLINE_MARKER.sub(_blank, cleaned)
    return _MARKER.sub(_blank, cleaned)


def _normal(raw: list[str]) -> list[str]:
    # lowercase; British spelling in every form: licence, sublicence, licenced, licencor, ... (one pass over
    # the joined words: tokens hold no line break)
    return "\n".join(raw).lower().replace("licenc", "licens").split("\n") if raw else []


def words(text: str) -> list[str]:
    """The normalised word tokens of a text (what `tokenize(text).tokens` holds, without positions)."""
    return _normal(_WORD.findall(clean(text)))


@dataclass(frozen=True)
class Doc:
    text: str
    cleaned: str  # `clean(text)`: markup blanked, offsets kept
    tokens: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    ignorable: tuple[bool, ...]  # token is on a copyright or title line
    newlines: tuple[int, ...]  # -1, then the offset of every line break

    def line(self, k: int) -> int:
        """The 1-based line of token k."""
        return bisect_right(self.newlines, self.starts[k])

    @cached_property
    def lines(self) -> tuple[int, ...]:
        """The 1-based line of every token."""
        return tuple(map(bisect_right, repeat(self.newlines, len(self.starts)), self.starts))


def tokenize(text: str) -> Doc:
    cleaned = clean(text)
    newlines = [-1] + [m.start() for m in re.finditer("\n", text)]  # bisect_right gives the 1-based line
    ignorable_lines: set[int] = set()
    for m in _IGNORABLE_LINE.finditer(cleaned):
        ignorable_lines.add(bisect_right(newlines, m.start()))
    seen: set[int] = set()
    lowered = cleaned.lower()
    if len(lowered) == len(cleaned):
        named = (m.start() for m in _LICENSE_IN_TITLE_LOWER.finditer(lowered) if not _word_before(lowered, m.start()))
    else:  # pragma: no cover - a character whose lowercase is longer: offsets would shift
        named = (m.start() for m in _LICENSE_IN_TITLE.finditer(cleaned))
    titles = []  # headings first: a line that is both is judged as a heading
    if "#" in text:
        titles += [(m.start(), 12) for m in _MD_HEADING.finditer(text) if _alone(text, m.start())]
    if "<" in text:
        titles += [(m.start(), 12) for m in _HTML_HEADING.finditer(text)]
    titles += [(at, 8) for at in named]
    for at, max_words in titles:
        line_no = bisect_right(newlines, at)
        if line_no in seen:
            continue
        seen.add(line_no)
        end = newlines[line_no] if line_no < len(newlines) else len(cleaned)
        line = cleaned[newlines[line_no - 1] + 1 : end].strip()
        if (
            len(line) <= 100
            and len(_WORD.findall(line)) <= max_words
            and not line.rstrip("*_ ").endswith((".", ":", ";", ","))
            and not _NOT_TITLE.search(line)
        ):
            ignorable_lines.add(line_no)
    parts = _WORD_SPLIT.split(cleaned)
    raw = parts[1::2]
    n = len(raw)
    offsets = list(accumulate(map(len, parts), initial=0))  # offsets[k]: where parts[k] starts
    starts = tuple(offsets[1::2][:n])
    ends = tuple(offsets[2::2][:n])
    ignorable = bytearray(n)
    for line_no in ignorable_lines:  # the tokens of a line are a contiguous range
        lo = bisect_left(starts, newlines[line_no - 1] + 1)
        hi = bisect_left(starts, newlines[line_no] if line_no < len(newlines) else len(cleaned))
        ignorable[lo:hi] = b"\x01" * (hi - lo)
    return Doc(text, cleaned, tuple(_normal(raw)), starts, ends, tuple(map(bool, ignorable)), tuple(newlines))


def _alone(text: str, at: int) -> bool:
    """Whether the "#" line at `at` is a Markdown heading, not one line of a "# "-commented block: the lines
    before and after it do not start with "#"."""
    start = text.rfind("\n", 0, at) + 1
    before = text.rfind("\n", 0, max(0, start - 1)) + 1 if start else None
    end = text.find("\n", at)
    after = text[end + 1 : text.find("\n", end + 1) if text.find("\n", end + 1) >= 0 else len(text)] if end >= 0 else ""
    prev = text[before : start - 1] if before is not None else ""
    return not prev.lstrip().startswith("#") and not after.lstrip().startswith("#")


def _word_before(text: str, at: int) -> bool:
    """Whether text[at - 1] continues a word (what \\b before "license" rules out)."""
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_")


def shingles(ids) -> list[int]:
    """Word 5-grams of token ids, as hashes.

    A 2 MiB file has 300,000 of them, and every set or dict operation on them would otherwise hash a
    5-tuple again. The items are ints, so the hash is the same in every process (unlike hashes of str,
    which PYTHONHASHSEED randomises) and can be stored in the index cache; the cache key records the
    interpreter's tuple hash so a Python whose hashing differs rebuilds it. Hash equality stands for 5-gram
    equality: a collision between two different 5-grams of 64-bit hashes is negligible and could only add
    one matched shingle.
    """
    t = ids
    return list(map(hash, zip(t, t[1:], t[2:], t[3:], t[4:])))
