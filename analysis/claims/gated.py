"""C4, the gated community: do celebrities follow celebrities more than their
degrees imply, and is the elite closed? (notebook 04).

The catalogue's statements of C4, the tests against null 1 (directed
degree-preserving rewiring, :mod:`analysis.nulls.rewiring`):

- ``C4a`` enrichment: elite closure, the share of the elite's follows that go to
  the elite (:func:`elite_closure_test`; in :func:`gated_community`), ``greater``;
- ``C4b-community``: the effective number of Louvain communities the elite falls
  into (:func:`effective_communities_test`, :func:`community_test`), ``less``;
- ``C4b-closed`` (described): the absolute shares of :func:`closure_shares`.

The in-leak, the share of follows into the elite that come from outside
(:func:`in_leak_test`; in :func:`gated_community`, ``less``), is reported beside
them but is no statement of its own, for this reason:

Null 1 keeps every account's numbers of follows given and received, so the
elite's totals of follows given (``elite_out``) and received (``elite_in``) are
fixed and both closure = E / elite_out and in-leak = 1 - E / elite_in are
functions of one count, E, the follows among the elite: against this null the
closure and in-leak tests order the samples alike (same p-value up to the random
breaking of ties) and differ only in their effect sizes.

Whether the elite is *closed* in the post's sense (most of its follows stay
inside) is an absolute question, without a null: :func:`closure_shares`, read
against :data:`CLOSED_SHARE`.

Calibration (size on graphs drawn from the degree null, power on planted graphs):
:func:`calibrate_inflow`, :func:`calibrate_community` (the closure test's is in
:mod:`analysis.claims.calibration`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from .. import files
from ..graph import arrays, louvain, measures
from ..graph.labelled import LabelledGraph
from ..nulls import rewiring
from ..stats import inference, synthetic

__all__ = [
    "gated_statistics",
    "GATED_NAMES",
    "GATED_ALTERNATIVES",
    "STATEMENT_TESTS",
    "CLOSED_SHARE",
    "gated_community",
    "closure_shares",
    "closed_word",
    "COMMUNITY_NAME",
    "community_statistic",
    "community_test",
    "effective_communities_test",
    "community_result",
    "design_community_result",
    "COMMUNITY_JACKKNIFE_GROUPS",
    "CommunityJackknife",
    "JACKKNIFE_STREAM",
    "jackknife_rng",
    "community_jackknife",
    "jackknife_interval",
    "community_sampling_interval",
    "elite_closure_test",
    "in_leak_test",
    "calibrate_inflow",
    "calibrate_community",
    "INTERVAL_SETTINGS",
    "calibrate_community_interval",
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


STATEMENT_TESTS = {"C4a": "elite closure"}
"""The catalogue statement each of :func:`gated_community`'s tests records (by its name in ``tests``)."""


CLOSED_SHARE = 0.5
"""The post's "closed": most of the elite's follows stay inside it (a share above one half)."""


def gated_community(
    lg: LabelledGraph,
    ks,
    rng,
    n_null: int,
    switches_per_edge: float,
    progress: bool = False,
    workers: int = 1,
    scheduler=None,
    null: np.ndarray | None = None,
) -> dict:
    """C4 against the degree-keeping null (null 1): elite closure, conductance,
    clustering, and the rich-club curve rho(k) with its band and BH-adjusted p-values.
    ``workers`` (threads) and ``scheduler`` (a Dask cluster) say how the samples run;
    the values do not depend on them (:func:`analysis.nulls.rewiring.null_ensemble`).
    ``null``: an ensemble already drawn (``n_null`` rows, the columns of
    :func:`gated_statistics` for these ``ks``; for example
    :meth:`analysis.claims.chains.SharedNull.gated`), which draws nothing from ``rng``."""
    g = lg.graph
    ks = [k for k in ks if 1 < k <= g.n]
    statistic = gated_statistics(lg, ks)
    observed = np.asarray(statistic(g.src, g.dst), dtype=float)
    if null is not None:
        null = np.asarray(null, dtype=float)
        if null.shape != (n_null, len(observed)):
            raise ValueError(f"the given ensemble has shape {null.shape}, not {(n_null, len(observed))}")
    else:
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
            scheduler=scheduler,
        )
    description = rewiring.NULL_DESCRIPTIONS["degree"]
    tests = {
        name: inference.ensemble_test(name, observed[i], null[:, i], description, alternative=alt, tie_rng=rng)
        for i, (name, alt) in enumerate(zip(GATED_NAMES, GATED_ALTERNATIVES))
    }
    phi, phi_null = observed[4:], null[:, 4:]
    null_mean = phi_null.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):  # no follows among the top k in the null: rho is NaN
        rho, low, high = (phi / null_mean, *(np.percentile(phi_null, q, axis=0) / null_mean for q in (2.5, 97.5)))
    rich = pd.DataFrame(
        {
            "k": ks,
            "phi": phi,
            "null_mean": null_mean,
            "rho": rho,
            "band_low": low,
            "band_high": high,
            "p_value": [inference.ensemble_p_value(phi[i], phi_null[:, i], tie_rng=rng) for i in range(len(ks))],
        }
    )
    rich["p_bh"] = inference.benjamini_hochberg(rich["p_value"])
    return {"tests": tests, "null": null, "observed": observed, "rich_club": rich}


def closure_shares(src, dst, is_elite, rng: np.random.Generator | None = None, n_boot: int = 2000) -> dict:
    """How closed the elite is in absolute terms (no null model).

    ``inside_share``: share of the elite's follows that stay inside it (the elite
    closure); ``from_inside_share``: share of the follows into the elite that come
    from inside it (1 - in-leak); with the counts behind them: ``elite_edges`` (follows
    among the elite), ``elite_out`` (follows the elite gives), ``elite_in`` (follows it
    receives). The post's "closed" is both shares above :data:`CLOSED_SHARE`. With
    ``rng``, also each share's sampling interval (``inside_low``, ``inside_high``,
    ``from_inside_low``, ``from_inside_high``: 95% percentile intervals from resampling
    the elite accounts ``n_boot`` times, a follow credited to its elite follower for
    the first share and to its elite followee for the second;
    :func:`analysis.stats.inference.cluster_ratio_interval`).
    """
    is_elite = np.asarray(is_elite, dtype=bool)
    src, dst = np.asarray(src), np.asarray(dst)
    s_in, d_in = is_elite[src], is_elite[dst]
    inside, out_total, in_total = int((s_in & d_in).sum()), int(s_in.sum()), int(d_in.sum())
    out = {
        "inside_share": inside / out_total if out_total else float("nan"),
        "from_inside_share": inside / in_total if in_total else float("nan"),
        "elite_edges": inside,
        "elite_out": out_total,
        "elite_in": in_total,
    }
    if rng is not None:
        n, members = len(is_elite), np.flatnonzero(is_elite)
        both = s_in & d_in
        given = np.bincount(src[s_in], minlength=n)[members]
        kept = np.bincount(src[both], minlength=n)[members]
        received = np.bincount(dst[d_in], minlength=n)[members]
        from_inside = np.bincount(dst[both], minlength=n)[members]
        out["inside_low"], out["inside_high"] = inference.cluster_ratio_interval(kept, given, rng, n_boot)
        out["from_inside_low"], out["from_inside_high"] = inference.cluster_ratio_interval(from_inside, received, rng,
                                                                                           n_boot)  # fmt: skip
    return out


def closed_word(shares: dict) -> str:
    """The post's "closed" for :func:`closure_shares` with intervals: ``"closed"`` when both
    shares' intervals lie above :data:`CLOSED_SHARE`, ``"not closed"`` when either lies
    below it, ``"not measurably closed or open"`` otherwise (an interval that contains
    it, or none)."""
    ends = [(shares.get(f"{name}_low"), shares.get(f"{name}_high")) for name in ("inside", "from_inside")]
    if any(high is not None and np.isfinite(high) and high < CLOSED_SHARE for _, high in ends):
        return "not closed"
    if all(low is not None and np.isfinite(low) and low > CLOSED_SHARE for low, _ in ends):
        return "closed"
    return "not measurably closed or open"


COMMUNITY_NAME = "elite's effective number of Louvain communities (C4b-community)"
"""The name of C4b-community's statistic in the mixing diagnostic and the shared ensemble."""


def community_statistic(lg: LabelledGraph, seed: int, with_membership: bool = False) -> callable:
    """C4b-community's statistic of a graph's follows ``(src, dst)``: the effective number
    of Louvain communities (:func:`analysis.graph.measures.communities`, seeded with
    ``seed``) among ``lg``'s elite (:func:`analysis.graph.measures.effective_communities`).
    ``with_membership``: the reading is that number followed by the partition (community
    id per node), so that any other elite of the graph can be read off the same run
    (:func:`community_result`)."""
    if not with_membership:
        return _community_reading(lg.graph.n, lg.elite, seed)
    n, elite = lg.graph.n, lg.elite

    def reading(src, dst):
        membership = measures.communities(src, dst, n, seed)
        return np.r_[measures.effective_communities(membership, elite), membership]

    return reading


def _community_reading(n: int, elite, seed: int) -> callable:
    return lambda src, dst: measures.effective_communities(measures.communities(src, dst, n, seed), elite)


def effective_communities_test(
    src,
    dst,
    n: int,
    elite,
    n_samples: int,
    rng: np.random.Generator,
    seed: int,
    switches_per_edge: float = 10,
    workers: int = 1,
    scheduler=None,
    null=None,
) -> tuple[inference.TestResult, np.ndarray, np.ndarray]:
    """Does the elite fall into fewer communities than the degrees imply?

    Statistic: the effective number of Louvain communities (compiled, seeded with
    ``seed``, the same seed on the observed graph and on every null sample) among the
    node indices ``elite`` (:func:`analysis.graph.measures.effective_communities`).
    Null: directed degree-preserving rewiring, one Louvain run per sample; one-sided
    ``less``; ties (common: all the elite in one community gives 1 exactly) broken at
    random with ``rng``, so the p-value cannot fall below ``1 / (n_samples + 1)`` (a
    floorless normal approximation was calibrated and not adopted: see
    :func:`calibrate_community`). ``null``: the statistic on null samples drawn
    elsewhere (the shared ensemble, :func:`analysis.claims.chains.shared_null`, whose
    chains the diagnostic chose for this statistic too, read with the same Louvain
    ``seed``); then no ensemble is drawn here, ``n_samples`` must be its length and
    ``switches_per_edge``, ``workers`` and ``scheduler`` are unused.
    Returns the test, the null values and the observed membership.
    """
    elite = np.asarray(elite)
    if null is not None:
        null = np.asarray(null, dtype=float)
        if null.ndim != 1 or not len(null) or not np.isfinite(null).all():
            raise ValueError("the null values must be a non-empty 1-d array of finite numbers")
        if len(null) != n_samples:
            raise ValueError(f"{len(null)} null values given for {n_samples} null samples")
    membership = measures.communities(src, dst, n, seed)
    observed = measures.effective_communities(membership, elite)
    if null is None:
        null = rewiring.null_ensemble(
            src,
            dst,
            n,
            _community_reading(n, elite, seed),
            n_samples,
            rng,
            switches_per_edge=switches_per_edge,
            workers=workers,
            scheduler=scheduler,
        ).ravel()
    return _community_ensemble_test(observed, null, rng), null, membership


def _community_ensemble_test(observed: float, null, rng, null_model: str | None = None) -> inference.TestResult:
    return inference.ensemble_test(
        "effective number of communities among the elite",
        observed,
        null,
        null_model or rewiring.NULL_DESCRIPTIONS["degree"],
        alternative="less",
        tie_rng=rng,
    )


def community_result(membership, null_memberships, is_elite, rng: np.random.Generator,
                     null_model: str | None = None) -> inference.TestResult:  # fmt: skip
    """C4b-community's test (:func:`effective_communities_test`) from partitions already
    made: ``membership``, the observed graph's (community id per node), and
    ``null_memberships``, one row per null sample (Louvain with the same seed; by
    default of the degree-keeping rewiring null, else described by ``null_model``),
    read for the elite ``is_elite`` (a boolean per node); ties broken at random with
    ``rng``. The partitions do not depend on the elite, so one set serves every definition."""
    observed, null = _elite_readings(membership, null_memberships, is_elite)
    return _community_ensemble_test(observed, null, rng, null_model)


def _elite_readings(membership, null_memberships, is_elite) -> tuple[float, np.ndarray]:
    """The elite's effective number of communities in the observed partition and in each
    null partition (one per row), after refusing partitions and a mask of other nodes or an
    empty elite."""
    is_elite = np.asarray(is_elite, dtype=bool)
    null_memberships = np.asarray(null_memberships)
    if null_memberships.ndim != 2 or null_memberships.shape[1] != len(is_elite) or len(membership) != len(is_elite):
        raise ValueError("the partitions and the elite mask must cover the same nodes, one null partition per row")
    if not is_elite.any():
        raise ValueError("the elite is empty")
    elite = np.flatnonzero(is_elite)
    observed = measures.effective_communities(membership, elite)
    return observed, np.array([measures.effective_communities(m, elite) for m in null_memberships])


COMMUNITY_JACKKNIFE_GROUPS = 20
"""Groups of ego networks in the jackknife of C4b-community (one Louvain run each)."""


@dataclasses.dataclass(frozen=True)
class CommunityJackknife:
    """The replicates of C4b-community's grouped jackknife, for any elite of one graph
    (:func:`community_jackknife`): replicate ``g`` leaves group ``g`` of ego networks out;
    ``memberships[g]`` is its Louvain partition (community id per node of the whole
    graph) and ``inside[g]`` marks the accounts its kept networks contain."""

    memberships: np.ndarray
    inside: np.ndarray

    def values(self, is_elite) -> np.ndarray:
        """Each replicate's effective number of communities among the elite accounts it
        contains (NaN where it contains none); ``is_elite``: a boolean per node."""
        is_elite = np.asarray(is_elite, dtype=bool)
        if is_elite.shape != self.inside.shape[1:]:
            raise ValueError(f"an elite mask of {self.inside.shape[1]} nodes is needed, not {is_elite.shape}")
        out = []
        for membership, inside in zip(self.memberships, self.inside):
            present = np.flatnonzero(inside & is_elite)
            out.append(measures.effective_communities(membership, present) if len(present) else np.nan)
        return np.asarray(out, dtype=float)


JACKKNIFE_STREAM = 5
"""The random stream of the jackknife's groups (``default_rng([seed, JACKKNIFE_STREAM])``,
:func:`jackknife_rng`): 04's test and 05's curve split the ego networks alike."""


def jackknife_rng(seed: int) -> np.random.Generator:
    """The generator that splits the ego networks into the jackknife's groups, from the
    run's ``seed`` alone, so that 04 and 05 give the headline elite the same interval."""
    return np.random.default_rng([seed, JACKKNIFE_STREAM])


def _network_edges(graph: measures.Graph, ego_table: pd.DataFrame, egos) -> tuple[np.ndarray, np.ndarray]:
    """Which ego network sees which follow: the pairs ``(follow index, network index)`` of
    every follow whose two accounts both belong to the network (the ego and the accounts
    it follows; network ``k`` is ``egos[k]``)."""
    order = np.argsort(graph.src, kind="stable")
    starts = np.searchsorted(graph.src[order], np.arange(graph.n + 1))
    network = pd.Series(np.arange(len(egos)), index=egos)
    inside = np.zeros(graph.n, dtype=bool)
    follows, networks = [], []
    for ego, block in ego_table.groupby("ego", sort=False):
        nodes = graph.index_of(np.r_[block["member"].to_numpy(), ego])
        nodes = np.unique(nodes[nodes >= 0])
        if not len(nodes):
            continue
        counts = starts[nodes + 1] - starts[nodes]
        positions = np.repeat(starts[nodes] - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
        candidates = order[positions]
        inside[nodes] = True
        seen = candidates[inside[graph.dst[candidates]]]
        inside[nodes] = False
        follows.append(seen)
        networks.append(np.full(len(seen), network[ego], dtype=np.int64))
    if not follows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(follows), np.concatenate(networks)


def community_jackknife(
    graph: measures.Graph,
    ego_table: pd.DataFrame,
    seed: int,
    rng: np.random.Generator,
    groups: int = COMMUNITY_JACKKNIFE_GROUPS,
    workers: int = 1,
    cache: Path | str | None = None,
) -> CommunityJackknife:
    """The Louvain runs of C4b-community's grouped jackknife over ego networks, which do
    not depend on who counts as a celebrity (so one set serves every elite definition).

    The egos of ``ego_table`` (``ego, member`` ids) are split at random (``rng``;
    :func:`jackknife_rng` in the notebooks) into ``groups`` groups of near-equal size.
    Replicate ``g`` leaves group ``g`` out: its graph is what the other ego networks
    saw, the follows between two accounts of one kept network (the ego and the accounts
    it follows), and Louvain runs on it with ``seed``. ``workers``: replicates run at a
    time (threads; Louvain releases the GIL; the result does not depend on it).

    ``cache``: a folder (the fit cache) that keeps the replicates' partitions under a
    digest of the graph, the ego table, the groups drawn, ``seed`` and the code, so that
    04's test and 05's curve run them once (the groups are drawn either way: ``rng``
    advances alike whether the partitions are read or run)."""
    if groups < 2:
        raise ValueError("the jackknife needs at least two groups")
    egos = np.asarray(pd.unique(ego_table["ego"]))
    if len(egos) < groups:
        raise ValueError(f"{len(egos)} ego networks cannot be split into {groups} groups")
    group_of = dict(zip(rng.permutation(egos).tolist(), np.arange(len(egos)) % groups))
    ego_group = ego_table["ego"].map(group_of).to_numpy()
    follows, networks = _network_edges(graph, ego_table, egos)
    network_group = np.array([group_of[e] for e in egos.tolist()], dtype=np.int64)[networks]
    seen_by = np.bincount(follows, minlength=graph.m)  # networks that see each follow

    def kept_accounts(left_out):
        kept = ego_table[ego_group != left_out]
        inside = np.zeros(graph.n, dtype=bool)
        nodes = graph.index_of(np.union1d(kept["member"].to_numpy(), kept["ego"].to_numpy()))
        inside[nodes[nodes >= 0]] = True
        return inside

    def replicate(left_out):
        lost = np.bincount(follows[network_group == left_out], minlength=graph.m)
        mask = seen_by - lost > 0  # still seen by a kept network
        return measures.communities(graph.src[mask], graph.dst[mask], graph.n, seed)

    def run():
        if workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers) as pool:
                return np.stack(list(pool.map(replicate, range(groups))))
        return np.stack([replicate(left_out) for left_out in range(groups)])

    if cache is None:
        memberships = run()
    else:
        key = _jackknife_digest(graph, ego_table, ego_group, seed, groups)
        memberships = files.cached_array(
            Path(cache) / f"jackknife-{key}.npy",
            "the community jackknife's replicates",
            lambda saved: saved.shape == (groups, graph.n),
            lambda: run().astype(np.int32),  # community ids < n: a quarter of int64's size
        ).astype(np.int64)
    return CommunityJackknife(memberships, np.stack([kept_accounts(g) for g in range(groups)]))


def _jackknife_digest(graph: measures.Graph, ego_table: pd.DataFrame, ego_group, seed: int, groups: int) -> str:
    """The cache key of :func:`community_jackknife`'s replicates: everything they are a
    function of (the graph, the ego table and each row's group, the Louvain seed) and
    the code that computes them."""
    digest = hashlib.blake2b(f"jackknife|{graph.n}|{seed}|{groups}".encode(), digest_size=20)
    for module in (measures, louvain, arrays):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    for array in (graph.src, graph.dst, graph.ids, ego_table["ego"], ego_table["member"], ego_group):
        digest.update(np.ascontiguousarray(np.asarray(array), dtype=np.int64).tobytes())
    return digest.hexdigest()


def jackknife_interval(values, observed: float, null_mean: float, level: float = 0.95) -> dict:
    """The grouped jackknife interval of a ratio ``observed / null_mean`` from the
    replicates' statistics ``values`` (one per left-out group; NaN ones dropped): with
    ``theta_g = log(values_g / null_mean)`` (``null_mean`` held fixed: its Monte Carlo
    error is the null's, not the data's) and ``G`` finite replicates,
    ``se = sqrt((G - 1) / G * sum_g (theta_g - mean theta)^2)`` and the interval is
    ``exp(log(observed / null_mean) +- t_{G-1} se)``. Returns ``low``, ``high``,
    ``se_log``, ``groups`` (all replicates) and ``values``; with fewer than two finite
    replicates the standard error and the interval are NaN."""
    values = np.asarray(values, dtype=float)
    theta = np.log(values / null_mean)
    theta = theta[np.isfinite(theta)]
    k = len(theta)
    se = float(np.sqrt((k - 1) / k * np.sum((theta - theta.mean()) ** 2))) if k > 1 else float("nan")
    centre, t = np.log(observed / null_mean), float(stats.t.ppf(0.5 + level / 2, max(k - 1, 1)))
    return {"low": float(np.exp(centre - t * se)), "high": float(np.exp(centre + t * se)), "se_log": se,
            "groups": int(len(values)), "values": [float(v) for v in values]}  # fmt: skip


def design_community_result(membership, null_memberships, is_elite, jackknife: CommunityJackknife,
                            null_model: str, level: float = 0.95) -> inference.TestResult:  # fmt: skip
    """C4b-community's design-aware test: the elite's effective number of Louvain
    communities on the observed graph (``membership``) against its mean over graphs drawn
    from a null that allows follows only where they could have been seen
    (``null_memberships``, a row per sample: :func:`analysis.claims.design.design_memberships`,
    Louvain with the observed graph's seed), read for the elite ``is_elite``, with the
    data's sampling error as its error, as the other design-aware tests have it.

    Effect ``r = O / m`` (``m`` the null mean). On the log scale its standard error
    combines the grouped jackknife over ego networks (``jackknife``:
    :func:`jackknife_interval`'s ``se_log`` with ``m`` held fixed) and the Monte Carlo
    error of ``log m`` (``s / (m sqrt(n))``, ``s`` the null's standard deviation over its
    ``n`` samples): ``se = sqrt(se_jk^2 + se_mc^2)``. Wald test ``t = log r / se`` against
    Student's t with ``G - 1`` degrees of freedom (``G`` replicates that contain the
    elite), one-sided ``less`` (``p_opposite`` the other side); the interval ``exp(log r
    +- t_q se)``, a sampling interval; no p-value floor. Fewer than two replicates with
    the elite, a null mean of 0 or no spread at all: NaN p-value and interval."""
    is_elite = np.asarray(is_elite, dtype=bool)
    if jackknife.inside.shape[1] != len(is_elite):
        raise ValueError("the jackknife replicates are of another graph")
    observed, null = _elite_readings(membership, null_memberships, is_elite)
    mean, n = float(null.mean()), len(null)
    nan = float("nan")
    ratio = observed / mean if mean > 0 else nan
    statistic = "effective number of communities among the elite"
    found = jackknife_interval(jackknife.values(is_elite), observed, mean, level) if mean > 0 else None
    finite = int(np.isfinite(np.log(np.asarray(found["values"]) / mean)).sum()) if found is not None else 0
    if found is None or finite < 2 or not np.isfinite(found["se_log"]) or not np.isfinite(ratio) or ratio <= 0:
        return inference.TestResult(statistic, observed, mean, ratio, nan, nan, nan, nan, n, null_model, "less", nan,
                                    "sampling")  # fmt: skip
    mc = float(null.std(ddof=1) / (mean * np.sqrt(n))) if n > 1 else 0.0
    se = float(np.hypot(found["se_log"], mc))
    if not se > 0:  # no spread anywhere: nothing to test against, no interval
        return inference.TestResult(statistic, observed, mean, ratio, nan, nan, nan, nan, n, null_model, "less", nan,
                                    "sampling")  # fmt: skip
    df = finite - 1
    z = float(np.log(ratio) / se)
    p, opposite = inference.normal_tails(z, "less", df=df)
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    return inference.TestResult(statistic, observed, mean, ratio, z, float(ratio * np.exp(-half)),
                                float(ratio * np.exp(half)), p, n, null_model, "less", opposite, "sampling")  # fmt: skip


def community_sampling_interval(
    lg: LabelledGraph,
    ego_table: pd.DataFrame,
    observed: float,
    null_mean: float,
    seed: int,
    rng: np.random.Generator,
    groups: int = COMMUNITY_JACKKNIFE_GROUPS,
    level: float = 0.95,
    workers: int = 1,
    jackknife: CommunityJackknife | None = None,
    cache: Path | str | None = None,
) -> dict:
    """The sampling interval of C4b-community's effect (the elite's effective number of
    communities over the null mean): a grouped jackknife over ego networks
    (:func:`community_jackknife`, then :func:`jackknife_interval` on the effective number
    of communities of the elite accounts each replicate still contains).

    ``observed``: the statistic on the whole graph. Louvain is not a smooth function of
    the data, so the interval is approximate (its coverage on ego-sampled graphs is
    measured by :func:`calibrate_community_interval`); it carries the partition's
    dependence on which networks were sampled, which resampling accounts under a fixed
    partition would not. ``jackknife``: replicates already run on this graph (then
    ``ego_table``, ``seed``, ``rng``, ``groups``, ``workers`` and ``cache`` are unused);
    ``cache``: where :func:`community_jackknife` keeps them."""
    if jackknife is None:
        jackknife = community_jackknife(lg.graph, ego_table, seed, rng, groups, workers, cache)
    return jackknife_interval(jackknife.values(lg.is_elite), observed, null_mean, level)


def community_test(
    lg: LabelledGraph,
    rng,
    n_null: int,
    switches_per_edge: float,
    seed: int,
    workers: int = 1,
    scheduler=None,
    ego_table: pd.DataFrame | None = None,
    jackknife_groups: int = COMMUNITY_JACKKNIFE_GROUPS,
    null=None,
    jackknife_rng: np.random.Generator | None = None,
    cache: Path | str | None = None,
    jackknife: CommunityJackknife | None = None,
) -> tuple[inference.TestResult, np.ndarray, np.ndarray]:
    """C4b-community on a labelled graph: :func:`effective_communities_test` with its
    elite (``null``: the shared ensemble's values, :meth:`analysis.claims.chains.SharedNull.communities`);
    with an ``ego_table`` (the graph is a union of ego networks) its interval is
    the sampling interval of :func:`community_sampling_interval` (``jackknife_groups``
    groups drawn with ``jackknife_rng``, default ``rng``; ``workers`` Louvain runs at a
    time; ``cache``: where the replicates are kept, :func:`community_jackknife`;
    ``jackknife``: replicates already run, then none of these is used), otherwise the
    null's. Returns the test, the null values and the observed membership."""
    g = lg.graph
    result, null, membership = effective_communities_test(
        g.src,
        g.dst,
        g.n,
        lg.elite,
        n_null,
        rng,
        seed,
        switches_per_edge=switches_per_edge,
        workers=workers,
        scheduler=scheduler,
        null=null,
    )
    if ego_table is None or not np.isfinite(result.expected) or result.expected <= 0:
        return result, null, membership
    found = community_sampling_interval(
        lg, ego_table, result.observed, result.expected, seed, rng if jackknife_rng is None else jackknife_rng,
        jackknife_groups, workers=workers, jackknife=jackknife, cache=cache,
    )  # fmt: skip
    return (
        dataclasses.replace(result, ci_low=found["low"], ci_high=found["high"], interval="sampling"),
        null,
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
    workers: int = 1,
    scheduler=None,
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
        workers=workers,
        scheduler=scheduler,
    )
    return inference.ensemble_test(
        "elite closure (share of elite follows to the elite)",
        observed,
        null,
        rewiring.NULL_DESCRIPTIONS[model],
        tie_rng=rng,
    )


def in_leak_test(
    src,
    dst,
    n: int,
    is_elite,
    n_samples: int,
    rng: np.random.Generator,
    model: str = "degree",
    switches_per_edge: float = 10,
    progress: bool = False,
    workers: int = 1,
    scheduler=None,
) -> inference.TestResult:
    """In-leak (reported beside C4a): do fewer of the follows into the elite come from outside than the
    degrees imply?

    Statistic: in-leak, the share of follows into the elite that come from outside
    (:func:`analysis.graph.measures.conductance`). Null: ``model`` rewiring, one-sided
    ``less``; ties broken at random with ``rng``. Against the degree null this orders
    the samples as :func:`elite_closure_test` does (see the module docstring).
    """
    is_elite = np.asarray(is_elite, dtype=bool)
    observed = measures.conductance(src, dst, is_elite)["in_leak"]
    null = rewiring.null_ensemble(
        src,
        dst,
        n,
        lambda s, d: measures.conductance(s, d, is_elite)["in_leak"],
        n_samples,
        rng,
        model=model,
        switches_per_edge=switches_per_edge,
        progress=progress,
        workers=workers,
        scheduler=scheduler,
    )
    return inference.ensemble_test(
        GATED_NAMES[1], observed, null, rewiring.NULL_DESCRIPTIONS[model], alternative="less", tie_rng=rng
    )


# ------------------------------------------------------------------ calibration


def _null_graph(rng, n, m, switches_per_edge):
    """A graph drawn from the degree null: a heavy-tailed Chung-Lu graph, then rewired."""
    base_src, base_dst = synthetic.calibration_graph(rng, n=n, m=m)
    return rewiring.rewire_directed(base_src, base_dst, n, rng, switches_per_edge=switches_per_edge)


def _top_followed(dst, n, k):
    return np.sort(measures.top_k_by(measures.in_degree(dst, n), k))


def _calibrate(rng, n_graphs, test, n, m, elite_size, factor, switches_per_edge) -> dict:
    """Rejection rates at ALPHA of ``test(src, dst, elite_indices)``: on ``n_graphs``
    graphs drawn from the degree null (elite: the ``elite_size`` most followed) and on
    ``n_graphs`` planted graphs (elite: the planted block, ``factor`` times denser)."""
    size_p, power_p, size_two, power_two = [], [], [], []
    others: dict = {}  # other p-values of the same samples: test returns {"": result, name: result}
    for _ in range(n_graphs):
        src, dst = _null_graph(rng, n, m, switches_per_edge)
        results = test(src, dst, _top_followed(dst, n, elite_size))
        results = results if isinstance(results, dict) else {"": results}
        size_p.append(results[""].p_value)
        size_two.append(results[""].rejects_two_sided(inference.ALPHA))
        for key, other in ((k, r) for k, r in results.items() if k):
            others.setdefault(f"size_two_sided_{key}", []).append(other.rejects_two_sided(inference.ALPHA))
    for _ in range(n_graphs):
        src, dst, elite = synthetic.planted_elite_graph(rng, n=n, m=m, elite_size=elite_size, factor=factor)
        results = test(src, dst, elite)
        results = results if isinstance(results, dict) else {"": results}
        power_p.append(results[""].p_value)
        power_two.append(results[""].rejects_two_sided(inference.ALPHA, predicted=True))
        for key, other in ((k, r) for k, r in results.items() if k):
            others.setdefault(f"power_two_sided_{key}", []).append(other.rejects_two_sided(inference.ALPHA, True))
    size_p, power_p = np.asarray(size_p), np.asarray(power_p)
    return {
        "graphs": n_graphs,
        "nodes": n,
        "mean_edges": m,
        "elite_size": elite_size,
        "planted_factor": factor,
        "switches_per_edge": switches_per_edge,
        "alpha": inference.ALPHA,
        "size": float((size_p < inference.ALPHA).mean()),
        "size_mean_p_value": float(size_p.mean()),
        "power": float((power_p < inference.ALPHA).mean()),
        "power_mean_p_value": float(power_p.mean()),
        "size_two_sided": float(np.mean(size_two)),
        "power_two_sided": float(np.mean(power_two)),
        **{key: float(np.mean(values)) for key, values in others.items()},
    }


def calibrate_inflow(
    rng: np.random.Generator,
    n_graphs: int,
    n_null: int,
    n: int = 120,
    m: float = 700,
    elite_size: int = 12,
    factor: float = 3.0,
    switches_per_edge: float = 10,
) -> dict:
    """Size and power of the in-leak test (:func:`in_leak_test`, degree null).

    Size: the rejection rate at ALPHA on ``n_graphs`` graphs drawn from the null (a
    heavy-tailed Chung-Lu graph rewired ``switches_per_edge`` x E; elite: the
    ``elite_size`` most followed), which should be near ALPHA. Power: the rejection
    rate on ``n_graphs`` planted graphs (:func:`analysis.stats.synthetic.planted_elite_graph`:
    the elite block ``factor`` times denser than the degrees imply, so fewer of the
    follows into the elite come from outside). Returns the settings and both rates.
    """

    def test(src, dst, elite):
        mask = np.zeros(n, dtype=bool)
        mask[elite] = True
        return in_leak_test(src, dst, n, mask, n_null, rng, switches_per_edge=switches_per_edge)

    out = _calibrate(rng, n_graphs, test, n, m, elite_size, factor, switches_per_edge)
    return {"test": "in-leak", "null_samples": n_null, **out}


def calibrate_community(
    rng: np.random.Generator,
    n_graphs: int,
    n_null: int,
    n: int = 120,
    m: float = 700,
    elite_size: int = 12,
    factor: float = 3.0,
    switches_per_edge: float = 10,
    seed: int = 1,
) -> dict:
    """Size and power of the C4b-community test (:func:`effective_communities_test`,
    degree null, Louvain seeded with ``seed``), on the graphs of :func:`calibrate_inflow`:
    size on ``n_graphs`` graphs drawn from the null, power on ``n_graphs`` planted graphs
    (a denser elite block should gather the elite in fewer communities). Costs one
    Louvain run per null sample. Returns the settings and both rates, one- and
    two-sided, and the two-sided rates of the normal-approximation p-value of the same
    ensembles (``size_two_sided_normal``, ``power_two_sided_normal``:
    :func:`analysis.stats.inference.normal_ensemble_test`, which has no floor).
    """

    def test(src, dst, elite):
        result, null, _ = effective_communities_test(
            src, dst, n, elite, n_null, rng, seed, switches_per_edge=switches_per_edge
        )
        normal = inference.normal_ensemble_test(result.statistic, result.observed, null, result.null_model, "less")
        return {"": result, "normal": normal}  # the rank and the normal p-value of the same ensemble

    out = _calibrate(rng, n_graphs, test, n, m, elite_size, factor, switches_per_edge)
    return {"test": "C4b-community", "null_samples": n_null, "louvain_seed": seed, **out}


INTERVAL_SETTINGS = {"n": 5000, "mean_degree": 40.0, "communities": 5, "within_factor": 4.0, "elite_size": 30,
                     "egos": 80, "groups": COMMUNITY_JACKKNIFE_GROUPS, "louvain_seed": 1, "null_samples": 19,
                     "switches_per_edge": 3.0}  # fmt: skip
"""The population of :func:`calibrate_community_interval`: ``n`` accounts in
``communities`` planted communities of equal size (follows inside one ``within_factor``
times likelier), ``mean_degree`` follows per account, the ``elite_size`` most followed
as the elite, observed through ``egos`` random ego networks (the share of the accounts
their union holds is measured and returned), ``groups`` jackknife groups as in 04; each
observation's null mean from ``null_samples`` degree-keeping rewirings of
``switches_per_edge``."""


def _community_population(rng, settings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, k = settings["n"], settings["mean_degree"]
    w_in = synthetic.heavy_tailed_weights(n, 2.5, rng)  # sorted: the first accounts the most followed
    w_out = rng.permutation(synthetic.heavy_tailed_weights(n, 3.5, rng))
    block = rng.permutation(np.arange(n) % settings["communities"])
    if settings.get("elite_together"):  # the elite (the most followed) planted in one community
        block[: settings["elite_size"]] = 0
    same = block[:, None] == block[None, :]
    boost = np.where(same, settings["within_factor"], 1.0)
    # scale the odds so that the mean number of follows per account is about mean_degree
    base = np.outer(w_out / w_out.mean(), w_in / w_in.mean()) * boost
    np.fill_diagonal(base, 0.0)
    scale = k * n / base.sum()
    x, y = scale * w_out / w_out.mean(), w_in / w_in.mean()
    src, dst = synthetic.latent_maxent_graph(rng, x, y, odds_boost=lambda kind: boost)
    is_elite = np.zeros(n, dtype=bool)
    is_elite[: settings["elite_size"]] = True
    return src, dst, is_elite


def calibrate_community_interval(rng: np.random.Generator, n_populations: int = 5, draws: int = 40,
                                 settings: dict | None = None, level: float = 0.95) -> dict:  # fmt: skip
    """Coverage of C4b-community's sampling interval (:func:`community_sampling_interval`,
    the grouped jackknife over ego networks) on graphs observed as SNAP observed Twitter.

    ``n_populations`` latent graphs with planted communities (:data:`INTERVAL_SETTINGS`),
    each observed ``draws`` times through different random egos
    (:func:`analysis.stats.synthetic.ego_sample`). On each observation, as 04 does: the
    elite's effective number of Louvain communities in the union of the sampled networks,
    its null mean from a small degree-keeping rewiring ensemble of that union, the effect
    (their ratio) and the jackknife interval of the effect (the null mean held fixed).
    The target is what the interval claims to cover: the log effect's mean over repeated
    samples of egos from the same population (its design expectation, estimated by the
    mean over the other draws). Returns the settings; ``coverage`` (the share of intervals
    at ``level`` that cover their population's target); ``se_ratio`` (median over the
    populations of the mean jackknife standard error over the log effect's standard
    deviation across draws; ``se_ratios`` per population: 1 when the jackknife measures
    the sampling spread, above 1 when it overstates it); the same two for the statistic
    alone (``coverage_statistic``, ``se_ratio_statistic``: the numerator, whose spread the
    jackknife resamples); ``coverage_population``, the share of intervals of the
    statistic covering the complete latent graph's value (what the interval does not
    claim: seeing only ego networks can move the statistic, which no resampling of them
    shows); and ``union_share``, the mean share of the accounts the sampled networks hold."""
    settings = {**INTERVAL_SETTINGS, **(settings or {})}
    if draws < 3:
        raise ValueError("at least three draws per population are needed for a leave-one-out target")
    seed, groups, n = settings["louvain_seed"], settings["groups"], settings["n"]
    t = float(stats.t.ppf(0.5 + level / 2, groups - 1))
    rows = []
    for population in range(n_populations):
        src, dst, is_elite = _community_population(rng, settings)
        whole = measures.effective_communities(measures.communities(src, dst, n, seed), np.flatnonzero(is_elite))
        for _ in range(draws):
            s, d, table = synthetic.ego_sample(rng, src, dst, n, settings["egos"])
            graph = measures.Graph(s, d, np.arange(n))
            ego_table = pd.DataFrame(table, columns=["ego", "member"])
            present = np.zeros(n, dtype=bool)
            present[np.union1d(table[:, 0], table[:, 1])] = True
            elite_seen = np.flatnonzero(present & is_elite)
            if len(elite_seen) < 2:
                continue
            observed = measures.effective_communities(measures.communities(s, d, n, seed), elite_seen)
            null = rewiring.null_ensemble(s, d, n, _community_reading(n, elite_seen, seed), settings["null_samples"],
                                          rng, switches_per_edge=settings["switches_per_edge"]).ravel()  # fmt: skip
            null_mean = float(null.mean())
            lg = LabelledGraph("calibration", graph, np.where(is_elite, "celebrity", "regular"), is_elite, "top")
            found = community_sampling_interval(lg, ego_table, observed, null_mean, seed, rng, groups, level)
            rows.append({"population": population, "theta": np.log(observed / null_mean),
                         "statistic": np.log(observed), "se": found["se_log"], "whole": np.log(whole),
                         "union_share": float(present.mean())})  # fmt: skip
    table = pd.DataFrame(rows).dropna()
    covered, covered_statistic, covered_whole, ratios, ratios_statistic = [], [], [], [], []
    for _, block in table.groupby("population"):
        if len(block) < 3:
            continue
        se = block["se"].to_numpy()
        for column, hits, spreads in (("theta", covered, ratios), ("statistic", covered_statistic, ratios_statistic)):
            values = block[column].to_numpy()
            target = (values.sum() - values) / (len(values) - 1)  # the other draws' mean
            hits += list(np.abs(values - target) <= t * se)
            spread = values.std(ddof=1)
            spreads.append(float(se.mean() / spread) if spread > 0 else np.nan)
        covered_whole += list(np.abs(block["statistic"].to_numpy() - block["whole"].to_numpy()) <= t * se)

    def rate(hits):
        return float(np.mean(hits)) if hits else float("nan")

    def median(values):
        finite = [v for v in values if np.isfinite(v)]
        return float(np.median(finite)) if finite else float("nan")

    return {"test": "C4b-community interval", **settings, "populations": n_populations, "draws": draws,
            "observations": int(len(covered)), "level": level, "coverage": rate(covered),
            "se_ratio": median(ratios), "se_ratios": ratios, "coverage_statistic": rate(covered_statistic),
            "se_ratio_statistic": median(ratios_statistic), "coverage_population": rate(covered_whole),
            "union_share": float(table["union_share"].mean()) if len(table) else float("nan")}  # fmt: skip
