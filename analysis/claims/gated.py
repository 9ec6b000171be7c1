"""C4, the gated community: do celebrities follow celebrities more than their
degrees imply, and is the elite closed? (notebook 04).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import measures
from ..graph.labelled import LabelledGraph
from ..nulls import rewiring
from ..stats import inference

__all__ = [
    "gated_statistics",
    "GATED_NAMES",
    "GATED_ALTERNATIVES",
    "gated_community",
    "community_test",
    "elite_closure_test",
]


def gated_statistics(lg: LabelledGraph, ks) -> callable:
    """The statistic vector of the gated-community test: elite closure, in-leak,
    elite transitivity, elite average clustering, then directed rich-club phi(k) for ``ks``."""
    g, is_elite, elite = lg.graph, lg.is_elite, lg.elite

    def statistic(src, dst):
        clustering = measures.elite_clustering(src, dst, elite)
        return [
            measures.elite_closure(src, dst, is_elite),
            measures.conductance(src, dst, is_elite)["in_leak"],
            clustering["transitivity"],
            clustering["average_clustering"],
            *measures.rich_club_directed(src, dst, g.n, ks),
        ]

    return statistic


GATED_NAMES = [
    "elite closure",
    "in-leak (follows into the elite from outside)",
    "elite transitivity",
    "elite average clustering",
]


GATED_ALTERNATIVES = ["greater", "less", "greater", "greater"]


def gated_community(
    lg: LabelledGraph, ks, rng, n_null: int, switches_per_edge: float, progress: bool = False, workers: int = 1
) -> dict:
    """C4 against the degree-keeping null (null 1): elite closure, conductance,
    clustering, and the rich-club curve rho(k) with its band and BH-adjusted p-values."""
    g = lg.graph
    ks = [k for k in ks if 1 < k <= g.n]
    statistic = gated_statistics(lg, ks)
    observed = np.asarray(statistic(g.src, g.dst), dtype=float)
    null = rewiring.null_ensemble(
        g.src,
        g.dst,
        g.n,
        statistic,
        n_null,
        rng,
        model="degree",
        switches_per_edge=switches_per_edge,
        progress=progress,
        workers=workers,
    )
    description = rewiring.NULL_DESCRIPTIONS["degree"]
    tests = {
        name: inference.ensemble_test(name, observed[i], null[:, i], description, alternative=alt, tie_rng=rng)
        for i, (name, alt) in enumerate(zip(GATED_NAMES, GATED_ALTERNATIVES))
    }
    phi, phi_null = observed[4:], null[:, 4:]
    null_mean = phi_null.mean(axis=0)
    rich = pd.DataFrame(
        {
            "k": ks,
            "phi": phi,
            "null_mean": null_mean,
            "rho": phi / null_mean,
            "band_low": np.percentile(phi_null, 2.5, axis=0) / null_mean,
            "band_high": np.percentile(phi_null, 97.5, axis=0) / null_mean,
            "p_value": [inference.ensemble_p_value(phi[i], phi_null[:, i], tie_rng=rng) for i in range(len(ks))],
        }
    )
    rich["p_bh"] = inference.benjamini_hochberg(rich["p_value"])
    return {"tests": tests, "null": null, "observed": observed, "rich_club": rich}


def community_test(
    lg: LabelledGraph, rng, n_null: int, switches_per_edge: float, seed: int, workers: int = 1
) -> tuple[inference.TestResult, np.ndarray, np.ndarray]:
    """Does the elite fall into fewer communities than the null implies? Statistic: the
    effective number of Louvain communities (seeded) among elite accounts. Null 1.
    One-sided 'less'. Returns the test, the null values and the observed membership."""
    g = lg.graph
    membership = measures.communities(g.src, g.dst, g.n, seed)
    observed = measures.effective_communities(membership, lg.elite)
    null = rewiring.null_ensemble(
        g.src,
        g.dst,
        g.n,
        lambda s, d: measures.effective_communities(measures.communities(s, d, g.n, seed), lg.elite),
        n_null,
        rng,
        switches_per_edge=switches_per_edge,
        workers=workers,
    )
    return (
        inference.ensemble_test(
            "effective number of communities among the elite",
            observed,
            null.ravel(),
            rewiring.NULL_DESCRIPTIONS["degree"],
            alternative="less",
        ),
        null.ravel(),
        membership,
    )


def elite_closure_test(
    src,
    dst,
    n: int,
    is_elite,
    n_samples: int,
    rng: np.random.Generator,
    model: str = "degree",
    switches_per_edge: float = 10,
    progress: bool = False,
) -> inference.TestResult:
    """Do elite accounts follow each other more than their degrees imply?

    Statistic: share of the elite's follows that go to other elite accounts
    (:func:`analysis.graph.measures.elite_closure`). Null: ``model`` rewiring
    (:mod:`analysis.nulls.rewiring`), one-sided ``greater``. The statistic is a count
    over a fixed total, so ties with the null are common; they are broken at
    random with ``rng`` (exact size; see :func:`ensemble_p_value`).
    """

    is_elite = np.asarray(is_elite, dtype=bool)
    observed = measures.elite_closure(src, dst, is_elite)
    null = rewiring.null_ensemble(
        src,
        dst,
        n,
        lambda s, d: measures.elite_closure(s, d, is_elite),
        n_samples,
        rng,
        model=model,
        switches_per_edge=switches_per_edge,
        progress=progress,
    )
    return inference.ensemble_test(
        "elite closure (share of elite follows to the elite)",
        observed,
        null,
        rewiring.NULL_DESCRIPTIONS[model],
        tie_rng=rng,
    )
