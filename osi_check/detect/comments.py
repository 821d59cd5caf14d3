"""Comment text of a source file, as prose: the comment markers stripped, the lines kept.

License notices are written across comment lines in every language's style (`/* ... */`, ` * `, `//`,
`#`, `--`, `;`, `<!-- -->`, `{# #}`, `{* *}`, `REM`, `'''` docstrings, CiviCRM's `| ... |` boxes). To
match one notice pattern against all of them, the markers are removed first and the white space is then
collapsed: "modify it under\\n * the terms of the GNU" becomes "modify it under the terms of the GNU".

The stripping is three multi-line regular-expression substitutions over the whole text (no per-line
Python loop): decorative lines ("*****", "+-----+") become empty, then leading and trailing markers are
removed. Line breaks are kept, so a position in the stripped text is still on its original line, and
`Prose` maps a position in the collapsed text back to that line. Every pattern here is possessive or
anchored, so hostile input (100,000 spaces, "* * * *" without end) costs linear time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# A line of nothing but decoration: ****, ----, ====, +----+, #####, //////, ~~~~
_DECOR = re.compile(r"^[ \t]*+[-=*+#/\\|_~<>!{}%;.:]{3,}+[ \t]*+\r?$", re.M)

# Comment openers and line prefixes at the start of a line, possibly several ("/** *", "// #", "{* <!--").
_LEAD = re.compile(
    r"""^[ \t]*+(?:(?:/\*++!?|\*++/?|//++!?|\#++!?|--++(?:\[\[)?|;++|<!--|<%--|\{\{!--|\{\#|\{\*|%++|'''|\"\"\"|"""
    r"""\|(?!\|)|(?i:rem)\b|::|'(?=[ \t])|\+(?=[ \t]))[ \t]*+)*+""",
    re.M,
)

# Comment closers (and box edges) at the end of a line, with the character before them (kept). The match
# can only start at a non-space character followed by a space or a closer character, and the chain of
# closers is bounded: every position costs a constant, so "*/ */ */ ..." without end stays linear.
_TRAIL = re.compile(
    r"""(\S)(?=[ \t*\-#|'"])[ \t]*+(?:(?:\*++/|--%>|-->|--\]\]|\#\}|\*\}|--\}\}|\|(?!\|)|'\'\'|\"\"\")[ \t]*+){1,4}+(?=\r?$)""",
    re.M,
)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def lower_same_length(text: str) -> str:
    """`text` in lower case with the same offsets: lower-casing a few characters changes their length ("İ"),
    and then only ASCII letters are lowered."""
    lower = text.lower()
    return lower if len(lower) == len(text) else text.translate(_ASCII_LOWER)


def strip_markers(text: str) -> str:
    """`text` without comment markers; every line stays where it was (same number of line breaks)."""
    return _TRAIL.sub(r"\1", _LEAD.sub("", _DECOR.sub("", text)))


@dataclass(frozen=True)
class Region:
    """A part of a file that is examined: its text and the file line its first line is on."""

    text: str
    first_line: int = 1


@dataclass
class Prose:
    """The comment text of a region: stripped of markers (`stripped`, lines kept) and collapsed to single
    spaces (`flat`). Positions in `flat` map back to file lines through the words: the n-th word of `flat`
    is the n-th word of `stripped`."""

    region: Region
    stripped: str = field(init=False)
    flat: str = field(init=False)
    lower: str = field(init=False)  # `flat` in lower case (same offsets), for literal searches
    _words_before_line: list[int] | None = field(init=False, default=None)
    _lines: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.stripped = strip_markers(self.region.text)
        self.flat = " ".join(self.stripped.split())
        self.lower = lower_same_length(self.flat)

    def line_of(self, offset: int) -> int:
        """The file line of the word at `offset` in `flat`. Word counts per line are computed only as far as
        needed: matches are mostly in the header."""
        word = self.flat.count(" ", 0, min(offset, len(self.flat)))
        if self._words_before_line is None:
            self._lines = self.stripped.split("\n")
            self._words_before_line = [0]
        before = self._words_before_line
        while before[-1] <= word and len(before) <= len(self._lines):
            before.append(before[-1] + len(self._lines[len(before) - 1].split()))
        index = bisect_right(before, word) - 1  # the line whose words include it
        return self.region.first_line + min(max(index, 0), len(self._lines) - 1)

    def lines(self, start: int, end: int) -> tuple[int, int]:
        """First and last file line of the span `flat[start:end]`."""
        return self.line_of(start), self.line_of(max(start, end - 1))

    def line_of_stripped(self, offset: int) -> int:
        """The file line of a position in `stripped`."""
        return self.region.first_line + self.stripped.count("\n", 0, offset)

    def line_of_raw(self, offset: int) -> int:
        """The file line of a position in the region's own text."""
        return self.region.first_line + self.region.text.count("\n", 0, offset)


def collapse(text: str, limit: int = 200) -> str:
    """White space collapsed, markers stripped, capped at `limit` characters (for quotes)."""
    flat = " ".join(strip_markers(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def cap(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
