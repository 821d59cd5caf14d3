"""What the `license` and `vet` commands do, apart from printing: resolve the target, assess, vet.

Errors a user can fix (a path that is not a license or an id, a file that is not a readable archive) are
click.UsageError: exit 2 with a message naming the input.
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from dataclasses import replace
from pathlib import Path

import click

from osi_check import archives, licensing
from osi_check.deployment import MODIFIED_CHOICES, deployment_for
from osi_check.facts import Facts
from osi_check.formats import FORMATS
from osi_check.gate import decide
from osi_check.model import Finding, LicenseAssessment, Report
from osi_check.pipeline import input_error_findings
from osi_check.osd.assess import UnknownLicenseId, assess_id, assess_text
from osi_check.osd.curated import curated
from osi_check.osd.page import VERDICT_TEXT

MAX_TEXT = 2 * 1024 * 1024


def _read_license_file(path: Path) -> str:
    try:
        raw = path.read_bytes()[: MAX_TEXT + 1]
    except OSError as exc:
        raise click.UsageError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_TEXT:
        raise click.UsageError(f"{path}: over {MAX_TEXT:,} bytes; not a license text")
    if b"\x00" in raw:
        raise click.UsageError(f"{path}: a binary file, not a license text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _license_id(target: str) -> str | None:
    if licensing.is_known_key(target) or target in curated():
        return target
    folded = {k.casefold(): k for k in (*licensing._spdx_keys()[0].values(), *curated())}
    return folded.get(target.casefold())


def license_assessment(target: str, *, identify: bool = True) -> LicenseAssessment:
    """TARGET is '-' (stdin), a file, or an SPDX id / known LicenseRef (any case)."""
    if target == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise click.UsageError("-: standard input is empty; pipe a license text into osi-check license -")
        return assess_text(text, "stdin", identify=identify)
    path = Path(target)
    if path.is_file():
        text = _read_license_file(path)
        if not text.strip():
            raise click.UsageError(f"{path}: empty file; not a license text")
        return assess_text(text, path.name, identify=identify)
    if path.exists():
        raise click.UsageError(f"{target}: a directory; use osi-check vet {target} to vet a delivery")
    license_id = _license_id(target)
    if license_id is None:
        raise click.UsageError(f"{target}: neither a file nor a known SPDX license id or LicenseRef")
    try:
        return assess_id(license_id)
    except UnknownLicenseId:
        raise click.UsageError(f"{target}: not a known SPDX license id or LicenseRef") from None


def vet_target(path: Path, price_list, *, fail_on: str, rule_dirs: tuple[Path, ...]) -> Report:
    """Vet a directory, or an archive opened by the project's safe extractor (osi_check.archives) into a temporary
    directory that is removed afterwards; members the extractor refuses are input problems of the report."""
    from osi_check.pipeline import scan  # the pipeline imports osi_check.vet: import it when used

    deployment = deployment_for("buyer", MODIFIED_CHOICES["unknown"])
    if path.is_dir():
        return scan(path, deployment, extra_rule_dirs=rule_dirs, fail_on=fail_on, price_list=price_list)
    if not archives.is_archive(path):
        raise click.UsageError(f"{path}: not a directory or an archive ({', '.join(archives.SUFFIXES)}) to vet")
    with tempfile.TemporaryDirectory(prefix="osi-check-vet-") as tmp:
        try:
            extraction = archives.extract(path, Path(tmp) / "delivery")
        except archives.ArchiveError as exc:
            raise click.UsageError(f"{path}: cannot be opened as an archive: {exc}") from None
        report = scan(extraction.content_root(), deployment, extra_rule_dirs=rule_dirs, fail_on=fail_on,
                      price_list=price_list)
    problems = extraction.problems(path.name)
    if not problems:
        return report
    refused = input_error_findings(Facts(report.target, report.deployment, (), problems=problems))
    findings = tuple(sorted(report.findings + refused, key=Finding.sort_key))
    return replace(report, problems=report.problems + problems, findings=findings, gate=decide(findings, fail_on))


def vet_text(report: Report) -> str:
    """The text report, followed by what a buyer reads first: the licenses' OSD verdicts and the price list."""
    lines = [FORMATS["text"](report).rstrip("\n"), "", "What the buyer receives (Open Source Definition, per license):"]
    for a in report.license_assessments:
        failing = [c for c in a.criteria if c.verdict != "pass"]
        where = f" at {a.location}" if a.location else ""
        lines.append(f"  {a.license}{where}: {VERDICT_TEXT[a.verdict]}")
        for c in failing[:4]:
            quote = f' "{c.clause}"' if c.clause else ""
            lines += textwrap.wrap(f"OSD {c.number} {c.name}: {c.verdict}{quote} ({c.location or 'whole text'})", 108,
                                   initial_indent="      ", subsequent_indent="        ")
    if not report.license_assessments:
        lines.append("  (no license found)")
    if report.fees:
        lines += ["", "Price list:"]
        for fee in report.fees:
            lines.append(f"  {fee.verdict.upper():<28} {fee.location}: {fee.what} ({fee.amount}) for {fee.component}")
            lines += textwrap.wrap(fee.reason, 108, initial_indent="      ", subsequent_indent="      ")
    return "\n".join(lines) + "\n"
