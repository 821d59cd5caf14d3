"""Output formats: each a pure `render(report) -> str`. Explicit registry; a test checks it is complete."""

from __future__ import annotations

from collections.abc import Callable

from osi_check.formats import json_report, text
from osi_check.model import Report

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_report.render,
}
