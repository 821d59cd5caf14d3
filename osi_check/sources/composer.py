"""Composer (PHP): packages from composer.lock, the project's own license from composer.json.

Only the files are read; composer is never run. The lockfile, not composer.json, says what is
installed, so dependencies come from composer.lock alone; a composer.json with requirements but no
lock beside it is reported, because its dependencies then stay unknown.

Composer's `license` array is a choice (composer docs: "the licensee may choose"), so it is joined
with OR, never AND.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

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
from osi_check.sources._lockfile import (
    JsonText,
    Spot,
    in_tree,
    normalize,
    normalize_choice,
    not_a_license,
    read_json_object,
    purl_part,
    raw_json,
    relative_dir,
)
from osi_check.tree import InputError, Tree, TreeFile

LOCK_DETAIL = "composer.lock license array (a choice: OR)"
MANIFEST_BYTES = 1024 * 1024
DEFAULT_VENDOR_DIR = "vendor"
# Requirements composer satisfies from the platform, not by installing a package.
_PLATFORM_REQUIREMENT = re.compile(
    r"(php(-64bit|-ipv6|-zts|-debug)?|hhvm|ext-.+|lib-.+|composer(-plugin-api|-runtime-api)?)", re.IGNORECASE
)


class ComposerSource(Reader):
    name = "composer"
    examples = ("composer.lock", "composer.json", "app/composer.lock")

    def handles(self, file: TreeFile) -> bool:
        # Installed packages under vendor/ carry their own composer.json (and sometimes a lock); they
        # are already components of the project's lock, not applications of their own.
        return file.name in ("composer.lock", "composer.json") and "vendor" not in file.dir_parts

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        parsed = read_json_object(tree, file, self.name)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        raw = JsonText(parsed.text)
        if file.name == "composer.lock":
            return _LockReader(file, raw, _vendor_dir(tree, file.parent)).read(parsed.value)
        return _read_manifest(tree, file, parsed.value, raw)


class _LockReader:
    """Reads the package lists of one composer.lock, with the line of each package's "name"."""

    def __init__(self, file: TreeFile, raw: JsonText, vendor_dir: str | None):
        self.file = file
        self.raw = raw
        self.vendor_root = in_tree(file.parent, vendor_dir) if vendor_dir else None
        self.components: list[Component] = []
        self.problems: list[InputProblem] = []

    def read(self, data: dict) -> SourceResult:
        sections = self.raw.spots()
        for section, scope in (("packages", Scope.RUNTIME), ("packages-dev", Scope.DEV)):
            self._read_section(data.get(section), section, scope, sections.get(section))
        return SourceResult(components=tuple(self.components), problems=tuple(self.problems))

    def _read_section(self, packages: object, section: str, scope: Scope, spot: Spot | None) -> None:
        if packages is None:
            # composer always writes "packages"; "packages-dev" is null in locks made with --no-dev
            if section == "packages":
                self._problem(spot, "has no 'packages' list; no packages were read")
            return
        if not isinstance(packages, list) or spot is None:
            self._problem(spot, f"'{section}' is not a JSON array; its packages were not read")
            return
        for index, (package, where) in enumerate(zip(packages, self.raw.elements(spot.offset))):
            self._read_package(package, where, f"{section}[{index}]", scope)

    def _read_package(self, package: object, spot: Spot, where: str, scope: Scope) -> None:
        name = package.get("name") if isinstance(package, dict) else None
        if not isinstance(name, str) or not name.strip():
            what = "has no package name" if isinstance(package, dict) else "is not a JSON object"
            self._problem(spot, f"{where} {what}; that entry was skipped")
            return
        location = Location(self.file.path, self.raw.spots(spot.offset)["name"].line)
        self.components.append(self._component(package, name, scope, location))
        version = package.get("version")
        if version is not None and not isinstance(version, str):
            self._problem(spot, f"{name}: 'version' is not a string; the package was read without a version")

    def _component(self, package: dict, name: str, scope: Scope, location: Location) -> Component:
        version = package.get("version") if isinstance(package.get("version"), str) else None
        purl = _purl(name, version)
        license_, problem = _lock_license(package, location)
        if problem:
            self.problems.append(InputProblem(location, f"{name}: {problem}", ComposerSource.name))
        return Component(
            key=purl,
            name=name,
            version=version,
            ecosystem="composer",
            role=Role.DEPENDENCY,
            scope=scope,
            license=license_,
            location=location,
            root=in_tree(self.vendor_root, name) if self.vendor_root is not None else None,
            purl=purl,
        )

    def _problem(self, spot: Spot | None, message: str) -> None:
        line = spot.line if spot else None
        self.problems.append(InputProblem(Location(self.file.path, line), message, ComposerSource.name))


def _lock_license(package: dict, location: Location) -> tuple[LicenseConclusion, str | None]:
    """The conclusion for a lock entry's `license` array, and a problem message if its shape is wrong."""
    if "license" not in package or package["license"] in (None, [], ""):
        quote = "" if "license" not in package else raw_json(package["license"])
        evidence = Evidence(EvidenceKind.DECLARED, location, quote, "composer.lock: no license declared")
        return LicenseConclusion(None, (evidence,), notes=("no license declared",)), None
    value = package["license"]
    evidence = Evidence(EvidenceKind.DECLARED, location, raw_json(value), LOCK_DETAIL)
    normalized, problem = _declared(value)
    if normalized.expression is None:
        return LicenseConclusion(None, (evidence,), notes=("no license declared",)), problem
    return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes), problem


def _declared(value: object) -> tuple[licensing.Normalized, str | None]:
    """Normalise a composer `license` value: a string, or an array meaning a choice."""
    if isinstance(value, str):
        return normalize(value), None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return normalize_choice(tuple(value)), None
    return not_a_license(value), "'license' is not a string or an array of strings; the license is unknown"


def _purl(name: str, version: str | None) -> str:
    """pkg:composer/<vendor>/<name>@<version>; the version is kept as locked ("v6.4.3")."""
    segments = "/".join(purl_part(part) for part in name.split("/"))
    return f"pkg:composer/{segments}" + (f"@{purl_part(version)}" if version else "")


def _vendor_dir(tree: Tree, directory: str) -> str | None:
    """Where composer installed the lock's packages: composer.json's config.vendor-dir, else vendor/.

    None when vendor-dir points outside the tree: the packages then have no root in it. A composer.json
    that cannot be read here is reported when it is read as a file of its own.
    """
    manifest = in_tree(directory, "composer.json")
    if manifest is None or not tree.exists(manifest):
        return DEFAULT_VENDOR_DIR
    try:
        data = json.loads(tree.read_text(manifest, MANIFEST_BYTES, strict_utf8=True))
    except (InputError, ValueError, RecursionError):
        return DEFAULT_VENDOR_DIR
    config = data.get("config") if isinstance(data, dict) else None
    vendor = config.get("vendor-dir") if isinstance(config, dict) else None
    if not isinstance(vendor, str) or not vendor.strip():
        return DEFAULT_VENDOR_DIR
    return relative_dir(vendor)


def _read_manifest(tree: Tree, file: TreeFile, data: dict, raw: JsonText) -> SourceResult:
    """composer.json: the project (or sub-project) itself, as an application component."""
    directory = file.parent
    spots = raw.spots()
    location = Location(file.path, spots["license"].line if "license" in spots else 1)
    name = data.get("name") if isinstance(data.get("name"), str) else _dir_name(tree, directory)
    version = data.get("version") if isinstance(data.get("version"), str) else None
    license_, problem = _manifest_license(data, location)
    problems = [InputProblem(location, problem, ComposerSource.name)] if problem else []
    problems.extend(_unresolved(tree, file, data, spots))
    component = Component(
        key=f"application:{directory}",
        name=name,
        version=version,
        ecosystem="composer",
        role=Role.APPLICATION,
        scope=Scope.RUNTIME,
        license=license_,
        location=location,
        root=directory,
    )
    return SourceResult(components=(component,), problems=tuple(problems))


def _manifest_license(data: dict, location: Location) -> tuple[LicenseConclusion, str | None]:
    if data.get("license") in (None, "", []):
        return LicenseConclusion(None, notes=("composer.json declares no license",)), None
    value = data["license"]
    detail = "composer.json license array (a choice: OR)" if isinstance(value, list) else "composer.json license"
    evidence = Evidence(EvidenceKind.DECLARED, location, raw_json(value), detail)
    normalized, problem = _declared(value)
    if normalized.expression is None:
        return LicenseConclusion(None, (evidence,), notes=("composer.json declares no license",)), problem
    return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes), problem


def _unresolved(tree: Tree, file: TreeFile, data: dict, spots: dict[str, Spot]) -> list[InputProblem]:
    """A problem when composer.json requires packages that no composer.lock beside it resolves."""
    require = data.get("require")
    if require is None:
        return []
    location = Location(file.path, spots["require"].line)
    if not isinstance(require, dict):
        return [InputProblem(location, "'require' is not a JSON object; it was not read", ComposerSource.name)]
    packages = [name for name in require if not _PLATFORM_REQUIREMENT.fullmatch(name)]
    lock = in_tree(file.parent, "composer.lock")
    if not packages or (lock is not None and tree.exists(lock)):
        return []
    message = "composer.json has dependencies but no composer.lock beside it; dependencies were not resolved"
    return [InputProblem(location, message, ComposerSource.name)]


def _dir_name(tree: Tree, directory: str) -> str:
    return tree.root.name if directory == "." else PurePosixPath(directory).name
