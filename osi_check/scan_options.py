"""From the scan command's options (and the policy file) to the options of a check.

Precedence: an option given on the command line, then the policy file, then the default. The policy is
looked for in the current directory, where CI jobs and pre-commit hooks run, never in the scanned tree.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from osi_check import resources
from osi_check.baseline import load_baseline
from osi_check.check import CheckOptions
from osi_check.deployment import MODIFIED_CHOICES, deployment_for, outbound_license
from osi_check.policy import EMPTY_POLICY, find_policy, load_policy


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT


def check_options(ctx: click.Context, *, path: Path, profile: str, modified: str, outbound: str | None, fail_on: str,
                  rule_dirs, policy_file: Path | None, no_policy: bool, baseline_file: Path | None, cache_dir: Path | None,
                  no_cache: bool, today: date, clock) -> tuple[CheckOptions, list[str]]:
    notes = []
    if no_policy and policy_file is not None:
        raise click.UsageError("--policy and --no-policy exclude each other")
    if no_cache and cache_dir is not None:
        raise click.UsageError("--cache and --no-cache exclude each other")
    policy = EMPTY_POLICY
    if not no_policy:
        found = policy_file or find_policy(Path("."))  # relative: reports name "osi-check.toml"
        if found is not None:
            policy = load_policy(Path(found))
            notes.append(f"policy: {found}")
    if not _given(ctx, "profile") and policy.deployment:
        profile = policy.deployment
    if not _given(ctx, "modified") and policy.modified:
        modified = policy.modified
    if not _given(ctx, "fail_on") and policy.fail_on:
        fail_on = policy.fail_on
    try:
        outbound_expression = outbound_license(outbound)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    options = CheckOptions(
        root=path,
        deployment=deployment_for(profile, MODIFIED_CHOICES[modified], outbound_expression),
        today=today,
        extra_rule_dirs=tuple(rule_dirs),
        policy=policy,
        baseline=load_baseline(baseline_file) if baseline_file is not None else None,
        fail_on=fail_on,
        cache_dir=None if no_cache else (cache_dir or resources.cache_dir()),
        clock=clock,
    )
    return options, notes
