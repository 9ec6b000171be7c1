"""Null models that keep the degrees: directed edge switching and label permutation.

Edges are dense integer arrays ``src -> dst`` (``src`` follows ``dst``), nodes
``0..n-1`` (see :func:`analysis.measures.index_edges`).

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

The compiled kernels (numba) keep the edge set in an open-addressing hash table;
:func:`rewire_directed_reference` is the plain-Python version the tests compare
against. Randomness is passed in as a ``numpy.random.Generator``; the same
generator state gives the same graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
DEFAULT_SWITCHES_PER_EDGE = 10
DEFAULT_THREE_EDGE_SHARE = 0.1


# ------------------------------------------------------------------ hash set of edge keys

@nb.njit(cache=True, inline="always")
def _home(key, shift):
    return np.int64((np.uint64(key) * GOLDEN) >> np.uint64(shift))


@nb.njit(cache=True)
def _contains(table, shift, key):
    mask = len(table) - 1
    i = _home(key, shift)
    stored = key + 1
    while table[i] != 0:
        if table[i] == stored:
            return True
        i = (i + 1) & mask
    return False


@nb.njit(cache=True)
def _insert(table, shift, key):
    mask = len(table) - 1
    i = _home(key, shift)
    stored = key + 1
    while table[i] != 0:
        if table[i] == stored:
            return False
        i = (i + 1) & mask
    table[i] = stored
    return True


@nb.njit(cache=True)
def _delete(table, shift, key):
    """Remove ``key`` with backward-shift deletion (no tombstones)."""
    mask = len(table) - 1
    i = _home(key, shift)
    stored = key + 1
    while table[i] != stored:
        if table[i] == 0:
            return False
        i = (i + 1) & mask
    table[i] = 0
    j = i
    while True:
        j = (j + 1) & mask
        if table[j] == 0:
            return True
        home = _home(table[j] - 1, shift)
        if i <= j:
            stays = i < home <= j
        else:
            stays = home > i or home <= j
        if not stays:
            table[i] = table[j]
            table[j] = 0
            i = j


@nb.njit(cache=True, nogil=True)
def _build_table(keys, bits):
    table = np.zeros(1 << bits, dtype=np.int64)
    shift = 64 - bits
    for key in keys:
        _insert(table, shift, key)
    return table


def _table_bits(n_keys: int) -> int:
    return max(4, int(np.ceil(np.log2(max(n_keys, 1) * 2.5))))


# ------------------------------------------------------------------ null 1: in/out degrees

@nb.njit(cache=True, nogil=True)
def _rewire_kernel(src, dst, n, table, shift, n_switches, max_attempts, three_share, seed):
    np.random.seed(seed)
    m = len(src)
    accepted = 0
    attempts = 0
    while accepted < n_switches and attempts < max_attempts:
        attempts += 1
        if three_share > 0.0 and np.random.random() < three_share:
            i = np.random.randint(m)
            j = np.random.randint(m)
            k = np.random.randint(m)
            if i == j or j == k or i == k:
                continue
            a, b, c, d, e, f = src[i], dst[i], src[j], dst[j], src[k], dst[k]
            if a == d or c == f or e == b:
                continue
            k1, k2, k3 = a * n + d, c * n + f, e * n + b
            if k1 == k2 or k2 == k3 or k1 == k3:
                continue
            if _contains(table, shift, k1) or _contains(table, shift, k2) or _contains(table, shift, k3):
                continue
            _delete(table, shift, a * n + b)
            _delete(table, shift, c * n + d)
            _delete(table, shift, e * n + f)
            _insert(table, shift, k1)
            _insert(table, shift, k2)
            _insert(table, shift, k3)
            dst[i], dst[j], dst[k] = d, f, b
            accepted += 1
        else:
            i = np.random.randint(m)
            j = np.random.randint(m)
            a, b, c, d = src[i], dst[i], src[j], dst[j]
            if a == c or b == d or a == d or c == b:
                continue
            k1, k2 = a * n + d, c * n + b
            if _contains(table, shift, k1) or _contains(table, shift, k2):
                continue
            _delete(table, shift, a * n + b)
            _delete(table, shift, c * n + d)
            _insert(table, shift, k1)
            _insert(table, shift, k2)
            dst[i], dst[j] = d, b
            accepted += 1
    return accepted, attempts


@dataclass(frozen=True)
class RewireStats:
    """How a rewiring run went: accepted moves and attempts."""

    accepted: int
    attempts: int


def _seed_from(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def _check_simple(src: np.ndarray, dst: np.ndarray, n: int) -> None:
    if len(src) != len(dst):
        raise ValueError("src and dst differ in length")
    if len(src) and (src.min() < 0 or dst.min() < 0 or src.max() >= n or dst.max() >= n):
        raise ValueError("node indices must lie in 0..n-1")
    if np.any(src == dst):
        raise ValueError("the graph has self-loops; drop them first")
    keys = src.astype(np.int64) * n + dst
    if len(np.unique(keys)) != len(keys):
        raise ValueError("the graph has duplicate edges; make them distinct first")


def rewire_directed(src, dst, n: int, rng: np.random.Generator,
                    switches_per_edge: float = DEFAULT_SWITCHES_PER_EDGE,
                    three_edge_share: float = DEFAULT_THREE_EDGE_SHARE,
                    max_attempts_per_switch: float = 100.0,
                    return_stats: bool = False, _prepared=None):
    """A random simple digraph with the same in- and out-degree of every node.

    Performs ``switches_per_edge * E`` accepted moves (two-edge switches and,
    with probability ``three_edge_share`` per attempt, three-edge rotations).
    Returns new ``(src, dst)`` arrays (the inputs are not modified).
    """
    if _prepared is None:
        _prepared = _prepare_directed(src, dst, n)
    src0, dst0, table0, bits = _prepared
    src, dst = src0.copy(), dst0.copy()
    m = len(src)
    n_switches = int(round(switches_per_edge * m))
    if m < 2 or n_switches == 0:
        return (src, dst, RewireStats(0, 0)) if return_stats else (src, dst)
    table = table0.copy()
    accepted, attempts = _rewire_kernel(src, dst, n, table, 64 - bits, n_switches,
                                        int(max_attempts_per_switch * n_switches),
                                        float(three_edge_share), _seed_from(rng))
    if return_stats:
        return src, dst, RewireStats(int(accepted), int(attempts))
    return src, dst


def _prepare_directed(src, dst, n: int):
    """Checked contiguous copies of the edges and their hash table (reused across an ensemble)."""
    src = np.ascontiguousarray(src, dtype=np.int64).copy()
    dst = np.ascontiguousarray(dst, dtype=np.int64).copy()
    _check_simple(src, dst, n)
    bits = _table_bits(len(src))
    return src, dst, _build_table(src * n + dst, bits), bits


def rewire_directed_reference(src, dst, n: int, rng: np.random.Generator, n_switches: int,
                              three_edge_share: float = DEFAULT_THREE_EDGE_SHARE):
    """Plain-Python reference of :func:`rewire_directed` (same moves, a Python set)."""
    src, dst = list(map(int, src)), list(map(int, dst))
    edges = set(zip(src, dst))
    m, accepted = len(src), 0
    while accepted < n_switches:
        if rng.random() < three_edge_share:
            i, j, k = (int(x) for x in rng.integers(0, m, 3))
            if len({i, j, k}) < 3:
                continue
            (a, b), (c, d), (e, f) = (src[i], dst[i]), (src[j], dst[j]), (src[k], dst[k])
            new = [(a, d), (c, f), (e, b)]
            if a == d or c == f or e == b or len(set(new)) < 3 or any(x in edges for x in new):
                continue
            edges -= {(a, b), (c, d), (e, f)}
            edges |= set(new)
            dst[i], dst[j], dst[k] = d, f, b
        else:
            i, j = (int(x) for x in rng.integers(0, m, 2))
            (a, b), (c, d) = (src[i], dst[i]), (src[j], dst[j])
            if a == c or b == d or a == d or c == b or (a, d) in edges or (c, b) in edges:
                continue
            edges -= {(a, b), (c, d)}
            edges |= {(a, d), (c, b)}
            dst[i], dst[j] = d, b
        accepted += 1
    return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


# ------------------------------------------------------------------ null 2: also reciprocated degrees

@nb.njit(cache=True)
def _any_link(table, shift, n, u, v):
    return _contains(table, shift, u * n + v) or _contains(table, shift, v * n + u)


@nb.njit(cache=True, nogil=True)
def _rewire_reciprocal_kernel(osrc, odst, mu, mv, n, table, shift, n_switches, max_attempts,
                              three_share, seed):
    np.random.seed(seed)
    n_one = len(osrc)
    n_mut = len(mu)
    total = n_one + n_mut
    accepted = 0
    attempts = 0
    while accepted < n_switches and attempts < max_attempts:
        attempts += 1
        if np.random.random() * total < n_mut:
            # mutual pairs, switched as undirected edges
            if n_mut < 2:
                continue
            i = np.random.randint(n_mut)
            j = np.random.randint(n_mut)
            if i == j:
                continue
            a, b = mu[i], mv[i]
            if np.random.random() < 0.5:
                c, d = mu[j], mv[j]
                flipped = False
            else:
                c, d = mv[j], mu[j]
                flipped = True
            if a == d or c == b or a == c or b == d:
                continue
            if _any_link(table, shift, n, a, d) or _any_link(table, shift, n, c, b):
                continue
            _delete(table, shift, a * n + b)
            _delete(table, shift, b * n + a)
            _delete(table, shift, c * n + d)
            _delete(table, shift, d * n + c)
            _insert(table, shift, a * n + d)
            _insert(table, shift, d * n + a)
            _insert(table, shift, c * n + b)
            _insert(table, shift, b * n + c)
            mv[i] = d
            if flipped:
                mu[j] = b
            else:
                mv[j] = b
            accepted += 1
        elif three_share > 0.0 and np.random.random() < three_share:
            if n_one < 3:
                continue
            i = np.random.randint(n_one)
            j = np.random.randint(n_one)
            k = np.random.randint(n_one)
            if i == j or j == k or i == k:
                continue
            a, b, c, d, e, f = osrc[i], odst[i], osrc[j], odst[j], osrc[k], odst[k]
            if a == d or c == f or e == b:
                continue
            if (a == c and d == f) or (c == e and f == b) or (a == e and d == b):
                continue
            if (a == f and d == c) or (c == b and f == e) or (a == b and d == e):
                continue
            if (_any_link(table, shift, n, a, d) or _any_link(table, shift, n, c, f)
                    or _any_link(table, shift, n, e, b)):
                continue
            _delete(table, shift, a * n + b)
            _delete(table, shift, c * n + d)
            _delete(table, shift, e * n + f)
            _insert(table, shift, a * n + d)
            _insert(table, shift, c * n + f)
            _insert(table, shift, e * n + b)
            odst[i], odst[j], odst[k] = d, f, b
            accepted += 1
        else:
            if n_one < 2:
                continue
            i = np.random.randint(n_one)
            j = np.random.randint(n_one)
            a, b, c, d = osrc[i], odst[i], osrc[j], odst[j]
            if a == c or b == d or a == d or c == b:
                continue
            if _any_link(table, shift, n, a, d) or _any_link(table, shift, n, c, b):
                continue
            _delete(table, shift, a * n + b)
            _delete(table, shift, c * n + d)
            _insert(table, shift, a * n + d)
            _insert(table, shift, c * n + b)
            odst[i], odst[j] = d, b
            accepted += 1
    return accepted, attempts


def split_mutual(src, dst, n: int):
    """Split edges into one-way edges and mutual pairs (each pair once, ``u < v``).

    Returns ``(one_src, one_dst, mutual_u, mutual_v)``.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    keys = src * n + dst
    reverse = dst * n + src
    mutual = np.isin(reverse, keys)
    first = mutual & (src < dst)
    return src[~mutual], dst[~mutual], src[first], dst[first]


def rewire_reciprocal(src, dst, n: int, rng: np.random.Generator,
                      switches_per_edge: float = DEFAULT_SWITCHES_PER_EDGE,
                      three_edge_share: float = DEFAULT_THREE_EDGE_SHARE,
                      max_attempts_per_switch: float = 100.0,
                      return_stats: bool = False, _prepared=None):
    """A random simple digraph keeping every node's one-way in- and out-degree and
    its number of mutual (reciprocated) pairs.

    Mutual pairs are switched among themselves as undirected edges, one-way edges
    among themselves as directed edges; a move is refused if it would create a
    self-loop, a duplicate, or a new mutual pair. Returns ``(src, dst)`` with each
    mutual pair as two edges.
    """
    if _prepared is None:
        _prepared = _prepare_reciprocal(src, dst, n)
    parts, table0, bits = _prepared
    osrc, odst, mu, mv = (x.copy() for x in parts)
    m = len(osrc) + 2 * len(mu)
    n_switches = int(round(switches_per_edge * (len(osrc) + len(mu))))
    accepted = attempts = 0
    if m >= 2 and n_switches > 0:
        table = table0.copy()
        accepted, attempts = _rewire_reciprocal_kernel(
            osrc, odst, mu, mv, n, table, 64 - bits, n_switches,
            int(max_attempts_per_switch * n_switches), float(three_edge_share), _seed_from(rng))
    new_src = np.concatenate([osrc, mu, mv])
    new_dst = np.concatenate([odst, mv, mu])
    if return_stats:
        return new_src, new_dst, RewireStats(int(accepted), int(attempts))
    return new_src, new_dst


def _prepare_reciprocal(src, dst, n: int):
    src = np.ascontiguousarray(src, dtype=np.int64)
    dst = np.ascontiguousarray(dst, dtype=np.int64)
    _check_simple(src, dst, n)
    parts = tuple(np.ascontiguousarray(x).copy() for x in split_mutual(src, dst, n))
    bits = _table_bits(len(src))
    return parts, _build_table(src * n + dst, bits), bits


REWIRERS = {"degree": rewire_directed, "reciprocal": rewire_reciprocal}
PREPARERS = {"degree": _prepare_directed, "reciprocal": _prepare_reciprocal}
NULL_DESCRIPTIONS = {
    "degree": "directed degree-preserving rewiring (every in- and out-degree kept)",
    "reciprocal": "degree- and reciprocity-preserving rewiring (one-way in/out degrees and mutual degree kept)",
}


def null_ensemble(src, dst, n: int, statistic, n_samples: int, rng: np.random.Generator,
                  model: str = "degree", switches_per_edge: float = DEFAULT_SWITCHES_PER_EDGE,
                  progress: bool = False, workers: int = 1) -> np.ndarray:
    """Values of ``statistic(src, dst)`` on ``n_samples`` independent rewirings of the graph.

    Each sample is its own chain started from the observed graph
    (``switches_per_edge * E`` accepted moves), seeded from ``rng`` before any
    runs, so the result does not depend on ``workers`` (threads; the compiled
    kernels release the GIL). ``statistic`` may return a scalar or a 1-d array;
    the result has one row per sample.
    """
    rewire = REWIRERS[model]
    prepared = PREPARERS[model](src, dst, n)
    seeds = rng.integers(0, 2**63 - 1, size=n_samples)

    def one(seed):
        s, d = rewire(src, dst, n, np.random.default_rng(seed), switches_per_edge=switches_per_edge,
                      _prepared=prepared)
        return np.asarray(statistic(s, d), dtype=float)

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_samples, desc=f"null ({model})", leave=False)
    values = []
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for value in pool.map(one, seeds):
                values.append(value)
                if bar:
                    bar.update()
    else:
        for seed in seeds:
            values.append(one(seed))
            if bar:
                bar.update()
    if bar:
        bar.close()
    return np.array(values)


# ------------------------------------------------------------------ null 3: labels within strata

def degree_strata(in_degree, out_degree, bins_per_decade: int = 2) -> np.ndarray:
    """Stratum id per node from log-binned in- and out-degree (``log10(1+k)`` bins)."""
    def bins(k):
        return np.floor(np.log10(1 + np.asarray(k, dtype=float)) * bins_per_decade).astype(np.int64)

    in_bin, out_bin = bins(in_degree), bins(out_degree)
    return in_bin * (out_bin.max() + 1) + out_bin


def permute_within_strata(labels, strata, rng: np.random.Generator) -> np.ndarray:
    """Shuffle ``labels`` among nodes that share a stratum (each stratum keeps its label counts)."""
    labels = np.asarray(labels)
    strata = np.asarray(strata)
    out = labels.copy()
    order = np.argsort(strata, kind="stable")
    sorted_strata = strata[order]
    boundaries = np.flatnonzero(np.diff(sorted_strata)) + 1
    for group in np.split(order, boundaries):
        out[group] = labels[rng.permutation(group)]
    return out


# ------------------------------------------------------------------ analytic companion

def configuration_elite_edges(in_deg, out_deg, is_elite) -> tuple[float, float]:
    """Mean and variance of the number of follows among the elite under the directed
    configuration model (Chung-Lu form: ``p_ij = out_i in_j / E``, i != j, capped at 1).

    A fast companion to :func:`rewire_directed`; the two agree when no ``p_ij`` is
    near 1 (no pair of hubs that must be linked).
    """
    in_deg = np.asarray(in_deg, dtype=float)
    out_deg = np.asarray(out_deg, dtype=float)
    is_elite = np.asarray(is_elite, dtype=bool)
    m = out_deg.sum()
    p = np.minimum(np.outer(out_deg[is_elite], in_deg[is_elite]) / m, 1.0)
    np.fill_diagonal(p, 0.0)
    return float(p.sum()), float((p * (1 - p)).sum())
