"""The policy a team keeps beside its code: what it allows, what it decided, and until when.

Every entry remembers where it was written (`source`, "osi-check.toml:12"), so a finding about an entry
(unused, expired, void) points at the line to change, as cargo-deny's diagnostics do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scope:
    """Which components (and their files) an entry is about: a purl without version, an optional version
    range (a `vers:` range, or the ecosystem's native syntax where univers reads it), a path glob."""

    purl: str = ""  # "pkg:composer/phpxmlrpc/phpxmlrpc"; a version after "@" must match exactly
    versions: str = ""  # "vers:composer/>=4.0.0|<5.0.0" or native (npm "^4.0.0", pypi ">=1,<2")
    path: str = ""  # glob over a file finding's path or a component's directory: "modules/legacy/*"


@dataclass(frozen=True)
class Waiver:
    """A recorded decision that a finding is acceptable: cargo-deny's `exceptions`, with an owner and an
    expiry so that a decision is revisited instead of living forever."""

    scope: Scope
    reason: str
    owner: str
    expires: date
    rule: str = ""  # a rule id or glob ("obligations/*"); "" for every rule
    fingerprint: str = ""  # one finding exactly
    source: str = ""


@dataclass(frozen=True)
class LicenseFile:
    path: str  # relative to the scanned tree
    sha256: str  # hex digest of the file's bytes when the clarification was made


@dataclass(frozen=True)
class Clarification:
    """'This component is under EXPRESSION, as these license files say': cargo-deny's `clarify`. Pinned
    to the license files' hashes, so a changed file voids it rather than silently keeping an old answer."""

    scope: Scope
    expression: str
    license_files: tuple[LicenseFile, ...]
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class SeverityOverride:
    """A team's own weight for a rule: e.g. the AGPL §13 question as a warning, or unknown licenses as errors."""

    rule: str
    severity: str  # error | warning | note
    kind: str = ""  # optional new finding kind, e.g. "needs-info"
    source: str = ""


@dataclass(frozen=True)
class CommercialLicense:
    """A commercial license the organisation holds: it satisfies `commercial` findings naming the product."""

    product: str
    seats: int | None
    expires: date
    vendor: str = ""
    scope: Scope = Scope()
    source: str = ""


@dataclass(frozen=True)
class LicenseList:
    """An allowed or denied license, as written in the policy."""

    license: str  # an SPDX id, LicenseRef, or "ID WITH EXCEPTION"
    source: str = ""


@dataclass(frozen=True)
class Policy:
    path: str  # the file it was read from ("" for the empty policy)
    deployment: str | None = None
    modified: str | None = None
    fail_on: str | None = None
    allow: tuple[LicenseList, ...] = ()
    deny: tuple[LicenseList, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    clarifications: tuple[Clarification, ...] = ()
    severities: tuple[SeverityOverride, ...] = ()
    commercial: tuple[CommercialLicense, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.allow or self.deny or self.waivers or self.clarifications or self.severities
                    or self.commercial)


EMPTY_POLICY = Policy(path="")
