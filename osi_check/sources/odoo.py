"""Odoo / OCA add-on modules: one component per `__manifest__.py` (`__openerp__.py` before Odoo 10).

A manifest is Python source from the scanned tree, which is hostile input, so it is never imported or
executed: it is parsed to a syntax tree and only its literal dictionary is read, with
`ast.literal_eval`. A manifest whose dictionary holds anything but literals (a call, a name, an
operator) is reported at the line of that expression and the module is not emitted: its license
could only be known by running code, which osi-check never does.

The `license` key uses Odoo's own vocabulary ("LGPL-3", "OPL-1", ...), mapped by
`licensing.odoo_manifest_license`; a manifest without it is under Odoo's default, LGPL-3.
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
from osi_check.tree import InputError, Tree, TreeFile

MANIFEST_NAMES = frozenset({"__manifest__.py", "__openerp__.py"})
# Real manifests are a few KiB; the cap keeps a hostile file from costing a large parse.
MANIFEST_BYTES = 1024 * 1024
NOT_READ = "the module was not read"
DEFAULT_DETAIL = "Odoo default when 'license' is absent"

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
    license_line: int | None  # where the 'license' key is, if present


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
        )
        problems = (InputProblem(location, problem, self.name),) if problem else ()
        return SourceResult(components=(component,), problems=problems)


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
    return _Manifest(values, node.lineno, _license_line(node))


def _manifest_dict(module: ast.Module) -> ast.Dict | None:
    """The first top-level expression that is a dict: comments, an encoding line or a docstring may precede it."""
    for statement in module.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Dict):
            return statement.value
    return None


def _license_line(node: ast.Dict) -> int | None:
    """The line of the 'license' key (the last one, which is the one a dict keeps)."""
    lines = [k.lineno for k in node.keys if isinstance(k, ast.Constant) and k.value == "license"]
    return lines[-1] if lines else None


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
