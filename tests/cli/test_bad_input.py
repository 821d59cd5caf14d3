"""A hostile or broken tree: the scan finishes, names each bad file, is partial, executes nothing."""

from __future__ import annotations

import json

from tests.conftest import run_cli

HOSTILE_MANIFEST = """\
# -*- coding: utf-8 -*-
{
    'name': 'Innocent Looking Module',
    'version': '17.0.1.0.0',
    'license': 'LGPL-3',
    'depends': ['base'],
    'summary': __import__('pathlib').Path(__file__).with_name('PWNED').write_text('executed'),
}
"""


def _broken_tree(root):
    full_lock = json.dumps({"packages": [{"name": "monolog/monolog", "version": "2.9.3", "license": ["MIT"]}]}, indent=4)
    (root / "composer.lock").write_text(full_lock[: len(full_lock) // 2], "utf-8")  # truncated mid-file
    (root / "composer.json").write_text(json.dumps({"name": "acme/broken", "license": "MIT"}), "utf-8")
    (root / "package-lock.json").write_text("<<<<<<< HEAD\nthis is a merge conflict, not JSON\n", "utf-8")
    module = root / "addons" / "innocent"
    module.mkdir(parents=True)
    (module / "__manifest__.py").write_text(HOSTILE_MANIFEST, "utf-8")
    return root


def test_broken_inputs_make_a_partial_report_and_nothing_is_executed(tmp_path, report_schema):
    import jsonschema

    tree = _broken_tree(tmp_path)
    result = run_cli("scan", str(tree), "--format", "json")
    assert "Traceback" not in result.stderr
    assert not (tree / "addons" / "innocent" / "PWNED").exists(), "the manifest was executed"
    assert result.returncode == 1, "input errors count as error findings for the gate"
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema)
    assert report["partial"] is True
    problems = {p["path"]: p for p in report["problems"]}
    assert set(problems) == {"composer.lock", "package-lock.json", "addons/innocent/__manifest__.py"}
    assert "JSON" in problems["composer.lock"]["message"] and problems["composer.lock"]["line"]
    assert "JSON" in problems["package-lock.json"]["message"] and problems["package-lock.json"]["line"] == 1
    manifest_problem = problems["addons/innocent/__manifest__.py"]
    assert manifest_problem["line"] == 7 and "call" in manifest_problem["message"]
    input_errors = [f for f in report["findings"] if f["kind"] == "input-error"]
    assert len(input_errors) == 3 and all(f["severity"] == "error" for f in input_errors)


def test_the_text_report_says_partial_and_names_the_files(tmp_path):
    result = run_cli("scan", str(_broken_tree(tmp_path)))
    assert "Traceback" not in result.stderr
    first_line = result.stdout.splitlines()[0]
    assert "PARTIAL SCAN: 3 input(s) could not be read" in first_line
    for name in ("composer.lock", "package-lock.json", "addons/innocent/__manifest__.py"):
        assert name in result.stdout
