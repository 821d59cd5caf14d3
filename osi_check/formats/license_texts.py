"""License texts and categories for the reports, looked up by SPDX id in licensedcode-data.

Reports that print license texts (the HTML appendix, NOTICE files, SPDX extracted licensing info) take
them from the installed licensedcode-data package, never from copies kept in this repository. The
package's front matter also gives each license a category (Permissive, Copyleft, ...), which the HTML
chart groups components by.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache

from osi_check import licensing
from osi_check.detect.reference_texts import ReferenceDataError, load
from osi_check.engine.knowledge import builtin_knowledge

_SCANCODE_REF = "LicenseRef-scancode-"
_SPDX_KEY = re.compile(r"^spdx_license_key:\s*(\S+)\s*$", re.MULTILINE)
_OTHER_KEYS = re.compile(r"^other_spdx_license_keys:\s*\n((?:\s+-\s*.+\n)+)", re.MULTILINE)

# Categories from the most to the least permissive. An OR choice takes the most permissive option (the
# licensee may pick it), an AND the least permissive part (every part applies).
CATEGORY_ORDER: tuple[str, ...] = (
    "Public Domain",
    "Permissive",
    "Copyleft Limited",
    "Copyleft",
    "Free Restricted",
    "Proprietary Free",
    "Source-available",
    "Commercial",
    "Other",
    "Unknown",
    "None found",
)
_RANK = {name: rank for rank, name in enumerate(CATEGORY_ORDER)}
_SCANCODE_TO_CATEGORY = {
    "Public Domain": "Public Domain",
    "Permissive": "Permissive",
    "Copyleft Limited": "Copyleft Limited",
    "Copyleft": "Copyleft",
    "Free Restricted": "Free Restricted",
    "Proprietary Free": "Proprietary Free",
    "Source-available": "Source-available",
    "Commercial": "Commercial",
}


@dataclass(frozen=True)
class LicenseText:
    spdx_id: str
    name: str
    category: str  # one of CATEGORY_ORDER
    text: str
    source: str  # "licensedcode-data <version>: <key>.LICENSE"


@cache
def _keys_by_spdx_id() -> dict[str, str]:
    """SPDX id (and the other SPDX ids ScanCode lists for a license) -> ScanCode key, read from the
    front matter of every license file (a regex over its head: no full YAML parse of 2,000 files)."""
    directory = importlib.resources.files("licensedcode") / "data" / "licenses"
    primary: dict[str, str] = {}
    secondary: dict[str, str] = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".LICENSE"):
            continue
        head = entry.read_text(encoding="utf-8").split("\n---", 1)[0]
        if "is_deprecated: yes" in head:
            continue
        key = entry.name[: -len(".LICENSE")]
        match = _SPDX_KEY.search(head)
        if match:
            primary.setdefault(match.group(1), key)
        other = _OTHER_KEYS.search(head)
        if other:
            for line in other.group(1).splitlines():
                secondary.setdefault(line.strip().lstrip("-").strip(), key)
    return {**secondary, **primary}


@cache
def lookup(spdx_id: str) -> LicenseText | None:
    """The text of one license (an SPDX id, an exception id or a LicenseRef-scancode-*), or None when
    licensedcode-data has none (a LicenseRef of our own, an unknown declaration)."""
    if spdx_id.startswith(_SCANCODE_REF):
        key = spdx_id[len(_SCANCODE_REF):]
    else:
        key = _keys_by_spdx_id().get(spdx_id)
    if key is None:
        return None
    try:
        reference = load(key)
    except ReferenceDataError:
        return None
    return LicenseText(
        spdx_id=spdx_id,
        name=reference.name,
        category=_SCANCODE_TO_CATEGORY.get(reference.category, "Other"),
        text=reference.text.strip("\n") + "\n",
        source=f"licensedcode-data {_data_version()}: {key}.LICENSE",
    )


def _data_version() -> str:
    from osi_check.detect.reference_texts import data_version

    return data_version()


def _tree(expression: str | None) -> licensing.Node | None:
    """The expression's tree; None for none, or for a string that is not an SPDX expression (a hand-built
    or tampered report): reports then show the string as it is and call its category Unknown."""
    if not expression:
        return None
    try:
        return licensing.parse_as_written(expression)
    except licensing.ExpressionError:
        return None


def leaf_ids(expression: str | None) -> tuple[str, ...]:
    """Every license and exception id of an expression, in order of appearance, each once."""
    tree = _tree(expression)
    if tree is None:
        return ()
    ids: list[str] = []
    for leaf in licensing.leaves(tree):
        for key in (leaf.key, leaf.exception):
            if key and key not in ids:
                ids.append(key)
    return tuple(ids)


def _leaf_category(key: str) -> str:
    if key.startswith(licensing.UNKNOWN_PREFIX):
        return "Unknown"
    found = lookup(key)
    if found is not None:
        return found.category
    # A LicenseRef of our own knowledge base (Odoo OPL-1, ...): its family says what it is.
    return "Commercial" if builtin_knowledge().family(key) == "proprietary" else "Other"


def _node_category(node: licensing.Node) -> str:
    if isinstance(node, licensing.Leaf):
        return _leaf_category(node.key)
    categories = [_node_category(part) for part in node.parts]
    pick = min if isinstance(node, licensing.AnyOf) else max
    return pick(categories, key=_RANK.__getitem__)


@cache
def category(expression: str | None) -> str:
    """The chart category of a concluded expression: 'None found' when there is none."""
    if not expression:
        return "None found"
    tree = _tree(expression)
    return "Unknown" if tree is None else _node_category(tree)
