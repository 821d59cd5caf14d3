"""SpdxSbomSource: SPDX 2.3 SBOMs in JSON, tag-value, YAML, RDF/XML and XML, parsed by spdx-tools."""

from __future__ import annotations

import json

import pytest

from osi_check.facts import EvidenceKind, Role, Scope
from osi_check.sources.sbom_spdx import SpdxSbomSource
from osi_check.tree import TreeFile

SOURCE = SpdxSbomSource()
R, O, D, T = Scope.RUNTIME, Scope.OPTIONAL, Scope.DEV, Scope.TEST
APP, DEP = Role.APPLICATION, Role.DEPENDENCY
UNKNOWN_ACME = "LicenseRef-osi-check-unknown-LicenseRef-Acme-Commercial"

# syft 1.4 `-o spdx-json` of a directory: key, name, version, ecosystem, expression, line. The directory
# itself (SPDXRef-DocumentRoot-Directory-., no license) is not a component.
EXPECTED_SYFT = [
    ("pkg:composer/monolog/monolog@3.5.0", "monolog/monolog", "3.5.0", "composer", "MIT", 17),
    ("pkg:composer/symfony/console@v6.4.3", "symfony/console", "v6.4.3", "composer", "MIT", 42),
    ("pkg:composer/phpmailer/phpmailer@v6.9.1", "phpmailer/phpmailer", "v6.9.1", "composer", "LGPL-2.1-only", 67),
    ("pkg:composer/tecnickcom/tcpdf@6.6.5", "tecnickcom/tcpdf", "6.6.5", "composer", "LGPL-3.0-or-later", 92),
    ("pkg:npm/%40babel/core@7.23.9", "@babel/core", "7.23.9", "npm", "MIT", 111),
    ("pkg:pypi/jinja2@3.1.3", "Jinja2", "3.1.3", "pypi", "BSD-3-Clause", 136),
    (
        "pkg:composer/acme/crm-pdf-templates@2.1.0", "acme/crm-pdf-templates", "2.1.0", "composer",
        "LicenseRef-osi-check-unknown-LicenseRef-proprietary", 156,
    ),
    ("pkg:npm/lodash@4.17.21", "lodash", "4.17.21", "npm", None, 175),
]

# The vendor's own SBOM (acme-crm.spdx.json, converted to the other formats with spdx-tools' pyspdxtools):
# key, role, scope, direct, expression.
EXPECTED_VENDOR = [
    ("pkg:composer/acme/suitecrm-acme@8.5.1", APP, R, None, "AGPL-3.0-only"),
    ("pkg:composer/monolog/monolog@3.5.0", DEP, R, True, "MIT"),
    ("pkg:composer/psr/log@3.0.0", DEP, R, False, "MIT"),
    ("pkg:composer/phpmailer/phpmailer@v6.9.1", DEP, R, True, "LGPL-2.1-only"),
    ("pkg:composer/tecnickcom/tcpdf@6.6.5", DEP, R, True, "LGPL-3.0-or-later"),
    ("pkg:composer/predis/predis@v2.2.2", DEP, O, True, "MIT"),
    ("pkg:composer/phpunit/phpunit@10.5.10", DEP, T, True, "BSD-3-Clause"),
    ("pkg:composer/phpstan/phpstan@1.10.57", DEP, D, True, "MIT"),
    ("pkg:composer/acme/pdf-kit@2.0.3", DEP, R, True, UNKNOWN_ACME),
    ("pkg:npm/%40kaleidos/crm-widgets@1.4.0", DEP, R, True, "MIT"),
    ("pkg:generic/jquery-ui@1.13.2", DEP, R, True, None),
]
# The line naming each package, in the order above: JSON "name", tag-value PackageName:, YAML name:, XML
# <name>, and in RDF/XML the <spdx:Package rdf:about="...#SPDXRef-..."> element (pyspdxtools nests packages
# inside the relationships that name them).
VENDOR_LINES = {
    "acme-crm.spdx.json": [22, 41, 69, 87, 106, 124, 142, 160, 178, 196, 214],
    "acme-crm.spdx": [16, 29, 43, 55, 68, 80, 92, 104, 116, 128, 140],
    "acme-crm.spdx.yaml": [78, 97, 110, 125, 138, 151, 164, 177, 190, 203, 212],
    "acme-crm.spdx.rdf": [14, 145, 173, 205, 52, 7, 305, 282, 18, 94, 76],
    "acme-crm.spdx.xml": [62, 87, 103, 120, 136, 152, 168, 184, 200, 216, 227],
}
VENDOR_FILES = list(VENDOR_LINES)


@pytest.fixture
def syft(read_file, fixtures):
    return read_file(SOURCE, fixtures / "sbom" / "syft", "sbom.spdx.json")


def vendor(read_file, fixtures, name):
    result = read_file(SOURCE, fixtures / "sbom" / "vendor", name)
    assert result.problems == ()
    return {c.key: c for c in result.components}, result


def test_name_matches_the_engine_vocabulary():
    from osi_check.engine.vocabulary import SBOM_READERS

    assert SOURCE.name == "spdx-sbom" and SOURCE.name in SBOM_READERS


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("sbom.spdx.json", True),
        ("delivery/ACME-CRM.SPDX.JSON", True),
        ("crm.spdx", True),
        ("sbom.spdx.yaml", True),
        ("sbom.spdx.yml", True),
        ("sbom.spdx.rdf", True),
        ("sbom.spdx.rdf.xml", True),
        ("sbom.spdx.xml", True),
        (".spdx", False),
        ("sbom.json", False),  # the CycloneDX reader's name; it hands SPDX content over
        ("package.json", False),
        ("notes.spdx.txt", False),
        ("vendor/acme/pdf-kit/sbom.spdx.json", False),  # an installed package's own SBOM
        ("web/node_modules/lodash/sbom.spdx.json", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_syft_document_reads_every_package_in_file_order(syft):
    assert syft.problems == ()
    got = [(c.key, c.name, c.version, c.ecosystem, c.license.expression, c.location.line) for c in syft.components]
    assert got == EXPECTED_SYFT
    for component in syft.components:
        assert component.location.path == "sbom.spdx.json"
        assert (component.role, component.scope, component.root, component.direct) == (DEP, R, None, None)
        assert component.purl == component.key
        assert component.sources == ("spdx-sbom",)


def test_syft_license_evidence_is_sbom_evidence_quoting_licensedeclared(syft):
    monolog = syft.components[0]
    (evidence,) = monolog.license.evidence
    assert evidence.kind is EvidenceKind.SBOM
    assert (evidence.location.path, evidence.location.line) == ("sbom.spdx.json", 17)
    assert (evidence.quote, evidence.detail) == ("MIT", "SPDX licenseDeclared")


def test_noassertion_is_no_license_with_a_note(syft):
    lodash = syft.components[-1]
    assert lodash.license.expression is None
    assert lodash.license.notes == ("the SBOM makes no assertion about the license (licenseDeclared: NOASSERTION)",)
    assert lodash.license.evidence[0].quote == "NOASSERTION"


def test_syft_licenseref_for_an_unmapped_string_stays_unknown_and_quotes_its_text(syft):
    templates = syft.components[6]
    assert templates.license.unknown == ("LicenseRef-proprietary",)
    assert any("its text begins: proprietary" in note for note in templates.license.notes)


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_vendor_document_reads_the_same_in_every_format(read_file, fixtures, name):
    by_key, result = vendor(read_file, fixtures, name)
    got = sorted((c.key, c.role, c.scope, c.direct, c.license.expression) for c in result.components)
    assert got == sorted(EXPECTED_VENDOR)
    lines = {c.key: c.location.line for c in result.components}
    assert [lines[key] for key, *_ in EXPECTED_VENDOR] == VENDOR_LINES[name]
    assert all(c.location.path == name for c in result.components)


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_described_package_is_the_application_at_the_tree_root(read_file, fixtures, name):
    by_key, _ = vendor(read_file, fixtures, name)
    application = by_key["pkg:composer/acme/suitecrm-acme@8.5.1"]
    assert (application.role, application.root, application.ecosystem) == (APP, ".", "composer")
    assert set(application.dependencies) == {
        "monolog/monolog", "phpmailer/phpmailer", "tecnickcom/tcpdf", "predis/predis", "phpunit/phpunit",
        "phpstan/phpstan", "acme/pdf-kit", "@kaleidos/crm-widgets", "jquery-ui",
    }
    dependencies = [c for c in by_key.values() if c.role is DEP]
    assert all(c.root is None for c in dependencies)


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_checksums_dependencies_and_qualifiers(read_file, fixtures, name):
    by_key, _ = vendor(read_file, fixtures, name)
    monolog = by_key["pkg:composer/monolog/monolog@3.5.0"]
    assert monolog.integrity == "sha256:4b1f2a6c3d8e9f00112233445566778899aabbccddeeff00112233445566aabb"  # SHA256 over SHA1
    assert monolog.dependencies == ("psr/log",)
    tcpdf = by_key["pkg:composer/tecnickcom/tcpdf@6.6.5"]
    assert tcpdf.purl == "pkg:composer/tecnickcom/tcpdf@6.6.5"
    assert any("?repository_url=https://repo.packagist.org" in note for note in tcpdf.license.notes)


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_declared_and_concluded_disagreeing_is_a_conflict(read_file, fixtures, name):
    by_key, _ = vendor(read_file, fixtures, name)
    phpmailer = by_key["pkg:composer/phpmailer/phpmailer@v6.9.1"].license
    assert phpmailer.expression == "LGPL-2.1-only"  # the vendor's declaration is used
    (conflict,) = phpmailer.conflicts
    assert "declares LGPL-2.1-only (licenseDeclared) but concludes LGPL-2.1-or-later (licenseConcluded)" in conflict
    assert by_key["pkg:composer/monolog/monolog@3.5.0"].license.conflicts == ()  # MIT and MIT agree


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_licenseref_texts_are_identified_or_quoted(read_file, fixtures, name):
    by_key, _ = vendor(read_file, fixtures, name)
    widgets = by_key["pkg:npm/%40kaleidos/crm-widgets@1.4.0"].license
    assert (widgets.expression, widgets.unknown) == ("MIT", ())
    assert widgets.evidence[0].quote == "LicenseRef-Kaleidos-MIT"
    assert any("LicenseRef-Kaleidos-MIT (Kaleidos widgets license): the SBOM's license text reads as MIT" in n for n in widgets.notes)
    pdf_kit = by_key["pkg:composer/acme/pdf-kit@2.0.3"].license
    assert pdf_kit.unknown == ("LicenseRef-Acme-Commercial",)
    (note,) = [n for n in pdf_kit.notes if n.startswith("LicenseRef-Acme-Commercial")]
    assert "vendor's own license" in note and "ACME CRM PDF KIT - COMMERCIAL LICENSE AGREEMENT 1. Grant." in note
    assert len(note.split("its text begins: ", 1)[1]) <= 203  # 200 characters and "..."


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_none_and_missing_purl(read_file, fixtures, name):
    by_key, _ = vendor(read_file, fixtures, name)
    jquery = by_key["pkg:generic/jquery-ui@1.13.2"]
    assert jquery.ecosystem == "generic"
    assert jquery.license.expression is None
    assert jquery.license.notes == (
        "the SBOM makes no assertion of a license: licenseDeclared is NONE (the vendor found none declared)",
        "the SBOM gives no purl for this package; it is keyed by name",
    )


def test_concluded_is_used_when_nothing_is_declared(read_file, write_tree):
    doc = _document([_package("SPDXRef-a", "monolog/monolog", "3.5.0", declared="NOASSERTION", concluded="MIT")])
    result = read_file(SOURCE, write_tree({"sbom.spdx.json": json.dumps(doc, indent=2)}), "sbom.spdx.json")
    (component,) = result.components
    assert component.license.expression == "MIT"
    assert component.license.evidence[0].detail == "SPDX licenseConcluded"
    assert "the SBOM's licenseDeclared is NOASSERTION; its licenseConcluded is used" in component.license.notes


def test_dev_relationships_win_only_when_nothing_ships_the_package(read_file, write_tree):
    packages = [
        _package("SPDXRef-app", "acme/crm", "1.0.0"),
        _package("SPDXRef-phpstan", "phpstan/phpstan", "1.10.57"),
        _package("SPDXRef-log", "psr/log", "3.0.0"),
        _package("SPDXRef-build", "vite", "5.1.4", purl="pkg:npm/vite@5.1.4"),
    ]
    relationships = [
        ("SPDXRef-phpstan", "DEV_DEPENDENCY_OF", "SPDXRef-app"),
        ("SPDXRef-log", "DEV_DEPENDENCY_OF", "SPDXRef-app"),
        ("SPDXRef-app", "DEPENDS_ON", "SPDXRef-log"),  # also a plain dependency of the application: shipped
        ("SPDXRef-build", "BUILD_DEPENDENCY_OF", "SPDXRef-app"),
    ]
    doc = _document(packages, relationships, describes="SPDXRef-app")
    result = read_file(SOURCE, write_tree({"sbom.spdx.json": json.dumps(doc)}), "sbom.spdx.json")
    scopes = {c.name: c.scope for c in result.components}
    assert scopes == {"acme/crm": R, "phpstan/phpstan": D, "psr/log": R, "vite": D}


def test_bad_purl_is_a_problem_on_the_package_line_and_the_package_is_kept(read_file, write_tree):
    doc = _document([_package("SPDXRef-a", "monolog/monolog", "3.5.0", purl="composer:monolog/monolog 3.5.0")])
    result = read_file(SOURCE, write_tree({"sbom.spdx.json": json.dumps(doc, indent=1)}), "sbom.spdx.json")
    (component,) = result.components
    assert component.key == "pkg:generic/monolog%2Fmonolog@3.5.0"
    (problem,) = result.problems
    assert problem.location.line == component.location.line
    assert "'composer:monolog/monolog 3.5.0' is not a package URL" in problem.message


def test_purl_without_version_gets_the_package_version(read_file, write_tree):
    doc = _document([_package("SPDXRef-a", "monolog/monolog", "3.5.0", purl="pkg:composer/Monolog/Monolog")])
    result = read_file(SOURCE, write_tree({"sbom.spdx.json": json.dumps(doc)}), "sbom.spdx.json")
    assert result.components[0].key == "pkg:composer/monolog/monolog@3.5.0"  # composer names are lowercased


# ---- bad documents: one problem naming the file ----------------------------------------------------

@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("bad-license.spdx.json", 67, 'Error parsing LicenseExpression: "LGPL-2.1-only OR"'),
        ("truncated.spdx.json", 60, "is not valid JSON: Expecting property name enclosed in double quotes"),
        ("spdx3.spdx.json", 1, "is an SPDX 3 (JSON-LD) document; only SPDX 2.2/2.3 is read"),
        ("garbage.spdx", 15, "is not a valid SPDX tag-value document: Unknown tag provided in line 15"),
        ("entity.spdx.rdf", None, "declares a DTD or entities; such XML is not read"),
    ],
)
def test_broken_documents_are_one_problem(read_file, fixtures, name, line, message):
    result = read_file(SOURCE, fixtures / "sbom" / "broken", name)
    assert result.components == ()
    (problem,) = result.problems
    assert (problem.location.path, problem.location.line, problem.reader) == (name, line, "spdx-sbom")
    assert message in problem.message


def test_wrong_types_inside_a_document_are_one_problem_without_type_checker_noise(read_file, write_tree):
    doc = _document([_package("SPDXRef-a", "monolog/monolog", "3.5.0")])
    doc["packages"][0]["name"] = 5
    doc["packages"].append("psr/log")
    result = read_file(SOURCE, write_tree({"sbom.spdx.json": json.dumps(doc)}), "sbom.spdx.json")
    (problem,) = result.problems
    assert problem.message.startswith("is not a valid SPDX JSON document")
    assert "spdx_tools.common" not in problem.message


@pytest.mark.parametrize("name", ["sbom.spdx.rdf", "sbom.spdx.xml"])
def test_external_entities_are_never_resolved(read_file, write_tree, tmp_path, name):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    root_tag = "rdf:RDF" if name.endswith(".rdf") else "Document"
    text = (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root_tag} [<!ENTITY s SYSTEM "file://{secret}">]>\n'
        f'<{root_tag} xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><name>&s;</name></{root_tag}>\n'
    )
    result = read_file(SOURCE, write_tree({f"tree/{name}": text}) / "tree", name)
    (problem,) = result.problems
    assert "declares a DTD or entities" in problem.message
    assert "TOP-SECRET" not in repr(result)


def test_entity_expansion_bomb_is_refused_quickly(read_file, write_tree):
    entities = "".join(f'<!ENTITY e{i} "{"&e%d;" % (i - 1) * 10}">' for i in range(1, 10))
    text = f'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY e0 "boom">{entities}]><Document>&e9;</Document>'
    result = read_file(SOURCE, write_tree({"sbom.spdx.xml": text}), "sbom.spdx.xml")
    assert len(result.problems) == 1 and result.components == ()


def test_yaml_with_python_tags_is_one_problem(read_file, write_tree):
    text = "spdxVersion: SPDX-2.3\npackages: !!python/object/apply:os.system ['touch PWNED']\n"
    root = write_tree({"sbom.spdx.yaml": text})
    result = read_file(SOURCE, root, "sbom.spdx.yaml")
    (problem,) = result.problems
    assert (problem.location.line, problem.message.startswith("is not valid YAML")) == (2, True)
    assert not (root / "PWNED").exists()


# ---- helpers -------------------------------------------------------------------------------------

def _package(spdx_id, name, version, *, declared="MIT", concluded="NOASSERTION", purl=None):
    purl = purl or f"pkg:composer/{name}@{version}"
    return {
        "SPDXID": spdx_id, "name": name, "versionInfo": version, "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False, "licenseConcluded": concluded, "licenseDeclared": declared, "copyrightText": "NOASSERTION",
        "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl}],
    }


def _document(packages, relationships=(), describes=None):
    return {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "delivery",
        "documentNamespace": "https://sbom.acme-crm.example/spdx/test",
        "creationInfo": {"created": "2024-06-03T14:05:00Z", "creators": ["Organization: Acme CRM GmbH"]},
        "documentDescribes": [describes] if describes else [],
        "packages": packages,
        "relationships": [{"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b} for a, kind, b in relationships],
    }


def test_rdf_is_parsed_without_network_access(read_file, write_tree, fixtures, monkeypatch):
    import socket
    import urllib.request

    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: attempts.append(address))
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: attempts.append(a))
    text = (fixtures / "sbom" / "vendor" / "acme-crm.spdx.rdf").read_text(encoding="utf-8")
    text = text.replace(
        "<rdf:RDF\n",
        '<rdf:RDF xmlns:owl="http://www.w3.org/2002/07/owl#" xml:base="http://sbom.acme-crm.example/base/"\n',
        1,
    ).replace(
        "\n>\n",
        '\n>\n  <owl:Ontology rdf:about=""><owl:imports rdf:resource="http://spdx.org/rdf/terms"/></owl:Ontology>\n',
        1,
    )
    assert "owl:imports" in text
    result = read_file(SOURCE, write_tree({"sbom.spdx.rdf": text}), "sbom.spdx.rdf")
    assert (len(result.components), result.problems) == (11, ())
    assert attempts == []
