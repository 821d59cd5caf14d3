"""Reports to render: the bundled example as scanned, the same with every section other parts of
osi-check fill (obligation actions, waivers, fees, OSD verdicts, modifications) set by hand, and a
hostile one whose names, versions, license strings, paths and quotes are markup and script."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from osi_check.deployment import deployment_for
from osi_check.facts import Evidence, EvidenceKind, FileChange, Location
from osi_check.model import (
    Action,
    CriterionResult,
    FeeItem,
    Finding,
    FindingKind,
    LicenseAssessment,
    Report,
    Severity,
    Subject,
    Suppression,
)
from osi_check.pipeline import scan
from tests.conftest import EXAMPLE

PAYLOAD = "<img src=x onerror=\"window.__osiPwned=1\">"
SCRIPT_PAYLOAD = "</script><script>window.__osiPwned=2</script>"
HOSTILE = [PAYLOAD, SCRIPT_PAYLOAD, "\"><svg onload=window.__osiPwned=3>", "<!--", "]]>&amp;{{ 7*7 }}", "@everyone [x](javascript:alert(1))"]

DISCLOSE = Action(
    what="the Corresponding Source of the modified version",
    to_whom="every user who interacts with it over a network",
    how="a prominent offer with a link to a download at no charge",
    by_when="for as long as the service is offered",
)


def example_report() -> Report:
    return scan(EXAMPLE, deployment_for("saas", None), fail_on="never")


@pytest.fixture(scope="session")
def example() -> Report:
    return example_report()


def _with_sections(report: Report) -> Report:
    findings = list(report.findings)
    agpl = [i for i, f in enumerate(findings) if f.rule_id == "obligations/agpl-network-source-offer"]
    findings[agpl[0]] = dataclasses.replace(findings[agpl[0]], kind=FindingKind.OBLIGATION, topic="disclosure",
                                            action=DISCLOSE)
    findings[agpl[1]] = dataclasses.replace(
        findings[agpl[1]], topic="disclosure", action=DISCLOSE,
        suppression=Suppression("waiver", "the module is published on the vendor's site", "legal@example.com",
                                "2027-06-30", "osi-check.yaml:12"))
    findings.append(Finding(
        rule_id="commercial/odoo-opl", kind=FindingKind.RISK, severity=Severity.ERROR,
        title="A commercial license is required", topic="commercial",
        message="crm_voip_connector needs an Odoo Proprietary License (OPL-1) from its vendor, Acme VoIP.",
        subject=Subject("component", "odoo:addons/crm_voip_connector", "crm_voip_connector@17.0.1.0.0",
                        "addons/crm_voip_connector/__manifest__.py:9"),
        explanation="OPL-1 allows use only with a purchased license.",
        fingerprint="f00dfeedf00dfeed",
        suppression=Suppression("commercial-license", "licence bought 2026-01", "procurement", "", "osi-check.yaml:30"),
    ))
    return dataclasses.replace(
        report,
        findings=tuple(findings),
        fees=(FeeItem("Installation media", "suitecrm", "50 EUR", "allowed", "a charge for a copy is allowed",
                      "GPL-3.0 §4", "price-list.yaml:3"),
              FeeItem("Per-user royalty", "suitecrm", "5 EUR/user/month", "forbidden",
                      "a royalty for rights the AGPL grants", "AGPL-3.0 §10", "price-list.yaml:9")),
        license_assessments=(
            LicenseAssessment("MIT", "osi-approved", "spdx-list"),
            LicenseAssessment("LicenseRef-OPL-1", "does-not-conform", "curated", (
                CriterionResult(1, "Free Redistribution", "fail", "redistribution is forbidden",
                                "you may not publish, distribute, sublicense, or sell copies", "line 12"),
                CriterionResult(5, "No Discrimination Against Persons or Groups", "pass"),
            )),
        ),
        modifications=(
            FileChange("modules/Accounts/Account.php", "modified", component_key="composer:acme/suitecrm-acme",
                       license="AGPL-3.0-only", last_changed="2026-03-01"),
            FileChange("custom/new.php", "added", license="AGPL-3.0-only"),
            FileChange("README.md", "modified", whitespace_only=True),
        ),
        upstream="SuiteCRM 8.6.1 (git tag v8.6.1)",
    )


@pytest.fixture(scope="session")
def full(example) -> Report:
    """The example with every section filled, as the obligation, policy, fee, OSD and upstream stages would."""
    return _with_sections(example)


def hostile_report(base: Report) -> Report:
    def bad(i: int) -> str:
        return HOSTILE[i % len(HOSTILE)]

    components = []
    for i, c in enumerate(base.components):
        conclusion = dataclasses.replace(
            c.license, unknown=(bad(i),), notes=(bad(i + 1),),
            evidence=c.license.evidence + (Evidence(EvidenceKind.DECLARED, Location(f"vendor/{bad(i)}/composer.json", 3),
                                                     bad(i + 2), bad(i + 3)),))
        components.append(dataclasses.replace(c, name=f"{c.name}{bad(i)}", version=bad(i + 1), license=conclusion))
    findings = tuple(
        dataclasses.replace(
            f, message=f.message + bad(i), title=f.title + bad(i + 1),
            subject=dataclasses.replace(f.subject, name=bad(i), location=f"{bad(i + 2)}/x.php:3"),
            evidence=(Evidence(EvidenceKind.NOTICE, Location(bad(i) + ".php", 1), bad(i + 1), bad(i + 2)),),
            explanation=bad(i + 3),
            topic="disclosure" if i % 2 else f.topic, action=DISCLOSE if i % 2 == 0 else
            Action(bad(i), bad(i + 1), bad(i + 2), bad(i + 3)),
            suppression=Suppression("waiver", bad(i), bad(i + 1), "2030-01-01", bad(i + 2)) if i == 0 else None,
        )
        for i, f in enumerate(base.findings)
    )
    return dataclasses.replace(
        base, target=PAYLOAD, components=tuple(components), findings=findings,
        fees=(FeeItem(PAYLOAD, SCRIPT_PAYLOAD, "1", "review", PAYLOAD),),
        license_assessments=(LicenseAssessment(PAYLOAD, "unclear", "clause-detectors",
                                               (CriterionResult(1, PAYLOAD, "unclear", PAYLOAD, SCRIPT_PAYLOAD),)),),
        modifications=(FileChange(SCRIPT_PAYLOAD, "added", license=PAYLOAD),),
        upstream=PAYLOAD,
    )


@pytest.fixture(scope="session")
def hostile(example) -> Report:
    return hostile_report(example)


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, "utf-8")
    return path
