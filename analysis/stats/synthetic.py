"""Synthetic follower graphs with known structure, for calibration, power and tests.

All generators take an explicit ``numpy.random.Generator`` and return simple
directed graphs as ``(src, dst)`` arrays over nodes ``0..n-1`` (src follows dst).
"""

from __future__ import annotations

import numpy as np

from ..graph import arrays

__all__ = [
    "heavy_tailed_weights",
    "chung_lu_digraph",
    "calibration_graph",
    "planted_elite_graph",
    "kwak_like_graph",
    "write_kwak_archive",
    "latent_maxent_graph",
    "ego_sample",
]


def heavy_tailed_weights(n: int, exponent: float, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
    """Pareto-like node weights ``scale * U^(-1/(exponent-1))``, sorted descending."""
    u = rng.random(n)
    return np.sort(scale * u ** (-1.0 / (exponent - 1.0)))[::-1]


def chung_lu_digraph(out_weight, in_weight, m: float, rng: np.random.Generator, block_boost=None):
    """Directed Chung-Lu graph: edge ``i -> j`` (i != j) with probability
    ``min(1, m * out_i * in_j / (sum out * sum in)) * boost_ij``.

    ``block_boost``: optional ``(members, factor)``; edges among ``members`` get
    their probability multiplied by ``factor`` (a planted block: a degree-corrected
    stochastic block model with two blocks).
    """
    out_weight = np.asarray(out_weight, dtype=float)
    in_weight = np.asarray(in_weight, dtype=float)
    n = len(out_weight)
    p = m * np.outer(out_weight, in_weight) / (out_weight.sum() * in_weight.sum())
    if block_boost is not None:
        members, factor = block_boost
        block = np.zeros(n, dtype=bool)
        block[np.asarray(members)] = True
        p[np.ix_(block, block)] *= factor
    np.fill_diagonal(p, 0.0)
    src, dst = np.nonzero(rng.random((n, n)) < np.minimum(p, 1.0))
    return src.astype(np.int64), dst.astype(np.int64)


def calibration_graph(rng: np.random.Generator, n: int = 120, m: float = 700, exponent: float = 2.5):
    """Base graph for calibration: heavy-tailed in-weights (a few popular accounts), mild out-weights."""
    in_w = heavy_tailed_weights(n, exponent, rng)
    out_w = heavy_tailed_weights(n, 3.5, rng)
    return chung_lu_digraph(rng.permutation(out_w), in_w, m, rng)


def planted_elite_graph(
    rng: np.random.Generator,
    n: int = 120,
    m: float = 700,
    elite_size: int = 12,
    factor: float = 3.0,
    exponent: float = 2.5,
):
    """A 'gated' graph: the ``elite_size`` heaviest in-weight nodes follow each other
    ``factor`` times more than their degrees imply. Returns ``(src, dst, elite)``."""
    in_w = heavy_tailed_weights(n, exponent, rng)
    out_w = heavy_tailed_weights(n, 3.5, rng)
    elite = np.arange(elite_size)  # in-weights are sorted descending
    src, dst = chung_lu_digraph(rng.permutation(out_w), in_w, m, rng, block_boost=(elite, factor))
    return src, dst, elite


def kwak_like_graph(
    rng: np.random.Generator, n: int, m: float, elite_size: int, factor: float = 3.0, reciprocity: float = 0.3
):
    """A planted-elite graph (see :func:`planted_elite_graph`) where each one-way follow
    is returned with probability ``reciprocity``; returns ``(src, dst, elite)``."""
    src, dst, elite = planted_elite_graph(rng, n=n, m=m, elite_size=elite_size, factor=factor)
    back = rng.random(len(src)) < reciprocity
    pairs = np.concatenate([np.column_stack([src, dst]), np.column_stack([dst[back], src[back]])])
    pairs = np.unique(pairs, axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy(), elite


def write_kwak_archive(
    folder, follower, followee, rng: np.random.Generator, n_parts: int = 4, id_offset: int = 1_000_000
) -> tuple[list, str, int]:
    """Write edges in the exact ``twitter_rv.net`` format: ``USER<TAB>FOLLOWER`` lines
    (the second id follows the first), shuffled, split into ``n_parts`` gzip parts
    ``twitter_rv.net.00.gz`` ...; also ``twitter_rv.net.md5``. Ids are shifted by
    ``id_offset``. Returns the part paths, the MD5 and the size of the stream."""
    import gzip
    import hashlib
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    order = rng.permutation(len(follower))
    lines = np.char.add(
        np.char.add((np.asarray(followee)[order] + id_offset).astype(str), "\t"),
        (np.asarray(follower)[order] + id_offset).astype(str),
    )
    text = ("\n".join(lines.tolist()) + "\n").encode()
    cuts = [0] + [text.index(b"\n", len(text) * i // n_parts) + 1 for i in range(1, n_parts)] + [len(text)]
    parts = []
    for i in range(n_parts):
        part = folder / f"twitter_rv.net.{i:02d}.gz"
        part.write_bytes(gzip.compress(text[cuts[i] : cuts[i + 1]], compresslevel=1))
        parts.append(part)
    md5 = hashlib.md5(text).hexdigest()
    (folder / "twitter_rv.net.md5").write_text(f"{md5}  twitter_rv.net\n")
    return parts, md5, len(text)


def latent_maxent_graph(rng: np.random.Generator, x, y, z=None, odds_boost=None):
    """A graph drawn from a maximum-entropy model with multipliers ``x, y`` (and ``z``).

    Without ``z``, the DBCM: each ordered pair ``i -> j`` independently with odds
    ``x_i y_j``. With ``z``, the RBCM: each unordered pair independently in one of four
    states with weights ``1, x_i y_j, x_j y_i, z_i z_j`` (none, one way each, mutual).
    ``odds_boost(kind)`` optionally returns an ``n x n`` array multiplying the weights of
    ``kind`` (``"one"``: the one-way ``i -> j`` weight, ``"mutual"``: the mutual weight),
    which plants a class effect. ``O(n^2)`` memory. Returns ``(src, dst)``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    one = np.outer(x, y)
    if odds_boost is not None:
        one = one * odds_boost("one")
    if z is None:
        p = one / (1 + one)
        np.fill_diagonal(p, 0.0)
        src, dst = np.nonzero(rng.random((n, n)) < p)
        return src.astype(np.int64), dst.astype(np.int64)
    mutual = np.outer(z, z)
    if odds_boost is not None:
        mutual = mutual * odds_boost("mutual")
    i, j = np.triu_indices(n, 1)
    w_ij, w_ji, w_m = one[i, j], one[j, i], mutual[i, j]
    total = 1 + w_ij + w_ji + w_m
    u = rng.random(len(i)) * total
    state_ij = (u >= 1) & (u < 1 + w_ij)
    state_ji = (u >= 1 + w_ij) & (u < 1 + w_ij + w_ji)
    state_m = u >= 1 + w_ij + w_ji
    src = np.concatenate([i[state_ij], j[state_ji], i[state_m], j[state_m]])
    dst = np.concatenate([j[state_ij], i[state_ji], j[state_m], i[state_m]])
    return src.astype(np.int64), dst.astype(np.int64)


def ego_sample(rng: np.random.Generator, src, dst, n: int, egos: int):
    """Observe a latent graph as SNAP observed Twitter: ``egos`` accounts drawn at random
    (among those that follow someone), each with the accounts it follows (its ego
    network) and every follow among the ego and those accounts. Returns ``(src, dst,
    table)``: the union of the ego networks' follows and the ``ego, member`` table."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    order = np.argsort(src, kind="stable")
    s_sorted, d_sorted = src[order], dst[order]
    starts = np.searchsorted(s_sorted, np.arange(n + 1))
    candidates = np.flatnonzero(np.diff(starts) > 0)
    chosen = rng.choice(candidates, min(egos, len(candidates)), replace=False)
    seen, rows = [], []
    inside = np.zeros(n, dtype=bool)
    for ego in chosen:
        friends = d_sorted[starts[ego] : starts[ego + 1]]
        rows.append(np.column_stack([np.full(len(friends), ego), friends]))
        nodes = np.r_[friends, ego]
        inside[nodes] = True
        positions = np.concatenate([np.arange(starts[v], starts[v + 1]) for v in nodes])
        keep = inside[d_sorted[positions]]
        seen.append(s_sorted[positions][keep] * n + d_sorted[positions][keep])
        inside[nodes] = False
    keys = arrays.distinct(np.concatenate(seen))
    table = np.vstack(rows)
    return keys // n, keys % n, table
