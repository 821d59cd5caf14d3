"""Several reports from one scan, through the real command line; and the golden files of every
deterministic format for the bundled example (`pytest --update-golden` rewrites them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from osi_check.formats import FORMATS
from osi_check.formats.outputs import Output, OutputSpecError, parse_outputs
from tests.conftest import EXAMPLE, run_cli

GOLDEN = {"html": "example-saas.html", "sarif": "example-saas.sarif", "spdx-json": "example-saas.spdx.json",
          "spdx-tv": "example-saas.spdx", "cyclonedx": "example-saas.cdx.json", "notice": "example-saas.NOTICE",
          "markdown": "example-saas.md"}


def test_parse_outputs():
    assert parse_outputs((), None) == [Output("text", None)]
    assert parse_outputs(("json",), Path("r.json")) == [Output("json", Path("r.json"))]
    assert parse_outputs(("html=a.html", "sarif=b.sarif", "text"), None) == [
        Output("html", Path("a.html")), Output("sarif", Path("b.sarif")), Output("text", None)]
    assert parse_outputs(("html=a=b.html",), None) == [Output("html", Path("a=b.html"))]
    for specs, output, message in [
        (("pdf",), None, "unknown format 'pdf'"),
        (("html", "sarif"), None, "only one report can go to -o or standard output"),
        (("html=a",), Path("b"), "-o/--output names no report"),
        (("html=a", "sarif=a"), None, "two reports would be written to the same file"),
        (("html=",), None, "no file after '='"),
    ]:
        with pytest.raises(OutputSpecError, match=message):
            parse_outputs(specs, output)


def test_one_scan_writes_every_report(tmp_path):
    args = [f"--format={name}={tmp_path / name}" for name in FORMATS if name != "text"]
    result = run_cli("scan", str(EXAMPLE), "--deployment", "saas", "--fail-on", "never", *args, "--format", "text")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("REPORT: ")
    for name in FORMATS:
        if name != "text":
            assert (tmp_path / name).stat().st_size > 500, name
            assert f"{name} report written to {tmp_path / name}" in result.stderr
    assert (tmp_path / "html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_a_bad_format_combination_is_a_usage_error(tmp_path):
    result = run_cli("scan", str(EXAMPLE), "--format", "html", "--format", "sarif")
    assert result.returncode == 2
    assert "only one report can go to -o or standard output" in result.stderr


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden(example, golden, name):
    golden(GOLDEN[name], FORMATS[name](example))
