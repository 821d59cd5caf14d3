"""Composer's record of what is installed: `<vendor-dir>/composer/installed.json`.

A delivered CRM often has vendor/ but no composer.lock (or a lock that no longer matches what was
copied in). Composer writes installed.json on every install, so it says what is actually on disk.
Two formats exist:

- composer 2: `{"packages": [...], "dev": true, "dev-package-names": [...]}`; each package has an
  `install-path` relative to the composer/ directory ("../monolog/monolog"), and the packages named in
  `dev-package-names` are development-only (scope DEV).
- composer 1: a top-level JSON list of packages, installed at `<vendor-dir>/<name>`. It does not record
  which packages are dev-only, so every package is RUNTIME: it is on disk, and the lock (when present)
  is the place that says dev.

The root of each package is its installed directory, so this component merges with composer.lock's
entry and with the package's own license file (vendored.py). An `install-path` that leaves the vendor
directory (a custom installer's "../../web/modules/x", or a crafted "../../src") gets no root: a root
claims every file below it, and a package must not claim the project's own code.

The `license` array is a choice, as in composer.lock (joined with OR).
"""

from __future__ import annotations

from pathlib import PurePosixPath

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
from osi_check.sources._lockfile import JsonText, Spot, in_tree, parse_json, raw_json
from osi_check.sources.composer import _PLATFORM_REQUIREMENT, _declared, _purl
from osi_check.tree import InputError, Tree, TreeFile

DETAIL = "composer installed.json license array (a choice: OR)"


class ComposerInstalledSource(Reader):
    name = "composer-installed"
    examples = ("vendor/composer/installed.json", "include/vendor/composer/installed.json")

    def handles(self, file: TreeFile) -> bool:
        return file.path == "composer/installed.json" or file.path.endswith("/composer/installed.json")

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, strict_utf8=True)
        except InputError as err:
            return self.problem(err)
        parsed = parse_json(text, file.path, self.name)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        raw = JsonText(text)
        data = parsed.value
        if isinstance(data, list):  # composer 1
            return _Installed(file, raw, frozenset(), composer2=False).read(data, Spot(1, 0))
        if not isinstance(data, dict):
            message = "the top level is neither a list of packages (composer 1) nor an object (composer 2)"
            return _only(file, 1, message)
        spots = raw.spots()
        packages = data.get("packages")
        if not isinstance(packages, list):
            line = spots["packages"].line if "packages" in spots else 1
            what = "has no 'packages' list" if packages is None else "'packages' is not a JSON array"
            return _only(file, line, f"{what}; no packages were read")
        dev_names = data.get("dev-package-names", [])
        well_formed = isinstance(dev_names, list) and all(isinstance(n, str) for n in dev_names)
        dev = frozenset(n.casefold() for n in dev_names) if well_formed else frozenset()
        installed = _Installed(file, raw, dev, composer2=True)
        if not well_formed:
            message = "'dev-package-names' is not a list of names; every package was read as runtime"
            installed.problem(spots["dev-package-names"].line, message)
        return installed.read(packages, spots["packages"])


def _only(file: TreeFile, line: int, message: str) -> SourceResult:
    return SourceResult(problems=(InputProblem(Location(file.path, line), message, ComposerInstalledSource.name),))


class _Installed:
    """Reads the package list of one installed.json, with the line of each package's "name"."""

    def __init__(self, file: TreeFile, raw: JsonText, dev_names: frozenset[str], *, composer2: bool):
        self.file = file
        self.raw = raw
        self.dev_names = dev_names
        self.composer2 = composer2
        composer_dir = PurePosixPath(file.parent)
        self.vendor_dir = str(composer_dir.parent)
        self.components: list[Component] = []
        self.problems: list[InputProblem] = []

    def read(self, packages: list, spot: Spot) -> SourceResult:
        skipped = 0
        for index, (package, where) in enumerate(zip(packages, self.raw.elements(spot.offset))):
            name = package.get("name") if isinstance(package, dict) else None
            if not isinstance(name, str) or not name.strip():
                what = "has no package name" if isinstance(package, dict) else "is not a JSON object"
                self.problem(where.line, f"package {index} {what}; that entry was skipped")
                skipped += 1
                continue
            self._package(package, name.strip(), where)
        if skipped and not self.components:
            # nothing in the list is a package: one problem for the file, not one per element
            message = f"none of the {len(packages)} entries is a package with a name; no packages were read"
            return _only(self.file, spot.line, message)
        return SourceResult(components=tuple(self.components), problems=tuple(self.problems))

    def _package(self, package: dict, name: str, spot: Spot) -> None:
        location = Location(self.file.path, self.raw.spots(spot.offset)["name"].line)
        issues: list[str] = []
        version = package.get("version")
        if version is not None and not isinstance(version, str):
            issues.append("'version' is not a string")
        version = version if isinstance(version, str) and version else None
        license_, license_issue = _license(package, location)
        if license_issue:
            issues.append(license_issue)
        root, root_issue = self._root(package, name)
        if root_issue:
            issues.append(root_issue)
        purl = _purl(name, version)
        self.components.append(
            Component(
                key=purl,
                name=name,
                version=version,
                ecosystem="composer",
                role=Role.DEPENDENCY,
                scope=Scope.DEV if name.casefold() in self.dev_names else Scope.RUNTIME,
                license=license_,
                location=location,
                root=root,
                purl=purl,
                integrity=_integrity(package.get("dist")),
                dependencies=_requirements(package.get("require")),
            )
        )
        if issues:
            self.problems.append(InputProblem(location, f"{name}: {'; '.join(issues)}", ComposerInstalledSource.name))

    def _root(self, package: dict, name: str) -> tuple[str | None, str | None]:
        if not self.composer2:
            return in_tree(self.vendor_dir, name), None
        path = package.get("install-path")
        if path is None:
            return None, None  # a metapackage: installed nowhere
        if not isinstance(path, str):
            return None, "'install-path' is not a string; the package has no directory"
        return _install_root(self.vendor_dir, path), None

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.file.path, line), message, ComposerInstalledSource.name))


def _install_root(vendor_dir: str, install_path: str) -> str | None:
    """The directory of a composer 2 `install-path` ("../monolog/monolog", relative to vendor/composer/),
    only when it is a plain path inside the vendor directory."""
    if not install_path.startswith("../"):
        return None
    return in_tree(vendor_dir, install_path[3:].rstrip("/"))


def _license(package: dict, location: Location) -> tuple[LicenseConclusion, str | None]:
    value = package.get("license")
    if value in (None, [], ""):
        quote = "" if "license" not in package else raw_json(value)
        evidence = Evidence(EvidenceKind.DECLARED, location, quote, "composer installed.json: no license declared")
        return LicenseConclusion(None, (evidence,), notes=("no license declared",)), None
    evidence = Evidence(EvidenceKind.DECLARED, location, raw_json(value), DETAIL)
    normalized, problem = _declared(value)
    if normalized.expression is None:
        return LicenseConclusion(None, (evidence,), notes=("no license declared",)), problem
    return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes), problem


def _integrity(dist: object) -> str | None:
    """dist.shasum as written (a SHA-1 of the archive); composer writes "" for GitHub zipballs."""
    shasum = dist.get("shasum") if isinstance(dist, dict) else None
    return shasum.strip() if isinstance(shasum, str) and shasum.strip() else None


def _requirements(require: object) -> tuple[str, ...]:
    """Package names from `require`, without platform requirements (php, ext-*, lib-*, composer-*-api)."""
    if not isinstance(require, dict):
        return ()
    return tuple(name for name in require if isinstance(name, str) and not _PLATFORM_REQUIREMENT.fullmatch(name))
