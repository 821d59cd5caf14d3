"""The source-disclosure bundle: what a deployment of a modified CRM must make available, in one place.

`plan` decides from the scan's facts (the upstream comparison included) which parts must be disclosed,
and `write` puts them in a directory or a reproducible archive:

    MANIFEST.json      what is in the bundle and why, with a SHA-256 per file (`scan --source-offer` checks it)
    SOURCE-OFFER.txt   the text to show every remote user of a network service (AGPL-3.0 §13)
    MODIFICATIONS.txt  every changed file with its date (GPL-3.0 §5(a), GPL-2.0 §2(a), Apache-2.0 §4(b))
    NOTICE.txt         the components whose code is included, their licenses and required notices
    LICENSES/<id>.txt  the text of every license of included code (from licensedcode-data)
    source/...         the files themselves, at their paths in the tree

What must be disclosed follows the license's kind of copyleft (rules/knowledge/licenses.yaml) and the
deployment, for a component whose modification was measured:

    network (AGPL)   the whole component (for the application: the whole deployed work) when it is
                     offered over a network or conveyed
    strong (GPL)     the whole component when conveyed (distributed)
    library (LGPL)   the whole library, with its changes, when conveyed
    file (MPL)       only the changed files of the component, when conveyed

"The whole deployed work" is every file of the tree except version-control folders and the files of
development- and test-only packages, which are not part of what runs. A component whose modification
status or kind of copyleft is unknown is listed as undecided, never silently left out.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from osi_check import __version__, licensing
from osi_check.detect import reference_texts
from osi_check.engine.evaluate import subjects
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.vocabulary import RESOLVERS
from osi_check.facts import Component, Deployment, Facts, FileChange, Role
from osi_check.modifications.attribute import Owners
from osi_check.tree import InputError, Tree

FORMAT = "osi-check-source-bundle/1"
MAX_FILE_BYTES = 256 * 1024 * 1024
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")
WHOLE, CHANGED = "whole-component", "changed-files"
SCOPE_BY_COPYLEFT = {"network": WHOLE, "strong": WHOLE, "library": WHOLE, "file": CHANGED}


class BundleError(Exception):
    """The bundle cannot be written (no upstream comparison, unusable output path)."""


@dataclass(frozen=True)
class Part:
    """One component whose source must be disclosed, and which of its files."""

    component_key: str
    name: str
    license: str
    copyleft: str
    scope: str  # whole-component | changed-files
    reason: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    target: str
    upstream: str
    deployment: Deployment
    parts: tuple[Part, ...]
    undecided: tuple[str, ...]  # components that may need disclosure, and why that is not known
    modifications: tuple[FileChange, ...]
    components: tuple[Component, ...]  # the components whose files are included
    licenses: tuple[str, ...]  # SPDX ids of included code (licenses and exceptions)
    offer_url: str | None = None

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({path for part in self.parts for path in part.files}))

    @property
    def network_offer(self) -> bool:
        return self.deployment.network_service and any(p.copyleft == "network" for p in self.parts)


def _triggered(copyleft: str, deployment: Deployment) -> str | None:
    """Why this kind of copyleft requires disclosure in this deployment, or None."""
    if copyleft == "network" and deployment.network_service:
        return "offered to users over a network (AGPL-3.0 §13)"
    if copyleft in SCOPE_BY_COPYLEFT and deployment.distributed:
        return "conveyed to another party"
    return None


def _name(component: Component) -> str:
    return f"{component.name}@{component.version}" if component.version else component.name


def plan(facts: Facts, root: Path, offer_url: str | None = None) -> Plan:
    """What the deployment described by `facts` must disclose. `facts` must hold an upstream comparison."""
    if facts.upstream is None:
        raise BundleError("the bundle needs an upstream comparison (--upstream): it decides what was modified")
    owners = Owners(facts.components)
    tree_files = [file.path for file in Tree(root).walk()]
    owned: dict[str, list[str]] = {}
    for path in tree_files:
        owner = owners.owner(path)
        if owner is not None:
            owned.setdefault(owner.key, []).append(path)
    by_key = {c.key: c for c in facts.components}
    parts, undecided = [], []
    for ctx in subjects(facts, builtin_knowledge())["component"]:
        component = ctx.component
        copyleft = RESOLVERS["license.copyleft"](ctx)
        modified = RESOLVERS["component.modified"](ctx)
        if not component.shipped or copyleft == "none":
            continue
        if copyleft is None:
            if modified is not False:
                undecided.append(f"{_name(component)}: the kind of copyleft of {component.license.expression} is not known")
            continue
        reason = _triggered(copyleft, facts.deployment)
        if reason is None or modified is False:
            continue
        if modified is None:
            undecided.append(f"{_name(component)} ({component.license.expression}): no pristine copy in the upstream, "
                             "so whether it was modified is not known")
            continue
        scope = SCOPE_BY_COPYLEFT[copyleft]
        files = _part_files(component, scope, owned, by_key, ctx.changes or ())
        parts.append(Part(component.key, _name(component), component.license.expression or "", copyleft, scope,
                          f"modified and {reason}", files))
    included = {path for part in parts for path in part.files}
    file_licenses = {f.path: f.license.expression for f in facts.files if f.license.expression}
    components = sorted({owners.owner(p).key for p in included if owners.owner(p)})
    expressions = [by_key[k].license.expression for k in components] + [file_licenses[p] for p in included if p in file_licenses]
    return Plan(facts.target, facts.upstream, facts.deployment, tuple(parts), tuple(sorted(undecided)), facts.changes,
                tuple(by_key[k] for k in components), _license_ids(expressions), offer_url)


def _part_files(component: Component, scope: str, owned: dict[str, list[str]], by_key: dict[str, Component],
                changes) -> tuple[str, ...]:
    if scope == CHANGED:
        return tuple(sorted(c.path for c in changes if c.counts_as_modification and c.status != "deleted"))
    if component.role is Role.APPLICATION:  # the whole deployed work: everything that is shipped
        return tuple(sorted(path for key, paths in owned.items() if by_key[key].shipped for path in paths))
    return tuple(sorted(owned.get(component.key, ())))


def _license_ids(expressions) -> tuple[str, ...]:
    ids = set()
    for expression in expressions:
        if not expression:
            continue
        for leaf in licensing.leaves(licensing.parse(expression)):
            ids.add(leaf.key)
            if leaf.exception:
                ids.add(leaf.exception)
    return tuple(sorted(ids))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- rendering the bundle ------------------------------------------------------------------------

def _manifest(plan_: Plan, hashes: dict[str, str], missing_texts: list[str]) -> str:
    data = {
        "format": FORMAT,
        "tool": f"osi-check {__version__}",
        "target": plan_.target,
        "upstream": plan_.upstream,
        "deployment": plan_.deployment.profile,
        "offer_url": plan_.offer_url,
        "parts": [
            {"component": p.component_key, "name": p.name, "license": p.license, "copyleft": p.copyleft,
             "scope": p.scope, "reason": p.reason, "files": list(p.files)}
            for p in plan_.parts
        ],
        "undecided": list(plan_.undecided),
        "licenses": list(plan_.licenses),
        "licenses_without_reference_text": missing_texts,
        "files": dict(sorted(hashes.items())),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def modifications_text(plan_: Plan) -> str:
    lines = [f"Modifications of {plan_.target} against {plan_.upstream}",
             "Each line: the date of the last change (from git; 'no date' for changes not committed, or when the",
             "upstream is not a git tag), what changed, the file, and the component and license it belongs to.", ""]
    for change in plan_.modifications:
        date = change.last_changed or "no date"
        what = change.status + (" (whitespace only)" if change.whitespace_only else "")
        path = f"{change.old_path} -> {change.path}" if change.old_path else change.path
        lines.append(f"{date:10}  {what:26}  {path}  [{change.component_key or '-'}; {change.license or 'unknown'}]")
    if not plan_.modifications:
        lines.append("(no file differs from the upstream)")
    return "\n".join(lines) + "\n"


def offer_text(plan_: Plan) -> str:
    names = ", ".join(f"{p.name} ({p.license})" for p in plan_.parts if p.copyleft == "network")
    where = plan_.offer_url or "[the address where this bundle is published; pass it with --offer-url]"
    return (
        f"Source code of this service\n\n"
        f"This service runs a modified version of {names}. As the GNU Affero General Public License\n"
        f"(section 13) provides, every user interacting with it over a network may receive the Corresponding\n"
        f"Source of the version running here, at no charge, from:\n\n    {where}\n\n"
        f"Show this offer prominently in the user interface (for example a 'Source code' link in the footer\n"
        f"or on the About page), and keep the published bundle in step with every deployed version.\n"
    )


def notice_text(plan_: Plan) -> str:
    lines = [f"Notices for the disclosed source of {plan_.target}", ""]
    for component in plan_.components:
        lines.append(f"{_name(component)}: {component.license.expression or 'license not identified'}")
        for term in component.license.additional_terms:
            if term.required_notices:
                lines.append(f"  must stay visible ({term.section or term.kind}): {'; '.join(term.required_notices)}")
    lines += ["", "Copyright notices and license headers are kept unchanged in the files under source/."]
    return "\n".join(lines) + "\n"


def contents(plan_: Plan, root: Path) -> dict[str, bytes]:
    """Every file of the bundle, by its path inside the bundle."""
    tree = Tree(root)
    out: dict[str, bytes] = {}
    hashes = {}
    for path in plan_.files:
        try:
            data = tree.read_bytes(path, MAX_FILE_BYTES)
        except InputError as error:
            raise BundleError(f"{error}: the bundle would be incomplete without it") from None
        out[f"source/{path}"] = data
        hashes[path] = sha256(data)
    missing = []
    for spdx_id in plan_.licenses:
        text = reference_texts.for_spdx_id(spdx_id)
        if text is None:
            missing.append(spdx_id)
        else:
            out[f"LICENSES/{spdx_id}.txt"] = text.text.encode("utf-8")
    out["MODIFICATIONS.txt"] = modifications_text(plan_).encode("utf-8")
    out["NOTICE.txt"] = notice_text(plan_).encode("utf-8")
    if plan_.network_offer:
        out["SOURCE-OFFER.txt"] = offer_text(plan_).encode("utf-8")
    out["MANIFEST.json"] = _manifest(plan_, hashes, missing).encode("utf-8")
    return dict(sorted(out.items()))


def write(plan_: Plan, root: Path, output: Path) -> tuple[str, ...]:
    """Write the bundle to a directory (new or empty) or to a .tar.gz/.tgz/.zip; returns its paths."""
    files = contents(plan_, root)
    name = output.name.lower()
    if not name.endswith(ARCHIVE_SUFFIXES) and output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BundleError(f"{output}: the bundle directory must be new or empty")
    try:
        if name.endswith((".tar.gz", ".tgz")):
            _write_tar(files, output)
        elif name.endswith(".zip"):
            _write_zip(files, output)
        else:
            for path, data in files.items():
                target = output / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    except OSError as exc:
        raise BundleError(f"{output}: cannot write the bundle: {exc.strerror or exc}") from None
    return tuple(files)


def _epoch() -> int:
    """Archive timestamps: SOURCE_DATE_EPOCH when set, else 0, so the same bundle is the same bytes."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else 0


def _write_tar(files: dict[str, bytes], output: Path) -> None:
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=_epoch()) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for path, data in files.items():
                info = tarfile.TarInfo(f"source-bundle/{path}")
                info.size, info.mtime, info.mode = len(data), _epoch(), 0o644
                tf.addfile(info, io.BytesIO(data))
    output.write_bytes(raw.getvalue())


def _write_zip(files: dict[str, bytes], output: Path) -> None:
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            info = zipfile.ZipInfo(f"source-bundle/{path}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
