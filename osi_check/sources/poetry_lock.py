"""poetry.lock: the packages Poetry installs for a project (lock-version 1.1, 2.0 and 2.1).

Only the file is read (tomllib); Poetry is never run. Each `[[package]]` is one component: name, version,
the hash of its first file as integrity, its `[package.dependencies]` names. poetry.lock records no
licenses.

Which packages are shipped depends on the lock version:
- 1.1 (Poetry < 1.3) says it per package: `category = "main"` or `"dev"`;
- 2.1 (Poetry 2) lists each package's `groups` ("main", "dev", ...);
- 2.0 (Poetry 1.3 to 1.8) says neither. The groups are then taken from the pyproject.toml beside the lock,
  as Poetry itself does: a package reachable from the main dependencies is runtime, one reachable only
  from a dependency group is dev/test. Without that pyproject.toml every package is reported as runtime
  (never shipped-looking code reported as dev) and a note says so.
A package marked `optional = true` is installed only with an extra: OPTIONAL.
"""

from __future__ import annotations

import tomllib
from collections import deque

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._lockfile import in_tree
from osi_check.sources._python import (
    ECOSYSTEM,
    TOML_BYTES,
    TomlLines,
    read_toml_lock,
    lock_result,
    no_license,
    normalize_name,
    parse_requirement,
    pypi_purl,
)
from osi_check.sources.pyproject import SKIPPED_DIRS, group_scope
from osi_check.tree import InputError, Tree, TreeFile

FORMAT = "poetry.lock files"
NO_GROUPS_NOTE = (
    "poetry.lock 2.0 does not record dependency groups and no pyproject.toml beside it says them: "
    "read as runtime"
)
MAIN = "main"


class PoetryLockSource(Reader):
    name = "poetry-lock"
    examples = ("poetry.lock", "services/reports/poetry.lock")

    def handles(self, file: TreeFile) -> bool:
        return file.name == "poetry.lock" and not SKIPPED_DIRS.intersection(file.dir_parts)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        lock = read_toml_lock(self, tree, file, "package")
        if isinstance(lock, SourceResult):
            return lock
        return _LockReader(tree, file, TomlLines(lock.text)).read(lock.data, lock.packages)


class _LockReader:
    def __init__(self, tree: Tree, file: TreeFile, lines: TomlLines):
        self.tree = tree
        self.file = file
        self.lines = lines
        self.problems: list[InputProblem] = []
        self.metadata_files: dict = {}  # lock-version 1.1 keeps the file hashes in [metadata.files]

    def read(self, data: dict, packages: list) -> SourceResult:
        spots = self.lines.array("package")
        name_lines = [t.keys["name"][0] if "name" in t.keys else t.line for t in spots] if len(spots) == len(packages) \
            else [None] * len(packages)
        entries = []
        for package, line in zip(packages, name_lines):
            name = package.get("name") if isinstance(package, dict) else None
            if not isinstance(name, str) or not name.strip():
                what = "has no package name" if isinstance(package, dict) else "is not a table"
                self._problem(line, f"a [[package]] entry {what}; it was skipped")
                continue
            entries.append((package, name, line))
        scopes, direct, note = self._scopes(data, entries)
        components = [self._component(p, n, line, scopes, direct, note) for p, n, line in entries]
        return lock_result(components, self.problems)

    def _component(self, package: dict, name: str, line: int | None, scopes: dict[str, Scope],
                   direct: set[str] | None, note: str | None) -> Component:
        version = package.get("version") if isinstance(package.get("version"), str) else None
        if version is None:
            self._problem(line, f"{name}: 'version' is missing or not a string; read without a version")
        key = normalize_name(name)
        scope = scopes.get(key, Scope.RUNTIME)
        if package.get("optional") is True and scope is Scope.RUNTIME:
            scope = Scope.OPTIONAL
        notes = [n for n in (note, _source_note(package.get("source"))) if n]
        purl = pypi_purl(name, version)
        deps = package.get("dependencies")
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
            integrity=_first_hash(package, self.metadata_files.get(name)),
            dependencies=tuple(deps) if isinstance(deps, dict) else (),
        )

    def _scopes(self, data: dict, entries: list) -> tuple[dict[str, Scope], set[str] | None, str | None]:
        """Each package's scope (by normalised name), the direct dependencies, and a note for all packages."""
        metadata = data.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("files"), dict):
            self.metadata_files = metadata["files"]
        declared = _declared_groups(self.tree, self.file)
        direct = None if declared is None else {n for names in declared.values() for n in names}
        if any(isinstance(p.get("category"), str) for p, _, _ in entries):  # lock-version 1.1
            scopes = {
                normalize_name(n): Scope.DEV if p.get("category") == "dev" else Scope.RUNTIME for p, n, _ in entries
            }
            return scopes, direct, None
        if any(isinstance(p.get("groups"), list) for p, _, _ in entries):  # lock-version 2.1
            scopes = {normalize_name(n): _groups_scope(p.get("groups")) for p, n, _ in entries}
            return scopes, direct, None
        if declared is None:
            return {}, None, NO_GROUPS_NOTE
        return _reachable_scopes(entries, declared), direct, None

    def _problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.file.path, line), message, PoetryLockSource.name))


def _groups_scope(groups: object) -> Scope:
    names = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []
    if not names or MAIN in names:
        return Scope.RUNTIME
    return Scope.TEST if all(group_scope(g) is Scope.TEST for g in names) else Scope.DEV


def _reachable_scopes(entries: list, declared: dict[str, set[str]]) -> dict[str, Scope]:
    """Walk the lock's dependency graph from each group's declared dependencies: main wins, then dev, then test."""
    graph: dict[str, list[str]] = {}
    for package, name, _ in entries:
        deps = package.get("dependencies")
        graph[normalize_name(name)] = [normalize_name(d) for d in deps] if isinstance(deps, dict) else []
    scopes: dict[str, Scope] = {}
    order = sorted(declared, key=lambda g: (g != MAIN, group_scope(g) is Scope.TEST, g))
    for group in order:
        scope = Scope.RUNTIME if group == MAIN else group_scope(group)
        queue = deque(declared[group])
        while queue:
            name = queue.popleft()
            if name in scopes:
                continue
            scopes[name] = scope
            queue.extend(graph.get(name, ()))
    return scopes


def _declared_groups(tree: Tree, file: TreeFile) -> dict[str, set[str]] | None:
    """{group: normalised names} from the pyproject.toml beside the lock; None when there is none to read.

    A pyproject.toml that cannot be read is reported when it is read as a file of its own.
    """
    path = in_tree(file.parent, "pyproject.toml")
    if path is None or not tree.exists(path):
        return None
    try:
        data = tomllib.loads(tree.read_text(path, TOML_BYTES))
    except (InputError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    groups: dict[str, set[str]] = {MAIN: set()}
    project = data.get("project")
    if isinstance(project, dict):
        groups[MAIN].update(_pep508_names(project.get("dependencies")))
        extras = project.get("optional-dependencies")
        if isinstance(extras, dict):
            for values in extras.values():
                groups[MAIN].update(_pep508_names(values))
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        groups[MAIN].update(_table_names(poetry.get("dependencies")))
        groups.setdefault("dev", set()).update(_table_names(poetry.get("dev-dependencies")))
        group_tables = poetry.get("group")
        if isinstance(group_tables, dict):
            for group, body in group_tables.items():
                if isinstance(body, dict):
                    groups.setdefault(group, set()).update(_table_names(body.get("dependencies")))
    dependency_groups = data.get("dependency-groups")
    if isinstance(dependency_groups, dict):
        for group, values in dependency_groups.items():
            groups.setdefault(group, set()).update(_pep508_names(values))
    return groups


def _table_names(table: object) -> set[str]:
    return {normalize_name(n) for n in table if n.lower() != "python"} if isinstance(table, dict) else set()


def _pep508_names(values: object) -> set[str]:
    names = set()
    for value in values if isinstance(values, list) else ():
        if isinstance(value, str):
            parsed = parse_requirement(value)
            if not isinstance(parsed, str):
                names.add(normalize_name(parsed.name))
    return names


def _first_hash(package: dict, metadata_files: object) -> str | None:
    """The hash of the package's first file (lock 2.x `files`, lock 1.1 `[metadata.files]`), as written."""
    files = package.get("files")
    if not isinstance(files, list) or not files:
        files = metadata_files if isinstance(metadata_files, list) else []
    for entry in files:
        if isinstance(entry, dict) and isinstance(entry.get("hash"), str):
            return entry["hash"]
    return None


def _source_note(source: object) -> str | None:
    if not isinstance(source, dict) or not isinstance(source.get("type"), str):
        return None
    kind, url = source["type"], source.get("url")
    if kind == "legacy":
        return f"from the package index {url}" if isinstance(url, str) else None
    ref = source.get("resolved_reference") or source.get("reference")
    where = f"{url}" + (f" at {ref}" if isinstance(ref, str) else "") if isinstance(url, str) else "an unnamed source"
    return f"installed from the {kind} source {where}, not from a package index"
