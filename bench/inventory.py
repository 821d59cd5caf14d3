"""Inventory benchmark: how long osi-check takes to find every component of a large tree.

Generates the tree with make_inventory_tree.py (unless --tree is given), then runs the inventory
(walk + every registered reader + resolve) 5 times, each in a fresh process so the figure includes
nothing cached in memory, and prints the median wall time and the peak memory (max RSS) of those
processes. A second figure times the whole `osi-check scan --format json` command, start-up included.

    python bench/inventory.py [--tree DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import json, resource, sys, time
from pathlib import Path
from osi_check.deployment import deployment_for
from osi_check.pipeline import collect
started = time.perf_counter()
facts = collect(Path(sys.argv[1]), deployment_for("saas"))
elapsed = time.perf_counter() - started
by_ecosystem = {}
for c in facts.components:
    by_ecosystem[c.ecosystem] = by_ecosystem.get(c.ecosystem, 0) + 1
print(json.dumps({"seconds": elapsed, "components": len(facts.components), "files": facts.files_scanned,
                  "by_ecosystem": by_ecosystem, "problems": len(facts.problems),
                  "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_inventory(tree: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run_cli(tree: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "osi_check", "scan", str(tree), "--format", "json", "--fail-on", "never",
                    "--no-cache", "-o", "/dev/null"], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = args.tree
        if tree is None:
            tree = Path(tmp) / "tree"
            subprocess.run([sys.executable, str(HERE / "make_inventory_tree.py"), str(tree)], check=True)
        results = [run_inventory(tree) for _ in range(args.runs)]
        cli = [run_cli(tree) for _ in range(args.runs)]
    first = results[0]
    print(f"tree: {first['files']} files, {first['components']} components {first['by_ecosystem']}, "
          f"{first['problems']} input problems")
    print(f"inventory (walk + readers + resolve), {args.runs} runs: median {statistics.median(r['seconds'] for r in results):.2f} s "
          f"(min {min(r['seconds'] for r in results):.2f}, max {max(r['seconds'] for r in results):.2f}); "
          f"peak memory {max(r['max_rss_mib'] for r in results):.0f} MiB")
    print(f"whole command (osi-check scan --format json), {args.runs} runs: median {statistics.median(cli):.2f} s "
          f"(min {min(cli):.2f}, max {max(cli):.2f}); children peak RSS "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
