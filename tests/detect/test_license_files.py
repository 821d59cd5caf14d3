"""LicenseFileDetector: the application's LICENSE/COPYING files at the root of the tree.

License texts come from the installed licensedcode-data package, never from copies in this repo.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from osi_check import licensing
from osi_check.detect.license_files import NO_LATER_NOTE, LicenseFileDetector, is_license_file_name
from osi_check.detect.reference_texts import load
from osi_check.facts import EvidenceKind, Location, Role, Scope, SourceResult
from osi_check.tree import Tree, TreeFile

DETECTOR = LicenseFileDetector()
RIDER_REF = "LicenseRef-osi-check-unknown-additional-terms-in-"


def text(key: str) -> str:
    return load(key).text


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


def read_one(tmp_path: Path, name: str, content: str | bytes):
    result = read(write(tmp_path, {name: content}), name)
    assert result.problems == ()
    assert len(result.components) == 1
    return result.components[0]


def mit_file() -> str:
    return "MIT License\n\nCopyright (c) 2024 Acme CRM contributors\n\n" + text("mit").strip() + "\n"


# --------------------------------------------------------------------------------------------------
# which files


@pytest.mark.parametrize(
    "path",
    ["LICENSE", "LICENSE.txt", "LICENSE.md", "license.rst", "LICENCE", "COPYING", "COPYING.LESSER",
     "COPYRIGHT", "UNLICENSE", "LICENSE-MIT", "LICENSE.AGPL", "LICENSE_APACHE.md", "Licence.html"],
)
def test_handles_license_files_at_the_root(path):
    assert DETECTOR.handles(TreeFile(path, 100))


@pytest.mark.parametrize(
    "path",
    ["docs/LICENSE", "vendor/acme/lib/LICENSE", "NOTICE", "README.md", "License.php", "license.json",
     "LICENSE-THIRD-PARTY.txt", "LICENSES", "licenses.txt", "src/LICENSE.txt", "MY-LICENSE"],
)
def test_does_not_handle_other_files(path):
    assert not DETECTOR.handles(TreeFile(path, 100))


def test_name_matcher_is_shared_with_the_tag_detector():
    assert is_license_file_name("COPYING.LESSER")
    assert not is_license_file_name("LicenseController.php")


def test_handles_the_files_of_a_real_tree(tmp_path):
    root = write(tmp_path, {"LICENSE.txt": "x", "COPYING": "x", "LICENSE.md": "x", "docs/LICENSE": "x", "NOTICE": "x"})
    handled = [f.path for f in Tree(root).walk() if DETECTOR.handles(f)]
    assert handled == ["COPYING", "LICENSE.md", "LICENSE.txt"]


# --------------------------------------------------------------------------------------------------
# what they say


def test_mit_file_is_the_application_under_mit(tmp_path):
    component = read_one(tmp_path, "LICENSE", mit_file())
    assert component.key == "application:."
    assert component.name == "."
    assert component.version is None
    assert component.ecosystem == "application"
    assert component.role is Role.APPLICATION
    assert component.scope is Scope.RUNTIME
    assert component.root == "."
    assert component.location == Location("LICENSE", 5, 22)
    conclusion = component.license
    assert conclusion.expression == "MIT"
    assert conclusion.status == "known" and conclusion.unknown == ()
    (evidence,) = conclusion.evidence
    assert evidence.kind is EvidenceKind.LICENSE_TEXT
    assert evidence.location == Location("LICENSE", 5, 22)
    assert evidence.quote.startswith("Permission is hereby granted")
    assert len(evidence.quote) <= 120
    assert evidence.detail == "100% of the MIT text, exact"


def test_gpl3_with_or_later_notice_has_notice_evidence(tmp_path):
    notice = (
        "Acme CRM is free software: you can redistribute it and/or modify it under the terms of the GNU\n"
        "General Public License as published by the Free Software Foundation, either version 3 of the\n"
        "License, or (at your option) any later version.\n\n"
    )
    component = read_one(tmp_path, "COPYING", notice + text("gpl-3.0"))
    conclusion = component.license
    assert conclusion.expression == "GPL-3.0-or-later"
    kinds = [e.kind for e in conclusion.evidence]
    assert kinds == [EvidenceKind.LICENSE_TEXT, EvidenceKind.NOTICE]
    notice_evidence = conclusion.evidence[1]
    assert notice_evidence.location == Location("COPYING", 1, 3)
    assert "any later version" in notice_evidence.quote
    assert NO_LATER_NOTE not in conclusion.notes


def test_gpl2_with_version_2_notice_is_only_with_notice_evidence(tmp_path):
    notice = (
        "This program is free software; you can redistribute it and/or modify it under the terms of the\n"
        "GNU General Public License as published by the Free Software Foundation; version 2 of the License.\n\n"
    )
    conclusion = read_one(tmp_path, "COPYING", notice + text("gpl-2.0")).license
    assert conclusion.expression == "GPL-2.0-only"
    assert [e.kind for e in conclusion.evidence] == [EvidenceKind.LICENSE_TEXT, EvidenceKind.NOTICE]
    assert conclusion.evidence[1].quote.endswith("version 2 of the License.")


def test_bare_agpl_is_only_with_a_note(tmp_path):
    conclusion = read_one(tmp_path, "LICENSE.txt", text("agpl-3.0")).license
    assert conclusion.expression == "AGPL-3.0-only"
    assert NO_LATER_NOTE in conclusion.notes
    assert [e.kind for e in conclusion.evidence] == [EvidenceKind.LICENSE_TEXT]


def test_mit_with_commons_clause_is_not_plain_mit(tmp_path):
    import importlib.resources

    raw = (importlib.resources.files("licensedcode") / "data" / "licenses" / "commons-clause.LICENSE").read_text()
    rider = raw.split("\n---", 1)[1]
    conclusion = read_one(tmp_path, "LICENSE.md", mit_file() + rider).license
    assert conclusion.expression != "MIT"
    # the Commons Clause is identified (ScanCode models it as an exception) and read WITH the MIT text
    assert conclusion.expression == "MIT WITH LicenseRef-scancode-commons-clause"
    # not on the SPDX list, but known to licensedcode-data and to rules/knowledge/licenses.yaml as a rider:
    # the engine reads it with the Commons Clause's facts (not open source, no selling), never as plain MIT
    assert conclusion.status == "known"
    text_evidence, clause_evidence = conclusion.evidence
    assert text_evidence.detail == "100% of the MIT text, exact"
    assert clause_evidence.detail == "100% of the LicenseRef-scancode-commons-clause text, exact"
    assert clause_evidence.location.path == "LICENSE.md" and clause_evidence.location.line > 22
    assert "Commons Clause" in clause_evidence.quote
    (leaf,) = licensing.leaves(licensing.parse(conclusion.expression))
    assert leaf.key == "MIT" and leaf.exception.endswith("LicenseRef-scancode-commons-clause")


def test_mit_with_an_unknown_rider_is_not_plain_mit(tmp_path):
    rider = (
        "\nAdditional condition:\n\nThe Software shall not be used by any company with more than 50 employees, "
        "and shall not be sold or hosted for third parties without a written agreement with the Licensor.\n"
    )
    conclusion = read_one(tmp_path, "LICENSE.md", mit_file() + rider).license
    assert conclusion.expression == f"MIT AND {RIDER_REF}LICENSE.md"
    assert conclusion.status == "unknown"
    assert any("50 employees" in u for u in conclusion.unknown)
    text_evidence, rider_evidence = conclusion.evidence
    assert text_evidence.detail == "100% of the MIT text, exact"
    assert rider_evidence.detail.startswith("additional terms")
    assert rider_evidence.location.path == "LICENSE.md" and rider_evidence.location.line > 22
    assert licensing.leaves(licensing.parse(conclusion.expression))[0].key == "MIT"


def test_gpl2_with_the_classpath_exception_is_read_with_with(tmp_path):
    import importlib.resources

    raw = (importlib.resources.files("licensedcode") / "data" / "licenses" / "classpath-exception-2.0.LICENSE").read_text()
    exception = raw.split("\n---", 1)[1].split("\n", 1)[1]
    conclusion = read_one(tmp_path, "COPYING", text("gpl-2.0") + "\n\n" + exception).license
    assert conclusion.expression == "GPL-2.0-only WITH Classpath-exception-2.0"
    assert conclusion.unknown == ()


def _scancode(kind: str, name: str) -> str:
    import importlib.resources

    raw = (importlib.resources.files("licensedcode") / "data" / kind / name).read_text("utf-8")
    return raw.split("\n---", 1)[1].split("\n", 1)[1]


def test_an_exception_text_alone_is_not_a_license(tmp_path):
    conclusion = read_one(tmp_path, "COPYING.EXCEPTION", _scancode("licenses", "classpath-exception-2.0.LICENSE")).license
    assert conclusion.expression == "LicenseRef-osi-check-unknown-COPYING.EXCEPTION"
    assert conclusion.status == "unknown"
    assert any("Classpath-exception-2.0 exception text, without the license" in u for u in conclusion.unknown)
    assert any("only an exception text" in n for n in conclusion.notes)
    assert conclusion.evidence[0].detail == "100% of the Classpath-exception-2.0 text, exact"


def test_a_text_that_offers_a_choice_keeps_its_or(tmp_path):
    # mit_or_unlicense_10.RULE: a known text that offers MIT or the Unlicense (as ripgrep's COPYING does)
    choice = _scancode("rules", "mit_or_unlicense_10.RULE")
    assert read_one(tmp_path, "COPYING", choice).license.expression == "MIT OR Unlicense"
    both = read_one(tmp_path / "b", "LICENSE", text("apache-2.0") + "\n\n" + choice).license
    assert both.expression == "Apache-2.0 AND (MIT OR Unlicense)"
    assert licensing.parse(both.expression) is not None


def test_modified_gpl3_is_not_clean(tmp_path):
    gpl = text("gpl-3.0")
    start, end = gpl.index("  11. Patents."), gpl.index("  12. No Surrender")
    conclusion = read_one(tmp_path, "COPYING", gpl[:start] + gpl[end:]).license
    assert conclusion.expression == f"GPL-3.0-only AND {RIDER_REF}COPYING"
    assert conclusion.unknown and "modified GPL-3.0-only text" in conclusion.unknown[0]
    assert "modified: 1 reference passage missing or changed" in conclusion.evidence[0].detail
    assert any("lines" in n and "differs" in n for n in conclusion.notes)


def test_unknown_text_stays_visible(tmp_path):
    eula = "ACME CRM END USER LICENSE AGREEMENT\n\nYou may not copy, modify or distribute this software.\n"
    component = read_one(tmp_path, "LICENSE.txt", eula)
    conclusion = component.license
    assert conclusion.expression == "LicenseRef-osi-check-unknown-LICENSE.txt"
    assert conclusion.unknown == ("LICENSE.txt (text not identified)",)
    assert conclusion.evidence[0].quote == "ACME CRM END USER LICENSE AGREEMENT"
    assert component.location == Location("LICENSE.txt")


def test_empty_license_file_stays_visible(tmp_path):
    conclusion = read_one(tmp_path, "COPYING", "").license
    assert conclusion.expression == "LicenseRef-osi-check-unknown-COPYING"
    assert conclusion.unknown == ("COPYING (text not identified)",)


def test_two_license_texts_are_combined(tmp_path):
    conclusion = read_one(tmp_path, "LICENSE", text("apache-2.0") + "\n\n" + mit_file()).license
    assert conclusion.expression == "Apache-2.0 AND MIT"
    assert [e.detail for e in conclusion.evidence] == [
        "100% of the Apache-2.0 text, exact",
        "100% of the MIT text, exact",
    ]
    assert any("clarify" in n for n in conclusion.notes)


def test_latin1_encoded_license_file_reads_fine(tmp_path):
    content = ("Copyright (c) 2024 Jürgen Müller, Société Générale\n\n" + text("mit")).encode("latin-1")
    component = read_one(tmp_path, "LICENSE", content)
    assert component.license.expression == "MIT"
    assert "exact" in component.license.evidence[0].detail


def test_binary_license_file_is_a_problem(tmp_path):
    root = write(tmp_path, {"LICENSE": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
    result = read(root, "LICENSE")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.reader == "license-file"
    assert problem.location.path == "LICENSE"
    assert "binary" in problem.message


def test_oversized_license_file_is_a_problem(tmp_path):
    root = write(tmp_path, {"LICENSE": "x " * (1024 * 1024 + 10)})
    result = read(root, "LICENSE")
    assert result.components == () and len(result.problems) == 1
    assert "limit" in result.problems[0].message
