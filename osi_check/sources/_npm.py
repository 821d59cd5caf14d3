"""What the JavaScript readers share (npm, yarn, pnpm lockfiles and installed node_modules).

They must name the same package the same way, or the resolver cannot put a lockfile entry and the
installed copy together: one purl spelling, one key convention, one reading of npm's license values.

Key convention: a package installed at the hoisted top level of a project ("node_modules/<name>",
"node_modules/@scope/<name>") is keyed by its purl alone; any other install (nested below another
package, an aliased folder, a workspace's own node_modules) by purl + "#" + its install path, because
the same name and version can then be installed several times and each copy is a subject of its own.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from osi_check import licensing
from osi_check.facts import Evidence, EvidenceKind, LicenseConclusion, Location, Scope
from osi_check.sources._lockfile import (
    JsonText,
    in_tree,
    normalize,
    normalize_choice,
    not_a_license,
    purl_part,
    raw_json,
)
from osi_check.tree import InputError, Tree

NODE_MODULES = "node_modules/"
LEGACY_ARRAY_NOTE = "legacy 'licenses' array read as a choice"
LEGACY_OBJECT_NOTE = "legacy license object read by its 'type'"
NO_LICENSE_NOTE = "no license declared"


def purl(name: str, version: str | None) -> str:
    """pkg:npm/<name>@<version>, the scope percent-encoded as the purl spec asks (pkg:npm/%40babel/core@...)."""
    path = "/".join(purl_part(part) for part in name.split("/", 1))
    return f"pkg:npm/{path}" + (f"@{purl_part(version)}" if version else "")


def install_key(package_purl: str, install_path: str, name: str) -> str:
    """The component key of a package installed at `install_path` (relative to its project directory)."""
    return package_purl if install_path == NODE_MODULES + name else f"{package_purl}#{install_path}"


def split_spec(spec: str) -> tuple[str, str]:
    """Split "name@range" / "@scope/name@range" at the "@" that ends the name; ("name", "") if there is none."""
    at = spec.find("@", 1)
    return (spec, "") if at < 0 else (spec[:at], spec[at + 1:])


def normalize_license(value: object) -> licensing.Normalized | None:
    """Normalise an npm license value; None if it holds no license string to read.

    Current packages declare an SPDX string; old ones an object {"type": "MIT", "url": ...} or an
    array of such (under `license` or the deprecated `licenses`). The array is read as a choice, as
    npm's own SBOM output does (npm/cli#9010 joins its entries with OR).
    """
    if isinstance(value, str):
        return normalize(value)
    if _legacy_type(value) is not None:
        result = normalize(_legacy_type(value))
        return licensing.Normalized(result.expression, result.unknown, result.notes + (LEGACY_OBJECT_NOTE,),
                                    result.confident, result.see_file)
    if isinstance(value, list):
        names = [item if isinstance(item, str) else _legacy_type(item) for item in value]
        if names and all(isinstance(name, str) for name in names):
            result = normalize_choice(tuple(names))
            return licensing.Normalized(result.expression, result.unknown, result.notes + (LEGACY_ARRAY_NOTE,),
                                        result.confident)
    return None


def _legacy_type(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return value["type"]
    return None


def license_value(manifest: dict) -> object:
    """The declared license of a package.json-shaped object: `license`, else the legacy `licenses`."""
    value = manifest.get("license")
    return manifest.get("licenses") if value is None else value


def declared_license(value: object, location: Location, detail: str) -> tuple[LicenseConclusion, bool]:
    """The conclusion for a declared npm license value, and whether the value was not a license at all."""
    if value is None:
        return LicenseConclusion(None, notes=(NO_LICENSE_NOTE,)), False
    evidence = Evidence(EvidenceKind.DECLARED, location, raw_json(value), detail)
    normalized = normalize_license(value)
    bad = normalized is None
    if bad:
        normalized = not_a_license(value)
    if normalized.expression is None:
        return LicenseConclusion(None, (evidence,), notes=normalized.notes + (NO_LICENSE_NOTE,)), bad
    return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes,
                             normalized.confident), bad


def not_recorded(format_name: str) -> LicenseConclusion:
    """The conclusion for a lockfile format that records no licenses at all (yarn.lock, pnpm-lock.yaml)."""
    return LicenseConclusion(
        None,
        notes=(f"{format_name} does not record licenses; scan with node_modules installed to read them",),
    )


# Which installed packages are shipped: lockfiles that do not flag dev packages (yarn.lock, pnpm 9) are
# classified by walking the dependency graph from the project's own requirements.

SCOPE_ORDER = (Scope.RUNTIME, Scope.OPTIONAL, Scope.DEV)


def scopes_by_reachability(
    roots: Iterable[tuple[Hashable, Scope]],
    edges: Callable[[Hashable], Iterable[tuple[Hashable, bool]]],
) -> dict[Hashable, Scope]:
    """The scope of every node reachable from the project's requirements, breadth first: O(nodes + edges).

    A package needed by a runtime requirement is RUNTIME; one reached only through an optional edge
    (optionalDependencies, dependenciesMeta optional) is OPTIONAL; one reached only from development
    requirements is DEV. `edges(node)` yields (child, optional). Nodes not reached are not in the result.
    """
    pending: dict[Scope, list[Hashable]] = {scope: [] for scope in SCOPE_ORDER}
    for node, scope in roots:
        pending[scope].append(node)
    scopes: dict[Hashable, Scope] = {}
    for scope in SCOPE_ORDER:
        queue: deque[Hashable] = deque()
        for node in pending[scope]:
            if node not in scopes:
                scopes[node] = scope
                queue.append(node)
        while queue:
            for child, optional in edges(queue.popleft()):
                if child in scopes:
                    continue
                if optional and scope is Scope.RUNTIME:
                    pending[Scope.OPTIONAL].append(child)
                    continue
                scopes[child] = scope
                queue.append(child)
    return scopes


def manifest_requirements(manifest: dict) -> list[tuple[str, str, Scope]]:
    """(name, range, scope) of each requirement a package.json declares: the roots of the walk above."""
    out = []
    for field, scope in (("dependencies", Scope.RUNTIME), ("optionalDependencies", Scope.OPTIONAL),
                         ("devDependencies", Scope.DEV)):
        value = manifest.get(field)
        if isinstance(value, dict):
            out.extend((name, spec, scope) for name, spec in value.items() if isinstance(spec, str))
    return out


# The project's own package.json files (beside a lock, or of a workspace): read for requirements and license.

MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Manifest:
    """A project package.json that was found: its data and text, or why it could not be read."""

    path: str
    data: dict | None = None
    raw: JsonText | None = None
    problem: str | None = None


def read_manifest(tree: Tree, directory: str | None) -> Manifest | None:
    """The package.json of a project folder; None when there is none."""
    path = in_tree(directory, "package.json") if directory is not None else None
    if path is None or not tree.exists(path):
        return None
    try:
        text = tree.read_text(path, MANIFEST_BYTES, strict_utf8=True)
        data = json.loads(text)
    except InputError as err:
        return Manifest(path, problem=err.message)
    except (ValueError, RecursionError):
        return Manifest(path, problem="is not valid JSON")
    if not isinstance(data, dict):
        return Manifest(path, problem="is not a JSON object")
    return Manifest(path, data, JsonText(text))


def manifest_license(manifest: Manifest | None, fallback: LicenseConclusion) -> LicenseConclusion:
    """A workspace's license as its package.json declares it; `fallback` when there is no package.json."""
    if manifest is None or manifest.data is None:
        return fallback
    spots = manifest.raw.spots()
    field = "license" if "license" in spots else "licenses"
    location = Location(manifest.path, spots[field].line if field in spots else None)
    conclusion, _ = declared_license(license_value(manifest.data), location, "package.json license field")
    return conclusion
