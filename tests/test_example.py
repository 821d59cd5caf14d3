"""The bundled example, end to end through the real CLI: what the README's first command shows."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tests.conftest import EXAMPLE, run_cli

AGPL_RULE = "obligations/agpl-network-source-offer"


@pytest.fixture(scope="module")
def saas_json() -> str:
    result = run_cli("scan", str(EXAMPLE), "--deployment", "saas", "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_report_matches_the_schema(saas_json, report_schema):
    jsonschema.validate(json.loads(saas_json), report_schema)


def test_every_component_of_the_three_ecosystems_with_license_and_location(saas_json):
    report = json.loads(saas_json)
    assert report["partial"] is False, report["problems"]
    by_ecosystem = {}
    for component in report["components"]:
        by_ecosystem.setdefault(component["ecosystem"], []).append(component)
        assert component["declared_at"]["path"], component
        assert component["declared_at"]["line"], component
        assert component["license"]["concluded"], component["name"]
    assert set(by_ecosystem) == {"application", "composer", "npm", "odoo"}
    assert len(by_ecosystem["composer"]) >= 15 and len(by_ecosystem["npm"]) >= 15
    assert len(by_ecosystem["odoo"]) == 3
    composer = {c["name"]: c for c in by_ecosystem["composer"]}
    choice = [c for c in composer.values() if " OR " in c["license"]["concluded"]]
    assert choice, "the composer license array must be read as a choice"
    unknown = [c for c in composer.values() if c["license"]["status"] == "unknown"]
    assert [c["license"]["unknown"] for c in unknown] == [["BSD"]]
    odoo = {c["name"]: c["license"]["concluded"] for c in by_ecosystem["odoo"]}
    assert sorted(odoo.values()) == ["AGPL-3.0-or-later", "LGPL-3.0-or-later", "LicenseRef-OPL-1"]
    (app,) = by_ecosystem["application"]
    assert app["license"]["concluded"] == "AGPL-3.0-only"
    kinds = {e["kind"] for e in app["license"]["evidence"]}
    assert {"declared", "license-text"} <= kinds


def test_saas_contains_the_agpl_finding_and_internal_does_not(saas_json):
    saas = json.loads(saas_json)
    agpl = [f for f in saas["findings"] if f["rule"] == AGPL_RULE]
    assert agpl, "the AGPL network-use finding must be reported for SaaS"
    assert any(f["subject"]["type"] == "component" and f["subject"]["key"] == "application:." for f in agpl)
    internal = run_cli("scan", str(EXAMPLE), "--deployment", "internal", "--format", "json", "--fail-on", "never")
    findings = json.loads(internal.stdout)["findings"]
    assert not [f for f in findings if f["rule"] == AGPL_RULE]
    assert not [f for f in findings if f["topic"] == "disclosure" and f["kind"] == "obligation"]
    # staff use over the internal network: the Section 13 question is raised, not silently passed
    assert [f["rule"] for f in findings if f["topic"] == "disclosure"] == ["obligations/agpl-internal-network-use"] * 2


def test_declaring_the_modification_status_resolves_the_question():
    result = run_cli("scan", str(EXAMPLE), "--deployment", "saas", "--modified", "yes", "--format", "json", "--fail-on", "never")
    findings = json.loads(result.stdout)["findings"]
    agpl = [f for f in findings if f["rule"] == AGPL_RULE]
    assert agpl and all(f["kind"] == "obligation" for f in agpl)


def test_repeated_runs_are_byte_identical(saas_json):
    again = run_cli("scan", str(EXAMPLE), "--deployment", "saas", "--format", "json", "--fail-on", "never")
    assert again.stdout == saas_json


def test_golden_json(saas_json, golden):
    golden("example-saas.json", saas_json)


def test_golden_text(golden):
    result = run_cli("scan", str(EXAMPLE), "--deployment", "saas")
    golden("example-saas.txt", result.stdout)


def test_output_file_option_writes_the_same_report(tmp_path, saas_json):
    out = tmp_path / "report.json"
    result = run_cli("scan", str(EXAMPLE), "--deployment", "saas", "--format", "json", "--fail-on", "never", "-o", str(out))
    assert result.returncode == 0
    assert out.read_text("utf-8") == saas_json
