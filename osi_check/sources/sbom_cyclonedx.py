"""CycloneDX JSON SBOMs (spec 1.4-1.6) handed over with a delivery: the vendor's components and licenses.

Files are claimed by name only (bom.json, sbom.json, cyclonedx.json, *.cdx.json, *.bom.json, *.sbom.json),
never by sniffing every .json of the tree. A file with such a name that holds an SPDX JSON document
(syft writes `-o spdx-json=sbom.json` as readily as CycloneDX) is read as SPDX, its components
credited to the SPDX reader. The structure is checked here (no schema download at scan time): a wrongly
typed entry costs that entry or that field, reported with its line, and the rest is kept.

`metadata.component` is the delivered application itself (root "."); every other component is an SBOM
entry with no directory in the tree (root None), keyed by its purl so that it joins the package found
in the tree (see `_sbom`). Nested `components` (cyclonedx-npm nests packages installed below another
one) are read too and inherit their parent's scope. `scope` maps required/optional/excluded to
runtime/optional/dev ("excluded": not reachable at runtime, so not shipped); the generators' own
dev flags (cdx:composer:package:isDevRequirement, cdx:npm:package:development) mark dev as well.

Several entries in `licenses`: the CycloneDX specification does not say whether they all apply or are
alternatives. Its schema only says the array is "EITHER (list of SPDX licenses and/or named licenses)
OR (tuple of one SPDX License Expression)" (bom-1.6.schema.json, licenseChoice), and the question is
open upstream (CycloneDX/specification#349, "Add clarification on what a list of licenses means").
The CycloneDX libraries model each entry as a "DisjunctiveLicense" (cyclonedx-php-library,
cyclonedx-javascript-library), and cyclonedx-php-composer writes composer's license array, which
composer defines as a choice, as one entry per license. So several entries are read as a choice (OR),
like composer's array, but marked as an unsure reading (confident=False) with a note saying why.
CycloneDX 1.6 `acknowledgement` separates declared from concluded entries: declared ones are used,
and a concluded license that differs is recorded as a conflict.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from osi_check import licensing
from osi_check.facts import (
    Component,
    Evidence,
    EvidenceKind,
    InputProblem,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.reader import Reader
from osi_check.sources._lockfile import JsonText, Spot, parse_json, raw_json
from osi_check.sources._sbom import CDX_HASH_ORDER, identify, identify_text, in_package_dir, integrity
from osi_check.sources.sbom_spdx import read_spdx_json
from osi_check.tree import InputError, Tree, TreeFile

NAME = "cyclonedx-sbom"
FILE_NAMES = frozenset({"bom.json", "sbom.json", "cyclonedx.json"})
SUFFIXES = (".cdx.json", ".bom.json", ".sbom.json")
KNOWN_SPEC_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")
SCOPES = {"required": Scope.RUNTIME, "optional": Scope.OPTIONAL, "excluded": Scope.DEV}
DEV_PROPERTIES = frozenset({"cdx:composer:package:isDevRequirement", "cdx:npm:package:development"})
MAX_DEPTH = 64  # nested `components`; deeper nesting is reported, not walked
CHOICE_NOTE = (
    "the SBOM lists several licenses; CycloneDX does not say whether they all apply or are alternatives "
    "(CycloneDX/specification#349), so they were read as a choice, as the CycloneDX libraries model them "
    "and as composer's license list means; check the component's license files"
)


class CycloneDxSbomSource(Reader):
    name = NAME
    examples = ("bom.json", "sbom.cdx.json", "dist/acme-crm.bom.json", "sbom.json")

    def handles(self, file: TreeFile) -> bool:
        lower = file.name.lower()
        return (lower in FILE_NAMES or (lower.endswith(SUFFIXES) and lower not in SUFFIXES)) and not in_package_dir(file.path)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, strict_utf8=True)
        except InputError as err:
            return self.problem(err)
        parsed = parse_json(text, file.path, NAME)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        data = parsed.value
        if not isinstance(data, dict):
            return _only(file.path, 1, "the top level is not a JSON object")
        if "bomFormat" not in data and "spdxVersion" in data:
            return read_spdx_json(file.path, text, data)
        if data.get("bomFormat") != "CycloneDX":
            raw = JsonText(text)
            spot = raw.spots().get("bomFormat")
            what = f"its \"bomFormat\" is {raw_json(data['bomFormat'])}" if "bomFormat" in data else "it has no \"bomFormat\""
            return _only(file.path, spot.line if spot else 1, f"is not a CycloneDX BOM ({what}, not \"CycloneDX\")")
        return _BomReader(file.path, JsonText(text)).read(data)


def _only(path: str, line: int | None, message: str) -> SourceResult:
    return SourceResult(problems=(InputProblem(Location(path, line), message, NAME),))


@dataclass(frozen=True)
class _Entry:
    """One component object of the BOM, found while walking it."""

    item: dict
    label: str  # where it is: "components[3].components[0]"
    location: Location
    scope: Scope
    application: bool = False


@dataclass(frozen=True)
class _License:
    kind: str  # "id", "name" or "expression"
    value: str
    text: str | None = None  # a named license's text, when the BOM carries it
    concluded: bool = False  # CycloneDX 1.6 acknowledgement "concluded"


@dataclass
class _BomReader:
    path: str
    raw: JsonText
    entries: list[_Entry] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    depends: dict[str, list[str]] = field(default_factory=dict)

    def read(self, data: dict) -> SourceResult:
        spots = self.raw.spots()
        self._check_spec_version(data, spots)
        self._metadata(data.get("metadata"), spots.get("metadata"))
        self._walk(data.get("components"), spots.get("components"), "components", None, 0)
        self._dependencies(data.get("dependencies"), spots.get("dependencies"))
        names = {}
        for entry in self.entries:
            ref = entry.item.get("bom-ref")
            if isinstance(ref, str):
                names.setdefault(ref, _display_name(entry.item))
        application = next((e for e in self.entries if e.application), None)
        root_ref = application.item.get("bom-ref") if application else None
        direct = set(self.depends.get(root_ref, ())) if isinstance(root_ref, str) and root_ref in self.depends else None
        components = tuple(self._component(entry, names, direct) for entry in self.entries)
        problems = sorted(self.problems, key=lambda p: p.location.line or 0)  # file order
        return SourceResult(components=components, problems=tuple(problems))

    # ---- structure ------------------------------------------------------------------------------

    def _check_spec_version(self, data: dict, spots: dict[str, Spot]) -> None:
        version = data.get("specVersion")
        if isinstance(version, str) and version in KNOWN_SPEC_VERSIONS:
            return
        what = "has no 'specVersion'" if "specVersion" not in data else f"'specVersion' {raw_json(version)} is not one osi-check knows"
        self._problem(spots.get("specVersion"), f"{what} ({', '.join(KNOWN_SPEC_VERSIONS)}); it was read as 1.6")

    def _metadata(self, metadata: object, spot: Spot | None) -> None:
        if metadata is None:
            return
        if not isinstance(metadata, dict) or spot is None:
            self._problem(spot, "'metadata' is not a JSON object; the application component was not read")
            return
        component = metadata.get("component")
        if component is None:
            return
        at = self.raw.spots(spot.offset).get("component")
        self._entry(component, at, "metadata.component", None, 0, application=True)

    def _walk(self, items: object, spot: Spot | None, label: str, inherited: Scope | None, depth: int) -> None:
        if items is None:
            return
        if not isinstance(items, list) or spot is None:
            self._problem(spot, f"'{label}' is not a JSON array; its components were not read")
            return
        if depth >= MAX_DEPTH:
            self._problem(spot, f"'{label}' is nested more than {MAX_DEPTH} levels deep; its components were not read")
            return
        for index, (item, at) in enumerate(zip(items, self.raw.elements(spot.offset))):
            self._entry(item, at, f"{label}[{index}]", inherited, depth)

    def _entry(self, item: object, at: Spot | None, label: str, inherited: Scope | None, depth: int, *, application=False) -> None:
        if not isinstance(item, dict) or at is None:
            self._problem(at, f"{label} is not a JSON object; it was skipped")
            return
        members = self.raw.spots(at.offset)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            self._problem(at, f"{label} has no component name; it was skipped")
            return
        location = Location(self.path, members["name"].line)
        scope = Scope.RUNTIME if application else self._scope(item, inherited, label, location)
        # A "file" component is one file of a package (syft lists them), not a package of its own.
        if item.get("type") != "file":
            self.entries.append(_Entry(item, label, location, scope, application))
        self._walk(item.get("components"), members.get("components"), f"{label}.components", scope, depth + 1)

    def _scope(self, item: dict, inherited: Scope | None, label: str, location: Location) -> Scope:
        properties = item.get("properties")
        if isinstance(properties, list) and any(
            isinstance(p, dict) and p.get("name") in DEV_PROPERTIES and p.get("value") == "true" for p in properties
        ):
            return Scope.DEV
        raw = item.get("scope")
        if raw is None:
            return inherited or Scope.RUNTIME
        if raw in SCOPES:
            return SCOPES[raw]
        self.problems.append(InputProblem(
            location, f"{label}: 'scope' {raw_json(raw)} is not required, optional or excluded; read as required", NAME
        ))
        return Scope.RUNTIME

    def _dependencies(self, value: object, spot: Spot | None) -> None:
        if value is None:
            return
        if not isinstance(value, list) or spot is None:
            self._problem(spot, "'dependencies' is not a JSON array; the dependency graph was not read")
            return
        for index, (entry, at) in enumerate(zip(value, self.raw.elements(spot.offset))):
            ref = entry.get("ref") if isinstance(entry, dict) else None
            depends_on = entry.get("dependsOn", []) if isinstance(entry, dict) else None
            if not isinstance(ref, str) or not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
                self._problem(at, f"dependencies[{index}] is not a {{\"ref\", \"dependsOn\"}} object of strings; it was skipped")
                continue
            self.depends.setdefault(ref, []).extend(depends_on)

    def _problem(self, spot: Spot | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.path, spot.line if spot else None), message, NAME))

    # ---- components -----------------------------------------------------------------------------

    def _component(self, entry: _Entry, names: dict[str, str], direct: set[str] | None) -> Component:
        item = entry.item
        group = item["group"] if isinstance(item.get("group"), str) and item["group"].strip() else None
        version = item.get("version")
        if version is not None and not isinstance(version, str):
            self.problems.append(InputProblem(entry.location, f"{entry.label}: 'version' is not a string; read without a version", NAME))
            version = None
        name = _display_name(item)
        identity = identify(item.get("purl"), item["name"], version, group)
        if identity.problem:
            self.problems.append(InputProblem(entry.location, f"{entry.label} ({name}): {identity.problem}", NAME))
        license_ = self._license(item, entry)
        if identity.notes:
            license_ = LicenseConclusion(
                license_.expression, license_.evidence, license_.unknown, (*license_.notes, *identity.notes),
                license_.confident, license_.conflicts,
            )
        ref = item.get("bom-ref")
        return Component(
            key=identity.key,
            name=name,
            version=version,
            ecosystem=identity.ecosystem,
            role=Role.APPLICATION if entry.application else Role.DEPENDENCY,
            scope=entry.scope,
            license=license_,
            location=entry.location,
            root="." if entry.application else None,
            purl=identity.purl,
            direct=None if entry.application or direct is None or not isinstance(ref, str) else ref in direct,
            integrity=integrity(_digests(item)),
            dependencies=tuple(dict.fromkeys(names[d] for d in self.depends.get(ref, ()) if d in names)) if isinstance(ref, str) else (),
            sources=(NAME,),
        )

    def _license(self, item: dict, entry: _Entry) -> LicenseConclusion:
        value = item.get("licenses")
        if value is None or value == []:
            return LicenseConclusion(None, notes=("the SBOM states no license for this component",))
        evidence = Evidence(EvidenceKind.SBOM, entry.location, raw_json(value), "CycloneDX licenses")
        entries = [_license_entry(e) for e in value] if isinstance(value, list) else [None]
        if any(e is None for e in entries):
            self.problems.append(InputProblem(
                entry.location,
                f"{entry.label} ({_display_name(item)}): 'licenses' holds {raw_json(value)[:120]}, which is not a list of "
                "{\"license\": {\"id\" or \"name\"}} or {\"expression\"} objects; the license is unknown",
                NAME,
            ))
            unknown = licensing.unknown(raw_json(value), "the SBOM's 'licenses' is not a list of CycloneDX license objects")
            return LicenseConclusion(unknown.expression, (evidence,), unknown.unknown, unknown.notes)
        declared = [e for e in entries if not e.concluded]
        concluded = [e for e in entries if e.concluded]
        conclusion = self._choice(declared or concluded, evidence, entry)
        if declared and concluded:
            other = self._choice(concluded, evidence, entry)
            if other.expression != conclusion.expression:
                conflict = (f"the SBOM declares {conclusion.expression} but concludes {other.expression} "
                            f"(CycloneDX license acknowledgement, {entry.location})")
                conclusion = LicenseConclusion(conclusion.expression, conclusion.evidence, conclusion.unknown,
                                               conclusion.notes, conclusion.confident, (conflict,))
        elif concluded:
            conclusion = LicenseConclusion(conclusion.expression, conclusion.evidence, conclusion.unknown,
                                           (*conclusion.notes, "the SBOM states only a concluded license"),
                                           conclusion.confident, conclusion.conflicts)
        return conclusion

    def _choice(self, entries: list[_License], evidence: Evidence, entry: _Entry) -> LicenseConclusion:
        raws: list[str] = []
        notes: list[str] = []
        for license_ in entries:
            raw = license_.value
            if license_.kind == "name" and license_.text and licensing.normalize(raw).unknown:
                text = identify_text(f"the license named '{raw}'", license_.text, f"{self.path}#{entry.label}")
                notes.append(text.note)
                raw = text.expression or raw
            raws.append(raw)
        distinct = tuple(dict.fromkeys(raws))
        normalized = licensing.normalize_choice(distinct)
        several = len({licensing.normalize(r).expression for r in distinct}) > 1
        kind = entries[0].kind if len(entries) == 1 else None
        detail = f"CycloneDX license {kind}" if kind else f"CycloneDX licenses ({len(entries)} entries read as a choice: OR)"
        evidence = Evidence(evidence.kind, evidence.location, evidence.quote, detail)
        if normalized.expression is None:
            return LicenseConclusion(None, (evidence,), notes=(*notes, "the SBOM states an empty license"))
        return LicenseConclusion(
            normalized.expression,
            (evidence,),
            normalized.unknown,
            tuple(dict.fromkeys((*normalized.notes, *notes, *((CHOICE_NOTE,) if several else ())))),
            confident=normalized.confident and not several,
        )


def _license_entry(entry: object) -> _License | None:
    """One element of `licenses`; None when it is neither {"license": {...}} nor {"expression": "..."}."""
    if not isinstance(entry, dict):
        return None
    concluded = entry.get("acknowledgement") == "concluded"
    if isinstance(entry.get("expression"), str) and entry["expression"].strip():
        return _License("expression", entry["expression"], concluded=concluded)
    license_ = entry.get("license")
    if not isinstance(license_, dict):
        return None
    concluded = concluded or license_.get("acknowledgement") == "concluded"
    if isinstance(license_.get("id"), str) and license_["id"].strip():
        return _License("id", license_["id"], concluded=concluded)
    if isinstance(license_.get("name"), str) and license_["name"].strip():
        return _License("name", license_["name"], _license_text(license_.get("text")), concluded)
    return None


def _license_text(value: object) -> str | None:
    """A named license's attached text ({"content", "encoding"?}); base64 is decoded, anything odd ignored."""
    if not isinstance(value, dict) or not isinstance(value.get("content"), str):
        return None
    if value.get("encoding") != "base64":
        return value["content"]
    try:
        return base64.b64decode(value["content"], validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


def _display_name(item: dict) -> str:
    """The package name as its ecosystem writes it: "<group>/<name>" ("@angular/core", "monolog/monolog")."""
    name = item.get("name") if isinstance(item.get("name"), str) else ""
    group = item.get("group")
    if not isinstance(group, str) or not group.strip():
        return name
    purl = item.get("purl")
    joiner = ":" if isinstance(purl, str) and purl.lower().startswith("pkg:maven/") else "/"
    return f"{group}{joiner}{name}"


def _digests(item: dict):
    """((rank, alg), value) for each known hash of the component, else of its distribution references."""
    hashes = item.get("hashes")
    if not isinstance(hashes, list) or not hashes:
        references = item.get("externalReferences")
        hashes = [h for r in references if isinstance(r, dict) and r.get("type") == "distribution"
                  and isinstance(r.get("hashes"), list) for h in r["hashes"]] if isinstance(references, list) else []
    for h in hashes:
        if isinstance(h, dict) and isinstance(h.get("alg"), str) and h["alg"].casefold() in CDX_HASH_ORDER:
            yield CDX_HASH_ORDER[h["alg"].casefold()], h.get("content")
