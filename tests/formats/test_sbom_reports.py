"""SPDX 2.3 (JSON and tag-value) read back and validated by spdx-tools; CycloneDX 1.6 validated against
its schema with cyclonedx-python-lib's validator."""

from __future__ import annotations

import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from osi_check.formats import cyclonedx, spdx
from tests.formats.conftest import write


def _spdx_documents(report, tmp_path):
    return [parse_file(str(write(tmp_path, "sbom.spdx.json", spdx.render_json(report)))),
            parse_file(str(write(tmp_path, "sbom.spdx", spdx.render_tag_value(report))))]


@pytest.mark.parametrize("name", ["example", "hostile"])
def test_spdx_documents_validate(request, tmp_path, name):
    for document in _spdx_documents(request.getfixturevalue(name), tmp_path):
        assert validate_full_spdx_document(document) == []


def test_spdx_packages_licenses_relationships_and_license_refs(example, tmp_path):
    for document in _spdx_documents(example, tmp_path):
        assert len(document.packages) == len(example.components)
        by_name = {p.name: p for p in document.packages}
        app = by_name["acme/suitecrm-acme"]
        assert str(app.license_concluded) == "AGPL-3.0-only" and str(app.license_declared) == "AGPL-3.0-only"
        assert str(by_name["phpxmlrpc/phpxmlrpc"].license_concluded) == "LicenseRef-osi-check-unknown-BSD"
        assert str(by_name["dompurify"].license_concluded) == "MPL-2.0 OR Apache-2.0"
        kinds = {r.relationship_type.name for r in document.relationships}
        assert {"DESCRIBES", "DEPENDS_ON", "CONTAINS", "DEV_DEPENDENCY_OF"} <= kinds
        refs = {e.license_id: e for e in document.extracted_licensing_info}
        assert set(refs) == {"LicenseRef-OPL-1", "LicenseRef-osi-check-unknown-BSD"}
        assert "'BSD'" in refs["LicenseRef-osi-check-unknown-BSD"].extracted_text
        assert "Odoo" in refs["LicenseRef-OPL-1"].extracted_text


def test_spdx_is_reproducible_unless_stamped(example):
    import dataclasses

    assert spdx.render_json(example) == spdx.render_json(example)
    assert '"created": "1970-01-01T00:00:00Z"' in spdx.render_json(example)
    stamped = dataclasses.replace(example, generated_at="2026-11-23T04:00:00Z")
    assert '"created": "2026-11-23T04:00:00Z"' in spdx.render_json(stamped)


def test_scancode_license_refs_carry_their_text(example):
    import dataclasses

    c = example.components[1]
    odd = dataclasses.replace(c, license=dataclasses.replace(c.license, expression="LicenseRef-scancode-commons-clause"))
    document = spdx.build_document(dataclasses.replace(example, components=(odd,)))
    (info,) = document.extracted_licensing_info
    assert "Commons Clause" in info.extracted_text and "licensedcode-data" in info.comment


@pytest.mark.parametrize("name", ["example", "full", "hostile"])
def test_cyclonedx_validates_against_the_1_6_schema(request, name):
    text = cyclonedx.render(request.getfixturevalue(name))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None


def test_cyclonedx_content(example):
    bom = json.loads(cyclonedx.render(example))
    assert bom["specVersion"] == "1.6"
    assert bom["metadata"]["component"]["name"] == "acme/suitecrm-acme"
    assert len(bom["components"]) == len(example.components) - 1
    jquery = next(c for c in bom["components"] if c["name"] == "jquery")
    assert jquery["licenses"] == [{"acknowledgement": "concluded", "expression": "MIT"}]
    assert jquery["purl"].startswith("pkg:npm/jquery@")
    scopes = {c["scope"] for c in bom["components"]}
    assert {"required", "excluded"} <= scopes
    (app_deps,) = [d for d in bom["dependencies"] if d["ref"] == bom["metadata"]["component"]["bom-ref"]]
    assert len(app_deps["dependsOn"]) == len(example.components) - 1
    assert cyclonedx.render(example) == cyclonedx.render(example)


def test_cyclonedx_rejects_a_broken_document():
    broken = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": 3}]})
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(broken) is not None
