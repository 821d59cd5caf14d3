"""License files inside an installed package's directory, for readers of installed packages.

Two cases send a reader to the package's own files: npm's "SEE LICENSE IN <file>" (the declaration
names the file), and a package that declares no license at all (its LICENSE file, if any, is then the
only evidence). Both are rare, so the files are looked up by name only then: a tree of thousands of
installed packages that declare their license costs no extra file access.
"""

from __future__ import annotations

import posixpath

from osi_check.detect.license_files import read_license_file
from osi_check.facts import Evidence, LicenseConclusion
from osi_check.licensing import Normalized, parse, render
from osi_check.sources._lockfile import in_tree
from osi_check.tree import InputError, Tree

# The names packages use for their license file, most common first (npm's own list in
# `npm-packlist` always includes LICENSE/LICENCE in any case and extension).
LICENSE_FILE_NAMES = (
    "LICENSE", "LICENSE.md", "LICENSE.txt", "license", "license.md", "license.txt", "License", "License.md",
    "License.txt", "LICENCE", "LICENCE.md", "LICENCE.txt", "licence", "LICENSE-MIT", "LICENSE-MIT.txt",
    "LICENSE.MIT", "LICENSE-APACHE", "COPYING", "COPYING.md", "COPYING.txt", "UNLICENSE",
)
MAX_FILES = 3


def see_license_in(tree: Tree, directory: str, declared: Evidence, normalized: Normalized) -> LicenseConclusion:
    """The conclusion for "SEE LICENSE IN <file>": that file's license, with the declaration kept as evidence."""
    target = normalized.see_file or ""
    path = in_tree(directory, posixpath.normpath(target)) if target.strip() else None
    if path is not None and tree.exists(path):
        try:
            found = read_license_file(tree, path)
        except InputError as err:
            note = f"the file '{target}' named by SEE LICENSE IN could not be read: {err.message}"
            return _missing(declared, normalized, note)
        return LicenseConclusion(
            found.expression,
            (declared, *found.evidence),
            found.unknown,
            (*normalized.notes, f"SEE LICENSE IN: read from {path}", *found.notes),
            found.confident,
        )
    return _missing(declared, normalized, f"the file '{target}' named by SEE LICENSE IN is not in the package")


def _missing(declared: Evidence, normalized: Normalized, note: str) -> LicenseConclusion:
    return LicenseConclusion(normalized.expression, (declared,), normalized.unknown, (*normalized.notes, note))


def undeclared(tree: Tree, directory: str, no_license_note: str) -> LicenseConclusion:
    """A package without a license field: its license files, if it has any, else no license with a note."""
    found: list[tuple[str, LicenseConclusion]] = []
    for name in LICENSE_FILE_NAMES:
        path = in_tree(directory, name)
        if path is None or not tree.exists(path):
            continue
        try:
            found.append((path, read_license_file(tree, path)))
        except InputError:
            continue
        if len(found) == MAX_FILES:
            break
    found = [(path, c) for path, c in found if c.expression]
    if not found:
        return LicenseConclusion(None, notes=(f"{no_license_note}, and no license file is in the package",))
    expressions = list(dict.fromkeys(c.expression for _, c in found))
    notes = [f"no license field; read from {path}" for path, _ in found]
    if len(expressions) > 1:
        notes.append(f"several license files hold different licenses; all are taken to apply "
                     f"({' AND '.join(expressions)}); if they are alternatives, clarify")
    return LicenseConclusion(
        expressions[0] if len(expressions) == 1 else render(parse(" AND ".join(f"({e})" for e in expressions))),
        tuple(e for _, c in found for e in c.evidence),
        tuple(u for _, c in found for u in c.unknown),
        tuple(dict.fromkeys((*notes, *(n for _, c in found for n in c.notes)))),
        all(c.confident for _, c in found),
    )
