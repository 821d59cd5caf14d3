"""SpdxTagDetector: SPDX-License-Identifier tags in source files."""

from __future__ import annotations

from pathlib import Path

import pytest

from osi_check.detect.spdx_tags import SpdxTagDetector
from osi_check.facts import EvidenceKind, Location, SourceResult
from osi_check.tree import Tree, TreeFile

DETECTOR = SpdxTagDetector()
TREE = Path(__file__).resolve().parent.parent / "fixtures" / "detect" / "spdx-tree"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def read(root: Path, rel: str) -> SourceResult:
    tree = Tree(root)
    file = TreeFile(rel, (tree.root / rel).stat().st_size)
    assert DETECTOR.handles(file), f"{rel} is not handled"
    return DETECTOR.read(tree, file)


def scan(root: Path) -> dict[str, SourceResult]:
    tree = Tree(root)
    return {f.path: DETECTOR.read(tree, f) for f in tree.walk() if DETECTOR.handles(f)}


def only_file(result: SourceResult):
    assert result.problems == () and result.components == ()
    (file_license,) = result.files
    return file_license


# --------------------------------------------------------------------------------------------------
# the fixture tree


def test_fixture_tree_tags():
    found = {path: r.files[0].license for path, r in scan(TREE).items() if r.files}
    assert {path: c.expression for path, c in found.items()} == {
        "src/Controller.php": "AGPL-3.0-or-later",
        "public/js/app.js": "MIT",
        "tools/build.py": "GPL-2.0-only OR MIT",
        "templates/base.html.twig": "LicenseRef-osi-check-unknown-Acme-Proprietary-1.0",
        "templates/mail.html": "CC-BY-4.0",
    }


def test_php_line_comment(tmp_path):
    fl = only_file(read(TREE, "src/Controller.php"))
    assert fl.path == "src/Controller.php"
    assert fl.component_key == ""
    conclusion = fl.license
    assert conclusion.expression == "AGPL-3.0-or-later"
    assert conclusion.unknown == ()
    (evidence,) = conclusion.evidence
    assert evidence.kind is EvidenceKind.SPDX_TAG
    assert evidence.location == Location("src/Controller.php", 2)
    assert evidence.quote == "// SPDX-License-Identifier: AGPL-3.0-or-later"
    assert evidence.detail == "SPDX-License-Identifier tag"


def test_js_block_comment_closer_is_stripped():
    conclusion = only_file(read(TREE, "public/js/app.js")).license
    assert conclusion.expression == "MIT"
    assert conclusion.evidence[0].location == Location("public/js/app.js", 1)
    assert conclusion.evidence[0].quote == "/* SPDX-License-Identifier: MIT */"


def test_python_hash_comment_with_a_choice():
    conclusion = only_file(read(TREE, "tools/build.py")).license
    assert conclusion.expression == "GPL-2.0-only OR MIT"
    assert conclusion.evidence[0].location.line == 4


def test_unknown_id_is_listed_with_its_raw_string():
    conclusion = only_file(read(TREE, "templates/base.html.twig")).license
    assert conclusion.expression == "LicenseRef-osi-check-unknown-Acme-Proprietary-1.0"
    assert conclusion.unknown == ("Acme-Proprietary-1.0",)
    assert conclusion.status == "unknown"
    assert conclusion.evidence[0].quote == "{# SPDX-License-Identifier: Acme-Proprietary-1.0 #}"


def test_html_comment_closer_is_stripped():
    conclusion = only_file(read(TREE, "templates/mail.html")).license
    assert conclusion.expression == "CC-BY-4.0"
    assert conclusion.evidence[0].location.line == 2


def test_vendor_and_node_modules_are_ignored():
    scanned = scan(TREE)
    assert not any(p.startswith(("vendor/", "node_modules/")) for p in scanned)
    assert not DETECTOR.handles(TreeFile("modules/x/vendor/lib.php", 10))
    assert not DETECTOR.handles(TreeFile("web/bower_components/jquery/jquery.js", 10))
    assert DETECTOR.handles(TreeFile("src/vendor.php", 10))  # a file named vendor is fine


def test_a_placeholder_in_documentation_is_not_a_tag():
    assert scan(TREE)["docs/CONTRIBUTING.md"] == SourceResult()


@pytest.mark.parametrize(
    "path,handled",
    [("src/a.php", True), ("a.mjs", True), ("b.tsx", True), ("c.vue", True), ("d.twig", True), ("e.yaml", True),
     ("Makefile", True), ("bin/console", True), ("README.md", True), ("package.json", False), ("logo.png", False),
     ("LICENSE", False), ("COPYING.txt", False), ("LICENSE-MIT.md", False), (".env", False), ("x.min.map", False)],
)
def test_handles(path, handled):
    assert DETECTOR.handles(TreeFile(path, 100)) is handled


def test_big_files_are_not_handled():
    assert not DETECTOR.handles(TreeFile("big.js", 2 * 1024 * 1024 + 1))


# --------------------------------------------------------------------------------------------------
# odd input


def test_several_tags_in_one_file_are_combined_with_and(tmp_path):
    root = write(tmp_path, {"lib/mixed.php": (
        "<?php\n"
        "// SPDX-License-Identifier: MIT\n"
        "function a() {}\n"
        "/*\n"
        " * Code below copied from another project.\n"
        " * SPDX-License-Identifier: LGPL-2.1-or-later\n"
        " */\n"
        "function b() {}\n"
    )})
    conclusion = only_file(read(root, "lib/mixed.php")).license
    assert conclusion.expression == "MIT AND LGPL-2.1-or-later"
    assert [e.location.line for e in conclusion.evidence] == [2, 6]
    assert conclusion.evidence[1].quote == "* SPDX-License-Identifier: LGPL-2.1-or-later"
    assert any("combined with AND" in n for n in conclusion.notes)


def test_repeated_identical_tag_is_one_license(tmp_path):
    root = write(tmp_path, {"a.js": "// SPDX-License-Identifier: MIT\n\n// SPDX-License-Identifier: MIT\n"})
    conclusion = only_file(read(root, "a.js")).license
    assert conclusion.expression == "MIT"
    assert len(conclusion.evidence) == 2


def test_file_without_tag_gives_nothing(tmp_path):
    root = write(tmp_path, {"a.php": "<?php\necho 'SPDX is nice';\n"})
    assert read(root, "a.php") == SourceResult()


def test_binary_file_with_a_source_extension_is_empty_not_partial(tmp_path):
    root = write(tmp_path, {"weird.js": b"\x00\x01SPDX-License-Identifier: MIT\x00"})
    assert read(root, "weird.js") == SourceResult()


def test_latin1_file(tmp_path):
    content = "<?php\n// Auteur : Hélène\n// SPDX-License-Identifier: GPL-3.0-only\n".encode("latin-1")
    root = write(tmp_path, {"legacy.php": content})
    conclusion = only_file(read(root, "legacy.php")).license
    assert conclusion.expression == "GPL-3.0-only"
    assert conclusion.evidence[0].location.line == 3


def test_crlf_line_endings_and_deprecated_ids(tmp_path):
    root = write(tmp_path, {"a.sql": b"-- header\r\n-- SPDX-License-Identifier: GPL-2.0+\r\nSELECT 1;\r\n"})
    conclusion = only_file(read(root, "a.sql")).license
    assert conclusion.expression.startswith("GPL-2.0")
    assert conclusion.evidence[0].location.line == 2
    assert conclusion.evidence[0].quote == "-- SPDX-License-Identifier: GPL-2.0+"


def test_malformed_expression_is_unknown_with_raw_string(tmp_path):
    root = write(tmp_path, {"a.py": "# SPDX-License-Identifier: MIT OR\n"})
    conclusion = only_file(read(root, "a.py")).license
    assert conclusion.unknown == ("MIT OR",)
    assert conclusion.expression.startswith("LicenseRef-osi-check-unknown-")


def test_unreadable_file_is_a_problem(tmp_path):
    tree = Tree(tmp_path)
    result = DETECTOR.read(tree, TreeFile("missing.php", 10))
    (problem,) = result.problems
    assert problem.reader == "spdx-tag" and problem.location.path == "missing.php"


def test_long_quote_is_capped(tmp_path):
    root = write(tmp_path, {"a.js": "/* SPDX-License-Identifier: MIT */ " + "x" * 500 + "\n"})
    conclusion = only_file(read(root, "a.js")).license
    assert conclusion.expression == "MIT"
    assert len(conclusion.evidence[0].quote) <= 200


@pytest.mark.parametrize(
    "line,expression,unknown",
    [
        ("# SPDX-License-Identifier: MIT  # noqa: E501", "MIT", ()),
        ("<?php /* SPDX-License-Identifier: MIT */ namespace App; ?>", "MIT", ()),
        ("<!-- SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception -->", "Apache-2.0 WITH LLVM-exception", ()),
        ("# SPDX-License-Identifier: (MIT OR Apache-2.0)", "MIT OR Apache-2.0", ()),
        ("| SPDX-License-Identifier: MPL-2.0 | header |", "MPL-2.0", ()),
        ("define('TAG', 'SPDX-License-Identifier: ISC');", "ISC", ()),
        ("// SPDX-License-Identifier: GPL-2.0/MIT", "GPL-2.0-only OR MIT", ()),  # "A/B": a choice, unsure
        ("// SPDX-License-Identifier: LICENSE_ID", "LicenseRef-osi-check-unknown-LICENSE-ID", ("LICENSE_ID",)),
    ],
)
def test_tag_values_end_where_the_expression_ends(tmp_path, line, expression, unknown):
    root = write(tmp_path, {"a.php": line + "\n"})
    conclusion = only_file(read(root, "a.php")).license
    assert conclusion.expression == expression
    assert conclusion.unknown == unknown


@pytest.mark.parametrize("line", ["SPDX-License-Identifier: <SPDX-ID>", "// SPDX-License-Identifier: $LICENSE",
                                  "{# SPDX-License-Identifier: {{ license }} #}", "SPDX-License-Identifier:"])
def test_placeholders_are_not_tags(tmp_path, line):
    root = write(tmp_path, {"a.twig": line + "\n"})
    assert read(root, "a.twig") == SourceResult()
