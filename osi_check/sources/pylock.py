"""pylock.toml and pylock.<name>.toml: the standard Python lock file (PEP 751, lock-version 1.0).

Only the file is read (tomllib); no installer is run. Each `[[packages]]` entry is one component: name,
version, the hash of its sdist (else its first wheel, else its archive) as integrity, and the names in
its `dependencies`. The format has no license field (PEP 751 records names, versions, sources and
hashes only), so every license is None with a note.

Whether a package is installed by default is in its `marker`: one that needs a dependency group
(`'dev' in dependency_groups`) not in `default-groups` is DEV (TEST for a group named for tests); one
that needs an extra (`'socks' in extras`) is OPTIONAL. A package built from a directory of the scanned
tree (`directory = { path = "." }`) is the project's own code, described by its own pyproject.toml,
and is not reported here.
"""

from __future__ import annotations

import posixpath
import re

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._python import (
    ECOSYSTEM,
    TomlLines,
    read_toml_lock,
    lock_result,
    marker_note,
    no_license,
    pypi_purl,
)
from osi_check.sources.pyproject import SKIPPED_DIRS, group_scope
from osi_check.tree import Tree, TreeFile

FORMAT = "pylock.toml files (PEP 751)"
KNOWN_MAJOR = "1"
_FILE_NAME = re.compile(r"pylock\.(?:[^.]+\.)?toml")
_MEMBERSHIP = re.compile(r"""['"]([^'"]+)['"]\s+(not\s+)?in\s+(dependency_groups|extras)\b""")


class PylockSource(Reader):
    name = "pylock"
    examples = ("pylock.toml", "pylock.prod.toml", "services/api/pylock.toml")

    def handles(self, file: TreeFile) -> bool:
        return bool(_FILE_NAME.fullmatch(file.name)) and not SKIPPED_DIRS.intersection(file.dir_parts)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        lock = read_toml_lock(self, tree, file, "packages")
        if isinstance(lock, SourceResult):
            return lock
        return _LockReader(file, TomlLines(lock.text)).read(lock.data, lock.packages)


class _LockReader:
    def __init__(self, file: TreeFile, lines: TomlLines):
        self.file = file
        self.lines = lines
        self.problems: list[InputProblem] = []

    def read(self, data: dict, packages: list) -> SourceResult:
        version = data.get("lock-version")
        if not (isinstance(version, str) and version.split(".")[0] == KNOWN_MAJOR):
            line = self.lines.key_line(self.lines.table(), "lock-version")
            self._problem(line, f"lock-version {version!r} is not one osi-check knows (1.x); read as 1.0")
        defaults = data.get("default-groups")
        default_groups = {g for g in defaults if isinstance(g, str)} if isinstance(defaults, list) else set()
        spots = self.lines.array("packages")
        lines = [t.keys["name"][0] if "name" in t.keys else t.line for t in spots] if len(spots) == len(packages) \
            else [None] * len(packages)
        components = []
        for package, line in zip(packages, lines):
            name = package.get("name") if isinstance(package, dict) else None
            if not isinstance(name, str) or not name.strip():
                what = "has no package name" if isinstance(package, dict) else "is not a table"
                self._problem(line, f"a [[packages]] entry {what}; it was skipped")
                continue
            if self._is_project_code(package):
                continue
            components.append(self._component(package, name, line, default_groups))
        return lock_result(components, self.problems)

    def _is_project_code(self, package: dict) -> bool:
        directory = package.get("directory")
        if not isinstance(directory, dict) or not isinstance(directory.get("path"), str):
            return False
        path = posixpath.normpath(posixpath.join(self.file.parent, directory["path"]))
        return not (path.startswith("/") or path == ".." or path.startswith("../"))

    def _component(self, package: dict, name: str, line: int | None, default_groups: set[str]) -> Component:
        version = package.get("version") if isinstance(package.get("version"), str) else None
        marker = package.get("marker") if isinstance(package.get("marker"), str) else None
        scope = _marker_scope(marker, default_groups)
        notes = [n for n in (_source_note(package), marker_note(marker) if marker else None) if n]
        purl = pypi_purl(name, version)
        deps = package.get("dependencies")
        names = [d["name"] for d in deps if isinstance(d, dict) and isinstance(d.get("name"), str)] \
            if isinstance(deps, list) else []
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
            integrity=_integrity(package),
            dependencies=tuple(dict.fromkeys(names)),
        )

    def _problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.file.path, line), message, PylockSource.name))


def _marker_scope(marker: str | None, default_groups: set[str]) -> Scope:
    """RUNTIME unless the marker needs a non-default dependency group (DEV/TEST) or an extra (OPTIONAL)."""
    if not marker:
        return Scope.RUNTIME
    groups, extras = [], []
    for value, negated, kind in _MEMBERSHIP.findall(marker):
        if negated:
            return Scope.RUNTIME  # "'x' not in extras": installed by default
        (groups if kind == "dependency_groups" else extras).append(value)
    if groups and not default_groups.intersection(groups):
        return Scope.TEST if all(group_scope(g) is Scope.TEST for g in groups) else Scope.DEV
    if extras and not groups:
        return Scope.OPTIONAL
    return Scope.RUNTIME


def _integrity(package: dict) -> str | None:
    """The first hash of the sdist, else of the first wheel, else of the archive, written "algorithm:value"."""
    candidates = [package.get("sdist")]
    wheels = package.get("wheels")
    candidates.extend(wheels if isinstance(wheels, list) else ())
    candidates.append(package.get("archive"))
    for item in candidates:
        hashes = item.get("hashes") if isinstance(item, dict) else None
        if isinstance(hashes, dict):
            algorithm = "sha256" if isinstance(hashes.get("sha256"), str) else next(
                (k for k, v in hashes.items() if isinstance(v, str)), None)
            if algorithm is not None:
                return f"{algorithm}:{hashes[algorithm]}"
    return None


def _source_note(package: dict) -> str | None:
    vcs = package.get("vcs")
    if isinstance(vcs, dict):
        where = vcs.get("url") or vcs.get("path")
        commit = vcs.get("commit-id")
        return f"installed from the {vcs.get('type', 'vcs')} source {where}" + (f" at {commit}" if commit else "") + \
            ", not from a package index"
    for kind in ("archive", "directory"):
        source = package.get(kind)
        if isinstance(source, dict):
            where = source.get("url") or source.get("path")
            return f"installed from the {kind} {where}, not from a package index"
    index = package.get("index")
    if isinstance(index, str) and index.rstrip("/") != "https://pypi.org/simple":
        return f"from the package index {index}"
    return None
