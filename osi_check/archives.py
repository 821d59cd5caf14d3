"""The project's one safe archive extractor: .tar.gz/.tgz/.tar (also .tar.bz2/.tar.xz) and .zip.

Archives handed to osi-check (an upstream release, a vendor's delivery) are hostile input. Python's
`tarfile`/`zipfile` will happily write `../../etc/passwd`, follow a link member out of the target, or
inflate a 40 KB zip into 40 GB. So nothing here trusts a member:

- names are POSIX-normalised; absolute paths, drive letters and any `..` part are refused;
- links of any kind (symbolic and hard), devices, FIFOs and other special members are refused: a
  release needs none of them, and refusing all links is simpler and safer than judging where they point;
- every file is created fresh (O_EXCL | O_NOFOLLOW, mode 0644): never a set-uid or executable bit, never
  through a link, never overwriting an earlier member (duplicates are refused);
- limits on the number of files, each file's size, the total size and the compression ratio are
  enforced on the bytes actually written, not on the sizes the archive claims.

A refused member is data (`RefusedMember`: its name and why), not an exception, so callers can report
it and go on with the rest of the archive. Only an input that is not a readable archive at all raises
`ArchiveError`. `read_files` applies exactly the same checks but hands each file's content to a callback
instead of writing it, for callers that only need to read a release once.

Usage::

    result = extract(Path("release.tar.gz"), Path(tmpdir) / "release")
    for refused in result.refused:
        print(refused.member, refused.reason)
    tree_root = result.content_root()   # the single top folder most releases have, else the root
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

from osi_check.facts import InputProblem, Location

SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
CHUNK = 1024 * 1024
READER = "archive"


class ArchiveError(Exception):
    """The file is not a readable archive (or the destination is unusable): nothing was extracted."""


@dataclass(frozen=True)
class Limits:
    """How much an archive may unpack to. Defaults suit a CRM release (SuiteCRM 8: ~60,000 files, ~600 MB)."""

    max_files: int = 250_000
    max_file_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 4 * 1024 * 1024 * 1024
    # Uncompressed bytes per compressed byte. Source code compresses 5-10x; 100x is a bomb.
    max_ratio: float = 100.0
    # The ratio is only judged above this size: tiny files of zeros compress well and are harmless.
    ratio_floor_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class RefusedMember:
    """An archive member that was not extracted, and why."""

    member: str
    reason: str

    def as_problem(self, archive: str) -> InputProblem:
        return InputProblem(Location(f"{archive}!{self.member}"), f"archive member refused: {self.reason}", READER)


@dataclass(frozen=True)
class Extraction:
    """What `extract` did: where, which files it wrote (POSIX, relative to `root`), which it refused."""

    root: Path
    files: tuple[str, ...]
    refused: tuple[RefusedMember, ...] = ()

    def content_root(self) -> Path:
        """The archive's single top-level folder when it has one (`suitecrm-7.14.0/...`), else `root`."""
        top = single_top_folder(self.files)
        return self.root / top if top else self.root

    def problems(self, archive: str) -> tuple[InputProblem, ...]:
        return tuple(refused.as_problem(archive) for refused in self.refused)


def single_top_folder(paths) -> str:
    """'release-1.0/' when every path is below that one folder (as most release archives are), else ''."""
    tops = {path.split("/", 1)[0] for path in paths}
    if len(tops) == 1 and all("/" in path for path in paths):
        return tops.pop() + "/"
    return ""


def is_archive(path: Path) -> bool:
    """True for a regular file whose name says it is an archive this module reads."""
    return path.is_file() and path.name.lower().endswith(SUFFIXES)


def safe_member_name(name: str) -> str | None:
    """The member's path as a clean relative POSIX path, or None when it must not be written anywhere."""
    name = name.replace("\\", "/")
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


@dataclass
class _Budget:
    limits: Limits
    archive_bytes: int
    files: int = 0
    total: int = 0
    stopped: str = ""  # set when the whole archive is over a limit: every later member is refused
    seen: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)  # folders created so far (relative)


class _Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def extract(archive: Path, destination: Path, limits: Limits = Limits()) -> Extraction:
    """Extract `archive` into `destination` (created; must not exist or be empty), refusing unsafe members.

    Raises ArchiveError only when the archive cannot be read at all or the destination is unusable."""
    destination = Path(destination)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ArchiveError(f"{destination}: the extraction directory must be new or empty")
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"{destination}: {exc.strerror or exc}") from None
    sink = _Disk(destination.resolve())
    refused = _run(Path(archive), sink, limits)
    return Extraction(sink.root, tuple(sorted(sink.written)), refused)


def read_files(archive: Path, on_file: Callable[[str, bytes], None], limits: Limits = Limits()) -> tuple[RefusedMember, ...]:
    """Read the archive without writing anything: `on_file(path, content)` for every member `extract` would
    write (same checks, same limits, one file in memory at a time); returns the refused members.

    For callers that only need each file's content once (hashing a release to compare it), this saves
    creating thousands of files on disk."""
    return _run(Path(archive), _Memory(on_file), limits)


def _run(archive: Path, sink, limits: Limits) -> tuple[RefusedMember, ...]:
    try:
        budget = _Budget(limits, archive.stat().st_size)
    except OSError as exc:
        raise ArchiveError(f"{archive}: {exc.strerror or exc}") from None
    name = archive.name.lower()
    try:
        if name.endswith(".zip") or (not name.endswith(SUFFIXES) and zipfile.is_zipfile(archive)):
            return tuple(_zip_members(archive, sink, budget))
        return tuple(_tar_members(archive, sink, budget))
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ArchiveError(f"{archive}: not a readable archive ({type(exc).__name__}: {exc})") from None


class _Disk:
    """Writes accepted members below `root`."""

    def __init__(self, root: Path):
        self.root = root
        self.written: list[str] = []

    def directory(self, rel: str, budget: _Budget) -> None:
        _make_dir(self.root, rel, budget.dirs)

    def file(self, rel: str, source: BinaryIO, budget: _Budget, compressed: int | None) -> None:
        _write(self.root, rel, source, budget, compressed)
        self.written.append(rel)


class _Memory:
    """Hands each accepted member's content to a callback; writes nothing."""

    def __init__(self, on_file: Callable[[str, bytes], None]):
        self.on_file = on_file

    def directory(self, rel: str, budget: _Budget) -> None:
        return None

    def file(self, rel: str, source: BinaryIO, budget: _Budget, compressed: int | None) -> None:
        chunks: list[bytes] = []
        size = _copy(source, chunks.append, budget, compressed)
        _account(budget, rel, size)
        self.on_file(rel, b"".join(chunks))


def _zip_members(archive: Path, sink, budget: _Budget) -> list[RefusedMember]:
    refused = []
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            try:
                mode = info.external_attr >> 16
                if info.is_dir():
                    sink.directory(_checked_name(info.filename, budget, directory=True), budget)
                    continue
                if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                    raise _Refused("a link or special file (only regular files and directories are extracted)")
                rel = _checked_name(info.filename, budget)
                _check_declared(info.file_size, budget)
                with zf.open(info) as source:
                    sink.file(rel, source, budget, info.compress_size)
            except _Refused as exc:
                refused.append(RefusedMember(info.filename, exc.reason))
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
                refused.append(RefusedMember(info.filename, f"cannot be read ({type(exc).__name__}: {exc})"))
    return refused


def _tar_members(archive: Path, sink, budget: _Budget) -> list[RefusedMember]:
    refused = []
    with tarfile.open(archive, "r|*") as tf:  # a stream: read once, front to back, never seeking
        for member in tf:
            if budget.stopped:
                # reading on would mean inflating the rest of the stream: stop and say so
                refused.append(RefusedMember(member.name, f"{budget.stopped}; this and any later members were not read"))
                break
            try:
                if member.isdir():
                    sink.directory(_checked_name(member.name, budget, directory=True), budget)
                    continue
                if member.issym() or member.islnk():
                    raise _Refused(f"a link (to {member.linkname!r}); links are never extracted")
                if not member.isreg():
                    raise _Refused("a special file (device, FIFO, ...); only regular files are extracted")
                rel = _checked_name(member.name, budget)
                _check_declared(member.size, budget)
                source = tf.extractfile(member)
                if source is None:
                    raise _Refused("has no content")
                with source:
                    sink.file(rel, source, budget, None)
            except _Refused as exc:
                refused.append(RefusedMember(member.name, exc.reason))
    return refused


def _checked_name(raw: str, budget: _Budget, directory: bool = False) -> str:
    if budget.stopped:
        raise _Refused(budget.stopped)
    rel = safe_member_name(raw)
    if rel is None:
        raise _Refused("an absolute path or a path leading out of the extraction root")
    if not directory:
        if rel in budget.seen:
            raise _Refused("a second member with the same path; the first one is kept")
        if budget.files >= budget.limits.max_files:
            budget.stopped = f"over the limit of {budget.limits.max_files:,} files"
            raise _Refused(budget.stopped)
    return rel


def _check_declared(size: int, budget: _Budget) -> None:
    if size > budget.limits.max_file_bytes:
        raise _Refused(f"declares {size:,} bytes, over the {budget.limits.max_file_bytes:,}-byte limit per file")
    if budget.total + size > budget.limits.max_total_bytes:
        raise _Refused(f"would exceed the {budget.limits.max_total_bytes:,}-byte limit for the whole archive")
    claimed = budget.total + size
    if claimed > budget.limits.ratio_floor_bytes and claimed > budget.limits.max_ratio * max(budget.archive_bytes, 1):
        budget.stopped = (f"the archive declares more than {budget.limits.max_ratio:g} times its size "
                          "(a decompression bomb)")
        raise _Refused(budget.stopped)


def _make_dir(root: Path, rel: str, made: set[str]) -> str:
    """Create `rel` below `root` one part at a time, never through anything that is not a plain directory
    (`made` remembers the folders this extraction created, so each is checked once)."""
    current = str(root)
    prefix = ""
    for part in rel.split("/"):
        prefix = f"{prefix}/{part}" if prefix else part
        current = os.path.join(current, part)
        if prefix in made:
            continue
        try:
            os.mkdir(current, 0o755)
        except FileExistsError:
            if os.path.islink(current) or not os.path.isdir(current):
                raise _Refused(f"its folder {part!r} is a file in this archive") from None
        made.add(prefix)
    return current


def _write(root: Path, rel: str, source: BinaryIO, budget: _Budget, compressed: int | None) -> None:
    """Stream one member to a new file, counting the bytes really written against every limit."""
    folder, _, name = rel.rpartition("/")
    target = os.path.join(_make_dir(root, folder, budget.dirs) if folder else str(root), name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except FileExistsError:
        raise _Refused("a file with the same path was already extracted") from None
    try:
        with os.fdopen(fd, "wb") as out:
            size = _copy(source, out.write, budget, compressed)
    except _Refused:
        os.unlink(target)
        raise
    except OSError as exc:
        os.unlink(target)
        raise _Refused(f"cannot be written ({exc.strerror or exc})") from None
    _account(budget, rel, size)


def _copy(source: BinaryIO, put: Callable[[bytes], object], budget: _Budget, compressed: int | None) -> int:
    """Move a member's bytes to `put` chunk by chunk, stopping as soon as a limit is crossed."""
    size = 0
    while True:
        try:
            chunk = source.read(CHUNK)
        except (EOFError, zipfile.BadZipFile, tarfile.TarError, OSError) as exc:
            raise _Refused(f"cannot be read ({type(exc).__name__}: {exc})") from None
        if not chunk:
            return size
        size += len(chunk)
        _check_running(size, compressed, budget)
        put(chunk)


def _account(budget: _Budget, rel: str, size: int) -> None:
    budget.files += 1
    budget.total += size
    budget.seen.add(rel)


def _check_running(size: int, compressed: int | None, budget: _Budget) -> None:
    limits = budget.limits
    if size > limits.max_file_bytes:
        raise _Refused(f"inflates past the {limits.max_file_bytes:,}-byte limit per file")
    total = budget.total + size
    if total > limits.max_total_bytes:
        budget.stopped = f"the archive inflates past the {limits.max_total_bytes:,}-byte limit"
        raise _Refused(budget.stopped)
    if compressed is not None and size > limits.ratio_floor_bytes and size > limits.max_ratio * max(compressed, 1):
        raise _Refused(f"compression ratio over {limits.max_ratio:g}:1 (a decompression bomb)")
    if total > limits.ratio_floor_bytes and total > limits.max_ratio * max(budget.archive_bytes, 1):
        budget.stopped = f"the archive inflates more than {limits.max_ratio:g} times its size (a decompression bomb)"
        raise _Refused(budget.stopped)
