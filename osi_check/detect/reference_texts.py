"""Reference license texts, loaded from the `licensedcode-data` package (ScanCode's license data).

osi-check never carries copies of license texts: the texts and their SPDX ids come from the package,
which is maintained upstream. Each ScanCode license file is YAML front matter (between `---` lines)
followed by the license text; the front matter's `spdx_license_key` gives the SPDX id.

identify() matches against the whole database (osi_check.detect.index). The short list here names the
licenses whose SPDX ids osi-check's rules and tests rely on: building the index verifies that the
installed data still maps each ScanCode key to that id, and fails loudly rather than report a wrong id.
`load(key)` reads one text (tests build their files from it).
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache

import yaml

# ScanCode keys of licenses osi-check's rules and tests rely on, with the SPDX id each one must carry in
# its front matter. A mismatch means the installed licensedcode-data changed under us: fail loudly (at
# load time, and when the index is built) rather than report a wrong SPDX id.
CANDIDATES: tuple[tuple[str, str], ...] = (
    ("agpl-3.0", "AGPL-3.0-only"),
    ("gpl-2.0", "GPL-2.0-only"),
    ("gpl-3.0", "GPL-3.0-only"),
    ("lgpl-2.0", "LGPL-2.0-only"),
    ("lgpl-2.1", "LGPL-2.1-only"),
    ("lgpl-3.0", "LGPL-3.0-only"),
    ("mit", "MIT"),
    ("apache-2.0", "Apache-2.0"),
    ("bsd-simplified", "BSD-2-Clause"),
    ("bsd-new", "BSD-3-Clause"),
    ("mpl-2.0", "MPL-2.0"),
    ("isc", "ISC"),
)

CANDIDATE_KEYS: tuple[str, ...] = tuple(key for key, _ in CANDIDATES)


class ReferenceDataError(RuntimeError):
    """The installed licensedcode-data does not hold a candidate as expected (an installation problem)."""


@dataclass(frozen=True)
class ReferenceText:
    key: str  # ScanCode key, e.g. "gpl-3.0"
    spdx_id: str  # from the front matter's spdx_license_key, e.g. "GPL-3.0-only"
    name: str  # e.g. "GNU General Public License 3.0"
    category: str  # ScanCode category: "Permissive", "Copyleft", "Copyleft Limited", ...
    text: str  # the license text, without the front matter

    @property
    def permissive(self) -> bool:
        return self.category == "Permissive"


def _licenses_dir():
    return importlib.resources.files("licensedcode") / "data" / "licenses"


def _split_front_matter(key: str, raw: str) -> tuple[dict, str]:
    if not raw.startswith("---"):
        raise ReferenceDataError(f"licensedcode-data: {key}.LICENSE has no YAML front matter")
    parts = raw.split("\n---", 1)
    if len(parts) != 2:
        raise ReferenceDataError(f"licensedcode-data: {key}.LICENSE front matter is not closed by '---'")
    meta = yaml.safe_load(parts[0][3:]) or {}
    if not isinstance(meta, dict):
        raise ReferenceDataError(f"licensedcode-data: {key}.LICENSE front matter is not a mapping")
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return meta, body


@cache
def load(key: str) -> ReferenceText:
    """One reference text by ScanCode key, with its SPDX id verified against the candidate list."""
    expected = dict(CANDIDATES).get(key)
    path = _licenses_dir() / f"{key}.LICENSE"
    try:
        raw = path.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ReferenceDataError(
            f"licensedcode-data: {key}.LICENSE cannot be read ({exc}); is the package installed?"
        ) from None
    meta, body = _split_front_matter(key, raw)
    spdx_id = meta.get("spdx_license_key")
    if not spdx_id:
        raise ReferenceDataError(f"licensedcode-data: {key}.LICENSE has no spdx_license_key")
    if expected is not None and spdx_id != expected:
        raise ReferenceDataError(
            f"licensedcode-data: {key}.LICENSE says spdx_license_key {spdx_id!r}, osi-check expects {expected!r}"
        )
    if not body.strip():
        raise ReferenceDataError(f"licensedcode-data: {key}.LICENSE has no license text")
    return ReferenceText(
        key=key,
        spdx_id=str(spdx_id),
        name=str(meta.get("name") or meta.get("short_name") or key),
        category=str(meta.get("category") or ""),
        text=body,
    )


@cache
def candidates() -> tuple[ReferenceText, ...]:
    """All candidate reference texts, in the order of `CANDIDATES`."""
    return tuple(load(key) for key in CANDIDATE_KEYS)


def data_version() -> str:
    """The installed licensedcode-data version (for reports: which reference texts were used)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("licensedcode-data")
    except PackageNotFoundError:  # pragma: no cover - installation problem
        return "unknown"


SPDX_KEY_LINE = re.compile(r"^spdx_license_key:\s*['\"]?([^'\"\s]+)", re.MULTILINE)


@cache
def _keys_by_spdx_id() -> dict[str, str]:
    """SPDX id -> ScanCode key, read from the front matter of every text in licensedcode-data."""
    keys: dict[str, str] = {}
    for entry in sorted(_licenses_dir().iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".LICENSE"):
            continue
        head = entry.read_text(encoding="utf-8").split("\n---", 1)[0]
        match = SPDX_KEY_LINE.search(head)
        if match:
            keys.setdefault(match.group(1), entry.name[: -len(".LICENSE")])
    return keys


def for_spdx_id(spdx_id: str) -> ReferenceText | None:
    """The full license text for an SPDX id, or None when licensedcode-data has none. An `-or-later` id
    takes the text of its version (the or-later entry in the data is only the notice)."""
    keys = _keys_by_spdx_id()
    if spdx_id.startswith("LicenseRef-scancode-"):
        key = spdx_id[len("LicenseRef-scancode-"):]
    elif spdx_id.endswith("-or-later") and spdx_id[: -len("-or-later")] + "-only" in keys:
        key = keys[spdx_id[: -len("-or-later")] + "-only"]
    else:
        key = keys.get(spdx_id)
    if key is None:
        return None
    try:
        return load(key)
    except ReferenceDataError:
        return None
