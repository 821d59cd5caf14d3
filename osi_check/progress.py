"""Progress on a terminal for long scans, and nothing anywhere else.

A bar is shown only when stderr is an interactive terminal, outside CI (the `CI` variable that GitHub,
GitLab and most others set) and without --quiet: logs stay clean, and a pipe never receives control
characters. rich draws it (and is only imported when it will); the bar appears only when there are
enough files to read for it to matter.
"""

from __future__ import annotations

import os
import sys

from osi_check.cache.scan import Progress

MIN_FILES = 200  # below this a scan is too quick for a bar to help


def wanted(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class TerminalProgress(Progress):
    def __init__(self):
        self._bar = None
        self._task = None

    def start(self, total: int) -> None:
        if total < MIN_FILES:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

        self._bar = Bar(TextColumn("reading files"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=Console(stderr=True), transient=True)
        self._task = self._bar.add_task("read", total=total)
        self._bar.start()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def progress_for(quiet: bool) -> Progress:
    return TerminalProgress() if wanted(quiet) else Progress()
