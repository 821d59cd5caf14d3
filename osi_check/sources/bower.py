"""Bower (legacy front-end packages): the project's bower.json and the packages bower installed.

Only files are read; bower is never run. Bower has no lockfile: bower.json lists requirements (ranges,
not versions) and records no licenses for them, while each installed package folder holds the
package's own bower.json plus the `.bower.json` bower writes on install (with `_source`, `_release`
and `_resolution`: where it came from and which version). So:

- a project's bower.json is the project itself (role APPLICATION, root its folder);
- each installed package (".bower.json", or a bower.json directly in "bower_components/<name>/") is a
  component with its version and license, rooted at its folder; its scope and directness come from
  the project's bower.json above "bower_components/", when there is one;
- a requirement of bower.json that is not installed is still a component (version None, license None:
  bower.json does not record it), so a requirement is never silently dropped.

purls: bower has no purl type, so a package fetched from GitHub is pkg:github/<owner>/<repo>@<tag>
and anything else pkg:generic/<name>@<version>.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

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
from osi_check.sources._lockfile import (
    JsonText,
    in_tree,
    normalize,
    normalize_choice,
    not_a_license,
    purl_part,
    raw_json,
    relative_dir,
)
from osi_check.sources._package_license import undeclared
from osi_check.tree import InputError, Tree, TreeFile

MANIFEST = "bower.json"
INSTALLED = ".bower.json"
COMPONENTS_DIR = "bower_components"
MAX_BYTES = 1024 * 1024
REQUIREMENT_FIELDS = (("dependencies", Scope.RUNTIME), ("devDependencies", Scope.DEV))
NOT_RECORDED = "bower.json does not record dependency licenses"
ARRAY_NOTE = "bower license array read as a choice"
NO_LICENSE = "no license declared"
# Folders whose bower.json files belong to packages of other package managers.
_FOREIGN = frozenset({"node_modules", "vendor"})
_GITHUB_URL = re.compile(r"github\.com[/:]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?(?:[#?].*)?$")
_GITHUB_SHORTHAND = re.compile(r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?:#.*)?")


class BowerSource(Reader):
    name = "bower"
    examples = ("bower.json", "bower_components/jquery/.bower.json", "bower_components/jquery/bower.json")

    def handles(self, file: TreeFile) -> bool:
        if file.name not in (MANIFEST, INSTALLED):
            return False
        parts = file.dir_parts
        if _FOREIGN.intersection(parts):
            return False
        if file.name == INSTALLED:
            return file.parent != "."  # an installed package has a folder of its own
        # a bower.json inside bower_components/ is an installed package's only if directly in its folder
        return COMPONENTS_DIR not in parts or (len(parts) >= 2 and parts[-2] == COMPONENTS_DIR)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        installed = file.name == INSTALLED or PurePosixPath(file.parent).parent.name == COMPONENTS_DIR
        if file.name == MANIFEST and tree.exists(_beside(file, INSTALLED)):
            return SourceResult()  # an installed package: its .bower.json says more and is read instead
        try:
            text = tree.read_text(file.path, MAX_BYTES, strict_utf8=True)
        except InputError as err:
            return self.problem(err)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"is not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})"
            return _only(Location(file.path, exc.lineno), message)
        except (ValueError, RecursionError) as exc:
            return _only(Location(file.path), f"is not valid JSON: {exc}")
        if not isinstance(data, dict):
            return _only(Location(file.path, 1), "the top level is not a JSON object")
        raw = JsonText(text)
        if installed:
            return _Installed(tree, file, data, raw).read()
        return _Project(tree, file, data, raw).read()


class _Read:
    """What both kinds of bower.json share: locations, the license field, problems."""

    def __init__(self, tree: Tree, file: TreeFile, data: dict, raw: JsonText):
        self.tree = tree
        self.file = file
        self.data = data
        self.spots = raw.spots()
        self.raw = raw
        self.problems: list[InputProblem] = []

    def line(self, *keys: str) -> int:
        return next((self.spots[k].line for k in keys if k in self.spots), 1)

    def license(self, location: Location, fallback_dir: str | None) -> LicenseConclusion:
        value = self.data.get("license")
        if value in (None, "", []):
            if fallback_dir is not None:
                return undeclared(self.tree, fallback_dir, NO_LICENSE)
            return LicenseConclusion(None, notes=(f"{self.file.name} declares no license",))
        detail = f"{self.file.name} license field"
        if isinstance(value, str):
            normalized = normalize(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            normalized = normalize_choice(tuple(value))
            normalized = type(normalized)(normalized.expression, normalized.unknown, normalized.notes + (ARRAY_NOTE,),
                                          normalized.confident)
            detail += " (array, read as a choice)"
        else:
            normalized = not_a_license(value)
            self.problem(location, f"the license value {raw_json(value)} is not a license string; it is unknown")
        evidence = Evidence(EvidenceKind.DECLARED, location, raw_json(value), detail)
        if normalized.expression is None:
            return LicenseConclusion(None, (evidence,), notes=(*normalized.notes, NO_LICENSE))
        return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes,
                                 normalized.confident)

    def string(self, key: str) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) and value.strip() else None

    def problem(self, location: Location, message: str) -> None:
        self.problems.append(InputProblem(location, message, BowerSource.name))


class _Installed(_Read):
    """An installed package: bower_components/<name>/.bower.json (or its bower.json)."""

    def read(self) -> SourceResult:
        folder = self.file.parent
        name = self.string("name") or PurePosixPath(folder).name
        version = self.string("version") or self.string("_release")
        location = Location(self.file.path, self.line("license", "name"))
        scope, direct = self._requirement_of_project(PurePosixPath(folder).name)
        if isinstance(self.data.get("_direct"), bool):
            direct = self.data["_direct"]  # bower records whether the project itself asked for it
        purl = _installed_purl(name, version, self.data)
        component = Component(
            key=purl,
            name=name,
            version=version,
            ecosystem="bower",
            role=Role.DEPENDENCY,
            scope=scope,
            license=self.license(location, folder),
            location=location,
            root=folder,
            purl=purl,
            direct=direct,
            dependencies=_names(self.data.get("dependencies")),
        )
        return SourceResult(components=(component,), problems=tuple(self.problems))

    def _requirement_of_project(self, folder_name: str) -> tuple[Scope, bool | None]:
        """How the project's bower.json above bower_components/ asks for this package, if it can be read."""
        container = PurePosixPath(self.file.parent).parent
        if container.name != COMPONENTS_DIR:
            return Scope.RUNTIME, None
        project = container.parent.as_posix()
        manifest = MANIFEST if project == "." else f"{project}/{MANIFEST}"
        if not self.tree.exists(manifest):
            return Scope.RUNTIME, None
        try:
            data = json.loads(self.tree.read_text(manifest, MAX_BYTES, strict_utf8=True))
        except (InputError, ValueError, RecursionError):
            return Scope.RUNTIME, None  # reported when that bower.json is read itself
        if not isinstance(data, dict):
            return Scope.RUNTIME, None
        for field, scope in REQUIREMENT_FIELDS:
            requirements = data.get(field)
            if isinstance(requirements, dict) and folder_name in requirements:
                return scope, True
        return Scope.RUNTIME, False


class _Project(_Read):
    """The project's own bower.json: the application, and its requirements that are not installed."""

    def read(self) -> SourceResult:
        folder = self.file.parent
        location = Location(self.file.path, self.line("license", "name"))
        name = self.string("name") or (self.tree.root.name if folder == "." else PurePosixPath(folder).name)
        components = [
            Component(
                key=f"application:{folder}",
                name=name,
                version=self.string("version"),
                ecosystem="bower",
                role=Role.APPLICATION,
                scope=Scope.RUNTIME,
                license=self.license(location, None),
                location=location,
                root=folder,
                dependencies=tuple(n for field, _ in REQUIREMENT_FIELDS for n in _names(self.data.get(field))),
            )
        ]
        directory = self._components_dir()
        for field, scope in REQUIREMENT_FIELDS:
            components.extend(self._requirements(field, scope, directory))
        return SourceResult(components=tuple(components), problems=tuple(self.problems))

    def _components_dir(self) -> str | None:
        """Where bower installs this project's packages: .bowerrc's "directory", else bower_components/."""
        folder = self.file.parent
        bowerrc = in_tree(folder, ".bowerrc")
        directory = COMPONENTS_DIR
        if bowerrc is not None and self.tree.exists(bowerrc):
            try:
                settings = json.loads(self.tree.read_text(bowerrc, MAX_BYTES, strict_utf8=True))
            except (InputError, ValueError, RecursionError):
                settings = None
            value = settings.get("directory") if isinstance(settings, dict) else None
            if isinstance(value, str) and value.strip():
                directory = relative_dir(value)
        return in_tree(folder, directory) if directory else None

    def _requirements(self, field: str, scope: Scope, directory: str | None) -> list[Component]:
        requirements = self.data.get(field)
        if requirements is None:
            return []
        if not isinstance(requirements, dict):
            self.problem(Location(self.file.path, self.line(field)), f"'{field}' is not a JSON object; it was not read")
            return []
        lines = self.raw.spots(self.spots[field].offset)
        out = []
        for name, spec in requirements.items():
            install = in_tree(directory, name) if directory and "/" not in name else None
            if install is not None and any(self.tree.exists(f"{install}/{n}") for n in (INSTALLED, MANIFEST)):
                continue  # installed: the installed package is the component
            location = Location(self.file.path, lines[name].line if name in lines else None)
            purl = _requirement_purl(name, spec)
            where = f" in {directory}/" if directory else ""
            out.append(Component(
                key=purl,
                name=name,
                version=None,
                ecosystem="bower",
                role=Role.DEPENDENCY,
                scope=scope,
                license=LicenseConclusion(
                    None, notes=(NOT_RECORDED, f"required as {raw_json(spec)} but not installed{where}")
                ),
                location=location,
                purl=purl,
                direct=True,
            ))
        return out


def _installed_purl(name: str, version: str | None, data: dict) -> str:
    """pkg:github/<owner>/<repo>@<tag> when bower fetched it from GitHub, else pkg:generic/<name>@<version>."""
    source = data.get("_source")
    match = _GITHUB_URL.search(source) if isinstance(source, str) else None
    resolution = data.get("_resolution")
    tag = resolution.get("tag") if isinstance(resolution, dict) else None
    if match:
        release = tag if isinstance(tag, str) and tag else version
        return _github(match.group(1), match.group(2), release)
    return _generic(name, version)


def _requirement_purl(name: str, spec: object) -> str:
    """The purl of a requirement (no version: bower.json holds a range): GitHub when its source says so."""
    if isinstance(spec, str):
        match = _GITHUB_URL.search(spec) if "github.com" in spec else _GITHUB_SHORTHAND.fullmatch(spec.strip())
        if match:
            return _github(match.group(1), match.group(2), None)
    return _generic(name, None)


def _github(owner: str, repo: str, version: str | None) -> str:
    # GitHub names are case-insensitive: the purl spec asks for them in lower case
    base = f"pkg:github/{purl_part(owner.lower())}/{purl_part(repo.lower())}"
    return base + (f"@{purl_part(version)}" if version else "")


def _generic(name: str, version: str | None) -> str:
    return f"pkg:generic/{purl_part(name)}" + (f"@{purl_part(version)}" if version else "")


def _names(value: object) -> tuple[str, ...]:
    return tuple(name for name in value if name) if isinstance(value, dict) else ()


def _beside(file: TreeFile, name: str) -> str:
    return name if file.parent == "." else f"{file.parent}/{name}"


def _only(location: Location, message: str) -> SourceResult:
    return SourceResult(problems=(InputProblem(location, message, BowerSource.name),))
