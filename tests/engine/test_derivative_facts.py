"""The facts derivative rules use: upstream.added and the application.* facts, from real Facts."""

from osi_check.deployment import deployment_for
from osi_check.engine.evaluate import subjects
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.vocabulary import RESOLVERS
from osi_check.facts import Component, Facts, FileChange, FileLicense, LicenseConclusion, Location, Role, Scope


def _component(key, role, license_, root):
    return Component(key=key, name=key, version=None, ecosystem="odoo" if role is Role.MODULE else "composer",
                     role=role, scope=Scope.RUNTIME, license=LicenseConclusion(license_), location=Location("m", 1),
                     root=root)


APP = _component("application:.", Role.APPLICATION, "AGPL-3.0-only WITH LicenseRef-scancode-civicrm-exception-to-agpl-3.0", ".")
MODULE = _component("odoo:addons/x", Role.MODULE, "MIT", "addons/x")
LIB = _component("pkg:composer/a/b", Role.DEPENDENCY, "GPL-2.0-or-later", "vendor/a/b")
OWN_FILE = FileLicense("custom/x.php", LicenseConclusion("MIT"), "application:.")


def _facts(**comparison):
    return Facts(target="t", deployment=deployment_for("saas"), components=(APP, MODULE, LIB), files=(OWN_FILE,),
                 **comparison)


def _fact(facts, name):
    found = {}
    for kind, contexts in subjects(facts, builtin_knowledge()).items():
        for ctx in contexts:
            value = RESOLVERS[name](ctx)
            found[ctx.subject.key] = value if not hasattr(value, "includes") else value.includes("AGPL")
    return found


def test_without_upstream_nothing_is_known_to_be_added():
    assert set(_fact(_facts(), "upstream.added").values()) == {None}


def test_added_components_and_files_come_from_the_comparison():
    facts = _facts(upstream="v1", components_added=("odoo:addons/x", "pkg:composer/a/b"),
                   components_not_compared=("pkg:composer/a/b",),
                   changes=(FileChange("custom/x.php", "added", component_key="application:."),
                            FileChange("vendor/a/b/x.php", "added", component_key="pkg:composer/a/b")))
    assert _fact(facts, "upstream.added") == {"application:.": False, "odoo:addons/x": True, "pkg:composer/a/b": True,
                                              "custom/x.php": True}
    # a package without a pristine copy keeps an unknown modification status; the application is modified
    modified = _fact(facts, "component.modified")
    assert modified["pkg:composer/a/b"] is None and modified["application:."] is True


def test_application_facts_describe_the_host_for_every_subject():
    facts = _facts()
    assert set(_fact(facts, "application.copyleft").values()) == {"network"}
    assert set(_fact(facts, "application.family").values()) == {True}
    assert set(_fact(facts, "application.exception").values()) == {True}
