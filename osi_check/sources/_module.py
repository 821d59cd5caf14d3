"""What the CRM extension-manifest readers (SuiteCRM, EspoCRM, CiviCRM) share.

An extension manifest names the module and sometimes its license; when it does not, the package's
license file beside the manifest (LICENSE.txt is what SugarCRM's module loader shows on install) is
the evidence, and without either the license stays unknown: never invented.
"""

from __future__ import annotations

from osi_check import licensing
from osi_check.detect.license_files import read_license_file
from osi_check.facts import Evidence, EvidenceKind, InputProblem, LicenseConclusion, Location
from osi_check.sources._lockfile import in_tree, purl_part
from osi_check.tree import InputError, Tree

# Manifests are a few KiB; the cap keeps a hostile file from costing a large read.
MANIFEST_BYTES = 1024 * 1024
NO_LICENSE_NOTE = "the package declares no license"

# License files looked for beside a manifest, in this order (the Tree API has no directory listing, and
# probing a dozen names is cheaper than walking the directory again).
LICENSE_NAMES = (
    "LICENSE", "LICENSE.txt", "LICENSE.TXT", "LICENSE.md", "License.txt", "license.txt", "license",
    "LICENCE", "LICENCE.txt", "LICENCE.md", "COPYING", "COPYING.txt", "COPYING.md",
)


def generic_purl(namespace: str, name: str, version: str | None) -> str:
    """pkg:generic/<namespace>/<name>@<version>, each segment percent-encoded: these add-ons have no purl type."""
    return f"pkg:generic/{namespace}/{purl_part(name)}" + (f"@{purl_part(version)}" if version else "")


def declared(value: str, location: Location, quote: str, detail: str) -> LicenseConclusion:
    """A license string declared in a manifest, normalised to SPDX."""
    normalized = licensing.normalize(value)
    evidence = (Evidence(EvidenceKind.DECLARED, location, quote, detail),)
    if normalized.expression is None:
        return LicenseConclusion(None, evidence, notes=(NO_LICENSE_NOTE,))
    return LicenseConclusion(
        normalized.expression, evidence, normalized.unknown, normalized.notes, confident=normalized.confident
    )


def not_readable(raw: str, location: Location, detail: str, note: str) -> LicenseConclusion:
    """A declared license value that could not be read as a string: unknown, with what was written."""
    normalized = licensing.unknown(raw, note)
    evidence = (Evidence(EvidenceKind.DECLARED, location, raw, detail),)
    return LicenseConclusion(normalized.expression, evidence, normalized.unknown, normalized.notes)


def license_beside(tree: Tree, directory: str, reader: str) -> tuple[LicenseConclusion | None, InputProblem | None]:
    """The license of the first license file in `directory` (LICENSE, LICENSE.txt, COPYING, ...), if any."""
    for name in LICENSE_NAMES:
        path = in_tree(directory, name)
        if path is None or not tree.exists(path):
            continue
        try:
            return read_license_file(tree, path), None
        except InputError as err:
            return None, InputProblem(Location(err.path, err.line), err.message, reader)
    return None, None


def undeclared() -> LicenseConclusion:
    return LicenseConclusion(None, notes=(NO_LICENSE_NOTE,))


def decode(data: bytes) -> str:
    """Text of a PHP or XML file: UTF-8 (BOM allowed), else Latin-1, as Tree.read_text decodes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def one_problem(problems: list[InputProblem]) -> tuple[InputProblem, ...]:
    """The problems found in one manifest as a single problem for the file (one module, one problem),
    at the first place; the others are named with their lines in the message."""
    if len(problems) <= 1:
        return tuple(problems)
    first, *others = problems
    rest = "; ".join(f"also {p.location}: {p.message}" for p in others)
    return (InputProblem(first.location, f"{first.message}; {rest}", first.reader),)
