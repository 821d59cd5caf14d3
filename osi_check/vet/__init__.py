"""Vendor vetting: what a buyer actually receives in a delivered CRM.

`vet(report, root, price_list)` adds to a scan's Report (the same for `osi-check vet` and `scan --deployment buyer`):
* `license_assessments`: the OSD assessment of every license of the delivery (each license text file read, every
  license its components and files are under), with the rights a recipient receives;
* findings, topic `osd` (parts under non-OSI terms), `open-core` (enterprise folders, commercial markers, license
  key checks), `source-form` (encoded PHP, minified JavaScript without source), `media` (fonts and images under
  restrictive terms, binaries without source), and `fees` / `commercial` for the price list;
* `fees`: every price-list line judged against the license of what it charges for.
Nothing from the tree is executed; files are read through osi_check.tree (no links followed, size-capped).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from osi_check import licensing
from osi_check.engine.evaluate import fingerprint
from osi_check.facts import Evidence, EvidenceKind, Location
from osi_check.fees.judge import Target, judge
from osi_check.fees.price_list import LineItem
from osi_check.gate import decide
from osi_check.model import Citation, FeeItem, Finding, FindingKind, LicenseAssessment, Report, Severity, Subject
from osi_check.osd.assess import UnknownLicenseId, assess_id, assess_text
from osi_check.osd.page import VERDICT_TEXT
from osi_check.tree import InputError, Tree
from osi_check.vet import checks
from osi_check.vet.knowledge import load

LICENSE_FILE_MAX = 1024 * 1024
SOURCE_EXTENSIONS = frozenset("c h cc cpp hpp java go rs cs swift kt m py php js ts rb pl".split())


def _license_file_assessments(tree: Tree, files) -> list[LicenseAssessment]:
    patterns = load().license_files
    out = []
    for file in files:
        if checks._in_dependency(file) or not any(p.match(file.name) for p in patterns):
            continue
        try:
            text = tree.read_text(file.path, LICENSE_FILE_MAX)
        except InputError:
            continue
        if len(text.split()) < 20 or "\x00" in text:
            continue
        out.append(assess_text(text, file.path, location=file.path))
    return out


def _id_assessments(report: Report, known: set[str]) -> list[LicenseAssessment]:
    out = []
    seen = set(known)
    holders = [(c.license.expression, str(c.location)) for c in report.components] + \
              [(f.license.expression, f.path) for f in report.files]
    for expression, where in holders:
        if not expression:
            continue
        for leaf in licensing.leaves(licensing.parse(expression)):
            if leaf.key in seen or leaf.key.startswith(licensing.UNKNOWN_PREFIX):
                continue
            seen.add(leaf.key)
            try:
                out.append(assess_id(leaf.key, location=where))
            except UnknownLicenseId:
                continue
    return out


def _holders(report: Report, license_id: str) -> tuple[list[str], list[str]]:
    """(component names, file paths) whose concluded license names `license_id`."""
    def has(expression: str | None) -> bool:
        return bool(expression) and any(leaf.key == license_id
                                        for leaf in licensing.leaves(licensing.parse(expression)))
    return ([c.name for c in report.components if has(c.license.expression)],
            [f.path for f in report.files if has(f.license.expression)])


def _osd_findings(assessments: list[LicenseAssessment], report: Report) -> list[Finding]:
    check = load().checks["non-osi-license"]
    out = []
    for a in assessments:
        if a.verdict not in ("does-not-conform", "unclear"):
            continue
        failing = [c for c in a.criteria if c.verdict != "pass"]
        parts = [f"OSD {c.number} ({c.name}) {c.verdict}" + (f": \"{c.clause}\" ({c.location})" if c.clause else "")
                 for c in failing[:4]]
        where = a.location or a.license
        path, _, line = where.partition(":")
        evidence = tuple(
            Evidence(EvidenceKind.LICENSE_TEXT,
                     Location(path, checks._line(c.location) or (int(line) if line.isdigit() else None)),
                     c.clause, f"OSD {c.number} {c.verdict} ({a.basis})")
            for c in failing[:6] if c.clause
        )
        components, files = _holders(report, a.license)
        under = ""
        if components or files:
            names = components + files
            under = f" Under it: {', '.join(names[:8])}{', ...' if len(names) > 8 else ''} ({len(names)})."
            evidence += tuple(Evidence(EvidenceKind.MARKER, Location(p), a.license, "file under these terms")
                              for p in files[:10])
        out.append(checks.finding(
            check, Subject("tree", f"license:{a.license}@{where}", a.license, where),
            f"{a.license}{' (' + a.name + ')' if a.name and a.name != a.license else ''} at {where} "
            f"{VERDICT_TEXT[a.verdict]}: " + "; ".join(parts) + "." + under,
            evidence,
        ))
    return out


def _targets(report: Report, assessments: list[LicenseAssessment]) -> dict[str, Target]:
    targets: dict[str, Target] = {}
    for c in report.components:
        lics = tuple(dict.fromkeys(l.key for l in licensing.leaves(licensing.parse(c.license.expression))
                                   if not l.key.startswith(licensing.UNKNOWN_PREFIX))) if c.license.expression else ()
        for name in filter(None, (c.name, c.key, c.purl)):
            targets.setdefault(name.lower(), Target(c.name, lics))
    return targets


def _folder_target(name: str, report: Report, assessments: list[LicenseAssessment]) -> Target | None:
    """A folder of the delivery named by a price line ("enterprise/"): the licenses of its files and license texts."""
    folder = name.strip("/")
    inside = [a for a in assessments if folder and a.location.startswith(folder + "/")]
    files = [f for f in report.files if folder and f.path.startswith(folder + "/") and f.license.expression]
    if not inside and not files:
        return None
    ids = [a.license for a in inside if licensing.is_known_key(a.license)]
    ids += [leaf.key for f in files for leaf in licensing.leaves(licensing.parse(f.license.expression))
            if not leaf.key.startswith(licensing.UNKNOWN_PREFIX)]
    texts = tuple(a.location for a in inside if not licensing.is_known_key(a.license) and a.verdict != "osi-approved")
    return Target(folder + "/", tuple(dict.fromkeys(ids)), texts)


def judge_price_list(items: tuple[LineItem, ...], report: Report,
                     assessments: list[LicenseAssessment]) -> tuple[FeeItem, ...]:
    targets = _targets(report, assessments)
    out = []
    for item in items:
        target = targets.get(item.component.lower()) or _folder_target(item.component, report, assessments)
        out.append(judge(item, target))
    return tuple(out)


def _fee_findings(fees: tuple[FeeItem, ...]) -> list[Finding]:
    out = []
    for fee in fees:
        if fee.verdict == "forbidden":
            rule, kind, severity, topic = "vet/forbidden-fee", FindingKind.VIOLATION, Severity.ERROR, "fees"
            title = "The price list charges what the license forbids charging"
            message = f"{fee.location}: \"{fee.what}\" ({fee.amount}) for {fee.component}: {fee.reason}."
        elif fee.verdict == "commercial-license-required":
            rule, kind, severity, topic = "vet/commercial-license-required", FindingKind.RISK, Severity.WARNING, "commercial"
            title = "A commercial license is required for a part of the delivery"
            message = (f"{fee.component} needs a commercial license from {fee.vendor or 'the vendor'}: {fee.location} "
                       f"lists \"{fee.what}\" ({fee.amount}). {fee.reason}.")
        elif fee.verdict == "review":
            rule, kind, severity, topic = "vet/fee-to-review", FindingKind.NOTE, Severity.NOTE, "fees"
            title = "A price-list line needs a reader's decision"
            message = f"{fee.location}: \"{fee.what}\" ({fee.amount}) for {fee.component}: {fee.reason}."
        else:
            continue
        out.append(Finding(
            rule_id=rule, kind=kind, severity=severity, title=title, message=message,
            subject=Subject("tree", f"fee:{fee.location}", fee.component, fee.location),
            explanation=("Open-source licenses allow charging for copies, media, support, warranty, hosting and "
                         "services, but not royalties or license fees for the rights they grant, and source delivery "
                         "at no more than cost (licensing-facts.md §3)."),
            citations=(Citation(fee.citation or "licensing-facts.md §3"),),
            evidence=(Evidence(EvidenceKind.DECLARED, Location(*_path_line(fee.location)), f"{fee.what}: {fee.amount}",
                               "vendor price list"),),
            fingerprint=fingerprint(rule, fee.component, fee.what), topic=topic,
        ))
    return out


def _path_line(location: str) -> tuple[str, int | None]:
    path, _, line = location.rpartition(":")
    return (path, int(line)) if line.isdigit() else (location, None)


def vet(report: Report, root: Path, price_list: tuple[LineItem, ...] | None = None) -> Report:
    tree = Tree(Path(root))
    files = list(tree.walk())
    data = load().checks
    assessments = _license_file_assessments(tree, files)
    assessments += _id_assessments(report, {a.license for a in assessments})
    assessments.sort(key=lambda a: (a.location, a.license))
    has_source = {f.parent if f.parent != "." else "" for f in files if checks._ext(f) in SOURCE_EXTENSIONS}
    findings = _osd_findings(assessments, report)
    findings += checks.open_core_folders(data["open-core-folder"], files, assessments)
    findings += checks.open_core_markers(data["open-core-marker"], report.files)
    findings += checks.license_key_checks(data["license-key-check"], tree, files)
    findings += checks.encoded_source(data["encoded-php"], tree, files)
    findings += checks.minified_without_source(data["minified-without-source"], tree, files)
    findings += checks.media_and_binaries(data["media-restrictive"], data["binary-without-source"], files,
                                          assessments, has_source)
    fees: tuple[FeeItem, ...] = ()
    if price_list is not None:
        fees = judge_price_list(price_list, report, assessments)
        findings += _fee_findings(fees)
    all_findings = tuple(sorted(report.findings + tuple(findings), key=Finding.sort_key))
    return replace(report, findings=all_findings, license_assessments=tuple(assessments), fees=fees,
                   gate=decide(all_findings, report.gate.fail_on))
