"""CycloneDxSbomSource: CycloneDX JSON SBOMs (cyclonedx-php-composer 1.5, cyclonedx-npm 1.6), read by name."""

from __future__ import annotations

import json

import pytest

from osi_check.facts import EvidenceKind, Role, Scope
from osi_check.sources.sbom_cyclonedx import CHOICE_NOTE, CycloneDxSbomSource
from osi_check.tree import TreeFile

SOURCE = CycloneDxSbomSource()
R, O, D = Scope.RUNTIME, Scope.OPTIONAL, Scope.DEV
APP, DEP = Role.APPLICATION, Role.DEPENDENCY

# cyclonedx-php-composer 5.2 (spec 1.5): key, name, version, role, scope, direct, expression, line of "name".
EXPECTED_COMPOSER = [
    ("pkg:composer/acme/suitecrm-acme@8.5.1", "acme/suitecrm-acme", "8.5.1", APP, R, None, "AGPL-3.0-only", 28),
    (
        "pkg:composer/ckeditor/ckeditor@4.22.1", "ckeditor/ckeditor", "4.22.1", DEP, R, True,
        "GPL-2.0-or-later OR LGPL-2.1-or-later OR MPL-1.1", 58,
    ),
    ("pkg:composer/monolog/monolog@3.5.0", "monolog/monolog", "3.5.0", DEP, R, True, "MIT", 107),
    ("pkg:composer/phpmailer/phpmailer@v6.9.1", "phpmailer/phpmailer", "v6.9.1", DEP, R, True, "LGPL-2.1-only", 156),
    ("pkg:composer/psr/log@3.0.0", "psr/log", "3.0.0", DEP, R, False, "MIT", 179),
    ("pkg:composer/acme/pdf-kit@2.0.3", "acme/pdf-kit", "2.0.3", DEP, R, True, "LicenseRef-osi-check-proprietary", 202),
    ("pkg:composer/phpunit/phpunit@10.5.10", "phpunit/phpunit", "10.5.10", DEP, D, True, "BSD-3-Clause", 224),
]

# cyclonedx-npm 1.19 (spec 1.6, nested components, acknowledgement).
EXPECTED_NPM = [
    ("pkg:npm/suitecrm-frontend@8.5.1", "suitecrm-frontend", "8.5.1", APP, R, None, "AGPL-3.0-only", 40),
    ("pkg:npm/%40angular/core@16.2.12", "@angular/core", "16.2.12", DEP, R, True, "MIT", 68),
    ("pkg:npm/type-fest@0.21.3", "type-fest", "0.21.3", DEP, R, False, "MIT OR CC0-1.0", 110),
    ("pkg:npm/webpack@5.89.0", "webpack", "5.89.0", DEP, D, True, "MIT", 131),
    ("pkg:npm/schema-utils@3.3.0", "schema-utils", "3.3.0", DEP, D, False, "MIT", 158),
    ("pkg:npm/fsevents@2.3.3", "fsevents", "2.3.3", DEP, O, True, "MIT", 182),
    ("pkg:npm/chart.js@4.4.1", "chart.js", "4.4.1", DEP, R, False, "MIT", 205),
    ("pkg:npm/%40kaleidos/crm-widgets@1.4.0", "@kaleidos/crm-widgets", "1.4.0", DEP, R, True, "MIT", 233),
]


def rows(result):
    return [
        (c.key, c.name, c.version, c.role, c.scope, c.direct, c.license.expression, c.location.line)
        for c in result.components
    ]


@pytest.fixture
def composer(read_file, fixtures):
    return read_file(SOURCE, fixtures / "sbom" / "cyclonedx-composer", "bom.json")


@pytest.fixture
def npm(read_file, fixtures):
    return read_file(SOURCE, fixtures / "sbom" / "cyclonedx-npm", "frontend.cdx.json")


def test_name_matches_the_engine_vocabulary():
    from osi_check.engine.vocabulary import SBOM_READERS

    assert SOURCE.name == "cyclonedx-sbom" and SOURCE.name in SBOM_READERS


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("bom.json", True),
        ("sbom.json", True),
        ("cyclonedx.json", True),
        ("docs/SBOM.JSON", True),
        ("frontend.cdx.json", True),
        ("dist/acme-crm.bom.json", True),
        ("release/acme-crm.sbom.json", True),
        (".cdx.json", False),
        ("composer.json", False),
        ("package.json", False),
        ("sbom.spdx.json", False),
        ("bom.xml", False),
        ("node_modules/some-lib/bom.json", False),  # an installed package's own SBOM
        ("vendor/acme/pdf-kit/bom.json", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_composer_plugin_bom(composer):
    assert composer.problems == ()
    assert rows(composer) == EXPECTED_COMPOSER
    for component in composer.components:
        assert component.location.path == "bom.json"
        assert component.sources == ("cyclonedx-sbom",)
        assert component.purl == component.key
        assert component.ecosystem == "composer"
        assert component.root == ("." if component.role is APP else None)


def test_several_license_entries_are_an_unsure_choice(composer):
    ckeditor = composer.components[1].license
    assert ckeditor.confident is False
    assert CHOICE_NOTE in ckeditor.notes
    (evidence,) = ckeditor.evidence
    assert evidence.kind is EvidenceKind.SBOM and evidence.location.line == 58
    assert evidence.detail == "CycloneDX licenses (3 entries read as a choice: OR)"
    assert json.loads(evidence.quote) == [
        {"license": {"id": "GPL-2.0-or-later"}}, {"license": {"id": "LGPL-2.1-or-later"}}, {"license": {"id": "MPL-1.1"}},
    ]
    monolog = composer.components[2].license
    assert (monolog.confident, monolog.evidence[0].detail) == (True, "CycloneDX license id")


def test_named_license_goes_through_the_declared_aliases(composer):
    pdf_kit = composer.components[5].license
    assert pdf_kit.evidence[0].detail == "CycloneDX license name"
    assert "'proprietary' read as LicenseRef-osi-check-proprietary (declared-string alias)" in pdf_kit.notes


def test_hashes_and_dependency_graph(composer):
    by_name = {c.name: c for c in composer.components}
    assert by_name["monolog/monolog"].integrity == "sha1:c915e2634718dbc8a4a15c61b0e62e7a44e14448"
    assert by_name["monolog/monolog"].dependencies == ("psr/log",)
    assert by_name["acme/suitecrm-acme"].dependencies == (
        "ckeditor/ckeditor", "monolog/monolog", "phpmailer/phpmailer", "acme/pdf-kit", "phpunit/phpunit",
    )
    assert by_name["ckeditor/ckeditor"].integrity is None


def test_npm_bom_with_nested_components(npm):
    assert npm.problems == ()
    assert rows(npm) == EXPECTED_NPM
    assert {c.ecosystem for c in npm.components} == {"npm"}


def test_npm_hash_comes_from_the_distribution_reference(npm):
    angular = npm.components[1]
    assert angular.integrity.startswith("sha512:a4ae3e4e8c2dd9f18e5e0b7a7c0f71e0")
    assert npm.components[0].integrity is None


def test_expression_entry_is_read_as_an_spdx_expression(npm):
    type_fest = npm.components[2].license
    assert (type_fest.confident, type_fest.evidence[0].detail) == (True, "CycloneDX license expression")


def test_concluded_license_that_differs_is_a_conflict(npm):
    chart = npm.components[6].license
    assert chart.expression == "MIT"
    (conflict,) = chart.conflicts
    assert conflict.startswith("the SBOM declares MIT but concludes Apache-2.0")


def test_named_license_with_a_base64_text_is_identified(npm):
    widgets = npm.components[7].license
    assert (widgets.expression, widgets.unknown) == ("MIT", ())
    assert any("the license named 'Kaleidos widgets license': the SBOM's license text reads as MIT" in n for n in widgets.notes)


def test_only_concluded_and_excluded_scope(read_file, write_tree):
    bom = _bom([
        {"type": "library", "name": "jest", "version": "29.7.0", "scope": "excluded", "purl": "pkg:npm/jest@29.7.0",
         "licenses": [{"license": {"id": "MIT", "acknowledgement": "concluded"}}]},
        {"type": "file", "name": "vendor/autoload.php", "hashes": [{"alg": "SHA-256", "content": "ab" * 32}]},
        {"type": "library", "name": "left-pad", "version": "1.3.0"},
    ])
    result = read_file(SOURCE, write_tree({"bom.json": json.dumps(bom, indent=2)}), "bom.json")
    jest, left_pad = result.components  # the file component is not a package
    assert jest.scope is D and jest.license.expression == "MIT"
    assert "the SBOM states only a concluded license" in jest.license.notes
    assert left_pad.key == "pkg:generic/left-pad@1.3.0" and left_pad.ecosystem == "generic"
    assert left_pad.license.expression is None
    assert left_pad.license.notes == (
        "the SBOM states no license for this component", "the SBOM gives no purl for this package; it is keyed by name",
    )


def test_spdx_json_under_a_cyclonedx_name_is_read_as_spdx(read_file, fixtures):
    result = read_file(SOURCE, fixtures / "sbom" / "spdx-as-sbom-json", "sbom.json")
    assert result.problems == ()
    assert len(result.components) == 8
    assert {c.sources for c in result.components} == {("spdx-sbom",)}  # credited to the SPDX reader
    assert result.components[0].license.evidence[0].detail == "SPDX licenseDeclared"


def test_wrong_types_cost_only_their_entry(read_file, fixtures):
    result = read_file(SOURCE, fixtures / "sbom" / "broken" / "cyclonedx-bad-types", "bom.json")
    got = [(c.key, c.license.expression) for c in result.components]
    assert got == [
        ("pkg:composer/acme/suitecrm-acme@8.5.1", None),
        ("pkg:composer/monolog/monolog@3.5.0", "MIT"),
        ("pkg:composer/phpmailer/phpmailer@v6.9.1", 'LicenseRef-osi-check-unknown-LGPL-2.1-only'),
        ("pkg:generic/tecnickcom/tcpdf@6.6.5", "LGPL-3.0-or-later"),
        ("pkg:composer/predis/predis", "MIT"),
    ]
    problems = [(p.location.line, p.message) for p in result.problems]
    assert [line for line, _ in problems] == [3, 23, 24, 32, 40, 40, 49, 54, 59]
    messages = "\n".join(m for _, m in problems)
    for expected in (
        "'specVersion' \"1.7-draft\" is not one osi-check knows",
        "components[1] is not a JSON object; it was skipped",
        "components[2] has no component name; it was skipped",
        "components[3] (phpmailer/phpmailer): 'licenses' holds \"LGPL-2.1-only\"",
        "components[4]: 'scope' \"runtime\" is not required, optional or excluded; read as required",
        "components[4] (tecnickcom/tcpdf): its purl 'tecnickcom/tcpdf 6.6.5' is not a package URL",
        "components[5]: 'version' is not a string",
        "'components[5].components' is not a JSON array",
        "dependencies[1] is not a {\"ref\", \"dependsOn\"} object of strings",
    ):
        assert expected in messages
    assert all(p.location.path == "bom.json" and p.reader == "cyclonedx-sbom" for p in result.problems)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (None, 1, 'is not a CycloneDX BOM (it has no "bomFormat", not "CycloneDX")'),
        ('{\n  "bomFormat": "SPDX"\n}\n', 2, 'is not a CycloneDX BOM (its "bomFormat" is "SPDX", not "CycloneDX")'),
        ("[]", 1, "the top level is not a JSON object"),
        ('{"bomFormat": "CycloneDX",\n "components": [\n', 3, "is not valid JSON"),
        (b"\xff\xfe{}", 1, "is not valid UTF-8"),
    ],
)
def test_files_that_are_not_boms_are_one_problem(read_file, write_tree, fixtures, text, line, message):
    if text is None:
        result = read_file(SOURCE, fixtures / "sbom" / "broken" / "not-cyclonedx", "bom.json")
    else:
        result = read_file(SOURCE, write_tree({"bom.json": text}), "bom.json")
    assert result.components == ()
    (problem,) = result.problems
    assert (problem.location.path, problem.location.line) == ("bom.json", line)
    assert message in problem.message


def test_deep_nesting_is_reported_not_walked(read_file, write_tree):
    component = {"type": "library", "name": "leaf", "version": "1.0.0"}
    for depth in range(200):
        component = {"type": "library", "name": f"level-{depth}", "version": "1.0.0", "components": [component]}
    result = read_file(SOURCE, write_tree({"bom.json": json.dumps(_bom([component]))}), "bom.json")
    assert len(result.components) == 64
    (problem,) = result.problems
    assert "nested more than 64 levels deep" in problem.message


def _bom(components):
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components}
