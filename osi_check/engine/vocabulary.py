"""The closed fact vocabulary (rules/facts.yaml) and how each fact is established for a subject.

The YAML file documents the facts for analysts; `RESOLVERS` below computes them. A test asserts the
two name exactly the same facts, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from osi_check import licensing, resources
from osi_check.engine.compatibility import Work, assess
from osi_check.engine.knowledge import COMMERCIAL_NEEDS, COPYLEFT_LEVELS, Knowledge, LicenseFacts
from osi_check.facts import Component, Deployment, FileChange, LicenseConclusion, Role
from osi_check.model import Subject

FACT_TYPES = ("boolean", "enum", "copyleft", "family")


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str
    values: tuple[str, ...]
    applies_to: tuple[str, ...]
    description: str
    question: str


@dataclass(frozen=True)
class SubjectContext:
    """One thing a rule is evaluated for (a component or a file), with what is needed to judge it."""

    subject: Subject
    license: LicenseConclusion
    component: Component  # the component itself, or the one a file belongs to
    deployment: Deployment
    knowledge: Knowledge
    sbom_present: bool = False  # a vendor SBOM was part of the scanned delivery
    # The files of this subject that differ from upstream; None when no upstream comparison was made.
    changes: tuple[FileChange, ...] | None = None
    work: Work = Work()  # the deployed work as a whole: what binds it (compatibility) and its add-on modules
    # The scanned application the subject is deployed inside (None: there is none, e.g. in a rule test).
    application: Component | None = None
    # Not part of the upstream release (a component of which it has no file, or an added file); None
    # when no upstream comparison was made.
    added: bool | None = None


# Readers whose components come from an SBOM handed over with the delivery, not from the tree itself.
SBOM_READERS = frozenset({"spdx-sbom", "cyclonedx-sbom"})


def sbom_status(ctx: SubjectContext) -> str:
    if not ctx.sbom_present:
        return "none"
    found_by = set(ctx.component.sources)
    in_sbom, in_tree = bool(found_by & SBOM_READERS), bool(found_by - SBOM_READERS)
    return "matched" if in_sbom and in_tree else ("sbom-only" if in_sbom else "tree-only")


# ---- three-valued helpers -------------------------------------------------------------------------

def kleene_and(values) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def kleene_or(values) -> bool | None:
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _tree(ctx: SubjectContext):
    return licensing.parse(ctx.license.expression) if ctx.license.expression else None


def _fold(node, leaf_value: Callable, all_of: Callable, any_of: Callable):
    """Evaluate a license expression tree: AND parts all apply, OR parts are a choice."""
    if isinstance(node, licensing.Leaf):
        return leaf_value(node)
    values = [_fold(part, leaf_value, all_of, any_of) for part in node.parts]
    return all_of(values) if isinstance(node, licensing.AllOf) else any_of(values)


def _leaf_known(leaf: licensing.Leaf, knowledge: Knowledge) -> bool:
    return not leaf.key.startswith(licensing.UNKNOWN_PREFIX) and (
        licensing.is_known_key(leaf.key) or knowledge.facts_for(leaf.key) is not None
    ) and not (leaf.exception or "").startswith(licensing.UNKNOWN_PREFIX)


def license_known(ctx: SubjectContext) -> bool:
    node = _tree(ctx)
    if node is None:
        return False
    # known if every part of a combination is known; for a choice, one known option is enough
    return bool(_fold(node, lambda leaf: _leaf_known(leaf, ctx.knowledge), all, any))


def license_osi_approved(ctx: SubjectContext) -> bool | None:
    node = _tree(ctx)
    if node is None:
        return None
    return _fold(node, lambda leaf: ctx.knowledge.osi_approved(leaf.key, leaf.exception), kleene_and, kleene_or)


OSD_VERDICTS = ("osi-approved", "conforms", "unclear", "does-not-conform")  # best first


@cache
def _osd_verdict_of(license_id: str) -> str | None:
    """The OSD verdict for one license id (osi_check.osd: the SPDX flag, the curated assessments of known
    non-OSI licenses, else the clause detectors over its text). None when osi-check has no terms for it."""
    from osi_check.osd.assess import UnknownLicenseId, assess_id

    try:
        verdict = assess_id(license_id).verdict
    except UnknownLicenseId:
        return None
    return {"conforms-not-approved": "conforms"}.get(verdict, verdict)


def license_osd_verdict(ctx: SubjectContext) -> str | None:
    """Whether the terms meet the Open Source Definition: a combination is as good as its worst part, a
    choice as its best option. A rider (Commons Clause) on an approved license makes it fail."""
    node = _tree(ctx)
    if node is None:
        return None

    def leaf_value(leaf):
        if leaf.key.startswith(licensing.UNKNOWN_PREFIX):
            return None
        added = ctx.knowledge.exception(leaf.exception)
        if added is not None and added.rider:
            return "does-not-conform"
        if ctx.knowledge.osi_approved(leaf.key) is True:
            return "osi-approved"
        return _osd_verdict_of(leaf.key)

    def worst(values):
        return None if None in values else max(values, key=OSD_VERDICTS.index)

    def best(values):
        known = [v for v in values if v is not None]
        if not known:
            return None
        top = min(known, key=OSD_VERDICTS.index)
        return top if len(known) == len(values) or top in ("osi-approved", "conforms") else None

    return _fold(node, leaf_value, worst, best)


def _max_level(values):
    known = [v for v in values if v is not None]
    if "network" in known:
        return "network"
    if len(known) < len(values):
        return None
    return max(known, key=COPYLEFT_LEVELS.index)


def _min_level(values):
    known = [v for v in values if v is not None]
    if "none" in known:
        return "none"
    if len(known) < len(values):
        return None
    return min(known, key=COPYLEFT_LEVELS.index)


def license_copyleft(ctx: SubjectContext) -> str | None:
    node = _tree(ctx)
    if node is None:
        return None
    return _fold(node, lambda leaf: ctx.knowledge.copyleft(leaf.key, leaf.exception), _max_level, _min_level)


@dataclass(frozen=True)
class FamilyValue:
    """The license families of an expression; `includes` is three-valued (see rules/facts.yaml)."""

    ctx: SubjectContext

    def includes(self, family: str) -> bool | None:
        node = _tree(self.ctx)
        if node is None:
            return None

        def leaf_in_family(leaf):
            known = self.ctx.knowledge.family(leaf.key, leaf.exception)
            return None if known is None else known == family

        return _fold(node, leaf_in_family, kleene_or, kleene_and)

    def __str__(self) -> str:
        node = _tree(self.ctx)
        if node is None:
            return "unknown"
        names = {self.ctx.knowledge.family(leaf.key, leaf.exception) or "unknown" for leaf in licensing.leaves(node)}
        return ", ".join(sorted(names))


def component_modified(ctx: SubjectContext) -> bool | None:
    """Measured beats declared: with an upstream comparison, a component is modified exactly when one
    of its files counts as changed; without one, the deployment's declaration (or unknown) stands."""
    if ctx.changes is not None:
        return any(change.counts_as_modification for change in ctx.changes)
    return ctx.deployment.modified


def _knowledge_flag(ctx: SubjectContext, test: Callable[[LicenseFacts], bool]) -> bool | None:
    """A yes/no fact of the license knowledge, over the expression as the licensee sees it: a combination has
    it if any part has it, a choice only if every option has it (the licensee may pick one without it)."""
    node = _tree(ctx)
    if node is None:
        return None

    def leaf_value(leaf):
        facts = ctx.knowledge.facts_for(leaf.key, leaf.exception)
        return None if facts is None else test(facts)

    return _fold(node, leaf_value, kleene_or, kleene_and)


def license_commercial(ctx: SubjectContext) -> str | None:
    """When a commercial license is needed: the strongest need of a combination, the lightest of a choice."""
    node = _tree(ctx)
    if node is None:
        return None

    def leaf_value(leaf):
        facts = ctx.knowledge.facts_for(leaf.key, leaf.exception)
        if facts is None:
            return None
        return facts.commercial.needed_for if facts.commercial else "none"

    def strongest(values):
        return None if None in values else max(values, key=COMMERCIAL_NEEDS.index)

    def lightest(values):
        known = [v for v in values if v is not None]
        if "none" in known:
            return "none"
        return None if len(known) < len(values) else min(known, key=COMMERCIAL_NEEDS.index)

    return _fold(node, leaf_value, strongest, lightest)


def license_attribution(ctx: SubjectContext) -> bool | None:
    """Attribution to display: terms added in the tree (GPL-3.0/AGPL-3.0 §7(b) logos) or the license's own."""
    if any(term.kind == "attribution" for term in ctx.license.additional_terms):
        return True
    return _knowledge_flag(ctx, lambda facts: facts.attribution is not None)


def outbound_compatible(ctx: SubjectContext) -> bool | None:
    return assess(ctx.license, ctx.component, ctx.work, ctx.knowledge).compatible


def addons_directory(component: Component) -> str | None:
    if component.role is not Role.MODULE or not component.root or "/" not in component.root.strip("/"):
        return None
    return component.root.strip("/").rsplit("/", 1)[0]


def addons_siblings(ctx: SubjectContext) -> list[Component]:
    """The other shipped add-on modules installed in the same add-ons directory."""
    directory = addons_directory(ctx.component)
    if directory is None:
        return []
    return [m for m in ctx.work.modules if m.key != ctx.component.key and addons_directory(m) == directory]


def addons_path_copyleft(ctx: SubjectContext) -> str | None:
    siblings = addons_siblings(ctx)
    if not siblings:
        return "none"
    levels = [
        license_copyleft(SubjectContext(ctx.subject, m.license, m, ctx.deployment, ctx.knowledge)) for m in siblings
    ]
    return _max_level(levels)


def _as_application(ctx: SubjectContext) -> SubjectContext | None:
    """The same subject seen through the application's license, for the `application.*` facts."""
    if ctx.application is None:
        return None
    return SubjectContext(ctx.subject, ctx.application.license, ctx.application, ctx.deployment, ctx.knowledge)


def application_copyleft(ctx: SubjectContext) -> str | None:
    app = _as_application(ctx)
    return None if app is None else license_copyleft(app)


def application_family(ctx: SubjectContext) -> FamilyValue | None:
    app = _as_application(ctx)
    return None if app is None else FamilyValue(app)


def application_exception(ctx: SubjectContext) -> bool | None:
    """An explicit exception or additional permission on the application's license (a `WITH` exception,
    or a §7 additional permission found with it, such as the CiviCRM Licensing Exception)."""
    app = _as_application(ctx)
    node = None if app is None else _tree(app)
    if node is None:
        return None
    if any(leaf.exception for leaf in licensing.leaves(node)):
        return True
    return any(term.kind == "extra-permission" for term in app.license.additional_terms)


RESOLVERS: dict[str, Callable[[SubjectContext], object]] = {
    "license.known": license_known,
    "license.osi-approved": license_osi_approved,
    "license.osd-verdict": license_osd_verdict,
    "license.copyleft": license_copyleft,
    "license.family": FamilyValue,
    "license.confident": lambda ctx: ctx.license.confident,
    "license.conflicting": lambda ctx: bool(ctx.license.conflicts),
    "license.choice": lambda ctx: isinstance(_tree(ctx), licensing.AnyOf),
    "license.attribution": license_attribution,
    "license.state-changes": lambda ctx: _knowledge_flag(ctx, lambda facts: facts.state_changes is not None),
    "license.notice-file": lambda ctx: _knowledge_flag(ctx, lambda facts: facts.notice_file),
    "license.commercial": license_commercial,
    "license.redistribution-forbidden": lambda ctx: _knowledge_flag(ctx, lambda facts: facts.redistribution_forbidden),
    "component.outbound-compatible": outbound_compatible,
    "component.addons-path-copyleft": addons_path_copyleft,
    "component.sbom-status": sbom_status,
    "subject.own-license": lambda ctx: ctx.subject.type == "component"
    or ctx.license.expression != ctx.component.license.expression,
    "component.role": lambda ctx: ctx.component.role.value,
    "component.scope": lambda ctx: ctx.component.scope.value,
    "component.shipped": lambda ctx: ctx.component.shipped,
    "component.modified": component_modified,
    "upstream.added": lambda ctx: ctx.added,
    "application.copyleft": application_copyleft,
    "application.family": application_family,
    "application.exception": application_exception,
    "deployment.profile": lambda ctx: ctx.deployment.profile,
    "deployment.distributed": lambda ctx: ctx.deployment.distributed,
    "deployment.network-service": lambda ctx: ctx.deployment.network_service,
    "deployment.internal-network": lambda ctx: ctx.deployment.internal_network,
    "deployment.contractor": lambda ctx: ctx.deployment.contractor,
}


def display(value: object) -> str:
    """A fact value as shown in reports."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class VocabularyError(Exception):
    pass


def load_vocabulary(path: Path) -> dict[str, FactSpec]:
    data = yaml.safe_load(path.read_text("utf-8"))
    facts = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(facts, dict):
        raise VocabularyError(f"{path}: expected a mapping with a 'facts' mapping")
    specs = {}
    for name, entry in facts.items():
        if not isinstance(entry, dict) or entry.get("type") not in FACT_TYPES:
            raise VocabularyError(f"{path}: facts.{name}.type must be one of {', '.join(FACT_TYPES)}")
        values = tuple(COPYLEFT_LEVELS) if entry["type"] == "copyleft" else tuple(entry.get("values", ()))
        specs[name] = FactSpec(
            name=name,
            type=entry["type"],
            values=values,
            applies_to=tuple(entry.get("applies-to", ("component", "file"))),
            description=str(entry.get("description", "")),
            question=str(entry.get("question", f"What is {name}?")),
        )
    return specs


@cache
def builtin_vocabulary() -> dict[str, FactSpec]:
    return load_vocabulary(resources.rules_dir() / "facts.yaml")
