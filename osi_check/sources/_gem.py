"""What the two RubyGems readers (Gemfile.lock and gemspec) share: the purl key, and where a gem lives.

Both readers must produce the same key for the same gem, or resolve cannot put a lockfile entry and
the installed copy's gemspec together: the key is `pkg:gem/<name>@<version>` with no qualifiers (no
platform, no vcs_url), and the ecosystem is "gem". Both also decide the same way whether a local
gem is the project's own code (APPLICATION) or third-party code vendored into the tree (DEPENDENCY),
because two readers that disagree on the role of one directory would make the merged role depend on
the order the files were read.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from osi_check.facts import Role
from osi_check.sources._lockfile import purl_part

ECOSYSTEM = "gem"

# The directory RubyGems/Bundler installs into: ".../ruby/3.3.0/gems/<name>-<version>",
# ".../ruby/3.3.0/specifications/<name>-<version>.gemspec", ".../ruby/3.3.0/bundler/gems/<name>-<rev>"
# (Bundler's git checkouts), and a Ruby installation's "lib/ruby/gems/3.3.0/...".
_INSTALL_DIR = re.compile(r"^\d+\.\d+\.\d+$")
_INSTALLED_LEAVES = ("gems", "specifications")


def gem_purl(name: str, version: str | None) -> str:
    """pkg:gem/<name>@<version>: the key both gem readers use (qualifiers never go into it)."""
    return f"pkg:gem/{purl_part(name)}" + (f"@{purl_part(version)}" if version else "")


def installed_gem_dir(path: str) -> str | None:
    """The installed gem directory a gemspec belongs to, if the path is in a RubyGems install layout.

    ".../3.3.0/specifications/rack-3.0.11.gemspec" -> ".../3.3.0/gems/rack-3.0.11";
    ".../3.3.0/gems/rack-3.0.11/rack.gemspec" -> ".../3.3.0/gems/rack-3.0.11";
    ".../3.3.0/bundler/gems/rails-1a2b3c4d5e6f/activesupport/activesupport.gemspec" -> its own directory.
    Returns "" for a default gem's specification (".../specifications/default/x.gemspec"), which has no
    directory of its own, and None when the path is not in an install layout at all.
    """
    parts = PurePosixPath(path).parts
    for index in range(len(parts) - 2, 0, -1):
        leaf = parts[index]
        version_dir = parts[index - 1]
        if leaf == "gems" and version_dir == "bundler" and index >= 2 and _INSTALL_DIR.match(parts[index - 2]):
            return str(PurePosixPath(path).parent)
        if leaf not in _INSTALLED_LEAVES or not _INSTALL_DIR.match(version_dir):
            continue
        base = PurePosixPath(*parts[:index])
        if leaf == "specifications":
            if index == len(parts) - 2:
                return str(base / "gems" / PurePosixPath(parts[-1]).stem)
            return ""  # specifications/default/<x>.gemspec: a default gem, part of Ruby itself
        if index + 1 < len(parts) - 1:
            return str(base / "gems" / parts[index + 1])
    return None


def inside_installed_gem(path: str) -> bool:
    """Whether a file sits below the top of an installed gem's directory (".../3.3.0/gems/<gem>/sub/x"):
    a gemspec there is a test fixture or an example of that gem, not a gem that is installed."""
    parts = PurePosixPath(path).parts
    for index in range(1, len(parts) - 3):
        if parts[index] == "gems" and _INSTALL_DIR.match(parts[index - 1]):
            return True
    return False


def is_vendored(path: str) -> bool:
    """Whether a path is third-party code copied into the tree (below a `vendor` directory)."""
    return "vendor" in PurePosixPath(path).parts


def local_gem_role(directory: str) -> Role:
    """The role of a gem whose code sits in `directory` of the tree: vendored copies are dependencies,
    anything else (an engine in engines/, the gem the tree is) is the project's own code."""
    if is_vendored(directory) or installed_gem_dir(f"{directory}/x.gemspec") is not None:
        return Role.DEPENDENCY
    return Role.APPLICATION
