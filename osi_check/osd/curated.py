"""The curated OSD assessments of known non-OSI licenses (rules/knowledge/osd-curated.yaml), validated on load."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import jsonschema
import yaml

from osi_check import resources
from osi_check.model import CriterionResult
from osi_check.osd.detectors import OsdDataError


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
    path = resources.knowledge_file("osd-curated.yaml")
    schema = json.loads((resources.rules_dir() / "schema" / "osd-curated.schema.json").read_text("utf-8"))
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OsdDataError(f"{path}: cannot be read as YAML: {exc}") from None
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top level)"
        raise OsdDataError(f"{path}: {where}: {errors[0].message}")
    from osi_check.osd.detectors import load

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
