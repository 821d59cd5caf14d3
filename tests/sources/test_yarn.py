"""YarnLockSource: yarn.lock classic (v1) and berry (v2+), read without running yarn."""

from __future__ import annotations

import pytest

from osi_check.facts import InputProblem, Location, Role, Scope
from osi_check.sources.yarn import YarnLockSource
from osi_check.tree import TreeFile

SOURCE = YarnLockSource()
R, D, O = Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL
NOT_RECORDED = "yarn.lock does not record licenses; scan with node_modules installed to read them"

# Every package of the classic fixture, in file order: key, scope, direct, line of the entry header.
EXPECTED_CLASSIC = [
    ("pkg:npm/%40babel/code-frame@7.12.13", D, True, 5),
    ("pkg:npm/%40babel/helper-validator-identifier@7.14.0", D, False, 12),
    ("pkg:npm/%40babel/highlight@7.14.0", D, False, 17),
    ("pkg:npm/%40kurkle/color@0.3.2", R, False, 26),
    ("pkg:npm/ansi-styles@3.2.1", D, False, 31),
    ("pkg:npm/chalk@2.4.2", D, False, 38),
    ("pkg:npm/chart.js@4.4.1", R, True, 47),
    ("pkg:npm/color-convert@1.9.3", D, False, 54),
    ("pkg:npm/color-name@1.1.3", D, False, 61),
    ("pkg:npm/escape-string-regexp@1.0.5", D, False, 66),
    ("pkg:npm/fsevents@2.3.3", O, True, 71),
    ("pkg:npm/has-flag@3.0.0", D, False, 76),
    ("pkg:npm/jquery@3.7.1", R, True, 81),
    ("pkg:npm/js-tokens@4.0.0", R, False, 86),  # dev (via @babel/highlight) and runtime (via loose-envify)
    ("pkg:npm/loose-envify@1.4.0", R, False, 91),
    ("pkg:npm/moment@2.30.1", R, True, 98),
    ("pkg:npm/react@18.2.0", R, True, 103),
    ("pkg:npm/string-width@4.2.3", R, True, 110),  # installed as the alias string-width-cjs
    ("pkg:npm/supports-color@5.5.0", D, False, 115),
    ("pkg:npm/typescript@5.4.5", D, True, 122),
]

# Every component of the berry fixture, in file order: key, role, scope, direct, line, root.
EXPECTED_BERRY = [
    ("application:packages/ui", Role.APPLICATION, R, None, 8, "packages/ui"),
    ("pkg:npm/%40kurkle/color@0.3.2", Role.DEPENDENCY, R, False, 17, None),
    ("pkg:npm/chart.js@4.4.1", Role.DEPENDENCY, R, True, 24, None),
    ("pkg:npm/clsx@2.1.0", Role.DEPENDENCY, R, True, 33, None),  # a requirement of the packages/ui workspace
    ("pkg:npm/crm-icons@2.0.1", Role.DEPENDENCY, R, True, 40, None),
    ("pkg:npm/fsevents@2.3.3", Role.DEPENDENCY, O, True, 65, None),
    ("pkg:npm/js-tokens@4.0.0", Role.DEPENDENCY, R, False, 80, None),
    ("pkg:npm/left-pad@1.3.0", Role.DEPENDENCY, R, True, 87, None),
    ("pkg:npm/lodash@4.17.21", Role.DEPENDENCY, R, True, 101, None),
    ("pkg:npm/loose-envify@1.4.0", Role.DEPENDENCY, R, False, 108, None),
    ("pkg:npm/prettier@3.2.5", Role.DEPENDENCY, D, True, 119, None),
    ("pkg:npm/react@18.2.0", Role.DEPENDENCY, R, True, 128, None),
    ("pkg:npm/typescript@5.4.5", Role.DEPENDENCY, D, True, 137, None),
]


@pytest.fixture
def classic(read_file, fixtures):
    return read_file(SOURCE, fixtures / "yarn" / "classic", "yarn.lock")


@pytest.fixture
def berry(read_file, fixtures):
    return read_file(SOURCE, fixtures / "yarn" / "berry", "yarn.lock")


def by_key(result, key):
    (component,) = [c for c in result.components if c.key == key]
    return component


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("yarn.lock", True),
        ("web/yarn.lock", True),
        ("node_modules/left-pad/yarn.lock", False),
        ("yarn.lock.bak", False),
        ("package-lock.json", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_classic_reads_every_entry_with_scope_from_package_json(classic):
    assert [(c.key, c.scope, c.direct, c.location.line) for c in classic.components] == EXPECTED_CLASSIC
    assert classic.problems == ()


def test_classic_components_record_no_license_and_no_root(classic):
    for component in classic.components:
        assert component.ecosystem == "npm"
        assert component.role is Role.DEPENDENCY
        assert component.root is None
        assert component.key == component.purl
        assert component.license.expression is None
        assert component.license.notes == (NOT_RECORDED,)
        assert component.location.path == "yarn.lock"


def test_classic_keeps_integrity_dependencies_and_alias_names(classic):
    chalk = by_key(classic, "pkg:npm/chalk@2.4.2")
    assert chalk.integrity.startswith("sha512-Mti+f9lpJNcwF4tWV8/OrTTtF1gZi+f8FqlyAdouralcFWFQWF2+NgCHShjkCb")
    assert chalk.dependencies == ("ansi-styles", "escape-string-regexp", "supports-color")
    assert by_key(classic, "pkg:npm/color-name@1.1.3").integrity == "sha1-p9BVi9icQveV3UIyj3QIMcpTvCU="
    alias = by_key(classic, "pkg:npm/string-width@4.2.3")
    assert (alias.name, alias.version) == ("string-width", "4.2.3")


def test_classic_without_package_json_is_all_runtime_and_directness_unsaid(read_file, write_tree, fixtures):
    text = (fixtures / "yarn" / "classic" / "yarn.lock").read_text()
    result = read_file(SOURCE, write_tree({"yarn.lock": text}), "yarn.lock")
    assert len(result.components) == len(EXPECTED_CLASSIC)
    assert {(c.scope, c.direct) for c in result.components} == {(R, None)}


def test_berry_reads_entries_workspaces_and_patches(berry):
    assert [(c.key, c.role, c.scope, c.direct, c.location.line, c.root) for c in berry.components] == EXPECTED_BERRY
    assert berry.problems == ()


def test_berry_root_workspace_is_skipped_and_others_are_the_application(berry):
    assert not [c for c in berry.components if c.name == "crm-portal"]
    ui = by_key(berry, "application:packages/ui")
    assert (ui.name, ui.version, ui.ecosystem) == ("@crm/ui", "0.4.0", "npm")
    assert ui.license.expression == "AGPL-3.0-only"
    assert ui.license.evidence[0].location == Location("packages/ui/package.json", 4)
    assert ui.dependencies == ("clsx", "react")


def test_berry_patched_package_is_one_component_said_to_be_modified(berry):
    assert len([c for c in berry.components if c.name == "left-pad"]) == 1
    left_pad = by_key(berry, "pkg:npm/left-pad@1.3.0")
    assert left_pad.license.expression is None
    assert left_pad.license.notes == (
        NOT_RECORDED,
        "modified: patched locally: ~/.yarn/patches/left-pad-npm-1.3.0-3d2a8b1f2c.patch "
        "(the installed code differs from the published package)",
    )
    assert left_pad.integrity.startswith("10c0/3fb59c76e281")  # the unpatched entry's checksum, first in the file
    typescript = by_key(berry, "pkg:npm/typescript@5.4.5")
    assert "modified: Yarn applies its built-in compatibility patch <compat/typescript>" in typescript.license.notes[1]


def test_berry_version_comes_from_the_resolution(read_file, write_tree):
    """`version: 1.10` would be the number 1.1 in YAML: the resolution keeps the exact version."""
    text = (
        '__metadata:\n  version: 6\n  cacheKey: 8\n\n'
        '"left-pad@npm:^1.10":\n  version: 1.10\n  resolution: "left-pad@npm:1.10"\n'
        '  checksum: 3fb59c76e281\n  languageName: node\n  linkType: hard\n'
    )
    (component,) = read_file(SOURCE, write_tree({"yarn.lock": text}), "yarn.lock").components
    assert (component.version, component.location.line) == ("1.10", 5)


def test_yarn3_ranges_without_protocol_still_link_the_graph(read_file, write_tree):
    """Yarn 3 (lock version 6) writes dependency ranges without "npm:"; keys have it."""
    text = (
        '__metadata:\n  version: 6\n  cacheKey: 8\n\n'
        '"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n'
        '  dependencies:\n    react: ^18.2.0\n  languageName: unknown\n  linkType: soft\n\n'
        '"loose-envify@npm:^1.1.0":\n  version: 1.4.0\n  resolution: "loose-envify@npm:1.4.0"\n'
        '  languageName: node\n  linkType: hard\n\n'
        '"react@npm:^18.2.0":\n  version: 18.2.0\n  resolution: "react@npm:18.2.0"\n'
        '  dependencies:\n    loose-envify: ^1.1.0\n  languageName: node\n  linkType: hard\n'
    )
    manifest = '{"name": "app", "devDependencies": {"react": "^18.2.0"}}'
    result = read_file(SOURCE, write_tree({"yarn.lock": text, "package.json": manifest}), "yarn.lock")
    assert [(c.name, c.scope, c.direct) for c in result.components] == [
        ("loose-envify", D, False),
        ("react", D, True),
    ]


def test_classic_bad_entry_is_reported_and_the_rest_kept(read_file, write_tree):
    text = (
        "# yarn lockfile v1\n\n\n"
        'left-pad@^1.3.0:\n  version "1.3.0"\n'
        '  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"\n\n'
        "lodash@^4.17.21:\n  resolved \"https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz\"\n\n"
        'moment@^2.30.1:\n  version "2.30.1"\n'
    )
    result = read_file(SOURCE, write_tree({"yarn.lock": text}), "yarn.lock")
    assert [c.key for c in result.components] == ["pkg:npm/left-pad@1.3.0", "pkg:npm/moment@2.30.1"]
    assert result.problems == (
        InputProblem(
            Location("yarn.lock", 8), "the entry for 'lodash@^4.17.21' has no version; it was skipped", "yarn"
        ),
    )


def test_classic_truncated_keeps_what_was_complete(read_file, write_tree, fixtures):
    text = (fixtures / "yarn" / "classic" / "yarn.lock").read_text()
    cut = text[: text.index("moment@^2.30.1:")] + "moment@^2.30.1:\n  vers"
    result = read_file(SOURCE, write_tree({"yarn.lock": cut}), "yarn.lock")
    assert result.components[-1].key == "pkg:npm/loose-envify@1.4.0"
    (problem,) = result.problems
    assert problem.location == Location("yarn.lock", 98)


def test_bad_berry_entries_are_reported(read_file, write_tree):
    text = (
        '__metadata:\n  version: 8\n\n'
        '"a@npm:^1.0.0": 42\n\n'
        '"b@npm:^1.0.0":\n  version: 1.0.0\n\n'
        '"c@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "c@npm:1.0.0"\n'
    )
    result = read_file(SOURCE, write_tree({"yarn.lock": text}), "yarn.lock")
    assert [c.key for c in result.components] == ["pkg:npm/c@1.0.0"]
    assert [(p.location.line, p.message) for p in result.problems] == [
        (4, "the entry 'a@npm:^1.0.0' is not a mapping of package fields; it was skipped"),
        (6, "the entry 'b@npm:^1.0.0' has no resolution; it was skipped"),
    ]


def test_broken_package_json_is_reported_and_everything_is_runtime(read_file, write_tree, fixtures):
    text = (fixtures / "yarn" / "classic" / "yarn.lock").read_text()
    result = read_file(SOURCE, write_tree({"yarn.lock": text, "package.json": "{ not json"}), "yarn.lock")
    assert {c.scope for c in result.components} == {R}
    assert result.problems == (
        InputProblem(
            Location("package.json"),
            "is not valid JSON; the packages of yarn.lock were all read as runtime dependencies",
            "yarn",
        ),
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("this is not a lockfile\n", 1, "is not yarn.lock syntax; the rest of the file was not read"),
        ("\x7f\x00garbage", None, "is binary (contains NUL bytes); not read as text"),
        ("__metadata:\n  version: [8\n", 3, "is not valid YAML: did not find expected ',' or ']'"),
        ("__metadata: 1\n---\n- 2\n", 2, "is not valid YAML: but found another document"),
        ("__metadata:\n  version: 8\n\n- a\n", 4, "is not valid YAML: did not find expected key"),
        (
            '__metadata: [1]\n"a@npm:1": [2]\n', 2,
            "the entry 'a@npm:1' is not a mapping of package fields; it was skipped",
        ),
        ('# yarn lockfile v1\n\n"a@^1":\n  resolved "x"\n', 3, "the entry for 'a@^1' has no version; it was skipped"),
    ],
    ids=["prose", "binary", "bad-yaml", "two-documents", "list-item", "entry-is-a-list",
         "no-version-anywhere"],
)
def test_garbage_is_exactly_one_problem(read_file, write_tree, text, line, message):
    result = read_file(SOURCE, write_tree({"yarn.lock": text}), "yarn.lock")
    assert result.components == ()
    assert result.problems == (InputProblem(Location("yarn.lock", line), message, "yarn"),)
