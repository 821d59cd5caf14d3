"""Obligations that depend on modification list the modified files when an upstream comparison was made
(Facts.changes, filled by the upstream comparison): the scenarios of a modified AGPL CRM in SaaS, a modified
MPL library and a modified Apache component delivered, with the changes given directly."""

from __future__ import annotations

from osi_check import licensing
from osi_check.deployment import deployment_for
from osi_check.engine.evaluate import evaluate
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.rules import load_rules
from osi_check.facts import Component, Evidence, EvidenceKind, Facts, FileChange, LicenseConclusion, Location, Role, Scope

RULES = load_rules()


def component(key: str, declared: str, role: Role, root: str) -> Component:
    location = Location("composer.lock", 7)
    conclusion = LicenseConclusion(licensing.normalize(declared).expression, (Evidence(EvidenceKind.DECLARED, location, declared),))
    return Component(key, key.split(":")[-1], "1.0", "composer", role, Scope.RUNTIME, conclusion, location, root=root)


def run(components, changes, profile):
    facts = Facts("tree", deployment_for(profile), tuple(components), upstream="v7.14.3", changes=tuple(changes))
    return {(f.rule_id, f.subject.key): f for f in evaluate(RULES, facts, builtin_knowledge())}


def test_agpl_source_offer_lists_the_modified_files():
    app = component("application:.", "AGPL-3.0-only", Role.APPLICATION, ".")
    changes = [
        FileChange("modules/Accounts/Account.php", "modified", component_key=app.key),
        FileChange("custom/modules/Accounts/logic_hooks.php", "added", component_key=app.key),
        FileChange("include/utils.php", "modified", component_key=app.key, whitespace_only=True),
    ]
    found = run([app], changes, "saas")
    offer = found[("obligations/agpl-network-source-offer", app.key)]
    assert offer.severity.value == "error"
    assert "Modified files: modules/Accounts/Account.php (modified), custom/modules/Accounts/logic_hooks.php (added)." in offer.message
    assert "include/utils.php" not in offer.message  # whitespace-only changes do not count
    assert "modules/Accounts/Account.php (modified)" in offer.action.what


def test_an_unchanged_component_beside_a_changed_one_stays_unmodified():
    app = component("application:.", "AGPL-3.0-only", Role.APPLICATION, ".")
    lib = component("pkg:npm/pdf-annotate@1.0", "MPL-2.0", Role.DEPENDENCY, "node_modules/pdf-annotate")
    changes = [FileChange("node_modules/pdf-annotate/src/annotate.js", "modified", component_key=lib.key)]
    found = run([app, lib], changes, "on-prem-delivery")
    mpl = found[("obligations/file-copyleft-modified-distribution", lib.key)]
    assert "node_modules/pdf-annotate/src/annotate.js (modified)" in mpl.action.what
    assert ("change-notices/mark-modified-files", app.key) not in found  # the app itself was not changed


def test_apache_change_notices_name_the_files_to_mark():
    lib = component("pkg:composer/acme/http-client@1.0", "Apache-2.0", Role.DEPENDENCY, "vendor/acme/http-client")
    changes = [FileChange("vendor/acme/http-client/src/Client.php", "modified", component_key=lib.key)]
    found = run([lib], changes, "on-prem-delivery")
    notice = found[("change-notices/mark-modified-files", lib.key)]
    assert notice.topic == "change-notices"
    assert "vendor/acme/http-client/src/Client.php (modified)" in notice.action.what
    assert "§4(b)" in notice.action.what
