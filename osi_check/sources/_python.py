"""What the Python readers share: names and purls, TOML as data-or-problem, lines of TOML keys, classifiers.

Python packaging has one name rule for every format (PEP 503: runs of "-", "_", "." are one "-", lower
case), so a package read from requirements.txt, a lockfile and an installed METADATA gets one purl and the
resolver can merge them. TOML, like JSON, gives values without positions; `TomlLines` finds the line of a
table's keys with one regular-expression pass over the text (in C), never a per-line loop in Python.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

import yaml
from packaging.requirements import InvalidRequirement, Requirement

from osi_check import licensing, resources
from osi_check.facts import Evidence, EvidenceKind, InputProblem, LicenseConclusion, Location, SourceResult
from osi_check.tree import InputError
from osi_check.sources._lockfile import purl_part

ECOSYSTEM = "pypi"
# Lockfiles and manifests are small; a hostile multi-gigabyte one must not be parsed.
TOML_BYTES = 16 * 1024 * 1024
_NAME_RUN = re.compile(r"[-_.]+")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")
# A table header ([a.b] / [[a.b]]) or a key at the start of a line, in one pass over the whole text.
_TOML_ENTRY = re.compile(
    r"""^[ \t]*(?:(?P<open>\[\[?)[ \t]*(?P<header>[A-Za-z0-9_.\-"' \t]+?)[ \t]*\]\]?[ \t]*(?:\#.*)?$"""
    r"""|(?P<key>[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*[=.])""",
    re.MULTILINE,
)
_KEY_PART = re.compile(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""")


def normalize_name(name: str) -> str:
    """The PEP 503 normalised form of a project name ("Django_REST.framework" -> "django-rest-framework")."""
    return _NAME_RUN.sub("-", name).lower()


def pypi_purl(name: str, version: str | None) -> str:
    """pkg:pypi/<normalised name>[@<version>], as the purl spec asks for the pypi type."""
    return f"pkg:pypi/{purl_part(normalize_name(name))}" + (f"@{purl_part(version)}" if version else "")


def no_license(what: str) -> LicenseConclusion:
    """The conclusion for a format that has no license field: nothing is invented, the note says why."""
    return LicenseConclusion(None, notes=(f"{what} do not record licenses",))


# --- TOML ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedToml:
    """A parsed TOML document, or the one problem that stopped the parse."""

    value: dict | None = None
    problem: InputProblem | None = None


def parse_toml(text: str, path: str, reader: str) -> ParsedToml:
    """Parse `text` with tomllib; bad TOML becomes a problem naming the file and line, never an exception."""
    try:
        return ParsedToml(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_LINE.search(message)
        line = int(found.group(1)) if found else None
        if line is None and "end of document" in message:
            line = text.count("\n") + 1
        return ParsedToml(problem=InputProblem(Location(path, line), f"is not valid TOML: {message}", reader))
    except (RecursionError, MemoryError):
        return ParsedToml(problem=InputProblem(Location(path), "is nested too deeply to be read as TOML", reader))
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        return ParsedToml(problem=InputProblem(Location(path), f"is not valid TOML: {exc}", reader))


@dataclass(frozen=True)
class TomlTable:
    """One table header of a TOML file and the keys written directly below it."""

    path: tuple[str, ...]
    array: bool  # [[...]]: one element of an array of tables
    line: int
    offset: int
    keys: dict[str, tuple[int, int]]  # key -> (line, offset of the key)


class TomlLines:
    """Where the tables and keys of a TOML text are written (1-based lines), found in one pass.

    Only keys at the start of a line are seen (the way lockfiles and manifests are written); a key inside an
    inline table is not, and callers fall back to the line of the table that holds it.
    """

    def __init__(self, text: str):
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tables: list[TomlTable] = []
        current = TomlTable((), False, 1, 0, {})
        self.tables.append(current)
        for match in _TOML_ENTRY.finditer(text):
            if match.group("open") is not None:
                path = _key_path(match.group("header"))
                current = TomlTable(path, match.group("open") == "[[", self.line_at(match.start()), match.start(), {})
                self.tables.append(current)
            else:
                key = _key_path(match.group("key"))
                if key and key[0] not in current.keys:
                    current.keys[key[0]] = (self.line_at(match.start()), match.start())

    def line_at(self, offset: int) -> int:
        return bisect_right(self._line_starts, offset)

    def table(self, *path: str) -> TomlTable | None:
        """The first [path] table (or, for the top level, the document itself)."""
        return next((t for t in self.tables if t.path == path and not t.array), None)

    def array(self, *path: str) -> list[TomlTable]:
        """Every [[path]] element, in file order."""
        return [t for t in self.tables if t.path == path and t.array]

    def key_line(self, table: TomlTable | None, key: str) -> int | None:
        if table is None:
            return None
        found = table.keys.get(key)
        return found[0] if found else table.line

    def string_lines(self, table: TomlTable | None, key: str, values: list[str]) -> list[int | None]:
        """The line of each string of an array value (`key = ["a", "b"]`), searched in order from the key."""
        if table is None or key not in table.keys:
            return [None] * len(values)
        line, offset = table.keys[key]
        lines: list[int | None] = []
        for value in values:
            found = _find_quoted(self.text, value, offset)
            if found < 0:
                lines.append(line)
                continue
            lines.append(self.line_at(found))
            offset = found + len(value)
        return lines


def _find_quoted(text: str, value: str, start: int) -> int:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    spellings = {f'"{value}"', f"'{value}'", f'"{escaped}"'}
    candidates = [i for i in (text.find(s, start) for s in spellings) if i >= 0]
    return min(candidates) if candidates else -1


def _key_path(raw: str) -> tuple[str, ...]:
    return tuple(next(p for p in m.groups() if p is not None) for m in _KEY_PART.finditer(raw))


@dataclass(frozen=True)
class TomlLock:
    """A TOML lockfile read far enough to walk its package array."""

    text: str
    data: dict
    packages: list


def read_toml_lock(reader, tree, file, key: str) -> TomlLock | SourceResult:
    """Read a TOML lockfile whose packages are the array of tables `key` (poetry.lock and uv.lock:
    "package", pylock.toml: "packages"). Anything that stops the walk is one problem for the file."""
    try:
        text = tree.read_text(file.path, TOML_BYTES)
    except InputError as err:
        return reader.problem(err)
    parsed = parse_toml(text, file.path, reader.name)
    if parsed.problem:
        return SourceResult(problems=(parsed.problem,))
    packages = parsed.value.get(key)
    if not isinstance(packages, list):
        what = f"has no [[{key}]] entries" if packages is None else f"'{key}' is not an array of tables"
        return SourceResult(problems=(InputProblem(Location(file.path, 1), f"{what}; no packages were read", reader.name),))
    return TomlLock(text, parsed.value, packages)


def lock_result(components: list, problems: list[InputProblem]) -> SourceResult:
    """A lockfile's result. When not one package could be read, its problems are one: the file is unusable,
    and a report listing every broken entry of a file that is not a lockfile at all helps no one."""
    if components or len(problems) <= 1:
        return SourceResult(components=tuple(components), problems=tuple(problems))
    first = min(problems, key=lambda p: p.location.line or 0)
    message = f"no package could be read from it: {first.message} (and {len(problems) - 1} more problems)"
    return SourceResult(problems=(InputProblem(first.location, message, first.reader),))


# --- requirements (PEP 508) ---------------------------------------------------------------------------------


def parse_requirement(text: str) -> Requirement | str:
    """A PEP 508 requirement, or the reason it is not one (packaging's message)."""
    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        return str(exc).splitlines()[0]
    except (ValueError, RecursionError) as exc:
        return str(exc) or type(exc).__name__


def pinned_version(requirement: Requirement) -> str | None:
    """The version a requirement pins exactly (`==1.2.3`, `===1.2.3`), or None for a range or a wildcard."""
    specs = list(requirement.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        return specs[0].version
    return None


_MARKER_VARIABLE = re.compile(r"\b([a-z_]+)\s*(?:==|!=|<=|>=|<|>|~=|===|not\s+in|in)\s|\s(?:not\s+in|in)\s+([a-z_]+)")
_PYTHON_ONLY = frozenset({"python_version", "python_full_version"})


def marker_note(marker: object) -> str | None:
    """A note for an environment marker, or None when it only limits the Python version (noise for licensing)."""
    text = str(marker).strip()
    if not text:
        return None
    variables = {v for pair in _MARKER_VARIABLE.findall(text) for v in pair if v}
    if variables and variables <= _PYTHON_ONLY:
        return None
    return f"installed only where {text}"


# --- trove classifiers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassifierReading:
    spdx: str | None
    confident: bool
    note: str | None


@cache
def classifier_table() -> dict[str, ClassifierReading]:
    """rules/knowledge/trove-classifiers.yaml: each "License ::" classifier and how it is read."""
    data = yaml.safe_load(resources.knowledge_file("trove-classifiers.yaml").read_text("utf-8"))
    return {
        name: ClassifierReading(entry.get("spdx"), bool(entry.get("confident", True)), entry.get("note"))
        for name, entry in (data.get("classifiers") or {}).items()
    }


def is_license_classifier(classifier: str) -> bool:
    return classifier.startswith("License ::")


def classifier_conclusion(found: list[tuple[str, Location]], detail: str) -> LicenseConclusion | None:
    """The license that a package's "License ::" classifiers state, or None when it has none.

    Several license classifiers do not say whether all apply or one may be chosen (Python packaging never
    defined it); they are read as a choice (OR), the reading tools such as pip-licenses use, and marked unsure.
    """
    found = [(c.strip(), loc) for c, loc in found if is_license_classifier(c.strip())]
    if not found:
        return None
    table = classifier_table()
    evidence = tuple(Evidence(EvidenceKind.DECLARED, loc, c, detail) for c, loc in found)
    parts: list[str] = []
    unknown: list[str] = []
    notes: list[str] = []
    confident = True
    named = [(c, table.get(c)) for c, _ in found]
    # a bare "License :: OSI Approved" next to a classifier that names the license adds nothing
    if any(r is not None and r.spdx for _, r in named):
        named = [(c, r) for c, r in named if r is None or r.spdx]
    for classifier, reading in named:
        if reading is None:
            normalized = licensing.unknown(classifier, f"'{classifier}' is not a known license classifier")
            parts.append(normalized.expression)
            unknown.append(classifier)
            notes.extend(normalized.notes)
            continue
        if reading.spdx is None:
            parts.append(licensing.unknown(classifier, "").expression)
            unknown.append(classifier)
        else:
            parts.append(reading.spdx)
        confident = confident and reading.confident
        if reading.note:
            notes.append(reading.note)
    parts = list(dict.fromkeys(parts))
    if len(parts) > 1:
        confident = False
        notes.append(
            f"{len(parts)} license classifiers are read as a choice ({' OR '.join(parts)}); classifiers do not say "
            "whether all apply or one may be chosen"
        )
    expression = licensing.render(licensing.parse(" OR ".join(parts)))
    return LicenseConclusion(
        expression, evidence, tuple(dict.fromkeys(unknown)), tuple(dict.fromkeys(notes)), confident=confident
    )
