"""The SQLite file that holds the incremental cache.

Four tables: `stats` maps a file's cheap stat signature (size, mtime, inode, ctime) to the sha256 of its
content, so an unchanged file is not even read (one record per scanned tree, marshalled: a warm scan
loads 20,000 signatures at once rather than row by row); `files` holds what the readers read from one file
(keyed by generation, path and content hash) with the other files they looked at, and `generations`
when each generation was last used; `snapshots` holds the
evaluated result of a whole tree (keyed by the generation and the digest of every file's content);
`outputs` holds rendered reports (keyed by that and by everything applied after it: see check.py).

Two scans at once are safe: the database runs in WAL mode (readers never block the writer) with a busy
timeout, and every write is one short transaction. A cache that cannot be opened or written costs the
speed-up, never the scan: errors are reported once and the scan runs uncached.
"""

from __future__ import annotations

import marshal
import sqlite3
import time
import zlib
from pathlib import Path

SCHEMA = 6
FILE_NAME = "scan-cache.sqlite3"
KEEP_SNAPSHOTS = 16  # whole-tree results kept (most recently used first): branches, deployments, policies
KEEP_OUTPUTS = 8  # rendered reports kept (compressed)
KEEP_GENERATIONS_DAYS = 30  # per-file results of generations (installs, rules) and trees unused this long are dropped


class CacheUnavailable(Exception):
    """The cache directory or database cannot be used."""


class Store:
    def __init__(self, directory: Path):
        self.path = Path(directory) / FILE_NAME
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._create()
        except (OSError, sqlite3.Error) as exc:
            raise CacheUnavailable(f"{self.path}: {exc}") from None

    def _create(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA):
            with self.db:
                for table in ("stats", "files", "generations", "snapshots", "outputs"):
                    self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(f"""
            CREATE TABLE IF NOT EXISTS stats (root TEXT PRIMARY KEY, signatures BLOB, used INTEGER);
            CREATE TABLE IF NOT EXISTS files (generation TEXT, path TEXT, sha256 TEXT, deps BLOB,
                results BLOB, PRIMARY KEY (generation, path));
            CREATE TABLE IF NOT EXISTS generations (generation TEXT PRIMARY KEY, used INTEGER);
            CREATE TABLE IF NOT EXISTS snapshots (key TEXT PRIMARY KEY, root TEXT, payload BLOB, outside BLOB,
                used INTEGER);
            CREATE TABLE IF NOT EXISTS outputs (key TEXT PRIMARY KEY, failed INTEGER, report BLOB, used INTEGER);
            PRAGMA user_version = {SCHEMA};
        """)

    def close(self) -> None:
        self.db.close()

    # stat signatures -----------------------------------------------------------------------------
    def signatures(self, root: str) -> dict[str, tuple[tuple[int, ...], str]]:
        row = self.db.execute("SELECT signatures FROM stats WHERE root = ?", (root,)).fetchone()
        if row is None:
            return {}
        try:
            found = marshal.loads(row[0])
        except (ValueError, EOFError, TypeError):
            return {}
        return found if isinstance(found, dict) else {}

    def save_signatures(self, root: str, signatures: dict[str, tuple[tuple[int, ...], str]]) -> None:
        """Store a tree's signatures; forget trees not scanned for a while (deleted checkouts, temp dirs)."""
        now = int(time.time())
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO stats VALUES (?, ?, ?)", (root, marshal.dumps(signatures), now))
            self.db.execute("DELETE FROM stats WHERE used < ?", (now - KEEP_GENERATIONS_DAYS * 86400,))

    # per-file results ----------------------------------------------------------------------------
    def file_results(self, generation: str) -> dict[str, tuple[str, bytes, bytes]]:
        rows = self.db.execute("SELECT path, sha256, deps, results FROM files WHERE generation = ?", (generation,))
        return {path: (sha, deps, results) for path, sha, deps, results in rows}

    def save_file_results(self, generation: str, rows: list[tuple[str, str, bytes, bytes]]) -> None:
        """Store one generation's new results; drop generations (older installs, old rules) unused for a
        while, so the file does not grow with every upgrade."""
        now = int(time.time())
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                                [(generation, path, sha, deps, results) for path, sha, deps, results in rows])
            self.db.execute("INSERT OR REPLACE INTO generations VALUES (?, ?)", (generation, now))
            stale = [g for (g,) in self.db.execute("SELECT generation FROM generations WHERE used < ?",
                                                   (now - KEEP_GENERATIONS_DAYS * 86400,))]
            for old in stale:
                self.db.execute("DELETE FROM files WHERE generation = ?", (old,))
                self.db.execute("DELETE FROM generations WHERE generation = ?", (old,))

    # whole-tree snapshots ------------------------------------------------------------------------
    def snapshot_outside(self, key: str) -> tuple | None:
        """The (path, token) pairs of files read outside the walk for a stored snapshot; None if none is stored."""
        row = self.db.execute("SELECT outside FROM snapshots WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return tuple(marshal.loads(row[0]))
        except (ValueError, EOFError, TypeError):
            return None

    def snapshot(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT payload FROM snapshots WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        with self.db:
            self.db.execute("UPDATE snapshots SET used = ? WHERE key = ?", (time.time_ns(), key))
        return row[0]

    def save_snapshot(self, key: str, root: str, payload: bytes, outside: bytes) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)",
                            (key, root, payload, outside, time.time_ns()))
            self.db.execute("DELETE FROM snapshots WHERE key NOT IN "
                            "(SELECT key FROM snapshots ORDER BY used DESC LIMIT ?)", (KEEP_SNAPSHOTS,))

    # rendered reports ----------------------------------------------------------------------------
    def output(self, key: str) -> tuple[str, bool] | None:
        row = self.db.execute("SELECT report, failed FROM outputs WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            text = zlib.decompress(row[0]).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):
            return None
        with self.db:
            self.db.execute("UPDATE outputs SET used = ? WHERE key = ?", (time.time_ns(), key))
        return text, bool(row[1])

    def save_output(self, key: str, text: str, failed: bool) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
                            (key, int(failed), zlib.compress(text.encode("utf-8"), 1), time.time_ns()))
            self.db.execute("DELETE FROM outputs WHERE key NOT IN "
                            "(SELECT key FROM outputs ORDER BY used DESC LIMIT ?)", (KEEP_OUTPUTS,))
