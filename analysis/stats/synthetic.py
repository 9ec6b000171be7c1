"""Synthetic follower graphs with known structure, for calibration, power and tests.

All generators take an explicit ``numpy.random.Generator`` and return simple
directed graphs as ``(src, dst)`` arrays over nodes ``0..n-1`` (src follows dst).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "heavy_tailed_weights",
    "chung_lu_digraph",
    "calibration_graph",
    "planted_elite_graph",
    "kwak_like_graph",
    "write_kwak_archive",
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
