"""pip requirements files: `requirements*.txt`, `*-requirements.txt` and `requirements/*.txt`.

The file is read as pip reads it (https://pip.pypa.io/en/stable/reference/requirements-file-format/):
backslash continuations are joined, `#` comments dropped, `-r`/`--requirement` includes followed (inside
the tree only, relative to the including file, each file once), `-c` constraints and index options ignored
(they install nothing). pip is never run and no URL is fetched.

A requirements file records no licenses, so every component's license is None with a note; the file gives
what was asked for: a name, a version when pinned with `==`, the first `--hash` as integrity. pip-compile
output also says, in its `# via` comments, why each package is there: a package "via -r requirements.in"
was asked for (direct), one "via django" was pulled in by Django (transitive, and a dependency of Django).
A file without `# via` comments is a hand-written list of what the project asks for: every entry is direct.

A requirement naming a local directory without a name (`-e .`, `./libs/crm-core`) is the project's own
code, which its own pyproject.toml describes; it is not a package and is not reported here.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._python import (
    ECOSYSTEM,
    marker_note,
    normalize_name,
    parse_requirement,
    pinned_version,
    pypi_purl,
)
from osi_check.tree import InputError, Tree, TreeFile

FILE_BYTES = 4 * 1024 * 1024
MAX_INCLUDE_DEPTH = 32
NO_LICENSES = "requirements files do not record licenses"
SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "node_modules"})

_FILE_NAME = re.compile(r"(?:[\w.-]*[-_.])?requirements(?:[-_.][\w.-]*)?\.txt")
_NAME_TOKENS = re.compile(r"[-_.]+")
_TEST_WORDS = frozenset({"test", "tests", "testing", "pytest", "tox"})
_DEV_WORDS = frozenset({"dev", "devel", "develop", "development", "lint", "linting", "docs", "doc", "ci", "typing"})
# pip: a comment starts at a "#" at the start of a line or after white space
_COMMENT = re.compile(r"(^|\s+)#.*$")
_WHOLE_LINE_COMMENT = re.compile(r"^\s*#")
_HASH = re.compile(r"--hash(?:=|\s+)(\S+)")
_OPTION = re.compile(r"^(--[A-Za-z-]+|-[A-Za-z])(?:=|\s*)(.*)$")
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|file:|\.{1,2}(?:/|$)|/)")
_REMOTE = re.compile(r"^(?!file:)[A-Za-z][A-Za-z0-9+.-]*://")
_ARCHIVE = re.compile(r"\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar)$", re.IGNORECASE)
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_NOT_A_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f\s]")
_VIA_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_INCLUDE_OPTIONS = frozenset({"-r", "--requirement"})
_CONSTRAINT_OPTIONS = frozenset({"-c", "--constraint"})
_EDITABLE_OPTIONS = frozenset({"-e", "--editable"})


def file_scope(path: str) -> Scope | None:
    """DEV or TEST when the file's name says so (requirements-dev.txt, test-requirements.txt, requirements/test.txt)."""
    stem = PurePosixPath(path).name.lower().removesuffix(".txt")
    words = set(_NAME_TOKENS.split(stem)) - {"requirements"}
    if any(w.startswith("test") for w in words) or words & _TEST_WORDS:
        return Scope.TEST
    if words & _DEV_WORDS:
        return Scope.DEV
    return None


class RequirementsSource(Reader):
    name = "pip-requirements"
    examples = ("requirements.txt", "requirements-dev.txt", "requirements/base.txt", "dev-requirements.txt")

    def handles(self, file: TreeFile) -> bool:
        name = file.name.lower()
        if not name.endswith(".txt"):
            return False
        parts = file.dir_parts
        # an installed package's own requirements describe that package, not this project
        if SKIPPED_DIRS.intersection(parts):
            return False
        return bool(_FILE_NAME.fullmatch(name)) or (bool(parts) and parts[-1].lower() == "requirements")

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, FILE_BYTES)
        except InputError as err:
            return self.problem(err)
        reading = _Reading(tree)
        reading.read_file(file.path, text, file_scope(file.path) or Scope.RUNTIME, (file.path,))
        return SourceResult(components=tuple(reading.components), problems=tuple(reading.problems))


@dataclass
class _Entry:
    """One requirement line, collected before its `# via` comments are known."""

    name: str
    version: str | None
    line: int
    notes: list[str]
    integrity: str | None
    via: list[str] = field(default_factory=list)


@dataclass
class _FileResult:
    entries: list[_Entry] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    good: int = 0
    bad: int = 0


class _Reading:
    """One top-level file and the files it includes; each file is read once."""

    def __init__(self, tree: Tree):
        self.tree = tree
        self.read_paths: set[str] = set()
        self.components: list[Component] = []
        self.problems: list[InputProblem] = []

    def read_file(self, path: str, text: str, scope: Scope, stack: tuple[str, ...]) -> None:
        self.read_paths.add(path)
        result = _FileResult()
        entry: _Entry | None = None  # the requirement that `# via` comments describe
        in_via = False
        for line_no, raw, is_comment in _logical_lines(text):
            if is_comment:
                entry, in_via = _via(raw, entry, in_via)
                continue
            in_via = False
            line = _COMMENT.sub("", raw).strip()
            if not line:
                continue
            entry = None
            if line.startswith("-"):
                entry = self._option(path, line_no, line, scope, stack, result)
            else:
                entry = self._requirement(path, line_no, line, None, result)
        if result.bad >= 2 and result.bad > result.good:
            first = min(result.problems, key=lambda p: p.location.line or 0)
            message = (
                f"is not a requirements file: {result.bad} of {result.bad + result.good} lines are neither "
                f"requirements nor pip options (the first: {first.message}); nothing was read from it"
            )
            self.problems.append(InputProblem(first.location, message, RequirementsSource.name))
            return
        self.problems.extend(result.problems)
        self.components.extend(_components(path, result.entries, scope))

    def _option(
        self, path: str, line_no: int, line: str, scope: Scope, stack: tuple[str, ...], result: _FileResult
    ) -> _Entry | None:
        match = _OPTION.match(line)
        option, value = (match.group(1), match.group(2).strip()) if match else (line, "")
        if option in _EDITABLE_OPTIONS:
            return self._requirement(path, line_no, value, "editable install", result)
        # -c constraints limit versions but install nothing; --index-url and other options install nothing.
        # An include that fails is its own problem; it counts against the file only if it is no file name.
        if option in _INCLUDE_OPTIONS and not self._include(path, line_no, value, scope, stack, result) \
                and _NOT_A_PATH.search(value):
            result.bad += 1
        else:
            result.good += 1
        return None

    def _include(self, path: str, line_no: int, target: str, scope: Scope, stack: tuple[str, ...],
                 result: _FileResult) -> bool:
        """Read an included file; False (with a problem) when it cannot be."""

        def problem(message: str) -> bool:
            result.problems.append(InputProblem(Location(path, line_no), message, RequirementsSource.name))
            return False

        if not target:
            return problem("'-r' names no file; nothing was included")
        if "://" in target:
            return problem(f"includes the remote file '{target}', which osi-check does not fetch; it was not read")
        included = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if target.startswith("/") or included == ".." or included.startswith("../"):
            return problem(f"includes '{target}', which is outside the scanned tree; it was not read")
        if included in stack:
            cycle = " -> ".join((*stack[stack.index(included):], included))
            return problem(f"includes '{target}' again (an include cycle: {cycle}); it was not read twice")
        if included in self.read_paths:
            return True  # already read through another include: its packages are already listed
        if len(stack) >= MAX_INCLUDE_DEPTH:
            return problem(f"includes '{target}' more than {MAX_INCLUDE_DEPTH} files deep; it was not read")
        if not self.tree.exists(included):
            return problem(f"includes '{target}', which is not in the scanned tree; its requirements are unknown")
        try:
            text = self.tree.read_text(included, FILE_BYTES)
        except InputError as err:
            return problem(f"includes '{target}', which could not be read: {err.message}")
        self.read_file(included, text, file_scope(included) or scope, (*stack, included))
        return True

    def _requirement(self, path: str, line_no: int, line: str, how: str | None, result: _FileResult) -> _Entry | None:
        spec, options = _split_options(line)
        hashes = _HASH.findall(options)
        integrity = hashes[0] if hashes else None
        if _URL.match(spec):
            return self._url_requirement(path, line_no, spec, how, integrity, result)
        parsed = parse_requirement(spec)
        if isinstance(parsed, str) and _ARCHIVE.search(spec.split("#", 1)[0].split(";", 1)[0].strip()):
            return self._url_requirement(path, line_no, spec, how, integrity, result)  # vendor/wheels/x.whl
        if isinstance(parsed, str):
            result.bad += 1
            result.problems.append(
                InputProblem(Location(path, line_no), f"'{_shown(spec)}' is not a valid requirement ({parsed}); "
                             "it was skipped", RequirementsSource.name)
            )
            return None
        result.good += 1
        notes = [NO_LICENSES]
        version = pinned_version(parsed)
        if parsed.url:
            notes.append(f"installed from {parsed.url}, not from a package index")
            version = None
        elif version is None:
            notes.append(f"not pinned ({parsed.specifier or 'any version'}): the installed version is not recorded")
        if parsed.marker is not None and marker_note(parsed.marker):
            notes.append(marker_note(parsed.marker))
        entry = _Entry(parsed.name, version, line_no, notes, integrity)
        result.entries.append(entry)
        return entry

    def _url_requirement(self, path: str, line_no: int, spec: str, how: str | None, integrity: str | None,
                         result: _FileResult) -> _Entry | None:
        url = spec.split(";", 1)[0].strip()
        name = _name_from_url(url)
        local = not _REMOTE.match(url)
        if name is None:
            if local:
                result.good += 1
                return None  # the project's own directory: described by its own manifest
            result.bad += 1
            result.problems.append(
                InputProblem(Location(path, line_no), f"'{_shown(url)}' names no package (no '#egg=' fragment and "
                             "no archive file name); it was skipped", RequirementsSource.name)
            )
            return None
        result.good += 1
        where = "local path" if local else "URL"
        notes = [NO_LICENSES, f"{how or 'installed'} from the {where} {url}, not from a package index"]
        entry = _Entry(name, None, line_no, notes, integrity)
        result.entries.append(entry)
        return entry


def _logical_lines(text: str):
    """(first line number, text, is a whole-line comment) for each logical line, as pip joins them."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        comment = bool(_WHOLE_LINE_COMMENT.match(line))
        if comment or not line.endswith("\\"):
            if pending:
                yield start, "".join(pending) + ("" if comment else line), False
                pending = []
                if comment:
                    yield number, line, True
            else:
                yield number, line, comment
        else:
            if not pending:
                start = number
            pending.append(line[:-1])
    if pending:
        yield start, "".join(pending), False


def _via(comment: str, entry: _Entry | None, in_via: bool) -> tuple[_Entry | None, bool]:
    """Read pip-compile's `# via x` / `# via` + `#   x` annotations into the entry they follow."""
    body = comment.strip()[1:]
    text = body.strip()
    if entry is None:
        return None, False
    if text == "via":
        return entry, True
    if text.startswith("via "):
        entry.via.append(text[4:].strip())
        return entry, False
    if in_via and text and body.startswith((" ", "\t")):
        entry.via.append(text)
        return entry, True
    return entry, False


def _split_options(line: str) -> tuple[str, str]:
    """pip's split of a requirement line into the requirement and its per-line options (--hash ...)."""
    tokens = line.split(" ")
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:index]).strip(), " ".join(tokens[index:])
    return line.strip(), ""


def _name_from_url(url: str) -> str | None:
    egg = _EGG.search(url)
    if egg:
        return egg.group(1)
    filename = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if filename.lower().endswith(".whl"):
        return filename.split("-", 1)[0] or None
    if _ARCHIVE.search(filename):
        stem = _ARCHIVE.sub("", filename)
        return stem.rsplit("-", 1)[0] if "-" in stem else None
    return None


def _is_direct(via: list[str]) -> bool:
    """pip-compile: "-r requirements.in" or "crm-app (pyproject.toml)" means the project asked for it."""
    return any(v.startswith("-r ") or v.endswith(")") for v in via)


def _components(path: str, entries: list[_Entry], scope: Scope) -> list[Component]:
    annotated = any(e.via for e in entries)
    # `# via django` on asgiref says Django depends on asgiref
    depends: dict[str, list[str]] = {}
    for entry in entries:
        for via in entry.via:
            if _VIA_NAME.fullmatch(via):
                depends.setdefault(normalize_name(via), []).append(entry.name)
    components = []
    for entry in entries:
        purl = pypi_purl(entry.name, entry.version)
        notes = list(entry.notes)
        if annotated and not entry.via:
            notes.append("no '# via' annotation says why it is required")
        components.append(
            Component(
                key=purl,
                name=entry.name,
                version=entry.version,
                ecosystem=ECOSYSTEM,
                role=Role.DEPENDENCY,
                scope=scope,
                license=LicenseConclusion(None, notes=tuple(notes)),
                location=Location(path, entry.line),
                purl=purl,
                direct=_is_direct(entry.via) if entry.via else True,
                integrity=entry.integrity,
                dependencies=tuple(dict.fromkeys(depends.get(normalize_name(entry.name), ()))),
            )
        )
    return components


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
