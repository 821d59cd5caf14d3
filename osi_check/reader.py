"""The one interface every input reader implements: ecosystem sources and license-evidence detectors.

A reader says which files it reads (`handles`) and turns one such file into facts (`read`). It never
raises for bad input: it returns the problem as data (an `InputProblem` in the `SourceResult`), so a
malformed lockfile costs its own components, not the scan. The pipeline still guards each call, so a
bug in one reader is reported against the file it was reading instead of aborting the run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from osi_check.facts import InputProblem, Location, SourceResult
from osi_check.tree import InputError, Tree, TreeFile


class Reader(ABC):
    #: short name shown in reports ("composer", "npm", "odoo", "license-file", "spdx-tag")
    name: str
    #: paths this reader handles, as examples for documentation and for the property-based tests that
    #: feed every reader random, truncated and wrongly typed content under these names
    examples: tuple[str, ...] = ()

    @abstractmethod
    def handles(self, file: TreeFile) -> bool:
        """Whether this reader wants to read the file. Must be cheap: called for every file."""

    @abstractmethod
    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        """Read one file into components, file licenses and problems. Bad input is a problem, not an exception."""

    def problem(self, error: InputError) -> SourceResult:
        """The result for a file that could not be read at all."""
        return SourceResult(problems=(InputProblem(Location(error.path, error.line), error.message, self.name),))
