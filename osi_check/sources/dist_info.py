"""Installed Python packages: `*.dist-info/METADATA` and `*.egg-info/PKG-INFO` anywhere in the tree.

A CRM delivery often carries a bundled virtualenv or unpacked wheels. Each installed package's core
metadata (https://packaging.python.org/en/latest/specifications/core-metadata/) is read as the
RFC 822-style header block it is, with email.parser (compat32), never by importing anything. METADATA
is untrusted input: its size is capped, and a file without a `Name` is reported, not guessed at.

Its license is concluded from every declaration it makes, strongest first (PEP 639):
1. `License-Expression`: an SPDX expression, the normative declaration (Metadata 2.4);
2. `License`: free text; a short name is normalised, a pasted license text (multi-line or long) is
   identified as a license file would be;
3. `Classifier: License :: ...`: via rules/knowledge/trove-classifiers.yaml; several are read as a choice
   and marked unsure;
4. the license files it ships: `License-File` entries (in `licenses/` since Metadata 2.4, at the top of
   the dist-info directory before), or a LICENSE/COPYING file there when none is listed. They are read
   and identified only when 1-3 leave the license unknown or unsure: identifying a text costs milliseconds,
   and a bundled virtualenv holds hundreds of packages.
Every one read is kept as evidence; two that name different licenses are a conflict, recorded as
"X (METADATA:4) disagrees with Y (METADATA:12)".

The component's root is the dist-info directory itself: the package's files are spread over
site-packages, and the metadata directory is what identifies the installed package.
"""

from __future__ import annotations

import re
from email.parser import HeaderParser
from email.policy import compat32
from pathlib import PurePosixPath

from osi_check.detect.license_files import is_license_file_name, license_from_text, read_license_file
from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._conclusions import combine, declared, is_license_text, shift
from osi_check.sources._python import (
    ECOSYSTEM,
    classifier_conclusion,
    parse_requirement,
    pypi_purl,
)
from osi_check.tree import InputError, Tree, TreeFile

METADATA_BYTES = 2 * 1024 * 1024
MAX_LICENSE_FILES = 16
NOT_READ = "nothing was read from it"
# setuptools writes "UNKNOWN" when a package gives no license
ABSENT = frozenset({"", "unknown", "none", "n/a"})
_HEADER = re.compile(r"([\x21-\x39\x3b-\x7e]+):")
_PROJECT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_CONTINUATION = re.compile(r"^(?: {1,8}\|?|\t)")
_EXTRA = re.compile(r"\bextra\b")
_LINES = re.compile(r"\r\n|\r|\n")
_HEADERS_END = re.compile(r"(?:\r\n|\r|\n)(?:\r\n|\r|\n)")
# A Requires-Dist as build tools write it ("name[extra] (>=1,<2) ; marker"): read without a full parse
_SIMPLE_REQUIREMENT = re.compile(
    r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*"
    r"(?:\(?\s*(?:[<>=!~]=?|===)[^;()]*\)?)?\s*(?:;(?P<marker>.*))?"
)
# Without License-File entries (wheels built before Metadata 2.1 license support), license files were
# copied to the top of the dist-info directory under these names.
_UNLISTED_LICENSE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENSE.rst", "LICENCE", "COPYING", "COPYING.txt")


class InstalledPythonSource(Reader):
    name = "python-installed"
    examples = (
        "venv/lib/python3.11/site-packages/requests-2.32.3.dist-info/METADATA",
        "site-packages/vobject-0.9.8-py3.11.egg-info/PKG-INFO",
    )

    def handles(self, file: TreeFile) -> bool:
        if file.name == "METADATA":
            return file.parent.endswith(".dist-info")
        return file.name == "PKG-INFO" and file.parent.endswith(".egg-info")

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, METADATA_BYTES)
        except InputError as err:
            return self.problem(err)
        headers = _Headers.parse(text)
        name = headers.first("Name")
        if name is None:
            return self._only(file, None, f"has no 'Name' field: it is not a package's core metadata; {NOT_READ}")
        name = name.strip()
        if not _PROJECT_NAME.fullmatch(name):
            message = f"'Name' is not a valid package name ({name[:60]!r}); {NOT_READ}"
            return self._only(file, headers.line("Name"), message)
        return _Package(tree, file, headers, name).read()

    def _only(self, file: TreeFile, line: int | None, message: str) -> SourceResult:
        return SourceResult(problems=(InputProblem(Location(file.path, line), message, self.name),))


class _Headers:
    """The header fields of a core-metadata file, in order, each with the line it starts on."""

    def __init__(self, fields: list[tuple[str, str, int]]):
        self.fields = fields  # (lower-case field name, value, line)

    @classmethod
    def parse(cls, text: str) -> _Headers:
        end = _HEADERS_END.search(text)  # the description that may follow can be long: never split it
        lines = _LINES.split(text[: end.start()] if end else text)
        starts: list[tuple[str, int]] = []
        for number, line in enumerate(lines, 1):
            if not line:
                break  # the empty line that ends the headers (the description may follow)
            if line[0] in " \t":
                continue  # a continuation of the field above
            match = _HEADER.match(line)
            if match is None:
                break  # the email parser also ends the headers at the first line that is not one
            starts.append((match.group(1).lower(), number))
        block = "\n".join(lines[: (starts[-1][1] if starts else 0) + _continuations(lines, starts)])
        message = HeaderParser(policy=compat32).parsestr(block)
        values: dict[str, list[str]] = {}
        for key, value in message.items():
            values.setdefault(key.lower(), []).append(value if isinstance(value, str) else str(value))
        fields = []
        seen: dict[str, int] = {}
        for key, line in starts:
            index = seen.get(key, 0)
            seen[key] = index + 1
            found = values.get(key, [])
            if index < len(found):
                fields.append((key, found[index], line))
        return cls(fields)

    def first(self, name: str) -> str | None:
        return next((v for k, v, _ in self.fields if k == name.lower()), None)

    def line(self, name: str) -> int | None:
        return next((ln for k, _, ln in self.fields if k == name.lower()), None)

    def all(self, name: str) -> list[tuple[str, int]]:
        return [(v, ln) for k, v, ln in self.fields if k == name.lower()]


def _continuations(lines: list[str], starts: list[tuple[str, int]]) -> int:
    """How many continuation lines follow the last header line."""
    if not starts:
        return 0
    count = 0
    for line in lines[starts[-1][1]:]:
        if line[:1] in (" ", "\t"):
            count += 1
        else:
            break
    return count


def _unfold(value: str) -> str:
    """A multi-line field as written by setuptools (continuation lines indented by 8 spaces, or 7 and "|")."""
    first, *rest = value.split("\n")
    return "\n".join([first.strip(), *(_CONTINUATION.sub("", line, count=1).rstrip() for line in rest)]).strip()


class _Package:
    def __init__(self, tree: Tree, file: TreeFile, headers: _Headers, name: str):
        self.tree = tree
        self.file = file
        self.path = file.path
        self.directory = file.parent
        self.headers = headers
        self.name = name
        self.problems: list[InputProblem] = []

    def read(self) -> SourceResult:
        version = self.headers.first("Version")
        version = version.strip() if isinstance(version, str) and version.strip() else None
        if version is None:
            self._problem(self.headers.line("Name"), f"{self.name}: no 'Version' field; read without a version")
        license_, line = self._license()
        purl = pypi_purl(self.name, version)
        component = Component(
            key=purl,
            name=self.name,
            version=version,
            ecosystem=ECOSYSTEM,
            role=Role.DEPENDENCY,
            scope=Scope.RUNTIME,
            license=license_,
            location=Location(self.path, line),
            root=self.directory,
            purl=purl,
            dependencies=self._requires(),
            scope_declared=False,  # installed is not shipped-or-dev: a lockfile beside it says which
        )
        return SourceResult(components=(component,), problems=tuple(self.problems))

    def _license(self) -> tuple[LicenseConclusion, int | None]:
        conclusions: list[LicenseConclusion] = []
        notes: list[str] = []
        lines: list[int] = []
        expression = self.headers.all("License-Expression")
        for value, line in expression[:1]:
            if value.strip():
                conclusions.append(declared(value.strip(), self._at(line), "METADATA License-Expression (PEP 639)"))
                lines.append(line)
        for value, line in self.headers.all("License")[:1]:
            text = _unfold(value)
            if text.casefold() in ABSENT:
                notes.append(f"'License: {text}' (line {line}) declares no license")
            elif is_license_text(text):
                found = shift(license_from_text(self.path, text), self.path, line)
                conclusions.append(LicenseConclusion(
                    found.expression, found.evidence, found.unknown,
                    (*found.notes, f"the 'License' field (line {line}) holds a license text, identified as a file is"),
                    found.confident, found.conflicts,
                ))
                lines.append(line)
            else:
                conclusions.append(declared(text, self._at(line), "METADATA License"))
                lines.append(line)
        classifiers = [(v.strip(), self._at(ln)) for v, ln in self.headers.all("Classifier")]
        reading = classifier_conclusion(classifiers, "METADATA Classifier (trove)")
        if reading is not None:
            conclusions.append(reading)
            lines.append(reading.evidence[0].location.line)
        if any(c.expression and not c.unknown and c.confident for c in conclusions):
            # a sure declaration decides; identifying license texts costs milliseconds per package, which a
            # bundled virtualenv of hundreds of packages cannot afford when nothing is in doubt
            listed = [v.strip() for v, _ in self.headers.all("License-File") if v.strip()]
            if listed:
                shown = ", ".join(listed[:MAX_LICENSE_FILES])
                notes.append(f"license files not identified, the declaration decides: {shown}")
        else:
            conclusions.extend(self._license_files(notes))
        conclusion = combine(conclusions, "the installed METADATA declares no license")
        if notes:
            conclusion = LicenseConclusion(
                conclusion.expression, conclusion.evidence, conclusion.unknown,
                tuple(dict.fromkeys((*conclusion.notes, *notes))), conclusion.confident, conclusion.conflicts,
            )
        return conclusion, (lines[0] if lines else self.headers.line("Name"))

    def _license_files(self, notes: list[str]) -> list[LicenseConclusion]:
        listed = [v.strip() for v, _ in self.headers.all("License-File") if v.strip()]
        found: list[LicenseConclusion] = []
        if listed:
            for value in listed[:MAX_LICENSE_FILES]:
                rel = self._listed_file(value)
                if rel is None:
                    notes.append(f"License-File '{value}' is listed but not in {PurePosixPath(self.directory).name}")
                    continue
                found.extend(self._read(rel))
            return found
        for name in _UNLISTED_LICENSE_FILES:
            rel = f"{self.directory}/{name}"
            if self.tree.exists(rel):
                found.extend(self._read(rel))
        return found

    def _listed_file(self, value: str) -> str | None:
        """Where a License-File entry is: licenses/<value> (Metadata 2.4) or <value> (older wheels)."""
        parts = value.split("/")
        if value.startswith("/") or any(p in ("", ".", "..") for p in parts):
            return None
        for rel in (f"{self.directory}/licenses/{value}", f"{self.directory}/{value}"):
            if self.tree.exists(rel):
                in_licenses = rel.startswith(f"{self.directory}/licenses/")
                # everything in licenses/ is a license file by definition; elsewhere only license file names
                if in_licenses or is_license_file_name(parts[-1]):
                    return rel
        return None

    def _read(self, rel: str) -> list[LicenseConclusion]:
        try:
            return [read_license_file(self.tree, rel)]
        except InputError as err:
            self._problem(None, f"{self.name}: the license file {rel} could not be read: {err.message}")
            return []

    def _requires(self) -> tuple[str, ...]:
        """Names of the packages it requires (not those needed only for one of its extras)."""
        names = []
        for value, line in self.headers.all("Requires-Dist"):
            simple = _SIMPLE_REQUIREMENT.fullmatch(value)
            if simple is not None:
                name, marker = simple.group("name"), simple.group("marker")
            else:  # an unusual spelling (a URL, nested parentheses): packaging decides, and says what is wrong
                parsed = parse_requirement(value.strip())
                if isinstance(parsed, str):
                    self._problem(line, f"{self.name}: 'Requires-Dist: {value.strip()[:80]}' is not a valid "
                                  f"requirement ({parsed}); it was skipped")
                    continue
                name, marker = parsed.name, None if parsed.marker is None else str(parsed.marker)
            if marker is None or not _EXTRA.search(marker):
                names.append(name)
        return tuple(dict.fromkeys(names))

    def _at(self, line: int | None) -> Location:
        return Location(self.path, line)

    def _problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(Location(self.path, line), message, InstalledPythonSource.name))
