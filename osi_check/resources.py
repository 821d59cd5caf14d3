"""The one place that locates the data directories shipped with osi-check.

`rules/` and `reports/` live at the top of the source tree so that license analysts and report
designers find them; the wheel carries them inside the package as `osi_check/_data/`. Every other
module asks here instead of guessing paths, so both layouts work.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"osi-check data directory '{name}' not found; the installation is incomplete "
        f"(looked in {_PACKAGE_DIR / '_data' / name} and {_PACKAGE_DIR.parent / name})"
    )


def rules_dir() -> Path:
    """The built-in rules and knowledge base (top-level `rules/`)."""
    return _data_dir("rules")


def reports_dir() -> Path:
    """Report templates and JSON schemas (top-level `reports/`)."""
    return _data_dir("reports")


def knowledge_file(name: str) -> Path:
    """A knowledge file under rules/knowledge/ (license facts, declared-string aliases, ...)."""
    return rules_dir() / "knowledge" / name


def schema_file(name: str) -> Path:
    """A JSON schema under reports/schemas/."""
    return reports_dir() / "schemas" / name


def template_dir() -> Path:
    return reports_dir() / "templates"


CACHE_ENV = "OSI_CHECK_CACHE_DIR"


def cache_dir() -> Path:
    """Where osi-check keeps what it can rebuild (the license index, the scan cache):
    $OSI_CHECK_CACHE_DIR, else the user cache directory (platformdirs)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("osi-check"))
