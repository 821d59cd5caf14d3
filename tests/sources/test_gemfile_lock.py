"""GemfileLockSource: Gemfile.lock as Bundler 2.5 writes it, read without running Ruby or Bundler."""

from __future__ import annotations

import pytest

from osi_check.facts import InputProblem, Location, Role, Scope
from osi_check.resolve import merge_components
from osi_check.sources.gemfile_lock import NO_GROUPS_NOTE, NO_LICENSE_NOTE, GemfileLockSource
from osi_check.sources.gemspec import GemspecSource
from osi_check.tree import Tree, TreeFile

SOURCE = GemfileLockSource()
LOCK = "Gemfile.lock"
APP, DEP = Role.APPLICATION, Role.DEPENDENCY

# Every gem of the crm-rails lockfile in file order: name, version, role, root, direct, line, dependencies.
EXPECTED = [
    ("ransack", "4.1.1", DEP, None, True, 6, ("activerecord", "activesupport", "i18n")),
    ("crm_billing", "0.3.0", APP, "engines/crm_billing", True, 14, ("activerecord", "money")),
    ("sidekiq-pro", "7.2.0", DEP, None, True, 21, ("sidekiq",)),
    ("activemodel", "7.1.3.4", DEP, None, False, 27, ("activesupport",)),
    ("activerecord", "7.1.3.4", DEP, None, True, 29, ("activemodel", "activesupport", "timeout")),
    (
        "activesupport", "7.1.3.4", DEP, None, False, 33,
        ("base64", "bigdecimal", "concurrent-ruby", "connection_pool", "drb", "i18n", "minitest", "mutex_m", "tzinfo"),
    ),
    ("base64", "0.2.0", DEP, None, False, 43, ()),
    ("bigdecimal", "3.1.8", DEP, None, False, 44, ()),
    ("concurrent-ruby", "1.3.1", DEP, None, False, 45, ()),
    ("connection_pool", "2.4.1", DEP, None, False, 46, ()),
    ("drb", "2.2.1", DEP, None, False, 47, ()),
    ("i18n", "1.14.5", DEP, None, False, 48, ("concurrent-ruby",)),
    ("minitest", "5.23.1", DEP, None, False, 50, ()),
    ("money", "6.19.0", DEP, None, False, 51, ("i18n",)),
    ("mutex_m", "0.2.0", DEP, None, False, 53, ()),
    ("nio4r", "2.7.3", DEP, None, False, 54, ()),
    ("nokogiri", "1.16.5", DEP, None, True, 55, ("racc",)),
    ("pg", "1.5.6", DEP, None, True, 59, ()),
    ("puma", "6.4.2", DEP, None, True, 60, ("nio4r",)),
    ("racc", "1.8.0", DEP, None, False, 62, ()),
    ("rack", "3.0.11", DEP, None, False, 63, ()),
    ("redis-client", "0.22.2", DEP, None, False, 64, ("connection_pool",)),
    ("sidekiq", "7.2.4", DEP, None, False, 66, ("concurrent-ruby", "connection_pool", "rack", "redis-client")),
    ("timeout", "0.4.1", DEP, None, False, 71, ()),
    ("tzinfo", "2.0.6", DEP, None, False, 72, ("concurrent-ruby",)),
]

# A minimal lockfile as Bundler 2.5 writes it, for the edge cases below.
SMALL = """\
GEM
  remote: https://rubygems.org/
  specs:
    rack (3.0.11)

PLATFORMS
  ruby

DEPENDENCIES
  rack

CHECKSUMS
  rack (3.0.11) sha256=3ea5bf27d4c8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2

BUNDLED WITH
   2.5.10
"""


@pytest.fixture
def crm_rails(fixtures):
    return fixtures / "gem" / "crm-rails"


@pytest.fixture
def lock(read_file, crm_rails):
    return read_file(SOURCE, crm_rails, LOCK)


def read_text(write_tree, text: str, name: str = LOCK):
    root = write_tree({name: text})
    return SOURCE.read(Tree(root), TreeFile(name, len(text)))


def by_name(result):
    return {c.name: c for c in result.components}


def test_name_and_examples():
    assert SOURCE.name == "bundler"
    assert all(SOURCE.handles(TreeFile(path, 1)) for path in SOURCE.examples)


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("Gemfile.lock", True),
        ("gems.locked", True),
        ("services/api/Gemfile.lock", True),
        ("Gemfile", False),
        ("vendor/bundle/ruby/3.3.0/gems/money-6.19.0/Gemfile.lock", False),
        ("vendor/gems/forked/Gemfile.lock", False),
        ("lib/ruby/gems/3.3.0/gems/rack-3.0.11/Gemfile.lock", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_every_gem_in_file_order(lock):
    assert lock.problems == ()
    actual = [
        (c.name, c.version, c.role, c.root, c.direct, c.location.line, c.dependencies) for c in lock.components
    ]
    assert actual == EXPECTED
    assert all(c.location.path == LOCK for c in lock.components)


def test_keys_are_plain_gem_purls_and_everything_is_runtime(lock):
    for component in lock.components:
        assert component.key == f"pkg:gem/{component.name}@{component.version}"
        assert component.ecosystem == "gem"
        assert component.scope is Scope.RUNTIME
        assert NO_GROUPS_NOTE in component.license.notes


def test_the_lockfile_records_no_license(lock):
    for component in lock.components:
        assert component.license.expression is None
        assert component.license.evidence == ()
        assert NO_LICENSE_NOTE in component.license.notes


def test_checksums_become_integrity(lock):
    gems = by_name(lock)
    assert gems["pg"].integrity == "sha256=4bc3ad2438825eea68457373555e3fd4ea1a82027b8a6be98ef57c0d57292b1c"
    assert gems["tzinfo"].integrity == "sha256=8daf828cc77bcf7d63b0e3bdb6caa47e2272dcfaf4fbfe46f8c3a9df087a829b"
    # path and git gems have no checksum line value
    assert gems["crm_billing"].integrity is None
    assert gems["ransack"].integrity is None


def test_platform_builds_are_one_component(lock):
    nokogiri = [c for c in lock.components if c.name == "nokogiri"]
    assert len(nokogiri) == 1
    (gem,) = nokogiri
    assert gem.key == gem.purl == "pkg:gem/nokogiri@1.16.5"
    assert gem.location == Location(LOCK, 55)  # the first platform build's line
    assert "platform builds locked: arm64-darwin, x86_64-linux" in gem.license.notes
    assert gem.integrity is None  # two builds, two checksums: neither is "the" hash
    assert any("own checksum" in note for note in gem.license.notes)


def test_git_gem_has_vcs_url_in_purl_but_not_in_key(lock):
    ransack = by_name(lock)["ransack"]
    assert ransack.key == "pkg:gem/ransack@4.1.1"
    assert ransack.purl == (
        "pkg:gem/ransack@4.1.1?vcs_url=git%2Bhttps://github.com/acme-crm/ransack.git"
        "%408f2b5c1e0d9a4b7c6e3f2a1d0c9b8a7f6e5d4c3b"
    )
    assert (
        "git source: https://github.com/acme-crm/ransack.git at revision "
        "8f2b5c1e0d9a4b7c6e3f2a1d0c9b8a7f6e5d4c3b (branch crm-fixes)"
    ) in ransack.license.notes


def test_path_gem_is_the_projects_own_engine(lock):
    engine = by_name(lock)["crm_billing"]
    assert (engine.role, engine.root, engine.direct) == (APP, "engines/crm_billing", True)
    assert "local path gem: engines/crm_billing" in engine.license.notes


def test_private_gem_server_is_noted(lock):
    pro = by_name(lock)["sidekiq-pro"]
    assert "gem server: https://gems.contribsys.com/" in pro.license.notes
    assert not any(note.startswith("gem server") for note in by_name(lock)["sidekiq"].license.notes)


def test_installed_gemspec_merges_with_the_lock_entry_by_key(read_file, crm_rails):
    """The lockfile knows the gem, the installed gemspec knows its license: one component with both."""
    lock = read_file(SOURCE, crm_rails, LOCK)
    installed = "vendor/bundle/ruby/3.3.0/specifications/nokogiri-1.16.5-x86_64-linux.gemspec"
    spec = read_file(GemspecSource(), crm_rails, installed)
    engine = read_file(GemspecSource(), crm_rails, "engines/crm_billing/crm_billing.gemspec")
    merged = {c.key: c for c in merge_components([*lock.components, *spec.components, *engine.components])}
    assert len(merged) == len(lock.components)
    nokogiri = merged["pkg:gem/nokogiri@1.16.5"]
    assert nokogiri.license.expression == "MIT"
    assert nokogiri.root == "vendor/bundle/ruby/3.3.0/gems/nokogiri-1.16.5-x86_64-linux"
    assert nokogiri.direct is True
    billing = merged["pkg:gem/crm_billing@0.3.0"]
    assert (billing.role, billing.root, billing.license.expression) == (APP, "engines/crm_billing", "AGPL-3.0-or-later")


def test_path_source_at_the_lockfile_directory_is_the_application(write_tree):
    text = SMALL.replace(
        "GEM\n", "PATH\n  remote: .\n  specs:\n    crm_connector (2.1.0)\n      rack (>= 2.2)\n\nGEM\n", 1
    ).replace("DEPENDENCIES\n", "DEPENDENCIES\n  crm_connector!\n")
    result = read_text(write_tree, text, "connector/Gemfile.lock")
    assert result.problems == ()
    connector = by_name(result)["crm_connector"]
    assert (connector.role, connector.root, connector.direct) == (APP, "connector", True)
    assert connector.dependencies == ("rack",)


def test_path_source_outside_the_tree_has_no_root(write_tree):
    text = SMALL.replace("GEM\n", "PATH\n  remote: ../shared/crm_auth\n  specs:\n    crm_auth (1.0.0)\n\nGEM\n", 1)
    auth = by_name(read_text(write_tree, text))["crm_auth"]
    assert (auth.role, auth.root) == (DEP, None)
    assert "local path gem: ../shared/crm_auth (outside the scanned tree)" in auth.license.notes


def test_vendored_path_gem_is_a_dependency(write_tree):
    path_source = "PATH\n  remote: vendor/gems/acts_as_list\n  specs:\n    acts_as_list (1.1.0)\n\nGEM\n"
    text = SMALL.replace("GEM\n", path_source, 1)
    gem = by_name(read_text(write_tree, text))["acts_as_list"]
    assert (gem.role, gem.root) == (DEP, "vendor/gems/acts_as_list")


def test_pinned_dependency_with_constraint_is_direct(write_tree):
    text = SMALL.replace("DEPENDENCIES\n  rack\n", "DEPENDENCIES\n  rack (~> 3.0)!\n")
    assert by_name(read_text(write_tree, text))["rack"].direct is True


def test_without_dependencies_section_directness_is_unknown(write_tree):
    text = SMALL.replace("DEPENDENCIES\n  rack\n\n", "")
    result = read_text(write_tree, text)
    assert result.problems == ()
    assert by_name(result)["rack"].direct is None


def test_unknown_sections_are_skipped_as_bundler_does(write_tree):
    text = SMALL.replace("PLATFORMS\n", "PLUGIN SOURCE\n  remote: https://plugins.example/\n  type: acme\n  specs:\n"
                         "    acme-plugin (0.1.0)\n\nFUTURE SECTION\n  anything: here\n    at all\n\nPLATFORMS\n")
    result = read_text(write_tree, text)
    assert result.problems == ()
    assert [c.name for c in result.components] == ["rack", "acme-plugin"]
    assert "plugin source (acme): https://plugins.example/" in by_name(result)["acme-plugin"].license.notes


def test_crlf_line_endings(write_tree):
    result = read_text(write_tree, SMALL.replace("\n", "\r\n"))
    assert result.problems == ()
    (rack,) = result.components
    assert (rack.name, rack.version, rack.location.line) == ("rack", "3.0.11", 4)
    assert rack.integrity.startswith("sha256=3ea5bf27")


def test_a_bad_entry_costs_only_that_entry(write_tree):
    text = SMALL.replace("    rack (3.0.11)\n", "    rack (3.0.11)\n    broken entry without version\n    pg (1.5.6)\n")
    result = read_text(write_tree, text)
    assert [c.name for c in result.components] == ["rack", "pg"]
    assert result.problems == (
        InputProblem(
            Location(LOCK, 5),
            "line is not a valid GEM source line ('broken entry without version'); it was skipped",
            "bundler",
        ),
    )


def test_merge_conflict_is_one_problem(write_tree):
    text = SMALL.replace(
        "    rack (3.0.11)\n", "<<<<<<< HEAD\n    rack (3.0.11)\n=======\n    rack (3.0.10)\n>>>>>>> main\n"
    )
    result = read_text(write_tree, text)
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location(LOCK, 4)
    assert "merge conflict" in problem.message


@pytest.mark.parametrize("cut", [40, 75, 120, len(SMALL) - 20, len(SMALL) - 1])
def test_truncated_lockfile_is_exactly_one_problem(write_tree, cut):
    result = read_text(write_tree, SMALL[:cut])
    assert len(result.problems) == 1
    assert "truncated" in result.problems[0].message or "not a Gemfile.lock" in result.problems[0].message


def test_truncation_inside_a_spec_line_is_not_a_second_problem(write_tree):
    text = SMALL[: SMALL.index("(3.0.11)") + 4]  # "    rack (3.0"
    result = read_text(write_tree, text)
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location(LOCK, 4)
    assert problem.message.startswith("ends before its 'BUNDLED WITH' section is complete")


@pytest.mark.parametrize(
    "content",
    ["", "\n\n", "just some text\nmore text\n", "{\"GEM\": []}", "GEMS\n  specs:\n", "\x89PNG\r\n\x1a\n garbage"],
)
def test_garbage_is_exactly_one_problem(write_tree, content):
    result = read_text(write_tree, content)
    assert result.components == ()
    assert len(result.problems) == 1
    assert result.problems[0].location.path == LOCK


def test_binary_file_is_one_problem(tmp_path):
    (tmp_path / LOCK).write_bytes(b"GEM\n\x00\x01\x02")
    result = SOURCE.read(Tree(tmp_path), TreeFile(LOCK, 7))
    (problem,) = result.problems
    assert "binary" in problem.message
