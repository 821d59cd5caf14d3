"""License knowledge the rules reason over: per license id, its family, copyleft kind, and what it requires
(disclosure scope, audience and method; notices; attribution; change notices; patent terms; when a
commercial license is needed); per exception id, the permissions it adds.

OSI approval comes from the SPDX list (via `licensing`); everything else comes from
rules/knowledge/licenses.yaml, the hand-written part that no package provides. The file is checked when
loaded, so a typo there is an error naming the file and the entry, not a silent gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from osi_check import licensing, resources

COPYLEFT_LEVELS = ("none", "file", "library", "strong", "network")
# When a commercial license is needed, from the lightest need to the strongest.
COMMERCIAL_NEEDS = ("none", "service", "production-use", "use")
TRIGGERS = frozenset(
    "none distribute network-interaction external-deployment modify combine-link use production-use offer-as-service".split()
)
_TEXT_KEYS = ("notices", "attribution", "state-changes", "patent")
_ENTRY_KEYS = frozenset(
    ("family", "ids", "copyleft", "citation", "url", "osi-approved", "triggers", "disclosure", "network-disclosure",
     "commercial", "redistribution-forbidden", "notice-file", *_TEXT_KEYS)
)


class KnowledgeError(Exception):
    """The knowledge file is malformed. The message names the file and the entry."""


@dataclass(frozen=True)
class Disclosure:
    """What source must be shared, with whom, and how (one trigger: distribution or network use)."""

    scope: str
    audience: str
    method: str


@dataclass(frozen=True)
class CommercialTerms:
    """When a paid license is needed and who sells it: only the copyright holder can."""

    needed_for: str  # use | production-use | service
    product: str
    vendor: str
    terms: str


@dataclass(frozen=True)
class LicenseFacts:
    family: str
    copyleft: str
    osi_approved: bool | None  # used for LicenseRef ids only; SPDX ids always use the SPDX list
    citation: str
    url: str | None
    triggers: tuple[str, ...] = ()
    disclosure: Disclosure | None = None
    network_disclosure: Disclosure | None = None
    notices: str | None = None
    attribution: str | None = None
    state_changes: str | None = None
    patent: str | None = None
    commercial: CommercialTerms | None = None
    redistribution_forbidden: bool = False
    notice_file: bool = False  # a NOTICE file's attribution notices must be passed on (Apache-2.0 §4(d))


@dataclass(frozen=True)
class ExceptionFacts:
    """A license exception (an additional permission) and what it allows."""

    id: str
    name: str
    combine_with: tuple[str, ...]  # licenses the covered work may be combined with thanks to it
    linking: bool  # independent modules may link to the covered code under their own terms
    citation: str
    url: str | None
    rider: str | None = None  # a restriction, not a permission: the license entry whose facts then apply


@dataclass(frozen=True)
class Knowledge:
    by_id: dict  # license id -> LicenseFacts (treated as read-only)
    source: str
    exceptions: dict = None  # exception id -> ExceptionFacts (treated as read-only)

    def facts_for(self, key: str, exception: str | None = None) -> LicenseFacts | None:
        """The facts of a license, or of the rider added to it with WITH: any restriction wins."""
        added = self.exception(exception)
        if added is not None and added.rider:
            return self.by_id.get(added.rider)
        return self.by_id.get(key)

    def exception(self, key: str | None) -> ExceptionFacts | None:
        return (self.exceptions or {}).get(key) if key else None

    def osi_approved(self, key: str, exception: str | None = None) -> bool | None:
        added = self.exception(exception)
        if added is not None and added.rider:
            return False  # a rider restricts what the open-source license grants
        listed = licensing.osi_approved(key)
        if listed is not None:
            return listed
        facts = self.by_id.get(key)
        return facts.osi_approved if facts else None

    def copyleft(self, key: str, exception: str | None = None) -> str | None:
        facts = self.facts_for(key, exception)
        if facts is None:
            return None
        added = self.exception(exception)
        if added is not None and added.linking and facts.copyleft in ("strong", "network"):
            return "library"  # independent modules may link to it under their own terms
        return facts.copyleft

    def family(self, key: str, exception: str | None = None) -> str | None:
        facts = self.facts_for(key, exception)
        return facts.family if facts else None

    def families(self) -> frozenset[str]:
        return frozenset(f.family for f in self.by_id.values())


def _text(entry: dict, key: str, at: str) -> str | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise KnowledgeError(f"{at}.{key}: expected a non-empty text")
    return value


def _disclosure(entry: dict, key: str, at: str) -> Disclosure | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"scope", "audience", "method"}:
        raise KnowledgeError(f"{at}.{key}: expected exactly the keys scope, audience and method")
    return Disclosure(*(_text(value, k, f"{at}.{key}") for k in ("scope", "audience", "method")))


def _commercial(entry: dict, at: str) -> CommercialTerms | None:
    value = entry.get("commercial")
    if value is None:
        return None
    keys = ("needed-for", "product", "from", "terms")
    if not isinstance(value, dict) or set(value) != set(keys):
        raise KnowledgeError(f"{at}.commercial: expected exactly the keys {', '.join(keys)}")
    if value["needed-for"] not in COMMERCIAL_NEEDS[1:]:
        raise KnowledgeError(f"{at}.commercial.needed-for: '{value['needed-for']}' is not one of {', '.join(COMMERCIAL_NEEDS[1:])}")
    return CommercialTerms(*(_text(value, k, f"{at}.commercial") for k in keys))


def _license_entry(entry: object, at: str) -> tuple[list[str], LicenseFacts]:
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{at}: expected a mapping")
    for key in ("family", "ids", "copyleft", "citation"):
        if key not in entry:
            raise KnowledgeError(f"{at}: missing key '{key}'")
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        raise KnowledgeError(f"{at}: unknown key '{unknown[0]}' (known: {', '.join(sorted(_ENTRY_KEYS))})")
    if entry["copyleft"] not in COPYLEFT_LEVELS:
        raise KnowledgeError(f"{at}.copyleft: '{entry['copyleft']}' is not one of {', '.join(COPYLEFT_LEVELS)}")
    triggers = tuple(entry.get("triggers", ()))
    bad = [t for t in triggers if t not in TRIGGERS]
    if bad:
        raise KnowledgeError(f"{at}.triggers: '{bad[0]}' is not one of {', '.join(sorted(TRIGGERS))}")
    osi = entry.get("osi-approved")
    if osi is not None and not any(str(i).startswith("LicenseRef-") for i in entry["ids"]):
        raise KnowledgeError(f"{at}.osi-approved: only LicenseRef ids take OSI approval from here; these are SPDX ids")
    facts = LicenseFacts(
        family=entry["family"],
        copyleft=entry["copyleft"],
        osi_approved=osi,
        citation=entry["citation"],
        url=entry.get("url"),
        triggers=triggers,
        disclosure=_disclosure(entry, "disclosure", at),
        network_disclosure=_disclosure(entry, "network-disclosure", at),
        notices=_text(entry, "notices", at),
        attribution=_text(entry, "attribution", at),
        state_changes=_text(entry, "state-changes", at),
        patent=_text(entry, "patent", at),
        commercial=_commercial(entry, at),
        redistribution_forbidden=bool(entry.get("redistribution-forbidden", False)),
        notice_file=bool(entry.get("notice-file", False)),
    )
    return [str(i) for i in entry["ids"]], facts


def _exception_entry(entry: object, at: str) -> ExceptionFacts:
    if not isinstance(entry, dict) or not {"id", "name", "citation"} <= set(entry):
        raise KnowledgeError(f"{at}: expected a mapping with id, name and citation")
    if not entry.get("combine-with") and not entry.get("linking") and not entry.get("rider"):
        raise KnowledgeError(f"{at}: say what the exception does (combine-with, linking: true, or rider: <license id>)")
    return ExceptionFacts(entry["id"], entry["name"], tuple(entry.get("combine-with", ())), bool(entry.get("linking")),
                          entry["citation"], entry.get("url"), entry.get("rider"))


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
        ids, facts = _license_entry(entry, at)
        for license_id in ids:
            if license_id in by_id:
                raise KnowledgeError(f"{at}.ids: '{license_id}' is already listed under family {by_id[license_id].family}")
            by_id[license_id] = facts
    exceptions: dict[str, ExceptionFacts] = {}
    for index, entry in enumerate(data.get("exceptions") or ()):
        exception = _exception_entry(entry, f"{where}: exceptions[{index}]")
        if exception.rider and exception.rider not in by_id:
            raise KnowledgeError(f"{where}: exceptions[{index}].rider: '{exception.rider}' is not a license entry of this file")
        exceptions[exception.id] = exception
    return Knowledge(by_id, where, exceptions)


@cache
def builtin_knowledge() -> Knowledge:
    return load_knowledge(resources.knowledge_file("licenses.yaml"))
