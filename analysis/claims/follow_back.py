"""C2 (celebrities do not follow regular people and do not follow back their fans) and
C5 (inside their circle they follow each other back): the statements of notebook 03.

**Direction convention.** Edges are ``follower -> followee``. A ``regular ->
celebrity`` edge is a regular account following a celebrity; it is *reciprocated*
(returned) when the celebrity follows that account back. "The reciprocated share
of A -> B follows" is the share of edges from class A to class B whose reverse
edge exists (per-edge reciprocity restricted to A -> B edges).

**The statements** (their words, statistics, nulls and predicted directions are
the catalogue's, :mod:`analysis.claims.catalogue`; the direction of each test is
read from there):

- ``C2a``: share of celebrity follows going to regular accounts, against the
  degree-keeping null (null 1), predicted ``less``;
- ``C2b-chance``: reciprocated share of regular -> celebrity follows, against the
  degree-keeping null (is there less follow-back than chance?), ``less``;
- ``C2b-budget``: the same statistic against the reciprocity-keeping null (null 2:
  is it less than the accounts' own numbers of mutual ties imply?), ``less``;
- ``C5``: reciprocated share of celebrity -> celebrity follows, null 2, ``greater``;
- ``C5-vs-regular`` (secondary): that share divided by the reciprocated share of
  regular -> regular follows, against the same ratio in each null-2 sample,
  ``greater``.

One degree-null ensemble gives C2a and C2b-chance (and the chance level of every
class pair), one reciprocity-null ensemble the other three and the per-pair table
(:data:`FOLLOW_BACK_PAIRS`): :func:`follow_back_tests` (arrays) and
:func:`follow_back_statements` (a labelled graph). :func:`calibrate_follow_back`
measures the size and power of the five tests on synthetic graphs
(:func:`follow_back_graph`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..graph import arrays, measures
from ..graph.labelled import CLASSES, LabelledGraph
from ..nulls import rewiring
from ..stats import inference, synthetic
from . import catalogue

__all__ = [
    "FOLLOW_BACK_PAIRS",
    "DEGREE_STATEMENTS",
    "RECIPROCAL_STATEMENTS",
    "STATEMENTS",
    "CAVEATS",
    "class_codes",
    "pair_counts",
    "pair_counts_by_labelling",
    "share_to",
    "reciprocated_share",
    "degree_statistic",
    "reciprocal_statistic",
    "FollowBack",
    "follow_back_tests",
    "follow_back_statements",
    "follow_back_by_class",
    "follow_back_of",
    "follow_back_graph",
    "calibrate_follow_back",
]


FOLLOW_BACK_PAIRS = [  # (follower class, followee class, alternative of the per-pair test)
    ("regular", "celebrity", "less"),
    ("celebrity", "celebrity", "greater"),
    ("popular", "celebrity", "two-sided"),
    ("celebrity", "regular", "two-sided"),
    ("regular", "popular", "two-sided"),
    ("regular", "regular", "two-sided"),
]
DEGREE_STATEMENTS = ("C2a", "C2b-chance")  # tested on the degree-keeping ensemble
RECIPROCAL_STATEMENTS = ("C2b-budget", "C5", "C5-vs-regular")  # on the reciprocity-keeping ensemble
STATEMENTS = DEGREE_STATEMENTS + RECIPROCAL_STATEMENTS
_BUDGET = (
    "Under null 2 every account keeps its number of mutual ties, so celebrities who return fewer follows of regular "
    "accounts than the null expects have more mutual ties with other accounts than it expects: C2b-budget, C5 and "
    "C5-vs-regular are sides of one allocation of mutual ties, not independent evidence."
)
CAVEATS = {  # caveats of a statement's test, whatever the data (recorded with the statement)
    "C2b-chance": (
        "Null 1 keeps no reciprocity: it expects only the follow-backs that arise by chance. On a graph where accounts "
        "return follows far more often than chance, C2b-chance holds celebrities to that low bar; the table's chance "
        "column gives it for every class pair."
    ),
    "C2b-budget": _BUDGET,
    "C5": _BUDGET,
    "C5-vs-regular": _BUDGET,
}
_PAIR_OF = {
    "C2b-chance": ("regular", "celebrity"),
    "C2b-budget": ("regular", "celebrity"),
    "C5": ("celebrity", "celebrity"),
}
_CODE = {name: i for i, name in enumerate(CLASSES)}
_K = len(CLASSES)


def class_codes(classes) -> np.ndarray:
    """Integer code of each node's class, in the order of :data:`analysis.graph.labelled.CLASSES`."""
    classes = np.asarray(classes)
    unknown = set(np.unique(classes).tolist()) - set(CLASSES)
    if unknown:
        raise ValueError(f"classes {sorted(unknown)} are not among {CLASSES}")
    codes = np.empty(len(classes), dtype=np.int64)
    for name, code in _CODE.items():
        codes[classes == name] = code
    return codes


def pair_counts(src, dst, n: int, codes, recip=None) -> tuple[np.ndarray, np.ndarray]:
    """Follows and reciprocated follows by class pair: two ``3 x 3`` arrays indexed
    ``[follower class, followee class]`` (codes of :func:`class_codes`); an ``A -> B``
    follow is reciprocated when the ``B`` account follows the ``A`` account back.
    ``recip``: that mask (:func:`analysis.graph.measures.reciprocated_mask`) when the
    caller has it already, e.g. for several class vectors on one graph."""
    edges, returned = pair_counts_by_labelling(src, dst, n, np.asarray(codes)[:, None], recip)
    return edges[0], returned[0]


def pair_counts_by_labelling(src, dst, n: int, codes, recip=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pair_counts` for several labellings of one graph in one pass: ``codes`` has
    one row per account and one column of class codes per labelling (elite definition);
    two ``(labellings, 3, 3)`` arrays (:func:`analysis.graph.arrays.edge_crosstab`)."""
    recip = measures.reciprocated_mask(src, dst, n) if recip is None else np.asarray(recip, dtype=bool)
    return arrays.edge_crosstab(src, dst, codes, _K, recip)


def _ratio(a, b) -> float:
    return float(a / b) if b else float("nan")


def share_to(edges: np.ndarray, follower: str, followee: str) -> float:
    """Share of the follows sent by class ``follower`` that go to class ``followee``
    (``edges`` from :func:`pair_counts`; NaN when the class follows no one). C2a is
    ``share_to(edges, "celebrity", "regular")``: a row of the attention matrix."""
    row = edges[_CODE[follower]]
    return _ratio(row[_CODE[followee]], row.sum())


def reciprocated_share(edges: np.ndarray, returned: np.ndarray, follower: str, followee: str) -> float:
    """Reciprocated share of ``follower -> followee`` follows: of the edges from an account
    of class ``follower`` to one of class ``followee``, the share the followee follows
    back (NaN when there is no such edge). C2b is ``("regular", "celebrity")``: the share
    of regular accounts' follows of celebrities that the celebrity returns."""
    a, b = _CODE[follower], _CODE[followee]
    return _ratio(returned[a, b], edges[a, b])


def _pair_shares(edges, returned) -> list[float]:
    return [reciprocated_share(edges, returned, a, b) for a, b, _ in FOLLOW_BACK_PAIRS]


def degree_statistic(classes, n: int):
    """The statistic vector of the degree-null ensemble, ``statistic(src, dst)``:
    ``[C2a, then the reciprocated share of each pair of FOLLOW_BACK_PAIRS]``; C2a is the
    share of celebrity follows going to regular accounts, C2b-chance the
    ``regular -> celebrity`` column (the chance level of every pair comes with it)."""
    codes = class_codes(classes)

    def statistic(src, dst):
        edges, returned = pair_counts(src, dst, n, codes)
        return [share_to(edges, "celebrity", "regular"), *_pair_shares(edges, returned)]

    return statistic


def reciprocal_statistic(classes, n: int):
    """The statistic vector of the reciprocity-null ensemble, ``statistic(src, dst)``:
    ``[the reciprocated share of each pair of FOLLOW_BACK_PAIRS, then the ratio of the
    celebrity -> celebrity share to the regular -> regular share]`` (C2b-budget: the
    ``regular -> celebrity`` column; C5: ``celebrity -> celebrity``; C5-vs-regular: the
    ratio, infinite when no regular -> regular follow is returned)."""
    codes = class_codes(classes)

    def statistic(src, dst):
        edges, returned = pair_counts(src, dst, n, codes)
        among = reciprocated_share(edges, returned, "celebrity", "celebrity")
        regular = reciprocated_share(edges, returned, "regular", "regular")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = float(np.divide(among, regular))
        return [*_pair_shares(edges, returned), ratio]

    return statistic


@dataclass(frozen=True)
class FollowBack:
    """The statements of notebook 03 on one graph.

    ``tests``: the :class:`~analysis.stats.inference.TestResult` of each statement
    tested (by statement id; its ``alternative`` is the catalogue's direction);
    ``untested``: why each other statement could not be tested; ``table``: one row per
    class pair of :data:`FOLLOW_BACK_PAIRS` that has follows (observed reciprocated
    share, its null-2 mean and 95% range, effect, interval, p-value, the degree
    null's mean as ``chance``, and the statement the row tests, if any); ``facts``:
    counts and shares the prose quotes; ``by_pair``: the test of each row of ``table``
    by ``(follower class, followee class)`` (null 2, the row's ``alternative``)."""

    tests: dict[str, inference.TestResult]
    untested: dict[str, str]
    table: pd.DataFrame
    facts: dict = field(default_factory=dict)
    by_pair: dict = field(default_factory=dict)


def _test(statement_id: str, observed, null_values, model: str, rng, tests: dict, untested: dict, why: str):
    """The ensemble test of one statement into ``tests``, or the reason it cannot be
    tested into ``untested``; returns the test or None."""
    entry = catalogue.statement(statement_id)
    null_values = np.asarray(null_values, dtype=float)
    if not np.isfinite(observed):
        untested[statement_id] = why
        return None
    if not np.isfinite(null_values).any():
        untested[statement_id] = "the statistic is undefined in every null sample"
        return None
    tests[statement_id] = inference.ensemble_test(
        entry.statistic, observed, null_values, rewiring.NULL_DESCRIPTIONS[model], entry.direction, tie_rng=rng
    )
    return tests[statement_id]


def _finite_mean(values) -> np.ndarray:
    """Mean of each column over its finite values (NaN for a column with none)."""
    finite = np.isfinite(values)
    total = np.where(finite, values, 0.0).sum(axis=0)
    count = finite.sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _run(src, dst, n, statistic, n_null, rng, model, switches_per_edge, workers, progress, scheduler, given=None):
    observed = np.asarray(statistic(src, dst), dtype=float)
    if given is not None:  # an ensemble already drawn (analysis.claims.chains.shared_null)
        given = np.asarray(given, dtype=float)
        if given.shape != (n_null, len(observed)):
            raise ValueError(f"the given {model} ensemble has shape {given.shape}, not {(n_null, len(observed))}")
        return observed, given
    null = rewiring.null_ensemble(
        src,
        dst,
        n,
        statistic,
        n_null,
        rng,
        model=model,
        switches_per_edge=switches_per_edge,
        progress=progress,
        workers=workers,
        scheduler=scheduler,
    )
    return observed, null.reshape(n_null, len(observed))


def follow_back_tests(
    src,
    dst,
    n: int,
    classes,
    rng: np.random.Generator,
    n_null: int,
    switches_per_edge: float = rewiring.DEFAULT_SWITCHES_PER_EDGE,
    models=("degree", "reciprocal"),
    workers: int = 1,
    progress: bool = False,
    scheduler=None,
    nulls: dict | None = None,
) -> FollowBack:
    """Test the statements of notebook 03 on the graph ``src -> dst`` with a class per node.

    One ensemble of ``n_null`` samples per null in ``models`` (``"degree"``: C2a and
    C2b-chance; ``"reciprocal"``: C2b-budget, C5, C5-vs-regular and the per-pair
    table), drawn in that order from ``rng``; ties between observed and null values
    are broken at random with ``rng`` (exact size for these count-based shares). A
    statement whose statistic is undefined (no such follows) is left out of
    ``tests`` and its reason put in ``untested``. ``workers`` (threads) and
    ``scheduler`` (a Dask cluster) say how the samples run; the values do not
    depend on them (:func:`analysis.nulls.rewiring.null_ensemble`). ``nulls``: ensembles
    already drawn, ``{model: values}`` with a row per sample (``n_null`` rows) and the
    columns of :func:`degree_statistic` or :func:`reciprocal_statistic` (for example
    :meth:`analysis.claims.chains.SharedNull.follow_back`); those models draw nothing
    from ``rng``."""
    codes = class_codes(classes)
    nulls = nulls or {}
    edges, returned = pair_counts(src, dst, n, codes)
    tests: dict[str, inference.TestResult] = {}
    untested: dict[str, str] = {}
    no_pair = {
        "C2a": "celebrities follow no one in this graph",
        "C2b-chance": "the graph has no regular → celebrity follows",
        "C2b-budget": "the graph has no regular → celebrity follows",
        "C5": "the graph has no follows among celebrities",
        "C5-vs-regular": "the graph has no follows among celebrities, or no returned follow among regular accounts",
    }
    chance = np.full(len(FOLLOW_BACK_PAIRS), np.nan)
    if "degree" in models:
        observed, null = _run(src, dst, n, degree_statistic(classes, n), n_null, rng, "degree",
                              switches_per_edge, workers, progress, scheduler, nulls.get("degree"))  # fmt: skip
        chance = _finite_mean(null[:, 1:])
        pair = 1 + FOLLOW_BACK_PAIRS.index(("regular", "celebrity", "less"))
        for statement_id, column in (("C2a", 0), ("C2b-chance", pair)):
            _test(
                statement_id, observed[column], null[:, column], "degree", rng, tests, untested, no_pair[statement_id]
            )
    rows, by_pair = [], {}
    if "reciprocal" in models:
        observed, null = _run(src, dst, n, reciprocal_statistic(classes, n), n_null, rng, "reciprocal",
                              switches_per_edge, workers, progress, scheduler, nulls.get("reciprocal"))  # fmt: skip
        tested_by = {pair: sid for sid, pair in _PAIR_OF.items() if sid in RECIPROCAL_STATEMENTS}
        for column, (a, b, alternative) in enumerate(FOLLOW_BACK_PAIRS):
            if not np.isfinite(observed[column]):
                continue
            statement_id = tested_by.get((a, b), "")
            values = null[:, column]
            if statement_id:
                result = _test(statement_id, observed[column], values, "reciprocal", rng, tests, untested, "")
                if result is None:
                    continue
            elif np.isfinite(values).any():
                result = inference.ensemble_test(
                    f"reciprocated share of {a} -> {b} follows", observed[column], values,
                    rewiring.NULL_DESCRIPTIONS["reciprocal"], alternative=alternative, tie_rng=rng,
                )  # fmt: skip
            else:
                continue
            by_pair[(a, b)] = result
            low, high = np.nanpercentile(values, [2.5, 97.5])
            rows.append({
                "pair": f"{a} → {b}", "edges": int(edges[_CODE[a], _CODE[b]]),
                "returned": int(returned[_CODE[a], _CODE[b]]), "observed": result.observed,
                "expected": result.expected, "null_low": low, "null_high": high, "effect": result.ratio,
                "ci_low": result.ci_low, "ci_high": result.ci_high, "p_value": result.p_value,
                "alternative": result.alternative, "p_two_sided": result.p_two_sided, "chance": chance[column],
                "statement": statement_id,
            })  # fmt: skip
        for statement_id in tested_by.values():
            if statement_id not in tests and statement_id not in untested:
                untested[statement_id] = no_pair[statement_id]
        _test("C5-vs-regular", observed[-1], null[:, -1], "reciprocal", rng, tests, untested, no_pair["C5-vs-regular"])
    columns = ["pair", "edges", "returned", "observed", "expected", "null_low", "null_high", "effect", "ci_low",
               "ci_high", "p_value", "alternative", "p_two_sided", "chance", "statement"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    facts = {
        "celebrity_follows": int(edges[_CODE["celebrity"]].sum()),
        "celebrity_to_regular": int(edges[_CODE["celebrity"], _CODE["regular"]]),
        "all_to_regular": _ratio(edges[:, _CODE["regular"]].sum(), edges.sum()),
        "regular_to_celebrity": int(edges[_CODE["regular"], _CODE["celebrity"]]),
        "regular_to_celebrity_returned": int(returned[_CODE["regular"], _CODE["celebrity"]]),
        "regular_to_celebrity_share": reciprocated_share(edges, returned, "regular", "celebrity"),
        "celebrity_to_celebrity": int(edges[_CODE["celebrity"], _CODE["celebrity"]]),
        "celebrity_share": reciprocated_share(edges, returned, "celebrity", "celebrity"),
        "regular_to_regular": int(edges[_CODE["regular"], _CODE["regular"]]),
        "regular_share": reciprocated_share(edges, returned, "regular", "regular"),
    }
    return FollowBack(tests, untested, table, facts, by_pair)


def follow_back_statements(
    lg: LabelledGraph,
    rng,
    n_null: int,
    switches_per_edge: float,
    workers: int = 1,
    progress: bool = False,
    scheduler=None,
    nulls: dict | None = None,
) -> FollowBack:
    """:func:`follow_back_tests` on a labelled graph (both ensembles, or ``nulls`` already
    drawn): the five statements of notebook 03 and the per-pair table."""
    g = lg.graph
    return follow_back_tests(g.src, g.dst, g.n, lg.classes, rng, n_null, switches_per_edge,
                             workers=workers, progress=progress, scheduler=scheduler, nulls=nulls)  # fmt: skip


def follow_back_by_class(
    lg: LabelledGraph,
    rng,
    n_null: int,
    switches_per_edge: float,
    progress: bool = False,
    workers: int = 1,
    scheduler=None,
) -> tuple[pd.DataFrame, dict]:
    """Per-edge reciprocity for each class pair of :data:`FOLLOW_BACK_PAIRS` against the
    reciprocity-keeping null (null 2) alone: the table of :func:`follow_back_tests`
    (observed, expected, null 95% range, effect and interval, p-value; pairs without
    follows left out) and the results by pair ``(follower class, followee class)``."""
    g = lg.graph
    found = follow_back_tests(g.src, g.dst, g.n, lg.classes, rng, n_null, switches_per_edge,
                              models=("reciprocal",), workers=workers, progress=progress,
                              scheduler=scheduler)  # fmt: skip
    return found.table.drop(columns=["chance", "statement"]), found.by_pair


def follow_back_of(lg: LabelledGraph, screen_names, accounts: pd.DataFrame) -> pd.DataFrame:
    """Followers in the graph and the share followed back, for named accounts."""
    ids = accounts.set_index("screen_name")["user_id"]
    present = [name for name in screen_names if name in ids.index]
    nodes = lg.graph.index_of(ids.loc[present].to_numpy())
    keep = nodes >= 0
    table = measures.follow_back(lg.graph.src, lg.graph.dst, lg.graph.n, nodes[keep])
    table.insert(0, "screen_name", np.array(present)[keep])
    return table.drop(columns="node")


# ------------------------------------------------------------------ calibration


def follow_back_graph(
    rng: np.random.Generator,
    n: int = 200,
    m: float = 2000,
    elite_size: int = 10,
    popular_size: int = 20,
    reciprocity: float = 0.3,
    returned: float = 1.0,
    among: float = 1.0,
    closure: float = 1.0,
    exponent: float = 2.5,
):
    """A synthetic follower graph with classes and known follow-back: ``(src, dst, classes)``.

    A directed Chung-Lu graph (:func:`analysis.stats.synthetic.chung_lu_digraph`:
    heavy-tailed in-weights, milder out-weights) whose ``elite_size`` heaviest
    in-weight nodes are the celebrities, the next ``popular_size`` popular, the rest
    regular; follows among celebrities are ``closure`` times as likely as the weights
    imply (closure > 1 plants C2a: fewer celebrity follows to regular accounts). Then
    every one-way follow is returned with probability ``reciprocity``, times
    ``among`` for follows among celebrities (plants C5) and times ``returned`` for
    follows between a regular account and a celebrity, either way (capped at 1); with
    ``returned`` < 1 each mutual pair of a celebrity and a regular account that the
    Chung-Lu draw made by chance also keeps its celebrity -> regular edge only with
    probability ``returned``. So ``returned = 0``: no regular -> celebrity follow is
    reciprocated (plants C2b-chance and C2b-budget). All factors 1: no planted effect."""
    in_w = synthetic.heavy_tailed_weights(n, exponent, rng)  # sorted: the celebrities first
    out_w = rng.permutation(synthetic.heavy_tailed_weights(n, 3.5, rng))
    classes = np.full(n, "regular", dtype=object)
    classes[:elite_size] = "celebrity"
    classes[elite_size : elite_size + popular_size] = "popular"
    src, dst = synthetic.chung_lu_digraph(out_w, in_w, m, rng, block_boost=(np.arange(elite_size), closure))
    codes = class_codes(classes)
    celebrity, regular = _CODE["celebrity"], _CODE["regular"]
    fan = (codes[src] == regular) & (codes[dst] == celebrity)
    star = (codes[src] == celebrity) & (codes[dst] == regular)
    inside = (codes[src] == celebrity) & (codes[dst] == celebrity)
    reverse_exists = np.isin(dst * n + src, src * n + dst)
    p = np.full(len(src), float(reciprocity))
    p[fan | star] *= returned
    p[inside] *= among
    back = ~reverse_exists & (rng.random(len(src)) < np.minimum(p, 1.0))
    drop = star & reverse_exists & (rng.random(len(src)) >= returned)  # chance mutual pairs of a fan and a star
    new_src = np.concatenate([src[~drop], dst[back]])
    new_dst = np.concatenate([dst[~drop], src[back]])
    pairs = np.unique(np.column_stack([new_src, new_dst]), axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy(), classes


def _rejections(found: FollowBack, statements, alpha: float) -> dict:
    """Per statement: (one-sided p below alpha, directional two-sided p below alpha), or None."""
    out = {}
    for sid in statements:
        result = found.tests.get(sid)
        out[sid] = None if result is None else (result.p_value < alpha, result.p_two_sided < alpha)
    return out


def _rates(outcomes: list[dict], statements, which: int) -> dict:
    rates = {}
    for sid in statements:
        seen = [o[sid][which] for o in outcomes if o[sid] is not None]
        rates[sid] = float(np.mean(seen)) if seen else float("nan")
    return rates


def calibrate_follow_back(
    rng: np.random.Generator,
    n_graphs: int = 200,
    n_null: int = 99,
    n: int = 200,
    m: float = 2000,
    elite_size: int = 10,
    popular_size: int = 20,
    reciprocity: float = 0.3,
    returned: float = 0.0,
    among: float = 3.0,
    closure: float = 3.0,
    switches_per_edge: float = 10,
    size: bool = True,
    power: bool = True,
) -> dict:
    """Size and power of the five tests of notebook 03 at ``ALPHA``.

    Size: for each of ``n_graphs`` graphs, a :func:`follow_back_graph` without planted
    effect is rewired once with the degree-keeping null (``switches_per_edge`` per
    edge), so that it is a draw from that null, and C2a and C2b-chance are tested on
    it; another is rewired with the reciprocity-keeping null and C2b-budget, C5 and
    C5-vs-regular are tested. Each rate should be near ``ALPHA`` (0.03 to 0.07 with
    a few hundred graphs). Power (``power=True``): a graph where celebrities return
    regular fans' follows ``returned`` times as often (C2b-chance, C2b-budget), one
    where their follows among themselves are ``closure`` times as likely (C2a), one
    where they return each other's follows ``among`` times as often (C5,
    C5-vs-regular), each tested against the statement's own null. Rates are over the
    graphs on which a statement could be tested (``testable`` counts them).

    ``size`` and ``power`` are the rates at which the one-sided p-value (the test as
    the catalogue states it) falls below ``ALPHA``; ``size_two_sided`` and
    ``power_two_sided`` those of the directional two-sided p-value the verdict rule
    adjusts (twice the smaller one-sided p-value: on null data it rejects either way
    about as often as the one-sided test does its own way).

    With ``n_null`` null samples a p-value is one of ``1, 2, ..., n_null + 1`` over
    ``n_null + 1``, each equally likely under the null (ties are broken at random), so
    the exact size at ``ALPHA`` is the share of those values below it: 0.04 for 49 or
    99 samples, reported as ``exact_size``."""
    alpha = inference.ALPHA
    shape = {"n": n, "m": m, "elite_size": elite_size, "popular_size": popular_size, "reciprocity": reciprocity}
    drawn, planted = [], []
    for _ in range(n_graphs):
        row = {}
        for model, statements in (("degree", DEGREE_STATEMENTS), ("reciprocal", RECIPROCAL_STATEMENTS)):
            if not size:
                break
            src, dst, classes = follow_back_graph(rng, **shape)
            src, dst = rewiring.REWIRERS[model](src, dst, n, rng, switches_per_edge=switches_per_edge)
            found = follow_back_tests(src, dst, n, classes, rng, n_null, switches_per_edge, models=(model,))
            row.update(_rejections(found, statements, alpha))
        if size:
            drawn.append(row)
        if not power:
            continue
        row = {}
        for plant, models, statements in (
            ({"returned": returned}, ("degree", "reciprocal"), ("C2b-chance", "C2b-budget")),
            ({"closure": closure}, ("degree",), ("C2a",)),
            ({"among": among}, ("reciprocal",), ("C5", "C5-vs-regular")),
        ):
            src, dst, classes = follow_back_graph(rng, **shape, **plant)
            found = follow_back_tests(src, dst, n, classes, rng, n_null, switches_per_edge, models=models)
            row.update(_rejections(found, statements, alpha))
        planted.append(row)
    result = {
        "graphs": n_graphs,
        "null_samples": n_null,
        "nodes": n,
        "mean_edges": m,
        "elite_size": elite_size,
        "popular_size": popular_size,
        "reciprocity": reciprocity,
        "switches_per_edge": switches_per_edge,
        "alpha": alpha,
        "exact_size": float(np.mean(np.arange(1, n_null + 2) / (n_null + 1) < alpha)),
    }
    if size:
        result["size"] = _rates(drawn, STATEMENTS, 0)
        result["size_two_sided"] = _rates(drawn, STATEMENTS, 1)
        result["testable"] = {sid: sum(r[sid] is not None for r in drawn) for sid in STATEMENTS}
    if power:
        result.update(
            {
                "planted": {"returned": returned, "closure": closure, "among": among},
                "power": _rates(planted, STATEMENTS, 0),
                "power_two_sided": _rates(planted, STATEMENTS, 1),
                "power_testable": {sid: sum(r[sid] is not None for r in planted) for sid in STATEMENTS},
            }
        )
    return result
