"""What the per-file matchers find, before it becomes a file's LicenseConclusion.

Each matcher (notices, markers, tags, references, license texts) reports `Finding`s; additional terms are
reported as `TermFinding`s. `osi_check.detect.file_evidence` weighs them against each other (a notice beats
a reference to the same license) and combines them into one conclusion per file.
"""

from __future__ import annotations

from dataclasses import dataclass

from osi_check import licensing
from osi_check.facts import AdditionalTerm, Evidence, EvidenceKind

# How strong each kind of evidence is inside one file (lower is stronger). A reference ("released under the
# MIT license", a license URL) only counts when nothing stronger names a license in the same file.
RANK = {
    EvidenceKind.MARKER: 0,
    EvidenceKind.SPDX_TAG: 0,
    EvidenceKind.NOTICE: 1,
    EvidenceKind.LICENSE_TEXT: 1,
    EvidenceKind.TAG: 2,
    EvidenceKind.REFERENCE: 3,
}
WEAKEST = 4


@dataclass(frozen=True)
class Finding:
    """One license statement found in a file, read as an SPDX expression."""

    kind: EvidenceKind
    expression: str  # normalised SPDX expression (may contain LicenseRef-osi-check-unknown-* parts)
    line: int
    end_line: int
    quote: str  # the text as found, markers stripped, at most 200 characters
    detail: str  # how it was read
    score: float  # how much of the rule matched (0-1)
    unknown: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    confident: bool = True
    explicit_scope: bool = True  # False when "-only"/"-or-later" was not stated but assumed (a bare URL)
    choice: bool = False  # the statement itself offers alternatives ("dual licensed under ...")
    evidence: tuple[Evidence, ...] = ()  # when the matcher gives several pieces (a license text and its notice)

    @property
    def rank(self) -> int:
        if self.kind is EvidenceKind.TAG and self.unknown:
            return WEAKEST  # "@license React": Closure's keep-this-comment tag, not always a license
        return RANK.get(self.kind, WEAKEST)

    @property
    def weak(self) -> bool:
        """A statement that only counts when nothing stronger names a license in the file."""
        return self.rank >= RANK[EvidenceKind.REFERENCE]


@dataclass(frozen=True)
class TermFinding:
    """An additional term, exception or restriction found with a license."""

    term: AdditionalTerm
    detail: str  # which rule found it
    quote: str
    exception: str | None = None  # the exception id that goes into the expression ("... WITH <exception>")
    applies_to: tuple[str, ...] = ()  # licenses (without -only/-or-later) the exception belongs to
    confident: bool = True
    note: str | None = None


def base(key: str) -> str:
    """A license id without its GNU version scope: "GPL-2.0-or-later" -> "GPL-2.0"."""
    for suffix in ("-only", "-or-later", "+"):
        key = key.removesuffix(suffix)
    return key


def bases(expression: str) -> frozenset[str]:
    """The licenses an expression names, without version scope: a notice's "-or-later" and a URL's assumed
    "-only" name the same license."""
    return frozenset(base(leaf.key) for leaf in licensing.leaves(licensing.parse(expression)))
