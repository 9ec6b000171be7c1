"""How the graph claims depend on choices: elite definitions, chain length, the
share of ego networks sampled (notebook 05).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import measures
from ..graph.labelled import LabelledGraph
from ..nulls import analytic, rewiring
from ..stats import inference

__all__ = ["closure_sweep", "mixing_diagnostic", "mixing_settled", "ego_subsample", "sampling_experiment"]


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
    """Elite closure for several elite definitions from one degree-keeping ensemble.
    ``workers`` (threads) and ``scheduler`` (a Dask cluster) say how the samples run;
    the values do not depend on them (:func:`analysis.nulls.rewiring.null_ensemble`)."""
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
    rows = []
    for i, name in enumerate(names):
        result = inference.ensemble_test(
            "elite closure", observed[i], null[:, i], rewiring.NULL_DESCRIPTIONS["degree"], tie_rng=rng
        )
        rows.append(
            {
                "elite": name,
                "size": int(masks[name].sum()),
                "observed": result.observed,
                "expected": result.expected,
                "effect": result.ratio,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "p_value": result.p_value,
            }
        )
    table = pd.DataFrame(rows)
    table["p_bh"] = inference.benjamini_hochberg(table["p_value"])
    return table


def mixing_diagnostic(lg: LabelledGraph, levels, rng, n_null: int, workers: int = 1, scheduler=None) -> pd.DataFrame:
    """Null mean of the elite closure against switches per edge: where it levels off,
    the chain has mixed for this statistic; before that the null sits too close to
    the observed graph (a conservative test). ``se`` is the standard error of the mean."""
    g, is_elite = lg.graph, lg.is_elite  # the statistic captures the mask, not the labelled graph
    rows = []
    for level in levels:
        null = rewiring.null_ensemble(
            g.src,
            g.dst,
            g.n,
            lambda s, d: measures.elite_closure(s, d, is_elite),
            n_null,
            rng,
            switches_per_edge=level,
            workers=workers,
            scheduler=scheduler,
        )
        sd = float(null.std(ddof=1)) if len(null) > 1 else float("nan")
        rows.append(
            {"switches_per_edge": level, "null_mean": float(null.mean()), "null_sd": sd, "se": sd / np.sqrt(len(null))}
        )
    return pd.DataFrame(rows)


def mixing_settled(mixing: pd.DataFrame, used: float, tolerance_se: float = 3.0) -> dict:
    """Has the null mean settled by ``used`` switches per edge?

    Compares the null mean at ``used`` with the mean over all longer chains
    (or, when ``used`` is the longest level, with the level before it): settled if
    the difference is within ``tolerance_se`` combined standard errors. Returns
    the two means, the difference in standard errors and the verdict.
    """
    table = mixing.sort_values("switches_per_edge").reset_index(drop=True)
    at = table.index[np.isclose(table["switches_per_edge"], used)]
    if len(at) == 0:
        raise ValueError(f"{used} switches per edge is not among the mixing levels")
    if len(table) < 2:
        raise ValueError("the mixing check needs at least two chain lengths")
    i = int(at[0])
    others = table.iloc[i + 1 :] if i + 1 < len(table) else table.iloc[i - 1 : i]
    here = table.iloc[i]
    other_mean = float(others["null_mean"].mean())
    other_se = float(np.sqrt((others["se"] ** 2).sum()) / len(others))
    z = (here["null_mean"] - other_mean) / np.hypot(here["se"], other_se)
    return {
        "used": float(used),
        "null_mean": float(here["null_mean"]),
        "compared_with": others["switches_per_edge"].tolist(),
        "compared_mean": other_mean,
        "difference_se": float(z),
        "settled": bool(abs(z) <= tolerance_se),
    }


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
