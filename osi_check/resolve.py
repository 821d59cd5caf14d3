"""Resolve: turn what the readers found into the facts of a scan.

Readers each see one file. Here their results are put together: the application's own license is
concluded from every declaration of it (manifests at the root and the root license files), each file
with its own license evidence is attributed to the component whose code it is, and everything is put
in a stable order so that reports are deterministic.

Precedence for the application's license (DESIGN.md): a package manifest's declaration beats the root
license file, because the text alone cannot say "or later"; a disagreement between them is recorded as
a note, never resolved silently.
"""

from __future__ import annotations

from dataclasses import replace

from osi_check import licensing
from osi_check.engine.vocabulary import SBOM_READERS
from osi_check.facts import (
    AdditionalTerm,
    Component,
    Deployment,
    EvidenceKind,
    Facts,
    FileLicense,
    InputProblem,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)

APPLICATION_KEY = "application:."
ROLE_ORDER = {Role.APPLICATION: 0, Role.MODULE: 1, Role.DEPENDENCY: 2}


def resolve(
    target: str,
    deployment: Deployment,
    results: list[SourceResult],
    *,
    files_scanned: int = 0,
    skipped: tuple[str, ...] = (),
) -> Facts:
    components = [c for r in results for c in r.components]
    problems = tuple(sorted({p for r in results for p in r.problems}, key=lambda p: (p.location, p.message)))
    root_declarations = [c for c in components if c.role is Role.APPLICATION and c.root in (".", "", None)]
    others = [c for c in components if c.role is not Role.APPLICATION or c.root not in (".", "", None)]
    application = _application(target, root_declarations)
    merged = [application, *merge_components(others)]
    merged.sort(key=lambda c: (ROLE_ORDER[c.role], c.ecosystem, c.name.casefold(), c.version or "", c.key))
    files = _attribute_files([f for r in results for f in r.files], merged)
    merged = _roll_up_terms(merged, files)
    return Facts(
        target=target,
        deployment=deployment,
        components=tuple(merged),
        files=tuple(sorted(files, key=lambda f: f.path)),
        problems=problems,
        files_scanned=files_scanned,
        skipped=skipped,
    )


def _identity(component: Component) -> tuple:
    """Two findings are the same package when they sit in the same directory of the same ecosystem
    (a lockfile entry and the installed copy), or, without a directory, when their keys are equal."""
    if component.root not in (None, "", "."):
        return ("root", component.ecosystem, component.root)
    return ("key", component.key)


def merge_components(components: list[Component]) -> list[Component]:
    """One component per package, with the evidence of every source that found it."""
    groups: dict[tuple, list[Component]] = {}
    for component in components:
        groups.setdefault(_identity(component), []).append(component)
    # a package found without a directory (an SBOM entry) joins the one found in the tree with its key
    by_key: dict[str, tuple] = {}
    for identity, members in groups.items():
        if identity[0] == "root":
            for member in members:
                by_key.setdefault(member.key, identity)
    by_purl: dict[str, set] = {}
    for identity, members in groups.items():
        if identity[0] == "root":
            for member in members:
                if member.purl:
                    by_purl.setdefault(member.purl, set()).add(identity)
    for identity in [i for i in groups if i[0] == "key"]:
        target = by_key.get(identity[1])
        if target is None and len(by_purl.get(identity[1], ())) == 1:
            # a lockfile entry without a folder (yarn, pnpm) and the only installed copy of that package
            (target,) = by_purl[identity[1]]
        if target is not None:
            groups[target].extend(groups.pop(identity))
    return _unique_keys([_merge(members) for members in groups.values()])


SCOPE_RANK = {Scope.RUNTIME: 0, Scope.OPTIONAL: 1, Scope.DEV: 2, Scope.TEST: 3}

# Which reader's word about a license counts most (DESIGN.md: file header > package manifest > license
# file > SBOM): a declaration in a manifest or lockfile, then what a license file reads as, then what a
# vendor's SBOM claims. Independent of the order in which files happen to be walked.
EVIDENCE_RANK = {
    EvidenceKind.MARKER: 0,
    EvidenceKind.SPDX_TAG: 0,
    EvidenceKind.TAG: 1,
    EvidenceKind.ADDITIONAL_TERMS: 1,
    EvidenceKind.DECLARED: 1,
    EvidenceKind.NOTICE: 1,
    EvidenceKind.DEFAULT: 2,
    EvidenceKind.LICENSE_TEXT: 3,
    EvidenceKind.REFERENCE: 3,
    EvidenceKind.SBOM: 4,
}


def _precedence(component: Component) -> int:
    return min((EVIDENCE_RANK[e.kind] for e in component.license.evidence), default=len(EVIDENCE_RANK))


def _merge(members: list[Component]) -> Component:
    if len(members) == 1:
        return members[0]
    members = sorted(members, key=_precedence)  # stable: equal ranks keep walk order
    first = members[0]
    pick = lambda attr: next((getattr(m, attr) for m in members if getattr(m, attr) not in (None, (), "")), None)  # noqa: E731
    return replace(
        first,
        key=min((m.key for m in members), key=lambda k: ("@" not in k, k)),  # prefer a versioned key
        version=pick("version"),
        purl=pick("purl"),
        integrity=pick("integrity"),
        direct=pick("direct"),
        price=pick("price"),
        dependencies=tuple(dict.fromkeys(d for m in members for d in m.dependencies)),
        # shipped if any source that knows says so; an installed copy cannot tell dev from runtime
        scope=min((m.scope for m in ([m for m in members if m.scope_declared] or members)), key=SCOPE_RANK.__getitem__),
        scope_declared=any(m.scope_declared for m in members),
        license=merge_conclusions([m.license for m in members]),
        sources=tuple(dict.fromkeys(s for m in members for s in m.sources)),
    )


def _base_keys(expression: str) -> frozenset[str]:
    """The licenses of an expression without version scope: "-only" and "-or-later" are not a disagreement
    between a manifest and a bare license text, which cannot say which applies."""
    keys = set()
    for leaf in licensing.leaves(licensing.parse(expression)):
        key = leaf.key
        for suffix in ("-only", "-or-later", "+"):
            if key.endswith(suffix):
                key = key[: -len(suffix)]
        keys.add(key)
    return frozenset(keys)


def _is_unknown(conclusion: LicenseConclusion) -> bool:
    return conclusion.expression is None or bool(conclusion.unknown)


def _said_by(conclusion: LicenseConclusion) -> str:
    where = conclusion.evidence[0].location if conclusion.evidence else "an unnamed source"
    return f"{conclusion.expression} ({where})"


def merge_conclusions(conclusions: list[LicenseConclusion]) -> LicenseConclusion:
    """Several sources' conclusions about one component, in precedence order (first wins).

    A known license outranks an unknown one (a LICENSE file resolves a lockfile's "BSD"); two known ones
    that name different licenses are a conflict: the first is kept and the disagreement is recorded.
    """
    known = [c for c in conclusions if not _is_unknown(c)]
    chosen = known[0] if known else next((c for c in conclusions if c.expression), conclusions[0])
    notes = list(dict.fromkeys(n for c in conclusions for n in c.notes))
    conflicts = list(dict.fromkeys(x for c in conclusions for x in c.conflicts))
    texts_only = [c for c in known if c.evidence and all(e.kind is EvidenceKind.LICENSE_TEXT for e in c.evidence)]
    if known and len(texts_only) == len(known) and len({c.expression for c in known}) > 1:
        # several license files and no declaration: LICENSE-MIT + LICENSE-APACHE; all are taken to apply
        expression = _combine(known)
        notes.append(f"several license files hold different licenses; all are taken to apply ({expression}). "
                     "If they are alternatives (dual licensing), clarify it")
        chosen = LicenseConclusion(expression, confident=all(c.confident for c in known))
        known = []
    for other in known[1:]:
        mine, theirs = _base_keys(chosen.expression), _base_keys(other.expression)
        if not (mine <= theirs or theirs <= mine):
            conflicts.append(f"{_said_by(chosen)} disagrees with {_said_by(other)}")
    if known and _is_unknown(conclusions[0]) and conclusions[0].expression:
        notes.append(f"the declared {', '.join(conclusions[0].unknown) or 'license'} is resolved by {_said_by(chosen)}")
    return LicenseConclusion(
        chosen.expression,
        tuple(dict.fromkeys(e for c in conclusions for e in c.evidence)),
        chosen.unknown,
        tuple(notes),
        confident=chosen.confident,
        conflicts=tuple(conflicts),
        additional_terms=tuple(dict.fromkeys(t for c in conclusions for t in c.additional_terms)),
    )


def _application(target: str, declarations: list[Component]) -> Component:
    """One component for the scanned application itself, from all its root declarations.

    A vendor SBOM's description of the application is a claim about the tree, not part of it: it never
    names the application when the tree does, and its license is weighed last, so that a disagreement
    with the tree is a conflict rather than an extra license.
    """
    sbom = [d for d in declarations if d.sources and set(d.sources) <= SBOM_READERS]
    tree = [d for d in declarations if d not in sbom]
    manifests = [d for d in tree if any(e.kind is not EvidenceKind.LICENSE_TEXT for e in d.license.evidence)
                 or not d.license.evidence]
    texts = [d for d in tree if d not in manifests]
    named = next((d for d in (*manifests, *sbom) if d.name and d.name not in (".", target)), None)
    license_ = _conclude_application_license(manifests, texts)
    if sbom:
        license_ = merge_conclusions([license_, *(d.license for d in sbom)]) if tree else merge_conclusions(
            [d.license for d in sbom])
    location = (texts or manifests or sbom)[0].location if declarations else Location(".")
    return Component(
        key=APPLICATION_KEY,
        name=named.name if named else target,
        version=named.version if named else None,
        ecosystem="application",
        role=Role.APPLICATION,
        scope=Scope.RUNTIME,
        license=license_,
        location=location,
        root=".",
        sources=tuple(dict.fromkeys(s for d in declarations for s in d.sources)),
    )


def _combine(conclusions: list[LicenseConclusion]) -> str | None:
    expressions = list(dict.fromkeys(c.expression for c in conclusions if c.expression))
    if not expressions:
        return None
    if len(expressions) == 1:
        return expressions[0]
    return licensing.render(licensing.parse(" AND ".join(f"({e})" for e in expressions)))


def _conclude_application_license(manifests: list[Component], texts: list[Component]) -> LicenseConclusion:
    declared = [m.license for m in manifests if m.license.expression]
    found = [t.license for t in texts if t.license.expression]
    evidence = tuple(e for c in (*manifests, *texts) for e in c.license.evidence)
    unknown = tuple(dict.fromkeys(u for c in (*manifests, *texts) for u in c.license.unknown))
    notes = list(dict.fromkeys(n for c in (*manifests, *texts) for n in c.license.notes))
    declared_expr, text_expr = _combine(declared), _combine(found)
    if len({c.expression for c in declared}) > 1:
        notes.append(f"the root manifests declare different licenses; all of them are taken to apply ({declared_expr})")
    if len({c.expression for c in found}) > 1:
        notes.append(f"several root license files hold different licenses; all are taken to apply ({text_expr}). "
                     "If they are alternatives (dual licensing), clarify it")
    conflicts = []
    if declared_expr and text_expr and _base_keys(declared_expr) != _base_keys(text_expr):
        conflicts.append(
            f"the root manifests declare {declared_expr} but the root license file reads as {text_expr}"
        )
    expression = declared_expr or text_expr
    if declared_expr and any(t.unknown for t in found):
        # a root license file with unidentified or added terms is never outranked by a manifest
        expression = _combine([*declared, *found])
        notes.append("the root license file has terms osi-check could not identify; they apply in addition to the declaration")
    if expression is None and (manifests or texts):
        notes.append("no license is declared in the root manifests and no root license file was identified")
    return LicenseConclusion(expression, evidence, unknown, tuple(notes), conflicts=tuple(conflicts))


def _unique_keys(components: list[Component]) -> list[Component]:
    """Keys must be unique subjects; the same package found in two places keeps both, told apart."""
    seen: dict[str, int] = {}
    out = []
    for component in components:
        count = seen.get(component.key, 0)
        seen[component.key] = count + 1
        out.append(component if count == 0 else replace(component, key=f"{component.key}#{component.location.path}"))
    return out


def _attribute_files(files: list[FileLicense], components: list[Component]) -> list[FileLicense]:
    """A file belongs to the component with the deepest root directory containing it.

    A file's own header outranks its package's declaration for that file (DESIGN.md precedence), so a
    header that names other licenses than its component is recorded on the file as a conflict: data a
    reviewer sees, and that rules can use.
    """
    owners: dict[str, Component] = {}
    application = next((c for c in components if c.key == APPLICATION_KEY), None)
    for component in components:
        if component.root not in (None, ".", ""):
            owners.setdefault(component.root.rstrip("/"), component)
    attributed = []
    for file in files:
        owner, directory = application, file.path
        while "/" in directory:
            directory = directory.rsplit("/", 1)[0]
            if directory in owners:
                owner = owners[directory]
                break
        license_ = file.license
        conflict = _header_conflict(file, owner)
        if conflict and conflict not in license_.conflicts:
            license_ = replace(license_, conflicts=(*license_.conflicts, conflict))
        attributed.append(replace(file, component_key=owner.key if owner else APPLICATION_KEY, license=license_))
    return attributed


def _roll_up_terms(components: list[Component], files: list[FileLicense]) -> list[Component]:
    """Additional terms found in a component's files (a §7(b) logo clause in every header) are terms of
    the component: listed once each, at the first place they were found."""
    found: dict[str, dict[tuple, AdditionalTerm]] = {}
    for file in files:
        for term in file.license.additional_terms:
            found.setdefault(file.component_key, {}).setdefault((term.kind, term.section, term.text), term)
    rolled = []
    for component in components:
        terms = found.get(component.key)
        if terms:
            known = {(t.kind, t.section, t.text) for t in component.license.additional_terms}
            extra = tuple(t for k, t in terms.items() if k not in known)
            component = replace(component, license=replace(
                component.license, additional_terms=(*component.license.additional_terms, *extra)))
        rolled.append(component)
    return rolled


def _header_conflict(file: FileLicense, owner: Component | None) -> str | None:
    if owner is None:
        return None
    first = file.license.evidence[0] if file.license.evidence else None
    if first is not None and first.kind is EvidenceKind.MARKER and not _is_unknown(owner.license):
        # an in-file marker inside an open-source component is an open-core boundary, known or not
        return (f"the file is marked for other terms ({first.quote!r} at {first.location}) inside "
                f"{owner.name}, which is {owner.license.expression}")
    if first is not None and first.kind is EvidenceKind.REFERENCE:
        return None  # a mention of a license is not a statement of the file's own terms
    if _is_unknown(file.license) or _is_unknown(owner.license):
        return None
    mine, theirs = _base_keys(file.license.expression), _base_keys(owner.license.expression)
    if mine <= theirs or theirs <= mine:
        return None
    where = file.license.evidence[0].location if file.license.evidence else file.path
    return (f"the file says {file.license.expression} ({where}) but its component {owner.name} is "
            f"{owner.license.expression}; the file's own notice governs the file")


def input_problem(path: str, message: str, reader: str, line: int | None = None) -> InputProblem:
    return InputProblem(Location(path, line), message, reader)
