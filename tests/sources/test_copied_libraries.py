"""CopiedLibrarySource: front-end libraries copied into the tree, recognised by their banner comments.

The banner knowledge is data (rules/knowledge/library-banners.yaml); every example written there is
checked here, so an analyst who adds a library proves its banner with an example.
"""

from __future__ import annotations

import pytest
import yaml

from osi_check import resources
from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.copied_libraries import CopiedLibrarySource, libraries, recognise
from osi_check.tree import Tree, TreeFile

SOURCE = CopiedLibrarySource()
ROOT_NAME = "crm"


def knowledge():
    return yaml.safe_load(resources.knowledge_file("library-banners.yaml").read_text("utf-8"))["libraries"]


EXAMPLES = [
    pytest.param(entry, example, id=f"{entry['name']}-{example['version']}")
    for entry in knowledge()
    for example in entry["examples"]
]


def test_knowledge_file_loads_and_every_pattern_has_a_version_group():
    loaded = libraries()
    assert len(loaded) == len(knowledge()) >= 20
    names = {library.name for library in loaded}
    for expected in ("jQuery", "jQuery UI", "TinyMCE", "CKEditor 4", "CKEditor 5", "YUI", "Bootstrap", "Moment.js",
                     "Lodash", "Chart.js", "Select2", "DataTables", "Font Awesome", "Handlebars", "Underscore",
                     "Backbone", "AngularJS", "Vue", "React"):
        assert expected in names
    for library in loaded:
        assert library.url.startswith("https://")
        for banner in library.banners:
            assert "version" in banner.pattern.groupindex


@pytest.mark.parametrize(("entry", "example"), EXAMPLES)
def test_every_knowledge_example_is_recognised_as_its_library(entry, example):
    found = recognise(example["text"], example.get("file", "library.js"))
    assert found is not None, f"{entry['name']}: example not recognised"
    assert found.library.name == entry["name"]
    expected_version = example["version"]
    assert found.version == (None if expected_version is None else str(expected_version))
    expression, _, _ = found.library.license_for(found.version)
    assert expression == example.get("license", entry["license"])


def test_a_mention_in_the_projects_own_code_is_not_a_banner():
    text = "/*\n * Acme CRM\n */\n// requires jQuery v3.7.1 or later and Bootstrap v5.3.3\nfunction f() {}\n"
    assert recognise(text, "app.js") is None


def test_extensions_and_plugins_are_not_taken_for_the_library():
    assert recognise("/*! Buttons for DataTables 2.4.2\n * ©2016-2023 SpryMedia Ltd */", "x.js") is None
    assert recognise("/*!\n * Datepicker for Bootstrap v1.10.0 (https://github.com/uxsolutions)\n */", "x.js") is None
    assert recognise("/*!\n * jQuery UI Dialog 1.13.2\n * http://jqueryui.com\n */", "dialog.js") is None
    assert recognise("//! moment-timezone.js\n//! version : 0.5.45\n", "x.js") is None


def test_file_restricted_patterns_need_their_file_name():
    text = "// 4.9.11 (2020-07-13)\n!function(){}();"
    assert recognise(text, "tinymce.min.js").library.name == "TinyMCE"
    assert recognise(text, "changelog.js") is None


def test_version_ranges_pick_the_license_of_that_release():
    (ckeditor,) = [lib for lib in libraries() if lib.name == "CKEditor 4"]
    assert ckeditor.license_for("4.22.1")[0] == "GPL-2.0-or-later OR LGPL-2.1-or-later OR MPL-1.1"
    assert ckeditor.license_for("4.23.0-lts")[0] == "LicenseRef-osi-check-proprietary"
    (react,) = [lib for lib in libraries() if lib.name == "React"]
    assert react.license_for("0.11.2")[0] == "Apache-2.0"
    assert react.license_for("15.6.1")[0] == "BSD-3-Clause"
    assert react.license_for("15.6.2")[0] == "MIT"
    expression, notes, confident = react.license_for(None)
    assert (expression, confident) == ("MIT", False)
    assert "the banner gives no version" in notes[-1]


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("public/js/jquery.min.js", True),
        ("themes/css/font-awesome.min.css", True),
        ("jquery.js", True),
        ("web/node_modules/jquery/dist/jquery.min.js", False),
        ("bower_components/jquery/dist/jquery.js", False),
        ("vendor/acme/widgets/js/jquery.min.js", False),
        ("public/js/jquery.min.js.map", False),
        ("public/js/vendor.json", False),
        ("src/vendors/jquery.js", True),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


@pytest.fixture
def tree(fixtures):
    return Tree(fixtures / "copied" / ROOT_NAME)


def read_all(tree):
    out = []
    for file in tree.walk():
        if SOURCE.handles(file):
            result = SOURCE.read(tree, file)
            assert result.problems == ()
            out.extend(result.components)
    return out


def test_fixture_tree_copies_in_walk_order(tree):
    found = [(c.key, c.name, c.version, c.license.expression, c.location.line) for c in read_all(tree)]
    assert found == [
        (
            "pkg:npm/jquery@3.7.1#include/javascript/jquery/jquery-3.7.1.min.js", "jquery", "3.7.1", "MIT", 1,
        ),
        (
            "pkg:npm/react-dom#include/javascript/react/react-dom.production.min.js", "react-dom", None, "MIT", 2,
        ),
        ("pkg:npm/tinymce@6.8.4#include/javascript/tinymce/tinymce.min.js", "tinymce", "6.8.4", "MIT", 2),
        ("pkg:npm/jquery@1.7.2#modules/Calendar/js/jquery.js", "jquery", "1.7.2", "MIT OR GPL-2.0-only", 2),
        (
            "pkg:npm/ckeditor4@4.22.1#public/js/ckeditor/ckeditor.js", "ckeditor4", "4.22.1",
            "GPL-2.0-or-later OR LGPL-2.1-or-later OR MPL-1.1", 2,
        ),
        ("pkg:npm/yui@3.18.1#public/legacy/yui/yui-min.js", "yui", "3.18.1", "BSD-3-Clause", 2),
        ("pkg:npm/font-awesome@4.7.0#themes/SuiteP/css/font-awesome.min.css", "font-awesome", "4.7.0",
         "OFL-1.1 AND MIT", 2),
    ]


def test_component_shape_and_evidence(tree):
    jquery = read_all(tree)[0]
    assert jquery.ecosystem == "copied"
    assert jquery.role is Role.DEPENDENCY
    assert jquery.scope is Scope.RUNTIME
    assert jquery.root is None
    assert jquery.purl == "pkg:npm/jquery@3.7.1"
    assert jquery.location == Location("include/javascript/jquery/jquery-3.7.1.min.js", 1)
    (evidence,) = jquery.license.evidence
    assert evidence.kind is EvidenceKind.DECLARED
    assert evidence.detail == "banner comment of jQuery"
    assert evidence.quote == "/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors | jquery.org/license */"
    assert any("https://jquery.org/license/" in note for note in jquery.license.notes)


def test_old_release_says_why_its_license_differs(tree):
    old = [c for c in read_all(tree) if c.version == "1.7.2"][0]
    assert old.license.evidence[0].quote == "* jQuery JavaScript Library v1.7.2"
    assert "jQuery before 1.8 was 'dual licensed under the MIT or GPL Version 2 licenses'" in old.license.notes


def test_ckeditor_plugin_files_are_not_each_a_component(tree):
    assert not [c for c in read_all(tree) if c.location.path.endswith("plugin.js")]


def test_only_the_head_is_looked_at(write_tree):
    body = "x" * 5000
    root = write_tree({"late.js": f"var a = 1;\n/*{body}*/\n/*! jQuery v3.7.1 | (c) OpenJS Foundation */\n"})
    tree = Tree(root)
    assert SOURCE.read(tree, TreeFile("late.js", (root / "late.js").stat().st_size)).components == ()


def test_same_library_twice_gives_two_components(write_tree):
    banner = "/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors | jquery.org/license */\n"
    root = write_tree({"a/jquery.min.js": banner, "b/jquery.min.js": banner})
    tree = Tree(root)
    keys = [c.key for f in tree.walk() for c in SOURCE.read(tree, f).components]
    assert keys == ["pkg:npm/jquery@3.7.1#a/jquery.min.js", "pkg:npm/jquery@3.7.1#b/jquery.min.js"]


@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02binary", "\u00e9\u00e8 caf\u00e9".encode("latin-1"), b"/*! jQuery v"]
)
def test_odd_content_gives_nothing_and_no_problem(write_tree, content):
    root = write_tree({"odd.js": content})
    result = SOURCE.read(Tree(root), TreeFile("odd.js", len(content)))
    assert result.components == () and result.problems == ()
