"""SuiteCRM / SugarCRM module-loader packages: one component per `manifest.php`.

A module-loader package is a zip with `manifest.php` at its root, defining `$manifest = array(...)`
(name, version, author, acceptable_sugar_versions, type, ...) and `$installdefs` (what to copy where).
The manifest is PHP from the scanned tree, hostile input: it is never run. `_php` reads the array
literal statically; a value that is not a literal (`'name' => system('touch PWNED')`, a constant, a
variable) is not evaluated and is reported, and the module is still listed with what could be read.

Module-loader manifests have no standard license key. Some packages add `'license' => '...'`; most
ship a LICENSE.txt beside the manifest, which the module loader shows before installing. The key wins,
then the license file; without either the license is unknown (None), never assumed.

Only files named exactly `manifest.php` that mention `$manifest` are read; any other manifest.php (or
one that never assigns `$manifest`) is not this format and gives an empty result, not a problem. (The
module loader also keeps a copy of each uploaded package's manifest as
upload/upgrades/module/<package>-manifest.php; those copies are not read: they have no directory of
their own, and the installed module's files are elsewhere.)
"""

from __future__ import annotations

from pathlib import PurePosixPath

from osi_check.facts import Component, InputProblem, LicenseConclusion, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources import _module
from osi_check.sources._php import Assignment, PhpArray, PhpSyntaxError, Unknown, read_assignment
from osi_check.tree import InputError, Tree, TreeFile

MARKER = b"$manifest"
NOT_EVALUATED = "which osi-check does not evaluate (manifests are read, never executed)"


class SuiteCrmManifestSource(Reader):
    name = "suitecrm-manifest"
    examples = ("manifest.php", "custom/packages/aos-quotes/manifest.php")

    def handles(self, file: TreeFile) -> bool:
        return file.path == "manifest.php" or file.path.endswith("/manifest.php")

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            data = tree.read_bytes(file.path, _module.MANIFEST_BYTES)
        except InputError as err:
            return self.problem(err)
        if MARKER not in data:
            return SourceResult()
        if b"\x00" in data:
            return self._only(Location(file.path), "is binary (contains NUL bytes); the module was not read")
        try:
            manifest = read_assignment(_module.decode(data), "manifest")
        except PhpSyntaxError as err:
            message = f"is not valid PHP ({err.message}); the module was not read"
            return self._only(Location(file.path, err.line), message)
        except RecursionError:
            return self._only(Location(file.path), "is nested too deeply to be read; the module was not read")
        if manifest is None:
            return SourceResult()  # mentions $manifest but never assigns it: not a module-loader manifest
        if not isinstance(manifest.value, PhpArray):
            what = manifest.value.describe() if isinstance(manifest.value, Unknown) else f"'{manifest.source}'"
            message = f"$manifest is not an array literal but {what}; the module was not read"
            return self._only(Location(file.path, manifest.line), message)
        return _Module(tree, file, manifest).read()

    def _only(self, location: Location, message: str) -> SourceResult:
        return SourceResult(problems=(InputProblem(location, message, self.name),))


class _Module:
    """Turns one literal `$manifest` array into a component, collecting problems about its values."""

    def __init__(self, tree: Tree, file: TreeFile, manifest: Assignment):
        self.tree = tree
        self.file = file
        self.array: PhpArray = manifest.value
        self.line = manifest.line
        self.problems: list[InputProblem] = []

    def read(self) -> SourceResult:
        directory = self.file.parent
        name = self._name()
        version = self._version()
        license_, location = self._license()
        key = _module.generic_purl("suitecrm", name, version) if name else f"suitecrm:{directory}"
        component = Component(
            key=key,
            name=name or _dir_name(self.tree, directory),
            version=version,
            ecosystem="suitecrm",
            role=Role.MODULE,
            scope=Scope.RUNTIME,
            license=license_,
            location=location,
            root=directory,
            purl=key if name else None,
            dependencies=self._dependencies(),
        )
        return SourceResult(components=(component,), problems=_module.one_problem(self.problems))

    def _name(self) -> str | None:
        entry = self.array.entries.get("name")
        if entry is None:
            return None
        if isinstance(entry.value, str) and entry.value.strip():
            return entry.value.strip()
        if isinstance(entry.value, Unknown):
            what = f"is {entry.value.describe()}, {NOT_EVALUATED}"
        else:
            what = f"({entry.source}) is not a name"
        self._problem(entry.line, f"the 'name' value {what}; the module is named after its directory")
        return None

    def _version(self) -> str | None:
        value = self.array.get("version")
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return None

    def _license(self) -> tuple[LicenseConclusion, Location]:
        entry = self.array.entries.get("license")
        if entry is not None and not (isinstance(entry.value, str) and not entry.value.strip()):
            location = Location(self.file.path, entry.line)
            detail = "SuiteCRM manifest.php 'license' value"
            if isinstance(entry.value, str):
                return _module.declared(entry.value, location, entry.source, detail), location
            if isinstance(entry.value, Unknown):
                note = f"the 'license' value is {entry.value.describe()}, {NOT_EVALUATED}"
            else:
                note = f"the 'license' value {entry.source} is not a license string"
            self._problem(entry.line, f"{note}; the module's license is unknown")
            return _module.not_readable(entry.source, location, detail, note), location
        location = Location(self.file.path, self.line)
        found, problem = _module.license_beside(self.tree, self.file.parent, SuiteCrmManifestSource.name)
        if problem:
            self.problems.append(problem)
        return (found or _module.undeclared()), location

    def _dependencies(self) -> tuple[str, ...]:
        """`'dependencies' => array(array('id_name' => 'other_module', 'version' => '1.0'), ...)`."""
        listed = self.array.get("dependencies")
        if not isinstance(listed, PhpArray):
            return ()
        names = (d.get("id_name") for d in listed.values() if isinstance(d, PhpArray))
        return tuple(dict.fromkeys(n for n in names if isinstance(n, str) and n))

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(InputProblem(Location(self.file.path, line), message, SuiteCrmManifestSource.name))


def _dir_name(tree: Tree, directory: str) -> str:
    return tree.root.name if directory == "." else PurePosixPath(directory).name
