"""Property-based tests: every registered reader, fed random, truncated and wrongly typed content under
the file names it handles, returns data and never raises; any problem it reports names the file.

Readers come from the registries (osi_check.pipeline.READERS), so a new reader is covered as soon as
it is registered with its `examples`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path, PurePosixPath

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osi_check.facts import SourceResult
from osi_check.pipeline import READERS
from osi_check.tree import Tree, TreeFile
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"
CASES = [(reader, example) for reader in READERS for example in reader.examples]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _real_samples(reader, example: str) -> list[bytes]:
    """Well-formed real fixture files with the same name, to truncate: the most realistic broken input.
    (Fixtures that are broken on purpose, with several bad entries, rightly give several problems.)"""
    name = PurePosixPath(example).name
    samples = []
    for path in sorted(FIXTURES.rglob(name)):
        if path.is_file() and not _run(reader, example, path.read_bytes()).problems:
            samples.append(path.read_bytes())
    return samples[:3]


def _run(reader, example: str, content: bytes) -> SourceResult:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / example
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        file = TreeFile(example, len(content))
        if not reader.handles(file):
            return SourceResult()
        result = reader.read(Tree(root), file)
    assert isinstance(result, SourceResult)
    for problem in result.problems:
        assert problem.location.path == example, f"{reader.name}: problem names {problem.location.path}, not {example}"
        assert problem.message.strip()
    return result


def test_every_reader_declares_examples_it_handles():
    for reader in READERS:
        assert reader.examples, f"{reader.name} declares no examples"
        handled = [e for e in reader.examples if reader.handles(TreeFile(e, 10))]
        assert handled, f"{reader.name} handles none of its own examples {reader.examples}"


_SAMPLES: dict[tuple[str, str], list[bytes]] = {}


def _samples_for(reader, example: str) -> list[bytes]:
    key = (reader.name, example)
    if key not in _SAMPLES:
        _SAMPLES[key] = _real_samples(reader, example)
    return _SAMPLES[key]


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@PROPERTY_SETTINGS
@given(content=st.binary(max_size=3000))
def test_random_bytes(reader, example, content):
    result = _run(reader, example, content)
    assert len(result.problems) <= 1, f"{reader.name}: one bad file, one problem: {result.problems}"


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_truncated_real_files(reader, example, data):
    samples = _samples_for(reader, example)
    if not samples:
        return
    sample = data.draw(st.sampled_from(samples))
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    result = _run(reader, example, sample[:cut])
    assert len(result.problems) <= 1, f"{reader.name}: one bad file, one problem: {result.problems}"


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@PROPERTY_SETTINGS
@given(value=json_values)
def test_wrongly_typed_documents(reader, example, value):
    name = PurePosixPath(example).name
    if name.endswith((".yaml", ".yml")):
        content = yaml.safe_dump(value).encode()
    else:
        content = json.dumps(value).encode()
    _run(reader, example, content)
