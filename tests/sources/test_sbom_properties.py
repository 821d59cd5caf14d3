"""Property-based tests for the SBOM readers: random, truncated and wrongly typed SBOMs under every name
they handle give data, never an exception; one broken file gives at most one problem, naming the file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path, PurePosixPath

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osi_check.facts import SourceResult
from osi_check.sources.sbom_cyclonedx import CycloneDxSbomSource
from osi_check.sources.sbom_spdx import SpdxSbomSource, spdx_format
from osi_check.tree import Tree, TreeFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources" / "sbom"
READERS = (SpdxSbomSource(), CycloneDxSbomSource())
CASES = [(reader, example) for reader in READERS for example in reader.examples]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
# Documents shaped like SBOMs, with wrongly typed values where the readers look.
sbom_like = st.fixed_dictionaries(
    {
        "bomFormat": st.sampled_from(["CycloneDX", "CycloneDX", 1]),
        "spdxVersion": st.sampled_from(["SPDX-2.3", "SPDX-2.2", None]),
        "components": json_values,
        "packages": json_values,
        "metadata": json_values,
        "dependencies": json_values,
        "relationships": json_values,
    }
)


def _samples(reader, example: str) -> list[bytes]:
    """Real SBOM fixtures this reader handles, of the example's format, to truncate: realistic broken input."""
    fmt = spdx_format(PurePosixPath(example).name)
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and "broken" not in p.parts)
    same = [p for p in files if reader.handles(TreeFile(p.name, 1)) and spdx_format(p.name) == fmt]
    return [p.read_bytes() for p in same][:4]


def _run(reader, example: str, content: bytes) -> SourceResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / example
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        file = TreeFile(example, len(content))
        assert reader.handles(file)
        result = reader.read(Tree(Path(tmp)), file)
    assert isinstance(result, SourceResult)
    for problem in result.problems:
        assert problem.location.path == example
        assert problem.message.strip()
    return result


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(content=st.binary(max_size=2000))
def test_random_bytes(reader, example, content):
    assert len(_run(reader, example, content).problems) <= 1


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(data=st.data())
def test_truncated_real_sboms(reader, example, data):
    samples = _samples(reader, example)
    assert samples, f"no fixture to truncate for {example}"
    sample = data.draw(st.sampled_from(samples))
    cut = data.draw(st.integers(min_value=0, max_value=len(sample) - 1))
    assert len(_run(reader, example, sample[:cut]).problems) <= 1


@pytest.mark.parametrize(("reader", "example"), CASES, ids=lambda v: getattr(v, "name", v))
@SETTINGS
@given(value=json_values | sbom_like)
def test_wrongly_typed_documents(reader, example, value):
    if example.endswith((".yaml", ".yml")):
        content = yaml.safe_dump(value).encode()
    else:
        content = json.dumps(value).encode()
    result = _run(reader, example, content)
    if not isinstance(value, dict) or reader.name == "spdx-sbom":
        assert len(result.problems) <= 1  # a whole-document problem; CycloneDX entries are reported one by one
