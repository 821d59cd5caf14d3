"""licensing.normalize: every normalisation rule, each with a value that must pass and one that must not.

The knowledge (aliases, ambiguous names, URLs, placeholders) is data in rules/knowledge/; these tests pin the
generic rules that read it. tests/test_normalization_corpus.py measures the whole on 500+ real values.
"""

from __future__ import annotations

import pytest

from osi_check import licensing
from osi_check.licensing import UNKNOWN_PREFIX, normalize, normalize_choice


def n(raw):
    return normalize(raw)


def is_unknown(result) -> bool:
    return result.expression is not None and result.expression.startswith(UNKNOWN_PREFIX) and " " not in result.expression


# --- SPDX ids and expressions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MIT", "MIT"),
        ("mit", "MIT"),
        ("apache-2.0", "Apache-2.0"),
        ("BSD-3-clause", "BSD-3-Clause"),
        ("MIT OR Apache-2.0", "MIT OR Apache-2.0"),
        ("mit or apache-2.0", "MIT OR Apache-2.0"),
        ("(Apache-2.0 or GPL-2.0)", "Apache-2.0 OR GPL-2.0-only"),
        ("(CC-BY-4.0 and MIT)", "CC-BY-4.0 AND MIT"),
        ("LGPL-2.0-or-later AND (LGPL-2.1-only OR LGPL-3.0-only)", "LGPL-2.0-or-later AND (LGPL-2.1-only OR LGPL-3.0-only)"),
        ("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"),
        ("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
    ],
)
def test_spdx_ids_and_expressions_in_any_case(raw, expected):
    result = n(raw)
    assert (result.expression, result.unknown, result.confident) == (expected, (), True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("GPL-2.0", "GPL-2.0-only"), ("AGPL-3.0", "AGPL-3.0-only"), ("LGPL-2.1", "LGPL-2.1-only")],
)
def test_deprecated_bare_gnu_ids_read_as_spdx_defines_them_with_a_note(raw, expected):
    result = n(raw)
    assert result.expression == expected and result.confident
    assert any(f"'{raw}' is a deprecated SPDX id" in note for note in result.notes)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("GPL-2.0+", "GPL-2.0-or-later"), ("gpl-3.0+", "GPL-3.0-or-later"), ("LGPL-2.1+", "LGPL-2.1-or-later"),
     ("GPL-3.0+ AND LGPL-2.1+", "GPL-3.0-or-later AND LGPL-2.1-or-later")],
)
def test_plus_means_or_later(raw, expected):
    assert n(raw).expression == expected


def test_a_deprecated_id_license_expression_keeps_is_kept():
    assert n("Net-SNMP").expression == "Net-SNMP"
    assert n("GPL-2.0-with-classpath-exception").expression == "GPL-2.0-only WITH Classpath-exception-2.0"


def test_an_unknown_exception_is_unknown_and_the_license_kept():
    result = n("GPL-2.0-only WITH openssl-exception")
    assert result.expression.startswith("GPL-2.0-only WITH " + UNKNOWN_PREFIX)
    assert result.unknown == ("openssl-exception",)


# --- names, misspellings, versions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Apache 2.0", "Apache-2.0"),
        ("Apache2", "Apache-2.0"),
        ("Apache-2", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("The Apache Software License, Version 2.0", "Apache-2.0"),
        ("Apache License (2.0)", "Apache-2.0"),
        ("Apache-2.0 license", "Apache-2.0"),
        ("ASL 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("MIT Licence", "MIT"),
        ("MIT-License", "MIT"),
        ("The MIT License (MIT)", "MIT"),
        ("MIT/X11", "MIT"),
        ("Expat (MIT/X11)", "MIT"),
        ("ISC License (ISCL)", "ISC"),
        ("BSD 3-Clause License", "BSD-3-Clause"),
        ("3-Clause BSD License", "BSD-3-Clause"),
        ("New BSD License", "BSD-3-Clause"),
        ("MPL 2.0", "MPL-2.0"),
        ("MPL2", "MPL-2.0"),
        ("Eclipse Public License (EPL), Version 1.0", "EPL-1.0"),
        ("COMMON DEVELOPMENT AND DISTRIBUTION LICENSE (CDDL) Version 1.0", "CDDL-1.0"),
        ("CC BY-NC-SA 4.0", "CC-BY-NC-SA-4.0"),
        ("Server Side Public License, v 1", "SSPL-1.0"),
    ],
)
def test_common_names_and_spellings_of_one_license(raw, expected):
    result = n(raw)
    assert (result.expression, result.unknown, result.confident) == (expected, (), True), result.notes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GPLv2+", "GPL-2.0-or-later"),
        ("GPL2+", "GPL-2.0-or-later"),
        ("GPL-2.0 or later", "GPL-2.0-or-later"),
        ("GPL v3 or later", "GPL-3.0-or-later"),
        ("GNU LGPL v2.1+", "LGPL-2.1-or-later"),
        ("LGPL (>= 3)", "LGPL-3.0-or-later"),
        ("GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"),
        ("GPL-2.0 only", "GPL-2.0-only"),
    ],
)
def test_or_later_and_only(raw, expected):
    result = n(raw)
    assert (result.expression, result.confident) == (expected, True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("GPLv2", "GPL-2.0-only"), ("LGPL-3", "LGPL-3.0-only"), ("LGPL v3", "LGPL-3.0-only"),
     ("GNU General Public License v3 (GPLv3)", "GPL-3.0-only"), ("GNU General Public License Version 3", "GPL-3.0-only")],
)
def test_a_gnu_version_without_only_or_later_reads_as_the_bare_spdx_id_with_a_note(raw, expected):
    result = n(raw)
    assert (result.expression, result.confident) == (expected, True)
    assert any("or any later version" in note or "'only' or 'or later'" in note for note in result.notes)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Apache Software License", "Apache-2.0"),
        ("Python Software Foundation License", "PSF-2.0"),
        ("PSF", "PSF-2.0"),
        ("CC0", "CC0-1.0"),
        ("LGPLv2", "LGPL-2.0-only"),
        ("GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"),
    ],
)
def test_a_name_without_a_version_is_mapped_only_unsure_with_a_note(raw, expected):
    result = n(raw)
    assert (result.expression, result.confident) == (expected, False)
    assert result.notes


@pytest.mark.parametrize(
    "raw",
    ["BSD", "BSD License", "GPL", "GNU GPL", "LGPL", "GNU LGPL", "Apache", "Apache License", "AGPL", "MPL",
     "BSD-like", "MIT-like", "CDDL License", "GNU General Public License (GPL)", "Artistic"],
)
def test_a_family_name_is_unknown_with_its_candidates(raw):
    result = n(raw)
    assert is_unknown(result) and result.unknown == (raw.strip(),)
    assert "ambiguous" in result.notes[0]


@pytest.mark.parametrize("raw", ["Public Domain", "Public-Domain", "PD", "custom", "Nonstandard", "Copyright"])
def test_values_known_not_to_name_a_license_are_unknown_with_the_reason(raw):
    result = n(raw)
    assert is_unknown(result) and "names no license" in result.notes[0]


# --- proprietary, placeholders -----------------------------------------------------------------------------


def test_npm_unlicensed_is_proprietary_but_the_unlicense_is_the_spdx_license():
    assert n("UNLICENSED").expression == "LicenseRef-osi-check-proprietary"
    assert n("Unlicense").expression == "Unlicense"
    assert n("The Unlicense").expression == "Unlicense"
    assert n("unlicense.org").expression == "Unlicense"


@pytest.mark.parametrize("raw", ["proprietary", "Proprietary", "Other/Proprietary License", "NVIDIA Proprietary Software"])
def test_proprietary(raw):
    result = n(raw)
    assert (result.expression, result.confident) == ("LicenseRef-osi-check-proprietary", True)


def test_commercial_is_proprietary_but_unsure():
    result = n("Commercial")
    assert (result.expression, result.confident) == ("LicenseRef-osi-check-proprietary", False)


@pytest.mark.parametrize("raw", ["UNKNOWN", "unknown", "NOASSERTION", "[]", "  "])
def test_placeholders_mean_no_license_declared(raw):
    result = n(raw)
    assert result.expression is None
    if raw.strip():
        assert "declares no license" in result.notes[0]


# --- PyPI classifiers ----------------------------------------------------------------------------------------


def test_a_classifier_in_a_license_field_is_read_by_the_classifier_table():
    assert n("License :: OSI Approved :: MIT License").expression == "MIT"
    bsd = n("License :: OSI Approved :: BSD License")
    assert (bsd.expression, bsd.confident) == ("BSD-3-Clause", False)
    assert is_unknown(n("License :: OSI Approved"))
    assert is_unknown(n("License :: Made Up :: Nothing"))


# --- URLs ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "confident"),
    [
        ("http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0", True),
        ("https://www.apache.org/licenses/LICENSE-2.0.txt", "Apache-2.0", True),
        ("https://opensource.org/licenses/MIT", "MIT", True),
        ("http://www.opensource.org/licenses/mit-license.php", "MIT", True),  # licensedcode-data text_urls
        ("https://www.boost.org/LICENSE_1_0.txt", "BSL-1.0", True),  # licensedcode-data, not in the table
        ("http://www.gnu.org/licenses/gpl-3.0.html", "GPL-3.0-only", False),
        ("https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html", "LGPL-2.1-only", False),
        ("https://www.gnu.org/licenses/lgpl-2.1.html", "LGPL-2.1-only", False),  # licensedcode-data, GNU: unsure
    ],
)
def test_license_urls(raw, expected, confident):
    result = n(raw)
    assert (result.expression, result.confident) == (expected, confident)


def test_a_url_shared_by_several_versions_is_unknown_with_the_candidates():
    result = n("http://www.gnu.org/licenses/gpl.html")
    assert is_unknown(result) and "GPL-3.0-or-later" in result.notes[0]


def test_an_unknown_url_is_unknown():
    result = n("https://github.com/rrrene/credo")
    assert is_unknown(result) and "not a known license URL" in result.notes[0]


def test_url_keys_ignore_scheme_www_slash_and_suffix():
    key = licensing._url_key
    assert key("http://www.gnu.org/licenses/gpl-3.0.html") == key("https://gnu.org/licenses/gpl-3.0/") == "gnu.org/licenses/gpl-3.0"


# --- texts ---------------------------------------------------------------------------------------------------

MIT_TEXT = """MIT License

Copyright (c) 2024 Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def test_a_license_text_pasted_into_the_field_is_identified():
    result = n(MIT_TEXT)
    assert (result.expression, result.confident) == ("MIT", True)
    assert "license text" in result.notes[0]
    one_line = n(" ".join(MIT_TEXT.split()))  # registries that flatten the field
    assert one_line.expression == "MIT"


def test_a_long_text_that_is_not_a_license_is_unknown():
    text = "\n".join(["This package is licensed by its authors under terms you can read on our web site."] * 6)
    result = n(text)
    assert is_unknown(result) and "review it" in result.notes[0]


def test_a_long_spdx_expression_is_not_mistaken_for_a_text():
    raw = ("GPL-3.0-or-later AND GPL-2.0-or-later AND GPL-2.0-only AND LGPL-2.1-or-later AND BSD-3-Clause AND "
           "BSD-4-Clause-UC AND MIT AND BSD-2-Clause AND ISC AND Zlib AND Apache-2.0")
    assert n(raw).expression == raw


# --- lists -----------------------------------------------------------------------------------------------------


def test_a_comma_list_is_a_choice_and_unsure():
    result = n("MIT,Artistic-1.0-Perl,GPL-2.0-or-later")
    assert (result.expression, result.confident) == ("MIT OR Artistic-1.0-Perl OR GPL-2.0-or-later", False)
    assert any("does not say whether all apply" in note for note in result.notes)


def test_a_comma_inside_a_name_is_not_a_list():
    result = n("The Apache Software License, Version 2.0,Eclipse Public License - v 1.0")
    assert (result.expression, result.confident) == ("Apache-2.0 OR EPL-1.0", False)


def test_the_same_license_twice_is_one_license_and_sure():
    result = n("Apache-2.0,Apache-2.0")
    assert (result.expression, result.confident) == ("Apache-2.0", True)


def test_a_white_space_list_of_ids_is_all_of_them_and_unsure():
    result = n("GPL-2.0-or-later LGPL-2.1-or-later")
    assert (result.expression, result.confident) == ("GPL-2.0-or-later AND LGPL-2.1-or-later", False)
    assert is_unknown(n("GPL custom"))
    assert is_unknown(n("GPL LGPL"))


def test_a_slash_splits_only_known_licenses_and_is_unsure():
    result = n("MIT/Apache-2.0")
    assert (result.expression, result.confident) == ("MIT OR Apache-2.0", False)
    assert is_unknown(n("LGPL/MIT"))  # LGPL names no version: no split


def test_a_list_part_that_is_unknown_stays_visible():
    result = n("AGPL-3.0,Nonstandard")
    assert result.expression.startswith("AGPL-3.0-only OR " + UNKNOWN_PREFIX)
    assert result.unknown == ("Nonstandard",)


def test_operators_between_names_of_several_words():
    result = n("MIT or GPL Version 2")
    assert result.expression == "MIT OR GPL-2.0-only"


def test_a_sentence_around_names_is_dropped_and_the_reading_unsure():
    result = n("Dual licensed under the MIT or GPL Version 2 licenses.")
    assert (result.expression, result.confident) == ("MIT OR GPL-2.0-only", False)


def test_an_expression_cut_short_is_unknown():
    result = n("GPL-3.0-or-later AND GPL-2.0-only AND")
    assert is_unknown(result) and "missing" in result.notes[0]


def test_parenthesised_names_that_disagree_are_unknown():
    result = n("MIT License (GPLv3)")
    assert is_unknown(result) and "two different licenses" in result.notes[0]


def test_nothing_known_in_a_structured_string_is_one_unknown_for_the_whole_string():
    result = n("BSD, Public Domain")
    assert is_unknown(result) and result.unknown == ("BSD, Public Domain",)


# --- robustness, API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, 3, ["MIT"], {"type": "MIT"}])
def test_a_value_that_is_not_a_string_is_unknown(raw):
    result = n(raw) if not isinstance(raw, (list, dict)) else licensing.unknown(raw, "not a string")
    assert result.expression.startswith(UNKNOWN_PREFIX)


@pytest.mark.parametrize("raw", ["'MIT'", '"Apache-2.0"', "  MIT  ", "MIT\n"])
def test_quotes_and_white_space_around_are_ignored(raw):
    assert n(raw).expression in {"MIT", "Apache-2.0"}


def test_see_license_in_names_the_file():
    result = n("SEE LICENSE IN LICENSE.md")
    assert result.see_file == "LICENSE.md" and is_unknown(result)


def test_normalize_choice_joins_with_or_and_keeps_doubt():
    assert normalize_choice(["MIT", "GPL-3.0-or-later"]).expression == "MIT OR GPL-3.0-or-later"
    unsure = normalize_choice(["MIT", "Apache Software License"])
    assert (unsure.expression, unsure.confident) == ("MIT OR Apache-2.0", False)


def test_aliases_added_to_the_table_at_run_time_are_used(monkeypatch):
    aliases, ambiguous, odoo = licensing._alias_tables()
    monkeypatch.setattr(licensing, "_alias_tables", lambda: ({**aliases, "acme license": "MIT"}, ambiguous, odoo))
    normalize.cache_clear()
    try:
        assert n("ACME License").expression == "MIT"
    finally:
        normalize.cache_clear()


def test_the_canonical_key_ignores_filler_punctuation_and_version_spelling():
    key = licensing._key
    assert key("The Apache License, Version 2.0") == key("apache-2") == key("Apache2") == "apache 2"
    assert key("GPLv2+") == key("GPL 2+") == "gpl 2+"
    assert key("bzip2-1.0.6") != key("bzip2-1.6")


def test_unknown_parts_keep_the_raw_text():
    result = n("MIT AND Made-Up-1.0")
    assert result.expression == f"MIT AND {UNKNOWN_PREFIX}Made-Up-1.0"
    assert result.unknown == ("Made-Up-1.0",)
