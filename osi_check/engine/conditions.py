"""Rule conditions: parsed from YAML, checked against the fact vocabulary, evaluated three-valued.

A condition evaluates to True, False or None (unknown). `all` is false as soon as one part is false
(whatever else is unknown), `any` true as soon as one part is true: the usual Kleene logic, so a rule
asks for a missing fact only when that fact could change its conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from osi_check.engine.knowledge import COPYLEFT_LEVELS
from osi_check.engine.vocabulary import FactSpec, FamilyValue, RESOLVERS, SubjectContext, display

OPERATORS_BY_TYPE = {
    "boolean": ("is",),
    "enum": ("is", "in"),
    "copyleft": ("is", "in", "at-least"),
    "family": ("includes",),
}


class ConditionError(Exception):
    """A condition names an unknown fact or uses an operator or value that does not fit it."""

    def __init__(self, key_path: str, message: str):
        super().__init__(f"{key_path}: {message}")
        self.key_path = key_path


@dataclass
class Trace:
    """What an evaluation looked at: the facts that decided it, and the ones that were unknown."""

    used: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Test:
    fact: str
    operator: str
    operand: object

    def evaluate(self, ctx: SubjectContext, trace: Trace) -> bool | None:
        value = RESOLVERS[self.fact](ctx)
        if isinstance(value, FamilyValue):
            result = value.includes(self.operand)
        elif value is None:
            result = None
        elif self.operator == "is":
            result = value == self.operand
        elif self.operator == "in":
            result = value in self.operand
        elif self.operator == "at-least":
            result = COPYLEFT_LEVELS.index(value) >= COPYLEFT_LEVELS.index(self.operand)
        else:  # pragma: no cover - the loader rejects other operators
            raise AssertionError(self.operator)
        if result is None:
            if self.fact not in trace.unknown:
                trace.unknown.append(self.fact)
        else:
            trace.used[self.fact] = display(value)
        return result


@dataclass(frozen=True)
class AllOf:
    parts: tuple

    def evaluate(self, ctx: SubjectContext, trace: Trace) -> bool | None:
        unknown = False
        for part in self.parts:
            result = part.evaluate(ctx, trace)
            if result is False:
                return False
            unknown = unknown or result is None
        return None if unknown else True


@dataclass(frozen=True)
class AnyOf:
    parts: tuple

    def evaluate(self, ctx: SubjectContext, trace: Trace) -> bool | None:
        unknown = False
        for part in self.parts:
            result = part.evaluate(ctx, trace)
            if result is True:
                return True
            unknown = unknown or result is None
        return None if unknown else False


@dataclass(frozen=True)
class Not:
    part: object

    def evaluate(self, ctx: SubjectContext, trace: Trace) -> bool | None:
        result = self.part.evaluate(ctx, trace)
        return None if result is None else not result


def parse_condition(data: object, vocabulary: dict[str, FactSpec], path: str = "when"):
    """Build a condition from its YAML form (already schema-checked), checking facts and operands."""
    if not isinstance(data, dict) or len(data) != 1:
        raise ConditionError(path, "a condition is a mapping with exactly one key (all, any, not, or a fact)")
    (key, value), = data.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{path}.{key}", "expects a non-empty list of conditions")
        parts = tuple(parse_condition(item, vocabulary, f"{path}.{key}[{i}]") for i, item in enumerate(value))
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        return Not(parse_condition(value, vocabulary, f"{path}.not"))
    return _parse_test(key, value, vocabulary, f"{path}.{key}")


def _parse_test(fact: str, value: object, vocabulary: dict[str, FactSpec], path: str) -> Test:
    spec = vocabulary.get(fact)
    if spec is None:
        raise ConditionError(path, f"unknown fact '{fact}' (known facts are listed in rules/facts.yaml)")
    if isinstance(value, dict):
        (operator, operand), = value.items()
    else:
        operator, operand = ("includes" if spec.type == "family" else "is"), value
    allowed = OPERATORS_BY_TYPE[spec.type]
    if operator not in allowed:
        raise ConditionError(path, f"operator '{operator}' does not apply to {spec.type} fact '{fact}' (use {', '.join(allowed)})")
    if spec.type == "boolean" and not isinstance(operand, bool):
        raise ConditionError(path, f"'{fact}' is true or false, not {operand!r}")
    if spec.type in ("enum", "copyleft"):
        operands = operand if isinstance(operand, list) else [operand]
        for item in operands:
            if item not in spec.values:
                raise ConditionError(path, f"'{item}' is not a value of '{fact}' ({', '.join(spec.values)})")
        if operator == "in":
            operand = tuple(operands)
    if spec.type == "family" and not isinstance(operand, str):
        raise ConditionError(path, f"'{fact}' includes a family name, not {operand!r}")
    return Test(fact, operator, operand)
