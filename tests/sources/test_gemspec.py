"""GemspecSource: *.gemspec files read as text, never run as Ruby."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.gemspec import AND_NOTE, NO_LICENSE_NOTE, GemspecSource
from osi_check.tree import Tree, TreeFile

SOURCE = GemspecSource()
SPECS = "vendor/bundle/ruby/3.3.0/specifications"
GEMS = "vendor/bundle/ruby/3.3.0/gems"
APP, DEP = Role.APPLICATION, Role.DEPENDENCY


@pytest.fixture
def gem_fixtures(fixtures):
    return fixtures / "gem"


@pytest.fixture
def crm_rails(gem_fixtures):
    return gem_fixtures / "crm-rails"


def only(result):
    assert result.problems == ()
    (component,) = result.components
    return component


def read_text(write_tree, text: str, name: str = "crm_widget.gemspec", extra: dict | None = None):
    root = write_tree({name: text, **(extra or {})})
    return SOURCE.read(Tree(root), TreeFile(name, len(text)))


def test_name_and_examples():
    assert SOURCE.name == "gemspec"
    assert all(SOURCE.handles(TreeFile(path, 1)) for path in SOURCE.examples)


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("crm.gemspec", True),
        ("engines/x/x.gemspec", True),
        (f"{SPECS}/rack-3.0.11.gemspec", True),
        (f"{GEMS}/rack-3.0.11/rack.gemspec", True),
        (f"{GEMS}/bundler-2.5.10/spec/fixtures/broken.gemspec", False),  # a fixture inside an installed gem
        ("vendor/bundle/ruby/3.3.0/bundler/gems/rails-8f2b5c1e0d9a/activesupport/activesupport.gemspec", True),
        (".gemspec", False),
        ("crm.gemspec.orig", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 1)) is handled


# path, key, role, root, expression, location line, runtime dependencies
INSTALLED = [
    (
        f"{SPECS}/nokogiri-1.16.5-x86_64-linux.gemspec", "pkg:gem/nokogiri@1.16.5", DEP,
        f"{GEMS}/nokogiri-1.16.5-x86_64-linux", "MIT", 19, ("racc",),
    ),
    (
        f"{SPECS}/activesupport-7.1.3.4.gemspec", "pkg:gem/activesupport@7.1.3.4", DEP, f"{GEMS}/activesupport-7.1.3.4",
        "MIT", 16,
        ("i18n", "tzinfo", "concurrent-ruby", "connection_pool", "minitest", "base64", "drb", "mutex_m", "bigdecimal"),
    ),
    (f"{SPECS}/pg-1.5.6.gemspec", "pkg:gem/pg@1.5.6", DEP, f"{GEMS}/pg-1.5.6", "BSD-2-Clause", 18, ()),
    (f"{SPECS}/money-6.19.0.gemspec", "pkg:gem/money@6.19.0", DEP, f"{GEMS}/money-6.19.0", "MIT", 16, ("i18n",)),
    (f"{GEMS}/money-6.19.0/money.gemspec", "pkg:gem/money@6.19.0", DEP, f"{GEMS}/money-6.19.0", "MIT", 15, ("i18n",)),
    (
        "engines/crm_billing/crm_billing.gemspec", "pkg:gem/crm_billing@0.3.0", APP, "engines/crm_billing",
        "AGPL-3.0-or-later", 12, ("activerecord", "money"),
    ),
]


@pytest.mark.parametrize(("path", "key", "role", "root", "expression", "line", "dependencies"), INSTALLED)
def test_gemspecs_of_the_crm_rails_tree(read_file, crm_rails, path, key, role, root, expression, line, dependencies):
    component = only(read_file(SOURCE, crm_rails, path))
    assert (component.key, component.purl, component.ecosystem) == (key, key, "gem")
    assert (component.role, component.scope, component.root) == (role, Scope.RUNTIME, root)
    assert component.license.expression == expression
    assert component.location == Location(path, line)
    (evidence,) = component.license.evidence
    assert evidence.kind is EvidenceKind.DECLARED
    assert evidence.location == Location(path, line)
    assert component.dependencies == dependencies


def test_rubygems_generated_spec_quotes_the_frozen_literal(read_file, crm_rails):
    component = only(read_file(SOURCE, crm_rails, f"{SPECS}/pg-1.5.6.gemspec"))
    (evidence,) = component.license.evidence
    assert evidence.quote == '["BSD-2-Clause".freeze]'
    assert evidence.detail == "pg-1.5.6.gemspec `licenses`"
    assert (component.name, component.version) == ("pg", "1.5.6")


def test_platform_is_noted_not_keyed(read_file, crm_rails):
    component = only(read_file(SOURCE, crm_rails, f"{SPECS}/nokogiri-1.16.5-x86_64-linux.gemspec"))
    assert component.version == "1.16.5"
    assert "platform build: x86_64-linux" in component.license.notes


def test_several_licenses_are_read_as_all_applying_and_not_certain(read_file, crm_rails):
    component = only(read_file(SOURCE, crm_rails, f"{SPECS}/drb-2.2.1.gemspec"))
    assert component.license.expression == "Ruby AND BSD-2-Clause"
    assert component.license.confident is False
    assert AND_NOTE in component.license.notes
    (evidence,) = component.license.evidence
    assert evidence.quote == '["Ruby".freeze, "BSD-2-Clause".freeze]'
    assert "AND" in evidence.detail


def test_development_dependencies_are_left_out(read_file, crm_rails):
    component = only(read_file(SOURCE, crm_rails, f"{GEMS}/money-6.19.0/money.gemspec"))
    assert component.dependencies == ("i18n",)


def test_version_constant_is_read_from_version_rb(read_file, crm_rails):
    component = only(read_file(SOURCE, crm_rails, f"{GEMS}/money-6.19.0/money.gemspec"))
    assert component.version == "6.19.0"
    assert (
        f"version read from {GEMS}/money-6.19.0/lib/money/version.rb (the gemspec says 'Money::VERSION')"
    ) in component.license.notes
    engine = only(read_file(SOURCE, crm_rails, "engines/crm_billing/crm_billing.gemspec"))
    assert engine.version == "0.3.0"


def test_expressions_are_not_evaluated(read_file, gem_fixtures):
    component = only(read_file(SOURCE, gem_fixtures, "dynamic/crm_sync.gemspec"))
    assert (component.key, component.version, component.root) == ("pkg:gem/crm_sync", None, "dynamic")
    # VERSION = [MAJOR, MINOR, PATCH].join(".") in version.rb is not a literal either
    assert "version 'CrmSync::VERSION' is Ruby code, not a literal; osi-check does not evaluate it" in (
        component.license.notes
    )
    assert component.license.expression == "LicenseRef-osi-check-unknown-CrmSync-LICENSE-ID"
    assert component.license.unknown == ("CrmSync::LICENSE_ID",)
    assert component.license.status == "unknown"
    assert component.dependencies == ("faraday", "mail")


def test_hostile_gemspec_is_never_run(read_file, gem_fixtures, tmp_path, monkeypatch):
    root = tmp_path / "tree"
    shutil.copytree(gem_fixtures / "hostile", root)
    monkeypatch.chdir(tmp_path)  # where `touch PWNED` would land if anything ran the file
    component = only(read_file(SOURCE, root, "crm_hostile.gemspec"))
    assert not (tmp_path / "PWNED").exists()
    assert not (root / "PWNED").exists()
    assert (component.name, component.version, component.license.expression) == ("crm_hostile", None, "MIT")
    assert any("`touch PWNED && echo 6.6.6`.strip" in note for note in component.license.notes)


def test_hostile_payload_is_live(gem_fixtures, tmp_path):
    """Control for the test above: the command in the fixture's backticks really creates the file."""
    text = (gem_fixtures / "hostile" / "crm_hostile.gemspec").read_text()
    command = re.search(r"spec\.version = `([^`]+)`", text).group(1)
    subprocess.run(["sh", "-c", command], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "PWNED").exists()


def test_single_quoted_and_percent_literals(write_tree):
    text = """Gem::Specification.new do |gem|
  gem.name     = %q{crm_widget}
  gem.version  = '2.0.1'
  gem.licenses = %w[MIT Apache-2.0]
  gem.add_runtime_dependency %q<rack>, ">= 2"
end
"""
    component = only(read_text(write_tree, text))
    assert (component.name, component.version) == ("crm_widget", "2.0.1")
    assert component.license.expression == "MIT AND Apache-2.0"
    assert component.license.evidence[0].quote == "%w[MIT Apache-2.0]"
    assert component.location.line == 4
    assert component.dependencies == ("rack",)


def test_multi_line_license_array(write_tree):
    text = """Gem::Specification.new do |s|
  s.name = "crm_widget"
  s.version = "1.0.0"
  s.licenses = [
    "GPL-2.0-or-later",  # the library; was "GPL-2.0-only" before 2.0
    "LGPL-2.1-only",     # the bundled C extension
  ]
end
"""
    component = only(read_text(write_tree, text))
    assert component.license.expression == "GPL-2.0-or-later AND LGPL-2.1-only"
    assert component.location.line == 4


def test_last_license_assignment_wins_and_comments_are_ignored(write_tree):
    text = """Gem::Specification.new do |s|
  s.name = "crm_widget"
  # s.license = "GPL-3.0-only"
  s.version = "1.0.0"
  s.license = "MIT"
  s.licenses = ["BSD-3-Clause"]
end
"""
    component = only(read_text(write_tree, text))
    assert component.license.expression == "BSD-3-Clause"
    assert component.location.line == 6


def test_interpolated_string_is_not_a_literal(write_tree):
    text = 'Gem::Specification.new do |s|\n  s.name = "crm_widget"\n  s.version = "#{`touch PWNED`}1.0"\nend\n'
    component = only(read_text(write_tree, text))
    assert component.version is None


def test_no_license_is_said(write_tree):
    text = 'Gem::Specification.new do |s|\n  s.name = "crm_widget"\n  s.version = "1.0"\nend\n'
    component = only(read_text(write_tree, text))
    assert component.license.expression is None
    assert NO_LICENSE_NOTE in component.license.notes
    assert component.location.line == 2


def test_version_file_outside_the_tree_is_not_read(write_tree):
    text = """require_relative "../../outside/version"
Gem::Specification.new do |s|
  s.name = "crm_widget"
  s.version = CrmWidget::VERSION
end
"""
    component = only(read_text(write_tree, text, "crm_widget/crm_widget.gemspec"))
    assert component.version is None


def test_default_gem_specification_has_no_directory(write_tree):
    text = (
        'Gem::Specification.new do |s|\n  s.name = "json".freeze\n  s.version = "2.7.1".freeze\n'
        '  s.licenses = ["Ruby".freeze]\nend\n'
    )
    name = "vendor/bundle/ruby/3.3.0/specifications/default/json-2.7.1.gemspec"
    component = only(read_text(write_tree, text, name))
    assert (component.role, component.root, component.license.expression) == (DEP, None, "Ruby")


def test_bundler_git_checkout_gemspec_is_a_dependency_with_its_directory(write_tree):
    text = 'Gem::Specification.new do |s|\n  s.name = "ransack"\n  s.version = "4.1.1"\n  s.license = "MIT"\nend\n'
    name = "vendor/bundle/ruby/3.3.0/bundler/gems/ransack-8f2b5c1e0d9a/ransack.gemspec"
    component = only(read_text(write_tree, text, name))
    assert (component.role, component.root) == (DEP, "vendor/bundle/ruby/3.3.0/bundler/gems/ransack-8f2b5c1e0d9a")


def test_name_that_is_not_a_literal_is_one_problem(write_tree):
    result = read_text(write_tree, "Gem::Specification.new do |s|\n  s.name = File.basename(__dir__)\nend\n")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location.line == 2
    assert problem.message.startswith("the gem name is not a string literal ('File.basename(__dir__)')")


def test_truncated_gemspec_is_one_problem_and_keeps_what_was_read(write_tree):
    text = 'Gem::Specification.new do |s|\n  s.name = "crm_widget"\n  s.version = "1.0"\n  s.license = "MIT"\n'
    result = read_text(write_tree, text)
    (component,) = result.components
    assert component.license.expression == "MIT"
    (problem,) = result.problems
    assert "truncated" in problem.message


@pytest.mark.parametrize(
    "content",
    ["", "\n", "random words here\n", "[1, 2, 3]", "name = 'x'\n", "\xff\xfe garbage \x01"],
)
def test_garbage_is_exactly_one_problem(write_tree, content):
    result = read_text(write_tree, content)
    assert result.components == ()
    assert len(result.problems) == 1
    assert result.problems[0].location.path == "crm_widget.gemspec"
