"""CiviCRM extensions: one component per extension `info.xml`.

A CiviCRM extension declares itself in `info.xml`: `<extension key="org.civicrm.sms.twilio"
type="module">` with `<name>`, `<license>`, `<version>`, `<maintainer>`, `<requires><ext>` (the
extensions it depends on), `<compatibility>`, ... The key is the extension's unique name, so it is the
component's name. Only an info.xml whose root element is `<extension>` is this format (Nextcloud's
appinfo/info.xml has `<info>`): any other gives an empty result, not a problem.

XML from the scanned tree is parsed with defusedxml only: a document that declares entities or refers
to external ones is refused and reported (entity-expansion and external-entity attacks), never expanded.

Extensions mostly declare "AGPL-3.0", a deprecated SPDX id that `licensing.normalize` reads as
AGPL-3.0-only and says so; CiviCRM core's own "AGPL-3.0 with the CiviCRM exception" is not something
extensions declare here.
"""

from __future__ import annotations

import xml.etree.ElementTree as StdET
from pathlib import PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources import _module
from osi_check.tree import InputError, Tree, TreeFile

MARKER = b"<extension"
DETAIL = "CiviCRM info.xml <license>"
NOT_READ = "the extension was not read"


class CiviCrmInfoSource(Reader):
    name = "civicrm-info"
    examples = ("info.xml", "ext/org.civicrm.sms.twilio/info.xml")

    def handles(self, file: TreeFile) -> bool:
        return file.path == "info.xml" or file.path.endswith("/info.xml")

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            data = tree.read_bytes(file.path, _module.MANIFEST_BYTES)
        except InputError as err:
            return self.problem(err)
        if MARKER not in data:
            return SourceResult()
        parsed = _parse(data, file.path)
        if isinstance(parsed, InputProblem):
            return SourceResult(problems=(parsed,))
        root, lines = parsed
        if root.tag != "extension":
            return SourceResult()
        return _Extension(tree, file, root, lines).read()


class _LineBuilder(StdET.TreeBuilder):
    """A tree builder that records the line of the root's and its children's start tags (ElementTree
    keeps no positions; deeper elements are not needed, so they cost nothing)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[StdET.Element, int] = {}
        self.depth = 0

    def start(self, tag, attrs):  # noqa: ANN001 - the TreeBuilder signature
        element = super().start(tag, attrs)
        if self.depth < 2:
            self.lines[element] = self.parser.parser.CurrentLineNumber
        self.depth += 1
        return element

    def end(self, tag):  # noqa: ANN001 - the TreeBuilder signature
        self.depth -= 1
        return super().end(tag)


def _parse(data: bytes, path: str) -> tuple[StdET.Element, dict] | InputProblem:
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder)  # forbids entity declarations and external references
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        return _problem(path, line, f"is not well-formed XML ({_reason(exc)}); {NOT_READ}")
    except DefusedXmlException as exc:
        line = _line_of(data, b"<!ENTITY") or _line_of(data, b"<!DOCTYPE")
        message = (
            f"declares or refers to XML entities ({type(exc).__name__}), which osi-check refuses to expand "
            f"(entity-expansion and external-entity attacks); {NOT_READ}"
        )
        return _problem(path, line, message)
    except (ValueError, RecursionError) as exc:
        return _problem(path, None, f"could not be parsed as XML ({type(exc).__name__}); {NOT_READ}")
    return root, builder.lines


def _problem(path: str, line: int | None, message: str) -> InputProblem:
    return InputProblem(Location(path, line), message, CiviCrmInfoSource.name)


def _reason(exc: ParseError) -> str:
    """expat's message without its own "line N, column M" (the location already says where)."""
    return str(exc).split(": line ")[0]


def _line_of(data: bytes, needle: bytes) -> int | None:
    at = data.find(needle)
    return None if at < 0 else data.count(b"\n", 0, at) + 1


class _Extension:
    def __init__(self, tree: Tree, file: TreeFile, root: StdET.Element, lines: dict):
        self.tree = tree
        self.file = file
        self.root = root
        self.lines = lines
        self.problems: list[InputProblem] = []

    def read(self) -> SourceResult:
        directory = self.file.parent
        key = (self.root.get("key") or "").strip() or None
        start = Location(self.file.path, self.lines.get(self.root))
        if key is None:
            message = "<extension> has no 'key' attribute; the extension is named after its directory"
            self.problems.append(InputProblem(start, message, CiviCrmInfoSource.name))
        version = _text(self.root.find("version"))
        license_, location = self._license(start)
        purl = _module.generic_purl("civicrm", key, version) if key else None
        component = Component(
            key=purl or f"civicrm:{directory}",
            name=key or (self.tree.root.name if directory == "." else PurePosixPath(directory).name),
            version=version,
            ecosystem="civicrm",
            role=Role.MODULE,
            scope=Scope.RUNTIME,
            license=license_,
            location=location,
            root=directory,
            purl=purl,
            dependencies=tuple(dict.fromkeys(t for t in map(_text, self.root.findall("requires/ext")) if t)),
        )
        return SourceResult(components=(component,), problems=_module.one_problem(self.problems))

    def _license(self, start: Location) -> tuple[LicenseConclusion, Location]:
        element = self.root.find("license")
        value = _text(element)
        if value:
            location = Location(self.file.path, self.lines.get(element))
            return _module.declared(value, location, value, DETAIL), location
        found, problem = _module.license_beside(self.tree, self.file.parent, CiviCrmInfoSource.name)
        if problem:
            self.problems.append(problem)
        return (found or _module.undeclared()), start


def _text(element: StdET.Element | None) -> str | None:
    """An element's text content, whitespace-trimmed; None when empty or absent."""
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None
