"""uv.lock: the packages uv installs for a project or workspace (lock `version = 1`).

Only the file is read (tomllib); uv is never run. Each `[[package]]` is one component: name, version,
the hash of its sdist (else its first wheel) as integrity, and the names in its `dependencies`. uv.lock
records no licenses.

The project itself and its workspace members are in the lock too, as packages whose source is
`editable` or `virtual`. They are the scanned code, described by their own pyproject.toml, so they are
not reported as dependencies; they are where the dependency graph starts. A package reachable from
their `dependencies` is runtime, from their `optional-dependencies` (extras) optional, and from their
`dev-dependencies` groups dev (test for a group named for tests) — the first that reaches it wins.
"""

from __future__ import annotations

from collections import deque

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._python import (
    ECOSYSTEM,
    TomlLines,
    read_toml_lock,
    lock_result,
    no_license,
    normalize_name,
    pypi_purl,
)
from osi_check.sources.pyproject import SKIPPED_DIRS, group_scope
from osi_check.tree import Tree, TreeFile

FORMAT = "uv.lock files"
KNOWN_VERSIONS = (1,)
PROJECT_SOURCES = ("editable", "virtual")
UNREACHED_NOTE = "not reachable from the project's dependencies in uv.lock: read as runtime"


class UvLockSource(Reader):
    name = "uv-lock"
    examples = ("uv.lock", "services/sync/uv.lock")

    def handles(self, file: TreeFile) -> bool:
        return file.name == "uv.lock" and not SKIPPED_DIRS.intersection(file.dir_parts)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        lock = read_toml_lock(self, tree, file, "package")
        if isinstance(lock, SourceResult):
            return lock
        return _LockReader(file, TomlLines(lock.text)).read(lock.data, lock.packages)


class _LockReader:
    def __init__(self, file: TreeFile, lines: TomlLines):
        self.file = file
        self.lines = lines
        self.problems: list[InputProblem] = []

    def read(self, data: dict, packages: list) -> SourceResult:
        version = data.get("version")
        if not (type(version) is int and version in KNOWN_VERSIONS):
            line = self.lines.key_line(self.lines.table(), "version")
            self._problem(line, f"lock version {version!r} is not one osi-check knows (1); read as version 1")
        spots = self.lines.array("package")
        lines = [t.keys["name"][0] if "name" in t.keys else t.line for t in spots] if len(spots) == len(packages) \
            else [None] * len(packages)
        entries = []
        for package, line in zip(packages, lines):
            name = package.get("name") if isinstance(package, dict) else None
            if not isinstance(name, str) or not name.strip():
                what = "has no package name" if isinstance(package, dict) else "is not a table"
                self._problem(line, f"a [[package]] entry {what}; it was skipped")
                continue
            entries.append((package, name, line))
        roots = [(p, n) for p, n, _ in entries if _source_kind(p) in PROJECT_SOURCES]
        scopes, direct = _scopes(entries, roots)
        components = [
            self._component(p, n, line, scopes, direct if roots else None)
            for p, n, line in entries
            if _source_kind(p) not in PROJECT_SOURCES
        ]
        return lock_result(components, self.problems)

    def _component(self, package: dict, name: str, line: int | None, scopes: dict[str, Scope],
                   direct: set[str] | None) -> Component:
        version = package.get("version") if isinstance(package.get("version"), str) else None
        if version is None:
            self._problem(line, f"{name}: 'version' is missing or not a string; read without a version")
        key = normalize_name(name)
        notes = [n for n in (_source_note(package.get("source")),) if n]
        scope = scopes.get(key)
        if scope is None:
            scope = Scope.RUNTIME
            if direct is not None:
                notes.append(UNREACHED_NOTE)
        purl = pypi_purl(name, version)
        return Component(
            key=purl,
            name=name,
            version=version,
            ecosystem=ECOSYSTEM,
            role=Role.DEPENDENCY,
            scope=scope,
            license=LicenseConclusion(None, notes=(*no_license(FORMAT).notes, *notes)),
            location=Location(self.file.path, line),
            purl=purl,
            direct=None if direct is None else key in direct,
            integrity=_integrity(package),
            dependencies=tuple(dict.fromkeys(d for d, _ in _edges(package.get("dependencies")))),
        )

    def _problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.file.path, line), message, UvLockSource.name))


def _source_kind(package: dict) -> str | None:
    source = package.get("source")
    if isinstance(source, dict):
        return next((k for k in ("registry", "git", "url", "path", "directory", "editable", "virtual") if k in source),
                    None)
    return None


def _edges(values: object) -> list[tuple[str, tuple[str, ...]]]:
    """(name, extras) of each `{ name = ..., extra = [...] }` entry of a dependency list."""
    edges = []
    for value in values if isinstance(values, list) else ():
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            extras = value.get("extra")
            names = tuple(e for e in extras if isinstance(e, str)) if isinstance(extras, list) else ()
            edges.append((value["name"], names))
    return edges


def _scopes(entries: list, roots: list[tuple[dict, str]]) -> tuple[dict[str, Scope], set[str]]:
    """Walk the lock's graph from the project packages: runtime first, then extras, then dev groups."""
    by_name: dict[str, list[dict]] = {}
    for package, name, _ in entries:
        by_name.setdefault(normalize_name(name), []).append(package)
    starts: list[tuple[Scope, list[tuple[str, tuple[str, ...]]]]] = []
    for package, _ in roots:
        starts.append((Scope.RUNTIME, _edges(package.get("dependencies"))))
    for package, _ in roots:
        extras = package.get("optional-dependencies")
        for values in extras.values() if isinstance(extras, dict) else ():
            starts.append((Scope.OPTIONAL, _edges(values)))
    for package, _ in roots:
        groups = package.get("dev-dependencies")
        for group, values in sorted(groups.items(), key=lambda g: group_scope(g[0]) is Scope.TEST) \
                if isinstance(groups, dict) else ():
            starts.append((group_scope(group), _edges(values)))
    root_names = {normalize_name(n) for _, n in roots}
    direct = {normalize_name(n) for _, edges in starts for n, _ in edges} - root_names
    scopes: dict[str, Scope] = {}
    expanded: set[tuple[str, str | None]] = set()  # (package, extra) whose dependencies were queued
    for scope, edges in starts:
        queue = deque(edges)
        while queue:
            name, extras = queue.popleft()
            key = normalize_name(name)
            if key in root_names:
                continue  # a workspace member: its own dependencies are starting points already
            scopes.setdefault(key, scope)
            for extra in (None, *extras):
                if (key, extra) in expanded:
                    continue
                expanded.add((key, extra))
                for package in by_name.get(key, ()):
                    if extra is None:
                        queue.extend(_edges(package.get("dependencies")))
                    elif isinstance(package.get("optional-dependencies"), dict):
                        queue.extend(_edges(package["optional-dependencies"].get(extra)))
    return scopes, direct


def _integrity(package: dict) -> str | None:
    sdist = package.get("sdist")
    if isinstance(sdist, dict) and isinstance(sdist.get("hash"), str):
        return sdist["hash"]
    wheels = package.get("wheels")
    for wheel in wheels if isinstance(wheels, list) else ():
        if isinstance(wheel, dict) and isinstance(wheel.get("hash"), str):
            return wheel["hash"]
    return None


def _source_note(source: object) -> str | None:
    if not isinstance(source, dict):
        return None
    for kind in ("git", "url", "path", "directory"):
        if isinstance(source.get(kind), str):
            return f"installed from the {kind} source {source[kind]}, not from a package index"
    registry = source.get("registry")
    if isinstance(registry, str) and registry.rstrip("/") != "https://pypi.org/simple":
        return f"from the package index {registry}"
    return None
