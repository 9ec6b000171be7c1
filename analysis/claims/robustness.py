"""How the graph claims depend on choices: elite definitions, another graph, the
share of ego networks sampled (notebook 05).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import measures
from ..nulls import analytic, rewiring
from ..stats import inference

__all__ = [
    "closure_sweep",
    "closure_table",
    "coverage_direction",
    "ego_subsample",
    "sampling_experiment",
    "sweep_summary",
]


def closure_sweep(
    graph: measures.Graph,
    masks: dict,
    rng,
    n_null: int,
    switches_per_edge: float,
    progress: bool = False,
    workers: int = 1,
    scheduler=None,
) -> pd.DataFrame:
    """Elite closure (the share of the elite's follows that go to the elite) for several
    elite definitions from one degree-keeping ensemble, one-sided (more closure than the
    null), as :func:`closure_table` lays it out. ``workers`` (threads) and ``scheduler``
    (a Dask cluster) say how the samples run; the values do not depend on them
    (:func:`analysis.nulls.rewiring.null_ensemble`). Where the union graph's ensemble of
    the specification curve is drawn for the same definitions, its C4a tests are tests of
    the same statistic against the same null, one-sided the same way, from another draw
    (:func:`analysis.claims.specification.union_rewiring`; 05 reads its sweep there)."""
    names = list(masks)

    def statistic(src, dst):
        return [measures.elite_closure(src, dst, masks[name]) for name in names]

    observed = statistic(graph.src, graph.dst)
    null = rewiring.null_ensemble(
        graph.src,
        graph.dst,
        graph.n,
        statistic,
        n_null,
        rng,
        switches_per_edge=switches_per_edge,
        progress=progress,
        workers=workers,
        scheduler=scheduler,
    )
    results = {
        name: inference.ensemble_test(
            "elite closure", observed[i], null[:, i], rewiring.NULL_DESCRIPTIONS["degree"], tie_rng=rng
        )
        for i, name in enumerate(names)
    }
    return closure_table(results, masks)


def closure_table(results: dict, masks: dict) -> pd.DataFrame:
    """One row per elite definition of ``masks`` (``{definition: is_elite}``) from its
    closure test (``results``: ``{definition: TestResult}``, one-sided, more closure than
    the null): size, observed and expected closure, effect, the null's interval, p-value
    and the p-value adjusted across the definitions (Benjamini-Hochberg). A definition
    without a result (no follow from its elite) gets no row."""
    wrong = [name for name, r in results.items() if r.alternative != "greater"]
    if wrong:
        raise ValueError(f"the sweep's closure tests are one-sided (greater); not so for {wrong}")
    rows = [
        {
            "elite": name,
            "size": int(np.sum(masks[name])),
            "observed": results[name].observed,
            "expected": results[name].expected,
            "effect": results[name].ratio,
            "ci_low": results[name].ci_low,
            "ci_high": results[name].ci_high,
            "p_value": results[name].p_value,
        }
        for name in masks
        if name in results
    ]
    table = pd.DataFrame(
        rows, columns=["elite", "size", "observed", "expected", "effect", "ci_low", "ci_high", "p_value"]
    )
    table["p_bh"] = inference.benjamini_hochberg(table["p_value"]) if len(table) else []
    return table


def sweep_summary(sweep: dict, alpha: float = inference.ALPHA) -> dict:
    """Counts over a :func:`closure_table` (as a dict of columns): ``definitions``; ``more``
    (``less``): the definitions whose whole interval of the effect lies above (below) 1,
    the side of the null's range, a missing end unbounded
    (:func:`analysis.claims.catalogue.excludes_one`'s reading); ``significant``: those whose
    adjusted p-value (``p_bh``, the sweep's one-sided test for more closure) is below
    ``alpha``."""
    lows, highs = sweep["ci_low"], sweep["ci_high"]
    more = sum(low is not None and np.isfinite(low) and low > 1 for low in lows)
    less = sum(high is not None and np.isfinite(high) and high < 1 for high in highs)
    significant = sum(p is not None and np.isfinite(p) and p < alpha for p in sweep["p_bh"])
    return {"definitions": len(sweep["elite"]), "more": int(more), "less": int(less), "significant": int(significant)}


def ego_subsample(graph: measures.Graph, members: pd.DataFrame, fraction: float, rng) -> measures.Graph:
    """The graph seen through a random ``fraction`` of the ego networks: edges whose two
    accounts both belong to a kept ego network (ego and its members)."""
    egos = members["ego"].unique()
    kept = rng.choice(egos, size=max(1, int(round(fraction * len(egos)))), replace=False)
    chosen = members[members["ego"].isin(kept)]
    ids = np.union1d(chosen["member"].to_numpy(), kept)
    inside = np.zeros(graph.n, dtype=bool)
    nodes = graph.index_of(ids)
    inside[nodes[nodes >= 0]] = True
    mask = inside[graph.src] & inside[graph.dst]
    return measures.Graph(graph.src[mask], graph.dst[mask], graph.ids)


def sampling_experiment(
    graph: measures.Graph, members: pd.DataFrame, is_elite, fractions, repeats: int, rng
) -> pd.DataFrame:
    """Elite follows and reciprocity seen through random shares of the ego networks.

    For each fraction (``repeats`` subsets, one at fraction 1): edges kept, elite
    follows observed, their configuration-model expectation
    (:func:`analytic.configuration_elite_edges`), the ratio, and per-edge reciprocity."""
    rows = []
    for fraction in fractions:
        for repeat in range(repeats if fraction < 1 else 1):
            sub = ego_subsample(graph, members, fraction, rng)
            expected, _ = analytic.configuration_elite_edges(
                measures.in_degree(sub.dst, sub.n), measures.out_degree(sub.src, sub.n), is_elite
            )
            observed = measures.elite_edges(sub.src, sub.dst, is_elite)
            rows.append(
                {
                    "fraction": fraction,
                    "repeat": repeat,
                    "edges": sub.m,
                    "elite_edges": observed,
                    "configuration_expected": expected,
                    "effect": observed / expected if expected else np.nan,
                    "reciprocity_edges": measures.reciprocity_edges(sub.src, sub.dst, sub.n),
                }
            )
    return pd.DataFrame(rows)


def coverage_direction(sampling: pd.DataFrame) -> dict:
    """Which way more coverage moves the elite's ratio in :func:`sampling_experiment`'s rows.

    ``"rises"`` (``"falls"``) when the ratio at the largest share kept lies above (below)
    every draw at the smallest share, ``"unclear"`` when it lies within their range or
    there are fewer than two draws there (no spread to judge a direction by). Returns the
    word, the smallest share's range (``low_min``, ``low_max``), its number of draws and
    the largest share's mean ratio."""
    if sampling.empty:
        raise ValueError("no sampling rows")
    shares = sorted(sampling["fraction"].unique())
    low = sampling.loc[sampling["fraction"] == shares[0], "effect"].dropna()
    high = float(sampling.loc[sampling["fraction"] == shares[-1], "effect"].mean())
    word = "unclear"
    if len(low) >= 2 and len(shares) >= 2 and np.isfinite(high):
        if high > low.max():
            word = "rises"
        elif high < low.min():
            word = "falls"
    return {"direction": word, "low_min": float(low.min()) if len(low) else float("nan"),
            "low_max": float(low.max()) if len(low) else float("nan"), "low_draws": int(len(low)),
            "high_effect": high}  # fmt: skip
