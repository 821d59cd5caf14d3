"""What the `license` and `vet` commands do, apart from printing: resolve the target, assess, vet.

Errors a user can fix (a path that is not a license or an id, an archive before safe extraction is available)
are click.UsageError: exit 2 with a message naming the input.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from osi_check import licensing
from osi_check.deployment import MODIFIED_CHOICES, deployment_for
from osi_check.formats import FORMATS
from osi_check.model import LicenseAssessment, Report
from osi_check.osd.assess import UnknownLicenseId, assess_id, assess_text
from osi_check.osd.curated import curated
from osi_check.osd.page import VERDICT_TEXT

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".tar.bz2", ".tar.xz")
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
    from osi_check.pipeline import scan

    if path.is_file():
        if not path.name.lower().endswith(ARCHIVE_SUFFIXES):
            raise click.UsageError(f"{path}: not a directory or an archive (.tar.gz, .tgz, .tar, .zip) to vet")
        try:
            from osi_check import archives  # noqa: F401 - the project's one safe extractor
        except ImportError:
            raise click.UsageError(
                f"{path}: archive input needs osi-check's safe archive extractor, which this build does not have yet; "
                "extract the archive yourself and run osi-check vet on the directory"
            ) from None
        raise click.UsageError(f"{path}: archive input is not wired to the safe extractor in this build; "
                               "extract it and vet the directory")
    return scan(path, deployment_for("buyer", MODIFIED_CHOICES["unknown"]), extra_rule_dirs=rule_dirs,
                fail_on=fail_on, price_list=price_list)


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
