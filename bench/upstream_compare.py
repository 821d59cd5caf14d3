"""Upstream comparison benchmark: a generated 30,000-file CRM fork compared with its upstream release.

Generates a release (24,000 application files, 6,000 files in 200 vendored composer packages), commits
and tags it in a git repository, then applies an integrator's changes: modified files, CRLF-only
changes, renames with and without edits, added and deleted files, patched vendored packages. Each run
is a fresh process that first collects the scan's facts (not timed) and then times
`compare_with_upstream` alone, against the git tag, against a directory copy of the release, and
against a .tar.gz of it (read in memory through the safe extractor's checks). Prints the median wall time and the peak memory (max RSS of the process and of
git) per form, and checks the result against what the generator changed.

    python bench/upstream_compare.py [--runs 5] [--files 30000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from osi_check.deployment import deployment_for
from osi_check.modifications import compare_with_upstream
from osi_check.pipeline import collect
root = Path(sys.argv[1])
facts = collect(root, deployment_for("saas"))
started = time.perf_counter()
compared = compare_with_upstream(facts, root, sys.argv[2], ignore_whitespace=True)
elapsed = time.perf_counter() - started
counts = {}
for change in compared.changes:
    key = change.status + ("-ws" if change.whitespace_only else "")
    counts[key] = counts.get(key, 0) + 1
print(json.dumps({"seconds": elapsed, "unchanged": compared.files_unchanged, "counts": counts,
                  "problems": len(compared.problems),
                  "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "git_max_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

PACKAGES = 200
CHANGES = {"modified": 300, "whitespace": 150, "renamed": 100, "renamed-edited": 50, "added": 200, "deleted": 100,
           "vendor-patched": 20}


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args], cwd=repo,
                   env=env, check=True, capture_output=True)


def _php(rng: random.Random, name: str) -> str:
    body = "".join(f"    public function f{i}($a) {{ return $a * {rng.randint(1, 999)}; }}\n"
                   for i in range(rng.randint(10, 40)))
    return f"<?php\n/* This file is part of Acme CRM. License: AGPL-3.0-only */\nclass {name} {{\n{body}}}\n"


def generate(repo: Path, files: int, rng: random.Random) -> dict[str, int]:
    vendor_files = files // 5
    app_files = files - vendor_files
    installed = []
    for p in range(PACKAGES):
        name = f"acme/pkg{p}"
        installed.append({"name": name, "version": "1.0.0", "license": ["MIT"], "install-path": f"../{name}"})
        for i in range(vendor_files // PACKAGES):
            path = repo / f"vendor/{name}/src/C{i}.php"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_php(rng, f"C{i}"))
    (repo / "vendor/composer").mkdir(parents=True)
    (repo / "vendor/composer/installed.json").write_text(json.dumps({"packages": installed}))
    (repo / "composer.json").write_text(json.dumps({"name": "acme/crm", "license": "AGPL-3.0-only"}))
    for i in range(app_files - 2):
        path = repo / f"modules/M{i // 100}/S{i % 100 // 20}/F{i}.php"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_php(rng, f"F{i}"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "release")
    _git(repo, "tag", "v1.0")
    return _change(repo, rng)


def _change(repo: Path, rng: random.Random) -> dict[str, int]:
    app = sorted(str(p.relative_to(repo)) for p in (repo / "modules").rglob("*.php"))
    picked = rng.sample(app, sum(v for k, v in CHANGES.items() if k != "vendor-patched" and k != "added"))
    cursor = 0

    def take(n):
        nonlocal cursor
        cursor += n
        return picked[cursor - n:cursor]

    for path in take(CHANGES["modified"]):
        with open(repo / path, "a") as fh:
            fh.write("// patched by the integrator\n")
    for path in take(CHANGES["whitespace"]):
        (repo / path).write_bytes((repo / path).read_bytes().replace(b"\n", b"\r\n"))
    for path in take(CHANGES["renamed"]):
        target = repo / "moved" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        (repo / path).rename(target)
    for path in take(CHANGES["renamed-edited"]):
        target = repo / "moved-edited" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = (repo / path).read_text()
        (repo / path).unlink()
        target.write_text(text.replace("return $a", "return (int) $a", 1))
    for path in take(CHANGES["deleted"]):
        (repo / path).unlink()
    for i in range(CHANGES["added"]):
        path = repo / f"custom/modules/Custom{i // 20}/C{i}.php"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_php(rng, f"Custom{i}"))
    for p in rng.sample(range(PACKAGES), CHANGES["vendor-patched"]):
        with open(repo / f"vendor/acme/pkg{p}/src/C0.php", "a") as fh:
            fh.write("// local patch\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "integrator changes")
    return {
        "modified": CHANGES["modified"] + CHANGES["vendor-patched"],
        "modified-ws": CHANGES["whitespace"],
        "renamed": CHANGES["renamed"] + CHANGES["renamed-edited"],
        "added": CHANGES["added"],
        "deleted": CHANGES["deleted"],
    }


def run(tree: Path, upstream: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), upstream], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=30_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="osi-check-bench-") as tmp:
        repo = Path(tmp) / "crm"
        repo.mkdir()
        expected = generate(repo, args.files, random.Random(7))
        pristine = Path(tmp) / "crm-1.0"
        subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", "--prefix=crm-1.0/", "-o",
                        str(Path(tmp) / "crm-1.0.tar"), "v1.0"], check=True)
        with tarfile.open(Path(tmp) / "crm-1.0.tar") as tf:
            tf.extractall(tmp, filter="data")
        shutil.make_archive(str(Path(tmp) / "release"), "gztar", tmp, "crm-1.0")
        files = sum(1 for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
        print(f"tree: {files:,} files; upstream: {sum(1 for p in pristine.rglob('*') if p.is_file()):,} files; "
              f"expected changes: {expected}")
        for label, upstream in (("git tag", "v1.0"), ("directory", str(pristine)),
                                ("tar.gz", str(Path(tmp) / "release.tar.gz"))):
            results = [run(repo, upstream) for _ in range(args.runs)]
            first = results[0]
            assert first["counts"] == expected, (label, first["counts"], expected)
            seconds = statistics.median(r["seconds"] for r in results)
            rss = max(r["max_rss_mib"] for r in results)
            git_rss = max(r["git_max_rss_mib"] for r in results)
            print(f"{label:10} median {seconds:6.2f} s over {args.runs} runs "
                  f"(min {min(r['seconds'] for r in results):.2f}, max {max(r['seconds'] for r in results):.2f}); "
                  f"peak memory {rss:.0f} MiB (git processes {git_rss:.0f} MiB); "
                  f"unchanged {first['unchanged']:,}; changes {first['counts']}; problems {first['problems']}")


if __name__ == "__main__":
    main()
