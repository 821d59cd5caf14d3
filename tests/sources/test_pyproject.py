"""PyprojectSource: the project in pyproject.toml (PEP 621 / PEP 639 / PEP 735, Poetry) and what it asks for."""

from __future__ import annotations

import pytest

from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.pyproject import PyprojectSource
from osi_check.tree import TreeFile

SOURCE = PyprojectSource()
R, O, D = Scope.RUNTIME, Scope.OPTIONAL, Scope.DEV
NOTE = "pyproject.toml does not record the licenses of dependencies"


@pytest.fixture
def python(fixtures):
    return fixtures / "python"


def summary(result):
    return [(c.key, c.version, c.scope, c.location.line) for c in result.components if c.role is Role.DEPENDENCY]


def app(result):
    (component,) = [c for c in result.components if c.role is Role.APPLICATION]
    return component


def test_name_is_pyproject():
    assert SOURCE.name == "pyproject"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("pyproject.toml", True),
        ("services/sync/pyproject.toml", True),
        ("venv/lib/python3.11/site-packages/attrs/pyproject.toml", False),
        ("setup.cfg", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_pep621_project_with_pep639_license(read_file, python):
    result = read_file(SOURCE, python / "uv-app", "pyproject.toml")
    assert result.problems == ()
    project = app(result)
    assert (project.key, project.name, project.version) == ("application:.", "crm-sync", "1.3.0")
    assert project.ecosystem == "pypi"
    assert (project.root, project.scope, project.location) == (".", R, Location("pyproject.toml", 7))
    assert project.dependencies == ("httpx", "pydantic", "tenacity")
    assert project.license.expression == "AGPL-3.0-or-later"
    assert project.license.conflicts == ()
    declared, text = project.license.evidence
    assert (declared.kind, declared.location, declared.quote) == (
        EvidenceKind.DECLARED, Location("pyproject.toml", 7), "AGPL-3.0-or-later",
    )
    # license-files = ["LICEN[CS]E*"] matched LICENSE beside the manifest
    assert (text.kind, text.location.path) == (EvidenceKind.LICENSE_TEXT, "LICENSE")


def test_pep621_dependencies_extras_and_groups(read_file, python):
    result = read_file(SOURCE, python / "uv-app", "pyproject.toml")
    assert summary(result) == [
        ("pkg:pypi/httpx", None, R, 17),
        ("pkg:pypi/pydantic@2.10.4", "2.10.4", R, 18),
        ("pkg:pypi/tenacity", None, R, 19),
        ("pkg:pypi/redis", None, O, 24),
        ("pkg:pypi/pytest", None, D, 32),
        ("pkg:pypi/respx", None, D, 33),
    ]
    for component in result.components[1:]:
        assert component.direct is True
        assert component.license.expression is None
        assert component.license.notes[0] == NOTE
    redis = result.components[4]
    assert "installed with the extra 'redis'" in redis.license.notes


def test_poetry_project(read_file, python):
    result = read_file(SOURCE, python / "poetry-app", "pyproject.toml")
    assert result.problems == ()
    project = app(result)
    assert (project.name, project.version, project.location.line) == ("crm-reports", "0.9.2", 6)
    assert project.license.expression == "LGPL-3.0-or-later"
    assert project.license.confident is True
    assert [(e.location.line, e.quote) for e in project.license.evidence] == [
        (6, "LGPL-3.0-or-later"),
        (11, "License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)"),
    ]
    assert project.dependencies == ("jinja2", "openpyxl", "crm-sdk")
    assert summary(result) == [
        ("pkg:pypi/jinja2", None, R, 16),
        ("pkg:pypi/openpyxl@3.1.5", "3.1.5", R, 17),
        ("pkg:pypi/reportlab", None, O, 18),
        ("pkg:pypi/crm-sdk", None, R, 19),
        ("pkg:pypi/pytest", None, D, 25),
        ("pkg:pypi/mypy", None, D, 26),
        ("pkg:pypi/pdoc", None, D, 32),
    ]
    sdk = [c for c in result.components if c.name == "crm-sdk"][0]
    assert sdk.license.notes[1] == (
        "installed from the git https://github.com/acme-crm/crm-sdk-python.git (v2.0.1), not from a package index"
    )


def test_license_file_table_and_bsd_classifier(read_file, python):
    result = read_file(SOURCE, python / "setuptools-app", "pyproject.toml")
    project = app(result)
    assert (project.name, project.version) == ("suitecrm-webhooks", None)  # dynamic version
    # license = {file = "LICENSE.txt"} is read and identified; the unsure "BSD License" classifier agrees
    assert project.license.expression == "BSD-2-Clause"
    assert project.license.confident is True
    assert project.license.conflicts == ()
    kinds = [(e.kind, e.location.path) for e in project.license.evidence]
    assert kinds == [(EvidenceKind.LICENSE_TEXT, "LICENSE.txt"), (EvidenceKind.DECLARED, "pyproject.toml")]
    assert any("does not say which license of its family" in n for n in project.license.notes)


def test_invalid_dependency_is_a_problem_the_rest_kept(read_file, python):
    result = read_file(SOURCE, python / "setuptools-app", "pyproject.toml")
    assert summary(result) == [
        ("pkg:pypi/flask", None, R, 15),
        ("pkg:pypi/kombu", None, R, 16),
        ("pkg:pypi/pytest", None, O, 21),
    ]
    (problem,) = result.problems
    assert problem.location == Location("pyproject.toml", 17)
    assert problem.message.startswith("[project] dependencies: 'not a requirement!' is not a valid requirement (")


def test_text_license_and_classifier_conflict(read_file, write_tree):
    text = (
        "[project]\n"
        'name = "crm-export"\n'
        'version = "2.0.0"\n'
        'license = { text = "MIT" }\n'
        "classifiers = [\n"
        '    "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",\n'
        "]\n"
    )
    result = read_file(SOURCE, write_tree({"tools/export/pyproject.toml": text}), "tools/export/pyproject.toml")
    project = app(result)
    assert (project.key, project.root) == ("application:tools/export", "tools/export")
    assert project.license.expression == "MIT"
    assert project.license.conflicts == (
        "MIT (tools/export/pyproject.toml:4) disagrees with GPL-3.0-only (tools/export/pyproject.toml:6)",
    )


def test_tool_settings_only_is_no_project(read_file, write_tree):
    root = write_tree({"pyproject.toml": '[tool.black]\nline-length = 100\n\n[tool.ruff]\nselect = ["E"]\n'})
    result = read_file(SOURCE, root, "pyproject.toml")
    assert result.components == () and result.problems == ()


def test_missing_license_file_is_a_note_on_the_license(read_file, write_tree):
    root = write_tree({"pyproject.toml": '[project]\nname = "x"\nlicense = {file = "COPYING"}\n'})
    result = read_file(SOURCE, root, "pyproject.toml")
    assert result.problems == ()
    assert app(result).license.expression is None
    assert app(result).license.notes == (
        "pyproject.toml declares no license",
        "the license file 'COPYING' named on line 3 is not in the scanned tree",
    )


def test_pep735_include_group_and_uv_dev_dependencies(read_file, write_tree):
    text = (
        "[project]\n"
        'name = "crm-api"\n'
        'dependencies = ["fastapi==0.115.6"]\n'
        "\n"
        "[dependency-groups]\n"
        'test = ["pytest>=8", {include-group = "lint"}]\n'
        'lint = ["ruff"]\n'
        "\n"
        "[tool.uv]\n"
        'dev-dependencies = ["ipython"]\n'
    )
    result = read_file(SOURCE, write_tree({"pyproject.toml": text}), "pyproject.toml")
    assert result.problems == ()
    assert summary(result) == [
        ("pkg:pypi/fastapi@0.115.6", "0.115.6", R, 3),
        ("pkg:pypi/pytest", None, Scope.TEST, 6),
        ("pkg:pypi/ruff", None, D, 7),
        ("pkg:pypi/ipython", None, D, 10),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[project\nname = "x"\n', 1, "is not valid TOML: "),
        ('[project]\nname = "x"\nname = "y"\n', 3, "is not valid TOML: "),
        ("project = [1, 2]\n", 1, "'project' is not a table; the project was not read"),
    ],
    ids=["header", "duplicate-key", "wrong-type"],
)
def test_bad_toml_is_one_problem(read_file, write_tree, text, line, message):
    result = read_file(SOURCE, write_tree({"pyproject.toml": text}), "pyproject.toml")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("pyproject.toml", line)
    assert problem.message.startswith(message)


def test_wrongly_typed_fields_are_problems_not_crashes(read_file, write_tree):
    text = (
        '[project]\nname = "x"\nlicense = 5\ndependencies = "flask"\n'
        'classifiers = "License :: OSI Approved :: MIT License"\n'
    )
    result = read_file(SOURCE, write_tree({"pyproject.toml": text}), "pyproject.toml")
    assert [c.role for c in result.components] == [Role.APPLICATION]
    assert [(p.location.line, p.message) for p in result.problems] == [
        (4, "[project] dependencies is not an array; it was not read"),
        (3, "[project] 'license' is not a string or a table; it was not read"),
    ]
