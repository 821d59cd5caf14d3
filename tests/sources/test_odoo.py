"""OdooManifestSource: Odoo / OCA module manifests, read as literals and never executed."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from osi_check.facts import EvidenceKind, InputProblem, Location, Role, Scope
from osi_check.sources.odoo import OdooManifestSource
from osi_check.tree import TreeFile

SOURCE = OdooManifestSource()
HOSTILE = "crm_hostile/__manifest__.py"


@pytest.fixture
def addons(fixtures):
    return fixtures / "odoo" / "addons"


def only_component(result):
    assert result.problems == ()
    (component,) = result.components
    return component


def test_name_is_odoo():
    assert SOURCE.name == "odoo"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("addons/crm/__manifest__.py", True),
        ("openerp/addons/crm_claim/__openerp__.py", True),
        ("__manifest__.py", True),
        ("addons/crm/__init__.py", False),
        ("addons/crm/manifest.py", False),
        ("addons/crm/__manifest__.pyc", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


@pytest.mark.parametrize(
    ("module", "manifest", "expression", "kind", "line", "version"),
    [
        ("crm_lead_scoring", "__manifest__.py", "LGPL-3.0-only", EvidenceKind.DECLARED, 16, "17.0.1.2"),
        ("sale_subscription_pro", "__manifest__.py", "LicenseRef-OPL-1", EvidenceKind.DECLARED, 17, "17.0.3.0.1"),
        ("partner_contact_role", "__manifest__.py", "AGPL-3.0-or-later", EvidenceKind.DECLARED, 13, "17.0.1.0.0"),
        ("crm_team_dashboard", "__manifest__.py", "LGPL-3.0-only", EvidenceKind.DEFAULT, 1, "16.0.1.0.0"),
        ("crm_claim", "__openerp__.py", "AGPL-3.0-only", EvidenceKind.DECLARED, 35, "1.0"),
        ("crm_phone_validation", "__manifest__.py", "GPL-3.0-or-later", EvidenceKind.DECLARED, 11, "17.0.1.0.0"),
        ("pos_loyalty_mit", "__manifest__.py", "MIT", EvidenceKind.DECLARED, 13, "16.0.1.0.3"),
        ("crm_stage_probability", "__manifest__.py", "LGPL-3.0-or-later", EvidenceKind.DECLARED, 8, "17.0.1.1.0"),
        ("sale_commission_mit", "__manifest__.py", "MIT", EvidenceKind.DECLARED, 8, "17.0.2.0.1"),
        (
            "crm_helpdesk_pro", "__manifest__.py", "LicenseRef-osi-check-unknown-LICENSE",
            EvidenceKind.DECLARED, 9, "16.0.4.2.0",
        ),
    ],
)
def test_module_license(read_file, addons, module, manifest, expression, kind, line, version):
    path = f"{module}/{manifest}"
    component = only_component(read_file(SOURCE, addons, path))
    assert component.key == f"odoo:{module}"
    assert (component.name, component.version, component.ecosystem) == (module, version, "odoo")
    assert (component.role, component.scope) == (Role.MODULE, Scope.RUNTIME)
    assert (component.root, component.purl) == (module, None)
    assert component.location == Location(path, line)
    assert component.license.expression == expression
    evidence = component.license.evidence[0]  # the manifest's own value always comes first
    assert evidence.kind is kind
    assert evidence.location == Location(path, line)


def test_declared_evidence_quotes_the_raw_value(read_file, addons):
    component = only_component(read_file(SOURCE, addons, "sale_subscription_pro/__manifest__.py"))
    (evidence,) = component.license.evidence
    assert evidence.quote == "OPL-1"
    assert component.license.status == "known"


def test_missing_license_key_means_odoo_default(read_file, addons):
    component = only_component(read_file(SOURCE, addons, "crm_team_dashboard/__manifest__.py"))
    (evidence,) = component.license.evidence
    assert evidence.kind is EvidenceKind.DEFAULT
    assert evidence.detail == "Odoo default when 'license' is absent"
    assert any("default" in note for note in component.license.notes)


def test_other_osi_approved_licence_is_resolved_by_the_license_comment_and_header(read_file, addons):
    component = only_component(read_file(SOURCE, addons, "pos_loyalty_mit/__manifest__.py"))
    path = "pos_loyalty_mit/__manifest__.py"
    assert component.license.status == "known"
    assert (component.license.expression, component.license.confident) == ("MIT", True)
    # the manifest's value, then `"license": "Other OSI approved licence",  # MIT`, then `# License MIT (...)`
    assert [(e.kind, e.location, e.quote, e.detail) for e in component.license.evidence] == [
        (EvidenceKind.DECLARED, Location(path, 13), "Other OSI approved licence", "__manifest__.py 'license' value"),
        (EvidenceKind.DECLARED, Location(path, 13), "MIT", "comment on the manifest's 'license' line"),
        (EvidenceKind.NOTICE, Location(path, 2), "MIT", "module file header 'License ...' line"),
    ]
    assert f"'Other OSI approved licence' is resolved by {path}:13: MIT" in component.license.notes


def test_other_osi_approved_licence_is_resolved_by_the_module_license_file(read_file, addons):
    component = only_component(read_file(SOURCE, addons, "sale_commission_mit/__manifest__.py"))
    declared, text = component.license.evidence
    assert declared.quote == "Other OSI approved licence"
    assert (text.kind, text.location.path) == (EvidenceKind.LICENSE_TEXT, "sale_commission_mit/LICENSE")
    assert component.license.confident is True


def test_other_proprietary_points_at_its_unidentified_license_file(read_file, addons):
    component = only_component(read_file(SOURCE, addons, "crm_helpdesk_pro/__manifest__.py"))
    assert component.license.status == "unknown"
    assert component.license.unknown == ("LICENSE (text not identified)",)
    assert component.license.evidence[1].quote == "Nimbus Apps Software License Agreement"
    assert (
        "'Other proprietary' names no license; crm_helpdesk_pro/LICENSE holds the module's terms, "
        "which osi-check could not identify"
    ) in component.license.notes


def test_agpl_3_with_an_or_later_header_is_or_later(read_file, addons):
    component = only_component(read_file(SOURCE, addons, "partner_contact_role/__manifest__.py"))
    path = "partner_contact_role/__manifest__.py"
    assert [(e.kind, e.location, e.quote) for e in component.license.evidence] == [
        (EvidenceKind.DECLARED, Location(path, 13), "AGPL-3"),
        (EvidenceKind.NOTICE, Location(path, 3), "AGPL-3.0 or later"),
    ]
    assert component.license.conflicts == ()
    assert (
        "Odoo's license value 'AGPL-3' has no 'or later' variant; the module's header 'AGPL-3.0 or later' "
        f"({path}:3) says or later, the OCA convention: read as AGPL-3.0-or-later"
    ) in component.license.notes


def test_lgpl_3_with_an_or_later_header_in_init_py(read_file, addons):
    component = only_component(read_file(SOURCE, addons, "crm_stage_probability/__manifest__.py"))
    assert component.license.expression == "LGPL-3.0-or-later"
    assert component.license.evidence[1].location == Location("crm_stage_probability/__init__.py", 2)


def test_gnu_notice_without_oca_header_stays_only(read_file, addons):
    # the old OpenERP header is a GNU notice, not an OCA "License ..." line: not read here
    component = only_component(read_file(SOURCE, addons, "crm_claim/__openerp__.py"))
    assert component.license.expression == "AGPL-3.0-only"


def test_header_naming_another_license_is_a_conflict(read_file, write_tree):
    text = (
        "# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).\n"
        "{\n    'name': 'X',\n    'license': 'AGPL-3',\n}\n"
    )
    root = write_tree({"crm_x/__manifest__.py": text})
    component = only_component(read_file(SOURCE, root, "crm_x/__manifest__.py"))
    assert component.license.expression == "AGPL-3.0-only"
    assert component.license.conflicts == (
        "AGPL-3.0-only (crm_x/__manifest__.py:4) disagrees with LGPL-3.0-or-later (crm_x/__manifest__.py:1)",
    )


def test_other_proprietary_naming_an_osi_license_is_a_conflict(read_file, write_tree):
    text = "{\n    'name': 'X',\n    'license': 'Other proprietary',  # MIT\n}\n"
    root = write_tree({"crm_x/__manifest__.py": text})
    component = only_component(read_file(SOURCE, root, "crm_x/__manifest__.py"))
    assert (component.license.expression, component.license.confident) == ("MIT", False)
    assert component.license.conflicts == (
        "'Other proprietary' (crm_x/__manifest__.py:3) disagrees with MIT, which is OSI approved",
    )


def test_unresolvable_other_licence_stays_unknown(read_file, write_tree):
    text = "{\n    'name': 'X',\n    'license': 'Other OSI approved licence',  # see the website\n}\n"
    root = write_tree({"crm_x/__manifest__.py": text, "crm_x/__init__.py": "from . import models\n"})
    component = only_component(read_file(SOURCE, root, "crm_x/__manifest__.py"))
    assert component.license.unknown == ("Other OSI approved licence",)
    assert len(component.license.evidence) == 1


def test_header_names_the_license_when_the_manifest_has_none(read_file, write_tree):
    text = "# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).\n{'name': 'X'}\n"
    component = only_component(read_file(SOURCE, write_tree({"crm_x/__manifest__.py": text}), "crm_x/__manifest__.py"))
    assert component.license.expression == "AGPL-3.0-or-later"
    assert [e.kind for e in component.license.evidence] == [EvidenceKind.NOTICE, EvidenceKind.DEFAULT]


def test_depends_and_price(read_file, addons):
    paid = only_component(read_file(SOURCE, addons, "sale_subscription_pro/__manifest__.py"))
    assert paid.dependencies == ("sale_management", "crm")
    assert paid.price == "149.0 EUR"
    # a price is a fee fact: it never changes the license
    assert paid.license.expression == "LicenseRef-OPL-1"
    mit = only_component(read_file(SOURCE, addons, "sale_commission_mit/__manifest__.py"))
    assert (mit.price, mit.license.expression) == ("49.0 EUR", "MIT")  # int price, lower-case currency
    free = only_component(read_file(SOURCE, addons, "crm_lead_scoring/__manifest__.py"))
    assert (free.price, free.dependencies) == (None, ("crm", "mail"))


@pytest.mark.parametrize(
    ("entries", "price", "dependencies", "problem"),
    [
        ("'price': 0.0, 'currency': 'EUR'", None, (), None),
        ("'price': '19.90'", "19.9", (), None),
        ("'price': 'ask us'", None, (), (2, "'price' is not a number ('ask us'); the module's price is unknown")),
        (
            "'depends': 'crm'", None, (),
            (2, "'depends' is not a list of module names ('crm'); the module's dependencies are unknown"),
        ),
        ("'depends': ('crm', 'crm', 'mail')", None, ("crm", "mail"), None),
    ],
    ids=["free", "string-price-no-currency", "bad-price", "bad-depends", "tuple-depends"],
)
def test_price_and_depends_shapes(read_file, write_tree, entries, price, dependencies, problem):
    text = "{'name': 'X',\n " + entries + ",\n 'license': 'LGPL-3'}\n"
    result = read_file(SOURCE, write_tree({"crm_x/__manifest__.py": text}), "crm_x/__manifest__.py")
    (component,) = result.components
    assert (component.price, component.dependencies) == (price, dependencies)
    assert component.license.expression == "LGPL-3.0-only"
    got = [(p.location.line, p.message) for p in result.problems]
    assert got == ([problem] if problem else [])


def test_hostile_manifest_is_not_executed(read_file, addons, tmp_path, monkeypatch):
    root = tmp_path / "addons"
    shutil.copytree(addons / "crm_hostile", root / "crm_hostile")
    monkeypatch.chdir(tmp_path)  # where Path('PWNED').touch() would land if the manifest ran
    result = read_file(SOURCE, root, HOSTILE)
    assert not (tmp_path / "PWNED").exists()
    assert not (root / "crm_hostile" / "PWNED").exists()
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location(HOSTILE, 7)
    assert problem.reader == "odoo"
    assert problem.message == (
        "the 'version' entry of the manifest dict contains a call expression "
        "(__import__('pathlib').Path('PWNED').touch()), which osi-check does not evaluate "
        "(manifests are read, never executed); the module was not read"
    )


def test_hostile_payload_is_live(addons, tmp_path):
    """Control for the test above: executing the fixture really would create the file."""
    manifest = addons / HOSTILE
    subprocess.run([sys.executable, "-c", f"exec(open({str(manifest)!r}).read())"], cwd=tmp_path, check=True)
    assert (tmp_path / "PWNED").exists()


def test_code_before_the_manifest_dict_is_never_run(read_file, addons, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    component = only_component(read_file(SOURCE, addons, "crm_hostile_prelude/__manifest__.py"))
    assert not (tmp_path / "PWNED").exists()
    assert component.license.expression == "LGPL-3.0-only"
    assert component.location == Location("crm_hostile_prelude/__manifest__.py", 7)


def test_syntax_error_is_a_problem_with_its_line(read_file, addons):
    result = read_file(SOURCE, addons, "crm_broken/__manifest__.py")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("crm_broken/__manifest__.py", 4)
    assert problem.message.startswith("is not valid Python (")
    assert problem.message.endswith("the module was not read")


def test_non_string_license_is_unknown_and_reported(read_file, addons):
    result = read_file(SOURCE, addons, "crm_list_license/__manifest__.py")
    (component,) = result.components
    assert component.license.status == "unknown"
    assert component.license.unknown == ("['AGPL-3', 'LGPL-3']",)
    assert result.problems == (
        InputProblem(
            Location("crm_list_license/__manifest__.py", 5),
            "the 'license' value is not a string (['AGPL-3', 'LGPL-3']); the module's license is unknown",
            "odoo",
        ),
    )


def test_no_manifest_dict_is_a_problem(read_file, addons):
    result = read_file(SOURCE, addons, "crm_no_dict/__manifest__.py")
    assert result.components == ()
    assert result.problems == (
        InputProblem(
            Location("crm_no_dict/__manifest__.py"),
            "has no manifest dictionary (a top-level {...} expression); the module was not read",
            "odoo",
        ),
    )


@pytest.mark.parametrize(
    ("body", "line", "kind", "key"),
    [
        (
            "{\n    'name': 'X',\n    'data': [\n        'a.xml',\n        os.path.join('b', 'c.xml'),\n    ],\n}\n",
            5,
            "a call expression",
            "data",
        ),
        ("{\n    'name': 'X',\n    'version': VERSION,\n}\n", 3, "a name", "version"),
        ("{\n    'name': 'X',\n    'version': '17.0.' + '1.0',\n}\n", 3, "an operator expression", "version"),
        ("{\n    'name': 'X',\n    'assets': {'web': [f'{x}/static']},\n}\n", 3, "an f-string", "assets"),
        ("{\n    'name': 'X',\n    **BASE,\n}\n", 3, "a name", None),
    ],
    ids=["nested-call", "name", "operator", "f-string", "unpacking"],
)
def test_first_non_literal_is_reported_at_its_line(read_file, write_tree, body, line, kind, key):
    root = write_tree({"crm_x/__manifest__.py": body})
    result = read_file(SOURCE, root, "crm_x/__manifest__.py")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location("crm_x/__manifest__.py", line)
    entry = f"the {key!r} entry of the manifest dict" if key else "the manifest dict"
    assert problem.message.startswith(f"{entry} contains {kind} (")


def test_negative_numbers_and_nested_literals_are_literals(read_file, write_tree):
    body = (
        "{'name': 'X', 'sequence': -5, "
        "'external_dependencies': {'python': ('lxml',), 'bin': set()}, 'license': 'MIT'}"
    )
    # set() is the one call literal_eval accepts; the manifest reads fine
    component = only_component(read_file(SOURCE, write_tree({"crm_x/__manifest__.py": body}), "crm_x/__manifest__.py"))
    assert component.license.expression == "MIT"


def test_latin1_openerp_manifest_is_read(read_file, write_tree):
    text = "# -*- coding: latin-1 -*-\n{'name': 'Gestion des r\xe9clamations', 'license': 'AGPL-3'}\n"
    root = write_tree({"crm_claim_fr/__openerp__.py": text.encode("latin-1")})
    component = only_component(read_file(SOURCE, root, "crm_claim_fr/__openerp__.py"))
    assert component.license.expression == "AGPL-3.0-only"


def test_manifest_at_tree_root_is_named_after_the_tree(read_file, write_tree):
    root = write_tree({"__manifest__.py": "{'name': 'Root', 'license': 'LGPL-3'}"})
    component = only_component(read_file(SOURCE, root, "__manifest__.py"))
    assert (component.key, component.name, component.root) == ("odoo:.", root.name, ".")


def test_empty_license_value_is_none(read_file, write_tree):
    root = write_tree({"crm_x/__manifest__.py": "{\n    'license': '',\n}\n"})
    component = only_component(read_file(SOURCE, root, "crm_x/__manifest__.py"))
    assert component.license.expression is None
    assert component.license.notes == ("the 'license' value is empty",)
