"""`osi-check rules list|show|test`: an analyst's loop for changing a rule and proving it."""

from __future__ import annotations

import shutil

from osi_check import resources
from tests.conftest import run_cli


def test_rules_test_passes_on_the_builtin_rules():
    result = run_cli("rules", "test")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 failed")


def _copy_rule(tmp_path, rule: str, new_name: str):
    source = resources.rules_dir() / f"{rule}.yaml"
    (tmp_path / "mine").mkdir()
    shutil.copy(source, tmp_path / "mine" / f"{new_name}.yaml")
    shutil.copy(source.with_name(source.name.replace(".yaml", ".tests.yaml")), tmp_path / "mine" / f"{new_name}.tests.yaml")
    return tmp_path / "mine"


def test_a_failing_case_is_named_and_exits_non_zero(tmp_path):
    rules = _copy_rule(tmp_path, "compatibility/license-choice", "choice")
    cases = (rules / "choice.tests.yaml").read_text("utf-8")
    (rules / "choice.tests.yaml").write_text(cases.replace(
        "- name: a single license is no choice\n  license: MIT\n  deployment: on-prem-delivery\n  expect: silent",
        "- name: a single license is no choice\n  license: MIT\n  deployment: on-prem-delivery\n  expect: fires"), "utf-8")
    result = run_cli("rules", "test", "--rules", str(rules))
    assert result.returncode == 1
    assert "FAIL mine/choice: a single license is no choice: expected fires, got silent" not in result.stdout  # ids are relative
    assert "FAIL choice: a single license is no choice: expected fires, got silent" in result.stdout


def test_a_rule_whose_cases_never_stay_silent_fails(tmp_path):
    rules = _copy_rule(tmp_path, "scope/not-shipped", "shipped")
    (rules / "shipped.tests.yaml").write_text(
        "- name: a GPL-3.0 test-only dependency\n  license: GPL-3.0-only\n  component: {scope: test}\n"
        "  deployment: on-prem-delivery\n  expect: fires\n", "utf-8")
    result = run_cli("rules", "test", "--rules", str(rules))
    assert result.returncode == 1
    assert "FAIL shipped: no test case where the rule silent" in result.stdout


def test_rules_list_shows_the_topics_of_the_new_rules():
    result = run_cli("rules", "list")
    assert result.returncode == 0
    for rule in ("attribution/keep-attribution-notices", "commercial/license-required-for-use",
                 "compatibility/incompatible-with-work", "scope/not-shipped"):
        assert rule in result.stdout
