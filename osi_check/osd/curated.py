"""The curated OSD assessments of known non-OSI licenses (rules/knowledge/osd-curated.yaml), validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from osi_check import resources
from osi_check.model import CriterionResult
from osi_check.osd.detectors import load, read_validated


@dataclass(frozen=True)
class CuratedLicense:
    id: str
    name: str
    status: str
    criteria: tuple[CriterionResult, ...]
    citations: tuple[tuple[str, str], ...]  # (text, url) per criterion, in order


@cache
def curated() -> dict[str, CuratedLicense]:
    """Every curated license by each id it is known by."""
    data = read_validated(resources.knowledge_file("osd-curated.yaml"), "osd-curated.schema.json")
    names = {c.number: c.name for c in load().criteria}
    out: dict[str, CuratedLicense] = {}
    for entry in data["licenses"]:
        results = tuple(
            CriterionResult(
                number=c["number"], name=names[c["number"]], verdict=c["verdict"],
                reason=f"{' '.join(c['authority'].split())} ({c['citation']['text']})",
                clause=" ".join(c["clause"].split()), location=c["where"],
            )
            for c in entry["criteria"]
        )
        lic = CuratedLicense(entry["id"], entry["name"], entry["status"], results,
                             tuple((c["citation"]["text"], c["citation"].get("url", "")) for c in entry["criteria"]))
        for key in (entry["id"], *entry.get("also", ())):
            out[key] = lic
    return out
