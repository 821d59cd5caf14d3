"""CycloneDX 1.6 JSON, built with cyclonedx-python-lib (the CycloneDX project's own library).

One component per scanned component with its concluded license as an expression (acknowledgement
"concluded"), its declared license, scope, ecosystem and declaration place as properties, its purl, and the
dependency graph (the application depends on every other component). Development and test dependencies
have scope "excluded" (never shipped), optional ones "optional". The serial number is derived from the
content and an unstamped report carries the Unix epoch as its timestamp, so the same scan gives the
same bytes. Validated against the CycloneDX 1.6 schema in the tests.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timezone

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentScope, ComponentType
from cyclonedx.model.license import LicenseAcknowledgement, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from osi_check.facts import Component, Role, Scope
from osi_check.formats.spdx import declared_expression
from osi_check.model import Report

_SCOPES = {Scope.RUNTIME: ComponentScope.REQUIRED, Scope.OPTIONAL: ComponentScope.OPTIONAL,
           Scope.DEV: ComponentScope.EXCLUDED, Scope.TEST: ComponentScope.EXCLUDED}
_NAMESPACE = uuid.UUID("6f3c1bb8-4a55-5d0e-9a0f-0b5c3e1d7a21")  # osi-check's namespace for serial numbers


def _purl(text: str | None) -> PackageURL | None:
    if not text:
        return None
    try:
        return PackageURL.from_string(text)
    except ValueError:  # a purl built from hostile names that does not parse: keep the key in a property
        return None


def _component(component: Component, index: int) -> CdxComponent:
    properties = [
        Property(name="osi-check:ecosystem", value=component.ecosystem),
        Property(name="osi-check:role", value=component.role.value),
        Property(name="osi-check:declared-at", value=str(component.location)),
        Property(name="osi-check:license-status", value=component.license.status),
        Property(name="osi-check:key", value=component.key),
    ]
    declared = declared_expression(component)
    if declared:
        properties.append(Property(name="osi-check:declared-license", value=declared))
    licenses = []
    if component.license.expression:
        licenses.append(LicenseExpression(component.license.expression,
                                          acknowledgement=LicenseAcknowledgement.CONCLUDED))
    return CdxComponent(
        name=component.name,
        version=component.version,
        type=ComponentType.APPLICATION if component.role is Role.APPLICATION else ComponentType.LIBRARY,
        bom_ref=f"component-{index + 1}",
        scope=_SCOPES[component.scope],
        purl=_purl(component.purl),
        licenses=licenses,
        properties=properties,
    )


def build_bom(report: Report) -> Bom:
    digest = hashlib.sha256("\n".join(
        [report.rules_digest, report.target]
        + [f"{c.key}\t{c.version}\t{c.license.expression}" for c in report.components]
    ).encode("utf-8")).hexdigest()
    bom = Bom(serial_number=uuid.uuid5(_NAMESPACE, digest))
    bom.metadata.timestamp = (datetime.fromisoformat(report.generated_at.replace("Z", "+00:00"))
                              if report.generated_at else datetime(1970, 1, 1, tzinfo=timezone.utc))
    bom.metadata.tools.components.add(
        CdxComponent(name="osi-check", version=report.tool_version, type=ComponentType.APPLICATION))
    components = [(c, _component(c, i)) for i, c in enumerate(report.components)]
    applications = [cdx for c, cdx in components if c.role is Role.APPLICATION]
    others = [cdx for c, cdx in components if c.role is not Role.APPLICATION]
    if applications:
        bom.metadata.component = applications[0]
        for extra in applications[1:]:
            bom.components.add(extra)
    for cdx in others:
        bom.components.add(cdx)
    for app in applications:
        bom.register_dependency(app, others)
    return bom


def render(report: Report) -> str:
    return JsonV1Dot6(build_bom(report)).output_as_string(indent=2) + "\n"
