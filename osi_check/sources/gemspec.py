"""RubyGems: gem specifications (*.gemspec), the project's own and those of installed or vendored gems.

A gemspec is Ruby code from the scanned tree, which is hostile input: it is never run (a gemspec
routinely runs `git ls-files` in backticks, and could run anything). It is read as text, and only
assignments whose value is a literal are taken: `spec.name = "x"`, `s.version = "1.2.3".freeze`,
`spec.license = 'MIT'`, `s.licenses = ["MIT".freeze, "Ruby"]`, `%q<...>`/`%w[...]` literals, and
`add_dependency`-style calls with a literal gem name. Anything else (a constant such as
`Foo::VERSION`, a method call) is reported as not evaluated; for a version constant, the gem's
`lib/<name>/version.rb` is read the same way, for a literal `VERSION = "..."`.

RubyGems documents `licenses` only as "the license(s) for the library" (Gem::Specification#licenses=
rdoc, https://guides.rubygems.org/specification-reference/#licenses=) and does not say whether several
entries are a choice or all apply; the question is open upstream (rubygems/rubygems#2713). The Ruby
reference manual describes the array as the way to declare a gem "to which several licenses apply"
(docs.ruby-lang.org, Gem::Specification#licenses=). osi-check therefore reads several entries as all
applying (AND), the reading that never drops an obligation, marks the reading as not certain, and says
so in a note: a gem's LICENSE file may show that the licenses are alternatives.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from osi_check import licensing
from osi_check.facts import (
    Component,
    Evidence,
    EvidenceKind,
    InputProblem,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.reader import Reader
from osi_check.sources._gem import ECOSYSTEM, gem_purl, inside_installed_gem, installed_gem_dir, local_gem_role
from osi_check.sources._lockfile import in_tree
from osi_check.tree import InputError, Tree, TreeFile

MAX_BYTES = 1024 * 1024
VERSION_FILE_BYTES = 64 * 1024
AND_NOTE = (
    "the gemspec lists several licenses; RubyGems does not define whether they are a choice or all apply "
    "(rubygems/rubygems#2713), so they are read as all applying (AND); if they are alternatives, clarify"
)
NO_LICENSE_NOTE = "the gemspec declares no license"

# A Ruby string literal without interpolation or escapes, optionally frozen: "x", 'x', %q<x>, %q{x}, ...
_STRING = (
    r"""(?:"(?P<dq>[^"\\\n#]*(?:#(?!\{)[^"\\\n#]*)*)"|'(?P<sq>[^'\\\n]*)'"""
    r"""|%[qQ]?(?:\{(?P<b1>[^{}\n]*)\}|<(?P<b2>[^<>\n]*)>|\((?P<b3>[^()\n]*)\)|\[(?P<b4>[^\[\]\n]*)\]))"""
    r"""(?:\.freeze)?"""
)
_STRING_RE = re.compile(_STRING)
_STRING_GROUPS = ("dq", "sq", "b1", "b2", "b3", "b4")
_WORDS = re.compile(r"%[wW](?:\[(?P<w1>[^\]]*)\]|\((?P<w2>[^)]*)\)|\{(?P<w3>[^}]*)\}|<(?P<w4>[^>]*)>)")
# `<receiver>.<attribute> = <value to the end of the line>`, at the start of a line (so never in a comment).
_ASSIGN = re.compile(r"^[ \t]*\w+\.(?P<attr>name|version|platform|licenses?)[ \t]*=(?![=~])[ \t]*(?P<value>.*)$", re.M)
_DEPENDENCY = re.compile(
    r"^[ \t]*\w+\.add_(?P<kind>runtime_|development_)?dependency[ \t]*\(?[ \t]*" + _STRING, re.M
)
_VERSION_CONSTANT = re.compile(r"\bVERSION[ \t]*=[ \t]*" + _STRING)
_REQUIRE = re.compile(r"""^[ \t]*require(?P<relative>_relative)?[ \t(]+["'](?P<path>[^"'\n]+)["']""", re.M)
_CONSTANT_PATH = re.compile(r"^(?:::)?(?P<path>[A-Z]\w*(?:::[A-Z]\w*)*)::VERSION\b")
_COMMENT = re.compile(r"(?<![^\s,\[])#[^\n]*")  # a comment inside a multi-line array
_TRAILING = re.compile(r"[ \t]*(?:#.*)?$")
_BLOCK_END = re.compile(r"(?:end|\})(?![\w?!])")
_SPEC_NEW = re.compile(r"^([ \t]*)[^\n]*?Gem::Specification\.new\b", re.M)


@dataclass
class _Value:
    """An assignment's right-hand side: the text as written, its line, and its literal value if it is one."""

    raw: str
    line: int
    strings: tuple[str, ...] | None  # None when the value is not a literal string or array of strings
    is_array: bool = False


@dataclass
class _Gemspec:
    values: dict[str, _Value] = field(default_factory=dict)
    runtime: list[str] = field(default_factory=list)
    development: list[str] = field(default_factory=list)


class GemspecSource(Reader):
    name = "gemspec"
    examples = (
        "crm_connector.gemspec",
        "vendor/bundle/ruby/3.3.0/specifications/rack-3.0.11.gemspec",
        "vendor/bundle/ruby/3.3.0/gems/rack-3.0.11/rack.gemspec",
    )

    def handles(self, file: TreeFile) -> bool:
        return (
            file.name.endswith(".gemspec") and len(file.name) > len(".gemspec") and not inside_installed_gem(file.path)
        )

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, MAX_BYTES)
        except InputError as err:
            return self.problem(err)
        spec = _scan(text)
        name = spec.values.get("name")
        if name is None or not name.strings or name.is_array:
            where = name.line if name else None
            what = (
                f"the gem name is not a string literal ({_shown(name.raw)})" if name else "no literal `.name = \"...\"`"
            )
            return _only(self._problem(file, where, f"{what}: osi-check reads gemspecs without running them; not read"))
        problems = []
        if not _ends_like_a_block(text):
            problems.append(self._problem(
                file, text.count("\n") + 1,
                "does not end with the `end` of its Gem::Specification block: the file may be truncated",
            ))
        component = self._component(tree, file, text, spec, name.strings[0], name.line)
        return SourceResult(components=(component,), problems=tuple(problems))

    def _component(self, tree: Tree, file: TreeFile, text: str, spec: _Gemspec, name: str, name_line: int) -> Component:
        installed = installed_gem_dir(file.path)
        if installed is None:
            root: str | None = file.parent
            role = local_gem_role(file.parent)
        else:
            root, role = installed or None, Role.DEPENDENCY
        notes: list[str] = []
        version = _version(tree, file, text, spec, name, root, notes)
        platform = spec.values.get("platform")
        if platform and platform.strings and platform.strings[0] not in ("ruby", ""):
            notes.append(f"platform build: {platform.strings[0]}")
        license_value = spec.values.get("license")
        location = Location(file.path, license_value.line if license_value else name_line)
        key = gem_purl(name, version)
        development = set(spec.development)
        return Component(
            key=key,
            name=name,
            version=version,
            ecosystem=ECOSYSTEM,
            role=role,
            scope=Scope.RUNTIME,
            license=_license(license_value, location, file.name, notes),
            location=location,
            root=root,
            purl=key,
            dependencies=tuple(dict.fromkeys(d for d in spec.runtime if d not in development)),
        )

    def _problem(self, file: TreeFile, line: int | None, message: str) -> InputProblem:
        return InputProblem(Location(file.path, line), message, self.name)


def _scan(text: str) -> _Gemspec:
    """The literal assignments and dependency calls of a gemspec, in one pass of each regex."""
    spec = _Gemspec()
    line_of = _LineIndex(text)
    for match in _ASSIGN.finditer(text):
        attr = "license" if match["attr"] in ("license", "licenses") else match["attr"]
        if attr == "name" and "name" in spec.values:
            continue  # the first `name =` is the gem's; later ones are in unrelated code
        value_start = match.start("value")
        raw, strings, is_array = _literal(text, value_start)
        spec.values[attr] = _Value(raw, line_of(match.start("attr")), strings, is_array)
    for match in _DEPENDENCY.finditer(text):
        target = spec.development if match["kind"] == "development_" else spec.runtime
        target.append(_string_value(match))
    return spec


def _literal(text: str, start: int) -> tuple[str, tuple[str, ...] | None, bool]:
    """The right-hand side starting at `start`: its raw text, its strings if it is a literal, and whether
    it is an array. An array may span lines (up to its closing bracket)."""
    end_of_line = text.find("\n", start)
    end_of_line = len(text) if end_of_line < 0 else end_of_line
    if text.startswith("[", start):
        close = text.find("]", start)
        if close < 0:
            return text[start:end_of_line].strip(), None, True
        raw = text[start : close + 1]
        after = text.find("\n", close)
        rest = text[close + 1 : after if after >= 0 else len(text)]
        inner = text[start + 1 : close]
        inner = _COMMENT.sub("", inner)
        strings = [_string_value(m) for m in _STRING_RE.finditer(inner)]
        leftover = _STRING_RE.sub("", inner).replace(",", "").strip()
        literal = not leftover and _TRAILING.fullmatch(rest) is not None
        return raw, tuple(strings) if literal else None, True
    line = text[start:end_of_line]
    words = _WORDS.match(line)
    if words:
        raw = words.group(0)
        literal = _TRAILING.fullmatch(line, words.end()) is not None
        body = next(g for g in words.groups() if g is not None)
        return raw, tuple(body.split()) if literal else None, True
    string = _STRING_RE.match(line)
    if string and _TRAILING.fullmatch(line, string.end()):
        return string.group(0), (_string_value(string),), False
    return _TRAILING.sub("", line).strip(), None, False


def _string_value(match: re.Match) -> str:
    return next(match[g] for g in _STRING_GROUPS if match[g] is not None)


def _version(
    tree: Tree, file: TreeFile, text: str, spec: _Gemspec, name: str, root: str | None, notes: list[str]
) -> str | None:
    """The literal version, or one read from the gem's version.rb when the gemspec names a constant."""
    value = spec.values.get("version")
    if value is None:
        notes.append("the gemspec sets no version")
        return None
    if value.strings and not value.is_array:
        return value.strings[0]
    for candidate in _version_files(text, value.raw, name, file.parent, root or file.parent):
        try:
            if not tree.exists(candidate):
                continue
            found = _VERSION_CONSTANT.search(tree.read_text(candidate, VERSION_FILE_BYTES))
        except InputError:
            continue
        if found:
            notes.append(f"version read from {candidate} (the gemspec says {_shown(value.raw)})")
            return _string_value(found)
    notes.append(f"version {_shown(value.raw)} is Ruby code, not a literal; osi-check does not evaluate it")
    return None


def _version_files(text: str, raw: str, name: str, directory: str, gem_dir: str) -> list[str]:
    """Where a version constant may be defined, most specific first: files the gemspec requires whose
    name ends in `version` (require_relative: beside the gemspec; require: below lib/), the file the
    constant's module path names (Foo::Bar::VERSION -> lib/foo/bar/version.rb), then the gem-name
    conventions (lib/<name>/version.rb, with '-' read as '/' or '_'). Only paths inside the tree."""
    candidates: list[tuple[str, str]] = []
    for match in _REQUIRE.finditer(text):
        path = match["path"].removesuffix(".rb")
        if path.endswith("version"):
            candidates.append((directory, path) if match["relative"] else (gem_dir, f"lib/{path}"))
    constant = _CONSTANT_PATH.match(raw)
    if constant:
        module_path = "/".join(_underscore(part) for part in constant["path"].split("::"))
        candidates.append((gem_dir, f"lib/{module_path}/version"))
    for variant in (name, name.replace("-", "/"), name.replace("-", "_")):
        candidates.append((gem_dir, f"lib/{variant}/version"))
    found: list[str] = []
    for base, rel in candidates:
        path = in_tree(base, f"{PurePosixPath(rel)}.rb")
        if path is not None and path not in found:
            found.append(path)
    return found


def _underscore(constant: str) -> str:
    """Ruby's convention from constant to file name: CrmConnector -> crm_connector, HTTPClient -> http_client."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", constant).lower()


def _license(value: _Value | None, location: Location, filename: str, notes: list[str]) -> LicenseConclusion:
    if value is None:
        return LicenseConclusion(None, notes=(NO_LICENSE_NOTE, *notes))
    attribute = "licenses" if value.is_array else "license"
    evidence = Evidence(EvidenceKind.DECLARED, location, value.raw, f"{filename} `{attribute}`")
    if value.strings is None:
        unknown = licensing.unknown(
            value.raw, f"the license is the Ruby expression {_shown(value.raw)}, which osi-check does not evaluate"
        )
        return LicenseConclusion(unknown.expression, (evidence,), unknown.unknown, (*unknown.notes, *notes))
    parts = [licensing.normalize(s) for s in value.strings]
    parts = [p for p in parts if p.expression]
    if not parts:
        return LicenseConclusion(None, (evidence,), notes=(NO_LICENSE_NOTE, *notes))
    unknown = tuple(dict.fromkeys(u for p in parts for u in p.unknown))
    part_notes = [n for p in parts for n in p.notes]
    if len(parts) == 1:
        return LicenseConclusion(parts[0].expression, (evidence,), unknown, tuple(dict.fromkeys((*part_notes, *notes))))
    expression = licensing.render(licensing.parse(" AND ".join(f"({p.expression})" for p in parts)))
    detail = f"{filename} `licenses` (read as all applying: AND)"
    evidence = Evidence(EvidenceKind.DECLARED, location, value.raw, detail)
    return LicenseConclusion(
        expression, (evidence,), unknown, tuple(dict.fromkeys((*part_notes, AND_NOTE, *notes))), confident=False
    )


def _ends_like_a_block(text: str) -> bool:
    """Whether the last line of code closes the Gem::Specification block (`end` or `}` indented as the
    line that opens it): a cut-off gemspec ends elsewhere, often at an inner block's `end`."""
    opening = _SPEC_NEW.search(text)
    indent = opening.group(1) if opening else ""
    for line in reversed(text.split("\n")):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return line.startswith(indent) and _BLOCK_END.match(line[len(indent):]) is not None
    return False


def _shown(raw: str) -> str:
    text = " ".join(raw.split())
    return f"'{text}'" if len(text) <= 60 else f"'{text[:57]}...'"


def _only(problem: InputProblem) -> SourceResult:
    return SourceResult(problems=(problem,))


class _LineIndex:
    """1-based line numbers of offsets, from a table of line starts (one pass over the text)."""

    def __init__(self, text: str):
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect_right(self._starts, offset)
