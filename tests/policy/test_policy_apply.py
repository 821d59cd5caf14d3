"""apply_policy: a pure step after evaluation, tested on the findings of a real scan of the example."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date

import pytest

from osi_check.cache.scan import scan_tree
from osi_check.deployment import deployment_for
from osi_check.gate import decide
from osi_check.model import Finding, FindingKind, Severity, Subject
from osi_check.policy import apply_policy, clarify
from osi_check.policy.model import (
    Clarification,
    CommercialLicense,
    LicenseFile,
    LicenseList,
    Policy,
    Scope,
    SeverityOverride,
    Waiver,
)
from tests.conftest import EXAMPLE

TODAY = date(2026, 6, 1)
UNKNOWN = "needs-info/unknown-license"
AGPL = "obligations/agpl-network-source-offer"
XMLRPC = "pkg:composer/phpxmlrpc/phpxmlrpc"


@pytest.fixture(scope="module")
def example():
    return scan_tree(EXAMPLE, deployment_for("saas"))


def run(example, policy: Policy, today: date = TODAY) -> tuple[Finding, ...]:
    return apply_policy(example.findings, policy, today, components=example.facts.components,
                        files=example.facts.files, known_rules=frozenset(example.rule_ids))


def by_rule(findings, rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


def waiver(**kwargs) -> Waiver:
    values = {"scope": Scope(), "reason": "reviewed", "owner": "legal", "expires": date(2026, 12, 31),
              "source": "osi-check.toml:3"}
    return Waiver(**{**values, **kwargs})


def test_an_empty_policy_changes_nothing(example):
    assert run(example, Policy("osi-check.toml")) == example.findings


# -- allowed and denied licenses ------------------------------------------------------------------

def test_allow_list_flags_components_outside_it_and_an_or_passes_if_one_choice_is_allowed(example):
    allowed = ("MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "AGPL-3.0-only", "AGPL-3.0-or-later",
               "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "LicenseRef-OPL-1", "ISC")
    policy = Policy("osi-check.toml", allow=tuple(LicenseList(x, "osi-check.toml:2") for x in allowed))
    findings = run(example, policy)
    flagged = {f.subject.key: f for f in by_rule(findings, "policy/license-not-allowed")}
    # GPL-2.0-only and LGPL-2.1-only are not allowed; "Apache-2.0 OR LGPL-2.1-only" passes through Apache-2.0,
    # and "MPL-2.0 OR Apache-2.0" (dompurify) through Apache-2.0
    assert "pkg:composer/mpdf/mpdf@v8.2.4" in flagged
    assert "pkg:composer/phpmailer/phpmailer@v6.9.1" in flagged
    assert "pkg:composer/elasticsearch/elasticsearch@v7.17.2" not in flagged
    assert "pkg:npm/dompurify@3.1.5" not in flagged
    assert flagged["pkg:composer/mpdf/mpdf@v8.2.4"].severity is Severity.ERROR
    assert "GPL-2.0-only" in flagged["pkg:composer/mpdf/mpdf@v8.2.4"].message
    # unknown licenses are the unknown-license rule's business, not the allow list's
    assert f"{XMLRPC}@4.10.3" not in flagged
    # ISC is allowed but nothing uses it: an unused entry (a note)
    unused = [f for f in by_rule(findings, "policy/unused-entry") if "ISC" in f.message]
    assert len(unused) == 1 and unused[0].severity is Severity.NOTE


def test_deny_list_with_choices_and_and(example):
    policy = Policy("osi-check.toml", deny=(LicenseList("LGPL-2.1-only"), LicenseList("GPL-2.0-only")))
    findings = run(example, policy)
    denied = {f.subject.key for f in by_rule(findings, "policy/license-denied")}
    assert "pkg:composer/mpdf/mpdf@v8.2.4" in denied and "pkg:composer/phpmailer/phpmailer@v6.9.1" in denied
    # "Apache-2.0 OR LGPL-2.1-only": the Apache-2.0 choice is not denied
    assert "pkg:composer/elasticsearch/elasticsearch@v7.17.2" not in denied
    assert not by_rule(findings, "policy/license-not-allowed")


def test_a_license_with_an_exception_passes_when_its_base_is_allowed():
    from osi_check.facts import Component, LicenseConclusion, Location, Role, Scope as CScope
    from osi_check.policy.licenses import check_licenses

    def component(expression):
        return Component("pkg:maven/x/y@1", "y", "1", "maven", Role.DEPENDENCY, CScope.RUNTIME,
                         LicenseConclusion(expression), Location("pom.xml", 3))

    allow = Policy("p", allow=(LicenseList("GPL-2.0-only"), LicenseList("MIT")))
    assert check_licenses((component("GPL-2.0-only WITH Classpath-exception-2.0"),), allow)[0] == ()
    assert check_licenses((component("MIT AND BSD-3-Clause"),), allow)[0][0].rule_id == "policy/license-not-allowed"
    deny = Policy("p", deny=(LicenseList("GPL-2.0-only"),))
    assert check_licenses((component("GPL-2.0-only WITH Classpath-exception-2.0"),), deny)[0][0].rule_id == \
        "policy/license-denied"
    assert check_licenses((component("MIT OR GPL-2.0-only"),), deny)[0] == ()


# -- severity overrides -----------------------------------------------------------------------------

def test_severity_overrides_change_severity_and_kind_and_the_gate(example):
    assert not decide(example.findings, "error").failed
    policy = Policy("osi-check.toml", severities=(
        SeverityOverride(UNKNOWN, "error", source="osi-check.toml:5"),
        SeverityOverride(AGPL, "note", "needs-info", "osi-check.toml:6"),
    ))
    findings = run(example, policy)
    assert {f.severity for f in by_rule(findings, UNKNOWN)} == {Severity.ERROR}
    assert {(f.severity, f.kind) for f in by_rule(findings, AGPL)} == {(Severity.NOTE, FindingKind.NEEDS_INFO)}
    gate = decide(findings, "error")
    assert gate.failed and gate.counted == 1


def test_an_override_for_a_rule_that_does_not_exist_is_reported(example):
    findings = run(example, Policy("osi-check.toml", severities=(SeverityOverride("needs-info/unknwon", "error",
                                                                                  source="osi-check.toml:9"),)))
    (unused,) = by_rule(findings, "policy/unused-entry")
    assert "needs-info/unknwon" in unused.message and unused.subject.location == "osi-check.toml:9"


# -- exceptions (waivers) ---------------------------------------------------------------------------

def test_a_waiver_suppresses_what_it_covers_and_the_finding_stays_in_the_report(example):
    policy = Policy("osi-check.toml", waivers=(waiver(scope=Scope(purl=XMLRPC), rule=UNKNOWN, owner="anna"),))
    findings = run(example, policy)
    (waived,) = by_rule(findings, UNKNOWN)
    assert waived.suppression is not None
    assert (waived.suppression.kind, waived.suppression.owner, waived.suppression.expires) == \
        ("waiver", "anna", "2026-12-31")
    assert waived.suppression.source == "osi-check.toml:3"
    assert len(findings) == len(example.findings)
    strict = Policy("p", severities=(SeverityOverride(UNKNOWN, "error"),), waivers=policy.waivers)
    assert not decide(run(example, strict), "error").failed  # waived: not counted
    assert decide(run(example, replace(strict, waivers=())), "error").failed


@pytest.mark.parametrize("scope, waived", [
    (Scope(purl=XMLRPC), True),
    (Scope(purl=f"{XMLRPC}@4.10.3"), True),
    (Scope(purl=f"{XMLRPC}@4.10.2"), False),
    (Scope(purl=XMLRPC, versions="vers:composer/>=4.0.0|<5.0.0"), True),
    (Scope(purl=XMLRPC, versions="vers:composer/>=4.10.4"), False),
    (Scope(purl="pkg:composer/phpxmlrpc/other"), False),
    (Scope(path="vendor/phpxmlrpc/*"), True),
    (Scope(path="vendor/psr/*"), False),
])
def test_waiver_scopes_purl_version_range_and_path(example, scope, waived):
    findings = run(example, Policy("osi-check.toml", waivers=(waiver(scope=scope),)))
    (finding,) = by_rule(findings, UNKNOWN)
    assert (finding.suppression is not None) is waived
    assert bool(by_rule(findings, "policy/unused-entry")) is not waived


def test_a_waiver_by_fingerprint_and_by_rule_glob(example):
    target = by_rule(example.findings, AGPL)[0]
    findings = run(example, Policy("p", waivers=(waiver(fingerprint=target.fingerprint),)))
    assert [f.fingerprint for f in findings if f.suppression] == [target.fingerprint]
    findings = run(example, Policy("p", waivers=(waiver(scope=Scope(path="addons/*"), rule="obligations/*"),)))
    assert [f.subject.key for f in findings if f.suppression] == ["odoo:addons/partner_contact_sync"]


def test_waiver_expiry_with_an_injected_clock(example):
    policy = Policy("osi-check.toml", waivers=(waiver(scope=Scope(purl=XMLRPC), expires=date(2026, 6, 30)),))
    on_the_last_day = run(example, policy, date(2026, 6, 30))
    assert by_rule(on_the_last_day, UNKNOWN)[0].suppression is not None
    assert not by_rule(on_the_last_day, "policy/expired-exception")
    the_day_after = run(example, policy, date(2026, 7, 1))
    assert by_rule(the_day_after, UNKNOWN)[0].suppression is None
    (expired,) = by_rule(the_day_after, "policy/expired-exception")
    assert "expired on 2026-06-30" in expired.message and expired.subject.location == "osi-check.toml:3"
    assert not by_rule(the_day_after, "policy/unused-entry")


def test_policy_findings_are_stable_and_cannot_be_waived_away(example):
    policy = Policy("osi-check.toml", waivers=(
        waiver(scope=Scope(purl="pkg:npm/gone"), source="osi-check.toml:3"),
        waiver(scope=Scope(path="*"), rule="policy/*", source="osi-check.toml:9"),
    ))
    first = by_rule(run(example, policy), "policy/unused-entry")
    moved = replace(policy, waivers=(replace(policy.waivers[0], source="osi-check.toml:30"), policy.waivers[1]))
    second = by_rule(run(example, moved), "policy/unused-entry")
    assert first[0].suppression is None
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]  # lines move, fingerprints stay


# -- commercial licenses held -----------------------------------------------------------------------

def commercial_finding(product: str) -> Finding:
    return Finding(
        rule_id="commercial/enterprise-module", kind=FindingKind.VIOLATION, severity=Severity.ERROR,
        title="A commercial license is required",
        message=f"addons/crm_voip_connector is under OPL-1: using it requires a {product} subscription.",
        subject=Subject("component", "odoo:addons/crm_voip_connector", "crm_voip_connector",
                        "addons/crm_voip_connector/__manifest__.py:1"),
        fingerprint="00000000000000c1", topic="commercial",
    )


def test_a_commercial_license_held_satisfies_findings_naming_its_product_until_it_expires():
    needed = (commercial_finding("Odoo Enterprise"), commercial_finding("Acme Suite"))
    held = CommercialLicense("Odoo Enterprise", 25, date(2026, 12, 31), "Odoo S.A.", source="osi-check.toml:12")
    policy = Policy("osi-check.toml", commercial=(held,))
    findings = apply_policy(needed, policy, TODAY)
    odoo, acme = (next(f for f in findings if p in f.message) for p in ("Odoo Enterprise", "Acme Suite"))
    assert odoo.suppression.kind == "commercial-license" and "25 seat(s)" in odoo.suppression.reason
    assert odoo.suppression.expires == "2026-12-31"
    assert acme.suppression is None
    later = apply_policy(needed, policy, date(2027, 1, 1))
    assert all(f.suppression is None for f in later if f.topic == "commercial")
    (expired,) = by_rule(later, "policy/expired-commercial-license")
    assert "Odoo Enterprise" in expired.message
    unused = apply_policy((needed[1],), policy, TODAY)
    assert "Odoo Enterprise" in by_rule(unused, "policy/unused-entry")[0].message


def test_a_commercial_license_held_for_a_module_satisfies_the_real_commercial_finding(example):
    held = CommercialLicense("crm_voip_connector", 10, date(2026, 12, 31), source="osi-check.toml:20")
    findings = run(example, Policy("osi-check.toml", commercial=(held,)))
    suppressed = {(f.rule_id, f.subject.key) for f in findings if f.suppression}
    commercial = {(f.rule_id, f.subject.key) for f in findings if f.topic == "commercial"}
    assert commercial and suppressed == commercial  # the OSD and compatibility findings about it still count
    assert all(f.suppression.kind == "commercial-license" for f in findings if f.suppression)


def test_a_commercial_license_only_covers_commercial_findings(example):
    held = CommercialLicense("phpxmlrpc", None, date(2026, 12, 31))  # named in a needs-info message
    findings = run(example, Policy("p", commercial=(held,)))
    assert not any(f.suppression for f in findings)


# -- clarifications -----------------------------------------------------------------------------------

def clarified_tree(tmp_path, license_text: str):
    (tmp_path / "composer.json").write_text(json.dumps({"name": "acme/crm", "license": "MIT"}), "utf-8")
    (tmp_path / "composer.lock").write_text(json.dumps({"packages": [
        {"name": "acme/widget", "version": "1.2.0", "license": ["BSD"]}], "packages-dev": []}), "utf-8")
    package = tmp_path / "vendor" / "acme" / "widget"
    package.mkdir(parents=True)
    (package / "NOTES.txt").write_text(license_text, "utf-8")
    return tmp_path


def test_a_clarification_pinned_to_a_license_file_applies_until_the_file_changes(tmp_path):
    text = "Redistribution is permitted under the terms the vendor agreed with us in writing.\n"
    root = clarified_tree(tmp_path, text)
    entry = Clarification(Scope(purl="pkg:composer/acme/widget"), "BSD-3-Clause",
                          (LicenseFile("vendor/acme/widget/NOTES.txt", hashlib.sha256(text.encode()).hexdigest()),),
                          "vendor confirmed BSD-3-Clause", "osi-check.toml:4")
    policy = Policy("osi-check.toml", clarifications=(entry,))
    unclarified = scan_tree(root, deployment_for("internal"))
    assert any(f.rule_id == UNKNOWN for f in unclarified.findings)

    def scan():
        return scan_tree(root, deployment_for("internal"), adjust=lambda facts, sha: clarify(facts, sha, policy=policy))

    done = scan()
    widget = next(c for c in done.facts.components if c.name == "acme/widget")
    assert widget.license.expression == "BSD-3-Clause" and not widget.license.unknown
    assert widget.license.evidence[0].location.path == "osi-check.toml"
    assert any("clarified by the policy" in n for n in widget.license.notes)
    assert not any(f.rule_id == UNKNOWN for f in done.findings)

    (root / "vendor/acme/widget/NOTES.txt").write_text(text + "Commercial use requires a license.\n", "utf-8")
    void = scan()
    widget = next(c for c in void.facts.components if c.name == "acme/widget")
    assert widget.license.unknown  # back to what osi-check read itself
    (finding,) = [f for f in void.findings if f.rule_id == "policy/clarification-void"]
    assert "vendor/acme/widget/NOTES.txt changed" in finding.message and finding.subject.location == "osi-check.toml:4"
    assert any(f.rule_id == UNKNOWN for f in void.findings)


def test_a_clarification_that_matches_no_component_is_unused(example):
    entry = Clarification(Scope(purl="pkg:npm/left-pad"), "MIT", (LicenseFile("LICENSE", "0" * 64),))
    facts, findings = clarify(example.facts, lambda path: None, policy=Policy("p", clarifications=(entry,)))
    assert facts == example.facts
    assert [f.rule_id for f in findings] == ["policy/unused-entry"]
