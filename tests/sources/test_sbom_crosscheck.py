"""A vendor SBOM cross-checked against the delivered tree, through the real pipeline and the real rules.

Each delivery holds a composer.lock with three packages and an SBOM (SPDX JSON or CycloneDX JSON) that
lists two of them (one under a different license) and one package that is not in the tree. The SBOM's
keys must be spelled as the composer reader spells its own, or nothing would match.
"""

from __future__ import annotations

import pytest

from osi_check.deployment import deployment_for
from osi_check.engine.rules import load_rules
from osi_check.pipeline import build_report, collect
from osi_check.sources._npm import purl as npm_purl
from osi_check.sources._python import pypi_purl
from osi_check.sources._sbom import canonical_purl, parse_purl
from osi_check.sources.composer import ComposerSource
from osi_check.sources.composer import _purl as composer_purl
from osi_check.sources.sbom_cyclonedx import CycloneDxSbomSource
from osi_check.sources.sbom_spdx import SpdxSbomSource

RULES = load_rules()
READERS = (ComposerSource(), SpdxSbomSource(), CycloneDxSbomSource())
MONOLOG = "pkg:composer/monolog/monolog@3.5.0"
PHPMAILER = "pkg:composer/phpmailer/phpmailer@v6.9.1"
CONSOLE = "pkg:composer/symfony/console@v6.4.3"
TCPDF = "pkg:composer/tecnickcom/tcpdf@6.6.5"
INVENTORY = ("inventory/sbom-component-not-delivered", "inventory/component-missing-from-sbom",
             "inventory/conflicting-license-evidence")


def scan(root, readers=READERS):
    facts = collect(root, deployment_for("buyer"), readers=readers)
    return facts, build_report(facts, RULES)


def inventory_findings(report):
    return sorted((f.rule_id, f.subject.key) for f in report.findings if f.rule_id in INVENTORY)


@pytest.mark.parametrize(("delivery", "sbom", "reader"), [
    ("delivery-spdx", "sbom.spdx.json", "spdx-sbom"),
    ("delivery-cyclonedx", "bom.json", "cyclonedx-sbom"),
])
def test_sbom_is_matched_against_the_tree(fixtures, delivery, sbom, reader):
    facts, report = scan(fixtures / "sbom" / delivery)
    assert facts.problems == ()
    sources = {c.key: c.sources for c in facts.components if c.key != "application:."}
    assert sources == {
        MONOLOG: ("composer", reader),  # matched: one component, found by both
        PHPMAILER: ("composer", reader),
        CONSOLE: ("composer",),  # tree-only
        TCPDF: (reader,),  # sbom-only
    }
    assert inventory_findings(report) == [
        ("inventory/component-missing-from-sbom", CONSOLE),
        ("inventory/conflicting-license-evidence", PHPMAILER),
        ("inventory/sbom-component-not-delivered", TCPDF),
    ]
    findings = {(f.rule_id, f.subject.key): f for f in report.findings}
    status = {fact.name: fact.value for fact in findings[("inventory/sbom-component-not-delivered", TCPDF)].facts}
    assert status["component.sbom-status"] == "sbom-only"
    status = {fact.name: fact.value for fact in findings[("inventory/component-missing-from-sbom", CONSOLE)].facts}
    assert status["component.sbom-status"] == "tree-only"


@pytest.mark.parametrize(("delivery", "sbom"), [("delivery-spdx", "sbom.spdx.json"), ("delivery-cyclonedx", "bom.json")])
def test_the_lockfile_wins_and_the_sbom_disagreement_is_recorded(fixtures, delivery, sbom):
    facts, _ = scan(fixtures / "sbom" / delivery)
    by_key = {c.key: c for c in facts.components}
    phpmailer = by_key[PHPMAILER]
    assert phpmailer.license.expression == "LGPL-2.1-only"  # the lockfile's declaration precedes the SBOM's
    (conflict,) = phpmailer.license.conflicts
    assert conflict.startswith("LGPL-2.1-only (composer.lock:") and f"disagrees with MIT ({sbom}:" in conflict
    assert [e.kind.value for e in phpmailer.license.evidence] == ["declared", "sbom"]
    assert phpmailer.root == "vendor/phpmailer/phpmailer"  # the tree's view of the package is kept
    assert by_key[MONOLOG].license.conflicts == ()
    sbom_only = by_key[TCPDF]
    assert (sbom_only.root, sbom_only.location.path, sbom_only.license.expression) == (None, sbom, "LGPL-3.0-or-later")


def test_the_sbom_application_joins_the_scanned_application(fixtures):
    facts, _ = scan(fixtures / "sbom" / "delivery-spdx")
    application = facts.components[0]
    assert application.key == "application:."
    assert (application.name, application.license.expression) == ("acme/suitecrm-acme", "AGPL-3.0-only")
    assert application.sources == ("composer", "spdx-sbom")


def test_without_an_sbom_there_is_no_sbom_finding(fixtures):
    _, report = scan(fixtures / "sbom" / "delivery-spdx", readers=(ComposerSource(),))
    assert inventory_findings(report) == []


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("pkg:composer/monolog/monolog@3.5.0", composer_purl("monolog/monolog", "3.5.0")),
        ("pkg:composer/symfony/console@v6.4.3?checksums=sha1:2aaf83b4", composer_purl("symfony/console", "v6.4.3")),
        ("pkg:COMPOSER/Symfony/Console@v6.4.3", composer_purl("symfony/console", "v6.4.3")),
        ("pkg:npm/%40babel/core@7.23.9", npm_purl("@babel/core", "7.23.9")),
        ("pkg:npm/@babel/core@7.23.9", npm_purl("@babel/core", "7.23.9")),  # unencoded scope, as some tools write
        ("pkg://npm/%40babel/core@7.23.9#lib/index.js", npm_purl("@babel/core", "7.23.9")),
        ("pkg:npm/JSONStream@1.3.5", npm_purl("JSONStream", "1.3.5")),  # the npm reader keeps old mixed case
        ("pkg:npm/semver@7.6.0-rc.1%2Bbuild.5", npm_purl("semver", "7.6.0-rc.1+build.5")),
        ("pkg:npm/@types/node", npm_purl("@types/node", None)),
        ("pkg:pypi/Zope.Interface@6.2", pypi_purl("Zope.Interface", "6.2")),
        ("pkg:pypi/typing_extensions@4.10.0", pypi_purl("typing_extensions", "4.10.0")),
        ("pkg:maven/org.slf4j/slf4j-api@2.0.12?type=jar", "pkg:maven/org.slf4j/slf4j-api@2.0.12"),
        ("pkg:golang/github.com/Masterminds/semver/v3@v3.2.1", "pkg:golang/github.com/Masterminds/semver/v3@v3.2.1"),
    ],
)
def test_sbom_purls_are_keyed_as_the_tree_readers_key_their_packages(raw, key):
    assert canonical_purl(parse_purl(raw)) == key


@pytest.mark.parametrize("raw", ["", "monolog/monolog", "pkg:", "pkg:composer", "pkg:composer/", "pkg:/x", "pkg:1abc/x@1"])
def test_strings_that_are_not_purls(raw):
    assert parse_purl(raw) is None
