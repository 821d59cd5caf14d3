"""scan --upstream on real git repositories: per-file status, components, licenses, dates and findings."""

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import jsonschema
import pytest

from gitfork import RELEASE, git, release_repo, write
from osi_check.deployment import deployment_for
from osi_check.engine.evaluate import subjects
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.vocabulary import RESOLVERS
from osi_check.model import FindingKind
from osi_check.pipeline import ScanError, collect_with_upstream, scan

APP = "application:."
ODOO_MODULE = "odoo:addons/acme_sales"
PATCHED, PRISTINE, NEW = ("pkg:composer/acme/patched-lib@1.0.0", "pkg:composer/acme/pristine-lib@1.0.0",
                          "pkg:composer/acme/new-lib@1.0.0")
JQUERY, LEFTPAD = "pkg:npm/jquery@3.7.1#js/jquery.min.js", "pkg:npm/leftpad@1.0.0"

# path -> (status, old path, component, license, whitespace only)
EXPECTED = {
    "addons/acme_sales/__manifest__.py": ("added", None, ODOO_MODULE, "LicenseRef-OPL-1", False),
    "addons/acme_sales/models.py": ("added", None, ODOO_MODULE, "LicenseRef-OPL-1", False),
    "custom/include/Secret.php": ("added", None, APP, "LicenseRef-OPL-1", False),  # its own header wins
    "custom/modules/Foo/Foo.php": ("added", None, APP, "MIT", False),
    "include/new_name.php": ("renamed", "include/old_name.php", APP, "AGPL-3.0-only", False),
    "include/utils.php": ("modified", None, APP, "AGPL-3.0-only", True),  # CRLF and tabs only
    "js/jquery.min.js": ("modified", None, JQUERY, "MIT", False),
    "lib/helper.php": ("renamed", "include/helper.php", APP, "AGPL-3.0-only", False),
    "modules/Accounts/Account.php": ("modified", None, APP, "AGPL-3.0-only", False),
    "modules/Contacts/Contact.php": ("modified", None, APP, "AGPL-3.0-only", False),
    "modules/Legacy/Old.php": ("deleted", None, APP, "AGPL-3.0-only", False),
    "node_modules/leftpad/index.js": ("modified", None, LEFTPAD, "MIT", False),
    "themes/logo.png": ("modified", None, APP, "AGPL-3.0-only", False),  # binary: never "whitespace only"
    "vendor/acme/new-lib/src/N.php": ("added", None, NEW, "BSD-3-Clause", False),
    "vendor/acme/patched-lib/src/Lib.php": ("modified", None, PATCHED, "MPL-2.0", False),
    "vendor/composer/installed.json": ("modified", None, APP, "AGPL-3.0-only", False),
}
UNCHANGED = {"composer.json", "themes/icon.png", "vendor/acme/pristine-lib/src/P.php", "node_modules/leftpad/package.json"}


def _by_path(facts):
    return {c.path: (c.status, c.old_path, c.component_key, c.license, c.whitespace_only) for c in facts.changes}


def _modified(facts) -> dict[str, bool | None]:
    return {ctx.subject.key: RESOLVERS["component.modified"](ctx)
            for ctx in subjects(facts, builtin_knowledge())["component"]}


def test_every_file_gets_its_status_component_and_license_against_a_tag(fork):
    facts = collect_with_upstream(fork, deployment_for("saas"), "v1.0", ignore_whitespace=True)
    assert facts.upstream.startswith("v1.0 (")
    assert _by_path(facts) == EXPECTED
    assert facts.files_unchanged == len(UNCHANGED)
    assert facts.components_added == (ODOO_MODULE, NEW)
    assert facts.components_not_compared == (NEW,)  # a new package: no pristine copy to compare with
    assert facts.problems == ()


def test_dates_come_from_git_and_uncommitted_changes_have_none(fork):
    facts = collect_with_upstream(fork, deployment_for("saas"), "v1.0")
    dates = {c.path: c.last_changed for c in facts.changes}
    assert dates["modules/Accounts/Account.php"] == "2024-05-02"
    assert dates["modules/Legacy/Old.php"] == "2024-05-02"
    assert dates["modules/Contacts/Contact.php"] is None  # changed in the work tree, not committed


def test_renames_carry_their_similarity(fork):
    facts = collect_with_upstream(fork, deployment_for("saas"), "v1.0")
    similarity = {c.path: c.similarity for c in facts.changes if c.status == "renamed"}
    assert similarity["include/new_name.php"] == 1.0
    assert 0.6 <= similarity["lib/helper.php"] < 1.0


def test_without_ignore_whitespace_a_line_ending_change_counts(fork):
    facts = collect_with_upstream(fork, deployment_for("saas"), "v1.0")
    change = next(c for c in facts.changes if c.path == "include/utils.php")
    assert change.status == "modified" and not change.whitespace_only and change.counts_as_modification


def test_component_modified_is_measured_per_component(fork):
    facts = collect_with_upstream(fork, deployment_for("saas"), "v1.0", ignore_whitespace=True)
    assert _modified(facts) == {
        APP: True,
        ODOO_MODULE: True,  # a custom module: all of it is the integrator's code
        PATCHED: True,  # the vendored library was patched
        PRISTINE: False,  # compared with its pristine copy: unchanged
        NEW: None,  # added after the release, nothing to compare with: stays unknown
        JQUERY: True,
        LEFTPAD: True,
    }


def test_a_whitespace_only_change_alone_leaves_a_component_unmodified(tmp_path):
    repo = release_repo(tmp_path / "r", {"composer.json": RELEASE["composer.json"], "a.php": "<?php\necho 1;\n"}, "r1")
    write(repo, "a.php", "<?php\r\necho 1;\r\n")
    facts = collect_with_upstream(repo, deployment_for("saas"), "r1", ignore_whitespace=True)
    assert _modified(facts)[APP] is False
    assert [c.whitespace_only for c in facts.changes] == [True]


def test_a_directory_and_an_archive_upstream_give_the_same_answer(fork, tmp_path):
    archive = tmp_path / "crm-1.0.tar.gz"
    git(fork, "archive", "--format=tar.gz", "--prefix=crm-1.0/", "-o", str(archive), "v1.0")
    pristine = tmp_path / "pristine"
    with tarfile.open(archive) as tf:
        tf.extractall(pristine, filter="data")
    for upstream in (pristine / "crm-1.0", archive):
        facts = collect_with_upstream(fork, deployment_for("saas"), str(upstream), ignore_whitespace=True)
        assert _by_path(facts) == EXPECTED, upstream
        assert all(c.last_changed is None for c in facts.changes)  # no git history for a directory


def test_refused_archive_members_make_the_report_partial(fork, tmp_path):
    archive = tmp_path / "evil-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        for name, data in (("crm/composer.json", RELEASE["composer.json"].encode()), ("crm/../../escape.php", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    facts = collect_with_upstream(fork, deployment_for("saas"), str(archive))
    assert [(p.location.path, p.reader) for p in facts.problems] == [("evil-1.0.tar.gz!crm/../../escape.php", "archive")]
    assert not (tmp_path.parent / "escape.php").exists()


def test_unknown_ref_is_a_usage_error(fork):
    with pytest.raises(ScanError, match="not a tag, branch or commit"):
        collect_with_upstream(fork, deployment_for("saas"), "v9.9")
    with pytest.raises(ScanError, match="not a tag"):
        collect_with_upstream(fork, deployment_for("saas"), "--output=/tmp/x")


def test_a_ref_needs_a_git_repository(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(ScanError, match="not a git repository"):
        collect_with_upstream(tmp_path / "plain", deployment_for("saas"), "v1.0")


def _findings(report):
    return {(f.rule_id, f.subject.key): f for f in report.findings}


def test_findings_for_a_modified_saas_fork(fork):
    report = scan(fork, deployment_for("saas"), upstream="v1.0", ignore_whitespace=True)
    found = _findings(report)
    assert found[("obligations/agpl-network-source-offer", APP)].kind is FindingKind.OBLIGATION
    module = found[("derivative/module-in-copyleft-application", ODOO_MODULE)]
    assert module.kind is FindingKind.RISK and module.topic == "derivative"
    assert "acme_sales" in module.message and "AGPL-3.0-only" in module.message
    secret = found[("derivative/added-file-in-copyleft-application", "custom/include/Secret.php")]
    assert secret.kind is FindingKind.RISK
    # an MIT file added to the application is compatible: no derivative finding for it
    assert ("derivative/added-file-in-copyleft-application", "custom/modules/Foo/Foo.php") not in found
    assert report.upstream.startswith("v1.0") and len(report.modifications) == len(EXPECTED)


def test_without_upstream_the_modification_status_is_asked_not_assumed(fork):
    report = scan(fork, deployment_for("saas"))
    found = _findings(report)
    source_offer = found[("obligations/agpl-network-source-offer", APP)]
    assert source_offer.kind is FindingKind.NEEDS_INFO
    assert ("component.modified", "unknown") in {(f.name, f.value) for f in source_offer.facts}
    module = found[("derivative/module-in-copyleft-application", ODOO_MODULE)]
    assert module.kind is FindingKind.NEEDS_INFO and "--upstream" in module.message
    assert report.upstream is None and report.modifications == ()


def test_an_unmodified_checkout_is_unmodified(tmp_path):
    repo = release_repo(tmp_path / "r")
    report = scan(repo, deployment_for("saas"), upstream="v1.0")
    assert report.modifications == () and report.files_unchanged == len(RELEASE)
    found = _findings(report)
    assert found[("obligations/agpl-unmodified-network-use", APP)].kind is FindingKind.NOTE
    assert ("obligations/agpl-network-source-offer", APP) not in found


def test_cli_writes_the_modifications_section(fork, tmp_path):
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "osi_check", "scan", str(fork),
                           "--deployment", "saas", "--upstream", "v1.0", "--ignore-whitespace",
                           "--format", "json", "-o", str(out)], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(out.read_text())
    schema = json.loads((Path(__file__).parents[2] / "reports/schemas/report-1.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    section = data["modifications"]
    assert section["summary"] == {"unchanged": 4, "modified": 8, "added": 5, "deleted": 1, "renamed": 2,
                                  "whitespace_only": 1}
    assert section["components_modified"] == sorted([APP, ODOO_MODULE, PATCHED, JQUERY, LEFTPAD])
    assert section["components_not_compared"] == [NEW]


def test_the_text_report_names_the_upstream_instead_of_an_unknown_status(fork):
    done = subprocess.run([sys.executable, "-m", "osi_check", "scan", str(fork), "--deployment", "saas",
                           "--upstream", "v1.0", "--ignore-whitespace"], capture_output=True, text=True)
    assert "compared with v1.0 (" in done.stdout and "15 file(s) changed" in done.stdout
    assert "modification status unknown" not in done.stdout
