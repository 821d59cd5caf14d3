"""What each license requires for each way a CRM is deployed: the acceptance scenarios, end to end through the
real command line over small realistic trees (tests/fixtures/scenarios/), asserting the findings themselves:
rule, severity, topic, message, action and evidence."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO, run_cli

TREES = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"
SCHEMA = json.loads((REPO / "reports" / "schemas" / "report-1.schema.json").read_text("utf-8"))


def scan(tree: str, *options: str, expect_exit: int | None = None) -> dict:
    result = run_cli("scan", str(TREES / tree), "--format", "json", *options)
    assert result.returncode in (0, 1), result.stderr
    if expect_exit is not None:
        assert result.returncode == expect_exit, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)  # topic, action and the outbound license are part of the report format
    assert report["partial"] is False, report["problems"]
    return report


def findings(report: dict, rule: str | None = None, subject: str | None = None) -> list[dict]:
    return [
        f for f in report["findings"]
        if (rule is None or f["rule"] == rule) and (subject is None or f["subject"]["key"] == subject)
    ]


def one(report: dict, rule: str, subject: str | None = None) -> dict:
    found = findings(report, rule, subject)
    assert len(found) == 1, [(f["rule"], f["subject"]["key"]) for f in report["findings"]]
    return found[0]


def disclosure_obligations(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["topic"] == "disclosure" and f["kind"] == "obligation"]


APP = "application:."


# 1. AGPL-3.0 CRM with a Section 7(b) logo clause, unmodified, SaaS
def test_unmodified_agpl_saas_attribution_but_no_source_obligation():
    report = scan("suitecrm-7b", "--deployment", "saas", "--modified", "no")
    assert disclosure_obligations(report) == []
    attribution = one(report, "attribution/keep-attribution-notices", APP)
    assert (attribution["kind"], attribution["severity"], attribution["topic"]) == ("obligation", "warning", "attribution")
    assert "'Powered by SugarCRM'" in attribution["message"] and "'Supercharged by SuiteCRM'" in attribution["message"]
    assert "Powered by SugarCRM" in attribution["action"]["what"] and "Supercharged by SuiteCRM" in attribution["action"]["what"]
    assert "Appropriate Legal Notices" in attribution["action"]["how"]
    clause = [e for e in attribution["evidence"] if e["kind"] == "additional-terms" and "7(b)" in e["detail"]]
    assert clause, attribution["evidence"]
    assert clause[0]["path"] in ("include/entryPoint.php", "modules/Accounts/Account.php") and clause[0]["line"]
    assert "Powered by SugarCRM" in clause[0]["quote"]
    note = one(report, "obligations/agpl-unmodified-network-use", APP)
    assert note["kind"] == "note" and "as soon as the component is changed" in note["message"]
    assert "§13" in note["message"]


# 2. Same, modified, SaaS
def test_modified_agpl_saas_must_offer_the_corresponding_source():
    report = scan("suitecrm-7b", "--deployment", "saas", "--modified", "yes", expect_exit=1)
    offer = one(report, "obligations/agpl-network-source-offer", APP)
    assert (offer["kind"], offer["severity"], offer["topic"]) == ("obligation", "error", "disclosure")
    action = offer["action"]
    assert "Corresponding Source of the modified version" in action["what"]
    assert "every user interacting with it remotely" in action["to_whom"]
    assert "at no charge" in action["how"] and "network server" in action["how"]
    assert "as long as it is offered" in action["by_when"]
    # declared for the whole deployment: the files cannot be listed, and the finding says how to get them
    assert "Modified files: not measured" in offer["message"] and "upstream release" in offer["message"]
    assert offer["facts"]["component.modified"] == "true"
    assert any(e["path"] == "composer.json" and e["quote"] == '"AGPL-3.0-only"' for e in offer["evidence"])
    assert findings(report, "obligations/agpl-unmodified-network-use") == []


# 2, measured: the fork is a real git repository compared with its release tag, so the files are listed
def test_modified_agpl_saas_lists_the_modified_files_measured_against_the_release(tmp_path):
    repo = tmp_path / "suitecrm-fork"
    shutil.copytree(TREES / "suitecrm-7b", repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "SuiteCRM release")
    _git(repo, "tag", "v7.14")
    account = repo / "modules" / "Accounts" / "Account.php"
    account.write_text(account.read_text("utf-8") + "\n// integrator: custom validation of VAT numbers\n", "utf-8")
    footer = repo / "themes" / "SuiteP" / "tpls" / "footer.tpl"
    footer.write_text(footer.read_text("utf-8").replace("\n", "\r\n"), "utf-8")  # line endings only
    result = run_cli("scan", str(repo), "--deployment", "saas", "--upstream", "v7.14", "--ignore-whitespace",
                     "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    offer = one(report, "obligations/agpl-network-source-offer", APP)
    assert (offer["kind"], offer["severity"]) == ("obligation", "error")
    assert offer["facts"]["component.modified"] == "true"
    assert "modules/Accounts/Account.php" in offer["message"] + offer["action"]["what"]
    assert "footer.tpl" not in offer["message"] + offer["action"]["what"]  # whitespace-only: shown, not counted
    changed = {f["path"]: f for f in report["modifications"]["files"]}
    assert changed["modules/Accounts/Account.php"]["status"] == "modified"
    assert changed["themes/SuiteP/tpls/footer.tpl"]["whitespace_only"] is True


def _git(repo: Path, *args: str) -> None:
    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "PATH": os.environ["PATH"],
           "GIT_AUTHOR_DATE": "2024-03-01T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-03-01T10:00:00+00:00"}
    subprocess.run(["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.org", "-c", "init.defaultBranch=main",
                    *args], cwd=repo, env=env, check=True, capture_output=True)


# 3. Same, modified, used only by staff over the internal network
def test_modified_agpl_for_staff_raises_the_section_13_question():
    report = scan("suitecrm-7b", "--deployment", "internal", "--modified", "yes")
    question = one(report, "obligations/agpl-internal-network-use", APP)
    assert (question["kind"], question["severity"], question["topic"]) == ("risk", "warning", "disclosure")
    assert "all users interacting with it remotely" in question["message"]
    assert disclosure_obligations(report) == []
    unknown = scan("suitecrm-7b", "--deployment", "internal")
    asked = one(unknown, "obligations/agpl-internal-network-use", APP)
    assert asked["kind"] == "needs-info" and "--modified yes or --modified no" in asked["message"]
    # the severity is the policy's to change; --fail-on warning already makes the question fail the gate
    assert run_cli("scan", str(TREES / "suitecrm-7b"), "--deployment", "internal", "--modified", "yes",
                   "--fail-on", "warning").returncode == 1


# 4. GPL-2.0-only and Apache-2.0 libraries combined in a CRM delivered to a customer
def test_gpl2_and_apache_in_a_delivery_are_incompatible_and_the_whole_work_is_disclosed():
    report = scan("gpl2-apache-delivery", "--deployment", "on-prem-delivery", "--modified", "no", expect_exit=1)
    apache = "pkg:composer/acme/http-client@2.3.0"
    gpl = "pkg:composer/legacy/pdf-forms@1.8.4"
    clash = one(report, "compatibility/incompatible-with-work", apache)
    assert (clash["kind"], clash["severity"], clash["topic"]) == ("violation", "error", "compatibility")
    assert "GPL-2.0-only (required by legacy/pdf-forms@1.8.4 (composer.lock:" in clash["message"]
    assert "OSADL compatibility matrix: Apache-2.0 code may not be part of a work distributed under GPL-2.0-only" in clash["message"]
    assert clash["facts"]["component.outbound-compatible"] == "false"
    assert findings(report, "compatibility/incompatible-with-work", APP) == []  # MIT code fits a GPL work
    source = one(report, "obligations/strong-copyleft-distribution", gpl)
    assert (source["severity"], source["topic"]) == ("error", "disclosure")
    assert "whole delivered work" in source["action"]["what"]
    assert "accompany the copy with the source" in source["action"]["how"]
    assert "written offer valid for at least three years" in source["action"]["how"]
    assert "any third party" in source["action"]["to_whom"]
    assert source["evidence"][0]["path"] == "composer.lock" and "GPL-2.0-only" in source["evidence"][0]["quote"]


# 5. LGPL-3.0 core plus a proprietary (OPL-1) module, SaaS
def test_lgpl_core_with_opl_module_in_saas():
    report = scan("odoo-lgpl-opl", "--deployment", "saas")
    opl = "odoo:addons/sale_commission_pro"
    assert disclosure_obligations(report) == []
    assert [f for f in report["findings"] if f["topic"] == "disclosure"] == []
    commercial = one(report, "commercial/license-required-for-use", opl)
    assert (commercial["kind"], commercial["topic"]) == ("obligation", "commercial")
    assert "Odoo Proprietary License v1.0" in commercial["message"]
    assert "purchased a valid license from the authors" in commercial["message"]
    assert "forbidden to publish, distribute, sublicense, or sell copies" in commercial["message"]  # no redistribution
    assert "from the module's authors" in commercial["action"]["what"]
    assert commercial["action"]["to_whom"].startswith("the organisation that runs the code")
    assert commercial["evidence"][0]["path"] == "addons/sale_commission_pro/__manifest__.py"
    assert commercial["evidence"][0]["quote"] == "OPL-1"
    # SaaS delivers no copies: the ban on redistribution is stated, not violated
    assert findings(report, "commercial/redistribution-forbidden") == []
    assert findings(report, "compatibility/proprietary-beside-copyleft-module") == []  # LGPL neighbours only


# 6. An AGPL-3 community module and an OEEL-1 enterprise module in one add-ons path, on-prem delivery
def test_agpl_and_oeel_modules_in_one_addons_path_need_review():
    report = scan("odoo-agpl-oeel", "--deployment", "on-prem-delivery", "--modified", "no", expect_exit=1)
    oeel = "odoo:addons/helpdesk_enterprise"
    review = one(report, "compatibility/proprietary-beside-copyleft-module", oeel)
    assert (review["kind"], review["severity"], review["topic"]) == ("risk", "warning", "compatibility")
    assert "Review required" in review["message"]
    assert "crm_lead_dedup (AGPL-3.0-or-later, addons/crm_lead_dedup/__manifest__.py:" in review["message"]
    assert "single combined work" in review["message"] and "aggregation" in review["message"]
    assert review["facts"]["component.addons-path-copyleft"] == "network"
    # not an automatic incompatibility: the two modules do not depend on each other
    assert findings(report, "compatibility/incompatible-with-work") == []
    banned = one(report, "commercial/redistribution-forbidden", oeel)
    assert (banned["severity"], banned["topic"]) == ("error", "commercial") and "Odoo S.A." in banned["message"]
    assert "Odoo Enterprise" in one(report, "commercial/license-required-for-use", oeel)["message"]


# 7. A modified MPL-2.0 JavaScript library, distributed
def test_modified_mpl_library_discloses_only_its_own_files():
    report = scan("mpl-js-delivery", "--deployment", "on-prem-delivery", "--modified", "yes", expect_exit=1)
    mpl = one(report, "obligations/file-copyleft-modified-distribution", "pkg:npm/pdf-annotate@3.1.0")
    assert (mpl["kind"], mpl["severity"], mpl["topic"]) == ("obligation", "error", "disclosure")
    assert "MPL-covered files only" in mpl["message"]
    assert "not the rest of the work" in mpl["action"]["what"]
    assert "Source Code Form" in mpl["action"]["how"]
    assert [f["rule"] for f in disclosure_obligations(report)] == ["obligations/file-copyleft-modified-distribution"]
    assert mpl["evidence"][0]["path"] == "package-lock.json"


# 8. A modified Apache-2.0 component, distributed
def test_modified_apache_component_needs_change_notices_and_its_notice_file():
    report = scan("apache-delivery", "--deployment", "on-prem-delivery", "--modified", "yes")
    apache = "pkg:composer/acme/http-client@2.3.0"
    change = one(report, "change-notices/mark-modified-files", apache)
    assert (change["kind"], change["topic"]) == ("obligation", "change-notices")
    assert "prominent notices stating that you changed the files (§4(b))" in change["action"]["what"]
    assert "in the modified files themselves" in change["action"]["how"]
    notice = one(report, "notices/apache-notice-file", apache)
    assert (notice["kind"], notice["topic"]) == ("obligation", "notices")
    assert "NOTICE" in notice["action"]["what"] and "§4(d)" in notice["action"]["how"]
    assert findings(report, "change-notices/mark-modified-files", APP) == []  # MIT asks for no change notice


# 9. A GPL-3.0 test-only dependency
def test_test_only_gpl_dependency_carries_no_obligation_and_is_shown_as_not_shipped():
    report = scan("gpl-dev-only", "--deployment", "on-prem-delivery", "--modified", "yes", expect_exit=0)
    dev = "pkg:composer/acme/crm-test-fixtures@0.9.0"
    assert [f["rule"] for f in findings(report, subject=dev)] == ["scope/not-shipped"]
    note = one(report, "scope/not-shipped", dev)
    assert (note["kind"], note["topic"]) == ("note", "scope")
    assert "not part of what is deployed or delivered" in note["message"] and "scope dev" in note["message"]
    component = next(c for c in report["components"] if c["key"] == dev)
    assert component["scope"] == "dev"


# 10. An unknown license string
def test_unknown_license_string_is_asked_about_and_can_fail_the_gate():
    report = scan("unknown-license", "--deployment", "on-prem-delivery", "--modified", "no", expect_exit=0)
    unknown = one(report, "needs-info/unknown-license", "pkg:composer/reportco/chart-engine@5.2.0")
    assert (unknown["kind"], unknown["severity"], unknown["topic"]) == ("needs-info", "warning", "needs-info")
    assert "reportco/chart-engine@5.2.0" in unknown["message"]
    assert "ReportCo Chart Engine License v2" in unknown["message"]
    assert "obligations/strong-copyleft-distribution" in unknown["waiting_rules"]
    failing = run_cli("scan", str(TREES / "unknown-license"), "--deployment", "on-prem-delivery", "--fail-on", "warning")
    assert failing.returncode == 1


# 11. "MIT OR GPL-3.0" in a proprietary distribution
def test_choice_in_a_proprietary_distribution_elects_mit():
    report = scan("choice-proprietary", "--deployment", "on-prem-delivery", "--modified", "no", expect_exit=0)
    choice = one(report, "compatibility/license-choice", "pkg:composer/dual/markdown-parser@4.0.2")
    assert (choice["kind"], choice["topic"]) == ("note", "compatibility")
    assert "osi-check elects MIT, because it is compatible with LicenseRef-osi-check-proprietary (required by acme/crm-appliance" in choice["message"]
    assert "GPL-3.0-only in a work bound by LicenseRef-osi-check-proprietary" in choice["message"]
    assert "requires the whole work based on it to be under GPL-3.0-only" in choice["message"]
    assert findings(report, "compatibility/incompatible-with-work") == []
    # the same tree with the outbound license stated on the command line
    stated = scan("choice-proprietary", "--deployment", "on-prem-delivery", "--modified", "no",
                  "--outbound-license", "LicenseRef-osi-check-proprietary")
    assert stated["deployment"]["outbound_license"] == "LicenseRef-osi-check-proprietary"
    assert "elects MIT" in one(stated, "compatibility/license-choice")["message"]


# 12. Files marked with an enterprise marker, SaaS, no commercial license declared
def test_enterprise_marked_files_need_a_commercial_license_and_are_not_open_source():
    report = scan("twenty-enterprise", "--deployment", "saas", "--modified", "no")
    marked = findings(report, "commercial/license-required-for-use")
    assert sorted(f["subject"]["key"] for f in marked) == [
        "packages/twenty-server/src/engine/core-modules/billing/services/billing-subscription.service.ts",
        "packages/twenty-server/src/engine/core-modules/sso/sso.service.ts",
    ]
    for finding in marked:
        assert (finding["subject"]["type"], finding["topic"]) == ("file", "commercial")
        assert "not an open-source license" in finding["message"]
        assert "Twenty Enterprise Edition" in finding["message"] and "Twenty.com PBC" in finding["message"]
        assert finding["facts"]["license.osi-approved"] == "false"
        assert finding["action"]["by_when"].startswith("before production use")
        (marker,) = finding["evidence"]
        assert (marker["kind"], marker["line"], marker["quote"]) == ("marker", 1, "@license Enterprise")
        assert marker["path"] == finding["subject"]["key"]
    assert findings(report, "commercial/license-required-for-use", APP) == []  # the AGPL code is open source


# 13. AGPL core with a PHP-License component: allowed with the CiviCRM exception, flagged without it
@pytest.mark.parametrize("tree, flagged", [("civicrm-php-exception", False), ("agpl-php-no-exception", True)])
def test_php_licensed_component_in_an_agpl_crm(tree, flagged):
    report = scan(tree, "--deployment", "on-prem-delivery", "--modified", "no")
    php = "pkg:composer/pear/mail_mime@1.10.11"
    clash = findings(report, "compatibility/incompatible-with-work", php)
    if not flagged:
        assert clash == []
        files = {f["path"]: f["license"]["concluded"] for f in report["files"]}
        assert files["CRM/Core/Config.php"] == "AGPL-3.0-only WITH LicenseRef-scancode-civicrm-exception-to-agpl-3.0"
        return
    (finding,) = clash
    assert finding["severity"] == "error"
    assert "PHP-3.01 in a work bound by AGPL-3.0-only (required by acme/agpl-crm" in finding["message"]
    assert "may not be part of a work distributed under AGPL-3.0-only" in finding["message"]


def test_an_unrecognised_outbound_license_is_a_usage_error():
    result = run_cli("scan", str(TREES / "choice-proprietary"), "--deployment", "on-prem-delivery",
                     "--outbound-license", "Our Own Terms")
    assert result.returncode == 2
    assert "--outbound-license: 'Our Own Terms' is not a license osi-check knows" in result.stderr
