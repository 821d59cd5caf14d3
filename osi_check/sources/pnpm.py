"""pnpm: packages from pnpm-lock.yaml (lockfileVersion 5.x, 6.x and 9.0).

Only the file is read; pnpm is never run. The lock lists each resolved package once per set of peer
dependencies ("react-dom@18.2.0(react@18.2.0)"): the peer suffix is not part of the package, so those
variants are one component. The project and its workspace folders are the `importers` (a single
project before workspaces: top-level `dependencies`), each with its requirements.

Which packages are only for development: versions 5 and 6 flag each package (`dev: true` only for
development, `dev: false` only for production, no flag for both); version 9 dropped the flag, so the
dependency graph (`snapshots`) is walked from the importers' requirements: what runtime requirements
reach is RUNTIME, what only optional ones reach OPTIONAL, what only devDependencies reach DEV.

pnpm-lock.yaml records no licenses (each component says so) and no install folder a reader of the tree
could match (the virtual store is pnpm's internal layout), so keys are purls and there is no root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from osi_check.facts import (
    Component,
    InputProblem,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.reader import Reader
from osi_check.sources._lockfile import in_tree
from osi_check.sources._npm import (
    SCOPE_ORDER,
    manifest_license,
    not_recorded,
    purl,
    read_manifest,
    scopes_by_reachability,
    split_spec,
)
from osi_check.sources._yaml import key_lines, parse_yaml
from osi_check.tree import InputError, Tree, TreeFile

LOCKFILE = "pnpm-lock.yaml"
KNOWN_MAJORS = (5, 6, 9)
REQUIREMENT_FIELDS = (
    ("dependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.OPTIONAL),
    ("devDependencies", Scope.DEV),
)
RANK = {scope: rank for rank, scope in enumerate(SCOPE_ORDER)}


@dataclass
class _Package:
    """One package (all its peer variants), as the `packages` section lists it."""

    name: str
    version: str | None
    line: int | None
    integrity: str | None
    scope: Scope | None = None  # from the v5/v6 flags; None when the graph decides (v9)
    dependencies: dict[str, None] = field(default_factory=dict)


class PnpmLockSource(Reader):
    name = "pnpm"
    examples = ("pnpm-lock.yaml", "frontend/pnpm-lock.yaml")

    def handles(self, file: TreeFile) -> bool:
        return file.name == LOCKFILE and "node_modules" not in file.dir_parts

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, strict_utf8=True)
        except InputError as err:
            return self.problem(err)
        parsed = parse_yaml(text, file.path, self.name)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        if not isinstance(parsed.value, dict):
            return SourceResult(problems=(_problem(file.path, 1, "the top level is not a YAML mapping"),))
        return _LockReader(tree, file, parsed.value, key_lines(parsed.node)).read()


class _LockReader:
    def __init__(self, tree: Tree, file: TreeFile, data: dict, top):
        self.tree = tree
        self.file = file
        self.data = data
        self.top = top
        self.problems: list[InputProblem] = []
        self.packages: dict[str, _Package] = {}  # by package id without peer suffix
        self.major = 9

    def read(self) -> SourceResult:
        if not self._version():
            return SourceResult(problems=tuple(self.problems))
        packages = self.data.get("packages")
        if packages is not None and not isinstance(packages, dict):
            return SourceResult(problems=(self._at("packages", "'packages' is not a mapping; no packages were read"),))
        lines = key_lines(self.top.nodes.get("packages")).lines
        for key, entry in (packages or {}).items():
            self._read_package(key, entry, lines.get(key) if isinstance(key, str) else None)
        importers = self._importers()
        roots = [(pid, scope) for _, requirements in importers for pid, scope in requirements]
        scopes = self._graph_scopes(roots) if self.major >= 9 else {}
        direct = {pid for pid, _ in roots}
        components = [self._workspace(path, line) for (path, line), _ in importers if path not in (".", "")]
        keys: set[str] = set()
        for pid, package in self.packages.items():
            components.append(self._component(pid, package, scopes, direct, keys))
        components.sort(key=lambda c: c.location.line or 0)
        if not components and self.problems:
            return SourceResult(problems=tuple(self.problems[:1]))
        return SourceResult(components=tuple(components), problems=tuple(self.problems))

    def _version(self) -> bool:
        """Read lockfileVersion ('6.0', '9.0', 5.4); False (with the problem) if this is no pnpm lock."""
        value = self.data.get("lockfileVersion")
        try:
            self.major = int(float(str(value)))
        except (ValueError, OverflowError):
            message = f"has no usable lockfileVersion ({value!r}); it is not a pnpm lock"
            self.problems.append(self._at("lockfileVersion", message))
            return False
        if self.major not in KNOWN_MAJORS:
            read_as = 9 if "snapshots" in self.data else 6
            self.problems.append(self._at(
                "lockfileVersion",
                f"lockfileVersion {value!r} is not one osi-check knows (5.x, 6.x, 9.0); "
                f"it was read as version {read_as}",
            ))
            self.major = read_as
        return True

    # the packages section

    def _read_package(self, key: object, entry: object, line: int | None) -> None:
        if not isinstance(key, str) or not isinstance(entry, dict):
            self._problem(line, f"the package entry {key!r} is not a mapping; it was skipped")
            return
        pid = self._strip_peers(key)
        name, version = self._parse_id(pid)
        if isinstance(entry.get("name"), str):
            name = entry["name"]
        if isinstance(entry.get("version"), str):
            version = entry["version"]
        if not name:
            self._problem(line, f"the package key {key!r} names no package; it was skipped")
            return
        resolution = entry.get("resolution")
        integrity = resolution.get("integrity") if isinstance(resolution, dict) else None
        package = self.packages.get(pid)
        if package is None:
            package = self.packages[pid] = _Package(
                name, version or None, line, integrity if isinstance(integrity, str) else None
            )
        if self.major < 9:
            package.scope = _better(package.scope, _flag_scope(entry))
            for names in (entry.get("dependencies"), entry.get("optionalDependencies")):
                if isinstance(names, dict):
                    package.dependencies.update((n, None) for n in names if isinstance(n, str))

    def _strip_peers(self, key: str) -> str:
        """The package id without its peer suffix: "(react@18.2.0)" (v6, v9) or "_react@18.2.0" (v5)."""
        at = key.find("(")
        if at > 0:
            key = key[:at]
        if self.major == 5:
            slash = key.rfind("/")
            under = key.find("_", slash + 1)
            if under > 0:
                key = key[:under]
        return key

    def _parse_id(self, pid: str) -> tuple[str, str]:
        """(name, version) of a registry package id: "/name@1.0.0" (v6), "name@1.0.0" (v9), "/name/1.0.0" (v5)."""
        text = pid[1:] if pid.startswith("/") else pid
        if self.major == 5:
            name, _, version = text.rpartition("/")
            return name, version
        return split_spec(text)

    def _package_id(self, name: str, reference: object) -> str | None:
        """The package id a requirement's resolved reference points at ("18.2.0(react@18.2.0)", an alias
        "string-width@4.2.3", a v6 path "github.com/acme/x/5f3c2a1"); None for a workspace link."""
        if not isinstance(reference, str) or not reference or reference.startswith("link:"):
            return None
        reference = self._strip_peers(reference)
        if self.major >= 9:
            return reference if "@" in reference[1:] else f"{name}@{reference}"
        if reference.startswith("/") or ("/" in reference and "@" not in reference[1:]):
            return reference  # a non-registry package, keyed by its path
        if "@" in reference[1:]:
            return f"/{reference}"
        return f"/{name}/{reference}" if self.major == 5 else f"/{name}@{reference}"

    # importers and the graph

    def _importers(self) -> list[tuple[tuple[str, int | None], list[tuple[str, Scope]]]]:
        """Each importer ((path, line), [(package id, scope)]): `importers`, or the top level of a single project."""
        importers = self.data.get("importers")
        if importers is None:
            return [((".", None), self._requirements(self.data))]
        if not isinstance(importers, dict):
            message = "'importers' is not a mapping; the project's requirements were not read"
            self.problems.append(self._at("importers", message))
            return []
        lines = key_lines(self.top.nodes.get("importers")).lines
        out = []
        for path, importer in importers.items():
            line = lines.get(path) if isinstance(path, str) else None
            if not isinstance(path, str) or not isinstance(importer, dict):
                self._problem(line, f"the importer {path!r} is not a mapping; it was skipped")
                continue
            out.append(((path, line), self._requirements(importer)))
        return out

    def _requirements(self, importer: dict) -> list[tuple[str, Scope]]:
        out = []
        for field_name, scope in REQUIREMENT_FIELDS:
            requirements = importer.get(field_name)
            if not isinstance(requirements, dict):
                continue
            for name, value in requirements.items():
                # v6/v9: {specifier, version}; v5: the version alone
                reference = value.get("version") if isinstance(value, dict) else value
                pid = self._package_id(name, reference) if isinstance(name, str) else None
                if pid is not None:
                    out.append((pid, scope))
        return out

    def _graph_scopes(self, roots: list[tuple[str, Scope]]) -> dict[str, Scope]:
        """v9: the scope of each package id, by walking `snapshots` (keys with peer suffixes) from the roots."""
        snapshots = self.data.get("snapshots")
        if not isinstance(snapshots, dict):
            if snapshots is not None:
                message = "'snapshots' is not a mapping; every package was read as runtime"
                self.problems.append(self._at("snapshots", message))
            return {}
        edges: dict[str, list[tuple[str, bool]]] = {}
        for key, snapshot in snapshots.items():
            if not isinstance(key, str) or not isinstance(snapshot, dict):
                continue
            pid = self._strip_peers(key)
            children = edges.setdefault(pid, [])
            package = self.packages.get(pid)
            for field_name, optional in (("dependencies", False), ("optionalDependencies", True)):
                requirements = snapshot.get(field_name)
                if not isinstance(requirements, dict):
                    continue
                for name, reference in requirements.items():
                    child = self._package_id(name, reference) if isinstance(name, str) else None
                    if child is not None:
                        children.append((child, optional))
                        if package is not None:
                            package.dependencies[name] = None
        return scopes_by_reachability(roots, lambda pid: edges.get(pid, ()))

    # components

    def _component(
        self, pid: str, package: _Package, scopes: dict[str, Scope], direct: set[str], keys: set[str]
    ) -> Component:
        scope = package.scope if self.major < 9 else scopes.get(pid)
        package_purl = purl(package.name, package.version)
        # two ids for one name and version (the registry's and a git copy's) stay two subjects
        key = package_purl if package_purl not in keys else f"{package_purl}#{pid}"
        keys.add(key)
        return Component(
            key=key,
            name=package.name,
            version=package.version,
            ecosystem="npm",
            role=Role.DEPENDENCY,
            scope=scope or Scope.RUNTIME,
            license=not_recorded(LOCKFILE),
            location=Location(self.file.path, package.line),
            purl=package_purl,
            direct=pid in direct,
            integrity=package.integrity,
            dependencies=tuple(package.dependencies),
        )

    def _workspace(self, path: str, line: int | None) -> Component:
        """A workspace folder of the project: its own code, with the license its package.json declares."""
        root = in_tree(self.file.parent, path)
        manifest = read_manifest(self.tree, root)
        data = manifest.data if manifest is not None and manifest.data is not None else {}
        name = data.get("name") if isinstance(data.get("name"), str) else PurePosixPath(path).name
        version = data.get("version") if isinstance(data.get("version"), str) else None
        return Component(
            key=f"application:{root if root is not None else path}",
            name=name,
            version=version,
            ecosystem="npm",
            role=Role.APPLICATION,
            scope=Scope.RUNTIME,
            license=manifest_license(manifest, not_recorded(LOCKFILE)),
            location=Location(self.file.path, line),
            root=root,
        )

    def _problem(self, line: int | None, message: str) -> None:
        self.problems.append(_problem(self.file.path, line, message))

    def _at(self, key: str, message: str) -> InputProblem:
        return _problem(self.file.path, self.top.lines.get(key), message)


def _flag_scope(entry: dict) -> Scope:
    """v5/v6 flags: `dev: true` only development; `optional: true` optional; otherwise runtime."""
    if entry.get("dev") is True:
        return Scope.DEV
    if entry.get("optional") is True:
        return Scope.OPTIONAL
    return Scope.RUNTIME


def _better(current: Scope | None, new: Scope) -> Scope:
    """Of two peer variants' scopes, the one that ships (runtime over optional over dev)."""
    return new if current is None or RANK[new] < RANK[current] else current


def _problem(path: str, line: int | None, message: str) -> InputProblem:
    return InputProblem(Location(path, line), message, PnpmLockSource.name)
