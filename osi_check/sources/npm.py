"""npm: packages from package-lock.json / npm-shrinkwrap.json (lockfileVersion 1, 2 and 3).

Only the file is read; npm is never run. Versions 2 and 3 list every installed folder in the
`packages` map ("node_modules/a/node_modules/@s/b"), which is what is actually deployed, so that map
is the one read; the older `dependencies` tree that version 2 also carries is ignored. Version 1 has
only that tree: each key is a package installed below its parent ("node_modules/<parent>/node_modules/
<name>"), so walking it gives the same install folders. Version 1 records no licenses and not the
project's own requirements, so its packages have no license and `direct` stays unsaid.

Keys follow the JavaScript convention of `_npm`: the purl for a hoisted "node_modules/<name>", the purl
plus "#<install path>" for any other install, so the installed copy (node_modules reader) matches.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from osi_check.facts import (
    Component,
    InputProblem,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.reader import Reader
from osi_check.sources._lockfile import JsonText, Spot, in_tree, parse_json, raw_json
from osi_check.sources._npm import (
    NODE_MODULES,
    declared_license,
    install_key,
    license_value,
    purl,
    split_spec,
)
from osi_check.tree import InputError, Tree, TreeFile

LOCKFILE_NAMES = frozenset({"package-lock.json", "npm-shrinkwrap.json"})
KNOWN_VERSIONS = (2, 3)
DIRECT_FIELDS = ("dependencies", "devDependencies", "optionalDependencies")
V1_LICENSE_NOTE = "package-lock.json version 1 does not record licenses; scan with node_modules installed to read them"


class NpmLockSource(Reader):
    name = "npm"
    examples = ("package-lock.json", "npm-shrinkwrap.json", "web/package-lock.json")

    def handles(self, file: TreeFile) -> bool:
        # A lockfile inside node_modules/ (a package's published shrinkwrap, npm's hidden
        # node_modules/.package-lock.json) describes an install, not this project: the project's own
        # lockfile already lists those folders.
        return file.name in LOCKFILE_NAMES and "node_modules" not in file.dir_parts

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
    """Reads one lockfile, with the line of each entry's key."""

    def __init__(self, tree: Tree, file: TreeFile, raw: JsonText):
        self.tree = tree
        self.file = file
        self.directory = file.parent
        self.detail = f"{file.name} license field"
        self.raw = raw
        self.components: list[Component] = []
        self.problems: list[InputProblem] = []
        self.keys: set[str] = set()
        self.v1 = False  # version 1 entries never carry a license: say so rather than "none declared"

    def read(self, data: dict) -> SourceResult:
        spots = self.raw.spots()
        version = data.get("lockfileVersion")
        version_at = self._location(spots.get("lockfileVersion"))
        packages = data.get("packages")
        if _is_version(version, 1) or (version is None and packages is None and "dependencies" in data):
            if version is None:
                self._problem(version_at, "has no lockfileVersion; its 'dependencies' tree was read as version 1")
            self.v1 = True
            self._read_v1(data.get("dependencies"), spots.get("dependencies"))
            return self._result()
        if not isinstance(packages, dict):
            what = "has no 'packages' map" if packages is None else "'packages' is not a JSON object"
            location = self._location(spots.get("packages"))
            return _only(InputProblem(location, f"{what}; no packages were read", NpmLockSource.name))
        if not any(_is_version(version, known) for known in KNOWN_VERSIONS):
            message = (
                f"lockfileVersion {raw_json(version)} is not one osi-check knows (1, 2, 3); "
                "its 'packages' map was read as in version 3"
            )
            self._problem(version_at, message)
        self._read_packages(packages, self.raw.spots(spots["packages"].offset))
        return self._result()

    def _result(self) -> SourceResult:
        return SourceResult(components=tuple(self.components), problems=tuple(self.problems))

    # lockfileVersion 2 and 3: the flat `packages` map of install folders

    def _read_packages(self, packages: dict, spots: dict[str, Spot]) -> None:
        direct = _direct_folders(packages)
        for folder, entry in packages.items():
            location = self._location(spots.get(folder))
            if not isinstance(entry, dict):
                self._problem(location, f"the entry for {folder!r} is not a JSON object; it was skipped")
            elif entry.get("link") is True:
                continue  # a workspace symlink; the folder it points to has an entry of its own
            elif _package_name(folder) is None:
                self.components.append(self._application(folder, entry, location))
            else:
                self.components.append(self._dependency(folder, entry, location, folder in direct))

    def _dependency(self, folder: str, entry: dict, location: Location, direct: bool) -> Component:
        # An aliased install ("string-width-cjs": "npm:string-width@4") records the real name.
        name = entry["name"] if isinstance(entry.get("name"), str) else _package_name(folder)
        version = self._version(entry, location)
        if entry.get("dev") is True or entry.get("devOptional") is True:
            scope = Scope.DEV
        elif entry.get("optional") is True:
            scope = Scope.OPTIONAL
        else:
            scope = Scope.RUNTIME
        names = _names(entry.get("dependencies")) + _names(entry.get("optionalDependencies"))
        return self._component(name, version, folder, entry, location, scope, direct, names)

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

    # lockfileVersion 1: the nested `dependencies` tree

    def _read_v1(self, dependencies: object, spot: Spot | None) -> None:
        """Walk the tree depth first in file order (each package, then what is installed below it).

        Iterative, so a hostile file nested a thousand levels deep cannot exhaust the stack.
        """
        if dependencies is None:
            return
        if not isinstance(dependencies, dict) or spot is None:
            self._problem(self._location(spot), "'dependencies' is not a JSON object; no packages were read")
            return
        stack = [iter(self._v1_level(dependencies, spot.offset, ""))]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
                continue
            key, entry, entry_spot, parent = item
            location = self._location(entry_spot)
            if not isinstance(entry, dict):
                self._problem(location, f"the entry for {key!r} is not a JSON object; it was skipped")
                continue
            folder = f"{parent}/{NODE_MODULES}{key}" if parent else NODE_MODULES + key
            self.components.append(self._v1_dependency(key, folder, entry, location))
            nested = entry.get("dependencies")
            if nested is None:
                continue
            nested_spot = self.raw.spots(entry_spot.offset).get("dependencies")
            if not isinstance(nested, dict) or nested_spot is None:
                self._problem(location, f"the 'dependencies' of {key!r} is not a JSON object; they were not read")
                continue
            stack.append(iter(self._v1_level(nested, nested_spot.offset, folder)))

    def _v1_level(self, dependencies: dict, offset: int, parent: str):
        spots = self.raw.spots(offset)
        for key, entry in dependencies.items():
            yield key, entry, spots[key], parent

    def _v1_dependency(self, key: str, folder: str, entry: dict, location: Location) -> Component:
        version = self._version(entry, location)
        name = key
        if version is not None and version.startswith("npm:"):
            # an aliased install records "npm:<real name>@<version>"
            real, real_version = split_spec(version[4:])
            if real and real_version:
                name, version = real, real_version
        if entry.get("dev") is True:
            scope = Scope.DEV
        elif entry.get("optional") is True:
            scope = Scope.OPTIONAL
        else:
            scope = Scope.RUNTIME
        return self._component(name, version, folder, entry, location, scope, None, _names(entry.get("requires")))

    # shared

    def _component(
        self,
        name: str,
        version: str | None,
        folder: str,
        entry: dict,
        location: Location,
        scope: Scope,
        direct: bool | None,
        dependencies: tuple[str, ...],
    ) -> Component:
        package_purl = purl(name, version)
        key = install_key(package_purl, folder, name)
        if key in self.keys:
            key = f"{package_purl}#{folder}"
        self.keys.add(key)
        integrity = entry.get("integrity")
        return Component(
            key=key,
            name=name,
            version=version,
            ecosystem="npm",
            role=Role.DEPENDENCY,
            scope=scope,
            license=self._license(entry, location),
            location=location,
            root=in_tree(self.directory, folder),
            purl=package_purl,
            direct=direct,
            integrity=integrity if isinstance(integrity, str) else None,
            dependencies=dependencies,
        )

    def _version(self, entry: dict, location: Location) -> str | None:
        version = entry.get("version")
        if version is None or isinstance(version, str):
            return version
        self._problem(location, "'version' is not a string; the package was read without a version")
        return None

    def _license(self, entry: dict, location: Location) -> LicenseConclusion:
        value = license_value(entry)
        if value is None and self.v1:
            return LicenseConclusion(None, notes=(V1_LICENSE_NOTE,))
        conclusion, bad = declared_license(value, location, self.detail)
        if bad:
            self._problem(location, f"the license value {raw_json(value)} is not a license string; it is unknown")
        return conclusion

    def _location(self, spot: Spot | None) -> Location:
        return Location(self.file.path, spot.line if spot else None)

    def _problem(self, location: Location, message: str) -> None:
        self.problems.append(InputProblem(location, message, NpmLockSource.name))


def _direct_folders(packages: dict) -> frozenset[str]:
    """The install folders the project's own manifests ask for, resolved as Node does.

    A requirement of the project ("" entry) or of a workspace folder ("packages/ui") is installed in
    that folder's own node_modules if there is an entry for it there, else hoisted to the top.
    """
    direct: set[str] = set()
    for folder, entry in packages.items():
        if not isinstance(entry, dict) or entry.get("link") is True or _package_name(folder) is not None:
            continue
        prefix = f"{folder}/" if folder else ""
        for field in DIRECT_FIELDS:
            for name in _names(entry.get(field)):
                local = f"{prefix}{NODE_MODULES}{name}"
                direct.add(local if local in packages else NODE_MODULES + name)
    return frozenset(direct)


def _names(value: object) -> tuple[str, ...]:
    """The package names of a dependencies object ({"name": "range"}); () for anything else."""
    return tuple(name for name in value if name) if isinstance(value, dict) else ()


def _package_name(folder: str) -> str | None:
    """The package name of an installed folder: what follows the last "node_modules/" ("@s/b" too)."""
    index = folder.rfind(NODE_MODULES)
    if index < 0 or (index > 0 and folder[index - 1] != "/"):
        return None
    return folder[index + len(NODE_MODULES):] or None


def _is_version(value: object, number: int) -> bool:
    return type(value) is int and value == number


def _only(problem: InputProblem) -> SourceResult:
    return SourceResult(problems=(problem,))
