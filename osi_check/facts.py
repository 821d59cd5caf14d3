"""The facts a scan establishes about a tree: immutable records that cross module boundaries.

Sources and detectors produce these; the engine reads them; formats render them. Every record is a
frozen dataclass so that a later stage can never change what an earlier stage found, and so that
the whole Report is deterministic and comparable in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Role(str, Enum):
    """What a component is to the deployment."""

    APPLICATION = "application"  # the scanned CRM itself (its own code)
    DEPENDENCY = "dependency"  # a package pulled in through a lockfile or manifest
    MODULE = "module"  # an add-on/extension module (Odoo addon, SuiteCRM module, ...)


class Scope(str, Enum):
    """Whether a component is part of what is deployed or shipped."""

    RUNTIME = "runtime"
    OPTIONAL = "optional"  # installed when possible (npm optionalDependencies, extras): shipped when present
    DEV = "dev"  # development and build only: never shipped, carries no distribution obligations
    TEST = "test"  # tests only: never shipped

    @property
    def shipped(self) -> bool:
        return self in (Scope.RUNTIME, Scope.OPTIONAL)


class EvidenceKind(str, Enum):
    DECLARED = "declared"  # a license field in a manifest or lockfile
    LICENSE_TEXT = "license-text"  # a full license text (LICENSE, COPYING, ...)
    NOTICE = "notice"  # a license notice ("version 3 ... or any later version")
    SPDX_TAG = "spdx-tag"  # SPDX-License-Identifier:
    DEFAULT = "default"  # a value the ecosystem implies when nothing is declared (Odoo: LGPL-3)
    SBOM = "sbom"  # a license stated in an SBOM handed over with the delivery
    TAG = "tag"  # a documentation tag naming a license (@license MIT, @license GPL-2.0-or-later)
    REFERENCE = "reference"  # a pointer to a license ("Licensed under the MIT license", a license URL)
    MARKER = "marker"  # an in-file marker that puts the file under other terms (/* @license Enterprise */)
    ADDITIONAL_TERMS = "additional-terms"  # terms added to a license (GPL/AGPL §7 terms, a rider)


@dataclass(frozen=True, order=True)
class Location:
    """A place in the scanned tree: POSIX path relative to the scan root, 1-based lines."""

    path: str
    line: int | None = None
    end_line: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.end_line and self.end_line != self.line:
            return f"{self.path}:{self.line}-{self.end_line}"
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for a license conclusion: where it is and what it says."""

    kind: EvidenceKind
    location: Location
    quote: str  # the text as found (raw declared string, matched line, ...)
    detail: str = ""  # how it was read: "composer license array (choice)", "98% of GPL-3.0 text", ...
    score: float | None = None  # for detections: how much of the reference text or rule matched (0-1)


@dataclass(frozen=True)
class AdditionalTerm:
    """A term added to a license, extracted as data because it becomes an obligation or a restriction.

    `kind` is one of: attribution (GPL-3.0/AGPL-3.0 §7(b): preserve notices or logos, e.g. "Powered by
    SugarCRM"), warranty-disclaimer (§7(a)), extra-permission (§7 additional permissions, license
    exceptions), trademark (§7(e)), further-restriction (anything else; §7 lets recipients remove it),
    rider (a restriction added to a permissive license, e.g. the Commons Clause).
    """

    kind: str
    text: str  # the clause as found (whitespace-collapsed, capped)
    location: Location
    section: str | None = None  # "7(b)" when the text says so
    required_notices: tuple[str, ...] = ()  # for attribution: the words/logos that must stay visible


@dataclass(frozen=True)
class LicenseConclusion:
    """The license a component or file is concluded to be under, and why.

    `expression` is a normalised SPDX expression. Parts that could not be recognised appear in it as
    `LicenseRef-osi-check-unknown-*` and are listed in `unknown` with their raw strings, so an
    unrecognised declaration is never dropped and never mistaken for a known license.
    `expression` is None only when no license evidence was found at all.
    """

    expression: str | None
    evidence: tuple[Evidence, ...] = ()
    unknown: tuple[str, ...] = ()  # raw strings that could not be identified
    notes: tuple[str, ...] = ()  # normalisation remarks a reviewer should see
    confident: bool = True  # False when a mapping is a plausible reading, not a certain one ("MIT/X11")
    conflicts: tuple[str, ...] = ()  # disagreements between sources, each saying who said what
    additional_terms: tuple[AdditionalTerm, ...] = ()  # §7 terms, exceptions and riders found with it

    @property
    def status(self) -> str:
        if self.expression is None:
            return "none"
        return "unknown" if self.unknown else "known"


@dataclass(frozen=True)
class Component:
    """A unit with its own license: the application, a dependency, or an add-on module."""

    key: str  # stable identity across runs: a purl, or ecosystem:path for unpublished modules
    name: str
    version: str | None
    ecosystem: str  # composer, npm, odoo, application
    role: Role
    scope: Scope
    license: LicenseConclusion
    location: Location  # where it is declared (manifest/lockfile line)
    root: str | None = None  # its directory in the tree, when it has one (files below belong to it)
    purl: str | None = None
    direct: bool | None = None  # a direct dependency of the project (True), transitive (False), or not said
    integrity: str | None = None  # the lockfile's hash of the package ("sha512-...", "sha256:..."), if any
    dependencies: tuple[str, ...] = ()  # names it declares it depends on (Odoo `depends`, lock requires)
    price: str | None = None  # a listed price ("149.0 EUR"): a fee fact, not evidence of a license
    sources: tuple[str, ...] = ()  # the readers that found it (filled by resolve when merging)
    scope_declared: bool = True  # False when the reader cannot tell (an installed copy): a lockfile's word wins

    @property
    def shipped(self) -> bool:
        return self.scope.shipped


@dataclass(frozen=True)
class FileLicense:
    """License evidence found inside one file of the tree (e.g. an SPDX-License-Identifier tag)."""

    path: str
    license: LicenseConclusion
    component_key: str  # the component whose code this file is


@dataclass(frozen=True)
class InputProblem:
    """Something in the tree that could not be read as intended. Makes the report partial."""

    location: Location
    message: str
    reader: str  # which source/detector hit it

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Deployment:
    """How the scanned CRM is deployed: independent flags, named by a profile.

    `modified` is three-valued: None means nobody has established it, and rules that depend on it
    must then ask for it (needs-info) rather than assume either answer.
    """

    profile: str
    distributed: bool
    network_service: bool
    internal_network: bool
    contractor: bool = False
    modified: bool | None = None
    # The license the deployed work as a whole is distributed under, when the user states it
    # (--outbound-license); otherwise the licenses binding the work are derived from its components.
    outbound_license: str | None = None


@dataclass(frozen=True)
class FileChange:
    """One file compared with the upstream release: what changed, and under which terms it is.

    A whitespace-only change (when the comparison was asked to ignore them) is kept with
    `whitespace_only` set, so it is shown but does not count as a modification."""

    path: str
    status: str  # unchanged | modified | added | deleted | renamed
    old_path: str | None = None  # for renamed files
    component_key: str | None = None
    license: str | None = None  # the file's own license, else its component's
    whitespace_only: bool = False
    last_changed: str | None = None  # ISO date from git where available
    similarity: float | None = None  # for renamed files: 1.0 moved as is, lower when also edited

    @property
    def counts_as_modification(self) -> bool:
        return self.status != "unchanged" and not self.whitespace_only


@dataclass(frozen=True)
class SourceResult:
    """What one source or detector read from one input file."""

    components: tuple[Component, ...] = ()
    files: tuple[FileLicense, ...] = ()
    problems: tuple[InputProblem, ...] = ()


@dataclass(frozen=True)
class Facts:
    """Everything the engine reasons over, for one scan."""

    target: str  # display name of the scanned tree (its directory name)
    deployment: Deployment
    components: tuple[Component, ...]
    files: tuple[FileLicense, ...] = ()
    problems: tuple[InputProblem, ...] = ()
    files_scanned: int = 0
    skipped: tuple[str, ...] = field(default=())  # directories deliberately not descended into
    # The comparison with the upstream release, when one was given: `upstream` names it, `changes`
    # holds every file that differs (unchanged files are not listed). None: not compared.
    upstream: str | None = None
    changes: tuple[FileChange, ...] = ()
    files_unchanged: int = 0  # files identical to the upstream (not listed in `changes`)
    # Components none of whose files are in the upstream (a custom module, a newly added package).
    components_added: tuple[str, ...] = ()
    # Components whose pristine release was not available to compare with (a package added after the
    # upstream release): their modification status stays as declared, i.e. unknown unless --modified.
    components_not_compared: tuple[str, ...] = ()
