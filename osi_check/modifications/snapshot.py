"""The two sides of a comparison as snapshots: every file's git blob id, and its content on demand.

Comparing blob ids (a SHA-1 of the content) is what keeps a 30,000-file comparison fast: a file's
content is only read a second time when the ids differ and the comparison needs more (whitespace,
similarity). The upstream can be a git tag or commit of the scanned repository (read from its objects,
see git.py), a directory holding the pristine release, or an archive of it (read in memory through the
safe extractor's checks, its single top folder taken as the release root).
"""

from __future__ import annotations

import zlib
from pathlib import Path

from osi_check import archives
from osi_check.facts import InputProblem, Location
from osi_check.modifications.git import GitError, Repository, blob_id
from osi_check.tree import InputError, Tree

READER = "upstream"
MAX_HASHED_BYTES = 256 * 1024 * 1024
LINK_OR_SUBMODULE = ("120000", "160000")
KEPT_BUDGET_BYTES = 128 * 1024 * 1024  # compressed contents an archive snapshot keeps in memory


class UpstreamError(Exception):
    """The upstream cannot be used at all (unknown ref, unreadable archive): a usage error."""


class Snapshot:
    """Files (POSIX paths) with their blob ids; `read` returns a file's content."""

    label: str
    blobs: dict[str, str]
    problems: tuple[InputProblem, ...] = ()
    dates: dict[str, str]  # path -> ISO date of its last change after the upstream, where git knows

    def read(self, path: str) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the snapshot holds (a git process and its temporary home)."""


class DirectorySnapshot(Snapshot):
    """A directory read through the hostile-tree rules of tree.Tree: links are not followed, VCS folders
    are skipped, only regular files are read."""

    def __init__(self, root: Path, label: str):
        self.label = label
        self.dates = {}
        self._tree = Tree(root)
        blobs: dict[str, str] = {}
        problems = []
        for file in self._tree.walk():
            try:
                blobs[file.path] = blob_id(self._tree.read_bytes(file.path, MAX_HASHED_BYTES))
            except InputError as error:
                problems.append(InputProblem(Location(error.path), f"not compared: {error.message}", READER))
        self.blobs = blobs
        self.problems = tuple(problems)

    def read(self, path: str) -> bytes:
        return self._tree.read_bytes(path, MAX_HASHED_BYTES)


class ArchiveSnapshot(Snapshot):
    """An upstream release archive, read once through the safe extractor's checks without writing it
    out: every file is hashed, and kept in memory (compressed) up to a budget, so the few files the
    comparison reads again need no second pass. The archive's single top folder (`suitecrm-7.14.0/`) is
    taken as the release root."""

    def __init__(self, archive: Path):
        self.label = archive.name
        self.dates = {}
        self._archive = archive
        self._kept: dict[str, bytes] = {}
        blobs: dict[str, str] = {}
        kept_bytes = 0

        def on_file(path: str, data: bytes) -> None:
            nonlocal kept_bytes
            blobs[path] = blob_id(data)
            if kept_bytes < KEPT_BUDGET_BYTES:
                packed = zlib.compress(data, 1)
                kept_bytes += len(packed)
                self._kept[path] = packed

        try:
            refused = archives.read_files(archive, on_file)
        except archives.ArchiveError as exc:
            raise UpstreamError(str(exc)) from None
        self._top = archives.single_top_folder(blobs)
        cut = len(self._top)
        self.blobs = {path[cut:]: blob for path, blob in blobs.items()}
        self.problems = tuple(r.as_problem(archive.name) for r in refused)

    def read(self, path: str) -> bytes:
        full = self._top + path
        if full in self._kept:
            return zlib.decompress(self._kept[full])
        found: dict[str, bytes] = {}
        archives.read_files(self._archive, lambda name, data: found.update({name: data}) if name == full else None)
        if full not in found:
            raise InputError(f"{self._archive.name}!{full}", "could not be read again from the archive")
        return found[full]


class GitSnapshot(Snapshot):
    """A tag or commit of the scanned repository, read from its objects (nothing checked out)."""

    def __init__(self, root: Path, ref: str):
        try:
            self._repo = Repository(root)
        except GitError as exc:
            raise UpstreamError(str(exc)) from None
        try:
            commit = self._repo.resolve(ref)
            entries = self._repo.tree(commit)
            self.dates = self._repo.last_changed(commit)
        except GitError as exc:
            self._repo.close()
            raise UpstreamError(str(exc)) from None
        self.label = f"{ref} ({commit[:12]})" if ref != commit else commit
        self.blobs = {e.path: e.object_id for e in entries if e.mode not in LINK_OR_SUBMODULE}
        submodules = sorted(e.path for e in entries if e.mode == "160000")
        self.problems = tuple(
            InputProblem(Location(path), "a git submodule in the upstream; its files were not compared", READER)
            for path in submodules
        )
        self._blobs_reader = None

    def read(self, path: str) -> bytes:
        if self._blobs_reader is None:
            self._blobs_reader = self._repo.reader()
        try:
            return self._blobs_reader.read(self.blobs[path])
        except GitError as exc:
            raise InputError(path, str(exc)) from None

    def close(self) -> None:
        if self._blobs_reader is not None:
            self._blobs_reader.close()
        self._repo.close()


def open_upstream(spec: str, tree_root: Path) -> Snapshot:
    """`spec` is an existing directory, an existing archive, or else a ref of the scanned repository."""
    path = Path(spec)
    if path.is_dir():
        if path.resolve() == Path(tree_root).resolve():
            raise UpstreamError(f"{spec}: the upstream is the scanned tree itself")
        return DirectorySnapshot(path, path.name or str(path))
    if path.is_file():
        if not archives.is_archive(path):
            raise UpstreamError(f"{spec}: not a directory or a .tar.gz/.tgz/.tar/.zip archive")
        return ArchiveSnapshot(path)
    return GitSnapshot(tree_root, spec)
