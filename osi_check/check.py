"""The scan as the CI gate runs it: cached scan, policy, baseline, then the Report.

    scan_tree (cache) ──► clarifications (before the rules) ──► rules ──► apply_policy ──► baseline ──► gate

Every step after the scan is a pure function of its inputs and of `today`, which the caller passes in
(SOURCE_DATE_EPOCH or the date), so a waiver's expiry is testable and a CI run reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path

from osi_check.assemble import assemble_report
from osi_check.baseline import Baseline, apply_baseline
from osi_check.cache.scan import CacheStats, Progress, scan_tree
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


def run_check(options: CheckOptions, *, progress: Progress | None = None, stats: CacheStats | None = None) -> Report:
    stats = stats if stats is not None else CacheStats()
    store = None
    if options.cache_dir is not None:
        try:
            store = Store(options.cache_dir)
        except CacheUnavailable as exc:
            stats.notes.append(f"cache not used: {exc}")
    try:
        policy = options.policy
        evaluated = scan_tree(
            options.root, options.deployment,
            extra_rule_dirs=options.extra_rule_dirs,
            adjust=partial(clarify, policy=policy) if policy.clarifications else None,
            adjust_key=repr(policy.clarifications),
            store=store, progress=progress, stats=stats,
        )
    finally:
        if store is not None:
            store.close()
    facts = evaluated.facts
    findings = apply_policy(evaluated.findings, policy, options.today, components=facts.components,
                            files=facts.files, known_rules=frozenset(evaluated.rule_ids),
                            license_choices=evaluated.license_choices)
    if options.baseline is not None:
        findings = apply_baseline(findings, options.baseline)
    return assemble_report(facts, findings, rules_digest=evaluated.rules_digest,
                           license_list_version=evaluated.license_list_version, fail_on=options.fail_on,
                           clock=options.clock)
