"""Benchmark of degree-preserving null samples: time to a mixed sample, against NetworKit
and igraph, on ego-Twitter and a generated graph (``make bench``).

For each graph (ego-Twitter, 81,306 accounts and 1,768,135 follows, with its verified
elite and a top-100 elite; a generated heavy-tailed digraph, :func:`analysis.nulls.peers.generated_graph`,
with the top 100 and top 1,000 accounts by followers) and each chain
(:mod:`analysis.nulls.peers`: ours, NetworKit's ``EdgeSwitching`` and ``GlobalCurveball``
on a directed ``networkit.Graph``, igraph's ``rewire``; one thread each):

1. **The null's long-run values.** ``--reference-chains`` (10) chains of ours start from
   the observed graph and run to 16 accepted switches per edge, recording every
   statistic of :mod:`analysis.nulls.benchmark` (elite closure, C4a; share of the elite's
   follows to regular accounts, C2a; share of regular accounts' follows of the elite
   returned, C2b-chance; share of follows inside the elite returned, C5's statistic) at
   checkpoints spaced by ``2**(1/4)``. The long-run value of a statistic is their mean
   over the last doubling (8 to 16) (:func:`analysis.nulls.benchmark.long_run`). These
   chains are kept apart from the curves below, so that no curve is judged against its
   own tail.
2. **Mixing curves and the mixed length.** For each chain implementation ``--chains``
   (10) further chains start from the observed graph and record the statistics at
   checkpoints spaced by ``2**(1/4)`` in its own unit (:data:`GRIDS`), in lockstep in
   ``--workers`` processes (not timed), until every statistic is mixed or the last
   checkpoint. A statistic's mixed length is the first checkpoint whose 10-chain mean
   is within one standard error of the long-run value and stays within at the next
   ``--stay`` (2) checkpoints (:func:`analysis.nulls.benchmark.mixed_checkpoint`); the
   standard error is that of the difference of the two estimates,
   ``sd * sqrt(1/chains + 1/reference_chains)`` (:func:`analysis.nulls.benchmark.tolerance`).
   A band of ``sd / sqrt(10)`` around the reference alone proved noise-bound: on
   ego-Twitter our closure curve, whose independent 6-chain halves agree within noise
   from about 3 switches per edge on, never stayed in it up to 16. Requiring every
   later checkpoint would likewise make the answer depend on how many there are. A
   chain not mixed by its last checkpoint is reported with that length: a speed-up over
   a peer not mixed is a lower bound; where ours is not mixed, no speed-up is given.
3. **Time to a mixed sample.** The wall time of one sample of that length, drawn from
   the observed graph as a user would (:meth:`analysis.nulls.peers.Chain.sample`: our
   ``rewire_directed`` call; NetworKit's constructor, which copies the graph and runs its
   preprocessing, and ``run``; igraph's ``copy`` and ``rewire``), timed ``--repeats``
   times with the chains in alternating order, each run with ``os.getloadavg()``; the
   median and range. Each chain's turn starts with one untimed sample, so that no chain
   is timed on the memory state the previous library left (without it, our first sample
   on the generated graph took 0.29 to 0.41 s after a peer's turn, 0.15 s after our own).
   The speed-up on a statistic is the fastest peer's median over ours.
4. **Raw rates and the random-access floor**, paired in alternation: our kernel's switch
   attempts per second in place, igraph's trials per second, and a gather loop of
   independent loads into an array as large as our edge array plus hash table
   (:func:`analysis.nulls.benchmark.gather_rate`); the ceiling is that rate over
   :data:`analysis.nulls.benchmark.LOADS_PER_SWITCH`. networkx's ``directed_edge_swap``
   is timed once on ego-Twitter (tries and accepted swaps per second).
5. **The complete 2009 graph on paper**: memory of our chain's data for its 1.47 billion
   follows (bytes of the edge array and hash table), time per sample from the longest
   mixed length and our measured rate scaled by the floor measured on a large array,
   workers for 100 samples in an hour.

Writes ``results/bench_rewire.json`` and, when writing there, the README's ``bench``
block (:func:`analysis.report.readme.bench_block`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import time
from pathlib import Path

import numpy as np

from analysis import paths
from analysis.data import registry
from analysis.nulls import benchmark, peers, rewiring

# each chain's checkpoints, in its own unit: (first, last); ours runs to the last (its tail
# gives the null's long-run value), a peer until every statistic is mixed or the last
GRIDS = {
    "ours": (0.25, 16.0),
    "edge_switching": (0.25, 8.0),
    "global_curveball": (8.0, 128.0),
    "igraph": (0.5, 8.0),
}
RATIO = 2**0.25


def _grid(chain: str, scale: float, ratio: float = RATIO) -> list[float]:
    first, last = (x * scale for x in GRIDS[chain])
    count = int(round(math.log(last / first, ratio)))
    grid = [first * ratio**k for k in range(count + 1)]
    if chain == "global_curveball":  # whole rounds
        return [float(x) for x in sorted({max(1, int(round(x))) for x in grid})]
    return grid


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _run_chains(workers, spec, graph, name, seeds, grid, reference, stay):
    """Run chains in lockstep over ``grid``; with ``reference``, stop once every statistic
    is mixed. Returns the lengths reached and ``(checkpoints, chains, elites, statistics)``."""
    index = {s: i for i, s in enumerate(benchmark.STATISTICS)}
    keys = [(j, e, stat) for j, e in enumerate(graph.elites) for stat in graph.statistics]
    workers.start(spec, name, seeds)
    values, done, mixed = [], 0.0, set()
    for length in grid:
        values.append(workers.advance(length - done))
        done = length
        if reference is None:
            continue
        means = np.array(values).mean(axis=1)  # (checkpoints, elites, statistics)
        for j, e, stat in keys:
            key = f"{e}/{stat}"
            if (
                key not in mixed
                and benchmark.mixed_checkpoint(means[:, j, index[stat]], *reference[key], stay=stay) is not None
            ):
                mixed.add(key)
        if len(mixed) == len(keys):
            break
    return grid[: len(values)], np.array(values)


def _curves(spec, graph, args, workers) -> dict:
    """The null's long-run values from ``--reference-chains`` long runs of ours, then every
    chain's mixing curve (``--chains`` chains, until every statistic is mixed) and its
    mixed checkpoint of each elite and statistic, judged against those values."""
    keys = [(j, e, stat) for j, e in enumerate(graph.elites) for stat in graph.statistics]
    index = {s: i for i, s in enumerate(benchmark.STATISTICS)}
    started = time.perf_counter()
    grid = _grid("ours", args.length_scale, args.checkpoint_ratio)
    seeds = [100_000 + c for c in range(args.reference_chains)]
    ref_lengths, ref_values = _run_chains(workers, spec, graph, "ours", seeds, grid, None, args.stay)
    reference = {
        f"{e}/{stat}": benchmark.long_run(ref_lengths, ref_values[:, :, j, index[stat]]) for j, e, stat in keys
    }
    # the tolerance is the standard error of a mean of --chains samples
    reference = {k: (v, se * math.sqrt(args.reference_chains / args.chains)) for k, (v, se) in reference.items()}
    curves = {
        "reference": {
            "chain": "ours", "chains": args.reference_chains, "lengths": ref_lengths,
            "seconds": time.perf_counter() - started,
            "values": {f"{e}/{stat}": {"long_run": reference[f"{e}/{stat}"][0],
                                       "standard_error": reference[f"{e}/{stat}"][1],
                                       "means": ref_values[:, :, j, index[stat]].mean(axis=1).tolist()}
                       for j, e, stat in keys},
        }
    }  # fmt: skip
    print(f"  reference: {args.reference_chains} chains of ours to {ref_lengths[-1]:.3g}, "
          f"{curves['reference']['seconds']:.0f} s", flush=True)  # fmt: skip
    for k, name in enumerate(peers.CHAINS):
        started = time.perf_counter()
        grid = _grid(name, args.length_scale, args.checkpoint_ratio)
        seeds = [1000 * (k + 1) + c for c in range(args.chains)]
        lengths, values = _run_chains(workers, spec, graph, name, seeds, grid, reference, args.stay)
        out = {}
        for j, e, stat in keys:
            key = f"{e}/{stat}"
            series = values[:, :, j, index[stat]].mean(axis=1)
            i = benchmark.mixed_checkpoint(series, *reference[key], stay=args.stay)
            value, se = reference[key]
            out[key] = {"index": i, "length": None if i is None else lengths[i], "means": series.tolist(),
                        "last_offset_in_standard_errors": float((series[-1] - value) / se) if se else None}  # fmt: skip
        curves[name] = {"unit": peers.CHAINS[name].unit, "lengths": lengths, "mixed": out,
                        "seconds": time.perf_counter() - started}  # fmt: skip
        print(f"  curve {name}: {len(lengths)} checkpoints to {lengths[-1]:.3g}, {curves[name]['seconds']:.0f} s; mixed: "
              + ", ".join(f"{key} {m['length'] if m['length'] is None else round(m['length'], 3)}" for key, m in out.items()),
              flush=True)  # fmt: skip
    return curves


def _timed(chain, length: float, seed: int) -> float:
    start = time.perf_counter()
    chain.sample(length, seed)
    return time.perf_counter() - start


def _ours_in_place(prepared, seed: int, switches_per_edge: float) -> tuple[float, float]:
    edges0, table0, bits = prepared
    edges, table = edges0.copy(), table0.copy()
    n_switches = int(round(switches_per_edge * len(edges)))
    start = time.perf_counter()
    accepted, attempts = rewiring._rewire_kernel(
        edges, table, 64 - bits, n_switches, 100 * n_switches, rewiring.DEFAULT_THREE_EDGE_SHARE, seed
    )
    return attempts / (time.perf_counter() - start), accepted / attempts


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
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(zip(src.tolist(), dst.tolist()))
    draws = _CountingRandom(1)
    start = time.perf_counter()
    nx.directed_edge_swap(graph, nswap=swaps, max_tries=swaps * 100, seed=draws)
    seconds = time.perf_counter() - start
    return draws.calls / seconds, swaps / seconds


def _summary(values) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def _rates(graph, chains: dict, args, with_networkx: bool) -> dict:
    """Raw rates and the floor, paired in alternation."""
    ours, igraph = chains["ours"], chains["igraph"]
    work = benchmark.working_set_bytes(graph.m)
    array = np.ones(work["total"] // 8, np.int64)
    loads = int(args.floor_loads)
    benchmark.gather_rate(array, 1000)
    rows = []
    for repeat in range(args.repeats):
        floor = benchmark.gather_rate(array, loads, seed=repeat + 1)
        load = _load()
        rate, share = _ours_in_place(ours.prepared, repeat + 1, args.rate_switches_per_edge)
        start = time.perf_counter()
        trials = int(args.igraph_trials)
        g = igraph.graph.copy()
        start = time.perf_counter()
        g.rewire(n=trials, allowed_edge_types="simple")
        ig_rate = trials / (time.perf_counter() - start)
        rows.append({"floor_loads_per_second": floor, "ours_attempts_per_second": rate, "ours_accepted_share": share,
                     "igraph_trials_per_second": ig_rate, "load": load})  # fmt: skip
        print(f"  rates {repeat + 1}: floor {floor / 1e6:.1f} M loads/s, ours {rate / 1e6:.2f} M attempts/s "
              f"({rate * benchmark.LOADS_PER_SWITCH / floor:.0%} of the ceiling), igraph {ig_rate / 1e6:.3f} M trials/s, "
              f"load {load}", flush=True)  # fmt: skip
    del array
    shares = [r["ours_attempts_per_second"] * benchmark.LOADS_PER_SWITCH / r["floor_loads_per_second"] for r in rows]
    out = {
        "working_set_bytes": work,
        "runs": rows,
        "floor_loads_per_second": _summary([r["floor_loads_per_second"] for r in rows]),
        "ceiling_switch_attempts_per_second": _summary(
            [r["floor_loads_per_second"] / benchmark.LOADS_PER_SWITCH for r in rows]
        ),
        "ours_attempts_per_second": _summary([r["ours_attempts_per_second"] for r in rows]),
        "ours_accepted_share": statistics.median(r["ours_accepted_share"] for r in rows),
        "igraph_trials_per_second": _summary([r["igraph_trials_per_second"] for r in rows]),
        "ours_share_of_ceiling_paired": _summary(shares),
        "ours_over_igraph_paired": _summary(
            [r["ours_attempts_per_second"] / r["igraph_trials_per_second"] for r in rows]
        ),
    }
    if with_networkx:
        tries, swaps = _networkx(graph.src, graph.dst, args.networkx_swaps)
        out["networkx"] = {"tries_per_second": tries, "swaps_per_second": swaps, "swaps_timed": args.networkx_swaps}
        print(f"  networkx: {tries:.0f} tries/s, {swaps:.0f} swaps/s", flush=True)
    return out


def bench_graph(spec, args, workers) -> dict:
    graph = peers.load_graph(spec)
    print(f"{graph.title}: {graph.n:,} accounts, {graph.m:,} follows", flush=True)
    start = time.perf_counter()
    curves = _curves(spec, graph, args, workers)
    curve_seconds = time.perf_counter() - start
    elites = list(graph.elites)
    mixed = {name: curves[name]["mixed"] for name in peers.CHAINS}
    chains = {name: peers.CHAINS[name](graph.src, graph.dst, graph.n) for name in peers.CHAINS}
    for chain in chains.values():  # compile, warm caches
        chain.sample(curves[chain.name]["lengths"][0], 1)
    lengths = {}
    for name in chains:
        found = {m["length"] for m in mixed[name].values() if m["length"] is not None}
        if any(m["length"] is None for m in mixed[name].values()):
            found.add(curves[name]["lengths"][-1])  # not mixed: its longest run, a lower bound
        lengths[name] = sorted(found)
    timings = {name: {length: [] for length in lengths[name]} for name in chains}
    order = list(chains)
    for repeat in range(args.repeats):
        turn = order[repeat % len(order) :] + order[: repeat % len(order)]
        for name in turn:
            # untimed: the first sample after another library pays for the memory it left
            # behind (on the generated graph ours took 0.29-0.41 s there, 0.15 s after)
            chains[name].sample(lengths[name][0], 1)
            for length in lengths[name]:
                seconds = _timed(chains[name], length, 10_000 + repeat)
                timings[name][length].append({"seconds": seconds, "load": _load()})
        print(f"  timing repeat {repeat + 1}: " + ", ".join(
            f"{name} {sum(timings[name][x][-1]['seconds'] for x in lengths[name]):.2f} s" for name in turn), flush=True)  # fmt: skip
    rates = _rates(graph, chains, args, with_networkx=spec[0] == "ego_twitter")
    del chains

    def time_of(name, length):
        return _summary([t["seconds"] for t in timings[name][length]])

    per_stat = {}
    for key in mixed["ours"]:
        row = {}
        for name in peers.CHAINS:
            m = mixed[name][key]
            length = m["length"] if m["length"] is not None else curves[name]["lengths"][-1]
            row[name] = {"mixed": m["length"] is not None, "length": length, "seconds": time_of(name, length)}
        peer = min((n for n in row if n != "ours"), key=lambda n: row[n]["seconds"]["median"])
        row["fastest_peer"] = peer
        ratio = row[peer]["seconds"]["median"] / row["ours"]["seconds"]["median"]
        row["speed_up"] = ratio if row["ours"]["mixed"] else None
        row["speed_up_is_lower_bound"] = not row[peer]["mixed"]
        row["ours_mixed"] = row["ours"]["mixed"]
        per_stat[key] = row
        flag = "" if row[peer]["mixed"] else " (peer not mixed: at least)"
        flag += "" if row["ours"]["mixed"] else " (ours not mixed: no speed-up)"
        print(f"  {key}: ours {row['ours']['seconds']['median']:.2f} s at {row['ours']['length']:.2f}, fastest peer "
              f"{peer} {row[peer]['seconds']['median']:.2f} s at {row[peer]['length']:.2f}: {ratio:.1f} x{flag}",
              flush=True)  # fmt: skip
    return {
        "graph": graph.name,
        "title": graph.title,
        "nodes": graph.n,
        "edges": graph.m,
        "elites": {e: int(graph.elites[e][0].sum()) for e in elites},
        "statistics": list(graph.statistics),
        "curve_seconds": curve_seconds,
        "curves": curves,
        "timings": {name: [{"length": x, "runs": timings[name][x]} for x in lengths[name]] for name in timings},
        "time_to_mixed": per_stat,
        "speed_up_min": min((r["speed_up"] for r in per_stat.values() if r["speed_up"] is not None), default=None),
        "ours_not_mixed": [k for k, r in per_stat.items() if r["speed_up"] is None],
        "rates": rates,
    }


def full_graph_estimate(graphs: dict, large_floor: dict) -> dict:
    """Our chain on the complete 2009 graph, on paper, from the measured numbers."""
    published = registry.published("kwak2009-full")
    m = int(published["edges"])
    work = benchmark.working_set_bytes(m)
    switches_per_edge = max(row["ours"]["length"] for g in graphs.values() for row in g["time_to_mixed"].values())
    biggest = max(graphs.values(), key=lambda g: g["rates"]["working_set_bytes"]["total"])
    rate = biggest["rates"]["ours_attempts_per_second"]["median"] * biggest["rates"]["ours_accepted_share"]
    slowdown = large_floor["loads_per_second"]["median"] / biggest["rates"]["floor_loads_per_second"]["median"]
    rate_full = rate * min(1.0, slowdown)
    seconds = switches_per_edge * m / rate_full
    per_hour = 3600 / seconds
    return {
        "edges": m,
        "nodes": int(published["nodes"]),
        "bytes": work,
        "bytes_per_edge": work["total"] / m,
        "switches_per_edge": switches_per_edge,
        "accepted_switches_per_second_measured": rate,
        "floor_ratio_large_over_measured": slowdown,
        "large_array_bytes": large_floor["bytes"],
        "accepted_switches_per_second_assumed": rate_full,
        "seconds_per_sample": seconds,
        "samples_per_worker_hour": per_hour,
        "workers_for_100_in_an_hour": math.ceil(100 / per_hour),
        "memory_per_worker_bytes": work["total"],
        "memory_shared_bytes": work["total"],
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=10)
    parser.add_argument("--reference-chains", type=int, default=10, help="long runs of ours giving the long-run values")
    parser.add_argument("--repeats", type=int, default=3, help="alternating timings of each sample length")
    parser.add_argument("--stay", type=int, default=2)
    parser.add_argument("--length-scale", type=float, default=1.0, help="scales every chain's longest checkpoint")
    parser.add_argument("--workers", type=int, default=2, help="processes for the mixing curves (not timed)")
    parser.add_argument("--checkpoint-ratio", type=float, default=RATIO, help="between successive checkpoints")
    parser.add_argument("--graphs", default="ego_twitter,generated", help="comma-separated: ego_twitter, generated")
    parser.add_argument("--generated-nodes", type=int, default=350_000)
    parser.add_argument("--generated-edges", type=int, default=2_300_000)
    parser.add_argument("--rate-switches-per-edge", type=float, default=2.0)
    parser.add_argument("--igraph-trials", type=int, default=1_000_000)
    parser.add_argument("--networkx-swaps", type=int, default=3000)
    parser.add_argument("--floor-loads", type=float, default=5e7)
    parser.add_argument("--large-array-bytes", type=float, default=2e9, help="floor on a large array, for the estimate")
    parser.add_argument("--output", default=str(paths.results_dir() / "bench_rewire.json"))
    args = parser.parse_args(argv)

    started = time.perf_counter()
    chosen = args.graphs.split(",")
    unknown = set(chosen) - {"ego_twitter", "generated"}
    if unknown:
        parser.error(f"unknown graphs {sorted(unknown)}")
    specs = [("ego_twitter",)] if "ego_twitter" in chosen else []
    if "generated" in chosen:
        specs.append(("generated", args.generated_nodes, args.generated_edges))
    graphs = {}
    workers = peers.Workers(args.workers)
    try:
        for spec in specs:
            result = bench_graph(spec, args, workers)
            graphs[result["graph"]] = result
    finally:
        workers.close()
    large = np.ones(int(args.large_array_bytes) // 8, np.int64)
    large_rates = [benchmark.gather_rate(large, int(args.floor_loads), seed=k + 1) for k in range(args.repeats)]
    del large
    large_floor = {"bytes": int(args.large_array_bytes) // 8 * 8, "loads_per_second": _summary(large_rates)}
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "settings": vars(args) | {"grids": GRIDS, "loads_per_switch": benchmark.LOADS_PER_SWITCH},
        "graphs": graphs,
        "large_array_floor": large_floor,
        "full_graph": full_graph_estimate(graphs, large_floor),
        "seconds": time.perf_counter() - started,
        "load_at_end": list(os.getloadavg()),
    }
    result = json.loads(json.dumps(result, default=float))
    Path(args.output).write_text(json.dumps(result, indent=1) + "\n")
    for g in graphs.values():
        r = g["rates"]
        print(f"{g['title']}: smallest speed-up on time to a mixed sample {g['speed_up_min']} x; kernel at "
              f"{r['ours_share_of_ceiling_paired']['median']:.0%} of the random-access ceiling")  # fmt: skip
    print(f"wrote {args.output} in {result['seconds'] / 60:.1f} min")
    if Path(args.output).resolve() == (paths.results_dir() / "bench_rewire.json").resolve():
        from analysis.report import readme

        readme.main([])
    return result


if __name__ == "__main__":
    main()
