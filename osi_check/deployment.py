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


def deployment_for(profile: str, modified: bool | None = None, outbound_license: str | None = None) -> Deployment:
    """The profile's flags, with the modification status declared by the user (None: not established) and
    the outbound license of the deployed work when the user states it."""
    try:
        base = PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown deployment profile '{profile}' (known: {', '.join(PROFILES)})") from None
    return replace(base, modified=modified, outbound_license=outbound_license)


def outbound_license(text: str | None) -> str | None:
    """The --outbound-license value as a normalised SPDX expression; an unrecognised license is refused
    (ValueError) rather than silently making every compatibility check unknown."""
    if not text:
        return None
    from osi_check import licensing

    normalized = licensing.normalize(text)
    if not normalized.expression or normalized.unknown:
        raise ValueError(f"--outbound-license: '{text}' is not a license osi-check knows (use an SPDX expression, "
                         "or LicenseRef-osi-check-proprietary for your own proprietary terms)")
    return normalized.expression
