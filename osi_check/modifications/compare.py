"""File-by-file comparison of two snapshots: unchanged, modified, added, deleted, renamed.

Renames are found by content first (a deleted and an added file with the same blob id), then, for
files that were moved and edited, by similarity: only between a deleted and an added file with the same
file name and comparable size, so the cost stays proportional to the few real candidates. A
whitespace-only change (line endings, indentation, trailing blanks) is marked as such when asked, so it
is shown but does not count as a modification.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from osi_check.modifications.snapshot import Snapshot
from osi_check.tree import InputError

WHITESPACE = b" \t\r\n\x0b\x0c"
SIMILARITY_THRESHOLD = 0.6
SIMILARITY_MAX_BYTES = 512 * 1024
SIMILARITY_MAX_PAIRS = 2000


@dataclass(frozen=True)
class RawChange:
    """A changed path before it is attributed to a component."""

    path: str
    status: str  # modified | added | deleted | renamed
    old_path: str | None = None
    whitespace_only: bool = False
    similarity: float | None = None  # for renamed files: 1.0 moved unchanged, lower when also edited


@dataclass(frozen=True)
class Diff:
    changes: tuple[RawChange, ...]
    unchanged: int


def _is_binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


def _same_but_whitespace(old: bytes, new: bytes) -> bool:
    if _is_binary(old) or _is_binary(new):
        return False
    return old.translate(None, WHITESPACE) == new.translate(None, WHITESPACE)


def _read(snapshot: Snapshot, path: str) -> bytes | None:
    try:
        return snapshot.read(path)
    except InputError:
        return None


def diff(upstream: Snapshot, current: Snapshot, *, ignore_whitespace: bool = False) -> Diff:
    old, new = upstream.blobs, current.blobs
    changes: list[RawChange] = []
    unchanged = 0
    for path, blob in new.items():
        before = old.get(path)
        if before is None:
            continue
        if before == blob:
            unchanged += 1
            continue
        whitespace_only = False
        if ignore_whitespace:
            a, b = _read(upstream, path), _read(current, path)
            whitespace_only = a is not None and b is not None and _same_but_whitespace(a, b)
        changes.append(RawChange(path, "modified", whitespace_only=whitespace_only))
    added = sorted(p for p in new if p not in old)
    deleted = sorted(p for p in old if p not in new)
    renames = _renames(upstream, current, added, deleted)
    moved_from = {r.old_path for r in renames}
    moved_to = {r.path for r in renames}
    changes += renames
    changes += [RawChange(p, "added") for p in added if p not in moved_to]
    changes += [RawChange(p, "deleted") for p in deleted if p not in moved_from]
    changes.sort(key=lambda c: (c.path, c.status))
    return Diff(tuple(changes), unchanged)


def _renames(upstream: Snapshot, current: Snapshot, added: list[str], deleted: list[str]) -> list[RawChange]:
    renames: list[RawChange] = []
    deleted_by_blob: dict[str, list[str]] = defaultdict(list)
    for path in deleted:
        deleted_by_blob[upstream.blobs[path]].append(path)
    unmatched_added = []
    for path in added:
        sources = deleted_by_blob.get(current.blobs[path])
        if sources:
            renames.append(RawChange(path, "renamed", old_path=sources.pop(0), similarity=1.0))
        else:
            unmatched_added.append(path)
    remaining_deleted = [p for paths in deleted_by_blob.values() for p in paths]
    return renames + _similar_renames(upstream, current, unmatched_added, sorted(remaining_deleted))


def _similar_renames(upstream: Snapshot, current: Snapshot, added: list[str], deleted: list[str]) -> list[RawChange]:
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in deleted:
        by_name[path.rsplit("/", 1)[-1]].append(path)
    found, budget = [], SIMILARITY_MAX_PAIRS
    taken: set[str] = set()
    for path in added:
        candidates = [p for p in by_name.get(path.rsplit("/", 1)[-1], ()) if p not in taken]
        if not candidates or budget <= 0:
            continue
        new = _read(current, path)
        if new is None or _is_binary(new) or len(new) > SIMILARITY_MAX_BYTES:
            continue
        best: tuple[float, str] | None = None
        for old_path in candidates[:8]:
            budget -= 1
            old = _read(upstream, old_path)
            if old is None or _is_binary(old) or not 0.5 <= (len(old) + 1) / (len(new) + 1) <= 2:
                continue
            ratio = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines()).ratio()
            if ratio >= SIMILARITY_THRESHOLD and (best is None or ratio > best[0]):
                best = (ratio, old_path)
        if best:
            taken.add(best[1])
            found.append(RawChange(path, "renamed", old_path=best[1], similarity=round(best[0], 3)))
    return found
