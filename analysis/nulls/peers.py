"""The degree-preserving chains ``make bench`` compares, behind one interface, and its graphs.

Each chain (:data:`CHAINS`) takes the observed graph once (:meth:`Chain.__init__`, the
per-ensemble set-up: our hash table, a NetworKit or igraph graph) and then

- :meth:`Chain.sample` runs one chain of a given length from the observed graph as a
  user draws one null sample (the timed call: the library's own copy of the graph, its
  preprocessing and its run; reading the sample back out is not timed);
- :meth:`Chain.start` / :meth:`Chain.advance` / :meth:`Chain.incident` run a chain in
  segments and read the follows touching the elite after each (the mixing curves).

Every chain runs on one thread (NetworKit: ``setNumberOfThreads(1)``); an ensemble runs
one chain per core. Each library runs in its documented default mode:

- ``ours``: :func:`analysis.nulls.rewiring.rewire_directed` (two-edge switches and 10%
  three-edge rotations); length in accepted switches per edge;
- ``edge_switching``: NetworKit's ``EdgeSwitching(G, numberOfSwitchesPerEdge)`` with its
  default degree-preserving shuffle preprocessing (needed for unbiased sampling of
  directed graphs, its documentation says); length in switches per edge;
- ``global_curveball``: NetworKit's ``GlobalCurveball(G, rounds)`` (self-loops forbidden,
  the default preprocessing on); length in global trade rounds;
- ``igraph``: ``Graph.rewire(n, allowed_edge_types="simple")`` on a copy of the graph
  (in- and out-degrees kept on a directed graph; ``mode=`` is a deprecated alias of the
  same argument); length in trials per edge.

The graphs are ego-Twitter with its verified elite and a top-100 elite, and a
generated heavy-tailed directed graph (:func:`generated_graph`) with the top 100 and
top 1,000 accounts by followers as elites.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from ..graph import arrays, labelled, measures
from . import benchmark, kernels, rewiring

__all__ = [
    "CHAINS",
    "CHAIN_NAMES",
    "Chain",
    "BenchGraph",
    "generated_graph",
    "ego_twitter",
    "load_graph",
    "serve",
    "Workers",
]


class Chain:
    name = ""
    unit = ""

    def __init__(self, src, dst, n):
        self.src, self.dst, self.n, self.m = src, dst, n, len(src)

    def sample(self, length: float, seed: int) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def start(self, seed: int):  # pragma: no cover - interface
        raise NotImplementedError

    def advance(self, state, length: float) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def incident(self, state, elite_nodes, is_elite):  # pragma: no cover - interface
        raise NotImplementedError


class Ours(Chain):
    name = "ours"
    unit = "accepted switches per edge"

    def __init__(self, src, dst, n):
        super().__init__(src, dst, n)
        self.prepared = rewiring._prepare_directed(src, dst, n)

    def sample(self, length, seed):
        return rewiring.rewire_directed(
            self.src, self.dst, self.n, np.random.default_rng(seed), switches_per_edge=length, _prepared=self.prepared
        )

    def start(self, seed):
        edges, table, bits = self.prepared
        return {"edges": edges.copy(), "table": table.copy(), "shift": 64 - bits, "seed": seed}

    def advance(self, state, length):
        switches = int(round(length * self.m))
        state["seed"] += 7919
        rewiring._rewire_kernel(
            state["edges"], state["table"], state["shift"], switches, 100 * switches + 100,
            rewiring.DEFAULT_THREE_EDGE_SHARE, state["seed"],
        )  # fmt: skip

    def incident(self, state, elite_nodes, is_elite):
        src, dst = kernels.unpack_edges(state["edges"])
        return benchmark.incident_edges(src, dst, is_elite)


def _from_neighbours(elite_nodes, out_of, in_of):
    """The follows touching the elite from each elite account's out- and in-neighbours."""
    srcs, dsts = [], []
    for b in elite_nodes:
        out = np.asarray(out_of(int(b)), np.int64)
        srcs.append(np.full(len(out), b, np.int64))
        dsts.append(out)
        into = np.asarray(in_of(int(b)), np.int64)
        srcs.append(into)
        dsts.append(np.full(len(into), b, np.int64))
    keys = arrays.distinct(kernels.pack_edges(np.concatenate(srcs), np.concatenate(dsts)))  # follows inside once
    return kernels.unpack_edges(keys)


class _NetworKit(Chain):
    def __init__(self, src, dst, n):
        super().__init__(src, dst, n)
        import networkit as nk

        nk.setNumberOfThreads(1)
        self.nk = nk
        self.graph = nk.Graph(n, directed=True)
        self.graph.addEdges((np.asarray(src, np.uint64), np.asarray(dst, np.uint64)))
        assert self.graph.isDirected() and self.graph.numberOfEdges() == self.m

    def incident(self, state, elite_nodes, is_elite):
        g = state["graph"]
        return _from_neighbours(elite_nodes, lambda u: list(g.iterNeighbors(u)), lambda u: list(g.iterInNeighbors(u)))


class EdgeSwitching(_NetworKit):
    name = "edge_switching"
    unit = "switches per edge"

    def sample(self, length, seed):
        self.nk.engineering.setSeed(seed, False)
        algo = self.nk.randomization.EdgeSwitching(self.graph, float(length))
        algo.run()
        return algo.getGraph()

    def start(self, seed):
        self.nk.engineering.setSeed(seed, False)
        return {"algo": None, "graph": None}

    def advance(self, state, length):
        if state["algo"] is None:  # the first segment: copy and preprocessing, as in one run
            state["algo"] = self.nk.randomization.EdgeSwitching(self.graph, float(length))
        else:
            state["algo"].setNumberOfSwitchesPerEdge(float(length))
        state["algo"].run()
        state["graph"] = state["algo"].getGraph()


class GlobalCurveball(_NetworKit):
    name = "global_curveball"
    unit = "global trade rounds"

    def sample(self, length, seed):
        self.nk.engineering.setSeed(seed, False)
        algo = self.nk.randomization.GlobalCurveball(self.graph, int(length))
        algo.run()
        return algo.getGraph()

    def start(self, seed):
        self.nk.engineering.setSeed(seed, False)
        return {"graph": None}

    def advance(self, state, length):
        first = state["graph"] is None  # preprocessing once, as in one run
        algo = self.nk.randomization.GlobalCurveball(
            self.graph if first else state["graph"], int(round(length)), False, first
        )
        algo.run()
        state["graph"] = algo.getGraph()


class IGraph(Chain):
    name = "igraph"
    unit = "trials per edge"

    def __init__(self, src, dst, n):
        super().__init__(src, dst, n)
        import igraph as ig

        self.graph = ig.Graph(n=n, edges=np.column_stack([src, dst]), directed=True)
        assert self.graph.is_directed() and self.graph.ecount() == self.m

    def sample(self, length, seed):
        random.seed(seed)  # igraph draws from Python's random module by default
        g = self.graph.copy()
        g.rewire(n=int(round(length * self.m)), allowed_edge_types="simple")
        return g

    def start(self, seed):
        random.seed(seed)
        return {"graph": self.graph.copy()}

    def advance(self, state, length):
        state["graph"].rewire(n=int(round(length * self.m)), allowed_edge_types="simple")

    def incident(self, state, elite_nodes, is_elite):
        g = state["graph"]
        return _from_neighbours(elite_nodes, lambda u: g.neighbors(u, mode="out"), lambda u: g.neighbors(u, mode="in"))


CHAINS = {c.name: c for c in (Ours, EdgeSwitching, GlobalCurveball, IGraph)}
CHAIN_NAMES = {
    "ours": "Tweeterwood rewire_directed",
    "edge_switching": "NetworKit EdgeSwitching",
    "global_curveball": "NetworKit GlobalCurveball",
    "igraph": "igraph rewire",
}


# ------------------------------------------------------------------ graphs


@dataclass
class BenchGraph:
    """A graph of the benchmark with its elites: ``elites[name] = (is_elite, is_regular)``,
    and the statistics reported on it (``to_regular`` is ``1 - closure`` where every
    account outside the elite is regular, so it is left out there)."""

    name: str
    title: str
    src: np.ndarray
    dst: np.ndarray
    n: int
    elites: dict
    statistics: tuple

    @property
    def m(self) -> int:
        return len(self.src)


def generated_graph(n: int, m: int, seed: int = 2009, reciprocated: float = 0.2):
    """A heavy-tailed simple digraph: about ``m`` follows among ``n`` accounts, followers
    drawn in proportion to Pareto activity (tail index 2.5), followees in proportion to
    Pareto popularity (tail index 1.5, the in-degree tail of follower graphs), and a share
    ``reciprocated`` of the follows returned; self-loops and duplicates dropped."""
    rng = np.random.default_rng(seed)
    activity = rng.pareto(2.5, n) + 1.0
    popularity = rng.pareto(1.5, n) + 1.0
    draws = int(m / (1 + reciprocated) * 1.08) + 16
    src = np.searchsorted(np.cumsum(activity) / activity.sum(), rng.random(draws), side="right")
    dst = np.searchsorted(np.cumsum(popularity) / popularity.sum(), rng.random(draws), side="right")
    src, dst = np.minimum(src, n - 1), np.minimum(dst, n - 1)
    back = rng.random(draws) < reciprocated
    src, dst = np.concatenate([src, dst[back]]), np.concatenate([dst, src[back]])
    keep = src != dst
    keys = arrays.distinct(kernels.pack_edges(src[keep], dst[keep]))
    return kernels.unpack_edges(keys)


def ego_twitter() -> BenchGraph:
    from ..data import sources

    inputs = sources.graph_inputs("ego_twitter")
    g = inputs.graph
    elites = {}
    for elite in ("verified", "top:100"):
        lg = labelled.label_graph("ego_twitter", g, inputs.accounts, elite)
        elites[elite] = (lg.is_elite, lg.classes == "regular")
    return BenchGraph("ego_twitter", "ego-Twitter", g.src, g.dst, g.n, elites, benchmark.STATISTICS)


def _generated(n: int, m: int) -> BenchGraph:
    src, dst = generated_graph(n, m)
    followers = measures.in_degree(dst, n)
    elites = {}
    for elite in ("top:100", "top:1000"):
        is_elite = labelled.elite_mask_by(followers, elite)
        elites[elite] = (is_elite, ~is_elite)
    stats = tuple(s for s in benchmark.STATISTICS if s != "to_regular")
    return BenchGraph("generated", f"generated heavy-tailed digraph ({n:,} accounts)", src, dst, n, elites, stats)


def load_graph(spec: tuple) -> BenchGraph:
    """``("ego_twitter",)`` or ``("generated", n, m)``."""
    return ego_twitter() if spec[0] == "ego_twitter" else _generated(int(spec[1]), int(spec[2]))


_CACHE: dict = {}


def _context(spec: tuple, chain: str):
    if _CACHE.get("spec") != spec:
        _CACHE.clear()
        _CACHE["spec"] = spec
        _CACHE["graph"] = load_graph(spec)
    graph = _CACHE["graph"]
    if chain not in _CACHE:
        _CACHE[chain] = CHAINS[chain](graph.src, graph.dst, graph.n)
    return graph, _CACHE[chain]


def _statistics(graph, chain, state) -> np.ndarray:
    out = np.empty((len(graph.elites), len(benchmark.STATISTICS)))
    for j, (is_elite, is_regular) in enumerate(graph.elites.values()):
        src, dst = chain.incident(state, np.flatnonzero(is_elite), is_elite)
        out[j] = benchmark.elite_statistics(src, dst, is_elite, is_regular)
    return out


def serve(conn) -> None:
    """A worker process's loop: ``("start", spec, chain, seeds)`` starts chains from the
    observed graph; ``("advance", length)`` runs each by ``length`` and answers their
    statistics, ``(chains, elites, statistics)``; ``("stop",)`` ends."""
    states = []
    while True:
        message = conn.recv()
        if message[0] == "stop":
            conn.close()
            return
        if message[0] == "start":
            spec, name, seeds = message[1:]
            graph, chain = _context(tuple(spec), name)
            states = [chain.start(int(seed)) for seed in seeds]
            conn.send(None)
        else:
            for state in states:
                chain.advance(state, message[1])
            conn.send(np.stack([_statistics(graph, chain, state) for state in states]) if states else None)


class Workers:
    """Chains run in lockstep in ``count`` worker processes (spawned; in-process when 1),
    each keeping its chains' states between checkpoints."""

    def __init__(self, count: int):
        import multiprocessing

        self.count = count
        self.local = None
        self.procs, self.conns = [], []
        if count > 1:
            ctx = multiprocessing.get_context("spawn")
            for _ in range(count):
                parent, child = ctx.Pipe()
                proc = ctx.Process(target=serve, args=(child,), daemon=True)
                proc.start()
                self.procs.append(proc)
                self.conns.append(parent)

    def start(self, spec, name: str, seeds) -> None:
        if self.count <= 1:
            graph, chain = _context(tuple(spec), name)
            self.local = (graph, chain, [chain.start(int(s)) for s in seeds])
            return
        for k, conn in enumerate(self.conns):
            conn.send(("start", spec, name, list(seeds[k :: self.count])))
        for conn in self.conns:
            conn.recv()

    def advance(self, length: float) -> np.ndarray:
        """Every chain's statistics after running ``length`` more: ``(chains, elites, statistics)``."""
        if self.count <= 1:
            graph, chain, states = self.local
            for state in states:
                chain.advance(state, length)
            return np.stack([_statistics(graph, chain, state) for state in states])
        for conn in self.conns:
            conn.send(("advance", float(length)))
        parts = [conn.recv() for conn in self.conns]
        return np.concatenate([p for p in parts if p is not None])

    def close(self) -> None:
        for conn in self.conns:
            conn.send(("stop",))
        for proc in self.procs:
            proc.join(timeout=30)
        self.local = None
