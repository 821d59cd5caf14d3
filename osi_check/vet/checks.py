"""What a buyer needs to know about a delivered tree beyond its licenses: open-core parts, source that is not in
the preferred form, media and binaries under restrictive terms. Each function reads the tree (never executes it)
and returns findings; the data (folder names, signatures, extensions) is rules/knowledge/vetting.yaml."""

from __future__ import annotations

import posixpath
from collections import defaultdict

from osi_check.engine.evaluate import fingerprint
from osi_check.facts import Evidence, EvidenceKind, FileLicense, Location
from osi_check.model import Finding, LicenseAssessment, Subject
from osi_check.tree import InputError, Tree, TreeFile
from osi_check.vet.knowledge import Check

DEPENDENCY_DIRS = frozenset({"node_modules", "vendor", "bower_components", "site-packages", ".venv"})
HEAD_BYTES = 64 * 1024


def finding(check: Check, subject: Subject, message: str, evidence: tuple[Evidence, ...] = ()) -> Finding:
    return Finding(
        rule_id=f"vet/{check.id}", kind=check.kind, severity=check.severity, title=check.title, message=message,
        subject=subject, explanation=check.explanation, citations=check.citations, evidence=evidence,
        fingerprint=fingerprint(f"vet/{check.id}", subject.key), topic=check.topic,
    )


def _ext(file: TreeFile) -> str:
    return file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""


def _in_dependency(file: TreeFile) -> bool:
    return any(part in DEPENDENCY_DIRS for part in file.dir_parts)


def _head(tree: Tree, file: TreeFile, size: int = HEAD_BYTES) -> str | None:
    try:
        return tree.read_head(file.path, size).decode("latin-1")
    except InputError:
        return None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _signature_hits(check: Check, tree: Tree, files: list[TreeFile], *, dependencies: bool):
    """(file, signature name, head of the file, match, line) for the first signature each file of the check's
    extensions matches; files inside dependency folders only when `dependencies`."""
    for file in files:
        if _ext(file) not in check.extensions or (not dependencies and _in_dependency(file)):
            continue
        head = _head(tree, file, check.head_bytes)
        if head is None:
            continue
        if check.prefilter:
            lowered = head.lower()
            if not any(literal in lowered for literal in check.prefilter):
                continue
        for name, pattern in check.signatures:
            m = pattern.search(head)
            if m:
                yield file, name, head, m, _line_of(head, m.start())
                break


def encoded_source(check: Check, tree: Tree, files: list[TreeFile]) -> list[Finding]:
    """Encoded PHP anywhere, vendored packages included: an encoded dependency is as unreadable as the vendor's own."""
    out = []
    for file, name, head, m, line in _signature_hits(check, tree, files, dependencies=True):
        quote = head[m.start(): m.start() + 80].split("\n")[0]
        out.append(finding(
            check, Subject("file", file.path, file.path, f"{file.path}:{line}"),
            f"{file.path} is {name}-encoded PHP: its source is not in the preferred form for modification, "
            "so it cannot be read, audited or changed without the vendor (OSD 2).",
            (Evidence(EvidenceKind.MARKER, Location(file.path, line), quote, f"{name} signature"),),
        ))
    return out


def _is_minified(text: str, min_line: int) -> bool:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        return False
    return sum(map(len, lines)) / len(lines) > min_line


def minified_without_source(check: Check, tree: Tree, files: list[TreeFile]) -> list[Finding]:
    present = {f.path for f in files}
    out = []
    for file in files:
        if _ext(file) not in check.extensions or _in_dependency(file):
            continue
        head = _head(tree, file)
        if head is None or not _is_minified(head, check.min_line_length):
            continue
        stem = file.name.rsplit(".", 1)[0]
        base = stem[:-4] if stem.endswith(".min") else stem
        candidates = [s.format(stem=stem, base=base, name=file.name) for s in check.source_siblings]
        siblings = {posixpath.join(file.parent if file.parent != "." else "", c) for c in candidates}
        siblings.discard(file.path)
        if siblings & present or "sourceMappingURL=" in head[-2000:]:
            continue
        out.append(finding(
            check, Subject("file", file.path, file.path, file.path),
            f"{file.path} is minified JavaScript and the delivery holds neither its unminified source nor a source "
            f"map beside it (looked for: {', '.join(sorted(posixpath.basename(s) for s in siblings)[:4])}).",
            (Evidence(EvidenceKind.MARKER, Location(file.path, 1), head[:80].split("\n")[0], "minified: long lines"),),
        ))
    return out


def license_key_checks(check: Check, tree: Tree, files: list[TreeFile]) -> list[Finding]:
    out = []
    for file, _, head, _, line in _signature_hits(check, tree, files, dependencies=False):
        text_line = head.split("\n")[line - 1].strip()[:160]
        out.append(finding(
            check, Subject("file", file.path, file.path, f"{file.path}:{line}"),
            f"{file.path}:{line} checks a license key: features or the whole product depend on a paid key.",
            (Evidence(EvidenceKind.MARKER, Location(file.path, line), text_line, "license-key check"),),
        ))
    return out


def open_core_folders(check: Check, files: list[TreeFile], assessments: list[LicenseAssessment]) -> list[Finding]:
    folders: dict[str, list[TreeFile]] = defaultdict(list)
    for file in files:
        if _in_dependency(file):
            continue
        for depth, part in enumerate(file.dir_parts):
            if part.lower() in check.folders:
                folders["/".join(file.dir_parts[: depth + 1])].append(file)
                break
    out = []
    for folder, inside in sorted(folders.items()):
        terms = [a for a in assessments if a.location.startswith(folder + "/")]
        described = "; ".join(f"{a.location}: {a.license} ({a.verdict})" for a in terms) or "no license file of its own"
        evidence = tuple(Evidence(EvidenceKind.LICENSE_TEXT, Location(a.location), a.license, a.verdict) for a in terms)
        out.append(finding(
            check, Subject("tree", folder, folder + "/", folder + "/"),
            f"{folder}/ ({len(inside)} file{'s' if len(inside) != 1 else ''}) is an enterprise part of the delivery: "
            f"{described}. It is not covered by the open-source license of the core.",
            evidence,
        ))
    return out


def open_core_markers(check: Check, files: tuple[FileLicense, ...]) -> list[Finding]:
    by_license: dict[str, list[tuple[FileLicense, Evidence]]] = defaultdict(list)
    for f in files:
        for e in f.license.evidence:
            if e.kind is EvidenceKind.MARKER:
                by_license[f.license.expression or "unknown"].append((f, e))
    out = []
    for lic, marked in sorted(by_license.items()):
        paths = ", ".join(f.path for f, _ in marked[:5]) + (", ..." if len(marked) > 5 else "")
        out.append(finding(
            check, Subject("tree", f"marker:{lic}", lic, str(marked[0][1].location)),
            f"{len(marked)} file(s) are marked as under {lic}: {paths}.",
            tuple(e for _, e in marked[:20]),
        ))
    return out


def media_and_binaries(media: Check, binaries: Check, files: list[TreeFile],
                       assessments: list[LicenseAssessment], has_source: set[str]) -> list[Finding]:
    """Media beside a restrictive license file; binaries with no source file in their folder."""
    restrictive = {posixpath.dirname(a.location): a for a in assessments
                   if a.location and a.verdict in ("does-not-conform", "unclear")}
    media_by_dir: dict[str, list[TreeFile]] = defaultdict(list)
    bins_by_dir: dict[str, list[TreeFile]] = defaultdict(list)
    for file in files:
        ext = _ext(file)
        folder = file.parent if file.parent != "." else ""
        if ext in media.extensions:
            terms = next((restrictive[d] for d in _ancestors(folder) if d in restrictive), None)
            if terms is not None:
                media_by_dir[(folder, terms.location)].append(file)
        elif ext in binaries.extensions and not _in_dependency(file) and folder not in has_source:
            bins_by_dir[folder].append(file)
    out = []
    for (folder, terms_at), items in sorted(media_by_dir.items()):
        terms = next(a for a in assessments if a.location == terms_at)
        failing = [c for c in terms.criteria if c.verdict != "pass"]
        first = failing[0] if failing else None
        why = f"; it fails OSD {', '.join(str(c.number) for c in failing)}" if failing else ""
        quote = f': "{first.clause}" ({terms_at}, {first.location})' if first and first.clause else ""
        names = ", ".join(f.name for f in items[:6]) + (", ..." if len(items) > 6 else "")
        out.append(finding(
            media, Subject("tree", folder or ".", (folder or ".") + "/", terms_at),
            f"{names} in {folder or '.'}/ are under {terms_at} ({terms.verdict}){why}{quote}.",
            tuple(Evidence(EvidenceKind.LICENSE_TEXT, Location(terms_at, _line(c.location)), c.clause, f"OSD {c.number} {c.verdict}")
                  for c in failing[:3]) + tuple(Evidence(EvidenceKind.MARKER, Location(f.path), f.name, "media file") for f in items[:10]),
        ))
    for folder, items in sorted(bins_by_dir.items()):
        names = ", ".join(f.name for f in items[:6]) + (", ..." if len(items) > 6 else "")
        out.append(finding(
            binaries, Subject("tree", f"binaries:{folder or '.'}", (folder or ".") + "/", folder or "."),
            f"{names} in {folder or '.'}/ are compiled files with no source code beside them.",
            tuple(Evidence(EvidenceKind.MARKER, Location(f.path), f.name, "binary file") for f in items[:10]),
        ))
    return out


def _ancestors(folder: str) -> list[str]:
    out = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        out.append(folder)
    return out


def _line(location: str) -> int | None:
    return int(location[5:]) if location.startswith("line ") and location[5:].isdigit() else None
