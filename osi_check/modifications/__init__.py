"""Modifications against the upstream release: which files differ, whose code they are, under which license.

`compare_with_upstream` is the one entry point the pipeline calls: it fills `Facts.upstream`,
`Facts.changes` and the component lists the engine uses to decide `component.modified` and
`upstream.added`. Without an upstream nothing here runs, and the modification status stays unknown
unless declared (rules then ask, they never assume).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from osi_check.facts import Facts
from osi_check.modifications.attribute import attribute
from osi_check.modifications.compare import diff
from osi_check.modifications.snapshot import DirectorySnapshot, Snapshot, UpstreamError, open_upstream

__all__ = ["Snapshot", "UpstreamError", "compare_with_upstream", "open_upstream"]


def compare_with_upstream(facts: Facts, root: Path, spec: str | Snapshot, *, ignore_whitespace: bool = False) -> Facts:
    """The scan's facts with the comparison of the tree at `root` against the upstream `spec` (a git
    ref of the tree's repository, a directory, or an archive; or a snapshot already opened with
    `open_upstream`, which this closes). Raises UpstreamError when it cannot start."""
    upstream = open_upstream(spec, root) if isinstance(spec, str) else spec
    try:
        current = DirectorySnapshot(root, Path(root).name)
        try:
            difference = diff(upstream, current, ignore_whitespace=ignore_whitespace)
        finally:
            current.close()
        attribution = attribute(facts, difference, upstream.blobs.keys(), current.blobs.keys(), upstream.dates)
        problems = (*facts.problems, *upstream.problems, *current.problems)
    finally:
        upstream.close()
    return replace(
        facts,
        upstream=upstream.label,
        changes=attribution.changes,
        files_unchanged=difference.unchanged,
        components_added=attribution.components_added,
        components_not_compared=attribution.components_not_compared,
        problems=tuple(sorted(set(problems), key=lambda p: (p.location, p.message))),
    )
