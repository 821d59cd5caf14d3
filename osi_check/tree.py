"""Safe, read-only access to the scanned tree.

The scanned tree is hostile input. This module is the only place that touches its files, so the
rules are enforced once: nothing is executed; links are never followed out of the tree (nor at all
while walking, so link loops cannot hang the scan); sizes are capped; text is decoded explicitly.
Anything that cannot be read becomes an `InputError` naming the file, which callers turn into an
`InputProblem` so the scan goes on and the report says it is partial.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

# Directories that are version-control metadata, never part of the deployed code.
VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr"})

DEFAULT_MAX_BYTES = 32 * 1024 * 1024


class InputError(Exception):
    """A file of the tree could not be read as intended. Carries the line when known."""

    def __init__(self, path: str, message: str, line: int | None = None):
        super().__init__(f"{path}{f':{line}' if line else ''}: {message}")
        self.path = path
        self.message = message
        self.line = line


@dataclass(frozen=True)
class TreeFile:
    """A regular file of the tree. `name`, `parent` and `dir_parts` are computed on first use and kept,
    with string operations: every reader's `handles` asks for them for every file of trees with 100,000
    files, while a re-scan served from the cache never does."""

    path: str  # POSIX, relative to the root
    size: int
    # (size, mtime_ns, inode, ctime_ns) from the walk: lets the incremental cache skip unchanged files unread
    stamp: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @cached_property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @cached_property
    def parent(self) -> str:
        """"." for a file at the root."""
        head, sep, _ = self.path.rpartition("/")
        return head if sep else "."

    @cached_property
    def dir_parts(self) -> tuple[str, ...]:
        """The directories above it."""
        head, sep, _ = self.path.rpartition("/")
        return tuple(head.split("/")) if sep else ()


class Tree:
    """A directory being scanned. Paths in and out are POSIX strings relative to its root."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.links_skipped: list[str] = []
        # Files the walk saw as regular files under real (non-link) directories: reading them needs no
        # further link resolution. Anything else a reader asks for is resolved and checked.
        self._walked: set[str] = set()
        self._root_str = str(self.root)

    def walk(self) -> Iterator[TreeFile]:
        """Every regular file below the root, in a stable order (a directory's files sorted by name, then
        its subdirectories in name order). Links are never followed, so link loops cannot hang the scan.

        Uses os.scandir and plain strings: the walk touches every file of trees with 100,000 files, and
        the directory entry already says whether it is a link, a directory or a file."""
        stack: list[tuple[str, str]] = [(str(self.root), "")]
        while stack:
            directory, rel_dir = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError:
                continue
            subdirs = []
            for entry in entries:
                rel = f"{rel_dir}{entry.name}"
                try:
                    if entry.is_symlink():
                        self.links_skipped.append(rel)
                    elif entry.is_dir(follow_symlinks=False):
                        if entry.name not in VCS_DIRS:
                            subdirs.append((entry.path, rel + "/"))
                    elif entry.is_file(follow_symlinks=False):
                        st = entry.stat(follow_symlinks=False)
                        self._walked.add(rel)
                        yield TreeFile(rel, st.st_size, (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns))
                except OSError:
                    continue
            stack.extend(reversed(subdirs))

    def _safe_path(self, rel: str) -> str:
        if rel in self._walked:
            return os.path.join(self._root_str, rel)
        full = (self.root / rel).resolve()
        if full != self.root and self.root not in full.parents:
            raise InputError(rel, "points outside the scanned tree; not read")
        if not full.is_file():  # never open a FIFO or a device: it could block the scan
            raise InputError(rel, "is not a regular file; not read")
        return str(full)

    def exists(self, rel: str) -> bool:
        try:
            full = self._safe_path(rel)
        except InputError:
            return False
        return os.path.isfile(full) and not os.path.islink(os.path.join(self._root_str, rel))

    def read_bytes(self, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
        full = self._safe_path(rel)
        try:
            with open(full, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > max_bytes:
                    raise InputError(
                        rel, f"is {size:,} bytes, over the {max_bytes:,}-byte limit for this kind of file; not read"
                    )
                return fh.read(max_bytes + 1)
        except InputError:
            raise
        except OSError as exc:
            raise InputError(rel, f"cannot be read: {exc.strerror or exc}") from None

    def read_head(self, rel: str, max_bytes: int) -> bytes:
        """The first `max_bytes` of a file, whatever its size: for banners and headers at the top."""
        full = self._safe_path(rel)
        try:
            with open(full, "rb") as fh:
                return fh.read(max_bytes)
        except OSError as exc:
            raise InputError(rel, f"cannot be read: {exc.strerror or exc}") from None

    def read_text(self, rel: str, max_bytes: int = DEFAULT_MAX_BYTES, *, strict_utf8: bool = False) -> str:
        """Decode as UTF-8 (BOM allowed); fall back to Latin-1 unless `strict_utf8` (JSON must be UTF-8)."""
        data = self.read_bytes(rel, max_bytes)
        if b"\x00" in data[:8192]:
            raise InputError(rel, "is binary (contains NUL bytes); not read as text")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if strict_utf8:
                line = data[: exc.start].count(b"\n") + 1
                raise InputError(rel, f"is not valid UTF-8 (byte {exc.start})", line) from None
            return data.decode("latin-1")
