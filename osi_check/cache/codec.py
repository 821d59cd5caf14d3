"""Facts and findings as plain data for the cache, and back, without pickle.

The cache directory can come from elsewhere (a CI cache restored from another branch), so loading it must
never run code: values are stored with `marshal` as tuples, strings and numbers only, and decoding builds
nothing but dataclass records, field by field, as their type hints say (records, enums, tuples of them,
optional values and plain values).

Warm re-scans decode tens of thousands of records, so both directions are compiled once per class into
small closures: a record is the tuple of its field values (its class is known from the field that holds
it), an enum its value. Decoding sets the fields directly, as pickle does: these are frozen records that
were validated when first made. The garbage collector is paused meanwhile: the new objects hold no cycles,
and collection passes over a growing heap would otherwise cost more than the decoding itself.
"""

from __future__ import annotations

import dataclasses
import gc
import marshal
import types
import typing
from enum import Enum
from functools import cache

_PLAIN = (str, int, float, bool, type(None))


class CodecError(ValueError):
    """Stored data that does not decode: the cache entry is ignored and rebuilt."""


def _shape(hint):
    """('plain',) | ('enum', cls) | ('record', cls) | ('tuple', shape) | ('optional', shape)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if all(a in _PLAIN for a in args):
            return ("plain",)
        if len(args) != 1:
            raise TypeError(f"cannot cache a field of type {hint}")
        return ("optional", _shape(args[0]))
    if origin is tuple:
        return ("tuple", _shape(typing.get_args(hint)[0]))
    if hint in _PLAIN:
        return ("plain",)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return ("enum", hint)
    if dataclasses.is_dataclass(hint):
        return ("record", hint)
    raise TypeError(f"cannot cache a field of type {hint}")


@cache
def _fields(cls) -> tuple[tuple[str, tuple], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _shape(hints[f.name])) for f in dataclasses.fields(cls))


def _encoder(shape):
    kind = shape[0]
    if kind == "plain":
        return None
    if kind == "enum":
        return lambda v: v.value
    if kind == "optional":
        inner = _encoder(shape[1])
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if kind == "tuple":
        inner = _encoder(shape[1])
        return tuple if inner is None else (lambda v: tuple([inner(x) for x in v]))
    return _record_encoder(shape[1])


@cache
def _record_encoder(cls):
    """The record classes nest but never recurse (Facts > Component > LicenseConclusion > Evidence >
    Location), so each class's function is built from its fields' functions directly."""
    encoders = tuple((name, _encoder(shape)) for name, shape in _fields(cls))
    return lambda v: tuple([v.__dict__[n] if e is None else e(v.__dict__[n]) for n, e in encoders])


def _decoder(shape):
    kind = shape[0]
    if kind == "plain":
        return None
    if kind == "enum":
        return {m.value: m for m in shape[1]}.__getitem__
    if kind == "optional":
        inner = _decoder(shape[1])
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if kind == "tuple":
        inner = _decoder(shape[1])
        return tuple if inner is None else (lambda v: tuple([inner(x) for x in v]))
    return _record_decoder(shape[1])


@cache
def _record_decoder(cls):
    names = tuple(name for name, _ in _fields(cls))
    nested = tuple((i, d) for i, d in enumerate(_decoder(shape) for _, shape in _fields(cls)) if d is not None)
    new = object.__new__

    def decode(v):
        values = list(v)
        for i, dec in nested:
            values[i] = dec(values[i])
        obj = new(cls)
        obj.__dict__.update(zip(names, values))
        return obj

    return decode


def dumps(value, cls) -> bytes:
    """Encode a record of the dataclass `cls`."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return marshal.dumps(_record_encoder(cls)(value))
    finally:
        if collecting:
            gc.enable()


def loads(data: bytes, cls):
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _record_decoder(cls)(marshal.loads(data))
    except (ValueError, EOFError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise CodecError(f"cached data does not decode: {exc}") from None
    finally:
        if collecting:
            gc.enable()
