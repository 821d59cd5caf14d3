"""The reference index: the whole licensedcode-data database, built once and cached.

Texts come from the installed licensedcode-data package, never from copies in this repo. The full index is
the session's (tests/conftest.py points OSI_CHECK_CACHE_DIR at pytest's cache directory, so it is built
once and reused); the cache round trips use a small index in their own tmp_path.
"""

from __future__ import annotations

import importlib.resources
import re
import textwrap
from functools import cache
from pathlib import Path

import pytest

from osi_check.detect import index as index_mod
from osi_check.detect.index import (
    CACHE_ENV,
    IndexKey,
    build_index,
    cache_dir,
    index_key,
    load_index,
    open_index,
    read_cached,
    write_cached,
)
from osi_check.detect.license_text import TextMatch, describe, identify
from osi_check.detect.reference_texts import data_version

DATA = importlib.resources.files("licensedcode") / "data"
SMALL = ("mit", "isc", "bsd-new", "apache-2.0", "zlib")
HOLDER = "Copyright (c) 2021-2024 Acme CRM Ltd.\n\n"


@cache
def keys_by_spdx() -> dict[str, str]:
    """SPDX id -> ScanCode key, from the front matter of every license file."""
    out = {}
    for path in (DATA / "licenses").iterdir():
        if path.name.endswith(".LICENSE"):
            head = path.read_text("utf-8").split("\n---", 1)[0]
            m = re.search(r"^spdx_license_key:\s*(\S+)", head, re.MULTILINE)
            if m and "is_deprecated: yes" not in head:
                out[m.group(1)] = path.name[: -len(".LICENSE")]
    return out


def body(kind: str, name: str) -> str:
    return index_mod._read_source(f"{kind}/{name}")[1]


def license_text(spdx_id: str) -> str:
    return body("licenses", f"{keys_by_spdx()[spdx_id]}.LICENSE")


def must_identify(value: str) -> TextMatch:
    match = identify(value)
    assert match is not None
    return match


@cache
def small_index():
    """A five-license index (built once: the tests count calls of the builder, not its work)."""
    return build_index(licenses=SMALL, rules=False)


# --------------------------------------------------------------------------------------------------
# the cache


def test_cache_round_trip(tmp_path):
    built = []
    key = IndexKey("32.1.0", "a" * 64)

    def build():
        built.append(1)
        return small_index()

    first = open_index(tmp_path, key, build)
    path = tmp_path / key.file_name
    assert built == [1] and path.is_file()
    assert path.name.startswith("license-index-32.1.0-aaaaaaaaaaaaaaaa")
    assert not list(tmp_path.glob("*.tmp"))  # written atomically: no temporary file left

    again = open_index(tmp_path, key, build)
    assert built == [1]  # loaded, not rebuilt
    assert again is not first
    assert again.refs == first.refs
    assert again.payload == first.payload
    mit = next(i for i, r in enumerate(again.refs) if r.key == "mit")
    assert again.prepared(mit).shingles == first.prepared(mit).shingles
    assert {r.spdx_id for r in again.refs} == {"MIT", "ISC", "BSD-3-Clause", "Apache-2.0", "Zlib"}


def test_a_stale_key_rebuilds(tmp_path):
    built = []

    def build():
        built.append(1)
        return small_index()

    old, new = IndexKey("32.1.0", "a" * 64), IndexKey("32.1.0", "b" * 64)
    open_index(tmp_path, old, build)
    open_index(tmp_path, new, build)  # the building code changed: another file name
    assert len(built) == 2
    # a file under the right name whose header carries another key is not trusted
    (tmp_path / new.file_name).write_bytes((tmp_path / old.file_name).read_bytes())
    assert read_cached(tmp_path / new.file_name, new) is None
    open_index(tmp_path, new, build)
    assert len(built) == 3
    assert read_cached(tmp_path / new.file_name, new) is not None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-100] + bytes(100),  # payload bytes changed
        lambda data: b"",  # empty
        lambda data: b"\x80\x04garbage" * 50,  # not ours at all
        lambda data: data.replace(b"osi-check license index", b"osi-check license inDex", 1),  # bad magic
    ],
    ids=["truncated", "changed", "empty", "garbage", "magic"],
)
def test_a_damaged_cache_file_is_rebuilt_not_crashed(tmp_path, damage):
    key = IndexKey("32.1.0", "c" * 64)
    open_index(tmp_path, key, small_index)
    path = tmp_path / key.file_name
    path.write_bytes(damage(path.read_bytes()))
    assert read_cached(path, key) is None
    built = []

    def build():
        built.append(1)
        return small_index()

    index = open_index(tmp_path, key, build)
    assert built == [1] and len(index) == len(SMALL)
    assert read_cached(path, key) is not None  # and written back whole


def test_old_index_files_are_pruned(tmp_path):
    import os

    index = small_index()
    old_keys = [IndexKey("32.0.0", f"{i}" * 64) for i in range(1, 6)]
    for age, key in enumerate(old_keys):
        (tmp_path / key.file_name).write_bytes(b"old")
        os.utime(tmp_path / key.file_name, (1_000_000 + age, 1_000_000 + age))
    (tmp_path / "license-index-x.bin.abc.tmp").write_bytes(b"left by an interrupted build")
    os.utime(tmp_path / "license-index-x.bin.abc.tmp", (1_000_000, 1_000_000))
    (tmp_path / "unrelated.txt").write_text("not ours")
    new = IndexKey("32.1.0", "f" * 64)
    assert write_cached(tmp_path / new.file_name, new, index)
    left = sorted(p.name for p in tmp_path.iterdir())
    # the new file and the two most recent others stay; nothing else of ours, nothing not ours goes
    assert left == sorted([new.file_name, old_keys[4].file_name, old_keys[3].file_name, "unrelated.txt"])


def test_an_unwritable_cache_directory_costs_only_the_build(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    index = open_index(blocker / "cache", IndexKey("32.1.0", "d" * 64), small_index)
    assert len(index) == len(SMALL)
    assert not write_cached(blocker / "cache" / "x.bin", IndexKey("1", "e" * 64), index)


def test_the_cache_directory_comes_from_the_environment_or_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv(CACHE_ENV)
    import platformdirs

    assert cache_dir() == Path(platformdirs.user_cache_dir("osi-check"))


def test_the_key_names_the_data_version_and_the_code():
    key = index_key()
    assert key.data_version == data_version()
    assert re.fullmatch(r"[0-9a-f]{64}", key.code_hash)
    assert key.data_version in key.file_name and key.code_hash[:16] in key.file_name
    assert index_key() == key  # deterministic


def test_the_session_index_is_in_the_cache():
    load_index()
    key = index_key()
    assert read_cached(cache_dir() / key.file_name, key) is not None


# --------------------------------------------------------------------------------------------------
# what the full index holds


def test_the_index_holds_every_license_and_the_license_text_rules():
    index = load_index()
    texts = [r for r in index.refs if r.variant is None]
    variants = [r for r in index.refs if r.variant is not None]
    assert len(texts) > 2000 and len(variants) > 3000
    ids = {r.spdx_id for r in texts}
    assert {"MIT", "GPL-3.0-only", "LicenseRef-scancode-commons-clause", "Classpath-exception-2.0"} <= ids
    # GNU "or later" texts are a notice plus the text: the notice decides, so they are not references
    assert not any(re.fullmatch(r"(A?GPL|LGPL)-\d\.\d-or-later", r.spdx_id) for r in index.refs)
    assert all(r.source.startswith(("licenses/", "rules/")) for r in index.refs)
    assert any(" OR " in r.spdx_id for r in variants)  # compound rules carry SPDX expressions


def test_candidates_come_from_the_sampled_shingles():
    from osi_check.detect.text_tokens import shingles, tokenize

    index = load_index()
    doc = tokenize(license_text("Zlib"))
    found = index.candidates(set(shingles(index.ids(doc.tokens))))
    assert 0 < len(found) <= 60
    assert index.refs[found[0].ref].spdx_id == "Zlib"
    assert found[0].contained == 1.0
    assert index.candidates(set()) == []


# --------------------------------------------------------------------------------------------------
# licenses beyond the twelve of the first identifier

BEYOND = [
    "ISC", "Zlib", "BSL-1.0", "CC0-1.0", "EUPL-1.2", "OSL-3.0", "CPAL-1.0", "SSPL-1.0", "BUSL-1.1",
    "Elastic-2.0", "PolyForm-Noncommercial-1.0.0", "JSON", "Artistic-2.0", "PHP-3.01", "OFL-1.1", "EPL-2.0",
    "CDDL-1.0", "MPL-1.1",
]


@pytest.mark.parametrize("spdx_id", BEYOND)
def test_licenses_beyond_the_first_twelve_are_identified(spdx_id):
    match = must_identify(HOLDER + license_text(spdx_id))
    assert match.spdx_id == spdx_id
    assert match.exact and not match.modified and not match.additional_terms
    assert match.variant is None
    assert match.others == ()


@pytest.mark.parametrize("spdx_id", ["EUPL-1.2", "SSPL-1.0", "BUSL-1.1", "PolyForm-Noncommercial-1.0.0"])
def test_long_licenses_rewrapped_are_identified(spdx_id):
    paragraphs = re.split(r"\n\s*\n", license_text(spdx_id))
    rewrapped = "\n\n".join(textwrap.fill(" ".join(p.split()), 60) for p in paragraphs if p.strip())
    match = must_identify(HOLDER + rewrapped)
    assert match.spdx_id == spdx_id
    assert match.coverage >= 0.97, describe(match)


def test_a_license_reference_scancode_text_is_named_with_its_category():
    match = must_identify(license_text("LicenseRef-scancode-commons-clause"))
    assert match.spdx_id == "LicenseRef-scancode-commons-clause"
    assert match.exception and match.category == "Source-available"


# --------------------------------------------------------------------------------------------------
# known variants


def test_a_known_variant_is_reported_as_such_not_as_modified():
    # mit_569.RULE: the MIT text as found in the wild, with "limiting" for "limitation" and "subjected" for
    # "subject": against the MIT text itself that is two changed passages
    rule, variant = index_mod._read_source("rules/mit_569.RULE")
    assert rule["is_license_text"] and rule["license_expression"] == "mit"
    match = must_identify(HOLDER + variant)
    assert match.spdx_id == "MIT"
    assert match.variant == "mit_569.RULE"
    assert match.exact and not match.modified and not match.additional_terms
    assert describe(match) == "100% of the MIT text (known variant mit_569.RULE), exact"
    assert any("known variant" in n for n in match.notes)


def test_the_license_text_itself_is_not_reported_as_a_variant():
    match = must_identify(HOLDER + license_text("MIT"))
    assert match.variant is None and match.exact


def test_a_changed_variant_is_still_modified():
    variant = body("rules", "mit_569.RULE").replace("without limiting", "with limiting")
    variant = variant.replace("The above copyright notice", "No copyright notice")
    match = must_identify(HOLDER + variant)
    assert match.text_id == "MIT"
    assert not match.exact


# --------------------------------------------------------------------------------------------------
# a sample of perturbed texts


def _markdown(text: str, title: str) -> str:
    out = [f"# {title}", ""]
    for p in re.split(r"\n\s*\n", text):
        if p.strip():
            words = " ".join(p.split()).split(" ")
            out += ["**" + " ".join(words[:3]) + "** " + " ".join(words[3:]), ""]
    return "\n".join(out)


def _html(text: str, title: str) -> str:
    import html

    paragraphs = [html.escape(" ".join(p.split())) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return f"<html><body><h1>{title}</h1>\n" + "\n".join(f"<p>{p}<br>\n</p>" for p in paragraphs) + "</body></html>"


def _comment(prefix: str):
    return lambda text, _: "\n".join((prefix + line).rstrip() for line in text.split("\n"))


def _licence(text: str, _: str) -> str:
    return re.sub("licens", lambda m: m.group().replace("s", "c").replace("S", "C"), text, flags=re.I)


PERTURBED = [
    ("BSL-1.0", _markdown),
    ("EUPL-1.2", _licence),
    ("Zlib", _html),
    ("OFL-1.1", _html),
    ("EPL-2.0", _comment("# ")),
    ("CDDL-1.0", _comment("// ")),
    ("Artistic-2.0", _comment(" * ")),
    ("PHP-3.01", _markdown),
    ("Elastic-2.0", _licence),
]


@pytest.mark.parametrize("spdx_id,perturb", PERTURBED, ids=[f"{i}-{p.__name__}" for i, p in PERTURBED])
def test_perturbed_texts_are_identified(spdx_id, perturb):
    match = must_identify(perturb(HOLDER + license_text(spdx_id), f"The {spdx_id} license"))
    assert match.spdx_id == spdx_id
    assert match.coverage >= 0.97, describe(match)
