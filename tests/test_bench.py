"""The rewiring benchmark script: counting and output (not timed)."""

import importlib.util
import json
import re

import networkx as nx
import numpy as np
import pytest

from analysis import paths


def _bench():
    spec = importlib.util.spec_from_file_location("bench_rewire", paths.project_root() / "scripts" / "bench_rewire.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_networkx_tries_are_counted_exactly():
    """networkx gives up after max_tries tries: the counter must have seen exactly one more."""
    bench = _bench()
    graph = nx.gnp_random_graph(60, 0.1, seed=2, directed=True)
    for max_tries in (20, 37, 200):
        draws = bench._CountingRandom(3)
        with pytest.raises(nx.NetworkXAlgorithmError, match=rf"^Maximum number of swap attempts \({max_tries + 1}\)"):
            nx.directed_edge_swap(graph.copy(), nswap=max_tries, max_tries=max_tries, seed=draws)
        assert draws.calls == max_tries + 1


@pytest.mark.data
def test_bench_runs_end_to_end_on_small_settings(tmp_path, processed, capsys):
    bench = _bench()
    out = tmp_path / "bench.json"
    result = bench.main(
        [
            "--repeats",
            "1",
            "--switches-per-edge",
            "0.2",
            "--igraph-trials",
            "20000",
            "--networkx-swaps",
            "20",
            "--ensemble-samples",
            "2",
            "--ensemble-switches-per-edge",
            "0.02",
            "--output",
            str(out),
        ]
    )
    assert json.loads(out.read_text()) == result
    printed = capsys.readouterr().out
    igraph_line = re.search(r"^speed-up vs igraph: ([0-9.]+) x$", printed, re.M)
    networkx_line = re.search(r"^speed-up vs networkx: ([0-9]+) x$", printed, re.M)
    assert igraph_line and abs(float(igraph_line[1]) - result["speed_up_vs_igraph"]) <= 0.051
    assert networkx_line and int(networkx_line[1]) == result["speed_up_vs_networkx"]
    assert len(result["speed_up_vs_igraph_paired_runs"]) == 1
    assert result["networkx_tries_per_second"] >= result["networkx_swaps_per_second"] > 0
    assert result["ensemble"]["samples"] == 2 and np.isfinite(result["ensemble"]["null_mean"])
