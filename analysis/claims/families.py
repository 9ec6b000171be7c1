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

import numpy as np

from ..graph import measures
from ..graph.labelled import LabelledGraph
from ..nulls import maxent
from ..stats import inference
from . import catalogue

__all__ = ["STATEMENTS", "AGREEMENT_MARGIN", "maxent_union_tests", "family_agreement"]

STATEMENTS = ("C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular")
AGREEMENT_MARGIN = 0.01  # relative difference of the two expectations always allowed


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

    def share(a, b):
        chosen = a[g.src] & b[g.dst]
        return (returned[chosen].mean() if chosen.any() else float("nan")), chosen.any()

    for sid in statements:
        entry = catalogue.statement(sid)
        if sid in ("C2a", "C4a"):
            a, b = (celeb, regular) if sid == "C2a" else (elite, elite)
            total = out_deg[a].sum()
            if total == 0:
                continue
            observed = float((a[g.src] & b[g.dst]).sum() / total)
            expected, sd = maxent.expected_share(fit("dbcm"), a, b, out_deg)
            model = "dbcm"
        elif sid == "C5-vs-regular":
            (top, any_top), (bottom, any_bottom) = share(celeb, celeb), share(regular, regular)
            if not (any_top and any_bottom) or bottom == 0:
                continue
            e1, s1 = maxent.expected_reciprocated_share(fit("rbcm"), celeb, celeb)
            e2, s2 = maxent.expected_reciprocated_share(fit("rbcm"), regular, regular)
            observed, expected = top / bottom, e1 / e2
            sd = expected * float(np.sqrt((s1 / e1) ** 2 + (s2 / e2) ** 2))
            model = "rbcm"
        else:
            a, b = (celeb, celeb) if sid == "C5" else (regular, celeb)
            observed, present = share(a, b)
            if not present:
                continue
            model = "dbcm" if sid == "C2b-chance" else "rbcm"
            expected, sd = maxent.expected_reciprocated_share(fit(model), a, b)
        tests[sid] = _normal(entry.statistic, observed, expected, sd, model, entry.direction)
    return {"tests": tests, "fits": {name: f.summary() for name, f in fits.items()}}


def family_agreement(rewiring: inference.TestResult, soft: inference.TestResult) -> dict:
    """Do the rewiring ensemble's mean and the max-ent expectation of one statistic agree?

    The ensemble's standard deviation is read back from its test (``(observed -
    expected) / z``); its mean's standard error is that over ``sqrt(n_null)``. Agree when ``|difference| <= 3 se + margin *
    |expected|`` (:data:`AGREEMENT_MARGIN`). Returns both expectations, the relative
    difference, the allowed difference and ``agree``."""
    sd_null = abs((rewiring.observed - rewiring.expected) / rewiring.z) if rewiring.z else 0.0
    se = sd_null / np.sqrt(rewiring.n_null) if rewiring.n_null > 0 and np.isfinite(sd_null) else 0.0
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
