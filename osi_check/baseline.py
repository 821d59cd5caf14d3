"""Baselines: accept the findings a project already has, and fail only on new ones.

`--write-baseline FILE` records the fingerprint of every finding that is not waived or held under a
commercial license (a waiver has an expiry that a baseline must not outlive); findings an older baseline
(`--baseline`) covers are recorded again. `--baseline FILE`
then marks findings with a recorded fingerprint as suppressed (kind "baseline"): they stay in the
report, and only new findings count for the gate. Fingerprints are stable across runs and line moves
(rule + subject identity), so a baseline survives unrelated edits.

The file is JSON, sorted, one entry per finding, so it diffs well in review:

    {
      "osi-check-baseline": 1,
      "findings": [
        {"fingerprint": "0123456789abcdef", "rule": "needs-info/unknown-license",
         "subject": "pkg:composer/phpxmlrpc/phpxmlrpc@4.10.3"}
      ]
    }

`rule` and `subject` are for the reader; only `fingerprint` is matched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from osi_check.model import Finding, Suppression
from osi_check.policy.findings import ENTRY_RULES  # about the policy's own entries: fixed there, never baselined

FORMAT = 1
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


class BaselineError(Exception):
    """The baseline file cannot be used: a configuration error (exit 2)."""


@dataclass(frozen=True)
class Baseline:
    path: str
    fingerprints: frozenset[str]


def render_baseline(findings: tuple[Finding, ...]) -> str:
    entries = {
        f.fingerprint: {"fingerprint": f.fingerprint, "rule": f.rule_id, "subject": f.subject.key}
        for f in findings
        if (f.suppression is None or f.suppression.kind == "baseline") and f.rule_id not in ENTRY_RULES
    }
    document = {"osi-check-baseline": FORMAT, "findings": [entries[k] for k in sorted(entries)]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(document, dict) or document.get("osi-check-baseline") != FORMAT:
        raise BaselineError(f"{path}: not an osi-check baseline (expected \"osi-check-baseline\": {FORMAT}; "
                            "write one with --write-baseline)")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: \"findings\" must be a list")
    fingerprints = set()
    for number, entry in enumerate(entries, start=1):
        value = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not _FINGERPRINT.match(value):
            raise BaselineError(f"{path}: finding #{number} has no valid \"fingerprint\" (16 hex digits)")
        fingerprints.add(value)
    return Baseline(str(path), frozenset(fingerprints))


def apply_baseline(findings: tuple[Finding, ...], baseline: Baseline) -> tuple[Finding, ...]:
    """Findings recorded in the baseline are suppressed; everything else is new and counts."""
    return tuple(
        replace(f, suppression=Suppression("baseline", "recorded in the baseline: known before this change",
                                           source=baseline.path))
        if f.suppression is None and f.fingerprint in baseline.fingerprints and f.rule_id not in ENTRY_RULES
        else f
        for f in findings
    )
