"""One test per exit code, through the real command line (a subprocess, as a user runs it)."""

from __future__ import annotations

import json
import sys
import subprocess
import textwrap

from tests.conftest import EXAMPLE, REPO, run_cli


def _clean_tree(root):
    (root / "composer.json").write_text(json.dumps({"name": "acme/clean", "license": "MIT"}), "utf-8")
    (root / "composer.lock").write_text(json.dumps({
        "packages": [{"name": "psr/log", "version": "3.0.0", "license": ["MIT"]}],
        "packages-dev": [],
    }), "utf-8")
    return root


def test_exit_0_when_nothing_reaches_the_fail_level(tmp_path):
    result = run_cli("scan", str(_clean_tree(tmp_path)), "--fail-on", "note")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("PASS: 0 error(s), 0 warning(s), 0 note(s)")


def test_exit_1_when_findings_reach_the_fail_level():
    result = run_cli("scan", str(EXAMPLE), "--deployment", "saas", "--fail-on", "warning")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("FAIL:")
    assert "obligations/agpl-network-source-offer" in result.stdout


def test_exit_2_for_a_path_that_does_not_exist(tmp_path):
    result = run_cli("scan", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_2_for_an_unknown_deployment_profile(tmp_path):
    result = run_cli("scan", str(tmp_path), "--deployment", "cloud")
    assert result.returncode == 2
    assert "cloud" in result.stderr


def test_exit_2_for_a_malformed_rule_naming_file_and_key(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    bad = rules / "broken.yaml"
    bad.write_text(textwrap.dedent("""\
        title: A broken rule for the test
        kind: obligation
        severity: loud
        topic: disclosure
        applies-to: [component]
        when: {license.known: false}
        message: This message is long enough.
        explanation: This explanation is long enough to pass.
        citations: [{text: nothing}]
    """), "utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    result = run_cli("scan", str(_clean_tree(tree)), "--rules", str(rules))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "key 'severity'" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_3_for_an_internal_error_without_a_traceback(tmp_path):
    # Inject a defect into the pipeline, then run the real entry point: the user sees exit 3 and a short
    # message asking for a report, not a Python traceback.
    program = textwrap.dedent(f"""\
        import osi_check.pipeline as pipeline
        def broken(*args, **kwargs):
            raise KeyError("simulated defect")
        pipeline.build_report = broken
        from osi_check.cli import main
        main(["scan", {str(_clean_tree(tmp_path))!r}])
    """)
    result = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3
    assert "internal error: KeyError" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_and_version():
    result = run_cli("--version")
    assert result.returncode == 0 and "osi-check" in result.stdout
