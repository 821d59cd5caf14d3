"""`osi-check license` end to end: ids, files, stdin, formats, exit codes, and the HTML page's safety."""

from __future__ import annotations

import json

import jsonschema

from osi_check.osd import corpus
from tests.conftest import REPO, run_cli

SCHEMA = json.loads((REPO / "reports" / "schemas" / "license-assessment-1.schema.json").read_text("utf-8"))


def test_spdx_id_json_validates_and_exit_code_follows_the_verdict():
    ok = run_cli("license", "mit", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["license"] == "MIT" and data["verdict"] == "osi-approved"
    bad = run_cli("license", "Elastic-2.0", "--format", "json")
    assert bad.returncode == 1
    data = json.loads(bad.stdout)
    assert {c["number"] for c in data["criteria"] if c["verdict"] == "fail"} >= {3, 6}


def test_a_file_and_stdin_give_the_same_assessment(tmp_path):
    text = corpus.text("MIT") + "\n\n" + corpus.text("LicenseRef-scancode-commons-clause")
    path = tmp_path / "LICENSE"
    path.write_text(text, "utf-8")
    from_file = run_cli("license", str(path), "--format", "json")
    import subprocess
    import sys

    from_stdin = subprocess.run([sys.executable, "-m", "osi_check", "license", "-", "--format", "json"], input=text,
                                capture_output=True, text=True, cwd=REPO)
    assert from_file.returncode == from_stdin.returncode == 1
    a, b = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert a["criteria"] == b["criteria"] and a["verdict"] == "does-not-conform"
    sell = next(c for c in a["criteria"] if c["number"] == 1)
    assert "right to Sell" in sell["clause"] and sell["location"].startswith("line ")


def test_text_output_quotes_failing_clauses():
    result = run_cli("license", "JSON")
    assert result.returncode == 1
    assert "does NOT conform" in result.stdout and "Good, not Evil" in result.stdout


def test_html_is_self_contained_and_escapes_the_text(tmp_path):
    path = tmp_path / "EULA.txt"
    path.write_text("Vendor EULA\n\nYou may not redistribute the Software. <script>alert(1)</script> "
                    "You may not modify the Software <img src=x onerror=alert(2)>.\n", "utf-8")
    out = tmp_path / "page.html"
    result = run_cli("license", str(path), "--format", "html", "-o", str(out))
    assert result.returncode == 1, result.stderr
    html = out.read_text("utf-8")
    assert 'http-equiv="Content-Security-Policy"' in html and "default-src 'none'" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html
    assert "http://" not in html.replace("http-equiv", "") and "https://" not in html.split("<body>")[0].replace("https://osi", "")


def test_bad_targets_exit_2_naming_them(tmp_path):
    unknown = run_cli("license", "Not-A-License-9")
    assert unknown.returncode == 2 and "Not-A-License-9" in unknown.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    result = run_cli("license", str(empty))
    assert result.returncode == 2 and "empty.txt" in result.stderr
    binary = tmp_path / "font.ttf"
    binary.write_bytes(b"\x00\x01\x00\x00binary")
    result = run_cli("license", str(binary))
    assert result.returncode == 2 and "font.ttf" in result.stderr


def test_withheld_id_reads_clause_by_clause():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "LICENSE"
        path.write_text(corpus.text("EUPL-1.2"), "utf-8")
        data = json.loads(run_cli("license", str(path), "--withhold-id", "--format", "json").stdout)
    assert data["basis"] == "clause-detectors" and {c["verdict"] for c in data["criteria"]} == {"pass"}
