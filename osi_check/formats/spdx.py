"""SPDX 2.3 documents (JSON and tag-value), built and validated with spdx-tools.

One package per component, with its concluded license (what osi-check concluded from all evidence) and its
declared license (what its first manifest or lockfile declaration says, normalised; NOASSERTION when it
declares nothing). Relationships: the document describes the application; the application depends on
its runtime dependencies, has development and test dependencies, and contains its add-on modules. Every
LicenseRef used gets an extracted licensing info entry: the text from licensedcode-data where it has one,
otherwise what is known about it (the knowledge base's citation, or the raw strings that were declared).

SPDX requires a creation time; an unstamped report uses the Unix epoch so that the same scan gives the
same document byte for byte (run `scan --timestamp` for the real time).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import datetime, timezone

from spdx_tools.spdx.model import (
    Actor,
    ActorType,
    CreationInfo,
    Document,
    ExternalPackageRef,
    ExternalPackageRefCategory,
    ExtractedLicensingInfo,
    Package,
    PackagePurpose,
    Relationship,
    RelationshipType,
    SpdxNoAssertion,
)
from spdx_tools.spdx.writer.json import json_writer
from spdx_tools.spdx.writer.tagvalue import tagvalue_writer

from osi_check import licensing
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.facts import Component, EvidenceKind, Role, Scope
from osi_check.formats import license_texts
from osi_check.model import Report

NAMESPACE_BASE = "https://osi-check.invalid/spdxdocs/"
_DECLARING = (EvidenceKind.DECLARED, EvidenceKind.SBOM)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.")[:60] or "x"


def _expression(text: str | None):
    if not text or not license_texts.leaf_ids(text):  # none, or not an SPDX expression
        return SpdxNoAssertion()
    return licensing.library_expression(text)


def declared_expression(component: Component) -> str | None:
    """The license the component's first declaration states, normalised like every declared string."""
    for evidence in component.license.evidence:
        if evidence.kind not in _DECLARING:
            continue
        quote = evidence.quote.strip()
        try:
            value = json.loads(quote) if quote[:1] in '["' else quote
        except ValueError:
            value = quote
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            normalized = licensing.normalize_choice(value)
        elif isinstance(value, str):
            normalized = licensing.normalize(value)
        else:
            continue
        if normalized.expression:
            return normalized.expression
    return None


def _package(component: Component, spdx_id: str) -> Package:
    refs = []
    if component.purl:
        refs.append(ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", component.purl))
    purpose = PackagePurpose.APPLICATION if component.role is Role.APPLICATION else PackagePurpose.LIBRARY
    notes = list(component.license.notes) + list(component.license.conflicts)
    return Package(
        spdx_id=spdx_id,
        name=component.name,
        version=component.version,
        download_location=SpdxNoAssertion(),
        files_analyzed=False,
        license_concluded=_expression(component.license.expression),
        license_declared=_expression(declared_expression(component)),
        license_comment="; ".join(notes) if notes else None,
        copyright_text=SpdxNoAssertion(),
        source_info=f"declared at {component.location}; found by {', '.join(component.sources) or 'osi-check'}",
        external_references=refs,
        primary_package_purpose=purpose,
    )


def _extracted(license_ref: str, raw_by_ref: dict[str, set[str]]) -> ExtractedLicensingInfo:
    text = license_texts.lookup(license_ref)
    if text is not None:
        return ExtractedLicensingInfo(license_ref, text.text, text.name, comment=text.source)
    facts = builtin_knowledge().facts_for(license_ref)
    if facts is not None:
        return ExtractedLicensingInfo(
            license_ref, f"The license text is not included. {facts.citation}", license_ref,
            cross_references=[facts.url] if facts.url else [], comment="osi-check knowledge base",
        )
    raws = sorted(raw_by_ref.get(license_ref, ())) or [license_ref]
    return ExtractedLicensingInfo(
        license_ref, "An unidentified license, declared as: " + "; ".join(repr(r) for r in raws), license_ref,
        comment="osi-check could not identify this license; read the component's own license files",
    )


def _license_refs(expressions: list[str]) -> list[str]:
    refs = {key for e in expressions for key in license_texts.leaf_ids(e) if key.startswith("LicenseRef-")}
    return sorted(refs)


def build_document(report: Report) -> Document:
    ids = {c.key: f"SPDXRef-{i + 1}-{_slug(c.name)}" for i, c in enumerate(report.components)}
    packages = [_package(c, ids[c.key]) for c in report.components]
    digest = hashlib.sha256("\n".join(
        [report.rules_digest, report.deployment.profile]
        + [f"{c.key}\t{c.version}\t{c.license.expression}" for c in report.components]
    ).encode("utf-8")).hexdigest()[:16]
    created = (datetime.fromisoformat(report.generated_at.replace("Z", "+00:00")) if report.generated_at
               else datetime(1970, 1, 1, tzinfo=timezone.utc))
    creation = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=f"osi-check SBOM of {report.target}",
        document_namespace=f"{NAMESPACE_BASE}{_slug(report.target)}-{digest}",
        creators=[Actor(ActorType.TOOL, f"osi-check-{report.tool_version}")],
        created=created,
        creator_comment=None if report.generated_at else
        "Created time is the Unix epoch: the report was not stamped, so the document is reproducible.",
    )
    applications = [c for c in report.components if c.role is Role.APPLICATION]
    relationships = [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, ids[c.key])
                     for c in (applications or report.components)]
    for app in applications:
        for c in report.components:
            if c.role is Role.APPLICATION:
                continue
            if c.role is Role.MODULE:
                relationships.append(Relationship(ids[app.key], RelationshipType.CONTAINS, ids[c.key]))
            elif c.scope is Scope.DEV:
                relationships.append(Relationship(ids[c.key], RelationshipType.DEV_DEPENDENCY_OF, ids[app.key]))
            elif c.scope is Scope.TEST:
                relationships.append(Relationship(ids[c.key], RelationshipType.TEST_DEPENDENCY_OF, ids[app.key]))
            elif c.scope is Scope.OPTIONAL:
                relationships.append(Relationship(ids[c.key], RelationshipType.OPTIONAL_DEPENDENCY_OF, ids[app.key]))
            else:
                relationships.append(Relationship(ids[app.key], RelationshipType.DEPENDS_ON, ids[c.key]))
    expressions = [e for c in report.components for e in (c.license.expression, declared_expression(c)) if e]
    raw_by_ref: dict[str, set[str]] = {}
    for c in report.components:
        for raw in c.license.unknown:
            raw_by_ref.setdefault(licensing.normalize(raw).expression or "", set()).add(raw)
        for key in license_texts.leaf_ids(c.license.expression):
            if key.startswith(licensing.UNKNOWN_PREFIX):
                raw_by_ref.setdefault(key, set()).update(c.license.unknown)
    return Document(
        creation_info=creation,
        packages=packages,
        relationships=relationships,
        extracted_licensing_info=[_extracted(ref, raw_by_ref) for ref in _license_refs(expressions)],
    )


def render_json(report: Report) -> str:
    stream = io.StringIO()
    json_writer.write_document_to_stream(build_document(report), stream, validate=True)
    return stream.getvalue() + "\n"


def render_tag_value(report: Report) -> str:
    stream = io.StringIO()
    tagvalue_writer.write_document_to_stream(build_document(report), stream, validate=True)
    return stream.getvalue()
