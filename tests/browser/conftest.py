"""Browser tests run the HTML report in Debian's headless chromium (bench/chromium.py launches it).

Without chromium the tests are skipped on a developer's machine (`apt-get install -y chromium`), and
fail in CI (CI=true), where .ci/run installs it: a green CI must mean the browser tests ran.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import chromium
from osi_check.formats import html
from tests.conftest import REPO
from tests.formats.conftest import example, hostile  # noqa: F401 - the same reports, as fixtures here too

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if chromium.executable() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs it with apt-get install -y chromium")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with chromium.launch() as browser:
        yield browser


class Watched:
    """A page with every console message, page error and request it caused recorded."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url, wait_until="load")

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if url != self.url]

    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("error", "warning")] + self.errors


@pytest.fixture
def open_report(browser, tmp_path):
    """Render a Report to HTML in a file and open it in a watched page."""
    opened: list[Watched] = []

    def open_(report, name: str = "report") -> Watched:
        path = tmp_path / f"{name}.html"
        path.write_text(html.render(report), "utf-8")
        watched = Watched(browser, path)
        opened.append(watched)
        return watched

    yield open_
    for watched in opened:
        watched.context.close()
