"""identify(): full license texts against the reference texts of licensedcode-data.

License texts are never pasted here: every text is built at test time from the installed
licensedcode-data package (osi_check.detect.reference_texts), then reformatted or changed as a
real project's LICENSE file would be.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path

import pytest

from osi_check import licensing
from osi_check.detect.license_text import TextMatch, describe, identify
from osi_check.detect.reference_texts import CANDIDATES, ReferenceDataError, candidates, load

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "detect"

GPL3_OR_LATER_NOTICE = (
    "This program is free software: you can redistribute it and/or modify it under the terms of the GNU "
    "General Public License as published by the Free Software Foundation, either version 3 of the License, "
    "or (at your option) any later version."
)
GPL2_ONLY_NOTICE = (
    "This program is free software; you can redistribute it and/or modify it under the terms of the GNU "
    "General Public License as published by the Free Software Foundation; version 2 of the License."
)


def text(key: str) -> str:
    return load(key).text


def scancode_text(key: str) -> str:
    """A license text from licensedcode-data that is not one of the candidates (riders, other licenses)."""
    import importlib.resources

    raw = (importlib.resources.files("licensedcode") / "data" / "licenses" / f"{key}.LICENSE").read_text("utf-8")
    return raw.split("\n---", 1)[1].split("\n", 1)[1]


def mit_file() -> str:
    return "MIT License\n\nCopyright (c) 2024 Acme CRM contributors\n\n" + text("mit").strip() + "\n"


def reflow(body: str, width: int) -> str:
    """Rewrap every paragraph to `width` columns, as an editor would."""
    paragraphs = re.split(r"\n\s*\n", body)
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width) for p in paragraphs if p.strip()) + "\n"


def must_identify(value: str) -> TextMatch:
    match = identify(value)
    assert match is not None
    return match


# --------------------------------------------------------------------------------------------------
# reference data


def test_candidates_load_with_their_spdx_ids_from_the_front_matter():
    loaded = candidates()
    assert [(r.key, r.spdx_id) for r in loaded] == list(CANDIDATES)
    for ref in loaded:
        assert licensing.spdx_record(ref.spdx_id) is not None, ref.spdx_id
        assert not ref.text.startswith("---") and "spdx_license_key" not in ref.text
        assert len(ref.text.split()) > 100


def test_a_candidate_whose_spdx_id_changed_fails_loudly(monkeypatch):
    from osi_check.detect import reference_texts

    monkeypatch.setattr(reference_texts, "CANDIDATES", (("mit", "MIT-0"),))
    reference_texts.load.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match="MIT-0"):
            reference_texts.load("mit")
    finally:
        reference_texts.load.cache_clear()


# --------------------------------------------------------------------------------------------------
# every candidate, as published


@pytest.mark.parametrize("key,spdx_id", CANDIDATES)
def test_each_reference_text_identifies_as_itself_exactly(key, spdx_id):
    match = must_identify(text(key))
    assert match.spdx_id == spdx_id
    assert match.text_id == spdx_id
    assert match.exact and not match.modified and not match.additional_terms
    assert match.coverage == 1.0
    assert match.others == ()
    assert describe(match) == f"100% of the {spdx_id} text, exact"


@pytest.mark.parametrize("key,spdx_id", CANDIDATES)
def test_each_reference_text_rewrapped_with_a_copyright_line_still_identifies(key, spdx_id):
    rewrapped = f"Copyright (c) 2019-2024 Acme CRM Ltd.\n\n{reflow(text(key), 66)}"
    match = must_identify(rewrapped)
    assert match.spdx_id == spdx_id
    assert match.coverage >= 0.99, describe(match)
    assert not match.additional_terms


@pytest.mark.parametrize(
    "key,spdx_id",
    [("lgpl-2.1", "LGPL-2.1-only"), ("gpl-2.0", "GPL-2.0-only"), ("lgpl-3.0", "LGPL-3.0-only"),
     ("gpl-3.0", "GPL-3.0-only"), ("lgpl-2.0", "LGPL-2.0-only"), ("agpl-3.0", "AGPL-3.0-only")],
)
def test_gnu_licenses_are_told_apart(key, spdx_id):
    # The GNU texts share much wording (AGPL-3.0 is 90% GPL-3.0; LGPL-2.1 is 85% LGPL-2.0).
    match = must_identify(text(key))
    assert match.spdx_id == spdx_id
    assert match.version_scope is None
    assert match.notice is None


def test_bsd_2_and_bsd_3_are_told_apart_although_bsd_3_holds_all_of_bsd_2():
    holder = "Copyright (c) 2021, Acme CRM Ltd.\nAll rights reserved.\n\n"
    bsd3 = must_identify(holder + text("bsd-new").replace("ORGANIZATION", "copyright holder"))
    bsd2 = must_identify(holder + text("bsd-simplified"))
    assert (bsd3.spdx_id, bsd2.spdx_id) == ("BSD-3-Clause", "BSD-2-Clause")
    assert bsd3.exact and bsd2.exact


def test_numbered_bsd_clauses_and_a_filled_in_holder_name_are_not_modifications():
    body = text("bsd-new")
    numbered = body.replace("Redistributions of source", "1. Redistributions of source")
    numbered = numbered.replace("Redistributions in binary", "2. Redistributions in binary")
    numbered = numbered.replace("Neither the name of the ORGANIZATION", "3. Neither the name of Acme CRM Ltd.")
    match = must_identify("BSD 3-Clause License\n\n" + numbered)
    assert match.spdx_id == "BSD-3-Clause"
    assert match.exact and not match.additional_terms


# --------------------------------------------------------------------------------------------------
# GNU: "only" or "or later" comes from a notice, never from the text's own how-to-apply appendix


def test_gpl3_text_with_an_or_later_notice_is_gpl3_or_later():
    match = must_identify(GPL3_OR_LATER_NOTICE + "\n\n" + text("gpl-3.0"))
    assert match.spdx_id == "GPL-3.0-or-later"
    assert match.text_id == "GPL-3.0-only"
    assert match.version_scope == "or-later"
    assert match.notice is not None and match.notice.line == 1
    assert "any later version" in match.notice.quote
    assert not match.additional_terms  # a notice is not an additional term


def test_gpl2_text_with_a_version_2_notice_is_gpl2_only():
    match = must_identify(GPL2_ONLY_NOTICE + "\n\n" + text("gpl-2.0"))
    assert match.spdx_id == "GPL-2.0-only"
    assert match.version_scope == "only"
    assert match.notice is not None
    assert match.notice.quote.endswith("version 2 of the License.")
    assert not match.additional_terms


def test_bare_agpl3_is_only_although_its_appendix_says_any_later_version():
    agpl = text("agpl-3.0")
    assert "(at your option) any later version" in agpl  # the boilerplate is really in the appendix
    match = must_identify(agpl)
    assert match.spdx_id == "AGPL-3.0-only"
    assert match.version_scope is None
    assert match.notice is None


def test_an_or_later_notice_after_a_text_without_its_appendix_counts():
    gpl = text("gpl-3.0")
    terms = gpl[: gpl.index("How to Apply These Terms")]
    match = must_identify(terms + "\n\nAcme CRM\n\n" + GPL3_OR_LATER_NOTICE + "\n")
    assert match.spdx_id == "GPL-3.0-or-later"
    assert match.exact  # the appendix is optional


def test_lgpl21_or_later_notice():
    notice = (
        "Acme Mailer is free software; you can redistribute it and/or modify it under the terms of the GNU\n"
        "Lesser General Public License as published by the Free Software Foundation; either\n"
        "version 2.1 of the License, or (at your option) any later version.\n\n"
    )
    match = must_identify(notice + text("lgpl-2.1"))
    assert match.spdx_id == "LGPL-2.1-or-later"
    assert match.notice.line == 1 and match.notice.end_line == 3


def test_spdx_style_scope_in_the_license_file_counts_as_a_notice():
    match = must_identify("SPDX-License-Identifier: AGPL-3.0-or-later\n\n" + text("agpl-3.0"))
    assert match.spdx_id == "AGPL-3.0-or-later"


def test_a_notice_for_another_version_does_not_decide_and_is_noted():
    notice = GPL3_OR_LATER_NOTICE.replace("version 3", "version 2")
    match = must_identify(notice + "\n\n" + text("gpl-3.0"))
    assert match.spdx_id == "GPL-3.0-only"
    assert match.version_scope is None
    assert any("names version 2.0" in n for n in match.notes)


def test_old_fsf_postal_address_is_not_a_change():
    old = text("gpl-2.0").replace(
        "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA",
        "59 Temple Place, Suite 330, Boston, MA 02111-1307 USA",
    )
    assert old != text("gpl-2.0")
    match = must_identify(old)
    assert match.spdx_id == "GPL-2.0-only"
    assert match.exact and not match.additional_terms


# --------------------------------------------------------------------------------------------------
# MIT and riders


def test_mit_with_title_and_copyright_line_is_exact_mit():
    match = must_identify(mit_file())
    assert match.spdx_id == "MIT"
    assert match.exact and not match.additional_terms
    assert match.extra_text == ()
    assert (match.first_line, match.last_line) == (5, 22)
    assert match.quote.startswith("Permission is hereby granted")


def test_mit_as_markdown_wrapped_differently_is_mit():
    body = " ".join(text("mit").split())
    body = body.replace('THE SOFTWARE IS PROVIDED "AS IS"', '**THE SOFTWARE IS PROVIDED "AS IS"**')
    markdown = "# MIT License\n\n_Copyright © 2024 Acme CRM_\n\n" + textwrap.fill(body, 52) + "\n"
    match = must_identify(markdown)
    assert match.spdx_id == "MIT"
    assert match.exact and not match.additional_terms


def test_mit_as_html_is_mit():
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text("mit")) if p.strip()]
    escaped = [p.replace('"', "&quot;") for p in paragraphs]
    html_text = (
        '<html><body><h1>The MIT License</h1>\n'
        + "\n".join(f'<p class="license">{p}</p>' for p in escaped)
        + "\n</body></html>\n"
    )
    match = must_identify(html_text)
    assert match.spdx_id == "MIT" and match.exact


def test_mit_with_commons_clause_reports_the_rider_as_a_second_text():
    # The Commons Clause is in the reference database (a ScanCode "exception", category Source-available):
    # it is identified by name instead of being left as unexplained extra text.
    rider = scancode_text("commons-clause")
    match = must_identify(mit_file() + "\n" + rider)
    assert match.text_id == "MIT" and match.exact
    (clause,) = match.others
    assert clause.spdx_id == "LicenseRef-scancode-commons-clause"
    assert clause.exception and clause.category == "Source-available"
    assert clause.first_line > match.last_line
    assert "Commons Clause" in clause.quote
    assert any("several license texts" in n for n in match.notes)


def test_an_unknown_rider_after_mit_has_additional_terms():
    rider = (
        "The Software shall not be used by any company with more than 50 employees, and shall not be sold, "
        "hosted for third parties or bundled with a commercial product without a written agreement with the "
        "Licensor, which may charge a fee for such use.\n"
    )
    match = must_identify(mit_file() + "\nAdditional condition:\n\n" + rider)
    assert match.text_id == "MIT"
    assert match.others == ()
    assert match.additional_terms
    assert match.rider_text and "50 employees" in " ".join(r.snippet for r in match.rider_text)
    assert match.rider_text[0].first_line > match.last_line


def test_the_json_license_is_json_not_mit():
    # the JSON license is MIT plus "The Software shall be used for Good, not Evil.": the database has it
    match = must_identify("Copyright (c) 2002 JSON.org\n\n" + scancode_text("json"))
    assert match.spdx_id == "JSON"
    assert match.exact and not match.additional_terms


def test_good_not_evil_inserted_into_mit_has_additional_terms():
    body = text("mit").replace(
        "all copies or substantial portions of the Software.",
        "all copies or substantial portions of the Software.\n\nThe Software shall be used for Good, not Evil.",
    )
    match = must_identify("Copyright (c) 2024 Acme CRM\n\n" + body)
    assert match.spdx_id in ("MIT", "JSON")
    assert not (match.spdx_id == "MIT" and match.exact)
    if match.spdx_id == "MIT":
        assert match.additional_terms
        assert any("Good, not Evil" in r.snippet for r in match.rider_text)


def test_an_inserted_negation_is_never_exact():
    match = must_identify(mit_file().replace("to deal in the Software", "not to deal in the Software"))
    assert not match.exact
    assert match.modified or match.additional_terms


# --------------------------------------------------------------------------------------------------
# modified texts, several texts, no text


def test_gpl3_with_a_section_deleted_is_modified():
    gpl = text("gpl-3.0")
    start, end = gpl.index("  11. Patents."), gpl.index("  12. No Surrender")
    match = must_identify(gpl[:start] + gpl[end:])
    assert match.spdx_id == "GPL-3.0-only"
    assert match.modified and not match.exact
    assert 0.8 <= match.coverage < 0.99
    assert match.missing_passages == 1
    assert match.differences[0].reference.startswith("Patents.")
    assert "modified: 1 reference passage missing or changed" in describe(match)


def test_apache_without_its_appendix_is_still_exact():
    apache = text("apache-2.0")
    match = must_identify(apache[: apache.index("APPENDIX: How to apply")])
    assert match.spdx_id == "Apache-2.0" and match.exact


def test_two_license_texts_in_one_file_are_both_reported():
    match = must_identify(text("apache-2.0") + "\n\n" + mit_file())
    assert match.spdx_id == "Apache-2.0"
    assert [o.spdx_id for o in match.others] == ["MIT"]
    assert not match.additional_terms
    assert any("several license texts" in n for n in match.notes)


def test_a_readme_is_not_a_license():
    assert identify((FIXTURES / "README.md").read_text("utf-8")) is None


@pytest.mark.parametrize("value", ["", "   \n\n", "MIT", "See the LICENSE file."])
def test_empty_or_tiny_texts_are_not_a_license(value):
    assert identify(value) is None


def test_half_a_license_is_not_accepted():
    gpl = text("gpl-3.0")
    assert identify(gpl[: len(gpl) // 2]) is None


def test_the_result_is_a_frozen_dataclass_with_line_span():
    match = must_identify(text("isc"))
    assert dataclasses.is_dataclass(match)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.spdx_id = "MIT"  # type: ignore[misc]
    assert match.first_line >= 1 and match.last_line >= match.first_line


def test_the_index_is_loaded_once():
    from osi_check.detect.index import load_index

    assert load_index() is load_index()
