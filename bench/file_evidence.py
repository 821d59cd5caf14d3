"""Throughput of the per-file license evidence reader (osi_check.detect.file_evidence) on a tree.

    python bench/make_file_evidence_tree.py /tmp/fe-tree
    python bench/file_evidence.py /tmp/fe-tree [examples/suitecrm-deployment ...]

Prints, per tree: files walked, files the reader handles, files with license evidence, the time of
`handles` over all files and of `read` over the handled ones (files/s and MB/s of file size), the most
common expressions, and the slowest files. Knowledge loading is done once before timing.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from osi_check.detect.file_evidence import FileEvidenceDetector, examine
from osi_check.tree import Tree


def run(root: Path) -> None:
    detector = FileEvidenceDetector()
    tree = Tree(root)
    files = list(tree.walk())
    t0 = time.perf_counter()
    handled = [f for f in files if detector.handles(f)]
    t1 = time.perf_counter()
    expressions: Counter[str] = Counter()
    slowest: list[tuple[float, str]] = []
    with_evidence = 0
    for f in handled:
        s = time.perf_counter()
        result = detector.read(tree, f)
        slowest.append((time.perf_counter() - s, f.path))
        for file_license in result.files:
            with_evidence += 1
            expressions[file_license.license.expression or "none"] += 1
    t2 = time.perf_counter()
    size = sum(f.size for f in handled)
    print(f"{root}: {len(files)} files, {len(handled)} handled, {with_evidence} with license evidence")
    print(f"  handles: {1000 * (t1 - t0):.1f} ms for all files")
    print(f"  read:    {t2 - t1:.2f} s = {len(handled) / (t2 - t1):,.0f} files/s ({size / 1e6 / (t2 - t1):,.0f} MB/s of file size)")
    print(f"  expressions: {expressions.most_common(8)}")
    print(f"  slowest: {[(round(1000 * t, 1), p) for t, p in sorted(slowest, reverse=True)[:5]]}")


def main() -> None:
    examine("warm-up.php", b"/* Licensed under the MIT license. SPDX-License-Identifier: MIT */", 70)
    for arg in sys.argv[1:] or ["examples/suitecrm-deployment"]:
        run(Path(arg))


if __name__ == "__main__":
    main()
