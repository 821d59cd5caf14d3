"""The policy file is read strictly: every mistake names the file, the line and the key."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from osi_check.policy import PolicyError, find_policy, load_policy


def write(tmp_path, text: str, name: str = "osi-check.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


FULL = """\
    deployment = "saas"
    modified = "no"
    fail-on = "warning"

    [licenses]
    allow = ["MIT", "apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"]
    deny = ["AGPL-3.0-only"]

    [[exceptions]]
    purl = "pkg:composer/mpdf/mpdf"
    versions = "vers:composer/>=8.0.0|<9.0.0"
    rule = "obligations/*"
    reason = "PDF export is a separate service; legal reviewed"
    owner = "legal@example.com"
    expires = 2027-03-31

    [[clarify]]
    purl = "pkg:composer/phpxmlrpc/phpxmlrpc"
    expression = "BSD-3-Clause"
    license-files = [{ path = "vendor/phpxmlrpc/phpxmlrpc/license.txt", sha256 = "%s" }]
    reason = "the license file is the BSD 3-clause text"

    [severity]
    "obligations/agpl-network-source-offer" = { severity = "warning", kind = "needs-info" }
    "needs-info/unknown-license" = "error"

    [[commercial]]
    product = "Odoo Enterprise"
    vendor = "Odoo S.A."
    seats = 25
    expires = 2026-12-31
""" % ("ab" * 32)


def test_a_full_policy_is_read_with_the_lines_of_its_entries(tmp_path):
    path = write(tmp_path, FULL)
    policy = load_policy(path)
    assert (policy.deployment, policy.modified, policy.fail_on) == ("saas", "no", "warning")
    assert [e.license for e in policy.allow] == ["MIT", "Apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"]
    assert [e.license for e in policy.deny] == ["AGPL-3.0-only"]
    (waiver,) = policy.waivers
    assert waiver.expires == date(2027, 3, 31) and waiver.owner == "legal@example.com"
    assert waiver.scope.versions == "vers:composer/>=8.0.0|<9.0.0" and waiver.rule == "obligations/*"
    assert waiver.source == f"{path}:9"
    (clarification,) = policy.clarifications
    assert clarification.license_files[0].sha256 == "ab" * 32 and clarification.source == f"{path}:17"
    overrides = {o.rule: (o.severity, o.kind, o.source) for o in policy.severities}
    assert overrides["obligations/agpl-network-source-offer"] == ("warning", "needs-info", f"{path}:24")
    assert overrides["needs-info/unknown-license"] == ("error", "", f"{path}:25")
    (held,) = policy.commercial
    assert (held.product, held.seats, held.expires, held.source) == ("Odoo Enterprise", 25, date(2026, 12, 31), f"{path}:27")


def test_the_policy_can_live_in_pyproject_toml(tmp_path):
    write(tmp_path, """\
        [project]
        name = "acme-crm"

        [tool.osi-check]
        deployment = "internal"

        [[tool.osi-check.exceptions]]
        path = "modules/legacy/*"
        reason = "legacy module, removed in Q3"
        owner = "crm-team"
        expires = "2026-09-30"
    """, "pyproject.toml")
    found = find_policy(tmp_path)
    assert found == tmp_path / "pyproject.toml"
    policy = load_policy(found)
    assert policy.deployment == "internal"
    assert policy.waivers[0].source == f"{found}:7"
    assert policy.waivers[0].expires == date(2026, 9, 30)


def test_osi_check_toml_wins_and_a_pyproject_without_the_table_is_no_policy(tmp_path):
    write(tmp_path, "[project]\nname = 'x'\n", "pyproject.toml")
    assert find_policy(tmp_path) is None
    write(tmp_path, "deployment = 'saas'\n")
    assert find_policy(tmp_path) == tmp_path / "osi-check.toml"


@pytest.mark.parametrize("text, expected", [
    ("deploymnet = 'saas'\n", ":1: unknown key 'deploymnet' in the policy"),
    ("[licenses]\nallow = ['MIT']\nallowed = ['BSD-3-Clause']\n", ":3: unknown key 'allowed' in licenses"),
    ("[[exceptions]]\npurl = 'pkg:npm/x'\nreason = 'r'\nowner = 'o'\nexpire = 2027-01-01\n",
     ":5: unknown key 'expire' in exceptions"),
    ("[[exceptions]]\npurl = 'pkg:npm/x'\nreason = 'r'\nowner = 'o'\n", ":1: 'exceptions' needs 'expires'"),
    ("[[exceptions]]\npurl = 'pkg:npm/x'\nreason = 'r'\nexpires = 2027-01-01\n", ":1: 'exceptions' needs 'owner'"),
    ("[[exceptions]]\nreason = 'r'\nowner = 'o'\nexpires = 2027-01-01\n", ":1: an exception needs a scope"),
    ("[[exceptions]]\npurl = 'pkg:npm/x'\nreason = 'r'\nowner = 'o'\nexpires = 'soon'\n",
     ":5: 'expires' must be a date"),
    ("[[exceptions]]\npurl = 'lodash'\nreason = 'r'\nowner = 'o'\nexpires = 2027-01-01\n",
     ":2: 'purl' must be a package URL"),
    ("[[exceptions]]\npurl = 'pkg:composer/a/b'\nversions = '>=4'\nreason = 'r'\nowner = 'o'\nexpires = 2027-01-01\n",
     ":3: '>=4' cannot be read in the native syntax of 'composer' packages"),
    ("[[exceptions]]\npurl = 'pkg:npm/a'\nversions = 'vers:pypi/>=1'\nreason = 'r'\nowner = 'o'\nexpires = 2027-01-01\n",
     ":3: the range is for 'pypi'"),
    ("[licenses]\nallow = ['MIT OR Apache-2.0']\n", ":2: 'MIT OR Apache-2.0' in licenses.allow: list single licenses"),
    ("[licenses]\nallow = ['Foo-License']\n", ":2: 'Foo-License' in licenses.allow: 'Foo-License' is not an SPDX license id"),
    ("[licenses]\nallow = ['MIT']\ndeny = ['mit']\n", ":3: MIT both allowed and denied"),
    ("[severity]\n'needs-info/unknown-license' = 'fatal'\n", ":2: 'severity' is 'fatal'; use one of error, warning, note"),
    ("[severity]\n'x' = { severity = 'note', level = 1 }\n", ":2: unknown key 'level' in severity.x"),
    ("[[clarify]]\npurl = 'pkg:npm/a'\nexpression = 'MIT'\n", ":1: a clarification needs 'license-files'"),
    ("[[clarify]]\npurl = 'pkg:npm/a'\nexpression = 'MIT'\nlicense-files = [{ path = 'LICENSE', sha256 = 'abc' }]\n",
     ":4: 'sha256' must be 64 hex digits"),
    ("[[clarify]]\npurl = 'pkg:npm/a'\nexpression = 'MIT AND'\nlicense-files = []\n", ":3: 'MIT AND': not an SPDX expression"),
    ("[[commercial]]\nproduct = 'Odoo Enterprise'\nseats = 0\nexpires = 2027-01-01\n", ":3: 'seats' must be a positive"),
    ("deployment = 'cloud'\n", ":1: 'deployment' is 'cloud'; use one of internal, saas"),
    ("exceptions = 3\n", ":1: 'exceptions' must be an array"),
])
def test_every_mistake_is_an_error_naming_file_line_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    assert str(error.value).startswith(str(path)), str(error.value)
    assert expected in str(error.value), str(error.value)


def test_a_file_that_is_not_toml_names_the_file(tmp_path):
    path = write(tmp_path, "deployment = \n")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)
