"""Fixtures: real git repositories (see gitfork.py)."""

from gitfork import fork  # noqa: F401 - a fixture
