"""EspoCRM extension packages: one component per extension `manifest.json`.

An EspoCRM extension package is a zip with `manifest.json` (name, version, acceptableVersions, php,
releaseDate, author, description), `files/` and `scripts/`. Many other things are called
manifest.json (web-app and browser-extension manifests, build manifests), so a file is claimed only by
its content: a top-level JSON object with an `acceptableVersions` member, which EspoCRM's extension
installer requires (it checks the instance's version against it) and which no other common
manifest.json format has. A manifest.json without it is not this format and gives an empty result,
not a problem; one that mentions `acceptableVersions` but cannot be read is a problem.

(The directory layout, `files/` and `scripts/` beside the manifest, was not used as the test: the Tree
API reads files, not directories, and a source checkout of an extension often lays its files out
differently before it is packaged.)

EspoCRM manifests have no standard license key; when one is present it is used, else the license
file beside the manifest, else the license is unknown (None).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources import _module
from osi_check.sources._lockfile import JsonText, parse_json, raw_json
from osi_check.tree import InputError, Tree, TreeFile

MARKER = b'"acceptableVersions"'
DETAIL = "EspoCRM manifest.json 'license' value"


class EspoCrmExtensionSource(Reader):
    name = "espocrm-manifest"
    examples = ("manifest.json", "extensions/real-estate/manifest.json")

    def handles(self, file: TreeFile) -> bool:
        if not (file.path == "manifest.json" or file.path.endswith("/manifest.json")):
            return False
        return "node_modules" not in file.path.split("/")

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            data = tree.read_bytes(file.path, _module.MANIFEST_BYTES)
        except InputError as err:
            return self.problem(err)
        if MARKER not in data:
            return SourceResult()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            message = f"is not valid UTF-8 (byte {exc.start}); the extension was not read"
            return self._only(Location(file.path, line), message)
        parsed = parse_json(text, file.path, self.name)
        if parsed.problem:
            return SourceResult(problems=(parsed.problem,))
        manifest = parsed.value
        if not isinstance(manifest, dict):
            return self._only(Location(file.path, 1), "the top level is not a JSON object; the extension was not read")
        if "acceptableVersions" not in manifest:
            return SourceResult()  # the marker is nested or in a string: not an EspoCRM manifest
        return self._extension(tree, file, manifest, JsonText(text).spots())

    def _extension(self, tree: Tree, file: TreeFile, manifest: dict, spots: dict) -> SourceResult:
        directory = file.parent
        problems: list[InputProblem] = []
        name = manifest.get("name")
        if not (isinstance(name, str) and name.strip()):
            where = Location(file.path, spots["name"].line if "name" in spots else 1)
            what = "has no 'name'" if "name" not in manifest else f"'name' {raw_json(manifest['name'])} is not a name"
            problems.append(InputProblem(where, f"{what}; the extension is named after its directory", self.name))
            name = None
        else:
            name = name.strip()
        version = manifest.get("version")
        version = (version.strip() or None) if isinstance(version, str) else None
        # the component points at its license declaration, or at its name when it declares none
        location = Location(file.path, spots["name"].line if "name" in spots else 1)
        license_, declared_at, problem = _license(tree, file, manifest, spots)
        location = declared_at or location
        if problem:
            problems.append(problem)
        key = _module.generic_purl("espocrm", name, version) if name else f"espocrm:{directory}"
        component = Component(
            key=key,
            name=name or (tree.root.name if directory == "." else PurePosixPath(directory).name),
            version=version,
            ecosystem="espocrm",
            role=Role.MODULE,
            scope=Scope.RUNTIME,
            license=license_,
            location=location,
            root=directory,
            purl=key if name else None,
            dependencies=_dependencies(manifest.get("dependencies")),
        )
        return SourceResult(components=(component,), problems=_module.one_problem(problems))

    def _only(self, location: Location, message: str) -> SourceResult:
        return SourceResult(problems=(InputProblem(location, message, self.name),))


def _license(
    tree: Tree, file: TreeFile, manifest: dict, spots: dict
) -> tuple[LicenseConclusion, Location | None, InputProblem | None]:
    value = manifest.get("license")
    if value not in (None, ""):
        location = Location(file.path, spots["license"].line)
        if isinstance(value, str):
            return _module.declared(value, location, raw_json(value), DETAIL), location, None
        note = f"the 'license' value {raw_json(value)} is not a license string"
        problem = InputProblem(location, f"{note}; the extension's license is unknown", EspoCrmExtensionSource.name)
        return _module.not_readable(raw_json(value), location, DETAIL, note), location, problem
    found, problem = _module.license_beside(tree, file.parent, EspoCrmExtensionSource.name)
    return (found or _module.undeclared()), None, problem


def _dependencies(value: object) -> tuple[str, ...]:
    """EspoCRM's `dependencies`: {"Extension Name": ">=1.0.0"}; anything else names no dependency."""
    if not isinstance(value, dict):
        return ()
    return tuple(name for name in value if isinstance(name, str) and name)
