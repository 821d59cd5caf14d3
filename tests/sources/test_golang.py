"""GoModSource: go.mod (+ go.sum) and vendor/modules.txt, read without running the go command."""

from __future__ import annotations

import pytest

from osi_check.facts import EvidenceKind, InputProblem, Location, Role, Scope
from osi_check.resolve import merge_components
from osi_check.sources.golang import NO_LICENSE_NOTE, NOT_VENDORED_NOTE, GoModSource
from osi_check.tree import Tree, TreeFile

SOURCE = GoModSource()
MODULES = "vendor/modules.txt"
LOGRUS_FORK = "pkg:golang/github.com/acme-crm/logrus@v1.9.4-0.20240311093015-5a1b0c9d2e3f"
MODELS = "pkg:golang/github.com/acme-crm/crm-models@v0.0.0-00010101000000-000000000000"

# go.mod requirements in file order: key, line, direct
GO_MOD = [
    (MODELS, 8, True),
    ("pkg:golang/github.com/gin-gonic/gin@v1.10.0", 9, True),
    ("pkg:golang/github.com/google/uuid@v1.6.0", 10, True),
    ("pkg:golang/github.com/jackc/pgx/v5@v5.6.0", 11, True),
    (LOGRUS_FORK, 12, True),
    ("pkg:golang/golang.org/x/net@v0.25.0", 13, True),
    ("pkg:golang/github.com/bytedance/sonic@v1.11.6", 17, False),
    ("pkg:golang/github.com/gin-contrib/sse@v0.1.0", 18, False),
    ("pkg:golang/github.com/go-playground/validator/v10@v10.20.0", 19, False),
    ("pkg:golang/github.com/jackc/pgpassfile@v1.0.0", 20, False),
    ("pkg:golang/github.com/jackc/pgservicefile@v0.0.0-20221227161230-091c0ba34f0a", 21, False),
    ("pkg:golang/github.com/jackc/puddle/v2@v2.2.1", 22, False),
    ("pkg:golang/github.com/kr/pretty@v0.3.1", 23, False),
    ("pkg:golang/golang.org/x/crypto@v0.23.0", 24, False),
    ("pkg:golang/golang.org/x/sys@v0.20.0", 25, False),
    ("pkg:golang/golang.org/x/text@v0.15.0", 26, False),
    ("pkg:golang/gopkg.in/yaml.v3@v3.0.1", 27, False),
]

# vendor/modules.txt modules in file order: key, line, root, license expression
VENDORED = [
    (MODELS, 1, "vendor/github.com/acme-crm/crm-models", None),
    ("pkg:golang/github.com/bytedance/sonic@v1.11.6", 5, "vendor/github.com/bytedance/sonic", None),
    ("pkg:golang/github.com/gin-contrib/sse@v0.1.0", 9, "vendor/github.com/gin-contrib/sse", None),
    ("pkg:golang/github.com/gin-gonic/gin@v1.10.0", 12, "vendor/github.com/gin-gonic/gin", "MIT"),
    (
        "pkg:golang/github.com/go-playground/validator/v10@v10.20.0", 19,
        "vendor/github.com/go-playground/validator/v10", None,
    ),
    ("pkg:golang/github.com/google/uuid@v1.6.0", 22, "vendor/github.com/google/uuid", "BSD-3-Clause"),
    ("pkg:golang/github.com/jackc/pgpassfile@v1.0.0", 25, "vendor/github.com/jackc/pgpassfile", None),
    (
        "pkg:golang/github.com/jackc/pgservicefile@v0.0.0-20221227161230-091c0ba34f0a", 28,
        "vendor/github.com/jackc/pgservicefile", None,
    ),
    ("pkg:golang/github.com/jackc/pgx/v5@v5.6.0", 31, "vendor/github.com/jackc/pgx/v5", "MIT"),
    ("pkg:golang/github.com/jackc/puddle/v2@v2.2.1", 38, "vendor/github.com/jackc/puddle/v2", None),
    ("pkg:golang/github.com/kr/pretty@v0.3.1", 41, None, None),
    (LOGRUS_FORK, 43, "vendor/github.com/sirupsen/logrus", "MIT"),
    ("pkg:golang/golang.org/x/crypto@v0.23.0", 46, "vendor/golang.org/x/crypto", None),
    ("pkg:golang/golang.org/x/net@v0.25.0", 49, "vendor/golang.org/x/net", "BSD-3-Clause"),
    ("pkg:golang/golang.org/x/sys@v0.20.0", 54, "vendor/golang.org/x/sys", None),
    ("pkg:golang/golang.org/x/text@v0.15.0", 58, "vendor/golang.org/x/text", None),
    ("pkg:golang/gopkg.in/yaml.v3@v3.0.1", 63, "vendor/gopkg.in/yaml.v3", None),
]

SMALL = """module github.com/acme-crm/crm-api

go 1.22

require github.com/google/uuid v1.6.0
require golang.org/x/text v0.15.0 // indirect
"""


@pytest.fixture
def crm_sync(fixtures):
    return fixtures / "golang" / "crm-sync"


@pytest.fixture
def go_mod(read_file, crm_sync):
    return read_file(SOURCE, crm_sync, "go.mod")


@pytest.fixture
def vendored(read_file, crm_sync):
    return read_file(SOURCE, crm_sync, MODULES)


def read_text(write_tree, text: str, name: str = "go.mod", extra: dict | None = None):
    root = write_tree({name: text, **(extra or {})})
    return SOURCE.read(Tree(root), TreeFile(name, len(text)))


def by_key(result):
    return {c.key: c for c in result.components}


def test_name_and_examples():
    assert SOURCE.name == "go-modules"
    assert all(SOURCE.handles(TreeFile(path, 1)) for path in SOURCE.examples)


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("go.mod", True),
        ("services/sync/go.mod", True),
        ("vendor/modules.txt", True),
        ("services/sync/vendor/modules.txt", True),
        ("vendor/github.com/gin-gonic/gin/go.mod", False),
        ("vendor/github.com/x/y/vendor/modules.txt", False),
        ("internal/testdata/go.mod", False),
        ("modules.txt", False),
        ("go.sum", False),
        ("go.work", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 1)) is handled


def test_main_module_is_the_application(go_mod):
    app = go_mod.components[0]
    assert (app.key, app.name, app.version) == (
        "pkg:golang/github.com/acme-crm/crm-sync", "github.com/acme-crm/crm-sync", None
    )
    assert (app.role, app.root, app.location) == (Role.APPLICATION, ".", Location("go.mod", 1))
    assert app.license.expression is None
    assert app.license.notes == (NO_LICENSE_NOTE,)


def test_every_requirement_in_file_order(go_mod):
    assert go_mod.problems == ()
    actual = [(c.key, c.location.line, c.direct) for c in go_mod.components[1:]]
    assert actual == GO_MOD
    for component in go_mod.components[1:]:
        assert (component.role, component.scope, component.ecosystem) == (Role.DEPENDENCY, Scope.RUNTIME, "golang")
        assert component.purl == component.key
        assert component.root is None
        assert component.license.expression is None
        assert NO_LICENSE_NOTE in component.license.notes


def test_go_sum_module_hashes_are_integrity(go_mod):
    deps = by_key(go_mod)
    gin = deps["pkg:golang/github.com/gin-gonic/gin@v1.10.0"]
    assert gin.integrity == "h1:nTuyha1TYqgedzytsKYqna+DfLos46nTv2ygFy86HFU="
    # the fork's hash, not logrus's: the replacement is what is built
    assert deps[LOGRUS_FORK].integrity == "h1:q3cTQ6aQmjLw2A8oM1xYwP0Fh6oK2fV7mN9dS4bR1cE="
    assert deps[MODELS].integrity is None  # a local directory has no module hash


def test_replacements(go_mod):
    deps = by_key(go_mod)
    fork = deps[LOGRUS_FORK]
    assert (fork.name, fork.version) == ("github.com/acme-crm/logrus", "v1.9.4-0.20240311093015-5a1b0c9d2e3f")
    assert "replaces github.com/sirupsen/logrus v1.9.3 (replace directive)" in fork.license.notes
    assert not any(k.startswith("pkg:golang/github.com/sirupsen/logrus") for k in deps)
    models = deps[MODELS]
    assert models.name == "github.com/acme-crm/crm-models"
    assert (
        "replaced by local path ../crm-models: the code built is that directory, not "
        "github.com/acme-crm/crm-models v0.0.0-00010101000000-000000000000"
    ) in models.license.notes


def test_vendored_modules_in_file_order(vendored):
    assert vendored.problems == ()
    actual = [(c.key, c.location.line, c.root, c.license.expression) for c in vendored.components]
    assert actual == VENDORED
    assert all(c.location.path == MODULES and c.direct is None for c in vendored.components)


def test_vendored_license_file_is_read(vendored):
    gin = by_key(vendored)["pkg:golang/github.com/gin-gonic/gin@v1.10.0"]
    assert "license read from vendor/github.com/gin-gonic/gin/LICENSE" in gin.license.notes
    (evidence,) = gin.license.evidence
    assert evidence.kind is EvidenceKind.LICENSE_TEXT
    assert evidence.location.path == "vendor/github.com/gin-gonic/gin/LICENSE"


def test_module_without_vendored_packages_has_no_root(vendored):
    pretty = by_key(vendored)["pkg:golang/github.com/kr/pretty@v0.3.1"]
    assert pretty.root is None
    assert NOT_VENDORED_NOTE in pretty.license.notes


def test_go_mod_and_modules_txt_merge_by_key(go_mod, vendored):
    merged = by_key(type(go_mod)(components=tuple(merge_components([*go_mod.components[1:], *vendored.components]))))
    assert len(merged) == len(GO_MOD)
    gin = merged["pkg:golang/github.com/gin-gonic/gin@v1.10.0"]
    assert (gin.root, gin.direct, gin.license.expression) == ("vendor/github.com/gin-gonic/gin", True, "MIT")
    assert gin.integrity.startswith("h1:")
    sonic = merged["pkg:golang/github.com/bytedance/sonic@v1.11.6"]
    assert sonic.direct is False
    fork = merged[LOGRUS_FORK]
    assert (fork.root, fork.license.expression) == ("vendor/github.com/sirupsen/logrus", "MIT")


def test_single_line_requires_and_indirect_comment(write_tree):
    result = read_text(write_tree, SMALL)
    assert result.problems == ()
    assert [(c.key, c.direct, c.location.line) for c in result.components[1:]] == [
        ("pkg:golang/github.com/google/uuid@v1.6.0", True, 5),
        ("pkg:golang/golang.org/x/text@v0.15.0", False, 6),
    ]


def test_quoted_paths_and_wildcard_module_replacement(write_tree):
    text = SMALL + 'replace "golang.org/x/text" => golang.org/x/text v0.16.0\n'
    result = read_text(write_tree, text)
    assert [c.key for c in result.components[1:]] == [
        "pkg:golang/github.com/google/uuid@v1.6.0",
        "pkg:golang/golang.org/x/text@v0.16.0",
    ]


def test_version_specific_replacement_applies_only_to_that_version(write_tree):
    text = SMALL + "replace golang.org/x/text v0.14.0 => golang.org/x/text v0.16.0\n"
    result = read_text(write_tree, text)
    assert result.components[-1].key == "pkg:golang/golang.org/x/text@v0.15.0"


def test_newer_directives_are_accepted(write_tree):
    text = SMALL + "godebug (\n\tdefault=go1.21\n)\ntool golang.org/x/tools/cmd/stringer\nignore ./node_modules\n"
    assert read_text(write_tree, text).problems == ()


def test_non_explicit_vendored_module_is_transitive(write_tree):
    text = (
        "# github.com/google/uuid v1.3.0\n## explicit\ngithub.com/google/uuid\n"
        "# github.com/pkg/errors v0.9.1\ngithub.com/pkg/errors\n"  # written by Go 1.16: no marker
    )
    result = read_text(write_tree, text, MODULES)
    assert [(c.key, c.direct) for c in result.components] == [
        ("pkg:golang/github.com/google/uuid@v1.3.0", None),
        ("pkg:golang/github.com/pkg/errors@v0.9.1", False),
    ]


def test_vendored_module_with_two_license_files(write_tree, fixtures):
    mit = (fixtures / "golang/crm-sync/vendor/github.com/gin-gonic/gin/LICENSE").read_text()
    bsd = (fixtures / "golang/crm-sync/vendor/github.com/google/uuid/LICENSE").read_text()
    text = "# github.com/acme/dual v1.0.0\n## explicit; go 1.21\ngithub.com/acme/dual\n"
    result = read_text(write_tree, text, MODULES, {
        "vendor/github.com/acme/dual/LICENSE-MIT": mit,
        "vendor/github.com/acme/dual/COPYING": bsd,
    })
    (dual,) = result.components
    assert dual.license.expression == "BSD-3-Clause AND MIT"  # in probe order: COPYING, then LICENSE-MIT
    assert any(note.startswith("several license files") for note in dual.license.notes)
    assert len(dual.license.evidence) == 2


def test_syntax_error_is_one_problem_with_its_line(write_tree):
    result = read_text(write_tree, SMALL + "requires github.com/x/y v1.0.0\n")
    assert result == type(result)(problems=(
        InputProblem(Location("go.mod", 7), "unknown directive: requires", "go-modules"),
    ))


def test_unclosed_block_is_one_problem(write_tree):
    text = "module github.com/acme-crm/crm-api\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n"
    (problem,) = read_text(write_tree, text).problems
    assert problem.location == Location("go.mod", 3)
    assert "never closed" in problem.message


def test_malformed_go_sum_line_is_reported_and_the_rest_used(write_tree):
    go_sum = (
        "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\n"
        "<<<<<<< HEAD\n"
        "github.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n"
    )
    result = read_text(write_tree, SMALL, extra={"go.sum": go_sum})
    assert by_key(result)["pkg:golang/github.com/google/uuid@v1.6.0"].integrity.startswith("h1:NIva")
    (problem,) = result.problems
    assert problem.location == Location("go.sum", 2)


@pytest.mark.parametrize("name", ["go.mod", MODULES])
@pytest.mark.parametrize(
    "content",
    ["", "\n", "random words here\n", "{\"module\": 1}", "module\n", "# \n", "## explicit\n", "\x00\x01"],
)
def test_garbage_is_exactly_one_problem(write_tree, name, content):
    result = read_text(write_tree, content, name)
    assert result.components == ()
    assert len(result.problems) == 1
    assert result.problems[0].location.path == name


def test_modules_txt_cut_off_mid_line_is_one_problem(write_tree):
    text = "# github.com/google/uuid v1.6.0\n## explicit\ngithub.com/google/uu"
    result = read_text(write_tree, text, MODULES)
    (problem,) = result.problems
    assert problem.location == Location(MODULES, 3)
    assert "truncated" in problem.message
    assert [c.key for c in result.components] == ["pkg:golang/github.com/google/uuid@v1.6.0"]


def test_vendor_directory_that_does_not_match_go_mod_is_reported(write_tree):
    text = "# github.com/google/uuid v1.5.0\n## explicit\ngithub.com/google/uuid\n"
    result = read_text(write_tree, text, MODULES, {"go.mod": SMALL})
    (problem,) = result.problems
    assert problem.location == Location(MODULES)
    assert problem.message.startswith(
        "does not match go.mod (2 requirement(s) of go.mod not listed, e.g. github.com/google/uuid v1.6.0; "
        "1 listed but not required by go.mod, e.g. github.com/google/uuid v1.5.0)"
    )


def test_consistent_vendor_directory_is_not_reported(write_tree):
    text = (
        "# github.com/google/uuid v1.6.0\n## explicit\ngithub.com/google/uuid\n"
        "# golang.org/x/text v0.15.0\n## explicit; go 1.18\ngolang.org/x/text/unicode/norm\n"
    )
    assert read_text(write_tree, text, MODULES, {"go.mod": SMALL}).problems == ()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("require github.com/google/uuid v1.6", "version 'v1.6' is not a canonical semantic version (v1.2.3)"),
        ("exclude golang.org/x/net v0.24.", "version 'v0.24.' is not a canonical semantic version (v1.2.3)"),
        (
            "replace golang.org/x/text => golang.org/x/text latest",
            "version 'latest' is not a canonical semantic version (v1.2.3)",
        ),
        ("go 1.22.", "invalid go version '1.22.': must match 1.23 or 1.23.4"),
    ],
)
def test_invalid_versions_are_one_problem_as_for_the_go_command(write_tree, line, message):
    result = read_text(write_tree, SMALL + line + "\n")
    assert result.components == ()
    assert result.problems == (InputProblem(Location("go.mod", 7), message, "go-modules"),)
