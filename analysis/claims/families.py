"""The second null family on the union graph: the statistics of the rewiring tests
(C2a, C2b, C4a, C5) under the maximum-entropy nulls, and whether the two families agree.

The rewiring nulls keep every degree exactly (hard constraints), the DBCM and RBCM
of :mod:`analysis.nulls.maxent` on average (soft); both give an expected value of
the same statistic on the same graph. :func:`maxent_union_tests` tests each
statement against the soft null: the expectation and standard deviation of the
statistic (delta method for shares; :mod:`analysis.nulls.maxent`), a normal
p-value. :func:`family_agreement` compares the two expectations: they *agree* when
they differ by less than three standard errors of the rewiring ensemble's mean
plus one per cent of the expectation (what the two kinds of constraint may
legitimately differ by); otherwise the report says they disagree, and why that is
expected where it happens (pairs of hubs near the structural cut-off, where the
soft null lets a hub's degree vary and the hard one cannot).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .. import files
from ..graph import arrays, louvain, measures
from ..graph.labelled import LabelledGraph
from ..nulls import cluster, kernels, maxent, mixing, rewiring
from ..stats import inference
from . import catalogue, follow_back

__all__ = [
    "STATEMENTS",
    "REWIRING_MODEL",
    "AGREEMENT_MARGIN",
    "union_statistic",
    "maxent_union_tests",
    "rewiring_union_tests",
    "family_agreement",
    "MAXENT_STREAM",
    "maxent_partition",
    "maxent_memberships",
]

STATEMENTS = ("C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular")
REWIRING_MODEL = {"C2a": "degree", "C2b-chance": "degree", "C4a": "degree",
                  "C2b-budget": "reciprocal", "C5": "reciprocal", "C5-vs-regular": "reciprocal"}  # fmt: skip
"""The rewiring null of each statement (:data:`analysis.nulls.rewiring.REWIRERS`); its soft
counterpart is the DBCM for ``"degree"``, the RBCM for ``"reciprocal"``."""
AGREEMENT_MARGIN = 0.01  # relative difference of the two expectations always allowed


def union_statistic(statement_id: str, src, dst, returned, classes, is_elite) -> float:
    """The statistic of ``statement_id`` on the graph ``src -> dst`` (``returned``: whether
    each follow is reciprocated, :func:`analysis.graph.measures.reciprocated_mask`):
    C2a the share of celebrities' follows going to regular accounts, C4a the share of the
    elite's follows going to the elite, C2b the reciprocated share of regular -> celebrity
    follows, C5 that of celebrity -> celebrity follows, C5-vs-regular the ratio of the C5
    share to the regular -> regular one. NaN where there are no such follows (or, for the
    ratio, no returned regular -> regular follow)."""
    classes = np.asarray(classes)
    celeb, regular = classes == "celebrity", classes == "regular"
    src, dst, returned = np.asarray(src), np.asarray(dst), np.asarray(returned, dtype=bool)

    def share(a, b):
        chosen = a[src] & b[dst]
        return float(returned[chosen].mean()) if chosen.any() else float("nan")

    if statement_id in ("C2a", "C4a"):
        a, b = (celeb, regular) if statement_id == "C2a" else (np.asarray(is_elite, dtype=bool),) * 2
        sent = a[src]
        return float((sent & b[dst]).sum() / sent.sum()) if sent.any() else float("nan")
    if statement_id == "C5-vs-regular":
        top, bottom = share(celeb, celeb), share(regular, regular)
        return top / bottom if np.isfinite(top) and bottom > 0 else float("nan")
    if statement_id == "C5":
        return share(celeb, celeb)
    if statement_id in ("C2b-chance", "C2b-budget"):
        return share(regular, celeb)
    raise ValueError(f"no union statistic for {statement_id!r}")


def _normal(statistic, observed, expected, sd, model, alternative) -> inference.TestResult:
    z = (observed - expected) / sd if sd > 0 else float("nan")
    p, opposite = inference.normal_tails(z, alternative)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = observed / expected if expected else float("nan")
        low = observed / (expected + 1.96 * sd) if sd > 0 else float("nan")
        high = observed / (expected - 1.96 * sd) if expected - 1.96 * sd > 0 else float("inf")
    return inference.TestResult(statistic, float(observed), float(expected), float(ratio), float(z), float(low),
                                float(high), p, 0, maxent.NULL_DESCRIPTIONS[model] + " (analytic, normal)",
                                alternative, opposite)  # fmt: skip


def maxent_union_tests(lg: LabelledGraph, statements=STATEMENTS, tol: float = maxent.DEFAULT_TOL,
                       fits: dict | None = None, cache=None) -> dict:  # fmt: skip
    """Each statement's rewiring statistic on the union graph ``lg`` against the DBCM
    (``C2a``, ``C2b-chance``, ``C4a``: degree-keeping) or the RBCM (``C2b-budget``,
    ``C5``, ``C5-vs-regular``: reciprocity-keeping). Returns ``{"tests": {id:
    TestResult}, "fits": {model: summary}}``; a statement with no such follows is left
    out. The interval is the null's (``observed / (expected +- 1.96 sd)``). ``fits``: a
    dict of fits of the same graph (``{"dbcm": ..., "rbcm": ...}``) to reuse across elite
    definitions (the fits do not depend on the classes); fits made here are added to it.
    ``cache``: a folder for :func:`analysis.nulls.maxent.fit_model`."""
    g = lg.graph
    classes = np.asarray(lg.classes)
    celeb, regular, elite = classes == "celebrity", classes == "regular", np.asarray(lg.is_elite, dtype=bool)
    out_deg = np.bincount(g.src, minlength=g.n)
    returned = measures.reciprocated_mask(g.src, g.dst, g.n)
    fits = {} if fits is None else fits
    tests = {}

    def fit(model):
        if model not in fits:
            fits[model] = maxent.fit_model(model, g.src, g.dst, g.n, tol=tol, cache=cache)
        return fits[model]

    for sid in statements:
        entry = catalogue.statement(sid)
        observed = union_statistic(sid, g.src, g.dst, returned, classes, elite)
        if not np.isfinite(observed):
            continue
        model = "dbcm" if REWIRING_MODEL[sid] == "degree" else "rbcm"
        if sid in ("C2a", "C4a"):
            a, b = (celeb, regular) if sid == "C2a" else (elite, elite)
            expected, sd = maxent.expected_share(fit(model), a, b, out_deg)
        elif sid == "C5-vs-regular":
            e1, s1 = maxent.expected_reciprocated_share(fit(model), celeb, celeb)
            e2, s2 = maxent.expected_reciprocated_share(fit(model), regular, regular)
            expected = e1 / e2
            sd = expected * float(np.sqrt((s1 / e1) ** 2 + (s2 / e2) ** 2))
        else:
            a, b = (celeb, celeb) if sid == "C5" else (regular, celeb)
            expected, sd = maxent.expected_reciprocated_share(fit(model), a, b)
        tests[sid] = _normal(entry.statistic, observed, expected, sd, model, entry.direction)
    return {"tests": tests, "fits": {name: f.summary() for name, f in fits.items()}}


MAXENT_STREAM = 6
"""The random stream of :func:`maxent_memberships` (``default_rng([seed, MAXENT_STREAM])``)."""


def maxent_partition(sample_seed, fit: maxent.MaxEntFit, n: int, seed: int) -> np.ndarray:
    """One sample of :func:`maxent_memberships`: a graph drawn from the DBCM ``fit``
    (seeded with ``sample_seed``) and its Louvain partition (seeded with ``seed``), int32;
    the one function every runner applies (threads, or the workers of a cluster)."""
    s, d = maxent.sample_dbcm_sparse(fit, np.random.default_rng(sample_seed))
    return measures.communities(s, d, n, seed).astype(np.int32)


def maxent_memberships(graph: measures.Graph, fit: maxent.MaxEntFit, n_samples: int, seed: int, workers: int = 1,
                       cache=None, scheduler=None) -> np.ndarray:  # fmt: skip
    """The Louvain partitions (:func:`analysis.graph.measures.communities`, seeded with
    ``seed``, as on the observed graph) of ``n_samples`` graphs drawn from a DBCM ``fit``
    of ``graph`` (:func:`analysis.nulls.maxent.sample_dbcm_sparse`): C4b-community's
    statistic under the soft null, which has no analytic expectation. A row per sample, a
    column per node (int32). The samples are seeded from ``seed`` alone (stream
    :data:`MAXENT_STREAM`), so neither ``workers`` (threads) nor ``scheduler`` (a Dask
    cluster, as :func:`analysis.nulls.rewiring.null_ensemble` takes it; the fit goes to
    every worker once) changes them, and 04 and 05 draw the same ones; ``cache``: a folder (:func:`analysis.paths.fit_cache_dir`) where
    they are kept under a digest of the graph, the fit, the settings and the code, so the
    notebook that asks second reads them (under ``make -j2`` too: a lock)."""
    if fit.model != "dbcm" or len(fit.x) != graph.n:
        raise ValueError("a DBCM fit of this graph is needed")
    if n_samples < 1:
        raise ValueError("at least one sample is needed")

    cluster.wanted(scheduler)  # a bad setting fails before any sample

    def run():
        seeds = rewiring.sample_seeds(np.random.default_rng([seed, MAXENT_STREAM]), n_samples)
        return np.stack(cluster.map_seeds(maxent_partition, seeds, (fit, graph.n, seed), workers,
                                          scheduler, name="maxent-partitions"))  # fmt: skip

    if cache is None:
        return run()
    digest = hashlib.blake2b(f"maxent-partitions|{graph.n}|{n_samples}|{seed}".encode(), digest_size=20)
    for array in (graph.src, graph.dst, fit.x, fit.y):
        digest.update(np.ascontiguousarray(array).tobytes())
    for module in (maxent, measures, louvain, arrays, kernels, rewiring):  # rewiring: the samples' seeds
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    path = Path(cache) / f"maxent-partitions-{digest.hexdigest()}.npy"
    return files.cached_array(path, "the maximum-entropy partitions",
                              lambda saved: saved.shape == (n_samples, graph.n), run)  # fmt: skip


def _class_codes(lg: LabelledGraph) -> np.ndarray:
    """The class codes of :func:`analysis.claims.follow_back.class_codes`, for a labelled
    graph whose elite are its celebrities (as :func:`analysis.graph.labelled.label_graph`
    makes them), so that C4a is a celebrity -> celebrity share too."""
    if not np.array_equal(np.asarray(lg.is_elite, dtype=bool), np.asarray(lg.classes) == "celebrity"):
        raise ValueError("the grid's statistics need the elite to be the celebrities")
    return follow_back.class_codes(lg.classes)


def _grid_statistics(codes, src, dst, n: int, statements) -> list[float]:
    """:func:`union_statistic` of each of ``statements`` for every labelling of ``codes``
    (one column of class codes per elite definition, :func:`_class_codes`), from one pass
    over the follows (:func:`analysis.claims.follow_back.pair_counts_by_labelling`):
    definition by definition, statement by statement (equal to :func:`union_statistic`, tested)."""
    edges, back = follow_back.pair_counts_by_labelling(src, dst, n, codes)
    return [value for e, b in zip(edges, back) for value in _count_statistics(e, b, statements)]


def _count_statistics(edges, back, statements) -> list[float]:
    """:func:`union_statistic` of each of ``statements`` from the follows and returned
    follows by class pair (:func:`analysis.claims.follow_back.pair_counts`)."""
    c5 = follow_back.reciprocated_share(edges, back, "celebrity", "celebrity")
    regular = follow_back.reciprocated_share(edges, back, "regular", "regular")
    values = {
        "C2a": follow_back.share_to(edges, "celebrity", "regular"),
        "C4a": follow_back.share_to(edges, "celebrity", "celebrity"),
        "C2b-chance": follow_back.reciprocated_share(edges, back, "regular", "celebrity"),
        "C2b-budget": follow_back.reciprocated_share(edges, back, "regular", "celebrity"),
        "C5": c5,
        "C5-vs-regular": c5 / regular if np.isfinite(c5) and regular > 0 else float("nan"),
    }
    return [float(values[sid]) for sid in statements]


def rewiring_union_tests(labelled_graphs: dict[str, LabelledGraph], rng: np.random.Generator, n_null: int,
                         lengths, statements=STATEMENTS, workers: int = 1, scheduler=None) -> dict:  # fmt: skip
    """Each statement's statistic (:func:`union_statistic`) on the union graph against its
    rewiring null (:data:`REWIRING_MODEL`), for every elite definition of
    ``labelled_graphs`` (all of one graph) at every chain length of ``lengths``
    (accepted switches per edge, increasing).

    One ensemble per rewiring null serves them all: ``n_null`` chains from the observed
    graph (:func:`analysis.nulls.mixing.chain_trajectories`), each read at every length,
    each reading giving every definition's statistics (the null graphs do not depend on
    who is a celebrity). Returns ``{(definition, length): {statement: TestResult}}``
    (:func:`analysis.stats.inference.ensemble_test`, the catalogue's direction, ties
    broken at random with ``rng``); a statement undefined on the observed graph, or in
    every null sample, is left out. ``workers`` and ``scheduler`` only choose how the
    chains run (threads or a Dask cluster)."""
    graphs = list(labelled_graphs.items())
    if not graphs:
        raise ValueError("no elite definition given")
    g = graphs[0][1].graph
    if any(lg.graph.n != g.n or lg.graph.m != g.m for _, lg in graphs):
        raise ValueError("every labelled graph must be of the same graph")
    lengths = [float(x) for x in lengths]
    out: dict = {(definition, length): {} for definition, _ in graphs for length in lengths}
    for model in ("degree", "reciprocal"):
        chosen = [sid for sid in statements if REWIRING_MODEL[sid] == model]
        if not chosen:
            continue
        keys = [(definition, sid) for definition, _ in graphs for sid in chosen]

        codes = np.column_stack([_class_codes(lg) for _, lg in graphs])  # what the statistic captures: no graph

        def statistic(s, d, chosen=chosen, codes=codes, n=g.n):
            return _grid_statistics(codes, s, d, n, chosen)

        observed = np.asarray(statistic(g.src, g.dst), dtype=float)
        null = mixing.chain_trajectories(g.src, g.dst, g.n, statistic, rng, model, lengths, n_null, workers, scheduler)
        for i, (definition, sid) in enumerate(keys):
            if not np.isfinite(observed[i]):
                continue
            entry = catalogue.statement(sid)
            for j, length in enumerate(lengths):
                values = null[:, j, i]
                if not np.isfinite(values).any():
                    continue
                out[(definition, length)][sid] = inference.ensemble_test(
                    entry.statistic, observed[i], values[np.isfinite(values)],
                    f"{rewiring.NULL_DESCRIPTIONS[model]}, {length:g} switches per edge", entry.direction, tie_rng=rng,
                )  # fmt: skip
    return out


def _mean_se(result: inference.TestResult) -> float:
    """The standard error of an ensemble's mean, its standard deviation read back from its
    test (``(observed - expected) / z``) over ``sqrt(n_null)``; 0 for an analytic
    expectation (``n_null`` 0)."""
    sd_null = abs((result.observed - result.expected) / result.z) if result.z else 0.0
    return sd_null / np.sqrt(result.n_null) if result.n_null > 0 and np.isfinite(sd_null) else 0.0


def family_agreement(rewiring: inference.TestResult, soft: inference.TestResult) -> dict:
    """Do the rewiring ensemble's mean and the max-ent expectation of one statistic agree?

    ``se``: the standard error of the rewiring ensemble's mean, combined with that of the
    max-ent one where it was sampled rather than computed (``soft.n_null > 0``, e.g. the
    community statistic, which has no analytic expectation): ``sqrt(se_1^2 + se_2^2)``.
    Agree when ``|difference| <= 3 se + margin * |expected|`` (:data:`AGREEMENT_MARGIN`).
    Returns both expectations, the relative difference, the allowed difference and ``agree``."""
    se = float(np.hypot(_mean_se(rewiring), _mean_se(soft)))
    difference = soft.expected - rewiring.expected
    allowed = 3 * se + AGREEMENT_MARGIN * abs(rewiring.expected)
    return {
        "rewiring_expected": rewiring.expected,
        "maxent_expected": soft.expected,
        "relative_difference": float(difference / rewiring.expected) if rewiring.expected else float("nan"),
        "allowed": float(allowed),
        "agree": bool(abs(difference) <= allowed),
        "rewiring_effect": rewiring.ratio,
        "maxent_effect": soft.ratio,
        "same_side": bool(np.sign(rewiring.ratio - 1) == np.sign(soft.ratio - 1)),
    }
