"""ComposerInstalledSource: what composer installed, from <vendor-dir>/composer/installed.json (formats 1 and 2)."""

from __future__ import annotations

import json

import pytest

from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.composer_installed import ComposerInstalledSource
from osi_check.tree import TreeFile

SOURCE = ComposerInstalledSource()
V2 = "crm/vendor/composer/installed.json"
V1 = "include/vendor/composer/installed.json"

# composer 2 fixture, file order: name, version, scope, expression, line of "name", root
EXPECTED_V2 = [
    ("acme/crm-theme", "2.3.0", Scope.RUNTIME, "LicenseRef-osi-check-proprietary", 4, "crm/vendor/acme/crm-theme"),
    ("ezyang/htmlpurifier", "v4.17.0", Scope.RUNTIME, "LGPL-2.1-or-later", 38, "crm/vendor/ezyang/htmlpurifier"),
    ("monolog/monolog", "3.5.0", Scope.RUNTIME, "MIT", 96, "crm/vendor/monolog/monolog"),
    ("phpmailer/phpmailer", "v6.9.1", Scope.RUNTIME, "LGPL-2.1-only", 162, "crm/vendor/phpmailer/phpmailer"),
    ("phpunit/phpunit", "10.5.10", Scope.DEV, "BSD-3-Clause", 211, "crm/vendor/phpunit/phpunit"),
    ("psr/log", "3.0.0", Scope.RUNTIME, "MIT", 278, "crm/vendor/psr/log"),
    ("roave/security-advisories", "dev-latest", Scope.DEV, "MIT", 331, None),  # metapackage: install-path null
    ("tecnickcom/tcpdf", "6.6.5", Scope.RUNTIME, "LGPL-3.0-or-later", 363, "crm/vendor/tecnickcom/tcpdf"),
]

EXPECTED_V1 = [
    ("ezyang/htmlpurifier", "v4.10.0", "LicenseRef-osi-check-unknown-LGPL", 3, "include/vendor/ezyang/htmlpurifier"),
    ("google/recaptcha", "1.2.4", "BSD-3-Clause", 49, "include/vendor/google/recaptcha"),
    ("phpmailer/phpmailer", "v5.2.28", "LGPL-2.1-only", 94, "include/vendor/phpmailer/phpmailer"),
    ("smarty/smarty", "v3.1.48", "LGPL-3.0-only", 135, "include/vendor/smarty/smarty"),
]


@pytest.fixture
def v2(read_file, fixtures):
    return read_file(SOURCE, fixtures / "composer" / "installed-v2", V2)


@pytest.fixture
def v1(read_file, fixtures):
    return read_file(SOURCE, fixtures / "composer" / "installed-v1", V1)


def by_name(result, name):
    (component,) = [c for c in result.components if c.name == name]
    return component


def test_name():
    assert SOURCE.name == "composer-installed"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("vendor/composer/installed.json", True),
        ("include/vendor/composer/installed.json", True),  # a custom vendor-dir
        ("lib/deps/composer/installed.json", True),
        ("composer/installed.json", True),  # scanning the vendor directory itself
        ("vendor/composer/installed.php", False),
        ("vendor/mycomposer/installed.json", False),
        ("vendor/composer/installed.json.bak", False),
        ("installed.json", False),
        ("composer.lock", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_examples_are_handled():
    assert all(SOURCE.handles(TreeFile(p, 10)) for p in SOURCE.examples)


def test_composer2_reads_every_package_in_file_order(v2):
    got = [(c.name, c.version, c.scope, c.license.expression, c.location.line, c.root) for c in v2.components]
    assert got == EXPECTED_V2
    assert v2.problems == ()


def test_composer2_components_are_dependencies_with_purls(v2):
    for component in v2.components:
        assert component.role is Role.DEPENDENCY
        assert component.ecosystem == "composer"
        assert component.key == component.purl == f"pkg:composer/{component.name}@{component.version}"
        assert component.location.path == V2
        assert component.direct is None  # installed.json does not say which packages the project requires


def test_license_evidence_quotes_the_array(v2):
    component = by_name(v2, "tecnickcom/tcpdf")
    (evidence,) = component.license.evidence
    assert evidence.kind is EvidenceKind.DECLARED
    assert evidence.location == Location(V2, 363)
    assert evidence.quote == '["LGPL-3.0-or-later"]'
    assert "installed.json" in evidence.detail and "choice" in evidence.detail


def test_integrity_is_the_dist_shasum_when_composer_wrote_one(v2):
    assert by_name(v2, "acme/crm-theme").integrity == "9f2a6c1e0b8d4f3a7c5e2d1b0a9f8e7d6c5b4a39"
    assert by_name(v2, "monolog/monolog").integrity is None  # GitHub zipballs: "shasum": ""
    assert by_name(v2, "roave/security-advisories").integrity is None  # no dist at all


def test_dependencies_are_required_packages_without_platform_requirements(v2):
    assert by_name(v2, "monolog/monolog").dependencies == ("psr/log",)
    assert by_name(v2, "phpmailer/phpmailer").dependencies == ()  # only ext-* and php
    assert by_name(v2, "phpunit/phpunit").dependencies == ("myclabs/deep-copy", "phar-io/manifest", "sebastian/diff")
    assert by_name(v2, "roave/security-advisories").dependencies == ()


def test_composer1_list_format(v1):
    got = [(c.name, c.version, c.license.expression, c.location.line, c.root) for c in v1.components]
    assert got == EXPECTED_V1
    # composer 1 does not record dev packages: everything installed is read as runtime
    assert {c.scope for c in v1.components} == {Scope.RUNTIME}
    assert v1.problems == ()
    assert by_name(v1, "smarty/smarty").integrity == "5c3a1b0e9f8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"


def test_composer1_unclear_and_deprecated_declarations_are_visible(v1):
    htmlpurifier = by_name(v1, "ezyang/htmlpurifier").license
    assert htmlpurifier.unknown == ("LGPL",)
    assert any("ambiguous" in note for note in htmlpurifier.notes)
    smarty = by_name(v1, "smarty/smarty").license
    assert any("deprecated" in note for note in smarty.notes)


def test_reading_is_deterministic(read_file, fixtures):
    root = fixtures / "composer" / "installed-v2"
    assert read_file(SOURCE, root, V2) == read_file(SOURCE, root, V2)


def _installed(write_tree, document, path="vendor/composer/installed.json"):
    text = document if isinstance(document, str) else json.dumps(document, indent=4)
    return write_tree({path: text}), path


@pytest.mark.parametrize(
    ("install_path", "root"),
    [
        ("../acme/tool", "vendor/acme/tool"),
        ("../acme/tool/", "vendor/acme/tool"),
        ("../../src", None),  # would claim the project's own code
        ("../../../../etc", None),  # outside the tree
        ("../acme/../../src", None),
        ("/var/www/vendor/acme/tool", None),
        ("acme/tool", None),  # not relative to vendor/composer/ as composer writes it
        ("..", None),
        ("../", None),
    ],
)
def test_install_path_is_resolved_only_inside_the_vendor_dir(read_file, write_tree, install_path, root):
    document = {"packages": [{"name": "acme/tool", "version": "1.0.0", "install-path": install_path}], "dev": True}
    tree, path = _installed(write_tree, document)
    (component,) = read_file(SOURCE, tree, path).components
    assert component.root == root


def test_composer1_hostile_name_gets_no_root(read_file, write_tree):
    tree, path = _installed(write_tree, [{"name": "../../src", "version": "1.0.0"}])
    (component,) = read_file(SOURCE, tree, path).components
    assert component.root is None


def test_vendor_dir_at_the_tree_root(read_file, write_tree):
    document = {"packages": [{"name": "psr/log", "version": "3.0.0", "install-path": "../psr/log"}]}
    tree, path = _installed(write_tree, document, "composer/installed.json")
    (component,) = read_file(SOURCE, tree, path).components
    assert component.root == "psr/log"


def test_empty_install_is_no_problem(read_file, write_tree):
    for document in ({"packages": [], "dev": True, "dev-package-names": []}, []):
        tree, path = _installed(write_tree, document)
        assert read_file(SOURCE, tree, path).components == ()
        assert read_file(SOURCE, tree, path).problems == ()


def test_bad_entries_cost_only_themselves(read_file, write_tree):
    text = """{
    "packages": [
        {
            "name": "psr/log",
            "version": "3.0.0",
            "license": ["MIT"],
            "install-path": "../psr/log"
        },
        "not a package",
        {
            "version": "1.0.0"
        },
        {
            "name": "acme/odd",
            "version": 3,
            "license": {"type": "MIT"},
            "install-path": 7
        }
    ],
    "dev": true,
    "dev-package-names": []
}
"""
    tree, path = _installed(write_tree, text)
    result = read_file(SOURCE, tree, path)
    assert [c.name for c in result.components] == ["psr/log", "acme/odd"]
    odd = by_name(result, "acme/odd")
    assert odd.version is None and odd.root is None
    assert odd.license.unknown == ('{"type": "MIT"}',)
    messages = [(p.location.line, p.message) for p in result.problems]  # in file order
    assert messages[:2] == [
        (9, "package 1 is not a JSON object; that entry was skipped"),
        (10, "package 2 has no package name; that entry was skipped"),
    ]
    line, message = messages[2]
    assert line == 14  # the "name" of acme/odd
    assert message.startswith("acme/odd: ")
    assert "'version' is not a string" in message and "'license'" in message and "'install-path'" in message
    assert len(messages) == 3
    assert all(p.location.path == path and p.reader == "composer-installed" for p in result.problems)


def test_wrong_dev_package_names_keeps_the_packages(read_file, write_tree):
    document = {"packages": [{"name": "psr/log", "version": "3.0.0"}], "dev": True, "dev-package-names": "psr/log"}
    tree, path = _installed(write_tree, document)
    result = read_file(SOURCE, tree, path)
    (component,) = result.components
    assert component.scope is Scope.RUNTIME
    (problem,) = result.problems
    assert "dev-package-names" in problem.message


@pytest.mark.parametrize(
    "content",
    [
        '{"packages": [{"name": "psr/log", "vers',  # truncated
        "<<<<<<< HEAD\n{}\n=======\n[]\n>>>>>>> theirs\n",  # merge conflict
        "42",
        '"packages"',
        "null",
        '{"packages": {"psr/log": "3.0.0"}}',
        '{"dev": true}',
        "[1, 2, 3]",
        '[{"version": "1"}, {"version": "2"}]',
        '{"packages": [null, null], "dev-package-names": 5}',
        b"\xff\xfe\x00garbage\x00",
        "",
    ],
)
def test_garbage_is_exactly_one_problem_naming_the_file(read_file, write_tree, content):
    path = "vendor/composer/installed.json"
    tree = write_tree({path: content})
    result = read_file(SOURCE, tree, path)
    assert result.components == ()
    assert len(result.problems) == 1
    assert result.problems[0].location.path == path


def test_truncated_file_problem_has_the_line(read_file, write_tree):
    truncated = '{\n    "packages": [\n        {\n            "name": "psr/log",\n'
    tree = write_tree({"vendor/composer/installed.json": truncated})
    (problem,) = read_file(SOURCE, tree, "vendor/composer/installed.json").problems
    assert problem.location.line == 5
    assert "not valid JSON" in problem.message
