"""SARIF 2.1.0: valid against the official OASIS schema, one result per finding on the declaring line,
fingerprints that survive a second scan, rule help, and waivers as suppressions."""

from __future__ import annotations

import json

import jsonschema
import pytest

from osi_check.formats import sarif
from tests.conftest import REPO
from tests.formats.conftest import example_report


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((REPO / "reports" / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _valid(validator, text: str) -> dict:
    data = json.loads(text)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return data


def test_the_schema_rejects_what_it_should(validator):
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}))
    assert list(validator.iter_errors({"version": "2.0.0", "runs": []}))


@pytest.mark.parametrize("name", ["example", "full", "hostile"])
def test_valid_against_the_official_schema(validator, request, name):
    _valid(validator, sarif.render(request.getfixturevalue(name)))


def test_one_result_per_finding_on_the_declaring_line(validator, example):
    run = _valid(validator, sarif.render(example))["runs"][0]
    assert len(run["results"]) == len(example.findings)
    rules = run["tool"]["driver"]["rules"]
    for finding, result in zip(example.findings, run["results"]):
        assert result["ruleId"] == finding.rule_id
        assert rules[result["ruleIndex"]]["id"] == finding.rule_id
        assert result["level"] == finding.severity.value
        assert result["message"]["text"] == finding.message
        physical = result["locations"][0]["physicalLocation"]
        path, _, line = finding.subject.location.partition(":")
        assert physical["artifactLocation"]["uri"] == path
        assert physical["region"]["startLine"] == int(line.split("-")[0])
    unknown = next(r for r in run["results"] if r["ruleId"] == "needs-info/unknown-license")
    assert unknown["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "composer.lock"
    for rule in rules:
        assert rule["help"]["text"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]


def test_fingerprints_are_stable_across_runs(example):
    again = example_report()
    first = [r["partialFingerprints"] for r in json.loads(sarif.render(example))["runs"][0]["results"]]
    second = [r["partialFingerprints"] for r in json.loads(sarif.render(again))["runs"][0]["results"]]
    assert first == second
    values = [p[sarif.FINGERPRINT_KEY] for p in first]
    assert len(set(values)) == len(values) and all(values)
    assert sarif.render(example) == sarif.render(again)


def test_waived_findings_are_suppressed_not_dropped(validator, full):
    results = _valid(validator, sarif.render(full))["runs"][0]["results"]
    assert len(results) == len(full.findings)
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 2
    waiver = next(r for r in suppressed if r["suppressions"][0]["properties"]["kind"] == "waiver")
    assert waiver["suppressions"][0] == {
        "kind": "external", "status": "accepted", "justification": "the module is published on the vendor's site",
        "properties": {"kind": "waiver", "owner": "legal@example.com", "expires": "2027-06-30",
                       "source": "osi-check.yaml:12"}}
    obligation = next(r for r in results if r["ruleId"] == "obligations/agpl-network-source-offer")
    assert obligation["properties"]["action"]
    assert obligation["properties"]["topic"] == "disclosure"


def test_input_problems_are_notifications(validator, example):
    import dataclasses

    from osi_check.facts import InputProblem, Location

    partial = dataclasses.replace(example, problems=(InputProblem(Location("composer.lock", 7), "bad JSON", "composer"),))
    run = _valid(validator, sarif.render(partial))["runs"][0]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error" and "bad JSON" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    assert run["properties"]["partial"] is True


def test_location_parsing():
    assert sarif.parse_location("composer.lock:635") == sarif.Location("composer.lock", 635)
    assert sarif.parse_location("LICENSE.txt:1-660") == sarif.Location("LICENSE.txt", 1, 660)
    assert sarif.parse_location("src/a b.php") == sarif.Location("src/a b.php")
    assert sarif.parse_location(".") is None
