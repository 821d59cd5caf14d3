"""What the SBOM readers (SPDX, CycloneDX) share: package identity, integrity and license statements.

An SBOM handed over with a delivery is a statement by the vendor about what it contains. Its packages
only become useful when they meet the packages osi-check finds in the tree, and `resolve` joins an SBOM
entry (which has no directory in the tree) to a tree component with the same `key`. So the key built
here from an SBOM's purl must be spelled exactly as the tree readers spell theirs: the purl without
qualifiers or subpath, the type lowercased, each segment percent-decoded and re-encoded with
`_lockfile.purl_part` (composer and npm readers use the same function), composer names lowercased and
PyPI names PEP 503-normalised as the purl spec asks for those types. Whatever is dropped from the key
(qualifiers, subpath) is kept in a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from osi_check import licensing
from osi_check.detect.license_files import license_from_text
from osi_check.facts import Evidence, LicenseConclusion
from osi_check.sources._lockfile import purl_part

# An SBOM inside an installed package describes that package's own build, not this delivery.
PACKAGE_DIRS = frozenset({"node_modules", "vendor", "bower_components", "site-packages"})
# purl types whose namespace and name the purl spec says are case-insensitive and must be lowercased
# (PURL-TYPES: composer, github, bitbucket; pypi also normalises "_" to "-"). npm is not lowercased here
# because the npm reader keeps old mixed-case names ("JSONStream") as installed; keys must agree.
_LOWERCASE_TYPES = frozenset({"composer", "github", "bitbucket"})
_PEP503 = re.compile(r"[-_.]+")
_PURL_TYPE = re.compile(r"[A-Za-z.+-][A-Za-z0-9.+-]*")  # purl spec: letters, digits, ".+-", not starting with a digit
_LICENSE_REF = re.compile(r"(?<![A-Za-z0-9.:+-])((?:DocumentRef-[A-Za-z0-9.+-]+:)?LicenseRef-[A-Za-z0-9.+-]+)")
_SPACES = re.compile(r"\s+")
EXCERPT_CHARS = 200

# Preferred digest first. Values are (name in the integrity string, SPDX enum name, CycloneDX `alg`).
_HASHES = (
    ("sha256", "SHA256", "SHA-256"),
    ("sha512", "SHA512", "SHA-512"),
    ("sha384", "SHA384", "SHA-384"),
    ("sha3-256", "SHA3_256", "SHA3-256"),
    ("sha3-512", "SHA3_512", "SHA3-512"),
    ("sha3-384", "SHA3_384", "SHA3-384"),
    ("blake2b-256", "BLAKE2B_256", "BLAKE2b-256"),
    ("blake2b-512", "BLAKE2B_512", "BLAKE2b-512"),
    ("blake3", "BLAKE3", "BLAKE3"),
    ("sha1", "SHA1", "SHA-1"),
    ("md5", "MD5", "MD5"),
)
SPDX_HASH_ORDER = {spdx: (rank, name) for rank, (name, spdx, _) in enumerate(_HASHES)}
CDX_HASH_ORDER = {cdx.casefold(): (rank, name) for rank, (name, _, cdx) in enumerate(_HASHES)}


def in_package_dir(path: str) -> bool:
    return any(part in PACKAGE_DIRS for part in PurePosixPath(path).parent.parts)


@dataclass(frozen=True)
class Purl:
    """A package URL split into its parts, each percent-decoded."""

    type: str
    namespace: tuple[str, ...]
    name: str
    version: str | None
    qualifiers: str = ""
    subpath: str = ""


def parse_purl(text: str) -> Purl | None:
    """Split a purl ("pkg:type/namespace/name@version?qualifiers#subpath"); None if it is not one.

    Lenient where generators are sloppy (an unencoded npm scope "@babel", "pkg://"), strict where the
    identity would be unclear (no type, no name).
    """
    text = text.strip()
    if not text[:4].casefold() == "pkg:":
        return None
    rest = text[4:].lstrip("/")
    rest, _, subpath = rest.partition("#")
    rest, _, qualifiers = rest.partition("?")
    type_, slash, path = rest.partition("/")
    if not slash or not _PURL_TYPE.fullmatch(type_):
        return None
    version = None
    at = path.rfind("@")
    if at > 0 and path[at - 1] != "/" and "/" not in path[at + 1:]:
        path, version = path[:at], unquote(path[at + 1:]) or None
    segments = [unquote(s) for s in path.split("/") if s]
    if not segments or not segments[-1].strip():
        return None
    return Purl(type_.lower(), tuple(segments[:-1]), segments[-1], version, qualifiers, subpath)


def _canonical_name(purl: Purl) -> tuple[tuple[str, ...], str]:
    if purl.type == "pypi":
        return (), _PEP503.sub("-", purl.name).lower()
    if purl.type in _LOWERCASE_TYPES:
        return tuple(s.lower() for s in purl.namespace), purl.name.lower()
    return purl.namespace, purl.name


def canonical_purl(purl: Purl, version: str | None = None) -> str:
    """The purl as the tree readers write keys: no qualifiers or subpath; `version` if the purl has none."""
    namespace, name = _canonical_name(purl)
    path = "/".join(purl_part(s) for s in (*namespace, name))
    version = purl.version or version
    return f"pkg:{purl.type}/{path}" + (f"@{purl_part(version)}" if version else "")


def generic_purl(name: str, version: str | None, namespace: str | None = None) -> str:
    """pkg:generic/... for a package the SBOM gives no purl for: it can then only match another SBOM entry."""
    path = "/".join(purl_part(s) for s in (namespace, name) if s)
    return f"pkg:generic/{path}" + (f"@{purl_part(version)}" if version else "")


@dataclass(frozen=True)
class Identity:
    key: str
    purl: str
    ecosystem: str
    notes: tuple[str, ...] = ()
    problem: str | None = None  # the purl could not be read: the entry cannot be matched with the tree


def identify(raw_purl: object, name: str, version: str | None, group: str | None = None) -> Identity:
    """Key, purl and ecosystem of an SBOM package from its purl, or pkg:generic/<name>@<version> without one."""
    if raw_purl is None:
        key = generic_purl(name, version, group)
        return Identity(key, key, "generic", ("the SBOM gives no purl for this package; it is keyed by name",))
    purl = parse_purl(raw_purl) if isinstance(raw_purl, str) else None
    if purl is None:
        key = generic_purl(name, version, group)
        problem = f"its purl {raw_purl!r} is not a package URL; it was read as {key} and cannot be matched with the tree"
        return Identity(key, key, "generic", (f"the SBOM's purl {raw_purl!r} is not a package URL",), problem)
    key = canonical_purl(purl, version)
    notes = []
    if purl.qualifiers or purl.subpath:
        notes.append(f"the SBOM's purl is {raw_purl.strip()}; qualifiers and subpath are not part of the identity")
    if purl.version is None and version:
        notes.append(f"the SBOM's purl has no version; the package version {version} was added to it")
    elif purl.version and version and purl.version != version:
        notes.append(f"the SBOM gives version {version} but its purl says {purl.version}; the purl's is used")
    return Identity(key, key, purl.type, tuple(notes))


def integrity(digests: Iterable[tuple[tuple[int, str], str]]) -> str | None:
    """The preferred digest as "<alg>:<hex>" from ((rank, alg name), value) pairs; None without one."""
    best = min(((rank, value) for rank, value in digests if isinstance(value, str) and value.strip()), default=None)
    if best is None:
        return None
    (_, name), value = best
    return f"{name}:{value.strip().lower()}"


def excerpt(text: str) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= EXCERPT_CHARS else flat[:EXCERPT_CHARS] + "..."


@dataclass(frozen=True)
class VendorText:
    """The text an SBOM gives for one of its own license ids (an SPDX LicenseRef, a CycloneDX named license)."""

    expression: str | None  # the SPDX expression the text was identified as, None when it is not a known text
    note: str


def identify_text(label: str, text: str, where: str) -> VendorText:
    """Identify a license text carried inside the SBOM, as osi-check identifies a license file.

    Only a text that reads cleanly as known licenses (no rider, no modification) replaces the vendor's
    id; anything else stays unknown and its beginning is quoted so a reviewer sees what the vendor wrote.
    """
    quoted = excerpt(text)
    if not quoted:
        return VendorText(None, f"{label}: the SBOM carries an empty license text")
    found = license_from_text(where, text)
    if found.expression and not found.unknown and not found.expression.startswith(licensing.UNKNOWN_PREFIX):
        how = found.evidence[0].detail if found.evidence else "identified"
        return VendorText(found.expression, f"{label}: the SBOM's license text reads as {found.expression} ({how}); text: {quoted}")
    return VendorText(None, f"{label} is the vendor's own license, unknown to osi-check; its text begins: {quoted}")


TextLookup = Callable[[str], "VendorText | None"]


def substitute_refs(expression: str, lookup: TextLookup | None) -> tuple[str, tuple[str, ...]]:
    """Replace each vendor license id whose text was identified by that license; collect the notes."""
    if lookup is None:
        return expression, ()
    notes: list[str] = []

    def replace(match: re.Match) -> str:
        ref = match.group(1)
        text = lookup(ref)
        if text is None:
            return ref
        notes.append(text.note)
        if text.expression is None:
            return ref
        return f"({text.expression})" if " " in text.expression else text.expression

    return _LICENSE_REF.sub(replace, expression), tuple(dict.fromkeys(notes))


def stated(
    raw: str,
    evidence: Evidence,
    *,
    texts: TextLookup | None = None,
    notes: tuple[str, ...] = (),
) -> LicenseConclusion:
    """The conclusion for a license expression an SBOM states, normalised like any declaration."""
    text, ref_notes = substitute_refs(raw, texts)
    normalized = licensing.normalize(text)
    if normalized.expression is None:
        return LicenseConclusion(None, (evidence,), notes=(*notes, "the SBOM states an empty license"))
    return LicenseConclusion(
        normalized.expression,
        (evidence,),
        normalized.unknown,
        tuple(dict.fromkeys((*normalized.notes, *ref_notes, *notes))),
        confident=normalized.confident,
    )
