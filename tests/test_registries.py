"""The explicit registries are complete: every module that implements a reader or format is registered."""

from __future__ import annotations

import importlib
import pkgutil

from osi_check import detect, formats, sources
from osi_check.formats import FORMATS
from osi_check.reader import Reader


def _modules(package):
    return [m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]


def test_every_source_and_detector_module_is_registered():
    registered = {type(r) for r in (*sources.SOURCES, *detect.DETECTORS)}
    for package in (sources, detect):
        for name in _modules(package):
            module = importlib.import_module(f"{package.__name__}.{name}")
            readers = [obj for obj in vars(module).values()
                       if isinstance(obj, type) and issubclass(obj, Reader) and obj is not Reader
                       and obj.__module__ == module.__name__]
            for reader in readers:
                assert reader in registered, f"{reader.__name__} in {module.__name__} is not registered"


def test_reader_names_are_unique():
    names = [r.name for r in (*sources.SOURCES, *detect.DETECTORS)]
    assert len(names) == len(set(names))


def test_every_format_module_is_registered():
    rendered_by = {f.__module__ for f in FORMATS.values()}
    for name in _modules(formats):
        if name in formats.HELPER_MODULES:
            continue
        assert f"osi_check.formats.{name}" in rendered_by, f"formats/{name}.py is not in FORMATS"
