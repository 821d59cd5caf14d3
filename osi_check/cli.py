"""The command line. The only module that prints to the terminal or exits.

Exit codes (README, DESIGN.md): 0 clean, 1 findings at or above --fail-on, 2 usage/config/input error
(bad option, missing path, malformed rule), 3 internal error (a bug in osi-check: please report it).
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import click

from osi_check import __version__
from osi_check.deployment import MODIFIED_CHOICES, PROFILES, deployment_for
from osi_check.formats import FORMATS
from osi_check.formats.outputs import OutputSpecError, parse_outputs
from osi_check.gate import FAIL_LEVELS

# The rule engine and the readers are imported where they are used, not here: a re-scan served from
# the cache never needs them, and importing them costs more than the whole warm re-scan.
EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _config_errors() -> tuple[type[Exception], ...]:
    """Errors that mean 'the input or configuration is wrong' (exit 2), not 'osi-check has a bug'."""
    from osi_check.baseline import BaselineError
    from osi_check.engine.knowledge import KnowledgeError
    from osi_check.engine.rules import RuleError
    from osi_check.engine.vocabulary import VocabularyError
    from osi_check.fees.knowledge import FeeDataError
    from osi_check.fees.price_list import PriceListError
    from osi_check.osd.detectors import OsdDataError
    from osi_check.pipeline import ScanError
    from osi_check.policy import PolicyError
    from osi_check.vet.knowledge import VettingDataError

    return (RuleError, KnowledgeError, VocabularyError, ScanError, PolicyError, BaselineError, OsdDataError,
            FeeDataError, PriceListError, VettingDataError)


def _clock():
    """Report timestamps honour SOURCE_DATE_EPOCH, so stamped reports can still be reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return lambda: datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return lambda: datetime.now(timezone.utc)


def _today() -> date:
    """The date waivers and commercial licenses expire against: SOURCE_DATE_EPOCH's when set (a
    reproducible build, a test), else today's in UTC."""
    return _clock()().date()


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"{output}: cannot write the report: {exc.strerror}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="osi-check")
def cli() -> None:
    """osi-check: open-source license compliance for CRM deployments.

    Scans a CRM tree (its own code, dependencies and modules), concludes each component's license,
    and reports the obligations, risks and open questions for the way the CRM is deployed.
    """


@cli.command("scan")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--deployment", "profile", type=click.Choice(list(PROFILES)), default="internal", show_default=True,
              help="How the CRM is deployed: internal use, SaaS, delivered to a customer, or received as a buyer.")
@click.option("--modified", type=click.Choice(list(MODIFIED_CHOICES)), default="unknown", show_default=True,
              help="Whether the code was changed from the upstream release. Unknown makes rules that depend on it ask.")
@click.option("--outbound-license", "outbound_license_option", metavar="EXPRESSION",
              help="The license the deployed work as a whole is distributed under (an SPDX expression, e.g. "
                   "'LicenseRef-osi-check-proprietary' or 'AGPL-3.0-only'). Without it, the licenses that bind the "
                   "work are derived from its components.")
@click.option("--format", "formats", multiple=True, metavar="NAME[=FILE]",
              help=f"Report format ({', '.join(FORMATS)}; default text). Repeatable: NAME=FILE writes that "
                   "report to FILE, so one scan gives every report. A format without FILE goes to -o or stdout.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report that has no =FILE here instead of stdout.")
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="error", show_default=True,
              help="Exit 1 when a finding that is not suppressed has at least this severity.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings reach --fail-on (errors still exit 2 or 3).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="An extra directory of rules, added to the built-in ones. Repeatable.")
@click.option("--policy", "policy_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The policy file (default: osi-check.toml, else [tool.osi-check] in pyproject.toml, in the current directory).")
@click.option("--no-policy", is_flag=True, help="Ignore any policy file.")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Findings recorded in this baseline do not count for the gate: only new ones do.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current findings as the baseline in this file, and exit 0.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Directory of the incremental cache (default: the user cache directory).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the incremental cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no notes; the text report is its verdict line only.")
@click.option("-v", "--verbose", is_flag=True, help="Say which policy and cache were used and what the cache reused.")
@click.option("--timestamp", is_flag=True,
              help="Stamp the report with the time (SOURCE_DATE_EPOCH if set). Off by default: reports are reproducible.")
@click.option("--upstream", metavar="REF|DIR|ARCHIVE",
              help="The pristine upstream release to compare with: a tag or commit of PATH's git repository, a "
                   "directory, or a .tar.gz/.tgz/.tar/.zip. Decides per component whether it was modified.")
@click.option("--ignore-whitespace", is_flag=True,
              help="With --upstream: changes of line endings and whitespace only do not count as modifications.")
@click.option("--source-offer", metavar="BUNDLE|URL",
              help="Check the source offer: a bundle written by `osi-check bundle` (directory or archive; needs "
                   "--upstream) must match the tree, or a URL must be linked from the tree.")
@click.option("--price-list", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A vendor price list (YAML or CSV, see README) to judge against the licenses of the delivery.")
@click.pass_context
def scan_command(ctx, path, profile, modified, outbound_license_option, formats, output, fail_on, exit_zero, rule_dirs,
                 policy_file, no_policy, baseline_file, write_baseline, cache_dir, no_cache, quiet, verbose,
                 timestamp, upstream, ignore_whitespace, source_offer, price_list) -> None:
    """Scan PATH (default: the current directory) and report license findings."""
    from osi_check.scan_options import check_options

    try:
        outputs = parse_outputs(tuple(formats), output)
    except OutputSpecError as exc:
        raise click.UsageError(str(exc)) from None
    options, notes = check_options(
        ctx, path=path, profile=profile, modified=modified, outbound=outbound_license_option, fail_on=fail_on,
        rule_dirs=rule_dirs, policy_file=policy_file, no_policy=no_policy, baseline_file=baseline_file,
        cache_dir=cache_dir, no_cache=no_cache, today=_today(), clock=_clock() if timestamp else None)
    items = None
    if price_list is not None:
        from osi_check.fees.price_list import read_price_list

        items = read_price_list(price_list)
    options = replace(options, upstream=upstream, ignore_whitespace=ignore_whitespace, source_offer=source_offer,
                      price_list=items)
    from osi_check.cache.scan import CacheStats
    from osi_check.check import run_check, run_check_rendered
    from osi_check.progress import progress_for

    stats = CacheStats()
    if write_baseline is not None:
        from osi_check.baseline import render_baseline

        baseline = render_baseline(run_check(options, progress=progress_for(quiet), stats=stats).findings)
        _write(baseline, write_baseline)
        if not quiet:
            recorded = baseline.count('"fingerprint"')
            click.echo(f"osi-check: baseline of {recorded} finding(s) written to {write_baseline}", err=True)
        sys.exit(EXIT_CLEAN)
    texts, failed = run_check_rendered(options, [(o.format, _renderer(o.format, options.vets)) for o in outputs],
                                       progress=progress_for(quiet), stats=stats)
    if verbose and not quiet:
        for note in (*notes, *stats.notes, _cache_summary(stats, options.cache_dir)):
            click.echo(f"osi-check: {note}", err=True)
    for out, text in zip(outputs, texts):
        if quiet and out.format == "text":
            text = text.split("\n", 1)[0] + "\n"
        _write(text, out.path)
        if out.path is not None and out.format != "text" and not quiet:
            click.echo(f"osi-check: {'FAIL' if failed else 'PASS'}; {out.format} report written to {out.path}",
                       err=True)
    sys.exit(EXIT_FINDINGS if failed and not exit_zero else EXIT_CLEAN)


def _cache_summary(stats, cache_dir: Path | None) -> str:
    if cache_dir is None:
        return "cache: not used (--no-cache)"
    if stats.output:
        return f"cache: report reused from {cache_dir} ({stats.hashed} file(s) re-hashed)"
    if stats.snapshot:
        return f"cache: whole result reused from {cache_dir} ({stats.hashed} file(s) re-hashed)"
    return (f"cache: {cache_dir}: {stats.reused} file(s) reused, {stats.read} read, "
            f"{stats.hashed} hashed")


def _renderer(format_name: str, vetted: bool):
    """A vetted report (a buyer's scan, `vet`) reads as text with the licenses' OSD verdicts and the price
    list after the findings; every other format renders the report as it is."""
    if vetted and format_name == "text":
        from osi_check.vet.command import vet_text

        return vet_text
    return FORMATS[format_name]


def _write_outputs(report, outputs) -> None:
    """Every requested report of an uncached run (`vet`), then the exit code."""
    vetted = bool(report.license_assessments or report.fees)
    for out in outputs:
        _write(_renderer(out.format, vetted)(report), out.path)
        if out.path is not None and out.format != "text":
            click.echo(f"osi-check: {'FAIL' if report.gate.failed else 'PASS'}; {out.format} report written to {out.path}", err=True)
    sys.exit(EXIT_FINDINGS if report.gate.failed else EXIT_CLEAN)


@cli.command("license")
@click.argument("target")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the assessment here instead of stdout.")
@click.option("--withhold-id", is_flag=True,
              help="Do not identify the text: read it clause by clause only, as if it were an unknown license.")
def license_command(target, fmt, output, withhold_id) -> None:
    """Is it open source? Assess TARGET (a license file, an SPDX id, or - for stdin) against the ten criteria of
    the Open Source Definition. Exit 0 when it conforms, 1 when it does not or it is unclear."""
    from osi_check.osd.page import PAGE_FORMATS
    from osi_check.vet.command import license_assessment

    assessment = license_assessment(target, identify=not withhold_id)
    _write(PAGE_FORMATS[fmt](assessment), output)
    sys.exit(EXIT_CLEAN if assessment.verdict in ("osi-approved", "conforms-not-approved") else EXIT_FINDINGS)


@cli.command("vet")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--price-list", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The vendor's price list (YAML or CSV, see README): each line is judged against the licenses.")
@click.option("--format", "formats", multiple=True, metavar="NAME[=FILE]",
              help=f"Report format ({', '.join(FORMATS)}; default text). Repeatable, as for scan.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report that has no =FILE here instead of stdout.")
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="error", show_default=True,
              help="Exit 1 when a finding has at least this severity.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def vet_command(path, price_list, formats, output, fail_on, rule_dirs) -> None:
    """Vet a vendor's delivery (a directory): what is really open source, open-core parts, source form, media,
    the rights the buyer receives, and the price list. The same as scan --deployment buyer."""
    from osi_check.fees.price_list import read_price_list
    from osi_check.vet.command import vet_target

    try:
        outputs = parse_outputs(tuple(formats), output)
    except OutputSpecError as exc:
        raise click.UsageError(str(exc)) from None
    items = read_price_list(price_list) if price_list else None
    report = vet_target(path, items, fail_on=fail_on, rule_dirs=tuple(rule_dirs))
    _write_outputs(report, outputs)


@cli.command("bundle")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--upstream", required=True, metavar="REF|DIR|ARCHIVE",
              help="The pristine upstream release: a tag or commit of PATH's git repository, a directory or an archive.")
@click.option("--deployment", "profile", type=click.Choice(list(PROFILES)), default="saas", show_default=True,
              help="How the CRM is deployed: decides which copyleft duties are triggered.")
@click.option("--ignore-whitespace", is_flag=True, help="Whitespace-only changes do not count as modifications.")
@click.option("--offer-url", metavar="URL", help="Where the bundle will be published; written into SOURCE-OFFER.txt.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="A new directory, or a .tar.gz/.tgz/.zip file, to write the bundle to.")
def bundle_command(path, upstream, profile, ignore_whitespace, offer_url, output) -> None:
    """Write what a deployment of the modified tree at PATH must disclose: the Corresponding Source of its
    modified copyleft parts, license texts, notices, the dated list of modifications and the source offer."""
    from osi_check.modifications.bundle import BundleError, plan, write
    from osi_check.pipeline import collect_with_upstream

    facts = collect_with_upstream(path, deployment_for(profile), upstream, ignore_whitespace=ignore_whitespace)
    try:
        the_plan = plan(facts, path, offer_url)
        written = write(the_plan, path, output)
    except BundleError as exc:
        raise click.UsageError(str(exc)) from None
    for part in the_plan.parts:
        click.echo(f"{part.name} ({part.license}, {part.copyleft} copyleft): {len(part.files)} file(s), {part.scope}; {part.reason}")
    if not the_plan.parts:
        click.echo("nothing to disclose: no modified copyleft component is conveyed or offered over a network")
    for note in the_plan.undecided:
        click.echo(f"undecided: {note}", err=True)
    for problem in facts.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"osi-check: bundle with {len(written)} file(s) written to {output}", err=True)


@cli.group("rules")
def rules_group() -> None:
    """List, show and test the rules (built-in and --rules directories)."""


@rules_group.command("list")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def rules_list(rule_dirs) -> None:
    """One line per rule: id, kind, severity, title."""
    from osi_check.engine.rules import load_rules

    for rule in load_rules(tuple(rule_dirs)):
        click.echo(f"{rule.id:48} {rule.kind.value:11} {rule.severity.value:8} {rule.title}")


@rules_group.command("show")
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def rules_show(rule_id, rule_dirs) -> None:
    """Print one rule's file."""
    from osi_check.engine.rules import load_rules

    for rule in load_rules(tuple(rule_dirs)):
        if rule.id == rule_id:
            click.echo(f"# {rule.path}")
            click.echo(rule.path.read_text("utf-8"), nl=False)
            return
    raise click.UsageError(f"no rule with id '{rule_id}' (see: osi-check rules list)")


@rules_group.command("test")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def rules_test(rule_dirs) -> None:
    """Run every rule's test cases (<rule>.tests.yaml). Exit 1 if any fails."""
    from osi_check.engine.rules import load_rules
    from osi_check.engine.ruletests import coverage_problem, run_rule_tests

    failed = total = 0
    for rule in load_rules(tuple(rule_dirs)):
        results = run_rule_tests(rule)
        for case in results:
            total += 1
            if not case.passed:
                failed += 1
                click.echo(f"FAIL {case.rule_id}: {case.name}: expected {case.expected}, got {case.actual}")
        problem = coverage_problem(rule, results)
        if problem:
            failed += 1
            click.echo(f"FAIL {problem}")
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps every outcome to a documented exit code; no traceback for expected errors."""
    try:
        cli.main(args=argv, prog_name="osi-check", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("osi-check: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the last line of defence: exit 3, never a raw crash
        if isinstance(exc, Exception) and isinstance(exc, _config_errors()):
            click.echo(f"osi-check: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        if isinstance(exc, KeyboardInterrupt):
            click.echo("osi-check: interrupted", err=True)
            sys.exit(130)
        click.echo(f"osi-check: internal error: {type(exc).__name__}: {exc}", err=True)
        if os.environ.get("OSI_CHECK_DEBUG"):
            traceback.print_exc()
        else:
            click.echo("This is a bug in osi-check. Set OSI_CHECK_DEBUG=1 for the traceback and please report it.", err=True)
        sys.exit(EXIT_INTERNAL)
