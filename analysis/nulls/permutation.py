"""Null 3: class labels permuted among accounts of the same degree stratum.

Randomness comes from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import numpy as np

__all__ = ["degree_strata", "permute_within_strata"]


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
