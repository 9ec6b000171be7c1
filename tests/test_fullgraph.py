"""The out-of-core pipeline for the complete 2009 graph, on synthetic archives in its exact format."""

import gzip
import json
import os
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.data import fullgraph, registry, sources
from analysis.data.fetch import DataIntegrityError, DownloadError
from analysis.data.readers import DataFormatError
from analysis.graph import measures
from analysis.stats import synthetic

OFFSET = 1_000_000


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    rng = np.random.default_rng(42)
    src, dst, elite = synthetic.kwak_like_graph(rng, n=400, m=3000, elite_size=20, reciprocity=0.3)
    folder = tmp_path_factory.mktemp("archive")
    parts, md5, size = synthetic.write_kwak_archive(folder, src, dst, rng)
    accounts = pd.DataFrame(
        {
            "user_id": elite + OFFSET,
            "screen_name": [f"celebrity{i}" for i in elite],
            "name": [f"Celebrity {i}" for i in elite],
        }
    )
    return {
        "src": src,
        "dst": dst,
        "n": 400,
        "elite": elite,
        "parts": parts,
        "md5": md5,
        "size": size,
        "accounts": accounts,
        "folder": folder,
    }


@pytest.fixture(scope="module")
def run(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    manifest = fullgraph.run(
        archive["parts"],
        out,
        archive["accounts"],
        expected_md5=archive["md5"],
        expected_size=archive["size"],
        memory_limit="1GB",
        log=lambda *_: None,
    )
    return out, manifest


def test_archive_format_is_user_then_follower(archive):
    first = gzip.decompress(archive["parts"][0].read_bytes()).split(b"\n")[0].split(b"\t")
    user, follower = int(first[0]) - OFFSET, int(first[1]) - OFFSET
    keys = set(zip(archive["src"].tolist(), archive["dst"].tolist()))
    assert (follower, user) in keys  # the second id follows the first
    assert (archive["folder"] / "twitter_rv.net.md5").read_text().split()[0] == archive["md5"]


def test_pipeline_equals_the_in_memory_reference_exactly(archive, run):
    out, manifest = run
    src, dst = archive["src"], archive["dst"]
    ids = np.unique(np.concatenate([src, dst]))
    n = archive["n"]
    assert manifest["complete"] and manifest["md5"] == archive["md5"]
    assert manifest["edges"] == len(src)
    assert manifest["nodes"] == len(ids)
    assert manifest["reciprocity_edges"] == measures.reciprocity_edges(src, dst, n)
    assert manifest["reciprocity_pairs"] == measures.reciprocity_pairs(src, dst, n)
    assert manifest["followed_back_by_none"] == pytest.approx(measures.followed_back_by_none(src, dst, n), abs=1e-15)
    edges = pd.read_parquet(out / "edges.parquet").sort_values(["follower", "followee"])
    expected = pd.DataFrame({"follower": src + OFFSET, "followee": dst + OFFSET}).sort_values(["follower", "followee"])
    assert np.array_equal(edges.to_numpy(), expected.to_numpy())
    degrees = pd.read_parquet(out / "degrees.parquet").set_index("user_id").sort_index()
    indeg, outdeg = measures.in_degree(dst, n), measures.out_degree(src, n)
    assert np.array_equal(degrees["followers"].to_numpy(), indeg[ids])
    assert np.array_equal(degrees["following"].to_numpy(), outdeg[ids])
    top = pd.read_parquet(out / "top_accounts.parquet")
    assert top["followers"].iloc[0] == indeg.max() and manifest["top_followers"] == indeg.max()
    ccdf = pd.read_parquet(out / "ccdf_followers.parquet")
    x, p = measures.ccdf(indeg[ids])
    assert np.array_equal(ccdf["k"].to_numpy(), x) and np.allclose(ccdf["ccdf"].to_numpy(), p)


def test_celebrity_slice_gives_exact_follow_back(archive, run):
    out, _ = run
    src, dst, n, elite = archive["src"], archive["dst"], archive["n"], archive["elite"]
    counts = pd.read_parquet(out / "celebrity_counts.parquet").set_index("user_id").sort_index()
    reference = measures.follow_back(src, dst, n, np.sort(elite))
    assert np.array_equal(counts["followers"].to_numpy(), reference["followers"].to_numpy())
    assert np.array_equal(counts["followed_back"].to_numpy(), reference["followed_back"].to_numpy())
    assert np.array_equal(counts["following"].to_numpy(), measures.out_degree(src, n)[np.sort(elite)])
    slice_ = pd.read_parquet(out / "celebrity_slice.parquet")
    is_elite = np.isin(np.arange(n), elite)
    made = int(is_elite[src].sum())
    returned = int((is_elite[dst] & measures.reciprocated_mask(src, dst, n)).sum())
    assert len(slice_) == made + returned


def test_md5_mismatch_and_parts_out_of_order_name_the_digests(archive):
    swapped = [archive["parts"][1], archive["parts"][0]] + archive["parts"][2:]
    with pytest.raises(DataIntegrityError, match=f"expected {archive['md5']}.*actual"):
        fullgraph.verify_parts(swapped, archive["md5"], archive["size"])
    with pytest.raises(DataIntegrityError, match="0" * 32):
        fullgraph.verify_parts(archive["parts"], "0" * 32, archive["size"])


def test_truncated_part_names_the_file(archive, tmp_path):
    broken = tmp_path / "twitter_rv.net.02.gz"
    data = archive["parts"][2].read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    parts = archive["parts"][:2] + [broken, archive["parts"][3]]
    with pytest.raises(DataIntegrityError, match="twitter_rv.net.02.gz"):
        fullgraph.verify_parts(parts, archive["md5"], archive["size"])
    with pytest.raises(DataFormatError, match="twitter_rv.net.02.gz"):
        fullgraph.run(parts, tmp_path / "out", verify=False, memory_limit="1GB", log=lambda *_: None)
    assert not fullgraph.is_available(tmp_path / "out")


@pytest.mark.parametrize("bad_line, message", [(b"12345\n", "Line"), (b"12\tabc\n", "abc")])
def test_bad_lines_name_the_file_and_line(tmp_path, bad_line, message):
    part = tmp_path / "twitter_rv.net.00.gz"
    part.write_bytes(gzip.compress(b"1\t2\n3\t4\n" + bad_line))
    with pytest.raises(DataFormatError, match=message) as error:
        fullgraph.run([part], tmp_path / "out", verify=False, memory_limit="1GB", log=lambda *_: None)
    assert "twitter_rv.net.00.gz" in str(error.value)
    assert not (tmp_path / "out" / "edges.parquet").exists()
    assert not fullgraph.is_available(tmp_path / "out")


def test_an_interrupted_run_is_not_trusted(archive, tmp_path):
    """A complete run, then a run into the same folder that fails half-way: the old
    manifest is gone, so no later step trusts the tables left on disk."""
    out = tmp_path / "out"
    fullgraph.run(archive["parts"], out, verify=False, memory_limit="1GB", log=lambda *_: None)
    assert fullgraph.is_available(out)
    broken = tmp_path / "twitter_rv.net.03.gz"
    broken.write_bytes(gzip.compress(b"1\t2\n3\n"))
    with pytest.raises(DataFormatError, match="twitter_rv.net.03.gz"):
        fullgraph.run(archive["parts"][:3] + [broken], out, verify=False, memory_limit="1GB", log=lambda *_: None)
    assert not fullgraph.is_available(out)
    assert not (out / "manifest.json").exists()


def test_expected_values_check():
    published = registry.published("kwak2009-full")
    stats = {**published, "reciprocity_pairs": published["reciprocity_pairs"] + 4e-4,
             "reciprocity_edges": published["reciprocity_edges"] + 4e-4,
             "followed_back_by_none": published["followed_back_by_none"] + 1e-4}  # fmt: skip
    assert published == fullgraph.EXPECTED
    assert all(fullgraph.check_expected(stats).values())
    assert not fullgraph.check_expected({**stats, "nodes": 1})["nodes"]


@pytest.mark.data
def test_published_figures_when_the_real_archive_has_been_processed():
    """Runs whenever `make fullgraph` has run on the real archive; skipped on machines without it."""
    if not fullgraph.is_available():
        pytest.skip("the complete 2009 graph is not on this machine (make data-full && make fullgraph)")
    stats = json.loads((fullgraph.output_dir() / "manifest.json").read_text())
    assert fullgraph.check_expected(stats) == dict.fromkeys(fullgraph.check_expected(stats), True)


def test_notebooks_fall_back_without_the_archive():

    if fullgraph.is_available():
        pytest.skip("the archive is present")
    info = sources.describe("kwak2009-full")
    assert info.name == "ego_twitter" and "make data-full" in info.note and info.kwak_profiles


def test_download_parts_resumes_an_interrupted_transfer(archive, tmp_path, http_server):
    names = fullgraph.PART_NAMES
    http_server.files.update({p.name: p.read_bytes() for p in archive["parts"]})
    urls = [http_server.url(name) for name in names]
    http_server.cut_once(names[1], keep=3 * 1024)
    raw = tmp_path / "raw"
    total = len(http_server.files[names[1]])
    message = (
        rf"^{names[1]}: transfer interrupted at 3072 of {total} bytes \(ChunkedEncodingError\); run again to resume$"
    )
    with pytest.raises(DownloadError, match=message):
        fullgraph.download_parts(raw, urls, progress=False, chunk=1024)
    assert sorted(p.name for p in raw.iterdir()) == [names[0], names[1] + ".part"]
    assert (raw / (names[1] + ".part")).read_bytes() == http_server.files[names[1]][:3072]
    parts = fullgraph.download_parts(raw, urls, progress=False)  # resumes with a Range request
    assert [p.read_bytes() for p in parts] == [http_server.files[n] for n in names]
    assert sorted(p.name for p in raw.iterdir()) == sorted(names)
    assert http_server.requests == [
        (names[0], None, 200),
        (names[1], None, 200),
        (names[1], "bytes=3072-", 206),  # part 00 is on disk already: not asked for again
        (names[2], None, 200),
        (names[3], None, 200),
    ]
    assert fullgraph.verify_parts(parts, archive["md5"], archive["size"]) == archive["md5"]


def test_download_parts_names_the_part_a_server_does_not_have(tmp_path, http_server):
    urls = [http_server.url(name) for name in fullgraph.PART_NAMES]
    message = (
        rf"^twitter_rv.net.00.gz: {re.escape(urls[0])} answered HTTP 404; check the URL or the mirror, then run again$"
    )
    with pytest.raises(DownloadError, match=message):
        fullgraph.download_parts(tmp_path, urls, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_a_verified_stamp_matches_only_while_the_parts_are_unchanged(archive, tmp_path):
    parts = []
    for source in archive["parts"]:
        copy = tmp_path / source.name
        shutil.copy(source, copy)
        parts.append(copy)
    stamp = fullgraph.verified_stamp(tmp_path)
    assert not fullgraph.stamp_matches(parts)  # no stamp yet
    assert fullgraph.write_verified_stamp(parts, archive["md5"]) == stamp
    assert json.loads(stamp.read_text())["md5"] == archive["md5"]
    assert fullgraph.stamp_matches(parts) and fullgraph.stamp_matches(parts, stamp)
    shutil.copy(stamp, tmp_path / "elsewhere.json")
    assert fullgraph.stamp_matches(parts, tmp_path / "elsewhere.json")

    before = parts[2].stat()
    os.utime(parts[2], ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))  # touched: same bytes, new mtime
    assert not fullgraph.stamp_matches(parts)
    os.utime(parts[2], ns=(before.st_atime_ns, before.st_mtime_ns))
    assert fullgraph.stamp_matches(parts)

    with parts[3].open("ab") as handle:  # one more byte, mtime put back: the size alone gives it away
        handle.write(b"\0")
    mtime = parts[3].stat().st_mtime_ns
    os.utime(parts[3], ns=(mtime, json.loads(stamp.read_text())["parts"][3]["mtime_ns"]))
    assert parts[3].stat().st_size == archive["parts"][3].stat().st_size + 1
    assert not fullgraph.stamp_matches(parts)

    fullgraph.write_verified_stamp(parts, "0" * 32)  # verified again as they are now
    assert fullgraph.stamp_matches(parts)
    parts[0].unlink()
    assert not fullgraph.stamp_matches(parts)
    assert not fullgraph.stamp_matches(parts[1:])  # a different list of parts
