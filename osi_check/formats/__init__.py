"""Output formats: each a pure `render(report) -> str`. Explicit registry; a test checks it is complete.

The registry names each format's module and function, and imports the module when the format is first
used: some formats pull in large libraries (spdx-tools, cyclonedx-python-lib), and a re-scan served from
the cache renders nothing, so starting the command line must not pay for importing them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from osi_check.model import Report


def _format(module: str, function: str = "render") -> Callable[[Report], str]:
    qualified = f"osi_check.formats.{module}"

    def render(report: Report) -> str:
        return getattr(importlib.import_module(qualified), function)(report)

    render.__module__, render.__name__, render.__qualname__ = qualified, function, function
    return render


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": _format("text"),
    "json": _format("json_report"),
    "html": _format("html"),
    "sarif": _format("sarif"),
    "spdx-json": _format("spdx", "render_json"),
    "spdx-tv": _format("spdx", "render_tag_value"),
    "cyclonedx": _format("cyclonedx"),
    "notice": _format("notice"),
    "markdown": _format("markdown"),
}

# Modules of this package that are not formats: shared views and lookups the formats use.
HELPER_MODULES = frozenset({"summary", "license_texts", "outputs"})
