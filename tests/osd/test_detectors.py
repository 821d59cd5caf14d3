"""The clause detectors as data: every example fires, every counter-example does not, the data validates, and a
malformed file is reported with its name."""

from __future__ import annotations

import shutil

import pytest

from osi_check import resources
from osi_check.osd import detectors as det
from osi_check.osd.text import Clause, _normalise, clauses

KNOWLEDGE = det.load()


def _hits(sentence: str) -> set[str]:
    hits, _ = det.match(KNOWLEDGE, (Clause(0, len(sentence), 1, _normalise(sentence)),))
    return {h.detector.id for h in hits}


@pytest.mark.parametrize("detector", KNOWLEDGE.detectors, ids=lambda d: d.id)
def test_examples_fire_and_counter_examples_do_not(detector):
    for example in detector.examples:
        assert detector.id in _hits(example), f"{detector.source}: {detector.id} misses its example: {example}"
    for counter in detector.counter_examples:
        assert detector.id not in _hits(counter), f"{detector.source}: {detector.id} fires on: {counter}"


@pytest.mark.parametrize("allowance", KNOWLEDGE.allowances, ids=lambda a: a.id)
def test_allowance_examples_match(allowance):
    for example in allowance.examples:
        assert any(p.search(_normalise(example)) for p in allowance.patterns)


def test_the_ten_criteria_in_order():
    assert [c.number for c in KNOWLEDGE.criteria] == list(range(1, 11))
    assert KNOWLEDGE.criterion(6).name == "No Discrimination Against Fields of Endeavor"


def test_negation_and_exception_handling():
    assert not _hits("Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted.")
    assert not _hits("You may not modify or distribute the Program except as expressly provided under this License.")
    assert "no-modification" in _hits("You may not modify the Software without the prior written permission of the Licensor.")
    assert "no-right-to-sell" in _hits("This license does not grant you the right to sell the Software.")


def test_clauses_keep_positions():
    text = "Title\n\nYou may copy it.\nYou may not sell it. Fine.\n"
    found = clauses(text)
    sell = next(c for c in found if "sell" in c.text)
    assert sell.line == 4 and sell.quote(text) == "You may not sell it."


def test_malformed_detector_file_names_the_file(tmp_path):
    copy = tmp_path / "osd-criteria"
    shutil.copytree(resources.rules_dir() / "osd-criteria", copy)
    bad = copy / "detectors" / "99-bad.yaml"
    bad.write_text("detectors:\n  - id: Bad Id\n    criteria: [11]\n", "utf-8")
    with pytest.raises(det.OsdDataError, match="99-bad.yaml"):
        det.load(copy)


def test_invalid_pattern_names_the_detector(tmp_path):
    copy = tmp_path / "osd-criteria"
    shutil.copytree(resources.rules_dir() / "osd-criteria", copy)
    bad = copy / "detectors" / "99-bad.yaml"
    bad.write_text(
        "detectors:\n  - id: broken\n    criteria: [1]\n    verdict: fail\n    summary: s\n    patterns: ['(unclosed']\n"
        "    authority: a\n    citation: {text: t}\n    examples: [x]\n", "utf-8")
    with pytest.raises(det.OsdDataError, match="broken"):
        det.load(copy)


def test_list_items_are_read_with_their_lead_in():
    text = "You may not:\n  - alter any copyright notice;\n  - distribute the Software to third parties;\n"
    found = clauses(text)
    assert [c.text for c in found[1:]] == ["You may not alter any copyright notice;",
                                          "You may not distribute the Software to third parties;"]
    hits, _ = det.match(KNOWLEDGE, found)
    assert {h.detector.id for h in hits} == {"no-redistribution"}  # the notice item is allowed, not a ban on changes
