"""The source-disclosure bundle for a modified AGPL fork: unpacked and checked for exactly the required
parts; then `scan --source-offer` against it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitfork import RELEASE, git, release_repo, write
from osi_check.archives import extract
from osi_check.deployment import deployment_for
from osi_check.detect import reference_texts
from osi_check.model import FindingKind
from osi_check.modifications.bundle import BundleError, plan
from osi_check.pipeline import ScanError, collect, collect_with_upstream, scan

# Every file of the fork: the whole deployed work is the AGPL application's Corresponding Source.
SOURCE = sorted([
    "addons/acme_sales/__manifest__.py", "addons/acme_sales/models.py", "composer.json", "custom/include/Secret.php",
    "custom/modules/Foo/Foo.php", "include/new_name.php", "include/utils.php", "js/jquery.min.js", "lib/helper.php",
    "modules/Accounts/Account.php", "modules/Contacts/Contact.php", "node_modules/leftpad/index.js",
    "node_modules/leftpad/package.json", "themes/icon.png", "themes/logo.png", "vendor/acme/new-lib/src/N.php",
    "vendor/acme/patched-lib/src/Lib.php", "vendor/acme/pristine-lib/src/P.php", "vendor/composer/installed.json",
])
LICENSES = ["AGPL-3.0-only", "BSD-3-Clause", "MIT", "MPL-2.0"]  # OPL-1 has no reference text: listed in the manifest
SAAS_BUNDLE = sorted(["MANIFEST.json", "MODIFICATIONS.txt", "NOTICE.txt", "SOURCE-OFFER.txt",
                      *(f"LICENSES/{key}.txt" for key in LICENSES), *(f"source/{path}" for path in SOURCE)])


def _osi_check(*args):
    return subprocess.run([sys.executable, "-m", "osi_check", *args], capture_output=True, text=True)


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_the_archive_bundle_of_a_modified_agpl_saas_fork_holds_exactly_the_required_parts(fork, tmp_path):
    archive = tmp_path / "source.tar.gz"
    done = _osi_check("bundle", str(fork), "--upstream", "v1.0", "--deployment", "saas", "--ignore-whitespace",
                      "--offer-url", "https://crm.example.org/source.tar.gz", "-o", str(archive))
    assert done.returncode == 0, done.stderr
    unpacked = extract(archive, tmp_path / "unpacked")
    assert unpacked.refused == ()
    root = unpacked.content_root()
    assert _files(root) == SAAS_BUNDLE
    for path in SOURCE:
        assert (root / "source" / path).read_bytes() == (fork / path).read_bytes()
    assert (root / "LICENSES/AGPL-3.0-only.txt").read_text() == reference_texts.for_spdx_id("AGPL-3.0-only").text
    manifest = json.loads((root / "MANIFEST.json").read_text())
    (part,) = manifest["parts"]
    assert (part["component"], part["scope"], part["files"]) == ("application:.", "whole-component", SOURCE)
    assert manifest["licenses"] == sorted(LICENSES + ["LicenseRef-OPL-1"])
    assert manifest["licenses_without_reference_text"] == ["LicenseRef-OPL-1"]
    assert manifest["undecided"] == []
    offer = (root / "SOURCE-OFFER.txt").read_text()
    assert "https://crm.example.org/source.tar.gz" in offer and "acme/crm (AGPL-3.0-only)" in offer
    changes = (root / "MODIFICATIONS.txt").read_text().splitlines()
    assert "2024-05-02  modified                    modules/Accounts/Account.php  [application:.; AGPL-3.0-only]" in changes
    assert any(line.startswith("no date") and "modules/Contacts/Contact.php" in line for line in changes)
    assert any("include/helper.php -> lib/helper.php" in line for line in changes)


def test_the_same_bundle_twice_is_the_same_bytes(fork, tmp_path):
    for name in ("a.tar.gz", "b.tar.gz", "a.zip", "b.zip"):
        assert _osi_check("bundle", str(fork), "--upstream", "v1.0", "-o", str(tmp_path / name)).returncode == 0
    assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_delivered_to_a_customer_the_patched_mpl_library_is_disclosed_file_by_file(fork):
    facts = collect_with_upstream(fork, deployment_for("on-prem-delivery"), "v1.0")
    parts = {p.component_key: (p.scope, p.files) for p in plan(facts, fork).parts}
    assert parts["pkg:composer/acme/patched-lib@1.0.0"] == ("changed-files", ("vendor/acme/patched-lib/src/Lib.php",))
    assert parts["application:."] == ("whole-component", tuple(SOURCE))
    assert set(parts) == {"application:.", "pkg:composer/acme/patched-lib@1.0.0"}  # MIT and BSD need no disclosure
    # the new BSD package has no pristine copy, but BSD carries no disclosure duty either way
    assert plan(facts, fork).undecided == ()


def test_a_gpl_application_offered_as_saas_has_nothing_to_disclose(tmp_path):
    files = {**RELEASE, "composer.json": json.dumps({"name": "acme/crm", "license": "GPL-3.0-only"})}
    repo = release_repo(tmp_path / "gpl", files)
    write(repo, "modules/Accounts/Account.php", "<?php\nclass Account { public $changed; }\n")
    the_plan = plan(collect_with_upstream(repo, deployment_for("saas"), "v1.0"), repo)
    assert the_plan.parts == () and not the_plan.network_offer
    bundle = tmp_path / "bundle"
    done = _osi_check("bundle", str(repo), "--upstream", "v1.0", "-o", str(bundle))
    assert "nothing to disclose" in done.stdout
    assert _files(bundle) == ["MANIFEST.json", "MODIFICATIONS.txt", "NOTICE.txt"]


def test_a_modified_package_without_a_pristine_copy_is_undecided(tmp_path):
    repo = release_repo(tmp_path / "r")
    write(repo, "vendor/composer/installed.json", json.dumps({"packages": [
        {"name": "acme/gpl-lib", "version": "2.0.0", "license": ["GPL-2.0-or-later"], "install-path": "../acme/gpl-lib"}]}))
    write(repo, "vendor/acme/gpl-lib/src/G.php", "<?php\n")
    the_plan = plan(collect_with_upstream(repo, deployment_for("on-prem-delivery"), "v1.0"), repo)
    assert the_plan.undecided == ("acme/gpl-lib@2.0.0 (GPL-2.0-or-later): no pristine copy in the upstream, so "
                                  "whether it was modified is not known",)


def test_the_bundle_needs_an_upstream(fork):
    with pytest.raises(BundleError, match="--upstream"):
        plan(collect(fork, deployment_for("saas")), fork)


def test_scan_checks_a_bundle_against_the_deployed_tree(fork, tmp_path):
    bundle = tmp_path / "published"
    assert _osi_check("bundle", str(fork), "--upstream", "v1.0", "-o", str(bundle)).returncode == 0
    report = scan(fork, deployment_for("saas"), upstream="v1.0", source_offer=str(bundle))
    (finding,) = [f for f in report.findings if f.rule_id.startswith("disclosure/source-offer")]
    assert (finding.rule_id, finding.kind) == ("disclosure/source-offer-fulfilled", FindingKind.NOTE)

    write(fork, "modules/Accounts/Account.php", "<?php\nclass Account { public $deployed_later; }\n")
    (bundle / "source/composer.json").unlink()
    report = scan(fork, deployment_for("saas"), upstream="v1.0", source_offer=str(bundle))
    (finding,) = [f for f in report.findings if f.rule_id.startswith("disclosure/source-offer")]
    assert (finding.rule_id, finding.kind) == ("disclosure/source-offer-incomplete", FindingKind.VIOLATION)
    assert "1 required file(s) are missing (composer.json)" in finding.message
    assert "1 differ from the deployed version (modules/Accounts/Account.php)" in finding.message
    assert report.gate.failed


def test_scan_checks_that_the_tree_links_to_the_offer_url(fork):
    url = "https://crm.example.org/source.tar.gz"
    report = scan(fork, deployment_for("saas"), source_offer=url)
    assert [f.rule_id for f in report.findings if f.rule_id.startswith("disclosure/source-offer")] == ["disclosure/source-offer-link-missing"]
    write(fork, "themes/footer.tpl", f'<footer><a href="{url}">Source code</a></footer>\n')
    report = scan(fork, deployment_for("saas"), source_offer=url)
    (finding,) = [f for f in report.findings if f.rule_id.startswith("disclosure/source-offer")]
    assert finding.rule_id == "disclosure/source-offer-link-found" and "themes/footer.tpl:1" in finding.message


def test_an_offer_that_is_not_a_bundle_is_a_usage_error(fork, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScanError, match="not a source bundle"):
        scan(fork, deployment_for("saas"), upstream="v1.0", source_offer=str(tmp_path / "empty"))
    done = _osi_check("scan", str(fork), "--source-offer", "ftp://nowhere")
    assert done.returncode == 2 and "not a URL" in done.stderr


def test_git_is_untouched_by_bundling(fork, tmp_path):
    before = git(fork, "status", "--porcelain")
    assert _osi_check("bundle", str(fork), "--upstream", "v1.0", "-o", str(tmp_path / "b")).returncode == 0
    assert git(fork, "status", "--porcelain") == before


def test_an_existing_non_empty_output_directory_is_refused(fork, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    done = _osi_check("bundle", str(fork), "--upstream", "v1.0", "-o", str(tmp_path / "out"))
    assert done.returncode == 2 and "must be new or empty" in done.stderr
    assert _files(tmp_path / "out") == ["keep.txt"]
