"""Calibration and power of the elite-closure test on synthetic graphs.

Calibration: graphs drawn from the null model itself (a heavy-tailed Chung-Lu
base graph, then rewired with 10 x E switches, so the observed graph is a draw
from the degree-preserving null); the test should reject at alpha = 0.05 in
about 5% of them. Power: planted 'gated' graphs (degree-corrected two-block
SBM, elite block density ``factor`` times what the degrees imply).
"""

from __future__ import annotations

import numpy as np

from ..graph import measures
from ..nulls import rewiring
from ..stats import synthetic
from ..stats.inference import ALPHA
from .gated import elite_closure_test

__all__ = [
    "null_rejection_rate",
    "power",
]


def _elite_mask(dst, n, elite_size):
    mask = np.zeros(n, dtype=bool)
    mask[measures.top_k_by(measures.in_degree(dst, n), elite_size)] = True
    return mask


def null_rejection_rate(
    n_graphs: int,
    n_null: int,
    rng: np.random.Generator,
    n: int = 120,
    m: float = 700,
    elite_size: int = 12,
    switches_per_edge: float = 10,
) -> dict:
    """Share of graphs drawn from the null on which the test rejects at ALPHA."""
    rejections, two_sided = 0, 0
    p_values = []
    for _ in range(n_graphs):
        base_src, base_dst = synthetic.calibration_graph(rng, n=n, m=m)
        src, dst = rewiring.rewire_directed(base_src, base_dst, n, rng, switches_per_edge=switches_per_edge)
        result = elite_closure_test(
            src, dst, n, _elite_mask(dst, n, elite_size), n_null, rng, switches_per_edge=switches_per_edge
        )
        p_values.append(result.p_value)
        rejections += result.rejects(ALPHA)
        two_sided += result.rejects_two_sided(ALPHA)
    return {
        "graphs": n_graphs,
        "null_samples": n_null,
        "nodes": n,
        "mean_edges": m,
        "elite_size": elite_size,
        "switches_per_edge": switches_per_edge,
        "alpha": ALPHA,
        "rejection_rate": rejections / n_graphs,
        "rejection_rate_two_sided": two_sided / n_graphs,
        "mean_p_value": float(np.mean(p_values)),
    }


def power(
    n_graphs: int,
    n_null: int,
    rng: np.random.Generator,
    factor: float = 3.0,
    n: int = 120,
    m: float = 700,
    elite_size: int = 12,
    switches_per_edge: float = 10,
) -> dict:
    """Share of planted gated graphs on which the test rejects at ALPHA (elite = top-k by followers)."""
    rejections, two_sided = 0, 0
    for _ in range(n_graphs):
        src, dst, _ = synthetic.planted_elite_graph(rng, n=n, m=m, elite_size=elite_size, factor=factor)
        result = elite_closure_test(
            src, dst, n, _elite_mask(dst, n, elite_size), n_null, rng, switches_per_edge=switches_per_edge
        )
        rejections += result.rejects(ALPHA)
        two_sided += result.rejects_two_sided(ALPHA, predicted=True)
    return {
        "graphs": n_graphs,
        "null_samples": n_null,
        "nodes": n,
        "mean_edges": m,
        "elite_size": elite_size,
        "planted_factor": factor,
        "switches_per_edge": switches_per_edge,
        "alpha": ALPHA,
        "rejection_rate": rejections / n_graphs,
        "rejection_rate_two_sided": two_sided / n_graphs,
    }
