"""ComposerSource: composer.lock packages and composer.json applications, read without running composer."""

from __future__ import annotations

import json

import pytest

from osi_check.facts import EvidenceKind, InputProblem, Location, Role, Scope
from osi_check.sources.composer import ComposerSource
from osi_check.tree import TreeFile

SOURCE = ComposerSource()
LOCK = "crm-app/composer.lock"

# Every package of the fixture lock, in file order: name, version, scope, expression, line of its "name".
EXPECTED_LOCK = [
    ("doctrine/dbal", "3.8.3", Scope.RUNTIME, "MIT", 10),
    ("guzzlehttp/guzzle", "7.8.1", Scope.RUNTIME, "MIT", 59),
    ("monolog/monolog", "3.5.0", Scope.RUNTIME, "MIT", 109),
    ("phpmailer/phpmailer", "v6.9.1", Scope.RUNTIME, "LGPL-2.1-only", 155),
    ("smarty/smarty", "v4.5.2", Scope.RUNTIME, "LGPL-3.0-only", 199),
    ("crmkit/mail-merge", "2.9.1", Scope.RUNTIME, "LGPL-2.1-only OR GPL-3.0-or-later", 240),
    ("legacy/xml-rpc", "1.1.0", Scope.RUNTIME, "LicenseRef-osi-check-unknown-BSD", 282),
    ("acme/crm-connector", "dev-main", Scope.RUNTIME, None, 323),
    ("symfony/console", "v6.4.3", Scope.RUNTIME, "MIT", 361),
    ("tecnickcom/tcpdf", "6.6.5", Scope.RUNTIME, "LGPL-3.0-or-later", 414),
    ("mockery/mockery", "1.6.7", Scope.DEV, "BSD-3-Clause", 459),
    ("phpunit/phpunit", "10.5.10", Scope.DEV, "BSD-3-Clause", 504),
    ("squizlabs/php_codesniffer", "3.9.0", Scope.DEV, "BSD-3-Clause", 553),
]


@pytest.fixture
def composer_root(fixtures):
    return fixtures / "composer"


@pytest.fixture
def lock_result(read_file, composer_root):
    return read_file(SOURCE, composer_root, LOCK)


def by_name(result, name):
    (component,) = [c for c in result.components if c.name == name]
    return component


def test_name_is_composer():
    assert SOURCE.name == "composer"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("composer.lock", True),
        ("composer.json", True),
        ("apps/crm/composer.lock", True),
        ("vendor/doctrine/dbal/composer.json", False),  # an installed package, already in the lock
        ("vendor/acme/tool/composer.lock", False),
        ("vendor/composer/installed.json", False),
        ("composer.phar", False),
        ("package.json", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_lock_reads_every_package_in_file_order(lock_result):
    got = [
        (c.name, c.version, c.scope, c.license.expression, c.location.line) for c in lock_result.components
    ]
    assert got == EXPECTED_LOCK
    assert lock_result.problems == ()


def test_lock_components_are_dependencies_with_purl_keys_and_vendor_roots(lock_result):
    for component in lock_result.components:
        vendor, name = component.name.split("/")
        assert component.role is Role.DEPENDENCY
        assert component.ecosystem == "composer"
        assert component.purl == f"pkg:composer/{vendor}/{name}@{component.version}"
        assert component.key == component.purl
        assert component.root == f"crm-app/vendor/{vendor}/{name}"
        assert component.location.path == LOCK
    assert by_name(lock_result, "symfony/console").purl == "pkg:composer/symfony/console@v6.4.3"


def test_license_array_is_a_choice(lock_result):
    conclusion = by_name(lock_result, "crmkit/mail-merge").license
    assert conclusion.expression == "LGPL-2.1-only OR GPL-3.0-or-later"
    assert conclusion.status == "known"
    (evidence,) = conclusion.evidence
    assert evidence.kind is EvidenceKind.DECLARED
    assert evidence.quote == '["LGPL-2.1-only", "GPL-3.0-or-later"]'
    assert evidence.detail == "composer.lock license array (a choice: OR)"
    assert evidence.location == Location(LOCK, 240)


def test_non_spdx_license_is_unknown_with_its_raw_string(lock_result):
    conclusion = by_name(lock_result, "legacy/xml-rpc").license
    assert conclusion.status == "unknown"
    assert conclusion.unknown == ("BSD",)
    assert any("ambiguous" in note for note in conclusion.notes)
    assert conclusion.evidence[0].quote == '["BSD"]'


def test_missing_license_is_none_with_a_note(lock_result):
    conclusion = by_name(lock_result, "acme/crm-connector").license
    assert conclusion.expression is None
    assert conclusion.status == "none"
    assert conclusion.notes == ("no license declared",)
    (evidence,) = conclusion.evidence
    assert evidence.kind is EvidenceKind.DECLARED
    assert evidence.quote == ""
    assert evidence.location == Location(LOCK, 323)


def test_deprecated_spdx_id_is_noted(lock_result):
    conclusion = by_name(lock_result, "smarty/smarty").license
    assert conclusion.expression == "LGPL-3.0-only"
    assert any("deprecated" in note for note in conclusion.notes)


def test_lock_is_read_deterministically(read_file, composer_root):
    assert read_file(SOURCE, composer_root, LOCK) == read_file(SOURCE, composer_root, LOCK)


def test_truncated_lock_is_one_problem_with_a_line(read_file, composer_root):
    result = read_file(SOURCE, composer_root, "truncated/composer.lock")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("truncated/composer.lock", 193)
    assert problem.reader == "composer"
    assert problem.message.startswith("is not valid JSON: ")
    assert "(line 193 column 27)" in problem.message
    assert str(problem).startswith("truncated/composer.lock:193: ")


def test_wrong_shape_skips_only_the_bad_entries(read_file, composer_root):
    result = read_file(SOURCE, composer_root, "bad-shape/composer.lock")
    assert [(c.name, c.location.line) for c in result.components] == [
        ("psr/log", 10),
        ("psr/http-message", 26),
        ("psr/cache", 34),
    ]
    problems = [(p.location.path, p.location.line, p.message) for p in result.problems]
    assert problems == [
        ("bad-shape/composer.lock", 17, "packages[1] has no package name; that entry was skipped"),
        ("bad-shape/composer.lock", 24, "packages[2] is not a JSON object; that entry was skipped"),
        (
            "bad-shape/composer.lock",
            26,
            "psr/http-message: 'license' is not a string or an array of strings; the license is unknown",
        ),
        ("bad-shape/composer.lock", 42, "'packages-dev' is not a JSON array; its packages were not read"),
    ]
    # a license that could not be read is unknown, with its raw value: never dropped, never guessed
    conclusion = by_name(result, "psr/http-message").license
    assert conclusion.status == "unknown"
    assert conclusion.unknown == ('{"type": "MIT"}',)


def test_custom_vendor_dir_places_package_roots(read_file, fixtures):
    result = read_file(SOURCE, fixtures / "composer" / "custom-vendor", "crm/composer.lock")
    (component,) = result.components
    assert component.root == "crm/include/vendor/ezyang/htmlpurifier"
    assert component.version == "v4.17.0"
    assert component.license.expression == "LGPL-2.1-or-later"


def test_application_from_composer_json_with_lock(read_file, composer_root):
    result = read_file(SOURCE, composer_root, "crm-app/composer.json")
    assert result.problems == ()
    (app,) = result.components
    assert app.role is Role.APPLICATION
    assert app.key == "application:crm-app"
    assert (app.name, app.version, app.ecosystem, app.scope) == ("acme/open-crm", "8.6.1", "composer", Scope.RUNTIME)
    assert app.root == "crm-app"
    assert app.purl is None
    assert app.location == Location("crm-app/composer.json", 6)
    assert app.license.expression == "AGPL-3.0-or-later"
    assert app.license.evidence[0].quote == '"AGPL-3.0-or-later"'


def test_composer_json_without_lock_is_reported(read_file, composer_root):
    result = read_file(SOURCE, composer_root, "no-lock/composer.json")
    (app,) = result.components
    assert app.license.expression == "MIT OR GPL-2.0-or-later"
    assert app.license.evidence[0].detail == "composer.json license array (a choice: OR)"
    assert result.problems == (
        InputProblem(
            Location("no-lock/composer.json", 6),
            "composer.json has dependencies but no composer.lock beside it; dependencies were not resolved",
            "composer",
        ),
    )


def test_composer_json_without_license_and_only_platform_requirements(read_file, composer_root):
    result = read_file(SOURCE, composer_root, "unlicensed/composer.json")
    assert result.problems == ()  # php, ext-* and composer-runtime-api are not packages to resolve
    (app,) = result.components
    assert app.name == "acme/crm-theme"
    assert app.version is None
    assert app.license.expression is None
    assert app.license.notes == ("composer.json declares no license",)
    assert app.location == Location("unlicensed/composer.json", 1)


def test_root_composer_json_is_named_after_the_tree(read_file, write_tree):
    root = write_tree({"composer.json": '{\n    "license": "MIT"\n}\n'})
    (app,) = read_file(SOURCE, root, "composer.json").components
    assert app.key == "application:."
    assert app.root == "."
    assert app.name == root.name
    assert app.location == Location("composer.json", 2)


def test_lines_are_found_when_slashes_and_unicode_are_escaped(read_file, write_tree):
    """PHP's json_encode escapes "/" and non-ASCII unless told not to; lines must still be right."""
    lock = {
        "packages": [
            {"name": "acme/caf\u00e9", "version": "1.0.0", "license": ["MIT"]},
            {"name": "acme/tool", "version": "2.0.0", "license": ["ISC"]},
        ],
        "packages-dev": [],
    }
    text = json.dumps(lock, indent=4).replace("/", "\\/")
    assert "acme\\/caf\\u00e9" in text
    result = read_file(SOURCE, write_tree({"composer.lock": text}), "composer.lock")
    assert [(c.name, c.location.line) for c in result.components] == [("acme/caf\u00e9", 4), ("acme/tool", 11)]
    assert result.components[0].purl == "pkg:composer/acme/caf%C3%A9@1.0.0"


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"", 1, "is not valid JSON: Expecting value (line 1 column 1)"),
        (b"[]\n", 1, "the top level is not a JSON object"),
        (b'{\n    "packages": "none"\n}\n', 2, "'packages' is not a JSON array; its packages were not read"),
        (b'{\n    "_readme": []\n}\n', None, "has no 'packages' list; no packages were read"),
        (b'{\n    "packages": [\n        {"name": "caf\xe9"}\n    ]\n}\n', 3, "is not valid UTF-8 (byte 41)"),
    ],
    ids=["empty", "top-level-array", "packages-not-array", "no-packages", "latin-1"],
)
def test_bad_lockfiles_are_problems_not_exceptions(read_file, write_tree, content, line, message):
    result = read_file(SOURCE, write_tree({"composer.lock": content}), "composer.lock")
    assert result.components == ()
    assert result.problems == (InputProblem(Location("composer.lock", line), message, "composer"),)


@pytest.mark.parametrize("name", ["../../../etc", "../src", "acme/../../src", "/etc/passwd"])
def test_hostile_package_name_gets_no_root(read_file, write_tree, name):
    """A root claims every file below it: a crafted name must not claim the project's own code."""
    text = json.dumps({"packages": [{"name": name, "version": "1.0", "license": ["MIT"]}]})
    (component,) = read_file(SOURCE, write_tree({"composer.lock": text}), "composer.lock").components
    assert component.name == name
    assert component.root is None


@pytest.mark.parametrize(
    ("vendor_dir", "root"),
    [
        ("./lib/vendor/", "lib/vendor/acme/tool"),
        ("../shared-vendor", None),  # installed outside the scanned tree
        ("", "vendor/acme/tool"),
        (42, "vendor/acme/tool"),
    ],
)
def test_vendor_dir_setting(read_file, write_tree, vendor_dir, root):
    files = {
        "composer.json": json.dumps({"require": {"acme/tool": "^1"}, "config": {"vendor-dir": vendor_dir}}),
        "composer.lock": json.dumps({"packages": [{"name": "acme/tool", "version": "1.0.0"}], "packages-dev": []}),
    }
    (component,) = read_file(SOURCE, write_tree(files), "composer.lock").components
    assert component.root == root
