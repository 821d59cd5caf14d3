"""What the JSON lockfile readers (composer, npm) share: parsing as data-or-problem, and finding lines.

`json` gives values but no positions, yet every component must point at the line that declares it
(SARIF annotations, report evidence). Tokenising a multi-megabyte lockfile in Python would cost far
more than the parse itself, and searching the text for `"name": "vendor/pkg"` can match the wrong place
or miss an escaped spelling, so `JsonText` walks the structure instead: it reads keys with the C string
scanner and skips values with the C value scanner, recording where each member starts. Line numbers
come from a precomputed table of line starts. Everything stays O(n).
"""

from __future__ import annotations

import json
import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from json.decoder import scanstring
from urllib.parse import quote

from osi_check import licensing
from osi_check.facts import InputProblem, Location
from osi_check.tree import InputError, Tree, TreeFile

_SPACE = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()
_PURL_SAFE = re.compile(r"[A-Za-z0-9._~-]*")


@dataclass(frozen=True)
class ParsedJson:
    """A parsed JSON file, or the problem that stopped the parse (exactly one of the two is set)."""

    value: object = None
    problem: InputProblem | None = None


def parse_json(text: str, path: str, reader: str) -> ParsedJson:
    """Parse `text`; bad JSON becomes a problem naming the file and line, never an exception."""
    try:
        return ParsedJson(json.loads(text))
    except json.JSONDecodeError as exc:
        message = f"is not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})"
        return ParsedJson(problem=InputProblem(Location(path, exc.lineno), message, reader))
    except ValueError as exc:  # e.g. an integer literal over Python's digit limit
        return ParsedJson(problem=InputProblem(Location(path), f"is not valid JSON: {exc}", reader))
    except RecursionError:
        return ParsedJson(problem=InputProblem(Location(path), "is nested too deeply to be read as JSON", reader))


@dataclass(frozen=True)
class JsonObjectFile:
    """A JSON file whose top level is an object, with its text (for line lookups), or the problem."""

    value: dict | None = None
    text: str = ""
    problem: InputProblem | None = None


def read_json_object(tree: Tree, file: TreeFile, reader: str, max_bytes: int | None = None) -> JsonObjectFile:
    """Read, decode and parse a JSON manifest or lockfile that must be an object: every way it can fail
    (unreadable, not UTF-8, bad JSON, another top-level type) is one problem naming the file."""
    try:
        text = tree.read_text(file.path, max_bytes, strict_utf8=True) if max_bytes else tree.read_text(
            file.path, strict_utf8=True)
    except InputError as err:
        return JsonObjectFile(problem=InputProblem(Location(err.path, err.line), err.message, reader))
    parsed = parse_json(text, file.path, reader)
    if parsed.problem:
        return JsonObjectFile(problem=parsed.problem)
    if not isinstance(parsed.value, dict):
        return JsonObjectFile(problem=InputProblem(Location(file.path, 1), "the top level is not a JSON object", reader))
    return JsonObjectFile(parsed.value, text)


def raw_json(value: object) -> str:
    """The JSON text of a value, as evidence quotes it (`["MIT", "GPL-3.0-or-later"]`)."""
    return json.dumps(value, ensure_ascii=False)


def in_tree(base: str, rel: str) -> str | None:
    """`rel`, a path taken from a lockfile, below the tree directory `base`; None unless it is a plain path.

    Lockfile keys and package names are untrusted: "node_modules/../../etc" must not become a root,
    and neither may "../src", which would stay in the tree but claim the project's own code.
    """
    if rel.startswith("/") or any(segment in ("", ".", "..") for segment in rel.split("/")):
        return None
    return rel if base == "." else f"{base}/{rel}"


def relative_dir(path: str) -> str | None:
    """A directory setting from a manifest (composer's vendor-dir) as a normalised relative path, or None."""
    normal = posixpath.normpath(path.strip())
    if normal.startswith("/") or normal in (".", "..") or normal.startswith("../"):
        return None
    return normal


def purl_part(text: str) -> str:
    """Percent-encode one purl segment (namespace, name or version), as the purl spec asks ("@" -> %40)."""
    if _PURL_SAFE.fullmatch(text):
        return text
    return "%40" + purl_part(text[1:]) if text.startswith("@") else quote(text, safe="")


# A lockfile repeats a handful of license strings thousands of times, and parsing an SPDX expression
# is the most expensive step of reading it; the results are immutable, so they are shared.
normalize = licensing.normalize


@lru_cache(maxsize=4096)
def normalize_choice(raws: tuple[str, ...]) -> licensing.Normalized:
    """Cached per distinct array: lockfiles repeat the same few license arrays thousands of times."""
    return licensing.normalize_choice(raws)


def not_a_license(value: object) -> licensing.Normalized:
    """A declared value that holds no license string (a number, an odd object): unknown, with its raw JSON."""
    raw = raw_json(value)
    return licensing.unknown(raw, f"the license value {raw} is not a license string")


@dataclass(frozen=True)
class Spot:
    """Where a JSON member or element is written: the 1-based line, and the offset where its value starts."""

    line: int
    offset: int


class JsonText:
    """The raw text of a JSON document that `json` has already parsed, walked for positions.

    The walk visits the members of one object (or the elements of one array) and skips each value with
    the C scanner (`raw_decode`), so it costs about one more parse of what it walks: O(n), exact for any
    JSON spelling (escaped "/" or \\uXXXX), and a string value can never be taken for a key.
    """

    def __init__(self, text: str):
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_at(self, offset: int) -> int:
        return bisect_right(self._line_starts, offset)

    def members(self, offset: int = 0) -> Iterator[tuple[str, Spot]]:
        """Each member of the object at `offset` (the top level by default) in file order, as (key, spot)."""
        text = self.text
        pos = self._skip_space(offset)
        if not text.startswith("{", pos):
            return
        pos = self._skip_space(pos + 1)
        while text.startswith('"', pos):
            key, after_key = scanstring(text, pos + 1)
            value_at = self._skip_space(self._skip_space(after_key) + 1)  # past the ":"
            yield key, Spot(self.line_at(pos), value_at)
            pos = self._skip_space(self._value_end(value_at))
            pos = self._skip_space(pos + 1) if text.startswith(",", pos) else pos

    def elements(self, offset: int) -> Iterator[Spot]:
        """Each element of the array at `offset`, in file order."""
        text = self.text
        pos = self._skip_space(offset)
        if not text.startswith("[", pos):
            return
        pos = self._skip_space(pos + 1)
        while pos < len(text) and not text.startswith("]", pos):
            yield Spot(self.line_at(pos), pos)
            pos = self._skip_space(self._value_end(pos))
            pos = self._skip_space(pos + 1) if text.startswith(",", pos) else pos

    def spots(self, offset: int = 0) -> dict[str, Spot]:
        """Where each member of the object at `offset` is; for a repeated key the last, which `json` keeps."""
        return dict(self.members(offset))

    def _skip_space(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()

    def _value_end(self, pos: int) -> int:
        return _DECODER.raw_decode(self.text, pos)[1]
