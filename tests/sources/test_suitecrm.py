"""SuiteCrmManifestSource: SuiteCRM/SugarCRM module-loader manifest.php, read statically, never executed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from osi_check.detect.reference_texts import load
from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.suitecrm import SuiteCrmManifestSource
from osi_check.tree import TreeFile

SOURCE = SuiteCrmManifestSource()
SECURITY = "packages/securitysuite-addon/manifest.php"
QUICKCRM = "packages/quickcrm-mobile/manifest.php"
LEGACY = "packages/legacy-reports/manifest.php"


@pytest.fixture
def suitecrm(fixtures):
    return fixtures / "suitecrm"


@pytest.fixture
def copy_of(tmp_path, suitecrm):
    """A writable copy of the fixture tree (to add a license file, or to watch for created files)."""
    target = tmp_path / "tree"
    shutil.copytree(suitecrm, target)
    return target


def only_component(result):
    (component,) = result.components
    return component


def test_name():
    assert SOURCE.name == "suitecrm-manifest"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("manifest.php", True),
        ("custom/packages/aos/manifest.php", True),
        ("upload/upgrades/module/AOS-manifest.php", False),  # only files named exactly manifest.php
        ("Manifest.php", False),
        ("manifest.php.bak", False),
        ("manifest.json", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_examples_are_handled():
    assert all(SOURCE.handles(TreeFile(p, 10)) for p in SOURCE.examples)


def test_manifest_with_license_key(read_file, suitecrm):
    result = read_file(SOURCE, suitecrm, SECURITY)
    assert result.problems == ()
    component = only_component(result)
    assert component.key == component.purl == "pkg:generic/suitecrm/SecuritySuite%20Add-on@7.12.5"
    assert (component.name, component.version, component.ecosystem) == ("SecuritySuite Add-on", "7.12.5", "suitecrm")
    assert component.role is Role.MODULE and component.scope is Scope.RUNTIME
    assert component.root == "packages/securitysuite-addon"
    assert component.location == Location(SECURITY, 29)  # the 'license' line
    assert component.license.expression == "AGPL-3.0-or-later"
    (evidence,) = component.license.evidence
    assert evidence.kind is EvidenceKind.DECLARED
    assert evidence.location == Location(SECURITY, 29)
    assert evidence.quote == "'AGPL-3.0-or-later'"
    assert "manifest.php 'license'" in evidence.detail
    assert component.dependencies == ("AOS", "AOW")


def test_short_array_syntax_and_concatenated_name_without_license(read_file, suitecrm):
    result = read_file(SOURCE, suitecrm, QUICKCRM)
    assert result.problems == ()
    component = only_component(result)
    assert component.name == "QuickCRM Mobile"
    assert component.key == "pkg:generic/suitecrm/QuickCRM%20Mobile@8.4.2"
    assert component.location == Location(QUICKCRM, 6)  # the $manifest assignment: no license key
    assert component.license.expression is None
    assert component.license.notes == ("the package declares no license",)


def test_license_file_beside_the_manifest(read_file, copy_of):
    (copy_of / "packages/quickcrm-mobile/LICENSE.txt").write_text(load("gpl-3.0").text, encoding="utf-8")
    component = only_component(read_file(SOURCE, copy_of, QUICKCRM))
    assert component.license.expression == "GPL-3.0-only"
    assert component.license.evidence[0].kind is EvidenceKind.LICENSE_TEXT
    assert component.license.evidence[0].location.path == "packages/quickcrm-mobile/LICENSE.txt"


def test_license_key_wins_over_the_file(read_file, copy_of):
    (copy_of / "packages/securitysuite-addon/LICENSE").write_text(load("mit").text, encoding="utf-8")
    component = only_component(read_file(SOURCE, copy_of, SECURITY))
    assert component.license.expression == "AGPL-3.0-or-later"


def test_module_builder_manifest(read_file, suitecrm):
    """Module Builder writes numbered entries before the keyed ones and a timestamp as version."""
    result = read_file(SOURCE, suitecrm, LEGACY)
    assert result.problems == ()
    component = only_component(result)
    assert (component.name, component.version) == ("Legacy Reports", "1395999687")
    assert component.location == Location(LEGACY, 3)
    assert component.license.expression is None


def test_hostile_manifest_is_read_without_running_anything(read_file, copy_of, monkeypatch):
    """The payloads (eval, system, shell_exec, backticks, file_put_contents) would each create PWNED."""
    monkeypatch.chdir(copy_of)
    result = read_file(SOURCE, copy_of, "hostile/manifest.php")
    assert not any(copy_of.rglob("PWNED"))
    component = only_component(result)
    assert component.name == "hostile"  # the name is unknown: the directory names the module
    assert component.key == "suitecrm:hostile" and component.purl is None
    assert component.version is None  # 'version' => $version is a variable: not read
    (problem,) = result.problems  # one module, one problem: the first place, the others named in it
    assert problem.location == Location("hostile/manifest.php", 10)
    assert problem.message.startswith(
        "the 'name' value is a function call (system('touch PWNED')), which osi-check does not evaluate "
        "(manifests are read, never executed); the module is named after its directory; "
    )
    assert (
        "also hostile/manifest.php:14: the 'license' value is a function call (shell_exec('touch PWNED') . 'MIT')"
        in problem.message
    )
    license_ = component.license
    assert license_.expression.startswith("LicenseRef-osi-check-unknown-")
    assert license_.unknown == ("shell_exec('touch PWNED') . 'MIT'",)
    assert any("does not evaluate" in note for note in license_.notes)
    assert component.location == Location("hostile/manifest.php", 14)


@pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed")
def test_the_hostile_payload_is_real(copy_of):  # pragma: no cover - only where php exists
    """Proof the test above can fail: PHP itself does create the file."""
    subprocess.run(["php", "hostile/manifest.php"], cwd=copy_of, check=False, capture_output=True, timeout=30)
    assert (copy_of / "PWNED").exists()


def test_pwa_manifest_php_is_not_claimed(read_file, suitecrm):
    result = read_file(SOURCE, suitecrm, "pwa/manifest.php")
    assert result.components == () and result.problems == ()


@pytest.mark.parametrize(
    "content",
    [
        "<?php\nfunction load($manifest) {\n    return $manifest['name'];\n}\n",  # uses, never assigns
        "<?php\n// $manifest = array('name' => 'in a comment');\n",
        "<?php\n$text = '$manifest = array()';\n",
        "<html><body>$manifest = array('name' => 'inline html')</body></html>\n",
        "random words without the marker",
    ],
)
def test_other_php_named_manifest_is_an_empty_result(read_file, write_tree, content):
    root = write_tree({"manifest.php": content})
    result = read_file(SOURCE, root, "manifest.php")
    assert result.components == () and result.problems == ()


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("<?php\n$manifest = array(\n    'name' => 'Broken',\n", 2, "is not closed"),
        ("<?php\n$manifest = array(\n    'name' => 'Broken\n);\n", 3, "string is not closed"),
        ("<?php\n$manifest = array('name' => 'x';\n", 2, "expected ',' or ')' in the array, found ';'"),
        ("<?php\n$manifest = array('name' => foo(1]);\n", 2, "unbalanced"),
        ("<?php\n/* $manifest = array(\n", 2, "comment is not closed"),
        ("<?php\n$manifest = " + "array(" * 200 + ")" * 200 + ";\n", 2, "nested more than"),
        ("<?php\n$manifest = get_manifest();\n", 2, "not an array literal but a function call (get_manifest())"),
        ("<?php\n$manifest = 'Legacy';\n", 2, "not an array literal but ''Legacy''"),
        (b"<?php $manifest = array(\x00\x01\x02);", None, "binary"),
    ],
)
def test_unreadable_manifest_is_exactly_one_problem(read_file, write_tree, content, line, reason):
    root = write_tree({"custom/x/manifest.php": content})
    result = read_file(SOURCE, root, "custom/x/manifest.php")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("custom/x/manifest.php", line)
    assert reason in problem.message
    assert problem.reader == "suitecrm-manifest"


def test_element_assignments_and_later_assignments(read_file, write_tree):
    content = (
        "<?php\n$manifest = array();\n$manifest['name'] = \"Acme \\x41dd-on\";\n"
        "$manifest['version'] = '2.0';\n$manifest['license'] = 'MIT';\n"
    )
    root = write_tree({"manifest.php": content})
    component = only_component(read_file(SOURCE, root, "manifest.php"))
    assert (component.name, component.version, component.license.expression) == ("Acme Add-on", "2.0", "MIT")
    assert component.location == Location("manifest.php", 5)
    assert component.root == "."


def test_interpolated_and_constant_values_are_not_evaluated(read_file, write_tree):
    content = (
        "<?php\n$manifest = [\n    'name' => \"Acme {$suffix}\",\n    'version' => ACME_VERSION,\n"
        "    'license' => LICENSE_ID,\n];\n"
    )
    root = write_tree({"pkg/manifest.php": content})
    result = read_file(SOURCE, root, "pkg/manifest.php")
    component = only_component(result)
    assert component.name == "pkg" and component.version is None
    (problem,) = result.problems
    assert problem.location.line == 3
    assert "'name' value is an interpolated string" in problem.message
    assert "also pkg/manifest.php:5: the 'license' value is a constant (LICENSE_ID)" in problem.message


def test_non_string_license_is_unknown(read_file, write_tree):
    root = write_tree({"pkg/manifest.php": "<?php\n$manifest = ['name' => 'X', 'license' => array('MIT')];\n"})
    result = read_file(SOURCE, root, "pkg/manifest.php")
    component = only_component(result)
    assert component.license.unknown == ("array('MIT')",)
    (problem,) = result.problems
    assert "is not a license string" in problem.message


def test_declared_deprecated_id_is_noted(read_file, write_tree):
    content = "<?php\n$manifest = ['name' => 'X', 'version' => 1.5, 'license' => 'GPL-3.0'];\n"
    root = write_tree({"pkg/manifest.php": content})
    component = only_component(read_file(SOURCE, root, "pkg/manifest.php"))
    assert component.version == "1.5"
    assert component.license.expression == "GPL-3.0-only"
    assert any("deprecated" in note for note in component.license.notes)
