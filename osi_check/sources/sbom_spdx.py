"""SPDX 2.2/2.3 SBOMs handed over with a delivery: the vendor's list of components and their licenses.

The documents are parsed by spdx-tools (the SPDX project's own library) in every serialisation it reads:
JSON (`*.spdx.json`), tag-value (`*.spdx`), YAML (`*.spdx.yaml`), RDF/XML (`*.spdx.rdf`) and its plain
XML (`*.spdx.xml`, RDF/XML too when its root element is rdf:RDF). spdx-tools only opens files by path,
so its path-based `parse_file` is never used: the text is read through the Tree (size cap, no links out
of the tree) and handed to the format parsers underneath it. XML is first parsed by defusedxml with DTDs
forbidden, so neither xmltodict nor rdflib ever sees an entity or an external reference, and rdflib is
given the text itself, never a location it could fetch.

Each package becomes a component keyed by its purl (see `_sbom`), so that it joins the package found in
the tree; the packages the document DESCRIBES are the delivered application itself (root "."). An SBOM
entry has no directory in the tree, so every other component has root None. The license is the
vendor's licenseDeclared, else licenseConcluded (SPDX 2.3 §7.13, §7.15); when both are stated and differ,
the disagreement is recorded as a conflict. Scope comes from the relationships (DEV_/BUILD_/TEST_/
OPTIONAL_DEPENDENCY_OF ...), but a package the application plainly DEPENDS_ON stays shipped.

spdx-tools' model carries no positions, so each package's line (the line that names it: JSON "name",
`PackageName:`, YAML `name:`, XML `<name>`, the RDF `<spdx:Package rdf:about>` element) is found in the
text itself, in one pass, and matched to the package by its SPDXID.

spdx-tools rejects a whole document for one bad element, so an invalid document is one problem naming
the file and quoting spdx-tools' first messages.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from xml.sax.saxutils import unescape

import yaml
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from license_expression import LicenseExpression

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
from osi_check.resolve import SCOPE_RANK
from osi_check.sources._lockfile import JsonText, parse_json
from osi_check.sources._sbom import (
    SPDX_HASH_ORDER,
    VendorText,
    identify,
    identify_text,
    in_package_dir,
    integrity,
    stated,
)
from osi_check.tree import InputError, Tree, TreeFile

if TYPE_CHECKING:
    from spdx_tools.spdx.model import Document

# spdx-tools (and rdflib, ply, xmltodict under it) is imported when an SPDX document is read, not when
# osi-check starts: importing it costs a few tenths of a second that a scan without an SBOM should not pay.

NAME = "spdx-sbom"
# File name endings and the serialisation each one holds; longest first so ".spdx.rdf.xml" wins over ".xml".
FORMATS = (
    (".spdx.rdf.xml", "xml"),
    (".spdx.json", "json"),
    (".spdx.yaml", "yaml"),
    (".spdx.yml", "yaml"),
    (".spdx.rdf", "xml"),
    (".spdx.xml", "xml"),
    (".spdx", "tag-value"),
)
RDF_ROOT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
RDF_BASE = "urn:osi-check:spdx-document"  # base for relative URIs: never a file or network location
MAX_MESSAGES = 3
MESSAGE_CHARS = 240

# How a relationship places its subject (the dependency) in the delivery (SPDX 2.3 §11.1), by the name
# of spdx-tools' RelationshipType member.
RELATION_SCOPE = {
    "DEV_DEPENDENCY_OF": Scope.DEV,
    "BUILD_DEPENDENCY_OF": Scope.DEV,
    "DEV_TOOL_OF": Scope.DEV,
    "BUILD_TOOL_OF": Scope.DEV,
    "TEST_DEPENDENCY_OF": Scope.TEST,
    "TEST_TOOL_OF": Scope.TEST,
    "TEST_OF": Scope.TEST,
    "TEST_CASE_OF": Scope.TEST,
    "OPTIONAL_DEPENDENCY_OF": Scope.OPTIONAL,
    "OPTIONAL_COMPONENT_OF": Scope.OPTIONAL,
    "RUNTIME_DEPENDENCY_OF": Scope.RUNTIME,
}
# "A <kind> B": A is a dependency of B.
DEPENDENCY_OF = frozenset(
    {
        "DEPENDENCY_OF",
        "DEV_DEPENDENCY_OF",
        "BUILD_DEPENDENCY_OF",
        "TEST_DEPENDENCY_OF",
        "OPTIONAL_DEPENDENCY_OF",
        "RUNTIME_DEPENDENCY_OF",
        "PROVIDED_DEPENDENCY_OF",
    }
)
_TYPE_ERROR = re.compile(r"SetterError (\w+): Method \S+ parameter (\w+)=(.{0,60}?) violates type hint.*?(?=; |$)")
_TAG_LINE = re.compile(r"\b[Ll]ine:? (\d+)")
_BAD_EXPRESSION = re.compile(r'Error parsing LicenseExpression: "([^"]*)"')
_WRAPPED = re.compile(r"^Error while (?:parsing|constructing) (.+?): \[(.*)\]$")
_ITEM_SEPARATOR = re.compile(r"""['"], ['"]""")
_NEWLINE = re.compile("\n")
_RDF_PACKAGE = re.compile(r'<(?:[A-Za-z_][\w.-]*:)?Package\b[^>]*?\brdf:about="[^"#]*#([^"]+)"')
_XML_PACKAGE = re.compile(
    r"<(/?)packages>|<SPDXID>([^<]*)</SPDXID>"
    r"|<(licenseDeclared|licenseConcluded)>([^<]*)</(?:licenseDeclared|licenseConcluded)>|<name>"
)


def spdx_format(file_name: str) -> str | None:
    lower = file_name.lower()
    return next((fmt for suffix, fmt in FORMATS if lower.endswith(suffix) and len(lower) > len(suffix)), None)


class SpdxSbomSource(Reader):
    name = NAME
    examples = ("sbom.spdx.json", "crm.spdx", "docs/sbom.spdx.yaml", "sbom.spdx.rdf", "sbom.spdx.xml")

    def handles(self, file: TreeFile) -> bool:
        return spdx_format(file.name) is not None and not in_package_dir(file.path)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, strict_utf8=True)
        except InputError as err:
            return self.problem(err)
        fmt = spdx_format(file.name)
        if fmt == "json":
            parsed = parse_json(text, file.path, NAME)
            if parsed.problem:
                return SourceResult(problems=(parsed.problem,))
            return read_spdx_json(file.path, text, parsed.value)
        parse = {"tag-value": _parse_tag_value, "yaml": _parse_yaml, "xml": _parse_xml}[fmt]
        return _read(file.path, parse(file.path, text))


# ---- parsing: text -> spdx-tools Document, plus where each package is written ----------------------

@dataclass
class _Spot:
    """Where a package is written (the line naming it) and its license fields as written."""

    line: int | None
    quotes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Parsed:
    document: Document | None = None
    spots: dict[str, _Spot] = field(default_factory=dict)
    problem: InputProblem | None = None


def read_spdx_json(path: str, text: str, data: object) -> SourceResult:
    """An SPDX JSON document already parsed by `json` (also used for SPDX content in a file named bom.json)."""
    return _read(path, _parse_json_value(path, text, data))


def _read(path: str, parsed: _Parsed) -> SourceResult:
    if parsed.problem:
        return SourceResult(problems=(parsed.problem,))
    return _DocumentReader(path, parsed.document, parsed.spots).read()


def _parse_json_value(path: str, text: str, data: object) -> _Parsed:
    if not isinstance(data, dict):
        return _Parsed(problem=InputProblem(Location(path, 1), "the top level is not a JSON object", NAME))
    if "@context" in data and "spdxVersion" not in data:
        return _Parsed(problem=InputProblem(Location(path, 1), "is an SPDX 3 (JSON-LD) document; only SPDX 2.2/2.3 is read", NAME))
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    return _with_document(path, "JSON", lambda: JsonLikeDictParser().parse(data), lambda: _json_spots(JsonText(text), data))


def _json_spots(raw: JsonText, data: dict) -> dict[str, _Spot]:
    top = raw.spots()
    packages = data.get("packages")
    if "packages" not in top or not isinstance(packages, list):
        return {}
    spots = {}
    for package, where in zip(packages, raw.elements(top["packages"].offset)):
        if isinstance(package, dict) and isinstance(package.get("SPDXID"), str):
            members = raw.spots(where.offset)
            line = members["name"].line if "name" in members else where.line
            quotes = {k: v for k in ("licenseDeclared", "licenseConcluded") if isinstance(v := package.get(k), str)}
            spots[package["SPDXID"]] = _Spot(line, quotes)
    return spots


def _parse_yaml(path: str, text: str) -> _Parsed:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return _Parsed(problem=InputProblem(Location(path, line), f"is not valid YAML: {reason}", NAME))
    except (RecursionError, ValueError, TypeError) as exc:
        return _Parsed(problem=InputProblem(Location(path), f"is not valid YAML: {exc}", NAME))
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return _Parsed(problem=InputProblem(Location(path, 1), "the top level is not a YAML mapping", NAME))
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    return _with_document(path, "YAML", lambda: JsonLikeDictParser().parse(data), lambda: _yaml_spots(node))


def _yaml_spots(node: yaml.Node) -> dict[str, _Spot]:
    packages = _yaml_member(node, "packages")
    if not isinstance(packages, yaml.SequenceNode):
        return {}
    spots = {}
    for package in packages.value:
        spdx_id = _yaml_member(package, "SPDXID")
        if isinstance(spdx_id, yaml.ScalarNode):
            name = next((k for k, _ in package.value if isinstance(k, yaml.ScalarNode) and k.value == "name"), None)
            line = (name or package).start_mark.line + 1
            quotes = {k: v.value for k in ("licenseDeclared", "licenseConcluded")
                      if isinstance(v := _yaml_member(package, k), yaml.ScalarNode)}
            spots[spdx_id.value] = _Spot(line, quotes)
    return spots


def _yaml_member(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _parse_tag_value(path: str, text: str) -> _Parsed:
    return _with_document(path, "tag-value", lambda: _tag_value_parser().parse(text), lambda: _tag_value_spots(text))


def _tag_value_parser():
    # Built per document (the parser keeps the elements it has read); without debug files or table
    # files, which ply would otherwise try to write next to spdx-tools.
    from ply import yacc
    from spdx_tools.spdx.parser.tagvalue.parser import Parser

    return Parser(debug=False, write_tables=False, errorlog=yacc.NullLogger())


def _tag_value_spots(text: str) -> dict[str, _Spot]:
    """One pass over the lines: each `PackageName:` line, the SPDXID that follows it, its license tags.

    Multi-line `<text>...</text>` values are skipped, so a tag quoted inside a comment is not taken for one.
    """
    spots: dict[str, _Spot] = {}
    current: _Spot | None = None
    pending: _Spot | None = None
    in_text = False
    for number, line in enumerate(text.split("\n"), 1):
        if in_text:
            in_text = "</text>" not in line
            continue
        tag, colon, value = line.partition(":")
        if not colon:
            continue
        tag, value = tag.strip(), value.strip()
        if value.startswith("<text>") and "</text>" not in value:
            in_text = True
        if tag == "PackageName":
            current = pending = _Spot(number)
        elif tag == "SPDXID" and pending is not None:
            spots[value] = pending
            pending = None
        elif tag in ("PackageLicenseDeclared", "PackageLicenseConcluded") and current is not None:
            current.quotes["licenseDeclared" if tag.endswith("Declared") else "licenseConcluded"] = value
        elif tag in ("FileName", "SnippetSPDXID", "LicenseID", "Relationship", "Annotator"):
            current = pending = None
    return spots


def _parse_xml(path: str, text: str) -> _Parsed:
    try:
        root = SafeElementTree.fromstring(text, forbid_dtd=True)
    except SafeElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        return _Parsed(problem=InputProblem(Location(path, line), f"is not well-formed XML: {exc}", NAME))
    except DefusedXmlException:
        message = "declares a DTD or entities; such XML is not read (entities can expand without bound or pull in other files)"
        return _Parsed(problem=InputProblem(Location(path), message, NAME))
    except (RecursionError, ValueError) as exc:
        return _Parsed(problem=InputProblem(Location(path), f"is not readable XML: {exc}", NAME))
    if root.tag == RDF_ROOT:
        return _with_document(path, "RDF/XML", lambda: _rdf_document(text), lambda: _rdf_spots(text))
    return _with_document(path, "XML", lambda: _xml_document(text), lambda: _xml_spots(text))


def _rdf_spots(text: str) -> dict[str, _Spot]:
    """The line of each <spdx:Package rdf:about="...#SPDXRef-x"> element (spdx-tools takes the id from the
    URI's fragment). License fields are RDF resources there, so they are quoted as spdx-tools renders them."""
    line_at = _line_table(text)
    spots: dict[str, _Spot] = {}
    for match in _RDF_PACKAGE.finditer(text):
        spots.setdefault(match.group(1), _Spot(line_at(match.start())))
    return spots


def _xml_spots(text: str) -> dict[str, _Spot]:
    """One pass over spdx-tools' XML: in each <packages> element, its SPDXID, the line of its first <name>
    and its license fields as written."""
    line_at = _line_table(text)
    spots: dict[str, _Spot] = {}
    current: _Spot | None = None
    spdx_id: str | None = None
    named = False
    for match in _XML_PACKAGE.finditer(text):
        closing, found_id, field_name, value = match.group(1, 2, 3, 4)
        if closing is not None:  # <packages> or </packages>
            if closing and current is not None and spdx_id is not None:
                spots.setdefault(spdx_id, current)
            current = None if closing else _Spot(line_at(match.start()))
            spdx_id, named = None, False
        elif current is None:
            continue
        elif found_id is not None:
            spdx_id = spdx_id or unescape(found_id.strip())
        elif field_name is not None:
            current.quotes.setdefault(field_name, unescape(value.strip()))
        elif not named:
            current.line, named = line_at(match.start()), True
    return spots


def _line_table(text: str) -> Callable[[int], int]:
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    return lambda offset: bisect_right(starts, offset)


def _rdf_document(text: str) -> Document:
    from rdflib import Graph
    from spdx_tools.spdx.parser.rdf.rdf_parser import translate_graph_to_document

    graph = Graph()
    graph.parse(data=text, format="xml", publicID=RDF_BASE)
    return translate_graph_to_document(graph)


def _xml_document(text: str) -> Document:
    import xmltodict
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
    from spdx_tools.spdx.parser.xml import xml_parser

    # What spdx-tools' xml_parser.parse_from_file does after opening the file (its only entry point).
    data = xml_parser._fix_list_like_fields(xmltodict.parse(text))
    document = data.get("Document") if isinstance(data, dict) else None
    if not isinstance(document, dict):
        raise SPDXParsingError(['did not find the top level element "Document"'])
    return JsonLikeDictParser().parse(document)


def _with_document(path: str, label: str, parse: Callable[[], Document], spots: Callable[[], dict]) -> _Parsed:
    """Run spdx-tools; whatever it raises on a bad document becomes one problem naming the file."""
    from spdx_tools.spdx.parser.error import SPDXParsingError

    try:
        document = parse()
    except SPDXParsingError as exc:
        messages = list(dict.fromkeys(_clean(m) for m in exc.get_messages() if isinstance(m, str))) or ["no reason given"]
        shown = "; ".join(messages[:MAX_MESSAGES])
        more = f" (and {len(messages) - MAX_MESSAGES} more)" if len(messages) > MAX_MESSAGES else ""
        message = f"is not a valid SPDX {label} document: {shown}{more}"
        return _Parsed(problem=InputProblem(Location(path, _error_line(messages, spots)), message, NAME))
    except Exception as exc:  # noqa: BLE001 - spdx-tools/rdflib raise anything on wrongly typed input
        reason = _clean(f"{type(exc).__name__}: {exc}")
        return _Parsed(problem=InputProblem(Location(path), f"is not a valid SPDX {label} document ({reason})", NAME))
    return _Parsed(document, spots())


def _error_line(messages: list[str], spots: Callable[[], dict]) -> int | None:
    """The line spdx-tools names (tag-value), or the line of the package whose license it could not parse."""
    for message in messages:
        if (found := _TAG_LINE.search(message)) is not None:
            return int(found.group(1))
    bad = next((m.group(1) for m in map(_BAD_EXPRESSION.search, messages) if m), None)
    if bad is None:
        return None
    try:
        where = spots()
    except Exception:  # noqa: BLE001 - positions are a convenience; the document is already known to be bad
        return None
    return next((spot.line for spot in where.values() if bad in spot.quotes.values()), None)


def _clean(message: str) -> str:
    """spdx-tools' messages, without the type-checker's internals and list wrappers."""
    message = " ".join(message.split())
    wrapped = _WRAPPED.match(message)
    if wrapped:
        message = f"{wrapped.group(1)}: {_ITEM_SEPARATOR.sub('; ', wrapped.group(2)).strip(chr(39) + chr(34))}"
    message = _TYPE_ERROR.sub(lambda m: f"{m.group(1)}.{m.group(2)} has the wrong type ({m.group(3)})", message)
    return message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS] + "..."


# ---- the document's packages as components --------------------------------------------------------

class _DocumentReader:
    def __init__(self, path: str, document: Document, spots: dict[str, _Spot]):
        self.path = path
        self.document = document
        self.spots = spots
        self.problems: list[InputProblem] = []
        self.extracted = {i.license_id: i for i in document.extracted_licensing_info if i.license_id}
        self.texts: dict[str, VendorText | None] = {}
        self.names = {p.spdx_id: p.name for p in document.packages}
        self.described: set[str] = set()
        self.direct: set[str] = set()  # what a described package depends on directly
        self.depends: dict[str, list[str]] = {}
        self.marks: dict[str, set[Scope]] = {}
        self._relationships()

    def _relationships(self) -> None:
        document_id = self.document.creation_info.spdx_id
        relationships = [(r.spdx_element_id, r.relationship_type.name, r.related_spdx_element_id)
                         for r in self.document.relationships]
        for subject, kind, other in relationships:
            if kind == "DESCRIBES" and subject == document_id:
                self.described.add(other)
            elif kind == "DESCRIBED_BY" and other == document_id:
                self.described.add(subject)
        for subject, kind, other in relationships:
            if not isinstance(other, str):
                continue  # NONE / NOASSERTION as the related element
            if kind == "DEPENDS_ON":
                dependency, dependent = other, subject
            elif kind in DEPENDENCY_OF:
                dependency, dependent = subject, other
            else:
                dependency, dependent = subject, None
            if dependent is not None:
                self.depends.setdefault(dependent, []).append(dependency)
            if kind in RELATION_SCOPE:
                self.marks.setdefault(dependency, set()).add(RELATION_SCOPE[kind])
            elif dependent in self.described:
                # the application itself depends on it, without saying for what: shipped
                self.marks.setdefault(dependency, set()).add(Scope.RUNTIME)
            if dependent in self.described:
                self.direct.add(dependency)

    def read(self) -> SourceResult:
        components = []
        for package in self.document.packages:
            component = self._component(package)
            if component is not None:
                components.append(component)
        return SourceResult(components=tuple(components), problems=tuple(self.problems))

    def _component(self, package) -> Component | None:
        spot = self.spots.get(package.spdx_id) or _Spot(None)
        location = Location(self.path, spot.line)
        described = package.spdx_id in self.described
        license_ = self._license(package, location, spot.quotes)
        if described and package.spdx_id.startswith("SPDXRef-DocumentRoot-") and license_.expression is None:
            return None  # syft's stand-in for the scanned directory or image: no statement about the delivery
        raw_purl = next((r.locator for r in package.external_references if r.reference_type == "purl"), None)
        identity = identify(raw_purl, package.name, package.version)
        if identity.problem:
            self.problems.append(InputProblem(location, f"package {package.name!r}: {identity.problem}", NAME))
        if identity.notes:
            license_ = replace(license_, notes=(*license_.notes, *identity.notes))
        digests = ((SPDX_HASH_ORDER[c.algorithm.name], c.value) for c in package.checksums if c.algorithm.name in SPDX_HASH_ORDER)
        marks = self.marks.get(package.spdx_id)
        return Component(
            key=identity.key,
            name=package.name,
            version=package.version,
            ecosystem=identity.ecosystem,
            role=Role.APPLICATION if described else Role.DEPENDENCY,
            scope=min(marks, key=SCOPE_RANK.__getitem__) if marks and not described else Scope.RUNTIME,
            license=license_,
            location=location,
            root="." if described else None,
            purl=identity.purl,
            direct=None if described or not self.direct else package.spdx_id in self.direct,
            integrity=integrity(digests),
            dependencies=tuple(dict.fromkeys(self.names[d] for d in self.depends.get(package.spdx_id, ()) if d in self.names)),
            sources=(NAME,),
        )

    def _license(self, package, location: Location, quotes: dict[str, str]) -> LicenseConclusion:
        declared, concluded = package.license_declared, package.license_concluded
        chosen = next(
            ((name, value) for name, value in (("licenseDeclared", declared), ("licenseConcluded", concluded))
             if isinstance(value, LicenseExpression)),
            None,
        )
        if chosen is None:
            evidence = Evidence(EvidenceKind.SBOM, location, quotes.get("licenseDeclared") or _word(declared), "SPDX licenseDeclared")
            return LicenseConclusion(None, (evidence,), notes=(_no_assertion(declared),))
        name, value = chosen
        evidence = Evidence(EvidenceKind.SBOM, location, quotes.get(name) or str(value), f"SPDX {name}")
        notes = () if name == "licenseDeclared" else (f"the SBOM's licenseDeclared is {_word(declared)}; its licenseConcluded is used",)
        conclusion = stated(str(value), evidence, texts=self._text, notes=notes)
        if name == "licenseDeclared" and isinstance(concluded, LicenseExpression):
            other = stated(str(concluded), evidence, texts=self._text)
            if other.expression != conclusion.expression:
                conflict = (f"the SBOM declares {conclusion.expression} (licenseDeclared) but concludes "
                            f"{other.expression} (licenseConcluded) ({location})")
                conclusion = replace(conclusion, conflicts=(conflict,))
        return conclusion

    def _text(self, ref: str) -> VendorText | None:
        """The document's extracted text for a LicenseRef, identified once per document."""
        if ref not in self.texts:
            info = self.extracted.get(ref)
            if info is None or not isinstance(info.extracted_text, str):
                self.texts[ref] = None
            else:
                label = f"{ref} ({info.license_name})" if isinstance(info.license_name, str) else ref
                self.texts[ref] = identify_text(label, info.extracted_text, f"{self.path}#{ref}")
        return self.texts[ref]


def _word(value: object) -> str:
    from spdx_tools.spdx.model import SpdxNoAssertion, SpdxNone

    if isinstance(value, SpdxNoAssertion):
        return "NOASSERTION"
    if isinstance(value, SpdxNone):
        return "NONE"
    return "missing" if value is None else str(value)


def _no_assertion(declared: object) -> str:
    from spdx_tools.spdx.model import SpdxNoAssertion, SpdxNone

    if isinstance(declared, SpdxNone):
        return "the SBOM makes no assertion of a license: licenseDeclared is NONE (the vendor found none declared)"
    if isinstance(declared, SpdxNoAssertion):
        return "the SBOM makes no assertion about the license (licenseDeclared: NOASSERTION)"
    return "the SBOM makes no assertion about the license (no licenseDeclared or licenseConcluded)"
