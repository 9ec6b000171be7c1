"""The out-of-core pipeline for the complete 2009 graph, on synthetic archives in its exact format."""

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from analysis.data import fullgraph, sources
from analysis.data.fetch import DataIntegrityError
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
    with pytest.raises(DataFormatError):
        fullgraph.run(archive["parts"][:3] + [broken], out, verify=False, memory_limit="1GB", log=lambda *_: None)
    assert not fullgraph.is_available(out)
    assert not (out / "manifest.json").exists()


def test_expected_values_check():
    stats = {
        "nodes": 41_652_230,
        "edges": 1_468_365_182,
        "reciprocity_pairs": 0.2214,
        "reciprocity_edges": 0.3624,
        "followed_back_by_none": 0.6761,
        "top_account": 19_058_681,
        "top_followers": 2_997_469,
    }
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
    dataset, note = sources.resolve_dataset("kwak2009-full")
    assert dataset == "ego_twitter" and "make data-full" in note


class _RangeHandler:
    """A loopback HTTP server that honours Range requests and can cut a transfer short."""

    def __init__(self, files: dict[str, bytes]):
        import http.server
        import threading

        outer = self
        self.files, self.cut_once = files, set()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                data = outer.files[self.path.lstrip("/")]
                start = 0
                if "Range" in self.headers:
                    start = int(self.headers["Range"].split("=")[1].split("-")[0])
                body = data[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path in outer.cut_once:
                    outer.cut_once.discard(self.path)
                    self.wfile.write(body[: len(body) // 3])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_download_parts_resumes_an_interrupted_transfer(archive, tmp_path):
    files = {p.name: p.read_bytes() for p in archive["parts"]}
    server = _RangeHandler(files)
    try:
        urls = [server.base + name for name in fullgraph.PART_NAMES]
        server.cut_once.add("/" + fullgraph.PART_NAMES[1])
        raw = tmp_path / "raw"
        with pytest.raises(DataIntegrityError, match="transfer interrupted"):
            fullgraph.download_parts(raw, urls, progress=False, chunk=1024)
        partial = raw / (fullgraph.PART_NAMES[1] + ".part")
        assert partial.exists() and 0 < partial.stat().st_size < len(files[fullgraph.PART_NAMES[1]])
        assert not (raw / fullgraph.PART_NAMES[1]).exists()
        parts = fullgraph.download_parts(raw, urls, progress=False)  # resumes with a Range request
        assert [p.read_bytes() for p in parts] == [files[n] for n in fullgraph.PART_NAMES]
        assert fullgraph.verify_parts(parts, archive["md5"], archive["size"]) == archive["md5"]
    finally:
        server.close()
