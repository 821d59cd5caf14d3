"""EspoCrmExtensionSource: EspoCRM extension manifest.json, claimed only when it is EspoCRM's."""

from __future__ import annotations

import json
import shutil

import pytest

from osi_check.detect.reference_texts import load
from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.espocrm import EspoCrmExtensionSource
from osi_check.tree import TreeFile

SOURCE = EspoCrmExtensionSource()
REAL_ESTATE = "extensions/real-estate/manifest.json"
VOIP = "extensions/voip-integration/manifest.json"


@pytest.fixture
def espocrm(fixtures):
    return fixtures / "espocrm"


def only_component(result):
    (component,) = result.components
    return component


def test_name():
    assert SOURCE.name == "espocrm-manifest"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("manifest.json", True),
        ("extensions/real-estate/manifest.json", True),
        ("node_modules/some-lib/manifest.json", False),
        ("manifest.json.bak", False),
        ("package.json", False),
        ("manifest.php", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_examples_are_handled():
    assert all(SOURCE.handles(TreeFile(p, 10)) for p in SOURCE.examples)


def test_extension_without_license_key_or_file(read_file, espocrm):
    result = read_file(SOURCE, espocrm, REAL_ESTATE)
    assert result.problems == ()
    component = only_component(result)
    assert component.key == component.purl == "pkg:generic/espocrm/Real%20Estate@1.7.1"
    assert (component.name, component.version, component.ecosystem) == ("Real Estate", "1.7.1", "espocrm")
    assert component.role is Role.MODULE and component.scope is Scope.RUNTIME
    assert component.root == "extensions/real-estate"
    assert component.location == Location(REAL_ESTATE, 2)  # the "name" line: no license declared
    assert component.license.expression is None
    assert component.license.notes == ("the package declares no license",)
    assert component.dependencies == ()


def test_license_file_beside_the_manifest(read_file, espocrm, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(espocrm, tree)
    (tree / "extensions/real-estate/LICENSE").write_text(load("gpl-3.0").text, encoding="utf-8")
    component = only_component(read_file(SOURCE, tree, REAL_ESTATE))
    assert component.license.expression == "GPL-3.0-only"
    (evidence,) = [e for e in component.license.evidence if e.kind is EvidenceKind.LICENSE_TEXT]
    assert evidence.location.path == "extensions/real-estate/LICENSE"


def test_extension_with_license_key_and_dependencies(read_file, espocrm):
    result = read_file(SOURCE, espocrm, VOIP)
    assert result.problems == ()
    component = only_component(result)
    assert component.key == "pkg:generic/espocrm/VoIP%20Integration@1.19.4"
    assert component.license.expression == "GPL-3.0-or-later"
    assert component.location == Location(VOIP, 16)
    (evidence,) = component.license.evidence
    assert (evidence.kind, evidence.location) == (EvidenceKind.DECLARED, Location(VOIP, 16))
    assert evidence.quote == '"GPL-3.0-or-later"'
    assert component.dependencies == ("Advanced Pack",)


def test_web_app_manifest_is_not_claimed(read_file, espocrm):
    result = read_file(SOURCE, espocrm, "portal-pwa/manifest.json")
    assert result.components == () and result.problems == ()


@pytest.mark.parametrize(
    "content",
    [
        # a browser extension
        json.dumps({"manifest_version": 3, "name": "CRM Clipper", "version": "2.1.0", "permissions": ["storage"]}),
        # a build manifest
        json.dumps({"main.js": "/static/main.8f3a.js", "main.css": "/static/main.1c2b.css"}),
        # the marker, but not at the top level
        json.dumps({"name": "x", "meta": {"acceptableVersions": [">=1"]}}),
        # broken JSON without the marker: someone else's broken file
        '{"name": "PWA", "icons": [',
        "random words",
        b"\xff\xfe\x00\x01",
    ],
)
def test_other_manifest_json_is_an_empty_result(read_file, write_tree, content):
    root = write_tree({"web/manifest.json": content})
    result = read_file(SOURCE, root, "web/manifest.json")
    assert result.components == () and result.problems == ()


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ('{\n    "name": "Broken",\n    "acceptableVersions": [\n', 4, "not valid JSON"),
        ('["acceptableVersions"]', 1, "top level is not a JSON object"),
        (b'{"name": "Caf\xe9", "acceptableVersions": []}', 1, "not valid UTF-8"),
        ('<<<<<<< HEAD\n{"acceptableVersions": []}\n=======\n{}\n>>>>>>> b\n', 1, "not valid JSON"),
    ],
)
def test_unreadable_espocrm_manifest_is_exactly_one_problem(read_file, write_tree, content, line, reason):
    root = write_tree({"ext/manifest.json": content})
    result = read_file(SOURCE, root, "ext/manifest.json")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("ext/manifest.json", line)
    assert reason in problem.message
    assert problem.reader == "espocrm-manifest"


def test_wrongly_typed_values_cost_only_themselves(read_file, write_tree):
    content = (
        '{\n    "name": ["Not", "a", "name"],\n    "version": 2,\n    "acceptableVersions": [],\n'
        '    "license": {"id": "MIT"}\n}\n'
    )
    root = write_tree({"ext/sales-kit/manifest.json": content})
    result = read_file(SOURCE, root, "ext/sales-kit/manifest.json")
    component = only_component(result)
    assert component.name == "sales-kit" and component.key == "espocrm:ext/sales-kit" and component.purl is None
    assert component.version is None
    assert component.license.unknown == ('{"id": "MIT"}',)
    (problem,) = result.problems  # one extension, one problem
    assert problem.location.line == 2
    assert "is not a name" in problem.message
    assert "also ext/sales-kit/manifest.json:5: the 'license' value" in problem.message
