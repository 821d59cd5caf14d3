"""Safe, read-only access to the scanned tree.

The scanned tree is hostile input. This module is the only place that touches its files, so the
rules are enforced once: nothing is executed; links are never followed out of the tree (nor at all
while walking, so link loops cannot hang the scan); sizes are capped; text is decoded explicitly.
Anything that cannot be read becomes an `InputError` naming the file, which callers turn into an
`InputProblem` so the scan goes on and the report says it is partial.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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
    path: str  # POSIX, relative to the root
    size: int

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def parent(self) -> str:
        parent = str(PurePosixPath(self.path).parent)
        return parent


class Tree:
    """A directory being scanned. Paths in and out are POSIX strings relative to its root."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.links_skipped: list[str] = []

    def walk(self) -> Iterator[TreeFile]:
        """Every regular file below the root, in a stable (sorted) order. Links are not followed."""
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in VCS_DIRS)
            rel_dir = Path(dirpath).relative_to(self.root)
            for d in list(dirnames):
                if (Path(dirpath) / d).is_symlink():
                    dirnames.remove(d)
                    self.links_skipped.append((rel_dir / d).as_posix())
            for name in sorted(filenames):
                full = Path(dirpath) / name
                rel = (rel_dir / name).as_posix()
                try:
                    st = full.lstat()
                except OSError:
                    continue
                if stat.S_ISLNK(st.st_mode):
                    self.links_skipped.append(rel)
                    continue
                if stat.S_ISREG(st.st_mode):
                    yield TreeFile(rel, st.st_size)

    def _safe_path(self, rel: str) -> Path:
        full = (self.root / rel).resolve()
        if full != self.root and self.root not in full.parents:
            raise InputError(rel, "points outside the scanned tree; not read")
        return full

    def exists(self, rel: str) -> bool:
        try:
            full = self._safe_path(rel)
        except InputError:
            return False
        return full.is_file() and not (self.root / rel).is_symlink()

    def read_bytes(self, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
        full = self._safe_path(rel)
        try:
            size = full.stat().st_size
            if size > max_bytes:
                raise InputError(rel, f"is {size:,} bytes, over the {max_bytes:,}-byte limit for this kind of file; not read")
            with full.open("rb") as fh:
                return fh.read(max_bytes + 1)
        except InputError:
            raise
        except OSError as exc:
            raise InputError(rel, f"cannot be read: {exc.strerror or exc}") from None

    def read_head(self, rel: str, max_bytes: int) -> bytes:
        """The first `max_bytes` of a file, whatever its size: for banners and headers at the top."""
        full = self._safe_path(rel)
        try:
            with full.open("rb") as fh:
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
