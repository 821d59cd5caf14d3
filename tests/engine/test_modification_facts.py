"""component.modified: a measured upstream comparison beats the deployment's declaration."""

from dataclasses import replace

from osi_check.deployment import deployment_for
from osi_check.engine.evaluate import subjects
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.vocabulary import RESOLVERS
from osi_check.facts import Component, FileChange, Facts, LicenseConclusion, Location, Role, Scope


def _facts(upstream, changes, modified=None):
    app = Component(key="app", name="acme/crm", version="1.0", ecosystem="composer", role=Role.APPLICATION, scope=Scope.RUNTIME,
                    license=LicenseConclusion("AGPL-3.0-only"), location=Location("composer.json", 1), root=".")
    return Facts(target="t", deployment=deployment_for("saas", modified), components=(app,),
                 upstream=upstream, changes=changes)


def _modified(facts):
    ctx = subjects(facts, builtin_knowledge())["component"][0]
    return RESOLVERS["component.modified"](ctx)


def test_without_comparison_the_declaration_stands():
    assert _modified(_facts(None, ())) is None
    assert _modified(_facts(None, (), modified=True)) is True


def test_comparison_with_changes_means_modified_even_if_declared_unmodified():
    change = FileChange(path="modules/a.php", status="modified", component_key="app")
    assert _modified(_facts("v1.0", (change,), modified=False)) is True


def test_comparison_without_changes_means_unmodified():
    assert _modified(_facts("v1.0", ())) is False


def test_whitespace_only_changes_do_not_count():
    change = FileChange(path="a.php", status="modified", component_key="app", whitespace_only=True)
    assert _modified(_facts("v1.0", (change,))) is False
    assert _modified(_facts("v1.0", (replace(change, whitespace_only=False),))) is True
