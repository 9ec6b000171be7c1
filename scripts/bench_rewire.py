"""Benchmark of directed edge switching on the ego-Twitter graph (``make bench``).

Measures, in one run on the full ego-Twitter graph (81,306 accounts, 1,768,135
follows):

- switch attempts per second of our compiled kernel (the chain of
  :func:`analysis.nulls.rewiring.rewire_directed`, one thread, default 10% three-edge
  rotations, run in place on prepared arrays as igraph rewires a built graph in
  place; one whole call, with its fresh copies of the arrays, is timed as well),
  of igraph's C ``Graph.rewire`` and of networkx's ``directed_edge_swap`` (short
  run). An attempt is a proposed move, accepted or not; igraph's ``rewire(n)``
  makes ``n`` trials; networkx's tries are counted through the random generator
  it is given (one ``random()`` call per try). networkx proposes a different move
  (a directed path of three edges from a start account drawn by degree) and
  refuses most of its tries (about 85% on this graph, many of them cheaply), so
  the script also compares accepted switches per second, the rate that sets how
  long a null sample takes. Ours and igraph are timed in alternation,
  ``--repeats`` times each, and compared by their medians (this machine's memory
  speed drifts);
- the wall time of the null ensemble the statistics need: 100 samples with
  10 x E accepted switches each, on 2 threads (:func:`analysis.nulls.rewiring.null_ensemble`).

Prints ``speed-up vs igraph: N x`` and ``speed-up vs networkx: N x`` (attempts),
the networkx ratio in accepted switches, and the ensemble time, and writes
``results/bench_rewire.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from analysis import paths
from analysis.graph import measures
from analysis.nulls import rewiring


def _ours_in_place(prepared, seed: int, switches_per_edge: float) -> tuple[float, float]:
    """Attempts per second of the chain run in place on prepared arrays (as igraph's
    ``rewire`` runs in place on a built graph), and the accepted share."""
    edges0, table0, bits = prepared
    edges, table = edges0.copy(), table0.copy()
    n_switches = int(round(switches_per_edge * len(edges)))
    start = time.perf_counter()
    accepted, attempts = rewiring._rewire_kernel(
        edges, table, 64 - bits, n_switches, 100 * n_switches, rewiring.DEFAULT_THREE_EDGE_SHARE, seed
    )
    return attempts / (time.perf_counter() - start), accepted / attempts


def _ours_call(src, dst, n, prepared, seed: int, switches_per_edge: float) -> float:
    """Attempts per second of one ``rewire_directed`` call (fresh copies of the edges
    and the hash table, and the unpacked result, included)."""
    start = time.perf_counter()
    _, _, stats = rewiring.rewire_directed(
        src,
        dst,
        n,
        np.random.default_rng(seed),
        switches_per_edge=switches_per_edge,
        return_stats=True,
        _prepared=prepared,
    )
    return stats.attempts / (time.perf_counter() - start)


def _igraph(graph, trials: int) -> float:
    start = time.perf_counter()
    graph.rewire(n=trials, allowed_edge_types="simple")
    return trials / (time.perf_counter() - start)


class _CountingRandom(random.Random):
    """A ``random.Random`` that counts calls of ``random()``: networkx's
    ``directed_edge_swap`` makes exactly one per try (to draw the start node),
    and uses ``choice`` (which does not call it) for everything else."""

    calls = 0

    def random(self):
        self.calls += 1
        return super().random()

    def getrandbits(self, k):
        # defining it keeps choice() on getrandbits (a subclass that overrides
        # only random() would have choice() call random() as well)
        return super().getrandbits(k)


def _networkx(src, dst, swaps: int) -> tuple[float, float]:
    """networkx's tries per second and successful swaps per second."""
    graph = nx.DiGraph()
    graph.add_edges_from(zip(src.tolist(), dst.tolist()))
    draws = _CountingRandom(1)
    start = time.perf_counter()
    nx.directed_edge_swap(graph, nswap=swaps, max_tries=swaps * 100, seed=draws)
    seconds = time.perf_counter() - start
    return draws.calls / seconds, swaps / seconds


def _ensemble(src, dst, n, samples: int, switches_per_edge: float, workers: int) -> tuple[float, np.ndarray]:
    elite = np.zeros(n, bool)
    elite[measures.top_k_by(measures.in_degree(dst, n), 1000)] = True
    start = time.perf_counter()
    values = rewiring.null_ensemble(
        src,
        dst,
        n,
        lambda s, d: measures.elite_edges(s, d, elite),
        samples,
        np.random.default_rng(7),
        switches_per_edge=switches_per_edge,
        workers=workers,
    )
    return time.perf_counter() - start, values


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="alternating timings of ours and igraph")
    parser.add_argument("--switches-per-edge", type=float, default=5.0, help="length of each timed run of ours")
    parser.add_argument("--igraph-trials", type=int, default=1_000_000)
    parser.add_argument("--networkx-swaps", type=int, default=3000)
    parser.add_argument("--ensemble-samples", type=int, default=100)
    parser.add_argument("--ensemble-switches-per-edge", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(paths.results_dir() / "bench_rewire.json"))
    args = parser.parse_args(argv)

    edges = pd.read_parquet(paths.processed_table("ego_twitter_edges"))
    graph = measures.index_edges(edges)
    src, dst, n, m = graph.src, graph.dst, graph.n, graph.m
    prepared = rewiring._prepare_directed(src, dst, n)
    rewiring.rewire_directed(
        src, dst, n, np.random.default_rng(0), switches_per_edge=0.01, _prepared=prepared
    )  # compile / load the cached kernel

    import igraph as ig

    ig_graph = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
    ours_rates, call_rates, igraph_rates, accepted_shares = [], [], [], []
    for repeat in range(args.repeats):
        rate, share = _ours_in_place(prepared, repeat, args.switches_per_edge)
        ours_rates.append(rate)
        accepted_shares.append(share)
        igraph_rates.append(_igraph(ig_graph, args.igraph_trials))
        call_rates.append(_ours_call(src, dst, n, prepared, repeat, args.switches_per_edge))
        print(
            f"repeat {repeat + 1}: ours {rate / 1e6:.2f} M attempts/s in place ({call_rates[-1] / 1e6:.2f} per call), "
            f"igraph {igraph_rates[-1] / 1e6:.3f} M trials/s",
            flush=True,
        )
    networkx_rate, networkx_swap_rate = _networkx(src, dst, args.networkx_swaps)
    print(f"networkx: {networkx_rate:.0f} tries/s, {networkx_swap_rate:.0f} swaps/s", flush=True)

    ensemble_seconds, values = _ensemble(
        src, dst, n, args.ensemble_samples, args.ensemble_switches_per_edge, args.workers
    )
    ours, igraph_rate = statistics.median(ours_rates), statistics.median(igraph_rates)
    result = {
        "graph": f"ego-Twitter, {n} nodes, {m} edges",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "repeats": args.repeats,
        "ours_attempts_per_second_median": round(ours),
        "ours_attempts_per_second_all": [round(x) for x in ours_rates],
        "ours_accepted_share": round(statistics.median(accepted_shares), 4),
        "ours_attempts_per_second_per_call_median": round(statistics.median(call_rates)),
        "ours_attempts_per_second_per_call_all": [round(x) for x in call_rates],
        "igraph_trials_per_second_median": round(igraph_rate),
        "igraph_trials_per_second_all": [round(x) for x in igraph_rates],
        "networkx_tries_per_second": round(networkx_rate),
        "networkx_swaps_per_second": round(networkx_swap_rate),
        "networkx_swaps_timed": args.networkx_swaps,
        "speed_up_vs_igraph": round(ours / igraph_rate, 1),
        "speed_up_vs_igraph_paired_runs": [round(o / i, 1) for o, i in zip(ours_rates, igraph_rates)],
        "speed_up_vs_igraph_per_call": round(statistics.median(call_rates) / igraph_rate, 1),
        "speed_up_vs_networkx": round(ours / networkx_rate),
        "speed_up_vs_networkx_accepted_switches": round(ours * statistics.median(accepted_shares) / networkx_swap_rate),
        "ensemble": {
            "samples": args.ensemble_samples,
            "accepted_switches_per_sample": int(round(args.ensemble_switches_per_edge * m)),
            "threads": args.workers,
            "statistic": "follows among the top 1,000 accounts by followers",
            "null_mean": round(float(values.mean()), 1),
            "minutes": round(ensemble_seconds / 60, 2),
            "accepted_switches_per_second": round(
                args.ensemble_samples * args.ensemble_switches_per_edge * m / ensemble_seconds
            ),
        },
        "goals": "speed-up vs igraph >= 10 x; vs networkx >= 1000 x; ensemble of 100 x 10E < 5 minutes on 2 cores",
    }
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"speed-up vs igraph: {ours / igraph_rate:.1f} x")
    print(f"speed-up vs networkx: {ours / networkx_rate:.0f} x")
    print(f"speed-up vs networkx in accepted switches per second: {result['speed_up_vs_networkx_accepted_switches']} x")
    print(
        f"ensemble of {args.ensemble_samples} x {args.ensemble_switches_per_edge:g}E on {args.workers} threads: "
        f"{ensemble_seconds / 60:.2f} min"
    )
    return result


if __name__ == "__main__":
    main()
