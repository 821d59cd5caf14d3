"""`osi-check vet` end to end on a vendor delivery (open core with an enterprise folder, an ionCube-encoded PHP file,
a font under a restrictive EULA) and its price list (a per-seat license fee on the AGPL core)."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

from tests.conftest import REPO, run_cli

DELIVERY = REPO / "tests" / "fixtures" / "vet" / "acme-crm-delivery"


@pytest.fixture(scope="module")
def vetted(tmp_path_factory):
    out = tmp_path_factory.mktemp("vet") / "report.json"
    result = run_cli("vet", str(DELIVERY), "--price-list", str(DELIVERY / "price-list.yaml"), "--format", "json",
                     "-o", str(out))
    assert result.returncode == 1, result.stderr  # forbidden fees and encoded source are errors
    return json.loads(out.read_text("utf-8"))


def _by_rule(report, rule):
    return [f for f in report["findings"] if f["rule"] == rule]


def test_report_validates(vetted, report_schema):
    jsonschema.validate(vetted, report_schema)


def test_the_agpl_core_is_open_source_and_the_enterprise_part_is_not(vetted):
    verdicts = {(a["license"], a["location"]): a["verdict"] for a in vetted["license_assessments"]}
    assert verdicts[("AGPL-3.0-only", "composer.json:5")] == "osi-approved"
    assert verdicts[("enterprise/LICENSE.txt", "enterprise/LICENSE.txt")] == "does-not-conform"
    enterprise = next(a for a in vetted["license_assessments"] if a["location"] == "enterprise/LICENSE.txt")
    failed = {c["number"]: c for c in enterprise["criteria"] if c["verdict"] == "fail"}
    assert {1, 3, 6} <= set(failed) and all(c["clause"] for c in failed.values())
    assert enterprise["rights"] and "do not receive" in enterprise["rights"][0]


def test_open_core_boundaries(vetted):
    folder = _by_rule(vetted, "vet/open-core-folder")
    assert [f["subject"]["key"] for f in folder] == ["enterprise"] and folder[0]["topic"] == "open-core"
    key = _by_rule(vetted, "vet/license-key-check")
    assert key[0]["evidence"][0]["path"] == "enterprise/Reports/Forecast.php"
    assert "checkLicenseKey" in key[0]["evidence"][0]["quote"]


def test_encoded_php_is_not_source(vetted):
    [encoded] = _by_rule(vetted, "vet/encoded-php")
    assert encoded["topic"] == "source-form" and encoded["severity"] == "error"
    assert encoded["evidence"][0]["path"] == "modules/Billing/Invoice.php" and "ionCube" in encoded["message"]


def test_font_under_a_restrictive_eula(vetted):
    [media] = _by_rule(vetted, "vet/media-restrictive")
    assert media["topic"] == "media" and "AcmeSans-Regular.ttf" in media["message"]
    assert any(e["path"] == "public/fonts/acme-sans/EULA.txt" and "non-commercial" in e["quote"] for e in media["evidence"])


def test_price_list(vetted):
    fees = {f["location"]: f for f in vetted["fees"]}
    seat = fees["price-list.yaml:5"]
    assert seat["verdict"] == "forbidden" and "§10" in seat["citation"]
    assert fees["price-list.yaml:9"]["verdict"] == "allowed"  # support
    assert fees["price-list.yaml:12"]["verdict"] == "forbidden"  # source DVD above the stated cost
    assert fees["price-list.yaml:17"]["verdict"] == "commercial-license-required"
    forbidden = _by_rule(vetted, "vet/forbidden-fee")
    assert {f["evidence"][0]["line"] for f in forbidden} == {5, 12} and all(f["topic"] == "fees" for f in forbidden)
    [commercial] = _by_rule(vetted, "vet/commercial-license-required")
    assert commercial["topic"] == "commercial" and "enterprise/" in commercial["message"]
    assert "Acme CRM GmbH" in commercial["message"] and fees["price-list.yaml:17"]["vendor"] == "Acme CRM GmbH"


def test_scan_as_buyer_gives_the_same_content(vetted):
    result = run_cli("scan", str(DELIVERY), "--deployment", "buyer", "--price-list",
                     str(DELIVERY / "price-list.yaml"), "--format", "json")
    assert json.loads(result.stdout) == vetted


def test_output_is_deterministic(vetted, tmp_path):
    again = run_cli("vet", str(DELIVERY), "--price-list", str(DELIVERY / "price-list.yaml"), "--format", "json")
    assert json.loads(again.stdout) == vetted


def test_an_archive_is_vetted_through_the_safe_extractor(vetted, tmp_path):
    import tarfile

    archive = tmp_path / "acme-crm-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(DELIVERY, arcname="acme-crm-1.0")
        link = tarfile.TarInfo("acme-crm-1.0/escape")
        link.type, link.linkname = tarfile.SYMTYPE, "../../etc/passwd"
        tar.addfile(link)
    result = run_cli("vet", str(archive), "--price-list", str(DELIVERY / "price-list.yaml"), "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1, result.stderr
    assert report["license_assessments"] == vetted["license_assessments"] and report["fees"] == vetted["fees"]
    assert report["partial"] and any("acme-crm-1.0/escape" in p["path"] for p in report["problems"])


def test_a_file_that_is_not_an_archive_exits_2_naming_it(tmp_path):
    archive = tmp_path / "delivery.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08\x00")
    result = run_cli("vet", str(archive))
    assert result.returncode == 2 and "delivery.tar.gz" in result.stderr
    other = tmp_path / "notes.txt"
    other.write_text("hello", "utf-8")
    result = run_cli("vet", str(other))
    assert result.returncode == 2 and "notes.txt" in result.stderr


def test_a_bad_price_list_exits_2_naming_file_and_line(tmp_path):
    bad = tmp_path / "prices.yaml"
    bad.write_text("items:\n  - what: License\n    component: acme/crm\n", "utf-8")
    result = run_cli("vet", str(DELIVERY), "--price-list", str(bad))
    assert result.returncode == 2 and "prices.yaml:2" in result.stderr


def test_text_report_shows_what_the_buyer_receives(tmp_path):
    copy = tmp_path / "delivery"
    shutil.copytree(DELIVERY, copy)
    result = run_cli("vet", str(copy), "--price-list", str(copy / "price-list.yaml"))
    assert "What the buyer receives" in result.stdout and "FORBIDDEN" in result.stdout
    as_buyer = run_cli("scan", str(copy), "--deployment", "buyer", "--price-list", str(copy / "price-list.yaml"))
    assert as_buyer.stdout == result.stdout


def test_minified_javascript_without_source(vetted):
    [minified] = _by_rule(vetted, "vet/minified-without-source")
    assert minified["topic"] == "source-form" and minified["subject"]["key"] == "public/js/app.min.js"


def test_the_html_report_shows_each_problem(tmp_path):
    page = tmp_path / "vet.html"
    result = run_cli("vet", str(DELIVERY), "--price-list", str(DELIVERY / "price-list.yaml"), "--format", f"html={page}")
    assert result.returncode == 1, result.stderr
    html = page.read_text("utf-8")
    for shown in ("ionCube-encoded PHP", "Acme CRM license, per seat and year", "AcmeSans-Regular.ttf",
                  "enterprise/ (2 files) is an enterprise part", "checkLicenseKey", "does-not-conform"):
        assert shown in html, shown
