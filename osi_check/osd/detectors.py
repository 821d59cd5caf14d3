"""The clause detectors of rules/osd-criteria/, loaded, validated and matched against a license text.

The knowledge (which clause breaks which criterion, and which look-alike clauses OSI-approved licenses contain) is
data an analyst can read and change; this module only knows how to match it:

* a clause (osd.text) that matches a detector's `patterns` and none of its `unless` patterns is a *hit*, unless an
  allowance that names the detector matches the same clause (assent by exercising rights, attribution notices,
  name changes, patches, ...): then the allowance is recorded as *considered*;
* criteria with `grants` need at least one clause granting that right (a clause matching a `grant-unless` pattern,
  a negated grant, does not count).

A malformed file is an `OsdDataError` naming the file and what is wrong, raised when the data is first used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from osi_check import resources
from osi_check.osd.text import Clause

_FLAGS = re.IGNORECASE


class OsdDataError(Exception):
    """A file under rules/osd-criteria/ is malformed (the message names the file)."""


@dataclass(frozen=True)
class Criterion:
    number: int
    name: str
    wording: str
    grants: tuple[re.Pattern, ...] = ()
    grant_unless: tuple[re.Pattern, ...] = ()
    no_grant: str = ""


@dataclass(frozen=True)
class Detector:
    id: str
    criteria: tuple[int, ...]
    verdict: str  # fail | unclear
    summary: str
    patterns: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]
    authority: str
    citation: str
    url: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    source: str  # the file it came from, for messages
    tag: str = ""


@dataclass(frozen=True)
class Allowance:
    id: str
    criterion: int
    summary: str
    patterns: tuple[re.Pattern, ...]
    stops: frozenset[str]
    citation: str
    url: str
    examples: tuple[str, ...]
    requires_elsewhere: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True)
class Hit:
    detector: Detector
    clause: Clause


@dataclass(frozen=True)
class Considered:
    allowance: Allowance
    detector: Detector
    clause: Clause


@dataclass(frozen=True)
class Knowledge:
    criteria: tuple[Criterion, ...]
    detectors: tuple[Detector, ...]
    allowances: tuple[Allowance, ...]

    def criterion(self, number: int) -> Criterion:
        return self.criteria[number - 1]


def _compile(patterns, where: str) -> tuple[re.Pattern, ...]:
    out = []
    for p in patterns or ():
        try:
            out.append(re.compile(p, _FLAGS))
        except re.error as exc:
            raise OsdDataError(f"{where}: invalid pattern {p!r}: {exc}") from None
    return tuple(out)


@cache
def _schema(name: str) -> dict:
    import json

    return json.loads((resources.rules_dir() / "schema" / name).read_text("utf-8"))


def read_validated(path: Path, schema: str = "osd-criteria.schema.json") -> dict:
    """A YAML data file validated against a schema of rules/schema/; OsdDataError names the file and the key."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OsdDataError(f"{path}: cannot be read as YAML: {exc}") from None
    errors = sorted(jsonschema.Draft202012Validator(_schema(schema)).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(top level)"
        raise OsdDataError(f"{path}: {where}: {first.message}")
    return data


def load(directory: Path | None = None) -> Knowledge:
    """Load and validate criteria.yaml, allowances.yaml and detectors/*.yaml (built-in unless `directory`)."""
    return _load(directory or resources.rules_dir() / "osd-criteria")


@cache
def _load(directory: Path) -> Knowledge:
    crit_file = directory / "criteria.yaml"
    criteria = []
    for c in read_validated(crit_file).get("criteria", []):
        where = f"{crit_file}: criterion {c['number']}"
        criteria.append(Criterion(c["number"], c["name"], " ".join(c["wording"].split()),
                                  _compile(c.get("grants"), where), _compile(c.get("grant-unless"), where),
                                  c.get("no-grant", "")))
    criteria.sort(key=lambda c: c.number)
    if [c.number for c in criteria] != list(range(1, 11)):
        raise OsdDataError(f"{crit_file}: must list the criteria 1 to 10 once each")
    detectors: list[Detector] = []
    for path in sorted((directory / "detectors").glob("*.yaml")):
        for d in read_validated(path).get("detectors", []):
            where = f"{path}: detector {d['id']}"
            detectors.append(Detector(
                id=d["id"], criteria=tuple(d["criteria"]), verdict=d["verdict"], summary=" ".join(d["summary"].split()),
                patterns=_compile(d["patterns"], where), unless=_compile(d.get("unless"), where),
                authority=d["authority"], citation=" ".join(d["citation"]["text"].split()),
                url=d["citation"].get("url", ""), examples=tuple(d["examples"]),
                counter_examples=tuple(d.get("counter-examples", ())), source=str(path), tag=d.get("tag", ""),
            ))
    ids = [d.id for d in detectors]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise OsdDataError(f"{directory / 'detectors'}: detector ids used twice: {', '.join(dupes)}")
    allow_file = directory / "allowances.yaml"
    allowances = []
    for a in read_validated(allow_file).get("allowances", []):
        unknown = sorted(set(a["stops"]) - set(ids))
        if unknown:
            raise OsdDataError(f"{allow_file}: allowance {a['id']}: stops unknown detector(s) {', '.join(unknown)}")
        allowances.append(Allowance(a["id"], a["criterion"], " ".join(a["summary"].split()),
                                    _compile(a["patterns"], f"{allow_file}: allowance {a['id']}"),
                                    frozenset(a["stops"]), " ".join(a["citation"]["text"].split()),
                                    a["citation"].get("url", ""), tuple(a["examples"]),
                                    _compile(a.get("requires-elsewhere"), f"{allow_file}: allowance {a['id']}")))
    return Knowledge(tuple(criteria), tuple(detectors), tuple(allowances))


def _any(patterns: tuple[re.Pattern, ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def detector_fires(detector: Detector, text: str) -> bool:
    """The detector's own test on one clause text (patterns, minus `unless`), allowances aside."""
    return _any(detector.patterns, text) and not _any(detector.unless, text)


def match(knowledge: Knowledge, clauses: tuple[Clause, ...]) -> tuple[tuple[Hit, ...], tuple[Considered, ...]]:
    """Every detector hit in the clauses, and every allowance that stopped one."""
    hits: list[Hit] = []
    considered: list[Considered] = []
    applicable = tuple(a for a in knowledge.allowances
                       if not a.requires_elsewhere or any(_any(a.requires_elsewhere, c.text) for c in clauses))
    for clause in clauses:
        for detector in knowledge.detectors:
            if not detector_fires(detector, clause.text):
                continue
            allowance = next((a for a in applicable
                              if detector.id in a.stops and _any(a.patterns, clause.text)), None)
            if allowance is None:
                hits.append(Hit(detector, clause))
            else:
                considered.append(Considered(allowance, detector, clause))
    return tuple(hits), tuple(considered)


def grant_clause(criterion: Criterion, clauses: tuple[Clause, ...]) -> Clause | None:
    """The first clause granting what the criterion needs (None when the text grants it nowhere)."""
    for clause in clauses:
        if _any(criterion.grants, clause.text) and not _any(criterion.grant_unless, clause.text):
            return clause
    return None
