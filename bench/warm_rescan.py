"""Warm re-scan benchmark: a CI re-run on an unchanged 20,000-file tree, against the first (cold) scan.

Generates the CRM-like tree of make_crm_tree.py (about 20,000 files: PHP/JS/Python sources with license
headers, vendored composer and npm packages, minified bundles, binaries), unless --tree is given. Then,
each time as a fresh `osi-check scan TREE` process (start-up and imports included, text report to a
file, as a CI job runs it):

- cold: with an empty scan cache (a new --cache directory each run; the license index is built
  beforehand, as after any first run), 5 runs;
- warm: the same command again with the cache the last cold run filled, the tree unchanged, 5 runs;
- for reference: --no-cache, and a re-scan after one source file changed (incremental: that file is
  read again and the tree re-evaluated).

It checks that the warm and cold reports are byte-identical, prints every figure and the medians, and
the ratio cold / warm (the goal is at least 10). With --profile it also prints where a warm run spends
its time (cProfile of one warm run in-process, top functions).

    python bench/warm_rescan.py [--tree DIR] [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(command: list[str], env: dict) -> tuple[float, bytes]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, help="an existing tree to scan (default: generate one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one warm run in-process")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="osi-check-warm-"))
    try:
        tree = args.tree
        if tree is None:
            tree = work / "crm"
            subprocess.run([sys.executable, str(HERE / "make_crm_tree.py"), str(tree), "--truth",
                            str(work / "truth.json")], check=True, capture_output=True)
        files = sum(len(names) for _, _, names in os.walk(tree))
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        base = [sys.executable, "-m", "osi_check", "scan", str(tree), "--deployment", "saas", "--fail-on", "never"]
        subprocess.run([*base, "--no-cache"], check=True, capture_output=True, env=env)  # builds the license index
        print(f"tree: {tree} ({files:,} files)")

        cold, outputs = [], []
        for run in range(args.runs):
            cache = work / f"cache-cold-{run}"
            seconds, out = timed([*base, "--cache", str(cache)], env)
            cold.append(seconds)
            outputs.append(out)
        warm_cache = work / f"cache-cold-{args.runs - 1}"
        warm = []
        for _ in range(args.runs):
            seconds, out = timed([*base, "--cache", str(warm_cache)], env)
            warm.append(seconds)
            outputs.append(out)
        identical = len(set(outputs)) == 1
        uncached = [timed([*base, "--no-cache"], env)[0] for _ in range(args.runs)]

        changed = next(p for p in sorted(tree.rglob("*.php")) if "vendor" not in p.parts)
        original = changed.read_bytes()
        incremental = []
        try:
            for run in range(args.runs):
                changed.write_bytes(original + f"\n// edit {run}\n".encode())
                incremental.append(timed([*base, "--cache", str(warm_cache)], env)[0])
        finally:
            changed.write_bytes(original)

        def show(name: str, values: list[float]) -> float:
            median = statistics.median(values)
            print(f"{name:34} median {median:7.3f} s   runs: {', '.join(f'{v:.3f}' for v in values)}")
            return median

        cold_median = show("cold scan (empty cache)", cold)
        warm_median = show("warm re-scan (unchanged tree)", warm)
        show("scan with --no-cache", uncached)
        show("re-scan after one file changed", incremental)
        print(f"ratio cold / warm: {cold_median / warm_median:.1f}x (goal: at least 10x)")
        print(f"warm and cold reports byte-identical: {'yes' if identical else 'NO'}")

        if args.profile:
            import cProfile
            import pstats

            from osi_check.cli import main as cli_main

            profiler = cProfile.Profile()
            profiler.enable()
            try:
                cli_main(["scan", str(tree), "--deployment", "saas", "--fail-on", "never", "--cache",
                          str(warm_cache), "-o", os.devnull])
            except SystemExit:
                pass
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        if not identical:
            raise SystemExit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
