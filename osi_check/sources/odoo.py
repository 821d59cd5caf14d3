"""Odoo / OCA add-on modules: one component per `__manifest__.py` (`__openerp__.py` before Odoo 10).

A manifest is Python source from the scanned tree, which is hostile input, so it is never imported or
executed: it is parsed to a syntax tree and only its literal dictionary is read, with
`ast.literal_eval`. A manifest whose dictionary holds anything but literals (a call, a name, an
operator) is reported at the line of that expression and the module is not emitted: its license
could only be known by running code, which osi-check never does.

The `license` key uses Odoo's own vocabulary ("LGPL-3", "OPL-1", ...), mapped by
`licensing.odoo_manifest_license`; a manifest without it is under Odoo's default, LGPL-3. Where that
vocabulary runs out, the module's own files decide (see `_odoo_files`): "Other OSI approved licence"
and "Other proprietary" are resolved from a LICENSE file in the module, a comment on the license line
or the OCA `# License ...` header; AGPL-3 and LGPL-3, which have no "or later" value in Odoo, are read
as "-or-later" when the module's header says so. The manifest's value always stays as evidence.

`depends` gives the module's dependencies (module names); `price` and `currency` (Odoo Apps Store) give
its listed price, a fee fact that never changes the license.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import PurePosixPath

from osi_check import licensing
from osi_check.facts import (
    Component,
    Evidence,
    EvidenceKind,
    InputProblem,
    LicenseConclusion,
    Location,
    Role,
    Scope,
    SourceResult,
)
from osi_check.reader import Reader
from osi_check.resolve import merge_conclusions
from osi_check.sources._conclusions import combine
from osi_check.sources._lockfile import in_tree
from osi_check.sources._odoo_files import file_header_licenses, header_licenses, license_comment, license_files
from osi_check.tree import InputError, Tree, TreeFile

MANIFEST_NAMES = frozenset({"__manifest__.py", "__openerp__.py"})
# Real manifests are a few KiB; the cap keeps a hostile file from costing a large parse.
MANIFEST_BYTES = 1024 * 1024
NOT_READ = "the module was not read"
DEFAULT_DETAIL = "Odoo default when 'license' is absent"
# Odoo's license selection has "GPL-3 or any later version" but no such value for these two, so a module
# under AGPL-3.0-or-later or LGPL-3.0-or-later can only write "AGPL-3"/"LGPL-3" and say the rest in its headers.
NO_OR_LATER_VALUE = frozenset({"agpl-3", "lgpl-3"})
OSI_CLAIM = "other osi approved licence"
PROPRIETARY_CLAIM = "other proprietary"

_KINDS = {
    ast.Call: "a call expression",
    ast.Name: "a name",
    ast.Attribute: "an attribute access",
    ast.Subscript: "a subscript",
    ast.BinOp: "an operator expression",
    ast.BoolOp: "a boolean expression",
    ast.Compare: "a comparison",
    ast.IfExp: "a conditional expression",
    ast.Lambda: "a lambda",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "an assignment expression",
}


@dataclass(frozen=True)
class _Manifest:
    """The literal content of a manifest and where its parts are written."""

    values: dict
    line: int  # where the dictionary starts
    key_lines: dict  # top-level string key -> the line it is written on (the last one, which the dict keeps)
    text: str  # the manifest's source text, for the comments literal_eval cannot see

    @property
    def license_line(self) -> int | None:
        return self.key_lines.get("license")


class OdooManifestSource(Reader):
    name = "odoo"
    examples = ("addons/sale_x/__manifest__.py", "addons/old_x/__openerp__.py")

    def handles(self, file: TreeFile) -> bool:
        return file.name in MANIFEST_NAMES

    def read(self, tree: Tree, file: TreeFile) -> SourceResult:
        try:
            text = tree.read_text(file.path, MANIFEST_BYTES)
        except InputError as err:
            return self.problem(err)
        manifest = _read_manifest(text, file.path)
        if isinstance(manifest, InputProblem):
            return SourceResult(problems=(manifest,))
        return self._module(tree, file, manifest)

    def _module(self, tree: Tree, file: TreeFile, manifest: _Manifest) -> SourceResult:
        directory = file.parent
        location = Location(file.path, manifest.license_line or manifest.line)
        license_, problem = _license(manifest, location, file.name)
        problems = [InputProblem(location, problem, self.name)] if problem else []
        if problem is None:
            license_ = _from_module_files(tree, file, manifest, license_)
        dependencies, depends_problem = _depends(manifest)
        price, price_problem = _price(manifest)
        problems.extend(
            InputProblem(Location(file.path, manifest.key_lines.get(key, manifest.line)), message, self.name)
            for key, message in (("depends", depends_problem), ("price", price_problem)) if message
        )
        version = manifest.values.get("version")
        component = Component(
            key=f"odoo:{directory}",
            name=tree.root.name if directory == "." else PurePosixPath(directory).name,
            version=version if isinstance(version, str) else None,
            ecosystem="odoo",
            role=Role.MODULE,
            scope=Scope.RUNTIME,
            license=license_,
            location=location,
            root=directory,
            dependencies=dependencies,
            price=price,
        )
        return SourceResult(components=(component,), problems=tuple(problems))


def _read_manifest(text: str, path: str) -> _Manifest | InputProblem:
    """The manifest's literal dictionary, or the problem that prevents reading it without running it."""
    try:
        module = ast.parse(text, filename=path, mode="exec")
    except SyntaxError as exc:
        return _problem(path, exc.lineno, f"is not valid Python ({exc.msg}); {NOT_READ}")
    except (ValueError, MemoryError, RecursionError) as exc:
        return _problem(path, None, f"could not be parsed ({type(exc).__name__}: {exc}); {NOT_READ}")
    node = _manifest_dict(module)
    if node is None:
        return _problem(path, None, f"has no manifest dictionary (a top-level {{...}} expression); {NOT_READ}")
    try:
        values = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        return _not_literal(text, path, node, exc)
    if not isinstance(values, dict):
        return _problem(path, node.lineno, f"the manifest dict could not be read as a dictionary; {NOT_READ}")
    return _Manifest(values, node.lineno, _key_lines(node), text)


def _manifest_dict(module: ast.Module) -> ast.Dict | None:
    """The first top-level expression that is a dict: comments, an encoding line or a docstring may precede it."""
    for statement in module.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Dict):
            return statement.value
    return None


def _key_lines(node: ast.Dict) -> dict[str, int]:
    """The line of each top-level string key (for a repeated key the last, which is the one a dict keeps)."""
    return {k.value: k.lineno for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _not_literal(text: str, path: str, node: ast.Dict, exc: Exception) -> InputProblem:
    """Name the first expression that made the dictionary more than a literal, at its own line."""
    found = _first_non_literal_entry(node)
    if found is None:
        return _problem(path, node.lineno, f"the manifest dict is not a plain literal ({exc}); {NOT_READ}")
    key, offender = found
    kind = _describe(offender)
    source = (ast.get_source_segment(text, offender) or "").replace("\n", " ")
    shown = source if len(source) <= 80 else source[:77] + "..."
    entry = f"the {key!r} entry of the manifest dict" if key is not None else "the manifest dict"
    message = (
        f"{entry} contains {kind} ({shown}), which osi-check does not evaluate "
        f"(manifests are read, never executed); {NOT_READ}"
    )
    return _problem(path, offender.lineno, message)


def _describe(node: ast.AST) -> str:
    """What kind of expression a node is; a call anywhere inside it is what matters most to a reader."""
    if any(isinstance(inner, ast.Call) for inner in ast.walk(node)):
        return _KINDS[ast.Call]
    return _KINDS.get(type(node), f"a {type(node).__name__} expression")


def _first_non_literal_entry(node: ast.Dict) -> tuple[object, ast.AST] | None:
    """(the top-level key, the first non-literal node) in source order, or None if all are literal."""
    for key, value in zip(node.keys, node.values):
        name = key.value if isinstance(key, ast.Constant) else None
        offender = value if key is None else (_first_non_literal(key) or _first_non_literal(value))
        if offender is not None:
            return name, offender
    return None


def _first_non_literal(node: ast.AST) -> ast.AST | None:
    """The first node, in source order, that `literal_eval` would refuse (None if there is none)."""
    if isinstance(node, ast.Constant):
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        return None if isinstance(node.operand, ast.Constant) else node
    if isinstance(node, ast.Dict):
        found = _first_non_literal_entry(node)
        return found[1] if found else None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            offender = _first_non_literal(element)
            if offender is not None:
                return offender
        return None
    return node


def _license(manifest: _Manifest, location: Location, filename: str) -> tuple[LicenseConclusion, str | None]:
    """The module's license from its 'license' value (Odoo's vocabulary), or Odoo's default without one."""
    if "license" not in manifest.values:
        normalized, _ = licensing.odoo_manifest_license(None)
        evidence = Evidence(EvidenceKind.DEFAULT, location, "", DEFAULT_DETAIL)
        return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes), None
    value = manifest.values["license"]
    evidence = Evidence(EvidenceKind.DECLARED, location, value if isinstance(value, str) else repr(value),
                        f"{filename} 'license' value")
    if not isinstance(value, str):
        note = f"the 'license' value {value!r} is not a string"
        unknown = LicenseConclusion(
            licensing.UNKNOWN_PREFIX + "not-a-license-string", (evidence,), (repr(value),), (note,)
        )
        return unknown, f"the 'license' value is not a string ({value!r}); the module's license is unknown"
    normalized, _ = licensing.odoo_manifest_license(value)
    if normalized.expression is None:
        return LicenseConclusion(None, (evidence,), notes=("the 'license' value is empty",)), None
    return LicenseConclusion(normalized.expression, (evidence,), normalized.unknown, normalized.notes), None


def _problem(path: str, line: int | None, message: str) -> InputProblem:
    return InputProblem(Location(path, line), message, OdooManifestSource.name)


def _depends(manifest: _Manifest) -> tuple[tuple[str, ...], str | None]:
    """The module names in `depends`, and a problem message if it is not a list of names."""
    depends = manifest.values.get("depends")
    if depends is None:
        return (), None
    if isinstance(depends, (list, tuple)) and all(isinstance(d, str) for d in depends):
        return tuple(dict.fromkeys(d.strip() for d in depends if d.strip())), None
    return (), f"'depends' is not a list of module names ({depends!r:.80}); the module's dependencies are unknown"


def _price(manifest: _Manifest) -> tuple[str | None, str | None]:
    """The listed price as "<amount> <currency>" ("149.0 EUR"), and a problem message if it is unreadable.

    Odoo Apps Store manifests write `'price': 149.0, 'currency': 'EUR'`; a price of 0 is a free module.
    """
    price = manifest.values.get("price")
    if price is None:
        return None, None
    amount: float | None = None
    if isinstance(price, (int, float)) and not isinstance(price, bool):
        amount = float(price)
    elif isinstance(price, str):
        try:
            amount = float(price.strip())
        except ValueError:
            amount = None
    if amount is None or amount != amount or amount in (float("inf"), float("-inf")):
        return None, f"'price' is not a number ({price!r:.80}); the module's price is unknown"
    if amount <= 0:
        return None, None
    currency = manifest.values.get("currency")
    unit = currency.strip().upper() if isinstance(currency, str) and currency.strip() else None
    return (f"{amount} {unit}" if unit else f"{amount}"), None


def _from_module_files(
    tree: Tree, file: TreeFile, manifest: _Manifest, declared: LicenseConclusion
) -> LicenseConclusion:
    """The manifest's conclusion, completed by what the module's own files say (see module docstring)."""
    value = manifest.values.get("license")
    headers = header_licenses(manifest.text, file.path, stop_line=manifest.line)
    init = in_tree(file.parent, "__init__.py")
    if not isinstance(value, str):  # no 'license' key: Odoo's default, unless the module's header names one
        return _over_default(declared, headers) if headers else declared
    if declared.unknown:
        return _resolve_unnamed(tree, file, manifest, declared, value, headers, init)
    if value.strip().casefold() in NO_OR_LATER_VALUE:
        if not headers and init is not None:
            headers = file_header_licenses(tree, init)
        return _or_later(declared, value, headers)
    return merge_conclusions([declared, *headers]) if headers else declared


def _over_default(default: LicenseConclusion, headers: list[LicenseConclusion]) -> LicenseConclusion:
    header = headers[0]
    note = (f"the module's header names {header.expression} ({header.evidence[0].location}): "
            "it is taken over Odoo's default, which applies only when a module says nothing")
    return LicenseConclusion(
        header.expression, (*header.evidence, *default.evidence), header.unknown,
        (*default.notes, *header.notes, note), header.confident,
    )


def _resolve_unnamed(tree: Tree, file: TreeFile, manifest: _Manifest, declared: LicenseConclusion, value: str,
                     headers: list[LicenseConclusion], init: str | None) -> LicenseConclusion:
    """"Other OSI approved licence" / "Other proprietary" (or an unrecognised value): the module's files decide.

    Strongest first: a license file in the module, a comment on the license line (an unsure reading), the
    header of the manifest, then the header of __init__.py (read only when nothing else named a license).
    """
    candidates = license_files(tree, file.parent)
    comment = license_comment(manifest.text, file.path, manifest.license_line)
    candidates.extend([comment] if comment else [])
    candidates.extend(headers)
    if not any(c.expression and not c.unknown for c in candidates) and init is not None:
        candidates.extend(file_header_licenses(tree, init))
    if not candidates:
        return declared
    resolved = combine(candidates, "")
    if resolved.expression is None:
        return declared
    where = resolved.evidence[0].location if resolved.evidence else file.path
    if resolved.unknown:
        said = f"'{value}' names no license; {where} holds the module's terms, which osi-check could not identify"
    else:
        said = f"'{value}' is resolved by {where}: {resolved.expression}"
    notes = [*declared.notes, said, *resolved.notes]
    conflicts = [*resolved.conflicts, *_claim_conflicts(value, resolved, declared)]
    return LicenseConclusion(
        resolved.expression,
        (*declared.evidence, *resolved.evidence),
        resolved.unknown,
        tuple(dict.fromkeys(notes)),
        resolved.confident,
        tuple(dict.fromkeys(conflicts)),
    )


def _claim_conflicts(value: str, resolved: LicenseConclusion, declared: LicenseConclusion) -> list[str]:
    """The manifest says "OSI approved" (or "proprietary") but the license its files name is not (or is)."""
    claim = value.strip().casefold()
    if claim not in (OSI_CLAIM, PROPRIETARY_CLAIM) or resolved.unknown:
        return []
    approved = [licensing.osi_approved(leaf.key) for leaf in licensing.leaves(licensing.parse(resolved.expression))]
    if None in approved:
        return []
    where = declared.evidence[0].location if declared.evidence else "the manifest"
    if claim == OSI_CLAIM and not any(approved):
        return [f"'{value}' ({where}) disagrees with {resolved.expression}, which is not OSI approved"]
    if claim == PROPRIETARY_CLAIM and all(approved):
        return [f"'{value}' ({where}) disagrees with {resolved.expression}, which is OSI approved"]
    return []


def _or_later(declared: LicenseConclusion, value: str, headers: list[LicenseConclusion]) -> LicenseConclusion:
    """AGPL-3 / LGPL-3 (read as -only) and a module header that says "or later": -or-later, as OCA means it."""
    only = declared.expression or ""
    later = only.removesuffix("-only") + "-or-later" if only.endswith("-only") else None
    header = next((h for h in headers if later is not None and h.expression == later), None)
    if header is None:
        return merge_conclusions([declared, *headers]) if headers else declared
    evidence = header.evidence[0]
    note = (
        f"Odoo's license value '{value}' has no 'or later' variant; the module's header '{evidence.quote}' "
        f"({evidence.location}) says or later, the OCA convention: read as {later}"
    )
    others = [h for h in headers if h is not header]
    merged = merge_conclusions([header, *others]) if others else header
    return LicenseConclusion(
        later,
        (*declared.evidence, *merged.evidence),
        (),
        tuple(dict.fromkeys((*declared.notes, *merged.notes, note))),
        declared.confident and merged.confident,
        merged.conflicts,
    )
