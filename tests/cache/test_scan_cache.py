"""The incremental cache: results identical to an uncached scan, and invalidated by exactly what they
depend on (a file, a file a reader looked at, the rules, the license data, the code)."""

from __future__ import annotations

import importlib.resources
import json
import os
import shutil
import subprocess
import sys
from datetime import date

import pytest

from osi_check.cache import key as cache_key
from osi_check.cache.scan import CacheStats, scan_tree
from osi_check.cache.store import Store
from osi_check.check import CheckOptions, run_check, run_check_rendered
from osi_check.deployment import deployment_for
from osi_check.formats import json_report, text
from tests.conftest import EXAMPLE, REPO

SAAS = deployment_for("saas")


def reference_text(key: str) -> str:
    raw = (importlib.resources.files("licensedcode") / "data" / "licenses" / f"{key}.LICENSE").read_text("utf-8")
    return raw.split("---", 2)[2].lstrip("\n")


def check(root, cache_dir, stats=None, **kwargs):
    options = CheckOptions(root=root, deployment=kwargs.pop("deployment", SAAS), today=date(2026, 6, 1),
                           cache_dir=cache_dir, **kwargs)
    return run_check(options, stats=stats)


def scan_with(root, cache_dir, **kwargs) -> tuple[str, CacheStats]:
    stats = CacheStats()
    return json_report.render(check(root, cache_dir, stats, **kwargs)), stats


@pytest.fixture
def tree(tmp_path):
    """A copy of the example, old enough that its stat signatures are trusted."""
    root = tmp_path / "suitecrm-deployment"
    shutil.copytree(EXAMPLE, root)
    _age(root)
    return root


def _age(root, seconds: int = 60):
    old = (os.stat(root).st_mtime - seconds)
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            os.utime(os.path.join(dirpath, name), (old, old))


def test_cached_reports_are_byte_identical_to_uncached_ones(tree, tmp_path):
    cache = tmp_path / "cache"
    uncached, _ = scan_with(tree, None)
    cold, cold_stats = scan_with(tree, cache)
    warm, warm_stats = scan_with(tree, cache)
    assert cold == uncached and warm == uncached
    assert cold_stats.read > 0 and not cold_stats.snapshot
    assert warm_stats.snapshot and warm_stats.read == 0 and warm_stats.hashed == 0
    assert text.render(check(tree, cache)) == text.render(check(tree, None))


def test_a_changed_file_is_read_again_and_nothing_else(tree, tmp_path):
    cache = tmp_path / "cache"
    before, cold = scan_with(tree, cache)
    lock = tree / "composer.lock"
    lock.write_text(lock.read_text("utf-8").replace('"4.10.3"', '"4.10.4"'), "utf-8")
    after, stats = scan_with(tree, cache)
    assert after != before and "phpxmlrpc/phpxmlrpc@4.10.4" in after
    assert after == scan_with(tree, None)[0]
    # composer.lock, and composer.json, whose reader looks for the lock beside it
    assert not stats.snapshot and stats.read == 2 and stats.reused == cold.read - 2


def test_a_change_with_the_same_size_and_mtime_is_still_seen(tree, tmp_path):
    cache = tmp_path / "cache"
    scan_with(tree, cache)
    lock = tree / "composer.lock"
    st = lock.stat()
    lock.write_text(lock.read_text("utf-8").replace('"4.10.3"', '"4.10.9"'), "utf-8")
    os.utime(lock, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: the ctime still moved
    after, _ = scan_with(tree, cache)
    assert "phpxmlrpc/phpxmlrpc@4.10.9" in after


def test_a_file_the_reader_looked_at_invalidates_the_result_of_the_file_it_read(tree, tmp_path):
    package = tree / "node_modules" / "terms-lib"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps(
        {"name": "terms-lib", "version": "1.0.0", "license": "SEE LICENSE IN TERMS.md"}), "utf-8")
    (package / "TERMS.md").write_text(reference_text("mit"), "utf-8")
    _age(tree)
    cache = tmp_path / "cache"
    first, _ = scan_with(tree, cache)
    (package / "TERMS.md").write_text(reference_text("apache-2.0"), "utf-8")
    second, stats = scan_with(tree, cache)
    licenses = {c["key"]: c["license"]["concluded"] for c in json.loads(second)["components"]}
    assert licenses["pkg:npm/terms-lib@1.0.0"] == "Apache-2.0"
    assert {c["key"]: c["license"]["concluded"] for c in json.loads(first)["components"]}[
        "pkg:npm/terms-lib@1.0.0"] == "MIT"
    assert second == scan_with(tree, None)[0]
    assert stats.read == 2  # TERMS.md and the package.json that pointed at it


def test_changed_rules_invalidate_the_cache(tree, tmp_path):
    rules = tmp_path / "team-rules"
    rules.mkdir()
    rule = (REPO / "rules/inventory/unsure-license-mapping.yaml").read_text("utf-8")
    rule = rule.replace("kind: needs-info", "kind: note").replace("asks-for: license.confident\n", "")
    (rules / "review-unknown.yaml").write_text(rule.replace("license.confident: false", "license.known: false"),
                                               "utf-8")
    cache = tmp_path / "cache"
    first, _ = scan_with(tree, cache, extra_rule_dirs=(rules,))
    assert "review-unknown" not in first  # "known: true" and "known: false" at once: never holds
    (rules / "review-unknown.yaml").write_text(rule.replace("license.confident: false", "license.known: true"),
                                               "utf-8")
    second, stats = scan_with(tree, cache, extra_rule_dirs=(rules,))
    assert not stats.snapshot and "review-unknown" in second
    assert second == scan_with(tree, None, extra_rule_dirs=(rules,))[0]


def test_changed_license_data_or_code_invalidates_the_cache(tree, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    scan_with(tree, cache)
    monkeypatch.setattr(cache_key, "data_version", lambda: "licensedcode-data=99.0.0")
    _, stats = scan_with(tree, cache)
    assert not stats.snapshot and stats.reused == 0 and stats.read > 0
    monkeypatch.setattr(cache_key, "tool_digest", lambda: "another build of osi-check")
    _, stats = scan_with(tree, cache)
    assert not stats.snapshot and stats.reused == 0


def test_deployment_and_removed_files_are_part_of_the_key(tree, tmp_path):
    cache = tmp_path / "cache"
    scan_with(tree, cache)
    internal, stats = scan_with(tree, cache, deployment=deployment_for("internal"))
    assert not stats.snapshot and stats.read == 0  # re-evaluated, nothing re-read
    assert internal == scan_with(tree, None, deployment=deployment_for("internal"))[0]
    (tree / "addons/crm_voip_connector/LICENSE").unlink()
    gone, _ = scan_with(tree, cache)
    assert gone == scan_with(tree, None)[0]


def test_a_just_written_file_is_hashed_again_next_time(tree, tmp_path):
    cache = tmp_path / "cache"
    scan_with(tree, cache)
    (tree / "custom" / "fresh.php").write_text("<?php // SPDX-License-Identifier: MIT\n", "utf-8")
    _, first = scan_with(tree, cache)
    _, second = scan_with(tree, cache)
    assert first.hashed == 1 and second.hashed == 1  # its mtime is too recent to trust the signature
    assert second.snapshot


def test_a_damaged_cache_entry_is_rebuilt(tree, tmp_path):
    cache = tmp_path / "cache"
    expected, _ = scan_with(tree, cache)
    store = Store(cache)
    with store.db:
        store.db.execute("UPDATE snapshots SET payload = x'00ff'")
        store.db.execute("UPDATE files SET results = x'00ff'")
    store.close()
    again, stats = scan_with(tree, cache)
    assert again == expected and not stats.snapshot and stats.read > 0


def test_an_unusable_cache_directory_costs_the_speed_up_not_the_scan(tree, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", "utf-8")
    stats = CacheStats()
    report = check(tree, blocker, stats)
    assert json_report.render(report) == scan_with(tree, None)[0]
    assert stats.notes and stats.notes[0].startswith("cache not used:")


def test_two_scans_at_once_share_the_cache(tree, tmp_path):
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "osi_check", "scan", str(tree), "--deployment", "saas", "--format", "json",
               "--cache", str(cache)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    assert outputs[0][0] == outputs[1][0] == scan_with(tree, None)[0]
    _, stats = scan_with(tree, cache)
    assert stats.snapshot


def test_the_snapshot_level_verifies_files_read_outside_the_walk(tmp_path):
    """A reader may look at a path the walk does not list (here: through a linked directory); its state is
    part of the key, so a change there is seen even though no walked file changed."""
    root = tmp_path / "app"
    shared = tmp_path / "app" / "shared"
    (root / "node_modules" / "lib").mkdir(parents=True)
    shared.mkdir()
    (shared / "TERMS.md").write_text(reference_text("mit"), "utf-8")
    os.symlink(shared, root / "node_modules" / "lib" / "docs")
    (root / "node_modules" / "lib" / "package.json").write_text(json.dumps(
        {"name": "lib", "version": "2.0.0", "license": "SEE LICENSE IN docs/TERMS.md"}), "utf-8")
    _age(root)
    cache = tmp_path / "cache"
    first = scan_tree(root, SAAS, store=Store(cache))
    (shared / "TERMS.md").write_text(reference_text("isc"), "utf-8")  # walked as shared/TERMS.md too
    second = scan_tree(root, SAAS, store=Store(cache))
    assert first != second and second == scan_tree(root, SAAS)


def rendered(root, cache_dir, **kwargs) -> tuple[str, bool, CacheStats]:
    stats = CacheStats()
    options = CheckOptions(root=root, deployment=SAAS, cache_dir=cache_dir, **{"today": date(2026, 6, 1), **kwargs})
    (text_,), failed = run_check_rendered(options, [("json", json_report.render)], stats=stats)
    return text_, failed, stats


def test_a_rendered_report_is_reused_only_under_everything_it_depends_on(tree, tmp_path):
    from osi_check.policy.model import Policy, Scope, Waiver

    cache = tmp_path / "cache"
    waiver = Waiver(Scope(purl="pkg:composer/phpxmlrpc/phpxmlrpc"), "reviewed", "anna", date(2026, 6, 30),
                    source="osi-check.toml:3")
    policy = Policy("osi-check.toml", waivers=(waiver,))
    first, _, stats = rendered(tree, cache, policy=policy)
    assert not stats.output
    again, _, stats = rendered(tree, cache, policy=policy)
    assert stats.output and again == first == rendered(tree, None, policy=policy)[0]
    # the date is part of the key: the day after the expiry, the waiver no longer applies
    expired, _, stats = rendered(tree, cache, policy=policy, today=date(2026, 7, 1))
    assert not stats.output and "policy/expired-exception" in expired
    assert expired == rendered(tree, None, policy=policy, today=date(2026, 7, 1))[0]
    # so are the policy, the fail level and the tree
    _, failed, stats = rendered(tree, cache, fail_on="warning")
    assert not stats.output and failed
    (tree / "composer.json").write_text((tree / "composer.json").read_text("utf-8") + "\n", "utf-8")
    changed, _, stats = rendered(tree, cache, policy=policy)
    assert not stats.output and changed == rendered(tree, None, policy=policy)[0]


def test_a_report_stamped_with_the_time_is_never_stored(tree, tmp_path):
    from datetime import datetime, timezone

    cache = tmp_path / "cache"
    clocks = iter([datetime(2026, 6, 1, 8, tzinfo=timezone.utc), datetime(2026, 6, 1, 9, tzinfo=timezone.utc)])
    first, _, _ = rendered(tree, cache, clock=lambda: next(clocks))
    second, _, stats = rendered(tree, cache, clock=lambda: next(clocks))
    assert not stats.output and first != second


def test_a_warm_re_scan_imports_neither_the_readers_nor_the_rule_engine(tree, tmp_path):
    """What keeps a warm re-scan cheap: served from the cache, it never loads the code that reads files or
    evaluates rules (importing it alone costs more than the whole warm run)."""
    cache = tmp_path / "cache"
    program = (
        "import sys\n"
        "from osi_check.cli import main\n"
        "try:\n"
        f"    main(['scan', {str(tree)!r}, '--cache', {str(cache)!r}, '-o', {str(tmp_path / 'out.txt')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['osi_check.pipeline', 'osi_check.sources', 'osi_check.detect', 'osi_check.engine.rules',\n"
        "         'osi_check.licensing', 'jsonschema', 'license_expression']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    cold = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path)
    warm = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path)
    assert "osi_check.pipeline" in cold.stdout, cold.stderr
    assert warm.stdout.strip() == "", warm.stdout + warm.stderr


def test_several_formats_from_one_scan_are_reused_together(tree, tmp_path):
    cache = tmp_path / "cache"
    options = CheckOptions(root=tree, deployment=SAAS, today=date(2026, 6, 1), cache_dir=cache)
    renderers = [("json", json_report.render), ("text", text.render)]
    first, _ = run_check_rendered(options, renderers)
    stats = CacheStats()
    second, _ = run_check_rendered(options, renderers, stats=stats)
    assert stats.output and second == first
    assert first == [json_report.render(check(tree, None)), text.render(check(tree, None))]
    stats = CacheStats()
    only_json, _ = run_check_rendered(options, renderers[:1], stats=stats)
    assert stats.output and only_json == first[:1]


def test_a_scan_against_an_upstream_is_never_served_from_a_whole_result(tree, tmp_path):
    """The comparison depends on the upstream release, which the tree's snapshot key does not cover: a
    second scan of the same tree against a changed upstream must see the change."""
    cache, upstream = tmp_path / "cache", tmp_path / "release"
    shutil.copytree(tree, upstream)
    first = check(tree, cache, upstream=str(upstream))
    assert first.upstream is not None and first.modifications == ()
    account = upstream / "composer.json"
    account.write_text(account.read_text("utf-8").replace('"AGPL-3.0-only"', '"AGPL-3.0-only" '), "utf-8")
    stats = CacheStats()
    second = check(tree, cache, stats, upstream=str(upstream))
    assert [c.path for c in second.modifications] == ["composer.json"]
    assert not stats.snapshot and not stats.output
    assert stats.reused > 0  # each file's own reader results are still reused
