"""pyproject.toml: the Python project itself and the dependencies it declares.

Two layouts are read, with tomllib only (nothing is built, no backend is run):
- PEP 621 `[project]`: name, version, `license` (a PEP 639 SPDX expression string, or the legacy table
  `{text = ...}` / `{file = ...}`), `license-files`, `classifiers`, `dependencies`,
  `optional-dependencies` (extras: OPTIONAL), and the dev groups of PEP 735 `[dependency-groups]` and
  uv's `[tool.uv] dev-dependencies`;
- Poetry's `[tool.poetry]` (1.x; 2.x keeps it next to `[project]`): name, version, license, classifiers,
  `dependencies` (`optional = true`: OPTIONAL), `group.<name>.dependencies` and the older
  `dev-dependencies` (DEV, or TEST for a group named for tests).

The project becomes the APPLICATION component of its directory, its license concluded from the license
field, the license classifiers and the license files it names, strongest first (a disagreement is a
conflict, never silently resolved). Its dependencies are what it asks for, not what is installed: their
versions are known only when pinned exactly, and a manifest records no license for them.
"""

from __future__ import annotations

import fnmatch
import posixpath
from pathlib import PurePosixPath

from packaging.version import InvalidVersion, Version

from osi_check.detect.license_files import is_license_file_name, license_from_text, read_license_file
from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._lockfile import in_tree
from osi_check.sources._conclusions import combine, declared, is_license_text, shift
from osi_check.sources._python import (
    ECOSYSTEM,
    TOML_BYTES,
    TomlLines,
    TomlTable,
    classifier_conclusion,
    marker_note,
    normalize_name,
    parse_requirement,
    parse_toml,
    pinned_version,
    pypi_purl,
)
from osi_check.tree import InputError, Tree, TreeFile

NO_LICENSES = "pyproject.toml does not record the licenses of dependencies"
SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "node_modules"})
# PEP 639 license-files are glob patterns; without listing directories, a pattern is matched against the
# names license files are given.
_LICENSE_FILE_CANDIDATES = (
    "LICENSE", "LICENSE.txt", "LICENSE.md", "LICENSE.rst", "LICENCE", "LICENCE.txt", "LICENCE.md",
    "COPYING", "COPYING.txt", "COPYING.md", "COPYING.LESSER", "COPYING.LESSER.txt", "UNLICENSE",
)
_GLOB_CHARS = frozenset("*?[")


def group_scope(group: str) -> Scope:
    """A dependency group is not installed by default: TEST when named for tests, else DEV."""
    return Scope.TEST if "test" in group.lower() else Scope.DEV


class PyprojectSource(Reader):
    name = "pyproject"
    examples = ("pyproject.toml", "services/sync/pyproject.toml")

    def handles(self, file: TreeFile) -> bool:
        return file.name == "pyproject.toml" and not SKIPPED_DIRS.intersection(file.dir_parts)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, TOML_BYTES)
        except InputError as err:
            return self.problem(err)
        parsed = parse_toml(text, file.path, self.name)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        return _Project(tree, file, parsed.value, TomlLines(text)).read()


class _Project:
    def __init__(self, tree: Tree, file: TreeFile, data: dict, lines: TomlLines):
        self.tree = tree
        self.path = file.path
        self.directory = file.parent
        self.data = data
        self.lines = lines
        self.components: list[Component] = []
        self.problems: list[InputProblem] = []
        self.seen: set[tuple[str, Scope]] = set()

    def read(self) -> SourceResult:
        project = self.data.get("project")
        tool = self.data.get("tool")
        poetry = tool.get("poetry") if isinstance(tool, dict) else None
        if project is None and poetry is None:
            return SourceResult()  # only tool settings (black, ruff, pytest): no project is declared here
        for key, value, table in (("project", project, ("project",)), ("tool.poetry", poetry, ("tool", "poetry"))):
            if value is not None and not isinstance(value, dict):
                self._problem(self._line(table), f"'{key}' is not a table; the project was not read")
                return self._result()
        if isinstance(project, dict):
            meta, meta_table, section = project, self.lines.table("project"), "[project]"
        else:
            meta, meta_table, section = poetry, self.lines.table("tool", "poetry"), "[tool.poetry]"
        if isinstance(project, dict):
            self._pep621(project)
        if isinstance(poetry, dict):
            self._poetry(poetry)
        self._application(meta, meta_table, section)
        return self._result()

    def _result(self) -> SourceResult:
        return SourceResult(components=tuple(self.components), problems=tuple(self.problems))

    # --- the project itself ---------------------------------------------------------------------------------

    def _application(self, meta: dict, table: TomlTable | None, section: str) -> None:
        name = meta.get("name")
        if not isinstance(name, str) or not name.strip():
            message = f"{section} has no 'name'; the project is named after its directory"
            self._problem(self.lines.key_line(table, "name"), message)
            name = self.tree.root.name if self.directory == "." else PurePosixPath(self.directory).name
        version = meta.get("version") if isinstance(meta.get("version"), str) else None
        license_ = self._license(meta, table, section)
        line = (table.keys.get("license") or table.keys.get("name") or (table.line, 0))[0] if table else 1
        runtime = [c.name for c in self.components if c.scope is Scope.RUNTIME]
        self.components.insert(0, Component(
            key=f"application:{self.directory}",
            name=name,
            version=version,
            ecosystem=ECOSYSTEM,
            role=Role.APPLICATION,
            scope=Scope.RUNTIME,
            license=license_,
            location=Location(self.path, line),
            root=self.directory,
            dependencies=tuple(dict.fromkeys(runtime)),
        ))

    def _license(self, meta: dict, table: TomlTable | None, section: str) -> LicenseConclusion:
        conclusions: list[LicenseConclusion] = []
        line = self.lines.key_line(table, "license")
        location = Location(self.path, line)
        value = meta.get("license")
        if isinstance(value, str):
            if value.strip():
                detail = f"{section} license" + (" (SPDX expression, PEP 639)" if section == "[project]" else "")
                conclusions.append(declared(value, location, detail))
        elif isinstance(value, dict):
            conclusions.extend(self._license_table(value, location, section))
        elif value is not None:
            self._problem(line, f"{section} 'license' is not a string or a table; it was not read")
        classifiers = meta.get("classifiers")
        if isinstance(classifiers, list):
            strings = [c for c in classifiers if isinstance(c, str)]
            found = list(zip(strings, self.lines.string_lines(table, "classifiers", strings)))
            reading = classifier_conclusion(
                [(c, Location(self.path, ln)) for c, ln in found], f"{section} classifiers (trove)"
            )
            if reading is not None:
                conclusions.append(reading)
        license_files = meta.get("license-files")
        if isinstance(license_files, list):
            for pattern in license_files:
                if isinstance(pattern, str):
                    conclusions.extend(self._license_files(pattern, self.lines.key_line(table, "license-files")))
        return combine(conclusions, f"{self.path} declares no license")

    def _license_table(self, value: dict, location: Location, section: str) -> list[LicenseConclusion]:
        text, file = value.get("text"), value.get("file")
        if isinstance(text, str) and text.strip():
            if is_license_text(text):
                return [shift(license_from_text(self.path, text), self.path, location.line or 1)]
            return [declared(text, location, f"{section} license.text")]
        if isinstance(file, str) and file.strip():
            found = self._read_license_file(file, location.line)
            return [found] if found else []
        self._problem(location.line, f"{section} 'license' table has neither a 'text' nor a 'file' string")
        return []

    def _license_files(self, pattern: str, line: int | None) -> list[LicenseConclusion]:
        if not _GLOB_CHARS.intersection(pattern):
            found = self._read_license_file(pattern, line)
            return [found] if found else []
        base, _, name_pattern = pattern.rpartition("/")
        found = []
        for candidate in _LICENSE_FILE_CANDIDATES:
            if fnmatch.fnmatchcase(candidate, name_pattern) and is_license_file_name(candidate):
                rel = in_tree(self.directory, f"{base}/{candidate}" if base else candidate)
                if rel is not None and self.tree.exists(rel):
                    conclusion = self._read_license_file(f"{base}/{candidate}" if base else candidate, line)
                    if conclusion is not None:
                        found.append(conclusion)
        return found

    def _read_license_file(self, name: str, line: int | None) -> LicenseConclusion | None:
        """The named license file, identified; a file that is not there is a note on the license, not an
        input problem: the manifest was read, only that evidence is missing."""
        rel = in_tree(self.directory, posixpath.normpath(name)) if not name.startswith("/") else None
        if rel is None:
            return self._missing(name, line, "is outside the project directory; it was not read")
        if not self.tree.exists(rel):
            return self._missing(name, line, "is not in the scanned tree")
        try:
            return read_license_file(self.tree, rel)
        except InputError as err:
            self._problem(line, f"the license file '{name}' could not be read: {err.message}")
            return None

    def _missing(self, name: str, line: int | None, why: str) -> LicenseConclusion:
        note = f"the license file '{name}' named on line {line} {why}"
        return LicenseConclusion(None, notes=(note,))

    # --- PEP 621 and PEP 735 ------------------------------------------------------------------------------

    def _pep621(self, project: dict) -> None:
        table = self.lines.table("project")
        self._pep508_list(project.get("dependencies"), table, "dependencies", Scope.RUNTIME, "[project] dependencies")
        extras = project.get("optional-dependencies")
        if isinstance(extras, dict):
            extras_table = self.lines.table("project", "optional-dependencies")
            for extra, values in extras.items():
                where = extras_table if extras_table is not None else table
                key = extra if extras_table is not None else "optional-dependencies"
                self._pep508_list(values, where, key, Scope.OPTIONAL, f"extra '{extra}'", extra=extra)
        elif extras is not None:
            self._problem(self.lines.key_line(table, "optional-dependencies"),
                          "[project] 'optional-dependencies' is not a table; it was not read")
        groups = self.data.get("dependency-groups")
        if isinstance(groups, dict):
            groups_table = self.lines.table("dependency-groups")
            for group, values in groups.items():
                self._pep508_list(values, groups_table, group, group_scope(group), f"dependency group '{group}'")
        tool = self.data.get("tool")
        uv = tool.get("uv") if isinstance(tool, dict) else None
        if isinstance(uv, dict) and "dev-dependencies" in uv:
            self._pep508_list(uv["dev-dependencies"], self.lines.table("tool", "uv"), "dev-dependencies", Scope.DEV,
                              "[tool.uv] dev-dependencies")

    def _pep508_list(self, values: object, table: TomlTable | None, key: str, scope: Scope, what: str,
                     extra: str | None = None) -> None:
        if values is None:
            return
        if not isinstance(values, list):
            self._problem(self.lines.key_line(table, key), f"{what} is not an array; it was not read")
            return
        strings = [v for v in values if isinstance(v, str)]
        lines = iter(self.lines.string_lines(table, key, strings))
        for value in values:
            if isinstance(value, dict):
                continue  # PEP 735 {include-group = "..."}: that group is read on its own
            if not isinstance(value, str):
                self._problem(self.lines.key_line(table, key), f"{what}: {value!r} is not a requirement string")
                continue
            line = next(lines) or self.lines.key_line(table, key)
            parsed = parse_requirement(value)
            if isinstance(parsed, str):
                self._problem(line, f"{what}: '{value}' is not a valid requirement ({parsed}); it was skipped")
                continue
            if normalize_name(parsed.name) == self._own_name():
                continue  # "crm-sync[redis]" inside the project's own extras
            notes = []
            version = pinned_version(parsed)
            if parsed.url:
                notes.append(f"installed from {parsed.url}, not from a package index")
                version = None
            elif version is None:
                notes.append(f"not pinned ({parsed.specifier or 'any version'}): the installed version is not recorded")
            if extra is not None:
                notes.append(f"installed with the extra '{extra}'")
            if parsed.marker is not None and marker_note(parsed.marker):
                notes.append(marker_note(parsed.marker))
            self._dependency(parsed.name, version, scope, line, notes)

    # --- Poetry ---------------------------------------------------------------------------------------------

    def _poetry(self, poetry: dict) -> None:
        self._poetry_table(poetry.get("dependencies"), ("tool", "poetry", "dependencies"), Scope.RUNTIME, "main")
        self._poetry_table(poetry.get("dev-dependencies"), ("tool", "poetry", "dev-dependencies"), Scope.DEV, "dev")
        groups = poetry.get("group")
        if isinstance(groups, dict):
            for group, body in groups.items():
                path = ("tool", "poetry", "group", group)
                if not isinstance(body, dict):
                    self._problem(self._line(path), f"[tool.poetry.group.{group}] is not a table; it was not read")
                    continue
                self._poetry_table(body.get("dependencies"), (*path, "dependencies"), group_scope(group), group)

    def _poetry_table(self, deps: object, path: tuple[str, ...], scope: Scope, group: str) -> None:
        if deps is None:
            return
        if not isinstance(deps, dict):
            self._problem(self._line(path), f"[{'.'.join(path)}] is not a table; it was not read")
            return
        table = self.lines.table(*path)
        for name, spec in deps.items():
            if name.lower() == "python":
                continue  # the interpreter, not a package
            sub = self.lines.table(*path, name)
            line = sub.line if sub is not None else self.lines.key_line(table, name) or self._line(path)
            self._poetry_dependency(name, spec, scope, line, group)

    def _poetry_dependency(self, name: str, spec: object, scope: Scope, line: int | None, group: str) -> None:
        notes: list[str] = []
        version = None
        if isinstance(spec, str):
            version = _poetry_pin(spec)
            if version is None:
                notes.append(f"not pinned ({spec}): the installed version is not recorded")
        elif isinstance(spec, dict):
            source = next((k for k in ("git", "path", "url", "file") if isinstance(spec.get(k), str)), None)
            if source is not None:
                ref = next((spec[k] for k in ("tag", "rev", "branch") if isinstance(spec.get(k), str)), None)
                where = f"{spec[source]}" + (f" ({ref})" if ref else "")
                notes.append(f"installed from the {source} {where}, not from a package index")
            elif isinstance(spec.get("version"), str):
                version = _poetry_pin(spec["version"])
                if version is None:
                    notes.append(f"not pinned ({spec['version']}): the installed version is not recorded")
            if spec.get("optional") is True and scope is Scope.RUNTIME:
                scope = Scope.OPTIONAL
                notes.append("optional: installed only with an extra that names it")
            if isinstance(spec.get("markers"), str) and marker_note(spec["markers"]):
                notes.append(marker_note(spec["markers"]))
        elif isinstance(spec, list):
            notes.append("several constraints for different environments: the installed version is not recorded")
        else:
            self._problem(line, f"the Poetry dependency '{name}' ({group}) is not a version string or a table")
            return
        self._dependency(name, version, scope, line, notes)

    # --- shared ----------------------------------------------------------------------------------------------

    def _dependency(self, name: str, version: str | None, scope: Scope, line: int | None, notes: list[str]) -> None:
        if (normalize_name(name), scope) in self.seen:
            return  # Poetry 2 may repeat a [project] dependency in [tool.poetry.dependencies] to refine it
        self.seen.add((normalize_name(name), scope))
        purl = pypi_purl(name, version)
        self.components.append(Component(
            key=purl,
            name=name,
            version=version,
            ecosystem=ECOSYSTEM,
            role=Role.DEPENDENCY,
            scope=scope,
            license=LicenseConclusion(None, notes=(NO_LICENSES, *notes)),
            location=Location(self.path, line),
            purl=purl,
            direct=True,
        ))

    def _own_name(self) -> str | None:
        tool = self.data.get("tool")
        for table in (self.data.get("project"), tool.get("poetry") if isinstance(tool, dict) else None):
            if isinstance(table, dict) and isinstance(table.get("name"), str):
                return normalize_name(table["name"])
        return None

    def _line(self, path: tuple[str, ...]) -> int | None:
        """The line of a table's header, or of the key that holds it inline in its parent."""
        table = self.lines.table(*path)
        if table is not None:
            return table.line
        for cut in range(len(path) - 1, -1, -1):
            parent = self.lines.table(*path[:cut])
            if parent is not None and path[cut] in parent.keys:
                return parent.keys[path[cut]][0]
        return None

    def _problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.path, line), message, PyprojectSource.name))


def _poetry_pin(constraint: str) -> str | None:
    """Poetry reads a bare version ("3.1.5") or "==3.1.5" as exactly that version; anything else is a range."""
    text = constraint.strip().removeprefix("==").strip()
    try:
        Version(text)
    except InvalidVersion:
        return None
    return text
