"""License knowledge the rules reason over: copyleft kind and family per license id, OSI status.

OSI approval comes from the SPDX list (via `licensing`); copyleft kinds and families come from
rules/knowledge/licenses.yaml, the hand-written part that no package provides. The file is checked
when loaded, so a typo there is an error naming the file and the entry, not a silent gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from osi_check import licensing, resources

COPYLEFT_LEVELS = ("none", "file", "library", "strong", "network")


class KnowledgeError(Exception):
    """The knowledge file is malformed. The message names the file and the entry."""


@dataclass(frozen=True)
class LicenseFacts:
    family: str
    copyleft: str
    osi_approved: bool | None  # only for LicenseRef ids; SPDX ids use the SPDX list
    citation: str
    url: str | None


@dataclass(frozen=True)
class Knowledge:
    by_id: dict  # license id -> LicenseFacts (treated as read-only)
    source: str

    def facts_for(self, key: str) -> LicenseFacts | None:
        return self.by_id.get(key)

    def osi_approved(self, key: str) -> bool | None:
        listed = licensing.osi_approved(key)
        if listed is not None:
            return listed
        facts = self.by_id.get(key)
        return facts.osi_approved if facts else None

    def copyleft(self, key: str) -> str | None:
        facts = self.by_id.get(key)
        return facts.copyleft if facts else None

    def family(self, key: str) -> str | None:
        facts = self.by_id.get(key)
        return facts.family if facts else None

    def families(self) -> frozenset[str]:
        return frozenset(f.family for f in self.by_id.values())


def load_knowledge(path: Path) -> Knowledge:
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{where}: cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("families"), list):
        raise KnowledgeError(f"{where}: expected a mapping with a 'families' list")
    by_id: dict[str, LicenseFacts] = {}
    for index, entry in enumerate(data["families"]):
        at = f"{where}: families[{index}]"
        if not isinstance(entry, dict):
            raise KnowledgeError(f"{at}: expected a mapping")
        for key in ("family", "ids", "copyleft", "citation"):
            if key not in entry:
                raise KnowledgeError(f"{at}: missing key '{key}'")
        if entry["copyleft"] not in COPYLEFT_LEVELS:
            raise KnowledgeError(f"{at}.copyleft: '{entry['copyleft']}' is not one of {', '.join(COPYLEFT_LEVELS)}")
        osi = entry.get("osi-approved")
        for license_id in entry["ids"]:
            if osi is not None and not str(license_id).startswith("LicenseRef-"):
                raise KnowledgeError(
                    f"{at}.osi-approved: only LicenseRef ids may state OSI approval here; "
                    f"'{license_id}' takes it from the SPDX list"
                )
            if license_id in by_id:
                raise KnowledgeError(f"{at}.ids: '{license_id}' is already listed under family {by_id[license_id].family}")
            by_id[license_id] = LicenseFacts(entry["family"], entry["copyleft"], osi, entry["citation"], entry.get("url"))
    return Knowledge(by_id, where)


@cache
def builtin_knowledge() -> Knowledge:
    return load_knowledge(resources.knowledge_file("licenses.yaml"))
