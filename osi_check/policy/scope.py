"""Does a policy entry's scope cover a component or a file?

Package URLs are compared without version, qualifiers and subpath (a scope names a package); a version
written in the scope's purl must match exactly, and `versions` is a version range read by univers (the
purl project's companion library): a `vers:` range for any ecosystem, or the ecosystem's own syntax
where univers reads it (npm "^4.0.0", pypi ">=1,<2", gem, nuget, ...). Version ranges are compared as the
ecosystem compares versions, never as strings.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import cache
from urllib.parse import unquote

from osi_check.facts import Component
from osi_check.policy.model import Scope


def split_purl(purl: str) -> tuple[str, str | None]:
    """("pkg:type/namespace/name" lower-cased type, version or None) of a package URL."""
    core = purl.split("#", 1)[0].split("?", 1)[0]
    head, sep, version = core.rpartition("@")
    if not sep or "/" in version:  # an "@" inside the name part (never in a valid purl, but be safe)
        head, version = core, None
    kind, _, rest = head.partition("/")
    return f"{kind.lower()}/{unquote(rest)}", unquote(version) if version else None


def purl_type(purl: str) -> str:
    return purl.split(":", 1)[-1].split("/", 1)[0].lower()


@cache
def version_range(purl: str, versions: str):
    """The univers range of `versions` for the purl's ecosystem. ValueError when it cannot be read."""
    from univers.version_range import RANGE_CLASS_BY_SCHEMES, VersionRange

    try:
        if versions.startswith("vers:"):
            found = VersionRange.from_string(versions)
            if found.scheme != purl_type(purl):
                raise ValueError(f"the range is for '{found.scheme}' but the purl is a '{purl_type(purl)}' package")
            return found
        range_class = RANGE_CLASS_BY_SCHEMES.get(purl_type(purl))
        if range_class is None:
            raise ValueError(f"no version scheme is known for '{purl_type(purl)}' packages")
        return range_class.from_native(versions)
    except NotImplementedError:
        raise ValueError(f"'{versions}' cannot be read in the native syntax of '{purl_type(purl)}' packages; "
                         f"write it as a vers range, e.g. vers:{purl_type(purl)}/>=1.0.0|<2.0.0") from None
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - univers raises assorted types for malformed ranges
        raise ValueError(f"'{versions}' is not a version range univers can read ({exc})") from None


def in_range(purl: str, versions: str, version: str | None) -> bool:
    """Whether `version` lies in the range; a version the ecosystem's scheme cannot read does not."""
    if not version:
        return False
    found = version_range(purl, versions)
    try:
        return found.version_class(version) in found
    except Exception:  # noqa: BLE001 - an unparseable version is simply not in the range
        return False


def covers_component(scope: Scope, component: Component | None) -> bool:
    """Whether the scope's purl (and version range) names this component."""
    if not scope.purl:
        return True
    if component is None or not component.purl:
        return False
    wanted, wanted_version = split_purl(scope.purl)
    have, have_version = split_purl(component.purl)
    if wanted.casefold() != have.casefold():
        return False
    version = component.version or have_version
    if wanted_version is not None and wanted_version != version:
        return False
    return not scope.versions or in_range(scope.purl, scope.versions, version)


def covers_path(scope: Scope, paths: tuple[str, ...]) -> bool:
    """Whether the scope's path glob matches one of the paths (a file, a component's directory)."""
    if not scope.path:
        return True
    pattern = scope.path.rstrip("/")
    return any(p and (fnmatchcase(p, pattern) or fnmatchcase(p, pattern + "/*")) for p in paths)
