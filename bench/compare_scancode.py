"""Side by side with ScanCode Toolkit: speed, memory and per-file license agreement on a CRM-like tree.

Acceptance 4 of the "license evidence in files" issue: on the same generated tree of about 20,000 files
(bench/make_crm_tree.py), osi-check must be at least 20 times faster in wall time than
`scancode --license -n 2`, stay under 1 GB peak memory, and agree with ScanCode on at least 95% of the
files where either tool finds a license; every disagreement is listed.

    python bench/compare_scancode.py [--out-dir /tmp/bench] [--tree DIR] [--seed 20]
        [--skip-scancode --scancode-json PATH] [--scancode /tmp/scvenv/bin/scancode] [--processes 2]

Run it with the Python that has osi-check's dependencies (e.g. /tmp/venv/bin/python), from anywhere:
osi-check is run as `python -m osi_check` from this repository. ScanCode is installed in its own virtual
environment (`pip install scancode-toolkit 'pluggy<1.7'`, see shared/domain/reference-tools.md) and takes
20-40 minutes on this tree; its JSON and its measurements (`<json>.run.json`) are kept so that a later run
can reuse them with `--skip-scancode --scancode-json PATH`.

Measurements (each tool in its own measured child process, one after the other, never concurrently):
- wall time: monotonic clock around the whole command, start-up and index loading included;
- CPU time: user + system of the command and all its processes (getrusage RUSAGE_CHILDREN);
- peak memory: the largest single process (ru_maxrss of RUSAGE_CHILDREN, what `/usr/bin/time -v` prints)
  and, sampled from /proc every 0.1-0.5 s, the peak of the whole process tree: the sum of RSS (counts
  memory shared between ScanCode's worker processes once per process) and the sum of PSS (shared pages
  split between the processes that share them: the fairest "memory the run occupies"). The 1 GB limit
  is checked against the largest of these for osi-check.

How the per-file licenses are read
----------------------------------
osi-check (the JSON report):
- `files[]`: each file with license evidence of its own; its licenses are `license.concluded`.
- `components[].license.evidence[]`: every evidence location (`path`) of kind license-text, notice,
  spdx-tag, tag, reference, marker and declared. The licenses at that path are read from the evidence
  itself where it says so ("100% of the MIT text" -> MIT; "version notice: GPL-2.0-or-later" replaces
  the bare text's GPL-2.0-only at the same path; an SPDX tag's value); otherwise (declared values, kinds
  whose detail names no license) the component's concluded expression. `declared` is included because a
  license field in composer.json, package.json or a lockfile is license evidence in that file and
  ScanCode's `--license` reports the same fields as detections in the same files; leaving it out would
  count every manifest as a disagreement that says nothing about detection. The figure without it (the
  issue's list of kinds) is printed too (`--evidence-kinds` changes the main figure's kinds).
ScanCode (JSON output format 4.x, ScanCode 32.x):
- `files[].license_detections[].license_expression_spdx` of each `type: file` entry. `license_clues`
  (matches ScanCode itself does not treat as detections) are not used. Paths lose their first component
  (ScanCode prefixes the scanned directory's name).

Agreement, precisely
--------------------
1. Each tool's result for a file is the SET of license ids named in its expressions: AND/OR/WITH
   structure is ignored (composer license arrays are a choice that ScanCode renders as AND; both tools
   then name the same licenses). Exceptions after WITH count as ids of their own.
2. Ids are canonicalised: deprecated GNU ids (`GPL-2.0`, `GPL-2.0+`) -> `-only`/`-or-later`;
   `LicenseRef-scancode-<key>` -> the key's SPDX id from licensedcode-data where it has one that is not
   a LicenseRef; keys flagged `is_unknown` or `is_generic` in licensedcode-data (unknown-license-reference,
   free-unknown, other-copyleft, other-permissive, warranty-disclaimer, proprietary-license, ...) and
   osi-check's `LicenseRef-osi-check-unknown-*` -> `LicenseRef-unspecific` ("a license, not identified").
3. `LicenseRef-unspecific` counts only when it is all a tool found in the file: next to a named license
   it is dropped, for both tools (ScanCode adds other-copyleft for the FSF postal address inside GNU
   notices, and unknown-license-reference for "see the LICENSE file" next to a named license; osi-check
   adds an unknown part for extra terms in a license text). A file where a tool found only unspecific
   references still counts as "this tool found a license" (e.g. ScanCode on a UI string "License
   Agreement"), so such files are in the denominator and listed when the other tool found nothing.
4. ScanCode reports an "or any later version" GNU notice as `X-or-later AND X-only` (the "version 3 of
   the License" fragment matches an -only rule on its own; shared/domain/reference-tools.md). In
   ScanCode's set, X-only next to X-or-later of the same license and version is dropped: osi-check's
   `AGPL-3.0-or-later` agrees with ScanCode's `AGPL-3.0-or-later AND AGPL-3.0-only`. osi-check's
   `AGPL-3.0-only` does NOT agree with it (ScanCode claims an or-later notice there).
5. `-only`/`-or-later` differences are otherwise disagreements, except where exactly one tool read a
   bare license text in the file (osi-check: the file's only evidence is license-text evidence without
   a version notice; ScanCode: every match in the file is a full reference text, rule `<key>.LICENSE`)
   and the sets are equal once the versions' scope is ignored: a bare GNU text says nothing about "or
   later", so neither reading is wrong. Such files count as agreeing and are counted separately.
6. Agreement % = files where the (normalised) sets are equal or rule 5 applies, divided by files where
   either tool's set is non-empty.

If the tree was generated by make_crm_tree.py, `<tree>.truth.json` holds what the generator put into each
file; every disagreement then also shows the expected ids and the kind of evidence, and the summary says
how often each tool matches the truth (same normalisation), and the "ceiling": the agreement with
ScanCode that a scanner reporting exactly the truth would reach (ScanCode's own errors cap it). Outputs in --out-dir: osi-check.json,
scancode.json (+ .run.json), disagreements.tsv, comparison.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_KINDS = ("license-text", "notice", "spdx-tag", "tag", "reference", "marker", "declared")
ISSUE_KINDS = ("license-text", "notice", "spdx-tag", "tag", "reference", "marker")
UNSPECIFIC = "LicenseRef-unspecific"
OSI_UNKNOWN_PREFIX = "LicenseRef-osi-check-unknown-"

# --------------------------------------------------------------------------------------------------
# Running a command and measuring it
# --------------------------------------------------------------------------------------------------

WRAPPER = r"""
import json, resource, subprocess, sys, time
out, log = sys.argv[1], sys.argv[2]
started = time.perf_counter()
with open(log, "wb") as fh:
    rc = subprocess.call(sys.argv[3:], stdout=fh, stderr=subprocess.STDOUT)
wall = time.perf_counter() - started
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as fh:
    json.dump({"rc": rc, "wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "max_rss_largest_process_mib": ru.ru_maxrss / 1024}, fh)
"""


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        try:
            with open(f"/proc/{pid}/statm") as fh:
                rss = pss = int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except OSError:
            pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Peak summed RSS and PSS of every descendant of `root` (the wrapper itself excluded)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0
        self.peak_processes = 0
        self.started = time.monotonic()

    def run(self) -> None:
        while not self.stop.is_set():
            children = _children_map()
            pids, todo = [], list(children.get(self.root, []))
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(children.get(pid, []))
            rss = pss = 0
            for pid in pids:
                r, p = _memory_kib(pid)
                rss += r
                pss += p
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.stop.wait(0.1 if time.monotonic() - self.started < 60 else 0.5)


def measure(cmd: list[str], log: Path, cwd: Path | None = None) -> dict:
    result_file = log.with_suffix(".measure.json")
    wrapper = subprocess.Popen([sys.executable, "-c", WRAPPER, str(result_file), str(log), *cmd], cwd=cwd)
    sampler = TreeSampler(wrapper.pid)
    sampler.start()
    wrapper.wait()
    sampler.stop.set()
    sampler.join()
    result = json.loads(result_file.read_text())
    result_file.unlink()
    result.update(peak_tree_rss_mib=sampler.peak_rss / 1024, peak_tree_pss_mib=sampler.peak_pss / 1024,
                  peak_processes=sampler.peak_processes, command=cmd, log=str(log))
    return result


def run_osi_check(tree: Path, out: Path) -> dict:
    # --no-cache: a cold scan, as ScanCode's is (a warm re-scan is measured by bench/warm_rescan.py)
    cmd = [sys.executable, "-m", "osi_check", "scan", str(tree), "--format", "json", "--fail-on", "never", "--no-cache",
           "-o", str(out)]
    result = measure(cmd, out.with_suffix(".log"), cwd=REPO)
    if not out.exists():
        sys.exit(f"osi-check wrote no report (exit code {result['rc']}); see {result['log']}")
    return result


def run_scancode(scancode: str, tree: Path, out: Path, processes: int, timeout: int) -> dict:
    cmd = [scancode, "--license", "-n", str(processes), "--json-pp", str(out), "--timeout", str(timeout), str(tree)]
    result = measure(cmd, out.with_suffix(".log"))
    if not out.exists():
        sys.exit(f"ScanCode wrote no result (exit code {result['rc']}); see {result['log']}")
    Path(str(out) + ".run.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+:_-]*")
_OPERATORS = {"AND", "OR", "WITH"}
_GNU = re.compile(r"(AGPL|GPL|LGPL|GFDL)-(\d\.\d)(\+|-only|-or-later)?")


def ids_of(expression: str | None) -> set[str]:
    if not expression:
        return set()
    return {t for t in _TOKEN.findall(expression) if t.upper() not in _OPERATORS}


@cache
def _scancode_key_info(key: str) -> tuple[str | None, bool]:
    """(SPDX id, unspecific) of a ScanCode license key, from the licensedcode-data front matter."""
    try:
        import importlib.resources

        text = (importlib.resources.files("licensedcode") / "data" / "licenses" / f"{key}.LICENSE").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None, key.startswith("unknown")
    front = text.split("---", 2)[1] if text.startswith("---") else ""
    spdx = re.search(r"^spdx_license_key:\s*(\S+)", front, re.M)
    unspecific = bool(re.search(r"^is_(unknown|generic):\s*yes", front, re.M))
    return (spdx.group(1) if spdx else None), unspecific


def canonical(lid: str) -> str:
    if lid.startswith(OSI_UNKNOWN_PREFIX):
        return UNSPECIFIC
    if lid.startswith("LicenseRef-scancode-"):
        spdx, unspecific = _scancode_key_info(lid[len("LicenseRef-scancode-"):])
        if unspecific:
            return UNSPECIFIC
        if spdx and not spdx.startswith("LicenseRef-"):
            lid = spdx
    m = _GNU.fullmatch(lid)
    if m:
        family, version, scope = m.groups()
        if scope in (None, "-only"):
            return f"{family}-{version}-only"
        return f"{family}-{version}-or-later"
    return lid


def normalise(ids: set[str], scancode: bool) -> set[str]:
    found = {canonical(i) for i in ids}
    if found - {UNSPECIFIC}:
        found.discard(UNSPECIFIC)
    if scancode:  # rule 4: "X-or-later AND X-only" is ScanCode's reading of one or-later notice
        for lid in list(found):
            if lid.endswith("-or-later"):
                found.discard(lid[: -len("-or-later")] + "-only")
    return found


def scope_free(ids: set[str]) -> set[str]:
    return {re.sub(r"-(only|or-later)$", "", i) if _GNU.fullmatch(i) else i for i in ids}


# --------------------------------------------------------------------------------------------------
# Reading the two results
# --------------------------------------------------------------------------------------------------

_TEXT_DETAIL = re.compile(r"% of the (\S+) text")
_NOTICE_DETAIL = re.compile(r"version notice: (\S+)")
_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*(.*?)\s*(?:\*/|-->|#\}|\*\)|$)", re.I)


class PerFile:
    def __init__(self) -> None:
        self.raw: list[str] = []  # the expressions as each tool gave them
        self.ids: set[str] = set()
        self.kinds: set[str] = set()  # osi-check evidence kinds / ScanCode matchers
        self.bare_text = False


def read_osi_check(report: dict, kinds: tuple[str, ...]) -> dict[str, PerFile]:
    result: dict[str, PerFile] = {}
    for entry in report.get("files", []):
        lic = entry.get("license") or {}
        expression = lic.get("concluded")
        evidence = [e for e in lic.get("evidence", []) if e.get("kind") in kinds]
        if not expression or not evidence:
            continue
        pf = result.setdefault(entry["path"], PerFile())
        pf.raw.append(expression)
        pf.ids |= ids_of(expression)
        pf.kinds |= {e["kind"] for e in evidence}
    for component in report.get("components", []):
        lic = component.get("license") or {}
        by_path: dict[str, list[dict]] = {}
        for e in lic.get("evidence", []):
            if e.get("kind") in kinds and e.get("path"):
                by_path.setdefault(e["path"], []).append(e)
        for path, evidence in by_path.items():
            texts, notices, other = set(), set(), set()
            for e in evidence:
                detail, quote = e.get("detail") or "", e.get("quote") or ""
                if e["kind"] == "notice" and _NOTICE_DETAIL.search(detail):
                    notices.add(_NOTICE_DETAIL.search(detail).group(1))
                elif e["kind"] == "license-text" and _TEXT_DETAIL.search(detail):
                    texts.add(_TEXT_DETAIL.search(detail).group(1))
                elif e["kind"] == "license-text":  # not identified, empty, additional terms
                    texts.add(OSI_UNKNOWN_PREFIX + "text")
                elif e["kind"] == "spdx-tag" and _SPDX_TAG.search(quote):
                    other |= ids_of(_SPDX_TAG.search(quote).group(1))
                else:
                    other |= ids_of(lic.get("concluded"))
            for notice in notices:  # a version notice decides the version scope of the same text
                texts.discard(re.sub(r"-or-later$", "-only", notice))
            ids = texts | notices | other
            if not ids:
                continue
            pf = result.setdefault(path, PerFile())
            pf.raw.append(" AND ".join(sorted(ids)) + f" [{component.get('name')}]")
            pf.ids |= ids
            pf.kinds |= {e["kind"] for e in evidence}
    for pf in result.values():
        pf.bare_text = pf.kinds == {"license-text"} and not any(_GNU.fullmatch(i) and i.endswith("-or-later") for i in pf.ids)
    return result


def read_scancode(data: dict) -> tuple[dict[str, PerFile], int, list[str]]:
    result: dict[str, PerFile] = {}
    files = errors = 0
    errored: list[str] = []
    for entry in data.get("files", []):
        if entry.get("type") != "file":
            continue
        files += 1
        path = entry["path"].split("/", 1)[1] if "/" in entry["path"] else entry["path"]
        if entry.get("scan_errors"):
            errors += 1
            errored.append(f"{path}: {'; '.join(entry['scan_errors'])[:300]}")
        detections = entry.get("license_detections") or []
        if not detections:
            continue
        pf = result.setdefault(path, PerFile())
        rules = []
        for d in detections:
            expression = d.get("license_expression_spdx") or d.get("license_expression")
            pf.raw.append(expression)
            pf.ids |= ids_of(expression)
            for m in d.get("matches", []):
                pf.kinds.add(m.get("matcher", "?"))
                rules.append(m.get("rule_identifier", ""))
        pf.bare_text = bool(rules) and all(r.endswith(".LICENSE") for r in rules)
    return result, files, errored


# --------------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------------


# Planted evidence kinds that are a bare license text (for rule 5 when the truth stands in for a tool).
_TRUTH_TEXT_KINDS = {"license-file", "license-file-nested", "vendor-license-file", "npm-license-file"}


def truth_as_result(truth: dict[str, dict]) -> dict[str, PerFile]:
    """The generator's truth read as if a tool had reported it: the agreement a correct scanner can reach."""
    result = {}
    for path, t in truth.items():
        if t["expected"]:
            pf = result[path] = PerFile()
            pf.ids = set(t["expected"])
            pf.raw = [" AND ".join(t["expected"])]
            pf.bare_text = t["kind"] in _TRUTH_TEXT_KINDS
    return result


def compare(osi: dict[str, PerFile], sc: dict[str, PerFile], truth: dict[str, dict]) -> dict:
    rows, agree, scope_agree, considered = [], 0, 0, 0
    # A second reading, printed beside the main figure and never instead of it: agreement by license
    # family (AGPL-3.0-only and AGPL-3.0-or-later agree, as shared/reference-tools.md measures the light
    # identifiers), on files where a tool names a license (ScanCode's unknown-reference-only clues excluded).
    family_agree = family_considered = 0
    categories: Counter = Counter()
    by_truth_kind: Counter = Counter()
    truth_hits = {"osi-check": 0, "scancode": 0, "files": 0}
    for path in sorted(set(osi) | set(sc) | set(truth)):
        o = normalise(osi[path].ids, False) if path in osi else set()
        s = normalise(sc[path].ids, True) if path in sc else set()
        t = truth.get(path)
        if t is not None:
            expected = normalise(set(t["expected"]), False)
            truth_hits["files"] += 1
            truth_hits["osi-check"] += o == expected
            truth_hits["scancode"] += s == expected
        if not o and not s:
            continue
        considered += 1
        if o or s != {UNSPECIFIC}:
            family_considered += 1
            family_agree += scope_free(o) == scope_free(s)
        if o == s:
            agree += 1
            continue
        bare_o = path in osi and osi[path].bare_text
        bare_s = path in sc and sc[path].bare_text
        if o and s and scope_free(o) == scope_free(s) and bare_o != bare_s:
            agree += 1
            scope_agree += 1
            continue
        if not o:
            category = "scancode-only-unspecific" if s == {UNSPECIFIC} else "scancode-only"
        elif not s:
            category = "osi-check-only"
        elif scope_free(o) == scope_free(s):
            category = "only-vs-or-later"
        elif o < s:
            category = "scancode-names-more"
        elif s < o:
            category = "osi-check-names-more"
        else:
            category = "different"
        categories[category] += 1
        kind = t["kind"] if t else "(no truth: nothing planted)"
        by_truth_kind[(category, kind)] += 1
        expected = normalise(set(t["expected"]), False) if t else set()
        right = [name for name, got in (("osi-check", o), ("scancode", s)) if got == expected]
        rows.append({
            "path": path, "category": category,
            "osi_check": " ".join(sorted(o)) or "-", "scancode": " ".join(sorted(s)) or "-",
            "expected": " ".join(sorted(expected)) or "-" if t else "?", "evidence_kind": kind,
            "matches_truth": ",".join(right) or "neither",
            "osi_check_raw": " | ".join(osi[path].raw) if path in osi else "",
            "scancode_raw": " | ".join(sc[path].raw) if path in sc else "",
        })
    return {"considered": considered, "agree": agree, "agree_by_scope_rule": scope_agree,
            "agreement_pct": 100.0 * agree / considered if considered else 100.0, "rows": rows,
            "categories": categories, "by_truth_kind": by_truth_kind, "truth": truth_hits,
            "family": {"considered": family_considered, "agree": family_agree}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--tree", type=Path, help="tree to scan (default: generate OUT_DIR/tree if it is missing)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--scancode", default="/tmp/scvenv/bin/scancode")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--skip-scancode", action="store_true", help="reuse --scancode-json instead of running ScanCode")
    parser.add_argument("--scancode-json", type=Path, help="ScanCode JSON to write (default OUT_DIR/scancode.json) or reuse")
    parser.add_argument("--osi-check-json", type=Path, help="where osi-check writes its report (default OUT_DIR/osi-check.json)")
    parser.add_argument("--evidence-kinds", default=",".join(DEFAULT_KINDS),
                        help="osi-check evidence kinds that count as license evidence in a file (comma-separated)")
    parser.add_argument("--quiet", action="store_true", help="do not print the disagreements (the TSV still has them)")
    args = parser.parse_args()
    out_dir = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    tree = args.tree or out_dir / "tree"
    if args.tree is None and not tree.exists():
        subprocess.run([sys.executable, str(HERE / "make_crm_tree.py"), str(tree), "--seed", str(args.seed)], check=True)
    if not tree.is_dir():
        sys.exit(f"{tree}: not a directory")
    tree = tree.resolve()
    truth_file = tree.with_name(tree.name + ".truth.json")
    truth = json.loads(truth_file.read_text())["evidence"] if truth_file.exists() else {}
    sc_json = args.scancode_json or out_dir / "scancode.json"
    osi_json = args.osi_check_json or out_dir / "osi-check.json"

    print(f"tree: {tree} ({sum(len(f) for _, _, f in os.walk(tree))} files)", flush=True)
    osi_run = run_osi_check(tree, osi_json)
    print(f"osi-check: {osi_run['wall_s']:.2f} s wall, exit code {osi_run['rc']}", flush=True)
    if args.skip_scancode:
        if not sc_json.exists():
            sys.exit(f"{sc_json}: no ScanCode result to reuse")
        run_file = Path(str(sc_json) + ".run.json")
        sc_run = json.loads(run_file.read_text()) if run_file.exists() else None
    else:
        print(f"ScanCode: running {args.scancode} --license -n {args.processes} (20-40 minutes) ...", flush=True)
        sc_run = run_scancode(args.scancode, tree, sc_json, args.processes, args.timeout)
    sc_data = json.loads(sc_json.read_text())
    header = (sc_data.get("headers") or [{}])[0]
    if sc_run is None:  # a reused result without our measurements: ScanCode's own duration (no start-up)
        sc_run = {"wall_s": header.get("duration", float("nan")), "cpu_s": float("nan"), "rc": None,
                  "max_rss_largest_process_mib": float("nan"), "peak_tree_rss_mib": float("nan"),
                  "peak_tree_pss_mib": float("nan"), "note": "measured by ScanCode's header (duration), not by this script"}

    report = json.loads(osi_json.read_text())
    kinds = tuple(k.strip() for k in args.evidence_kinds.split(",") if k.strip())
    osi_files = read_osi_check(report, kinds)
    sc_files, sc_count, sc_errors = read_scancode(sc_data)
    result = compare(osi_files, sc_files, truth)
    issue_kinds = compare(read_osi_check(report, ISSUE_KINDS), sc_files, truth) if set(kinds) != set(ISSUE_KINDS) else None
    ceiling = compare(truth_as_result(truth), sc_files, truth) if truth else None

    osi_mem = max(osi_run["max_rss_largest_process_mib"], osi_run["peak_tree_rss_mib"])
    ratio = sc_run["wall_s"] / osi_run["wall_s"] if osi_run["wall_s"] else float("inf")
    print()
    print("== Files")
    print(f"  osi-check: {report.get('summary', {}).get('files_scanned')} files scanned, "
          f"{sum(1 for p in osi_files if normalise(osi_files[p].ids, False))} with license evidence, "
          f"{len(report.get('problems', []))} input problems" + (" (report partial)" if report.get("partial") else ""))
    print(f"  ScanCode:  {sc_count} files scanned ({header.get('tool_version', '?')}), "
          f"{sum(1 for p in sc_files if normalise(sc_files[p].ids, True))} with license detections, "
          f"{len(sc_errors)} with scan errors")
    print("== Speed and memory")
    for name, run in (("osi-check", osi_run), ("ScanCode", sc_run)):
        print(f"  {name:9s}: {run['wall_s']:8.1f} s wall, {run['cpu_s']:8.1f} s CPU; peak memory: largest process "
              f"{run['max_rss_largest_process_mib']:.0f} MiB, process tree RSS {run['peak_tree_rss_mib']:.0f} MiB, "
              f"PSS {run['peak_tree_pss_mib']:.0f} MiB" + (f" ({run['note']})" if run.get("note") else ""))
    print(f"  wall-time ratio ScanCode / osi-check: {ratio:.1f}x (target >= 20x: {'met' if ratio >= 20 else 'NOT met'})")
    print(f"  osi-check peak memory {osi_mem:.0f} MiB (target < 1024 MiB: {'met' if osi_mem < 1024 else 'NOT met'})")
    print("== Agreement (files where either tool finds a license)")
    print(f"  evidence kinds read from osi-check: {', '.join(kinds)}")
    print(f"  {result['agree']} of {result['considered']} files agree: {result['agreement_pct']:.2f}% "
          f"(target >= 95%: {'met' if result['agreement_pct'] >= 95 else 'NOT met'}); "
          f"{result['agree_by_scope_rule']} of them by the bare-text scope rule")
    if issue_kinds:
        print(f"  with the issue's kinds only ({', '.join(ISSUE_KINDS)}): {issue_kinds['agree']} of "
              f"{issue_kinds['considered']} = {issue_kinds['agreement_pct']:.2f}%")
    for category, n in result["categories"].most_common():
        print(f"  {n:6d} disagreements: {category}")
    fam = result["family"]
    if fam["considered"]:
        print(f"  second reading (not the target's): by license family, files where a tool names a license "
              f"(ScanCode's unknown-reference-only clues excluded): {fam['agree']} of {fam['considered']} = "
              f"{100 * fam['agree'] / fam['considered']:.2f}%")
    if ceiling:
        print(f"  ceiling: a scanner reporting exactly the generator's truth would agree with ScanCode on "
              f"{ceiling['agree']} of {ceiling['considered']} = {ceiling['agreement_pct']:.2f}% "
              f"({', '.join(f'{n} {c}' for c, n in ceiling['categories'].most_common())})")
    if truth:
        th = result["truth"]
        print(f"== Against the generator's truth ({th['files']} files with planted evidence or bait)")
        print(f"  osi-check matches the truth on {th['osi-check']} ({100 * th['osi-check'] / th['files']:.1f}%), "
              f"ScanCode on {th['scancode']} ({100 * th['scancode'] / th['files']:.1f}%)")
        print("  disagreements by category and planted evidence kind:")
        for (category, kind), n in sorted(result["by_truth_kind"].items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:6d}  {category:26s} {kind}")
    if sc_errors:
        print(f"== ScanCode scan errors ({len(sc_errors)})")
        for e in sc_errors[:20]:
            print(f"  {e}")

    tsv = out_dir / "disagreements.tsv"
    fields = ["path", "category", "osi_check", "scancode", "expected", "evidence_kind", "matches_truth",
              "osi_check_raw", "scancode_raw"]
    with tsv.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(result["rows"])
    summary = {
        "tree": str(tree), "osi_check": osi_run, "scancode": sc_run, "ratio": ratio,
        "scancode_files": sc_count, "scancode_scan_errors": sc_errors,
        "osi_check_files_scanned": report.get("summary", {}).get("files_scanned"),
        "evidence_kinds": kinds, "considered": result["considered"], "agree": result["agree"],
        "agree_by_scope_rule": result["agree_by_scope_rule"], "agreement_pct": result["agreement_pct"],
        "agreement_pct_issue_kinds": issue_kinds["agreement_pct"] if issue_kinds else result["agreement_pct"],
        "disagreements_by_category": dict(result["categories"]), "truth": result["truth"],
        "ceiling_pct_truth_vs_scancode": ceiling["agreement_pct"] if ceiling else None,
        "ceiling_disagreements_by_category": dict(ceiling["categories"]) if ceiling else None,
    }
    (out_dir / "comparison.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"== Every disagreement ({len(result['rows'])}), also in {tsv}")
    if not args.quiet:
        print("  path\tcategory\tosi-check\tScanCode\texpected (generator)")
        for row in result["rows"]:
            print(f"  {row['path']}\t{row['category']}\t{row['osi_check']}\t{row['scancode']}\t{row['expected']}")


if __name__ == "__main__":
    main()
