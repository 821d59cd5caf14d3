"""Reading literal values out of PHP source without running it (SuiteCRM/SugarCRM `manifest.php`).

A module-loader manifest is PHP code from the scanned tree, which is hostile input: PHP is never run
and nothing in the file is evaluated. This module tokenizes the file and reads the value assigned to a
variable (`$manifest = array(...)`, `$manifest = [...]`, `$manifest['key'] = ...`) as far as it is a
literal: strings in single or double quotes (with PHP's escapes), heredoc/nowdoc, numbers,
true/false/null, nested `array()` / `[]` with `=>` keys, and `.` concatenation of literals.

Anything else (a function call such as `system(...)` or `date('Y-m-d')`, a variable, a constant, a
double-quoted string with `$interpolation`, arithmetic) is skipped, not evaluated: it becomes an
`Unknown` carrying its source text and line, so the caller can say exactly what was not read. Only
that value is lost; the rest of the array is still read.

The tokenizer is one compiled regular expression applied once over the file (O(n)). Text outside
`<?php ... ?>` is inline HTML and is skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Deeper nesting than this is not a manifest; refusing it keeps a hostile file from exhausting the stack.
MAX_DEPTH = 64

_OPEN_TAG = re.compile(r"<\?(?:php\b|=)?", re.IGNORECASE)
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<comment>(?://|\#(?!\[))[^\n?]*(?:\?(?!>)[^\n?]*)*|/\*.*?\*/)
    |(?P<unclosed_comment>/\*)
    |(?P<close>\?>)
    |(?P<sq>'(?:[^'\\]|\\.)*')
    |(?P<dq>"(?:[^"\\]|\\.)*")
    |(?P<unclosed>['"])
    |(?P<heredoc><<<[ \t]*(?P<quote>["']?)(?P<label>[A-Za-z_][A-Za-z0-9_]*)(?P=quote)\r?\n)
    |(?P<num>0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
        |(?:\d[\d_]*)?\.\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*(?:\.(?:\d[\d_]*)?)?(?:[eE][+-]?\d+)?)
    |(?P<var>\$[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)
    |(?P<ident>\\?[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*(?:\\[A-Za-z_][A-Za-z0-9_]*)*)
    |(?P<op>\.\.\.|=>|===|!==|==|!=|<=>|<=|>=|&&|\|\||\?\?=?|\?->|->|::|\+\+|--|[.+\-*/%]=
        |[-+*/%.=(){}\[\],;:?!<>&|^~@$`\\])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# PHP double-quoted escapes, and what starts an interpolation ("$var", "{$expr}").
_DQ_PART = re.compile(
    r"\\(?:(?P<simple>[ntrvef\\$\"])|(?P<oct>[0-7]{1,3})|x(?P<hex>[0-9A-Fa-f]{1,2})|u\{(?P<uni>[0-9A-Fa-f]+)\})"
    r"|(?P<interp>\$(?=[A-Za-z_\x80-\U0010ffff])|\{\$)"
)
_SQ_PART = re.compile(r"\\([\\'])")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}
_CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
# Tokens that end an expression inside an array or a statement.
_ENDS = frozenset({",", ")", "]", ";", "=>", "}"})
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(_OPENERS.values())


class PhpSyntaxError(Exception):
    """The file is not PHP that could be read (an unterminated string, unbalanced brackets, ...)."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Unknown:
    """A value that is not a literal, so it was not evaluated: what it is, as written, and where."""

    kind: str  # "a function call", "a variable", "a constant", "an interpolated string", "an expression"
    source: str  # the expression as written
    line: int

    def describe(self) -> str:
        shown = " ".join(self.source.split())
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return f"{self.kind} ({shown})"


@dataclass(frozen=True)
class Entry:
    value: object  # str, int, float, bool, None, PhpArray or Unknown
    line: int  # where the entry (its key, or its value when it has no key) is written
    source: str  # the value as written


@dataclass(frozen=True)
class PhpArray:
    """A PHP array literal: its entries in order, with their lines and source text."""

    line: int
    entries: dict = field(default_factory=dict)  # PHP key (int or str) -> Entry

    def get(self, key: object, default: object = None) -> object:
        entry = self.entries.get(key)
        return default if entry is None else entry.value

    def values(self) -> list:
        return [entry.value for entry in self.entries.values()]


@dataclass(frozen=True)
class Assignment:
    """The value a variable is given, where, and as written."""

    value: object
    line: int
    source: str


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int
    value: object = None  # decoded literal for strings and numbers (Unknown for interpolated strings)


def read_assignment(text: str, variable: str) -> Assignment | None:
    """The literal value assigned to `$variable` in the PHP source `text`, or None if it is never assigned.

    `$v = <expr>` replaces the value; a later `$v['key'] = <expr>` sets one entry of it (as PHP would,
    in file order). Raises PhpSyntaxError for source that cannot be tokenized or whose brackets do not
    balance where the value is read.
    """
    return _Parser(text).assignment("$" + variable)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens = _tokenize(text, self.line_at)
        self.pos = 0
        self.depth = 0

    def line_at(self, offset: int) -> int:
        return bisect_right(self._line_starts, offset)

    # -- statements ---------------------------------------------------------------------------------

    def assignment(self, variable: str) -> Assignment | None:
        result: Assignment | None = None
        tokens = self.tokens
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind != "var" or token.text != variable or (i > 0 and tokens[i - 1].text in ("->", "::", "?->")):
                i += 1
                continue
            following = tokens[i + 1].text if i + 1 < len(tokens) else ""
            if following == "=":
                self.pos = i + 2
                value, source = self._expr()
                result = Assignment(value, self.line_at(token.start), source)
                i = self.pos
            elif following == "[":
                result = self._element_assignment(i, result)
                i = max(self.pos, i + 1)
            else:
                i += 1
        return result

    def _element_assignment(self, i: int, current: Assignment | None) -> Assignment | None:
        """`$v['key'] = value;`: set one entry of the array assigned so far (or of a new one)."""
        self.pos = i + 2
        if self._peek() == "]":  # `$v[] = ...` appends; the manifest never does this
            return current
        key, _ = self._expr()
        if self._peek() != "]":
            return current
        self.pos += 1
        if self._peek() != "=":
            return current
        line = self.line_at(self.tokens[i].start)
        self.pos += 1
        value, source = self._expr()
        if isinstance(key, Unknown) or isinstance(key, PhpArray):
            return current
        if current is None:
            current = Assignment(PhpArray(line), line, "")
        if isinstance(current.value, PhpArray):
            current.value.entries[_array_key(key)] = Entry(value, line, source)
        return current

    # -- expressions --------------------------------------------------------------------------------

    def _peek(self) -> str:
        return self.tokens[self.pos].text if self.pos < len(self.tokens) else ""

    def _expr(self) -> tuple[object, str]:
        """One expression up to its end (`,` `)` `]` `;` `=>`): its literal value or an Unknown, and its source."""
        start = self.pos
        value = self._concatenation()
        if value is _NOT_LITERAL or self._peek() not in _ENDS and self.pos < len(self.tokens):
            self.pos = start
            return self._skip_unknown(start)
        return value, self._source(start, self.pos)

    def _source(self, first: int, end: int) -> str:
        if end <= first:
            return ""
        return self.text[self.tokens[first].start : self.tokens[end - 1].end]

    def _concatenation(self) -> object:
        value = self._unary()
        while value is not _NOT_LITERAL and self._peek() == ".":
            self.pos += 1
            right = self._unary()
            if right is _NOT_LITERAL or isinstance(right, Unknown) or isinstance(value, Unknown):
                return _NOT_LITERAL
            if isinstance(value, PhpArray) or isinstance(right, PhpArray):
                return _NOT_LITERAL
            value = _php_string(value) + _php_string(right)
        return value

    def _unary(self) -> object:
        sign = self._peek()
        if sign in ("-", "+") and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1].kind == "num":
            self.pos += 2
            number = self.tokens[self.pos - 1].value
            return -number if sign == "-" else number
        return self._primary()

    def _primary(self) -> object:
        if self.pos >= len(self.tokens):
            return _NOT_LITERAL
        token = self.tokens[self.pos]
        if token.kind in ("sq", "dq", "heredoc", "num"):
            self.pos += 1
            return _NOT_LITERAL if isinstance(token.value, Unknown) else token.value
        if token.kind == "ident":
            word = token.text.lower()
            if word in ("true", "false", "null") and self._next_text(1) != "(":
                self.pos += 1
                return {"true": True, "false": False, "null": None}[word]
            if word == "array" and self._next_text(1) == "(":
                self.pos += 2
                return self._array(")", token)
            return _NOT_LITERAL
        if token.text == "[":
            self.pos += 1
            return self._array("]", token)
        if token.text == "(":
            self._enter(token)
            self.pos += 1
            value = self._concatenation()
            self.depth -= 1
            if value is _NOT_LITERAL or self._peek() != ")":
                return _NOT_LITERAL
            self.pos += 1
            return value
        return _NOT_LITERAL

    def _next_text(self, ahead: int) -> str:
        index = self.pos + ahead
        return self.tokens[index].text if index < len(self.tokens) else ""

    def _enter(self, opener: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            message = f"arrays or parentheses are nested more than {MAX_DEPTH} deep"
            raise PhpSyntaxError(message, self.line_at(opener.start))

    def _array(self, close: str, opener: _Token) -> object:
        self._enter(opener)
        array = PhpArray(self.line_at(opener.start))
        next_index = 0
        while self._peek() != close:
            if self.pos >= len(self.tokens):
                raise PhpSyntaxError(f"the array opened here is not closed with '{close}'", array.line)
            entry_line = self.line_at(self.tokens[self.pos].start)
            if self._peek() in ("...", "&"):
                self.pos += 1  # a spread or a reference: read what follows as the value
            first, first_source = self._expr()
            if self._peek() == "=>":
                self.pos += 1
                value, source = self._expr()
                if isinstance(first, (Unknown, PhpArray)):
                    key = None  # a key that is not a literal: the entry cannot be addressed
                else:
                    key = _array_key(first)
            else:
                key, value, source = next_index, first, first_source
            if key is not None:
                array.entries[key] = Entry(value, entry_line, source)
                if isinstance(key, int) and key >= next_index:
                    next_index = key + 1
            if self._peek() == ",":
                self.pos += 1
            elif self._peek() != close:
                line = self.line_at(self.tokens[self.pos].start) if self.pos < len(self.tokens) else array.line
                found = self._peek() or "the end of the file"
                raise PhpSyntaxError(f"expected ',' or '{close}' in the array, found '{found}'", line)
        self.pos += 1
        self.depth -= 1
        return array

    def _skip_unknown(self, start: int) -> tuple[Unknown, str]:
        """Skip a non-literal expression to its end, balancing brackets, and describe what it was."""
        stack: list[str] = []
        tokens = self.tokens
        kinds: set[str] = set()
        while self.pos < len(tokens):
            token = tokens[self.pos]
            text = token.text
            if not stack and text in _ENDS:
                break
            if token.kind == "op" and text in _OPENERS:
                if text == "(" and self.pos > start and tokens[self.pos - 1].kind in ("ident", "var"):
                    kinds.add("call")
                stack.append(_OPENERS[text])
            elif token.kind == "op" and text in _CLOSERS:
                if not stack or stack.pop() != text:
                    raise PhpSyntaxError(f"unbalanced '{text}'", self.line_at(token.start))
            elif token.kind == "var":
                kinds.add("var")
            elif token.kind == "ident":
                kinds.add("new" if text.lower() == "new" else "ident")
            elif text == "`":
                kinds.add("call")  # backticks run a shell command
            elif isinstance(token.value, Unknown):
                kinds.add("interp")
            self.pos += 1
        if stack:
            message = f"'{stack[-1]}' expected before the end of the file"
            raise PhpSyntaxError(message, self.line_at(tokens[start].start))
        source = self._source(start, self.pos)
        line = self.line_at(tokens[start].start) if start < len(tokens) else 1
        return Unknown(_kind(kinds), source, line), source


_NOT_LITERAL = object()


def _kind(kinds: set[str]) -> str:
    if "call" in kinds or "new" in kinds:
        return "a function call"
    if "var" in kinds:
        return "a variable"
    if "interp" in kinds:
        return "an interpolated string"
    if "ident" in kinds:
        return "a constant"
    return "an expression"


def _php_string(value: object) -> str:
    """A scalar as PHP's string conversion writes it (for `.` concatenation)."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _array_key(value: object) -> object:
    """PHP's key casts: canonical decimal strings, bools and floats become ints; null becomes ""."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if value is None:
        return ""
    if isinstance(value, str) and _CANONICAL_INT.fullmatch(value) and value != "-0":
        return int(value)
    return value


def _tokenize(text: str, line_at) -> list[_Token]:
    """PHP tokens of the code parts of `text`, without white space and comments."""
    tokens: list[_Token] = []
    pos = 0
    length = len(text)
    match_token = _TOKEN.match
    while pos < length:
        opening = _OPEN_TAG.search(text, pos)  # inline HTML up to the next PHP open tag
        if opening is None:
            break
        pos = opening.end()
        while pos < length:
            m = match_token(text, pos)
            kind = m.lastgroup
            if kind == "ws" or kind == "comment":
                pos = m.end()
                continue
            if kind == "close":
                tokens.append(_Token("op", ";", m.start(), m.end()))  # `?>` ends a statement
                pos = m.end()
                break
            if kind == "unclosed":
                raise PhpSyntaxError("a string is not closed before the end of the file", line_at(m.start()))
            if kind == "unclosed_comment":
                raise PhpSyntaxError("a /* comment is not closed before the end of the file", line_at(m.start()))
            if kind == "heredoc":
                token, pos = _heredoc(text, m, line_at)
                tokens.append(token)
                continue
            value = None
            if kind == "sq":
                value = _SQ_PART.sub(r"\1", m.group()[1:-1])
            elif kind == "dq":
                value = _double_quoted(m.group()[1:-1], m.group(), line_at(m.start()))
            elif kind == "num":
                value = _number(m.group())
                if value is None:
                    kind = "other"
            tokens.append(_Token(kind, m.group(), m.start(), m.end(), value))
            pos = m.end()
    return tokens


def _heredoc(text: str, m: re.Match, line_at) -> tuple[_Token, int]:
    label = m.group("label")
    closing = re.compile(rf"^([ \t]*){re.escape(label)}\b", re.MULTILINE)
    end = closing.search(text, m.end())
    if end is None:
        raise PhpSyntaxError(f"the heredoc <<<{label} is not closed", line_at(m.start()))
    body = text[m.end() : end.start()]
    body = body[:-2] if body.endswith("\r\n") else body[:-1] if body.endswith("\n") else body
    indent = end.group(1)
    if indent:
        lines = body.split("\n")
        body = "\n".join(line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t") for line in lines)
    source = text[m.start() : end.end()]
    if m.group("quote") == "'":
        value: object = body  # nowdoc: no escapes, no interpolation
    else:
        value = _double_quoted(body, source, line_at(m.start()))
    return _Token("heredoc", source, m.start(), end.end(), value), end.end()


def _double_quoted(body: str, source: str, line: int) -> object:
    """The value of a double-quoted string body, or an Unknown if it interpolates a variable."""
    interpolates = False

    def replace(part: re.Match) -> str:
        nonlocal interpolates
        if part.group("interp"):
            interpolates = True
            return part.group()
        if part.group("simple"):
            return _SIMPLE_ESCAPES[part.group("simple")]
        if part.group("oct"):
            return chr(int(part.group("oct"), 8) & 0xFF)
        if part.group("hex"):
            return chr(int(part.group("hex"), 16))
        code = int(part.group("uni"), 16)
        return chr(code) if code <= 0x10FFFF else part.group()

    value = _DQ_PART.sub(replace, body)
    return Unknown("an interpolated string", source, line) if interpolates else value


def _number(text: str) -> int | float | None:
    digits = text.replace("_", "")
    try:
        lowered = digits.lower()
        if lowered.startswith("0x"):
            return int(digits[2:], 16)
        if lowered.startswith("0b"):
            return int(digits[2:], 2)
        if lowered.startswith("0o"):
            return int(digits[2:], 8)
        if any(c in lowered for c in ".e"):
            return float(digits)
        if len(digits) > 1 and digits.startswith("0"):
            return int(digits, 8)  # PHP's legacy octal literal: 0755
        return int(digits)
    except ValueError:
        return None
