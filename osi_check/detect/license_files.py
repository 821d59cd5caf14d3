"""The application's own license files: LICENSE, COPYING, ... at the root of the scanned tree.

Each one is identified against the reference texts (`license_text.identify`) and becomes the license
evidence of the application component ("application:."; the pipeline's resolver names it and merges
several license files). What the text says is reported as found: a modified text or a license with a
rider is never reported as the clean license, and a text that matches nothing stays visible as an
unknown license instead of being dropped.
"""

from __future__ import annotations

import re

from osi_check.detect.license_text import TextMatch, describe, identify
from osi_check.detect.reference_texts import data_version
from osi_check.facts import (
    Component,
    Evidence,
    EvidenceKind,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check import licensing
from osi_check.licensing import UNKNOWN_PREFIX
from osi_check.reader import Reader
from osi_check.tree import InputError, Tree, TreeFile

MAX_BYTES = 2 * 1024 * 1024

APPLICATION_KEY = "application:."

# LICENSE, LICENCE, COPYING, COPYRIGHT, UNLICENSE, optionally followed by [-._]suffix:
# LICENSE.txt, LICENSE-MIT, LICENSE.AGPL, COPYING.LESSER, LICENSE_APACHE.md ...
_NAME = re.compile(r"(?:licen[cs]e|copying|copyright|unlicense)(?:[-._](?P<suffix>[A-Za-z0-9][A-Za-z0-9.+_-]*))?", re.I)
# A suffix ending in one of these is source code, data or a binary named after a license ("License.php",
# "license.json"), not a license text.
_NOT_TEXT = frozenset(
    """php inc module js mjs cjs ts tsx jsx vue py pyc rb java class go c h cc cpp hpp cs css scss less
    twig tpl xml json yml yaml toml ini cfg conf lock sh bat ps1 sql png jpg jpeg gif svg ico webp pdf
    doc docx odt rtf zip gz tgz bz2 xz jar war bak orig old swp tmp sig asc""".split()
)
# Aggregated third-party notices describe the dependencies, not the application.
_THIRD_PARTY = re.compile(r"third|3rd|vendor|depend", re.I)

NO_LATER_NOTE = "full text only; no notice says 'or any later version'"


def is_license_file_name(name: str) -> bool:
    """Whether a file name is a license file name (LICENSE, COPYING.LESSER, LICENSE-MIT.md, ...)."""
    m = _NAME.fullmatch(name)
    if not m:
        return False
    suffix = m.group("suffix")
    if suffix is None:
        return True
    if _THIRD_PARTY.search(suffix):
        return False
    last = suffix.rsplit(".", 1)[-1].lower()
    return last not in _NOT_TEXT


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "-", name)


class LicenseFileDetector(Reader):
    name = "license-file"
    examples = ("LICENSE", "COPYING.txt", "LICENSE.md")

    def handles(self, file: TreeFile) -> bool:
        return file.parent == "." and is_license_file_name(file.name)

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, max_bytes=MAX_BYTES)
        except InputError as err:
            return self.problem(err)
        match = identify(text)
        if match is None:
            return SourceResult(components=(self._component(file, _unidentified(file, text), Location(file.path)),))
        location = Location(file.path, match.first_line, match.last_line)
        return SourceResult(components=(self._component(file, _conclusion(file, match), location),))

    @staticmethod
    def _component(file: TreeFile, conclusion: LicenseConclusion, location: Location) -> Component:
        return Component(
            key=APPLICATION_KEY,
            name=".",
            version=None,
            ecosystem="application",
            role=Role.APPLICATION,
            scope=Scope.RUNTIME,
            license=conclusion,
            location=location,
            root=".",
        )


def license_from_text(path: str, text: str) -> LicenseConclusion:
    """The license of any license file's text (a package's LICENSE, a "SEE LICENSE IN" target, a
    dist-info license file), concluded exactly as for the root license files."""
    file = TreeFile(path, len(text))
    match = identify(text)
    return _unidentified(file, text) if match is None else _conclusion(file, match)


def read_license_file(tree: Tree, path: str) -> LicenseConclusion:
    """Read and identify a license file of the tree. Raises tree.InputError if it cannot be read."""
    return license_from_text(path, tree.read_text(path, max_bytes=MAX_BYTES))


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _unidentified(file: TreeFile, text: str) -> LicenseConclusion:
    empty = not text.strip()
    detail = "empty file" if empty else (
        f"text not identified: no license text of licensedcode-data {data_version()} (nor a known "
        "variant of one) matches 80% or more"
    )
    return LicenseConclusion(
        expression=f"{UNKNOWN_PREFIX}{_slug(file.name)}",
        evidence=(Evidence(EvidenceKind.LICENSE_TEXT, Location(file.path), _first_line(text), detail),),
        unknown=(f"{file.name} (text not identified)",),
        notes=(f"{file.name} is empty" if empty else f"{file.name}: license text not identified; review it",),
    )


def _expression_of(matches: tuple[TextMatch, ...]) -> tuple[list[str], list[TextMatch]]:
    """The license ids (or expressions) of the matches, each exception text read WITH the license before it
    (or after it, when the exception comes first); and the exceptions that have no license to go with."""
    ids: list[str] = []
    targets: list[int] = []  # positions in ids that can still take an exception
    pending: list[TextMatch] = []
    for m in matches:
        if m.exception:
            if targets:
                k = targets.pop(0)
                ids[k] = f"{ids[k]} WITH {m.spdx_id}"
            else:
                pending.append(m)
            continue
        if m.spdx_id in ids:
            continue
        ids.append(m.spdx_id)
        if " " not in m.spdx_id:
            targets.append(len(ids) - 1)
            while pending and targets:
                k = targets.pop(0)
                ids[k] = f"{ids[k]} WITH {pending.pop(0).spdx_id}"
    return ids, pending


def _unknown_to_osi_check(spdx_id: str) -> list[str]:
    """The ids of an identified text that osi-check has no knowledge of (ScanCode's LicenseRef-scancode-*)."""
    found = re.findall(r"[A-Za-z0-9.+-]+", spdx_id)
    return [
        i for i in found
        if i not in ("AND", "OR", "WITH") and not licensing.is_known_key(i) and not licensing.is_known_exception(i)
    ]


def _conclusion(file: TreeFile, match: TextMatch) -> LicenseConclusion:
    matches = (match, *match.others)
    ids, lone_exceptions = _expression_of(matches)
    evidence = []
    for m in matches:
        evidence.append(
            Evidence(
                EvidenceKind.LICENSE_TEXT,
                Location(file.path, m.first_line, m.last_line),
                m.quote,
                describe(m),
            )
        )
        if m.notice is not None:
            evidence.append(
                Evidence(
                    EvidenceKind.NOTICE,
                    Location(file.path, m.notice.line, m.notice.end_line),
                    m.notice.quote,
                    f"version notice: {m.spdx_id}",
                )
            )
    notes = list(match.notes)
    for m in matches:
        if m is not match:
            notes.extend(m.notes)
        if m.gnu and m.version_scope is None:
            notes.append(NO_LATER_NOTE if m is match else f"{m.text_id}: {NO_LATER_NOTE}")
    if len(ids) > 1:
        notes.append(
            f"{file.name} holds several license texts, read as all applying ({' AND '.join(ids)}); "
            "if they are alternatives, clarify"
        )
    unknown: list[str] = []
    for m in matches:
        for i in _unknown_to_osi_check(m.spdx_id):
            unknown.append(
                f"{file.name} lines {m.first_line}-{m.last_line}: {m.name} ({i}{', ' + m.category if m.category else ''}), "
                "a license text from licensedcode-data that is not on the SPDX license list; review its terms"
            )
    for m in lone_exceptions:
        unknown.append(
            f"{file.name} lines {m.first_line}-{m.last_line}: the {m.spdx_id} exception text, without the license "
            "it is an exception to"
        )
    if lone_exceptions and not ids:
        ids = [f"{UNKNOWN_PREFIX}{_slug(file.name)}"]
        notes.append(
            f"{file.name} holds only an exception text ({', '.join(m.spdx_id for m in lone_exceptions)}); "
            "it modifies a license named elsewhere"
        )
    expression = " AND ".join(f"({i})" if len(ids) > 1 and (" AND " in i or " OR " in i) else i for i in ids)
    changed = [m for m in matches if m.modified]
    if changed or match.additional_terms:
        expression += f" AND {UNKNOWN_PREFIX}additional-terms-in-{_slug(file.name)}"
        for r in match.rider_text:
            unknown.append(f"{file.name} lines {r.first_line}-{r.last_line}: {r.snippet}")
            evidence.append(
                Evidence(
                    EvidenceKind.LICENSE_TEXT,
                    Location(file.path, r.first_line, r.last_line),
                    r.snippet,
                    f"additional terms: text that is not part of the {match.text_id} license",
                )
            )
        for m in changed:
            diffs = m.differences
            example = ""
            if diffs:
                d = diffs[0]
                example = f"; e.g. at line {d.first_line} the reference says '{d.reference}'" if d.reference else (
                    f"; e.g. line {d.first_line} adds '{d.found}'"
                )
            unknown.append(
                f"{file.name} lines {m.first_line}-{m.last_line}: modified {m.text_id} text "
                f"({_coverage_words(m)}){example}"
            )
        notes.append(
            f"{file.name} is not the unmodified license text: it is reported as "
            f"{' AND '.join(ids)} plus unknown terms until reviewed"
        )
    return LicenseConclusion(
        expression=expression,
        evidence=tuple(evidence),
        unknown=tuple(unknown),
        notes=tuple(dict.fromkeys(notes)),
    )


def _coverage_words(m: TextMatch) -> str:
    n = len(m.differences)
    return f"{describe(m).split(',')[0]}; {n} passage{'s' if n != 1 else ''} missing or changed"
