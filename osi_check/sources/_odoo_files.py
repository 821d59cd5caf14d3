"""What an Odoo module's own files say about its license, beyond the manifest's `license` value.

Odoo's license vocabulary is small. "Other OSI approved licence" and "Other proprietary" name no license
at all, and AGPL-3 / LGPL-3 have no "or later" variant. Module authors say the rest in their files, by
conventions this module reads (it never runs anything):
- a LICENSE/COPYING file in the module directory (identified as a license text);
- a comment on the manifest's license line, as App Store modules write it:
  `"license": "Other OSI approved licence",  # MIT`;
- the OCA file header, in the manifest and in `__init__.py`:
  `# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).`
"""

from __future__ import annotations

import re

from osi_check import licensing
from osi_check.detect.license_files import read_license_file
from osi_check.facts import Evidence, EvidenceKind, LicenseConclusion, Location
from osi_check.sources._lockfile import in_tree
from osi_check.tree import InputError, Tree

LICENSE_FILE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENSE.rst", "LICENCE", "COPYING", "COPYING.txt")
HEADER_BYTES = 256 * 1024
HEADER_LINES = 40
# "# License AGPL-3.0 or later (https://...)." / "# License: MIT" / "# License LGPL-3 - See http://..."
_HEADER_LICENSE = re.compile(r"^\s*#+\s*License:?\s+(?P<license>[^(\n]+?)\s*(?:\(|\s-\s|$)", re.IGNORECASE)
# a trailing comment on the manifest's license line, after a quoted value
_LICENSE_COMMENT = re.compile(
    r"""^\s*(['"])license\1\s*:\s*(?P<q>['"]).*?(?P=q)\s*,?\s*#\s*(?P<comment>.*?)\s*$""", re.IGNORECASE
)


def license_files(tree: Tree, directory: str) -> list[LicenseConclusion]:
    """The identified license files in the module directory (LICENSE, COPYING, ...)."""
    found = []
    for name in LICENSE_FILE_NAMES:
        rel = in_tree(directory, name)
        if rel is not None and tree.exists(rel):
            try:
                found.append(read_license_file(tree, rel))
            except InputError:
                continue  # unreadable: the license-file detector reports it when it reads the file
    return found


def license_comment(text: str, path: str, line: int | None) -> LicenseConclusion | None:
    """The license a comment on the manifest's license line names, if it names one osi-check knows."""
    if line is None:
        return None
    lines = text.split("\n", line)
    if len(lines) < line:
        return None
    match = _LICENSE_COMMENT.match(lines[line - 1].rstrip("\r"))
    if match is None or not match.group("comment"):
        return None
    return _known(match.group("comment"), Location(path, line), EvidenceKind.DECLARED,
                  "comment on the manifest's 'license' line", confident=False)


def header_licenses(text: str, path: str, stop_line: int | None = None) -> list[LicenseConclusion]:
    """Licenses named by `# License ...` lines in a file's leading comment block (OCA headers)."""
    found = []
    for number, line in enumerate(text.split("\n", HEADER_LINES)[:HEADER_LINES], 1):
        if stop_line is not None and number >= stop_line:
            break
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break  # the header ends at the first line of code
        match = _HEADER_LICENSE.match(stripped)
        if match:
            raw = match.group("license").rstrip(" .")
            detail = "module file header 'License ...' line"
            conclusion = _known(raw, Location(path, number), EvidenceKind.NOTICE, detail)
            if conclusion is not None:
                found.append(conclusion)
    return found


def file_header_licenses(tree: Tree, path: str) -> list[LicenseConclusion]:
    """header_licenses of another file of the module (its __init__.py); nothing if it cannot be read."""
    if not tree.exists(path):
        return []
    try:
        text = tree.read_text(path, HEADER_BYTES)
    except InputError:
        return []  # a large or binary __init__.py has no header to read; it is Python, not this reader's input
    return header_licenses(text, path)


def _known(
    raw: str, location: Location, kind: EvidenceKind, detail: str, *, confident: bool = True
) -> LicenseConclusion | None:
    """A license string from a comment, read with Odoo's vocabulary first; None unless fully recognised."""
    normalized, _ = licensing.odoo_manifest_license(raw)  # "AGPL-3.0 or later" is a declared-string alias
    if normalized.unknown or normalized.expression is None:
        return None
    return LicenseConclusion(
        normalized.expression,
        (Evidence(kind, location, raw, detail),),
        notes=normalized.notes,
        confident=confident and normalized.confident,
    )
