"""VendoredPackageSource: license files of installed composer packages, merged with the lockfile's view.

License texts come from the installed licensedcode-data package (as in tests/detect), never from copies.
"""

from __future__ import annotations

import json

import pytest

from osi_check.detect.reference_texts import load
from osi_check.facts import EvidenceKind, Role, Scope
from osi_check.resolve import merge_components
from osi_check.sources.composer import ComposerSource
from osi_check.sources.composer_installed import ComposerInstalledSource
from osi_check.sources.vendored import VendoredManifestSource, VendoredPackageSource
from osi_check.tree import Tree, TreeFile

SOURCE = VendoredPackageSource()


def mit() -> str:
    return "MIT License\n\nCopyright (c) 2021 Acme Software GmbH\n\n" + load("mit").text.strip() + "\n"


def apache() -> str:
    return load("apache-2.0").text.strip() + "\n"


def package_json(name: str) -> str:
    return json.dumps({"name": name, "type": "library", "license": "MIT"}, indent=4)


def read_all(root, *readers):
    """Every result the readers produce for the tree, in walk order, as the pipeline collects them."""
    tree = Tree(root)
    results = []
    for file in tree.walk():
        for reader in readers:
            if reader.handles(file):
                results.append(reader.read(tree, file))
    return results


def components(results):
    return [c for r in results for c in r.components]


def test_name():
    assert SOURCE.name == "vendored-license"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("vendor/acme/lib/LICENSE", True),
        ("vendor/acme/lib/LICENSE.md", True),
        ("vendor/acme/lib/COPYING", True),
        ("include/vendor/tecnickcom/tcpdf/LICENSE.TXT", True),
        ("vendor/acme/lib/vendor/other/pkg/LICENSE", True),  # a package that ships its own vendor dir
        ("vendor/acme/lib/src/LICENSE", False),  # three levels below vendor: not the package root
        ("vendor/acme/LICENSE", False),
        ("vendor/LICENSE", False),
        ("vendor/acme/lib/License.php", False),  # source code, not a license text
        ("vendor/acme/lib/composer.json", False),
        ("node_modules/x/vendor/acme/lib/LICENSE", False),
        ("Vendor/acme/lib/LICENSE", False),
        ("LICENSE", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_examples_are_handled():
    assert all(SOURCE.handles(TreeFile(p, 10)) for p in SOURCE.examples)


def test_vendored_package_in_no_lock_appears_with_its_license_text(write_tree):
    root = write_tree({"vendor/acme/lib/LICENSE": mit(), "vendor/acme/lib/composer.json": package_json("acme/lib")})
    (result,) = read_all(root, SOURCE)
    assert result.problems == ()
    (component,) = result.components
    assert component.key == component.purl == "pkg:composer/acme/lib"
    assert (component.name, component.version, component.ecosystem) == ("acme/lib", None, "composer")
    assert component.role is Role.DEPENDENCY and component.scope is Scope.RUNTIME
    assert component.root == "vendor/acme/lib"
    assert component.license.expression == "MIT"
    (evidence,) = component.license.evidence
    assert evidence.kind is EvidenceKind.LICENSE_TEXT
    assert component.location == evidence.location
    assert component.location.path == "vendor/acme/lib/LICENSE"
    assert component.location.line == 5  # the MIT text starts after the title and copyright lines
    assert component.location.end_line > component.location.line


def test_front_end_vendor_dirs_are_not_composer_packages(write_tree):
    """assets/vendor/jquery/ui is not a composer package: no composer.json, no autoload.php."""
    root = write_tree({"assets/vendor/jquery/ui/LICENSE.txt": mit()})
    (result,) = read_all(root, SOURCE)
    assert result.components == () and result.problems == ()


def test_composer_autoloader_marks_the_vendor_dir(write_tree):
    root = write_tree({"vendor/autoload.php": "<?php\nreturn 1;\n", "vendor/acme/lib/LICENSE": mit()})
    (result,) = [r for r in read_all(root, SOURCE)]
    assert [c.name for c in result.components] == ["acme/lib"]


def test_unreadable_license_file_is_one_problem(write_tree):
    root = write_tree({"vendor/acme/lib/composer.json": "{}", "vendor/acme/lib/LICENSE": b"\x00\x01binary"})
    (result,) = read_all(root, SOURCE)
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location.path == "vendor/acme/lib/LICENSE"
    assert problem.reader == "vendored-license"


def test_unidentified_text_stays_visible_as_unknown(write_tree):
    root = write_tree(
        {"vendor/acme/lib/composer.json": "{}", "vendor/acme/lib/LICENSE": "All rights reserved. Ask us.\n"}
    )
    (component,) = components(read_all(root, SOURCE))
    assert component.license.expression.startswith("LicenseRef-osi-check-unknown-")
    assert component.license.unknown


LOCK = {
    "_readme": ["This file locks the dependencies of your project to a known state"],
    "content-hash": "0c2b5ad2d0b4e2cd3c9c7e7f0d4b5a61",
    "packages": [
        {
            "name": "x/y",
            "version": "1.4.0",
            "dist": {
                "type": "zip",
                "url": "https://api.github.com/repos/x/y/zipball/abc",
                "reference": "abc",
                "shasum": "",
            },
            "type": "library",
            "license": ["MIT"],
            "description": "A library",
        }
    ],
    "packages-dev": [],
}


def test_lock_declaration_keeps_precedence_and_a_different_text_is_a_conflict(write_tree):
    root = write_tree(
        {
            "composer.lock": json.dumps(LOCK, indent=4),
            "vendor/x/y/composer.json": package_json("x/y"),
            "vendor/x/y/LICENSE": apache(),
        }
    )
    found = components(read_all(root, ComposerSource(), SOURCE))
    assert [c.root for c in found] == ["vendor/x/y", "vendor/x/y"]  # the same string from both readers
    (merged,) = merge_components(found)
    assert merged.key == "pkg:composer/x/y@1.4.0"  # the lock's identity, with its version
    assert merged.version == "1.4.0"
    assert merged.license.expression == "MIT"  # the lockfile's declaration keeps precedence
    (conflict,) = merged.license.conflicts
    assert "MIT (composer.lock:" in conflict and "Apache-2.0 (vendor/x/y/LICENSE:" in conflict
    kinds = [e.kind for e in merged.license.evidence]
    assert kinds == [EvidenceKind.DECLARED, EvidenceKind.LICENSE_TEXT]


def test_lock_and_matching_text_merge_without_conflict(write_tree):
    root = write_tree(
        {
            "composer.lock": json.dumps(LOCK, indent=4),
            "vendor/x/y/composer.json": package_json("x/y"),
            "vendor/x/y/LICENSE": mit(),
        }
    )
    (merged,) = merge_components(components(read_all(root, ComposerSource(), SOURCE)))
    assert merged.license.expression == "MIT"
    assert merged.license.conflicts == ()
    assert len(merged.license.evidence) == 2


def test_custom_vendor_dir_roots_match_the_lock(write_tree):
    root = write_tree(
        {
            "crm/composer.json": json.dumps({"name": "acme/crm", "config": {"vendor-dir": "include/vendor"}}),
            "crm/composer.lock": json.dumps(LOCK, indent=4),
            "crm/include/vendor/x/y/composer.json": package_json("x/y"),
            "crm/include/vendor/x/y/LICENSE": mit(),
        }
    )
    found = [c for c in components(read_all(root, ComposerSource(), SOURCE)) if c.name == "x/y"]
    assert {c.root for c in found} == {"crm/include/vendor/x/y"}
    assert len(merge_components(found)) == 1


def test_several_license_files_in_one_package_merge_into_one_component(write_tree):
    root = write_tree(
        {
            "vendor/acme/dual/composer.json": package_json("acme/dual"),
            "vendor/acme/dual/COPYING": mit(),
            "vendor/acme/dual/LICENSE": mit(),
        }
    )
    found = components(read_all(root, SOURCE))
    assert len(found) == 2 and {c.root for c in found} == {"vendor/acme/dual"}
    (merged,) = merge_components(found)
    assert merged.license.expression == "MIT"
    paths = {e.location.path for e in merged.license.evidence}
    assert paths == {"vendor/acme/dual/COPYING", "vendor/acme/dual/LICENSE"}


INSTALLED = {
    "packages": [
        {
            "name": "brick/math",
            "version": "0.11.0",
            "type": "library",
            "license": ["MIT"],
            "install-path": "../brick/math",
        }
    ],
    "dev": True,
    "dev-package-names": [],
}


def _installed_and_vendored_tree(write_tree):
    return write_tree(
        {
            "vendor/composer/installed.json": json.dumps(INSTALLED, indent=4),
            "vendor/brick/math/composer.json": package_json("brick/math"),
            "vendor/brick/math/LICENSE": apache(),
        }
    )


def test_installed_json_and_license_file_share_the_root(write_tree):
    found = components(read_all(_installed_and_vendored_tree(write_tree), ComposerInstalledSource(), SOURCE))
    assert {c.root for c in found} == {"vendor/brick/math"}
    (merged,) = merge_components(found)
    assert merged.license.conflicts  # MIT declared, Apache-2.0 delivered: recorded either way


def test_installed_json_declaration_keeps_precedence_whatever_the_walk_order(write_tree):
    found = components(read_all(_installed_and_vendored_tree(write_tree), ComposerInstalledSource(), SOURCE))
    (merged,) = merge_components(found)
    assert merged.key == "pkg:composer/brick/math@0.11.0"
    assert merged.license.expression == "MIT"


MANIFEST = VendoredManifestSource()


def test_installed_package_manifest_is_evidence_at_its_own_license_line(write_tree):
    root = write_tree({"composer.lock": json.dumps(LOCK, indent=4), "vendor/x/y/composer.json": package_json("x/y")})
    (merged,) = merge_components(components(read_all(root, ComposerSource(), MANIFEST)))
    assert merged.license.expression == "MIT"
    assert merged.license.conflicts == ()
    locations = [(e.location.path, e.location.line) for e in merged.license.evidence]
    assert ("vendor/x/y/composer.json", 4) in locations  # the "license" key's line
    assert locations[0][0] == "composer.lock"  # the lock's declaration stays first


def test_installed_package_manifest_that_disagrees_with_the_lock_is_a_conflict(write_tree):
    relicensed = json.dumps({"name": "x/y", "license": "GPL-3.0-only"}, indent=4)
    root = write_tree({"composer.lock": json.dumps(LOCK, indent=4), "vendor/x/y/composer.json": relicensed})
    (merged,) = merge_components(components(read_all(root, ComposerSource(), MANIFEST)))
    assert merged.license.expression == "MIT"
    (conflict,) = merged.license.conflicts
    assert "GPL-3.0-only (vendor/x/y/composer.json:3)" in conflict


def test_installed_package_manifest_problems_name_the_file(write_tree):
    root = write_tree({"vendor/x/y/composer.json": '{"name": "x/y", "license": '})
    (result,) = read_all(root, MANIFEST)
    (problem,) = result.problems
    assert problem.location.path == "vendor/x/y/composer.json"


@pytest.mark.parametrize("path, handled", [
    ("vendor/x/y/composer.json", True),
    ("lib/vendor/x/y/composer.json", True),
    ("composer.json", False),
    ("vendor/x/composer.json", False),
    ("node_modules/a/vendor/x/y/composer.json", False),
])
def test_manifest_handles(path, handled):
    assert MANIFEST.handles(TreeFile(path, 10)) is handled
