"""The CI integrations: the pre-commit hook's entry run on a real git repository, and the GitHub Action's
definition checked for what a runner needs from it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap

import yaml

from tests.conftest import REPO


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def run_hook(repo) -> subprocess.CompletedProcess:
    """Run the hook as pre-commit does: its entry plus its args, from the repository root, no file names."""
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CI", None)
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=300)


def test_the_pre_commit_hook_passes_a_clean_repository_and_fails_a_denied_license(tmp_path):
    repo = tmp_path / "crm"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "composer.json").write_text(json.dumps({"name": "acme/crm", "license": "MIT"}), "utf-8")
    packages = [{"name": "psr/log", "version": "3.0.0", "license": ["MIT"]}]
    (repo / "composer.lock").write_text(json.dumps({"packages": packages, "packages-dev": []}), "utf-8")
    (repo / "osi-check.toml").write_text(textwrap.dedent("""\
        deployment = "on-prem-delivery"

        [licenses]
        deny = ["GPL-2.0-only"]
    """), "utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "initial")

    clean = run_hook(repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.startswith("PASS: 0 error(s)")
    assert "deployment: on-prem-delivery" in clean.stdout  # the policy at the repository root was used

    packages.append({"name": "mpdf/mpdf", "version": "v8.2.4", "license": ["GPL-2.0-only"]})
    (repo / "composer.lock").write_text(json.dumps({"packages": packages, "packages-dev": []}), "utf-8")
    git(repo, "add", ".")
    denied = run_hook(repo)
    assert denied.returncode == 1
    assert denied.stdout.startswith("FAIL: ")
    assert "policy/license-denied" in denied.stdout
    assert "mpdf/mpdf@v8.2.4 is under GPL-2.0-only, which the policy" in denied.stdout


def test_the_github_action_scans_to_sarif_uploads_it_and_gates():
    action = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    scan = next(s for s in steps if s.get("id") == "scan")
    assert '--format sarif="$SARIF_FILE" --format text' in scan["run"] and "osi-check scan" in scan["run"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert steps[-1]["run"].startswith("exit ")
    text = (REPO / "action.yml").read_text("utf-8")
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    for step in steps:  # inputs reach scripts through the environment only (no script injection)
        assert "${{" not in step.get("run", ""), step.get("name")
