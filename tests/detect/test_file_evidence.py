"""FileEvidenceDetector: license evidence inside the files of a tree (notices, tags, references, markers,
license texts, additional terms), one FileLicense per file, bounded work on hostile input."""

from __future__ import annotations

import codecs
import textwrap
from pathlib import Path

import pytest

from osi_check import licensing
from osi_check.detect.file_evidence import MAX_MATCHES, FileEvidenceDetector, examine
from osi_check.facts import EvidenceKind, Location, SourceResult
from osi_check.tree import Tree, TreeFile

DETECTOR = FileEvidenceDetector()
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "detect"
TREE = FIXTURES / "file-evidence"
CIVICRM_EXCEPTION = "LicenseRef-scancode-civicrm-exception-to-agpl-3.0"


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


def conclusion(root: Path, rel: str):
    result = read(root, rel)
    assert result.problems == () and result.components == ()
    (file_license,) = result.files
    assert file_license.path == rel and file_license.component_key == ""
    return file_license.license


def of_text(text: str | bytes, path: str = "src/Example.php"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return examine(path, data, len(data))


def kinds(c) -> list[str]:
    return [e.kind.value for e in c.evidence]


@pytest.fixture(scope="module")
def fixture_tree() -> dict[str, SourceResult]:
    tree = Tree(TREE)
    return {f.path: DETECTOR.read(tree, f) for f in tree.walk() if DETECTOR.handles(f)}


# --------------------------------------------------------------------------------------------------
# the fixture tree: real-looking CRM headers


def test_fixture_tree_expressions(fixture_tree):
    found = {path: r.files[0].license.expression for path, r in fixture_tree.items() if r.files}
    assert all(not r.problems for r in fixture_tree.values())
    jquery = found.pop("include/javascript/jquery/jquery-3.7.1.min.js", None)
    assert jquery in (None, "MIT")  # MIT once "jquery.org/license" is a known license URL; never unknown
    jsmin = found.pop("include/javascript/jsmin.js")
    assert jsmin.endswith(f"AND {licensing.UNKNOWN_PREFIX}additional-terms-in-jsmin.js")
    assert found == {
        "civicrm-4.7/CRM/Contact/BAO/Query.php": f"AGPL-3.0-only WITH {CIVICRM_EXCEPTION}",
        "civicrm/CRM/Core/Permission/Joomla.php": f"AGPL-3.0-only WITH {CIVICRM_EXCEPTION}",
        "docs/README.md": "MIT",
        "espocrm-7/client/src/views/user/record/detail.js": "GPL-3.0-or-later",
        "espocrm/application/Espo/Core/Application.php": "AGPL-3.0-or-later",
        "include/javascript/jquery/jquery.cookie.js": "MIT OR GPL-2.0-only",
        "include/javascript/moment-timezone.js": "MIT",
        "install/sql/schema.sql": "GPL-3.0-only",
        "java/src/main/java/com/acme/crm/LeadService.java": "Apache-2.0",
        "java/src/main/java/org/glassfish/crm/Endpoint.java": "EPL-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0",
        "js/editor/sanitizer.js": "MPL-2.0-no-copyleft-exception",
        "js/editor/toolbar.js": "MPL-2.0",
        "lib/ajax/xajax_core.inc.php": f"{licensing.UNKNOWN_PREFIX}BSD-License",
        "node_modules/lodash/LICENSE": "MIT",
        "node_modules/lodash/lodash.js": "MIT",
        "node_modules/lodash/lodash.min.js": "MIT",  # banner URL lodash.com/license (rules/knowledge/license-urls.yaml)
        "node_modules/react/cjs/react.production.min.js": "MIT",
        "odoo/addons/partner_contact_sync/models/res_partner.py": "AGPL-3.0-or-later",
        "rust/src/lib.rs": "Apache-2.0 OR MIT",
        "suitecrm7/modules/Accounts/Account.php": "AGPL-3.0-only",
        "suitecrm8/core/backend/Install/Command/BaseStepExecutorCommand.php": "AGPL-3.0-only",
        "tools/sync_contacts.py": "GPL-2.0-or-later",
        "twenty/packages/twenty-server/src/engine/core-modules/billing/services/billing-subscription.service.ts":
            "LicenseRef-Twenty-Commercial",
        "vendor/acme/mailer/LICENSE": "MIT",
        "vendor/acme/mailer/src/Transport/SmtpTransport.php": "MIT",
        "vendor/nimbus/voip-sdk/LICENSE.txt": f"{licensing.UNKNOWN_PREFIX}LICENSE.txt",
        "x2crm/protected/components/X2Form.php": "AGPL-3.0-only",
    }


def test_files_without_license_statements_give_nothing(fixture_tree):
    for path in ("modules/Administration/language/en_us.lang.php",  # "License Agreement", "license key", ...
                 "twenty/packages/twenty-server/src/engine/core-modules/auth/auth.service.ts"):
        assert fixture_tree[path] == SourceResult(), path


def test_root_license_files_and_changelogs_are_not_read():
    tree = Tree(TREE)
    paths = {f.path for f in tree.walk()}
    assert {"LICENSE", "CHANGELOG.md", "vendor/acme/mailer/composer.json"} <= paths
    assert not DETECTOR.handles(TreeFile("LICENSE", 100))
    assert not DETECTOR.handles(TreeFile("CHANGELOG.md", 100))


def test_suitecrm7_header_agpl_only_with_section_7_terms():
    c = conclusion(TREE, "suitecrm7/modules/Accounts/Account.php")
    assert c.expression == "AGPL-3.0-only" and c.unknown == () and c.confident
    notice = next(e for e in c.evidence if e.kind is EvidenceKind.NOTICE)
    assert notice.location == Location("suitecrm7/modules/Accounts/Account.php", 16, 21)
    assert notice.quote.startswith("under the terms of the GNU Affero General Public License version 3")
    assert "without 'or any later version'" in notice.detail and len(notice.quote) <= 200
    tag = next(e for e in c.evidence if e.kind is EvidenceKind.SPDX_TAG)
    assert tag.location.line == 41
    attribution, disclaimer = sorted(c.additional_terms, key=lambda t: t.kind)
    assert attribution.kind == "attribution" and attribution.section == "7(b)"
    assert attribution.required_notices == ("Powered by SugarCRM", "Supercharged by SuiteCRM")
    assert attribution.location == Location("suitecrm7/modules/Accounts/Account.php", 35, 39)
    assert disclaimer.kind == "warranty-disclaimer" and disclaimer.section == "7(a)"
    assert disclaimer.text.startswith("FOR ANY PART OF THE COVERED WORK IN WHICH THE COPYRIGHT IS OWNED BY SUGARCRM")
    assert kinds(c).count("additional-terms") == 2
    assert any("'Powered by SugarCRM' and 'Supercharged by SuiteCRM'" in n for n in c.notes)


def test_suitecrm8_espocrm_and_x2crm_attribution_terms():
    expected = {
        "suitecrm8/core/backend/Install/Command/BaseStepExecutorCommand.php": ("Supercharged by SuiteCRM",),
        "espocrm/application/Espo/Core/Application.php": ("EspoCRM",),
        "espocrm-7/client/src/views/user/record/detail.js": ("EspoCRM",),
        "x2crm/protected/components/X2Form.php": ("Powered by X2Engine",),
    }
    for path, notices in expected.items():
        terms = conclusion(TREE, path).additional_terms
        (attribution,) = [t for t in terms if t.kind == "attribution"]
        assert attribution.required_notices == notices and attribution.section == "7(b)", path
    x2 = conclusion(TREE, "x2crm/protected/components/X2Form.php")
    (disclaimer,) = [t for t in x2.additional_terms if t.kind == "warranty-disclaimer"]
    assert "OWNED BY X2ENGINE, X2ENGINE DISCLAIMS" in disclaimer.text


def test_civicrm_exception_goes_into_the_expression():
    c = conclusion(TREE, "civicrm-4.7/CRM/Contact/BAO/Query.php")
    assert c.expression == f"AGPL-3.0-only WITH {CIVICRM_EXCEPTION}"
    (term,) = c.additional_terms  # named twice in the header, one term
    assert term.kind == "extra-permission" and term.location.line == 12
    if not licensing.is_known_exception(CIVICRM_EXCEPTION):
        assert c.unknown and CIVICRM_EXCEPTION in c.unknown[0]
    short = conclusion(TREE, "civicrm/CRM/Core/Permission/Joomla.php")
    assert short.expression == f"AGPL-3.0-only WITH {CIVICRM_EXCEPTION}"
    assert not short.confident  # "with some permitted exceptions" only alludes to the exception
    assert any("civicrm.org/licensing" in n for n in short.notes)


def test_twenty_enterprise_marker():
    c = conclusion(TREE, "twenty/packages/twenty-server/src/engine/core-modules/billing/services/"
                         "billing-subscription.service.ts")
    assert c.expression == "LicenseRef-Twenty-Commercial"
    (marker,) = c.evidence
    assert marker.kind is EvidenceKind.MARKER and marker.location.line == 1 and marker.quote == "@license Enterprise"
    if not licensing.is_known_key("LicenseRef-Twenty-Commercial"):
        assert c.unknown == ("@license Enterprise",) and c.status == "unknown"


def test_oca_header_is_a_reference_with_scope():
    c = conclusion(TREE, "odoo/addons/partner_contact_sync/models/res_partner.py")
    (ref,) = c.evidence
    assert ref.kind is EvidenceKind.REFERENCE and ref.location.line == 2
    assert ref.quote == "License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl)."


def test_apache_java_header_counts_the_notice_once():
    c = conclusion(TREE, "java/src/main/java/com/acme/crm/LeadService.java")
    assert kinds(c) == ["notice"]  # the reference and URL that repeat it are not evidence of their own
    assert c.evidence[0].location.line == 4


def test_epl_secondary_license_is_a_choice_and_agrees_with_the_tag():
    c = conclusion(TREE, "java/src/main/java/org/glassfish/crm/Endpoint.java")
    assert sorted(kinds(c)) == ["notice", "spdx-tag"]
    notice = next(e for e in c.evidence if e.kind is EvidenceKind.NOTICE)
    assert notice.location == Location("java/src/main/java/org/glassfish/crm/Endpoint.java", 4, 11)


def test_mpl_exhibit_b():
    c = conclusion(TREE, "js/editor/sanitizer.js")
    assert any("Exhibit B" in n for n in c.notes)


def test_python_docstring_and_sql_comment_lines():
    py = conclusion(TREE, "tools/sync_contacts.py")
    assert py.evidence[0].location == Location("tools/sync_contacts.py", 7, 9)
    sql = conclusion(TREE, "install/sql/schema.sql")
    assert sql.evidence[0].location == Location("install/sql/schema.sql", 5, 6)


def test_license_texts_in_vendored_packages_and_readmes():
    vendored = conclusion(TREE, "vendor/acme/mailer/LICENSE")
    assert vendored.evidence[0].kind is EvidenceKind.LICENSE_TEXT
    assert vendored.evidence[0].location == Location("vendor/acme/mailer/LICENSE", 3, 19)
    readme = conclusion(TREE, "docs/README.md")
    (text,) = readme.evidence
    assert text.kind is EvidenceKind.LICENSE_TEXT and text.location == Location("docs/README.md", 15, 31)
    unidentified = conclusion(TREE, "vendor/nimbus/voip-sdk/LICENSE.txt")
    assert unidentified.unknown == ("LICENSE.txt (text not identified)",)


def test_license_text_with_a_rider_is_not_clean():
    c = conclusion(TREE, "include/javascript/jsmin.js")
    assert c.unknown and c.status == "unknown"
    assert any(e.kind is EvidenceKind.LICENSE_TEXT for e in c.evidence)


def test_banners_of_minified_files():
    react = conclusion(TREE, "node_modules/react/cjs/react.production.min.js")
    assert react.evidence[0].kind is EvidenceKind.REFERENCE  # what counts comes first; "@license React" last
    assert "not counted" in react.evidence[-1].detail and react.evidence[-1].kind is EvidenceKind.TAG
    counted = [e for e in react.evidence if "not counted" not in e.detail]
    assert [e.kind for e in counted] == [EvidenceKind.REFERENCE]
    assert counted[0].quote == "licensed under the MIT license" and counted[0].location.line == 7
    lodash = conclusion(TREE, "node_modules/lodash/lodash.js")
    assert lodash.evidence[0].quote == "Released under MIT license"


def test_at_license_tag_with_url_and_name():
    c = conclusion(TREE, "vendor/acme/mailer/src/Transport/SmtpTransport.php")
    (tag,) = c.evidence
    assert tag.kind is EvidenceKind.TAG and tag.location.line == 18 and tag.quote == "@license MIT"
    xajax = conclusion(TREE, "lib/ajax/xajax_core.inc.php")
    assert xajax.unknown == ("BSD License",)  # a tag is a statement: an ambiguous one stays visible


def test_rust_style_choice_between_two_licenses():
    c = conclusion(TREE, "rust/src/lib.rs")
    assert any("offers a choice" in n for n in c.notes)


# --------------------------------------------------------------------------------------------------
# acceptance: the standard notices of each license, in each comment style, only and or-later

FSF = "the Free Software Foundation"
WARRANTY = ("This program is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY; without even "
            "the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU {name} for "
            "more details.")
RECEIVED = ("You should have received a copy of the GNU {name} along with this program.  If not, see "
            "<https://www.gnu.org/licenses/>.")
GNU_NAMES = {"GPL": "General Public License", "LGPL": "Lesser General Public License",
             "AGPL": "Affero General Public License"}


def gnu_notice(family: str, version: str, scope: str) -> list[str]:
    """The notice of the license's "How to Apply" appendix (or-later), or the same without "or (at your
    option) any later version" (only). GPL-2.0 -only in its common form "version 2 as published by ..."."""
    name = GNU_NAMES[family]
    subject = "This library" if family == "LGPL" else "This program"
    sep = ";" if version in ("2", "2.1") else ":"
    lead = f"{subject} is free software{sep} you can redistribute it and/or modify it under the terms of the GNU {name}"
    if scope == "or-later":
        either = ";" if version in ("2", "2.1") else ","
        grant = f"{lead} as published by {FSF}{either} either version {version} of the License, or (at your option) any later version."
    elif family == "GPL" and version == "2":
        grant = f"{lead} version 2 as published by {FSF}."
    else:
        grant = f"{lead} as published by {FSF}, version {version} of the License."
    return [grant, WARRANTY.format(name=name), RECEIVED.format(name=name)]


NOTICES = {
    f"{family}-{version if '.' in version else version + '.0'}-{scope}": gnu_notice(family, version, scope)
    for family, version in (("GPL", "2"), ("GPL", "3"), ("AGPL", "3"), ("LGPL", "2.1"), ("LGPL", "3"))
    for scope in ("only", "or-later")
}
NOTICES["Apache-2.0"] = [
    'Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance '
    "with the License. You may obtain a copy of the License at",
    "http://www.apache.org/licenses/LICENSE-2.0",
    'Unless required by applicable law or agreed to in writing, software distributed under the License is distributed '
    'on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License '
    "for the specific language governing permissions and limitations under the License.",
]
NOTICES["MPL-2.0"] = [
    "This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0. If a copy of the MPL was not "
    "distributed with this file, You can obtain one at http://mozilla.org/MPL/2.0/.",
]
NOTICES["EPL-2.0"] = [
    "This program and the accompanying materials are made available under the terms of the Eclipse Public License "
    "2.0 which is available at https://www.eclipse.org/legal/epl-2.0/",
    "SPDX-License-Identifier: EPL-2.0",
]


def _box(lines: list[str]) -> list[str]:
    return [f" | {line:<66} |" for line in lines]


# style -> (path, opening lines, per-line prefix, closing lines, code after)
STYLES = {
    "php": ("src/Crm/Service.php", ["<?php", "/**"], " * ", [" */"], "namespace Acme\\Crm;"),
    "javascript": ("public/js/service.js", [], "// ", [], "'use strict';"),
    "python": ("crm/service.py", [], "# ", [], "import os"),
    "java": ("src/main/java/com/acme/crm/Service.java", ["/*"], " * ", [" */"], "package com.acme.crm;"),
    "python-docstring": ("crm/sync.py", ['"""Synchronise contacts.', ""], "", ['"""'], "import sys"),
    "sql": ("install/schema.sql", [], "-- ", [], "CREATE TABLE t (id INT);"),
    "html": ("themes/default/layout.html", ["<!--"], "  ", ["-->"], "<html></html>"),
    "twig": ("templates/base.html.twig", ["{#"], " # ", ["#}"], "{% block body %}{% endblock %}"),
    "smarty": ("themes/SuiteP/tpls/footer.tpl", ["{*"], "", ["*}"], "<div>{$APP.LBL_FOOTER}</div>"),
    "batch": ("bin/install.bat", ["@echo off"], "REM ", [], "echo done"),
    "ini": ("config/crm.ini", [], "; ", [], "[database]"),
    "civicrm-box": ("CRM/Core/Example.php", ["<?php", "/*", " +" + "-" * 68 + "+"], "box", [" +" + "-" * 68 + "+", " */"],
                    "class CRM_Core_Example {}"),
}


def render(style: str, paragraphs: list[str]) -> tuple[str, str, int, int]:
    """The file, and the lines its first paragraph (the grant) is on."""
    path, opening, prefix, closing, code = STYLES[style]
    lines = list(opening)
    first = last = 0
    for k, paragraph in enumerate(paragraphs):
        wrapped = textwrap.wrap(paragraph, 66)
        if k == 0:
            first, last = len(lines) + 1, len(lines) + len(wrapped)
        lines += _box(wrapped) if prefix == "box" else [f"{prefix}{w}" for w in wrapped]
        if k < len(paragraphs) - 1:
            lines.append(_box([""])[0] if prefix == "box" else prefix.rstrip())
    lines += closing
    lines += ["", code, ""]
    return path, "\n".join(lines), first, last


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("expected", list(NOTICES))
def test_standard_notices_in_every_comment_style(expected, style):
    path, text, first, last = render(style, NOTICES[expected])
    c = of_text(text, path)
    assert c is not None, f"nothing found in\n{text}"
    assert c.expression == expected
    assert c.unknown == ()
    notice = next(e for e in c.evidence if e.kind is EvidenceKind.NOTICE)
    assert first <= notice.location.line <= last, (notice.location, first, last)
    assert notice.score == 1.0


# --------------------------------------------------------------------------------------------------
# several licenses in one file, exceptions, terms


def header(*paragraphs: str, path: str = "src/Mixed.php"):
    body = "".join(" * " + line + "\n" for p in paragraphs for line in [*textwrap.wrap(p, 76), ""])
    return of_text("<?php\n/**\n" + body + " */\nclass Mixed {}\n", path)


GPL2_PLUS = ("This program is free software; you can redistribute it and/or modify it under the terms of the GNU General "
             "Public License as published by the Free Software Foundation; either version 2 of the License, or (at your "
             "option) any later version.")
AGPL3_PLUS = ("This program is free software: you can redistribute it and/or modify it under the terms of the GNU Affero "
              "General Public License as published by the Free Software Foundation, either version 3 of the License, or "
              "(at your option) any later version.")


def test_classpath_exception():
    c = header(GPL2_PLUS, "As a special exception, the copyright holders of this library give you permission to link "
                          "this library with independent modules to produce an executable, regardless of the license "
                          "terms of these independent modules.")
    assert c.expression == "GPL-2.0-or-later WITH Classpath-exception-2.0"
    (term,) = c.additional_terms
    assert term.kind == "extra-permission"


def test_two_licenses_without_a_choice_are_combined_with_and():
    c = header("SPDX-License-Identifier: MIT", "Parts of this file: SPDX-License-Identifier: LGPL-2.1-or-later")
    assert c.expression == "MIT AND LGPL-2.1-or-later"
    assert any("all are taken to apply (AND)" in n for n in c.notes)


def test_dual_licensing_is_a_choice():
    c = header("Dual licensed under the MIT license or the Apache License, Version 2.0, at your option.",
               "SPDX-License-Identifier: MIT", "SPDX-License-Identifier: Apache-2.0")
    assert c.expression == "MIT OR Apache-2.0"


def test_tag_and_notice_naming_the_same_license_give_one_expression():
    c = header(AGPL3_PLUS, "SPDX-License-Identifier: AGPL-3.0-or-later")
    assert c.expression == "AGPL-3.0-or-later"
    assert sorted(kinds(c)) == ["notice", "spdx-tag"]


def test_a_url_does_not_override_the_scope_a_notice_states():
    c = header(AGPL3_PLUS, "See https://www.gnu.org/licenses/agpl-3.0.html")
    assert c.expression == "AGPL-3.0-or-later"


def test_a_reference_to_another_license_is_evidence_not_counted():
    c = header(AGPL3_PLUS, "The bundled parser is released under the MIT license.")
    assert c.expression == "AGPL-3.0-or-later"
    ignored = [e for e in c.evidence if "not counted" in e.detail]
    assert [e.kind for e in ignored] == [EvidenceKind.REFERENCE]
    assert any("refers to MIT" in n for n in c.notes)


def test_further_restriction_on_agpl_is_removable_and_recorded():
    c = header(AGPL3_PLUS, "This program may not be used for commercial purposes without a written agreement.")
    assert c.expression == "AGPL-3.0-or-later"
    (term,) = c.additional_terms
    assert term.kind == "further-restriction"
    assert any("§7 lets the recipient remove it" in n for n in c.notes)


def test_rider_on_a_permissive_license_makes_it_unknown():
    c = header("Released under the MIT license.", "The Software shall be used for Good, not Evil.",
               path="lib/json.js")
    assert c.expression == f"MIT AND {licensing.UNKNOWN_PREFIX}additional-terms-in-json.js"
    (term,) = c.additional_terms
    assert term.kind == "rider"
    assert c.unknown and "Good, not Evil" in c.unknown[0]


def test_the_same_header_in_two_files_gives_each_its_own_locations(tmp_path):
    header = (TREE / "suitecrm7/modules/Accounts/Account.php").read_text("utf-8")
    root = write(tmp_path, {"a/One.php": header, "b/Two.php": header.replace("<?php\n", "<?php\n\n")})
    one, two = conclusion(root, "a/One.php"), conclusion(root, "b/Two.php")
    for rel, c in (("a/One.php", one), ("b/Two.php", two)):
        assert {e.location.path for e in c.evidence} == {rel}
        assert {t.location.path for t in c.additional_terms} == {rel}
    assert two.evidence[0].location.line == one.evidence[0].location.line + 1


def test_mit_text_pasted_into_a_header():
    mit = Path(TREE / "vendor/acme/mailer/LICENSE").read_text("utf-8")
    text = "/*!\n * widget.js 2.0\n *\n" + "".join(f" * {line}".rstrip() + "\n" for line in mit.splitlines()) + \
           " */\n(function () { return 1; })();\n"
    c = of_text(text, "public/js/widget.js")
    assert c.expression == "MIT"
    text_evidence = next(e for e in c.evidence if e.kind is EvidenceKind.LICENSE_TEXT)
    assert text_evidence.location == Location("public/js/widget.js", 6, 22)
    assert {e.location.path for e in c.evidence} == {"public/js/widget.js"}


@pytest.mark.parametrize(
    "path,text,expression,kind",
    [
        ("wp-content/plugins/crm-forms/crm-forms.php",
         "<?php\n/*\nPlugin Name: CRM Forms\nLicense: GPLv2 or later\nLicense URI: http://www.gnu.org/licenses/gpl-2.0.html\n*/\n",
         "GPL-2.0-or-later", EvidenceKind.REFERENCE),
        ("administrator/components/com_crm/crm.php",
         "<?php\n/**\n * @package Joomla.Administrator\n * @license GNU General Public License version 2 or later; "
         "see LICENSE.txt\n */\n", "GPL-2.0-or-later", EvidenceKind.TAG),
        ("lib/a.js", "/**\n * @license http://opensource.org/licenses/MIT MIT\n */\n", "MIT", EvidenceKind.TAG),
        ("lib/b.php", "<?php\n/**\n * @license   https://www.gnu.org/licenses/agpl-3.0.html AGPL-3.0\n */\n",
         "AGPL-3.0-only", EvidenceKind.TAG),
        ("lib/c.php", "<?php\n/** @license GPL-2.0-or-later */\n", "GPL-2.0-or-later", EvidenceKind.TAG),
        ("node_modules/ansi-regex/readme.md", "# ansi-regex\n\n## License\n\nMIT © [Sindre Sorhus](https://sindresorhus.com)\n",
         "MIT", EvidenceKind.REFERENCE),
        ("docs/README.md", "# Connector\n\n## License\n\n**[MIT](LICENSE)**\n", "MIT", EvidenceKind.REFERENCE),
        ("README.md", "# Y\n\n## License\n\nThis project is licensed under the Apache License 2.0 - see the "
                      "[LICENSE](LICENSE) file.\n", "Apache-2.0", EvidenceKind.REFERENCE),
        ("lib/d.js", "// released under the GNU GPL v3 or later and comes with no warranty\n", "GPL-3.0-or-later",
         EvidenceKind.REFERENCE),
        ("lib/e.py", "# Distributed under the Boost Software License, Version 1.0.\n", "BSL-1.0", EvidenceKind.REFERENCE),
        ("modules/crm/crm.info.yml", "name: CRM\ntype: module\nlicense: GPL-2.0-or-later\n", "GPL-2.0-or-later",
         EvidenceKind.REFERENCE),
        ("lib/f.js", "/*\n * Copyright 2020 Foo\n * https://opensource.org/licenses/MIT\n */\n", "MIT", EvidenceKind.REFERENCE),
        ("lib/g.java", "// See http://www.apache.org/licenses/LICENSE-2.0\n", "Apache-2.0", EvidenceKind.REFERENCE),
        ("lib/h.js", "/*! widget v1 | Copyright jQuery Foundation and other contributors; Licensed MIT */\n", "MIT",
         EvidenceKind.REFERENCE),
        ("node_modules/@babel/export/dist/export.min.js",
         "/*! @babel/export v0.8.8 | MIT License | github.com/example/babel/export */!function(e){" + "e();" * 200 + "}",
         "MIT", EvidenceKind.REFERENCE),
        ("node_modules/phone/dist/phone.min.js", "/*! phone v2.0.1 | CC0-1.0 License */var a=" + "1+" * 400 + "1;", "CC0-1.0",
         EvidenceKind.REFERENCE),
        ("include/DetailView/DetailView.php", "<?php\n/**\n * @license    http://www.gnu.org/copyleft/lesser.html GNU Lesser "
         "General Public License\n */\n", "LGPL-2.1-or-later", EvidenceKind.TAG),
    ],
)
def test_tags_and_references_in_their_common_forms(path, text, expression, kind):
    c = of_text(text, path)
    assert c is not None and c.expression == expression
    assert c.evidence[0].kind is kind and c.unknown == ()


@pytest.mark.parametrize(
    "text",
    [
        "'LBL_LICENSE_AGREEMENT' => 'License Agreement',",
        "Please enter your license key to activate SuiteCRM Professional.",
        "Licensed to the Apache Software Foundation (ASF) under one or more contributor license agreements.",
        "This add-on is licensed under your SugarCRM subscription.",
        "The license manager shows the licensed users of the Enterprise Edition.",
        "echo 'Licensed under the terms shown at checkout';",
        "@license React v18.2.0",
        "released under the GPL",  # which GPL? a reference must name a license osi-check recognises
    ],
)
def test_ui_strings_and_product_names_are_not_licenses(text):
    assert of_text(f"<?php\n// {text}\n") is None


# --------------------------------------------------------------------------------------------------
# SPDX tags: the reading of the former SpdxTagDetector is kept


@pytest.mark.parametrize(
    "line,expression,unknown",
    [
        ("# SPDX-License-Identifier: MIT  # noqa: E501", "MIT", ()),
        ("<?php /* SPDX-License-Identifier: MIT */ namespace App; ?>", "MIT", ()),
        ("<!-- SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception -->", "Apache-2.0 WITH LLVM-exception", ()),
        ("# SPDX-License-Identifier: (MIT OR Apache-2.0)", "MIT OR Apache-2.0", ()),
        ("| SPDX-License-Identifier: MPL-2.0 | header |", "MPL-2.0", ()),
        ("// SPDX-License-Identifier: GPL-2.0/MIT", "GPL-2.0-only OR MIT", ()),
        ("// SPDX-License-Identifier: LICENSE_ID", f"{licensing.UNKNOWN_PREFIX}LICENSE-ID", ("LICENSE_ID",)),
    ],
)
def test_spdx_tag_values(line, expression, unknown):
    c = of_text(line + "\n")
    assert c.expression == expression and c.unknown == unknown
    assert c.evidence[0].kind is EvidenceKind.SPDX_TAG and c.evidence[0].location.line == 1


@pytest.mark.parametrize("line", ["SPDX-License-Identifier: <SPDX-ID>", "// SPDX-License-Identifier: $LICENSE",
                                  "{# SPDX-License-Identifier: {{ license }} #}", "SPDX-License-Identifier:"])
def test_spdx_placeholders_are_not_tags(line):
    assert of_text(line + "\n", "templates/a.twig") is None


def test_the_former_spdx_fixture_tree_now_includes_vendored_code():
    tree = Tree(FIXTURES / "spdx-tree")
    found = {f.path: DETECTOR.read(tree, f).files for f in tree.walk() if DETECTOR.handles(f)}
    assert {p: fl[0].license.expression for p, fl in found.items() if fl} == {
        "node_modules/left-pad/index.js": "WTFPL",
        "public/js/app.js": "MIT",
        "src/Controller.php": "AGPL-3.0-or-later",
        "templates/base.html.twig": f"{licensing.UNKNOWN_PREFIX}Acme-Proprietary-1.0",
        "templates/mail.html": "CC-BY-4.0",
        "tools/build.py": "GPL-2.0-only OR MIT",
        "vendor/acme/lib/src/Util.php": "BSD-3-Clause",
    }


# --------------------------------------------------------------------------------------------------
# the reader interface


@pytest.mark.parametrize(
    "path,handled",
    [("src/a.php", True), ("vendor/acme/lib/src/A.php", True), ("node_modules/x/index.js", True),
     ("node_modules/x/LICENSE", True), ("vendor/acme/lib/COPYING.txt", True), ("addons/m/LICENSE", True),
     ("README.md", True), ("Makefile", True), ("bin/console", True), ("lib/a.min.js", True), ("a.tpl", True),
     ("LICENSE", False), ("COPYING.txt", False), ("package.json", False), ("composer.lock", False),
     ("logo.png", False), ("x.min.map", False), (".env", False), ("THIRD-PARTY-NOTICES.txt", False),
     ("docs/CHANGELOG.md", False), ("NOTICE", False)],
)
def test_handles(path, handled):
    assert DETECTOR.handles(TreeFile(path, 100)) is handled


def test_examples_are_handled_and_big_files_too():
    assert DETECTOR.name == "file-evidence"
    assert all(DETECTOR.handles(TreeFile(p, 10)) for p in DETECTOR.examples)
    assert DETECTOR.handles(TreeFile("big.js", 2 * 1024**3))


def test_unreadable_file_is_one_problem(tmp_path):
    result = DETECTOR.read(Tree(tmp_path), TreeFile("missing.php", 10))
    (problem,) = result.problems
    assert problem.reader == "file-evidence" and problem.location.path == "missing.php"


def test_example_deployment():
    tree = Tree(Path(__file__).resolve().parents[2] / "examples" / "suitecrm-deployment")
    found = {f.path: DETECTOR.read(tree, f) for f in tree.walk() if DETECTOR.handles(f)}
    licenses = {p: r.files[0].license for p, r in found.items() if r.files}
    assert licenses["include/lib/json_helper.js"].expression == "MIT"
    assert licenses["addons/crm_lead_scoring/models/crm_lead.py"].expression == "LGPL-3.0-or-later"
    assert licenses["addons/partner_contact_sync/models/res_partner.py"].expression == "AGPL-3.0-or-later"
    # the OPL-1 file is a short pointer naming the license: read as a reference (declared-aliases.yaml)
    assert licenses["addons/crm_voip_connector/LICENSE"].expression == "LicenseRef-OPL-1"
    suite = [c for p, c in licenses.items() if p.startswith(("modules/", "include/utils", "public/", "themes/"))]
    assert len(suite) == 6 and all(c.expression == "AGPL-3.0-only" for c in suite)
    assert all(any(t.kind == "attribution" for t in c.additional_terms) for c in suite)
    assert "LICENSE.txt" not in found  # the root license file is the LicenseFileDetector's


# --------------------------------------------------------------------------------------------------
# hostile input: no crash, bounded work, and the budget visible in the result


def test_binary_content_under_a_source_name(tmp_path):
    root = write(tmp_path, {"weird.js": b"\x00\x01SPDX-License-Identifier: MIT\x00" + bytes(range(256)) * 40})
    assert read(root, "weird.js") == SourceResult()


def test_sparse_one_gigabyte_file(tmp_path):
    empty = tmp_path / "dump.sql"
    with open(empty, "wb") as fh:
        fh.truncate(1 << 30)
    assert read(tmp_path, "dump.sql") == SourceResult()  # NUL bytes: binary, not read further

    big = tmp_path / "export.sql"
    head = ("-- SPDX-License-Identifier: GPL-3.0-or-later\n" + "-- generated by the CRM export tool\n" * 300).encode()
    with open(big, "wb") as fh:
        fh.write(head)
        fh.truncate(1 << 30)
    c = conclusion(tmp_path, "export.sql")
    assert c.expression == "GPL-3.0-or-later"
    assert "first 64 KiB examined of 1,073,741,824 bytes" in c.evidence[0].detail
    assert any("first 64 KiB examined" in n for n in c.notes)


def test_file_over_five_mebibytes_is_read_for_its_head(tmp_path):
    text = "# Licensed under the MIT license.\n" + "x = 1\n" * (6 * 1024 * 1024 // 6)
    root = write(tmp_path, {"data/huge.py": text})
    c = conclusion(root, "data/huge.py")
    assert c.expression == "MIT" and "first 64 KiB examined of" in c.evidence[0].detail


def test_five_megabyte_single_line_minified_file(tmp_path):
    banner = "/*! chartlib v4.4.1 | (c) Chart contributors | Released under the MIT License */\n"
    code = "var a=" + "1+" * 2_500_000 + "1;"
    root = write(tmp_path, {"public/js/chartlib.min.js": banner + code, "public/js/bundle.js": "var x=1;" * 100_000
                            + "/*! embedded v1 | MIT License */"})
    c = conclusion(root, "public/js/chartlib.min.js")
    assert c.expression == "MIT"
    assert "a minified file" in c.evidence[0].detail and "of 5,000,0" in c.evidence[0].detail
    assert read(root, "public/js/bundle.js") == SourceResult()  # banners are looked for in the first 32 KiB only


def test_notice_in_the_tail_of_a_long_file(tmp_path):
    text = "<?php\n" + "$a = 1;\n" * 20_000 + "// SPDX-License-Identifier: Apache-2.0\n"
    c = conclusion(write(tmp_path, {"src/Long.php": text}), "src/Long.php")
    assert c.expression == "Apache-2.0" and c.evidence[0].location.line == 20_002
    assert "and last 8 KiB examined of" in c.evidence[0].detail


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text = "' Acme CRM macro\r\n' " + GPL2_PLUS + "\r\nSub Main()\r\nEnd Sub\r\n"
    c = conclusion(write(tmp_path, {"macros/Sync.vb": bom + text.encode(codec)}), "macros/Sync.vb")
    assert c.expression == "GPL-2.0-or-later" and c.evidence[0].location.line == 2
    assert c.evidence[0].detail.endswith("'or any later version'")  # no partial note: all of it was examined


def test_latin1_and_invalid_utf8(tmp_path):
    latin1 = "<?php\n// Auteur : Hélène Dupré\n// Ce programme est distribué sous licence. Licensed under the MIT license.\n"
    broken = b"<?php\n// \xff\xfe\xc3(\xa0\xa1 Licensed under the MIT license.\n// \xe2\x82\n"
    root = write(tmp_path, {"legacy.php": latin1.encode("latin-1"), "broken.php": broken})
    c = conclusion(root, "legacy.php")
    assert c.expression == "MIT" and c.evidence[0].location.line == 3
    assert conclusion(root, "broken.php").expression == "MIT"


@pytest.mark.parametrize(
    "name,content",
    [
        ("spaces.php", " " * 100_000 + "\n// Licensed under the MIT license\n"),
        ("gnu.php", "// " + "GNU " * 50_000 + "General Public License\n"),
        ("gnu-lead.txt", "under the terms of the " * 5_000 + "GNU General Public License " + "version " * 10_000),
        ("unclosed.js", "/* Licensed under the MIT license\n" + " * " * 50_000 + "\n" + "* " * 50_000),
        ("closers.js", "x" + " */" * 50_000 + " y license\n"),
        ("lead.md", "Licensed under the " * 20_000),
        ("box.php", "| " * 50_000 + "license |\n"),
        ("parens.js", "// @license " + "(" * 50_000 + "\n"),
        ("urls.txt", "https://opensource.org/licenses/" * 20_000),
        ("under.txt", "available under " * 30_000 + "license"),
        ("sections.txt", "In accordance with Section 7(b) " * 10_000),
        ("one-line.txt", "license " + "a" * 3_000_000),
    ],
)
def test_inputs_built_to_make_patterns_slow(tmp_path, name, content):
    root = write(tmp_path, {name: content})
    result = read(root, name)
    assert result.problems == ()
    for file_license in result.files:  # a result or an empty one; its evidence is bounded
        assert len(file_license.license.evidence) <= 8 * MAX_MATCHES
        assert all(len(e.quote) <= 200 for e in file_license.license.evidence)


def test_repeated_statements_are_capped_and_say_so(tmp_path):
    text = "// SPDX-License-Identifier: MIT\n" * 150
    c = conclusion(write(tmp_path, {"many.js": text}), "many.js")
    assert c.expression == "MIT"
    assert len(c.evidence) <= MAX_MATCHES
    assert any(f"only the first {MAX_MATCHES}" in n for n in c.notes)
