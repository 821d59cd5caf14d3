"""Which reports one scan writes, and where: `--format NAME[=FILE]`, repeatable, so CI gets every report
from a single scan (`--format sarif=osi.sarif --format html=report.html --format text`).

A format without `=FILE` goes to `-o FILE` when given, else to standard output; at most one can, since two
reports on one stream could not be told apart. `--format json -o report.json` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from osi_check.formats import FORMATS


@dataclass(frozen=True)
class Output:
    format: str
    path: Path | None  # None: standard output


class OutputSpecError(ValueError):
    """A --format/-o combination that cannot be honoured; the message says how to fix it."""


def parse_outputs(specs: tuple[str, ...], output: Path | None, default: str = "text") -> list[Output]:
    outputs: list[Output] = []
    for spec in specs or (default,):
        name, sep, path = spec.partition("=")
        name = name.strip()
        if name not in FORMATS:
            raise OutputSpecError(f"--format {spec!r}: unknown format {name!r}; choose from {', '.join(FORMATS)}")
        if sep and not path:
            raise OutputSpecError(f"--format {spec!r}: no file after '='")
        outputs.append(Output(name, Path(path) if sep else None))
    unplaced = [o for o in outputs if o.path is None]
    if len(unplaced) > 1:
        raise OutputSpecError(
            "only one report can go to -o or standard output; give the others a file "
            f"(--format {unplaced[1].format}=FILE)")
    if output is not None:
        if not unplaced:
            raise OutputSpecError("-o/--output names no report: every --format already has its own file")
        outputs = [Output(o.format, output) if o.path is None else o for o in outputs]
    paths = [o.path for o in outputs if o.path is not None]
    for path in paths:
        if paths.count(path) > 1:
            raise OutputSpecError(f"{path}: two reports would be written to the same file")
    return outputs
