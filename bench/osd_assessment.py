"""Acceptance figures of the OSD assessment ("Is it really open source?"), on license texts read from
licensedcode-data (never copied into the repository):

1. every OSI-approved license of the SPDX list that has a text in licensedcode-data, assessed as an unknown text
   (its id withheld: read clause by clause only): false fails (target 0) and the share with any `unclear`
   (target <= 3%);
2. the non-OSI acceptance list (SSPL-1.0, BUSL-1.1, Elastic-2.0, Commons Clause, PolyForm Noncommercial / Small
   Business / Strict, CC-BY-NC-4.0, CC-BY-ND-4.0, JSON, Hippocratic-2.1, 996-ICU, MS-LPL), each assessed as an
   unknown text: it must fail at least the criteria rules/knowledge/osd-curated.yaml records for it (from
   licensing-facts.md §1.3), each with a quoted clause;
3. EUPL-1.2, OSL-3.0, CPAL-1.0 and AGPL-3.0 with a Section 7(b) logo clause appended: all ten criteria pass.

Also printed, for information: every other license text of licensedcode-data that is NOT OSI-approved, split by
its ScanCode category into restrictive ones (Source-available, Proprietary Free, Commercial, Free Restricted,
Non-Commercial: the share failed is the detectors' reach) and permissive/copyleft ones (the share failed is where to
look for over-reach), and the time per text (median).

    python bench/osd_assessment.py [--verbose]

Exit status 0 when figures 1-3 meet their targets, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.resources
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from osi_check.osd import corpus  # noqa: E402
from osi_check.osd.assess import assess_text  # noqa: E402

RESTRICTIVE_CATEGORIES = {"Source-available", "Proprietary Free", "Commercial", "Free Restricted", "Non-Commercial"}
FREE_CATEGORIES = {"Permissive", "Copyleft", "Copyleft Limited", "Public Domain"}


def _timed(text: str, name: str):
    start = time.perf_counter()
    result = assess_text(text, name, identify=False)
    return result, time.perf_counter() - start


def figure_1(verbose: bool) -> tuple[bool, list[float]]:
    texts = corpus.osi_texts()
    ids = sum(len(i) for i, _ in texts)
    times, false_fails, unclear = [], [], []
    for license_ids, key in texts:
        result, took = _timed(corpus.text(license_ids[0]), key)
        times.append(took)
        fails = [c for c in result.criteria if c.verdict == "fail"]
        if fails:
            false_fails.append((key, fails))
        elif any(c.verdict == "unclear" for c in result.criteria):
            unclear.append((key, [c for c in result.criteria if c.verdict == "unclear"]))
    share = len(unclear) / len(texts)
    print("1. OSI-approved license texts, id withheld")
    print(f"   {ids} OSI-approved SPDX ids have a text in licensedcode-data ({len(texts)} distinct texts); "
          f"without a text there: {', '.join(corpus.osi_without_text()) or 'none'}")
    print(f"   false fails: {len(false_fails)} (target 0)")
    for key, fails in false_fails:
        for c in fails:
            print(f"     {key}: OSD {c.number} {c.location}: {c.clause[:120]}")
    print(f"   with any unclear: {len(unclear)} of {len(texts)} = {share:.1%} (target <= 3%)")
    for key, items in unclear:
        print(f"     {key}: " + "; ".join(f"OSD {c.number}: {c.reason}" for c in items))
    return not false_fails and share <= 0.03, times


def figure_2(verbose: bool) -> bool:
    print("2. non-OSI licenses, id withheld: each fails at least its curated criteria, with the clause")
    ok = True
    for license_id in corpus.NON_OSI:
        result = assess_text(corpus.text(license_id), license_id, identify=False)
        failed = {c.number: c for c in result.criteria if c.verdict == "fail"}
        expected = corpus.expected_failures(license_id)
        missing = [n for n in expected if n not in failed or not failed[n].clause]
        ok = ok and not missing
        extra = sorted(set(failed) - set(expected))
        unclear = [c.number for c in result.criteria if c.verdict == "unclear"]
        print(f"   {'met ' if not missing else 'MISS'} {license_id:42} expected fail {list(expected)}, "
              f"failed {sorted(failed)}" + (f" (also {extra})" if extra else "")
              + (f", unclear {unclear}" if unclear else "") + (f"; missing {missing}" if missing else ""))
        if verbose:
            for n in expected:
                if n in failed:
                    print(f"        OSD {n} {failed[n].location}: \"{failed[n].clause[:110]}\"")
    return ok


def figure_3() -> bool:
    print("3. OSI-approved licenses with assent or attribution clauses: all ten criteria pass (id withheld)")
    ok = True
    cases = [(i, corpus.text(i)) for i in corpus.MUST_PASS]
    cases.append(("AGPL-3.0-only + §7(b) logo clause", corpus.text("AGPL-3.0-only") + corpus.AGPL_7B_LOGO))
    for name, text in cases:
        result = assess_text(text, name, identify=False)
        bad = [c for c in result.criteria if c.verdict != "pass"]
        ok = ok and not bad
        print(f"   {'met ' if not bad else 'MISS'} {name}: "
              + ("all ten pass" if not bad else "; ".join(f"OSD {c.number} {c.verdict}: {c.clause[:80]}" for c in bad)))
    return ok


def information(categories: set[str], label: str) -> None:
    """How many other (non-OSI) licensedcode-data texts of these ScanCode categories fail at least one criterion."""
    folder = importlib.resources.files("licensedcode") / "data" / "licenses"
    osi_keys = {key for _, key in corpus.osi_texts()}
    verdicts: dict[str, int] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        key = path.name.removesuffix(".LICENSE")
        if not path.name.endswith(".LICENSE") or key in osi_keys:
            continue
        head, _, body = path.read_text("utf-8").partition("\n---")
        meta = yaml.safe_load(head[3:]) or {}
        if meta.get("is_deprecated") or meta.get("is_exception") or meta.get("category") not in categories:
            continue
        text = body.split("\n", 1)[1] if "\n" in body else ""
        if len(text.split()) < 30:
            continue
        verdict = assess_text(text, key, identify=False).verdict
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    total = sum(verdicts.values())
    shares = ", ".join(f"{verdicts.get(v, 0)} {v} ({verdicts.get(v, 0) / max(total, 1):.0%})"
                       for v in ("does-not-conform", "unclear", "conforms-not-approved"))
    print(f"   (information) {label} (ScanCode categories {', '.join(sorted(categories))}), {total} texts: {shares}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="quote the clause behind every expected failure")
    parser.add_argument("--no-information", action="store_true", help="skip the sweep over other restrictive texts")
    args = parser.parse_args()
    ok1, times = figure_1(args.verbose)
    ok2 = figure_2(args.verbose)
    ok3 = figure_3()
    if not args.no_information:
        information(RESTRICTIVE_CATEGORIES, "other restrictive licenses, not OSI-approved")
        information(FREE_CATEGORIES, "other permissive/copyleft licenses, not OSI-approved (a fail is a place to look: "
                    "some are genuinely restrictive, e.g. research-only)")
    print(f"   median time per text (clause assessment, id withheld): {statistics.median(times) * 1000:.1f} ms")
    print(f"acceptance 1: {'met' if ok1 else 'NOT met'}; 2: {'met' if ok2 else 'NOT met'}; 3: {'met' if ok3 else 'NOT met'}")
    return 0 if ok1 and ok2 and ok3 else 1


if __name__ == "__main__":
    sys.exit(main())
