"""Shared helpers for the ecosystem source tests: fixture trees and reading one file as the pipeline does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from osi_check.facts import SourceResult
from osi_check.reader import Reader
from osi_check.tree import Tree, TreeFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"

ReadFile = Callable[[Reader, Path, str], SourceResult]


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def read_file() -> ReadFile:
    """Read `rel` under `root` with `reader`, after checking the reader claims the file (as the pipeline would)."""

    def read(reader: Reader, root: Path, rel: str) -> SourceResult:
        tree = Tree(root)
        file = TreeFile(rel, (tree.root / rel).stat().st_size)
        assert reader.handles(file), f"{reader.name} does not handle {rel}"
        return reader.read(tree, file)

    return read


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Create a small tree in tmp_path from {relative path: text or bytes} and return its root."""

    def write(files: dict[str, str | bytes]) -> Path:
        for rel, content in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return tmp_path

    return write
