"""Property-based tests for the Python readers and the Odoo reader: random, truncated and wrongly typed
content under each of their example names gives data, never an exception, and at most one problem,
which names the file. (tests/properties covers every registered reader the same way.)"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osi_check.facts import SourceResult
from osi_check.sources.dist_info import InstalledPythonSource
from osi_check.sources.odoo import OdooManifestSource
from osi_check.sources.pipfile_lock import PipfileLockSource
from osi_check.sources.poetry_lock import PoetryLockSource
from osi_check.sources.pylock import PylockSource
from osi_check.sources.pyproject import PyprojectSource
from osi_check.sources.python_requirements import RequirementsSource
from osi_check.sources.uv_lock import UvLockSource
from osi_check.tree import Tree, TreeFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
READERS = (
    RequirementsSource(), PyprojectSource(), PoetryLockSource(), UvLockSource(), PipfileLockSource(), PylockSource(),
    InstalledPythonSource(), OdooManifestSource(),
)
CASES = [(reader, example) for reader in READERS for example in reader.examples]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def run(reader, example: str, content: bytes) -> SourceResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / example
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        file = TreeFile(example, len(content))
        assert reader.handles(file)
        result = reader.read(Tree(Path(tmp)), file)
    assert isinstance(result, SourceResult)
    assert len(result.problems) <= 1, f"{reader.name}: one bad file, one problem: {result.problems}"
    for problem in result.problems:
        assert problem.location.path == example
        assert problem.message.strip()
    return result


def samples(example: str) -> list[bytes]:
    name = PurePosixPath(example).name
    return [p.read_bytes() for p in sorted(FIXTURES.rglob(name)) if p.is_file()][:4]


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(content=st.binary(max_size=3000))
def test_random_bytes(reader, example, content):
    run(reader, example, content)


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(content=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_random_text(reader, example, content):
    run(reader, example, content.encode("utf-8"))


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(data=st.data())
def test_truncated_real_files(reader, example, data):
    found = samples(example)
    if not found:
        return
    sample = data.draw(st.sampled_from(found))
    run(reader, example, sample[: data.draw(st.integers(min_value=0, max_value=len(sample)))])


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(value=json_values)
def test_wrongly_typed_documents(reader, example, value):
    run(reader, example, json.dumps(value).encode())


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(value=json_values, key=st.sampled_from(["project", "package", "packages", "default", "tool", "license"]))
def test_wrongly_typed_toml_tables(reader, example, value, key):
    """TOML whose well-known keys hold the wrong type (an array where a table is expected, ...); JSON
    values are mostly valid TOML values, so this reaches past the parser into each reader."""
    run(reader, example, f"{key} = {json.dumps(value)}\n".encode())
