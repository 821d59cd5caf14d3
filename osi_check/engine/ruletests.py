"""Rule test cases (<rule>.tests.yaml beside each rule): build a subject, evaluate one rule, compare.

They run under pytest and under `osi-check rules test`, so an analyst who changes a rule can prove the
change without writing Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from osi_check import licensing, resources
from osi_check.deployment import deployment_for
from osi_check.engine.compatibility import Work, outbound_constraint
from osi_check.engine.conditions import Trace
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.rules import TESTS_SUFFIX, Rule, RuleError
from osi_check.engine.vocabulary import SubjectContext
from osi_check.facts import (AdditionalTerm, Component, Evidence, EvidenceKind, FileChange, LicenseConclusion, Location,
                             Role, Scope)
from osi_check.model import Subject

OUTCOMES = {True: "fires", False: "silent", None: "needs-info"}


@dataclass(frozen=True)
class CaseResult:
    rule_id: str
    name: str
    expected: str
    actual: str

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


@cache
def _schema() -> dict:
    return json.loads((resources.rules_dir() / "schema" / "rule-tests.schema.json").read_text("utf-8"))


def tests_path(rule: Rule) -> Path:
    return rule.path.with_name(rule.path.name[: -len(".yaml")] + TESTS_SUFFIX)


def load_cases(rule: Rule) -> list[dict]:
    path = tests_path(rule)
    if not path.is_file():
        raise RuleError(f"{rule.path}: has no test cases; add {path.name} beside it")
    cases = yaml.safe_load(path.read_text("utf-8"))
    errors = list(jsonschema.Draft202012Validator(_schema()).iter_errors(cases))
    if errors:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in errors[0].path)
        raise RuleError(f"{path}: key '{where.lstrip('.') or '(top level)'}': {errors[0].message}")
    return cases


def _conclusion(raw: str | None, location: Location, case: dict) -> LicenseConclusion:
    if raw is None:
        return LicenseConclusion(None)
    normalized = licensing.normalize(raw)
    return LicenseConclusion(
        normalized.expression,
        (Evidence(EvidenceKind.DECLARED, location, raw),),
        normalized.unknown,
        normalized.notes,
        confident=case.get("confident", normalized.confident),
        conflicts=tuple(case.get("conflicts", ())),
        additional_terms=tuple(
            AdditionalTerm("attribution", f"must retain the display of {notice!r}", location, "7(b)", (notice,))
            for notice in case.get("attribution", ())
        ),
    )


def _application(case: dict, location: Location) -> Component | None:
    """The application a case's subject is deployed inside, when the case names its license."""
    spec = case.get("application")
    if spec is None:
        return None
    return Component(key="application:.", name="application", version=None, ecosystem="application",
                     role=Role.APPLICATION, scope=Scope.RUNTIME, location=location, root=".",
                     license=_conclusion(spec["license"], location, {}))


def _context(case: dict) -> SubjectContext:
    location = Location("case.json", 1)
    conclusion = _conclusion(case["license"], location, case)
    spec = case.get("component", {})
    if "license" in spec:  # the component's own license, when the case is one of its files
        own = licensing.normalize(spec["license"])
        component_license = LicenseConclusion(own.expression, (Evidence(EvidenceKind.DECLARED, location, spec["license"]),))
    else:
        component_license = conclusion
    sbom = case.get("sbom", "none")
    sources = {"matched": ("composer", "spdx-sbom"), "sbom-only": ("spdx-sbom",)}.get(sbom, ("composer",))
    component = Component(
        key="pkg:generic/case",
        name="case",
        version=None,
        ecosystem="generic",
        role=Role(spec.get("role", "dependency")),
        scope=Scope(spec.get("scope", "runtime")),
        license=component_license,
        location=location,
        root="addons/case",
        sources=sources,
    )
    deployment_spec = case["deployment"]
    if isinstance(deployment_spec, str):
        deployment = deployment_for(deployment_spec)
    else:
        deployment = deployment_for(deployment_spec["profile"], deployment_spec.get("modified"))
    subject_type = case.get("subject", "component")
    subject = Subject(subject_type, "case", "case", str(location))
    changes = None
    if "changes" in case:
        changes = tuple(FileChange(path, "modified", component_key=component.key) for path in case["changes"])
    return SubjectContext(subject, conclusion, component, deployment, builtin_knowledge(), sbom_present=sbom != "none",
                          changes=changes, work=_work(case),
                          application=_application(case, location), added=spec.get("added"))


def _work(case: dict) -> Work:
    """The deployed work around the case's component: an outbound license binding it, add-on modules beside it."""
    constraints = ()
    if case.get("outbound"):
        constraints = (outbound_constraint("the work's outbound license", licensing.normalize(case["outbound"]).expression),)
    modules = tuple(
        Component(f"pkg:generic/sibling-{i}", f"sibling-{i}", None, "generic", Role.MODULE, Scope.RUNTIME,
                  LicenseConclusion(licensing.normalize(raw).expression), Location("sibling.json", 1),
                  root=f"addons/sibling-{i}")
        for i, raw in enumerate(case.get("addons-siblings", ()))
    )
    return Work(constraints, case.get("outbound"), modules)


def coverage_problem(rule: Rule, results: list[CaseResult]) -> str | None:
    """Every rule must be shown both firing and staying silent by its own cases."""
    outcomes = {r.actual for r in results}
    missing = [name for name in ("fires", "silent") if name not in outcomes]
    if missing:
        return f"{rule.id}: no test case where the rule {' or '.join(missing)} (see {tests_path(rule).name})"
    return None


def run_rule_tests(rule: Rule) -> list[CaseResult]:
    results = []
    for case in load_cases(rule):
        subject_type = case.get("subject", "component")
        if subject_type not in rule.applies_to:
            actual = "silent"
        else:
            actual = OUTCOMES[rule.when.evaluate(_context(case), Trace())]
        results.append(CaseResult(rule.id, case["name"], case["expect"], actual))
    return results
