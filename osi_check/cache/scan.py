"""The scan with its incremental cache: walk, reuse what is unchanged, read only what changed.

Three levels, each keyed so that a stale result can never be reused:

1. A file's content hash comes from its stat signature when that is unchanged since the last scan (the
   file is not opened). A signature taken less than `RACY_SECONDS` after the file was last written is
   not trusted (a write in the same clock tick would keep it), like git's racy-timestamp rule.
2. What the readers read from a file is reused when its content hash is the same and every other file
   they looked at while reading it (a package's LICENSE, a `SEE LICENSE IN` target, an existence check)
   still has the same content or absence.
3. The evaluated result of the whole tree (facts and findings before the policy is applied) is reused
   when the generation (code, rules, license data), the content of every file, the links skipped, the
   deployment and the clarifications are all the same. Nothing else is imported or computed then: a warm
   re-scan of an unchanged tree costs the walk, the stat comparison and decoding the stored result.

Without a store (`--no-cache`) the same code runs with nothing to reuse, so cached and uncached scans
cannot drift apart.
"""

from __future__ import annotations

import hashlib
import marshal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from osi_check.cache import codec
from osi_check.cache.key import generation
from osi_check.cache.store import Store
from osi_check.facts import Deployment, Facts, SourceResult
from osi_check.model import Finding
from osi_check.tree import InputError, Tree, TreeFile

RACY_SECONDS = 2


@dataclass(frozen=True)
class Evaluated:
    """Facts and findings of a tree before the policy: what the snapshot level of the cache stores."""

    facts: Facts
    findings: tuple[Finding, ...]
    rules_digest: str
    license_list_version: str
    rule_ids: tuple[str, ...]
    outside: tuple[str, ...] = ()  # "path\0token" of files read that the walk did not list (see _Tokens)
    license_choices: tuple[tuple[tuple[str, ...], ...], ...] = ()  # per component: policy.licenses.component_choices


@dataclass(frozen=True)
class _FileEntry:
    results: tuple[SourceResult, ...]


class Progress:
    """Told how many files will be read and when each one is done; the default says nothing."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class CacheStats:
    """What the cache did, for -v."""

    hashed: int = 0  # files whose content was read to hash it (new or changed stat signature)
    reused: int = 0  # files whose reader results were reused
    read: int = 0  # files read by the readers
    snapshot: bool = False  # the whole evaluated result was reused
    output: bool = False  # the rendered report was reused
    notes: list[str] = field(default_factory=list)


class _Recorder:
    """The tree as a reader sees it, noting every other path the reader asks about."""

    def __init__(self, tree: Tree):
        self._tree = tree
        self.seen: set[str] = set()

    def __getattr__(self, name):
        return getattr(self._tree, name)

    def exists(self, rel: str) -> bool:
        self.seen.add(rel)
        return self._tree.exists(rel)

    def read_bytes(self, rel: str, *args, **kwargs) -> bytes:
        self.seen.add(rel)
        return self._tree.read_bytes(rel, *args, **kwargs)

    def read_head(self, rel: str, *args, **kwargs) -> bytes:
        self.seen.add(rel)
        return self._tree.read_head(rel, *args, **kwargs)

    def read_text(self, rel: str, *args, **kwargs) -> str:
        self.seen.add(rel)
        return self._tree.read_text(rel, *args, **kwargs)


class _Hashes:
    """sha256 of every walked file, from the stat signature store where it can be trusted."""

    def __init__(self, tree: Tree, files: list[TreeFile], known: dict, stats: CacheStats):
        self.tree, self.known, self.stats = tree, known, stats
        self.by_path = {f.path: f for f in files}
        self.values: dict[str, str] = {}
        self.changed = False  # whether the signatures to store differ from the stored ones
        self.trust_before = time.time_ns() - RACY_SECONDS * 1_000_000_000

    def __call__(self, path: str) -> str:
        value = self.values.get(path)
        if value is None:
            file = self.by_path[path]
            stored = self.known.get(path)
            if stored is not None and stored[0] == file.stamp:
                value = stored[1]
            else:
                value = _sha256(self.tree, path)
                self.stats.hashed += 1
                trusted = bool(file.stamp) and file.stamp[1] < self.trust_before
                self.known[path] = (file.stamp if trusted else (-1, -1, -1, -1), value)
                self.changed = True
            self.values[path] = value
        return value


def _sha256(tree: Tree, path: str) -> str:
    try:
        with open(tree.root / path, "rb") as fh:  # a walked regular file under real directories
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except (OSError, InputError) as exc:
        return f"unreadable:{exc}"


class _Tokens:
    """The state of a path as readers can observe it: content hash, or why it cannot be read. Paths the
    walk listed take their hash from `_Hashes`; others (under a linked directory, missing) are looked at."""

    def __init__(self, tree: Tree, hashes: _Hashes):
        self.tree, self.hashes = tree, hashes
        self.values: dict[str, str] = {}

    def walked(self, path: str) -> bool:
        return path in self.hashes.by_path

    def __call__(self, path: str) -> str:
        value = self.values.get(path)
        if value is None:
            if self.walked(path):
                value = "file:" + self.hashes(path)
            else:
                try:
                    value = f"read:{int(self.tree.exists(path))}:" + hashlib.sha256(self.tree.read_bytes(path)).hexdigest()
                except InputError as exc:
                    value = f"error:{int(self.tree.exists(path))}:{exc.message}"
            self.values[path] = value
        return value


@dataclass
class Survey:
    """A walked tree with the content hash of every file, and the key its evaluated result is stored under."""

    tree: Tree
    files: list[TreeFile]
    deployment: Deployment
    extra_rule_dirs: tuple[Path, ...]
    store: Store | None
    stats: CacheStats
    generation: str
    hashes: _Hashes
    tokens: _Tokens
    snapshot_key: str

    def unchanged(self) -> bool:
        """Whether a stored result exists for this key and the files read outside the walk are unchanged."""
        outside = self.store.snapshot_outside(self.snapshot_key) if self.store else None
        return outside is not None and all(self.tokens(path) == token for path, token in outside)

    def save_signatures(self) -> None:
        hashes = self.hashes
        if self.store is None:
            return
        if len(hashes.known) != len(hashes.by_path):  # files were removed since the last scan
            hashes.known = {p: v for p, v in hashes.known.items() if p in hashes.by_path}
            hashes.changed = True
        if hashes.changed:
            self.store.save_signatures(str(self.tree.root), hashes.known)


def survey_tree(root: Path, deployment: Deployment, *, extra_rule_dirs: tuple[Path, ...] = (), adjust_key: str = "",
                store: Store | None = None, stats: CacheStats | None = None) -> Survey:
    """Walk the tree and hash its files (from unchanged stat signatures where possible)."""
    stats = stats if stats is not None else CacheStats()
    if not Path(root).is_dir():
        from osi_check.pipeline import ScanError

        raise ScanError(f"{root}: not a directory")
    tree = Tree(Path(root))
    files = list(tree.walk())
    gen = generation(tuple(extra_rule_dirs), tree.root.name)
    hashes = _Hashes(tree, files, store.signatures(str(tree.root)) if store else {}, stats)
    digest = hashlib.sha256(f"{gen}\0{deployment!r}\0{adjust_key}\0".encode())
    for file in files:
        digest.update(f"{file.path}\0{hashes(file.path)}\n".encode())
    digest.update("\0".join(sorted(tree.links_skipped)).encode())
    return Survey(tree, files, deployment, tuple(extra_rule_dirs), store, stats, gen, hashes, _Tokens(tree, hashes),
                  digest.hexdigest())


def evaluate_survey(
    survey: Survey,
    *,
    adjust: Callable[[Facts, Callable[[str], str | None]], tuple[Facts, tuple[Finding, ...]]] | None = None,
    progress: Progress | None = None,
    reuse: bool = True,
) -> Evaluated:
    """Facts and findings for the surveyed tree: the stored ones if nothing they depend on changed, else
    evaluated again, reading only the files whose results cannot be reused. `reuse=False`: the whole
    result depends on more than the tree (an upstream release), so it is neither reused nor stored."""
    store, stats = survey.store, survey.stats
    evaluated = None
    if store is not None and reuse and survey.unchanged():
        try:
            evaluated = codec.loads(store.snapshot(survey.snapshot_key) or b"", Evaluated)
        except codec.CodecError:
            evaluated = None
    if evaluated is not None:
        stats.snapshot = True
    else:
        evaluated = _evaluate(survey, adjust, progress or Progress())
        if store is not None and reuse:
            outside = tuple(tuple(item.split("\0", 1)) for item in evaluated.outside)
            store.save_snapshot(survey.snapshot_key, str(survey.tree.root), codec.dumps(evaluated, Evaluated),
                                marshal.dumps(outside))
    survey.save_signatures()
    return evaluated


def scan_tree(
    root: Path,
    deployment: Deployment,
    *,
    extra_rule_dirs: tuple[Path, ...] = (),
    adjust: Callable[[Facts, Callable[[str], str | None]], tuple[Facts, tuple[Finding, ...]]] | None = None,
    adjust_key: str = "",
    store: Store | None = None,
    progress: Progress | None = None,
    stats: CacheStats | None = None,
) -> Evaluated:
    """Facts and findings for the tree, reusing the store's results where nothing they depend on changed.

    `adjust(facts, file_sha256)` runs between resolving and evaluating (the policy's clarifications);
    `adjust_key` must change whenever what it does could change."""
    survey = survey_tree(root, deployment, extra_rule_dirs=extra_rule_dirs, adjust_key=adjust_key, store=store,
                         stats=stats)
    return evaluate_survey(survey, adjust=adjust, progress=progress)


def _evaluate(survey: Survey, adjust, progress: Progress) -> Evaluated:
    from osi_check import licensing
    from osi_check.engine.rules import load_rules, rules_digest
    from osi_check.pipeline import INPUT_ERROR_RULE, evaluate_facts, facts_from, read_file
    from osi_check.policy.licenses import component_choices

    tree, files, store, stats, tokens = survey.tree, survey.files, survey.store, survey.stats, survey.tokens
    rules = load_rules(survey.extra_rule_dirs)  # a malformed rule stops the run before any reading
    stored = store.file_results(survey.generation) if store else {}
    results: list[SourceResult] = []
    fresh: list[tuple[str, str, bytes, bytes]] = []
    outside: set[str] = set()
    pending = []
    for file in files:
        entry = stored.get(file.path)
        reused = None
        if entry is not None and entry[0] == tokens.hashes(file.path):
            deps = marshal.loads(entry[1])
            if all(tokens(p) == t for p, t in deps):
                try:
                    reused = codec.loads(entry[2], _FileEntry).results
                except codec.CodecError:
                    reused = None
        pending.append((file, reused))
    progress.start(sum(1 for _, reused in pending if reused is None))
    try:
        for file, reused in pending:
            if reused is None:
                recorder = _Recorder(tree)
                reused = tuple(read_file(recorder, file))
                deps = tuple((p, tokens(p)) for p in sorted(recorder.seen - {file.path}))
                fresh.append((file.path, tokens.hashes(file.path), marshal.dumps(deps),
                              codec.dumps(_FileEntry(reused), _FileEntry)))
                stats.read += 1
                progress.advance()
            else:
                deps = marshal.loads(stored[file.path][1])
                stats.reused += 1
            outside.update(f"{p}\0{t}" for p, t in deps if not tokens.walked(p))
            results.extend(reused)
    finally:
        progress.stop()
    facts = facts_from(tree, survey.deployment, results, len(files))
    extra: tuple[Finding, ...] = ()
    if adjust is not None:
        facts, extra = adjust(facts, lambda path: tokens.hashes(path) if tokens.walked(path) else None)
    findings = tuple(sorted(evaluate_facts(facts, rules) + extra, key=Finding.sort_key))
    if store:  # also when nothing was read: it marks the generation as in use
        store.save_file_results(survey.generation, fresh)
    return Evaluated(facts, findings, rules_digest(rules), licensing.license_list_version(),
                     (*(r.id for r in rules), INPUT_ERROR_RULE), tuple(sorted(outside)),
                     component_choices(facts.components))
