"""Where C4b-community's design-aware error comes from: two candidate changes to it,
measured on the calibration's design (an experiment, not a calibration entry).

Usage: python scripts/community_error.py {null-mean,seeds} [--graphs 40] [--planted 25]
       [--samples 19] [--seeds 5] [--seed 12345]

The test (:func:`analysis.claims.gated.design_community_result`) divides the elite's
effective number of Louvain communities by its mean over graphs drawn from the
design-aware null; its log-scale error is the grouped jackknife over ego networks with
that null mean held fixed. On the latent graphs of the calibration entry ``design-aware
C4b-community`` (:data:`analysis.claims.design.COMMUNITY_CALIBRATION`), with no elite
effect (``--graphs``) and with the elite planted in one community (``--planted``):

- ``null-mean``: each replicate's null mean recomputed on the same ``--samples`` null
  graphs restricted to the follows its kept networks see (common random numbers), so
  that the null mean moves with the replicate as the observed value does;
- ``seeds``: the statistic averaged over ``--seeds`` Louvain seeds (observed and
  replicates), a smoother statistic than one seed's partition.

Prints and returns, for each kind, the rejections at alpha 0.05 (two-sided; on the
planted graphs only rejections with the effect below 1 count), the median standard
error (log scale) of the test as it is and as changed, and the spread of the changed
test's log effect across the observations, near which a calibrated error would lie.
Each run is kept under its variant in ``results/community_error.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis import files, paths
from analysis.claims import design, gated
from analysis.graph import measures
from analysis.nulls import rewiring

SETTINGS = {**gated.INTERVAL_SETTINGS, **design.COMMUNITY_CALIBRATION}


def _wald(ratio: float, theta, mc: float) -> tuple[float, float]:
    """The test's standard error and two-sided p-value from the replicates' log effects."""
    theta = theta[np.isfinite(theta)]
    g = len(theta)
    se = float(np.hypot(np.sqrt((g - 1) / g * np.sum((theta - theta.mean()) ** 2)), mc))
    return se, float(2 * stats.t.sf(abs(np.log(ratio) / se), g - 1))


def _kept_masks(src, dst, n, ego_table, group_of, groups):
    """Per jackknife group, which follows ``(src, dst)`` a kept network still sees."""
    egos = np.asarray(pd.unique(ego_table["ego"]))
    follows, networks = gated._network_edges(measures.Graph(src, dst, np.arange(n)), ego_table, egos)
    network_group = np.array([group_of[e] for e in egos.tolist()])[networks]
    seen_by = np.bincount(follows, minlength=len(src))
    return [seen_by - np.bincount(follows[network_group == g], minlength=len(src)) > 0 for g in range(groups)]


def one_graph(rng, together: bool, variant: str, samples: int, seeds: int):
    """The test as it is and as changed on one observation: ``((se, p, ratio), (se, p, ratio))``."""
    found = design.community_observation(rng, SETTINGS, together)
    if found is None:
        return None
    graph, ego_table, elite, fit = found
    n, seed, groups = SETTINGS["n"], SETTINGS["louvain_seed"], SETTINGS["groups"]
    members = np.flatnonzero(elite)
    groups_seed, stream = int(rng.integers(2**31)), int(rng.integers(2**31))
    jackknife = gated.community_jackknife(graph, ego_table, seed, np.random.default_rng(groups_seed), groups)
    null = design.design_memberships(graph, fit, SETTINGS["null_samples"], seed, stream_seed=stream)
    values = np.array([measures.effective_communities(m, members) for m in null])
    mean = values.mean()
    mc = float(values.std(ddof=1) / (mean * np.sqrt(len(values))))
    membership = measures.communities(graph.src, graph.dst, n, seed)
    observed = measures.effective_communities(membership, members)
    replicates = jackknife.values(elite)
    as_is = (*_wald(observed / mean, np.log(replicates / mean), mc), observed / mean)
    published = gated.design_community_result(membership, null, elite, jackknife, design.COMMUNITY_NULL)
    if not np.isclose(as_is[1], published.p_two_sided, rtol=1e-9, atol=0):  # the test as it is, not a copy that drifted
        raise AssertionError(f"the experiment's test gives p = {as_is[1]}, the package's {published.p_two_sided}")
    if variant == "null-mean":
        egos = np.asarray(pd.unique(ego_table["ego"]))
        order = np.random.default_rng(groups_seed).permutation(egos)  # the groups community_jackknife drew
        group_of = dict(zip(order.tolist(), np.arange(len(egos)) % groups))
        graphs = design.design_graphs(graph, fit)
        sample_seeds = rewiring.sample_seeds(np.random.default_rng([stream, design.COMMUNITY_STREAM]),
                                             SETTINGS["null_samples"])[:samples]  # fmt: skip
        per_replicate = np.full((len(sample_seeds), groups), np.nan)
        for row, sample_seed in enumerate(sample_seeds):
            s, d = graphs.sample(np.random.default_rng(sample_seed))
            for g, kept in enumerate(_kept_masks(s, d, n, ego_table, group_of, groups)):
                inside = np.flatnonzero(jackknife.inside[g] & elite)
                if len(inside):
                    partition = measures.communities(s[kept], d[kept], n, seed)
                    per_replicate[row, g] = measures.effective_communities(partition, inside)
        changed = (*_wald(observed / mean, np.log(replicates) - np.log(per_replicate.mean(axis=0)), mc),
                   observed / mean)  # fmt: skip
    else:
        louvain_seeds = [seed + 1000 * r for r in range(seeds)]
        runs = [gated.community_jackknife(graph, ego_table, s, np.random.default_rng(groups_seed), groups)
                for s in louvain_seeds]  # fmt: skip
        smooth = np.mean([measures.effective_communities(measures.communities(graph.src, graph.dst, n, s), members)
                          for s in louvain_seeds])  # fmt: skip
        smooth_replicates = np.mean([r.values(elite) for r in runs], axis=0)
        changed = (*_wald(smooth / mean, np.log(smooth_replicates / mean), mc), smooth / mean)
    return as_is, changed


def run(variant: str, graphs: int, planted: int, samples: int, seeds: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    out = {"variant": variant, "settings": {**SETTINGS, "samples": samples, "seeds": seeds, "seed": seed}}
    for kind, count, together in (("size", graphs, False), ("power", planted, True)):
        rows = [r for r in (one_graph(rng, together, variant, samples, seeds) for _ in range(count)) if r is not None]

        def rejects(p, ratio, kind=kind):
            return p < 0.05 and (kind == "size" or ratio < 1)

        out[kind] = {
            "graphs": len(rows),
            "rejections as it is": int(sum(rejects(a[1], a[2]) for a, _ in rows)),
            "rejections changed": int(sum(rejects(b[1], b[2]) for _, b in rows)),
            "median se as it is": float(np.median([a[0] for a, _ in rows])),
            "median se changed": float(np.median([b[0] for _, b in rows])),
            "median effect": float(np.median([b[2] for _, b in rows])),
            # the effect's spread across independent observations: what a calibrated error would be near (no
            # spread with fewer than two)
            "spread of log effect": float(np.std([np.log(b[2]) for _, b in rows], ddof=1)) if len(rows) > 1 else None,
        }
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variant", choices=["null-mean", "seeds"])
    parser.add_argument("--graphs", type=int, default=40)
    parser.add_argument("--planted", type=int, default=25)
    parser.add_argument("--samples", type=int, default=19, help="null graphs per replicate (null-mean)")
    parser.add_argument("--seeds", type=int, default=5, help="Louvain seeds averaged (seeds)")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--out", type=Path, default=paths.project_root() / "results" / "community_error.json")
    args = parser.parse_args(argv)
    found = run(args.variant, args.graphs, args.planted, args.samples, args.seeds, args.seed)
    print(json.dumps(found, indent=1))
    kept = json.loads(args.out.read_text()) if args.out.exists() else {}
    files.write_text(args.out, json.dumps({**kept, args.variant: found}, indent=1) + "\n")


if __name__ == "__main__":
    main()
