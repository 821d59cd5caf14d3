"""Facts and findings as plain data for the cache, and back, without pickle.

The cache directory can come from elsewhere (a CI cache restored from another branch), so loading it must
never run code: values are stored with `marshal` as tuples, strings and numbers only, and decoding builds
nothing but the registered record classes below, field by field, as their type hints say.

Warm re-scans decode tens of thousands of records, so both directions are tuned: a record is the tuple
of its field values (its class is known from the field that holds it); equal records are stored once
(the §7 clause repeated in every header of a CRM is one record), and decoded once.
"""

from __future__ import annotations

import dataclasses
import gc
import marshal
import types
import typing
from enum import Enum

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


def _fields(cls) -> list[tuple[str, tuple]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, _shape(hints[f.name])) for f in dataclasses.fields(cls)]


class _Codec:
    def __init__(self, dedupe: bool):
        self.dedupe = dedupe
        self.encoders: dict[type, typing.Callable] = {}
        self.decoders: dict[type, typing.Callable] = {}
        self.memo: dict = {}  # per call: id(encoded) -> decoded, or encoded value -> itself

    # encoding ------------------------------------------------------------------------------------
    def encoder(self, shape):
        kind = shape[0]
        if kind == "plain":
            return lambda v: v
        if kind == "enum":
            return lambda v: v.value
        if kind == "optional":
            inner = self.encoder(shape[1])
            return lambda v: None if v is None else inner(v)
        if kind == "tuple":
            inner, canon = self.encoder(shape[1]), self.canonical
            return lambda v: canon(tuple, tuple([inner(x) for x in v]))
        return self.record_encoder(shape[1])

    def canonical(self, cls, out: tuple) -> tuple:
        """One object for equal encodings of the same class, so marshal stores it once. Plain values are
        compared with their type (True, 1 and 1.0 are equal in Python, not in a report); nested tuples are
        already canonical, so their identity stands for them."""
        if not self.dedupe:
            return out
        key = (cls, tuple([(tuple, id(x)) if type(x) is tuple else (type(x), x) for x in out]))
        return self.memo.setdefault(key, out)

    def record_encoder(self, cls):
        if cls not in self.encoders:
            self.encoders[cls] = None  # recursion guard while building
            parts = [(name, self.encoder(shape)) for name, shape in _fields(cls)]
            canon = self.canonical

            def encode(v):
                values = v.__dict__
                return canon(cls, tuple([enc(values[name]) for name, enc in parts]))

            self.encoders[cls] = encode
        return lambda v: self.encoders[cls](v)

    # decoding ------------------------------------------------------------------------------------
    def decoder(self, shape):
        kind = shape[0]
        if kind == "plain":
            return None
        if kind == "enum":
            members = {m.value: m for m in shape[1]}
            return members.__getitem__
        if kind == "optional":
            inner = self.decoder(shape[1])
            return None if inner is None else (lambda v: None if v is None else inner(v))
        if kind == "tuple":
            inner = self.decoder(shape[1])
            return None if inner is None else (lambda v: tuple([inner(x) for x in v]))
        return self.record_decoder(shape[1])

    def record_decoder(self, cls):
        if cls not in self.decoders:
            self.decoders[cls] = None
            names = tuple(name for name, _ in _fields(cls))
            decs = tuple(self.decoder(shape) for _, shape in _fields(cls))
            nested = [(i, d) for i, d in enumerate(decs) if d is not None]
            new, memo = object.__new__, self.memo

            def decode(v):
                found = memo.get(id(v))
                if found is not None:
                    return found
                values = list(v)
                for i, dec in nested:
                    values[i] = dec(values[i])
                obj = new(cls)
                obj.__dict__.update(zip(names, values))
                memo[id(v)] = obj
                return obj

            self.decoders[cls] = decode
        return lambda v: self.decoders[cls](v)


# The per-class functions are built once; the memo is emptied for every value. Small values (one file's
# results) are not worth looking for equal records in.
_CODEC, _SMALL = _Codec(dedupe=True), _Codec(dedupe=False)


def dumps(value, cls, *, small: bool = False) -> bytes:
    """Encode a record of the dataclass `cls` (its fields: records, enums, tuples of them, plain values)."""
    codec = _SMALL if small else _CODEC
    codec.memo.clear()
    collecting = gc.isenabled()
    gc.disable()
    try:
        return marshal.dumps(codec.encoder(("record", cls))(value))
    finally:
        codec.memo.clear()
        if collecting:
            gc.enable()


def loads(data: bytes, cls):
    _CODEC.memo.clear()
    decode = _CODEC.decoder(("record", cls))
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new objects, none cyclic: collection passes would only cost time
    try:
        raw = marshal.loads(data)
        return decode(raw)
    except (ValueError, EOFError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise CodecError(f"cached data does not decode: {exc}") from None
    finally:
        _CODEC.memo.clear()
        if collecting:
            gc.enable()
