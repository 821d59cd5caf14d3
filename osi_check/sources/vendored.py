"""Installed composer packages' own files: `<...>/vendor/<vendor>/<package>/LICENSE` and `.../composer.json`.

A lockfile's `license` field is what the maintainer declared; the package's own license file is what
was actually delivered. Reading it gives every installed package license evidence even when no
lockfile lists it (a vendored copy), and lets a disagreement between the two be seen: the component
has the package directory as its root, the same string composer.lock and installed.json give it, so
resolve merges them; the lockfile's declaration keeps precedence and a different license text is
recorded as a conflict. Several license files in one package (LICENSE and COPYING) each give a
component with that root, and resolve merges those too.

A directory named vendor is not always composer's (front-end code keeps "assets/vendor/jquery/ui"), so a
license file is read only when its directory is a composer package: it has a composer.json, or the
vendor directory has composer's autoload.php or composer/installed.json. Anything else is not this
reader's business and gives an empty result.

The package's own composer.json is a second declaration, made by the package's maintainer in the
delivered copy: usually the same as the lock's (then it is one more piece of evidence at its own line,
as a file scanner shows it), sometimes not (a patched or re-licensed copy), which resolve then records
as a conflict. The lock keeps precedence because it says what was installed.
"""

from __future__ import annotations

from osi_check.detect.license_files import is_license_file_name, read_license_file
from osi_check.facts import Component, InputProblem, Location, Role, Scope, SourceResult
from osi_check.reader import Reader
from osi_check.sources._lockfile import JsonText, read_json_object
from osi_check.sources.composer import _manifest_license, _purl
from osi_check.tree import InputError, Tree, TreeFile

VENDOR_DIR = "vendor"
# Files that only composer puts where they are: proof that a directory holds composer packages.
_PACKAGE_MARKER = "composer.json"
_VENDOR_MARKERS = ("autoload.php", "composer/installed.json")


class VendoredPackageSource(Reader):
    name = "vendored-license"
    examples = ("vendor/acme/lib/LICENSE", "include/vendor/tecnickcom/tcpdf/LICENSE.TXT")

    def handles(self, file: TreeFile) -> bool:
        parts = file.path.split("/")
        return (
            len(parts) >= 4
            and parts[-4] == VENDOR_DIR
            and is_license_file_name(parts[-1])
            and "node_modules" not in parts
        )

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        package_dir = file.parent
        vendor_dir, vendor, package = package_dir.rsplit("/", 2)  # handles() ensures ".../vendor/<v>/<p>"
        if not _is_composer_package(tree, package_dir, vendor_dir):
            return SourceResult()
        try:
            license_ = read_license_file(tree, file.path)
        except InputError as err:
            return SourceResult(problems=(InputProblem(Location(err.path, err.line), err.message, self.name),))
        name = f"{vendor}/{package}"
        purl = _purl(name, None)
        location = license_.evidence[0].location if license_.evidence else Location(file.path)
        component = Component(
            key=purl,
            name=name,
            version=None,
            ecosystem="composer",
            role=Role.DEPENDENCY,
            scope=Scope.RUNTIME,
            license=license_,
            location=location,
            root=package_dir,
            purl=purl,
        )
        return SourceResult(components=(component,))


class VendoredManifestSource(Reader):
    name = "vendored-manifest"
    examples = ("vendor/acme/lib/composer.json", "include/vendor/tecnickcom/tcpdf/composer.json")

    def handles(self, file: TreeFile) -> bool:
        parts = file.path.split("/")
        return len(parts) >= 4 and parts[-4] == VENDOR_DIR and parts[-1] == "composer.json" and "node_modules" not in parts

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        package_dir = file.parent
        vendor, package = package_dir.rsplit("/", 2)[1:]
        manifest = read_json_object(tree, file, self.name)
        if manifest.problem:
            return SourceResult(problems=(manifest.problem,))
        data = manifest.value
        name = data["name"] if isinstance(data.get("name"), str) and "/" in data["name"] else f"{vendor}/{package}"
        spots = JsonText(manifest.text).spots()
        location = Location(file.path, spots["license"].line if "license" in spots else 1)
        license_, problem = _manifest_license(data, location)
        problems = (InputProblem(location, problem, self.name),) if problem else ()
        version = data.get("version") if isinstance(data.get("version"), str) else None
        component = Component(
            key=_purl(name, None),
            name=name,
            version=version,
            ecosystem="composer",
            role=Role.DEPENDENCY,
            scope=Scope.RUNTIME,
            license=license_,
            location=location,
            root=package_dir,
            purl=_purl(name, None),
        )
        return SourceResult(components=(component,), problems=problems)


def _is_composer_package(tree: Tree, package_dir: str, vendor_dir: str) -> bool:
    if tree.exists(f"{package_dir}/{_PACKAGE_MARKER}"):
        return True
    return any(tree.exists(f"{vendor_dir}/{marker}") for marker in _VENDOR_MARKERS)
