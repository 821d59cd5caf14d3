"""Reading the policy: `osi-check.toml`, or `[tool.osi-check]` in `pyproject.toml`, strictly.

Strict because a policy decides what fails a build: a misspelt key (`expire` for `expires`) silently
ignored would waive a finding forever. Every unknown key, wrong type or bad value is a `PolicyError`
naming the file, the line where it can be found, and the key.

The policy is looked for in the current directory (where CI and pre-commit run), never inside the
scanned tree: a delivery being vetted must not bring its own waivers.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

from osi_check.policy.locate import key_lines, line_of
from osi_check.policy.model import (
    Clarification,
    CommercialLicense,
    LicenseFile,
    LicenseList,
    Policy,
    Scope,
    SeverityOverride,
    Waiver,
)

POLICY_FILE = "osi-check.toml"
PYPROJECT_TABLE = ("tool", "osi-check")
SEVERITIES = ("error", "warning", "note")
KINDS = ("obligation", "violation", "risk", "needs-info", "note")
_SHA256 = re.compile(r"^(?:sha256:)?([0-9a-f]{64})$")

TOP_KEYS = ("deployment", "modified", "fail-on", "licenses", "exceptions", "clarify", "severity", "commercial")
SCOPE_KEYS = ("purl", "versions", "path")
ENTRY_KEYS = {
    "licenses": ("allow", "deny"),
    "exceptions": (*SCOPE_KEYS, "rule", "fingerprint", "reason", "owner", "expires"),
    "clarify": (*SCOPE_KEYS, "expression", "license-files", "reason"),
    "commercial": ("product", "vendor", "seats", "expires", *SCOPE_KEYS),
    "license-files": ("path", "sha256"),
    "severity": ("severity", "kind"),
}


class PolicyError(Exception):
    """The policy file cannot be used: a configuration error (exit 2), naming file, line and key."""


def find_policy(directory: Path) -> Path | None:
    """`osi-check.toml`, else a `pyproject.toml` with a `[tool.osi-check]` table, in `directory`."""
    candidate = directory / POLICY_FILE
    if candidate.is_file():
        return candidate
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise PolicyError(f"{pyproject}: cannot be read as TOML: {exc}") from None
        if isinstance(data.get("tool"), dict) and PYPROJECT_TABLE[1] in data["tool"]:
            return pyproject
    return None


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file. Raises PolicyError."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from None
    prefix: tuple = ()
    if path.name == "pyproject.toml":
        prefix = PYPROJECT_TABLE
        data = data.get("tool", {}).get(PYPROJECT_TABLE[1], {})
    return _Reader(str(path), key_lines(text), prefix).policy(data)


class _Reader:
    def __init__(self, name: str, lines: dict[tuple, int], prefix: tuple):
        self.name, self.lines, self.prefix = name, lines, prefix

    def where(self, path: tuple) -> str:
        line = line_of(self.lines, (*self.prefix, *path))
        return f"{self.name}:{line}" if line else self.name

    def fail(self, path: tuple, message: str):
        raise PolicyError(f"{self.where(path)}: {message}")

    def table(self, value, path: tuple, allowed: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"'{_dotted(path)}' must be a table")
        for key in value:
            if key not in allowed:
                self.fail((*path, key), f"unknown key '{key}' in {_dotted(path) or 'the policy'} "
                                        f"(known: {', '.join(allowed)})")
        return value

    def string(self, table: dict, key: str, path: tuple, *, required=False, choices=()) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(path, f"'{_dotted(path)}' needs '{key}'")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail((*path, key), f"'{key}' must be a non-empty string")
        if choices and value not in choices:
            self.fail((*path, key), f"'{key}' is '{value}'; use one of {', '.join(choices)}")
        return value

    def day(self, table: dict, key: str, path: tuple) -> date:
        value = table.get(key)
        if value is None:
            self.fail(path, f"'{_dotted(path)}' needs '{key}' (a date such as 2027-03-31)")
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, date) or hasattr(value, "hour"):
            self.fail((*path, key), f"'{key}' must be a date such as 2027-03-31")
        return value

    def array(self, value, path: tuple) -> list:
        if not isinstance(value, list):
            self.fail(path, f"'{_dotted(path)}' must be an array ([[{_dotted(path)}]] entries)")
        return value

    def scope(self, entry: dict, path: tuple) -> Scope:
        scope = Scope(*(self.string(entry, k, path) for k in SCOPE_KEYS))
        if scope.purl and not scope.purl.startswith("pkg:"):
            self.fail((*path, "purl"), f"'purl' must be a package URL such as pkg:npm/lodash, not '{scope.purl}'")
        if scope.versions:
            if not scope.purl:
                self.fail((*path, "versions"), "'versions' needs a 'purl' (its type says how to read versions)")
            from osi_check.policy.scope import version_range

            try:
                version_range(scope.purl, scope.versions)
            except ValueError as exc:
                self.fail((*path, "versions"), str(exc))
        return scope

    def policy(self, data: dict) -> Policy:
        self.table(data, (), TOP_KEYS)
        from osi_check.deployment import MODIFIED_CHOICES, PROFILES
        from osi_check.gate import FAIL_LEVELS

        return Policy(
            path=self.name,
            deployment=self.string(data, "deployment", (), choices=tuple(PROFILES)) or None,
            modified=self.string(data, "modified", (), choices=tuple(MODIFIED_CHOICES)) or None,
            fail_on=self.string(data, "fail-on", (), choices=FAIL_LEVELS) or None,
            **self.licenses(data.get("licenses", {})),
            waivers=tuple(self.waiver(e, ("exceptions", i))
                          for i, e in enumerate(self.array(data.get("exceptions", []), ("exceptions",)))),
            clarifications=tuple(self.clarification(e, ("clarify", i))
                                 for i, e in enumerate(self.array(data.get("clarify", []), ("clarify",)))),
            severities=self.severities(data.get("severity", {})),
            commercial=tuple(self.commercial(e, ("commercial", i))
                             for i, e in enumerate(self.array(data.get("commercial", []), ("commercial",)))),
        )

    def licenses(self, value) -> dict:
        table = self.table(value, ("licenses",), ENTRY_KEYS["licenses"])
        out = {}
        for key in ("allow", "deny"):
            path = ("licenses", key)
            ids = self.array(table.get(key, []), path)
            for item in ids:
                if not isinstance(item, str) or not item.strip():
                    self.fail(path, f"'{key}' must list license ids as strings")
                problem = _license_id_problem(item)
                if problem:
                    self.fail(path, f"'{item}' in licenses.{key}: {problem}")
            out[key] = tuple(LicenseList(_canonical(item), self.where(path)) for item in ids)
        both = {e.license for e in out["allow"]} & {e.license for e in out["deny"]}
        if both:
            self.fail(("licenses", "deny"), f"{', '.join(sorted(both))} both allowed and denied")
        return out

    def waiver(self, entry, path: tuple) -> Waiver:
        entry = self.table(entry, path, ENTRY_KEYS["exceptions"])
        scope = self.scope(entry, path)
        fingerprint = self.string(entry, "fingerprint", path)
        if not (scope.purl or scope.path or fingerprint):
            self.fail(path, "an exception needs a scope: 'purl', 'path' or 'fingerprint' "
                            "(to change a rule everywhere, use [severity])")
        return Waiver(
            scope=scope,
            reason=self.string(entry, "reason", path, required=True),
            owner=self.string(entry, "owner", path, required=True),
            expires=self.day(entry, "expires", path),
            rule=self.string(entry, "rule", path),
            fingerprint=fingerprint,
            source=self.where(path),
        )

    def clarification(self, entry, path: tuple) -> Clarification:
        entry = self.table(entry, path, ENTRY_KEYS["clarify"])
        scope = self.scope(entry, path)
        if not scope.purl:
            self.fail(path, "a clarification needs the 'purl' of the component it clarifies")
        expression = self.string(entry, "expression", path, required=True)
        problem = _expression_problem(expression)
        if problem:
            self.fail((*path, "expression"), f"'{expression}': {problem}")
        files_path = (*path, "license-files")
        files = self.array(entry.get("license-files"), files_path) if "license-files" in entry else \
            self.fail(path, "a clarification needs 'license-files' = [{ path = ..., sha256 = ... }]: it is "
                            "pinned to the license files it was read from")
        pinned = []
        for item in files:
            item = self.table(item, files_path, ENTRY_KEYS["license-files"])
            digest = self.string(item, "sha256", files_path, required=True)
            match = _SHA256.match(digest.lower())
            if not match:
                self.fail(files_path, f"'sha256' must be 64 hex digits (sha256sum of the file), not '{digest}'")
            pinned.append(LicenseFile(self.string(item, "path", files_path, required=True), match.group(1)))
        if not pinned:
            self.fail(files_path, "'license-files' must name at least one file")
        return Clarification(scope, expression, tuple(pinned), self.string(entry, "reason", path), self.where(path))

    def severities(self, value) -> tuple[SeverityOverride, ...]:
        if not isinstance(value, dict):
            self.fail(("severity",), "'severity' must be a table of rule id = severity")
        out = []
        for rule, setting in value.items():
            path = ("severity", rule)
            if isinstance(setting, str):
                setting = {"severity": setting}
            setting = self.table(setting, path, ENTRY_KEYS["severity"])
            out.append(SeverityOverride(
                rule,
                self.string(setting, "severity", path, required=True, choices=SEVERITIES),
                self.string(setting, "kind", path, choices=KINDS),
                self.where(path),
            ))
        return tuple(out)

    def commercial(self, entry, path: tuple) -> CommercialLicense:
        entry = self.table(entry, path, ENTRY_KEYS["commercial"])
        seats = entry.get("seats")
        if seats is not None and (not isinstance(seats, int) or isinstance(seats, bool) or seats < 1):
            self.fail((*path, "seats"), "'seats' must be a positive whole number")
        return CommercialLicense(
            product=self.string(entry, "product", path, required=True),
            seats=seats,
            expires=self.day(entry, "expires", path),
            vendor=self.string(entry, "vendor", path),
            scope=self.scope(entry, path),
            source=self.where(path),
        )


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def _canonical(text: str) -> str:
    from osi_check import licensing

    return licensing.render(licensing.parse(text))


def _license_id_problem(text: str) -> str | None:
    from osi_check import licensing

    try:
        node = licensing.parse(text)
    except Exception as exc:  # noqa: BLE001 - license-expression raises several types for bad input
        return f"not an SPDX license id ({exc})"
    if not isinstance(node, licensing.Leaf):
        return "list single licenses; an expression is judged by its parts (an OR passes if one choice does)"
    return _unknown_key(node)


def _expression_problem(text: str) -> str | None:
    from osi_check import licensing

    try:
        node = licensing.parse(text)
    except Exception as exc:  # noqa: BLE001
        return f"not an SPDX expression ({exc})"
    for leaf in licensing.leaves(node):
        problem = _unknown_key(leaf)
        if problem:
            return problem
    return None


def _unknown_key(leaf) -> str | None:
    from osi_check import licensing

    if leaf.key.startswith(licensing.UNKNOWN_PREFIX) or not (
            licensing.is_known_key(leaf.key) or leaf.key.startswith("LicenseRef-")):
        return f"'{leaf.key.removeprefix(licensing.UNKNOWN_PREFIX)}' is not an SPDX license id (use a LicenseRef- id for others)"
    if leaf.exception and not licensing.is_known_exception(leaf.exception):
        return f"'{leaf.exception}' is not an SPDX exception id"
    return None
