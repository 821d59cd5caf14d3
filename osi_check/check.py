"""The scan as the CI gate runs it: cached scan, policy, baseline, then the Report (or its rendering).

    survey (walk, hashes) ─► evaluate (cache; clarifications before the rules) ─► apply_policy ─► baseline ─► gate

Every step after the scan is a pure function of its inputs and of `today`, which the caller passes in
(SOURCE_DATE_EPOCH or the date), so a waiver's expiry is testable and a CI run reproducible. Because they
are pure, a rendered report can be stored and reused under a key made of everything it depends on: the
tree's snapshot key (code, rules, license data, every file's content, deployment, clarifications), the
policy, the baseline, the date, the fail level, the format and the report templates. A warm re-scan of an
unchanged tree then costs the walk, the stat comparison and one read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path

from osi_check.assemble import assemble_report
from osi_check.baseline import Baseline, apply_baseline
from osi_check.cache.scan import CacheStats, Evaluated, Progress, Survey, evaluate_survey, survey_tree
from osi_check.cache.store import CacheUnavailable, Store
from osi_check.facts import Deployment
from osi_check.model import Report
from osi_check.policy import EMPTY_POLICY, Policy, apply_policy, clarify


@dataclass(frozen=True)
class CheckOptions:
    root: Path
    deployment: Deployment
    today: date
    extra_rule_dirs: tuple[Path, ...] = ()
    policy: Policy = EMPTY_POLICY
    baseline: Baseline | None = None
    fail_on: str = "error"
    cache_dir: Path | None = None  # None: no cache
    clock: Callable[[], datetime] | None = None
    upstream: str | None = None  # a git ref, directory or archive of the pristine release
    ignore_whitespace: bool = False
    source_offer: str | None = None  # a bundle (directory or archive) or a URL
    price_list: tuple | None = None  # the vendor's price list (osi_check.fees.price_list line items)

    @property
    def measures_outside_the_tree(self) -> bool:
        """The result also depends on something the tree's snapshot key does not cover (an upstream
        release, a published bundle or page, a price list), so whole results are neither stored nor
        reused; each file's reader results still are, as they depend on the file alone."""
        return self.upstream is not None or self.source_offer is not None or self.price_list is not None

    @property
    def vets(self) -> bool:
        """A buyer's scan, or any scan given a price list, is vetted: OSD assessments, open core, source
        form, media, fees (osi_check.vet)."""
        return self.deployment.profile == "buyer" or self.price_list is not None


def _open_store(options: CheckOptions, stats: CacheStats) -> Store | None:
    if options.cache_dir is None:
        return None
    try:
        return Store(options.cache_dir)
    except CacheUnavailable as exc:
        stats.notes.append(f"cache not used: {exc}")
        return None


def _survey(options: CheckOptions, store: Store | None, stats: CacheStats) -> Survey:
    return survey_tree(options.root, options.deployment, extra_rule_dirs=options.extra_rule_dirs,
                       adjust_key=repr(options.policy.clarifications), store=store, stats=stats)


def _adjust(options: CheckOptions):
    """What runs between reading the tree and evaluating the rules: the comparison with the upstream
    release and the source-offer check, then the policy's clarifications."""
    policy = options.policy
    steps = []
    if options.measures_outside_the_tree:
        from osi_check.pipeline import compare_and_check_offer

        steps.append(lambda facts, _file_sha256: compare_and_check_offer(
            facts, options.root, options.upstream, ignore_whitespace=options.ignore_whitespace,
            source_offer=options.source_offer))
    if policy.clarifications:
        steps.append(partial(clarify, policy=policy))
    if not steps:
        return None

    def adjust(facts, file_sha256):
        extra = ()
        for step in steps:
            facts, more = step(facts, file_sha256)
            extra = (*extra, *more)
        return facts, extra

    return adjust


def _report(options: CheckOptions, survey: Survey, progress: Progress | None) -> Report:
    policy = options.policy
    evaluated: Evaluated = evaluate_survey(survey, adjust=_adjust(options), progress=progress,
                                           reuse=not options.measures_outside_the_tree)
    facts = evaluated.facts
    findings, assessments, fees = evaluated.findings, (), ()
    if options.vets:  # before the policy, so waivers and severity overrides apply to its findings too
        from osi_check.vet import vet

        vetted = vet(assemble_report(facts, findings, rules_digest=evaluated.rules_digest,
                                     license_list_version=evaluated.license_list_version, fail_on=options.fail_on),
                     options.root, options.price_list)
        findings, assessments, fees = vetted.findings, vetted.license_assessments, vetted.fees
    findings = apply_policy(findings, policy, options.today, components=facts.components,
                            files=facts.files, known_rules=frozenset(evaluated.rule_ids),
                            license_choices=evaluated.license_choices)
    if options.baseline is not None:
        findings = apply_baseline(findings, options.baseline)
    report = assemble_report(facts, findings, rules_digest=evaluated.rules_digest,
                             license_list_version=evaluated.license_list_version, fail_on=options.fail_on,
                             clock=options.clock)
    return replace(report, license_assessments=assessments, fees=fees)


def run_check(options: CheckOptions, *, progress: Progress | None = None, stats: CacheStats | None = None) -> Report:
    stats = stats if stats is not None else CacheStats()
    store = _open_store(options, stats)
    try:
        return _report(options, _survey(options, store, stats), progress)
    finally:
        if store is not None:
            store.close()


def output_key(survey: Survey, options: CheckOptions, format_name: str) -> str:
    from osi_check.cache.key import reports_digest

    baseline = (options.baseline.path, sorted(options.baseline.fingerprints)) if options.baseline else None
    parts = (survey.snapshot_key, format_name, reports_digest(), repr(options.policy), repr(baseline),
             options.today.isoformat(), options.fail_on)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def run_check_rendered(options: CheckOptions, renderers: list[tuple[str, Callable[[Report], str]]], *,
                       progress: Progress | None = None, stats: CacheStats | None = None) -> tuple[list[str], bool]:
    """Each requested rendering of the report, and whether the gate failed. Stored renderings are reused
    when every one requested is stored; a report stamped with the time is never stored."""
    stats = stats if stats is not None else CacheStats()
    store = _open_store(options, stats)
    try:
        survey = _survey(options, store, stats)
        keys = None
        if store is not None and options.clock is None and not options.measures_outside_the_tree:
            keys = [output_key(survey, options, name) for name, _ in renderers]
        if keys is not None and survey.unchanged():
            found = [store.output(key) for key in keys]
            if all(f is not None for f in found):
                stats.snapshot = stats.output = True
                survey.save_signatures()
                return [text for text, _ in found], found[0][1]
        report = _report(options, survey, progress)
        texts = [render(report) for _, render in renderers]
        if keys is not None:
            for key, text in zip(keys, texts):
                store.save_output(key, text, report.gate.failed)
        return texts, report.gate.failed
    finally:
        if store is not None:
            store.close()
