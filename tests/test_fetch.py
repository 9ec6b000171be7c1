"""Fetching: mirror first, digests always checked, nothing half-written in data/raw/."""

import hashlib
import io
import os
import re
import socket
import subprocess
import tarfile
from pathlib import Path

import pytest

from analysis.data import fetch
from analysis.data.registry import DataFile, get


def _datafile(name, digest, hash_, url="http://127.0.0.1:9/unreachable"):
    return DataFile(
        name=name, dataset="t", description="d", url=url, digest=digest, hash=hash_, size=1, licence="l", citation="c"
    )


def _raw_listing(raw: Path):
    return sorted(p.name for p in raw.iterdir())


def _make_tar(path: Path, members: dict[str, bytes], mode: str):
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


MEMBERS = {"twitter/2.edges": b"1 2\n", "twitter/1.feat": b"3 0 1\n", "twitter/10.circles": b"c\t1\n"}


def test_fetch_from_folder_mirror_verifies_and_places_file(tmp_path):
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    mirror.mkdir()
    (mirror / "a.txt").write_bytes(b"hello\n")
    f = _datafile("a.txt", "sha256", hashlib.sha256(b"hello\n").hexdigest())
    path = fetch.fetch(f, raw=raw, mirror=str(mirror), progress=False)
    assert path.read_bytes() == b"hello\n"
    assert _raw_listing(raw) == [fetch.VERIFIED_STAMP, "a.txt"]
    # a second call verifies the existing file and does not copy again
    (mirror / "a.txt").unlink()
    assert fetch.fetch(f, raw=raw, mirror=str(mirror), progress=False) == path


def test_wrong_hash_names_file_expected_and_actual_and_leaves_nothing(tmp_path):
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    mirror.mkdir()
    (mirror / "a.txt").write_bytes(b"tampered\n")
    expected = hashlib.sha256(b"hello\n").hexdigest()
    actual = hashlib.sha256(b"tampered\n").hexdigest()
    with pytest.raises(fetch.FetchError, match=f"a.txt: sha256 mismatch: expected {expected}, actual {actual}"):
        fetch.fetch(_datafile("a.txt", "sha256", expected), raw=raw, mirror=str(mirror), progress=False)
    assert _raw_listing(raw) == []


def test_existing_corrupt_file_is_reported_not_overwritten(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(b"bad")
    with pytest.raises(fetch.DataIntegrityError, match="delete"):
        fetch.fetch(_datafile("a.txt", "sha256", "0" * 64), raw=raw, mirror=None, progress=False)
    assert (raw / "a.txt").read_bytes() == b"bad"


def test_member_digest_matches_sha256sum_pipeline_and_ignores_packing(tmp_path):
    gz, bz = tmp_path / "a.tar.gz", tmp_path / "b.tar.bz2"
    _make_tar(gz, MEMBERS, "w:gz")
    _make_tar(bz, dict(reversed(list(MEMBERS.items()))), "w:bz2")
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    with tarfile.open(gz) as archive:
        archive.extractall(unpacked, filter="data")
    shell = subprocess.run(
        "find twitter -type f | LC_ALL=C sort | xargs sha256sum | sha256sum",
        shell=True,
        cwd=unpacked,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    assert fetch.sha256_members(gz) == shell == fetch.sha256_members(bz)


def test_truncated_archive_is_an_integrity_error_naming_the_file(tmp_path):
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    mirror.mkdir()
    good = tmp_path / "good.tar.gz"
    _make_tar(good, {**MEMBERS, "twitter/big.feat": bytes(range(256)) * 4000}, "w:gz")
    digest = fetch.sha256_members(good)
    (mirror / "twitter.tar.gz").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    expected = rf"(?s)expected sha256-members {digest}\).*twitter.tar.gz: archive is truncated or unreadable"
    with pytest.raises(fetch.FetchError, match=expected):
        fetch.fetch(_datafile("twitter.tar.gz", "sha256-members", digest), raw=raw, mirror=str(mirror), progress=False)
    assert _raw_listing(raw) == []


CONTENT = b"0123456789" * 1000


def test_interrupted_http_transfers_fail_cleanly(tmp_path, http_server):
    """The mirror cuts the transfer, the canonical URL answers 404: one line for each, nothing in data/raw."""
    http_server.files["m/c.txt"] = CONTENT
    http_server.cut_once("m/c.txt", keep=100)
    raw = tmp_path / "raw"
    f = _datafile("c.txt", "sha256", hashlib.sha256(CONTENT).hexdigest(), url=http_server.url("gone/c.txt"))
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f, raw=raw, mirror=http_server.url("m"), progress=False)
    tried = str(error.value).splitlines()[1:]
    assert tried == [
        f"  {http_server.url('m/c.txt')}: c.txt: transfer interrupted at 0 of 10000 bytes (ChunkedEncodingError); run again",
        f"  {http_server.url('gone/c.txt')}: c.txt: {http_server.url('gone/c.txt')} answered HTTP 404; "
        "check the URL or the mirror, then run again",
    ]
    assert _raw_listing(raw) == []


def test_an_interrupted_mirror_falls_back_to_the_canonical_url(tmp_path, http_server):
    http_server.files.update({"m/c.txt": CONTENT, "c.txt": CONTENT})
    http_server.cut_once("m/c.txt", keep=100)
    raw = tmp_path / "raw"
    f = _datafile("c.txt", "sha256", hashlib.sha256(CONTENT).hexdigest(), url=http_server.url("c.txt"))
    path = fetch.fetch(f, raw=raw, mirror=http_server.url("m"), progress=False)
    assert path.read_bytes() == CONTENT and _raw_listing(raw) == [fetch.VERIFIED_STAMP, "c.txt"]
    assert http_server.requests == [("m/c.txt", None, 200), ("c.txt", None, 200)]


def test_complete_http_transfer_is_verified_before_it_lands(tmp_path, http_server):
    content = b"follower followee\n" * 50
    http_server.files.update({"d.txt": content, "m/d.txt": b"tampered\n"})
    expected, actual = hashlib.sha256(content).hexdigest(), hashlib.sha256(b"tampered\n").hexdigest()
    raw = tmp_path / "raw"
    tampered = _datafile("d.txt", "sha256", expected, url=http_server.url("gone/d.txt"))
    with pytest.raises(fetch.FetchError, match=f"d.txt: sha256 mismatch: expected {expected}, actual {actual}"):
        fetch.fetch(tampered, raw=raw, mirror=http_server.url("m"), progress=False)
    assert _raw_listing(raw) == []
    path = fetch.fetch(_datafile("d.txt", "sha256", expected, url=http_server.url("d.txt")), raw=raw, progress=False)
    assert path.read_bytes() == content and _raw_listing(raw) == [fetch.VERIFIED_STAMP, "d.txt"]


def test_download_resumes_an_interrupted_transfer_with_a_range_request(tmp_path, http_server):
    http_server.files["x.bin"] = CONTENT
    http_server.cut_once("x.bin", keep=3000)
    target = tmp_path / "x.bin"
    message = r"^x.bin: transfer interrupted at 3000 of 10000 bytes \(ChunkedEncodingError\); run again to resume$"
    with pytest.raises(fetch.DownloadError, match=message):
        fetch.download(http_server.url("x.bin"), target, progress=False, chunk=500)
    assert (tmp_path / "x.bin.part").read_bytes() == CONTENT[:3000] and not target.exists()
    assert fetch.download(http_server.url("x.bin"), target, progress=False) == target
    assert target.read_bytes() == CONTENT and sorted(p.name for p in tmp_path.iterdir()) == ["x.bin"]
    assert http_server.requests == [("x.bin", None, 200), ("x.bin", "bytes=3000-", 206)]


def test_download_starts_again_when_the_server_ignores_or_cannot_serve_the_range(tmp_path, http_server):
    http_server.files["x.bin"] = CONTENT
    target = tmp_path / "x.bin"
    (tmp_path / "x.bin.part").write_bytes(b"stale bytes")
    http_server.honour_range = False
    fetch.download(http_server.url("x.bin"), target, progress=False)
    assert target.read_bytes() == CONTENT
    target.unlink()
    (tmp_path / "x.bin.part").write_bytes(CONTENT + b"longer than the file")
    http_server.honour_range = True
    fetch.download(http_server.url("x.bin"), target, progress=False)
    assert target.read_bytes() == CONTENT and not (tmp_path / "x.bin.part").exists()
    assert http_server.requests == [
        ("x.bin", "bytes=11-", 200),
        ("x.bin", f"bytes={len(CONTENT) + 20}-", 416),
        ("x.bin", None, 200),
    ]


def test_download_errors_are_one_line_naming_the_file(tmp_path, http_server):
    url = http_server.url("missing.bin")
    message = rf"^missing\.bin: {re.escape(url)} answered HTTP 404; check the URL or the mirror, then run again$"
    with pytest.raises(fetch.DownloadError, match=message):
        fetch.download(url, tmp_path / "missing.bin", progress=False)
    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/y.bin"
    with pytest.raises(
        fetch.DownloadError, match=r"^y.bin: cannot reach .*\(ConnectionError\); check the network"
    ) as error:
        fetch.download(closed, tmp_path / "y.bin", progress=False)
    assert "\n" not in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_sources_put_the_mirror_first():
    f = get("celebrities_profiles.txt")
    sources = fetch.candidate_sources(f, "/m")
    assert sources[0] == "/m/celebrities_profiles.txt" and sources[1] == f.url
    assert fetch.candidate_sources(f, "https://x.org/d/")[0] == "https://x.org/d/celebrities_profiles.txt"
    assert fetch.candidate_sources(f, None)[0] == f.url


def test_the_mirrored_snap_archive_passes_its_member_digest(mirror):
    f = get("twitter.tar.gz")
    assert fetch.sha256_members(Path(mirror) / f.name) == f.hash


def test_md5_stream_over_gzip_parts(tmp_path):
    import gzip

    chunks = [b"1\t2\n", b"3\t4\n", b"5\t6\n"]
    parts = []
    for i, chunk in enumerate(chunks):
        part = tmp_path / f"p.{i:02d}.gz"
        part.write_bytes(gzip.compress(chunk))
        parts.append(part)
    assert fetch.md5_stream(parts) == (hashlib.md5(b"".join(chunks)).hexdigest(), 12)
    parts[1].write_bytes(gzip.compress(chunks[1])[:-6])
    with pytest.raises(fetch.DataIntegrityError, match="p.01.gz"):
        fetch.md5_stream(parts)


# ---------------------------------------------------------------- the verification stamp


def _raw_with(tmp_path, content=b"hello\n"):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(content)
    return raw, _datafile("a.txt", "sha256", hashlib.sha256(content).hexdigest())


def test_verify_raw_recomputes_a_digest_only_for_a_changed_file(tmp_path, monkeypatch):
    raw, f = _raw_with(tmp_path)
    assert fetch.verify_raw([f], raw) == 1
    entry = fetch.read_verified(raw)["a.txt"]
    assert entry == {"size": 6, "mtime_ns": (raw / "a.txt").stat().st_mtime_ns, "digest": f"sha256:{f.hash}"}
    calls = []
    monkeypatch.setattr(fetch, "verify", lambda path, datafile: calls.append(path.name))
    assert fetch.verify_raw([f], raw) == 0 and calls == []  # size and mtime unchanged: trusted, not read
    status = (raw / "a.txt").stat()
    os.utime(raw / "a.txt", ns=(status.st_atime_ns, status.st_mtime_ns - 10**9))  # an older copy (cp -p)
    assert fetch.verify_raw([f], raw) == 1 and calls == ["a.txt"]
    changed = _datafile("a.txt", "sha256", "1" * 64)  # the registry declares another digest: read again
    assert fetch.verify_raw([changed], raw) == 1 and calls == ["a.txt", "a.txt"]


def test_an_altered_raw_file_is_one_line_naming_it_expected_actual_and_what_to_do(tmp_path):
    raw, f = _raw_with(tmp_path)
    fetch.verify_raw([f], raw)
    (raw / "a.txt").write_bytes(b"hellO\n")
    actual = hashlib.sha256(b"hellO\n").hexdigest()
    message = (
        rf"^a.txt: sha256 mismatch: expected {f.hash}, actual {actual}; "
        rf"delete {re.escape(str(raw / 'a.txt'))} and run `make data` to fetch it again$"
    )
    with pytest.raises(fetch.DataIntegrityError, match=message):
        fetch.verify_raw([f], raw)
    assert "a.txt" not in fetch.read_verified(raw)  # checked again next time, however its size and mtime look
    with pytest.raises(fetch.DataIntegrityError):
        fetch.fetch(f, raw=raw, mirror=None, progress=False)
    (raw / "a.txt").unlink()
    with pytest.raises(fetch.cli.UserError, match="a.txt is missing; run `make data`"):
        fetch.verify_raw([f], raw)


def test_an_unreadable_stamp_means_verifying_again(tmp_path):
    raw, f = _raw_with(tmp_path)
    (raw / fetch.VERIFIED_STAMP).write_text("{half a fi")
    assert fetch.verify_raw([f], raw) == 1 and fetch.verify_raw([f], raw) == 0


def test_no_mirror_and_no_network_is_one_line_naming_the_variable(tmp_path, monkeypatch, capsys):
    f = _datafile("a.txt", "sha256", "0" * 64, url="http://127.0.0.1:9/a.txt")
    monkeypatch.setattr("analysis.data.registry.get", lambda name: f)
    monkeypatch.setenv("TWEETERWOOD_HOME", str(tmp_path))
    monkeypatch.delenv("TWEETERWOOD_DATA_MIRROR", raising=False)
    monkeypatch.delenv("TWEETERWOOD_DEBUG", raising=False)
    assert fetch.cli.run(lambda: fetch.main(["a.txt"])) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: a.txt: no source could be reached")
    assert "TWEETERWOOD_DATA_MIRROR is not set" in err and "set TWEETERWOOD_DATA_MIRROR=/path/to/mirror" in err
    assert "http://127.0.0.1:9/a.txt (ConnectionError)" in err
    # a mirror folder without the file says so; the debug variable shows each source's detail
    monkeypatch.setenv("TWEETERWOOD_DATA_MIRROR", str(tmp_path / "empty"))
    monkeypatch.setenv("TWEETERWOOD_DEBUG", "1")
    assert fetch.cli.run(lambda: fetch.main(["a.txt"])) == 2
    err = capsys.readouterr().err
    assert f"TWEETERWOOD_DATA_MIRROR={tmp_path / 'empty'} does not hold it; 1 URL failed" in err.splitlines()[-1]
    assert "Traceback" in err and "FetchError: could not fetch a verified copy of a.txt" in err
    assert sorted(p.name for p in (tmp_path / "data" / "raw").iterdir()) == []


def test_two_fetches_of_one_file_do_not_interleave_and_keep_each_others_downloads(tmp_path):
    """A fetch holds a lock on its file: a second fetch of it is refused in one line, and a
    fetch clears only its own file's stale staging folders (another may be downloading)."""
    import hashlib

    from analysis import files

    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    mirror.mkdir()
    raw.mkdir()
    (mirror / "a.txt").write_bytes(b"alpha")
    datafile = _datafile("a.txt", "sha256", hashlib.sha256(b"alpha").hexdigest())
    other = raw / (fetch.STAGING_PREFIX + "b.txt-xyz")  # b.txt being downloaded by another process
    other.mkdir()
    stale = raw / (fetch.STAGING_PREFIX + "a.txt-old")  # what an interrupted fetch of a.txt left
    stale.mkdir()
    with files.exclusive_lock(raw / ".a.txt.lock", "held"), pytest.raises(files.LockedError, match="being written"):
        fetch.fetch(datafile, raw=raw, mirror=str(mirror), progress=False)
    assert fetch.fetch(datafile, raw=raw, mirror=str(mirror), progress=False).read_bytes() == b"alpha"
    assert other.exists() and not stale.exists() and not (raw / ".a.txt.lock").exists()
