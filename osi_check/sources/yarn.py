"""Yarn: packages from yarn.lock, classic (v1, its own text format) and berry (v2+, YAML).

Only the file is read; yarn is never run. Both formats list one entry per resolved package, headed by
the requirement strings ("descriptors") that resolved to it, with the dependencies of each package.
Neither records licenses (each component says so), nor install folders (keys are purls, with no root),
nor which packages are only for development. That last fact matters (a dev tool is never shipped), so
the project's package.json beside the lock (and, in berry, each workspace's) is read for its
requirements, and the dependency graph is walked from them: what runtime requirements reach is RUNTIME,
what only optional ones reach OPTIONAL, what only dev requirements reach DEV. Without a package.json
every package is RUNTIME, the conservative reading, and `direct` stays unsaid.

Berry specifics: the root workspace ("name@workspace:.") is the project itself and is skipped; other
workspaces are the project's own packages (role APPLICATION, root = their folder). A `patch:`
resolution is the package it patches, changed: it is merged into that package's component with a note
saying the package is modified and by which patch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from osi_check.facts import (
    Component,
    InputProblem,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.reader import Reader
from osi_check.sources._lockfile import in_tree
from osi_check.sources._npm import (
    Manifest,
    manifest_license,
    manifest_requirements,
    read_manifest,
    not_recorded,
    purl,
    scopes_by_reachability,
    split_spec,
)
from osi_check.sources._yaml import key_lines, parse_yaml
from osi_check.tree import InputError, Tree, TreeFile

LOCKFILE = "yarn.lock"
NO_LICENSE = "yarn.lock"
V1_MARKER = "# yarn lockfile v1"
_BERRY_MARKER = re.compile(r"^__metadata:", re.MULTILINE)
# A v1 header's descriptors: quoted ("@babel/core@^7.0.0") or bare (lodash@^4.17.21), comma separated.
_DESCRIPTOR = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,"]+?))\s*(?:,|$)')
_BUILTIN_PATCH = re.compile(r"builtin<([^>]*)>")


@dataclass
class _Entry:
    """One resolved package as the lock lists it (either format), before classification."""

    name: str
    version: str | None
    line: int
    descriptors: list[str]
    integrity: str | None = None
    dependencies: list[tuple[str, str, bool]] = field(default_factory=list)  # (name, range, optional)
    notes: list[str] = field(default_factory=list)
    reference: str = ""  # the resolution without the name ("npm:1.2.3"), to tell packages apart


@dataclass
class _Workspace:
    """A berry workspace other than the root: the project's own package in a folder of the tree."""

    name: str
    path: str
    line: int
    descriptors: list[str]
    dependencies: list[tuple[str, str, bool]] = field(default_factory=list)


class YarnLockSource(Reader):
    name = "yarn"
    examples = ("yarn.lock", "frontend/yarn.lock")

    def handles(self, file: TreeFile) -> bool:
        # a yarn.lock published inside an installed package describes that package's development
        return file.name == LOCKFILE and "node_modules" not in file.dir_parts

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, strict_utf8=True)
        except InputError as err:
            return self.problem(err)
        if _BERRY_MARKER.search(text):
            parsed = _read_berry(text, file.path)
        else:
            parsed = _read_classic(text, file.path)
        entries, workspaces, problems = parsed
        if not entries and not workspaces and problems:
            # nothing could be read: the file as a whole is not a yarn.lock; its first problem says why
            return SourceResult(problems=tuple(problems[:1]))
        return _Classifier(tree, file, entries, workspaces, problems).result()


# classic yarn.lock (v1)


def _read_classic(text: str, path: str) -> tuple[list[_Entry], list[_Workspace], list[InputProblem]]:
    """Parse yarn's own v1 syntax in one pass over the lines.

    The syntax is a fixed indentation of 0 (entry header), 2 (a field, or a dependencies block) and 4
    (a dependency). A line that fits none of these stops the parse: what follows cannot be trusted.
    """
    entries: list[_Entry] = []
    problems: list[InputProblem] = []
    fields: dict[str, str] = {}
    current: _Entry | None = None
    block: str | None = None

    def finish() -> None:
        if current is None:
            return
        version = fields.get("version")
        if not version:
            message = f"the entry for {current.descriptors[0]!r} has no version; it was skipped"
            problems.append(_problem(path, current.line, message))
            return
        current.version = version
        current.integrity = fields.get("integrity")
        entries.append(current)

    for number, line in enumerate(text.splitlines(), 1):
        if not line or line[0] == "#" or line.isspace():
            continue
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if indent == 0 and line.endswith(":"):
            finish()
            descriptors = _header_descriptors(line[:-1])
            if not descriptors:
                message = "is not a yarn.lock entry header; the rest of the file was not read"
                problems.append(_problem(path, number, message))
                return entries, [], problems
            name = _descriptor_name(descriptors[0])
            current, fields, block = _Entry(name, None, number, descriptors), {}, None
        elif indent == 2 and current is not None:
            if stripped.endswith(":"):
                block = _unquote(stripped[:-1])
            else:
                key, _, value = stripped.partition(" ")
                fields[_unquote(key)] = _unquote(value.strip())
                block = None
        elif indent == 4 and current is not None and block is not None:
            name, value = _split_pair(stripped)
            if block in ("dependencies", "optionalDependencies"):
                current.dependencies.append((name, value, block == "optionalDependencies"))
        else:
            finish()
            problems.append(_problem(path, number, "is not yarn.lock syntax; the rest of the file was not read"))
            return entries, [], problems
    finish()
    return entries, [], problems


def _header_descriptors(header: str) -> list[str]:
    descriptors = []
    pos = 0
    while pos < len(header):
        match = _DESCRIPTOR.match(header, pos)
        if match is None or match.end() == pos:
            return []
        quoted, bare = match.groups()
        value = _unquote(f'"{quoted}"') if quoted is not None else bare.strip()
        if not value:
            return []
        descriptors.append(value)
        pos = match.end()
    return descriptors


def _descriptor_name(descriptor: str) -> str:
    """The package a descriptor resolves to: its name, or for an alias ("x@npm:real@^1") the real name."""
    name, spec = split_spec(descriptor)
    if spec.startswith("npm:"):
        real, _ = split_spec(spec[4:])
        if real and "@" in spec[5:]:
            return real
    return name


def _split_pair(text: str) -> tuple[str, str]:
    """`"@babel/highlight" "^7.12.13"` or `chalk "^2.4.2"` -> (name, range)."""
    if text.startswith('"'):
        end = text.find('"', 1)
        while end > 0 and text[end - 1] == "\\":
            end = text.find('"', end + 1)
        if end > 0:
            return _unquote(text[: end + 1]), _unquote(text[end + 1:].strip())
    name, _, value = text.partition(" ")
    return name, _unquote(value.strip())


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        try:
            value = json.loads(text)
        except ValueError:
            return text[1:-1]
        return value if isinstance(value, str) else text[1:-1]
    return text


# berry yarn.lock (v2+)


def _read_berry(text: str, path: str) -> tuple[list[_Entry], list[_Workspace], list[InputProblem]]:
    parsed = parse_yaml(text, path, YarnLockSource.name)
    if parsed.problem:
        return [], [], [parsed.problem]
    data = parsed.value
    if not isinstance(data, dict):
        return [], [], [_problem(path, 1, "the top level is not a YAML mapping")]
    lines = key_lines(parsed.node).lines
    entries: dict[str, _Entry] = {}  # by resolution (a patch is merged into the package it patches)
    workspaces: list[_Workspace] = []
    problems: list[InputProblem] = []
    for key, value in data.items():
        if key == "__metadata":
            continue
        line = lines.get(key) if isinstance(key, str) else None
        if not isinstance(key, str) or not isinstance(value, dict):
            message = f"the entry {key!r} is not a mapping of package fields; it was skipped"
            problems.append(_problem(path, line, message))
            continue
        resolution = value.get("resolution")
        if not isinstance(resolution, str) or "@" not in resolution[1:]:
            problems.append(_problem(path, line, f"the entry {key!r} has no resolution; it was skipped"))
            continue
        descriptors = [d.strip() for d in key.split(",") if d.strip()]
        dependencies = _berry_dependencies(value)
        name, reference = split_spec(resolution)
        if reference.startswith("workspace:"):
            folder = reference[len("workspace:"):]
            if folder not in (".", ""):
                workspaces.append(_Workspace(name, folder, line, descriptors, dependencies))
            continue
        notes: list[str] = []
        if reference.startswith("patch:"):
            resolution, note = _patched(reference)
            notes.append(note)
            name, reference = split_spec(resolution)
        entry = entries.get(resolution)
        if entry is None:
            checksum = value.get("checksum")
            entries[resolution] = entry = _Entry(
                name, _berry_version(reference, value.get("version")), line, [],
                integrity=checksum if isinstance(checksum, str) else None, reference=reference,
            )
        entry.descriptors.extend(descriptors)
        entry.dependencies.extend(dependencies)
        entry.notes.extend(n for n in notes if n not in entry.notes)
    return list(entries.values()), workspaces, problems


def _berry_dependencies(value: dict) -> list[tuple[str, str, bool]]:
    dependencies = value.get("dependencies")
    if not isinstance(dependencies, dict):
        return []
    meta = value.get("dependenciesMeta")
    meta = meta if isinstance(meta, dict) else {}
    out = []
    for name, spec in dependencies.items():
        if isinstance(name, str) and isinstance(spec, str):
            flags = meta.get(name)
            optional = isinstance(flags, dict) and flags.get("optional") is True
            out.append((name, spec, optional))
    return out


def _berry_version(reference: str, version: object) -> str | None:
    """The version: from an npm resolution exactly ("npm:1.10.0"; YAML would read `version: 1.10` as a
    number), else the `version` field as written."""
    if reference.startswith("npm:") and reference[4:]:
        return reference[4:]
    return version if isinstance(version, str) else None


def _patched(reference: str) -> tuple[str, str]:
    """For "patch:<source, URL-encoded>#<patch>::<params>": the patched package's resolution and the note."""
    source, _, rest = reference[len("patch:"):].partition("#")
    patch = rest.split("::", 1)[0]
    builtin = _BUILTIN_PATCH.search(patch)
    if builtin:
        note = (f"modified: Yarn applies its built-in compatibility patch <{builtin.group(1)}> to this package "
                "when installing it")
    else:
        note = f"modified: patched locally: {patch} (the installed code differs from the published package)"
    return unquote(source), note


# classification (both formats)


class _Classifier:
    """Turns parsed entries into components, with scope and directness from the project's manifests."""

    def __init__(self, tree: Tree, file: TreeFile, entries: list[_Entry], workspaces: list[_Workspace],
                 problems: list[InputProblem]):
        self.tree = tree
        self.file = file
        self.entries = entries
        self.workspaces = workspaces
        self.problems = problems
        self.manifests: dict[str, Manifest | None] = {}
        self.by_descriptor: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            self.by_name.setdefault(entry.name, []).append(index)
            for descriptor in entry.descriptors:
                self.by_descriptor.setdefault(_normal_descriptor(descriptor), index)

    def result(self) -> SourceResult:
        scopes, direct = self._classify()
        components = [self._workspace(w) for w in self.workspaces]
        keys: set[str] = set()
        for index, entry in enumerate(self.entries):
            components.append(self._component(entry, scopes.get(index, Scope.RUNTIME), direct, index, keys))
        components.sort(key=lambda c: c.location.line or 0)
        return SourceResult(components=tuple(components), problems=tuple(self.problems))

    def _classify(self) -> tuple[dict[int, Scope], set[int] | None]:
        roots = []
        for folder in [".", *(w.path for w in self.workspaces)]:
            manifest = self._manifest(folder)
            if manifest is None or manifest.data is None:
                continue
            for name, spec, scope in manifest_requirements(manifest.data):
                index = self._resolve(name, spec)
                if index is not None:
                    roots.append((index, scope))
        if not any(m is not None and m.data is not None for m in self.manifests.values()):
            return {}, None
        scopes = scopes_by_reachability(roots, self._edges)
        return scopes, {index for index, _ in roots}

    def _edges(self, index: int):
        for name, spec, optional in self.entries[index].dependencies:
            child = self._resolve(name, spec)
            if child is not None:
                yield child, optional

    def _resolve(self, name: str, spec: str) -> int | None:
        """The entry a requirement resolved to: by its exact descriptor, else the only entry of that name."""
        index = self.by_descriptor.get(_normal_descriptor(f"{name}@{spec}"))
        if index is None:
            # an alias or a patch requirement is written differently in package.json and in the lock
            candidates = self.by_name.get(name, ())
            index = candidates[0] if len(candidates) == 1 else None
        return index

    def _manifest(self, folder: str) -> Manifest | None:
        """The package.json of the lock's folder or of a workspace (read once); a broken one is reported."""
        if folder not in self.manifests:
            base = self.file.parent
            manifest = read_manifest(self.tree, base if folder in (".", "") else in_tree(base, folder))
            if manifest is not None and manifest.problem:
                message = f"{manifest.problem}; the packages of {self.file.path} were all read as runtime dependencies"
                self.problems.append(InputProblem(Location(manifest.path), message, YarnLockSource.name))
            self.manifests[folder] = manifest
        return self.manifests[folder]

    def _component(self, entry: _Entry, scope: Scope, direct: set[int] | None, index: int, keys: set[str]) -> Component:
        package_purl = purl(entry.name, entry.version)
        key = package_purl if package_purl not in keys else f"{package_purl}#{entry.reference}"
        keys.add(key)
        conclusion = not_recorded(NO_LICENSE)
        if entry.notes:
            conclusion = LicenseConclusion(None, notes=conclusion.notes + tuple(entry.notes))
        return Component(
            key=key,
            name=entry.name,
            version=entry.version,
            ecosystem="npm",
            role=Role.DEPENDENCY,
            scope=scope,
            license=conclusion,
            location=Location(self.file.path, entry.line),
            purl=package_purl,
            direct=None if direct is None else index in direct,
            integrity=entry.integrity,
            dependencies=tuple(dict.fromkeys(name for name, _, _ in entry.dependencies)),
        )

    def _workspace(self, workspace: _Workspace) -> Component:
        """A workspace: the lock says "0.0.0-use.local" for its version, so the version is its package.json's."""
        root = in_tree(self.file.parent, workspace.path)
        manifest = self._manifest(workspace.path)
        version = manifest.data.get("version") if manifest is not None and manifest.data is not None else None
        return Component(
            key=f"application:{root if root is not None else workspace.path}",
            name=workspace.name,
            version=version if isinstance(version, str) else None,
            ecosystem="npm",
            role=Role.APPLICATION,
            scope=Scope.RUNTIME,
            license=manifest_license(manifest, not_recorded(NO_LICENSE)),
            location=Location(self.file.path, workspace.line),
            root=root,
            dependencies=tuple(dict.fromkeys(name for name, _, _ in workspace.dependencies)),
        )


def _normal_descriptor(descriptor: str) -> str:
    """One spelling per requirement: berry writes "npm:" in keys but not always in ranges (yarn 3), and
    adds "::locator=..." parameters to patch keys that package.json does not have."""
    name, spec = split_spec(descriptor)
    spec = spec.split("::", 1)[0]
    if spec and ":" not in spec:
        spec = "npm:" + spec
    return f"{name}@{spec}"


def _problem(path: str, line: int | None, message: str) -> InputProblem:
    return InputProblem(Location(path, line), message, YarnLockSource.name)
