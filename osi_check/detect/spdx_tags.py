"""SPDX-License-Identifier tags in source files.

One `FileLicense` per file that carries tags. The pipeline assigns the file to its component later
(`component_key` is left empty here). Tag values go through `osi_check.licensing.normalize`, so an id
that is not on the SPDX list stays visible as `LicenseRef-osi-check-unknown-*` with its raw string.

Speed: this reader sees almost every file of the tree. It reads bytes once and looks for the tag with
one precompiled byte search; only files that contain a tag are decoded and examined line by line.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from osi_check import licensing
from osi_check.detect.license_files import is_license_file_name
from osi_check.facts import Evidence, EvidenceKind, FileLicense, LicenseConclusion, Location, SourceResult
from osi_check.reader import Reader
from osi_check.tree import InputError, Tree, TreeFile

MAX_BYTES = 2 * 1024 * 1024

SKIP_DIRS = frozenset({"vendor", "node_modules", "bower_components"})

TEXT_EXTENSIONS = frozenset(
    """php inc module js mjs cjs ts tsx jsx vue py rb java go c h cpp cc hpp css scss less html htm
    twig tpl xml yml yaml sh sql md rst txt""".split()
)

_QUICK = re.compile(rb"spdx-license-identifier", re.IGNORECASE)
_TAG = re.compile(r"SPDX-License-Identifier:[ \t]*([^\r\n]*)", re.IGNORECASE)
# Where the expression ends: comment closers and template delimiters ("*/", "-->", "#}", "?>"), quotes,
# and punctuation that is never part of an SPDX expression (a trailing "# noqa", a markdown table "|").
# Anything else stays in the value, so an odd value ("GPL-2.0/MIT") reaches `licensing.normalize` whole
# and is reported as unknown with its raw string instead of being cut down to a known id.
_STOP = re.compile(r"""\*/|-->|#\}|%\}|\}\}|\?>|%>|\*\)|["'`<>;,{}\[\]$%\\#|]""")


def _clean_value(raw: str) -> str:
    """The license expression of a tag line, or "" for a placeholder ("<SPDX-ID>", "$LICENSE", "{{ id }}")."""
    return _STOP.split(raw, 1)[0].strip().rstrip("-:").strip()


def _line_text(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end >= 0 else len(text)].strip()
    return line if len(line) <= 200 else line[:199] + "…"


class SpdxTagDetector(Reader):
    name = "spdx-tag"
    examples = ("src/index.php", "public/js/app.js", "lib/tool.py")

    def handles(self, file: TreeFile) -> bool:
        if file.size > MAX_BYTES:
            return False
        parts = file.path.split("/")
        if any(part in SKIP_DIRS for part in parts[:-1]):
            return False
        name = parts[-1]
        if is_license_file_name(name):
            return False
        suffix = PurePosixPath(name).suffix
        if not suffix or suffix == name:  # no extension (or a dotfile such as ".env")
            return not name.startswith(".")
        return suffix[1:].lower() in TEXT_EXTENSIONS

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            data = tree.read_bytes(file.path, max_bytes=MAX_BYTES)
        except InputError as err:
            return self.problem(err)
        if b"\x00" in data[:8192]:
            return SourceResult()  # binary content under a source extension: odd, but not an error
        if not _QUICK.search(data):
            return SourceResult()
        try:
            text = tree.read_text(file.path, max_bytes=MAX_BYTES)
        except InputError as err:
            return self.problem(err)
        return self.tags(file.path, text)

    def tags(self, path: str, text: str) -> SourceResult:
        """The FileLicense for the SPDX tags in `text` (empty result when it has none)."""
        found = []
        for m in _TAG.finditer(text):
            value = _clean_value(m.group(1))
            if not value:
                continue
            line = text.count("\n", 0, m.start()) + 1
            found.append((value, line, _line_text(text, m.start())))
        if not found:
            return SourceResult()
        evidence = tuple(
            Evidence(EvidenceKind.SPDX_TAG, Location(path, line), quote, "SPDX-License-Identifier tag")
            for _, line, quote in found
        )
        parts = [licensing.normalize(value) for value, _, _ in found]
        expressions = list(dict.fromkeys(p.expression for p in parts if p.expression))
        unknown = tuple(dict.fromkeys(u for p in parts for u in p.unknown))
        notes = [n for p in parts for n in p.notes]
        if len(expressions) == 1:
            expression = expressions[0]
        else:
            expression = licensing.render(licensing.AllOf(tuple(licensing.parse(e) for e in expressions)))
            notes.append(
                f"{len(found)} SPDX-License-Identifier tags in one file (lines "
                + ", ".join(str(line) for _, line, _ in found)
                + "), combined with AND"
            )
        return SourceResult(
            files=(
                FileLicense(
                    path,
                    LicenseConclusion(expression, evidence, unknown, tuple(dict.fromkeys(notes))),
                    component_key="",
                ),
            )
        )
