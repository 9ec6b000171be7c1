"""Benchmark: switch attempts per second on the ego-Twitter graph (make bench).

Counts attempts the same way for all three: a proposed move, accepted or not.
igraph's ``Graph.rewire(n)`` makes ``n`` trials; networkx's ``directed_edge_swap``
reports successful swaps only (its tries are not exposed), so its rate is counted
as swaps per second, which if anything flatters it. Writes results/bench_rewire.json.
"""

from __future__ import annotations

import json
import time

import networkx as nx
import numpy as np
import pandas as pd

from analysis import measures, nullmodels, paths


def main() -> None:
    edges = pd.read_parquet(paths.processed_table("ego_twitter_edges"))
    graph = measures.index_edges(edges)
    src, dst, n, m = graph.src, graph.dst, graph.n, graph.m
    rng = np.random.default_rng(1)
    nullmodels.rewire_directed(src[:1000], dst[:1000], n, rng, switches_per_edge=1)  # compile
    start = time.perf_counter()
    _, _, stats = nullmodels.rewire_directed(src, dst, n, rng, switches_per_edge=2, return_stats=True)
    ours_seconds = time.perf_counter() - start
    ours = stats.attempts / ours_seconds

    import igraph as ig

    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
    trials = 2_000_000
    start = time.perf_counter()
    g.rewire(n=trials, mode="simple")
    igraph_rate = trials / (time.perf_counter() - start)

    sample = pd.DataFrame({"s": src, "d": dst}).sample(200_000, random_state=1)
    nxg = nx.DiGraph()
    nxg.add_edges_from(zip(sample["s"].tolist(), sample["d"].tolist()))
    swaps = 3000
    start = time.perf_counter()
    nx.directed_edge_swap(nxg, nswap=swaps, max_tries=swaps * 100, seed=1)
    networkx_rate = swaps / (time.perf_counter() - start)

    ensemble_minutes = 100 * 10 * m / (stats.accepted / ours_seconds) / 60
    result = {
        "graph": f"ego-Twitter, {n} nodes, {m} edges",
        "ours_attempts_per_second": round(ours),
        "ours_accepted_share": round(stats.accepted / stats.attempts, 4),
        "igraph_trials_per_second": round(igraph_rate),
        "networkx_swaps_per_second (200k-edge sample)": round(networkx_rate),
        "speed_up_vs_igraph": round(ours / igraph_rate, 2),
        "speed_up_vs_networkx": round(ours / networkx_rate, 1),
        "estimated_minutes_100_samples_10E_one_core": round(ensemble_minutes, 1),
    }
    (paths.results_dir() / "bench_rewire.json").write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"speed-up vs igraph: {ours / igraph_rate:.1f} x")
    print(f"speed-up vs networkx: {ours / networkx_rate:.0f} x")


if __name__ == "__main__":
    main()
