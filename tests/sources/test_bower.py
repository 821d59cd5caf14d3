"""BowerSource: the project's bower.json and the packages bower installed under bower_components/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osi_check.facts import EvidenceKind, InputProblem, Location, Role, Scope
from osi_check.sources.bower import BowerSource
from osi_check.tree import Tree, TreeFile

SOURCE = BowerSource()
R, D = Scope.RUNTIME, Scope.DEV
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sources" / "bower" / "legacy-crm"
NOT_RECORDED = "bower.json does not record dependency licenses"

# Every component of the fixture tree, in walk order: key, name, version, role, scope, direct, expression, line, root.
EXPECTED = [
    ("application:.", "suitecrm-legacy-ui", None, Role.APPLICATION, R, None, "AGPL-3.0-only", 4, "."),
    ("pkg:generic/datatables", "datatables", None, Role.DEPENDENCY, R, True, None, 11, None),
    ("pkg:github/fortawesome/font-awesome", "font-awesome", None, Role.DEPENDENCY, R, True, None, 12, None),
    (
        "pkg:github/twbs/bootstrap@v3.4.1", "bootstrap", "3.4.1", Role.DEPENDENCY, R, True, "MIT", 15,
        "bower_components/bootstrap",
    ),
    (
        "pkg:generic/crm-legacy-widgets@0.7.2", "crm-legacy-widgets", "0.7.2", Role.DEPENDENCY, R, True,
        "MIT OR GPL-2.0-only", 4, "bower_components/crm-legacy-widgets",
    ),
    (
        "pkg:github/jquery/jquery-dist@3.4.1", "jquery", "3.4.1", Role.DEPENDENCY, R, True, "MIT", 4,
        "bower_components/jquery",
    ),
    (
        "pkg:github/components/jqueryui@1.12.1", "jquery-ui", "1.12.1", Role.DEPENDENCY, R, False, "MIT", 6,
        "bower_components/jquery-ui",
    ),
    (
        "pkg:github/moment/moment@2.24.0", "moment", "2.24.0", Role.DEPENDENCY, R, True, "MIT", 2,
        "bower_components/moment",
    ),
    ("pkg:github/jquery/qunit@1.23.1", "qunit", "1.23.1", Role.DEPENDENCY, D, True, "MIT", 7, "bower_components/qunit"),
]


def read_tree(root: Path):
    tree = Tree(root)
    components, problems = [], []
    for file in tree.walk():
        if SOURCE.handles(file):
            result = SOURCE.read(tree, file)
            components.extend(result.components)
            problems.extend(result.problems)
    return components, problems


@pytest.fixture(scope="module")
def fixture_tree():
    return read_tree(FIXTURE)


def by_key(components, key):
    (component,) = [c for c in components if c.key == key]
    return component


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("bower.json", True),
        ("web/bower.json", True),
        ("bower_components/jquery/.bower.json", True),
        ("bower_components/jquery/bower.json", True),
        ("public/lib/jquery/.bower.json", True),  # a custom .bowerrc directory: .bower.json marks an install
        ("bower_components/jquery/test/bower.json", False),
        ("node_modules/jquery/bower.json", False),  # an npm package that also publishes a bower.json
        ("vendor/acme/widgets/bower.json", False),
        (".bower.json", False),
        ("bower.json.orig", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_fixture_tree(fixture_tree):
    components, problems = fixture_tree
    assert [
        (c.key, c.name, c.version, c.role, c.scope, c.direct, c.license.expression, c.location.line, c.root)
        for c in components
    ] == EXPECTED
    assert problems == []
    assert {c.ecosystem for c in components} == {"bower"}


def test_installed_package_with_both_files_is_read_once_from_dot_bower_json(fixture_tree):
    components, _ = fixture_tree
    jquery = [c for c in components if c.name == "jquery"]
    assert len(jquery) == 1
    assert jquery[0].location == Location("bower_components/jquery/.bower.json", 4)


def test_requirements_not_installed_say_why_they_have_no_license(fixture_tree):
    components, _ = fixture_tree
    font_awesome = by_key(components, "pkg:github/fortawesome/font-awesome")
    assert font_awesome.license.expression is None
    assert font_awesome.license.notes == (
        NOT_RECORDED,
        'required as "https://github.com/FortAwesome/Font-Awesome.git#4.7.0" but not installed in bower_components/',
    )
    assert font_awesome.purl == "pkg:github/fortawesome/font-awesome"


def test_application_declares_its_license_and_requirements(fixture_tree):
    components, _ = fixture_tree
    app = by_key(components, "application:.")
    (evidence,) = app.license.evidence
    assert (evidence.kind, evidence.quote, evidence.detail) == (
        EvidenceKind.DECLARED, '"AGPL-3.0-only"', "bower.json license field",
    )
    assert app.dependencies == (
        "jquery", "bootstrap", "moment", "crm-legacy-widgets", "datatables", "font-awesome", "qunit",
    )


def test_installed_license_array_is_a_choice_and_missing_license_reads_the_file(fixture_tree):
    components, _ = fixture_tree
    widgets = by_key(components, "pkg:generic/crm-legacy-widgets@0.7.2").license
    assert "bower license array read as a choice" in widgets.notes
    assert widgets.evidence[0].detail == ".bower.json license field (array, read as a choice)"
    moment = by_key(components, "pkg:github/moment/moment@2.24.0").license
    assert moment.notes == ("no license field; read from bower_components/moment/LICENSE",)
    assert moment.evidence[0].kind is EvidenceKind.LICENSE_TEXT


def test_bowerrc_directory_is_where_requirements_are_looked_for(write_tree):
    installed = {
        "name": "jquery", "version": "3.4.1", "license": "MIT",
        "_source": "https://github.com/jquery/jquery-dist.git", "_resolution": {"type": "version", "tag": "3.4.1"},
    }
    root = write_tree({
        "bower.json": json.dumps({"name": "app", "dependencies": {"jquery": "^3.4.1", "spin.js": "~2.3.2"}}),
        ".bowerrc": json.dumps({"directory": "public/lib"}),
        "public/lib/jquery/.bower.json": json.dumps(installed),
    })
    components, problems = read_tree(root)
    assert problems == []
    assert [(c.key, c.root, c.direct) for c in components] == [
        ("application:.", ".", None),
        ("pkg:generic/spin.js", None, True),
        ("pkg:github/jquery/jquery-dist@3.4.1", "public/lib/jquery", None),  # no bower_components/ above it
    ]
    assert components[1].license.notes[1] == 'required as "~2.3.2" but not installed in public/lib/'


def test_github_shorthand_requirement(write_tree):
    manifest = {"name": "app", "devDependencies": {"es5-shim": "es-shims/es5-shim#^4.5"}}
    root = write_tree({"bower.json": json.dumps(manifest)})
    components, _ = read_tree(root)
    assert [(c.key, c.scope) for c in components[1:]] == [("pkg:github/es-shims/es5-shim", D)]


def test_bad_license_value_is_reported_and_unknown(write_tree):
    root = write_tree({"bower.json": '{\n  "name": "app",\n  "license": {"type": "MIT"}\n}'})
    components, problems = read_tree(root)
    assert components[0].license.expression.startswith("LicenseRef-osi-check-unknown-")
    assert problems == [
        InputProblem(
            Location("bower.json", 3),
            'the license value {"type": "MIT"} is not a license string; it is unknown',
            "bower",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "is not valid JSON: Expecting value (line 1 column 1)"),
        ('"bower"', 1, "the top level is not a JSON object"),
        ("{\n  \"name\": \n", 3, "is not valid JSON: Expecting value (line 3 column 1)"),
    ],
)
def test_garbage_is_exactly_one_problem(write_tree, text, line, message):
    root = write_tree({"bower.json": text})
    result = SOURCE.read(Tree(root), TreeFile("bower.json", len(text)))
    assert result.components == ()
    assert result.problems == (InputProblem(Location("bower.json", line), message, "bower"),)


def test_dependencies_of_the_wrong_type_are_reported(write_tree):
    root = write_tree({"bower.json": '{\n  "name": "app",\n  "dependencies": ["jquery"]\n}'})
    components, problems = read_tree(root)
    assert [c.role for c in components] == [Role.APPLICATION]
    assert problems == [
        InputProblem(Location("bower.json", 3), "'dependencies' is not a JSON object; it was not read", "bower"),
    ]
