"""Reading an upstream release out of the scanned repository's git objects, without letting the
repository run anything.

A repository's own `.git/config` and `.gitattributes` can make git execute programs: `core.fsmonitor`
on any command that refreshes the index, clean/smudge filters and textconv drivers when contents are
checked out or diffed, `diff.external`, hooks, `log.showSignature` with a `gpg.program`, a pager. The
scanned tree is hostile, so osi-check only runs the plumbing commands that read objects as stored
(`rev-parse`, `ls-tree`, `cat-file --batch`, `log --name-only`), never one that touches the work tree
or the index, and runs them:

- with an environment built from scratch (no user or system config, no pager, no prompt, no
  replace objects, no optional locks, discovery stopped above the tree),
- with command-line `-c` overrides, which outrank the repository's config, for every setting known to
  start a program,
- with flags that switch off external diff, textconv and signature display on `log`.

The work tree's files are hashed in Python (`blob_id`), so git never reads them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Each of these settings can name a program git would start; the override disarms it.
DISARMED_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "core.askPass=",
    "core.editor=false",
    "core.gitProxy=",
    "credential.helper=",
    "diff.external=",
    "log.showSignature=false",
    "gpg.program=false",
    "gpg.ssh.program=false",
    "gpg.x509.program=false",
    "protocol.allow=never",
    "core.untrackedCache=false",
    "uploadpack.packObjectsHook=",
    "core.alternateRefsCommand=",
    "safe.directory=*",
)
REF_FORBIDDEN = ("-", ":")  # a ref never starts with an option dash; "rev:path" is not a release


class GitError(Exception):
    """git could not answer (not a repository, unknown ref, git missing)."""


def blob_id(data: bytes) -> str:
    """The id git gives a file's content: lets the work tree be compared with stored blobs without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's object id, not security


def is_repository(root: Path) -> bool:
    return (root / ".git").exists()


@dataclass(frozen=True)
class TreeEntry:
    path: str
    mode: str  # 100644, 100755, 120000 (link), 160000 (submodule)
    object_id: str


class Repository:
    """Read-only access to the objects of the repository at `root` (which must hold `.git`)."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        if not is_repository(self.root):
            raise GitError(f"{self.root}: not a git repository (no .git); give the upstream as a directory or archive")
        if (self.root / ".git").is_symlink():
            raise GitError(f"{self.root}: .git is a symbolic link; links in the scanned tree are not followed")
        if shutil.which("git") is None:
            raise GitError("git is not installed; give the upstream as a directory or archive")
        self._home = tempfile.mkdtemp(prefix="osi-check-git-home-")

    def close(self) -> None:
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self._home,
            "XDG_CONFIG_HOME": self._home,
            "LC_ALL": "C",
            "GIT_DIR": str(self.root / ".git"),
            "GIT_CEILING_DIRECTORIES": str(self.root.parent),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ATTR_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "GIT_EXTERNAL_DIFF": "",
        }

    def _command(self, *args: str) -> list[str]:
        command = ["git", "--no-pager"]
        for setting in DISARMED_CONFIG:
            command += ["-c", setting]
        return command + list(args)

    def _run(self, *args: str) -> bytes:
        try:
            done = subprocess.run(self._command(*args), cwd=self._home, env=self._env(), capture_output=True,
                                  stdin=subprocess.DEVNULL, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git {args[0]} failed: {exc}") from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]}: {message[-1] if message else f'exit {done.returncode}'}")
        return done.stdout

    def resolve(self, ref: str) -> str:
        """The commit id a tag, branch or commit names."""
        if not ref or ref.startswith(REF_FORBIDDEN) or ":" in ref or any(c.isspace() for c in ref):
            raise GitError(f"'{ref}' is not a tag, branch or commit")
        try:
            return self._run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
        except GitError:
            raise GitError(f"'{ref}' is not a tag, branch or commit of {self.root.name}") from None

    def tree(self, commit: str) -> list[TreeEntry]:
        """Every file of the commit's tree (recursively), with its mode and blob id."""
        out = self._run("ls-tree", "-r", "-z", "--full-tree", commit)
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, _kind, object_id = meta.decode().split(" ")
            entries.append(TreeEntry(path.decode("utf-8", "surrogateescape"), mode, object_id))
        return entries

    def last_changed(self, since: str) -> dict[str, str]:
        """For each path changed by a commit after `since` (up to HEAD): the ISO date of the newest such
        commit. Renames are not followed: the date is the one of the path as it is now."""
        out = self._run("log", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-show-signature",
                        "--format=%x01%cI", "--name-only", f"{since}..HEAD", "--")
        dates: dict[str, str] = {}
        date = ""
        for field in out.split(b"\0"):
            field = field.strip(b"\n")
            if field.startswith(b"\x01"):
                header, _, rest = field[1:].partition(b"\n")
                date = header.decode()[:10]
                field = rest
            if field:
                dates.setdefault(field.decode("utf-8", "surrogateescape"), date)
        return dates

    def reader(self) -> BlobReader:
        return BlobReader(self)


class BlobReader:
    """`git cat-file --batch`: blob contents as stored, no filter or textconv applied."""

    def __init__(self, repo: Repository):
        self._process = subprocess.Popen(repo._command("cat-file", "--batch"), cwd=repo._home, env=repo._env(),
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def read(self, object_id: str) -> bytes:
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(object_id.encode() + b"\n")
        self._process.stdin.flush()
        header = self._process.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(f"object {object_id} is missing or not a file")
        size = int(header[2])
        data = self._process.stdout.read(size)
        self._process.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=60)
        if self._process.stdout:
            self._process.stdout.close()
