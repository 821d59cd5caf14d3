"""The HTML report as a file: self-contained, with a Content-Security-Policy that allows exactly its own
inline script and stylesheet, every section present when the report holds it, hostile text escaped.
What a browser does with it is tested in tests/browser."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

from osi_check.formats import summary, html
from tests.formats.conftest import HOSTILE, PAYLOAD, SCRIPT_PAYLOAD


class _Page(HTMLParser):
    """Collects what matters for safety: elements, attributes, script and style bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self._in: tuple[str, dict] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in ("script", "style"):
            self._in = (tag, attrs)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in is None:
            self.text.append(data)
        elif self._in[0] == "script":
            self.scripts.append((self._in[1], data))
        else:
            self.styles.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_allows_only_the_inline_script_and_style_by_hash(example):
    text = html.render(example)
    page = _parse(text)
    (csp,) = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp
    executable = [body for attrs, body in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 1 and len(page.styles) == 1
    assert f"script-src {_hash(executable[0])};" in csp
    assert f"style-src {_hash(page.styles[0])};" in csp
    # the policy comes before anything it governs
    assert text.index("Content-Security-Policy") < text.index("<style>") < text.index("<script")


def test_self_contained_no_reference_to_anything_outside(example):
    page = _parse(html.render(example))
    for tag, attrs in page.tags:
        assert "src" not in attrs, (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith("#"), (tag, attrs)
    assert not [t for t, _ in page.tags if t in ("link", "iframe", "object", "embed", "img", "base", "form")]


def test_example_sections_in_reading_order(example):
    text = html.render(example)
    order = ["summary-h", "decisions", "checklist-h", "licenses-h", "findings-h", "texts-h"]
    positions = [text.index(f'id="{heading}"') for heading in order]
    assert positions == sorted(positions)
    counts = example.count_by_severity()
    assert f"REPORT: {counts['error']} error(s), {counts['warning']} warning(s), {counts['note']} note(s)" in text
    # the license texts come from licensedcode-data, one per license in use
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in text and "Permission is hereby granted, free of charge" in text
    assert "licensedcode-data" in text
    # sections with nothing to show are left out
    for absent in ("Fee analysis", "Open Source Definition verdicts", "Waived findings"):
        assert absent not in text
    # the example's obligations carry actions, so the checklist is shown
    assert "Obligations checklist" in text and "Keep the attribution notices" in text


def test_inventory_and_findings_data_carry_every_component_and_finding(example):
    page = _parse(html.render(example))
    data = {attrs["id"]: json.loads(body) for attrs, body in page.scripts if attrs.get("type") == "application/json"}
    rows = data["inventory-data"]["rows"]
    assert [r[0] for r in rows] == [c.name for c in example.components]
    assert {r[6] for r in rows} >= {"Permissive", "Copyleft", "Commercial", "Unknown"}
    findings = data["findings-data"]
    assert len(findings["rows"]) == len(example.findings)
    decoded = [findings["strings"][i] for i in findings["rows"][0][:4]]
    first = sorted(example.findings, key=lambda f: (summary.topic_key(f.topic), f.rule_id, f.sort_key()))[0]
    assert decoded == [first.severity.value, first.subject.name, first.subject.location, first.message]
    groups = [t for t, a in page.tags if t == "details" and "data-start" in a]
    assert groups


def test_chart_counts_components_by_category(example):
    text = html.render(example)
    svg = text[text.index("<svg"):text.index("</svg>")]
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)
    assert labels[0] == "Permissive" and "Copyleft" in labels and "Commercial" in labels
    counts = [int(n) for n in re.findall(r">(\d+) \(\d+%\)<", svg)]
    assert sum(counts) == len(example.components)


def test_every_section_other_stages_fill_is_rendered(full):
    text = html.render(full)
    for heading in ("Obligations checklist", "Source-disclosure obligations", "Fee analysis",
                    "Open Source Definition verdicts", "Modifications", "Waived findings"):
        assert f">{heading}<" in text, heading
    assert "a prominent offer with a link to a download at no charge" in text  # action: how
    assert "for as long as the service is offered" in text  # action: by when
    assert "Per-user royalty" in text and "tag-forbidden" in text
    assert "you may not publish, distribute, sublicense, or sell copies" in text
    assert "modules/Accounts/Account.php" in text and "(whitespace only)" in text
    assert "SuiteCRM 8.6.1 (git tag v8.6.1)" in text
    waivers = text[text.index('id="waivers"'):text.index('id="texts"')]
    assert "the module is published on the vendor&#39;s site" in waivers and "legal@example.com" in waivers
    assert "commercial-license" in waivers and "licence bought 2026-01" in waivers
    assert "2 waived" in text  # the verdict line counts them


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    if isinstance(data, dict):
        return [s for item in data.values() for s in _strings(item)]
    return []


def test_hostile_text_is_escaped_everywhere(hostile):
    text = html.render(hostile)
    page = _parse(text)
    # no element or attribute came from the payloads
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    executable = [body for attrs, body in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 1 and "__osiPwned" not in executable[0]
    # the JSON blocks hold the payloads as data, with no '<' that could end the block
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            assert "<" not in body and ">" not in body
            assert PAYLOAD in _strings(json.loads(body))
    # the server-rendered parts show the payloads as text
    visible = "".join(page.text)
    assert PAYLOAD in visible and SCRIPT_PAYLOAD in visible
    assert all(raw not in text for raw in HOSTILE[:3])


def test_an_expression_that_is_not_spdx_does_not_break_the_report(example):
    import dataclasses

    broken = dataclasses.replace(example.components[0],
                                 license=dataclasses.replace(example.components[0].license, expression="MIT AND ("))
    text = html.render(dataclasses.replace(example, components=(broken,) + example.components[1:]))
    assert "MIT AND (" in text


def test_large_findings_data_is_compressed_and_round_trips():
    import gzip

    data = {"strings": ["x" * 600_000, "y" * 600_000], "rows": [[0, 1]]}
    block, encoding = html.findings_block(data)
    assert encoding == "gzip-base64"
    assert json.loads(gzip.decompress(base64.b64decode(str(block)))) == data
    assert html.findings_block({"strings": ["a"], "rows": [[0]]}) == ('{"strings":["a"],"rows":[[0]]}', "json")


def test_headings_never_skip_a_level_and_controls_are_labelled(full):
    page = _parse(html.render(full))
    levels = [int(t[1]) for t, _ in page.tags if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    ids = {a["id"] for _, a in page.tags if "id" in a}
    labelled = {a["for"] for t, a in page.tags if t == "label"}
    assert {a["id"] for t, a in page.tags if t in ("input", "select")} <= labelled <= ids
    assert ("html", {"lang": "en"}) in page.tags
