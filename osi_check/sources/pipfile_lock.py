"""Pipfile.lock (pipenv): the packages pipenv installs, per category.

Only the file is read; pipenv is never run. `default` is what the project runs with (RUNTIME), `develop`
what its developers add (DEV); pipenv 2023's custom categories are other top-level objects and are read as
DEV with a note, since `pipenv install` does not install them by default. Each entry gives a version as a
pin (`"==3.8.1"`), its hashes (the first is the integrity), or a VCS/path source. The lock records no
licenses, and not which packages were asked for: those are the names in the Pipfile beside it, when
there is one.
"""

from __future__ import annotations

import tomllib

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._lockfile import JsonText, Spot, in_tree, read_json_object
from osi_check.sources._python import (
    ECOSYSTEM,
    TOML_BYTES,
    lock_result,
    marker_note,
    no_license,
    normalize_name,
    pypi_purl,
)
from osi_check.sources.pyproject import SKIPPED_DIRS
from osi_check.tree import InputError, Tree, TreeFile

FORMAT = "Pipfile.lock files"
CATEGORIES = {"default": Scope.RUNTIME, "develop": Scope.DEV}
PIPFILE_SECTIONS = {"default": "packages", "develop": "dev-packages"}


class PipfileLockSource(Reader):
    name = "pipfile-lock"
    examples = ("Pipfile.lock", "backend/Pipfile.lock")

    def handles(self, file: TreeFile) -> bool:
        return file.name == "Pipfile.lock" and not SKIPPED_DIRS.intersection(file.dir_parts)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        parsed = read_json_object(tree, file, self.name, TOML_BYTES)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        return _LockReader(file, JsonText(parsed.text), _pipfile_names(tree, file)).read(parsed.value)


class _LockReader:
    def __init__(self, file: TreeFile, raw: JsonText, asked: dict[str, set[str]] | None):
        self.file = file
        self.raw = raw
        self.asked = asked  # {category: normalised names from the Pipfile}, None without a Pipfile
        self.components: list[Component] = []
        self.problems: list[InputProblem] = []

    def read(self, data: dict) -> SourceResult:
        spots = self.raw.spots()
        if not any(isinstance(data.get(c), dict) for c in CATEGORIES):
            self._problem(1, "has no 'default' or 'develop' object; no packages were read")
            return self._result()
        for category, packages in data.items():
            if category.startswith("_"):
                continue  # _meta: hashes of the Pipfile, sources, requirements
            if not isinstance(packages, dict):
                self._problem(spots[category].line, f"'{category}' is not a JSON object; its packages were not read")
                continue
            scope = CATEGORIES.get(category, Scope.DEV)
            note = None if category in CATEGORIES else f"pipenv category '{category}': not installed by default"
            entries = self.raw.spots(spots[category].offset)
            for name, entry in packages.items():
                self._package(category, name, entry, entries[name], scope, note)
        return self._result()

    def _package(self, category: str, name: str, entry: object, spot: Spot, scope: Scope, note: str | None) -> None:
        location = Location(self.file.path, spot.line)
        if not isinstance(entry, dict):
            self._problem(spot.line, f"the '{category}' entry for '{name}' is not a JSON object; it was skipped")
            return
        notes = [n for n in (note,) if n]
        version = None
        pin = entry.get("version")
        if isinstance(pin, str):
            version = pin[2:].strip() if pin.startswith("==") else None
            if version is None:
                notes.append(f"not pinned ({pin}): the installed version is not recorded")
        elif pin is not None:
            self._problem(spot.line, f"{name}: 'version' is not a string; read without a version")
        for kind in ("git", "hg", "svn", "bzr", "file", "path"):
            if isinstance(entry.get(kind), str):
                ref = entry.get("ref")
                where = entry[kind] + (f" at {ref}" if isinstance(ref, str) else "")
                notes.append(f"installed from the {kind} source {where}, not from a package index")
                break
        if isinstance(entry.get("markers"), str) and marker_note(entry["markers"]):
            notes.append(marker_note(entry["markers"]))
        hashes = entry.get("hashes")
        integrity = next((h for h in hashes if isinstance(h, str)), None) if isinstance(hashes, list) else None
        purl = pypi_purl(name, version)
        asked = None if self.asked is None else normalize_name(name) in self.asked.get(category, set())
        self.components.append(Component(
            key=purl,
            name=name,
            version=version,
            ecosystem=ECOSYSTEM,
            role=Role.DEPENDENCY,
            scope=scope,
            license=LicenseConclusion(None, notes=(*no_license(FORMAT).notes, *notes)),
            location=location,
            purl=purl,
            direct=asked,
            integrity=integrity,
        ))

    def _problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.file.path, line), message, PipfileLockSource.name))

    def _result(self) -> SourceResult:
        return lock_result(self.components, self.problems)


def _pipfile_names(tree: Tree, file: TreeFile) -> dict[str, set[str]] | None:
    """{lock category: normalised names asked for in the Pipfile beside the lock}; None without one."""
    path = in_tree(file.parent, "Pipfile")
    if path is None or not tree.exists(path):
        return None
    try:
        data = tomllib.loads(tree.read_text(path, TOML_BYTES))
    except (InputError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None  # a broken Pipfile is not this reader's file; the lock is still read
    names: dict[str, set[str]] = {}
    for category, section in PIPFILE_SECTIONS.items():
        table = data.get(section)
        names[category] = {normalize_name(n) for n in table} if isinstance(table, dict) else set()
    for section, table in data.items():  # custom categories have the same name in both files
        if section not in (*PIPFILE_SECTIONS.values(), "requires", "pipenv", "scripts") and isinstance(table, dict):
            names[section] = {normalize_name(n) for n in table}
    return names
