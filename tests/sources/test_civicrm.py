"""CiviCrmInfoSource: CiviCRM extension info.xml, parsed with defusedxml only."""

from __future__ import annotations

import shutil

import pytest

from osi_check.detect.reference_texts import load
from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.civicrm import CiviCrmInfoSource
from osi_check.tree import TreeFile

SOURCE = CiviCrmInfoSource()
TWILIO = "ext/org.civicrm.sms.twilio/info.xml"
MOSAICO = "ext/uk.co.vedaconsulting.mosaico/info.xml"
EVENTSYNC = "ext/com.example.eventsync/info.xml"


@pytest.fixture
def civicrm(fixtures):
    return fixtures / "civicrm"


def only_component(result):
    (component,) = result.components
    return component


def test_name():
    assert SOURCE.name == "civicrm-info"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("info.xml", True),
        ("ext/org.civicrm.sms.twilio/info.xml", True),
        ("sites/default/files/civicrm/ext/x/info.xml", True),
        ("ext/x/info.xml.bak", False),
        ("ext/x/myinfo.xml", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_examples_are_handled():
    assert all(SOURCE.handles(TreeFile(p, 10)) for p in SOURCE.examples)


def test_twilio_extension(read_file, civicrm):
    result = read_file(SOURCE, civicrm, TWILIO)
    assert result.problems == ()
    component = only_component(result)
    assert component.key == component.purl == "pkg:generic/civicrm/org.civicrm.sms.twilio@1.5"
    assert (component.name, component.version, component.ecosystem) == ("org.civicrm.sms.twilio", "1.5", "civicrm")
    assert component.role is Role.MODULE and component.scope is Scope.RUNTIME
    assert component.root == "ext/org.civicrm.sms.twilio"
    assert component.location == Location(TWILIO, 13)  # the <license> line
    license_ = component.license
    assert license_.expression == "AGPL-3.0-only"
    assert any("'AGPL-3.0' is a deprecated SPDX id" in note for note in license_.notes)
    (evidence,) = license_.evidence
    assert (evidence.kind, evidence.location) == (EvidenceKind.DECLARED, Location(TWILIO, 13))
    assert evidence.quote == "AGPL-3.0"
    assert evidence.detail == "CiviCRM info.xml <license>"
    assert component.dependencies == ()


def test_requires_are_dependencies(read_file, civicrm):
    component = only_component(read_file(SOURCE, civicrm, MOSAICO))
    assert component.dependencies == ("org.civicrm.flexmailer", "org.civicrm.afform")
    assert component.version == "3.5.1706"
    assert component.location == Location(MOSAICO, 6)


def test_empty_license_element_declares_no_license(read_file, civicrm):
    result = read_file(SOURCE, civicrm, EVENTSYNC)
    assert result.problems == ()
    component = only_component(result)
    assert component.license.expression is None
    assert component.license.notes == ("the package declares no license",)
    assert component.location == Location(EVENTSYNC, 2)  # the <extension> start tag
    assert component.key == "pkg:generic/civicrm/com.example.eventsync@0.4-alpha"


def test_license_file_when_info_xml_declares_none(read_file, civicrm, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(civicrm, tree)
    (tree / "ext/com.example.eventsync/LICENSE.txt").write_text(load("agpl-3.0").text, encoding="utf-8")
    component = only_component(read_file(SOURCE, tree, EVENTSYNC))
    assert component.license.expression == "AGPL-3.0-only"
    assert component.license.evidence[0].kind is EvidenceKind.LICENSE_TEXT


def test_nextcloud_info_xml_is_not_claimed(read_file, civicrm):
    result = read_file(SOURCE, civicrm, "nextcloud/apps/calendar/appinfo/info.xml")
    assert result.components == () and result.problems == ()


@pytest.mark.parametrize(
    "content",
    [
        "<info><extension>not the root</extension></info>",
        "random words",
        b"\x00\x01\x02",
    ],
)
def test_other_info_xml_is_an_empty_result(read_file, write_tree, content):
    root = write_tree({"x/info.xml": content})
    result = read_file(SOURCE, root, "x/info.xml")
    assert result.components == () and result.problems == ()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE extension [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<extension key="org.example.bomb" type="module"><license>&lol3;</license></extension>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE extension [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<extension key="org.example.xxe" type="module"><license>&xxe;</license></extension>
"""


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ('<?xml version="1.0"?>\n<extension key="x">\n  <license>MIT</license>\n', 4, "not well-formed XML"),
        ('<?xml version="1.0"?>\n<extension key="x">\n  <license>MIT</licence>\n</extension>\n', 3, "mismatched tag"),
        (BILLION_LAUGHS, 3, "refuses to expand"),
        (XXE, 2, "refuses to expand"),
        ('<<<<<<< HEAD\n<extension key="x"/>\n=======\n', 1, "not well-formed XML"),
    ],
)
def test_bad_xml_is_exactly_one_problem(read_file, write_tree, content, line, reason):
    root = write_tree({"ext/x/info.xml": content})
    result = read_file(SOURCE, root, "ext/x/info.xml")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("ext/x/info.xml", line)
    assert reason in problem.message
    assert problem.reader == "civicrm-info"


def test_extension_without_key_is_named_after_its_directory(read_file, write_tree):
    content = '<?xml version="1.0"?>\n<extension type="module">\n  <license>GPL-2.0+</license>\n</extension>\n'
    root = write_tree({"ext/legacy/info.xml": content})
    result = read_file(SOURCE, root, "ext/legacy/info.xml")
    component = only_component(result)
    assert (component.name, component.key, component.purl) == ("legacy", "civicrm:ext/legacy", None)
    assert component.license.expression == "GPL-2.0-or-later"
    (problem,) = result.problems
    assert problem.location == Location("ext/legacy/info.xml", 2)
    assert "no 'key' attribute" in problem.message


def test_unknown_license_string_is_kept_raw(read_file, write_tree):
    content = '<extension key="org.example.x"><license>AGPL</license><version>1.0</version></extension>'
    root = write_tree({"info.xml": content})
    component = only_component(read_file(SOURCE, root, "info.xml"))
    assert component.license.unknown == ("AGPL",)
    assert any("ambiguous" in note for note in component.license.notes)
    assert component.root == "."
