"""The built-in rules: their own test cases, the fact vocabulary, and loader errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from osi_check import resources
from osi_check.engine.rules import RuleError, load_rules
from osi_check.engine.ruletests import run_rule_tests
from osi_check.engine.vocabulary import RESOLVERS, builtin_vocabulary

RULES = load_rules()


def test_the_four_first_rules_are_present():
    ids = {rule.id for rule in RULES}
    assert {
        "obligations/agpl-network-source-offer",
        "obligations/agpl-unmodified-network-use",
        "obligations/strong-copyleft-distribution",
        "needs-info/unknown-license",
        "osd/license-not-osi-approved",
    } <= ids


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_cases(rule):
    results = run_rule_tests(rule)
    assert results, f"{rule.id} has no test cases"
    failures = [f"{r.name}: expected {r.expected}, got {r.actual}" for r in results if not r.passed]
    assert not failures, failures


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_case_file_exercises_firing_and_not_firing(rule):
    outcomes = {r.actual for r in run_rule_tests(rule)}
    assert "fires" in outcomes and "silent" in outcomes, f"{rule.id}: test cases must show it firing and staying silent"


def test_vocabulary_documents_exactly_the_facts_the_engine_computes():
    assert set(builtin_vocabulary()) == set(RESOLVERS)


def _write_rule(directory: Path, name: str, body: dict) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(body), "utf-8")
    return path


def _valid_rule() -> dict:
    return yaml.safe_load((resources.rules_dir() / "osd" / "license-not-osi-approved.yaml").read_text("utf-8"))


def test_a_rule_naming_an_unknown_fact_is_refused_with_file_and_key(tmp_path):
    body = _valid_rule()
    body["when"] = {"all": [{"license.osi-approved": False}, {"component.colour": "red"}]}
    path = _write_rule(tmp_path, "bad-fact", body)
    with pytest.raises(RuleError) as error:
        load_rules((tmp_path,))
    assert str(path) in str(error.value)
    assert "when.all[1].component.colour" in str(error.value)
    assert "unknown fact" in str(error.value)


def test_a_rule_with_a_wrong_severity_is_refused_with_file_and_key(tmp_path):
    body = _valid_rule()
    body["severity"] = "critical"
    path = _write_rule(tmp_path, "bad-severity", body)
    with pytest.raises(RuleError, match=r"key 'severity'") as error:
        load_rules((tmp_path,))
    assert str(path) in str(error.value)


def test_a_rule_missing_its_citations_is_refused(tmp_path):
    body = _valid_rule()
    del body["citations"]
    _write_rule(tmp_path, "no-citations", body)
    with pytest.raises(RuleError, match="citations"):
        load_rules((tmp_path,))


def test_a_misspelt_family_is_refused_rather_than_never_matching(tmp_path):
    body = _valid_rule()
    body["when"] = {"license.family": {"includes": "AGLP"}}
    _write_rule(tmp_path, "typo", body)
    with pytest.raises(RuleError, match="family 'AGLP'"):
        load_rules((tmp_path,))


def test_an_unknown_message_placeholder_is_refused(tmp_path):
    body = _valid_rule()
    body["message"] = "The component {component.colour} is not open source at all."
    _write_rule(tmp_path, "placeholder", body)
    with pytest.raises(RuleError, match=r"key 'message'.*component.colour"):
        load_rules((tmp_path,))


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("title: x\nkind: [unclosed\n", "utf-8")
    with pytest.raises(RuleError, match=rf"{path}:\d+: not valid YAML"):
        load_rules((tmp_path,))


def test_an_extra_rule_directory_cannot_redefine_a_builtin_id(tmp_path):
    (tmp_path / "osd").mkdir()
    _write_rule(tmp_path / "osd", "license-not-osi-approved", _valid_rule())
    with pytest.raises(RuleError, match="already defined"):
        load_rules((tmp_path,))
