"""HTML report at scale: size and first-screen render time in headless chromium.

Acceptance: for a generated report of 5,000 components and 20,000 findings (bench/make_large_report.py)
the HTML file is under 10 MB and its first screen renders in under 2 s in headless Debian chromium,
median of 5 loads.

    python bench/html_report.py [--components 5000] [--findings 20000] [--runs 5] [--out /tmp/large.html]

"First screen" is measured inside the page: from the start of navigation (performance.timeOrigin) to
the report script's `osi-check-ready` mark, set once the summary is laid out and the first page of the
inventory is drawn; first-contentful-paint is printed beside it. Each load is a fresh browser page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import chromium  # noqa: E402
from bench.make_large_report import large_report  # noqa: E402
from osi_check.formats import html  # noqa: E402

LIMIT_BYTES = 10 * 1000 * 1000
LIMIT_SECONDS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=5000)
    parser.add_argument("--findings", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/osi-check-bench-large.html"))
    args = parser.parse_args()

    report = large_report(args.components, args.findings)
    started = time.perf_counter()
    text = html.render(report)
    render_seconds = time.perf_counter() - started
    args.out.write_text(text, "utf-8")
    size = args.out.stat().st_size
    print(f"report: {len(report.components)} components, {len(report.findings)} findings")
    print(f"render (Python): {render_seconds:.2f} s")
    print(f"HTML size: {size / 1e6:.2f} MB ({size} bytes; limit {LIMIT_BYTES / 1e6:.0f} MB)")

    ready, paint, load = [], [], []
    with chromium.launch() as browser:
        for _ in range(args.runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(args.out.resolve().as_uri(), wait_until="load")
            page.wait_for_function("performance.getEntriesByName('osi-check-ready').length > 0")
            timings = page.evaluate("""() => ({
                ready: performance.getEntriesByName('osi-check-ready')[0].startTime,
                paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null,
                load: performance.getEntriesByType('navigation')[0].loadEventEnd,
            })""")
            ready.append(timings["ready"] / 1000)
            paint.append((timings["paint"] or 0) / 1000)
            load.append(timings["load"] / 1000)
            page.close()
    median = statistics.median(ready)
    print("first screen ready (s): " + ", ".join(f"{t:.3f}" for t in ready) + f"; median {median:.3f} "
          f"(limit {LIMIT_SECONDS:.0f} s)")
    print("first contentful paint (s): " + ", ".join(f"{t:.3f}" for t in paint) + f"; median {statistics.median(paint):.3f}")
    print("load event end (s): " + ", ".join(f"{t:.3f}" for t in load) + f"; median {statistics.median(load):.3f}")
    ok = size < LIMIT_BYTES and median < LIMIT_SECONDS
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
