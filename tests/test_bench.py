"""The rewiring benchmark: its definitions (mixing, statistics, chains) and a run on small settings."""

import importlib.util
import json
import math

import networkx as nx
import numpy as np
import pytest

from analysis import paths
from analysis.claims import follow_back
from analysis.graph import labelled, measures
from analysis.nulls import benchmark, peers
from analysis.report import readme


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


def _small_graph():
    src, dst = peers.generated_graph(400, 3000, seed=5)
    n = 400
    classes = np.full(n, "regular", dtype=object)
    followers = measures.in_degree(dst, n)
    is_elite = labelled.elite_mask_by(followers, "top:12")
    classes[np.arange(n) % 7 == 0] = "popular"
    classes[is_elite] = "celebrity"
    return src, dst, n, classes.astype(str), is_elite


def test_elite_statistics_are_the_claims_statistics_from_the_elite_edges_alone():
    src, dst, n, classes, is_elite = _small_graph()
    is_regular = classes == "regular"
    codes = follow_back.class_codes(classes)
    edges, returned = follow_back.pair_counts(src, dst, n, codes)
    expected = [
        measures.elite_closure(src, dst, is_elite),
        follow_back.share_to(edges, "celebrity", "regular"),
        follow_back.reciprocated_share(edges, returned, "regular", "celebrity"),
        follow_back.reciprocated_share(edges, returned, "celebrity", "celebrity"),
    ]
    assert np.allclose(benchmark.elite_statistics(src, dst, is_elite, is_regular), expected)
    sub = benchmark.incident_edges(src, dst, is_elite)
    assert len(sub[0]) < len(src)
    assert np.allclose(benchmark.elite_statistics(*sub, is_elite, is_regular), expected)
    # the peers read the same edges through the elite's neighbourhoods
    nodes = np.flatnonzero(is_elite)
    out_of = {u: dst[src == u] for u in nodes}
    in_of = {u: src[dst == u] for u in nodes}
    via = peers._from_neighbours(nodes, out_of.__getitem__, in_of.__getitem__)
    assert np.allclose(benchmark.elite_statistics(*via, is_elite, is_regular), expected)


def test_a_checkpoint_is_mixed_when_it_and_the_next_ones_are_within_one_standard_error():
    means = [5.0, 3.0, 1.05, 2.0, 1.02, 0.99, 1.01, 1.0]
    assert benchmark.mixed_checkpoint(means, 1.0, 0.1, stay=2) == 4  # 1.05 is followed by a stray 2.0
    assert benchmark.mixed_checkpoint(means, 1.0, 0.1, stay=0) == 2
    assert benchmark.mixed_checkpoint(means[:5], 1.0, 0.1, stay=2) is None  # not yet confirmed
    lengths = [1, 2, 4, 8]
    values = np.array([[9.0, 9.0], [5.0, 5.0], [1.0, 3.0], [3.0, 1.0]])  # (checkpoints, chains)
    value, sd = benchmark.long_run(lengths, values)  # the last doubling: lengths 4 and 8
    assert value == 2.0 and sd == pytest.approx(math.sqrt(2.0))
    assert benchmark.tolerance(2.0, 10, 10) == pytest.approx(2.0 * math.sqrt(0.2))


@pytest.mark.slow  # over 1.5 s: in make test, not in the fast tier
def test_every_chain_keeps_the_degrees_on_a_directed_graph():
    src, dst, n, _, _ = _small_graph()
    for name, cls in peers.CHAINS.items():
        chain = cls(src, dst, n)
        sample = chain.sample(2.0 if name != "global_curveball" else 3, seed=4)
        if name == "ours":
            s, d = sample
        elif name == "igraph":
            assert sample.is_directed()
            s, d = np.array(sample.get_edgelist()).T
        else:
            assert sample.isDirected()
            s, d = np.array(list(sample.iterEdges())).T
        assert len(s) == len(src) and not np.any(s == d), name
        assert len(np.unique(s * n + d)) == len(s), name
        assert np.array_equal(measures.in_degree(d, n), measures.in_degree(dst, n)), name
        assert np.array_equal(measures.out_degree(s, n), measures.out_degree(src, n)), name
        assert not np.array_equal(np.sort(s * n + d), np.sort(src * n + dst)), name


def test_the_gather_floor_and_working_set():
    assert benchmark.gather_rate(np.ones(1 << 16, np.int64), 100_000) > 0
    work = benchmark.working_set_bytes(1_768_135)
    assert work == {
        "edges": 8 * 1_768_135,
        "table": 8 * 2**23,
        "total": 8 * 1_768_135 + 8 * 2**23,
    }  # a quarter full at most


@pytest.mark.slow  # over 1.5 s: in make test, not in the fast tier
def test_bench_runs_end_to_end_on_small_settings(tmp_path, capsys):
    bench = _bench()
    out = tmp_path / "bench.json"
    result = bench.main(
        ["--graphs", "generated", "--generated-nodes", "3000", "--generated-edges", "20000", "--chains", "3",
         "--repeats", "2", "--workers", "1", "--length-scale", "0.25", "--checkpoint-ratio", "2",
         "--igraph-trials", "5000", "--floor-loads", "100000", "--large-array-bytes", "1e7", "--output", str(out)]
    )  # fmt: skip
    assert json.loads(out.read_text()) == result
    (g,) = result["graphs"].values()
    assert g["edges"] > 15000 and set(g["elites"]) == {"top:100", "top:1000"}
    assert set(g["time_to_mixed"]) == {f"{e}/{s}" for e in g["elites"] for s in g["statistics"]}
    for row in g["time_to_mixed"].values():
        medians = {name: row[name]["seconds"]["median"] for name in peers.CHAINS}
        fastest = min((name for name in medians if name != "ours"), key=medians.get)
        assert row["fastest_peer"] == fastest
        if row["ours"]["mixed"]:
            assert row["speed_up"] == pytest.approx(medians[fastest] / medians["ours"])
        else:
            assert row["speed_up"] is None
        assert all(row[name]["seconds"]["n"] == 2 for name in peers.CHAINS)
    ratios = [r["speed_up"] for r in g["time_to_mixed"].values() if r["speed_up"] is not None]
    assert g["speed_up_min"] == (min(ratios) if ratios else None)
    for run in g["rates"]["runs"]:
        assert run["floor_loads_per_second"] > 0 and run["ours_attempts_per_second"] > 0 and "load" in run
    full = result["full_graph"]
    assert full["edges"] == 1_468_365_182
    assert full["seconds_per_sample"] == pytest.approx(
        full["switches_per_edge"] * full["edges"] / full["accepted_switches_per_second_assumed"]
    )
    assert full["workers_for_100_in_an_hour"] == math.ceil(100 / full["samples_per_worker_hour"])
    block = readme.bench_block(result)
    assert readme._speed(g) in block and "complete 2009 graph" in block
    assert "wrote" in capsys.readouterr().out
