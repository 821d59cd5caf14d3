"""A scanned repository whose git config tries to make git run programs: comparing with one of its tags
must run none of them. The same repository then proves the traps are armed by springing them with
ordinary git commands, so the test cannot pass by accident."""

import os
import subprocess
import sys
from pathlib import Path

from gitfork import RELEASE, git, release_repo, write
from osi_check.deployment import deployment_for
from osi_check.pipeline import scan

HOOKS = ("pre-commit", "post-checkout", "post-merge", "post-index-change", "reference-transaction", "pre-push",
         "post-rewrite", "fsmonitor-watchman", "pre-auto-gc")


def _trap(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "EXECUTED"
    trap = tmp_path / "trap.sh"
    trap.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat >/dev/null 2>&1 || true\nexit 0\n')
    trap.chmod(0o755)
    return trap, marker


def _signed_commit(repo: Path) -> None:
    """A commit with a (bogus) signature, so that showing signatures would start gpg.program."""
    tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
    parent = git(repo, "rev-parse", "HEAD").strip()
    body = (f"tree {tree}\nparent {parent}\nauthor Dev <dev@example.org> 1714642200 +0000\n"
            "committer Dev <dev@example.org> 1714642200 +0000\n"
            "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned\n")
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo, input=body.encode(),
                         capture_output=True, check=True).stdout.decode().strip()
    git(repo, "update-ref", "HEAD", sha)


def _hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    trap, marker = _trap(tmp_path)
    repo = release_repo(tmp_path / "crm", {**RELEASE, ".gitattributes": "* filter=evil diff=evil\n"})
    write(repo, "modules/Accounts/Account.php", "<?php\r\nclass Account {\r\n    public $name;\r\n}\r\n")
    write(repo, "modules/Accounts/helper.php", RELEASE["include/helper.php"].replace("helper_1", "h1"))
    (repo / "include/helper.php").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "changes")
    _signed_commit(repo)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in HOOKS:
        (hooks / name).symlink_to(trap)
        (repo / ".git" / "hooks" / name).unlink(missing_ok=True)
        (repo / ".git" / "hooks" / name).symlink_to(trap)
    with open(repo / ".git" / "config", "a") as config:
        config.write(f"""
[core]
    fsmonitor = {trap}
    hooksPath = {hooks}
    pager = {trap}
    sshCommand = {trap}
    editor = {trap}
    askPass = {trap}
    alternateRefsCommand = {trap}
[diff]
    external = {trap}
[diff "evil"]
    textconv = {trap}
[filter "evil"]
    clean = {trap}
    smudge = {trap}
    required = true
[log]
    showSignature = true
[gpg]
    program = {trap}
[pager]
    log = {trap}
    diff = {trap}
[credential]
    helper = {trap}
""")
    return repo, marker


def test_comparing_with_a_tag_runs_nothing_from_the_repository(tmp_path):
    repo, marker = _hostile_repo(tmp_path)
    report = scan(repo, deployment_for("saas"), upstream="v1.0", ignore_whitespace=True)
    statuses = {c.path: (c.status, c.whitespace_only) for c in report.modifications}
    assert statuses["modules/Accounts/Account.php"] == ("modified", True)  # blobs were read, unfiltered
    assert statuses["modules/Accounts/helper.php"] == ("renamed", False)
    assert {c.last_changed for c in report.modifications} == {"2024-03-01"}
    done = subprocess.run([sys.executable, "-m", "osi_check", "scan", str(repo), "--upstream", "v1.0",
                           "--format", "json"], capture_output=True, env={**os.environ, "PAGER": str(marker)})
    assert done.returncode in (0, 1), done.stderr
    assert not marker.exists(), marker.read_text()

    # the traps are real: everyday git commands in this repository spring them
    for command in (["status"], ["log", "-1"], ["diff", "HEAD~2", "--", "modules"]):
        subprocess.run(["git", *command], cwd=repo, capture_output=True,
                       env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_PAGER": ""})
    assert marker.exists()
