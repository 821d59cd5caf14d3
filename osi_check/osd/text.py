"""A license text cut into clauses (sentences), each with its position, for the clause detectors.

Detectors match one clause at a time, so that an exception ("except as provided in this License") or a negation
("does not grant you the right to Sell") is read in the sentence it belongs to and never borrowed from a
neighbouring one. Each clause keeps the offsets of the original text, so a verdict can quote it and say where it is.

Normalisation, for matching only (quotes are taken from the original text): typographic quotes and dashes become
ASCII, markdown emphasis and heading marks are dropped, white space (line breaks included) is collapsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " ",
    "*": " ", "#": " ", "_": " ", "`": " ", "\u00ad": "",
})
# a paragraph break, or a line that starts a list item / numbered section: clause boundaries in license texts
_BLOCK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*\u2022]\s|\(?[0-9ivxa-h]{1,4}[.)]\s|[0-9]+(?:\.[0-9]+)+\s|#))", re.I)
# a sentence end: . ! ? followed by space and something that starts a sentence (not "e.g. the", "U.S. law", "Inc. v")
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|Inc|Ltd|Co|Corp|No|Art|Sec|vs|U\.S|cf|al)\.|\b[A-Z]\.)$")
# a clause that introduces a list ("You may not:", "Licensee shall not"): its items are read with it
_LEAD_IN = re.compile(r"\b(?:not|never)(?: to)?\b[^.]{0,40}:?\s*$|:\s*$", re.I)
_ITEM = re.compile(r"^\s*(?:[-*\u2022\u25cf\u00b7]|\(?[0-9ivxa-h]{1,4}[.)])\s")
MAX_CLAUSE = 1500  # characters: a longer run is cut (a wall of text with no full stop would otherwise be one clause)


@dataclass(frozen=True)
class Clause:
    start: int  # offset in the original text
    end: int
    line: int  # 1-based line of `start`
    text: str  # normalised for matching

    def quote(self, original: str, limit: int = 400) -> str:
        raw = " ".join(original[self.start:self.end].split())
        return raw if len(raw) <= limit else raw[: limit - 1].rstrip() + "\u2026"


def _normalise(raw: str) -> str:
    return " ".join(raw.translate(_TRANSLATE).split())


def clauses(text: str) -> tuple[Clause, ...]:
    """The clauses of `text`, in order; empty ones dropped."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for block_end in [m.start() for m in _BLOCK.finditer(text)] + [len(text)]:
        block_start = pos
        pos = block_end
        segment = text[block_start:block_end]
        cut = block_start
        pieces: list[tuple[int, int]] = []
        for m in _SENTENCE.finditer(segment):
            end = block_start + m.start()
            if _ABBREV.search(text[max(cut, end - 8):end]):
                continue
            pieces.append((cut, end))
            cut = block_start + m.end()
        pieces.append((cut, block_end))
        for s, e in pieces:
            while e - s > MAX_CLAUSE:
                spans.append((s, s + MAX_CLAUSE))
                s += MAX_CLAUSE
            spans.append((s, e))
    result = []
    lead_in = ""
    for s, e in spans:
        raw = text[s:e]
        norm = _normalise(raw)
        if not norm or not re.search(r"[A-Za-z]", norm):
            continue
        if lead_in and _ITEM.match(raw):
            # a list item is read with the clause that introduces it: "You may not:" + "- distribute it"
            norm = f"{lead_in.rstrip(': ')} {_normalise(_ITEM.sub('', raw, count=1))}"
        else:
            lead_in = norm if _LEAD_IN.search(norm) and len(norm) < 200 else ""
        # skip leading white space so the line is the clause's first line
        lead = len(raw) - len(raw.lstrip())
        result.append(Clause(s + lead, e, text.count("\n", 0, s + lead) + 1, norm))
    return tuple(result)
