"""Is the source offer fulfilled? `scan --source-offer BUNDLE|URL` checks it.

- A bundle (the directory or archive `osi-check bundle` wrote, or a copy of what is published): every
  file the deployment must disclose (the same plan `bundle` makes from this scan) has to be in its
  `source/` folder with the same content as the deployed tree. The bundle's files are hashed, not its
  manifest's claims. A missing or outdated file is an error: the published source is not the source
  of the version that runs.
- A URL: osi-check works offline, so it does not fetch it. It checks that the deployed tree links to it
  (a template, the footer, an About page), which is what "prominently offer" needs in practice, and says
  that the content behind the link was not verified.

The findings have topic `disclosure` and are produced here, not by a rule file, because they compare
two trees rather than test facts about one subject.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from osi_check import archives
from osi_check.engine.evaluate import fingerprint
from osi_check.facts import Facts, InputProblem, Location
from osi_check.model import Citation, Finding, FindingKind, Severity, Subject
from osi_check.modifications.bundle import FORMAT, MAX_FILE_BYTES, BundleError, plan, sha256
from osi_check.tree import InputError, Tree

TOPIC = "disclosure"
LINK_SUFFIXES = (".php", ".tpl", ".html", ".htm", ".twig", ".js", ".ts", ".tsx", ".vue", ".xml", ".json", ".py",
                 ".md", ".txt", ".yml", ".yaml", ".ini", ".hbs", ".blade.php")
LINK_MAX_BYTES = 2 * 1024 * 1024
SHOWN = 5
CITATIONS = (
    Citation("AGPL-3.0 §13 Remote Network Interaction", "https://www.gnu.org/licenses/agpl-3.0.html#section13"),
    Citation("GPL-3.0 §6(d): equivalent access to the Corresponding Source in the same way through the same place",
             "https://www.gnu.org/licenses/gpl-3.0.html#section6"),
)


class OfferError(Exception):
    """The offer argument is neither a URL nor a readable bundle: a usage error."""


def _finding(rule: str, kind: FindingKind, severity: Severity, title: str, message: str, facts: Facts,
             offer: str, explanation: str) -> Finding:
    return Finding(rule_id=rule, kind=kind, severity=severity, title=title, message=message,
                   subject=Subject("tree", ".", facts.target, offer), explanation=explanation, citations=CITATIONS,
                   fingerprint=fingerprint(rule, "tree", ".", offer), topic=TOPIC)


def check_offer(facts: Facts, root: Path, offer: str) -> tuple[tuple[Finding, ...], tuple[InputProblem, ...]]:
    """Findings about the offer `offer` for the scanned tree at `root`, and problems reading the bundle."""
    if offer.startswith(("https://", "http://")):
        return (_check_link(facts, root, offer),), ()
    path = Path(offer)
    if path.is_dir():
        return _check_bundle(facts, root, offer, path), ()
    if archives.is_archive(path):
        with tempfile.TemporaryDirectory(prefix="osi-check-offer-") as tmp:
            try:
                extraction = archives.extract(path, Path(tmp) / "x")
            except archives.ArchiveError as exc:
                raise OfferError(str(exc)) from None
            return _check_bundle(facts, root, offer, extraction.content_root()), extraction.problems(path.name)
    raise OfferError(f"{offer}: not a URL (http/https), a bundle directory or a bundle archive")


def _check_bundle(facts: Facts, root: Path, offer: str, bundle: Path) -> tuple[Finding, ...]:
    manifest_path = bundle / "MANIFEST.json"
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise OfferError(f"{offer}: not a source bundle written by osi-check bundle (no valid MANIFEST.json)")
    try:
        required = plan(facts, root)
    except BundleError as exc:
        raise OfferError(f"--source-offer {offer}: {exc}") from None
    current, published = Tree(root), Tree(bundle / "source") if (bundle / "source").is_dir() else None
    missing, outdated = [], []
    for path in required.files:
        try:
            deployed = sha256(current.read_bytes(path, MAX_FILE_BYTES))
            offered = sha256(published.read_bytes(path, MAX_FILE_BYTES)) if published else None
        except InputError:
            offered = None
        if offered is None:
            missing.append(path)
        elif offered != deployed:
            outdated.append(path)
    if not missing and not outdated:
        return (_finding(
            "disclosure/source-offer-fulfilled", FindingKind.NOTE, Severity.NOTE,
            "The source bundle matches what is deployed",
            f"{offer} holds all {len(required.files)} file(s) the deployment must disclose, identical to the "
            f"scanned tree ({len(required.parts)} part(s): {', '.join(p.name for p in required.parts) or 'none'}).",
            facts, offer,
            "Every file the disclosure plan requires for this deployment is in the bundle's source/ folder with "
            "the same SHA-256 as the deployed file. Publish this bundle where the offer points to."),)
    parts = []
    if missing:
        parts.append(f"{len(missing)} required file(s) are missing ({_sample(missing)})")
    if outdated:
        parts.append(f"{len(outdated)} differ from the deployed version ({_sample(outdated)})")
    return (_finding(
        "disclosure/source-offer-incomplete", FindingKind.VIOLATION, Severity.ERROR,
        "The source bundle does not match what is deployed",
        f"{offer} does not fulfil the source offer: {'; '.join(parts)}. Write a new bundle with "
        f"`osi-check bundle --upstream {facts.upstream.split(' ')[0] if facts.upstream else '...'}` and publish it.",
        facts, offer,
        "A source offer must give the Corresponding Source of the version that actually runs. A bundle made "
        "before the last change, or without some modified copyleft part, leaves the offer unfulfilled."),)


def _sample(paths: list[str]) -> str:
    return ", ".join(paths[:SHOWN]) + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")


def _check_link(facts: Facts, root: Path, url: str) -> Finding:
    tree = Tree(root)
    needle = url.encode()
    for file in tree.walk():
        if not file.name.lower().endswith(LINK_SUFFIXES) or file.size > LINK_MAX_BYTES:
            continue
        try:
            data = tree.read_bytes(file.path, LINK_MAX_BYTES)
        except InputError:
            continue
        at = data.find(needle)
        if at >= 0:
            where = Location(file.path, data[:at].count(b"\n") + 1)
            return _finding(
                "disclosure/source-offer-link-found", FindingKind.NOTE, Severity.NOTE,
                "The deployed tree links to the source offer",
                f"{where} links to {url}. osi-check works offline and did not fetch it: check that it serves the "
                f"bundle of the deployed version (`osi-check scan --source-offer <bundle>` checks a bundle).",
                facts, url,
                "AGPL-3.0 §13 asks for a prominent offer to every remote user; a link in the application's own "
                "templates is how a web CRM makes it. Whether the address serves the right source is a separate check.")
    return _finding(
        "disclosure/source-offer-link-missing", FindingKind.VIOLATION, Severity.WARNING,
        "The deployed tree does not link to the source offer",
        f"No text file of the deployed tree contains {url}, so users of the service are not shown the offer. "
        f"Add a link to it in the user interface (footer or About page).",
        facts, url,
        "AGPL-3.0 §13 requires the modified version to prominently offer its source to every user interacting "
        "with it remotely. osi-check looked for the address in the tree's templates, scripts and text files.")
