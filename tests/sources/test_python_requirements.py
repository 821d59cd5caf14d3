"""RequirementsSource: pip requirements files, read as pip reads them, never installed."""

from __future__ import annotations

import pytest

from osi_check.facts import InputProblem, Location, Role, Scope
from osi_check.sources.python_requirements import RequirementsSource, file_scope
from osi_check.tree import TreeFile

SOURCE = RequirementsSource()
R, D, T = Scope.RUNTIME, Scope.DEV, Scope.TEST
NOTE = "requirements files do not record licenses"

# pip-compile output: key, version, direct, line, first hash prefix, dependencies
EXPECTED_COMPILED = [
    ("pkg:pypi/asgiref@3.8.1", "3.8.1", False, 7, "sha256:3e1e3ecc", ()),
    ("pkg:pypi/certifi@2025.1.31", "2025.1.31", False, 11, "sha256:3d5da692", ()),
    ("pkg:pypi/charset-normalizer@3.4.1", "3.4.1", False, 15, "sha256:0924e81d", ()),
    ("pkg:pypi/django@4.2.16", "4.2.16", True, 23, "sha256:5813833b", ("asgiref", "sqlparse")),
    ("pkg:pypi/idna@3.10", "3.10", False, 27, "sha256:12f65c9b", ()),
    ("pkg:pypi/psycopg@3.2.3", "3.2.3", True, 31, "sha256:6a8dc602", ("psycopg-binary", "typing-extensions")),
    ("pkg:pypi/psycopg-binary@3.2.3", "3.2.3", False, 35, "sha256:368f3d19", ()),
    ("pkg:pypi/requests@2.32.3", "2.32.3", True, 39, "sha256:55365417",
     ("certifi", "charset-normalizer", "idna", "urllib3")),
    ("pkg:pypi/sqlparse@0.5.1", "0.5.1", False, 45, "sha256:0fcc3b8d", ()),
    ("pkg:pypi/stripe@10.12.0", "10.12.0", True, 49, "sha256:696d0224", ("requests", "typing-extensions")),
    ("pkg:pypi/typing-extensions@4.12.2", "4.12.2", False, 53, "sha256:a61df508", ()),
    ("pkg:pypi/urllib3@2.3.0", "2.3.0", False, 59, "sha256:1cee9ad3", ()),
]


@pytest.fixture
def project(fixtures):
    return fixtures / "python" / "requirements"


@pytest.fixture
def layered(fixtures):
    return fixtures / "python" / "requirements-layered"


def by_name(result, name):
    (component,) = [c for c in result.components if c.name == name]
    return component


def test_name_is_pip_requirements():
    assert SOURCE.name == "pip-requirements"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("dev-requirements.txt", True),
        ("requirements_test.txt", True),
        ("backend/requirements.prod.txt", True),
        ("requirements/base.txt", True),
        ("requirements/dev.txt", True),
        ("requirements.in", False),
        ("myrequirements.txt", False),
        ("docs/notes.txt", False),
        ("venv/lib/python3.11/site-packages/pkg/requirements.txt", False),
        ("node_modules/x/requirements.txt", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("requirements.txt", None),
        ("requirements-prod.txt", None),
        ("requirements/base.txt", None),
        ("requirements-dev.txt", D),
        ("dev-requirements.txt", D),
        ("requirements/dev.txt", D),
        ("requirements/docs.txt", D),
        ("requirements/test.txt", T),
        ("test-requirements.txt", T),
        ("requirements/tests.txt", T),
        ("requirements-testing.txt", T),
    ],
)
def test_scope_from_the_file_name(path, scope):
    assert file_scope(path) is scope


def test_pip_compile_output(read_file, project):
    result = read_file(SOURCE, project, "requirements.txt")
    assert result.problems == ()
    got = [
        (c.key, c.version, c.direct, c.location.line, c.integrity[:15], c.dependencies) for c in result.components
    ]
    assert got == EXPECTED_COMPILED
    for component in result.components:
        assert (component.ecosystem, component.role, component.scope) == ("pypi", Role.DEPENDENCY, R)
        assert component.purl == component.key
        assert component.location.path == "requirements.txt"
        assert component.root is None
        assert component.license.expression is None
        assert component.license.notes[0] == NOTE
        assert component.license.evidence == ()


def test_integrity_is_the_first_hash_as_written(read_file, project):
    django = by_name(read_file(SOURCE, project, "requirements.txt"), "django")
    assert django.integrity == "sha256:5813833b354cbdf24f13885f9cb7f18a1a47535e7978f8e8b067164bea2b3fcc"


def test_extras_do_not_change_the_name(read_file, project):
    psycopg = by_name(read_file(SOURCE, project, "requirements.txt"), "psycopg")
    assert psycopg.key == "pkg:pypi/psycopg@3.2.3"


def test_hand_written_file_with_constraints_and_options(read_file, project):
    result = read_file(SOURCE, project, "requirements-dev.txt")
    assert result.problems == ()
    # -c constraints.txt is not a component source; --index-url and -e . install nothing to report
    assert [(c.key, c.version, c.location.line, c.direct, c.scope) for c in result.components] == [
        ("pkg:pypi/pytest@8.3.4", "8.3.4", 7, True, D),
        ("pkg:pypi/pytest-django", None, 8, True, D),
        ("pkg:pypi/ruff@0.8.4", "0.8.4", 9, True, D),
        ("pkg:pypi/pre-commit", None, 10, True, D),
        ("pkg:pypi/faker@33.1.0", "33.1.0", 11, True, D),
        ("pkg:pypi/pywin32@308", "308", 12, True, D),
    ]


def test_unpinned_requirement_says_so(read_file, project):
    result = read_file(SOURCE, project, "requirements-dev.txt")
    assert by_name(result, "pytest-django").license.notes == (
        NOTE, "not pinned (>=4.9): the installed version is not recorded",
    )
    # a marker that only limits the Python version is not worth a note; a platform marker is
    assert by_name(result, "Faker").license.notes == (NOTE,)
    assert by_name(result, "pywin32").license.notes == (NOTE, 'installed only where sys_platform == "win32"')


def test_includes_keep_each_entry_at_its_own_file_and_line(read_file, project):
    result = read_file(SOURCE, project, "requirements-ci.txt")
    assert result.problems == ()
    files = [(c.location.path, c.location.line) for c in result.components]
    assert files[:12] == [("requirements.txt", line) for *_, line, _, _ in EXPECTED_COMPILED]
    assert files[12:] == [("requirements-dev.txt", line) for line in (7, 8, 9, 10, 11, 12)]
    # a CI file is not shipped, and a file with a neutral name takes the scope of the file including it;
    # requirements.txt read on its own says runtime, and the resolver keeps the shipped scope of the two
    assert {c.scope for c in result.components} == {D}


def test_layered_requirements(read_file, layered):
    result = read_file(SOURCE, layered, "requirements/test.txt")
    got = [(c.name, c.version, c.scope, c.location.path, c.location.line) for c in result.components]
    assert got == [
        ("Django", "4.2.16", T, "requirements/base.txt", 2),
        ("django-crispy-forms", "2.3", T, "requirements/base.txt", 3),
        ("celery", "5.4.0", T, "requirements/base.txt", 4),
        ("crm-connector", None, T, "requirements/base.txt", 5),
        ("suitecrm-sync", None, T, "requirements/base.txt", 6),
        ("acme_pdf", None, T, "requirements/base.txt", 7),
        ("ruff", "0.8.4", D, "requirements/lint.txt", 2),
        ("pytest", "8.3.4", T, "requirements/test.txt", 4),
        ("pytest-cov", "6.0.0", T, "requirements/test.txt", 5),
        ("coverage", "7.6.9", T, "requirements/test.txt", 6),
    ]
    cycle, missing, invalid = result.problems
    assert cycle == InputProblem(
        Location("requirements/lint.txt", 1),
        "includes 'test.txt' again (an include cycle: requirements/test.txt -> requirements/lint.txt -> "
        "requirements/test.txt); it was not read twice",
        "pip-requirements",
    )
    assert missing == InputProblem(
        Location("requirements/test.txt", 2),
        "includes 'missing.txt', which is not in the scanned tree; its requirements are unknown",
        "pip-requirements",
    )
    # the reason in parentheses is packaging's own message
    assert invalid.location == Location("requirements/test.txt", 8)
    assert invalid.message.startswith("'this is not a requirement' is not a valid requirement (")
    assert invalid.message.endswith("); it was skipped")


def test_base_file_alone_is_runtime(read_file, layered):
    result = read_file(SOURCE, layered, "requirements/base.txt")
    assert {c.scope for c in result.components} == {R}
    assert len(result.components) == 6


def test_url_vcs_and_editable_requirements(read_file, layered):
    result = read_file(SOURCE, layered, "requirements/base.txt")
    connector = by_name(result, "crm-connector")
    assert (connector.key, connector.version) == ("pkg:pypi/crm-connector", None)
    assert connector.license.notes[1] == (
        "installed from git+https://github.com/acme-crm/crm-connector.git@v1.4.2, not from a package index"
    )
    sync = by_name(result, "suitecrm-sync")
    assert sync.key == "pkg:pypi/suitecrm-sync"
    assert sync.license.notes[1].startswith("editable install from the URL git+https://github.com/acme-crm/")
    wheel = by_name(result, "acme_pdf")
    assert wheel.key == "pkg:pypi/acme-pdf"
    assert "local path ./vendor/wheels/acme_pdf-2.1.0-py3-none-any.whl" in wheel.license.notes[1]


def test_hashed_continuation_lines_are_one_requirement(read_file, layered):
    result = read_file(SOURCE, layered, "requirements/test.txt")
    coverage = by_name(result, "coverage")
    assert coverage.integrity == "sha256:b5f2a8e1c3d1a6bb7c0cc1c9d4c77d6e8a8c3d1a0c4c2b8f7e9e1b4d5a6c7b8e"
    assert coverage.location.line == 6


def test_include_outside_the_tree_and_remote_are_not_followed(read_file, write_tree):
    root = write_tree({
        "app/requirements.txt": (
            "-r ../../etc/requirements.txt\n-r https://example.com/reqs.txt\n-r /etc/passwd\nflask==3.1.0\n"
        ),
    })
    result = read_file(SOURCE, root, "app/requirements.txt")
    assert [c.key for c in result.components] == ["pkg:pypi/flask@3.1.0"]
    assert [(p.location.line, p.message) for p in result.problems] == [
        (1, "includes '../../etc/requirements.txt', which is outside the scanned tree; it was not read"),
        (2, "includes the remote file 'https://example.com/reqs.txt', which osi-check does not fetch; it was not read"),
        (3, "includes '/etc/passwd', which is outside the scanned tree; it was not read"),
    ]


def test_self_include_is_a_cycle(read_file, write_tree):
    root = write_tree({"requirements.txt": "-r requirements.txt\nattrs==24.3.0\n"})
    result = read_file(SOURCE, root, "requirements.txt")
    assert [c.key for c in result.components] == ["pkg:pypi/attrs@24.3.0"]
    (problem,) = result.problems
    assert "include cycle: requirements.txt -> requirements.txt" in problem.message


def test_diamond_includes_are_read_once(read_file, write_tree):
    root = write_tree({
        "requirements.txt": "-r a.txt\n-r b.txt\n",
        "a.txt": "-r common.txt\n",
        "b.txt": "-r common.txt\n",
        "common.txt": "six==1.17.0\n",
    })
    result = read_file(SOURCE, root, "requirements.txt")
    assert [(c.key, c.location.path) for c in result.components] == [("pkg:pypi/six@1.17.0", "common.txt")]
    assert result.problems == ()


def test_crlf_comments_and_continuations(read_file, write_tree):
    text = (
        "# pinned for the CRM worker\r\n"
        "Celery[redis]==5.4.0  # task queue\r\n"
        "kombu==5.4.2 \\\r\n"
        "    --hash=sha256:14212f5b9d0e3e7d0ab8c5d2c1f2e5f3a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1\r\n"
        "\r\n"
        "--find-links ./wheels\r\n"
    )
    result = read_file(SOURCE, write_tree({"requirements.txt": text}), "requirements.txt")
    assert result.problems == ()
    assert [(c.key, c.location.line) for c in result.components] == [
        ("pkg:pypi/celery@5.4.0", 2), ("pkg:pypi/kombu@5.4.2", 3),
    ]
    assert result.components[1].integrity == "sha256:14212f5b9d0e3e7d0ab8c5d2c1f2e5f3a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1"


def test_nameless_remote_url_is_a_problem_and_local_project_is_skipped(read_file, write_tree):
    text = (
        "-e .\n-e ./libs/crm-core\nhttps://example.com/downloads/latest\n"
        "https://example.com/dist/acme_pdf-2.1.0.tar.gz\n"
    )
    result = read_file(SOURCE, write_tree({"requirements.txt": text}), "requirements.txt")
    assert [(c.name, c.key) for c in result.components] == [("acme_pdf", "pkg:pypi/acme-pdf")]
    (problem,) = result.problems
    assert problem.location == Location("requirements.txt", 3)
    assert problem.message.startswith("'https://example.com/downloads/latest' names no package")


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "{\"name\": \"crm\", \"dependencies\": {\"flask\": \"^3.0\"}}\n".encode(),
        "<<<<<<< HEAD\ndjango==4.2.16\n=======\ndjango==5.1.4\n>>>>>>> upgrade\n".encode(),
        bytes(range(1, 256)) * 4,
    ],
    ids=["binary", "json", "merge-conflict", "random-bytes"],
)
def test_garbage_is_exactly_one_problem(read_file, write_tree, content):
    result = read_file(SOURCE, write_tree({"requirements.txt": content}), "requirements.txt")
    assert len(result.problems) == 1
    assert result.problems[0].location.path == "requirements.txt"
    assert result.problems[0].reader == "pip-requirements"
