"""Debian's chromium, driven through Playwright: the one launcher the browser tests and benchmarks share.

No browser is downloaded: Playwright runs the system's /usr/bin/chromium (`apt-get install chromium`).
The flags keep the browser from reaching out by itself (component updates, sync, background networking),
so a test that sees a network request knows the page made it.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def executable() -> str | None:
    path = os.environ.get("OSI_CHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


@contextmanager
def launch():
    """A headless chromium browser (Playwright Browser); raises RuntimeError when chromium is missing."""
    from playwright.sync_api import sync_playwright

    path = executable()
    if path is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
