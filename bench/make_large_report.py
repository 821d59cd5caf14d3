"""A generated Report of realistic shape and size (default 5,000 components, 20,000 findings), for the
HTML report benchmark and the browser test that the inventory stays usable at that size.

Deterministic (seeded): names, versions, ecosystems, SPDX expressions, messages of the length the real
rules write (~300 characters), one or two evidence quotes per finding, actions on obligations and a
few waivers, spread over 40 rules in the report's topics.
"""

from __future__ import annotations

import random

from osi_check.deployment import deployment_for
from osi_check.facts import Component, Evidence, EvidenceKind, LicenseConclusion, Location, Role, Scope
from osi_check.model import Action, Finding, FindingKind, GateDecision, Report, Severity, Subject, Suppression

EXPRESSIONS = ["MIT"] * 12 + ["Apache-2.0"] * 4 + ["BSD-3-Clause"] * 3 + ["ISC", "BSD-2-Clause", "GPL-2.0-only",
               "GPL-3.0-or-later", "LGPL-2.1-or-later", "LGPL-3.0-only", "AGPL-3.0-only", "MPL-2.0",
               "MIT OR Apache-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0", "LicenseRef-OPL-1",
               "LicenseRef-osi-check-unknown-BSD", "EPL-2.0", "Zlib", "CC0-1.0", "Unlicense"]
ECOSYSTEMS = [("npm", "package-lock.json"), ("composer", "composer.lock"), ("pypi", "poetry.lock"),
              ("odoo", "addons/{name}/__manifest__.py")]
TOPICS = ["disclosure", "attribution", "notices", "compatibility", "commercial", "osd", "needs-info", "inventory"]
ACTION = Action("the Corresponding Source of the modified version", "every remote user",
                "a prominent link to a download at no charge", "while the service runs")


def large_report(components: int = 5000, findings: int = 20000, seed: int = 8) -> Report:
    rnd = random.Random(seed)
    comps = []
    for i in range(components):
        ecosystem, manifest = ECOSYSTEMS[i % len(ECOSYSTEMS)]
        name = f"{rnd.choice(['acme', 'vendor', 'crm', 'lib', 'tool'])}-{rnd.choice(['core', 'utils', 'mailer', 'pdf', 'grid', 'auth'])}-{i}"
        expression = rnd.choice(EXPRESSIONS)
        path = manifest.format(name=name)
        location = Location(path, 10 + i * 7)
        comps.append(Component(
            key=f"pkg:{ecosystem}/{name}@1.{i % 17}.{i % 5}", name=name, version=f"1.{i % 17}.{i % 5}",
            ecosystem=ecosystem, role=Role.MODULE if ecosystem == "odoo" else Role.DEPENDENCY,
            scope=Scope.DEV if i % 9 == 0 else Scope.RUNTIME, location=location,
            license=LicenseConclusion(expression, evidence=(Evidence(EvidenceKind.DECLARED, location, f'"{expression}"',
                                                                    f"{ecosystem} license field"),)),
            purl=f"pkg:{ecosystem}/{name}@1.{i % 17}.{i % 5}", sources=(ecosystem,)))
    found = []
    for j in range(findings):
        c = comps[j % components]
        rule = (j * 13 + j // components) % 40  # every (component, rule) pair at most once
        topic = TOPICS[rule % len(TOPICS)]
        severity = [Severity.ERROR, Severity.WARNING, Severity.WARNING, Severity.NOTE][rule % 4]
        message = (f"{c.name}@{c.version} is under {c.license.expression} and is offered to users over a network. "
                   f"If it was modified, the license requires offering every remote user its Corresponding Source at "
                   f"no charge; unmodified use triggers no disclosure. Was {c.name} modified? Declare it (rule {rule}).")
        evidence = (Evidence(EvidenceKind.DECLARED, c.location, f'"{c.license.expression}"', "license field"),)
        if j % 3 == 0:
            evidence += (Evidence(EvidenceKind.LICENSE_TEXT, Location(f"vendor/{c.name}/LICENSE", 1, 200),
                                  "GNU GENERAL PUBLIC LICENSE", "100% of the reference text"),)
        found.append(Finding(
            rule_id=f"{topic}/rule-{rule:02d}", kind=FindingKind.OBLIGATION if topic == "disclosure" else FindingKind.RISK,
            severity=severity, title=f"Rule {rule:02d}: a {topic} question for this deployment",
            message=message, subject=Subject("component", c.key, f"{c.name}@{c.version}", str(c.location)),
            explanation="Why the rule exists, with the license section it applies and what the reader should do. " * 3,
            evidence=evidence, fingerprint=f"{rule:02d}{j:08x}", topic=topic,
            action=ACTION if topic == "disclosure" else None,
            suppression=Suppression("waiver", "accepted by legal", "legal", "2027-01-01", "osi-check.yaml:4")
            if j % 97 == 0 else None))
    found.sort(key=Finding.sort_key)
    return Report(
        schema_version="1.0", tool_version="0.1.0", license_list_version="3.29.0", rules_digest="bench",
        target="generated-crm", deployment=deployment_for("saas", None), generated_at=None,
        components=tuple(comps), files=(), findings=tuple(found), problems=(), files_scanned=components * 4,
        skipped=(), gate=GateDecision("error", True, sum(1 for f in found if f.severity is Severity.ERROR)))
