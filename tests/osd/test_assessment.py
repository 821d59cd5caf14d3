"""The OSD assessment on real license texts from licensedcode-data (read at test time, never copied).

The bench (bench/osd_assessment.py) covers every OSI-approved text; these tests use a fixed sample for speed and
the full acceptance lists for non-OSI licenses and the assent/attribution licenses."""

from __future__ import annotations

import pytest

from osi_check.osd import corpus
from osi_check.osd.assess import assess_id, assess_text

SAMPLE = corpus.osi_texts()[::6]


@pytest.mark.parametrize("ids,key", SAMPLE, ids=[k for _, k in SAMPLE])
def test_osi_approved_text_with_id_withheld_never_fails(ids, key):
    result = assess_text(corpus.text(ids[0]), key, identify=False)
    assert [c for c in result.criteria if c.verdict == "fail"] == []


def test_osi_sample_unclear_rate_is_low():
    results = [assess_text(corpus.text(ids[0]), key, identify=False) for ids, key in SAMPLE]
    unclear = [r for r in results if r.verdict == "unclear"]
    assert len(unclear) <= max(1, round(0.03 * len(results)))


@pytest.mark.parametrize("license_id", corpus.NON_OSI)
def test_non_osi_license_fails_its_curated_criteria_with_the_clause(license_id):
    result = assess_text(corpus.text(license_id), license_id, identify=False)
    failed = {c.number: c for c in result.criteria if c.verdict == "fail"}
    for number in corpus.expected_failures(license_id):
        assert number in failed, f"{license_id}: OSD {number} not failed"
        assert failed[number].clause and failed[number].location.startswith("line ")
    assert result.verdict == "does-not-conform"


@pytest.mark.parametrize("license_id", corpus.MUST_PASS)
def test_assent_and_attribution_licenses_pass_all_ten(license_id):
    for identify in (False, True):
        result = assess_text(corpus.text(license_id), license_id, identify=identify)
        assert {c.verdict for c in result.criteria} == {"pass"}, result.criteria


def test_agpl_with_section_7b_logo_clause_passes_and_stays_approved():
    text = corpus.text("AGPL-3.0-only") + corpus.AGPL_7B_LOGO
    withheld = assess_text(text, "agpl-7b", identify=False)
    assert {c.verdict for c in withheld.criteria} == {"pass"}
    known = assess_text(text, "agpl-7b")
    assert known.verdict == "osi-approved"
    assert any("Section 7(b)" in n for n in known.notes)


@pytest.mark.parametrize("rider,criterion", [
    ("LicenseRef-scancode-commons-clause", 1),
    (None, 6),  # JSON's "Good, not Evil" line added to MIT
])
def test_a_permissive_base_with_a_rider_is_not_called_clean(rider, criterion):
    extra = corpus.text(rider) if rider else "\nThe Software shall be used for Good, not Evil.\n"
    result = assess_text(corpus.text("MIT") + "\n\n" + extra, "LICENSE")
    assert result.verdict == "does-not-conform"
    assert next(c for c in result.criteria if c.number == criterion).verdict == "fail"


def test_unrecognised_added_terms_make_an_approved_base_unclear():
    text = corpus.text("MIT") + ("\n\nEvery person who receives a copy of the Software is kindly asked to send the authors a postcard "
                                    "from their home town once a year, so that the authors know where it travels.\n")
    assert assess_text(text, "LICENSE").verdict == "unclear"


def test_known_ids():
    mit = assess_id("MIT")
    assert (mit.verdict, mit.basis) == ("osi-approved", "spdx-list")
    sspl = assess_id("SSPL-1.0")
    assert (sspl.verdict, sspl.basis) == ("does-not-conform", "curated")
    assert next(c for c in sspl.criteria if c.number == 6).clause.startswith("If you make the functionality")
    oeel = assess_id("LicenseRef-OEEL-1")
    assert {c.number for c in oeel.criteria if c.verdict == "fail"} >= {1, 3, 7}
    assert any("forbidden" in f or "commercial" in f for f in oeel.fee_terms)


def test_a_vendor_eula_is_read_clause_by_clause():
    eula = ("Acme Widgets End User License Agreement\n\nCopyright Acme. All rights reserved.\n\n"
            "You may install and use one copy of the Software on a single computer for your internal business "
            "purposes only. You may not reverse engineer, decompile or disassemble the Software.\n")
    result = assess_text(eula, "EULA.txt")
    verdicts = {c.number: c.verdict for c in result.criteria}
    assert result.verdict == "does-not-conform" and result.basis == "clause-detectors"
    assert verdicts[1] == "fail" and verdicts[2] == "fail" and verdicts[3] == "fail"


def test_a_listed_license_exception_is_not_a_rider():
    text = corpus.text("GPL-2.0-only") + "\n\n" + corpus.text("Classpath-exception-2.0")
    result = assess_text(text, "COPYING")
    assert (result.verdict, result.basis) == ("osi-approved", "spdx-list")
    assert "Classpath-exception-2.0" in result.notes[0]


def test_curated_licenses_are_non_osi_and_known_by_their_ids():
    from osi_check import licensing
    from osi_check.osd.curated import curated

    for key, entry in curated().items():
        if not key.startswith("LicenseRef-"):
            assert licensing.spdx_record(key) is not None, f"{key} is not an SPDX id"
            assert licensing.osi_approved(key) is False, f"{key} is OSI-approved: the SPDX flag decides it"
        assert all(c.clause and c.verdict in ("fail", "unclear") for c in entry.criteria)


def test_the_example_odoo_app_license_notice_does_not_conform():
    from tests.conftest import EXAMPLE

    text = (EXAMPLE / "addons" / "crm_voip_connector" / "LICENSE").read_text("utf-8")
    result = assess_text(text, "LICENSE")
    failed = {c.number for c in result.criteria if c.verdict == "fail"}
    assert result.verdict == "does-not-conform" and {1, 3} <= failed
