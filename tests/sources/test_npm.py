"""NpmLockSource: package-lock.json / npm-shrinkwrap.json (lockfileVersion 2 and 3), read without running npm."""

from __future__ import annotations

import json

import pytest

from osi_check.facts import EvidenceKind, InputProblem, Location, Role, Scope
from osi_check.sources.npm import NpmLockSource
from osi_check.tree import TreeFile

SOURCE = NpmLockSource()
R, D = Scope.RUNTIME, Scope.DEV
APP, DEP = Role.APPLICATION, Role.DEPENDENCY

# Every component of the v3 fixture, in file order: key, name, version, role, scope, expression, line, root.
EXPECTED_V3 = [
    ("application:.", "open-crm-frontend", "2.4.0", APP, R, "AGPL-3.0-or-later", 7, "."),
    ("pkg:npm/%40babel/core@7.24.0", "@babel/core", "7.24.0", DEP, D, "MIT", 31, "node_modules/@babel/core"),
    ("pkg:npm/semver@6.3.1", "semver", "6.3.1", DEP, D, "ISC", 48, "node_modules/@babel/core/node_modules/semver"),
    ("pkg:npm/%40isaacs/cliui@8.0.2", "@isaacs/cliui", "8.0.2", DEP, R, "ISC", 62, "node_modules/@isaacs/cliui"),
    (
        "pkg:npm/string-width@5.1.2", "string-width", "5.1.2", DEP, R, "MIT", 75,
        "node_modules/@isaacs/cliui/node_modules/string-width",
    ),
    ("pkg:npm/fsevents@2.3.3", "fsevents", "2.3.3", DEP, R, "MIT", 87, "node_modules/fsevents"),
    ("pkg:npm/indexof@0.0.1", "indexof", "0.0.1", DEP, R, None, 101, "node_modules/indexof"),
    (
        "pkg:npm/jquery-ui@1.10.5", "jquery-ui", "1.10.5", DEP, R, "MIT OR LicenseRef-osi-check-unknown-GPL", 106,
        "node_modules/jquery-ui",
    ),
    ("pkg:npm/js-tokens@4.0.0", "js-tokens", "4.0.0", DEP, R, "MIT", 121, "node_modules/js-tokens"),
    ("pkg:npm/lodash@4.17.21", "lodash", "4.17.21", DEP, R, "MIT", 127, "node_modules/lodash"),
    ("pkg:npm/loose-envify@1.4.0", "loose-envify", "1.4.0", DEP, R, "MIT", 133, "node_modules/loose-envify"),
    ("pkg:npm/react@18.2.0", "react", "18.2.0", DEP, R, "MIT", 145, "node_modules/react"),
    ("pkg:npm/string-width@4.2.3", "string-width", "4.2.3", DEP, R, "MIT", 157, "node_modules/string-width"),
    (
        "pkg:npm/string-width@4.2.3#node_modules/string-width-cjs", "string-width", "4.2.3", DEP, R, "MIT", 166,
        "node_modules/string-width-cjs",
    ),
    ("pkg:npm/typescript@5.4.2", "typescript", "5.4.2", DEP, D, "Apache-2.0", 176, "node_modules/typescript"),
    ("pkg:npm/uid2@0.0.3", "uid2", "0.0.3", DEP, R, "MIT", 190, "node_modules/uid2"),
    ("pkg:npm/y18n@5.0.8", "y18n", "5.0.8", DEP, R, "ISC", 199, "node_modules/y18n"),
    ("pkg:npm/yargs@17.7.2", "yargs", "17.7.2", DEP, R, "MIT", 208, "node_modules/yargs"),
    (
        "pkg:npm/y18n@5.0.8#node_modules/yargs/node_modules/y18n", "y18n", "5.0.8", DEP, R, "ISC", 220,
        "node_modules/yargs/node_modules/y18n",
    ),
    ("application:packages/ui", "@crm/ui", "0.1.0", APP, R, "AGPL-3.0-or-later", 229, "packages/ui"),
    ("pkg:npm/clsx@2.1.0", "clsx", "2.1.0", DEP, R, "MIT", 238, "packages/ui/node_modules/clsx"),
]


@pytest.fixture
def v3(read_file, fixtures):
    return read_file(SOURCE, fixtures / "npm" / "v3", "package-lock.json")


@pytest.fixture
def v2(read_file, fixtures):
    return read_file(SOURCE, fixtures / "npm" / "v2", "web/package-lock.json")


def by_key(result, key):
    (component,) = [c for c in result.components if c.key == key]
    return component


def summary(component):
    c = component
    return (c.key, c.name, c.version, c.role, c.scope, c.license.expression, c.location.line, c.root)


def test_name_is_npm():
    assert SOURCE.name == "npm"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("package-lock.json", True),
        ("npm-shrinkwrap.json", True),
        ("frontend/package-lock.json", True),
        ("my_node_modules/package-lock.json", True),
        ("node_modules/.package-lock.json", False),  # npm's hidden lockfile describes the install
        ("node_modules/package-lock.json", False),
        ("node_modules/left-pad/npm-shrinkwrap.json", False),  # a dependency's published shrinkwrap
        ("web/node_modules/@scope/pkg/package-lock.json", False),
        ("package.json", False),
        ("yarn.lock", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_v3_reads_every_package_in_file_order(v3):
    assert [summary(c) for c in v3.components] == EXPECTED_V3
    assert v3.problems == ()


def test_v3_keys_are_unique_and_dependencies_have_purls(v3):
    keys = [c.key for c in v3.components]
    assert len(keys) == len(set(keys))
    for component in v3.components:
        assert component.ecosystem == "npm"
        assert component.location.path == "package-lock.json"
        if component.role is Role.DEPENDENCY:
            assert component.key.split("#")[0] == component.purl
        else:
            assert component.purl is None


def test_workspace_link_entry_is_skipped(v3):
    assert "node_modules/@crm/ui" not in {c.root for c in v3.components}
    assert by_key(v3, "application:packages/ui").name == "@crm/ui"


def test_aliased_install_is_identified_by_its_real_name(v3):
    alias = by_key(v3, "pkg:npm/string-width@4.2.3#node_modules/string-width-cjs")
    assert alias.name == "string-width"
    assert alias.purl == "pkg:npm/string-width@4.2.3"


def test_optional_is_runtime_and_dev_optional_is_dev(v3):
    assert by_key(v3, "pkg:npm/fsevents@2.3.3").scope is Scope.RUNTIME
    assert by_key(v3, "pkg:npm/typescript@5.4.2").scope is Scope.DEV


def test_license_evidence_quotes_the_raw_value(v3):
    (evidence,) = by_key(v3, "pkg:npm/%40babel/core@7.24.0").license.evidence
    assert evidence.kind is EvidenceKind.DECLARED
    assert evidence.quote == '"MIT"'
    assert evidence.detail == "package-lock.json license field"
    assert evidence.location == Location("package-lock.json", 31)


def test_legacy_license_object_is_read_by_its_type(v3):
    conclusion = by_key(v3, "pkg:npm/uid2@0.0.3").license
    assert conclusion.expression == "MIT"
    assert conclusion.status == "known"
    assert "legacy license object read by its 'type'" in conclusion.notes
    assert conclusion.evidence[0].quote.startswith('{"type": "MIT", "url": ')


def test_legacy_license_array_is_read_as_a_choice(v3):
    conclusion = by_key(v3, "pkg:npm/jquery-ui@1.10.5").license
    assert conclusion.expression == "MIT OR LicenseRef-osi-check-unknown-GPL"
    assert conclusion.unknown == ("GPL",)
    assert "legacy 'licenses' array read as a choice" in conclusion.notes


def test_missing_license_is_none_with_a_note(v3):
    conclusion = by_key(v3, "pkg:npm/indexof@0.0.1").license
    assert conclusion.expression is None
    assert conclusion.notes == ("no license declared",)


def test_v2_reads_packages_not_the_dependencies_tree(v2):
    assert [summary(c) for c in v2.components] == [
        ("application:web", "crm-web", "1.3.0", APP, R, None, 7, "web"),
        (
            "pkg:npm/%40fortawesome/fontawesome-free@6.5.1", "@fortawesome/fontawesome-free", "6.5.1", DEP, R,
            "CC-BY-4.0 AND OFL-1.1 AND MIT", 19, "web/node_modules/@fortawesome/fontawesome-free",
        ),
        ("pkg:npm/eslint@8.57.0", "eslint", "8.57.0", DEP, D, "MIT", 29, "web/node_modules/eslint"),
        ("pkg:npm/ajv@6.12.6", "ajv", "6.12.6", DEP, D, "MIT", 42, "web/node_modules/eslint/node_modules/ajv"),
        (
            "pkg:npm/jsonify@0.0.1", "jsonify", "0.0.1", DEP, R, "LicenseRef-osi-check-unknown-Public-Domain", 53,
            "web/node_modules/jsonify",
        ),
        ("pkg:npm/moment@2.30.1", "moment", "2.30.1", DEP, R, "MIT", 61, "web/node_modules/moment"),
    ]
    assert v2.problems == ()
    assert by_key(v2, "application:web").license.notes == ("no license declared",)
    assert by_key(v2, "pkg:npm/jsonify@0.0.1").license.unknown == ("Public Domain",)


def test_v1_is_reported_not_silently_empty(read_file, fixtures):
    result = read_file(SOURCE, fixtures / "npm" / "v1", "package-lock.json")
    assert result.components == ()
    assert result.problems == (
        InputProblem(
            Location("package-lock.json", 4),
            "lockfileVersion 1 is not supported yet; its packages were not read",
            "npm",
        ),
    )


def test_merge_conflict_is_one_problem_with_its_line(read_file, fixtures):
    result = read_file(SOURCE, fixtures / "npm" / "conflict", "package-lock.json")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("package-lock.json", 62)
    assert problem.message == (
        "is not valid JSON: Expecting property name enclosed in double quotes (line 62 column 1)"
    )


def lock(packages, version=3):
    return json.dumps({"name": "x", "lockfileVersion": version, "requires": True, "packages": packages}, indent=2)


def test_shrinkwrap_evidence_names_its_file(read_file, write_tree):
    packages = {"": {"name": "x"}, "node_modules/a": {"version": "1.0.0", "license": "MIT"}}
    root = write_tree({"npm-shrinkwrap.json": lock(packages)})
    result = read_file(SOURCE, root, "npm-shrinkwrap.json")
    assert result.components[1].license.evidence[0].detail == "npm-shrinkwrap.json license field"


def test_bad_entries_are_skipped_and_reported(read_file, write_tree):
    packages = {
        "": {"name": "x"},
        "node_modules/a": "1.0.0",
        "node_modules/b": {"version": "2.0.0", "license": 42},
        "node_modules/c": {"version": 3, "license": "MIT"},
        "node_modules/d": {"version": "4.0.0", "license": "ISC"},
    }
    result = read_file(SOURCE, write_tree({"package-lock.json": lock(packages)}), "package-lock.json")
    assert [(c.name, c.version, c.license.expression) for c in result.components] == [
        ("x", None, None),
        ("b", "2.0.0", "LicenseRef-osi-check-unknown-42"),
        ("c", None, "MIT"),
        ("d", "4.0.0", "ISC"),
    ]
    assert result.components[1].license.unknown == ("42",)
    assert [(p.location.line, p.message) for p in result.problems] == [
        (9, "the entry for 'node_modules/a' is not a JSON object; it was skipped"),
        (10, "the license value 42 is not a license string; it is unknown"),
        (14, "'version' is not a string; the package was read without a version"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "is not valid JSON: Expecting value (line 1 column 1)"),
        ('"package-lock"', 1, "the top level is not a JSON object"),
        (
            '{\n  "lockfileVersion": 3,\n  "packages": []\n}',
            3,
            "'packages' is not a JSON object; no packages were read",
        ),
        ('{\n  "lockfileVersion": 3\n}', None, "has no 'packages' map; no packages were read"),
        (
            '{\n  "name": "x",\n  "requires": true,\n  "dependencies": {}\n}',
            None,
            "lockfileVersion 1 is not supported yet; its packages were not read",
        ),
    ],
    ids=["empty", "top-level-string", "packages-not-object", "no-packages", "v1-without-version"],
)
def test_bad_lockfiles_are_problems_not_exceptions(read_file, write_tree, text, line, message):
    result = read_file(SOURCE, write_tree({"package-lock.json": text}), "package-lock.json")
    assert result.components == ()
    assert result.problems == (InputProblem(Location("package-lock.json", line), message, "npm"),)


def test_unknown_lockfile_version_is_read_and_reported(read_file, write_tree):
    root = write_tree({"package-lock.json": lock({"node_modules/a": {"version": "1.0.0", "license": "MIT"}}, 4)})
    result = read_file(SOURCE, root, "package-lock.json")
    assert [c.key for c in result.components] == ["pkg:npm/a@1.0.0"]
    (problem,) = result.problems
    assert problem.location.line == 3
    assert "lockfileVersion 4 is not one osi-check knows" in problem.message


@pytest.mark.parametrize("folder", ["node_modules/../../../etc", "node_modules/../src", "/node_modules/x"])
def test_hostile_folder_gets_no_root(read_file, write_tree, folder):
    """A root claims every file below it: a crafted key must not claim the project's own code."""
    root = write_tree({"package-lock.json": lock({folder: {"version": "1.0.0"}})})
    (component,) = read_file(SOURCE, root, "package-lock.json").components
    assert component.root is None


def test_lines_are_exact_whatever_the_spelling(read_file, write_tree):
    """Escaped "/" and \\u escapes in keys, and a value equal to a later key, still give the right lines."""
    text = (
        '{\n  "lockfileVersion": 3,\n  "packages": {\n'
        '    "": {"name": "node_modules/b"},\n'
        '    "node_modules\\/caf\\u00e9": {"version": "1.0.0"},\n'
        '    "node_modules/b": {"version": "2.0.0"}\n'
        "  }\n}\n"
    )
    result = read_file(SOURCE, write_tree({"package-lock.json": text}), "package-lock.json")
    assert [(c.name, c.location.line) for c in result.components] == [
        ("node_modules/b", 4),
        ("caf\u00e9", 5),
        ("b", 6),
    ]
