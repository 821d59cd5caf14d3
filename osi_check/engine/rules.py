"""Loading rules: one YAML file per rule, validated against rules/schema/rule.schema.json and the
fact vocabulary before any scan starts.

A rule's id is its path under the rules directory without the extension
(`obligations/agpl-network-source-offer`), so the file a reader sees in a report is the file to open.
A malformed rule stops the run with an error that names the file and the key: rules decide legal
conclusions, so a broken one must never be skipped quietly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from osi_check import resources
from osi_check.engine.conditions import ConditionError, Test, parse_condition
from osi_check.engine.knowledge import Knowledge, builtin_knowledge
from osi_check.engine.messages import unknown_placeholders
from osi_check.engine.vocabulary import FactSpec, builtin_vocabulary
from osi_check.model import Citation, FindingKind, Severity

# Files under a rules directory that are not rules.
NOT_RULES = ("facts.yaml",)
NOT_RULE_DIRS = ("knowledge", "schema", "osd-criteria")  # osd-criteria: clause detectors, not rules (osi_check.osd)
TESTS_SUFFIX = ".tests.yaml"


class RuleError(Exception):
    """A rule file is malformed. The message starts with the file, then the key."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: FindingKind
    severity: Severity
    applies_to: tuple[str, ...]
    when: object  # a parsed condition (engine.conditions)
    message: str
    if_unknown: str | None
    explanation: str
    citations: tuple[Citation, ...]
    asks_for: str | None
    path: Path
    topic: str = ""
    action: dict | None = None  # templates for Action: what, to-whom, how, by-when
    evidence: tuple[str, ...] = ("license",)  # what a finding quotes: license, additional-terms


@cache
def _schema() -> dict:
    return json.loads((resources.rules_dir() / "schema" / "rule.schema.json").read_text("utf-8"))


def rule_files(directory: Path) -> list[Path]:
    """The rule files below a directory, in a stable order."""
    found = []
    for path in sorted(directory.rglob("*.yaml")):
        relative = path.relative_to(directory)
        if path.name.endswith(TESTS_SUFFIX) or relative.as_posix() in NOT_RULES:
            continue
        if relative.parts[0] in NOT_RULE_DIRS:
            continue
        found.append(path)
    return found


def _key_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def load_rule(path: Path, rule_id: str, vocabulary: dict[str, FactSpec], knowledge: Knowledge) -> Rule:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise RuleError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except OSError as exc:
        raise RuleError(f"{path}: cannot be read: {exc.strerror}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path}: a rule file must be a mapping of keys (title, kind, severity, ...)")
    condition = None
    if "when" in data:
        try:
            condition = parse_condition(data["when"], vocabulary)
        except ConditionError as exc:
            raise RuleError(f"{path}: key '{exc.key_path}': {str(exc).split(': ', 1)[1]}") from None
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        raise RuleError(f"{path}: key '{_key_path(error.path)}': {error.message}")
    _check_families(condition, knowledge, path)
    templates = [("message", data.get("message")), ("if-unknown", data.get("if-unknown"))]
    templates += [(f"action.{k}", v) for k, v in (data.get("action") or {}).items()]
    for key, template in templates:
        bad = unknown_placeholders(template or "", vocabulary)
        if bad:
            raise RuleError(f"{path}: key '{key}': unknown placeholder(s) {', '.join(bad)} (see rules/README.md)")
    kind = FindingKind(data["kind"])
    if kind is FindingKind.OBLIGATION and not data.get("action"):
        raise RuleError(f"{path}: key 'action': an obligation must say what to do, for whom, how and by when")
    if kind is FindingKind.NEEDS_INFO and not data.get("asks-for"):
        raise RuleError(f"{path}: key 'asks-for': a needs-info rule must say which fact it asks for")
    if data.get("asks-for") and not any(
        name == data["asks-for"] or name.startswith(data["asks-for"] + ".") for name in vocabulary
    ):
        raise RuleError(f"{path}: key 'asks-for': '{data['asks-for']}' names no fact in rules/facts.yaml")
    return Rule(
        id=rule_id,
        title=data["title"].strip(),
        kind=kind,
        severity=Severity(data["severity"]),
        applies_to=tuple(data["applies-to"]),
        when=condition,
        message=" ".join(data["message"].split()),
        if_unknown=" ".join(data["if-unknown"].split()) if data.get("if-unknown") else None,
        explanation=data["explanation"].strip(),
        citations=tuple(Citation(c["text"], c.get("url")) for c in data["citations"]),
        asks_for=data.get("asks-for"),
        path=path,
        topic=data["topic"],
        action={k: " ".join(v.split()) for k, v in data["action"].items()} if data.get("action") else None,
        evidence=tuple(data.get("evidence", ("license",))),
    )


def _check_families(condition, knowledge: Knowledge, path: Path) -> None:
    """A misspelt family would never match: refuse it instead of silently never firing."""
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, Test):
            if node.operator == "includes" and node.operand not in knowledge.families():
                raise RuleError(
                    f"{path}: key 'when': family '{node.operand}' is not defined in rules/knowledge/licenses.yaml "
                    f"(known: {', '.join(sorted(knowledge.families()))})"
                )
        else:
            stack.extend(getattr(node, "parts", ()) or ([node.part] if hasattr(node, "part") else []))


def load_rules(extra_dirs: tuple[Path, ...] = ()) -> tuple[Rule, ...]:
    """The built-in rules plus those in `extra_dirs`, validated. Raises RuleError on the first bad file."""
    vocabulary = builtin_vocabulary()
    knowledge = builtin_knowledge()
    rules: dict[str, Rule] = {}
    for directory in (resources.rules_dir(), *extra_dirs):
        if not directory.is_dir():
            raise RuleError(f"{directory}: rules directory does not exist")
        for path in rule_files(directory):
            rule_id = path.relative_to(directory).with_suffix("").as_posix()
            if rule_id in rules:
                raise RuleError(f"{path}: rule id '{rule_id}' is already defined by {rules[rule_id].path}")
            rules[rule_id] = load_rule(path, rule_id, vocabulary, knowledge)
    return tuple(rules[k] for k in sorted(rules))


def rules_digest(rules: tuple[Rule, ...]) -> str:
    """A short hash of the rule set and knowledge files: two reports with the same digest used the same rules."""
    digest = hashlib.sha256()
    files = [r.path for r in rules] + [
        resources.rules_dir() / "facts.yaml",
        resources.knowledge_file("licenses.yaml"),
        resources.knowledge_file("compatibility.yaml"),
        resources.knowledge_file("declared-aliases.yaml"),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
