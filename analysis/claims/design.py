"""Design-aware tests of the graph statements (C2a, C2b, C4a, C5): a null that knows
which follows could have been seen, and a sampling interval from resampling accounts.

**Why.** In SNAP ego-Twitter a follow is seen only when both accounts are friends of
one ego; a null fitted to the union of the ego networks as if it were a whole graph
expects follows between accounts that never share an ego network, which could never
have been seen. Here the maximum-entropy nulls (:mod:`analysis.nulls.maxent`) are
fitted with *structural zeros*: only pairs of accounts that share an ego network
(:func:`observable_pairs`) can carry a follow, every account keeping its observed
degrees on average. The egos' own follows of their friends exist by construction
and are left out (``include_ego`` counts the follows members send their ego as
well, for the degree-keeping statements). A first version fitted a null within each
ego network separately; on graphs sampled as ego networks it absorbed most of a
planted effect into the small networks' own degrees (a threefold elite density came
out as 1.2), so it was replaced by this one before any verdict was published.

**The counts** (direction: ``i -> j`` means ``i`` follows ``j``), each observed count
``O`` against the null's expected count ``E`` over the observable pairs, the effect
``sum O / sum E``:

- ``C2a``: follows from celebrities to regular accounts (DBCM);
- ``C4a``: follows among the elite (DBCM);
- ``C2b-chance`` / ``C2b-budget``: of the observed regular -> celebrity follows, the
  number returned; ``E``: the sum over those follows of the probability that the
  celebrity follows back given the follow, under the DBCM (chance) or the RBCM (the
  accounts' numbers of mutual ties kept on average);
- ``C5``: the same for celebrity -> celebrity follows (RBCM);
- ``C5-vs-regular``: the ``C5`` ratio divided by the same ratio for regular ->
  regular follows;
- ``C5-shares`` (:data:`DIRECT_STATEMENTS`: described, no degree model): the reciprocated share of
  the celebrity -> celebrity follows over that of the regular -> regular follows, on
  the pairs both of whose directions could be seen, the two shares compared directly
  (effect 1: both classes' follows are returned equally often).

**Intervals and p-values.** Each pair is counted once (however many ego networks
contain it) and credited to one account: a count to its follower (``C2a``, ``C4a``),
a returned follow to the account that returns it, the two follows of a mutual pair
to the same account. The accounts are resampled
(:func:`analysis.stats.inference.cluster_bootstrap_test`): a percentile interval and a
Wald test with the bootstrap standard error against Student's t with one degree of
freedom fewer than the accounts counted, so no p-value sits at an ensemble's floor.
With the normal reference instead, the C2b-budget test rejected a true null in 11% of
the calibration graphs (about 30 accounts counted per statement), so t replaced it;
verdicts published before that change used the normal reference. C2b-budget's error
has a floor as well (:func:`budget_variance`): the variance the fitted RBCM itself
implies, its fit's uncertainty included. The RBCM keeps each account's mutual and
one-way degrees, so what one celebrity's followers return more than the model, its
other ties return less: the fit couples the accounts that resampling takes as
independent, and without the floor that test rejected a true null too often (``make
calibrate`` records its size with and without the floor). ``C5-shares`` is
described, not tested: with no model of each account's own propensity to follow back,
the raw comparison is biased by the ego sampling itself (an account that returns
follows is more often inside a sampled network, which matters for regular accounts,
not for celebrities whom the egos follow anyway): on latent graphs where both classes
return follows equally often, the observed ratio came out below 1 on average, and a
two-sided test of it rejected far more often than 5% (``make calibrate``, entry
``design-aware C5-shares``, records both). Its interval is dyadic-robust over the celebrities
(:func:`analysis.stats.inference.dyadic_share_test`). Ego networks overlap
(a pair of popular accounts is in many of them), so resampling ego networks would
treat one pair as many independent observations: on
ego-sampled synthetic graphs with 200 egos that test rejected a true null in 30-45%
of graphs for C4a and C5, and was replaced by the account clusters before any
verdict was published with it. On a graph that is not a set of ego networks the
whole graph is the one network, with the same clusters.

**Beyond the model.** The account-clustered error takes follows credited to different
accounts as independent given the fitted null. When accounts differ in ways no degree
multiplier absorbs (a celebrity's own taste for following celebrities, or for being
followed back by them, rather than regular accounts), follows that share the account at
their *other* end covary as well. ``make calibrate``'s entry ``design-aware beyond the
model`` draws such graphs (:func:`_beyond_model_graph`) and measures each test's size with
this error and with a dyadic-robust one over both accounts of every pair
(``design_tests(dyadic=True)``, :func:`analysis.stats.inference.dyadic_ratio_test`,
its variance floored at the analytic one-way variance over the credited accounts). The
tastes move probabilities, not odds, and keep every pair's null probability on
average, so no class pair gains: lognormal factors of mean 1 on the odds scale had
shifted the class ratios (``w / (1 + w)`` is concave), and rescaling them so that each
graph's block totals stayed put made both errors conservative (it fixes the block
totals that the errors are there to vary). The verdicts keep the account-clustered
tests; the README's calibration table shows where each error holds its size and where
it does not.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import files
from ..graph import arrays, labelled, louvain, measures
from ..graph.labelled import LabelledGraph
from ..nulls import cluster, maxent, rewiring
from ..stats import inference, synthetic
from . import catalogue, families

__all__ = [
    "STATEMENTS",
    "DIRECT_STATEMENTS",
    "EgoNetworks",
    "ego_networks",
    "observable_pairs",
    "DESIGN_TOL",
    "CAVEAT",
    "BEYOND_MODEL_CAVEAT",
    "design_caveats",
    "SHARES_CAVEAT",
    "statement_parts",
    "budget_variance",
    "FloorNotComputed",
    "DesignFit",
    "fit_design",
    "DesignTests",
    "design_tests",
    "design_statements",
    "CHECK_NAMES",
    "StatementTests",
    "statement_tests",
    "tests_table",
    "existed_by",
    "fit_rows",
    "COMMUNITY_STREAM",
    "COMMUNITY_NULL",
    "COMMUNITY_CALIBRATION",
    "community_observation",
    "calibrate_design_community",
    "DesignGraphs",
    "design_graphs",
    "design_partition",
    "design_memberships",
    "CALIBRATION_SETTINGS",
    "calibrate_design",
    "calibrate_verdict_rule",
    "calibrate_design_power",
    "PROPENSITY_SETTINGS",
    "calibrate_design_propensities",
    "SHARE_SETTINGS",
    "calibrate_share_comparison",
]

STATEMENTS = ("C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular")
"""The graph statements tested against a null model (both families: :mod:`analysis.claims.families`)."""
DIRECT_STATEMENTS = ("C5-shares",)
"""Graph statements that compare two classes' shares directly (no degree model, no union-graph
family), described with a sampling interval rather than tested: under ego sampling the raw
comparison is biased (see the module docstring)."""
CAVEAT = (
    "Degree-keeping nulls, soft or hard, absorb part of any effect that changes degrees (a planted effect comes out "
    "smaller than planted: see the calibration of the design-aware tests), so these effects are conservative."
)
BEYOND_MODEL_CAVEAT = (
    "That holds for the effects, not for the p-values: when accounts differ beyond the model (each its own taste for "
    "following, or being followed by, one class), the account-clustered error can be too small; the dyadic-robust "
    "check beside it also lets follows that share the account at their other end covary, and held the size for some "
    "statements and not for others (the README's calibration table, entry 'design-aware beyond the model')."
)


def design_caveats(decisive_name: str, egos) -> str:
    """The caveats of a statement decided by the test named ``decisive_name`` (one of
    :data:`CHECK_NAMES`' values): :data:`CAVEAT`, and :data:`BEYOND_MODEL_CAVEAT` where a
    design-aware test on ego networks (``egos`` not None) decides, the only tests the
    dyadic-robust check stands beside."""
    beyond = decisive_name == CHECK_NAMES["design"] and egos is not None
    return " ".join([CAVEAT, BEYOND_MODEL_CAVEAT] if beyond else [CAVEAT])


SHARES_CAVEAT = (
    "Under ego sampling the direct comparison is biased against the celebrities: a regular account that returns "
    "follows is more often inside a sampled network, a celebrity is inside anyway (the calibration of "
    "design-aware C5-shares: on graphs where both classes return follows equally often it comes out below 1). "
    "C5-vs-regular, which keeps each account's own number of mutual ties, is the test."
)
DESIGN_TOL = 0.05  # largest error of an expected degree (edges) in the fits with structural zeros
_SHARES_NULL = {
    "ego": "the two classes' follows returned equally often (only follows between accounts that share an ego "
    "network, the egos' own ties left out); a dyadic-robust standard error over the celebrities (follows that "
    "share an account may covary), the regular accounts' share taken as known",
    "graph": "the two classes' follows returned equally often; a dyadic-robust standard error over the "
    "celebrities (follows that share an account may covary), the regular accounts' share taken as known",
}
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
        nodes = arrays.distinct(nodes[nodes >= 0])
        if len(nodes):
            egos.append(int(graph.index_of([ego])[0]))
            members.append(nodes)
    return EgoNetworks(np.array(egos, dtype=np.int64), members)


def statement_parts(src, dst, n: int, classes, cluster_of=None, tol: float = maxent.DEFAULT_TOL) -> dict:
    """Observed and expected counts of each statement on one network ``src -> dst`` with a
    class per node, under a DBCM and an RBCM fitted to it.

    Returns ``({statement: (cluster, observed, expected)}, floors)``: arrays, one entry per unit
    counted (a celebrity account for ``C2a`` and ``C4a``, an observed follow for the
    others); ``cluster`` is ``cluster_of[node]`` of the unit's account (by default the
    node itself). ``C5-vs-regular`` and ``C5-shares`` use two entries, ``"C5"`` and
    ``"regular"`` (the regular -> regular follows). Statements with no unit are absent.
    Also returns the statements' variance floors (``{"C2b-budget": ...}``,
    :func:`budget_variance`). Raises :class:`~analysis.nulls.maxent.NotConverged` when a
    fit does not converge."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    classes = np.asarray(classes)
    cluster_of = np.arange(n) if cluster_of is None else np.asarray(cluster_of)
    celeb, regular = classes == "celebrity", classes == "regular"
    out_deg, in_deg = np.bincount(src, minlength=n), np.bincount(dst, minlength=n)
    parts: dict = {}
    if len(src) == 0 or not celeb.any():
        return parts
    dbcm = maxent.fit_dbcm(out_deg, in_deg, tol=tol)
    returned = measures.reciprocated_mask(src, dst, n)
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
    least = {}
    if "C2b-budget" in parts:  # the RBCM models every pair here
        least["C2b-budget"] = _floor_of(lambda: budget_variance(rbcm, classes))
    return parts, least


@dataclass
class DesignTests:
    """The design-aware tests of one graph: ``tests`` (by statement id; the catalogue's
    direction), ``untested`` (why a statement could not be tested or described),
    ``facts`` (networks, observable pairs, follows counted, the fits, clusters counting
    each statement), ``described`` (the descriptive comparisons of
    :data:`DIRECT_STATEMENTS`, two-sided, with their sampling interval: not verdicts)
    and ``dyadic`` (ego designs, when asked: the same statements with a dyadic-robust
    error over both accounts of every pair, :func:`analysis.stats.inference.dyadic_ratio_test`;
    a check beside the verdicts' account-clustered tests, :func:`statement_tests`)."""

    tests: dict[str, inference.TestResult]
    untested: dict[str, str]
    facts: dict = field(default_factory=dict)
    described: dict[str, inference.TestResult] = field(default_factory=dict)
    dyadic: dict[str, inference.TestResult] = field(default_factory=dict)
    fit: DesignFit | None = field(default=None, repr=False, compare=False)
    """The structural-zero fits the tests used (ego designs; None for a whole graph), for
    C4b-community's design-aware null (:func:`design_memberships`)."""


def _description(design: str, include_ego: bool, model: str) -> str:
    what = maxent.NULL_DESCRIPTIONS[model]
    if design == "ego":
        ties = "members' follows of their ego counted" if include_ego else "the egos' own ties left out"
        return (
            f"{what}, only between accounts that share an ego network ({ties}); each pair counted once, "
            "accounts resampled for the interval and the test"
        )
    return f"{what}, fitted on the whole graph; accounts resampled for the interval and the test"


def observable_pairs(egos: EgoNetworks, n: int, include_ego: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The ordered pairs of accounts a follow could have been seen between: both members of
    one ego network (``i * n + j`` keys, sorted) and, for each, the number of ego
    networks that contain it. With ``include_ego``, also each member -> its ego. An
    ego's follows of its own members exist by construction and are never a pair, even
    when ego and member also share another ego network (counting them there would
    count selected follows as observations)."""
    blocks = []
    for ego, members in zip(egos.ego, egos.members):
        m = np.asarray(members, dtype=np.int64)
        keys = (m[:, None] * n + m[None, :])[~np.eye(len(m), dtype=bool)]
        blocks.append(keys)
        if include_ego and ego >= 0:
            blocks.append(m[m != ego] * n + ego)
    keys, counts = np.unique(np.concatenate(blocks), return_counts=True)
    # an ego's follow of each of its members exists by construction, even where the two
    # also share another ego network: such a pair is never an observation
    own = arrays.distinct(
        np.concatenate(
            [ego * n + np.asarray(m, dtype=np.int64) for ego, m in zip(egos.ego, egos.members) if ego >= 0]
            or [np.empty(0, np.int64)]
        )
    )
    keep = ~_member(own, keys)
    return keys[keep], counts[keep]


def _member(pool, keys):
    """Whether each of ``keys`` is in the sorted ``pool`` (:func:`analysis.graph.arrays.member_of_sorted`:
    every pool here, pairs or follows, is a sorted array of keys)."""
    return arrays.member_of_sorted(keys, pool)


@dataclass(frozen=True)
class DesignFit:
    """The nulls of one ego-sampled graph, fitted once and shared by every elite
    definition (the fits depend on the follows and the design, not on the classes).

    ``dbcm`` with its modelled ordered pairs ``d_keys`` (sorted keys ``i * n + j``;
    certain pairs carry no information and are not modelled); ``rbcm`` (None with
    ``include_ego``) with its modelled unordered pairs ``r_keys`` (sorted keys ``low * n +
    high``). The counted follows ``src -> dst`` (those between observable
    pairs), each with: ``returned`` (the reverse follow is counted too); ``in_dbcm``
    (the pair is modelled by the DBCM), ``back_in_dbcm`` (the reverse pair is),
    ``in_rbcm`` (the unordered pair is modelled by the RBCM); ``both_observable`` (both
    directions of the pair could be seen, whatever the models: the follows C5-shares
    counts); ``back_dbcm`` and ``back_rbcm``, each model's probability of the follow
    back given the follow."""

    n: int
    include_ego: bool
    dbcm: maxent.MaxEntFit
    d_keys: np.ndarray
    rbcm: maxent.MaxEntFit | None
    r_keys: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    returned: np.ndarray
    in_dbcm: np.ndarray
    back_in_dbcm: np.ndarray
    in_rbcm: np.ndarray
    both_observable: np.ndarray
    back_dbcm: np.ndarray
    back_rbcm: np.ndarray | None
    facts: dict

    _information: maxent.RBCMInformation | None = field(default=None, repr=False, compare=False)

    def rbcm_information(self) -> maxent.RBCMInformation | None:
        """The RBCM's information over its modelled pairs (None without an RBCM), made on
        first use and kept: the C2b-budget floor of every elite tested on this fit uses it
        (:func:`budget_variance`)."""
        if self._information is None and self.rbcm is not None:
            information = maxent.RBCMInformation(self.rbcm, self.r_keys // self.n, self.r_keys % self.n)
            object.__setattr__(self, "_information", information)  # a cache: the fit itself stays as it was
        return self._information

    def modelled_row(self, account: int) -> np.ndarray:
        """The accounts ``j`` with ``account -> j`` modelled by the DBCM."""
        start, end = np.searchsorted(self.d_keys, [account * self.n, (account + 1) * self.n])
        return self.d_keys[start:end] % self.n


def fit_design(graph: measures.Graph, egos: EgoNetworks, include_ego: bool = False,
               tol: float = DESIGN_TOL, cache: Path | None = None) -> DesignFit:  # fmt: skip
    """The DBCM (and, without ``include_ego``, the RBCM) of ``graph`` with structural
    zeros: only the pairs of accounts that share an ego network
    (:func:`observable_pairs`) can carry a follow, and only the follows between such
    pairs are counted. Raises :class:`~analysis.nulls.maxent.NotConverged` when a fit
    does not reach ``tol`` (largest error of an expected degree, in edges). ``cache``:
    a folder where the solved fits are kept and read back for the same inputs (see
    :func:`analysis.paths.fit_cache_dir`); the solve time reported is the original
    solve's."""
    n = graph.n
    pair_keys, _ = observable_pairs(egos, n, include_ego)
    edge_keys = graph.src.astype(np.int64) * n + graph.dst
    seen = _member(pair_keys, edge_keys)
    src, dst = graph.src[seen].astype(np.int64), graph.dst[seen].astype(np.int64)
    d_src, d_dst, d_keys, d_dropped = maxent.drop_certain_pairs(src, dst, n, pair_keys)
    dbcm = maxent.fit_model("dbcm", d_src, d_dst, n, d_keys, tol, cache)
    fits = {"dbcm": {**dbcm.summary(), "certain_pairs_dropped": int(d_dropped)}}
    rbcm, r_keys = None, np.empty(0, np.int64)
    # the unordered pairs both of whose directions are observable (a pair with an ego's forced follow is not)
    first, second = pair_keys // n, pair_keys % n
    lower = pair_keys[first < second]
    unordered = lower[_member(pair_keys, (lower % n) * n + lower // n)]
    on_pair = _member(unordered, np.minimum(src, dst) * n + np.maximum(src, dst))
    if not include_ego:
        # the RBCM models those pairs, and only the follows on them are counted
        r_src, r_dst, r_keys, r_dropped = maxent.drop_certain_pairs(src[on_pair], dst[on_pair], n, unordered,
                                                                    unordered=True)  # fmt: skip
        rbcm = maxent.fit_model("rbcm", r_src, r_dst, n, r_keys, tol, cache)
        fits["rbcm"] = {**rbcm.summary(), "certain_pairs_dropped": int(r_dropped)}
    facts = {"design": "ego", "networks": len(egos.ego), "include_ego": include_ego, "tolerance": tol,
             "observable_pairs": int(len(pair_keys)), "follows_counted": int(seen.sum()),
             "follows_outside_pairs": int((~seen).sum()), "fits": fits}  # fmt: skip
    keys = src * n + dst
    kept = np.sort(keys)
    in_rbcm = (
        np.zeros(len(src), dtype=bool)
        if rbcm is None
        else _member(r_keys, np.minimum(src, dst) * n + np.maximum(src, dst))
    )
    return DesignFit(
        n, include_ego, dbcm, d_keys, rbcm, r_keys, src, dst,
        returned=_member(kept, dst * n + src), in_dbcm=_member(d_keys, keys), back_in_dbcm=_member(d_keys, dst * n + src),
        in_rbcm=in_rbcm, both_observable=on_pair, back_dbcm=maxent.conditional_reciprocation(dbcm, src, dst),
        back_rbcm=None if rbcm is None else maxent.conditional_reciprocation(rbcm, src, dst), facts=facts,
    )  # fmt: skip


def design_tests(
    lg: LabelledGraph,
    rng: np.random.Generator,
    egos: EgoNetworks | None = None,
    include_ego: bool = False,
    n_boot: int = 2000,
    tol: float | None = None,
    fit: DesignFit | None = None,
    cache: Path | None = None,
    dyadic: bool = False,
    lazy_floor: bool = False,
) -> DesignTests:
    """Design-aware tests of :data:`STATEMENTS` on ``lg``.

    With ``egos`` (the graph is a union of ego networks): the DBCM and RBCM are fitted
    with structural zeros (:func:`fit_design`, or the given ``fit`` of the same graph
    and design, to reuse it across elite definitions): only the pairs of accounts that
    share an ego network can carry a follow, and only the follows between such pairs
    are counted, each pair once, credited to one account; the accounts are the
    clusters resampled. Without ``egos``, the whole graph is the network and accounts
    are the clusters (see :func:`statement_parts`). With ``include_ego``, the follows
    members send their ego count too (degree-keeping statements only: a pair with a
    forced follow is outside the RBCM). ``cache``: see :func:`fit_design`. ``dyadic``:
    also the dyadic-robust tests (:attr:`DesignTests.dyadic`; ego designs only, about 3 s
    more on ego-Twitter). ``lazy_floor`` (without ``dyadic``): solve C2b-budget's variance
    floor only where it could set the error, its upper bound ``V0`` (:func:`budget_variance`)
    above the resampling's variance; elsewhere the test is the one the floor would give,
    and its facts keep the bound in place of the floor (the specification curve's many
    elite definitions; each solve takes seconds on ego-Twitter). Without ``egos`` (a whole
    graph) the floor sums over classes of interchangeable accounts, is cheap and is always
    solved; ``lazy_floor`` changes nothing there."""
    if egos is None:
        return _whole_graph_tests(lg, rng, n_boot, maxent.DEFAULT_TOL if tol is None else tol)
    n = lg.graph.n
    if fit is None:
        fit = fit_design(lg.graph, egos, include_ego, DESIGN_TOL if tol is None else tol, cache)
    elif (fit.n != n or fit.include_ego != include_ego
          or fit.facts["follows_counted"] + fit.facts["follows_outside_pairs"] != lg.graph.m):  # fmt: skip
        raise ValueError("the fit is of another graph or another ego-edge choice")
    elif tol is not None and tol != fit.facts["tolerance"]:
        raise ValueError(f"the fit was made to tolerance {fit.facts['tolerance']:g}, not {tol:g}")
    classes = np.asarray(lg.classes)
    celeb, regular = classes == "celebrity", classes == "regular"
    i, j = fit.src, fit.dst
    sums, units = {}, {}
    # C2a, C4a: every modelled pair from a celebrity, credited to the follower
    followers = np.flatnonzero(celeb)
    for sid, target in (("C2a", regular), ("C4a", celeb)):
        rows = [fit.modelled_row(a) for a in followers]
        rows = [(a, r[target[r]]) for a, r in zip(followers, rows)]
        rows = [(a, r) for a, r in rows if len(r)]
        if not rows:
            continue
        account = np.concatenate([np.full(len(r), a) for a, r in rows])
        other = np.concatenate([r for _, r in rows])
        xy = fit.dbcm.x[account] * fit.dbcm.y[other]
        counted = fit.in_dbcm & celeb[i] & target[j]
        sums[sid] = np.column_stack([np.bincount(i[counted], minlength=n).astype(float),
                                     np.bincount(account, xy / (1 + xy), minlength=n)])  # fmt: skip
        followed = arrays.member(account * n + other, i[counted] * n + j[counted])
        units[sid] = (account, other, followed.astype(float), xy / (1 + xy), account)
    # the others: the counted follows, whether returned, credited to the account that returns them
    # (for a pair of one class, both follows to the account with the smaller index)
    for sid, a, b, model in (("C2b-chance", regular, celeb, "dbcm"), ("C2b-budget", regular, celeb, "rbcm"),
                             ("C5", celeb, celeb, "rbcm"), ("regular", regular, regular, "rbcm")):  # fmt: skip
        if model == "rbcm" and fit.rbcm is None:
            continue
        chosen = a[i] & b[j] & (fit.back_in_dbcm if model == "dbcm" else fit.in_rbcm)
        if not chosen.any():
            continue
        account = np.minimum(i, j)[chosen] if sid in ("C5", "regular") else j[chosen]
        expected = (fit.back_dbcm if model == "dbcm" else fit.back_rbcm)[chosen]
        sums[sid] = np.column_stack([np.bincount(account, fit.returned[chosen].astype(float), minlength=n),
                                     np.bincount(account, expected, minlength=n)])  # fmt: skip
        units[sid] = (i[chosen], j[chosen], fit.returned[chosen].astype(float), expected, account)
    least = {}
    if "C2b-budget" in units:
        if lazy_floor and not dyadic:
            least["C2b-budget"] = _lazy_budget_floor(fit.rbcm, classes, fit.r_keys, fit.rbcm_information)
        else:
            least["C2b-budget"] = _floor_of(
                lambda: budget_variance(fit.rbcm, classes, fit.r_keys, fit.rbcm_information())
            )
    tests, untested, floors = _pooled_tests(sums, rng, n_boot, "ego", include_ego, least)
    dyadic_tests = _dyadic_tests(units, include_ego, least) if dyadic else {}
    # C5-shares: the follows of each class among itself on pairs both of whose directions could be seen (no
    # model decides which); not with the egos' forced follows kept
    shares = _share_test(i, j, fit.returned, celeb, regular, fit.both_observable, rng, n_boot, "ego")
    if include_ego:
        for sid in ("C2b-budget", "C5", "C5-vs-regular"):
            untested[sid] = "with the egos' ties kept, a pair with a forced follow is outside the RBCM"
        untested["C5-shares"] = (
            "with the egos' ties kept, a member's follow of its ego would count as returned by the ego's forced follow"
        )
    facts = {**fit.facts, "clusters_counted": {sid: int(v.any(axis=1).sum()) for sid, v in sums.items()},
             "variance_floors": floors}  # fmt: skip
    described = {}
    if not include_ego:
        _record_share_test(shares, described, untested, facts)
    return DesignTests(tests, untested, facts, described, dyadic_tests, fit)


def _dyadic_tests(units: dict, include_ego: bool, least: dict) -> dict:
    """:data:`STATEMENTS` on their units (``first, second, observed, expected, credited``
    per pair or follow) with the dyadic-robust error (:func:`analysis.stats.inference.dyadic_ratio_test`;
    ``least``: the statements' variance floors, :func:`budget_variance`); the statements
    that cannot be tested that way are absent."""
    found = {}
    for sid in STATEMENTS:
        entry = catalogue.statement(sid)
        name = entry.statistic + " (design-aware, observed / expected, dyadic-robust error)"
        what = _description("ego", include_ego, _MODEL[sid]).replace(
            "accounts resampled for the interval and the test", "a dyadic-robust error over both accounts of each pair"
        )
        if sid == "C5-vs-regular":
            if "C5" not in units or "regular" not in units:
                continue
            result = inference.dyadic_ratio_test(name, units["C5"], what, entry.direction, reference=units["regular"])
        elif sid in units:
            floor = least.get(sid, 0.0)
            result = inference.dyadic_ratio_test(name, units[sid], what, entry.direction,
                                                 least_variance=0.0 if isinstance(floor, str) else floor)  # fmt: skip
        else:
            continue
        if np.isfinite(result.p_value):
            found[sid] = result
    return found


def _share_test(src, dst, returned, celeb, regular, counted, rng, n_boot: int, design: str):
    """C5-shares on the follows ``src -> dst`` (``returned``: whether each is returned)
    where ``counted``: the reciprocated share of the celebrity -> celebrity follows against
    that of the regular -> regular follows, with a dyadic-robust standard error over the
    celebrities (:func:`analysis.stats.inference.dyadic_share_test`; the regular share,
    from tens of thousands of accounts, is taken as known). Returns ``(test,
    why_untested, celebrity accounts)``. ``rng`` and ``n_boot`` are not used (the
    error is analytic); kept so that every design-aware test takes the same arguments."""
    among = counted & celeb[src] & celeb[dst]
    others = counted & regular[src] & regular[dst]
    if not among.any() or not others.any():
        return None, "no follows among celebrities or among regular accounts in the networks", 0
    entry = catalogue.statement("C5-shares")
    test = inference.dyadic_share_test(
        entry.statistic + " (design-aware, celebrity share / regular share)", src[among], dst[among],
        returned[among], float(np.mean(returned[others])), _SHARES_NULL[design], "two-sided",
    )  # fmt: skip
    accounts = int(len(arrays.distinct(np.concatenate([src[among], dst[among]]))))
    if not np.isfinite(test.p_value):
        return (
            None,
            "fewer than two celebrities have follows among themselves, or no sampling error to test against",
            accounts,
        )
    return test, None, accounts


def _record_share_test(found, described: dict, untested: dict, facts: dict) -> None:
    test, why, accounts = found
    if test is None:
        untested["C5-shares"] = why
    else:
        described["C5-shares"] = test
        facts["clusters_counted"]["C5-shares"] = accounts


def _pooled_tests(sums: dict, rng, n_boot: int, design: str, include_ego: bool, least: dict):
    """The account-clustered tests of :data:`STATEMENTS` from their per-cluster sums;
    ``least``: variance floors by statement (:func:`budget_variance`: a number; a string
    saying why it could not be computed; or a :class:`_LazyFloor`, solved only if its
    bound could set the error). Returns the tests, why the others are not, and for each
    floored statement ``floor_se`` (the floor's standard error of the effect),
    ``bootstrap_se`` and ``p_two_sided_without_floor`` (the same test without the floor,
    on the same resamples); a lazy floor left unsolved gives ``not_solved`` and its
    ``bound_se`` in place of ``floor_se``, one not computed ``not_computed``."""
    tests, untested, floors = {}, {}, {}
    for sid in STATEMENTS:
        entry = catalogue.statement(sid)
        if sid == "C5-vs-regular":
            if "C5" not in sums or "regular" not in sums:
                untested[sid] = "no follows among celebrities or among regular accounts in the networks"
                continue
            parts, split = np.column_stack([sums["C5"], sums["regular"]]), _ratio_of_ratios
        else:
            if sid not in sums:
                untested[sid] = "no such follows in the networks"
                continue
            parts, split = sums[sid], _ratio
        keep = parts.any(axis=1)  # clusters that count nothing carry no information
        arguments = (entry.statistic + " (design-aware, observed / expected)", parts[keep], split,
                     _description(design, include_ego, _MODEL[sid]), entry.direction)  # fmt: skip
        floor = least.get(sid, 0.0)
        if isinstance(floor, str):  # the floor could not be computed: the resampling's error alone, and why
            floors[sid], floor = {"not_computed": floor}, 0.0
        if not isinstance(floor, _LazyFloor) and floor == 0:
            result = inference.cluster_bootstrap_test(*arguments, rng, n_boot)
        else:
            # the same resamples without the floor and with it: from a copy of the generator, which advances once
            twin = copy.deepcopy(rng)
            result = plain = inference.cluster_bootstrap_test(*arguments, rng, n_boot)
            se = float(abs((plain.ratio - 1) / plain.z)) if plain.z and np.isfinite(plain.z) else float("nan")
            if isinstance(floor, _LazyFloor):  # solved only if its upper bound could decide
                bound_se = float(np.sqrt(floor.bound) / plain.expected) if plain.expected > 0 else float("inf")
                if np.isfinite(plain.p_value) and bound_se <= se * (1 - 1e-9):  # a margin for rounding
                    floors[sid], floor = {"not_solved": "its upper bound is below the resampling's error",
                                          "bound_se": bound_se, "bootstrap_se": se,
                                          "p_two_sided_without_floor": float(plain.p_two_sided)}, 0.0  # fmt: skip
                else:
                    floor = floor.solve()
                    if isinstance(floor, str):
                        floors[sid], floor = {"not_computed": floor}, 0.0
            if floor > 0:
                result = inference.cluster_bootstrap_test(*arguments, twin, n_boot, least_variance=floor)
                if np.isfinite(result.p_value):
                    floors[sid] = {"floor_se": float(np.sqrt(floor) / result.expected), "bootstrap_se": se,
                                   "p_two_sided_without_floor": float(plain.p_two_sided)}  # fmt: skip
        if np.isfinite(result.p_value):
            tests[sid] = result
        else:
            untested[sid] = (
                "fewer than two accounts count such follows, none is expected, or every resample "
                "gives the same effect (no sampling error to test against)"
            )
    return tests, untested, floors


def _whole_graph_tests(lg: LabelledGraph, rng, n_boot: int, tol: float) -> DesignTests:
    g = lg.graph
    parts, least = statement_parts(g.src, g.dst, g.n, np.asarray(lg.classes), None, tol=tol)
    sums = {}
    for sid, (clusters, observed, expected) in parts.items():
        index = np.asarray(clusters, dtype=np.int64)
        sums[sid] = np.column_stack([np.bincount(index, observed, minlength=g.n),
                                     np.bincount(index, expected, minlength=g.n)])  # fmt: skip
    tests, untested, floors = _pooled_tests(sums, rng, n_boot, "graph", False, least)
    facts = {"design": "graph", "networks": 1, "include_ego": False, "tolerance": tol,
             "clusters_counted": {sid: int(v.any(axis=1).sum()) for sid, v in sums.items()},
             "variance_floors": floors}  # fmt: skip
    classes = np.asarray(lg.classes)
    src, dst = np.asarray(g.src, dtype=np.int64), np.asarray(g.dst, dtype=np.int64)
    found = _share_test(src, dst, measures.reciprocated_mask(src, dst, g.n), classes == "celebrity",
                        classes == "regular", np.ones(len(src), dtype=bool), rng, n_boot, "graph")  # fmt: skip
    described = {}
    _record_share_test(found, described, untested, facts)
    return DesignTests(tests, untested, facts, described)


MAX_FLOOR_PAIRS = 20_000_000  # the most pairs of distinct accounts a whole-graph floor sums (:func:`budget_variance`)


class FloorNotComputed(RuntimeError):
    """A variance floor too large to compute here (:func:`budget_variance`)."""


def _floor_of(compute) -> float | str:
    """A variance floor, or why it could not be computed (a string: the test then has none)."""
    try:
        return compute()
    except (FloorNotComputed, maxent.NotConverged) as error:
        return f"not computed ({error})"


def budget_variance(rbcm: maxent.MaxEntFit | None, classes, pair_keys=None,
                    information: maxent.RBCMInformation | None = None, max_pairs: int = MAX_FLOOR_PAIRS) -> float:  # fmt: skip
    """The variance of the C2b-budget total ``O - E`` under the fitted RBCM, the fit's own
    uncertainty included (to first order): the floor of that test's variance.

    ``T = sum over modelled pairs {p, c}, p regular and c a celebrity, of R_pc - q_pc F_pc``,
    ``F_pc`` the follow ``p -> c`` (1 or 0), ``R_pc`` that follow returned, ``q_pc = z_p z_c
    / (z_p z_c + x_p y_c)`` the model's probability of a return: the counted follows'
    observed minus expected returns. With the multipliers known, ``T`` has mean 0 and
    variance ``V0 = sum P(F_pc) q_pc (1 - q_pc)``. Fitting them to the same graph takes
    variance out and couples the accounts (the RBCM keeps each account's mutual and
    one-way degrees, so what one celebrity's followers return more than the model, its
    other ties return less), which resampling accounts cannot see: ``Var T = V0 - g' J^+
    g``, ``g = E dT / d theta`` in the logs of the multipliers and ``J`` their Fisher
    information (:class:`analysis.nulls.maxent.RBCMInformation`; ``information``: that of
    ``rbcm`` over ``pair_keys`` made once for several calls, as :meth:`DesignFit.rbcm_information`
    keeps it).

    ``classes``: one class per account; ``pair_keys``: the modelled unordered pairs
    (``low * n + high``), every pair when None (then accounts with the same multipliers
    and class are interchangeable and are solved as one, so the cost grows with the
    square of the number of distinct multiplier tuples, not of accounts; more than
    ``max_pairs`` such pairs raise :class:`FloorNotComputed`, as a solve that does not converge raises
    :class:`~analysis.nulls.maxent.NotConverged`: the callers then test without the floor
    and say why, :func:`_floor_of`). 0 without an
    RBCM or without a regular-celebrity pair. ``make calibrate`` records the test's size
    with this floor and without it (the resampling's error alone), on the same graphs."""
    terms = _budget_terms(rbcm, classes, pair_keys, information, max_pairs)
    return 0.0 if terms is None else _budget_solve(*terms)


def _budget_solve(v0: float, gradient, information) -> float:
    """:func:`budget_variance` from its terms: ``V0 - g' J^+ g`` (``information``: ``J``, or
    what makes it)."""
    solved = (information if isinstance(information, maxent.RBCMInformation) else information()).solve(gradient)
    return max(0.0, float(v0 - (gradient * solved).sum()))  # below 0 only by the solver's tolerance


@dataclass(frozen=True)
class _LazyFloor:
    """A variance floor solved only where it could set the error: ``bound`` (``V0`` of
    :func:`budget_variance`, the variance with the multipliers known) is at least the
    floor, so where the resampling's variance reaches it the floor cannot decide and is
    not solved; ``solve()`` gives the floor, or why it could not be computed."""

    bound: float
    solve: object


def _lazy_budget_floor(rbcm, classes, pair_keys, information) -> _LazyFloor | float | str:
    """The C2b-budget floor as a :class:`_LazyFloor` (0 where :func:`budget_variance` is
    0; a string where it cannot be computed); ``information`` makes ``J`` when first needed."""
    try:
        terms = _budget_terms(rbcm, classes, pair_keys, information, MAX_FLOOR_PAIRS)
    except FloorNotComputed as error:
        return f"not computed ({error})"
    if terms is None:
        return 0.0
    return _LazyFloor(terms[0], lambda: _floor_of(lambda: _budget_solve(*terms)))


def _budget_terms(rbcm, classes, pair_keys, information, max_pairs):
    """``(V0, g, J)`` of :func:`budget_variance` (``J``, or what makes it when first
    needed), or None (no RBCM, or no regular-celebrity pair)."""
    classes = np.asarray(classes)
    if rbcm is None:
        return None
    n = len(classes)
    x, y, z = rbcm.x, rbcm.y, rbcm.z
    if pair_keys is None:  # every pair: one group per distinct (multipliers, class)
        table = np.column_stack([x, y, z, classes == "celebrity", classes == "regular"])
        _, where, members = np.unique(table, axis=0, return_index=True, return_counts=True)
        if len(where) * (len(where) + 1) // 2 > max_pairs:
            raise FloorNotComputed(f"{len(where):,} distinct accounts make more than {max_pairs:,} pairs to sum")
        first, second = np.triu_indices(len(where))
        members = members.astype(float)
        weight = np.where(first == second, members[first] * (members[first] - 1) / 2, members[first] * members[second])
        x, y, z, classes = x[where], y[where], z[where], classes[where]
        n = len(where)
        grouped = replace(rbcm, x=x, y=y, z=z)
        information = lambda: maxent.RBCMInformation(grouped, first, second, weight)
    else:
        keys = np.asarray(pair_keys, dtype=np.int64)
        first, second, weight = keys // n, keys % n, np.ones(len(keys))
        if information is None:
            information = lambda: maxent.RBCMInformation(rbcm, first, second)
    celeb, regular = classes == "celebrity", classes == "regular"
    # the follow p -> c is the first account's one-way follow when the first is the regular one
    forward, backward = regular[first] & celeb[second], regular[second] & celeb[first]
    counted = (forward | backward) & (weight > 0)
    if not counted.any():
        return None
    p, c = np.where(forward, first, second)[counted], np.where(forward, second, first)[counted]
    one_way, mutual = x[p] * y[c], z[p] * z[c]
    followed = (one_way + mutual) / (1 + one_way + x[c] * y[p] + mutual)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(one_way + mutual > 0, mutual / (one_way + mutual), 0.0)
    spread = weight[counted] * followed * q * (1 - q)
    # E dT/d log(multiplier) = -P(F) dq: q rises with z_p and z_c, falls with x_p and y_c
    gradient = np.stack([np.bincount(p, spread, n), np.bincount(c, spread, n),
                         -np.bincount(p, spread, n) - np.bincount(c, spread, n)])  # fmt: skip
    return float(spread.sum()), gradient, information


def _ratio(totals):
    return totals[0], totals[1]


def _ratio_of_ratios(totals):
    o1, e1, o2, e2 = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        return (o1 / e1 if e1 else np.nan), (o2 / e2 if e2 else np.nan)


COMMUNITY_STREAM = 9
"""The random stream of :func:`design_memberships` (``default_rng([seed, COMMUNITY_STREAM])``)."""

COMMUNITY_NULL = (
    "directed binary configuration model with structural zeros: follows only between accounts that share an "
    "ego network, every account's degrees there kept on average; the egos' own follows kept as seen (sampled)"
)
"""The null of C4b-community's design-aware test (:func:`design_memberships`)."""


@dataclass(frozen=True)
class DesignGraphs:
    """Graphs drawn from the structural-zero DBCM of a design fit (:func:`design_graphs`):
    ``fixed``, the keys ``i * n + j`` of the observed follows outside the modelled pairs
    (the egos' follows of their own members, which exist by construction, and the pairs
    the fit dropped as certain), in every graph as they are; ``keys``, the modelled ordered
    pairs, each a follow with its probability ``probabilities`` (``x_i y_j / (1 + x_i y_j)``)."""

    n: int
    fixed: np.ndarray
    keys: np.ndarray
    probabilities: np.ndarray

    def sample(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """One graph: the fixed follows and each modelled pair drawn on its own. ``(src, dst)``."""
        keys = np.concatenate([self.fixed, self.keys[rng.random(len(self.keys)) < self.probabilities]])
        return keys // self.n, keys % self.n


def design_graphs(graph: measures.Graph, fit: DesignFit) -> DesignGraphs:
    """The sampler of :class:`DesignGraphs` for ``graph`` and its design ``fit``
    (:func:`fit_design`, without the egos' ties: ``include_ego`` False). A null graph is
    what the same ego networks could have shown if the follows among their members had
    been drawn with the observed degrees kept on average: follows only where they could be
    seen, the egos' own follows of their members as they are."""
    keys = _check_design_fit(graph, fit)
    n = graph.n
    fixed = np.sort(keys[~_member(fit.d_keys, keys)])
    xy = fit.dbcm.x[fit.d_keys // n] * fit.dbcm.y[fit.d_keys % n]
    with np.errstate(invalid="ignore", over="ignore"):
        probabilities = np.where(np.isinf(xy), 1.0, xy / (1 + xy))
    return DesignGraphs(n, fixed, fit.d_keys, np.nan_to_num(probabilities, nan=0.0))


def _check_design_fit(graph: measures.Graph, fit: DesignFit) -> np.ndarray:
    """Refuse a fit with the egos' ties or of another graph (its counted follows must be
    ``graph``'s); returns ``graph``'s follow keys ``i * n + j``."""
    if fit.include_ego:
        raise ValueError("the design-aware graphs are drawn from the fit without the egos' ties")
    n = graph.n
    if fit.n != n or fit.facts["follows_counted"] + fit.facts["follows_outside_pairs"] != graph.m:
        raise ValueError("the fit is of another graph")
    keys = graph.src.astype(np.int64) * n + graph.dst
    if not _member(np.sort(keys), fit.src * n + fit.dst).all():  # the fit's counted follows are this graph's
        raise ValueError("the fit is of another graph")
    return keys


def design_partition(sample_seed: int, graphs: DesignGraphs, seed: int) -> np.ndarray:
    """The Louvain partition (seeded with ``seed``) of one graph of ``graphs`` drawn from
    ``default_rng(sample_seed)``: the one function every runner applies (threads, or the
    workers of a cluster). int32, a community id per node."""
    s, d = graphs.sample(np.random.default_rng(sample_seed))
    return measures.communities(s, d, graphs.n, seed).astype(np.int32)


def design_memberships(graph: measures.Graph, fit: DesignFit, n_samples: int, seed: int, workers: int = 1,
                       cache=None, scheduler=None, stream_seed: int | None = None) -> np.ndarray:  # fmt: skip
    """The Louvain partitions (seeded with ``seed``, as on the observed graph) of
    ``n_samples`` graphs drawn from the structural-zero DBCM of ``fit``
    (:func:`design_graphs`): C4b-community's design-aware null
    (:func:`analysis.claims.gated.design_community_result`). A row per sample, a column
    per node (int32). Seeded from ``seed`` alone (stream :data:`COMMUNITY_STREAM`), so
    neither ``workers`` (threads) nor ``scheduler`` (a Dask cluster; the sampler goes to
    every worker once) changes them, and 04 and 05 draw the same ones; ``cache``: a folder
    (:func:`analysis.paths.fit_cache_dir`) where they are kept under a digest of the graph,
    the fit, the settings and the code, so the notebook that asks second reads them.
    ``stream_seed``: seed the samples from it instead of ``seed`` (Louvain keeps ``seed``;
    the calibration draws a fresh sample stream per graph with 04's Louvain seed)."""
    if n_samples < 1:
        raise ValueError("at least one sample is needed")
    _check_design_fit(graph, fit)  # before any cache is read
    cluster.wanted(scheduler)  # a bad setting fails before any sample

    def run():
        graphs = design_graphs(graph, fit)  # about a gigabyte while it is made on ego-Twitter: only when drawing
        start = seed if stream_seed is None else stream_seed
        seeds = rewiring.sample_seeds(np.random.default_rng([start, COMMUNITY_STREAM]), n_samples)
        return np.stack(cluster.map_seeds(design_partition, seeds, (graphs, seed), workers,
                                          scheduler, name="design-partitions"))  # fmt: skip

    if cache is None:
        return run()
    digest = hashlib.blake2b(f"design-partitions|{graph.n}|{n_samples}|{seed}|{stream_seed}".encode(), digest_size=20)
    # what the samples are a function of: the follows, the modelled pairs and the fit's multipliers
    for array in (graph.src, graph.dst, fit.d_keys, fit.dbcm.x, fit.dbcm.y):
        digest.update(memoryview(np.ascontiguousarray(array)))  # hashed in place: no copy of 20 million pairs
    for module in (maxent, measures, louvain, arrays, rewiring):  # rewiring: the samples' seeds (sample_seeds)
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    path = Path(cache) / f"design-partitions-{digest.hexdigest()}.npy"
    return files.cached_array(path, "the design-aware partitions",
                              lambda saved: saved.shape == (n_samples, graph.n), run)  # fmt: skip


COMMUNITY_CALIBRATION = {"n": 3000, "egos": 60, "null_samples": 49, "rewiring_samples": 39}
"""The design-aware C4b-community calibration's own settings (the rest are
:data:`analysis.claims.gated.INTERVAL_SETTINGS`): ``n`` accounts seen through ``egos``
random egos, ``null_samples`` graphs of the design-aware null per observation (as 04
draws), ``rewiring_samples`` of the union graph's degree-keeping rewiring beside it."""


def community_observation(rng: np.random.Generator, settings: dict, together: bool):
    """One observation of :func:`calibrate_design_community`'s design: a latent graph with
    planted communities (``gated._community_population`` with ``settings``; the elite, the
    most followed, planted in one community when ``together``) seen through
    ``settings["egos"]`` random egos (:func:`analysis.stats.synthetic.ego_sample`).
    Returns ``(graph, ego_table, elite, fit)``: the union graph (node ``i`` is latent
    account ``i``), its ``ego, member`` table, the elite accounts it holds (a boolean per
    node) and its design fit (:func:`fit_design`, without the egos' ties); None when it
    cannot be tested (fewer than two elite accounts seen, or a fit that does not converge)."""
    from . import gated

    n = settings["n"]
    src, dst, is_elite = gated._community_population(rng, {**settings, "elite_together": together})
    s, d, table = synthetic.ego_sample(rng, src, dst, n, settings["egos"])
    graph = measures.Graph(s, d, np.arange(n))
    present = np.zeros(n, dtype=bool)
    present[np.union1d(table[:, 0], table[:, 1])] = True
    elite = is_elite & present
    if elite.sum() < 2:
        return None
    lg = LabelledGraph("calibration", graph, np.where(elite, "celebrity", "regular"), elite, "top")
    ego_table = pd.DataFrame(table, columns=["ego", "member"])
    try:
        fit = fit_design(graph, ego_networks(lg, ego_table))
    except maxent.NotConverged:
        return None
    return graph, ego_table, elite, fit


def calibrate_design_community(rng: np.random.Generator, n_graphs: int = 100, n_planted: int = 40,
                               settings: dict | None = None, alpha: float = inference.ALPHA) -> dict:  # fmt: skip
    """Size and power of C4b-community's design-aware test
    (:func:`analysis.claims.gated.design_community_result` on :func:`design_memberships`,
    the grouped jackknife over ego networks, two-sided at ``alpha`` as the verdicts read
    it), and beside it the union graph's degree-keeping rewiring null (the rank p-value,
    one-sided ``less``), on latent graphs with planted communities
    (``gated._community_population``, :data:`COMMUNITY_CALIBRATION` over
    :data:`analysis.claims.gated.INTERVAL_SETTINGS`) observed through random egos:
    ``n_graphs`` with the elite (the most followed) spread over the communities like
    every account (no elite effect: a rejection there is the design, or the graph's own
    communities, passing for one) and ``n_planted`` with the elite planted in one
    community. Beside the verdict's test, the same null samples with their own spread as
    the error (``"design-aware, the null's spread"``: the normal-approximation two-sided
    p-value of :func:`analysis.stats.inference.normal_ensemble_test`, which says how much
    power the jackknife's error costs). Graphs whose fit does not converge are skipped and
    counted. Returns the settings and, per test and kind, the rejection rate with its exact
    interval and the mean and median effect."""
    from . import gated

    settings = {**gated.INTERVAL_SETTINGS, **COMMUNITY_CALIBRATION, **(settings or {})}
    n, seed, groups = settings["n"], settings["louvain_seed"], settings["groups"]
    out = {"settings": settings, "alpha": alpha}
    for kind, count, together in (("size", n_graphs, False), ("power", n_planted, True)):
        aware, spread, union, skipped = [], [], [], 0
        for _ in range(count):
            found = community_observation(rng, settings, together)
            if found is None:
                skipped += 1
                continue
            graph, ego_table, elite, fit = found
            s, d = graph.src, graph.dst
            membership = measures.communities(s, d, n, seed)
            jackknife = gated.community_jackknife(graph, ego_table, seed, rng, groups)
            null = design_memberships(
                graph, fit, settings["null_samples"], seed, stream_seed=int(rng.integers(2**31))
            )  # 04's Louvain seed, a fresh draw each graph
            aware.append(gated.design_community_result(membership, null, elite, jackknife, COMMUNITY_NULL))
            values = np.array([measures.effective_communities(m, np.flatnonzero(elite)) for m in null])
            spread.append(inference.normal_ensemble_test(aware[-1].statistic, aware[-1].observed, values,
                                                         COMMUNITY_NULL, "less"))  # fmt: skip
            union.append(gated.effective_communities_test(s, d, n, np.flatnonzero(elite), settings["rewiring_samples"],
                                                          rng, seed, settings["switches_per_edge"])[0])  # fmt: skip
        predicted = kind == "power"
        out[kind] = {
            "design-aware": {**inference.rejection_rate([t.rejects_two_sided(alpha, predicted) for t in aware]),
                             **_effects(aware)},
            "design-aware, the null's spread": {
                **inference.rejection_rate([t.rejects_two_sided(alpha, predicted) for t in spread]), **_effects(spread)},
            "union rewiring": {**inference.rejection_rate([t.rejects(alpha) for t in union]), **_effects(union)},
            "skipped": skipped,
        }  # fmt: skip
    return out


def _effects(tests) -> dict:
    effects = np.array([t.ratio for t in tests], dtype=float)
    effects = effects[np.isfinite(effects)]
    return {"mean_effect": float(effects.mean()) if len(effects) else None,
            "median_effect": float(np.median(effects)) if len(effects) else None}  # fmt: skip


def design_statements(lg: LabelledGraph, rng: np.random.Generator, ego_table: pd.DataFrame | None = None,
                      include_ego: bool = False, n_boot: int = 2000, cache: Path | None = None,
                      tol: float | None = None, dyadic: bool = False) -> DesignTests:  # fmt: skip
    """:func:`design_tests` on a labelled graph, with its ego networks from ``ego_table``
    (``ego, member`` user ids) when the data are ego networks (``cache``, ``tol``: see
    :func:`fit_design`; ``tol`` defaults to :data:`DESIGN_TOL` for ego networks;
    ``dyadic``: see :func:`design_tests`)."""
    egos = ego_networks(lg, ego_table) if ego_table is not None else None
    return design_tests(lg, rng, egos, include_ego, n_boot, tol=tol, cache=cache, dyadic=dyadic)


CHECK_NAMES = {
    "design": "design-aware",
    "rewiring": "union graph, rewiring",
    "maxent": "union graph, maximum entropy",
    "with_ego": "design-aware, follows to the sampling account kept",
    "dyadic": "design-aware, dyadic-robust error",
}


@dataclass(frozen=True)
class StatementTests:
    """One statement's tests: ``decisive`` (the verdict's test, named ``decisive_name``),
    the ``checks`` shown beside it (``{name: TestResult}``, which do not decide) and the
    ``agreement`` of the two union-graph null families
    (:func:`analysis.claims.families.family_agreement`; None unless both ran)."""

    decisive: inference.TestResult
    decisive_name: str
    checks: dict
    agreement: dict | None


def statement_tests(statement_ids, aware: DesignTests, rewiring: dict, soft: dict,
                    with_ego: DesignTests | None = None) -> dict[str, StatementTests]:  # fmt: skip
    """Which test decides each statement and which are checks beside it.

    The design-aware test (``aware``) decides where it ran; otherwise the union-graph
    rewiring test (``rewiring``: ``{statement: TestResult}``). Checks: the design-aware
    test with the dyadic-robust error (``aware.dyadic``, when it was asked for), the
    union-graph rewiring and maximum-entropy (``soft``) tests and the design-aware test
    with the members' follows of their ego counted (``with_ego``), where they ran. A
    statement with neither a design-aware nor a rewiring test is left out."""
    out = {}
    for sid in statement_ids:
        if sid in aware.tests:
            decisive, name = aware.tests[sid], CHECK_NAMES["design"]
        elif sid in rewiring:
            decisive, name = rewiring[sid], CHECK_NAMES["rewiring"]
        else:
            continue
        checks = {}
        if name == CHECK_NAMES["design"] and sid in aware.dyadic:
            checks[CHECK_NAMES["dyadic"]] = aware.dyadic[sid]
        if sid in rewiring and name != CHECK_NAMES["rewiring"]:
            checks[CHECK_NAMES["rewiring"]] = rewiring[sid]
        if sid in soft:
            checks[CHECK_NAMES["maxent"]] = soft[sid]
        if with_ego is not None and sid in with_ego.tests:
            checks[CHECK_NAMES["with_ego"]] = with_ego.tests[sid]
        agreement = families.family_agreement(rewiring[sid], soft[sid]) if sid in rewiring and sid in soft else None
        out[sid] = StatementTests(decisive, name, checks, agreement)
    return out


def tests_table(tests: dict[str, StatementTests]) -> pd.DataFrame:
    """The tests of each statement for the page: the verdict's test first, then its checks,
    with the effect, its interval and what kind of interval it is, and the two-sided
    p-value."""
    rows = []
    for sid, t in tests.items():
        for name, test in {f"{t.decisive_name} (verdict)": t.decisive, **t.checks}.items():
            rows.append({"statement": sid, "test": name, "effect": test.ratio, "95% interval, low": test.ci_low,
                         "95% interval, high": test.ci_high, "interval": catalogue.INTERVALS[test.interval],
                         "two-sided p": test.p_two_sided})  # fmt: skip
    return pd.DataFrame(rows)


def fit_rows(facts: dict, union_fits: dict | None = None, union_tol: float = maxent.DEFAULT_TOL) -> list[dict]:
    """The fits behind a notebook's maximum-entropy tests, one row each for the report
    (:func:`analysis.nulls.maxent.fit_diagnostics`): the design-aware fits of
    :attr:`DesignTests.facts` (with structural zeros, to its ``tolerance``; none on a
    graph that is not a set of ego networks, whose fits are not kept) and the
    union-graph fits ``union_fits`` (``{model: summary}``, to ``union_tol``)."""
    named = {f"design-aware {m.upper()} (structural zeros)": (summary, facts["tolerance"])
             for m, summary in (facts.get("fits") or {}).items()}  # fmt: skip
    named.update({f"union graph {m.upper()}": (summary, union_tol) for m, summary in (union_fits or {}).items()})
    return maxent.fit_diagnostics(named)


def existed_by(lg: LabelledGraph, ego_table: pd.DataFrame | None, last_id: int):
    """``lg`` restricted to the accounts that existed by a date (Twitter id at most
    ``last_id``, see :class:`analysis.data.sources.ExistenceCutoff`), and its ego table
    restricted to them (an ego created later still stands for the members it sampled
    that existed). Returns ``(labelled graph, ego table or None)``."""
    keep = lg.graph.ids <= last_id
    restricted = labelled.restrict(lg, keep)
    if ego_table is None:
        return restricted, None
    return restricted, ego_table[ego_table["member"].to_numpy() <= last_id].reset_index(drop=True)


# ------------------------------------------------------------------ calibration

CALIBRATION_SETTINGS = {"n": 3000, "mean_degree": 50.0, "egos": 60, "elite_size": 30, "reciprocity": 0.3,
                        "factor": 3.0}  # fmt: skip
_PLANTS = {  # statement: (latent family, weight planted, classes (follower, followee), odds factor exponent)
    "C2a": ("dbcm", "one", ("celebrity", "regular"), -1),
    "C4a": ("dbcm", "one", ("celebrity", "celebrity"), 1),
    "C2b-chance": ("chance", "mutual", ("regular", "celebrity"), -1),  # from chance reciprocity, down
    "C2b-budget": ("rbcm", "mutual", ("regular", "celebrity"), -1),
    "C5": ("rbcm", "mutual", ("celebrity", "celebrity"), 1),
    "C5-vs-regular": ("rbcm", "mutual", ("celebrity", "celebrity"), 1),
}
_NULL_FAMILY = {"C2a": "dbcm", "C4a": "dbcm", "C2b-chance": "dbcm", "C2b-budget": "rbcm", "C5": "rbcm",
                "C5-vs-regular": "rbcm"}  # fmt: skip


def _latent_multipliers(rng, settings):
    n, k = settings["n"], settings["mean_degree"]
    w_in = synthetic.heavy_tailed_weights(n, 2.5, rng)
    w_out = rng.permutation(synthetic.heavy_tailed_weights(n, 3.5, rng))
    w_in, w_out = w_in / w_in.mean(), w_out / w_out.mean()
    a = np.sqrt(k / n)
    return a * w_out, a * w_in


def _propensities(rng, n: int) -> dict:
    """Each account's own tastes beyond the null model, one per class of the account at
    the other end: signs (+1 or -1, even odds) as follower (``"send"``), as followee
    (``"receive"``) and as a partner of mutual ties (``"mutual"``), each an ``n x 2``
    array (column 0: toward regular accounts, 1: toward celebrities). The same law in
    both classes, so neither gains on average (:func:`_beyond_model_graph`)."""
    return {kind: rng.choice(np.array([-1.0, 1.0]), (n, 2)) for kind in ("send", "receive", "mutual")}


def _beyond_model_probabilities(x, y, z, side, tastes: dict, spread: float):
    """The latent model's probabilities moved by each account's tastes
    (:func:`_propensities`) on the probability scale, where a class ratio is read, so
    that every pair keeps its null probability on average over the tastes and no class
    pair gains: a state of probability ``P`` becomes ``P + spread * min(P, N / 3) * t``,
    ``t`` the mean of the two accounts' signs for it (``N``, the no-tie probability;
    under the DBCM ``min(p, 1 - p)`` in place of ``min(P, N / 3)``), which keeps every
    probability in [0, 1] for ``spread`` in [0, 1]. Each account's expected follows
    toward a class then move, from its own taste, by up to ``spread / 2`` of their null
    value (less where the cap binds), at both ends of a follow, which no degree
    multiplier absorbs.

    DBCM (``z`` None): the ``n x n`` matrix of follow probabilities (``x_i y_j / (1 + x_i
    y_j)``, zero diagonal). RBCM: ``(i, j, one_ij, one_ji, mutual)`` over the unordered
    pairs ``i < j``: the probabilities of ``i -> j`` alone, ``j -> i`` alone and a
    mutual tie (weights ``1, x_i y_j, x_j y_i, z_i z_j``)."""
    side = np.asarray(side, dtype=np.int64)
    send, receive, mutual_taste = tastes["send"], tastes["receive"], tastes["mutual"]
    one = np.outer(x, y)
    if z is None:
        p = one / (1 + one)
        np.fill_diagonal(p, 0.0)
        taste = (send[:, side] + receive[:, side].T) / 2  # i's sign toward j's class, j's from i's
        return p + spread * np.minimum(p, 1 - p) * taste
    i, j = np.triu_indices(len(x), 1)
    w_ij, w_ji, w_m = one[i, j], one[j, i], z[i] * z[j]
    total = 1 + w_ij + w_ji + w_m
    none = 1 / total
    tastes_of = {
        "ij": (send[i, side[j]] + receive[j, side[i]]) / 2,
        "ji": (send[j, side[i]] + receive[i, side[j]]) / 2,
        "m": (mutual_taste[i, side[j]] + mutual_taste[j, side[i]]) / 2,
    }
    moved = [w / total + spread * np.minimum(w / total, none / 3) * tastes_of[k]
             for k, w in (("ij", w_ij), ("ji", w_ji), ("m", w_m))]  # fmt: skip
    return (i, j, *moved)


def _beyond_model_graph(rng, x, y, z, side, spread: float) -> tuple[np.ndarray, np.ndarray]:
    """A latent graph whose accounts differ beyond the null model
    (:func:`_beyond_model_probabilities`, tastes drawn by :func:`_propensities`).
    Returns ``(src, dst)``."""
    moved = _beyond_model_probabilities(x, y, z, side, _propensities(rng, len(x)), spread)
    if z is None:
        src, dst = np.nonzero(rng.random(moved.shape) < moved)
        return src.astype(np.int64), dst.astype(np.int64)
    i, j, one_ij, one_ji, mutual = moved
    u = rng.random(len(i))
    state_ij = u < one_ij
    state_ji = (u >= one_ij) & (u < one_ij + one_ji)
    state_m = (u >= one_ij + one_ji) & (u < one_ij + one_ji + mutual)
    src = np.concatenate([i[state_ij], j[state_ji], i[state_m], j[state_m]])
    dst = np.concatenate([j[state_ij], i[state_ji], j[state_m], i[state_m]])
    return src.astype(np.int64), dst.astype(np.int64)


def _calibration_graph(rng, family: str, plant: str | None, settings) -> tuple[LabelledGraph, pd.DataFrame]:
    x, y = _latent_multipliers(rng, settings)
    n = len(x)
    classes = np.full(n, "regular", dtype=object)
    classes[: settings["elite_size"]] = "celebrity"  # the heaviest in-weights (sorted descending)
    z = None
    if family == "rbcm":
        z = np.sqrt(settings["reciprocity"] * x * y)
    elif family == "chance":  # mutual weight x_i y_j x_j y_i: each direction independent, as under the DBCM
        z = x * y
    spread = settings.get("propensity_spread", 0.0)
    if spread > 0 and plant is not None:
        raise ValueError("the beyond-model tastes are for the size graphs: no plant with them")
    boosts = {}
    if plant is not None:
        _, kind, (a, b), sign = _PLANTS[plant]
        factor = settings["factor"] ** sign
        block = np.outer(classes == a, classes == b)
        if kind == "mutual":
            block = block | block.T
        boosts[kind] = np.where(block, factor, 1.0)

    def boost(which):
        return boosts.get(which, 1.0)

    if spread > 0:
        src, dst = _beyond_model_graph(rng, x, y, z, (classes == "celebrity").astype(np.int64), spread)
    else:
        src, dst = synthetic.latent_maxent_graph(rng, x, y, z, boost if boosts else None)
    s, d, table = synthetic.ego_sample(rng, src, dst, n, settings["egos"])
    graph = measures.Graph(s, d, np.arange(n))
    is_elite = classes == "celebrity"
    lg = LabelledGraph("calibration", graph, classes.astype(str), is_elite, "top")
    return lg, pd.DataFrame(table, columns=["ego", "member"])


SHARE_SETTINGS = {"spread": 0.5, "factor": 1.5}
"""The C5-shares calibration's own settings: ``spread``, the s.d. of the log of each
account's propensity to return follows (the same law in both classes); ``factor``, the
planted multiplier of the mutual probability of celebrity pairs."""


def _equal_share_graph(rng, settings, factor: float = 1.0) -> tuple[LabelledGraph, pd.DataFrame]:
    """A latent graph in which celebrities and regular accounts return follows equally
    often on average, observed through random egos. Each unordered pair is a tie with
    probability ``W / (1 + W)``, ``W = x_i y_j + x_j y_i``; a tie is mutual with
    probability ``reciprocity * h_i * h_j`` (capped at 1), else one way, ``i -> j`` with
    probability ``x_i y_j / W``. ``h``: each account's propensity, lognormal with mean 1
    and log-s.d. ``spread``, drawn alike for both classes, so accounts differ in how
    often they follow back and the null holds for the classes, not for every pair.
    ``factor`` multiplies the mutual probability of celebrity pairs (1: no effect)."""
    x, y = _latent_multipliers(rng, settings)
    n = len(x)
    classes = np.full(n, "regular", dtype=object)
    classes[: settings["elite_size"]] = "celebrity"
    elite = classes == "celebrity"
    sigma = settings["spread"]
    h = rng.lognormal(-(sigma**2) / 2, sigma, n)
    i, j = np.triu_indices(n, 1)
    forward, backward = x[i] * y[j], x[j] * y[i]
    weight = forward + backward
    tie = rng.random(len(i)) < weight / (1 + weight)
    i, j, forward, weight = i[tie], j[tie], forward[tie], weight[tie]
    chance = settings["reciprocity"] * h[i] * h[j] * np.where(elite[i] & elite[j], factor, 1.0)
    mutual = rng.random(len(i)) < np.minimum(chance, 1.0)
    ahead = rng.random(len(i)) < forward / weight
    src = np.concatenate([i[mutual], j[mutual], np.where(ahead, i, j)[~mutual]])
    dst = np.concatenate([j[mutual], i[mutual], np.where(ahead, j, i)[~mutual]])
    s, d, table = synthetic.ego_sample(rng, src.astype(np.int64), dst.astype(np.int64), n, settings["egos"])
    lg = LabelledGraph("calibration", measures.Graph(s, d, np.arange(n)), classes.astype(str), elite, "top")
    return lg, pd.DataFrame(table, columns=["ego", "member"])


def calibrate_share_comparison(rng: np.random.Generator, n_graphs: int = 300, n_planted: int = 40,
                               n_boot: int = 500, settings: dict | None = None,
                               alpha: float = inference.ALPHA) -> dict:  # fmt: skip
    """How the ``C5-shares`` comparison behaves on graphs sampled as ego networks: why it
    is described, not tested. Size: latent graphs in which both classes return follows
    equally often on average, accounts differing in their propensity
    (:func:`_equal_share_graph`), observed through random egos; the two-sided rejection
    rate of its interval's test, each tail's (a rejection with the effect above 1, below
    1) and the mean and median effect (1 if the sampling did not bias it). Power: celebrity pairs' mutual
    probability multiplied by ``factor`` (:data:`SHARE_SETTINGS`). The design-aware test
    needs its fits, so each graph is fitted as in a real run; a graph whose fit does not
    converge is skipped and counted. Returns the statement's ``size`` (with
    ``size_above`` and ``size_below``) and ``power`` with exact 95% intervals,
    ``not_converged`` and the settings."""
    settings = {**CALIBRATION_SETTINGS, **SHARE_SETTINGS, **(settings or {})}
    found = {"size": [], "above": [], "below": [], "power": []}
    skipped, null_effects = {"size": 0, "power": 0}, []
    for kind, graphs, factor in (("size", n_graphs, 1.0), ("power", n_planted, settings["factor"])):
        for _ in range(graphs):
            lg, table = _equal_share_graph(rng, settings, factor)
            try:
                test = design_statements(lg, rng, table, n_boot=n_boot).described.get("C5-shares")
            except maxent.NotConverged:
                skipped[kind] += 1
                continue
            if test is None:
                continue
            rejected = bool(test.p_two_sided < alpha)
            if kind == "size":
                null_effects.append(test.ratio)
                found["size"].append(rejected)
                found["above"].append(rejected and test.ratio > 1)
                found["below"].append(rejected and test.ratio < 1)
            else:
                found["power"].append(rejected and test.ratio > 1)
    rates = {key: inference.rejection_rate(value) for key, value in found.items()}
    entry = {"size": rates["size"]["rate"], "size_interval": [rates["size"]["low"], rates["size"]["high"]],
             "size_graphs": rates["size"]["datasets"], "size_above": rates["above"]["rate"],
             "size_below": rates["below"]["rate"], "power": rates["power"]["rate"],
             "power_interval": [rates["power"]["low"], rates["power"]["high"]],
             "power_graphs": rates["power"]["datasets"],
             "null_effect_mean": float(np.mean(null_effects)) if null_effects else None,
             "null_effect_median": float(np.median(null_effects)) if null_effects else None}  # fmt: skip
    return {"statements": {"C5-shares": entry}, "not_converged": skipped,
            "settings": {**settings, "n_boot": n_boot, "alpha": alpha, "test": "two-sided"}}  # fmt: skip


def _planted_rejections(rng, statement_id: str, n_planted: int, n_boot: int, settings: dict, alpha: float,
                        dyadic: bool = False):  # fmt: skip
    """Whether the test of ``statement_id`` rejects in the predicted direction on each of
    ``n_planted`` graphs with its effect planted (:data:`_PLANTS`), and how many graphs
    were skipped because the null fit did not converge. ``dyadic``: the same effect with
    the dyadic-robust error (:attr:`DesignTests.dyadic`) instead of the verdicts' one."""
    hits, skipped = [], 0
    for _ in range(n_planted):
        lg, table = _calibration_graph(rng, _PLANTS[statement_id][0], statement_id, settings)
        try:
            found = design_statements(lg, rng, table, n_boot=n_boot, dyadic=dyadic)
        except maxent.NotConverged:
            skipped += 1
            continue
        test = (found.dyadic if dyadic else found.tests).get(statement_id)
        if test is not None:
            predicted = test.ratio > 1 if test.alternative == "greater" else test.ratio < 1
            hits.append(test.p_two_sided < alpha and predicted)
    return hits, skipped


def calibrate_design_power(rng: np.random.Generator, statement_id: str, n_planted: int = 40, n_boot: int = 500,
                           settings: dict | None = None, alpha: float = inference.ALPHA) -> dict:  # fmt: skip
    """The power part of :func:`calibrate_design` for one statement: its rejection rate in
    the predicted direction on ``n_planted`` graphs with its plant, with the exact 95%
    interval, the graphs skipped (fit not converged) and the settings."""
    settings = {**CALIBRATION_SETTINGS, **(settings or {})}
    hits, skipped = _planted_rejections(rng, statement_id, n_planted, n_boot, settings, alpha)
    rate = inference.rejection_rate(hits)
    return {"statement": statement_id, "power": rate["rate"], "power_interval": [rate["low"], rate["high"]],
            "power_graphs": rate["datasets"], "not_converged": skipped, "plant": list(_PLANTS[statement_id][:2]),
            "settings": {**settings, "n_boot": n_boot, "alpha": alpha, "test": "two-sided"}}  # fmt: skip


def calibrate_dyadic_power(rng: np.random.Generator, n_planted: int = 40, n_boot: int = 400,
                           settings: dict | None = None, alpha: float = inference.ALPHA) -> dict:  # fmt: skip
    """The power of the design-aware tests with the dyadic-robust error (both accounts of
    every pair, :func:`analysis.stats.inference.dyadic_ratio_test`), the error of the
    verdicts' sensitivity (:func:`analysis.claims.catalogue.error_sensitivity`), on the
    planted graphs of :func:`calibrate_design` (:data:`_PLANTS`), statement by statement;
    its size on graphs from each null is :func:`calibrate_design_propensities`' at
    amplitude 0. Returns per statement ``power`` with its exact 95% interval and graphs,
    the graphs skipped (fit not converged) and the settings."""
    settings = {**CALIBRATION_SETTINGS, **(settings or {})}
    out, skipped = {}, {}
    for sid in STATEMENTS:
        hits, skipped[sid] = _planted_rejections(rng, sid, n_planted, n_boot, settings, alpha, dyadic=True)
        rate = inference.rejection_rate(hits)
        out[sid] = {"power": rate["rate"], "power_interval": [rate["low"], rate["high"]], "power_graphs": rate["datasets"],
                    "plant": list(_PLANTS[sid][:2])}  # fmt: skip
    return {"statements": out, "not_converged": skipped,
            "settings": {**settings, "n_boot": n_boot, "alpha": alpha, "test": "two-sided", "error": "dyadic-robust"}}  # fmt: skip


PROPENSITY_SETTINGS = {"propensity_spreads": [0.0, 1.0], "tastes": "signs, on the probability scale"}
"""The beyond-model calibration's own setting: the amplitudes of each account's
class-directed tastes (:func:`_beyond_model_probabilities`; 1 is the largest the
construction allows, an account's expected follows toward a class moved by up to half
their null value) it is run at; 0 is the null family alone; ``tastes`` names the construction in
the results file (entries made before it had lognormal odds factors, read by log-s.d.)."""

_ERRORS = {"clustered": "tests", "dyadic": "dyadic"}  # the error of a design-aware test: its DesignTests field


def calibrate_design_propensities(rng: np.random.Generator, n_graphs: int = 300, n_boot: int = 400,
                                  settings: dict | None = None, alpha: float = inference.ALPHA) -> dict:  # fmt: skip
    """Whether the design-aware tests keep their size when accounts differ beyond the null
    model, with each of their two errors. The latent graphs of :func:`calibrate_design`'s
    size part (each statement's own null family, no class effect, observed through random
    egos) with each account's class-directed tastes moving its probabilities
    (:func:`_beyond_model_graph`) at each amplitude of ``propensity_spreads``
    (:data:`PROPENSITY_SETTINGS`): follows that share an account, at either end, are then
    dependent in a way the fitted multipliers do not absorb, while every pair keeps its
    null probability on average. Each graph is tested with
    the account-clustered error (``clustered``: the accounts each pair is credited to
    resampled, the verdicts' tests) and the dyadic-robust one (``dyadic``: both accounts
    of every pair, :class:`DesignTests`). Returns, per spread (its string) and error, per
    statement the two-sided ``size`` with its exact 95% interval, each tail's rate
    (``size_above``: a rejection with the effect above 1) and the mean and median effect
    (the tastes keep every pair's probability on average; a mean away from 1 comes from
    the fitted null or the sampling, which this calibration does not tell apart); the
    graphs skipped (fit not converged) and the settings."""
    settings = {**CALIBRATION_SETTINGS, **PROPENSITY_SETTINGS, **(settings or {})}
    out, skipped = {}, {}
    for spread in settings["propensity_spreads"]:
        graph_settings = {**settings, "propensity_spread": float(spread)}
        found = {error: {sid: {"size": [], "above": [], "below": [], "effects": [], "without_floor": []}
                         for sid in STATEMENTS} for error in _ERRORS}  # fmt: skip
        skipped[str(spread)] = {"dbcm": 0, "rbcm": 0}
        for family in ("dbcm", "rbcm"):
            for _ in range(n_graphs):
                lg, table = _calibration_graph(rng, family, None, graph_settings)
                try:
                    tested = design_statements(lg, rng, table, n_boot=n_boot, dyadic=True)
                except maxent.NotConverged:
                    skipped[str(spread)][family] += 1
                    continue
                for error, attribute in _ERRORS.items():
                    tests = getattr(tested, attribute)
                    for sid in STATEMENTS:
                        if _NULL_FAMILY[sid] == family and sid in tests:
                            test, record = tests[sid], found[error][sid]
                            rejected = bool(test.p_two_sided < alpha)
                            record["size"].append(rejected)
                            record["above"].append(rejected and test.ratio > 1)
                            record["below"].append(rejected and test.ratio < 1)
                            record["effects"].append(test.ratio)
                            without = (
                                tested.facts.get("variance_floors", {}).get(sid, {}).get("p_two_sided_without_floor")
                            )
                            if error == "clustered" and without is not None:
                                record["without_floor"].append(without < alpha)
        out[str(spread)] = {error: {sid: _size_entry(record) for sid, record in by_statement.items()}
                            for error, by_statement in found.items()}  # fmt: skip
    return {"spreads": out, "not_converged": skipped,
            "settings": {**settings, "n_boot": n_boot, "alpha": alpha, "test": "two-sided"}}  # fmt: skip


def _size_entry(record: dict) -> dict:
    size = inference.rejection_rate(record["size"])
    effects = np.asarray(record["effects"], dtype=float)
    without = record["without_floor"]
    floor = (
        {"size_without_floor": inference.rejection_rate(without)["rate"], "size_without_floor_graphs": len(without)}
        if without
        else {}
    )
    return {**floor, "size": size["rate"], "size_interval": [size["low"], size["high"]], "size_graphs": size["datasets"],
            "size_above": inference.rejection_rate(record["above"])["rate"],
            "size_below": inference.rejection_rate(record["below"])["rate"],
            "null_effect_mean": float(effects.mean()) if len(effects) else None,
            "null_effect_median": float(np.median(effects)) if len(effects) else None}  # fmt: skip


def calibrate_design(rng: np.random.Generator, n_graphs: int = 100, n_planted: int = 40, n_boot: int = 500,
                     settings: dict | None = None, alpha: float = inference.ALPHA) -> dict:  # fmt: skip
    """Size and power of the design-aware tests on graphs sampled as ego networks.

    Size: latent graphs drawn from the statement's own null family (a DBCM for C2a, C4a
    and C2b-chance; an RBCM for C2b-budget, C5 and C5-vs-regular), with heavy-tailed
    multipliers and no class effect, observed through random egos
    (:func:`analysis.stats.synthetic.ego_sample`); the share of graphs on which the
    two-sided p-value is below ``alpha``. Power: the same with the statement's effect
    planted in the latent graph (odds multiplied or divided by ``factor`` for the class
    pair, :data:`_PLANTS`; for C2b-chance the latent graph's reciprocation is at chance,
    each direction independent as under the DBCM, before the regular-celebrity mutual
    odds are divided), the share rejected in the predicted direction. Returns one
    entry per statement with ``size`` and ``power``, each with its exact 95% interval
    (:func:`analysis.stats.inference.rejection_rate`) and number of graphs, and the
    settings. A graph whose null fit does not converge (:class:`~analysis.nulls.maxent.NotConverged`)
    is skipped and counted in ``not_converged`` (``size``: per null family; ``power``: per
    statement), so the rates are over the graphs that were tested."""
    settings = {**CALIBRATION_SETTINGS, **(settings or {})}
    size_rejections = {sid: [] for sid in STATEMENTS}
    unfloored = {}  # statement -> rejections of the same test without its variance floor
    skipped = {"size": {"dbcm": 0, "rbcm": 0}, "power": dict.fromkeys(STATEMENTS, 0)}
    for family in ("dbcm", "rbcm"):
        for _ in range(n_graphs):
            lg, table = _calibration_graph(rng, family, None, settings)
            try:
                found = design_statements(lg, rng, table, n_boot=n_boot)
            except maxent.NotConverged:
                skipped["size"][family] += 1
                continue
            for sid in STATEMENTS:
                if _NULL_FAMILY[sid] == family and sid in found.tests:
                    size_rejections[sid].append(found.tests[sid].p_two_sided < alpha)
                    without = found.facts.get("variance_floors", {}).get(sid, {}).get("p_two_sided_without_floor")
                    if without is not None:
                        unfloored.setdefault(sid, []).append(without < alpha)
    power = {}
    for sid in STATEMENTS:
        power[sid], skipped["power"][sid] = _planted_rejections(rng, sid, n_planted, n_boot, settings, alpha)
    out = {}
    for sid in STATEMENTS:
        size, hits = inference.rejection_rate(size_rejections[sid]), inference.rejection_rate(power[sid])
        out[sid] = {"size": size["rate"], "size_interval": [size["low"], size["high"]], "size_graphs": size["datasets"],
                    "power": hits["rate"], "power_interval": [hits["low"], hits["high"]], "power_graphs": hits["datasets"]}  # fmt: skip
        if sid in unfloored:  # on the graphs whose floor was computed: all of them unless the counts differ
            out[sid]["size_without_floor"] = inference.rejection_rate(unfloored[sid])["rate"]
            out[sid]["size_without_floor_graphs"] = len(unfloored[sid])
    return {"statements": out, "not_converged": skipped,
            "settings": {**settings, "n_boot": n_boot, "alpha": alpha, "test": "two-sided"}}  # fmt: skip


def _rule_words(tests: dict, alpha: float) -> dict:
    """The verdict word of each design-aware test of one graph by the catalogue's rule,
    the Benjamini-Hochberg adjustment made across the graph's tests (one family, as on
    the verdict page)."""
    ids = [sid for sid in STATEMENTS if sid in tests]
    adjusted = inference.benjamini_hochberg(np.array([tests[sid].p_two_sided for sid in ids], dtype=float))
    return {sid: catalogue.statement_verdict(tests[sid].ratio, tests[sid].ci_low, tests[sid].ci_high, p,
                                             catalogue.statement(sid).direction, alpha, sampling=True)
            for sid, p in zip(ids, adjusted)}  # fmt: skip


def calibrate_verdict_rule(rng: np.random.Generator, n_graphs: int = 100, n_planted: int = 20, n_boot: int = 400,
                           settings: dict | None = None, alpha: float = inference.ALPHA,
                           small_factor: float = 1.15, beyond_spread: float = 1.0) -> dict:  # fmt: skip
    """The whole verdict rule (:data:`analysis.claims.catalogue.VERDICT_RULE`: the
    practical band, a sampling interval that excludes 1, significance after the
    Benjamini-Hochberg adjustment) on the design-aware graph statements, where each
    part was calibrated alone.

    On ``n_graphs`` graphs per null family with no class effect (the size graphs of
    :func:`calibrate_design`), the share of each statement's verdicts that are each word
    (a *supported* there is a false support; the rule should give it at most about
    ``alpha / 2``, the predicted tail of the two-sided test); on ``n_planted`` graphs per
    statement with its effect planted (:data:`_PLANTS`, odds times or over ``factor``),
    the share of that statement's verdicts that are each word (*supported*: the rule's
    power); on as many graphs with a small effect planted (odds times or over
    ``small_factor``, an effect inside the practical band), the same shares (``small``:
    the rule should call it *negligible* or *not supported*, hardly ever *supported*).
    The adjustment runs over the graph's own tests (the verdict page's family is
    larger, which only lowers the rates of *supported*). ``beyond``: as ``null`` on graphs
    whose accounts have tastes beyond the null model at amplitude ``beyond_spread``
    (:func:`calibrate_design_propensities`, where the tests alone reject too often): does
    the whole rule still hold false support down? ``null_dyadic``, ``beyond_dyadic``: the
    same graphs with the dyadic-robust error in place of the verdicts' (the verdict page's
    sensitivity, :func:`analysis.claims.catalogue.error_sensitivity`). Returns those and ``planted`` and ``small``:
    ``{statement: {"graphs": k, "words": {word: share}, "supported": share, "supported_interval": [lo, hi]}}``,
    the graphs whose fit did not converge, and the settings."""
    settings = {**CALIBRATION_SETTINGS, **(settings or {})}
    kinds = ("null", "beyond", "planted", "small", "null_dyadic", "beyond_dyadic")
    words = {kind: {sid: [] for sid in STATEMENTS} for kind in kinds}
    skipped = {"null": {"dbcm": 0, "rbcm": 0}, "beyond": {"dbcm": 0, "rbcm": 0},
               "planted": dict.fromkeys(STATEMENTS, 0), "small": dict.fromkeys(STATEMENTS, 0)}  # fmt: skip
    for kind, spread in (("null", 0.0), ("beyond", beyond_spread)):
        for family in ("dbcm", "rbcm"):
            for _ in range(n_graphs):
                lg, table = _calibration_graph(rng, family, None, {**settings, "propensity_spread": spread})
                try:
                    found = design_statements(lg, rng, table, n_boot=n_boot, dyadic=True)
                except maxent.NotConverged:
                    skipped[kind][family] += 1
                    continue
                for suffix, tests in (("", found.tests), ("_dyadic", found.dyadic)):
                    for sid, word in _rule_words(tests, alpha).items():
                        if _NULL_FAMILY[sid] == family:
                            words[kind + suffix][sid].append(word)
    for kind, factor in (("planted", settings["factor"]), ("small", small_factor)):
        for sid in STATEMENTS:
            for _ in range(n_planted):
                lg, table = _calibration_graph(rng, _PLANTS[sid][0], sid, {**settings, "factor": factor})
                try:
                    found = design_statements(lg, rng, table, n_boot=n_boot)
                except maxent.NotConverged:
                    skipped[kind][sid] += 1
                    continue
                word = _rule_words(found.tests, alpha).get(sid)
                if word is not None:
                    words[kind][sid].append(word)

    def summary(found: list) -> dict:
        rate = inference.rejection_rate([w == catalogue.SUPPORTED for w in found])
        shares = pd.Series(found, dtype=object).value_counts(normalize=True) if found else pd.Series(dtype=float)
        return {"graphs": len(found), "words": {str(k): float(v) for k, v in shares.items()},
                "supported": rate["rate"], "supported_interval": [rate["low"], rate["high"]]}  # fmt: skip

    return {"test": "verdict rule", **{kind: {sid: summary(w) for sid, w in by.items()} for kind, by in words.items()},
            "not_converged": skipped,
            "settings": {**settings, "n_boot": n_boot, "alpha": alpha, "band": list(catalogue.PRACTICAL_BAND),
                         "small_factor": small_factor, "beyond_spread": beyond_spread,
                         "tastes": PROPENSITY_SETTINGS["tastes"], "family": "the graph's own design-aware tests"}}  # fmt: skip
