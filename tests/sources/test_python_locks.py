"""The Python lockfile readers: poetry.lock, uv.lock, Pipfile.lock and pylock.toml (PEP 751)."""

from __future__ import annotations

import json

import pytest

from osi_check.facts import InputProblem, Location, Role, Scope
from osi_check.sources.pipfile_lock import PipfileLockSource
from osi_check.sources.poetry_lock import NO_GROUPS_NOTE, PoetryLockSource
from osi_check.sources.pylock import PylockSource
from osi_check.sources.uv_lock import UvLockSource
from osi_check.tree import TreeFile

POETRY, UV, PIPENV, PYLOCK = PoetryLockSource(), UvLockSource(), PipfileLockSource(), PylockSource()
R, O, D, T = Scope.RUNTIME, Scope.OPTIONAL, Scope.DEV, Scope.TEST


@pytest.fixture
def python(fixtures):
    return fixtures / "python"


def rows(result):
    return [(c.key, c.scope, c.direct, c.location.line) for c in result.components]


def by_name(result, name):
    (component,) = [c for c in result.components if c.name == name]
    return component


def test_names():
    assert (POETRY.name, UV.name, PIPENV.name, PYLOCK.name) == ("poetry-lock", "uv-lock", "pipfile-lock", "pylock")


@pytest.mark.parametrize(
    ("reader", "path", "handled"),
    [
        (POETRY, "poetry.lock", True),
        (POETRY, "svc/poetry.lock", True),
        (POETRY, "venv/lib/python3.11/site-packages/x/poetry.lock", False),
        (UV, "uv.lock", True),
        (UV, "uv.lock.bak", False),
        (PIPENV, "Pipfile.lock", True),
        (PIPENV, "Pipfile", False),
        (PYLOCK, "pylock.toml", True),
        (PYLOCK, "pylock.prod.toml", True),
        (PYLOCK, "pylock.a.b.toml", False),
        (PYLOCK, "pylock.json", False),
    ],
)
def test_handles(reader, path, handled):
    assert reader.handles(TreeFile(path, 10)) is handled


# --- poetry.lock ----------------------------------------------------------------------------------------------

EXPECTED_POETRY = [
    ("pkg:pypi/chardet@5.2.0", O, False, 4),
    ("pkg:pypi/colorama@0.4.6", D, False, 15),
    ("pkg:pypi/crm-sdk@2.0.1", R, True, 26),
    ("pkg:pypi/et-xmlfile@2.0.0", R, False, 44),
    ("pkg:pypi/iniconfig@2.0.0", D, False, 55),
    ("pkg:pypi/jinja2@3.1.4", R, True, 66),
    ("pkg:pypi/markupsafe@3.0.2", R, False, 83),
    ("pkg:pypi/mypy@1.13.0", D, True, 96),
    ("pkg:pypi/mypy-extensions@1.0.0", D, False, 119),
    ("pkg:pypi/openpyxl@3.1.5", R, True, 130),
    ("pkg:pypi/packaging@24.2", D, False, 144),
    ("pkg:pypi/pdoc@15.0.1", D, True, 155),
    ("pkg:pypi/pillow@11.0.0", O, False, 171),
    ("pkg:pypi/pluggy@1.5.0", D, False, 187),
    ("pkg:pypi/pygments@2.18.0", D, False, 202),
    ("pkg:pypi/pytest@8.3.4", D, True, 216),
    ("pkg:pypi/reportlab@4.2.5", O, True, 236),
    ("pkg:pypi/typing-extensions@4.12.2", R, False, 256),
]


def test_poetry_lock_2_0_scopes_come_from_the_pyproject_graph(read_file, python):
    result = read_file(POETRY, python / "poetry-app", "poetry.lock")
    assert result.problems == ()
    assert rows(result) == EXPECTED_POETRY
    for component in result.components:
        assert (component.ecosystem, component.role, component.root) == ("pypi", Role.DEPENDENCY, None)
        assert component.license.expression is None
        assert component.license.notes[0] == "poetry.lock files do not record licenses"


def test_poetry_lock_integrity_dependencies_and_source(read_file, python):
    result = read_file(POETRY, python / "poetry-app", "poetry.lock")
    pytest_ = by_name(result, "pytest")
    assert pytest_.integrity.startswith("sha256:") and len(pytest_.integrity) == 71
    assert pytest_.dependencies == ("colorama", "iniconfig", "packaging", "pluggy")
    sdk = by_name(result, "crm-sdk")
    assert sdk.integrity is None  # a git checkout has no files
    assert sdk.license.notes[1] == (
        "installed from the git source https://github.com/acme-crm/crm-sdk-python.git at "
        "8d2f0c3b6a1e4f5d9c7b2a0e1f3d5c7b9a8e6f4d, not from a package index"
    )


def test_poetry_lock_without_pyproject_is_runtime_with_a_note(read_file, python, tmp_path):
    (tmp_path / "poetry.lock").write_text((python / "poetry-app" / "poetry.lock").read_text())
    result = read_file(POETRY, tmp_path, "poetry.lock")
    assert {c.scope for c in result.components} == {R, O}  # optional = true still says OPTIONAL
    assert {c.direct for c in result.components} == {None}
    assert all(NO_GROUPS_NOTE in c.license.notes for c in result.components)


def test_poetry_lock_1_1_categories_and_metadata_files(read_file, write_tree):
    text = (
        '[[package]]\nname = "django"\nversion = "3.2.25"\ndescription = "A high-level Python web framework"\n'
        'category = "main"\noptional = false\npython-versions = ">=3.6"\n\n'
        '[package.dependencies]\nasgiref = ">=3.3.2,<4"\n\n'
        '[[package]]\nname = "pytest"\nversion = "7.4.4"\ndescription = "pytest: simple powerful testing"\n'
        'category = "dev"\noptional = false\npython-versions = ">=3.7"\n\n'
        '[metadata]\nlock-version = "1.1"\npython-versions = "^3.9"\ncontent-hash = "ab12"\n\n'
        '[metadata.files]\ndjango = [\n    {file = "Django-3.2.25-py3-none-any.whl", '
        'hash = "sha256:a52ea7fcf280b16f7b739cec38fa6d3f8953a5456986944c3ca97e79882b4e38"},\n]\n'
        'pytest = []\n'
    )
    result = read_file(POETRY, write_tree({"poetry.lock": text}), "poetry.lock")
    assert result.problems == ()
    assert [(c.key, c.scope, c.location.line, c.integrity) for c in result.components] == [
        ("pkg:pypi/django@3.2.25", R, 2, "sha256:a52ea7fcf280b16f7b739cec38fa6d3f8953a5456986944c3ca97e79882b4e38"),
        ("pkg:pypi/pytest@7.4.4", D, 13, None),
    ]


def test_poetry_lock_2_1_groups(read_file, write_tree):
    text = (
        '[[package]]\nname = "anyio"\nversion = "4.8.0"\ndescription = ""\noptional = false\n'
        'python-versions = ">=3.9"\ngroups = ["main"]\nfiles = []\n\n'
        '[[package]]\nname = "coverage"\nversion = "7.6.10"\ndescription = ""\noptional = false\n'
        'python-versions = ">=3.9"\ngroups = ["test"]\nfiles = []\n\n'
        '[[package]]\nname = "ruff"\nversion = "0.9.2"\ndescription = ""\noptional = false\n'
        'python-versions = ">=3.7"\ngroups = ["dev", "lint"]\nfiles = []\n\n'
        '[metadata]\nlock-version = "2.1"\npython-versions = ">=3.11"\ncontent-hash = "cd34"\n'
    )
    result = read_file(POETRY, write_tree({"poetry.lock": text}), "poetry.lock")
    assert [(c.name, c.scope) for c in result.components] == [("anyio", R), ("coverage", T), ("ruff", D)]


# --- uv.lock --------------------------------------------------------------------------------------------------

EXPECTED_UV = [
    ("pkg:pypi/annotated-types@0.7.0", R, False, 5),
    ("pkg:pypi/anyio@4.7.0", R, False, 14),
    ("pkg:pypi/async-timeout@5.0.1", O, False, 28),
    ("pkg:pypi/certifi@2025.1.31", R, False, 37),
    ("pkg:pypi/colorama@0.4.6", D, False, 46),
    ("pkg:pypi/h11@0.14.0", R, False, 90),
    ("pkg:pypi/httpcore@1.0.7", R, False, 99),
    ("pkg:pypi/httpx@0.28.1", R, True, 112),
    ("pkg:pypi/idna@3.10", R, False, 127),
    ("pkg:pypi/iniconfig@2.0.0", D, False, 136),
    ("pkg:pypi/packaging@24.2", D, False, 145),
    ("pkg:pypi/pluggy@1.5.0", D, False, 154),
    ("pkg:pypi/pydantic@2.10.4", R, True, 163),
    ("pkg:pypi/pydantic-core@2.27.2", R, False, 177),
    ("pkg:pypi/pytest@8.3.4", D, True, 191),
    ("pkg:pypi/redis@5.2.1", O, True, 206),
    ("pkg:pypi/respx@0.22.0", D, True, 218),
    ("pkg:pypi/sniffio@1.3.1", R, False, 230),
    ("pkg:pypi/tenacity@9.0.0", R, True, 239),
    ("pkg:pypi/typing-extensions@4.12.2", R, False, 248),
]


def test_uv_lock_scopes_from_the_project_package(read_file, python):
    result = read_file(UV, python / "uv-app", "uv.lock")
    assert result.problems == ()
    # the editable project itself (crm-sync, line 55) is the scanned code, not a dependency
    assert rows(result) == EXPECTED_UV
    assert all(c.license.notes == ("uv.lock files do not record licenses",) for c in result.components)


def test_uv_lock_integrity_is_the_sdist_hash(read_file, python):
    result = read_file(UV, python / "uv-app", "uv.lock")
    certifi = by_name(result, "certifi")
    assert certifi.integrity == "sha256:3d5da6925056f6f18f119200434a4780a94263f10d1c21d032a6f6b2baa20651"
    assert by_name(result, "httpx").dependencies == ("anyio", "certifi", "httpcore", "idna")


def test_uv_lock_extra_of_a_dependency_and_git_source(read_file, write_tree):
    text = (
        "version = 1\nrequires-python = \">=3.11\"\n\n"
        "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n"
        "dependencies = [\n    { name = \"celery\", extra = [\"redis\"] },\n    { name = \"crm-sdk\" },\n]\n\n"
        "[[package]]\nname = \"celery\"\nversion = \"5.4.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n\n"
        "[package.optional-dependencies]\nredis = [\n    { name = \"redis\" },\n]\n\n"
        "[[package]]\nname = \"crm-sdk\"\nversion = \"2.0.1\"\n"
        "source = { git = \"https://github.com/acme-crm/crm-sdk-python.git?tag=v2.0.1"
        "#8d2f0c3b6a1e4f5d9c7b2a0e1f3d5c7b9a8e6f4d\" }\n\n"
        "[[package]]\nname = \"redis\"\nversion = \"5.2.1\"\nsource = { registry = \"https://pypi.org/simple\" }\n\n"
        "[[package]]\nname = \"stray\"\nversion = \"1.0\"\n"
        "source = { registry = \"https://pypi.internal.example/simple\" }\n"
    )
    result = read_file(UV, write_tree({"uv.lock": text}), "uv.lock")
    assert result.problems == ()
    assert [(c.name, c.scope, c.direct) for c in result.components] == [
        ("celery", R, True), ("crm-sdk", R, True), ("redis", R, False), ("stray", R, False),
    ]
    assert by_name(result, "crm-sdk").license.notes[1].startswith("installed from the git source https://github.com/")
    assert by_name(result, "stray").license.notes[1:] == (
        "from the package index https://pypi.internal.example/simple",
        "not reachable from the project's dependencies in uv.lock: read as runtime",
    )


def test_uv_lock_unknown_version_is_reported_and_read(read_file, write_tree):
    text = (
        'version = 2\n\n[[package]]\nname = "six"\nversion = "1.17.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
    )
    result = read_file(UV, write_tree({"uv.lock": text}), "uv.lock")
    assert [c.key for c in result.components] == ["pkg:pypi/six@1.17.0"]
    assert result.problems == (
        InputProblem(
            Location("uv.lock", 1), "lock version 2 is not one osi-check knows (1); read as version 1", "uv-lock"
        ),
    )


# --- Pipfile.lock ---------------------------------------------------------------------------------------------

def test_pipfile_lock(read_file, python):
    result = read_file(PIPENV, python / "pipenv-app", "Pipfile.lock")
    assert result.problems == ()
    assert rows(result) == [
        ("pkg:pypi/asgiref@3.8.1", R, False, 19),
        ("pkg:pypi/crm-connector", R, True, 28),
        ("pkg:pypi/django@4.2.16", R, True, 32),
        ("pkg:pypi/djangorestframework@3.15.2", R, True, 41),
        ("pkg:pypi/sqlparse@0.5.1", R, False, 50),
        ("pkg:pypi/iniconfig@2.0.0", D, False, 61),
        ("pkg:pypi/packaging@24.2", D, False, 70),
        ("pkg:pypi/pluggy@1.5.0", D, False, 79),
        ("pkg:pypi/pytest@8.3.4", D, True, 88),
        ("pkg:pypi/pytest-django@4.9.0", D, True, 97),
    ]
    django = by_name(result, "django")
    assert django.integrity == "sha256:5813833b354cbdf24f13885f9cb7f18a1a47535e7978f8e8b067164bea2b3fcc"
    assert django.license.notes == ("Pipfile.lock files do not record licenses",)
    connector = by_name(result, "crm-connector")
    assert (connector.version, connector.integrity) == (None, None)
    assert "git source https://github.com/acme-crm/crm-connector.git at 4b8e2f1c" in connector.license.notes[1]


def test_pipfile_lock_without_pipfile_has_no_direct_flag(read_file, python, tmp_path):
    (tmp_path / "Pipfile.lock").write_text((python / "pipenv-app" / "Pipfile.lock").read_text())
    result = read_file(PIPENV, tmp_path, "Pipfile.lock")
    assert {c.direct for c in result.components} == {None}


def test_pipfile_lock_custom_category_and_bad_entry(read_file, write_tree):
    data = {
        "_meta": {"pipfile-spec": 6},
        "default": {"six": {"version": "==1.17.0"}, "broken": ["not", "an", "object"]},
        "docs": {"sphinx": {"version": "==8.1.3"}},
    }
    result = read_file(PIPENV, write_tree({"Pipfile.lock": json.dumps(data, indent=4)}), "Pipfile.lock")
    assert [(c.name, c.scope) for c in result.components] == [("six", R), ("sphinx", D)]
    assert by_name(result, "sphinx").license.notes[1] == "pipenv category 'docs': not installed by default"
    (problem,) = result.problems
    assert problem.location.line == 9  # the line of the "broken" key
    assert problem.message == "the 'default' entry for 'broken' is not a JSON object; it was skipped"


# --- pylock.toml ----------------------------------------------------------------------------------------------

def test_pylock(read_file, python):
    result = read_file(PYLOCK, python / "pylock-app", "pylock.toml")
    assert result.problems == ()
    # the editable project directory (crm-webhooks, line 99) is the scanned code, not a dependency
    assert rows(result) == [
        ("pkg:pypi/certifi@2025.1.31", R, None, 11),
        ("pkg:pypi/charset-normalizer@3.4.1", R, None, 20),
        ("pkg:pypi/colorama@0.4.6", D, None, 30),
        ("pkg:pypi/idna@3.10", R, None, 40),
        ("pkg:pypi/iniconfig@2.0.0", D, None, 49),
        ("pkg:pypi/pysocks@1.7.1", O, None, 59),
        ("pkg:pypi/pytest@8.3.4", D, None, 69),
        ("pkg:pypi/requests@2.32.3", R, None, 80),
        ("pkg:pypi/urllib3@2.3.0", R, None, 90),
        ("pkg:pypi/acme-pdf@2.1.0", R, None, 103),
    ]
    requests = by_name(result, "requests")
    assert requests.integrity == "sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760"
    assert requests.dependencies == ("certifi", "charset-normalizer", "idna", "urllib3")
    assert requests.license.notes == ("pylock.toml files (PEP 751) do not record licenses",)
    pdf = by_name(result, "acme-pdf")
    assert pdf.integrity.startswith("sha256:8315b683")
    assert pdf.license.notes[1] == (
        "installed from the archive vendor/wheels/acme_pdf-2.1.0-py3-none-any.whl, not from a package index"
    )


def test_pylock_default_group_marker_is_runtime(read_file, write_tree):
    text = (
        'lock-version = "1.0"\ncreated-by = "pdm"\ndefault-groups = ["default"]\n\n'
        '[[packages]]\nname = "flask"\nversion = "3.1.0"\nmarker = "\'default\' in dependency_groups"\n\n'
        '[[packages]]\nname = "pytest-cov"\nversion = "6.0.0"\nmarker = "\'test\' in dependency_groups"\n'
    )
    result = read_file(PYLOCK, write_tree({"pylock.dev.toml": text}), "pylock.dev.toml")
    assert [(c.name, c.scope) for c in result.components] == [("flask", R), ("pytest-cov", T)]


# --- bad input ------------------------------------------------------------------------------------------------

GARBAGE = {
    "binary": b"\x00\x01\x02PK\x03\x04",
    "truncated": b'version = 1\n\n[[package]]\nname = "six"\nversion = "1.1',
    "json-list": b'[{"name": "six"}]',
    "wrong-type": b'package = "six"\npackages = 3\ndefault = []\n',
    "random": bytes(range(1, 256)) * 3,
}


@pytest.mark.parametrize("kind", sorted(GARBAGE))
@pytest.mark.parametrize(
    ("reader", "name"),
    [(POETRY, "poetry.lock"), (UV, "uv.lock"), (PIPENV, "Pipfile.lock"), (PYLOCK, "pylock.toml")],
    ids=["poetry", "uv", "pipenv", "pylock"],
)
def test_garbage_is_exactly_one_problem(read_file, write_tree, reader, name, kind):
    result = read_file(reader, write_tree({name: GARBAGE[kind]}), name)
    assert result.components == ()
    assert len(result.problems) == 1
    assert result.problems[0].location.path == name
    assert result.problems[0].reader == reader.name


def test_wrong_entry_costs_only_that_entry(read_file, write_tree):
    text = (
        'version = 1\n\n[[package]]\nversion = "1.0"\n\n'
        '[[package]]\nname = "six"\nversion = "1.17.0"\nsource = { registry = "https://pypi.org/simple" }\n'
    )
    result = read_file(UV, write_tree({"uv.lock": text}), "uv.lock")
    assert [(c.name, c.location.line) for c in result.components] == [("six", 7)]
    assert result.problems == (
        InputProblem(Location("uv.lock", 3), "a [[package]] entry has no package name; it was skipped", "uv-lock"),
    )
