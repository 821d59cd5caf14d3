"""Front-end libraries copied into the tree by hand: recognised by the banner comment of their files.

CRM trees often carry jQuery, TinyMCE, CKEditor, Bootstrap ... as files dropped into a folder, with
no package manager to declare them. Their builds keep a banner comment at the top ("/*! jQuery v3.7.1 |
(c) OpenJS Foundation ..."), which names the library and its version. Which banner means which library
and license is knowledge, kept as data in rules/knowledge/library-banners.yaml (with citations and
tested examples), not code: this module only reads the first 4 KiB of each .js/.css file and matches it.

Files under node_modules/, bower_components/ and vendor/ are left to the package-manager readers. A
file without a known banner gives nothing (it is the project's own code, or a library not known yet).
Each copy is its own component (the same library is often copied several times), keyed by purl and
file path, with no root: it is one file, not a directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from osi_check import licensing, resources
from osi_check.facts import (
    Component,
    Evidence,
    EvidenceKind,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.reader import Reader
from osi_check.sources._lockfile import purl_part
from osi_check.tree import InputError, Tree, TreeFile

KNOWLEDGE = "library-banners.yaml"
HEAD_BYTES = 4096
SUFFIXES = (".js", ".css", ".mjs", ".cjs")
PACKAGE_MANAGED = frozenset({"node_modules", "bower_components", "vendor"})
QUOTE_CHARS = 200
_VERSION = re.compile(r"\d+(?:\.\d+)*")
_COMPARISON = re.compile(r"\s*(<=|>=|==|<|>)\s*(\d+(?:\.\d+)*)\s*")


@dataclass(frozen=True)
class Banner:
    pattern: re.Pattern[str]
    files: re.Pattern[str] | None = None  # only for file names matching this
    package: str | None = None  # the package name ("namespace/name"), when it is not the library's


@dataclass(frozen=True)
class VersionRule:
    comparisons: tuple[tuple[str, tuple[int, ...]], ...]
    license: str
    note: str

    def applies(self, version: tuple[int, ...]) -> bool:
        return all(_compare(version, op, bound) for op, bound in self.comparisons)


@dataclass(frozen=True)
class Library:
    name: str
    purl_type: str
    package: str  # the package name, with its namespace ("@fortawesome/fontawesome-free")
    keywords: tuple[str, ...]
    banners: tuple[Banner, ...]
    license: str
    versions: tuple[VersionRule, ...]
    note: str | None
    citation: str
    url: str

    def license_for(self, version: str | None) -> tuple[str, tuple[str, ...], bool]:
        """(expression, notes, confident) for a copy of this version; None: the banner gave no version."""
        notes = (self.note,) if self.note else ()
        if version is None:
            if self.versions:
                ranges = ", ".join(f"{rule.license} for {_describe(rule)}" for rule in self.versions)
                return self.license, (*notes, f"the banner gives no version; {self.name} was under other "
                                               f"licenses in some versions ({ranges})"), False
            return self.license, notes, True
        parsed = _parse_version(version)
        for rule in self.versions:
            if parsed is not None and rule.applies(parsed):
                return rule.license, (*notes, rule.note), True
        return self.license, notes, True


@dataclass(frozen=True)
class Recognised:
    """A library banner found in a file's head."""

    library: Library
    version: str | None
    package: str
    start: int  # offset of the match in the text


class CopiedLibrarySource(Reader):
    name = "copied-library"
    examples = (
        "public/js/jquery.min.js",
        "include/javascript/tinymce/tinymce.min.js",
        "themes/css/font-awesome.min.css",
    )

    def handles(self, file: TreeFile) -> bool:
        if not file.path.endswith(SUFFIXES):
            return False
        return not PACKAGE_MANAGED.intersection(file.path.split("/")[:-1])

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            head = _head(tree, file)
        except InputError as err:
            return self.problem(err)
        if head is None or b"\x00" in head:
            return SourceResult()
        text = head.decode("utf-8", errors="replace")
        found = recognise(text, file.name)
        if found is None:
            return SourceResult()
        return SourceResult(components=(_component(file, text, found),))


def recognise(text: str, file_name: str) -> Recognised | None:
    """The first library whose banner is in `text` (the head of a file called `file_name`), if any."""
    if not _prefilter().search(text):
        return None
    for library in libraries():
        if not any(keyword in text for keyword in library.keywords):
            continue
        for banner in library.banners:
            if banner.files is not None and not banner.files.search(file_name):
                continue
            match = banner.pattern.search(text)
            if match is None:
                continue
            groups = match.groupdict()
            package = banner.package or groups.get("package") or library.package
            return Recognised(library, groups.get("version"), package, match.start())
    return None


def _component(file: TreeFile, text: str, found: Recognised) -> Component:
    library = found.library
    line_start = text.rfind("\n", 0, found.start) + 1
    line_end = text.find("\n", found.start)
    quote = text[line_start: line_end if line_end >= 0 else len(text)].strip()[:QUOTE_CHARS]
    location = Location(file.path, text.count("\n", 0, found.start) + 1)
    expression, notes, confident = library.license_for(found.version)
    purl = _purl(library, found.package, found.version)
    evidence = Evidence(EvidenceKind.DECLARED, location, quote, f"banner comment of {library.name}")
    notes = (*notes, f"{library.name} recognised by its banner; license per {library.url} "
                     f"(rules/knowledge/{KNOWLEDGE}: {library.citation})")
    return Component(
        key=f"{purl}#{file.path}",
        name=found.package,
        version=found.version,
        ecosystem="copied",
        role=Role.DEPENDENCY,
        scope=Scope.RUNTIME,
        license=LicenseConclusion(expression, (evidence,), notes=notes, confident=confident),
        location=location,
        purl=purl,
    )


def _purl(library: Library, package: str, version: str | None) -> str:
    """pkg:<type>/<namespace>/<name>@<version>, each segment percent-encoded ("@" of a scope -> %40)."""
    path = "/".join(purl_part(segment) for segment in package.split("/"))
    return f"pkg:{library.purl_type}/{path}" + (f"@{purl_part(version)}" if version else "")


def _head(tree: Tree, file: TreeFile) -> bytes:
    """The first HEAD_BYTES of a file: banners are at the top, so large bundles cost no more than small ones."""
    return tree.read_head(file.path, HEAD_BYTES)


# the knowledge file


@cache
def libraries() -> tuple[Library, ...]:
    """The libraries of rules/knowledge/library-banners.yaml, validated and compiled once."""
    data = yaml.safe_load(resources.knowledge_file(KNOWLEDGE).read_text("utf-8"))
    entries = data.get("libraries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{KNOWLEDGE}: 'libraries' must be a list")
    return tuple(_library(entry, index) for index, entry in enumerate(entries))


@cache
def _prefilter() -> re.Pattern[str]:
    keywords = sorted({k for library in libraries() for k in library.keywords}, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keywords))


def _library(entry: dict, index: int) -> Library:
    where = f"{KNOWLEDGE}: libraries[{index}]"
    try:
        purl = entry["purl"]
        banners = tuple(_banner(b, f"{where} ({entry['name']})") for b in entry["banners"])
        license_ = _expression(entry["license"], where)
        versions = tuple(
            VersionRule(_range(rule["range"], where), _expression(rule["license"], where), rule["note"])
            for rule in entry.get("versions") or ()
        )
        citation = entry["citation"]
        return Library(
            name=entry["name"],
            purl_type=purl["type"],
            package=f"{purl['namespace']}/{purl['name']}" if purl.get("namespace") else purl["name"],
            keywords=tuple(entry["keywords"]),
            banners=banners,
            license=license_,
            versions=versions,
            note=entry.get("note"),
            citation=citation["text"],
            url=citation["url"],
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{where}: missing or malformed field {exc}") from None


def _banner(value: object, where: str) -> Banner:
    spec = value if isinstance(value, dict) else {"pattern": value}
    try:
        pattern = re.compile(spec["pattern"], re.MULTILINE)
        files = re.compile(spec["files"]) if spec.get("files") else None
    except re.error as exc:
        raise ValueError(f"{where}: bad pattern: {exc}") from None
    if "version" not in pattern.groupindex:
        raise ValueError(f"{where}: pattern {spec['pattern']!r} has no named group 'version'")
    return Banner(pattern, files, spec.get("package"))


def _expression(value: str, where: str) -> str:
    normalized = licensing.normalize(value)
    if normalized.unknown or normalized.expression is None:
        raise ValueError(f"{where}: license {value!r} is not a known SPDX expression")
    return normalized.expression


def _range(text: str, where: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    comparisons = []
    for part in text.split(","):
        match = _COMPARISON.fullmatch(part)
        if match is None:
            raise ValueError(f"{where}: bad version range {text!r}")
        comparisons.append((match.group(1), tuple(int(n) for n in match.group(2).split("."))))
    return tuple(comparisons)


def _parse_version(version: str) -> tuple[int, ...] | None:
    match = _VERSION.match(version)
    return tuple(int(n) for n in match.group(0).split(".")) if match else None


def _compare(version: tuple[int, ...], op: str, bound: tuple[int, ...]) -> bool:
    width = max(len(version), len(bound))
    left, right = version + (0,) * (width - len(version)), bound + (0,) * (width - len(bound))
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right, "==": left == right}[op]


def _describe(rule: VersionRule) -> str:
    return ", ".join(f"{op}{'.'.join(map(str, bound))}" for op, bound in rule.comparisons)
