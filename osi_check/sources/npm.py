"""npm: packages from package-lock.json / npm-shrinkwrap.json (lockfileVersion 2 and 3).

Only the file is read; npm is never run. Versions 2 and 3 list every installed folder in the
`packages` map ("node_modules/a/node_modules/@s/b"), which is what is actually deployed, so that map
is the one read; the older `dependencies` tree that version 2 also carries is ignored. Version 1 has
only that tree and is reported as not read rather than silently giving nothing.
"""

from __future__ import annotations

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
    parse_json,
    purl_part,
    raw_json,
)
from osi_check.tree import InputError, Tree, TreeFile

LOCKFILE_NAMES = frozenset({"package-lock.json", "npm-shrinkwrap.json"})
KNOWN_VERSIONS = (2, 3)
NODE_MODULES = "node_modules/"
LEGACY_ARRAY_NOTE = "legacy 'licenses' array read as a choice"
LEGACY_OBJECT_NOTE = "legacy license object read by its 'type'"


class NpmLockSource(Reader):
    name = "npm"
    examples = ("package-lock.json", "npm-shrinkwrap.json", "web/package-lock.json")

    def handles(self, file: TreeFile) -> bool:
        # A lockfile inside node_modules/ (a package's published shrinkwrap, npm's hidden
        # node_modules/.package-lock.json) describes an install, not this project: the project's own
        # lockfile already lists those folders.
        return file.name in LOCKFILE_NAMES and "node_modules" not in PurePosixPath(file.parent).parts

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, strict_utf8=True)
        except InputError as err:
            return self.problem(err)
        parsed = parse_json(text, file.path, self.name)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        data = parsed.value
        if not isinstance(data, dict):
            return _only(InputProblem(Location(file.path, 1), "the top level is not a JSON object", self.name))
        return _LockReader(tree, file, JsonText(text)).read(data)


class _LockReader:
    """Reads the `packages` map of one lockfile, with the line of each entry's key."""

    def __init__(self, tree: Tree, file: TreeFile, raw: JsonText):
        self.tree = tree
        self.file = file
        self.directory = file.parent
        self.detail = f"{file.name} license field"
        self.raw = raw
        self.components: list[Component] = []
        self.problems: list[InputProblem] = []
        self.keys: set[str] = set()

    def read(self, data: dict) -> SourceResult:
        spots = self.raw.spots()
        version = data.get("lockfileVersion")
        version_at = self._location(spots.get("lockfileVersion"))
        packages = data.get("packages")
        if _is_version(version, 1) or (version is None and packages is None and "dependencies" in data):
            message = "lockfileVersion 1 is not supported yet; its packages were not read"
            return _only(InputProblem(version_at, message, NpmLockSource.name))
        if not isinstance(packages, dict):
            what = "has no 'packages' map" if packages is None else "'packages' is not a JSON object"
            location = self._location(spots.get("packages"))
            return _only(InputProblem(location, f"{what}; no packages were read", NpmLockSource.name))
        if not any(_is_version(version, known) for known in KNOWN_VERSIONS):
            message = (
                f"lockfileVersion {raw_json(version)} is not one osi-check knows (2, 3); "
                "its 'packages' map was read as in version 3"
            )
            self.problems.append(InputProblem(version_at, message, NpmLockSource.name))
        self._read_packages(packages, self.raw.spots(spots["packages"].offset))
        return SourceResult(components=tuple(self.components), problems=tuple(self.problems))

    def _read_packages(self, packages: dict, spots: dict[str, Spot]) -> None:
        for folder, entry in packages.items():
            location = self._location(spots.get(folder))
            if not isinstance(entry, dict):
                self._problem(location, f"the entry for {folder!r} is not a JSON object; it was skipped")
            elif entry.get("link") is True:
                continue  # a workspace symlink; the folder it points to has an entry of its own
            elif _package_name(folder) is None:
                self.components.append(self._application(folder, entry, location))
            else:
                self.components.append(self._dependency(folder, entry, location))

    def _dependency(self, folder: str, entry: dict, location: Location) -> Component:
        # An aliased install ("string-width-cjs": "npm:string-width@4") records the real name.
        name = entry["name"] if isinstance(entry.get("name"), str) else _package_name(folder)
        version = self._version(entry, location)
        purl = _purl(name, version)
        key = purl if purl not in self.keys else f"{purl}#{folder}"
        self.keys.add(key)
        dev = entry.get("dev") is True or entry.get("devOptional") is True
        return Component(
            key=key,
            name=name,
            version=version,
            ecosystem="npm",
            role=Role.DEPENDENCY,
            scope=Scope.DEV if dev else Scope.RUNTIME,
            license=self._license(entry, location),
            location=location,
            root=in_tree(self.directory, folder),
            purl=purl,
        )

    def _application(self, folder: str, entry: dict, location: Location) -> Component:
        """The project ("" key) or one of its workspace folders: the scanned code itself."""
        root = self.directory if folder == "" else in_tree(self.directory, folder)
        name = entry.get("name")
        if not isinstance(name, str):
            name = self.tree.root.name if root == "." else PurePosixPath(root or folder).name
        key = f"application:{root if root is not None else folder}"
        self.keys.add(key)
        return Component(
            key=key,
            name=name,
            version=self._version(entry, location),
            ecosystem="npm",
            role=Role.APPLICATION,
            scope=Scope.RUNTIME,
            license=self._license(entry, location),
            location=location,
            root=root,
        )

    def _version(self, entry: dict, location: Location) -> str | None:
        version = entry.get("version")
        if version is None or isinstance(version, str):
            return version
        self._problem(location, "'version' is not a string; the package was read without a version")
        return None

    def _license(self, entry: dict, location: Location) -> LicenseConclusion:
        value = entry.get("license", entry.get("licenses"))
        if value is None:
            return LicenseConclusion(None, notes=("no license declared",))
        evidence = Evidence(EvidenceKind.DECLARED, location, raw_json(value), self.detail)
        normalized = _normalize(value)
        if normalized is None:
            self._problem(location, f"the license value {evidence.quote} is not a license string; it is unknown")
            normalized = not_a_license(value)
        if normalized.expression is None:
            return LicenseConclusion(None, (evidence,), notes=normalized.notes + ("no license declared",))
        return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes)

    def _location(self, spot: Spot | None) -> Location:
        return Location(self.file.path, spot.line if spot else None)

    def _problem(self, location: Location, message: str) -> None:
        self.problems.append(InputProblem(location, message, NpmLockSource.name))


def _normalize(value: object) -> licensing.Normalized | None:
    """Normalise an npm license value; None if it has no license string to read.

    Current packages declare an SPDX string; old ones an object {"type": "MIT", "url": ...} or an
    array of such (under `license` or the deprecated `licenses`). The array is read as a choice, as
    npm's own SBOM output does (npm/cli#9010 joins its entries with OR).
    """
    if isinstance(value, str):
        return normalize(value)
    if _legacy_type(value) is not None:
        result = normalize(_legacy_type(value))
        return licensing.Normalized(result.expression, result.unknown, result.notes + (LEGACY_OBJECT_NOTE,))
    if isinstance(value, list):
        names = [item if isinstance(item, str) else _legacy_type(item) for item in value]
        if all(isinstance(name, str) for name in names):
            result = normalize_choice(tuple(names))
            return licensing.Normalized(result.expression, result.unknown, result.notes + (LEGACY_ARRAY_NOTE,))
    return None


def _legacy_type(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return value["type"]
    return None


def _package_name(folder: str) -> str | None:
    """The package name of an installed folder: what follows the last "node_modules/" ("@s/b" too)."""
    index = folder.rfind(NODE_MODULES)
    if index < 0 or (index > 0 and folder[index - 1] != "/"):
        return None
    return folder[index + len(NODE_MODULES):] or None


def _purl(name: str, version: str | None) -> str:
    """pkg:npm/<name>@<version>, the scope percent-encoded as the purl spec asks (pkg:npm/%40babel/core@...)."""
    path = "/".join(purl_part(part) for part in name.split("/", 1))
    return f"pkg:npm/{path}" + (f"@{purl_part(version)}" if version else "")


def _is_version(value: object, number: int) -> bool:
    return type(value) is int and value == number


def _only(problem: InputProblem) -> SourceResult:
    return SourceResult(problems=(problem,))
