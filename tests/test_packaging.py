"""The wheel carries rules/ and reports/, and an installed copy works from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO

REQUIRED_IN_WHEEL = [
    "osi_check/_data/rules/facts.yaml",
    "osi_check/_data/rules/schema/rule.schema.json",
    "osi_check/_data/rules/schema/rule-tests.schema.json",
    "osi_check/_data/rules/knowledge/licenses.yaml",
    "osi_check/_data/rules/knowledge/declared-aliases.yaml",
    "osi_check/_data/rules/obligations/agpl-network-source-offer.yaml",
    "osi_check/_data/rules/obligations/agpl-network-source-offer.tests.yaml",
    "osi_check/_data/rules/needs-info/unknown-license.yaml",
    "osi_check/_data/rules/osd/license-not-osi-approved.yaml",
    "osi_check/_data/reports/templates/text.j2",
    "osi_check/_data/reports/schemas/report-1.schema.json",
    "osi_check/_data/reports/schemas/sarif-schema-2.1.0.json",
    "osi_check/_data/reports/templates/html/report.html.j2",
    "osi_check/_data/reports/templates/html/report.css",
    "osi_check/_data/reports/templates/html/report.js",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (built,) = out.glob("osi_check-*.whl")
    return built


def test_wheel_contains_rules_templates_and_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in REQUIRED_IN_WHEEL if name not in names]
    assert not missing, missing
    every_rule = {p.relative_to(REPO).as_posix() for p in (REPO / "rules").rglob("*") if p.is_file()}
    assert {f"osi_check/_data/{name}" for name in every_rule} <= names


def test_installed_wheel_scans_the_example_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(target), str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    # run from an unrelated directory, with the installed copy first on the path: not the checkout
    where = subprocess.run([sys.executable, "-c", "import osi_check; print(osi_check.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(target)), where.stdout
    result = subprocess.run(
        [sys.executable, "-m", "osi_check", "scan", str(EXAMPLE), "--deployment", "saas", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    assert '"obligations/agpl-network-source-offer"' in result.stdout
