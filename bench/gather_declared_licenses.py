"""Re-gather real declared license values for tests/data/declared-licenses.tsv (NOT run by the tests).

    python bench/gather_declared_licenses.py --ecosystems-csv licenses-1.csv [--site DIR ...] [--node DIR ...]

Sources, as in the committed table:
  --ecosystems-csv  the ecosyste.ms license export published by the CHAOSS package-metadata working group
                    (github.com/chaoss/wg-package-metadata, data/2025-11-26/licenses-1.csv; columns ecosystem,
                    name, licenses; data CC BY-SA 4.0). A path, or an http(s) URL: fetching it NEEDS NETWORK.
  --site            directories holding installed Python distributions (*.dist-info/METADATA, PKG-INFO):
                    License, License-Expression and "License ::" classifiers.
  --node            node_modules directories: each package.json "license" string.
  (always)          every "License ::" classifier of the installed trove-classifiers package.

Prints, as TSV rows in the table's format, the DISTINCT values that the committed table does not hold yet,
with the current reading of licensing.normalize in `expected`/`confident` and the note "TO CHECK": each must
be checked by hand (what does the value really mean?) before it is added to the table. Nothing is ever
downloaded from a package registry: the registries are not crawled, only this one published export is read.
"""

from __future__ import annotations

import argparse
import csv
import email.parser
import io
import json
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from normalize_corpus import DEFAULT, load, masked  # noqa: E402

from osi_check import licensing  # noqa: E402

MAX_CSV_BYTES = 64 * 1024 * 1024


def from_ecosystems(source: str):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as response:  # noqa: S310 - an explicit, documented URL
            text = response.read(MAX_CSV_BYTES).decode("utf-8", "replace")
    else:
        text = Path(source).read_text("utf-8", errors="replace")
    for row in csv.DictReader(io.StringIO(text)):
        value = (row.get("licenses") or "").strip()
        if value and row.get("ecosystem") not in {"docker", "go"}:  # docker: none; go: detected, not declared
            yield value, row["ecosystem"], row.get("name", "?"), "licenses (ecosyste.ms registry metadata)"


def from_site(folder: Path):
    for meta in sorted([*folder.rglob("*.dist-info/METADATA"), *folder.rglob("PKG-INFO")]):
        try:
            message = email.parser.Parser().parsestr(meta.read_text("utf-8", errors="replace"), headersonly=True)
        except (OSError, ValueError):
            continue
        name = message.get("Name") or meta.parent.name
        for field in ("License-Expression", "License"):
            if message.get(field):
                yield message[field], "pypi", name, f"{field} (installed METADATA)"
        for classifier in message.get_all("Classifier") or []:
            if classifier.startswith("License ::"):
                yield classifier, "pypi", name, "Classifier (installed METADATA)"


def from_node(folder: Path):
    for manifest in sorted(folder.rglob("package.json")):
        try:
            data = json.loads(manifest.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("license"), str) and data.get("name"):
            yield data["license"], "npm", data["name"], "license (installed package.json)"


def from_classifiers():
    try:
        import trove_classifiers
    except ImportError:
        return
    for classifier in sorted(trove_classifiers.sorted_classifiers) + sorted(trove_classifiers.deprecated_classifiers):
        if classifier.startswith("License ::"):
            yield classifier, "pypi", "(trove-classifiers list)", "Classifier"


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecosystems-csv")
    parser.add_argument("--site", action="append", default=[], type=Path)
    parser.add_argument("--node", action="append", default=[], type=Path)
    args = parser.parse_args(argv)
    known = {row.raw for row in load(DEFAULT)}
    sources = [from_classifiers()]
    if args.ecosystems_csv:
        sources.append(from_ecosystems(args.ecosystems_csv))
    sources += [from_site(folder) for folder in args.site] + [from_node(folder) for folder in args.node]
    new = 0
    for source in sources:
        for raw, ecosystem, package, field in source:
            if raw in known:
                continue
            known.add(raw)
            result = licensing.normalize(raw)
            expected = masked(result.expression)
            confident = "-" if expected == "none" or "UNKNOWN" in expected else ("yes" if result.confident else "no")
            print("\t".join([escape(raw), ecosystem, package, field, expected, confident, "TO CHECK"]))
            new += 1
    print(f"{new} new distinct values (check each by hand before adding it)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
