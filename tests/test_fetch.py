"""Fetching: mirror first, digests always checked, nothing half-written in data/raw/."""

import hashlib
import http.server
import io
import subprocess
import tarfile
import threading
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
    assert _raw_listing(raw) == ["a.txt"]
    # a second call verifies the existing file and does not copy again
    (mirror / "a.txt").unlink()
    assert fetch.fetch(f, raw=raw, mirror=str(mirror), progress=False) == path


def test_wrong_hash_names_file_expected_and_actual_and_leaves_nothing(tmp_path):
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    mirror.mkdir()
    (mirror / "a.txt").write_bytes(b"tampered\n")
    expected = hashlib.sha256(b"hello\n").hexdigest()
    actual = hashlib.sha256(b"tampered\n").hexdigest()
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(_datafile("a.txt", "sha256", expected), raw=raw, mirror=str(mirror), progress=False)
    message = str(error.value)
    assert "a.txt" in message and expected in message and actual in message
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
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(_datafile("twitter.tar.gz", "sha256-members", digest), raw=raw, mirror=str(mirror), progress=False)
    assert "twitter.tar.gz" in str(error.value) and "truncated" in str(error.value)
    assert digest in str(error.value)
    assert _raw_listing(raw) == []


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    claimed_length = 0

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(self.claimed_length))
        self.end_headers()
        self.wfile.write(self.body)
        self.wfile.flush()
        self.connection.close()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_interrupted_http_transfer_fails_cleanly(tmp_path, http_server):
    content = b"0123456789" * 1000
    _Handler.body, _Handler.claimed_length = content[:100], len(content)
    raw = tmp_path / "raw"
    url = f"http://127.0.0.1:{http_server.server_address[1]}"
    f = _datafile("c.txt", "sha256", hashlib.sha256(content).hexdigest(), url=url + "/c.txt")
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(f, raw=raw, mirror=url, progress=False)
    assert "c.txt" in str(error.value)
    assert _raw_listing(raw) == []


def test_complete_http_transfer_through_pooch(tmp_path, http_server):
    content = b"follower followee\n" * 50
    _Handler.body, _Handler.claimed_length = content, len(content)
    url = f"http://127.0.0.1:{http_server.server_address[1]}"
    f = _datafile("d.txt", "sha256", hashlib.sha256(content).hexdigest(), url=url + "/d.txt")
    path = fetch.fetch(f, raw=tmp_path / "raw", mirror=None, progress=False)
    assert path.read_bytes() == content


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
