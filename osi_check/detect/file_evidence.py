"""License evidence inside the files of the tree: one `FileLicense` per file that states a license.

What is read, strongest first (findings.RANK): in-file markers that put a file under other terms (Twenty's
`/* @license Enterprise */`, markers.yaml) and SPDX-License-Identifier tags; license notices in every
comment style (notices.yaml) and full license texts (a LICENSE file in a vendored package, a license pasted
into a header or a README section); `@license` doc tags; references by name or URL ("released under the MIT
license"). GPL-3.0/AGPL-3.0 §7 additional terms, license exceptions and restrictions found with them
(additional-terms.yaml) become `AdditionalTerm`s of the file's conclusion. Several licenses in one file are
combined into one expression: OR where the text offers a choice ("dual licensed", "at your option"), AND
otherwise, with a note either way.

Files under vendor/ and node_modules/ are read too: per-file results roll up to the vendored component
(resolve attributes each file to the component whose directory holds it). License files at the ROOT of the
tree are the LicenseFileDetector's and are not read here.

The tree is hostile and large, so the work per file is bounded and says when it was partial:
- binaries (a NUL byte in the first 8 KiB, after a UTF-16 byte-order mark is ruled out) are skipped;
- a file over 5 MiB is only read for its first 64 KiB;
- of any other file, the first 200 lines (at most 32 KiB) and the last 8 KiB are examined; of a minified
  file (.min.js, or a first line over 500 characters) only its banner comments; of a license file the
  first 256 KiB;
- a search for a few license keywords (notices.yaml `prefilter`, plain substring searches in the lower-cased
  bytes) decides whether a file is examined at all, so most code files cost one read and a few C-level scans;
  in a file that has them, only the lines around them are examined;
- the first comment of a file (its license header) is matched once per distinct text: a project repeats the
  same header in thousands of files;
- every pattern is bounded, and each rule reports at most `notices.MAX_MATCHES` matches per region.
The evidence detail says how much of a file was examined when it was not all of it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from osi_check import licensing
from osi_check.detect.comments import Prose, Region, cap, lower_same_length, strip_markers
from osi_check.detect.findings import Finding, TermFinding, base, bases
from osi_check.detect.license_files import is_license_file_name, license_from_text
from osi_check.detect.notices import (
    MAX_MATCHES,
    find_markers,
    find_notices,
    find_terms,
    license_text_trigger,
    occurrences,
    prefilter_bytes,
    prefilter_words,
)
from osi_check.detect.references import find_banner_parts, find_license_tags, find_references, find_spdx_tags
from osi_check.facts import Evidence, EvidenceKind, FileLicense, LicenseConclusion, Location, SourceResult
from osi_check.reader import Reader
from osi_check.tree import InputError, Tree, TreeFile

MAX_FULL = 5 * 1024 * 1024  # files up to this size are read; bigger ones only for their first HEAD_OF_BIG
HEAD_OF_BIG = 64 * 1024
HEAD_BYTES = 32 * 1024
HEAD_LINES = 200
TAIL_BYTES = 8 * 1024
LICENSE_FILE_BYTES = 256 * 1024
BINARY_PROBE = 8 * 1024
MINIFIED_LINE = 500
BANNER_BYTES = 8 * 1024
MAX_BANNERS = 20
FOCUS_LINES = 40  # lines examined around each license keyword of a region
HEADER_SEARCH = 4 * 1024  # the first comment of a file (its header) is looked for this far
HEADER_BYTES = 16 * 1024  # and read this far

TEXT_EXTENSIONS = frozenset(
    """php php3 php4 php5 phtml inc module install theme profile engine ctp js mjs cjs ts tsx jsx vue svelte
    coffee py pyi pyw rb erb rake gemspec java kt kts scala groovy gradle go c h cc cpp cxx hpp hh hxx cs vb fs
    swift m mm rs pl pm t lua r sql sh bash zsh ksh fish ps1 psm1 bat cmd css scss sass less styl html htm xhtml
    twig tpl smarty jinja jinja2 j2 mustache hbs handlebars ejs jsp asp aspx xml xsl xslt xsd wsdl dtd yml yaml
    toml ini cfg conf properties md markdown rst txt text adoc asciidoc tex el lisp clj cljs erl hrl ex exs hs
    ml mli dart proto graphql gql""".split()
)
# Documents that talk ABOUT licenses (of dependencies, of past versions) without being under them:
# THIRD-PARTY-NOTICES.txt, NOTICE, CREDITS.md, CHANGELOG.md, HISTORY.rst, UPGRADING (prose files only:
# "ForHistory.php" or "Notice.php" is code like any other).
_ABOUT_LICENSES = re.compile(
    r"(?:third[-_ .]?party[\w.-]*|[\w-]*notices?|credits|acknowledge?ments?|authors|contributors|changelog|changes"
    r"|history|news|upgrad(?:e|ing)|release[-_ ]?notes)(?:\.(?:md|markdown|rst|txt|text|adoc|asciidoc|html?))?",
    re.IGNORECASE,
)
_HEAD_LINES = re.compile(rb"(?:[^\n]*+\n){1,%d}+" % HEAD_LINES)  # the first HEAD_LINES lines
_MINIFIED_NAME = re.compile(r"[.-]min\.(?:js|mjs|css)$|\.bundle\.js$", re.IGNORECASE)
_PROSE_SUFFIXES = frozenset({"md", "markdown", "rst", "txt", "text", "adoc", "asciidoc", ""})
# A choice between the licenses named in one file ("dual licensed", "at your option", "alternatively").
_CHOICE = re.compile(
    r"\b(?:dual|multi|double)[- ]licen[cs]ed\b|\balternatively\b|\bat your (?:option|choice|election)\b(?!\)? any later)"
    r"|\bunder the terms of either\b|\blicen[cs]ed under either\b|\byou (?:may|can) choose\b",
    re.IGNORECASE,
)
# A copyright statement line: blanked before a license text is matched, so that the same license text with
# different holders is identified once (license_text.identify is cached by text) and lines stay in place.
_COPYRIGHT_LINE = re.compile(
    r"^[ \t#*/;>-]*+(?:copyright\b[ \t]*+(?:\(c\)|©|\d{4})|\(c\)[ \t]*+\d{4}|©[ \t]*+\d{4})[^\n]*", re.I | re.M
)
_GNU3 = frozenset({"GPL-3.0", "AGPL-3.0", "LGPL-3.0"})


class FileEvidenceDetector(Reader):
    name = "file-evidence"
    examples = ("src/index.php", "public/js/app.js", "lib/tool.py", "README.md",
                "vendor/acme/mailer/LICENSE", "node_modules/lodash/lodash.min.js")

    def handles(self, file: TreeFile) -> bool:
        name = file.name
        license_file = is_license_file_name(name)
        if license_file:
            return file.parent != "."  # root license files are the LicenseFileDetector's
        if _ABOUT_LICENSES.fullmatch(name):
            return False
        dot = name.rfind(".")
        if dot <= 0:
            return not name.startswith(".")  # "Makefile", "bin/console"; not ".env"
        return name[dot + 1:].lower() in TEXT_EXTENSIONS

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            if file.size > MAX_FULL:
                data = tree.read_head(file.path, HEAD_OF_BIG)
            else:
                data = tree.read_bytes(file.path, max_bytes=MAX_FULL)
        except InputError as err:
            return self.problem(err)
        conclusion = examine(file.path, data, max(file.size, len(data)))
        if conclusion is None:
            return SourceResult()
        return SourceResult(files=(FileLicense(file.path, conclusion, component_key=""),))


# --------------------------------------------------------------------------------------------------
# what is examined


def examine(path: str, data: bytes, size: int) -> LicenseConclusion | None:
    """The license evidence in a file's bytes (`data`: all of it, or its head when `size` is bigger)."""
    name = path.rpartition("/")[2]
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in data[:BINARY_PROBE]:
        return None  # binary content, whatever its name
    license_file = is_license_file_name(name)
    truncated = len(data) < size
    if utf16:
        data = data.decode("utf-16", errors="replace").encode("utf-8")  # examined as UTF-8; lines unchanged
        size = size if truncated else len(data)
    limit = LICENSE_FILE_BYTES if license_file else (len(data) if truncated else None)
    spans, minified = _spans(name, data, limit)
    examined = _examined(spans, size, minified, truncated)
    unidentified = None
    if license_file:  # a license file by its name: always evidence, identified as a whole first
        found, unidentified = _license_file(path, data[: spans[0][1]], examined)
        if found is not None:
            return found
    elif not _has_keyword(data, spans):
        return None
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    regions: list[tuple[Region, str]] = []  # (region, "header" | "banner" | "body")
    for start, end in spans:
        text = _decode(data[start:end])
        first_line = data.count(b"\n", 0, start) + 1
        if minified:
            regions.extend((banner, "banner") for banner in _banners(text, first_line))
            continue
        header = _first_comment(text) if start == 0 and suffix not in _PROSE_SUFFIXES else None
        if header is None:
            regions.append((Region(text, first_line), "body"))
            continue
        h0, h1 = header
        regions.append((Region(text[h0:h1], first_line + text.count("\n", 0, h0)), "header"))
        if h0 > 0:
            regions.append((Region(text[:h0], first_line), "body"))
        if h1 < len(text):
            regions.append((Region(text[h1:], first_line + text.count("\n", 0, h1)), "body"))
    findings: list[Finding] = []
    terms: list[TermFinding] = []
    flats: list[str] = []
    for region, role in regions:
        for part in _focus(region):
            # a header comment is the same in thousands of files of one project: read once, by its text
            if role == "header":
                analysis = _analyse_header(part.text, part.first_line, suffix)
            else:
                analysis = _analyse(part, suffix, banner=role == "banner")
            findings += analysis.findings
            terms += (_relocated(t, path) for t in analysis.terms)
            flats.append(analysis.flat)
            if analysis.has_text:  # a pasted license text is matched with the file's own name (in its notes)
                findings += _embedded_texts(path, Prose(part), suffix)
    choice = False
    if len({f.expression for f in findings}) > 1:  # a choice only matters between several licenses
        choice = any(_CHOICE.search(flat) for flat in flats)
    return conclude(path, findings, terms, choice=choice, examined=examined) or unidentified


_NO_PATH = "\x00"  # the path of an analysis cached by text, replaced by the file's own


@dataclass(frozen=True)
class _Analysis:
    """What the matchers find in one examined part of a file, independent of the file's path."""

    findings: tuple[Finding, ...]
    terms: tuple[TermFinding, ...]
    flat: str  # the part's comment text, for the choice between several licenses
    has_text: bool  # a phrase only full license texts contain: the text matcher must look at it


def _analyse(region: Region, suffix: str, *, banner: bool = False) -> _Analysis:
    prose = Prose(region)
    markers = find_markers(prose)
    findings = [
        *markers,
        *find_spdx_tags(prose),
        *find_notices(prose),
        *find_license_tags(prose, markers),
        *find_references(prose),
        *(find_banner_parts(prose) if banner else ()),
    ]
    has_text = license_text_trigger(prose) is not None
    return _Analysis(tuple(findings), tuple(find_terms(prose, _NO_PATH)), prose.flat, has_text)


@lru_cache(maxsize=512)
def _analyse_header(text: str, first_line: int, suffix: str) -> _Analysis:
    return _analyse(Region(text, first_line), suffix)


def _relocated(term: TermFinding, path: str) -> TermFinding:
    return replace(term, term=replace(term.term, location=replace(term.term.location, path=path)))


_LINE_COMMENT = re.compile(r"^[ \t]*+(#|//|--|;)", re.M)
_BLOCK_CLOSERS = {"/*": "*/", "<!--": "-->", "<%--": "--%>", "{*": "*}", "{#": "#}", '"""': '"""', "'''": "'''"}


def _first_comment(text: str) -> tuple[int, int] | None:
    """The first comment of a file (within its first HEADER_SEARCH characters), as whole lines: where license
    headers are. None if there is none."""
    found = [(i, opener) for opener in _BLOCK_CLOSERS if 0 <= (i := text.find(opener, 0, HEADER_SEARCH))]
    line = _LINE_COMMENT.search(text, 0, HEADER_SEARCH)
    if line is not None:
        found.append((line.start(1), line.group(1)))
    if not found:
        return None
    start, opener = min(found)
    start = text.rfind("\n", 0, start) + 1
    if opener in _BLOCK_CLOSERS:
        close = text.find(_BLOCK_CLOSERS[opener], text.find(opener, start) + len(opener), start + HEADER_BYTES)
        end = close + len(_BLOCK_CLOSERS[opener]) if close >= 0 else min(len(text), start + HEADER_BYTES)
    else:
        end = min(_line_comment_block(text, start, opener)[1], start + HEADER_BYTES)
    newline = text.find("\n", end)
    return start, (newline + 1 if newline >= 0 else len(text))


def _spans(name: str, data: bytes, limit: int | None) -> tuple[list[tuple[int, int]], bool]:
    """The byte ranges of `data` to examine, and whether the file is minified (banners only). `limit`: examine
    the first `limit` bytes as one range (a license file; the head of a file too big to read whole)."""
    n = len(data)
    first_newline = data.find(b"\n", 0, MINIFIED_LINE + 1)
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    minified = not is_license_file_name(name) and (
        bool(_MINIFIED_NAME.search(name))
        # a first line of over 500 characters: minified code (a prose file's paragraphs are long lines too)
        or (first_newline < 0 and n > MINIFIED_LINE and suffix not in _PROSE_SUFFIXES))
    if minified:
        return [(0, min(n, HEAD_BYTES))], True
    if limit is not None:
        return [(0, min(n, limit))], False
    head_end = min(n, HEAD_BYTES)
    if data.count(b"\n", 0, head_end) > HEAD_LINES:
        head_end = _HEAD_LINES.match(data, 0, head_end).end()
    spans = [(0, head_end)]
    if n > head_end:
        tail_start = max(head_end, n - TAIL_BYTES)
        if tail_start > head_end:
            newline = data.find(b"\n", tail_start, n)
            tail_start = newline + 1 if newline >= 0 else n
        if tail_start < n:
            spans.append((tail_start, n))
    return spans, False


def _examined(spans: list[tuple[int, int]], size: int, minified: bool, truncated: bool) -> str | None:
    """How much of the file was examined, when it was not all of it (said in the evidence detail)."""
    covered = sum(end - start for start, end in spans)
    if covered >= size:
        return None
    if minified:
        return f"banner comments in the first {_kib(covered)} examined of {size:,} bytes (a minified file)"
    if truncated or len(spans) == 1:
        return f"first {_kib(covered)} examined of {size:,} bytes"
    (h0, h1), (t0, t1) = spans[0], spans[-1]
    return f"first {_kib(h1 - h0)} and last {_kib(t1 - t0)} examined of {size:,} bytes"


def _kib(n: int) -> str:
    return f"{n:,} bytes" if n < 1024 else f"{n / 1024:.0f} KiB"


def _decode(data: bytes) -> str:
    """UTF-8 (a character cut at the end of the examined range is dropped), else Latin-1 like Tree.read_text."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            try:
                return data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
        return data.decode("latin-1")


_LEADING = re.compile(r"[\s\ufeff]*+")


def _banners(text: str, first_line: int) -> list[Region]:
    """The comments of a minified file that survive minification: the leading comments, and "/*!" and
    "/** @license" comments further on (bundles keep one per library)."""
    regions: list[Region] = []
    pos = _LEADING.match(text).end()
    while len(regions) < MAX_BANNERS and pos < len(text):
        if text.startswith("/*", pos):
            close = text.find("*/", pos + 2, pos + BANNER_BYTES)
            end = close + 2 if close >= 0 else min(len(text), pos + BANNER_BYTES)
        elif text.startswith("//", pos):
            end = text.find("\n", pos, pos + BANNER_BYTES)
            end = end if end >= 0 else min(len(text), pos + BANNER_BYTES)
        else:
            break
        regions.append(Region(text[pos:end], first_line + text.count("\n", 0, pos)))
        pos = _LEADING.match(text, end).end()
    for marker in ("/*!", "/**@license", "/** @license"):
        start = text.find(marker, pos)
        while start >= 0 and len(regions) < MAX_BANNERS:
            close = text.find("*/", start + 3, start + BANNER_BYTES)
            end = close + 2 if close >= 0 else min(len(text), start + BANNER_BYTES)
            regions.append(Region(text[start:end], first_line + text.count("\n", 0, start)))
            start = text.find(marker, end)
    return regions


def _has_keyword(data: bytes, spans: list[tuple[int, int]]) -> bool:
    words = prefilter_bytes()
    for start, end in spans:
        lowered = data[start:end].lower()
        if any(w in lowered for w in words):
            return True
    return False


def _focus(region: Region) -> list[Region]:
    """The parts of a region around its license keywords (FOCUS_LINES lines before and after each): a notice,
    tag or license text always contains one, and the code between them is not worth stripping and matching."""
    text = region.text
    lower = lower_same_length(text)
    hits = sorted(i for w in prefilter_words() for i in occurrences(lower, w, 4 * MAX_MATCHES))[: 4 * MAX_MATCHES]
    if not hits:
        return []
    total = text.count("\n") + 1
    ranges: list[list[int]] = []
    line, previous = 0, 0
    for pos in hits:
        line += text.count("\n", previous, pos)
        previous = pos
        low, high = max(0, line - FOCUS_LINES), min(total, line + FOCUS_LINES + 1)
        if ranges and low <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], high)
        else:
            ranges.append([low, high])
    if sum(high - low for low, high in ranges) >= total * 3 // 4:
        return [region]
    parts = []
    offsets = [0]  # offsets[k] = where line k of the region starts, computed as far as needed
    for low, high in ranges:
        while len(offsets) <= high:
            nl = text.find("\n", offsets[-1])
            offsets.append(nl + 1 if nl >= 0 else len(text))
        parts.append(Region(text[offsets[low]: offsets[high]], region.first_line + low))
    return parts


# --------------------------------------------------------------------------------------------------
# license texts


def _license_file(
    path: str, data: bytes, examined: str | None
) -> tuple[LicenseConclusion | None, LicenseConclusion | None]:
    """A license file below the root (a vendored package's LICENSE), identified as a whole like the root
    license files: (the conclusion, None) when a license text is identified; (None, the unidentified
    conclusion) when not: the file is then examined like any other, and reported as an unidentified license
    file if nothing in it names a license."""
    text = _COPYRIGHT_LINE.sub("", _decode(data))
    conclusion = license_from_text(path, text)
    if examined:
        conclusion = replace(
            conclusion,
            evidence=tuple(replace(e, detail=f"{e.detail}; {examined}") for e in conclusion.evidence),
            notes=(*conclusion.notes, f"{path}: {examined}"),
        )
    if conclusion.expression is None or all(
        leaf.key.startswith(licensing.UNKNOWN_PREFIX) for leaf in licensing.leaves(licensing.parse(conclusion.expression))
    ):
        return None, conclusion
    return conclusion, None


_LINE_MARKER = re.compile(r"[ \t]*+(#|//|--|;|(?i:rem)\b|')")
_HEADING = re.compile(r"^(#{1,6})[ \t]|^(?:=+|-+)[ \t]*$", re.M)


def _embedded_texts(path: str, prose: Prose, suffix: str) -> list[Finding]:
    """A full license text inside an ordinary file (a README's license section, a license pasted into a
    header comment): only where a phrase that only license texts contain is found, and only the comment
    block or section around it is matched, so code or prose around it is not taken for added terms."""
    trigger = license_text_trigger(prose)
    if trigger is None:
        return []
    text = prose.region.text
    line_index = prose.line_of(trigger.start()) - prose.region.first_line
    pos = 0
    for _ in range(line_index):
        pos = text.find("\n", pos) + 1
    start, end = _block(text, pos, suffix)
    block = strip_markers(text[start:end])
    offset = prose.region.first_line + text.count("\n", 0, start) - 1
    conclusion = license_from_text(path, _COPYRIGHT_LINE.sub("", block))
    leaves = licensing.leaves(licensing.parse(conclusion.expression)) if conclusion.expression else ()
    if not leaves or all(leaf.key.startswith(licensing.UNKNOWN_PREFIX) for leaf in leaves):
        return []
    evidence = tuple(
        replace(e, location=Location(path, (e.location.line or 1) + offset,
                                     (e.location.end_line + offset) if e.location.end_line else None))
        for e in conclusion.evidence
    )
    main = evidence[0]
    return [
        Finding(
            kind=EvidenceKind.LICENSE_TEXT,
            expression=conclusion.expression,
            line=main.location.line or 1,
            end_line=main.location.end_line or main.location.line or 1,
            quote=main.quote,
            detail=f"license text in the file: {main.detail}",
            score=1.0,
            unknown=conclusion.unknown,
            notes=conclusion.notes,
            confident=conclusion.confident,
            evidence=evidence,
        )
    ]


def _block(text: str, pos: int, suffix: str) -> tuple[int, int]:
    """The comment block or document section of `text` around position `pos`."""
    for opener, closer in (("/*", "*/"), ("<!--", "-->"), ("{*", "*}"), ("{#", "#}"), ('"""', '"""'), ("'''", "'''")):
        open_at = text.rfind(opener, 0, pos + len(opener))
        if open_at < 0 or text.rfind(closer, 0, pos) > open_at + len(opener) - 1:
            continue
        close_at = text.find(closer, max(pos, open_at + len(opener)))
        return open_at, (close_at + len(closer) if close_at >= 0 else len(text))
    line_start = text.rfind("\n", 0, pos) + 1
    marker = _LINE_MARKER.match(text, line_start)
    if marker and suffix not in _PROSE_SUFFIXES:
        return _line_comment_block(text, line_start, marker.group(1))
    if suffix in _PROSE_SUFFIXES:
        headings = list(_HEADING.finditer(text, 0, pos))
        start = text.rfind("\n", 0, headings[-1].start()) + 1 if headings else 0
        following = _HEADING.search(text, pos)
        return start, following.start() if following else len(text)
    return 0, len(text)


def _line_comment_block(text: str, line_start: int, marker: str) -> tuple[int, int]:
    start = line_start
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if not text[previous:start].lstrip().startswith(marker):
            break
        start = previous
    end = line_start
    while end < len(text):
        following = text.find("\n", end)
        following = len(text) if following < 0 else following + 1
        if not text[end:following].lstrip().startswith(marker):
            break
        end = following
    return start, end


# --------------------------------------------------------------------------------------------------
# one conclusion per file


def _location(path: str, finding: Finding) -> Location:
    return Location(path, finding.line, finding.end_line if finding.end_line != finding.line else None)


def conclude(path: str, findings: list[Finding], terms: list[TermFinding], *, choice: bool = False,
             examined: str | None = None) -> LicenseConclusion | None:
    """One conclusion from everything found in a file (None when no license is named in it).

    Weak statements (references, unrecognised @license values) count only when nothing stronger names a
    license in the file: a reference to the license the notice names is dropped as a repetition, one to
    another license is kept as evidence that was not counted, with a note. Among the counted statements,
    one that names the same licenses as a stronger one (or only assumed the version scope the other states)
    gives way to it. Additional terms found inside a matched license text were judged by the text matcher."""
    if not findings:
        return None
    findings = sorted(findings, key=lambda f: (f.line, f.rank))
    strongest = min(f.rank for f in findings)
    strong = [f for f in findings if not (f.weak and f.rank > strongest)]
    strong_bases = frozenset().union(*(bases(f.expression) for f in strong))
    ignored: list[tuple[Finding, str]] = []
    for f in findings:
        if f.weak and f.rank > strongest and not bases(f.expression) <= strong_bases:
            ignored.append((f, "a stronger statement in the file decides"))
    kept: list[Finding] = []
    for f in strong:
        if any(_subsumes(g, f) for g in strong if g is not f):
            ignored.append((f, "another statement in the file names the same license more precisely"))
        else:
            kept.append(f)  # the same license stated twice: both are evidence, one expression
    expressions = list(dict.fromkeys(f.expression for f in kept))
    notes: list[str] = [n for f in kept for n in f.notes]
    unknown = [u for f in kept for u in f.unknown]
    for f, why in ignored:
        if f.weak and not bases(f.expression) <= strong_bases:  # another license: say so
            notes.append(f"line {f.line} refers to {f.expression} ('{cap(f.quote, 80)}'); not counted: {why}")
    notes.extend(_limit_notes(path, findings))
    texts = [(f.line, f.end_line) for f in kept if f.kind is EvidenceKind.LICENSE_TEXT]
    terms = _unique_terms(t for t in terms if not (
        t.term.kind == "further-restriction" and any(lo <= (t.term.location.line or 0) <= hi for lo, hi in texts)))
    node = _combine(expressions, kept, choice, notes)
    node, terms, term_notes, term_unknown = _apply_terms(node, terms, path)
    notes.extend(term_notes)
    unknown.extend(term_unknown)
    if examined:
        notes.append(f"{path}: {examined}")
    suffix = f"; {examined}" if examined else ""
    # Evidence in order: what the expression rests on (in file order), the additional terms, then what was
    # found but not counted. Readers of a conclusion quote its first evidence.
    counted: list[Evidence] = []
    for f in kept:
        if f.evidence:
            counted.extend(replace(e, detail=e.detail + suffix) for e in f.evidence)
        else:
            counted.append(Evidence(f.kind, _location(path, f), f.quote, f.detail + suffix, f.score))
    counted.sort(key=lambda e: (e.location.line or 0, e.kind.value))
    evidence = counted + [Evidence(EvidenceKind.ADDITIONAL_TERMS, t.term.location, t.quote, t.detail + suffix, 1.0)
                          for t in terms]
    evidence += sorted((Evidence(f.kind, _location(path, f), f.quote, f"{f.detail} (not counted: {why}){suffix}",
                                 f.score) for f, why in ignored), key=lambda e: e.location.line or 0)
    return LicenseConclusion(
        expression=licensing.render(node),
        evidence=tuple(dict.fromkeys(evidence)),
        unknown=tuple(dict.fromkeys(unknown)),
        notes=tuple(dict.fromkeys(notes)),
        confident=all(f.confident for f in kept) and all(t.confident for t in terms),
        additional_terms=tuple(t.term for t in terms),
    )


def _limit_notes(path: str, findings: list[Finding]) -> list[str]:
    per_kind: dict[EvidenceKind, int] = {}
    for f in findings:
        per_kind[f.kind] = per_kind.get(f.kind, 0) + 1
    return [
        f"{path}: the file has {count} or more {kind.value} statements; only the first {MAX_MATCHES} per rule "
        "and examined part were read"
        for kind, count in per_kind.items() if count >= MAX_MATCHES
    ]


def _unique_terms(terms) -> list[TermFinding]:
    """One term per clause: CiviCRM headers name their exception twice ("... and the CiviCRM Licensing
    Exception" in the grant and in "You should have received a copy of ...")."""
    seen: set[tuple] = set()
    unique = []
    for t in terms:
        key = (t.term.kind, t.term.text.casefold(), t.exception)
        if key not in seen:
            seen.add(key)
            unique.append(t)
    return unique


_LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")


def _parse(expression: str) -> licensing.Node:
    """The expression as a tree. A marker's LicenseRef stays as written even before licenses.yaml knows it
    (licensing.parse would rename it to an unknown reference); it is listed as unknown until then."""
    if _LICENSE_REF.fullmatch(expression):
        return licensing.Leaf(expression)
    return licensing.parse(expression)


def _subsumes(strong: Finding, weak: Finding) -> bool:
    """`strong` makes `weak` redundant: it names the same licenses (whatever the version scope) and is the
    stronger kind of statement, or it states the scope where `weak` only assumed one (a bare GNU URL)."""
    if strong.expression == weak.expression:
        return False
    if not bases(weak.expression) <= bases(strong.expression):
        return False
    if strong.rank < weak.rank:
        return True
    return strong.rank == weak.rank and strong.explicit_scope and not weak.explicit_scope


def _combine(expressions: list[str], kept: list[Finding], choice: bool, notes: list[str]) -> licensing.Node:
    nodes = [_parse(e) for e in expressions]
    if len(nodes) == 1:
        return nodes[0]
    where = ", ".join(
        f"{e} (line {next(f.line for f in kept if f.expression == e)})" for e in expressions
    )
    kind = licensing.AnyOf if choice else licensing.AllOf
    if choice:
        notes.append(f"the file names several licenses ({where}) and offers a choice: read as alternatives (OR)")
    else:
        notes.append(f"the file names several licenses ({where}): all are taken to apply (AND); "
                     "if they are alternatives, clarify")
    flat: list[licensing.Node] = []
    for n in nodes:  # "(A OR B) OR C" is "A OR B OR C"
        for part in (n.parts if isinstance(n, kind) else (n,)):
            if part not in flat:
                flat.append(part)
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def _apply_terms(
    node: licensing.Node, terms: list[TermFinding], path: str
) -> tuple[licensing.Node, list[TermFinding], list[str], list[str]]:
    """License exceptions go into the expression ("AGPL-3.0-only WITH ..."); the other terms stay terms,
    with a note. A restriction on a license that has no §7 to remove it by is a rider: the file's license is
    then not reported clean."""
    notes: list[str] = []
    unknown: list[str] = []
    leaves = licensing.leaves(node)
    gnu3 = bool(leaves) and all(base(leaf.key) in _GNU3 for leaf in leaves)
    riders: list[TermFinding] = []
    for t in terms:
        if t.note:
            notes.append(t.note)
        if t.exception:
            targets = [leaf for leaf in licensing.leaves(node) if base(leaf.key) in t.applies_to and not leaf.exception]
            if not targets:
                notes.append(f"{t.term.location}: the {t.exception} exception is stated, but not for a license it is an "
                             f"exception to ({', '.join(t.applies_to)})")
                continue
            node = _with_exception(node, t.exception, t.applies_to)
            if not licensing.is_known_exception(t.exception):
                notes.append(f"{t.exception} is not an SPDX license exception; osi-check has no knowledge of its terms yet")
                unknown.append(f"{t.exception} ({t.quote})")
        elif t.term.kind == "attribution" and t.term.required_notices:
            notes.append(f"GPL-3.0/AGPL-3.0 §{t.term.section or '7(b)'} attribution: the Appropriate Legal Notices must keep "
                         + " and ".join(f"'{n}'" for n in t.term.required_notices) + " visible")
        elif t.term.kind == "further-restriction":
            if gnu3:
                notes.append(f"{t.term.location}: a further restriction on a GPL-3.0-family license; §7 lets the "
                             f"recipient remove it: '{cap(t.term.text, 100)}'")
            else:
                riders.append(t)
    if riders:
        slug = re.sub(r"[^A-Za-z0-9.-]", "-", path.rpartition("/")[2])
        rider = licensing.Leaf(f"{licensing.UNKNOWN_PREFIX}additional-terms-in-{slug}")
        if rider not in licensing.leaves(node):
            node = licensing.AllOf((*(node.parts if isinstance(node, licensing.AllOf) else (node,)), rider))
        for t in riders:
            unknown.append(f"{t.term.location}: {cap(t.term.text, 150)}")
        notes.append("the file adds terms to its license that osi-check cannot assess: it is reported with an unknown "
                     "part until reviewed")
        terms = [replace(t, term=replace(t.term, kind="rider")) if t in riders else t for t in terms]
    return node, terms, notes, unknown


def _with_exception(node: licensing.Node, exception: str, applies_to: tuple[str, ...]) -> licensing.Node:
    if isinstance(node, licensing.Leaf):
        if not node.exception and base(node.key) in applies_to:
            return licensing.Leaf(node.key, exception)
        return node
    return type(node)(tuple(_with_exception(p, exception, applies_to) for p in node.parts))


__all__ = ["FileEvidenceDetector", "examine", "conclude", "MAX_MATCHES"]
