"""The HTML report in a real headless chromium: loads clean and offline, the inventory filters and
sorts, findings open, it prints to an A4 PDF, and hostile text stays text."""

from __future__ import annotations

import re

import pytest

from bench.make_large_report import large_report
from tests.browser.conftest import ARTIFACTS
from tests.formats.conftest import PAYLOAD, SCRIPT_PAYLOAD


def _wait_for_findings(page, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('ol.finding-list > li').length === {count}", timeout=20_000)


def _rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#inventory-body tr", "rows => rows.map(r => Array.from(r.cells, c => c.textContent))")


@pytest.fixture
def example_page(example, open_report):
    return open_report(example)


def test_loads_without_console_errors_or_network_requests(example_page):
    assert example_page.console_errors() == []
    assert example_page.outside_requests() == []
    assert example_page.page.title() == "License compliance report: suitecrm-deployment"


def test_screenshot_is_kept(example_page):
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "html-report-example.png"
    example_page.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_filter_by_text_and_by_category(example, example_page):
    page = example_page.page
    assert len(_rows(page)) == len(example.components)
    page.fill("#inventory-filter", "lgpl")
    rows = _rows(page)
    assert rows and all("lgpl" in " ".join(r).lower() for r in rows)
    assert len(rows) == sum(1 for c in example.components if "lgpl" in (c.license.expression or "").lower())
    page.fill("#inventory-filter", "")
    page.select_option("#inventory-category", "Copyleft")
    rows = _rows(page)
    assert rows and {r[6] for r in rows} == {"Copyleft"}
    assert page.text_content("#inventory-status").startswith(f"Showing {len(rows)} of {len(rows)} matching")


def test_sort_by_clicking_and_by_keyboard(example_page):
    page = example_page.page
    page.click("#inventory th >> nth=0 >> button")
    names = [r[0].lower() for r in _rows(page)]
    assert names == sorted(names)
    assert page.get_attribute("#inventory th >> nth=0", "aria-sort") == "ascending"
    page.focus("#inventory th >> nth=0 >> button")
    page.keyboard.press("Enter")
    names = [r[0].lower() for r in _rows(page)]
    assert names == sorted(names, reverse=True)
    assert page.get_attribute("#inventory th >> nth=0", "aria-sort") == "descending"
    page.click("#inventory th >> nth=9 >> button")
    page.click("#inventory th >> nth=9 >> button")
    counts = [int(r[9]) for r in _rows(page)]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 1


def test_findings_are_drawn_when_opened(example, example_page):
    page = example_page.page
    assert page.locator("ol.finding-list > li").count() == 0
    page.click("details.finding-group >> nth=0 >> summary")
    page.wait_for_selector("details.finding-group >> nth=0 >> ol.finding-list > li")
    page.click("#expand-all")
    _wait_for_findings(page, len(example.findings))
    assert "needs information" in page.text_content("ol.finding-list")


def test_prints_to_an_a4_pdf(example_page):
    page = example_page.page
    page.emulate_media(media="print")
    assert not page.is_visible("#inventory-filter")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "html-report-example.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 3
    media_box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert media_box and abs(float(media_box.group(1)) - 595.9) < 2 and abs(float(media_box.group(2)) - 842.9) < 2


def test_hostile_content_is_never_executed(hostile, open_report):
    watched = open_report(hostile, "hostile")
    page = watched.page
    page.click("#expand-all")  # draws every finding and every inventory row
    _wait_for_findings(page, len(hostile.findings))
    assert page.evaluate("typeof window.__osiPwned") == "undefined"
    assert page.locator("#inventory-body img, #findings img, #inventory-body svg, #findings svg").count() == 0
    assert page.locator("script").count() == 3  # the two data blocks and the report's own script
    cells = page.eval_on_selector_all("#inventory-body th", "cells => cells.map(c => c.textContent)")
    assert any(cell.endswith(PAYLOAD) for cell in cells)  # a package name
    statuses = [row[7] for row in _rows(page)]
    assert f"unknown: declared as {PAYLOAD}" in statuses  # a license string as declared
    assert SCRIPT_PAYLOAD in page.text_content("#findings")
    assert PAYLOAD in page.text_content("h1")
    # an executed <img src=x> would have asked for x; a CSP violation would have been logged
    assert watched.outside_requests() == []
    assert watched.console_errors() == []


def test_five_thousand_components_stay_usable(open_report):
    report = large_report(components=5000, findings=2000)
    watched = open_report(report, "large")
    page = watched.page
    assert page.locator("#inventory-body tr").count() == 250  # a first page, not 5,000 rows at once
    assert page.text_content("#inventory-status") == "Showing 250 of 5000 matching components (5000 in all)"
    page.fill("#inventory-filter", "mailer-49")
    rows = _rows(page)
    assert rows and all("mailer-49" in r[0] for r in rows)
    page.fill("#inventory-filter", "")
    page.click("#inventory-more")
    assert page.locator("#inventory-body tr").count() == 5000
    assert watched.console_errors() == []


def test_a_large_report_carries_its_findings_compressed(open_report):
    report = large_report(components=500, findings=6000)
    watched = open_report(report, "compressed")
    page = watched.page
    assert page.get_attribute("#findings-data", "data-encoding") == "gzip-base64"
    page.wait_for_function("document.documentElement.getAttribute('data-findings') === 'ready'")
    page.click("#expand-all")
    _wait_for_findings(page, len(report.findings))
    messages = set(page.eval_on_selector_all("p.finding-message", "ps => ps.map(p => p.textContent)"))
    assert messages == {f.message for f in report.findings}
    assert watched.console_errors() == [] and watched.outside_requests() == []
