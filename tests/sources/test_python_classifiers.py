"""rules/knowledge/trove-classifiers.yaml, checked against the packages that know the classifiers.

The table is ours (no package maps classifiers to SPDX ids with an unsure flag), so it is proved here:
every "License ::" classifier that PyPI accepts (trove-classifiers, current and deprecated) has an entry,
every SPDX id in it is a real one, and where ScanCode (licensedcode-data) reads a classifier differently
the difference is deliberate and the entry is marked unsure or explains itself.
"""

from __future__ import annotations

import importlib.resources
import re

import pytest
import yaml

from osi_check import licensing
from osi_check.facts import Location
from osi_check.sources._python import classifier_conclusion, classifier_table

trove = pytest.importorskip("trove_classifiers")

# classifiers where this table and ScanCode's pypi_* rules name different licenses, on purpose
DELIBERATE = {
    "License :: OSI Approved :: Python License (CNRI Python License)",  # ScanCode: the GPL-compatible variant
    "License :: OSI Approved :: Python Software Foundation License",  # ScanCode: Python-2.0 (unsure here)
    "License :: OSI Approved :: Eiffel Forum License",  # ScanCode: EFL-1.0 (unsure here)
    "License :: OSI Approved :: Intel Open Source License",  # ScanCode: a variant with an export clause
    "License :: Other/Proprietary License",  # ScanCode: its own proprietary-license key
}


def license_classifiers() -> set[str]:
    current = {c for c in trove.classifiers if c.startswith("License ::")}
    deprecated = {c for c in trove.deprecated_classifiers if c.startswith("License ::")}
    return current | deprecated


def scancode_readings() -> dict[str, str]:
    """ScanCode's SPDX reading of each classifier it has a rule for (rules/pypi_*.RULE)."""
    data = importlib.resources.files("licensedcode") / "data"
    rules = {}
    for path in (data / "rules").iterdir():
        if path.name.startswith("pypi_"):
            _, front, text = path.read_text("utf-8").split("---", 2)
            rules[text.strip().removeprefix("Classifier: ")] = yaml.safe_load(front)["license_expression"]
    readings = {}
    for classifier, key in rules.items():
        license_file = data / "licenses" / f"{key}.LICENSE"
        meta = yaml.safe_load(license_file.read_text("utf-8").split("---", 2)[1]) if license_file.is_file() else {}
        readings[classifier] = meta.get("spdx_license_key") or f"LicenseRef-scancode-{key}"
    return readings


def test_every_license_classifier_has_an_entry():
    assert license_classifiers() - set(classifier_table()) == set()


def test_every_entry_is_a_real_classifier():
    assert set(classifier_table()) - license_classifiers() == set()


def test_every_spdx_id_is_known():
    for classifier, reading in classifier_table().items():
        if reading.spdx is not None:
            assert licensing.is_known_key(reading.spdx), classifier


def test_unsure_and_unnamed_entries_explain_themselves():
    for classifier, reading in classifier_table().items():
        if not reading.confident or reading.spdx is None:
            assert reading.note, classifier


def test_agrees_with_scancode_where_both_name_a_license():
    scancode = scancode_readings()
    for classifier, reading in classifier_table().items():
        theirs = scancode.get(classifier)
        if reading.spdx is None or theirs is None or theirs.startswith("LicenseRef-scancode-"):
            continue
        if classifier in DELIBERATE:
            continue
        assert reading.spdx == theirs or not reading.confident, f"{classifier}: {reading.spdx} vs ScanCode {theirs}"


def test_versionless_family_classifiers_are_unsure():
    table = classifier_table()
    for classifier in ("License :: OSI Approved :: BSD License", "License :: OSI Approved :: Apache Software License",
                       "License :: OSI Approved :: GNU General Public License (GPL)"):
        assert table[classifier].confident is False


def test_conclusion_for_one_classifier():
    at = Location("METADATA", 12)
    conclusion = classifier_conclusion([("License :: OSI Approved :: MIT License", at)], "trove")
    assert (conclusion.expression, conclusion.confident, conclusion.unknown) == ("MIT", True, ())
    assert conclusion.evidence[0].quote == "License :: OSI Approved :: MIT License"


def test_no_license_classifier_is_no_conclusion():
    assert classifier_conclusion([("Programming Language :: Python :: 3", Location("METADATA", 3))], "trove") is None


def test_bare_osi_approved_is_dropped_next_to_a_named_license():
    at = Location("METADATA", 1)
    conclusion = classifier_conclusion(
        [("License :: OSI Approved", at), ("License :: OSI Approved :: ISC License (ISCL)", at)], "trove"
    )
    assert (conclusion.expression, conclusion.confident) == ("ISC", True)


def test_unnamed_and_unlisted_classifiers_are_unknown_with_their_text():
    at = Location("METADATA", 1)
    alone = classifier_conclusion([("License :: Public Domain", at)], "trove")
    assert alone.unknown == ("License :: Public Domain",)
    assert re.fullmatch(re.escape(licensing.UNKNOWN_PREFIX) + r"\S+", alone.expression)
    made_up = classifier_conclusion([("License :: OSI Approved :: Acme License", at)], "trove")
    assert made_up.unknown == ("License :: OSI Approved :: Acme License",)


def test_several_classifiers_are_a_choice():
    at = Location("METADATA", 1)
    conclusion = classifier_conclusion(
        [("License :: OSI Approved :: MIT License", at),
         ("License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)", at)],
        "trove",
    )
    assert conclusion.expression == "MIT OR GPL-2.0-or-later"
    assert conclusion.confident is False
