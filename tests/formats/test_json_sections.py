"""The JSON report carries what other stages add to a Report: topics, actions, waivers, the upstream
comparison, OSD assessments and fees; valid against the report schema."""

from __future__ import annotations

import json

import jsonschema

from osi_check.formats import json_report


def test_sections_filled_by_other_stages_are_in_the_json_report(full, report_schema):
    data = json.loads(json_report.render(full))
    jsonschema.validate(data, report_schema)
    waived = [f for f in data["findings"] if f["suppression"]]
    assert {f["suppression"]["kind"] for f in waived} == {"waiver", "commercial-license"}
    assert any(f["action"] and f["topic"] == "disclosure" for f in data["findings"])
    assert data["upstream"] == "SuiteCRM 8.6.1 (git tag v8.6.1)"
    assert data["modifications"]["upstream"] == data["upstream"]
    assert [m["status"] for m in data["modifications"]["files"]] == ["modified", "added", "modified"]
    assert data["license_assessments"][1]["criteria"][0]["verdict"] == "fail"
    assert data["fees"][1]["verdict"] == "forbidden"


def test_example_json_is_valid_with_empty_sections(example, report_schema):
    data = json.loads(json_report.render(example))
    jsonschema.validate(data, report_schema)
    # no upstream comparison: no modifications section at all, so nobody reads "nothing changed" into it
    assert "modifications" not in data and data["fees"] == [] and data["upstream"] is None
