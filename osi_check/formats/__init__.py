"""Output formats: each a pure `render(report) -> str`. Explicit registry; a test checks it is complete."""

from __future__ import annotations

from collections.abc import Callable

from osi_check.formats import cyclonedx, html, json_report, markdown, notice, sarif, spdx, text
from osi_check.model import Report

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_report.render,
    "html": html.render,
    "sarif": sarif.render,
    "spdx-json": spdx.render_json,
    "spdx-tv": spdx.render_tag_value,
    "cyclonedx": cyclonedx.render,
    "notice": notice.render,
    "markdown": markdown.render,
}

# Modules of this package that are not formats: shared views and lookups the formats use.
HELPER_MODULES = frozenset({"summary", "license_texts", "outputs"})
