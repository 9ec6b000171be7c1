"""C2 (they do not follow back their fans) and C5 (they follow each other back):
reciprocity by class pair against the reciprocity-keeping null (notebook 03).

Direction: a ``regular -> celebrity`` edge is a regular account following a
celebrity; it is reciprocated when the celebrity follows back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import measures
from ..graph.labelled import LabelledGraph
from ..nulls import rewiring
from ..stats import inference

__all__ = ["FOLLOW_BACK_PAIRS", "follow_back_by_class", "follow_back_of"]


FOLLOW_BACK_PAIRS = [
    ("regular", "celebrity", "less"),
    ("celebrity", "celebrity", "greater"),
    ("popular", "celebrity", "two-sided"),
    ("celebrity", "regular", "two-sided"),
    ("regular", "popular", "two-sided"),
    ("regular", "regular", "two-sided"),
]


def follow_back_by_class(
    lg: LabelledGraph, rng, n_null: int, switches_per_edge: float, progress: bool = False, workers: int = 1
) -> tuple[pd.DataFrame, dict]:
    """Per-edge reciprocity for each class pair of :data:`FOLLOW_BACK_PAIRS`
    against the reciprocity-keeping null (null 2). Returns a table (observed,
    expected, null 95% range, effect and interval, p-value) and the results by pair."""
    g = lg.graph
    classes = lg.classes

    def statistic(src, dst):
        recip = measures.reciprocated_mask(src, dst, g.n)
        cs, cd = classes[src], classes[dst]
        return [
            recip[(cs == a) & (cd == b)].mean() if ((cs == a) & (cd == b)).any() else np.nan
            for a, b, _ in FOLLOW_BACK_PAIRS
        ]

    observed = statistic(g.src, g.dst)
    null = rewiring.null_ensemble(
        g.src,
        g.dst,
        g.n,
        statistic,
        n_null,
        rng,
        model="reciprocal",
        switches_per_edge=switches_per_edge,
        progress=progress,
        workers=workers,
    )
    rows, results = [], {}
    for column, (a, b, alternative) in enumerate(FOLLOW_BACK_PAIRS):
        edges = int(((classes[g.src] == a) & (classes[g.dst] == b)).sum())
        if not np.isfinite(observed[column]):
            continue
        result = inference.ensemble_test(
            f"reciprocated share of {a} -> {b} follows",
            observed[column],
            null[:, column],
            rewiring.NULL_DESCRIPTIONS["reciprocal"],
            alternative=alternative,
        )
        low, high = np.nanpercentile(null[:, column], [2.5, 97.5])
        rows.append(
            {
                "pair": f"{a} → {b}",
                "edges": edges,
                "observed": result.observed,
                "expected": result.expected,
                "null_low": low,
                "null_high": high,
                "effect": result.ratio,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "p_value": result.p_value,
                "alternative": alternative,
            }
        )
        results[(a, b)] = result
    return pd.DataFrame(rows), results


def follow_back_of(lg: LabelledGraph, screen_names, accounts: pd.DataFrame) -> pd.DataFrame:
    """Followers in the graph and the share followed back, for named accounts."""
    ids = accounts.set_index("screen_name")["user_id"]
    present = [name for name in screen_names if name in ids.index]
    nodes = lg.graph.index_of(ids.loc[present].to_numpy())
    keep = nodes >= 0
    table = measures.follow_back(lg.graph.src, lg.graph.dst, lg.graph.n, nodes[keep])
    table.insert(0, "screen_name", np.array(present)[keep])
    return table.drop(columns="node")
