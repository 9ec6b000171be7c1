"""Analytic companions of the rewiring nulls (fast, approximate near hubs)."""

from __future__ import annotations

import numpy as np

__all__ = ["configuration_elite_edges"]


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
