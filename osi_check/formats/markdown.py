"""A Markdown summary sized for a pull-request comment (GitHub caps a comment at 65,536 characters).

Verdict, counts, decisions needed, the obligations checklist and the most severe findings; long lists are
cut with "and N more" and the whole text is kept under `LIMIT`. Everything from the scanned tree is
escaped: Markdown punctuation and HTML are neutralised and '@' cannot mention anyone, because a hostile
package name must not format, link or notify in a code-review tool.
"""

from __future__ import annotations

import re
from collections import Counter

from osi_check.formats import summary
from osi_check.model import Finding, Report

LIMIT = 60_000
MAX_ITEMS = 15
MAX_SUBJECTS = 5
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: str) -> str:
    """Untrusted text as inert Markdown prose on one line."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@\u200b").replace("://", ":\u200b//")


def _subjects(names: list[str] | tuple[str, ...]) -> str:
    shown = ", ".join(md(n) for n in names[:MAX_SUBJECTS])
    return shown + (f" and {len(names) - MAX_SUBJECTS} more" if len(names) > MAX_SUBJECTS else "")


def _more(total: int) -> list[str]:
    return [f"- … and {total - MAX_ITEMS} more (see the HTML or JSON report)"] if total > MAX_ITEMS else []


def render(report: Report) -> str:
    counts = summary.counts(report)
    out = [f"### osi-check: {summary.verdict(report)}", "",
           f"**{md(report.target)}** · deployment {md(summary.deployment_text(report))} · "
           f"{len(report.components)} components · {report.files_scanned} files", "",
           "| error | warning | note | waived |", "|---:|---:|---:|---:|",
           f"| {counts['error']} | {counts['warning']} | {counts['note']} | {counts['waived']} |", ""]
    if report.partial:
        out += [f"> **Partial scan:** {len(report.problems)} input(s) could not be read:", ">"]
        out += [f"> - {md(str(p))}" for p in report.problems[:MAX_ITEMS]] + [""]
    decisions = summary.decisions(report)
    if decisions:
        out += ["#### Decisions needed", ""]
        out += [f"- **{d.severity}** {md(d.title)} ({len(d.subjects)}): {_subjects(d.subjects)}" for d in decisions[:MAX_ITEMS]]
        out += _more(len(decisions)) + [""]
    items = [(t, i) for t in summary.checklist(report) for i in t.items]
    if items:
        out += ["#### Obligations", ""]
        for topic, item in items[:MAX_ITEMS]:
            a = item.action
            out.append(f"- [ ] **{md(a.what)}** to {md(a.to_whom)}, {md(a.how)}, {md(a.by_when)} "
                       f"({md(topic.title)}; {_subjects([f.subject.name for f in item.findings])})")
        out += _more(len(items)) + [""]
    active = sorted(summary.active(report.findings), key=Finding.sort_key)
    if active:
        out += ["#### Findings", "", "| severity | finding | subject | where |", "|---|---|---|---|"]
        out += [f"| {f.severity.value} | {md(f.title)} | {md(f.subject.name)} | {md(f.subject.location)} |"
                for f in active[:MAX_ITEMS]]
        if len(active) > MAX_ITEMS:
            out.append(f"| | … and {len(active) - MAX_ITEMS} more | | |")
        out.append("")
    licenses = Counter(c.license.expression or "(none found)" for c in report.components).most_common()
    out += [f"<details><summary>Licenses of {len(report.components)} components</summary>", "",
            "| license | components |", "|---|---:|"]
    out += [f"| {md(expr)} | {n} |" for expr, n in licenses[:50]]
    if len(licenses) > 50:
        out.append(f"| … and {len(licenses) - 50} more | |")
    out += ["", "</details>", ""]
    text = "\n".join(out)
    if len(text) > LIMIT:
        cut = text.rfind("\n", 0, LIMIT - 200)
        text = text[:cut] + "\n\n… cut to fit a pull-request comment; see the HTML or JSON report.\n"
    return text
