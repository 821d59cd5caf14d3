"""Line numbers for TOML keys: tomllib gives values without positions, and a policy error or a finding
about an entry must point at the line to change.

A light line scanner, not a TOML parser: it follows `[table]` and `[[array]]` headers and `key =` lines
(bare or quoted keys, dotted keys). Keys inside inline tables and multi-line arrays are reported at the
line of the key that holds them. Where it cannot tell, the caller falls back to the file name alone.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")
_PART = re.compile(r"""\s*("([^"]*)"|'([^']*)'|[A-Za-z0-9_-]+)\s*""")


def _parts(dotted: str) -> tuple[str, ...]:
    out = []
    for match in _PART.finditer(dotted):
        token = match.group(1)
        out.append(match.group(2) if match.group(2) is not None else match.group(3) if match.group(3) is not None else token)
    return tuple(out)


def key_lines(text: str) -> dict[tuple, int]:
    """Map every table, array element and key to its 1-based line. Paths hold keys and, for arrays of
    tables, the element index: ("exceptions", 0, "owner") -> 14."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    depth = 0  # open brackets of a multi-line array: its lines hold no keys of the table
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0] if '"' not in line and "'" not in line else line
        if depth:
            depth += stripped.count("[") - stripped.count("]")
            depth = max(depth, 0)
            continue
        header = _HEADER.match(line)
        if header:
            path = _parts(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(path, 0)
                counts[path] = index + 1
                table = (*path, index)
            else:
                table = path
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault((*table, *_parts(key.group(1))), number)
            value = stripped[key.end():]
            depth = max(value.count("[") - value.count("]"), 0)
    return lines


def line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of `path`, or of the nearest enclosing table or key that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
