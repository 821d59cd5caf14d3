"""Vetting checks on small trees built in the test: commercial markers, minified files with and without their
source, binaries, and encoded PHP inside a vendored package."""

from __future__ import annotations

from pathlib import Path

from osi_check.deployment import MODIFIED_CHOICES, deployment_for
from osi_check.pipeline import scan


def _vet(root: Path):
    return scan(root, deployment_for("buyer", MODIFIED_CHOICES["unknown"]))


def _write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


def test_commercial_marker_is_an_open_core_boundary(tmp_path):
    _write(tmp_path, "package.json", '{"name": "crm", "version": "1.0.0", "license": "AGPL-3.0-only"}\n')
    _write(tmp_path, "packages/server/src/billing.service.ts",
           "/* @license Enterprise */\nexport class BillingService {}\n")
    report = _vet(tmp_path)
    [marker] = [f for f in report.findings if f.rule_id == "vet/open-core-marker"]
    assert marker.topic == "open-core" and "packages/server/src/billing.service.ts" in marker.message
    twenty = next(a for a in report.license_assessments if a.license == "LicenseRef-Twenty-Commercial")
    assert twenty.verdict == "does-not-conform" and twenty.basis == "curated"
    [osd] = [f for f in report.findings if f.rule_id == "vet/non-osi-license"]
    assert "Under it: packages/server/src/billing.service.ts (1)" in osd.message
    assert any("retain all right, title and interest" in e.quote for e in osd.evidence)


def test_minified_file_needs_its_source_beside_it(tmp_path):
    minified = "!function(){" + ";".join(f"function f{i}(a){{return a*{i}}}" for i in range(80)) + "}();\n"
    _write(tmp_path, "public/js/with-source.min.js", minified)
    _write(tmp_path, "public/js/with-source.js", "function f0(a) {\n  return a * 0;\n}\n")
    _write(tmp_path, "public/js/alone.min.js", minified)
    _write(tmp_path, "public/js/mapped.min.js", minified + "//# sourceMappingURL=mapped.min.js.map\n")
    _write(tmp_path, "node_modules/lib/dist/lib.min.js", minified)  # a dependency: its package is the source
    report = _vet(tmp_path)
    flagged = sorted(f.subject.key for f in report.findings if f.rule_id == "vet/minified-without-source")
    assert flagged == ["public/js/alone.min.js"]


def test_binaries_without_source_and_encoded_php_in_vendored_code(tmp_path):
    _write(tmp_path, "lib/native/libcrm.so", b"\x7fELF\x02\x01\x01" + bytes(64))
    _write(tmp_path, "vendor/acme/sdk/src/Client.php",
           "<?php @Zend;\n4123;\n/* This file was encoded by Zend Guard */\n")
    _write(tmp_path, "src/Plain.php", "<?php\n// base64_decode is fine in plain code\n$x = base64_decode('eA==');\n")
    report = _vet(tmp_path)
    rules = {(f.rule_id, f.subject.key) for f in report.findings}
    assert ("vet/binary-without-source", "binaries:lib/native") in rules
    assert ("vet/encoded-php", "vendor/acme/sdk/src/Client.php") in rules
    assert not any(r == "vet/encoded-php" and k == "src/Plain.php" for r, k in rules)


def test_a_clean_permissive_delivery_has_no_vetting_findings(tmp_path):
    _write(tmp_path, "composer.json", '{"name": "acme/tool", "license": "MIT"}\n')
    _write(tmp_path, "src/Tool.php", "<?php\nfinal class Tool {}\n")
    report = _vet(tmp_path)
    assert [f.rule_id for f in report.findings if f.rule_id.startswith("vet/")] == []
    assert [(a.license, a.verdict) for a in report.license_assessments] == [("MIT", "osi-approved")]
