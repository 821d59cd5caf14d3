"""Assess a license text clause by clause against the ten OSD criteria, without knowing which license it is.

This is the path for every text the SPDX list cannot vouch for: a vendor EULA, a LicenseRef, a modified license,
a permissive license with a rider. Each criterion gets:

* `fail` when a fail detector hits a clause (the first such clause is quoted, with its line; "a failing clause
  wins": a permissive base text elsewhere in the file changes nothing);
* `unclear` when only an unclear detector hits, or when the criterion needs a grant the text never makes;
* `pass` otherwise, with the allowances considered for it named in the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from osi_check.model import CriterionResult
from osi_check.osd import detectors as det
from osi_check.osd.text import Clause, clauses


@dataclass(frozen=True)
class ClauseAssessment:
    criteria: tuple[CriterionResult, ...]
    hits: tuple[det.Hit, ...]
    considered: tuple[det.Considered, ...]

    @property
    def verdict(self) -> str:
        """does-not-conform | unclear | conforms (the caller decides whether "conforms" is OSI-approved)."""
        verdicts = {c.verdict for c in self.criteria}
        if "fail" in verdicts:
            return "does-not-conform"
        return "unclear" if "unclear" in verdicts else "conforms"


def _location(clause: Clause) -> str:
    return f"line {clause.line}"


def _also(hits: list[det.Hit]) -> str:
    lines = sorted({h.clause.line for h in hits[1:]})
    return f" (also at line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines[:6]))})" if lines else ""


def assess_clauses(text: str, knowledge: det.Knowledge | None = None) -> ClauseAssessment:
    knowledge = knowledge or det.load()
    parts = clauses(text)
    hits, considered = det.match(knowledge, parts)
    results = []
    for criterion in knowledge.criteria:
        n = criterion.number
        fails = [h for h in hits if n in h.detector.criteria and h.detector.verdict == "fail"]
        unclear = [h for h in hits if n in h.detector.criteria and h.detector.verdict == "unclear"]
        for verdict, found in (("fail", fails), ("unclear", unclear)):
            if found:
                first = found[0]
                results.append(CriterionResult(
                    number=n, name=criterion.name, verdict=verdict,
                    reason=f"{first.detector.summary} [{first.detector.id}; {first.detector.authority}]" + _also(found),
                    clause=first.clause.quote(text), location=_location(first.clause),
                ))
                break
        else:
            if criterion.grants and det.grant_clause(criterion, parts) is None:
                results.append(CriterionResult(n, criterion.name, "unclear", reason=criterion.no_grant,
                                               location="whole text"))
                continue
            allowed = sorted({f"{c.allowance.summary} (line {c.clause.line})" for c in considered
                              if c.allowance.criterion == n or n in c.detector.criteria})
            reason = "no clause restricts it" + ("; allowed: " + "; ".join(allowed) if allowed else "")
            results.append(CriterionResult(n, criterion.name, "pass", reason=reason))
    return ClauseAssessment(tuple(results), hits, considered)
