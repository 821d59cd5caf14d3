"""Judge each line of a vendor price list against the license of what it charges for (rules/knowledge/fees.yaml).

The component of a line is looked up in the delivery (a component's name, key or purl, or a folder of the tree);
each license in its expression gives a verdict for the line's kind, and the most serious one wins: a license fee on
an AGPL component is forbidden even if the component also carries MIT files.
"""

from __future__ import annotations

from dataclasses import dataclass

from osi_check import licensing
from osi_check.fees.knowledge import FeeTerm, group_for, kind_of
from osi_check.fees.price_list import LineItem
from osi_check.model import FeeItem

_RANK = {"allowed": 0, "review": 1, "at-cost": 1, "commercial-license-required": 2, "forbidden": 3}
_FREE_WORDS = ("download", "network", "online", "internet", "repository")


@dataclass(frozen=True)
class Target:
    """What a price line's `component` names in the delivery: a display name and its licenses."""

    name: str
    licenses: tuple[str, ...]  # SPDX ids / LicenseRefs
    non_osi_texts: tuple[str, ...] = ()  # license files of the target that are not identified and fail the OSD


def _at_cost(item: LineItem, term: FeeTerm, license_id: str) -> tuple[str, str]:
    amount = item.value or 0.0
    if amount <= 0:
        return "allowed", f"no charge for the source of {license_id} code"
    if any(w in item.what.lower() for w in _FREE_WORDS) and group_for(license_id) is not None \
            and group_for(license_id).id == "gpl3-family":
        return "forbidden", f"source offered over a network must be at no charge; {term.reason}"
    cost = item.cost_value
    if cost is None:
        return "review", f"{term.reason}; the price list gives no cost to compare the amount with"
    if amount > cost:
        return "forbidden", f"the amount ({item.amount}) is above the stated cost ({item.cost}); {term.reason}"
    return "allowed", f"the amount does not exceed the stated cost ({item.cost}); {term.reason}"


def _judge_one(item: LineItem, kind: str, license_id: str, osi: bool | None = None) -> tuple[str, str, str]:
    """One license: (verdict, reason, citation). `osi` is given for a license text that is not identified."""
    group = group_for(license_id, osi)
    if kind == "commercial-license":
        osi = licensing.osi_approved(license_id) if osi is None else osi
        if osi:
            term = group.term("license") if group else None
            return ("review", f"a commercial license for {license_id} code is only needed for terms other than "
                    f"{license_id}; the buyer may use it under {license_id} without one",
                    term.citation if term else "")
        return "commercial-license-required", f"{license_id} is not open source: a commercial license is how it is used", \
            group.term("license").citation if group else ""
    if group is None:
        return "review", f"no fee terms are recorded for {license_id}: read its terms", ""
    term = group.term(kind)
    if term.verdict == "at-cost":
        verdict, reason = _at_cost(item, term, license_id)
    else:
        verdict, reason = term.verdict, term.reason
    return verdict, f"{license_id}: {reason}", term.citation + (f" <{term.url}>" if term.url else "")


def judge(item: LineItem, target: Target | None) -> FeeItem:
    kind = item.kind or kind_of(item.what)
    if target is None:
        return FeeItem(item.what, item.component, item.amount, "review",
                       f"no component or folder of the delivery matches '{item.component}'; kind: {kind}",
                       location=item.location, vendor=item.vendor)
    if not target.licenses and not target.non_osi_texts:
        return FeeItem(item.what, target.name, item.amount, "review",
                       f"the license of {target.name} is not known, so this {kind} charge cannot be judged",
                       location=item.location, vendor=item.vendor)
    judged = [_judge_one(item, kind, lic) for lic in target.licenses]
    judged += [_judge_one(item, kind, f"{text} (terms not identified)", osi=False) for text in target.non_osi_texts]
    verdict, reason, citation = max(judged, key=lambda j: _RANK[j[0]])
    return FeeItem(item.what, target.name, item.amount, verdict, f"{kind} charge: {reason}", citation, item.location,
                   item.vendor)
