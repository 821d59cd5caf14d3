"""The index of reference license texts: every license text of licensedcode-data, built once and cached.

What it holds
-------------
* Every license of the installed licensedcode-data (ScanCode's license database) that is not
  deprecated: ~2,150 texts, exceptions included. The SPDX id is the front matter's `spdx_license_key`,
  else `LicenseRef-scancode-<key>`.
* Every license-TEXT rule (`is_license_text: yes`, ~4,000): variants of those texts as found in the wild
  (MIT "including the next paragraph", BSD with the holder written into the disclaimer, ...). A match
  of one is a *known variant* of its license, not a modified text. A rule's `license_expression` (ScanCode
  keys) is rewritten with the SPDX ids of its keys.

Left out, on purpose: texts whose license is "unknown" (`is_unknown`, they describe a reference, not a
license); rules shorter than `MIN_RULE_WORDS` words (fragments: a license *text* is what is identified
here); and the GNU "-or-later" texts (`gpl-3.0-plus` = an "or any later version" notice followed by the
GPL-3.0 text). identify() concludes "-only"/"-or-later" from the notice and quotes it as evidence; a
composite reference would swallow the notice and take a notice for "version 2" for one for "version 3"
(a one-word difference in 5,700).

Candidate selection is sublinear
--------------------------------
Every reference is cut into word 5-gram shingles (hashes of 5-tuples of token ids, see text_tokens). The
index keeps a sample of each reference's distinct shingles: the k smallest hashes (a bottom-k sketch, k
between `SAMPLE_MIN` and `SAMPLE_MAX`, about 1/`SAMPLE_RATE` of them) among its *rare* shingles, those
found in at most `COMMON` references: boilerplate shared by a thousand BSD-style texts says nothing about
which one a file holds, and would make every lookup walk a thousand postings. A file's shingles are looked
up in a dict (one lookup each, whatever the number of references), the sampled hits per reference estimate
how much of it the file contains, and only the best few candidates are aligned (license_text).

The cache
---------
Tokenising ~4.5 million words of reference text takes seconds; the index is therefore built once and
stored in the user cache directory (`platformdirs.user_cache_dir("osi-check")`, or `$OSI_CHECK_CACHE_DIR`),
in a file named after the licensedcode-data version and a hash of the code that builds it (this module,
text_tokens, the interpreter's tuple hash). The file starts with a header holding that key and a digest of
the payload: a file with another key, a wrong digest or a payload that does not load is rebuilt, never
trusted. The payload is `marshal` of plain bytes, strings and tuples (no code can be loaded from it) and is
written atomically (temporary file + os.replace), so a concurrent or interrupted build cannot leave a
half-written index behind. A cache directory that cannot be written costs the build in every process,
nothing else.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import marshal
import os
import re
import sys
import tempfile
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import chain, compress, repeat
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

import yaml

from osi_check.detect import text_tokens
from osi_check.detect.reference_texts import CANDIDATES, ReferenceDataError, data_version
from osi_check.detect.text_tokens import SHINGLE, Doc, shingles, tokenize

FORMAT = 1  # bump when the payload layout changes (the code hash catches the rest)
MIN_RULE_WORDS = 20  # shorter license-text rules are fragments, not texts
SAMPLE_RATE = 8  # a reference's smallest 1/SAMPLE_RATE shingle hashes are indexed (a bottom-k sketch) ...
SAMPLE_MIN = 8  # ... but at least this many ...
SAMPLE_MAX = 128  # ... and at most this many: the estimate is precise enough, and the postings stay short
COMMON = 128  # a shingle in more references than this is boilerplate ("this software is provided by the"):
#               sampled only for a reference that has too few others
CACHE_ENV = "OSI_CHECK_CACHE_DIR"
KEEP = 3  # index files kept in the cache directory (the one in use and two others)
_MAGIC = b"osi-check license index\n"
_TERMS_END = ("end", "of", "terms", "and", "conditions")
_GNU_OR_LATER = re.compile(r"(?:A?GPL|LGPL)-\d\.\d-or-later")
_OPERATORS = {"and": "AND", "or": "OR", "with": "WITH"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Reference:
    """One reference text: a license's own text, or a license-text rule (a known variant)."""

    key: str  # ScanCode key ("mit"), or a rule's ScanCode expression ("ruby OR gpl-2.0")
    spdx_id: str  # SPDX id or expression: "MIT", "LicenseRef-scancode-commons-clause", "Ruby OR GPL-2.0-only"
    name: str
    category: str  # ScanCode category ("Permissive", "Copyleft", "Source-available", ...); "" for compounds
    variant: str | None  # the rule file ("mit_1044.RULE") for a known variant; None for the license text
    source: str  # path below licensedcode/data: "licenses/mit.LICENSE", "rules/mit_1044.RULE"
    exception: bool  # an exception text (Classpath-exception-2.0, ...), to be read with WITH
    generic: bool  # a ScanCode catch-all (proprietary-license, other-permissive, public-domain, ...)


@dataclass(frozen=True)
class PreparedRef:
    """A reference ready for alignment (made on demand for the few candidates of a file)."""

    index: int
    ref: Reference
    tokens: tuple[str, ...]
    shingles: tuple[int, ...]
    required: int  # shingles [0, required) are the license terms; the rest is an optional appendix
    optional_from: int  # first token of the optional appendix
    required_set: frozenset
    all_set: frozenset
    optional_lines: bytes  # per token: 1 on a copyright or title line (a file may differ there freely)
    terms: bytes  # per token i: 1 if shingle i is one of the license terms (required, off those lines)
    terms_shingles: tuple[int, ...]  # those shingles: coverage is measured on them


class Candidate(NamedTuple):
    """A reference the sampled shingles point at, with estimates from the sample."""

    ref: int  # position in LicenseIndex.refs
    contained: float  # estimated share of the reference's (required) shingles found in the file
    explained: float  # estimated share of the file's shingles the reference holds (optimistic)
    samples: int  # sampled shingles behind the estimate (its precision)


class IndexKey(NamedTuple):
    data_version: str
    code_hash: str

    @property
    def file_name(self) -> str:
        version = re.sub(r"[^A-Za-z0-9.]+", "_", self.data_version)
        return f"license-index-{version}-{self.code_hash[:16]}.bin"

    @property
    def header(self) -> bytes:
        return f"{self.data_version} {self.code_hash}\n".encode()


# --------------------------------------------------------------------------------------------------
# the index


class LicenseIndex:
    """Reference texts, their token ids and the shingle sample that finds candidates for a file."""

    def __init__(self, payload: dict):
        self.refs: tuple[Reference, ...] = tuple(Reference(*r) for r in payload["refs"])
        self.words: list[str] = payload["words"].split("\n") if payload["words"] else []
        self.vocab: dict[str, int] = dict(zip(self.words, range(len(self.words))))
        self._tokens = _view("I", payload["tokens"])  # the big one: a view, not a copy
        self._optional_lines: bytes = payload["optional_lines"]
        self._offsets = _array("I", payload["offsets"])
        self._optional = _array("I", payload["optional"])
        self._samples = _array("I", payload["samples"])
        self._sizes = _array("I", payload["sizes"])
        # the same, indexed by position + 1 (as the postings are)
        self._samples1 = array("I", [0]) + self._samples
        self._sizes1 = array("I", [0]) + self._sizes
        self._variant1 = bytes([0]) + bytes(r.variant is not None for r in self.refs)
        # values are position + 1, so that filter(None, ...) drops the misses at C speed
        self._single: dict[int, int] = dict(
            zip(_array("q", payload["single_keys"]), map((1).__add__, _array("I", payload["single_refs"])))
        )
        multi_keys = _array("q", payload["multi_keys"])
        self._multi: dict[int, int] = dict(zip(multi_keys, range(1, len(multi_keys) + 1)))
        self._multi_offsets = _array("I", payload["multi_offsets"])
        self._multi_refs1 = array("I", map((1).__add__, _array("I", payload["multi_refs"])))
        self._payload = payload
        self._prepared: dict[int, PreparedRef] = {}
        self._docs: dict[int, Doc] = {}
        n = len(self.refs)
        if not (
            len(self._offsets) == n + 1
            and len(self._optional) == len(self._samples) == len(self._sizes) == n
            and len(self._optional_lines) == len(self._tokens)
        ):
            raise ValueError("inconsistent license index")

    def __len__(self) -> int:
        return len(self.refs)

    @property
    def payload(self) -> dict:
        return self._payload

    def ids(self, tokens: Iterable[str]) -> list[int]:
        """Token ids of a file's words; -1 for a word no reference has (no reference shingle holds it)."""
        return list(map(self.vocab.get, tokens, repeat(-1)))

    def candidates(self, fset: set[int], n_counted: int | None = None, limit: int = 40,
                   minimum: float = 0.5) -> list[Candidate]:
        """The references most likely to be in a file with distinct shingles `fset`, best first.

        A reference's share of sampled shingles found in the file estimates how much of it the file
        contains (at least `minimum`); the ranking is the harmonic mean of that and of the share of the
        file (`n_counted` shingles, default all) it would explain, as the alignment scores the real match.
        The cost is one dict lookup per file shingle plus the postings found, whatever the index size.
        """
        if not fset:
            return []
        counts = Counter(filter(None, map(self._single.get, fset)))  # ref + 1
        slots = list(filter(None, map(self._multi.get, fset)))  # slot + 1
        if slots:
            off, posted = self._multi_offsets, self._multi_refs1
            counts.update(chain.from_iterable(posted[off[s - 1] : off[s]] for s in slots))
        samples1, sizes1, variant1 = self._samples1, self._sizes1, self._variant1
        n_file = n_counted or len(fset)
        refs = self.refs
        ranked = []
        for r1, hits in counts.items():
            n = samples1[r1]
            if hits < minimum * n:
                continue
            contained = hits / n
            explained = contained * sizes1[r1] / n_file
            if explained > 1.0:
                explained = 1.0
            ranked.append((-2 * contained * explained / (contained + explained), -contained, variant1[r1], r1))
        ranked.sort()
        top = ranked[:limit]
        # a license with hundreds of known variants (BSD-3-Clause) can fill the pool with variants whose
        # sample happens to fit a shade better: its own text comes along whenever one of them is proposed
        keys = {refs[item[3] - 1].key for item in top if item[2]}
        if keys:
            top += [item for item in ranked[limit:] if not item[2] and refs[item[3] - 1].key in keys]
        return [
            Candidate(r1 - 1, -neg_contained, _explained(neg_score, -neg_contained), samples1[r1])
            for neg_score, neg_contained, _, r1 in top
        ]

    def size(self, r: int) -> int:
        """Distinct shingles of reference `r`."""
        return self._sizes[r]

    def prepared(self, r: int) -> PreparedRef:
        found = self._prepared.get(r)
        if found is None:
            ids = self._tokens[self._offsets[r] : self._offsets[r + 1]]
            words = self.words
            toks = tuple(words[i] for i in ids)
            sh = shingles(ids)
            optional_from = self._optional[r]
            required = max(0, min(len(sh), optional_from - (SHINGLE - 1)))
            optional_lines = self._optional_lines[self._offsets[r] : self._offsets[r + 1]]
            terms = _terms(optional_lines, required)
            found = PreparedRef(
                r, self.refs[r], toks, tuple(sh), required, optional_from,
                frozenset(sh[:required]), frozenset(sh), optional_lines, terms,
                tuple(compress(sh, terms)),
            )
            if len(self._prepared) > 4096:  # a bound for long-running processes; refs are cheap to redo
                self._prepared.clear()
            self._prepared[r] = found
        return found

    def doc(self, r: int) -> Doc:
        """The reference's text with character offsets (to quote a passage a file lacks)."""
        found = self._docs.get(r)
        if found is None:
            _, body = _read_source(self.refs[r].source)
            found = tokenize(body)
            self._docs[r] = found
        return found


def _terms(optional_lines: bytes, required: int) -> bytes:
    """Per token i: 1 if shingle i (tokens i..i+4) is required and touches no copyright/title line.

    When nearly the whole reference is such lines (a few texts are mostly copyright statements), every
    required shingle counts, so that a match still needs real text to match.
    """
    n = len(optional_lines)
    x = int.from_bytes(optional_lines, "little")
    y = x
    for s in range(1, SHINGLE):
        y |= x >> (8 * s)
    required = min(required, n)
    everything = b"\x01" * required + bytes(n - required)
    if not x:
        return everything
    terms = y.to_bytes(n, "little")[:required].translate(_FLIP) + bytes(n - required)
    return terms if terms.count(1) >= max(SHINGLE, required // 2) else everything


def _explained(neg_score: float, contained: float) -> float:
    """The explained share back from the harmonic mean s = 2ce/(c+e): e = sc/(2c-s)."""
    score = -neg_score
    return score * contained / (2 * contained - score) if 2 * contained > score else 1.0


_FLIP = bytes.maketrans(b"\x00\x01", b"\x01\x00")


def _view(code: str, data: bytes) -> memoryview:
    return memoryview(data).cast(code)


def _array(code: str, data: bytes) -> array:
    a = array(code)
    a.frombytes(data)
    return a


# --------------------------------------------------------------------------------------------------
# reading licensedcode-data


def _data_dir():
    return importlib.resources.files("licensedcode") / "data"


def _split(raw: str) -> tuple[dict, str] | None:
    """(front matter, text) of a .LICENSE/.RULE file, None when it has no valid front matter."""
    if not raw.startswith("---"):
        return None
    parts = raw.split("\n---", 1)
    if len(parts) != 2:
        return None
    try:
        meta = yaml.load(parts[0][3:], Loader=_Loader) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(meta, dict):
        return None
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return meta, body


def _read_source(source: str) -> tuple[dict, str]:
    try:
        raw = (_data_dir() / source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferenceDataError(f"licensedcode-data: {source} cannot be read ({exc}); is the package installed?") from None
    split = _split(raw)
    if split is None:
        raise ReferenceDataError(f"licensedcode-data: {source} has no valid YAML front matter")
    return split


def _yes(value) -> bool:
    return value is True or str(value).lower() in ("yes", "true", "1")


class _License(NamedTuple):
    key: str
    spdx_id: str
    name: str
    category: str
    exception: bool
    generic: bool
    unknown: bool


def _spdx_expression(expression: str, licenses: dict[str, _License]) -> tuple[str, list[_License]] | None:
    """A ScanCode expression with SPDX ids, and its licenses; None if it names a license not indexed."""
    out, used = [], []
    for part in re.split(r"(\s+|[()])", expression.strip()):
        if not part or part.isspace() or part in "()":
            out.append(part)
            continue
        if part.lower() in _OPERATORS:
            out.append(_OPERATORS[part.lower()])
            continue
        lic = licenses.get(part.lower())
        if lic is None:
            return None
        out.append(lic.spdx_id)
        used.append(lic)
    return re.sub(r"\s+", " ", "".join(out)).strip(), used


def build_index(
    licenses: Iterable[str] | None = None,
    rules: bool | Callable[[str], bool] = True,
) -> LicenseIndex:
    """Build the index from the installed licensedcode-data.

    `licenses` (ScanCode keys) and `rules` (False, or a predicate on the rule's ScanCode expression)
    restrict it, for tests that need a small index; the default is the whole database.
    """
    root = _data_dir()
    lic_dir = root / "licenses"
    wanted = set(licenses) if licenses is not None else None
    known: dict[str, _License] = {}
    texts: list[tuple[Reference, tuple[str, ...], tuple[bool, ...]]] = []
    for name in sorted(p.name for p in lic_dir.iterdir() if p.name.endswith(".LICENSE")):
        key = name[: -len(".LICENSE")]
        split = _split((lic_dir / name).read_text(encoding="utf-8"))
        if split is None:
            continue
        meta, body = split
        if _yes(meta.get("is_deprecated")):
            continue
        spdx_id = str(meta.get("spdx_license_key") or f"LicenseRef-scancode-{key}")
        lic = _License(
            key,
            spdx_id,
            str(meta.get("name") or meta.get("short_name") or key),
            str(meta.get("category") or ""),
            _yes(meta.get("is_exception")),
            _yes(meta.get("is_generic")) or _yes(meta.get("is_unknown")),
            _yes(meta.get("is_unknown")),
        )
        known[key] = lic
        if wanted is not None and key not in wanted:
            continue
        if lic.unknown or _GNU_OR_LATER.fullmatch(spdx_id):
            continue
        doc = tokenize(body)
        if len(doc.tokens) < SHINGLE:
            continue
        ref = Reference(key, spdx_id, lic.name, lic.category, None, f"licenses/{name}", lic.exception, lic.generic)
        texts.append((ref, doc.tokens, doc.ignorable))
    for key, spdx_id in CANDIDATES:
        if key in known and known[key].spdx_id != spdx_id:
            raise ReferenceDataError(
                f"licensedcode-data: {key}.LICENSE says spdx_license_key {known[key].spdx_id!r}, "
                f"osi-check expects {spdx_id!r}"
            )
    if rules:
        texts.extend(_rule_texts(root / "rules", known, wanted, rules))
    return LicenseIndex(_payload(texts))


def _rule_texts(rule_dir, known: dict[str, _License], wanted, keep) -> Iterable[tuple[Reference, tuple, tuple]]:
    for name in sorted(p.name for p in rule_dir.iterdir() if p.name.endswith(".RULE")):
        raw = (rule_dir / name).read_text(encoding="utf-8")
        head = raw[:2000]
        if "is_license_text:" not in head:
            continue
        split = _split(raw)
        if split is None:
            continue
        meta, body = split
        if not _yes(meta.get("is_license_text")) or _yes(meta.get("is_deprecated")) or _yes(
            meta.get("is_false_positive")
        ):
            continue
        expression = str(meta.get("license_expression") or "").strip()
        converted = _spdx_expression(expression, known) if expression else None
        if converted is None:
            continue
        spdx_id, used = converted
        if any(lic.unknown for lic in used) or _GNU_OR_LATER.fullmatch(spdx_id):
            continue
        if wanted is not None and not all(lic.key in wanted for lic in used):
            continue
        if callable(keep) and not keep(expression):
            continue
        doc = tokenize(body)
        if len(doc.tokens) < MIN_RULE_WORDS:
            continue
        single = used[0] if len(used) == 1 else None
        ref = Reference(
            single.key if single else expression,
            spdx_id,
            single.name if single else spdx_id,
            single.category if single else "",
            name,
            f"rules/{name}",
            bool(single and single.exception),
            all(lic.generic for lic in used),
        )
        yield ref, doc.tokens, doc.ignorable


def _payload(texts: list[tuple[Reference, tuple[str, ...], tuple[bool, ...]]]) -> dict:
    # a rule with exactly the words of an earlier reference of the same license adds nothing
    unique: list[tuple[Reference, tuple[str, ...]]] = []
    optional_lines = bytearray()  # per token: on a copyright or title line of its reference
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for ref, toks, ignorable in texts:
        sig = (ref.spdx_id, tuple(toks))
        if sig in seen:
            continue
        seen.add(sig)
        unique.append((ref, toks))
        optional_lines += bytes(map(bool, ignorable))
    vocab: dict[str, int] = {}
    tokens, offsets, optional = array("I"), array("I", [0]), array("I")
    samples, sizes = array("I"), array("I")
    postings: dict[int, list[int]] = {}
    prepared = []
    df: Counter = Counter()
    for ref, toks in unique:
        for w in dict.fromkeys(toks):  # new words in order of appearance: the same ids in every build
            if w not in vocab:
                vocab[w] = len(vocab)
        ids = list(map(vocab.__getitem__, toks))
        sh = shingles(ids)
        df.update(set(sh))
        prepared.append((ids, sh))
    common = {h for h, n in df.items() if n > COMMON}
    for r, ((ref, toks), (ids, sh)) in enumerate(zip(unique, prepared)):
        tokens.extend(ids)
        offsets.append(len(tokens))
        optional_from = len(toks)
        # after "END OF TERMS AND CONDITIONS" comes the optional how-to-apply appendix; not in a text of
        # several licenses, where what follows the first one's terms is the next one (an exception)
        for i in range(len(toks) - 4 if " " not in ref.key else 0):
            if toks[i] == "end" and tuple(toks[i : i + 5]) == _TERMS_END:
                optional_from = i + 5
                break
        optional.append(optional_from)
        required = max(0, min(len(sh), optional_from - (SHINGLE - 1)))
        distinct = set(sh[:required]) or set(sh)
        k = max(SAMPLE_MIN, min(SAMPLE_MAX, len(distinct) // SAMPLE_RATE))
        sample = sorted(distinct - common)[:k]
        if len(sample) < min(SAMPLE_MIN, len(distinct)):  # nearly all boilerplate: its least common shingles
            chosen = set(sample)
            sample += sorted((h for h in distinct if h not in chosen), key=lambda h: (df[h], h))[
                : SAMPLE_MIN - len(sample)
            ]
        samples.append(len(sample))
        sizes.append(len(set(sh)))
        for h in sample:
            postings.setdefault(h, []).append(r)
    single_keys, single_refs = array("q"), array("I")
    multi_keys, multi_offsets, multi_refs = array("q"), array("I", [0]), array("I")
    for h in sorted(postings):
        posted = postings[h]
        if len(posted) == 1:
            single_keys.append(h)
            single_refs.append(posted[0])
        else:
            multi_keys.append(h)
            multi_refs.extend(posted)
            multi_offsets.append(len(multi_refs))
    return {
        "format": FORMAT,
        "refs": tuple(
            (r.key, r.spdx_id, r.name, r.category, r.variant, r.source, r.exception, r.generic) for r, _ in unique
        ),
        "words": "\n".join(vocab),
        "tokens": tokens.tobytes(),
        "optional_lines": bytes(optional_lines),
        "offsets": offsets.tobytes(),
        "optional": optional.tobytes(),
        "samples": samples.tobytes(),
        "sizes": sizes.tobytes(),
        "single_keys": single_keys.tobytes(),
        "single_refs": single_refs.tobytes(),
        "multi_keys": multi_keys.tobytes(),
        "multi_offsets": multi_offsets.tobytes(),
        "multi_refs": multi_refs.tobytes(),
    }


# --------------------------------------------------------------------------------------------------
# the cache


def cache_dir() -> Path:
    """Where the index is cached: $OSI_CHECK_CACHE_DIR, else the user cache directory."""
    from osi_check import resources

    return resources.cache_dir()


def index_key() -> IndexKey:
    """The installed licensedcode-data version and a hash of everything that shapes the index file."""
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT}\n".encode())
    for module in (sys.modules[__name__], text_tokens):
        try:
            digest.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):  # pragma: no cover - frozen/zipped install: the format number decides
            digest.update(module.__name__.encode())
    # the shingle hashes are Python's hash of int tuples, the arrays are native: both must match
    digest.update(
        f"{sys.implementation.cache_tag} {sys.hash_info.width} {sys.byteorder} {hash((11, 22, 33, 44, 55))} "
        f"{array('I').itemsize} {array('q').itemsize} {marshal.version}".encode()
    )
    return IndexKey(data_version(), digest.hexdigest())


def read_cached(path: Path, key: IndexKey) -> LicenseIndex | None:
    """The index stored at `path` if its header carries `key` and its payload is intact, else None."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    expected = _MAGIC + key.header
    if not data.startswith(expected):
        return None
    rest = data[len(expected) :]
    digest, sep, payload = rest.partition(b"\n")
    if not sep or hashlib.blake2b(payload, digest_size=32).hexdigest().encode() != digest:
        return None
    try:
        loaded = marshal.loads(payload)
        if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
            return None
        return LicenseIndex(loaded)
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        return None


def write_cached(path: Path, key: IndexKey, index: LicenseIndex) -> bool:
    """Store the index atomically; False (and nothing left behind) if the directory cannot be written."""
    payload = marshal.dumps(index.payload)
    digest = hashlib.blake2b(payload, digest_size=32).hexdigest().encode()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + key.header + digest + b"\n")
            fh.write(payload)
        os.replace(tmp, path)
        _prune(path)
        return True
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False


def _prune(kept: Path) -> None:
    """Keep the newest KEEP index files of the directory (one per osi-check/licensedcode-data combination
    in use; every upgrade writes a new one) and drop temporary files an interrupted build left behind."""
    try:
        entries = [(p.stat().st_mtime, p) for p in kept.parent.glob("license-index-*.bin") if p != kept]
        stale_tmp = [p for p in kept.parent.glob("license-index-*.tmp") if time.time() - p.stat().st_mtime > 3600]
    except OSError:
        return
    for _, path in sorted(entries, reverse=True)[KEEP - 1 :]:
        path.unlink(missing_ok=True)
    for path in stale_tmp:
        path.unlink(missing_ok=True)


def open_index(
    directory: Path | None = None,
    key: IndexKey | None = None,
    build: Callable[[], LicenseIndex] = build_index,
) -> LicenseIndex:
    """The cached index for `key` in `directory`, built and stored first if missing, stale or damaged."""
    directory = directory if directory is not None else cache_dir()
    key = key or index_key()
    path = directory / key.file_name
    index = read_cached(path, key)
    if index is None:
        index = build()
        write_cached(path, key, index)
    return index


@cache
def load_index() -> LicenseIndex:
    """The process-wide index (from the cache; built on first use after an install or upgrade)."""
    return open_index()
