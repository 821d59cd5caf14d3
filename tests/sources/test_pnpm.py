"""PnpmLockSource: pnpm-lock.yaml 6.0 (dev flags) and 9.0 (importers + snapshots graph), read without pnpm."""

from __future__ import annotations

import pytest

from osi_check.facts import InputProblem, Location, Role, Scope
from osi_check.sources.pnpm import PnpmLockSource
from osi_check.tree import TreeFile

SOURCE = PnpmLockSource()
R, D, O = Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL
NOT_RECORDED = "pnpm-lock.yaml does not record licenses; scan with node_modules installed to read them"

# v6 fixture (single project, top-level requirements), in file order: key, scope, direct, line of the key.
EXPECTED_V6 = [
    ("pkg:npm/%40babel/code-frame@7.23.5", D, True, 36),
    ("pkg:npm/%40babel/helper-validator-identifier@7.22.20", D, False, 44),
    ("pkg:npm/%40babel/highlight@7.23.4", D, False, 49),
    ("pkg:npm/ansi-styles@3.2.1", D, False, 58),
    ("pkg:npm/chalk@2.4.2", D, False, 65),
    ("pkg:npm/color-convert@1.9.3", D, False, 74),
    ("pkg:npm/color-name@1.1.3", D, False, 80),
    ("pkg:npm/escape-string-regexp@1.0.5", D, False, 84),
    ("pkg:npm/fsevents@2.3.3", O, True, 89),
    ("pkg:npm/has-flag@3.0.0", D, False, 97),
    ("pkg:npm/jquery@3.7.1", R, True, 102),
    ("pkg:npm/js-tokens@4.0.0", R, False, 106),  # no dev flag: used by both
    ("pkg:npm/loose-envify@1.4.0", R, False, 109),
    ("pkg:npm/react-dom@18.2.0", R, True, 116),  # key "/react-dom@18.2.0(react@18.2.0)": peers stripped
    ("pkg:npm/react@18.2.0", R, True, 126),
    ("pkg:npm/scheduler@0.23.0", R, False, 133),
    ("pkg:npm/select2@4.0.13", R, True, 139),
    ("pkg:npm/supports-color@5.5.0", D, False, 143),
    ("pkg:npm/typescript@5.4.5", D, True, 150),
]

# v9 fixture (workspace: "." and "packages/ui"), in file order: key, role, scope, direct, line, root.
EXPECTED_V9 = [
    ("application:packages/ui", Role.APPLICATION, R, None, 35, "packages/ui"),
    ("pkg:npm/%40kurkle/color@0.3.2", Role.DEPENDENCY, R, False, 49, None),
    ("pkg:npm/%40types/prop-types@15.7.12", Role.DEPENDENCY, D, False, 52, None),  # only below a devDependency
    ("pkg:npm/%40types/react@18.2.79", Role.DEPENDENCY, D, True, 55, None),
    ("pkg:npm/ansi-regex@5.0.1", Role.DEPENDENCY, R, False, 58, None),
    ("pkg:npm/chart.js@4.4.1", Role.DEPENDENCY, R, True, 62, None),
    ("pkg:npm/clsx@2.1.0", Role.DEPENDENCY, R, True, 66, None),
    ("pkg:npm/csstype@3.1.3", Role.DEPENDENCY, D, False, 70, None),
    ("pkg:npm/emoji-regex@8.0.0", Role.DEPENDENCY, R, False, 73, None),
    ("pkg:npm/fsevents@2.3.3", Role.DEPENDENCY, O, True, 76, None),
    ("pkg:npm/is-fullwidth-code-point@3.0.0", Role.DEPENDENCY, R, False, 81, None),
    ("pkg:npm/js-tokens@4.0.0", Role.DEPENDENCY, R, False, 85, None),
    ("pkg:npm/loose-envify@1.4.0", Role.DEPENDENCY, R, False, 88, None),
    ("pkg:npm/prettier@3.2.5", Role.DEPENDENCY, D, True, 92, None),
    ("pkg:npm/react-dom@18.2.0", Role.DEPENDENCY, R, True, 97, None),
    ("pkg:npm/react@18.2.0", Role.DEPENDENCY, R, True, 102, None),
    ("pkg:npm/scheduler@0.23.0", Role.DEPENDENCY, R, False, 106, None),
    ("pkg:npm/string-width@4.2.3", Role.DEPENDENCY, R, True, 109, None),  # the alias string-width-cjs
    ("pkg:npm/strip-ansi@6.0.1", Role.DEPENDENCY, R, False, 113, None),
    ("pkg:npm/typescript@5.4.5", Role.DEPENDENCY, D, True, 117, None),
]


@pytest.fixture
def v6(read_file, fixtures):
    return read_file(SOURCE, fixtures / "pnpm" / "v6", "pnpm-lock.yaml")


@pytest.fixture
def v9(read_file, fixtures):
    return read_file(SOURCE, fixtures / "pnpm" / "v9", "pnpm-lock.yaml")


def by_key(result, key):
    (component,) = [c for c in result.components if c.key == key]
    return component


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("pnpm-lock.yaml", True),
        ("apps/web/pnpm-lock.yaml", True),
        ("node_modules/.pnpm/lock.yaml", False),
        ("node_modules/x/pnpm-lock.yaml", False),
        ("pnpm-workspace.yaml", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_v6_reads_packages_with_dev_flags(v6):
    assert [(c.key, c.scope, c.direct, c.location.line) for c in v6.components] == EXPECTED_V6
    assert v6.problems == ()


def test_v6_components_shape(v6):
    for component in v6.components:
        assert component.ecosystem == "npm"
        assert component.role is Role.DEPENDENCY
        assert component.root is None
        assert component.key == component.purl
        assert component.license.expression is None
        assert component.license.notes == (NOT_RECORDED,)
    react_dom = by_key(v6, "pkg:npm/react-dom@18.2.0")
    assert react_dom.version == "18.2.0"
    assert react_dom.dependencies == ("loose-envify", "react", "scheduler")
    assert react_dom.integrity == (
        "sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g=="
    )


def test_v9_scopes_come_from_walking_the_snapshots(v9):
    assert [(c.key, c.role, c.scope, c.direct, c.location.line, c.root) for c in v9.components] == EXPECTED_V9
    assert v9.problems == ()


def test_v9_workspace_importer_is_the_application_with_its_package_json_license(v9):
    ui = by_key(v9, "application:packages/ui")
    assert (ui.name, ui.version) == ("@crm/ui", "0.4.0")
    assert ui.license.expression == "AGPL-3.0-only"
    assert ui.license.evidence[0].location == Location("packages/ui/package.json", 4)


def test_v9_dependencies_come_from_snapshots(v9):
    assert by_key(v9, "pkg:npm/string-width@4.2.3").dependencies == (
        "emoji-regex", "is-fullwidth-code-point", "strip-ansi",
    )
    assert by_key(v9, "pkg:npm/fsevents@2.3.3").dependencies == ()


def test_v5_keys_and_importers_are_read(read_file, write_tree):
    text = (
        "lockfileVersion: 5.4\n\n"
        "specifiers:\n  react-dom: ^18.2.0\n  typescript: ^5.4.2\n\n"
        "dependencies:\n  react-dom: 18.2.0_react@18.2.0\n\n"
        "devDependencies:\n  typescript: 5.4.5\n\n"
        "packages:\n\n"
        "  /@babel/runtime/7.24.0:\n    resolution: {integrity: sha512-AAAA}\n    dev: false\n\n"
        "  /react-dom/18.2.0_react@18.2.0:\n    resolution: {integrity: sha512-BBBB}\n    dev: false\n\n"
        "  /typescript/5.4.5:\n    resolution: {integrity: sha512-CCCC}\n    dev: true\n"
    )
    result = read_file(SOURCE, write_tree({"pnpm-lock.yaml": text}), "pnpm-lock.yaml")
    assert [(c.key, c.scope, c.direct, c.location.line, c.integrity) for c in result.components] == [
        ("pkg:npm/%40babel/runtime@7.24.0", R, False, 15, "sha512-AAAA"),
        ("pkg:npm/react-dom@18.2.0", R, True, 19, "sha512-BBBB"),
        ("pkg:npm/typescript@5.4.5", D, True, 23, "sha512-CCCC"),
    ]


def test_non_registry_package_uses_its_own_name_and_version(read_file, write_tree):
    text = (
        "lockfileVersion: '9.0'\n\n"
        "importers:\n\n  .:\n    dependencies:\n      crm-icons:\n"
        "        specifier: github:acme/crm-icons#v2.0.1\n"
        "        version: https://codeload.github.com/acme/crm-icons/tar.gz/5f3c2a1\n\n"
        "packages:\n\n"
        "  crm-icons@https://codeload.github.com/acme/crm-icons/tar.gz/5f3c2a1:\n"
        "    resolution: {tarball: https://codeload.github.com/acme/crm-icons/tar.gz/5f3c2a1}\n"
        "    version: 2.0.1\n\n"
        "snapshots:\n\n  crm-icons@https://codeload.github.com/acme/crm-icons/tar.gz/5f3c2a1: {}\n"
    )
    (component,) = read_file(SOURCE, write_tree({"pnpm-lock.yaml": text}), "pnpm-lock.yaml").components
    assert (component.key, component.scope, component.direct, component.integrity) == (
        "pkg:npm/crm-icons@2.0.1", R, True, None,
    )


def test_bad_entries_are_reported_and_the_rest_kept(read_file, write_tree):
    text = (
        "lockfileVersion: '6.0'\n\n"
        "packages:\n\n"
        "  /a@1.0.0: 42\n\n"
        "  /b@2.0.0:\n    resolution: {integrity: sha512-BBBB}\n    dev: false\n"
    )
    result = read_file(SOURCE, write_tree({"pnpm-lock.yaml": text}), "pnpm-lock.yaml")
    assert [c.key for c in result.components] == ["pkg:npm/b@2.0.0"]
    assert result.problems == (
        InputProblem(
            Location("pnpm-lock.yaml", 5), "the package entry '/a@1.0.0' is not a mapping; it was skipped", "pnpm"
        ),
    )


def test_unknown_version_is_read_and_reported(read_file, write_tree):
    text = "lockfileVersion: '10.0'\n\npackages:\n\n  left-pad@1.3.0:\n    resolution: {integrity: sha512-AAAA}\n"
    result = read_file(SOURCE, write_tree({"pnpm-lock.yaml": text}), "pnpm-lock.yaml")
    assert [c.key for c in result.components] == ["pkg:npm/left-pad@1.3.0"]
    (problem,) = result.problems
    assert problem.location == Location("pnpm-lock.yaml", 1)
    assert "lockfileVersion '10.0' is not one osi-check knows" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "the top level is not a YAML mapping"),
        ("lockfileVersion: [6\n", 2, "is not valid YAML: did not find expected ',' or ']'"),
        ("- 1\n- 2\n", 1, "the top level is not a YAML mapping"),
        ("just some words\n", 1, "the top level is not a YAML mapping"),
        ("lockfileVersion: '6.0'\npackages: [1, 2]\n", 2, "'packages' is not a mapping; no packages were read"),
        ("packages: {}\n", None, "has no usable lockfileVersion (None); it is not a pnpm lock"),
        ("lockfileVersion: .inf\n", 1, "has no usable lockfileVersion (inf); it is not a pnpm lock"),
        ("lockfileVersion: '9.0'\npackages:\n  x: 1\n", 3, "the package entry 'x' is not a mapping; it was skipped"),
    ],
    ids=["empty", "bad-yaml", "list", "scalar", "packages-list", "no-version", "infinite-version", "only-bad-entry"],
)
def test_garbage_is_exactly_one_problem(read_file, write_tree, text, line, message):
    result = read_file(SOURCE, write_tree({"pnpm-lock.yaml": text}), "pnpm-lock.yaml")
    assert result.components == ()
    assert result.problems == (InputProblem(Location("pnpm-lock.yaml", line), message, "pnpm"),)
