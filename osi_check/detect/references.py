"""Tags and references that NAME a license in a file: SPDX-License-Identifier tags, `@license` doc tags,
"Licensed under the MIT license" sentences, "License: BSD-3-Clause" lines and license URLs.

Unlike notices (notices.py), these carry no wording of their own: the named license is read by
`licensing.normalize`, the same reading every declared license string gets. A tag is a deliberate
statement, so an unrecognised tag value is reported as unknown with its raw string. A reference is prose,
so it only counts when normalize recognises the whole name or URL: "License Agreement", "license key",
"Licensed to the Apache Software Foundation" and product names are never reported as licenses.
"""

from __future__ import annotations

import re
from dataclasses import replace

from osi_check import licensing
from osi_check.detect.comments import Prose, Region, cap
from osi_check.detect.findings import Finding, bases
from osi_check.detect.notices import MAX_MATCHES, find_notices, occurrences, with_exceptions
from osi_check.facts import EvidenceKind

# --------------------------------------------------------------------------------------------------
# SPDX-License-Identifier tags (the reading of the former SpdxTagDetector, unchanged)

_TAG = re.compile(r"SPDX-License-Identifier:[ \t]*+([^\r\n]{0,300})", re.IGNORECASE)
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
    return cap(text[start: end if end >= 0 else len(text)].strip())


def find_spdx_tags(prose: Prose) -> list[Finding]:
    text = prose.region.text
    found: list[Finding] = []
    if "spdx-license-identifier" not in prose.lower:
        return found
    for count, m in enumerate(_TAG.finditer(text)):
        if count >= MAX_MATCHES:
            break
        value = _clean_value(m.group(1))
        if not value:
            continue
        normalized = licensing.normalize(value)
        if not normalized.expression:
            continue
        line = prose.line_of_raw(m.start())
        found.append(
            Finding(
                kind=EvidenceKind.SPDX_TAG,
                expression=normalized.expression,
                line=line,
                end_line=line,
                quote=_line_text(text, m.start()),
                detail="SPDX-License-Identifier tag",
                score=1.0,
                unknown=normalized.unknown,
                notes=normalized.notes,
                confident=normalized.confident,
                choice=" OR " in normalized.expression,
            )
        )
    return found


# --------------------------------------------------------------------------------------------------
# @license doc tags (PHPDoc, JSDoc, Closure)

_AT_LICENSE = re.compile(r"@licen[cs]e\b[ \t]*+:?[ \t]*+([^\r\n]{0,200})", re.IGNORECASE)
_TAG_END = re.compile(r"\*/|-->|\s@\w|;|,?\s+see\s", re.IGNORECASE)
_URL_TOKEN = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']{1,200}|\b[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}/[^\s<>()\[\]\"']{0,200}")
# "@license React v18.2.0": Closure Compiler's convention to keep a banner, naming the product, not a license
_PRODUCT_BANNER = re.compile(r"^[\w.@/-]{1,60}(?: [\w.@/-]{1,60}){0,2} v?\d{1,4}(?:\.\d{1,4}){1,3}\S*$")


def find_license_tags(prose: Prose, markers: list[Finding]) -> list[Finding]:
    """`@license <id or name> [url]` doc tags. A tag that is a marker (markers.yaml) is the marker's."""
    text = prose.stripped
    found: list[Finding] = []
    if "@licen" not in prose.lower:
        return found
    marker_lines = {f.line for f in markers}
    for count, m in enumerate(_AT_LICENSE.finditer(text)):
        if count >= MAX_MATCHES:
            break
        line = prose.line_of_stripped(m.start())
        if line in marker_lines:
            continue
        value = _TAG_END.split(m.group(1), 1)[0].strip()
        if not value or value[0] in "{<$[%":
            continue  # a placeholder or an inline tag
        url_match = _URL_TOKEN.search(value)
        url = url_match.group(0).rstrip(".,;") if url_match else None
        name = (value[: url_match.start()] + value[url_match.end():]) if url_match else value
        name = name.strip().strip("()[]<>-–:,").strip()
        by_name = licensing.normalize(name) if name else None
        by_url = licensing.normalize(url) if url else None
        notes: list[str] = []
        explicit = True
        if by_name is not None and by_name.expression and not by_name.unknown:
            chosen, how = by_name, f"@license tag '{name}'"
            if by_url is not None and by_url.expression and not by_url.unknown and bases(by_url.expression) != bases(
                    by_name.expression):
                notes.append(f"the @license tag names {by_name.expression} but its URL '{url}' is {by_url.expression}")
        elif by_url is not None and by_url.expression and not by_url.unknown:
            chosen, how, explicit = by_url, f"@license tag URL '{url}'", by_url.confident
        elif name and (as_notice := _as_notice(name)) is not None:
            chosen, how = as_notice, f"@license tag '{name}', read like a notice"
        elif name and _PRODUCT_BANNER.match(name):
            continue
        else:
            chosen = by_name if by_name is not None and by_name.expression else by_url
            if chosen is None or not chosen.expression:
                continue
            how = f"@license tag '{value}' (not a known license)"
        found.append(
            Finding(
                kind=EvidenceKind.TAG,
                expression=chosen.expression,
                line=line,
                end_line=line,
                quote=cap(m.group(0)),
                detail=how,
                score=0.9 if chosen is by_name else 0.7,
                unknown=chosen.unknown,
                notes=(*_useful(chosen.notes), *notes),
                confident=chosen.confident,
                explicit_scope=explicit,
                choice=" OR " in chosen.expression,
            )
        )
    return found


def _as_notice(name: str) -> licensing.Normalized | None:
    """A tag value that names a GNU license the way notices do ("GNU Lesser General Public License", no
    version): read by the notice knowledge (notices.yaml), which knows what a missing version means."""
    if "gnu" not in name.lower():
        return None
    found = find_notices(Prose(Region(f"licensed under the {name}")))
    if len(found) != 1 or found[0].unknown:
        return None
    f = found[0]
    return licensing.Normalized(f.expression, (), f.notes, f.confident)


def _useful(notes: tuple[str, ...]) -> tuple[str, ...]:
    """normalize's remarks that matter for a name found in a file (not "read as MIT (declared-string alias)")."""
    return tuple(n for n in notes if "declared-string alias" not in n and "sentence" not in n
                 and not _PLAIN_URL_NOTE.match(n))


_PLAIN_URL_NOTE = re.compile(r"^the license URL '[^']*' read as [\w.+-]+(?: \(licensedcode-data license URLs\))?$")


# --------------------------------------------------------------------------------------------------
# references in prose

_NAME_CHARS = r"[^.;:()<>\[\]{}\"|!?]"
# "<lead> under <name>": the verb before " under " (the anchor) is the lead
_REF_LEAD = re.compile(
    r"\b(?P<lead>(?:dual[- ]|multi[- ]|double[- ])?licen[cs]ed|released|distributed|available|published|provided"
    r"|covered|governed|offered)(?: to you)?\Z",
    re.IGNORECASE,
)
_REF_UNDER = re.compile(
    r" under (?:either |both )?(?:of )?(?:the )?(?:terms (?:and conditions )?of (?:either |both )?(?:the )?)?(?P<name>"
    + _NAME_CHARS + r"{1,100}?\blicen[cs]es?\b"
    r"(?:,? (?:version |v\.? ?)?\d{1,2}(?:\.\d{1,2})?\b(?!\.\d))?(?: \(?(?:or|and) (?:any )?later(?: versions?)?\)?)?)",
    re.IGNORECASE,
)
# "<lead> under <a few words>": the longest run of the first words that names a license ("the GNU GPL v3 or later")
_REF_BARE = re.compile(r" under (?:the )?(?P<name>[A-Za-z0-9][\w.+-]{0,40}(?: [\w.+()-]{1,40}){0,5})", re.IGNORECASE)
BARE_WORDS = 6
_REF_SHORT = re.compile(r"(?i:licen[cs]ed) (?P<name>[A-Z0-9][\w.+-]{1,30}(?:(?:,| or| and) [A-Z0-9][\w.+-]{1,30}){0,3})")
_REF_LINE = re.compile(
    r"^[ \t]*+Licen[cs]e(?:[ \t]*+:[ \t]*+|[ \t]++)(?P<name>[^\n()]{1,80}?)[ \t]*+(?:\((?P<url>[^)\n]{1,200})\))?[ \t.]*+\r?$",
    re.IGNORECASE | re.MULTILINE,
)
# Literals near which a license URL is looked for (lower case)
# A markdown "License" section whose first line names the license ("MIT © Sindre Sorhus", "**[MIT](LICENSE)**")
_MD_SECTION = re.compile(
    r"^#{1,6}[ \t]*+Licen[cs]e[ \t#]*+\r?\n(?:[ \t]*+\r?\n){0,3}(?P<name>[^\n]{1,120})$", re.IGNORECASE | re.MULTILINE
)
_MD_LINK_TARGET = re.compile(r"\]\([^)\n]{0,200}\)")
_MD_NAME_END = re.compile(r"\s*(?:©|\(c\)|\s-\s|\s—\s|,|;|\.\s|\.$)", re.IGNORECASE)
_URL_HINTS = ("licen", "opensource.org", "gnu.org", "mozilla.org/mpl", "creativecommons.org", "eclipse.org/legal",
              "spdx.org")
_DELIMS = r"[^\s\"'<>()\[\]{}|,`]"
_TOKEN_LEFT = re.compile(_DELIMS + r"{0,200}\Z")
_TOKEN_RIGHT = re.compile(_DELIMS + r"{0,200}")
_URL_SHAPE = re.compile(r"^(?:https?://|www\.)|^[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}/", re.IGNORECASE)


def _reference(prose: Prose, raw: str, start: int, end: int, detail: str, score: float, *, lines=None,
               choice: bool = False) -> Finding | None:
    name = raw.strip().rstrip(".-,").strip().strip("[]*_`").strip()  # "License: **[MIT](LICENSE)**"
    if not name:
        return None
    normalized = licensing.normalize(with_exceptions(name))
    if not normalized.expression or normalized.unknown:
        return None  # prose that names no license osi-check recognises is not evidence
    first, last = lines or prose.lines(start, end)
    quote = prose.flat[start:end] if lines is None else prose.stripped[start:end]
    return Finding(
        kind=EvidenceKind.REFERENCE,
        expression=normalized.expression,
        line=first,
        end_line=last,
        quote=cap(quote),
        detail=f"{detail}: '{cap(name, 80)}'",
        score=score,
        notes=_useful(normalized.notes),
        confident=normalized.confident,
        explicit_scope=normalized.confident,
        choice=choice or " OR " in normalized.expression,
    )


def find_references(prose: Prose) -> list[Finding]:
    """References to a license by name or URL; overlapping readings of one sentence are reported once."""
    found: list[Finding] = []
    spans: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in spans)

    flat, lower = prose.flat, prose.lower
    for i in occurrences(lower, " under ", 4 * MAX_MATCHES):
        lead = _REF_LEAD.search(flat, max(0, i - 40), i)
        if lead is None:
            continue
        choice = lead.group("lead").lower().startswith(("dual", "multi", "double"))
        finding, end = None, i
        m = _REF_UNDER.match(flat, i)
        if m is not None and free(lead.start(), m.end()):
            finding, end = _reference(prose, m.group("name"), lead.start(), m.end(), "reference", 0.6,
                                      choice=choice), m.end()
        m = _REF_BARE.match(flat, i) if finding is None else None
        if m is not None:
            words = m.group("name").split(" ")[:BARE_WORDS]
            for k in range(len(words), 0, -1):  # the longest run of first words that names a license
                name = " ".join(words[:k])
                end = m.start("name") + len(name)
                if free(lead.start(), end):
                    finding = _reference(prose, name, lead.start(), end, "reference", 0.6, choice=choice)
                if finding is not None:
                    break
        if finding is not None:
            found.append(finding)
            spans.append((lead.start(), end))
    for i in sorted(occurrences(lower, "licensed ", MAX_MATCHES) + occurrences(lower, "licenced ", MAX_MATCHES)):
        m = _REF_SHORT.match(flat, i)
        if m is None or not free(m.start(), m.end()) or (i > 0 and flat[i - 1].isalnum()):
            continue
        finding = _reference(prose, m.group("name"), m.start(), m.end(), "reference", 0.5)
        if finding is not None:
            found.append(finding)
            spans.append((m.start(), m.end()))
    stripped = prose.stripped
    for count, m in enumerate(_REF_LINE.finditer(stripped)):
        if count >= MAX_MATCHES:
            break
        line = prose.line_of_stripped(m.start())
        finding = _reference(prose, m.group("name"), m.start(), m.end(), "'License' line", 0.6, lines=(line, line))
        if finding is None and m.group("url"):
            finding = _reference(prose, m.group("url"), m.start(), m.end(), "'License' line URL", 0.5,
                                 lines=(line, line))
        if finding is not None:
            found.append(finding)
    found.extend(_markdown_sections(prose))
    found.extend(_urls(prose, {f.line for f in found}))
    return found


def find_banner_parts(prose: Prose) -> list[Finding]:
    """The parts of a minified file's banner between "|" that are a license name and nothing else
    ("/*! export v0.8.8 | MIT License | github.com/example/export */"). Sentences and URLs are read by the
    other references."""
    flat = prose.flat
    if "|" not in flat:
        return []
    found: list[Finding] = []
    pos = 0
    for part in flat.split("|")[:12]:
        start = flat.find(part, pos)
        pos = start + len(part)
        name = part.strip(" !*/")
        if not name or len(name) > 60 or "/" in name or " under " in name.lower():
            continue
        normalized = licensing.normalize(name)
        if not normalized.expression or normalized.unknown or not normalized.confident:
            continue
        finding = _reference(prose, name, start, pos, "part of a banner", 0.5)
        if finding is not None:
            found.append(finding)
    return found


def _markdown_sections(prose: Prose) -> list[Finding]:
    text = prose.region.text
    if "licen" not in prose.lower or "#" not in text:
        return []
    found = []
    for count, m in enumerate(_MD_SECTION.finditer(text)):
        if count >= MAX_MATCHES:
            break
        line_text = _MD_LINK_TARGET.sub("]", m.group("name"))
        name = _MD_NAME_END.split(line_text, 1)[0]
        line = prose.line_of_raw(m.start("name"))
        finding = _reference(prose, name, m.start("name"), m.end("name"), "the first line of a 'License' section",
                             0.5, lines=(line, line))
        if finding is not None:
            found.append(replace(finding, quote=cap(m.group("name"))))
    return found


def _urls(prose: Prose, lines_with_references: set[int]) -> list[Finding]:
    """License URLs ("https://opensource.org/licenses/MIT", "jquery.org/license") that normalize knows."""
    text = prose.stripped
    lower = text.lower() if len(text.lower()) == len(text) else text  # offsets must match the text
    found: list[Finding] = []
    seen: set[int] = set()
    hits = sorted(i for hint in _URL_HINTS for i in occurrences(lower, hint, 4 * MAX_MATCHES))
    for hit in hits[: 4 * MAX_MATCHES]:
        if len(found) >= MAX_MATCHES:
            break
        if lower.startswith("licen", hit) and (hit == 0 or text[hit - 1] not in "/-."):
            continue  # "licen" starts a URL's path or name ("/licenses/MIT", "mit-license.org"), not prose
        left = _TOKEN_LEFT.search(text, max(0, hit - 200), hit)
        start = left.start() if left else hit
        if start in seen:
            continue
        seen.add(start)
        token = text[start: _TOKEN_RIGHT.match(text, hit).end()].rstrip(".;:")
        if "/" not in token or not _URL_SHAPE.match(token):
            continue
        line = prose.line_of_stripped(start)
        if line in lines_with_references:
            continue  # "Released under the MIT license: https://opensource.org/licenses/MIT": one reference
        finding = _reference(prose, token, start, start + len(token), "license URL", 0.5, lines=(line, line))
        if finding is not None:
            found.append(finding)
    return found
