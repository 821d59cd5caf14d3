"""Go modules: the main module and its requirements from go.mod; vendored modules from vendor/modules.txt.

Only the files are read; the go command is never run (nothing is downloaded, no build constraints are
evaluated). go.mod gives the module path, every required module (`// indirect` marks one the main
module does not import itself) and its `replace` directives; `exclude` and `retract` change nothing
that is built, so they are ignored. go.sum beside go.mod gives each module's hash (the `h1:` of the
module zip, not of its go.mod). vendor/modules.txt (written by `go mod vendor`) lists the modules whose
packages are copied into vendor/<module path>/: that directory is the module's root in the tree.

Neither file records licenses. `go mod vendor` copies a module's LICENSE/COPYING files into its vendor
directory, so for a vendored module that file is read and identified (detect.license_files), and the
conclusion says which file it came from.

A replaced module is keyed by what is built: `replace a v1 => b v2` gives the component b v2 (its
license is b's), noted as replacing a; a replacement by a local directory keeps a's key, noted as
"replaced by local path", because the code built is that directory, not any published version.
A go.mod syntax error (an unknown directive, a non-canonical version, an unclosed block) is one
problem for the whole file, as it is for the go command. A modules.txt that does not match the go.mod
beside vendor/ is reported the way the go command refuses it ("inconsistent vendoring"): the vendored
code may then not be what go.mod says, or the file was cut off.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from osi_check.detect.license_files import read_license_file
from osi_check.facts import (
    Component,
    InputProblem,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.licensing import parse, render
from osi_check.reader import Reader
from osi_check.sources._lockfile import in_tree, purl_part
from osi_check.tree import InputError, Tree, TreeFile

ECOSYSTEM = "golang"
MAX_BYTES = 8 * 1024 * 1024
NO_LICENSE_NOTE = "go.mod does not record licenses"
NO_LICENSE_MODULES_NOTE = "vendor/modules.txt does not record licenses"
NO_LICENSE_VENDOR_NOTE = f"{NO_LICENSE_MODULES_NOTE} and no license file is in the module's directory"
TEST_SCOPE_NOTE = "go.mod does not tell test-only modules apart: scope taken as runtime"
NOT_VENDORED_NOTE = "no package of it is vendored: none of its code is in vendor/"
VERBS = frozenset(
    {"module", "go", "toolchain", "godebug", "require", "replace", "exclude", "retract", "tool", "ignore"}
)
# The files `go mod vendor` copies into a module's vendor directory that hold its license (Go's
# cmd/go/internal/modcmd metaPrefixes: LICENSE*, COPYING*, ...), in the spellings common in practice.
# Each name costs one probe per vendored module, so the list is short; a directory listing in the Tree
# API would let every LICENSE*/COPYING* file be found instead.
LICENSE_FILE_NAMES = (
    "LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING", "COPYING.LESSER", "LICENSE-MIT", "LICENSE-APACHE",
)

_TOKEN = re.compile(
    r"""[ \t]*(?:(?P<comment>//.*)|(?P<paren>[()])|(?P<quoted>"(?:[^"\\\n]|\\.)*")|(?P<raw>`[^`\n]*`)"""
    r"""|(?P<word>(?:[^\s"`()/]|/(?!/))+))"""
)
# A canonical semantic version as go.mod requires it (golang.org/x/mod/semver): v1.2.3[-pre][+build].
_SEMVER = re.compile(
    r"v(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-.]+)?"
)
_GO_VERSION = re.compile(r"[1-9]\d*\.(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))?(?:(?:rc|beta)[1-9]\d*)?")
_SUM = re.compile(r"(?P<path>\S+) (?P<version>\S+) (?P<hash>h1:\S+)")


class GoSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class _Require:
    path: str
    version: str
    indirect: bool
    line: int


@dataclass(frozen=True)
class _Replacement:
    path: str
    version: str | None  # None for a local directory (and for a wildcard module replacement's left side)
    local: bool


@dataclass(frozen=True)
class _GoMod:
    module: str
    module_line: int
    requires: tuple[_Require, ...]
    replaces: dict[tuple[str, str | None], _Replacement]


class GoModSource(Reader):
    name = "go-modules"
    examples = ("go.mod", "vendor/modules.txt", "services/sync/go.mod")

    def handles(self, file: TreeFile) -> bool:
        if file.name not in ("go.mod", "modules.txt"):
            return False
        parts = file.dir_parts
        if "testdata" in parts:
            return False  # the go command ignores testdata directories
        if file.name == "go.mod":
            return "vendor" not in parts  # a vendored module's go.mod belongs to modules.txt's entry
        return file.name == "modules.txt" and parts[-1:] == ("vendor",) and parts.count("vendor") == 1

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, MAX_BYTES)
        except InputError as err:
            return self.problem(err)
        if file.name == "go.mod":
            return self._read_go_mod(tree, file, text)
        return self._read_modules_txt(tree, file, text)

    # -- go.mod -------------------------------------------------------------------------------------

    def _read_go_mod(self, tree: Tree, file: TreeFile, text: str) -> SourceResult:
        try:
            mod = parse_go_mod(text)
        except GoSyntaxError as exc:
            return SourceResult(problems=(self._problem(file.path, exc.line, exc.message),))
        sums, problems = self._go_sum(tree, file.parent)
        application = Component(
            key=_purl(mod.module, None),
            name=mod.module,
            version=None,
            ecosystem=ECOSYSTEM,
            role=Role.APPLICATION,
            scope=Scope.RUNTIME,
            license=LicenseConclusion(None, notes=(NO_LICENSE_NOTE,)),
            location=Location(file.path, mod.module_line),
            root=file.parent,
            purl=_purl(mod.module, None),
        )
        components = {application.key: application}
        for require in mod.requires:
            path, version, notes = _built(require.path, require.version, mod.replaces)
            key = _purl(path, version)
            if key in components:
                continue
            components[key] = Component(
                key=key,
                name=path,
                version=version,
                ecosystem=ECOSYSTEM,
                role=Role.DEPENDENCY,
                scope=Scope.RUNTIME,
                license=LicenseConclusion(None, notes=(NO_LICENSE_NOTE, TEST_SCOPE_NOTE, *notes)),
                location=Location(file.path, require.line),
                purl=key,
                direct=not require.indirect,
                integrity=sums.get((path, version)),
            )
        return SourceResult(components=tuple(components.values()), problems=tuple(problems))

    def _go_sum(self, tree: Tree, directory: str) -> tuple[dict[tuple[str, str], str], list[InputProblem]]:
        """The module zip hashes of go.sum beside go.mod (its `/go.mod` lines hash only the go.mod file)."""
        path = in_tree(directory, "go.sum")
        if path is None or not tree.exists(path):
            return {}, []
        try:
            text = tree.read_text(path, MAX_BYTES)
        except InputError as err:
            return {}, [self._problem(err.path, err.line, err.message)]
        sums: dict[tuple[str, str], str] = {}
        bad: int | None = None
        for number, line in enumerate(text.split("\n"), 1):
            line = line.strip()
            if not line:
                continue
            match = _SUM.fullmatch(line)
            if match is None:
                bad = bad or number
            elif not match["version"].endswith("/go.mod"):
                sums[(match["path"], match["version"])] = match["hash"]
        if bad is None:
            return sums, []
        return sums, [self._problem(path, bad, "line is not '<module> <version> h1:<hash>'; such lines were skipped")]

    # -- vendor/modules.txt -------------------------------------------------------------------------

    def _read_modules_txt(self, tree: Tree, file: TreeFile, text: str) -> SourceResult:
        try:
            modules = parse_modules_txt(text)
        except GoSyntaxError as exc:
            return SourceResult(problems=(self._problem(file.path, exc.line, exc.message),))
        if not modules:
            return SourceResult(problems=(self._problem(file.path, None, "lists no vendored module"),))
        vendor_dir = file.parent
        components: dict[str, Component] = {}
        problems: list[InputProblem] = []
        consistency = self._check_vendoring(tree, file, text, modules)
        if consistency is not None:
            problems.append(consistency)
        for module in modules:
            path, version, notes = _built(module.path, module.version, module.replaces)
            key = _purl(path, version)
            if key in components:
                continue
            root = in_tree(vendor_dir, module.path) if module.packages else None
            if root is None and module.packages:
                notes.append(f"the module path {module.path!r} is not a plain directory path; no root in vendor/")
            if not module.packages:
                notes.append(NOT_VENDORED_NOTE)
            license_ = self._vendored_license(tree, root, notes, problems)
            components[key] = Component(
                key=key,
                name=path,
                version=version,
                ecosystem=ECOSYSTEM,
                role=Role.DEPENDENCY,
                scope=Scope.RUNTIME,
                license=license_,
                location=Location(file.path, module.line),
                root=root,
                purl=key,
                # "## explicit" says go.mod lists the module, which since Go 1.17 includes indirect ones:
                # only its absence says anything (a module only other modules need).
                direct=None if module.explicit else False,
            )
        return SourceResult(components=tuple(components.values()), problems=tuple(problems))

    def _check_vendoring(self, tree: Tree, file: TreeFile, text: str, modules: list[_Vendored]) -> InputProblem | None:
        """The go command refuses a vendor directory that does not match go.mod ("inconsistent vendoring"):
        the same check here finds a modules.txt that is cut off or stale, whose inventory would be wrong."""
        last = text.rstrip("\n").count("\n") + 1
        if not text.endswith("\n"):
            return self._problem(file.path, last, "does not end with a newline, as `go mod vendor` writes it: the "
                                                  "file is truncated; its modules were read as far as they go")
        go_mod = in_tree(str(PurePosixPath(file.parent).parent), "go.mod")
        if go_mod is None or not tree.exists(go_mod) or not any(m.explicit for m in modules):
            return None  # before Go 1.14, modules.txt did not mark go.mod's requirements
        try:
            required = {(r.path, r.version) for r in parse_go_mod(tree.read_text(go_mod, MAX_BYTES)).requires}
        except (InputError, GoSyntaxError):
            return None  # reported when go.mod is read as a file of its own
        explicit = {(m.path, m.version) for m in modules if m.explicit}
        missing, extra = sorted(required - explicit), sorted(explicit - required)
        if not missing and not extra:
            return None
        detail = "; ".join(filter(None, (
            f"{len(missing)} requirement(s) of go.mod not listed, e.g. {' '.join(missing[0])}" if missing else "",
            f"{len(extra)} listed but not required by go.mod, e.g. {' '.join(extra[0])}" if extra else "",
        )))
        return self._problem(file.path, None, f"does not match {go_mod} ({detail}): the vendor directory is stale or "
                                              "the file is truncated, so the vendored code may not be what go.mod says")

    def _vendored_license(
        self, tree: Tree, root: str | None, notes: list[str], problems: list[InputProblem]
    ) -> LicenseConclusion:
        found: list[str] = []
        for name in LICENSE_FILE_NAMES if root is not None else ():
            # on a case-insensitive file system "License" finds "LICENSE" again: one file, read once
            seen = any(f.rsplit("/", 1)[1].casefold() == name.casefold() for f in found)
            if not seen and tree.exists(f"{root}/{name}"):
                found.append(f"{root}/{name}")
        conclusions, read = [], []
        for path in found:
            try:
                conclusions.append(read_license_file(tree, path))
                read.append(path)
            except InputError as err:
                problems.append(self._problem(err.path, err.line, err.message))
        if not conclusions:
            return LicenseConclusion(None, notes=(NO_LICENSE_VENDOR_NOTE if root else NO_LICENSE_MODULES_NOTE, *notes))
        files = ", ".join(read)
        read_notes = [f"license read from {path}" for path in read]
        if len(conclusions) == 1:
            only = conclusions[0]
            return LicenseConclusion(
                only.expression, only.evidence, only.unknown, (*read_notes, *only.notes, *notes), only.confident
            )
        expressions = list(dict.fromkeys(c.expression for c in conclusions if c.expression))
        expression = render(parse(" AND ".join(f"({e})" for e in expressions))) if expressions else None
        return LicenseConclusion(
            expression,
            tuple(e for c in conclusions for e in c.evidence),
            tuple(dict.fromkeys(u for c in conclusions for u in c.unknown)),
            tuple(dict.fromkeys([
                *read_notes,
                *(n for c in conclusions for n in c.notes),
                f"several license files ({files}): all are taken to apply; if they are alternatives, clarify",
                *notes,
            ])),
            all(c.confident for c in conclusions),
        )

    def _problem(self, path: str, line: int | None, message: str) -> InputProblem:
        return InputProblem(Location(path, line), message, self.name)


# -- parsing ----------------------------------------------------------------------------------------


def _tokens(line: str, number: int) -> tuple[list[str], str | None]:
    """The tokens of one go.mod line (quoted strings unquoted) and its trailing comment, if any."""
    tokens: list[str] = []
    pos, end = 0, len(line.rstrip())
    while pos < end:
        match = _TOKEN.match(line, pos)
        if match is None or match.end() == pos:
            raise GoSyntaxError(number, f"unexpected character {line[pos:].strip()[:1]!r}")
        pos = match.end()
        if match["comment"] is not None:
            return tokens, match["comment"][2:].strip()
        if match["quoted"] is not None:
            try:
                tokens.append(json.loads(match["quoted"]))
            except ValueError:
                raise GoSyntaxError(number, f"invalid quoted string {match['quoted']}") from None
        elif match["raw"] is not None:
            tokens.append(match["raw"][1:-1])
        else:
            tokens.append(match["paren"] or match["word"])
    return tokens, None


def parse_go_mod(text: str) -> _GoMod:
    """Parse go.mod as the go command does (cmd/go/internal/modfile), keeping what osi-check needs."""
    module: tuple[str, int] | None = None
    requires: list[_Require] = []
    replaces: dict[tuple[str, str | None], _Replacement] = {}
    block: tuple[str, int] | None = None
    for number, line in enumerate(text.split("\n"), 1):
        tokens, comment = _tokens(line, number)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
                continue
            verb, args = block[0], tokens
        else:
            verb, args = tokens[0], tokens[1:]
            if verb not in VERBS:
                raise GoSyntaxError(number, f"unknown directive: {verb[:40]}")
            if args == ["("]:
                block = (verb, number)
                continue
            if args == ["(", ")"]:
                continue
        if verb == "module":
            if len(args) != 1 or module is not None:
                raise GoSyntaxError(number, "usage: module module/path (once)")
            module = (args[0], number)
        elif verb == "require":
            if len(args) != 2:
                raise GoSyntaxError(number, "usage: require module/path v1.2.3")
            indirect = comment is not None and (comment == "indirect" or comment.startswith("indirect;"))
            requires.append(_Require(args[0], _version(args[1], number), indirect, number))
        elif verb == "replace":
            left, right = _replacement(args, number)
            replaces[left] = right
        elif verb == "exclude":
            if len(args) != 2:
                raise GoSyntaxError(number, "usage: exclude module/path v1.2.3")
            _version(args[1], number)
        elif verb in ("go", "toolchain", "tool", "ignore") and len(args) != 1:
            raise GoSyntaxError(number, f"usage: {verb} takes one argument")
        elif verb == "go" and _GO_VERSION.fullmatch(args[0]) is None:
            raise GoSyntaxError(number, f"invalid go version {args[0][:40]!r}: must match 1.23 or 1.23.4")
    if block is not None:
        message = f"the '{block[0]} (' block opened here is never closed: the file may be truncated"
        raise GoSyntaxError(block[1], message)
    if module is None:
        raise GoSyntaxError(1, "has no module directive: not a go.mod file")
    return _GoMod(module[0], module[1], tuple(requires), replaces)


def _replacement(args: list[str], number: int) -> tuple[tuple[str, str | None], _Replacement]:
    if "=>" not in args:
        raise GoSyntaxError(number, "usage: replace module/path [v1.2.3] => other/module v1.4.5 | ../local/dir")
    arrow = args.index("=>")
    left, right = args[:arrow], args[arrow + 1 :]
    if len(left) not in (1, 2) or len(right) not in (1, 2):
        raise GoSyntaxError(number, "usage: replace module/path [v1.2.3] => other/module v1.4.5 | ../local/dir")
    target_local = len(right) == 1 and _is_local_path(right[0])
    if len(right) == 1 and not target_local:
        raise GoSyntaxError(number, f"replacement module {right[0]!r} has no version and is not a local path")
    key = (left[0], _version(left[1], number) if len(left) == 2 else None)
    return key, _Replacement(right[0], None if target_local else _version(right[1], number), target_local)


def _version(text: str, number: int) -> str:
    """A module version, which go.mod writes in canonical form; anything else (often a cut-off line) is the
    error the go command reports too."""
    if _SEMVER.fullmatch(text) is None:
        raise GoSyntaxError(number, f"version {text[:40]!r} is not a canonical semantic version (v1.2.3)")
    return text


def _is_local_path(path: str) -> bool:
    """cmd/go's modfile.IsDirectoryPath: ./x, ../x, /x (or a Windows drive path)."""
    return (
        path in (".", "..")
        or path.startswith(("./", "../", "/", ".\\", "..\\"))
        or (len(path) > 2 and path[1] == ":" and path[2] in "/\\")
    )


@dataclass
class _Vendored:
    path: str
    version: str
    line: int
    replaces: dict[tuple[str, str | None], _Replacement]
    explicit: bool = False
    packages: int = 0


def parse_modules_txt(text: str) -> list[_Vendored]:
    """vendor/modules.txt: `# path version [=> replacement]`, `## explicit; go 1.x` and package lines."""
    modules: list[_Vendored] = []
    current: _Vendored | None = None
    wildcard = False  # inside a `# path => replacement` entry, which lists no packages
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            if current is None and not wildcard:
                raise GoSyntaxError(number, "'##' annotation before any '# module' line")
            if current is not None:
                current.explicit = current.explicit or "explicit" in (a.strip() for a in line[3:].split(";"))
            continue
        if line.startswith("# "):
            fields = line[2:].split()
            if len(fields) >= 2 and fields[1] == "=>":
                current, wildcard = None, True  # a wildcard replacement, repeated from go.mod
                continue
            current, wildcard = _vendored(fields, number), False
            modules.append(current)
            continue
        if line.startswith("#"):
            raise GoSyntaxError(number, f"not a modules.txt line: {line[:60]!r}")
        if current is None:
            raise GoSyntaxError(number, f"package line before any '# module version' line: {line[:60]!r}")
        current.packages += 1
    return modules


def _vendored(fields: list[str], number: int) -> _Vendored:
    if len(fields) == 2:
        return _Vendored(fields[0], fields[1], number, {})
    if len(fields) in (4, 5) and fields[2] == "=>":
        local = len(fields) == 4
        if local and not _is_local_path(fields[3]):
            raise GoSyntaxError(number, f"replacement {fields[3]!r} has no version and is not a local path")
        replacement = _Replacement(fields[3], None if local else fields[4], local)
        return _Vendored(fields[0], fields[1], number, {(fields[0], fields[1]): replacement})
    raise GoSyntaxError(number, "not a '# module/path version [=> replacement]' line")


def _built(path: str, version: str, replaces: dict[tuple[str, str | None], _Replacement]) -> tuple[str, str, list[str]]:
    """The module actually built for a requirement, after replace directives, and the notes that say so."""
    replacement = replaces.get((path, version)) or replaces.get((path, None))
    if replacement is None:
        return path, version, []
    if replacement.local:
        return path, version, [
            f"replaced by local path {replacement.path}: the code built is that directory, not {path} {version}"
        ]
    return replacement.path, replacement.version, [f"replaces {path} {version} (replace directive)"]


def _purl(path: str, version: str | None) -> str:
    """pkg:golang/<module path>@<version>, each path segment percent-encoded as the purl spec asks."""
    segments = "/".join(purl_part(segment) for segment in path.split("/"))
    return f"pkg:golang/{segments}" + (f"@{purl_part(version)}" if version else "")

