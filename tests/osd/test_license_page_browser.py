"""The license page in a real browser (Debian chromium, headless): a hostile clause stays text, the page renders
its verdict and the quoted clauses offline."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from osi_check.osd.assess import assess_text
from osi_check.osd.page import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_hostile_eula_renders_as_text(tmp_path):
    eula = ("Vendor EULA\n\nYou may not redistribute the Software.<script>document.title='pwned'</script>\n\n"
            "You may not modify the Software <img src=x onerror=\"document.title='pwned'\">.\n")
    page = tmp_path / "license.html"
    page.write_text(render_html(assess_text(eula, "EULA.txt")), "utf-8")
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout
    assert "<title>Open Source Definition assessment: EULA.txt</title>" in dom
    assert "pwned" not in dom.split("</title>")[0]
    assert "does NOT conform" in dom and "&lt;script&gt;" in dom and "<img" not in dom
