"""The safe extractor against crafted hostile archives: every bad member refused and reported, nothing
written outside the extraction root, the good members still extracted."""

import io
import os
import tarfile
import zipfile

import pytest

from osi_check.archives import ArchiveError, Limits, extract, is_archive, read_files, safe_member_name


def _everything_under(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def _tar(path, members):
    """members: (name, bytes) for files, or (name, ("symlink"|"hardlink", target))."""
    with tarfile.open(path, "w:gz") as tf:
        for name, content in members:
            info = tarfile.TarInfo(name)
            if isinstance(content, tuple):
                info.type = tarfile.SYMTYPE if content[0] == "symlink" else tarfile.LNKTYPE
                info.linkname = content[1]
                tf.addfile(info)
            else:
                info.size = len(content)
                tf.addfile(info, io.BytesIO(content))


@pytest.fixture
def sandbox(tmp_path):
    """An archive folder and an extraction root side by side, so writes outside the root are visible."""
    (tmp_path / "in").mkdir()
    return tmp_path


def test_traversal_absolute_and_link_members_are_refused_and_nothing_escapes(sandbox):
    outside_abs = sandbox / "abs-evil.txt"
    archive = sandbox / "in" / "release.tar.gz"
    _tar(archive, [
        ("release/ok.php", b"<?php echo 1;\n"),
        ("../evil.txt", b"escaped"),
        ("release/../../evil2.txt", b"escaped"),
        (str(outside_abs), b"absolute"),
        ("release/link", ("symlink", "/etc")),
        ("release/link/passwd", b"through the link"),
        ("release/hard", ("hardlink", "/etc/passwd")),
        ("release/sub/deep.js", b"x"),
    ])
    result = extract(archive, sandbox / "out")
    # the link was never created, so the member below it is only a plain file inside the root
    assert result.files == ("release/link/passwd", "release/ok.php", "release/sub/deep.js")
    reasons = {r.member: r.reason for r in result.refused}
    assert set(reasons) == {"../evil.txt", "release/../../evil2.txt", str(outside_abs), "release/link", "release/hard"}
    assert "out of the extraction root" in reasons["../evil.txt"]
    assert "link" in reasons["release/link"] and "link" in reasons["release/hard"]
    assert not (sandbox / "out" / "release" / "link").is_symlink()
    assert _everything_under(sandbox) == sorted([
        "in", "in/release.tar.gz", "out", "out/release", "out/release/ok.php", "out/release/link",
        "out/release/link/passwd", "out/release/sub", "out/release/sub/deep.js"])
    assert not outside_abs.exists() and not (sandbox / "evil.txt").exists() and not (sandbox / "evil2.txt").exists()
    assert result.content_root() == sandbox.resolve() / "out" / "release"
    problems = result.problems("release.tar.gz")
    assert {p.location.path for p in problems} >= {"release.tar.gz!../evil.txt", "release.tar.gz!release/link"}


def test_zip_traversal_absolute_backslash_and_symlink_are_refused(sandbox):
    archive = sandbox / "in" / "vendor.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/LICENSE", "MIT License")
        zf.writestr("../../zip-evil.txt", "escaped")
        zf.writestr("/abs-zip-evil.txt", "absolute")
        zf.writestr("..\\win-evil.txt", "escaped on windows")
        link = zipfile.ZipInfo("pkg/link")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    result = extract(archive, sandbox / "out")
    assert result.files == ("pkg/LICENSE",)
    assert {r.member for r in result.refused} == {"../../zip-evil.txt", "/abs-zip-evil.txt", "..\\win-evil.txt", "pkg/link"}
    assert _everything_under(sandbox) == ["in", "in/vendor.zip", "out", "out/pkg", "out/pkg/LICENSE"]


def test_zip_bomb_by_ratio_is_refused_and_its_partial_output_removed(sandbox):
    archive = sandbox / "in" / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "a small honest file\n")
        zf.writestr("zeros.bin", b"\0" * (24 * 1024 * 1024))
    assert archive.stat().st_size < 100_000
    result = extract(archive, sandbox / "out")
    assert result.files == ("readme.txt",)
    (refused,) = result.refused
    assert refused.member == "zeros.bin" and "decompression bomb" in refused.reason
    assert not (sandbox / "out" / "zeros.bin").exists()


def test_tar_gz_bomb_stops_reading_the_stream(sandbox):
    archive = sandbox / "in" / "bomb.tar.gz"
    _tar(archive, [("a.txt", b"fine"), ("zeros.bin", b"\0" * (24 * 1024 * 1024)), ("later.txt", b"never read")])
    result = extract(archive, sandbox / "out")
    assert result.files == ("a.txt",)
    assert [r.member for r in result.refused] == ["zeros.bin", "later.txt"]
    assert all("decompression bomb" in r.reason for r in result.refused)


def test_file_count_and_duplicate_limits(sandbox):
    archive = sandbox / "in" / "many.tar"
    with tarfile.open(archive, "w") as tf:
        for name in ["a", "b", "a", "c", "d"]:
            info = tarfile.TarInfo(name)
            info.size = 1
            tf.addfile(info, io.BytesIO(b"x"))
    result = extract(archive, sandbox / "out", Limits(max_files=3))
    assert result.files == ("a", "b", "c")
    assert [(r.member, "same path" in r.reason or "limit of 3 files" in r.reason) for r in result.refused] == [
        ("a", True), ("d", True)]


def test_files_are_written_without_exec_or_setuid_bits(sandbox):
    archive = sandbox / "in" / "modes.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        info = tarfile.TarInfo("run.sh")
        info.size = 4
        info.mode = 0o4755
        tf.addfile(info, io.BytesIO(b"echo"))
    extract(archive, sandbox / "out")
    assert os.stat(sandbox / "out" / "run.sh").st_mode & 0o7777 == 0o644


def test_not_an_archive_and_non_empty_destination_are_errors(sandbox):
    bogus = sandbox / "in" / "bogus.tar.gz"
    bogus.write_bytes(b"not a tarball")
    with pytest.raises(ArchiveError, match="bogus.tar.gz"):
        extract(bogus, sandbox / "out")
    (sandbox / "full").mkdir()
    (sandbox / "full" / "x").write_text("x")
    with pytest.raises(ArchiveError, match="new or empty"):
        extract(bogus, sandbox / "full")


@pytest.mark.parametrize("name,expected", [
    ("a/b.php", "a/b.php"), ("./a//b", "a/b"), ("../a", None), ("a/../../b", None), ("/etc/x", None),
    ("C:/x", None), ("a\\..\\..\\b", None), ("", None), (".", None),
])
def test_member_names(name, expected):
    assert safe_member_name(name) == expected


def test_is_archive(tmp_path):
    for name in ("r.tar.gz", "r.TGZ", "r.zip", "r.tar"):
        (tmp_path / name).write_bytes(b"")
        assert is_archive(tmp_path / name)
    (tmp_path / "r.txt").write_bytes(b"")
    assert not is_archive(tmp_path / "r.txt") and not is_archive(tmp_path)


def test_reading_without_extracting_applies_the_same_checks_and_writes_nothing(sandbox):
    archive = sandbox / "in" / "release.tar.gz"
    _tar(archive, [("release/ok.php", b"<?php\n"), ("../evil.txt", b"escaped"), ("release/link", ("symlink", "/etc")),
                   ("release/sub/a.js", b"a")])
    seen = {}
    refused = read_files(archive, seen.__setitem__)
    assert seen == {"release/ok.php": b"<?php\n", "release/sub/a.js": b"a"}
    assert [r.member for r in refused] == ["../evil.txt", "release/link"]
    assert _everything_under(sandbox) == ["in", "in/release.tar.gz"]
    bomb = sandbox / "in" / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * (24 * 1024 * 1024))
    assert [r.member for r in read_files(bomb, seen.__setitem__)] == ["zeros.bin"]
