"""The one orchestrator: scan → resolve → evaluate → gate → Report. Also the library entry point.

Each stage is a function of the previous one's output, so the stages can be tested alone and the
report is deterministic: files are walked in sorted order, everything is sorted before it is
rendered, and the only time-dependent value (`generated_at`) comes from an injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from osi_check import licensing
from osi_check.assemble import SCHEMA_VERSION, assemble_report  # noqa: F401 - SCHEMA_VERSION is re-exported
from osi_check.detect import DETECTORS
from osi_check.engine.evaluate import evaluate, fingerprint
from osi_check.engine.knowledge import builtin_knowledge
from osi_check.engine.rules import Rule, load_rules, rules_digest
from osi_check.facts import Deployment, Facts, InputProblem, Location, SourceResult
from osi_check.modifications import UpstreamError, compare_with_upstream, open_upstream
from osi_check.modifications.offer import OfferError, check_offer
from osi_check.model import Citation, Finding, FindingKind, Report, Severity, Subject
from osi_check.reader import Reader
from osi_check.resolve import resolve
from osi_check.sources import SOURCES
from osi_check.tree import Tree

READERS: tuple[Reader, ...] = (*SOURCES, *DETECTORS)
INPUT_ERROR_RULE = "input-error"


class ScanError(Exception):
    """The scan cannot start (the path is not a directory, ...): a usage error, not a partial scan."""


def collect(root: Path, deployment: Deployment, readers: tuple[Reader, ...] = READERS) -> Facts:
    """Walk the tree once and let every reader read the files it handles."""
    tree = open_tree(root)
    files = list(tree.walk())
    results = [result for file in files for result in read_file(tree, file, readers)]
    return facts_from(tree, deployment, results, len(files))


def open_tree(root: Path) -> Tree:
    if not Path(root).is_dir():
        raise ScanError(f"{root}: not a directory")
    return Tree(Path(root))


def read_file(tree: Tree, file, readers: tuple[Reader, ...] = READERS) -> list[SourceResult]:
    """What every reader that handles `file` reads from it, in registry order."""
    return [_read_guarded(reader, tree, file) for reader in readers if reader.handles(file)]


def facts_from(tree: Tree, deployment: Deployment, results: list[SourceResult], files_scanned: int) -> Facts:
    """Resolve the readers' results (in walk order) into the facts of the scan."""
    skipped = _summarise_links(tree.links_skipped)
    return resolve(tree.root.name, deployment, results, files_scanned=files_scanned, skipped=skipped)


def collect_with_upstream(root: Path, deployment: Deployment, upstream: str | None, *,
                          ignore_whitespace: bool = False) -> Facts:
    """`collect`, then the comparison with the upstream release when one is given. The upstream is opened
    first, so a wrong ref or an unreadable archive is reported before the tree is scanned."""
    if upstream is None:
        return collect(root, deployment)
    try:
        snapshot = open_upstream(upstream, root)
    except UpstreamError as exc:
        raise ScanError(f"--upstream {upstream}: {exc}") from None
    try:
        facts = collect(root, deployment)
    except BaseException:
        snapshot.close()
        raise
    return compare_with_upstream(facts, root, snapshot, ignore_whitespace=ignore_whitespace)


def _read_guarded(reader: Reader, tree: Tree, file) -> SourceResult:
    """A reader bug costs the file it was reading, reported as such, not the whole scan."""
    try:
        result = reader.read(tree, file)
    except Exception as exc:  # noqa: BLE001 - deliberately broad: isolate reader defects
        message = f"could not be read: internal error in the {reader.name} reader ({type(exc).__name__}: {exc})"
        return SourceResult(problems=(InputProblem(Location(file.path), message, reader.name),))
    if any(not c.sources for c in result.components):
        tagged = tuple(c if c.sources else replace(c, sources=(reader.name,)) for c in result.components)
        result = replace(result, components=tagged)
    return result


def _summarise_links(links: list[str]) -> tuple[str, ...]:
    if not links:
        return ()
    examples = ", ".join(sorted(links)[:3])
    return (f"{len(links)} symbolic link(s) not followed (e.g. {examples})",)


def input_error_findings(facts: Facts) -> tuple[Finding, ...]:
    """Every input problem is also a finding, so it reaches every format and counts for the gate."""
    return tuple(
        Finding(
            rule_id=INPUT_ERROR_RULE,
            kind=FindingKind.INPUT_ERROR,
            severity=Severity.ERROR,
            title="Input could not be read: the scan is partial",
            message=f"{problem.location}: {problem.message}",
            subject=Subject("file", problem.location.path, problem.location.path, str(problem.location)),
            explanation=(
                "osi-check could not read this file as intended, so the components or license evidence it "
                "holds are missing from this report and conclusions about them cannot be trusted. Fix the "
                "file (or remove it from the tree) and scan again."
            ),
            citations=(Citation("osi-check: bad input is reported, never silently dropped"),),
            fingerprint=fingerprint(INPUT_ERROR_RULE, problem.location.path, problem.message),
            topic="input",
        )
        for problem in facts.problems
    )


def evaluate_facts(facts: Facts, rules: tuple[Rule, ...]) -> tuple[Finding, ...]:
    """Every finding the rules (and the input problems) give for the facts, in report order."""
    findings = evaluate(rules, facts, builtin_knowledge()) + input_error_findings(facts)
    return tuple(sorted(findings, key=Finding.sort_key))


def build_report(
    facts: Facts,
    rules: tuple[Rule, ...],
    *,
    fail_on: str = "error",
    clock: Callable[[], datetime] | None = None,
    extra_findings: tuple[Finding, ...] = (),
) -> Report:
    """`extra_findings`: findings made outside the rules (e.g. the source-offer check), gated like the rest."""
    return assemble_report(facts, evaluate_facts(facts, rules) + extra_findings, rules_digest=rules_digest(rules),
                           license_list_version=licensing.license_list_version(), fail_on=fail_on, clock=clock)


def scan(
    root: Path,
    deployment: Deployment,
    *,
    extra_rule_dirs: tuple[Path, ...] = (),
    fail_on: str = "error",
    clock: Callable[[], datetime] | None = None,
    upstream: str | None = None,
    ignore_whitespace: bool = False,
    source_offer: str | None = None,
    price_list: tuple | None = None,
) -> Report:
    """Scan a CRM tree for a deployment and return the Report. Raises RuleError or ScanError before scanning.

    With `upstream` (a git ref of the tree's repository, a directory or an archive of the pristine
    release) the tree is compared with it and the modification facts come from that comparison. With
    `source_offer` (a bundle directory or archive, or a URL) the offer is checked against the tree.

    A buyer's scan (and any scan given a vendor price list) is also vetted (osi_check.vet): OSD assessments of
    every license, open-core parts, source form, media, and the price list judged line by line."""
    rules = load_rules(extra_rule_dirs)
    facts = collect_with_upstream(Path(root), deployment, upstream, ignore_whitespace=ignore_whitespace)
    facts, offer_findings = check_source_offer(facts, Path(root), source_offer)
    report = build_report(facts, rules, fail_on=fail_on, clock=clock, extra_findings=offer_findings)
    if deployment.profile == "buyer" or price_list is not None:
        from osi_check.vet import vet

        report = vet(report, Path(root), price_list)
    return report


def check_source_offer(facts: Facts, root: Path, source_offer: str | None) -> tuple[Facts, tuple[Finding, ...]]:
    """With a source offer (a bundle or a URL): the findings of checking it against the tree, and the
    problems met on the way added to the facts. Without one: nothing to check."""
    if source_offer is None:
        return facts, ()
    try:
        offer_findings, offer_problems = check_offer(facts, root, source_offer)
    except OfferError as exc:
        raise ScanError(str(exc)) from None
    return replace(facts, problems=facts.problems + offer_problems), tuple(offer_findings)


def compare_and_check_offer(facts: Facts, root: Path, upstream: str | None, *, ignore_whitespace: bool = False,
                            source_offer: str | None = None) -> tuple[Facts, tuple[Finding, ...]]:
    """The steps that measure the tree against something outside it (the upstream release, the published
    source offer), for facts already read: used by the cached scan, which reads the tree its own way."""
    if upstream is not None:
        try:
            snapshot = open_upstream(upstream, root)
        except UpstreamError as exc:
            raise ScanError(f"--upstream {upstream}: {exc}") from None
        facts = compare_with_upstream(facts, root, snapshot, ignore_whitespace=ignore_whitespace)
    return check_source_offer(facts, root, source_offer)
