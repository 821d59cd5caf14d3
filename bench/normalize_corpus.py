"""Measure declared-license normalisation on a corpus of real declared values.

    python bench/normalize_corpus.py [tests/data/declared-licenses.tsv] [--misses]

Prints the number of values (per ecosystem), the share normalised EXACTLY as hand-checked (same expression,
unknown parts counted as UNKNOWN, and the same confidence class), the number of values mapped CONFIDENTLY to a
wrong license (the one figure that must be 0), and the time per value: the median of 5 runs over the whole
corpus, each with a cold cache (`licensing.normalize.cache_clear()`).

The corpus and its columns are described at the top of the TSV file. tests/test_normalization_corpus.py runs
the same comparison (`evaluate`) and asserts the targets.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from osi_check import licensing  # noqa: E402

DEFAULT = ROOT / "tests" / "data" / "declared-licenses.tsv"
_UNKNOWN = re.compile(re.escape(licensing.UNKNOWN_PREFIX) + r"[A-Za-z0-9.-]*")
_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


@dataclass(frozen=True)
class Row:
    raw: str
    ecosystem: str
    package: str
    field: str
    expected: str  # masked expression, or "none"
    confident: str  # "yes" | "no" | "-"
    note: str


@dataclass(frozen=True)
class Outcome:
    row: Row
    actual: str
    confident: bool
    exact: bool
    confidently_wrong: bool


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def load(path: Path = DEFAULT) -> list[Row]:
    rows = []
    header = None
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        values = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        rows.append(Row(_unescape(values["raw"]), values["ecosystem"], values["package"], values["field"],
                        values["expected"], values["confident"], values.get("note", "")))
    return rows


def masked(expression: str | None) -> str:
    """The expression with every unknown part written UNKNOWN ("none" for no license)."""
    return "none" if expression is None else _UNKNOWN.sub("UNKNOWN", expression)


def _known_leaves(text: str) -> bool:
    return any(token not in {"UNKNOWN", "AND", "OR", "WITH", "none"} for token in re.findall(r"[^\s()]+", text))


def judge(row: Row) -> Outcome:
    normalized = licensing.normalize(row.raw)
    actual = masked(normalized.expression)
    same = actual == row.expected
    if row.confident in {"yes", "no"}:
        same = same and normalized.confident == (row.confident == "yes")
    # wrong and sure of it: a known license in the answer, marked confident, that is not what the value means
    wrong = normalized.confident and _known_leaves(actual) and actual != row.expected
    return Outcome(row, actual, normalized.confident, same, wrong)


def evaluate(rows: list[Row]) -> list[Outcome]:
    return [judge(row) for row in rows]


def timing(rows: list[Row], runs: int = 5) -> float:
    """Median seconds per value over `runs` passes, each from a cold cache."""
    raws = [row.raw for row in rows]
    totals = []
    for _ in range(runs):
        licensing.normalize.cache_clear()
        start = time.perf_counter()
        for raw in raws:
            licensing.normalize(raw)
        totals.append(time.perf_counter() - start)
    return statistics.median(totals) / len(raws)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    rows = load(path)
    licensing.normalize("MIT")  # load the knowledge files once, outside the timed runs
    outcomes = evaluate(rows)
    exact = sum(o.exact for o in outcomes)
    wrong = [o for o in outcomes if o.confidently_wrong]
    per_value = timing(rows)
    distinct = len({r.raw for r in rows})
    print(f"corpus: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(f"values: {len(rows)} ({distinct} distinct)")
    for ecosystem, count in Counter(r.ecosystem for r in rows).most_common():
        print(f"  {ecosystem:<14}{count:>5}")
    print(f"exact: {exact}/{len(rows)} = {100 * exact / len(rows):.2f}%")
    print(f"confidently wrong: {len(wrong)}")
    print(f"unknown (expected): {sum('UNKNOWN' in r.expected for r in rows)}, "
          f"none: {sum(r.expected == 'none' for r in rows)}, unsure: {sum(r.confident == 'no' for r in rows)}")
    print(f"time per value: {per_value * 1e6:.1f} us (median of 5 cold-cache runs, "
          f"{per_value * len(rows) * 1000:.1f} ms per corpus)")
    if "--misses" in argv or wrong:
        for o in outcomes:
            if not o.exact or o.confidently_wrong:
                raw = o.row.raw.replace("\n", "\\n")
                raw = raw if len(raw) <= 70 else raw[:67] + "..."
                flag = "WRONG" if o.confidently_wrong else "miss"
                print(f"  {flag}: {raw!r} -> {o.actual} (confident={o.confident}); expected {o.row.expected} "
                      f"({o.row.confident}) {o.row.note}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
