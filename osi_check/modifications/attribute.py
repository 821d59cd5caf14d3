"""Whose code changed: each changed file mapped to its component and the license it is under.

A file belongs to the component with the deepest root directory containing it (the same rule resolve.py
applies to license evidence), a copied front-end library is its own single-file component, and
everything else is the application's. The license of a changed file is its own header's when it has one
(the file's notice governs the file), else its component's.

A component none of whose files are in the upstream was added after the release. For a module (a custom
addon, an extension) that is the integrator's own code: its files count as changes. For a dependency
package it only means the package is new, not that it was patched: without a pristine copy of that
package to compare with, its modification status stays unknown instead of being guessed either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from osi_check.facts import Component, Facts, FileChange, Role
from osi_check.modifications.compare import Diff, RawChange
from osi_check.resolve import APPLICATION_KEY

SINGLE_FILE_ECOSYSTEMS = frozenset({"copied"})  # components that are one file, keyed by their location


@dataclass(frozen=True)
class Attribution:
    changes: tuple[FileChange, ...]
    components_added: tuple[str, ...]
    components_not_compared: tuple[str, ...]


class Owners:
    """Maps a path of the tree to the component whose code it is."""

    def __init__(self, components: tuple[Component, ...]):
        self.by_root: dict[str, Component] = {}
        self.by_file: dict[str, Component] = {}
        self.application = next((c for c in components if c.key == APPLICATION_KEY), None)
        for component in components:
            if component.root not in (None, "", "."):
                self.by_root.setdefault(component.root.rstrip("/"), component)
            elif component.ecosystem in SINGLE_FILE_ECOSYSTEMS:
                self.by_file.setdefault(component.location.path, component)

    def owner(self, path: str) -> Component | None:
        if path in self.by_file:
            return self.by_file[path]
        directory = path
        while "/" in directory:
            directory = directory.rsplit("/", 1)[0]
            if directory in self.by_root:
                return self.by_root[directory]
        return self.application


def _directories(paths) -> set[str]:
    dirs: set[str] = set()
    for path in paths:
        head = path
        while "/" in head:
            head = head.rsplit("/", 1)[0]
            if head in dirs:
                break
            dirs.add(head)
    return dirs


def _present(component: Component, files: set[str], dirs: set[str]) -> bool | None:
    """Whether a snapshot holds the component's folder (or its single file); None if it has neither."""
    if component.root not in (None, "", "."):
        return component.root.rstrip("/") in dirs
    if component.ecosystem in SINGLE_FILE_ECOSYSTEMS:
        return component.location.path in files
    return None


def attribute(facts: Facts, diff: Diff, upstream_paths, current_paths, dates: dict[str, str]) -> Attribution:
    """`components_added`: in the tree, not in the upstream. `components_not_compared`: packages the
    upstream has no copy of (new ones, and lockfile entries not installed in either tree)."""
    upstream_files, current_files = set(upstream_paths), set(current_paths)
    upstream_dirs, current_dirs = _directories(upstream_files), _directories(current_files)
    added, not_compared = [], []
    for component in facts.components:
        in_upstream = _present(component, upstream_files, upstream_dirs)
        if in_upstream is not False:
            continue
        if _present(component, current_files, current_dirs):
            added.append(component.key)
        if component.role is Role.DEPENDENCY:
            not_compared.append(component.key)
    owners = Owners(facts.components)
    own_license = {f.path: f.license.expression for f in facts.files if f.license.expression}
    changes = tuple(_file_change(raw, owners, own_license, dates) for raw in diff.changes)
    return Attribution(changes, tuple(sorted(added)), tuple(sorted(not_compared)))


def _file_change(raw: RawChange, owners: Owners, own_license: dict[str, str], dates: dict[str, str]) -> FileChange:
    owner = owners.owner(raw.path)
    license_ = own_license.get(raw.path) or (owner.license.expression if owner else None)
    return FileChange(
        path=raw.path,
        status=raw.status,
        old_path=raw.old_path,
        component_key=owner.key if owner else None,
        license=license_,
        whitespace_only=raw.whitespace_only,
        last_changed=dates.get(raw.path),
        similarity=raw.similarity,
    )
