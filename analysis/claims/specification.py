"""How robust each verdict is: a specification curve (Simonsohn, Simmons and Nelson
2020, *Nature Human Behaviour* 4, 1208-1214) over the choices a researcher could
defensibly make.

A *specification* is one combination of choices; each gives the statement's effect,
its interval, a p-value and the verdict word of :data:`catalogue.VERDICT_RULE` (on
the specification's own two-sided p-value: the curve asks whether the answer moves
with the choices, not how many tests were run). The choices:

- ``elite``: who counts as a celebrity (the definitions given, e.g. verified, top-K by
  2009 followers, a follower threshold, a hand label);
- ``accounts``: every account, or only those that existed by the 2009 crawl (a
  Twitter id no larger than the newest 2009 profile's, see
  :class:`analysis.data.sources.ExistenceCutoff`; the follows are from about 2012);
- ``null``: the design-aware maximum-entropy null (:mod:`analysis.claims.design`,
  a sampling interval), the maximum-entropy null fitted to the union graph
  (:func:`analysis.claims.families.maxent_union_tests`, the null's interval only:
  such a specification can say *not supported* or *negligible*, never *supported*);
- ``ego_edges``: the egos' own follows of their members left out, or the follows
  members send their ego counted (degree-keeping statements only);
- the null *family* on the union graph: maximum entropy (soft constraints) or
  rewiring (hard constraints, :func:`rewiring_specifications`), the rewiring null at
  the ``chain`` lengths of :func:`union_rewiring` (the mixing diagnostic's, half of it
  and the covering length), all from one ensemble per null; :func:`rewiring_specifications` also says, per definition and
  statement, whether the two families' expectations agree
  (:func:`analysis.claims.families.family_agreement`).

The robustness of a verdict is the share of the *counted* specifications whose verdict
is the published one, named by :data:`ROBUSTNESS_BANDS` (fixed before any curve was
computed). A specification is counted when it could give any verdict word (a sampling
interval) from a test that keeps its size on the graph's design: on a union of ego
networks, C4b-community's union-graph rewiring rows carry the jackknife's sampling
interval but their null's rank test, alone, rejected 26 of 100 ego-sampled graphs with
no elite effect (the calibration entry ``design-aware C4b-community``; the size of the
whole rule on those rows, band and interval included, was not measured), so where the
design-aware rows exist they are *checks*, shown and not counted, as the graph
statements' union-graph rows are (:data:`CHECK_REASONS`). For the checks, ``lean`` is
the word the rule would give if their interval were a sampling one (for the rewiring
checks it already is: their lean is their verdict), and the share whose lean is the
published verdict is reported beside the robustness: do the union-graph nulls point
the same way?
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..graph import measures
from ..graph.labelled import LabelledGraph, elite_ids
from ..nulls import rewiring
from ..stats import inference
from . import broadcasters, catalogue, design, families, gated

__all__ = [
    "ROBUSTNESS_BANDS",
    "CHECK_REASONS",
    "robustness_word",
    "specification_row",
    "graph_specifications",
    "UnionRewiring",
    "union_rewiring",
    "rewiring_specifications",
    "community_specifications",
    "profile_specifications",
    "counted",
    "verdict_counts",
    "summarise",
    "existence_change",
    "unadjusted_verdicts",
    "curve_mismatch",
]

ROBUSTNESS_BANDS = (  # (least share of the counted specifications with the headline verdict, word), first match
    (1.0, "robust: every counted specification of the grid gives the same verdict"),
    (0.9, "robust: at least nine in ten counted specifications of the grid give the same verdict"),
    (0.5, "sensitive: at least half of the grid's counted specifications give the same verdict"),
    (0.0, "fragile: fewer than half of the grid's counted specifications give the same verdict"),
)
CHECK_REASONS = {  # why a specification is a check (shown, not counted in the robustness share)
    "null": "the null's interval only",
    "union null on sampled networks": "a union-graph null on sampled networks, whose rank test rejected far more "
    "often than its level there with no elite effect",
}
_NULL = {"design": "design-aware maximum entropy", "union": "union graph, maximum entropy",
         "rewiring": "union graph, rewiring"}  # fmt: skip
_EGO_EDGES = {False: "egos' own follows left out", True: "members' follows of their ego kept"}


def robustness_word(share: float) -> str:
    """The phrase of :data:`ROBUSTNESS_BANDS` for the share of specifications that give
    the headline verdict (NaN: no specification)."""
    if share is None or not np.isfinite(share):
        return "not assessed: no specification"
    if not 0 <= share <= 1:
        raise ValueError(f"a share lies in [0, 1], not {share}")
    return next(word for least, word in ROBUSTNESS_BANDS if share >= least)


def specification_row(statement_id: str, result: inference.TestResult, alpha: float = inference.ALPHA,
                       check: str | None = None, **choices) -> dict:  # fmt: skip
    """One specification: its choices, the test's effect, interval (and its kind),
    two-sided p-value, the verdict word of the catalogue's rule on that p-value (not
    adjusted for the other specifications) at ``alpha``, its ``lean`` (the word if
    the interval were a sampling one) and ``check``: why it is not counted in the
    robustness share (a key of :data:`CHECK_REASONS`; "null" for every test with the
    null's interval only, else ``check``, None for a counted one)."""
    if check is not None and check not in CHECK_REASONS:
        raise ValueError(f"a check is one of {sorted(CHECK_REASONS)}, not {check!r}")
    entry = catalogue.statement(statement_id)
    args = (result.ratio, result.ci_low, result.ci_high, result.p_two_sided, entry.direction, alpha)
    return {"claim": entry.claim, "statement": statement_id, **choices, "effect": result.ratio,
            "ci_low": result.ci_low, "ci_high": result.ci_high, "interval": result.interval,
            "p_value": result.p_two_sided,
            "verdict": catalogue.statement_verdict(*args, sampling=result.interval == "sampling"),
            "lean": catalogue.statement_verdict(*args, sampling=True),
            "check": "null" if result.interval != "sampling" else check}  # fmt: skip


def graph_specifications(
    labelled_graphs: dict[str, LabelledGraph],
    ego_table: pd.DataFrame | None,
    rng: np.random.Generator,
    n_boot: int,
    existence_last_id: int | None = None,
    include_ego: bool = True,
    union: bool = True,
    tol: float | None = None,
    cache=None,
    union_tol: float = design.maxent.DEFAULT_TOL,
    union_tests: dict | None = None,
    design_fits: dict | None = None,
) -> pd.DataFrame:
    """Every graph statement (:data:`analysis.claims.design.STATEMENTS`) under every
    specification: ``labelled_graphs`` maps an elite definition to the labelled graph
    (all of one graph, so that each null is fitted once per set of accounts and shared
    by every definition). ``existence_last_id``: also the accounts that existed by the
    crawl (Twitter id at most this). ``include_ego``: also the ego-edge variant (ego
    networks only); ``union``: also the union-graph maximum-entropy null. One row per
    specification and statement (:func:`specification_row`), with ``elite_size``.
    ``cache``: a folder for the fitted nulls (:func:`analysis.nulls.maxent.fit_model`);
    ``tol``, ``union_tol``: the design-aware and the union-graph fits' tolerances. C2b-budget's
    variance floor is solved only where it could set the error (the design-aware tests
    run with ``lazy_floor=True``: the same tests, :func:`analysis.claims.design.design_tests`).
    ``union_tests``: the union-graph maximum-entropy tests of every account by definition
    and tolerance, as :func:`rewiring_specifications` keeps them (read where present, else computed and
    added), so that a notebook making both computes them once. ``design_fits``: a dict that keeps the
    design-aware fits without the egos' ties (:func:`analysis.claims.design.fit_design`) by set of
    accounts (``(accounts, False)``; read where present, else made and added), for
    :func:`community_specifications`' design-aware null."""
    if not labelled_graphs:
        raise ValueError("no elite definition given")
    first = next(iter(labelled_graphs.values()))
    g0 = first.graph
    if any(lg.graph is not g0 and (lg.graph.n != g0.n or lg.graph.m != g0.m or not np.array_equal(lg.graph.ids, g0.ids))
           for lg in labelled_graphs.values()):  # fmt: skip
        raise ValueError("every labelled graph must be of the same graph")
    account_sets = [("all accounts", None)]
    if existence_last_id is not None:
        account_sets.append(("accounts that existed by the 2009 crawl", int(existence_last_id)))
    rows = []
    for accounts, last_id in account_sets:
        graphs, table = {}, ego_table
        for definition, lg in labelled_graphs.items():
            try:
                graphs[definition], table = (
                    (lg, ego_table) if last_id is None else design.existed_by(lg, ego_table, last_id)
                )
            except ValueError:  # no celebrity of this definition existed by then
                continue
        if not graphs:
            continue
        base = next(iter(graphs.values()))
        egos = design.ego_networks(base, table) if table is not None else None
        variants = [False] + ([True] if include_ego and egos is not None else [])
        fitted = {}
        for kept in variants if egos is not None else []:
            key = (accounts, kept)
            found = (design_fits or {}).get(key)
            if found is None:
                found = design.fit_design(base.graph, egos, kept, design.DESIGN_TOL if tol is None else tol, cache)
                if design_fits is not None and not kept:  # only what community_specifications reads is kept
                    design_fits[key] = found
            fitted[kept] = found
        union_fits: dict = {}
        for definition, lg in graphs.items():
            choices = {"elite": definition, "elite_size": int(np.sum(lg.is_elite)), "accounts": accounts}
            for kept in variants:
                found = design.design_tests(lg, rng, egos, kept, n_boot, tol=tol, fit=fitted.get(kept), lazy_floor=True)
                for sid, result in found.tests.items():
                    rows.append(specification_row(sid, result, **choices, null=_NULL["design"],
                                                  ego_edges=_EGO_EDGES[kept] if egos is not None else "whole graph"))  # fmt: skip
            if union:
                memo = union_tests if last_id is None else None  # kept for every account only
                found = _union_maxent_tests(lg, definition, union_tol, union_fits, cache, memo)
                for sid, result in found.items():
                    rows.append(specification_row(sid, result, **choices, null=_NULL["union"],
                                                  ego_edges="all follows of the union graph"))  # fmt: skip
    return pd.DataFrame(rows)


def _union_maxent_tests(lg: LabelledGraph, definition: str, union_tol: float, fits: dict, cache, memo: dict | None):
    """The union-graph maximum-entropy tests of one definition
    (:func:`analysis.claims.families.maxent_union_tests`), read from ``memo`` (keyed by
    definition and tolerance) where there, else made and, with a ``memo``, kept in it."""
    found = memo.get((definition, union_tol)) if memo is not None else None
    if found is None:
        found = families.maxent_union_tests(lg, design.STATEMENTS, union_tol, fits=fits, cache=cache)["tests"]
        if memo is not None:
            memo[(definition, union_tol)] = found
    return found


@dataclass(frozen=True)
class UnionRewiring:
    """The rewiring nulls of the union graph, drawn once for several elite definitions
    (:func:`union_rewiring`): ``tests[(definition, length)][statement]``, the
    :class:`~analysis.stats.inference.TestResult` of each statement at each chain length
    of ``lengths`` (accepted switches per edge, increasing); ``switches_per_edge``: the
    length the notebooks use (one of ``lengths``)."""

    tests: dict
    lengths: tuple
    switches_per_edge: float

    def at_length(self, statement_id: str, length: float | None = None) -> dict:
        """``{definition: TestResult}`` of one statement at ``length`` (default: the
        notebooks' length), the definitions where it could be tested."""
        length = float(self.switches_per_edge if length is None else length)
        if length not in self.lengths:
            raise ValueError(f"the ensemble was read at {list(self.lengths)} switches per edge, not {length:g}")
        return {
            d: found[statement_id] for (d, at), found in self.tests.items() if at == length and statement_id in found
        }


def union_rewiring(
    labelled_graphs: dict[str, LabelledGraph],
    rng: np.random.Generator,
    n_null: int,
    switches_per_edge: float,
    workers: int = 1,
    shorter: float = 0.5,
    scheduler=None,
    longer: float | None = None,
) -> UnionRewiring:
    """The graph statements under the rewiring nulls on the union graph, for every elite
    definition of ``labelled_graphs`` (all of one graph), at ``switches_per_edge``, at
    ``shorter`` times it and, when given and longer, at ``longer`` switches per edge (the
    covering length of :class:`analysis.claims.chains.ChainLength`)
    (:func:`analysis.claims.families.rewiring_union_tests`: one ensemble of ``n_null``
    chains per null, read at every length, every definition's statistics from each
    reading). One ensemble serves the specification curve (:func:`rewiring_specifications`)
    and the elite sweep of closure (C4a's statistic at ``switches_per_edge``,
    :func:`analysis.claims.robustness.closure_table`)."""
    lengths = [shorter * switches_per_edge, switches_per_edge]
    if longer is not None and longer > switches_per_edge:
        lengths.append(float(longer))
    found = families.rewiring_union_tests(labelled_graphs, rng, n_null, lengths, design.STATEMENTS, workers, scheduler)
    return UnionRewiring(found, tuple(float(x) for x in lengths), float(switches_per_edge))


def rewiring_specifications(
    labelled_graphs: dict[str, LabelledGraph],
    ensemble: UnionRewiring,
    cache=None,
    union_tol: float = design.maxent.DEFAULT_TOL,
    union_tests: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The specification rows of the rewiring nulls (:func:`union_rewiring`, drawn for
    these definitions or more) for every elite definition of ``labelled_graphs``.

    Returns the specification rows (:func:`specification_row`; ``null`` "union graph,
    rewiring", ``chain`` the length; the null's interval only) and the agreement of the
    two families at the notebooks' length, one row per definition and statement: the rewiring
    mean, the maximum-entropy expectation (:func:`analysis.claims.families.maxent_union_tests`,
    fitted to ``union_tol``, fits shared through ``cache``), their relative difference and ``agree``.
    ``union_tests``: a dict that keeps those maximum-entropy tests by definition and tolerance (read where
    present, else computed and added) for :func:`graph_specifications` to reuse."""
    missing = [d for d in labelled_graphs if not any(key[0] == d for key in ensemble.tests)]
    if missing:
        raise ValueError(f"the rewiring ensemble was not read for {missing}")
    rows, agreement, union_fits = [], [], {}
    for definition, lg in labelled_graphs.items():
        choices = {"elite": definition, "elite_size": int(np.sum(lg.is_elite)), "accounts": "all accounts",
                   "null": _NULL["rewiring"], "ego_edges": "all follows of the union graph"}  # fmt: skip
        for length in ensemble.lengths:
            for sid, result in ensemble.tests[(definition, length)].items():
                rows.append(specification_row(sid, result, **choices, chain=f"{length:g} switches per edge"))
        soft = _union_maxent_tests(lg, definition, union_tol, union_fits, cache, union_tests)
        for sid, result in ensemble.tests[(definition, ensemble.switches_per_edge)].items():
            if sid in soft:
                agreement.append({"elite": definition, "statement": sid,
                                  **families.family_agreement(result, soft[sid])})  # fmt: skip
    return pd.DataFrame(rows), pd.DataFrame(agreement)


def community_specifications(
    labelled_graphs: dict[str, LabelledGraph],
    null_memberships,
    switches_per_edge: float,
    ego_table: pd.DataFrame | None,
    seed: int,
    rng: np.random.Generator,
    groups: int = gated.COMMUNITY_JACKKNIFE_GROUPS,
    existence_last_id: int | None = None,
    n_null: int = 0,
    workers: int = 1,
    scheduler=None,
    null_ids=None,
    maxent_memberships=None,
    cache=None,
    design_fits: dict | None = None,
    design_samples: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """C4b-community under every elite definition of ``labelled_graphs`` (all of one
    graph): the degree-keeping rewiring null's Louvain partitions ``null_memberships``
    (a row per sample at ``switches_per_edge``, :attr:`analysis.claims.chains.SharedNull.memberships`,
    Louvain seeded with ``seed`` as on the observed graph) read for each elite
    (:func:`analysis.claims.gated.community_result`), with the sampling interval of the
    grouped jackknife over ego networks (one set of ``groups`` Louvain runs for every
    definition, :func:`analysis.claims.gated.community_jackknife`, its groups drawn from
    :func:`analysis.claims.gated.jackknife_rng` as in 04; without an ``ego_table``, the
    null's interval). ``existence_last_id``: also the accounts that
    existed by the crawl, their own ensemble of ``n_null`` samples drawn here (the
    partitions of the whole graph's null are not of the restricted one; ``workers`` and
    ``scheduler`` choose how they run). ``null_ids``: the node ids the partitions are of,
    checked against the graphs' (a shared ensemble of another graph is refused).
    ``maxent_memberships``: the partitions of graphs drawn from the union graph's DBCM
    (:func:`analysis.claims.families.maxent_memberships`), the second null family, on all
    accounts (the null's interval only). ``cache``: the folder where the whole graph's
    jackknife replicates are kept (:func:`analysis.claims.gated.community_jackknife`; 04
    runs the same ones) and the design-aware partitions. ``design_fits`` (as
    :func:`graph_specifications` keeps them, ``{(accounts, False): DesignFit}``) with
    ``design_samples`` > 0: also the design-aware test on each set of accounts with ego
    networks (:func:`analysis.claims.gated.design_community_result`: ``design_samples`` graphs
    drawn from the structural-zero DBCM, :func:`analysis.claims.design.design_memberships`,
    the jackknife's error), null "design-aware maximum entropy", the test 04's verdict uses.

    Returns the rows (:func:`specification_row`; null "union graph, rewiring" with
    ``chain`` the length, or "union graph, maximum entropy") and, with
    ``maxent_memberships``, the two families' agreement per definition
    (:func:`analysis.claims.families.family_agreement`, as :func:`rewiring_specifications` gives it)."""
    if not labelled_graphs:
        raise ValueError("no elite definition given")
    first = next(iter(labelled_graphs.values()))
    if any(lg.graph.n != first.graph.n or not np.array_equal(lg.graph.ids, first.graph.ids)
           for lg in labelled_graphs.values()):  # fmt: skip
        raise ValueError("every labelled graph must be of the same graph")
    if null_ids is not None and not np.array_equal(np.asarray(null_ids), first.graph.ids):
        raise ValueError("the null partitions are of another graph than the elite definitions'")
    if existence_last_id is not None and n_null < 1:
        raise ValueError("the accounts that existed need an ensemble of their own: give n_null")
    sets = [("all accounts", labelled_graphs, ego_table, np.asarray(null_memberships))]
    if existence_last_id is not None:
        restricted, table = {}, ego_table
        for definition, lg in labelled_graphs.items():
            try:
                restricted[definition], table = design.existed_by(lg, ego_table, int(existence_last_id))
            except ValueError:  # no celebrity of this definition existed by then
                continue
        if restricted:
            sets.append(("accounts that existed by the 2009 crawl", restricted, table, None))
    rows, agreement = [], []
    for accounts, graphs, table, memberships in sets:
        g = next(iter(graphs.values())).graph
        if memberships is None:
            reading = lambda s, d, n=g.n: measures.communities(s, d, n, seed)
            memberships = rewiring.null_ensemble(g.src, g.dst, g.n, reading, n_null, rng,
                                                 switches_per_edge=switches_per_edge, workers=workers,
                                                 scheduler=scheduler).astype(np.int64)  # fmt: skip
        observed = measures.communities(g.src, g.dst, g.n, seed)
        kept = cache if accounts == "all accounts" else None  # the restricted graph's replicates are this curve's alone
        jackknife = (gated.community_jackknife(g, table, seed, gated.jackknife_rng(seed), groups, workers, kept)
                     if table is not None else None)  # fmt: skip
        fit = (design_fits or {}).get((accounts, False))
        aware = (design.design_memberships(g, fit, design_samples, seed, workers, kept, scheduler)
                 if fit is not None and jackknife is not None and design_samples > 0 else None)  # fmt: skip
        for definition, lg in graphs.items():
            if not lg.is_elite.any():
                continue
            choices = {"elite": definition, "elite_size": int(lg.is_elite.sum()), "accounts": accounts,
                       "ego_edges": "all follows of the union graph"}  # fmt: skip
            if aware is not None:
                found = gated.design_community_result(observed, aware, lg.is_elite, jackknife, design.COMMUNITY_NULL)
                rows.append(specification_row("C4b-community", found, **{**choices, "ego_edges": _EGO_EDGES[False]},
                                              null=_NULL["design"]))  # fmt: skip
            hard = gated.community_result(observed, memberships, lg.is_elite, rng)
            result = hard
            if jackknife is not None and np.isfinite(hard.expected) and hard.expected > 0:
                found = gated.jackknife_interval(jackknife.values(lg.is_elite), hard.observed, hard.expected)
                result = dataclasses.replace(hard, ci_low=found["low"], ci_high=found["high"], interval="sampling")
            # beside the design-aware row (the verdict's test on sampled networks) the union null is a check
            rows.append(specification_row("C4b-community", result, **choices, null=_NULL["rewiring"],
                                          check="union null on sampled networks" if aware is not None else None,
                                          chain=f"{switches_per_edge:g} switches per edge"))  # fmt: skip
            if maxent_memberships is not None and accounts == "all accounts":
                soft = gated.community_result(observed, maxent_memberships, lg.is_elite, rng,
                                              design.maxent.NULL_DESCRIPTIONS["dbcm"] + " (sampled)")  # fmt: skip
                rows.append(specification_row("C4b-community", soft, **choices, null=_NULL["union"]))
                agreement.append({"elite": definition, "statement": "C4b-community",
                                  **families.family_agreement(hard, soft)})  # fmt: skip
    return pd.DataFrame(rows), pd.DataFrame(agreement)


def profile_specifications(accounts: pd.DataFrame, definitions, rng: np.random.Generator, n_perm: int) -> pd.DataFrame:
    """C1 and C3 under every elite definition (the 2009 profiles; ``accounts`` as
    :func:`analysis.data.sources.accounts_with_labels` gives them), C3 with the curated
    label corrections and with the 2013 hand labels as they are (both rows count as
    statement ``C3``, the ``labels`` choice telling them apart). Rows as
    :func:`specification_row`; a definition that selects no account, or a side with too
    few accounts, gives no row."""
    rows = []
    for definition in definitions:
        try:
            ids = elite_ids(accounts, definition)
        except ValueError:
            continue
        size = int(accounts["user_id"].isin(ids).sum())
        choices = {"elite": definition, "elite_size": size, "accounts": "2009 profiles",
                   "null": "stratified permutation", "ego_edges": "not a graph statement"}  # fmt: skip
        result, _ = broadcasters.test_follow_few(accounts, ids, rng, n_perm)
        rows.append(specification_row("C1", result, **choices, labels="not used"))
        tests = broadcasters.brand_tests(accounts, ids, rng, n_perm)
        for sid, labels in (("C3", "curated corrections"), ("C3-uncorrected", "2013 hand labels as they are")):
            if tests[sid]["tested"]:
                row = specification_row(sid, tests[sid]["result"], **choices, labels=labels)
                rows.append({**row, "statement": "C3"})
    return pd.DataFrame(rows)


def counted(specifications: pd.DataFrame) -> pd.Series:
    """Which specifications the robustness share counts: those with a sampling interval
    that are no check (column ``check`` empty, :func:`specification_row`; a row without
    the column, made before it existed, is counted by its interval alone)."""
    sampling = specifications["interval"] == "sampling"
    if "check" in specifications:
        return sampling & specifications["check"].isna()
    return sampling


def verdict_counts(specifications: pd.DataFrame) -> dict:
    """Per statement: the number of specifications, of those counted (:func:`counted`)
    that could be tested (an effect and a p-value: the denominator of :func:`summarise`'s
    share) and how many of these give each verdict word and put the effect above, inside or
    below the practical band (``effect_sides``: where the effect lies, whatever its
    interval, so that a verdict lost to a wider interval is told from an effect that
    moved), and the effects' range over all."""
    out = {}
    for sid, block in specifications.groupby("statement", sort=False):
        mine = block[counted(block) & (block["verdict"] != catalogue.NOT_TESTABLE)]
        effects = block["effect"].replace([np.inf, -np.inf], np.nan).dropna()
        out[sid] = {
            "specifications": int(len(block)),
            "counted_specifications": int(len(mine)),
            "verdicts": {word: int(k) for word, k in mine["verdict"].value_counts().items()},
            "effect_sides": {
                "above the band": int((mine["effect"] > catalogue.PRACTICAL_BAND[1]).sum()),
                "inside the band": int(mine["effect"].between(*catalogue.PRACTICAL_BAND).sum()),
                "below the band": int((mine["effect"] < catalogue.PRACTICAL_BAND[0]).sum()),
            },
            "effect_low": float(effects.min()) if len(effects) else None,
            "effect_high": float(effects.max()) if len(effects) else None,
        }
    return out


def summarise(specifications: pd.DataFrame, headline: dict[str, str]) -> dict:
    """:func:`verdict_counts` for each statement with a ``headline`` verdict
    (``{statement: verdict word}``, the one published), plus: the share of the counted
    specifications that give the headline verdict and its :func:`robustness_word`; the
    number of checks (the specifications not counted) and the share of them whose
    ``lean`` is the headline verdict. Specifications that could not be tested (no effect
    or p-value) are left out of both shares and counted."""
    counts = verdict_counts(specifications)
    out = {}
    for sid, block in specifications.groupby("statement", sort=False):
        if sid not in headline:
            continue
        untestable = block["verdict"] == catalogue.NOT_TESTABLE  # no effect or p-value: no verdict to compare
        mine = block[counted(block) & ~untestable]
        checks = block[~counted(block) & ~untestable]
        same = float((mine["verdict"] == headline[sid]).mean()) if len(mine) else float("nan")
        out[sid] = {
            **counts[sid],
            "headline": headline[sid],
            "same_count": int((mine["verdict"] == headline[sid]).sum()),
            "same_share": same,
            "robustness": robustness_word(same),
            "not_testable_specifications": int(untestable.sum()),
            "check_specifications": int(len(checks)),
            "check_same_lean_share": float((checks["lean"] == headline[sid]).mean()) if len(checks) else None,
        }
    return out


def existence_change(specifications: pd.DataFrame, elite: str) -> pd.DataFrame:
    """For the elite definition ``elite``, each graph statement's effect on all accounts
    and on the accounts that existed by the 2009 crawl, side by side: the design-aware
    one (egos' own follows left out) where the statement has one, else the union graph's
    rewiring null where the curve has it on both sets of accounts (C4b-community). Columns
    ``statement``, ``null``, ``effect_all``, ``verdict_all``, ``effect_existed``,
    ``ci_low_existed``, ``ci_high_existed``, ``verdict_existed``, ``change`` (existed /
    all). Empty when the curve has no existence filter."""
    mine = specifications[specifications["elite"] == elite]
    design_rows = mine[(mine["null"] == _NULL["design"]) & (mine["ego_edges"] != _EGO_EDGES[True])]
    rewiring_rows = mine[mine["null"] == _NULL["rewiring"]]
    parts = []
    for null, chosen in ((_NULL["design"], design_rows), (_NULL["rewiring"], rewiring_rows)):
        if chosen.empty:
            continue
        if null == _NULL["rewiring"] and "chain" in chosen:  # one reading per set: the rows read on both sets
            lengths = chosen.groupby("chain")["accounts"].nunique()
            chosen = chosen[chosen["chain"].isin(lengths[lengths > 1].index)]
        every = chosen[chosen["accounts"] == "all accounts"].drop_duplicates("statement").set_index("statement")
        existed = chosen[chosen["accounts"] != "all accounts"].drop_duplicates("statement").set_index("statement")
        done = {sid for part in parts for sid in part["statement"]}
        both = [sid for sid in every.index.intersection(existed.index) if sid not in done]
        parts.append(pd.DataFrame({
            "statement": both,
            "null": null,
            "effect_all": every.loc[both, "effect"].to_numpy(),
            "verdict_all": every.loc[both, "verdict"].to_numpy(),
            "effect_existed": existed.loc[both, "effect"].to_numpy(),
            "ci_low_existed": existed.loc[both, "ci_low"].to_numpy(),
            "ci_high_existed": existed.loc[both, "ci_high"].to_numpy(),
            "verdict_existed": existed.loc[both, "verdict"].to_numpy(),
        }))  # fmt: skip
    columns = ["statement", "null", "effect_all", "verdict_all", "effect_existed", "ci_low_existed",
               "ci_high_existed", "verdict_existed"]  # fmt: skip
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    table["change"] = table["effect_existed"].astype(float) / table["effect_all"].astype(float)
    return table


def unadjusted_verdicts(statements: pd.DataFrame, alpha: float = inference.ALPHA) -> dict[str, str]:
    """The verdict word each tested statement's own test gets on its p-value before the
    adjustment across statements (``p_value_raw``), as the curve's specifications get
    theirs: the reference the curve is set against. ``statements``: the verdict table
    (``id, kind, effect, ci_low, ci_high, p_value_raw, direction, sampling``)."""
    out = {}
    for row in statements[statements["kind"] == "test"].itertuples():
        out[row.id] = catalogue.statement_verdict(row.effect, row.ci_low, row.ci_high, row.p_value_raw, row.direction,
                                                  alpha, sampling=bool(row.sampling))  # fmt: skip
    return out


def curve_mismatch(curve_numbers: dict, elites: dict, datasets: dict, quick: bool) -> str:
    """Why notebook 05's curve (its recorded numbers) cannot be set against the verdicts:
    ``""`` when it can. ``elites`` and ``datasets``: what each claim notebook recorded
    (``{notebook: elite or dataset}``; None where it did not record one)."""
    if "robustness.specifications" not in curve_numbers:
        return "notebook 05 has not run for this build"
    if bool(curve_numbers.get("robustness.quick")) != bool(quick):
        return "notebook 05 ran in another mode (quick or published) than the verdicts"
    elite, dataset = curve_numbers.get("robustness.headline_elite"), curve_numbers.get("robustness.dataset")
    other = sorted({e for e in elites.values() if e is not None and e != elite})
    if other:
        return f"the verdicts' elite ({', '.join(other)}) is not the curve's headline elite ({elite})"
    other = sorted({d for d in datasets.values() if d is not None and d != dataset})
    if other:
        return f"the verdicts' graph ({', '.join(other)}) is not the curve's ({dataset})"
    return ""
