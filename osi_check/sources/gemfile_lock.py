"""Bundler (Ruby): the gems a project runs with, from Gemfile.lock (or gems.locked), as Bundler 2 writes it.

Only the file is read; Ruby and Bundler are never run. The lockfile is a plain-text format of sections:
sources (GEM, GIT, PATH, PLUGIN SOURCE) each with a `specs:` list of `    name (version[-platform])`
lines and their `      dependency (constraints)` lines, then PLATFORMS, DEPENDENCIES (the Gemfile's
direct gems; `name!` for a gem pinned to a git or path source), CHECKSUMS (Bundler 2.5+), RUBY VERSION
and BUNDLED WITH. Unknown sections are skipped, as Bundler itself skips them.

The lockfile records neither licenses nor Bundler groups, so every gem is runtime scope with no
license; the gemspec of the installed copy (sources/gemspec.py) supplies the license and merges by key,
which is why the key never carries the platform or git qualifiers (see sources/_gem.py).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote

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
from osi_check.sources._gem import ECOSYSTEM, gem_purl, installed_gem_dir, is_vendored, local_gem_role
from osi_check.sources._lockfile import in_tree
from osi_check.tree import InputError, Tree, TreeFile

LOCK_NAMES = frozenset({"Gemfile.lock", "gems.locked"})
MAX_BYTES = 16 * 1024 * 1024
DEFAULT_REMOTE = "https://rubygems.org/"

NO_LICENSE_NOTE = "Gemfile.lock does not record licenses"
NO_GROUPS_NOTE = "Gemfile.lock does not record Bundler groups (development, test): scope taken as runtime"

SOURCE_SECTIONS = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})
KNOWN_SECTIONS = SOURCE_SECTIONS | {"PLATFORMS", "DEPENDENCIES", "CHECKSUMS", "RUBY VERSION", "BUNDLED WITH"}
_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")

# Bundler's own grammar (Bundler::LockfileParser): exactly 2, 4 and 6 spaces of indentation.
_OPTION = re.compile(r"  (?P<key>[a-z_]+): ?(?P<value>.*)")
_SPEC = re.compile(r"    (?P<name>[^\s(]+) \((?P<version>[^)\s]+)\)")
_SPEC_DEPENDENCY = re.compile(r"      (?P<name>[^\s(]+)(?: \([^)]*\))?")
_DIRECT = re.compile(r"  (?P<name>[^\s!(]+)(?: \([^)]*\))?!?")
_CHECKSUM = re.compile(r"  (?P<name>[^\s(]+) \((?P<version>[^)\s]+)\)(?: (?P<sums>\S+))?")
_PLATFORM = re.compile(r"  \S+")
_VALUE = re.compile(r"\s+\S.*")


@dataclass
class _Source:
    kind: str  # GEM, GIT, PATH, PLUGIN SOURCE
    line: int
    remotes: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    in_specs: bool = False


@dataclass
class _Spec:
    name: str
    version: str
    platform: str | None
    line: int
    source: _Source
    dependencies: list[str] = field(default_factory=list)


class GemfileLockSource(Reader):
    name = "bundler"
    examples = ("Gemfile.lock", "gems.locked", "api/Gemfile.lock")

    def handles(self, file: TreeFile) -> bool:
        # An installed or vendored gem may ship its own development lockfile; it describes that gem's
        # test setup, not what this project runs.
        return file.name in LOCK_NAMES and not is_vendored(file.parent) and installed_gem_dir(file.path) is None

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, MAX_BYTES)
        except InputError as err:
            return self.problem(err)
        return _LockParser(file).parse(text)


class _LockParser:
    """One pass over the lines of a lockfile, then one component per locked gem (name and version)."""

    def __init__(self, file: TreeFile):
        self.file = file
        self.specs: list[_Spec] = []
        self.direct: set[str] = set()
        self.checksums: dict[tuple[str, str, str | None], str] = {}
        self.sections: set[str] = set()
        self.bundled_with: str | None = None
        self.problems: list[InputProblem] = []

    def parse(self, text: str) -> SourceResult:
        section: str | None = None
        source: _Source | None = None
        last_line = 0
        for number, raw in enumerate(text.split("\n"), 1):
            line = raw.rstrip("\r")
            if not line.strip():
                continue
            last_line = number
            if line.startswith(_CONFLICT):
                return self._fatal(number, "contains merge conflict markers; resolve the conflict (Bundler refuses "
                                           "such a lockfile too); not read")
            if not line[0].isspace():
                section = line.rstrip() if line.rstrip() in KNOWN_SECTIONS else None
                if section is not None:
                    self.sections.add(section)
                source = _Source(section, number) if section in SOURCE_SECTIONS else None
                continue
            if source is not None:
                self._source_line(source, line, number)
            elif section == "DEPENDENCIES":
                self._entry(_DIRECT, line, number, "DEPENDENCIES entry", lambda m: self.direct.add(m["name"]))
            elif section == "CHECKSUMS":
                self._entry(_CHECKSUM, line, number, "CHECKSUMS entry", self._checksum)
            elif section == "PLATFORMS":
                self._entry(_PLATFORM, line, number, "PLATFORMS entry", lambda m: None)
            elif section == "BUNDLED WITH" and _VALUE.fullmatch(line):
                self.bundled_with = line.strip()
        if not self.sections & (SOURCE_SECTIONS | {"DEPENDENCIES"}):
            return self._fatal(None, "has no GEM, GIT, PATH or DEPENDENCIES section: it is not a Gemfile.lock")
        self._check_complete(text, last_line)
        return SourceResult(components=tuple(self._components()), problems=tuple(self.problems))

    def _source_line(self, source: _Source, line: str, number: int) -> None:
        spec = _SPEC.fullmatch(line)
        if spec and source.in_specs:
            version, _, platform = spec["version"].partition("-")
            self.specs.append(_Spec(spec["name"], version, platform or None, number, source))
            return
        dependency = _SPEC_DEPENDENCY.fullmatch(line)
        if dependency and self.specs and self.specs[-1].source is source:
            self.specs[-1].dependencies.append(dependency["name"])
            return
        option = _OPTION.fullmatch(line)
        if option and not source.in_specs:
            if option["key"] == "specs":
                source.in_specs = True
            elif option["key"] == "remote":
                source.remotes.append(option["value"].strip())
            else:
                source.options.setdefault(option["key"], option["value"].strip())
            return
        self._bad(number, line, f"{source.kind} source line")

    def _entry(self, pattern: re.Pattern, line: str, number: int, what: str, accept) -> None:
        match = pattern.fullmatch(line)
        if match:
            accept(match)
        else:
            self._bad(number, line, what)

    def _checksum(self, match: re.Match) -> None:
        if match["sums"]:
            version, _, platform = match["version"].partition("-")
            self.checksums[(match["name"], version, platform or None)] = match["sums"]

    def _bad(self, number: int, line: str, what: str) -> None:
        shown = line.strip()
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        self.problems.append(self._problem(number, f"line is not a valid {what} ({shown!r}); it was skipped"))

    def _check_complete(self, text: str, last_line: int) -> None:
        """Bundler always ends the file with `BUNDLED WITH` and its version and a newline: anything
        else is a cut-off file, whose last line is then part of the one problem, not a second one."""
        if self.bundled_with is not None and text.endswith("\n"):
            return
        self.problems = [p for p in self.problems if p.location.line != last_line]
        self.problems.append(self._problem(
            last_line or None,
            "ends before its 'BUNDLED WITH' section is complete: the file is truncated, or was not written by "
            "Bundler 1.10 or later; its entries were read as far as they go",
        ))

    def _components(self) -> list[Component]:
        groups: dict[tuple[str, str], list[_Spec]] = {}
        for spec in self.specs:
            groups.setdefault((spec.name, spec.version), []).append(spec)
        return [self._component(variants) for variants in groups.values()]

    def _component(self, variants: list[_Spec]) -> Component:
        first = variants[0]
        source = first.source
        key = gem_purl(first.name, first.version)
        notes = [NO_LICENSE_NOTE, NO_GROUPS_NOTE]
        role, root = Role.DEPENDENCY, None
        purl = key
        if source.kind == "PATH":
            path = source.remotes[0] if source.remotes else "."
            root = _local_root(self.file.parent, path)
            role = local_gem_role(root) if root is not None else Role.DEPENDENCY
            notes.append(f"local path gem: {path}" + ("" if root is not None else " (outside the scanned tree)"))
        elif source.kind == "GIT":
            remote, revision = (source.remotes or [""])[0], source.options.get("revision", "")
            ref = next((f" ({k} {source.options[k]})" for k in ("branch", "tag", "ref") if k in source.options), "")
            notes.append(f"git source: {remote} at revision {revision or 'unknown'}{ref}")
            if remote and revision:
                purl = f"{key}?vcs_url={quote(f'git+{remote}@{revision}', safe=':/')}"
        elif source.kind == "PLUGIN SOURCE":
            notes.append(f"plugin source ({source.options.get('type', 'unknown type')}): {', '.join(source.remotes)}")
        elif source.remotes and source.remotes != [DEFAULT_REMOTE]:
            notes.append(f"gem server: {', '.join(source.remotes)}")
        platforms = [v.platform or "ruby" for v in variants]
        if platforms != ["ruby"]:
            notes.append(f"platform builds locked: {', '.join(platforms)}")
        sums = [self.checksums.get((first.name, first.version, v.platform)) for v in variants]
        if len(variants) > 1 and any(sums):
            notes.append("each platform build has its own checksum, so no single integrity value is recorded")
        return Component(
            key=key,
            name=first.name,
            version=first.version,
            ecosystem=ECOSYSTEM,
            role=role,
            scope=Scope.RUNTIME,
            license=LicenseConclusion(None, notes=tuple(notes)),
            location=Location(self.file.path, first.line),
            root=root,
            purl=purl,
            direct=(first.name in self.direct) if "DEPENDENCIES" in self.sections else None,
            integrity=sums[0] if len(variants) == 1 else None,
            dependencies=tuple(dict.fromkeys(d for v in variants for d in v.dependencies)),
        )

    def _problem(self, line: int | None, message: str) -> InputProblem:
        return InputProblem(Location(self.file.path, line), message, GemfileLockSource.name)

    def _fatal(self, line: int | None, message: str) -> SourceResult:
        return SourceResult(problems=(self._problem(line, message),))


def _local_root(lock_dir: str, path: str) -> str | None:
    """A PATH source's directory in the tree (relative to the lockfile's), or None when it is outside."""
    normal = posixpath.normpath(path.strip())
    if normal == ".":
        return lock_dir
    if normal.startswith("/") or normal == ".." or normal.startswith("../"):
        return None
    return in_tree(lock_dir, normal)
