"""The vetting checks and their matching data (rules/knowledge/vetting.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import yaml

from osi_check import resources
from osi_check.model import Citation, FindingKind, Severity


class VettingDataError(Exception):
    """rules/knowledge/vetting.yaml is malformed (the message names the file and the check)."""


@dataclass(frozen=True)
class Check:
    id: str
    topic: str
    kind: FindingKind
    severity: Severity
    title: str
    explanation: str
    citations: tuple[Citation, ...]
    folders: frozenset[str] = frozenset()
    extensions: frozenset[str] = frozenset()
    signatures: tuple[tuple[str, re.Pattern], ...] = ()  # (name, pattern)
    min_line_length: int = 0
    source_siblings: tuple[str, ...] = field(default=())
    head_bytes: int = 64 * 1024  # how much of each file the signatures are looked for in
    prefilter: tuple[str, ...] = ()  # lower-case literals, one of which every signature match contains


@dataclass(frozen=True)
class Vetting:
    license_files: tuple[re.Pattern, ...]
    checks: dict[str, Check]


@cache
def load() -> Vetting:
    path = resources.knowledge_file("vetting.yaml")
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    checks = {}
    for c in data.get("checks") or []:
        where = f"{path}: check {c.get('id')}"
        try:
            sigs = c.get("signatures") or ()
            items = sigs.items() if isinstance(sigs, dict) else [(s, s) for s in sigs]
            checks[c["id"]] = Check(
                id=c["id"], topic=c["topic"], kind=FindingKind(c["kind"]), severity=Severity(c["severity"]),
                title=c["title"], explanation=" ".join(c["explanation"].split()),
                citations=tuple(Citation(x["text"], x.get("url")) for x in c["citations"]),
                folders=frozenset(f.lower() for f in c.get("folders") or ()),
                extensions=frozenset(e.lower() for e in c.get("extensions") or ()),
                signatures=tuple((name, re.compile(p, re.I)) for name, p in items),
                min_line_length=int(c.get("min-line-length") or 0),
                source_siblings=tuple(c.get("source-siblings") or ()),
                head_bytes=int(c.get("head-bytes") or 64 * 1024),
                prefilter=tuple(str(x).lower() for x in c.get("prefilter") or ()),
            )
        except (KeyError, ValueError, TypeError, re.error) as exc:
            raise VettingDataError(f"{where}: {type(exc).__name__}: {exc}") from None
    try:
        license_files = tuple(re.compile(p, re.I) for p in data.get("license-files") or ())
    except re.error as exc:
        raise VettingDataError(f"{path}: license-files: {exc}") from None
    return Vetting(license_files, checks)
