"""What a scan concludes: findings and the report, as frozen dataclasses.

`facts.py` holds what was found in the tree; this module holds what osi-check concludes from it.
Formats render a `Report` and nothing else, so every output format says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from osi_check.facts import Component, Deployment, Evidence, FileChange, FileLicense, InputProblem


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


class FindingKind(str, Enum):
    OBLIGATION = "obligation"  # something the deployer must do
    VIOLATION = "violation"  # something that breaks a license or policy
    RISK = "risk"  # something that needs a decision (e.g. a license that is not open source)
    NEEDS_INFO = "needs-info"  # a fact osi-check cannot establish; a rule is waiting on it
    NOTE = "note"  # an explanation worth knowing (e.g. why no obligation applies)
    INPUT_ERROR = "input-error"  # part of the tree could not be read: the scan is partial


@dataclass(frozen=True)
class Citation:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class FactUsed:
    """A fact a rule relied on, with the value it had: the 'why' of a finding."""

    name: str
    value: str


@dataclass(frozen=True)
class Action:
    """The concrete step an obligation asks for, so a checklist can be built from findings alone:
    what to provide, to whom, how, and by when (e.g. "the Corresponding Source of the modified version",
    "every remote user", "a prominent link to a network download at no charge", "while the service runs")."""

    what: str
    to_whom: str
    how: str
    by_when: str


@dataclass(frozen=True)
class Suppression:
    """Why a finding no longer counts for the gate. Suppressed findings stay in every report (SARIF
    suppressions, 'waived' in HTML): a decision is shown, never hidden."""

    kind: str  # waiver | baseline | commercial-license
    reason: str
    owner: str = ""
    expires: str = ""  # ISO date, "" for none
    source: str = ""  # "path:line" of the policy entry or baseline file that suppresses it


@dataclass(frozen=True)
class Subject:
    """What a finding is about."""

    type: str  # component | file | tree
    key: str  # component key, file path, or "." for the tree
    name: str
    location: str  # "path:line" of its declaration


@dataclass(frozen=True)
class Finding:
    rule_id: str
    kind: FindingKind
    severity: Severity
    title: str
    message: str
    subject: Subject
    explanation: str = ""
    citations: tuple[Citation, ...] = ()
    facts: tuple[FactUsed, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    waiting_rules: tuple[str, ...] = ()  # for needs-info: the rules that cannot decide until the fact is known
    fingerprint: str = ""  # stable across runs: rule + subject identity, never line numbers
    topic: str = ""  # report grouping: disclosure, attribution, compatibility, fees, commercial, osd, inventory, ...
    action: Action | None = None  # for obligations: the concrete step
    suppression: Suppression | None = None  # set when a waiver or baseline covers the finding

    def sort_key(self) -> tuple:
        return (-self.severity.rank, self.rule_id, self.subject.key, self.fingerprint)


@dataclass(frozen=True)
class CriterionResult:
    """One Open Source Definition criterion assessed for one license text."""

    number: int  # 1..10
    name: str
    verdict: str  # pass | fail | unclear
    reason: str = ""
    clause: str = ""  # the quoted clause for fail/unclear
    location: str = ""  # "line N" or "offset N" in the assessed text


@dataclass(frozen=True)
class LicenseAssessment:
    """Does a license meet the Open Source Definition, and on what grounds."""

    license: str  # SPDX id, LicenseRef or the file the text came from
    verdict: str  # osi-approved | conforms-not-approved | does-not-conform | unclear
    basis: str  # spdx-list | curated | clause-detectors
    criteria: tuple[CriterionResult, ...] = ()
    name: str = ""  # the license's name, when known
    notes: tuple[str, ...] = ()  # how it was identified, added terms found, ...
    obligations: tuple[str, ...] = ()  # in brief: what passing it on requires
    fee_terms: tuple[str, ...] = ()  # in brief: what may and may not be charged for it
    rights: tuple[str, ...] = ()  # in brief: the rights a recipient receives
    location: str = ""  # where the license was found in a scanned tree ("" for a text assessed on its own)


@dataclass(frozen=True)
class FeeItem:
    """One line of a vendor's price list, judged against the licenses of what it charges for."""

    what: str
    component: str
    amount: str
    verdict: str  # allowed | forbidden | review | commercial-license-required
    reason: str
    citation: str = ""
    location: str = ""  # "price-list.yaml:12"
    vendor: str = ""  # who charges it (the price list's `vendor`), when said


@dataclass(frozen=True)
class GateDecision:
    fail_on: str  # error | warning | note | never
    failed: bool
    counted: int  # findings at or above the fail level


@dataclass(frozen=True)
class Report:
    schema_version: str
    tool_version: str
    license_list_version: str
    rules_digest: str  # identifies the rule set used, so two reports can be compared
    target: str
    deployment: Deployment
    generated_at: str | None  # ISO 8601, only when a clock was given: reports are reproducible by default
    components: tuple[Component, ...]
    files: tuple[FileLicense, ...]
    findings: tuple[Finding, ...]
    problems: tuple[InputProblem, ...]
    files_scanned: int
    skipped: tuple[str, ...]
    gate: GateDecision
    modifications: tuple[FileChange, ...] = ()  # empty when no upstream was given
    upstream: str | None = None  # what the tree was compared with; None: modification status not established
    files_unchanged: int = 0  # with an upstream: files identical to it
    components_added: tuple[str, ...] = ()  # with an upstream: components not in it at all
    components_not_compared: tuple[str, ...] = ()  # with an upstream: components without a pristine copy in it
    license_assessments: tuple[LicenseAssessment, ...] = ()
    fees: tuple[FeeItem, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.problems)

    def count_by_severity(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts
