"""Shared test helpers. Tests run the real code on real files: no mocks where the real thing runs here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "suitecrm-deployment"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a user would (python -m osi_check)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("OSI_CHECK_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "osi_check", *args],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads((REPO / "reports" / "schemas" / "report-1.schema.json").read_text("utf-8"))


def pytest_configure(config):
    """The license index is cached per user (osi_check.detect.index); tests keep theirs apart, in pytest's
    cache directory, so that it is built once and reused by later runs (a test that needs a fresh cache sets
    OSI_CHECK_CACHE_DIR to its own tmp_path). Subprocesses (run_cli) inherit the variable."""
    if os.environ.get("OSI_CHECK_CACHE_DIR"):
        return
    cache = getattr(config, "cache", None)
    if cache is not None:
        directory = cache.mkdir("osi-check-index")
    else:  # -p no:cacheprovider
        import tempfile

        directory = Path(tempfile.gettempdir()) / f"osi-check-test-index-{os.getuid()}"
    os.environ["OSI_CHECK_CACHE_DIR"] = str(directory)


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/* from the current output instead of comparing (review the diff before committing).",
    )


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/<name>; with --update-golden, rewrite the file instead."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = REPO / "tests" / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, "utf-8")
            return
        assert path.is_file(), f"missing golden file {path}; run pytest --update-golden and review it"
        expected = path.read_text("utf-8")
        assert actual == expected, f"{name} differs from the golden file; if intended, run pytest --update-golden"

    return check
