"""Null models that keep the degrees: directed edge switching and label permutation.

Edges are dense integer arrays ``src -> dst`` (``src`` follows ``dst``), nodes
``0..n-1`` (see :func:`analysis.graph.measures.index_edges`).

1. :func:`rewire_directed` keeps every in- and out-degree (null 1).
2. :func:`rewire_reciprocal` also keeps every account's number of reciprocated
   edges: mutual pairs and one-way edges are switched separately (null 2).
3. :func:`permute_within_strata` shuffles class labels among accounts of the same
   degree stratum (null 3).

Switching moves, neither creating self-loops nor duplicate edges:

- two-edge switch ``(a,b),(c,d) -> (a,d),(c,b)``;
- three-edge rotation ``(a,b),(c,d),(e,f) -> (a,d),(c,f),(e,b)``. Two-edge
  switches alone cannot reverse a directed triangle ``a->b->c->a`` (the graphs
  with the same degrees are then not all connected by moves, Rao et al. 1996;
  Erdos et al. 2013); the rotation applied to the triangle's edges reverses it, so
  with both moves the chain reaches every simple digraph with the degrees.

The compiled kernels (numba, building blocks in :mod:`analysis.nulls.kernels`) keep the
edge set in an open-addressing hash table and run as a software pipeline: each
proposal (move type and edge indices) is drawn from the random stream
``2 * LOOK_AHEAD`` steps before it is applied, its edges are prefetched then, and
its table slots ``LOOK_AHEAD`` steps before. Proposals do not depend on the
graph, and each is checked against the graph as it is when applied, so this is
the same chain as drawing and applying one move at a time:
:func:`rewire_directed_reference` does exactly that in plain Python, and the
tests require both to return the same graph. Randomness is passed in as a
``numpy.random.Generator`` (it seeds the kernel's xoshiro256** stream); the same
generator state gives the same graph.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba as nb
import numpy as np

from ..graph import arrays
from . import cluster, kernels

__all__ = [
    "DEFAULT_SWITCHES_PER_EDGE",
    "DEFAULT_THREE_EDGE_SHARE",
    "LOOK_AHEAD",
    "SWITCH",
    "ROTATION",
    "RewireStats",
    "rewire_directed",
    "rewire_directed_reference",
    "VOID",
    "MUTUAL",
    "ONE_WAY_SWITCH",
    "ONE_WAY_ROTATION",
    "split_mutual",
    "rewire_reciprocal",
    "REWIRERS",
    "PREPARERS",
    "NULL_DESCRIPTIONS",
    "sample_seeds",
    "null_sample",
    "null_ensemble",
]

DEFAULT_SWITCHES_PER_EDGE = 10
DEFAULT_THREE_EDGE_SHARE = 0.1
LOOK_AHEAD = 8  # proposals between prefetching a move's table slots and applying it
SWITCH, ROTATION = 2, 3  # proposal kinds: two-edge switch, three-edge rotation


# ------------------------------------------------------------------ null 1: in/out degrees


@nb.njit(cache=True, inline="always")
def _rotation_simple(i, j, k, a, b, c, d, e, f):
    """Three distinct slots whose rotation ``(a,d),(c,f),(e,b)`` makes no self-loop
    and no two equal new edges."""
    if i == j or j == k or i == k:
        return False
    if a == d or c == f or e == b:
        return False
    return not ((a == c and d == f) or (c == e and f == b) or (a == e and d == b))


@nb.njit(cache=True, inline="always")
def _rotate(edges, table, shift, i, j, k, k1, k2, k3):
    """Replace the edges in slots ``i, j, k`` by the keys ``k1, k2, k3`` (table and array)."""
    kernels.delete(table, shift, edges[i])
    kernels.delete(table, shift, edges[j])
    kernels.delete(table, shift, edges[k])
    kernels.insert(table, shift, k1)
    kernels.insert(table, shift, k2)
    kernels.insert(table, shift, k3)
    edges[i], edges[j], edges[k] = k1, k2, k3


@nb.njit(cache=True, inline="always")
def _draw_directed(state, m, three_share, edges, kinds, first, second, third, slot):
    """Draw proposal ``slot``: a three-edge rotation with probability ``three_share``,
    else a two-edge switch, on uniformly drawn edge indices; prefetch those edges."""
    if three_share > 0.0 and kernels.uniform(state) < three_share:
        kinds[slot] = ROTATION
        third[slot] = kernels.below(state, m)
        kernels.prefetch(edges, third[slot])
    else:
        kinds[slot] = SWITCH
    first[slot] = kernels.below(state, m)
    second[slot] = kernels.below(state, m)
    kernels.prefetch(edges, first[slot])
    kernels.prefetch(edges, second[slot])


@nb.njit(cache=True, inline="always")
def _look_ahead_directed(edges, table, shift, kind, i, j, k):
    """Prefetch the table slots a proposal will read and write."""
    a, b = kernels.key_src(edges[i]), kernels.key_dst(edges[i])
    c, d = kernels.key_src(edges[j]), kernels.key_dst(edges[j])
    kernels.prefetch_key(table, shift, edges[i])
    kernels.prefetch_key(table, shift, edges[j])
    if kind == SWITCH:
        kernels.prefetch_key(table, shift, kernels.edge_key(a, d))
        kernels.prefetch_key(table, shift, kernels.edge_key(c, b))
    else:
        e, f = kernels.key_src(edges[k]), kernels.key_dst(edges[k])
        kernels.prefetch_key(table, shift, edges[k])
        kernels.prefetch_key(table, shift, kernels.edge_key(a, d))
        kernels.prefetch_key(table, shift, kernels.edge_key(c, f))
        kernels.prefetch_key(table, shift, kernels.edge_key(e, b))


@nb.njit(cache=True, inline="always")
def _switch_directed(edges, table, shift, kind, i, j, k):
    """Apply one proposal if it keeps the graph simple; 1 if accepted, else 0.

    Two-edge switch ``(a,b),(c,d) -> (a,d),(c,b)``; three-edge rotation
    ``(a,b),(c,d),(e,f) -> (a,d),(c,f),(e,b)``. Sources stay in their slots.
    """
    a, b = kernels.key_src(edges[i]), kernels.key_dst(edges[i])
    c, d = kernels.key_src(edges[j]), kernels.key_dst(edges[j])
    if kind == SWITCH:
        if a == c or b == d or a == d or c == b:
            return 0
        # new and old keys differ here, so insert-or-refuse needs no separate lookup
        k1, k2 = kernels.edge_key(a, d), kernels.edge_key(c, b)
        if not kernels.insert(table, shift, k1):
            return 0
        if not kernels.insert(table, shift, k2):
            kernels.delete(table, shift, k1)
            return 0
        kernels.delete(table, shift, edges[i])
        kernels.delete(table, shift, edges[j])
        edges[i], edges[j] = k1, k2
        return 1
    e, f = kernels.key_src(edges[k]), kernels.key_dst(edges[k])
    if not _rotation_simple(i, j, k, a, b, c, d, e, f):
        return 0
    k1, k2, k3 = kernels.edge_key(a, d), kernels.edge_key(c, f), kernels.edge_key(e, b)
    if kernels.contains(table, shift, k1) or kernels.contains(table, shift, k2) or kernels.contains(table, shift, k3):
        return 0
    _rotate(edges, table, shift, i, j, k, k1, k2, k3)
    return 1


@nb.njit(cache=True, nogil=True)
def _rewire_kernel(edges, table, shift, n_switches, max_attempts, three_share, seed, look_ahead=LOOK_AHEAD):
    """Run the degree-preserving chain on packed ``edges`` in place.

    Software pipeline over a ring of ``2 * LOOK_AHEAD`` proposals: a proposal's
    edges are prefetched when it is drawn, its table slots ``LOOK_AHEAD`` steps
    before it is applied. Returns ``(accepted, attempts)``.
    """
    state = kernels.rng_state(seed)
    ring = 2 * look_ahead
    kinds, first, second, third = (
        np.zeros(ring, np.int64),
        np.zeros(ring, np.int64),
        np.zeros(ring, np.int64),
        np.zeros(ring, np.int64),
    )
    return _rewire_loop(edges, table, shift, n_switches, max_attempts, three_share, state, kinds, first, second, third)


@nb.njit(cache=True, nogil=True, _nrt=False)
def _rewire_loop(edges, table, shift, n_switches, max_attempts, three_share, state, kinds, first, second, third):
    """The loop of :func:`_rewire_kernel`, compiled without reference counting.

    Numba counts references to every array passed into the inlined helpers; where
    its pruning pass cannot pair them up (across the helpers' branches) each step
    paid for about 40 calls into its runtime. Compiled with ``_nrt=False`` the loop
    has none: the same chain, draw for draw, at 3 times the switches per second on
    a graph that fits in cache and 1.8 times on ego-Twitter's size. The function
    allocates nothing (the caller passes the random state and the ring).
    """
    m = len(edges)
    ring = len(kinds)
    look_ahead = ring // 2
    for slot in range(ring):
        _draw_directed(state, m, three_share, edges, kinds, first, second, third, slot)
    accepted = 0
    attempts = 0
    pos = 0
    while accepted < n_switches and attempts < max_attempts:
        ahead = pos + look_ahead
        if ahead >= ring:
            ahead -= ring
        _look_ahead_directed(edges, table, shift, kinds[ahead], first[ahead], second[ahead], third[ahead])
        attempts += 1
        accepted += _switch_directed(edges, table, shift, kinds[pos], first[pos], second[pos], third[pos])
        _draw_directed(state, m, three_share, edges, kinds, first, second, third, pos)
        pos += 1
        if pos == ring:
            pos = 0
    return accepted, attempts


@dataclass(frozen=True)
class RewireStats:
    """How a rewiring run went: accepted moves and attempts."""

    accepted: int
    attempts: int


def _seed_from(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**63 - 1))


def _check_simple(src: np.ndarray, dst: np.ndarray, n: int) -> None:
    if len(src) != len(dst):
        raise ValueError("src and dst differ in length")
    if n > kernels.MAX_NODES:
        raise ValueError(f"at most {kernels.MAX_NODES} nodes are supported")
    if len(src) and (src.min() < 0 or dst.min() < 0 or src.max() >= n or dst.max() >= n):
        raise ValueError("node indices must lie in 0..n-1")
    if np.any(src == dst):
        raise ValueError("the graph has self-loops; drop them first")
    keys = kernels.pack_edges(src, dst)
    if len(arrays.distinct(keys)) != len(keys):
        raise ValueError("the graph has duplicate edges; make them distinct first")


def rewire_directed(
    src,
    dst,
    n: int,
    rng: np.random.Generator,
    switches_per_edge: float = DEFAULT_SWITCHES_PER_EDGE,
    three_edge_share: float = DEFAULT_THREE_EDGE_SHARE,
    max_attempts_per_switch: float = 100.0,
    return_stats: bool = False,
    _prepared=None,
):
    """A random simple digraph with the same in- and out-degree of every node.

    Performs ``switches_per_edge * E`` accepted moves (two-edge switches and,
    with probability ``three_edge_share`` per attempt, three-edge rotations).
    Returns new ``(src, dst)`` arrays (the inputs are not modified); edge ``i``
    keeps its follower ``src[i]``.
    """
    if _prepared is None:
        _prepared = _prepare_directed(src, dst, n)
    edges0, table0, bits = _prepared
    edges = edges0.copy()
    m = len(edges)
    n_switches = int(round(switches_per_edge * m))
    accepted = attempts = 0
    if m >= 2 and n_switches > 0:
        accepted, attempts = _rewire_kernel(
            edges,
            table0.copy(),
            64 - bits,
            n_switches,
            int(max_attempts_per_switch * n_switches),
            float(three_edge_share),
            _seed_from(rng),
        )
    new_src, new_dst = kernels.unpack_edges(edges)
    if return_stats:
        return new_src, new_dst, RewireStats(int(accepted), int(attempts))
    return new_src, new_dst


def _edge_table(src, dst, n: int):
    """Checked ``int64`` edges, and a hash table of all their keys with its size exponent."""
    src = np.ascontiguousarray(src, dtype=np.int64)
    dst = np.ascontiguousarray(dst, dtype=np.int64)
    _check_simple(src, dst, n)
    keys = kernels.pack_edges(src, dst)
    bits = kernels.table_bits(len(keys))
    return src, dst, kernels.build_table(keys, bits), bits


def _prepare_directed(src, dst, n: int):
    """Checked packed edges and their hash table (reused across an ensemble)."""
    src, dst, table, bits = _edge_table(src, dst, n)
    return kernels.pack_edges(src, dst), table, bits


def rewire_directed_reference(
    src,
    dst,
    n: int,
    rng: np.random.Generator,
    n_switches: int,
    three_edge_share: float = DEFAULT_THREE_EDGE_SHARE,
    max_attempts: int | None = None,
):
    """Plain-Python reference of :func:`rewire_directed`: the same moves, drawn from
    the same random stream one at a time, on a Python set of ``(src, dst)`` pairs.

    For the same generator state it returns the same graph as the compiled
    kernel, which draws proposals ahead and prefetches their memory.
    """
    draws = kernels.ReferenceRandom(_seed_from(rng))
    src, dst = list(map(int, src)), list(map(int, dst))
    edges = set(zip(src, dst))
    m, accepted, attempts = len(src), 0, 0
    max_attempts = 100 * n_switches if max_attempts is None else max_attempts
    while m >= 2 and accepted < n_switches and attempts < max_attempts:
        attempts += 1
        rotation = three_edge_share > 0 and draws.uniform() < three_edge_share
        k = draws.below(m) if rotation else -1
        i, j = draws.below(m), draws.below(m)
        (a, b), (c, d) = (src[i], dst[i]), (src[j], dst[j])
        if rotation:
            e, f = src[k], dst[k]
            new = [(a, d), (c, f), (e, b)]
            if len({i, j, k}) < 3 or a == d or c == f or e == b or len(set(new)) < 3 or any(x in edges for x in new):
                continue
            edges -= {(a, b), (c, d), (e, f)}
            edges |= set(new)
            dst[i], dst[j], dst[k] = d, f, b
        else:
            if a == c or b == d or a == d or c == b or (a, d) in edges or (c, b) in edges:
                continue
            edges -= {(a, b), (c, d)}
            edges |= {(a, d), (c, b)}
            dst[i], dst[j] = d, b
        accepted += 1
    return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


# ------------------------------------------------------------------ null 2: also reciprocated degrees

VOID, MUTUAL, ONE_WAY_SWITCH, ONE_WAY_ROTATION = 0, 1, SWITCH, ROTATION


@nb.njit(cache=True, inline="always")
def _any_link(table, shift, u, v):
    return kernels.contains(table, shift, kernels.edge_key(u, v)) or kernels.contains(
        table, shift, kernels.edge_key(v, u)
    )


@nb.njit(cache=True, inline="always")
def _prefetch_pair(table, shift, u, v):
    kernels.prefetch_key(table, shift, kernels.edge_key(u, v))
    kernels.prefetch_key(table, shift, kernels.edge_key(v, u))


@nb.njit(cache=True, inline="always")
def _draw_reciprocal(state, one, mutual, three_share, kinds, first, second, third, flips, slot):
    """Draw proposal ``slot``: a mutual-pair switch with probability
    ``n_mutual / (n_one_way + n_mutual)``, else a one-way switch or rotation."""
    n_one, n_mut = len(one), len(mutual)
    if kernels.uniform(state) * (n_one + n_mut) < n_mut:
        kinds[slot] = MUTUAL if n_mut >= 2 else VOID
        first[slot] = kernels.below(state, n_mut)
        second[slot] = kernels.below(state, n_mut)
        flips[slot] = kernels.uniform(state) >= 0.5
        kernels.prefetch(mutual, first[slot])
        kernels.prefetch(mutual, second[slot])
        return
    if three_share > 0.0 and kernels.uniform(state) < three_share:
        kinds[slot] = ONE_WAY_ROTATION if n_one >= 3 else VOID
        third[slot] = kernels.below(state, n_one)
        kernels.prefetch(one, third[slot])
    else:
        kinds[slot] = ONE_WAY_SWITCH if n_one >= 2 else VOID
    first[slot] = kernels.below(state, n_one)
    second[slot] = kernels.below(state, n_one)
    kernels.prefetch(one, first[slot])
    kernels.prefetch(one, second[slot])


@nb.njit(cache=True, inline="always")
def _look_ahead_reciprocal(one, mutual, table, shift, kind, i, j, k, flip):
    if kind == VOID:
        return
    edges = mutual if kind == MUTUAL else one
    a, b = kernels.key_src(edges[i]), kernels.key_dst(edges[i])
    c, d = kernels.key_src(edges[j]), kernels.key_dst(edges[j])
    if kind == MUTUAL:
        if flip:
            c, d = d, c
        _prefetch_pair(table, shift, a, b)
        _prefetch_pair(table, shift, c, d)
        _prefetch_pair(table, shift, a, d)
        _prefetch_pair(table, shift, c, b)
    elif kind == ONE_WAY_SWITCH:
        kernels.prefetch_key(table, shift, edges[i])
        kernels.prefetch_key(table, shift, edges[j])
        _prefetch_pair(table, shift, a, d)
        _prefetch_pair(table, shift, c, b)
    else:
        e, f = kernels.key_src(edges[k]), kernels.key_dst(edges[k])
        kernels.prefetch_key(table, shift, edges[i])
        kernels.prefetch_key(table, shift, edges[j])
        kernels.prefetch_key(table, shift, edges[k])
        _prefetch_pair(table, shift, a, d)
        _prefetch_pair(table, shift, c, f)
        _prefetch_pair(table, shift, e, b)


@nb.njit(cache=True, inline="always")
def _switch_reciprocal(one, mutual, table, shift, kind, i, j, k, flip):
    """Apply one proposal if it keeps the graph simple and creates no new mutual
    pair; 1 if accepted, else 0.

    Mutual pairs ``{a,b},{c,d} -> {a,d},{c,b}`` (``{c,d}`` taken in a random
    orientation); one-way edges as in the degree null.
    """
    if kind == VOID:
        return 0
    if kind == MUTUAL:
        a, b = kernels.key_src(mutual[i]), kernels.key_dst(mutual[i])
        c, d = kernels.key_src(mutual[j]), kernels.key_dst(mutual[j])
        if flip:
            c, d = d, c
        if i == j or a == d or c == b or a == c or b == d:
            return 0
        if _any_link(table, shift, a, d) or _any_link(table, shift, c, b):
            return 0
        kernels.delete(table, shift, kernels.edge_key(a, b))
        kernels.delete(table, shift, kernels.edge_key(b, a))
        kernels.delete(table, shift, kernels.edge_key(c, d))
        kernels.delete(table, shift, kernels.edge_key(d, c))
        kernels.insert(table, shift, kernels.edge_key(a, d))
        kernels.insert(table, shift, kernels.edge_key(d, a))
        kernels.insert(table, shift, kernels.edge_key(c, b))
        kernels.insert(table, shift, kernels.edge_key(b, c))
        mutual[i] = kernels.edge_key(a, d)
        mutual[j] = kernels.edge_key(c, b)
        return 1
    a, b = kernels.key_src(one[i]), kernels.key_dst(one[i])
    c, d = kernels.key_src(one[j]), kernels.key_dst(one[j])
    if kind == ONE_WAY_SWITCH:
        if a == c or b == d or a == d or c == b:
            return 0
        if _any_link(table, shift, a, d) or _any_link(table, shift, c, b):
            return 0
        k1, k2 = kernels.edge_key(a, d), kernels.edge_key(c, b)
        kernels.delete(table, shift, one[i])
        kernels.delete(table, shift, one[j])
        kernels.insert(table, shift, k1)
        kernels.insert(table, shift, k2)
        one[i], one[j] = k1, k2
        return 1
    e, f = kernels.key_src(one[k]), kernels.key_dst(one[k])
    if not _rotation_simple(i, j, k, a, b, c, d, e, f):
        return 0
    # two new edges that would form a new mutual pair
    if (a == f and d == c) or (c == b and f == e) or (a == b and d == e):
        return 0
    if _any_link(table, shift, a, d) or _any_link(table, shift, c, f) or _any_link(table, shift, e, b):
        return 0
    k1, k2, k3 = kernels.edge_key(a, d), kernels.edge_key(c, f), kernels.edge_key(e, b)
    _rotate(one, table, shift, i, j, k, k1, k2, k3)
    return 1


@nb.njit(cache=True, nogil=True)
def _rewire_reciprocal_kernel(
    one, mutual, table, shift, n_switches, max_attempts, three_share, seed, look_ahead=LOOK_AHEAD
):
    """Run the reciprocity-preserving chain on packed one-way edges and mutual
    pairs in place (same pipeline as :func:`_rewire_kernel`)."""
    state = kernels.rng_state(seed)
    ring = 2 * look_ahead
    kinds, first, second, third = (
        np.zeros(ring, np.int64),
        np.zeros(ring, np.int64),
        np.zeros(ring, np.int64),
        np.zeros(ring, np.int64),
    )
    flips = np.zeros(ring, np.bool_)
    return _rewire_reciprocal_loop(
        one, mutual, table, shift, n_switches, max_attempts, three_share, state, kinds, first, second, third, flips
    )


@nb.njit(cache=True, nogil=True, _nrt=False)
def _rewire_reciprocal_loop(
    one, mutual, table, shift, n_switches, max_attempts, three_share, state, kinds, first, second, third, flips
):
    """The loop of :func:`_rewire_reciprocal_kernel`, without reference counting
    (see :func:`_rewire_loop`)."""
    ring = len(kinds)
    look_ahead = ring // 2
    for slot in range(ring):
        _draw_reciprocal(state, one, mutual, three_share, kinds, first, second, third, flips, slot)
    accepted = 0
    attempts = 0
    pos = 0
    while accepted < n_switches and attempts < max_attempts:
        ahead = pos + look_ahead
        if ahead >= ring:
            ahead -= ring
        _look_ahead_reciprocal(
            one, mutual, table, shift, kinds[ahead], first[ahead], second[ahead], third[ahead], flips[ahead]
        )
        attempts += 1
        accepted += _switch_reciprocal(
            one, mutual, table, shift, kinds[pos], first[pos], second[pos], third[pos], flips[pos]
        )
        _draw_reciprocal(state, one, mutual, three_share, kinds, first, second, third, flips, pos)
        pos += 1
        if pos == ring:
            pos = 0
    return accepted, attempts


def split_mutual(src, dst, n: int):
    """Split edges into one-way edges and mutual pairs (each pair once, ``u < v``).

    Returns ``(one_src, one_dst, mutual_u, mutual_v)``.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    keys = src * n + dst
    reverse = dst * n + src
    mutual = arrays.member(reverse, keys)
    first = mutual & (src < dst)
    return src[~mutual], dst[~mutual], src[first], dst[first]


def rewire_reciprocal(
    src,
    dst,
    n: int,
    rng: np.random.Generator,
    switches_per_edge: float = DEFAULT_SWITCHES_PER_EDGE,
    three_edge_share: float = DEFAULT_THREE_EDGE_SHARE,
    max_attempts_per_switch: float = 100.0,
    return_stats: bool = False,
    _prepared=None,
):
    """A random simple digraph keeping every node's one-way in- and out-degree and
    its number of mutual (reciprocated) pairs.

    Mutual pairs are switched among themselves as undirected edges, one-way edges
    among themselves as directed edges; a move is refused if it would create a
    self-loop, a duplicate, or a new mutual pair. Returns ``(src, dst)`` with each
    mutual pair as two edges.
    """
    if _prepared is None:
        _prepared = _prepare_reciprocal(src, dst, n)
    one0, mutual0, table0, bits = _prepared
    one, mutual = one0.copy(), mutual0.copy()
    n_switches = int(round(switches_per_edge * (len(one) + len(mutual))))
    accepted = attempts = 0
    if len(one) + 2 * len(mutual) >= 2 and n_switches > 0:
        accepted, attempts = _rewire_reciprocal_kernel(
            one,
            mutual,
            table0.copy(),
            64 - bits,
            n_switches,
            int(max_attempts_per_switch * n_switches),
            float(three_edge_share),
            _seed_from(rng),
        )
    osrc, odst = kernels.unpack_edges(one)
    mu, mv = kernels.unpack_edges(mutual)
    new_src = np.concatenate([osrc, mu, mv])
    new_dst = np.concatenate([odst, mv, mu])
    if return_stats:
        return new_src, new_dst, RewireStats(int(accepted), int(attempts))
    return new_src, new_dst


def _prepare_reciprocal(src, dst, n: int):
    """Checked packed one-way edges, mutual pairs and the hash table of all edges."""
    src, dst, table, bits = _edge_table(src, dst, n)
    osrc, odst, mu, mv = split_mutual(src, dst, n)
    return kernels.pack_edges(osrc, odst), kernels.pack_edges(mu, mv), table, bits


REWIRERS = {"degree": rewire_directed, "reciprocal": rewire_reciprocal}
PREPARERS = {"degree": _prepare_directed, "reciprocal": _prepare_reciprocal}
NULL_DESCRIPTIONS = {
    "degree": "directed degree-preserving rewiring (every in- and out-degree kept)",
    "reciprocal": "degree- and reciprocity-preserving rewiring (one-way in/out degrees and mutual degree kept)",
}


def sample_seeds(rng: np.random.Generator, n_samples: int) -> np.ndarray:
    """The seed of each of ``n_samples`` null samples, drawn from ``rng`` at once: a
    function of the generator's state alone, whichever runner then uses them."""
    return rng.integers(0, 2**63 - 1, size=n_samples)


def null_sample(seed, prepared, statistic, model: str, n: int, switches_per_edge: float) -> np.ndarray:
    """One null sample: the chain of ``model`` seeded with ``seed`` from the ``prepared``
    graph (``PREPARERS[model]``), and ``statistic`` on it as a float array.

    The one function every runner applies (threads here, Dask workers in
    :mod:`analysis.nulls.cluster`), so the runners agree bit for bit.
    """
    s, d = REWIRERS[model](
        None, None, n, np.random.default_rng(seed), switches_per_edge=switches_per_edge, _prepared=prepared
    )
    return np.asarray(statistic(s, d), dtype=float)


def null_ensemble(
    src,
    dst,
    n: int,
    statistic,
    n_samples: int,
    rng: np.random.Generator,
    model: str = "degree",
    switches_per_edge: float = DEFAULT_SWITCHES_PER_EDGE,
    progress=False,
    workers: int = 1,
    scheduler=None,
) -> np.ndarray:
    """Values of ``statistic(src, dst)`` on ``n_samples`` independent rewirings of the graph.

    Each sample is its own chain started from the observed graph
    (``switches_per_edge * E`` accepted moves), seeded from ``rng`` before any
    runs (:func:`sample_seeds`), so the result depends neither on ``workers``
    (threads; the compiled kernels release the GIL) nor on ``scheduler``.
    ``scheduler`` (``"local:N"``, ``"tcp://HOST:PORT"`` or a ``distributed.Client``;
    ``""`` or None: threads) sends the samples to a Dask cluster instead, where
    ``workers`` is unused: see :mod:`analysis.nulls.cluster` for what runs where,
    the memory per worker, and why ``statistic`` must then be picklable by
    cloudpickle (lambdas and closures are). ``statistic`` may return a scalar or
    a 1-d array; the result has one row per sample. ``progress``: True draws a
    tqdm bar; a callable is called as ``progress(done, n_samples)`` after each
    sample (and once with 0 before the first), e.g. to move a widget's progress bar.
    """
    if model not in REWIRERS:
        raise ValueError(f"no null model {model!r}: one of {list(REWIRERS)}")
    on_cluster = cluster.wanted(scheduler)  # a bad setting fails before the graph is prepared
    if on_cluster:
        cluster.check_picklable(statistic)
    prepared = PREPARERS[model](src, dst, n)
    seeds = sample_seeds(rng, n_samples)
    bar = None
    report = progress if callable(progress) else None
    if progress and report is None:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_samples, desc=f"null ({model})", leave=False)
    if report:
        report(0, n_samples)

    def done(count):
        if bar:
            bar.update()
        if report:
            report(count, n_samples)

    if on_cluster:
        values = cluster.map_shared(
            null_sample, seeds, (prepared, statistic, model, n, switches_per_edge), scheduler, done, f"null-{model}"
        )
    else:
        one = functools.partial(
            null_sample, prepared=prepared, statistic=statistic, model=model, n=n, switches_per_edge=switches_per_edge
        )
        values = []
        if workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers) as pool:
                for value in pool.map(one, seeds):
                    values.append(value)
                    done(len(values))
        else:
            for seed in seeds:
                values.append(one(seed))
                done(len(values))
    if bar:
        bar.close()
    return np.array(values)
