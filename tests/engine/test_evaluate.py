"""Evaluation over whole scans: how findings are produced and how unknowns are folded."""

from __future__ import annotations

from osi_check import licensing
from osi_check.deployment import deployment_for
from osi_check.engine.evaluate import evaluate
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.rules import load_rules
from osi_check.facts import (
    Component,
    Evidence,
    EvidenceKind,
    Facts,
    FileLicense,
    LicenseConclusion,
    Location,
    Role,
    Scope,
)
from osi_check.model import FindingKind

RULES = load_rules()


def component(key: str, declared: str | None, *, role=Role.DEPENDENCY, scope=Scope.RUNTIME) -> Component:
    location = Location("composer.lock", 10)
    normalized = licensing.normalize(declared) if declared else licensing.Normalized(None)
    conclusion = LicenseConclusion(
        normalized.expression,
        (Evidence(EvidenceKind.DECLARED, location, declared or ""),) if declared else (),
        normalized.unknown,
        normalized.notes,
    )
    return Component(key, key, "1.0", "composer", role, scope, conclusion, location, root=f"vendor/{key}")


def run(components, profile="saas", modified=None, files=()):
    facts = Facts("tree", deployment_for(profile, modified), tuple(components), tuple(files))
    return evaluate(RULES, facts, builtin_knowledge())


def test_agpl_saas_with_unknown_modification_gives_one_needs_info_naming_both_waiting_rules():
    findings = run([component("app", "AGPL-3.0-only", role=Role.APPLICATION)])
    assert len(findings) == 1
    finding = findings[0]
    assert finding.rule_id == "obligations/agpl-network-source-offer"
    assert finding.kind is FindingKind.NEEDS_INFO
    assert finding.waiting_rules == (
        "obligations/agpl-network-source-offer",
        "obligations/agpl-unmodified-network-use",
    )
    assert "Was app@1.0 modified?" in finding.message
    assert {f.name: f.value for f in finding.facts}["component.modified"] == "unknown"


def test_declared_modification_turns_the_question_into_an_obligation_or_a_note():
    modified = run([component("app", "AGPL-3.0-only")], modified=True)
    assert [(f.rule_id, f.kind) for f in modified] == [("obligations/agpl-network-source-offer", FindingKind.OBLIGATION)]
    unmodified = run([component("app", "AGPL-3.0-only")], modified=False)
    assert [(f.rule_id, f.kind) for f in unmodified] == [("obligations/agpl-unmodified-network-use", FindingKind.NOTE)]


def test_internal_deployment_has_no_agpl_source_obligation_but_raises_the_section_13_question():
    findings = run([component("app", "AGPL-3.0-only")], profile="internal", modified=True)
    assert [(f.rule_id, f.kind, f.topic) for f in findings] == [
        ("obligations/agpl-internal-network-use", FindingKind.RISK, "disclosure")
    ]


def test_an_unknown_license_is_one_needs_info_that_lists_the_rules_it_blocks():
    findings = run([component("weird", "BSD")], profile="on-prem-delivery")
    assert [f.rule_id for f in findings] == ["needs-info/unknown-license"]
    finding = findings[0]
    assert "'BSD' (composer.lock:10)" in finding.message
    assert "obligations/strong-copyleft-distribution" in finding.waiting_rules
    assert "osd/license-not-osi-approved" in finding.waiting_rules


def test_no_license_at_all_is_asked_for_not_passed():
    findings = run([component("bare", None)], profile="internal")
    assert [f.rule_id for f in findings] == ["needs-info/unknown-license"]
    assert "no license declaration or text" in findings[0].message


def test_proprietary_module_is_a_risk_with_its_evidence():
    findings = run([component("voip", "LicenseRef-OPL-1", role=Role.MODULE)], profile="internal")
    assert [(f.rule_id, f.kind) for f in findings] == [
        ("commercial/license-required-for-use", FindingKind.OBLIGATION),
        ("osd/license-not-osi-approved", FindingKind.RISK),
    ]
    assert findings[0].evidence[0].quote == "LicenseRef-OPL-1"


def test_file_tags_are_subjects_for_rules_that_apply_to_files():
    app = component("app", "MIT", role=Role.APPLICATION)
    tag = licensing.normalize("Made-Up-1.0")
    file = FileLicense(
        "src/x.php",
        LicenseConclusion(tag.expression, (Evidence(EvidenceKind.SPDX_TAG, Location("src/x.php", 3), "Made-Up-1.0"),), tag.unknown),
        "app",
    )
    findings = run([app], profile="internal", files=[file])
    assert [(f.rule_id, f.subject.type, f.subject.key) for f in findings] == [
        ("needs-info/unknown-license", "file", "src/x.php")
    ]


def test_fingerprints_are_stable_and_distinct():
    first = run([component("a", "GPL-2.0-only"), component("b", "GPL-2.0-only")], profile="on-prem-delivery")
    second = run([component("b", "GPL-2.0-only"), component("a", "GPL-2.0-only")], profile="on-prem-delivery")
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
    assert len({f.fingerprint for f in first}) == len(first) == 4  # source offer and change notices, for each


def test_a_file_header_that_differs_from_its_component_is_recorded_on_the_file():
    from osi_check.facts import SourceResult
    from osi_check.resolve import resolve

    app = component("app", "AGPL-3.0-only", role=Role.APPLICATION)
    app = Component("application:.", "app", None, "application", Role.APPLICATION, Scope.RUNTIME, app.license,
                    Location("composer.json", 3), root=".")
    lib = component("acme/lib", "MIT")
    tag = licensing.normalize("GPL-2.0-only")
    header = FileLicense(
        "vendor/acme/lib/src/Thing.php",
        LicenseConclusion(tag.expression, (Evidence(EvidenceKind.SPDX_TAG, Location("vendor/acme/lib/src/Thing.php", 2), "GPL-2.0-only"),)),
        "",
    )
    agreeing = FileLicense(
        "vendor/acme/lib/src/Other.php",
        LicenseConclusion("MIT", (Evidence(EvidenceKind.SPDX_TAG, Location("vendor/acme/lib/src/Other.php", 2), "MIT"),)),
        "",
    )
    facts = resolve("tree", deployment_for("internal"), [SourceResult(components=(app, lib), files=(header, agreeing))])
    files = {f.path: f for f in facts.files}
    assert files["vendor/acme/lib/src/Thing.php"].component_key == lib.key
    (conflict,) = files["vendor/acme/lib/src/Thing.php"].license.conflicts
    assert "GPL-2.0-only" in conflict and "acme/lib" in conflict and "MIT" in conflict
    assert files["vendor/acme/lib/src/Other.php"].license.conflicts == ()
