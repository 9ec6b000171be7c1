"""Design-aware tests of the graph statements (C2a, C2b, C4a, C5): each ego network
analysed as the complete observation it is, with a sampling interval from
resampling egos.

**Why.** In SNAP ego-Twitter a follow is seen only when both accounts are friends of
one ego; a null fitted to the union of the ego networks expects follows between
accounts that never share an ego network, which could never have been seen. Here
every ego network ``e`` (the accounts the ego follows, and the follows among them
in the union graph; the ego left out unless ``include_ego``, which keeps the ego and
the follows its friends send it, but never its own follows of its friends: those
exist by construction and carry no information) gets its own maximum-entropy null
(:mod:`analysis.nulls.maxent`), and each statement's observed count ``O_e`` and the
null's expected count ``E_e`` are summed over ego networks: the effect is
``sum O_e / sum E_e`` (pooled as in a Mantel-Haenszel estimate), its interval and
p-value from resampling the ego networks
(:func:`analysis.stats.inference.cluster_bootstrap_test`). On a graph that is not a
set of ego networks, the one network is the whole graph and the clusters resampled
are accounts.

**The counts** (direction: ``i -> j`` means ``i`` follows ``j``):

- ``C2a``: follows from celebrities to regular accounts; ``E``: their expected
  number under the DBCM (the celebrities' out-degrees kept on average, so the
  ratio is that of the shares);
- ``C4a``: follows among the elite (celebrities), DBCM;
- ``C2b-chance`` / ``C2b-budget``: of the observed regular -> celebrity follows, the
  number returned; ``E``: the sum over those follows of the probability that the
  celebrity follows back given the follow, under the DBCM (chance) or the RBCM (the
  accounts' numbers of mutual ties kept on average);
- ``C5``: the same for celebrity -> celebrity follows, RBCM;
- ``C5-vs-regular``: the ``C5`` ratio divided by the same ratio for regular ->
  regular follows.

For the whole-graph clusters, a count is credited to its follower (``C2a``,
``C4a``), a returned follow to the account that returns it, and the two follows of
a mutual pair to the same account, so that they are resampled together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..graph.labelled import LabelledGraph
from ..nulls import maxent
from ..stats import inference
from . import catalogue

__all__ = [
    "STATEMENTS",
    "EGO_TOL",
    "EgoNetworks",
    "ego_networks",
    "statement_parts",
    "DesignTests",
    "design_tests",
    "design_statements",
]

STATEMENTS = ("C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular")
EGO_TOL = 1e-4  # degree tolerance of the per-ego fits (edges)
_MODEL = {"C2a": "dbcm", "C4a": "dbcm", "C2b-chance": "dbcm", "C2b-budget": "rbcm", "C5": "rbcm",
          "C5-vs-regular": "rbcm"}  # fmt: skip


@dataclass(frozen=True)
class EgoNetworks:
    """Which accounts make up each ego network: ``ego[k]`` is the node index of the ego
    (-1 when the ego is not a node of the graph) and ``members[k]`` the node indices of
    the accounts it follows."""

    ego: np.ndarray
    members: list[np.ndarray]


def ego_networks(lg: LabelledGraph, table: pd.DataFrame) -> EgoNetworks:
    """The ego networks of ``lg`` from a table with columns ``ego, member`` (user ids:
    the ego follows the member); members that are not nodes of the graph are dropped."""
    if not {"ego", "member"} <= set(table.columns):
        raise ValueError("the ego table needs the columns ego and member")
    graph = lg.graph
    egos, members = [], []
    for ego, block in table.groupby("ego", sort=True):
        nodes = graph.index_of(block["member"].to_numpy())
        nodes = np.unique(nodes[nodes >= 0])
        if len(nodes):
            egos.append(int(graph.index_of([ego])[0]))
            members.append(nodes)
    return EgoNetworks(np.array(egos, dtype=np.int64), members)


def _local_edges(src_sorted, dst_sorted, starts, nodes):
    """Edges of the union graph among ``nodes`` (local indices 0..len-1)."""
    local = np.full(len(starts) - 1, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    out = [np.arange(starts[v], starts[v + 1]) for v in nodes]
    positions = np.concatenate(out) if out else np.empty(0, np.int64)
    s, d = local[src_sorted[positions]], local[dst_sorted[positions]]
    keep = d >= 0
    return s[keep], d[keep]


def _returned(src, dst, n):
    keys = src.astype(np.int64) * n + dst
    return np.isin(dst.astype(np.int64) * n + src, keys)


def statement_parts(src, dst, n: int, classes, cluster_of=None, tol: float = maxent.DEFAULT_TOL) -> dict:
    """Observed and expected counts of each statement on one network ``src -> dst`` with a
    class per node, under a DBCM and an RBCM fitted to it.

    Returns ``{statement: (cluster, observed, expected)}`` arrays, one entry per unit
    counted (a celebrity account for ``C2a`` and ``C4a``, an observed follow for the
    others); ``cluster`` is ``cluster_of[node]`` of the unit's account (by default the
    node itself). ``C5-vs-regular`` has two entries, ``"C5"`` and ``"regular"`` (the
    regular -> regular follows). Statements with no unit are absent. Raises
    :class:`~analysis.nulls.maxent.NotConverged` when a fit does not converge."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    classes = np.asarray(classes)
    cluster_of = np.arange(n) if cluster_of is None else np.asarray(cluster_of)
    celeb, regular = classes == "celebrity", classes == "regular"
    out_deg, in_deg = np.bincount(src, minlength=n), np.bincount(dst, minlength=n)
    parts: dict = {}
    if len(src) == 0 or not celeb.any():
        return parts
    dbcm = maxent.fit_dbcm(out_deg, in_deg, tol=tol)
    returned = _returned(src, dst, n)
    for sid, target in (("C2a", regular), ("C4a", celeb)):
        follower = np.flatnonzero(celeb & (out_deg > 0))
        if not len(follower) or not target.any():
            continue
        xy = np.outer(dbcm.x[follower], dbcm.y[target])
        p = xy / (1 + xy)
        if sid == "C4a":  # no self-follows
            p[np.arange(len(follower)), np.searchsorted(np.flatnonzero(target), follower)] = 0.0
        observed = np.bincount(src[target[dst] & celeb[src]], minlength=n)[follower]
        parts[sid] = (cluster_of[follower], observed.astype(float), p.sum(axis=1))
    rbcm = None
    for sid, a, b, model in (("C2b-chance", regular, celeb, "dbcm"), ("C2b-budget", regular, celeb, "rbcm"),
                             ("C5", celeb, celeb, "rbcm"), ("regular", regular, regular, "rbcm")):  # fmt: skip
        chosen = a[src] & b[dst]
        if not chosen.any():
            continue
        if model == "rbcm" and rbcm is None:
            rbcm = maxent.fit_rbcm(src, dst, n, tol=tol)
        fit = dbcm if model == "dbcm" else rbcm
        i, j = src[chosen], dst[chosen]
        # a returned follow is credited to the account that returns it; for a pair of one
        # class, both follows go to the account with the smaller index
        account = np.minimum(i, j) if sid in ("C5", "regular") else j
        parts[sid] = (cluster_of[account], returned[chosen].astype(float), maxent.conditional_reciprocation(fit, i, j))
    return parts


@dataclass
class DesignTests:
    """The design-aware tests of one graph: ``tests`` (by statement id; the catalogue's
    direction), ``untested`` (why a statement could not be tested), ``facts`` (networks
    used, skipped, units counted) and ``by_network``: each network's observed and
    expected count per statement (one row a network and statement)."""

    tests: dict[str, inference.TestResult]
    untested: dict[str, str]
    facts: dict = field(default_factory=dict)
    by_network: pd.DataFrame = field(default_factory=pd.DataFrame)


def _description(design: str, include_ego: bool, model: str) -> str:
    unit = ("each ego network" + (" (with its ego)" if include_ego else " (ego left out)")) if design == "ego" else (
        "the whole graph")  # fmt: skip
    what = maxent.NULL_DESCRIPTIONS[model]
    resampled = "ego networks" if design == "ego" else "accounts"
    return f"{what}; fitted within {unit}, counts pooled, {resampled} resampled for the interval and the test"


def design_tests(
    lg: LabelledGraph,
    rng: np.random.Generator,
    egos: EgoNetworks | None = None,
    include_ego: bool = False,
    n_boot: int = 2000,
    tol: float | None = None,
) -> DesignTests:
    """Design-aware tests of :data:`STATEMENTS` on ``lg``: within each ego network of
    ``egos`` (clusters: ego networks), or, when ``egos`` is None, on the whole graph
    (clusters: accounts). An ego network whose fit does not converge to ``tol`` is left
    out and counted in ``facts["networks_skipped"]``."""
    g = lg.graph
    classes = np.asarray(lg.classes)
    order = np.argsort(g.src, kind="stable")
    src_sorted, dst_sorted = g.src[order], g.dst[order]
    starts = np.searchsorted(src_sorted, np.arange(g.n + 1))
    if egos is None:
        tol = maxent.DEFAULT_TOL if tol is None else tol
        networks = [(np.arange(g.n), g.src, g.dst, None)]
    else:
        tol = EGO_TOL if tol is None else tol
        networks = []
        for k, (ego, members) in enumerate(zip(egos.ego, egos.members)):
            nodes = np.union1d(members, [ego]) if include_ego and ego >= 0 else members
            s, d = _local_edges(src_sorted, dst_sorted, starts, nodes)
            if include_ego and ego >= 0:  # the ego's follows of its friends exist by construction
                own = np.searchsorted(nodes, ego)
                s, d = s[s != own], d[s != own]
            networks.append((nodes, s, d, np.full(len(nodes), k)))
    collected = {sid: [] for sid in ("C2a", "C4a", "C2b-chance", "C2b-budget", "C5", "regular")}
    skipped, rows = 0, []
    for k, (nodes, s, d, cluster) in enumerate(networks):
        local_classes = classes[nodes]
        try:
            parts = statement_parts(s, d, len(nodes), local_classes, cluster, tol=tol)
        except maxent.NotConverged:
            skipped += 1
            continue
        for sid, (clusters, observed, expected) in parts.items():
            collected[sid].append(np.column_stack([clusters, observed, expected]))
            rows.append({"network": k, "statement": sid, "observed": observed.sum(), "expected": expected.sum()})
    n_clusters = len(networks) if egos is not None else g.n
    sums = {}
    for sid, blocks in collected.items():
        if blocks:
            units = np.vstack(blocks)
            index = units[:, 0].astype(np.int64)
            sums[sid] = np.column_stack([np.bincount(index, units[:, c], minlength=n_clusters) for c in (1, 2)])
    tests, untested = {}, {}
    design = "ego" if egos is not None else "graph"
    for sid in STATEMENTS:
        entry = catalogue.statement(sid)
        if sid == "C5-vs-regular":
            if "C5" not in sums or "regular" not in sums:
                untested[sid] = "no follows among celebrities or among regular accounts in the networks"
                continue
            parts = np.column_stack([sums["C5"], sums["regular"]])
            split = _ratio_of_ratios
        else:
            if sid not in sums:
                untested[sid] = "no such follows in the networks"
                continue
            parts, split = sums[sid], _ratio
        keep = parts.any(axis=1)  # clusters that count nothing carry no information
        result = inference.cluster_bootstrap_test(entry.statistic + " (design-aware, observed / expected)",
                                                  parts[keep], split, _description(design, include_ego, _MODEL[sid]),
                                                  entry.direction, rng, n_boot)  # fmt: skip
        if np.isfinite(result.p_value):
            tests[sid] = result
        else:
            untested[sid] = "fewer than two networks count such follows, or none is expected"
    facts = {"design": design, "networks": len(networks), "networks_skipped": skipped, "include_ego": include_ego,
             "tolerance": tol, "clusters_counted": {sid: int(s.any(axis=1).sum()) for sid, s in sums.items()}}  # fmt: skip
    return DesignTests(tests, untested, facts, pd.DataFrame(rows, columns=["network", "statement", "observed",
                                                                           "expected"]))  # fmt: skip


def _ratio(totals):
    return totals[0], totals[1]


def _ratio_of_ratios(totals):
    o1, e1, o2, e2 = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        return (o1 / e1 if e1 else np.nan), (o2 / e2 if e2 else np.nan)


def design_statements(lg: LabelledGraph, rng: np.random.Generator, ego_table: pd.DataFrame | None = None,
                      include_ego: bool = False, n_boot: int = 2000) -> DesignTests:  # fmt: skip
    """:func:`design_tests` on a labelled graph, with its ego networks from ``ego_table``
    (``ego, member`` user ids) when the data are ego networks."""
    egos = ego_networks(lg, ego_table) if ego_table is not None else None
    return design_tests(lg, rng, egos, include_ego, n_boot)
