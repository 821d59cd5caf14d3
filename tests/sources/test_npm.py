"""NpmLockSource: package-lock.json / npm-shrinkwrap.json (lockfileVersion 2 and 3), read without running npm."""

from __future__ import annotations

import json

import pytest

from osi_check.facts import EvidenceKind, InputProblem, Location, Role, Scope
from osi_check.sources.npm import NpmLockSource
from osi_check.tree import TreeFile

SOURCE = NpmLockSource()
R, D, O = Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL
APP, DEP = Role.APPLICATION, Role.DEPENDENCY

# Every component of the v3 fixture, in file order: key, name, version, role, scope, expression, line, root,
# direct. Hoisted installs ("node_modules/<name>") are keyed by purl; nested and aliased ones by purl#folder.
EXPECTED_V3 = [
    ("application:.", "open-crm-frontend", "2.4.0", APP, R, "AGPL-3.0-or-later", 7, ".", None),
    ("pkg:npm/%40babel/core@7.24.0", "@babel/core", "7.24.0", DEP, D, "MIT", 31, "node_modules/@babel/core", True),
    (
        "pkg:npm/semver@6.3.1#node_modules/@babel/core/node_modules/semver", "semver", "6.3.1", DEP, D, "ISC", 48,
        "node_modules/@babel/core/node_modules/semver", False,
    ),
    ("pkg:npm/%40isaacs/cliui@8.0.2", "@isaacs/cliui", "8.0.2", DEP, R, "ISC", 62, "node_modules/@isaacs/cliui", True),
    (
        "pkg:npm/string-width@5.1.2#node_modules/@isaacs/cliui/node_modules/string-width", "string-width", "5.1.2",
        DEP, R, "MIT", 75, "node_modules/@isaacs/cliui/node_modules/string-width", False,
    ),
    ("pkg:npm/fsevents@2.3.3", "fsevents", "2.3.3", DEP, O, "MIT", 87, "node_modules/fsevents", True),
    ("pkg:npm/indexof@0.0.1", "indexof", "0.0.1", DEP, R, None, 101, "node_modules/indexof", True),
    (
        "pkg:npm/jquery-ui@1.10.5", "jquery-ui", "1.10.5", DEP, R, "MIT OR LicenseRef-osi-check-unknown-GPL", 106,
        "node_modules/jquery-ui", True,
    ),
    ("pkg:npm/js-tokens@4.0.0", "js-tokens", "4.0.0", DEP, R, "MIT", 121, "node_modules/js-tokens", False),
    ("pkg:npm/lodash@4.17.21", "lodash", "4.17.21", DEP, R, "MIT", 127, "node_modules/lodash", True),
    ("pkg:npm/loose-envify@1.4.0", "loose-envify", "1.4.0", DEP, R, "MIT", 133, "node_modules/loose-envify", False),
    ("pkg:npm/react@18.2.0", "react", "18.2.0", DEP, R, "MIT", 145, "node_modules/react", True),
    ("pkg:npm/string-width@4.2.3", "string-width", "4.2.3", DEP, R, "MIT", 157, "node_modules/string-width", False),
    (
        "pkg:npm/string-width@4.2.3#node_modules/string-width-cjs", "string-width", "4.2.3", DEP, R, "MIT", 166,
        "node_modules/string-width-cjs", False,
    ),
    ("pkg:npm/typescript@5.4.2", "typescript", "5.4.2", DEP, D, "Apache-2.0", 176, "node_modules/typescript", True),
    ("pkg:npm/uid2@0.0.3", "uid2", "0.0.3", DEP, R, "MIT", 190, "node_modules/uid2", True),
    ("pkg:npm/y18n@5.0.8", "y18n", "5.0.8", DEP, R, "ISC", 199, "node_modules/y18n", False),
    ("pkg:npm/yargs@17.7.2", "yargs", "17.7.2", DEP, R, "MIT", 208, "node_modules/yargs", True),
    (
        "pkg:npm/y18n@5.0.8#node_modules/yargs/node_modules/y18n", "y18n", "5.0.8", DEP, R, "ISC", 220,
        "node_modules/yargs/node_modules/y18n", False,
    ),
    ("application:packages/ui", "@crm/ui", "0.1.0", APP, R, "AGPL-3.0-or-later", 229, "packages/ui", None),
    (
        "pkg:npm/clsx@2.1.0#packages/ui/node_modules/clsx", "clsx", "2.1.0", DEP, R, "MIT", 238,
        "packages/ui/node_modules/clsx", True,
    ),
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
    return (c.key, c.name, c.version, c.role, c.scope, c.license.expression, c.location.line, c.root, c.direct)


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


def test_optional_is_optional_and_dev_optional_is_dev(v3):
    assert by_key(v3, "pkg:npm/fsevents@2.3.3").scope is Scope.OPTIONAL
    assert by_key(v3, "pkg:npm/typescript@5.4.2").scope is Scope.DEV


def test_integrity_and_dependency_names_are_kept(v3):
    react = by_key(v3, "pkg:npm/react@18.2.0")
    assert react.integrity == (
        "sha512-eemt7WyP4lp5p56A5e8Te6hpPeeAcZLyKxqn7Q9XbG1N8f90duI8MAVdbJZrtLZ89Q8Ro8yv0+rHeWHYZIWngQ=="
    )
    assert react.dependencies == ("loose-envify",)
    assert by_key(v3, "pkg:npm/%40isaacs/cliui@8.0.2").dependencies == ("string-width", "string-width-cjs")
    assert by_key(v3, "pkg:npm/indexof@0.0.1").dependencies == ()


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
        ("application:web", "crm-web", "1.3.0", APP, R, None, 7, "web", None),
        (
            "pkg:npm/%40fortawesome/fontawesome-free@6.5.1", "@fortawesome/fontawesome-free", "6.5.1", DEP, R,
            "CC-BY-4.0 AND OFL-1.1 AND MIT", 19, "web/node_modules/@fortawesome/fontawesome-free", True,
        ),
        ("pkg:npm/eslint@8.57.0", "eslint", "8.57.0", DEP, D, "MIT", 29, "web/node_modules/eslint", True),
        (
            "pkg:npm/ajv@6.12.6#node_modules/eslint/node_modules/ajv", "ajv", "6.12.6", DEP, D, "MIT", 42,
            "web/node_modules/eslint/node_modules/ajv", False,
        ),
        (
            "pkg:npm/jsonify@0.0.1", "jsonify", "0.0.1", DEP, R, "LicenseRef-osi-check-unknown-Public-Domain", 53,
            "web/node_modules/jsonify", True,
        ),
        ("pkg:npm/moment@2.30.1", "moment", "2.30.1", DEP, R, "MIT", 61, "web/node_modules/moment", True),
    ]
    assert v2.problems == ()
    assert by_key(v2, "application:web").license.notes == ("no license declared",)
    assert by_key(v2, "pkg:npm/jsonify@0.0.1").license.unknown == ("Public Domain",)


# Every package of the v1 fixture, depth first in file order: key, name, version, scope, line, root.
EXPECTED_V1 = [
    ("pkg:npm/%40babel/code-frame@7.12.13", "@babel/code-frame", "7.12.13", D, 7, "node_modules/@babel/code-frame"),
    ("pkg:npm/%40babel/highlight@7.14.0", "@babel/highlight", "7.14.0", D, 16, "node_modules/@babel/highlight"),
    (
        "pkg:npm/%40babel/helper-validator-identifier@7.14.0", "@babel/helper-validator-identifier", "7.14.0", D, 27,
        "node_modules/@babel/helper-validator-identifier",
    ),
    ("pkg:npm/backbone@1.4.0", "backbone", "1.4.0", R, 33, "node_modules/backbone"),
    ("pkg:npm/chalk@2.4.2", "chalk", "2.4.2", D, 41, "node_modules/chalk"),
    ("pkg:npm/fsevents@2.3.2", "fsevents", "2.3.2", O, 52, "node_modules/fsevents"),
    ("pkg:npm/jquery@3.4.1", "jquery", "3.4.1", R, 58, "node_modules/jquery"),
    ("pkg:npm/js-tokens@4.0.0", "js-tokens", "4.0.0", R, 63, "node_modules/js-tokens"),
    ("pkg:npm/loose-envify@1.4.0", "loose-envify", "1.4.0", R, 68, "node_modules/loose-envify"),
    ("pkg:npm/punycode@1.4.1", "punycode", "1.4.1", R, 76, "node_modules/punycode"),
    ("pkg:npm/request@2.88.2", "request", "2.88.2", R, 81, "node_modules/request"),
    (
        "pkg:npm/tough-cookie@2.5.0#node_modules/request/node_modules/tough-cookie", "tough-cookie", "2.5.0", R, 89,
        "node_modules/request/node_modules/tough-cookie",
    ),
    (
        "pkg:npm/punycode@2.1.1#node_modules/request/node_modules/tough-cookie/node_modules/punycode", "punycode",
        "2.1.1", R, 97, "node_modules/request/node_modules/tough-cookie/node_modules/punycode",
    ),
    (
        "pkg:npm/string-width@4.2.3#node_modules/string-width-cjs", "string-width", "4.2.3", R, 106,
        "node_modules/string-width-cjs",
    ),
    ("pkg:npm/supports-color@5.5.0", "supports-color", "5.5.0", D, 111, "node_modules/supports-color"),
    (
        "pkg:npm/has-flag@3.0.0#node_modules/supports-color/node_modules/has-flag", "has-flag", "3.0.0", D, 120,
        "node_modules/supports-color/node_modules/has-flag",
    ),
    ("pkg:npm/underscore@1.9.1", "underscore", "1.9.1", R, 128, "node_modules/underscore"),
]


@pytest.fixture
def v1(read_file, fixtures):
    return read_file(SOURCE, fixtures / "npm" / "v1", "package-lock.json")


def test_v1_reads_the_nested_dependencies_tree(v1):
    assert [(c.key, c.name, c.version, c.scope, c.location.line, c.root) for c in v1.components] == EXPECTED_V1
    assert v1.problems == ()


def test_v1_records_no_licenses_and_no_directness(v1):
    for component in v1.components:
        assert component.role is DEP
        assert component.direct is None
        assert component.license.expression is None
        assert component.license.notes == (
            "package-lock.json version 1 does not record licenses; scan with node_modules installed to read them",
        )


def test_v1_keeps_integrity_and_requires(v1):
    cookie = by_key(v1, "pkg:npm/tough-cookie@2.5.0#node_modules/request/node_modules/tough-cookie")
    assert cookie.dependencies == ("punycode",)
    assert cookie.integrity.startswith("sha512-nlLsUzgm1kfLXSXfRZMc1KLAugd4hqJHDTvc2hDIwS3mZAfMEuMbc03")
    assert by_key(v1, "pkg:npm/punycode@1.4.1").integrity == "sha1-wNWmOycYgArY4esPpSachN1BhF4="
    assert by_key(v1, "pkg:npm/chalk@2.4.2").dependencies == ("ansi-styles", "escape-string-regexp", "supports-color")


def test_v1_bad_entries_are_reported_and_the_rest_kept(read_file, write_tree):
    text = json.dumps(
        {
            "name": "x",
            "lockfileVersion": 1,
            "dependencies": {
                "a": "1.0.0",
                "b": {"version": "2.0.0", "dependencies": ["c"]},
                "d": {"version": "4.0.0", "license": "MIT", "dev": True},
            },
        },
        indent=2,
    )
    result = read_file(SOURCE, write_tree({"package-lock.json": text}), "package-lock.json")
    assert [(c.key, c.scope, c.license.expression) for c in result.components] == [
        ("pkg:npm/b@2.0.0", R, None),
        ("pkg:npm/d@4.0.0", D, "MIT"),
    ]
    assert [(p.location.line, p.message) for p in result.problems] == [
        (5, "the entry for 'a' is not a JSON object; it was skipped"),
        (6, "the 'dependencies' of 'b' is not a JSON object; they were not read"),
    ]


def test_v1_deep_nesting_does_not_exhaust_the_stack(read_file, write_tree):
    depth = 400  # as deep as json itself reads (800 nested objects)
    text = '{"lockfileVersion": 1, "dependencies": ' + '{"a": {"version": "1.0.0", "dependencies": ' * depth
    text += "{}" + "}}" * depth + "}"
    result = read_file(SOURCE, write_tree({"package-lock.json": text}), "package-lock.json")
    assert len(result.components) == depth
    assert result.components[-1].root == "/".join(["node_modules/a"] * depth)


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
            "has no lockfileVersion; its 'dependencies' tree was read as version 1",
        ),
        (
            '{\n  "lockfileVersion": 1,\n  "dependencies": []\n}',
            3,
            "'dependencies' is not a JSON object; no packages were read",
        ),
    ],
    ids=["empty", "top-level-string", "packages-not-object", "no-packages", "v1-without-version", "v1-bad-tree"],
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
