"""Deployment profiles: named sets of the independent deployment flags (see DESIGN.md, vocabulary).

Obligations depend on what is done with the code, so the deployment is an input of every scan. The
flags are what rules reason over; a profile is only a convenient name for a common combination.
"""

from __future__ import annotations

from dataclasses import replace

from osi_check.facts import Deployment

PROFILES: dict[str, Deployment] = {
    # Staff use the CRM over the company network; nothing leaves the organisation.
    "internal": Deployment("internal", distributed=False, network_service=False, internal_network=True),
    # The CRM (or a portal of it) is offered to people outside the organisation over a network.
    "saas": Deployment("saas", distributed=False, network_service=True, internal_network=True),
    # A vendor or integrator ships the CRM (source, archive, image) to a customer who runs it.
    "on-prem-delivery": Deployment("on-prem-delivery", distributed=True, network_service=False, internal_network=False),
    # We received a delivery from a vendor and run it for our own staff; we want to know our rights.
    "buyer": Deployment("buyer", distributed=False, network_service=False, internal_network=True),
}

MODIFIED_CHOICES = {"yes": True, "no": False, "unknown": None}


def deployment_for(profile: str, modified: bool | None = None) -> Deployment:
    """The profile's flags, with the modification status declared by the user (None: not established)."""
    try:
        base = PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown deployment profile '{profile}' (known: {', '.join(PROFILES)})") from None
    return replace(base, modified=modified)
