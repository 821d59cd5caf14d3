"""Declared-license normalisation on real declared values (tests/data/declared-licenses.tsv).

The corpus holds 500+ distinct values gathered from real package metadata, each with its hand-checked meaning.
bench/normalize_corpus.py prints the same figures and the time per value.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "normalize_corpus.py"


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("normalize_corpus", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("normalize_corpus", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    rows = module.load()
    return module, rows, module.evaluate(rows)


def test_corpus_is_at_least_500_distinct_real_values(corpus):
    _, rows, _ = corpus
    assert len({row.raw for row in rows}) >= 500
    assert all(row.ecosystem and row.package and row.field for row in rows)
    assert {row.confident for row in rows} <= {"yes", "no", "-"}


def test_no_value_is_mapped_confidently_to_a_wrong_license(corpus):
    _, _, outcomes = corpus
    wrong = [(o.row.raw[:80], o.actual, o.row.expected) for o in outcomes if o.confidently_wrong]
    assert wrong == []


def test_at_least_98_percent_are_normalised_exactly(corpus):
    _, rows, outcomes = corpus
    misses = [(o.row.raw[:80], o.actual, o.confident, o.row.expected) for o in outcomes if not o.exact]
    assert sum(o.exact for o in outcomes) / len(rows) >= 0.98, misses


def test_the_comparison_can_fail(corpus):
    module, rows, _ = corpus
    row = next(r for r in rows if r.raw == "BSD")
    liar = module.Row("MIT", row.ecosystem, row.package, row.field, row.expected, row.confident, "")
    outcome = module.judge(liar)
    assert not outcome.exact and outcome.confidently_wrong
