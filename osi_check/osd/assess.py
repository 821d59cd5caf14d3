"""Does a license meet the Open Source Definition? `assess_id` for an SPDX id or known LicenseRef, `assess_text`
for any license text. Both return the shared `LicenseAssessment`.

The order of trust:
1. the SPDX list's OSI flag is ground truth for a license identified exactly (an unmodified text, or an id);
2. for known non-OSI licenses, the analysts' curated assessment (rules/knowledge/osd-curated.yaml) names the
   failing criteria and clauses; the clause detectors fill in the other criteria when the text is available;
3. everything else (vendor EULAs, modified licenses, a permissive license with a rider) is read clause by clause
   (osd.clause_assessment). A text whose base license is OSI-approved but which adds terms is NOT called approved
   because its base matched: a failing clause wins, and added terms no allowance explains make it `unclear`.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import replace
from functools import cache

import yaml

from osi_check import licensing, resources
from osi_check.model import CriterionResult, LicenseAssessment
from osi_check.osd import detectors as det
from osi_check.osd.clause_assessment import ClauseAssessment, assess_clauses
from osi_check.osd.curated import curated
from osi_check.osd.text import clauses


class UnknownLicenseId(ValueError):
    """An id that is neither on the SPDX list nor a LicenseRef osi-check knows."""


@cache
def _brief() -> dict:
    return yaml.safe_load(resources.knowledge_file("obligations-brief.yaml").read_text("utf-8"))


def _front_matter_ids(head: str) -> tuple[list[str], bool]:
    """(SPDX ids, deprecated) from a licensedcode-data front matter, read line by line: parsing 2,300 YAML
    headers costs seconds, and only three keys are needed."""
    ids: list[str] = []
    deprecated = False
    in_others = False
    for line in head.splitlines():
        if line.startswith("spdx_license_key:"):
            ids.insert(0, line.split(":", 1)[1].strip().strip("'\""))
        elif line.startswith("other_spdx_license_keys:"):
            in_others = True
            continue
        elif line.startswith("is_deprecated:"):
            deprecated = line.split(":", 1)[1].strip() in ("yes", "true")
        if in_others:
            item = line.strip()
            if item.startswith("- "):
                ids.append(item[2:].strip().strip("'\""))
            elif line and not line[0].isspace():
                in_others = False
    return [i for i in ids if i], deprecated


@cache
def _reference_texts() -> dict[str, str]:
    """SPDX id (and other ids the data lists) -> ScanCode key of its text in licensedcode-data."""
    out: dict[str, str] = {}
    folder = importlib.resources.files("licensedcode") / "data" / "licenses"
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".LICENSE"):
            continue
        ids, deprecated = _front_matter_ids(path.read_text("utf-8").split("\n---", 1)[0])
        if deprecated:
            continue
        for key in ids:
            out.setdefault(key, path.name[: -len(".LICENSE")])
    return out


def reference_text(license_id: str) -> str | None:
    """The license text licensedcode-data holds for an id (None when it holds none)."""
    key = _reference_texts().get(license_id)
    if key is None:
        return None
    raw = (importlib.resources.files("licensedcode") / "data" / "licenses" / f"{key}.LICENSE").read_text("utf-8")
    body = raw.split("\n---", 1)[1]
    return body.split("\n", 1)[1] if "\n" in body else ""


def obligations_brief(license_id: str) -> tuple[str, ...]:
    from osi_check.engine.knowledge import builtin_knowledge

    kind = builtin_knowledge().copyleft(license_id)
    brief = _brief()
    return (brief["copyleft"][kind] if kind in brief["copyleft"] else brief["unknown"],)


def rights_brief(verdict: str) -> tuple[str, ...]:
    return (_brief()["rights"][verdict],)


def _fee_terms(license_id: str, osi: bool | None) -> tuple[str, ...]:
    from osi_check.fees.knowledge import fee_terms_brief

    return fee_terms_brief(license_id, osi)


def _finish(license_id: str, name: str, verdict: str, basis: str, criteria, osi: bool | None,
            notes: tuple[str, ...] = (), location: str = "") -> LicenseAssessment:
    return LicenseAssessment(
        license=license_id, verdict=verdict, basis=basis, criteria=tuple(criteria), name=name, notes=notes,
        obligations=obligations_brief(license_id), fee_terms=_fee_terms(license_id, osi),
        rights=rights_brief(verdict), location=location,
    )


def _verdict(results: tuple[CriterionResult, ...], conforms: str) -> str:
    verdicts = {r.verdict for r in results}
    if "fail" in verdicts:
        return "does-not-conform"
    return "unclear" if "unclear" in verdicts else conforms


def assess_id(license_id: str, *, location: str = "") -> LicenseAssessment:
    """Assess a license by its SPDX id or a LicenseRef osi-check knows."""
    record = licensing.spdx_record(license_id)
    known = curated().get(license_id)
    if record is None and known is None:
        if not licensing.is_known_key(license_id):
            raise UnknownLicenseId(license_id)
    name = record.name if record else (known.name if known else license_id)
    osi = licensing.osi_approved(license_id)
    knowledge = det.load()
    if osi:
        results = tuple(CriterionResult(c.number, c.name, "pass", reason="OSI-approved (SPDX license list, isOsiApproved)")
                        for c in knowledge.criteria)
        return _finish(license_id, name, "osi-approved", "spdx-list", results, True, location=location)
    text = reference_text(license_id)
    from_text = assess_clauses(text, knowledge) if text else None
    notes = (f"OSI status: {known.status}",) if known else ("not OSI-approved (SPDX license list)",) if record else ()
    if known is not None:
        listed = {c.number: c for c in known.criteria}
        results = []
        for c in knowledge.criteria:
            if c.number in listed:
                results.append(listed[c.number])
            elif from_text is not None:
                results.append(from_text.criteria[c.number - 1])
            else:
                results.append(CriterionResult(c.number, c.name, "pass",
                                               reason="no failing clause recorded in the curated assessment"))
        results = tuple(results)
        return _finish(license_id, name, _verdict(results, "conforms-not-approved"), "curated", results, osi,
                       notes, location)
    if from_text is not None:
        return _finish(license_id, name, _verdict(from_text.criteria, "conforms-not-approved"), "clause-detectors",
                       from_text.criteria, osi, notes + ("read clause by clause from the licensedcode-data text",),
                       location)
    results = tuple(CriterionResult(c.number, c.name, "unclear", reason="no text of this license is available to assess")
                    for c in knowledge.criteria)
    return _finish(license_id, name, "unclear", "clause-detectors", results, osi, notes, location)


def _rider_reading(assessment: ClauseAssessment, text: str, first_line: int, last_line: int) -> str:
    """How the clause layer read added text: a detector hit in it, an allowance that recognises it (e.g. a GPL
    §7(b) logo term), or nothing ("" : the added terms are unexplained)."""
    hits = sorted({h.detector.id for h in assessment.hits if first_line <= h.clause.line <= last_line})
    if hits:
        return "restricts: " + ", ".join(hits)
    knowledge = det.load()
    for clause in clauses(text):
        if first_line <= clause.line <= last_line:
            for a in knowledge.allowances:
                if any(p.search(clause.text) for p in a.patterns):
                    return f"allowed: {a.summary}"
    return ""


def assess_text(text: str, source: str, *, identify: bool = True, location: str = "") -> LicenseAssessment:
    """Assess a license text. `identify=False` withholds its identity (the text is read clause by clause only)."""
    match = None
    if identify:
        from osi_check.detect.license_text import identify as identify_text

        match = identify_text(text)
    # SPDX-listed exceptions only: ScanCode also files riders such as the Commons Clause as "exceptions"
    exceptions_only = match is not None and all(o.exception and licensing.is_spdx_exception(o.spdx_id)
                                                for o in match.others)
    if match is not None and not match.modified and not match.additional_terms and exceptions_only \
            and licensing.is_known_key(match.spdx_id):
        base = assess_id(match.spdx_id, location=location)
        note = f"{source}: identified as {match.spdx_id} ({match.coverage:.0%} of its reference text, unmodified)"
        if match.others:  # a license exception adds permissions (GPL WITH Classpath-exception-2.0): never a restriction
            note += "; with the exception(s) " + ", ".join(o.spdx_id for o in match.others)
        return replace(base, notes=(note, *base.notes))
    found = assess_clauses(text)
    notes: list[str] = []
    license_id = source
    name = ""
    osi_base = None
    conforms = "conforms-not-approved"
    if match is not None:
        osi_base = licensing.osi_approved(match.spdx_id)
        name = f"{match.name} ({'modified' if match.modified else 'with added terms'})"
        others = ", ".join(m.spdx_id for m in match.others)
        notes.append(f"base text: {match.spdx_id} ({match.coverage:.0%} of its reference)"
                     + (f"; also found: {others}" if others else "")
                     + ("; the text differs from the reference" if match.modified else ""))
        readings = [_rider_reading(found, text, r.first_line, r.last_line) for r in match.rider_text]
        unexplained = [r for r, reading in zip(match.rider_text, readings) if not reading]
        for r, reading in zip(match.rider_text, readings):
            state = reading or "not recognised by any detector or allowance: read it"
            notes.append(f"added terms at lines {r.first_line}-{r.last_line}: \"{r.snippet}\" ({state})")
        if osi_base and not match.modified and exceptions_only and not unexplained \
                and not any(r.startswith("restricts") for r in readings):
            conforms = "osi-approved"
            notes.append(f"{match.spdx_id} is OSI-approved and its added terms are of a kind OSI-approved licenses contain")
        elif osi_base and unexplained:
            conforms = "unclear"
    else:
        notes.append(f"{source}: not identified as a known license text; assessed clause by clause")
    verdict = _verdict(found.criteria, conforms)
    return LicenseAssessment(
        license=license_id, verdict=verdict, basis="clause-detectors", criteria=found.criteria, name=name,
        notes=tuple(notes), obligations=obligations_brief(match.spdx_id) if match else obligations_brief(""),
        fee_terms=_fee_terms(match.spdx_id if match else "", None if verdict != "osi-approved" else True),
        rights=rights_brief(verdict), location=location,
    )
