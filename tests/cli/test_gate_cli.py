"""The gate on the command line: policy discovery, baselines, --exit-zero, --quiet, -v and exit codes."""

from __future__ import annotations

import json
import textwrap

from tests.conftest import EXAMPLE, run_cli

UNKNOWN = "needs-info/unknown-license"


def scan(*args, cwd, env=None):
    return run_cli("scan", str(EXAMPLE), "--deployment", "saas", *args, cwd=cwd, env=env)


def test_baseline_makes_only_new_findings_fail(tmp_path):
    plain = json.loads(scan("--format", "json", cwd=tmp_path).stdout)
    total = len(plain["findings"])
    assert total >= 2 and any(f["rule"] == UNKNOWN for f in plain["findings"])
    baseline = tmp_path / "baseline.json"
    written = scan("--write-baseline", str(baseline), "--fail-on", "warning", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    document = json.loads(baseline.read_text("utf-8"))
    assert document["osi-check-baseline"] == 1
    assert len(document["findings"]) == total
    assert document["findings"] == sorted(document["findings"], key=lambda e: e["fingerprint"])
    assert f"baseline of {total} finding(s) written" in written.stderr

    known = scan("--baseline", str(baseline), "--fail-on", "warning", "--format", "json", cwd=tmp_path)
    assert known.returncode == 0, known.stderr
    report = json.loads(known.stdout)
    assert len(report["findings"]) == total  # still reported, just not counted
    assert report["gate"]["counted"] == 0

    # one finding is new: drop it from the baseline
    dropped = next(e for e in document["findings"] if e["rule"] == UNKNOWN)
    document["findings"].remove(dropped)
    baseline.write_text(json.dumps(document), "utf-8")
    new = scan("--baseline", str(baseline), "--fail-on", "warning", cwd=tmp_path)
    assert new.returncode == 1
    verdict = new.stdout.splitlines()[0]
    assert verdict.startswith("FAIL: ") and f"; 1 at or above --fail-on warning; {total - 1} waived" in verdict


def test_a_baseline_that_is_not_one_is_exit_2_naming_the_file(tmp_path):
    bad = tmp_path / "baseline.json"
    bad.write_text('{"findings": [}', "utf-8")
    result = scan("--baseline", str(bad), cwd=tmp_path)
    assert result.returncode == 2 and f"{bad}:1: not valid JSON" in result.stderr
    bad.write_text('{"osi-check-baseline": 1, "findings": [{"fingerprint": "xyz"}]}', "utf-8")
    result = scan("--baseline", str(bad), cwd=tmp_path)
    assert result.returncode == 2 and "finding #1 has no valid" in result.stderr


def test_exit_zero_reports_failure_but_exits_0(tmp_path):
    result = scan("--fail-on", "warning", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("FAIL:")


def test_quiet_prints_the_verdict_only_and_verbose_says_what_was_used(tmp_path):
    quiet = scan("-q", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout.count("\n") == 1 and quiet.stdout.startswith("PASS:")
    assert quiet.stderr == ""
    (tmp_path / "osi-check.toml").write_text("fail-on = 'warning'\n", "utf-8")
    cache = tmp_path / "cache"
    verbose = scan("-v", "--cache", str(cache), cwd=tmp_path)
    assert verbose.returncode == 1  # fail-on from the policy
    assert "osi-check: policy: osi-check.toml" in verbose.stderr
    assert f"osi-check: cache: {cache}:" in verbose.stderr
    again = scan("-v", "--cache", str(cache), cwd=tmp_path)
    assert "report reused" in again.stderr and again.stdout == verbose.stdout


def test_no_progress_or_extra_output_when_not_a_terminal(tmp_path):
    result = scan("--no-cache", cwd=tmp_path)
    assert result.stderr == ""
    assert "\x1b" not in result.stdout


def test_policy_from_the_current_directory_with_an_expiring_waiver(tmp_path):
    (tmp_path / "osi-check.toml").write_text(textwrap.dedent("""\
        deployment = "saas"

        [severity]
        "needs-info/unknown-license" = "error"

        [[exceptions]]
        purl = "pkg:composer/phpxmlrpc/phpxmlrpc"
        rule = "needs-info/unknown-license"
        reason = "upstream states BSD-3-Clause in its README; asked them to fix composer.json"
        owner = "crm-team"
        expires = 2026-06-30
    """), "utf-8")
    june = {"SOURCE_DATE_EPOCH": "1782777600"}  # 2026-06-30
    july = {"SOURCE_DATE_EPOCH": "1782864000"}  # 2026-07-01
    args = ("scan", str(EXAMPLE), "--format", "json", "--no-cache")
    within = run_cli(*args, cwd=tmp_path, env=june)
    assert within.returncode == 0, within.stdout[:500] + within.stderr
    report = json.loads(within.stdout)
    assert report["deployment"]["profile"] == "saas"
    expired = run_cli(*args, cwd=tmp_path, env=july)
    assert expired.returncode == 1
    rules = [f["rule"] for f in json.loads(expired.stdout)["findings"]]
    assert "policy/expired-exception" in rules and UNKNOWN in rules
    ignored = run_cli(*args, "--no-policy", cwd=tmp_path, env=july)
    assert ignored.returncode == 0 and json.loads(ignored.stdout)["deployment"]["profile"] == "internal"


def test_a_policy_with_an_unknown_key_is_exit_2_naming_file_line_and_key(tmp_path):
    policy = tmp_path / "osi-check.toml"
    policy.write_text("deployment = 'saas'\n\n[[exceptions]]\npurl = 'pkg:npm/x'\nowners = 'me'\n", "utf-8")
    result = run_cli("scan", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 2
    assert "osi-check.toml:5: unknown key 'owners' in exceptions" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_line_wins_over_the_policy(tmp_path):
    (tmp_path / "osi-check.toml").write_text("deployment = 'on-prem-delivery'\nfail-on = 'note'\n", "utf-8")
    result = run_cli("scan", str(EXAMPLE), "--deployment", "saas", "--fail-on", "error", "--format", "json",
                     "--no-cache", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["deployment"]["profile"] == "saas"
    assert report["gate"]["fail_on"] == "error"


def _scan_with_a_terminal(tree, env_extra):
    """stderr on a pseudo-terminal, stdout on a pipe: as a developer running a scan piped into a file."""
    import os
    import pty
    import subprocess
    import sys

    primary, secondary = pty.openpty()
    env = {**{k: v for k, v in os.environ.items() if k != "CI"}, **env_extra, "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, "-m", "osi_check", "scan", str(tree), "--no-cache"],
                               stdout=subprocess.PIPE, stderr=secondary, env=env)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = process.communicate(timeout=300)
    os.close(primary)
    return process.returncode, stdout.decode(), seen.decode("utf-8", "replace")


def test_progress_is_shown_on_a_terminal_and_not_in_ci(tmp_path):
    tree = tmp_path / "many"
    tree.mkdir()
    for i in range(260):
        (tree / f"file{i:03}.php").write_text(f"<?php // SPDX-License-Identifier: MIT\necho {i};\n", "utf-8")
    code, stdout, terminal = _scan_with_a_terminal(tree, {})
    assert code == 0 and stdout.startswith("PASS:")
    assert "reading files" in terminal and "260" in terminal
    code, stdout_ci, terminal_ci = _scan_with_a_terminal(tree, {"CI": "true"})
    assert code == 0 and stdout_ci == stdout
    assert terminal_ci == ""
