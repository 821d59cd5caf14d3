"""Maven (Java): pom.xml, the project's modules and their declared dependencies; poms of packaged libraries.

Only the XML is read (through defusedxml: no DTD entities, no external references, so an XXE or a
"billion laughs" pom is one problem, never an expansion); Maven is never run, so nothing is downloaded
and the effective POM is not computed. What a single pom says is read:

- its coordinates (groupId and version inherited from <parent> when missing, as Maven does);
- its <licenses>. The POM reference defines several <license> entries as a choice: "If multiple licenses
  are listed, it is assumed that the user can select any of them, not that they must accept all"
  (https://maven.apache.org/ref/3.6.3/maven-model/maven.html#project, `licenses`), so they are joined
  with OR. A pom without <licenses> inherits its parent's, which is read when the parent pom is
  in the tree (<relativePath>, by default ../pom.xml);
- its <dependencies>, as components: scope compile/runtime -> runtime, test -> test, provided/system ->
  dev (the container or the system supplies the jar: it is not shipped with the application),
  <optional>true</optional> -> optional. `${...}` versions are resolved from this pom's <properties>
  and project coordinates only; a version set by a parent or an imported BOM stays unknown, with a note.

A pom at a project (or module) directory is the project's own code (APPLICATION, root = its directory).
A pom packaged inside a library (META-INF/maven/<groupId>/<artifactId>/pom.xml of an unpacked jar) or
in a repository layout (<artifactId>-<version>.pom, ~/.m2) describes a dependency: its <licenses> are
that library's, its dependencies only names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

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
from osi_check.sources._lockfile import in_tree, purl_part
from osi_check.tree import InputError, Tree, TreeFile

ECOSYSTEM = "maven"
MAX_BYTES = 8 * 1024 * 1024
MAX_PARENTS = 8  # how far up an in-tree parent chain licenses are looked for
_PROPERTY = re.compile(r"\$\{([^}]*)\}")

CHOICE_NOTE = (
    "several <license> entries: a choice (OR), as the Maven POM reference defines "
    "(\"the user can select any of them\")"
)
NO_DEPENDENCY_LICENSE = "a pom does not record the licenses of its dependencies"
SCOPES = {
    "compile": Scope.RUNTIME,
    "runtime": Scope.RUNTIME,
    "test": Scope.TEST,
    "provided": Scope.DEV,
    "system": Scope.DEV,
}
SCOPE_NOTES = {
    "provided": "scope 'provided': supplied by the runtime container (e.g. the servlet container), "
    "not shipped with the application",
    "system": "scope 'system': a jar supplied by the system (<systemPath>), not shipped with the application",
}


class MavenPomSource(Reader):
    name = "maven"
    examples = (
        "pom.xml",
        "crm-core/pom.xml",
        "lib/logback-classic-1.5.6/META-INF/maven/ch.qos.logback/logback-classic/pom.xml",
        "repository/org/postgresql/postgresql/42.7.3/postgresql-42.7.3.pom",
    )

    def handles(self, file: TreeFile) -> bool:
        if file.name == "pom.xml":
            parts = file.dir_parts
            # target/classes/META-INF/maven/... and WEB-INF/classes/META-INF/maven/... are the build's
            # copy of the project's own pom, already read where it is written; src/test and src/it hold
            # test projects (Maven plugins' fixtures), not modules of this project.
            pairs = {parts[i : i + 2] for i in range(len(parts) - 1)}
            return not pairs & {("classes", "META-INF"), ("src", "test"), ("src", "it")}
        return file.name.endswith(".pom") and len(file.name) > len(".pom")

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        pom = _load(tree, file.path)
        if isinstance(pom, InputProblem):
            return SourceResult(problems=(pom,))
        return _PomReader(tree, file, pom).read()


@dataclass(frozen=True)
class _Pom:
    """A parsed pom: its root element, the namespace its elements use, and the line of each element."""

    path: str
    root: Element
    ns: str
    lines: dict[int, int]  # id(element) -> 1-based line of its start tag

    def child(self, element: Element | None, name: str) -> Element | None:
        return None if element is None else element.find(self.ns + name)

    def children(self, element: Element | None, name: str) -> list[Element]:
        return [] if element is None else element.findall(self.ns + name)

    def text(self, element: Element | None, name: str) -> str | None:
        found = self.child(element, name)
        if found is None or found.text is None:
            return None
        return found.text.strip() or None

    def line(self, element: Element | None) -> int | None:
        return None if element is None else self.lines.get(id(element))


class _LineTreeBuilder(TreeBuilder):
    """A tree builder that remembers the line where each element starts (for locations)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[int, int] = {}  # by id(): the elements live as long as the tree that holds them

    def start(self, tag, attrs):  # noqa: ANN001 - TreeBuilder's signature
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _load(tree: Tree, path: str) -> _Pom | InputProblem:
    """Parse a pom safely; any failure is one problem naming the file (and line when known)."""
    try:
        data = tree.read_bytes(path, MAX_BYTES)
    except InputError as err:
        return InputProblem(Location(err.path, err.line), err.message, MavenPomSource.name)
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        return _problem(path, line, f"is not well-formed XML ({exc}); not read")
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber or None
        return _problem(path, line, f"declares XML entities or external references ({type(exc).__name__}), which "
                                    "osi-check never expands (XXE, entity expansion); not read")
    except (ValueError, RecursionError, MemoryError) as exc:
        return _problem(path, None, f"could not be parsed as XML ({type(exc).__name__}); not read")
    tag = root.tag if isinstance(root.tag, str) else ""
    ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    if tag[len(ns):] != "project":
        return _problem(path, builder.lines.get(id(root)), f"the root element is <{tag[len(ns):]}>, not <project>: "
                                                           "not a Maven POM")
    return _Pom(path, root, ns, builder.lines)


class _PomReader:
    """Turns one parsed pom into its own component and its dependencies' components."""

    def __init__(self, tree: Tree, file: TreeFile, pom: _Pom):
        self.tree = tree
        self.file = file
        self.pom = pom
        self.problems: list[InputProblem] = []
        self.properties = self._properties()

    def read(self) -> SourceResult:
        pom, project = self.pom, self.pom.root
        parent = pom.child(project, "parent")
        artifact = pom.text(project, "artifactId")
        if artifact is None:
            message = "has no <artifactId>: not a usable Maven POM; not read"
            problem = _problem(self.file.path, pom.line(project), message)
            return SourceResult(problems=(problem,))
        group = pom.text(project, "groupId") or pom.text(parent, "groupId")
        raw_version = pom.text(project, "version") or pom.text(parent, "version")
        notes: list[str] = []
        version = self._resolve(raw_version, "version", notes)
        group_id = self._resolve(group, "groupId", notes)
        coordinates = f"{group_id or '?'}:{artifact}"
        application = self._is_application()
        location = Location(self.file.path, pom.line(pom.child(project, "licenses")) or pom.line(project))
        license_ = self._license(project, notes)
        dependencies = self._dependencies(project) if application else []
        key = _purl(group_id, artifact, version)
        component = Component(
            key=key,
            name=coordinates,
            version=version,
            ecosystem=ECOSYSTEM,
            role=Role.APPLICATION if application else Role.DEPENDENCY,
            scope=Scope.RUNTIME,
            license=license_,
            location=location,
            root=self.file.parent if application else None,
            purl=key if group_id else None,
            dependencies=self._dependency_names(project),
        )
        return SourceResult(components=(component, *dependencies), problems=tuple(self.problems))

    def _is_application(self) -> bool:
        parts = PurePosixPath(self.file.path).parts
        return self.file.name == "pom.xml" and "META-INF" not in parts and ".m2" not in parts

    # -- properties ---------------------------------------------------------------------------------

    def _properties(self) -> dict[str, str]:
        pom, project = self.pom, self.pom.root
        values: dict[str, str] = {}
        block = pom.child(project, "properties")
        for element in list(block) if block is not None else ():
            if isinstance(element.tag, str):
                values[element.tag[len(pom.ns):] if element.tag.startswith(pom.ns) else element.tag] = (
                    (element.text or "").strip()
                )
        parent = pom.child(project, "parent")
        builtins = {
            "project.groupId": pom.text(project, "groupId") or pom.text(parent, "groupId"),
            "project.artifactId": pom.text(project, "artifactId"),
            "project.version": pom.text(project, "version") or pom.text(parent, "version"),
            "project.parent.groupId": pom.text(parent, "groupId"),
            "project.parent.artifactId": pom.text(parent, "artifactId"),
            "project.parent.version": pom.text(parent, "version"),
        }
        for name, value in list(builtins.items()):
            if value is not None:
                values.setdefault(name, value)
                values.setdefault("pom." + name.removeprefix("project."), value)  # Maven 2 spelling
        return values

    def _resolve(self, value: str | None, field: str, notes: list[str]) -> str | None:
        """`value` with its ${...} references replaced from this pom; None (and a note) if any is unknown."""
        if value is None or "${" not in value:
            return value
        current = value
        for _ in range(10):  # properties may refer to properties; a cycle stops here
            if "${" not in current:
                return current
            current = _PROPERTY.sub(lambda m: self.properties.get(m.group(1), m.group(0)), current)
            if all(m.group(1) not in self.properties for m in _PROPERTY.finditer(current)):
                break
        if "${" not in current:
            return current
        missing = ", ".join(dict.fromkeys(f"${{{m.group(1)}}}" for m in _PROPERTY.finditer(current)))
        notes.append(f"{field} '{value}' uses {missing}, not defined in this pom (a parent pom or the build sets it); "
                     "not resolved")
        return None

    # -- licenses -----------------------------------------------------------------------------------

    def _license(self, project: Element, notes: list[str]) -> LicenseConclusion:
        entries = self.pom.children(self.pom.child(project, "licenses"), "license")
        if entries:
            return _conclusion(self.pom, entries, self.file.name, notes)
        inherited = self._parent_licenses()
        if inherited is not None:
            parent_pom, parent_entries = inherited
            notes.append(f"no <licenses> in this pom: inherited from the parent pom {parent_pom.path}, as Maven does")
            return _conclusion(parent_pom, parent_entries, f"parent {parent_pom.path}", notes)
        parent = self.pom.child(project, "parent")
        if parent is not None:
            parts = (self.pom.text(parent, tag) for tag in ("groupId", "artifactId", "version"))
            coordinates = ":".join(filter(None, parts))
            notes.append(f"no <licenses> in this pom; Maven would inherit them from the parent {coordinates}, "
                         "which is not in the scanned tree")
        else:
            notes.append("the pom declares no license")
        return LicenseConclusion(None, notes=tuple(notes))

    def _parent_licenses(self) -> tuple[_Pom, list[Element]] | None:
        """The <license> entries of the nearest parent in the tree that has some (following relativePath)."""
        pom, seen = self.pom, {self.pom.path}
        for _ in range(MAX_PARENTS):
            parent = pom.child(pom.root, "parent")
            if parent is None:
                return None
            path = _parent_path(pom, parent)
            if path is None or path in seen or not self.tree.exists(path):
                return None
            seen.add(path)
            loaded = _load(self.tree, path)
            if isinstance(loaded, InputProblem):
                return None  # reported when that pom is read as a file of its own
            if loaded.text(loaded.root, "artifactId") != pom.text(parent, "artifactId"):
                return None  # relativePath points at some other pom: Maven would not use it either
            entries = loaded.children(loaded.child(loaded.root, "licenses"), "license")
            if entries:
                return loaded, entries
            pom = loaded
        return None

    # -- dependencies -------------------------------------------------------------------------------

    def _dependency_names(self, project: Element) -> tuple[str, ...]:
        names = []
        for dependency in self.pom.children(self.pom.child(project, "dependencies"), "dependency"):
            group, artifact = self.pom.text(dependency, "groupId"), self.pom.text(dependency, "artifactId")
            if group and artifact:
                names.append(f"{self._resolve(group, 'groupId', []) or group}:{artifact}")
        return tuple(dict.fromkeys(names))

    def _managed_versions(self, project: Element) -> dict[tuple[str, str], str]:
        """Versions this pom's own <dependencyManagement> sets (a parent's or a BOM's are not read)."""
        managed = {}
        block = self.pom.child(self.pom.child(project, "dependencyManagement"), "dependencies")
        for dependency in self.pom.children(block, "dependency"):
            group, artifact = self.pom.text(dependency, "groupId"), self.pom.text(dependency, "artifactId")
            version = self.pom.text(dependency, "version")
            if group and artifact and version:
                managed[(group, artifact)] = version
        return managed

    def _dependencies(self, project: Element) -> list[Component]:
        managed = self._managed_versions(project)
        components: dict[str, Component] = {}
        for dependency in self.pom.children(self.pom.child(project, "dependencies"), "dependency"):
            component = self._dependency(dependency, managed)
            if component is not None and component.key not in components:
                components[component.key] = component
        return list(components.values())

    def _dependency(self, dependency: Element, managed: dict[tuple[str, str], str]) -> Component | None:
        pom = self.pom
        location = Location(self.file.path, pom.line(dependency))
        raw_group, artifact = pom.text(dependency, "groupId"), pom.text(dependency, "artifactId")
        if not raw_group or not artifact:
            self.problems.append(InputProblem(location, "a <dependency> without <groupId> or <artifactId>; it was "
                                                        "skipped", MavenPomSource.name))
            return None
        notes: list[str] = [NO_DEPENDENCY_LICENSE]
        group = self._resolve(raw_group, "groupId", notes) or raw_group
        raw_version = pom.text(dependency, "version") or managed.get((raw_group, artifact))
        if raw_version is None:
            notes.append("no <version>: it is managed by a parent pom or an imported BOM, which osi-check does not "
                         "resolve")
        version = self._resolve(raw_version, "version", notes)
        scope_name = (self._resolve(pom.text(dependency, "scope"), "scope", notes) or "compile").lower()
        scope = SCOPES.get(scope_name)
        if scope is None:
            notes.append(f"unknown scope '{scope_name}': taken as runtime")
            scope = Scope.RUNTIME
        if scope_name in SCOPE_NOTES:
            notes.append(SCOPE_NOTES[scope_name])
        optional = (self._resolve(pom.text(dependency, "optional"), "optional", notes) or "").lower() == "true"
        if optional and scope is Scope.RUNTIME:
            scope = Scope.OPTIONAL
            notes.append("<optional>true</optional>: not passed on to projects that depend on this one")
        key = _purl(group, artifact, version)
        return Component(
            key=key,
            name=f"{group}:{artifact}",
            version=version,
            ecosystem=ECOSYSTEM,
            role=Role.DEPENDENCY,
            scope=scope,
            license=LicenseConclusion(None, notes=tuple(notes)),
            location=location,
            purl=key,
            direct=True,
        )


def _conclusion(pom: _Pom, entries: list[Element], source: str, notes: list[str]) -> LicenseConclusion:
    """The license of a pom's <license> entries: each by its <name>, else its <url>; several are a choice."""
    evidence, parts = [], []
    for entry in entries:
        name, url = pom.text(entry, "name"), pom.text(entry, "url")
        if name is None and url is None:
            continue
        normalized, used = _normalize_entry(name, url)
        parts.append(normalized)
        if used == "url" and name is not None:
            quote, detail = url, f"{source} <license><url> (its <name> '{name}' is not a known license name)"
        else:
            quote, detail = (name if used == "name" else url), f"{source} <license><{used}>"
        evidence.append(Evidence(EvidenceKind.DECLARED, Location(pom.path, pom.line(entry)), quote, detail))
    if not parts:
        return LicenseConclusion(None, tuple(evidence), notes=(*notes, "the <licenses> entries name no license"))
    unknown = tuple(dict.fromkeys(u for p in parts for u in p.unknown))
    all_notes = [n for p in parts for n in p.notes] + notes
    if len(parts) == 1:
        return LicenseConclusion(parts[0].expression, tuple(evidence), unknown, tuple(dict.fromkeys(all_notes)))
    expression = licensing.render(licensing.parse(" OR ".join(f"({p.expression})" for p in parts)))
    return LicenseConclusion(expression, tuple(evidence), unknown, tuple(dict.fromkeys([*all_notes, CHOICE_NOTE])))


def _normalize_entry(name: str | None, url: str | None) -> tuple[licensing.Normalized, str]:
    """A <license> entry's SPDX reading, and which element gave it ("name" or "url").

    Maven license names are free text ("The Apache Software License, Version 2.0"), not SPDX expressions:
    the name is tried first, then the URL; when neither is recognised, the whole name is one unknown
    license (an SPDX parse would split "GNU LGPL v2.1 or later" at its "or").
    """
    if name is not None:
        by_name = licensing.normalize(name)
        if by_name.expression and not by_name.unknown:
            return by_name, "name"
    if url is not None:
        by_url = licensing.normalize(url)
        if by_url.expression and not by_url.unknown:
            return by_url, "url"
    raw = name if name is not None else url
    tried = f" nor its URL {url}" if name is not None and url is not None else ""
    return licensing.unknown(raw, f"the Maven license name '{raw}' is not a known license{tried}"), (
        "name" if name is not None else "url"
    )


def _parent_path(pom: _Pom, parent: Element) -> str | None:
    """The parent pom's path in the tree: <relativePath> (a directory or a file), by default ../pom.xml."""
    relative = parent.find(pom.ns + "relativePath")
    if relative is not None and not (relative.text or "").strip():
        return None  # <relativePath/>: the parent is looked up in repositories only
    rel = (relative.text or "").strip() if relative is not None else "../pom.xml"
    if not rel.endswith(".xml"):
        rel = rel.rstrip("/") + "/pom.xml"
    directory = PurePosixPath(pom.path).parent
    joined = PurePosixPath(*(directory / rel).parts)
    normal: list[str] = []
    for part in joined.parts:
        if part == "..":
            if not normal:
                return None  # outside the tree
            normal.pop()
        elif part != ".":
            normal.append(part)
    return in_tree(".", "/".join(normal)) if normal else None


def _purl(group: str | None, artifact: str, version: str | None) -> str:
    """pkg:maven/<groupId>/<artifactId>@<version> (without a groupId: pkg:maven/<artifactId>)."""
    namespace = f"{purl_part(group)}/" if group else ""
    return f"pkg:maven/{namespace}{purl_part(artifact)}" + (f"@{purl_part(version)}" if version else "")


def _problem(path: str, line: int | None, message: str) -> InputProblem:
    return InputProblem(Location(path, line), message, MavenPomSource.name)
