"""YAML lockfiles (yarn berry, pnpm) as data-or-problem, with the line of each mapping key.

`yaml.safe_load` gives values but no positions. Loading goes through the composed node graph instead
(the C parser when libyaml is there): the nodes carry their marks, and constructing the document from
them costs the same as `safe_load`, so the lines come free. Only the safe constructor is used: no tag
can build an object, and aliases are shared references, never expanded copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from osi_check.facts import InputProblem, Location

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ParsedYaml:
    """A parsed YAML document and its root node, or the problem that stopped the parse."""

    value: object = None
    node: yaml.Node | None = None
    problem: InputProblem | None = None


@dataclass(frozen=True)
class KeyLines:
    """Where each key of one mapping is written (1-based), and the value node under it."""

    lines: dict[str, int] = field(default_factory=dict)
    nodes: dict[str, yaml.Node] = field(default_factory=dict)


def parse_yaml(text: str, path: str, reader: str) -> ParsedYaml:
    """Parse one YAML document; bad YAML becomes a problem naming the file and line, never an exception."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        value = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "syntax error"
        return ParsedYaml(problem=InputProblem(Location(path, line), f"is not valid YAML: {reason}", reader))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # the safe constructor raises plain errors for some bad scalars (an impossible date, ...)
        return ParsedYaml(problem=InputProblem(Location(path), f"is not valid YAML: {exc}", reader))
    except RecursionError:
        return ParsedYaml(problem=InputProblem(Location(path), "is nested too deeply to be read as YAML", reader))
    finally:
        loader.dispose()
    return ParsedYaml(value, node)


def key_lines(node: yaml.Node | None) -> KeyLines:
    """The string keys of a mapping node with their lines and value nodes (empty for any other node)."""
    if not isinstance(node, yaml.MappingNode):
        return KeyLines()
    lines: dict[str, int] = {}
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            lines[key_node.value] = key_node.start_mark.line + 1
            nodes[key_node.value] = value_node
    return KeyLines(lines, nodes)
