"""Maximum-entropy null models with soft degree constraints (the second null family).

Edges are ``src -> dst`` (``src`` follows ``dst``), nodes ``0..n-1``, no self-loops.
The rewiring nulls of :mod:`analysis.nulls.rewiring` keep the degrees exactly (hard
constraints); these keep them on average, each pair of accounts independent:

- **DBCM**, the directed binary configuration model (Squartini and Garlaschelli
  2011): ``P(i -> j) = x_i y_j / (1 + x_i y_j)`` for ``i != j``, the ``x, y`` chosen so
  that every expected out-degree and in-degree equals the observed one. It is the
  soft counterpart of null 1 (degree-keeping).
- **RBCM**, the reciprocated binary configuration model (same paper): each unordered
  pair is in one of four states, with weights ``1`` (no edge), ``x_i y_j`` (only
  ``i -> j``), ``x_j y_i`` (only ``j -> i``) and ``z_i z_j`` (mutual), divided by their
  sum; the ``x, y, z`` reproduce every account's expected numbers of non-reciprocated
  out-edges, non-reciprocated in-edges and reciprocated edges. The soft
  counterpart of null 2 (reciprocity-keeping).

**Solver.** Accounts with the same constraints have the same multipliers, so both
models are solved over classes of accounts (distinct degree tuples) by the
fixed-point iteration ``x_i = k_i / sum_{j != i} d p_ij / d x_i`` (Gauss-Seidel:
``x``, then ``y``, then ``z``), in compiled loops over class pairs. A fit reports
its iterations, seconds and the largest absolute error of any expected degree;
:func:`fit_dbcm` and :func:`fit_rbcm` raise :class:`NotConverged` when that error
stays above ``tol`` (default ``1e-6`` edges). An account with a zero degree gets a
zero multiplier (it never has such edges).

**Expectations.** :func:`dbcm_pair_sums` and :func:`rbcm_pair_sums` give, for two
sets of accounts ``A`` and ``B`` (equal or disjoint), the expected number of
``A -> B`` edges and of reciprocated ``A -> B`` edges with their variances, from
which :func:`expected_share` and :func:`expected_reciprocated_share` give the
expectations and standard deviations of the claim statistics (delta method).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numba as nb
import numpy as np

from .. import files
from ..graph import arrays, measures
from . import kernels

__all__ = [
    "DEFAULT_TOL",
    "NotConverged",
    "MaxEntFit",
    "fit_dbcm",
    "fit_rbcm",
    "PairSums",
    "dbcm_pair_sums",
    "rbcm_pair_sums",
    "expected_count",
    "expected_share",
    "expected_reciprocated_share",
    "conditional_reciprocation",
    "RBCMInformation",
    "sample_dbcm",
    "sample_dbcm_sparse",
    "reciprocal_degrees",
    "fit_dbcm_observable",
    "fit_rbcm_observable",
    "drop_certain_pairs",
    "fit_model",
    "NULL_DESCRIPTIONS",
    "fit_diagnostics",
]

DEFAULT_TOL = 1e-6
NULL_DESCRIPTIONS = {
    "dbcm": "directed binary configuration model: every in- and out-degree kept on average, pairs independent",
    "rbcm": "reciprocated binary configuration model: every account's one-way out-, one-way in- and mutual degree "
    "kept on average, pairs independent",
}


class NotConverged(RuntimeError):
    """The fixed-point iteration did not reproduce the degrees to the tolerance."""


@dataclass(frozen=True)
class MaxEntFit:
    """A fitted model: one multiplier array per constraint (``x, y`` for the DBCM; ``x, y,
    z`` for the RBCM), per account; ``max_error``: the largest absolute difference
    between an expected and an observed degree (edges); ``classes``: the number of
    distinct constraint tuples the solver iterated over."""

    model: str
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray | None
    iterations: int
    max_error: float
    seconds: float
    classes: int
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Sums over every pair of accounts, kept once computed (:func:`_pair_sums`); not an
    argument, so a fit made by ``dataclasses.replace`` (other multipliers) starts empty."""

    def summary(self) -> dict:
        return {"model": self.model, "iterations": self.iterations, "max_degree_error": self.max_error,
                "seconds": self.seconds, "classes": self.classes}  # fmt: skip


@nb.njit(cache=True, parallel=True)
def _dbcm_sums(x, y, m):
    """For each class a: sum_c m_c y_c / (1 + x_a y_c) minus the self term (the
    denominators of the fixed point for x; ``_dbcm_sums(y, x, m)`` gives those for y)."""
    c = len(x)
    sx = np.empty(c)
    for a in nb.prange(c):
        s = 0.0
        for b in range(c):
            s += m[b] * y[b] / (1.0 + x[a] * y[b])
        sx[a] = s - y[a] / (1.0 + x[a] * y[a])
    return sx


def _classes(*degrees):
    table = np.column_stack([np.asarray(d, dtype=np.int64) for d in degrees])
    keys, inverse, counts = np.unique(table, axis=0, return_inverse=True, return_counts=True)
    return keys.astype(float), inverse.ravel(), counts.astype(float)


def _initial(k, total):
    return np.where(k > 0, k / np.sqrt(max(total, 1.0)), 0.0)


def _check_degrees(*degrees):
    for d in degrees:
        d = np.asarray(d)
        if d.ndim != 1 or len(d) != len(degrees[0]):
            raise ValueError("degree arrays must be one-dimensional and of one length")
        if (d < 0).any():
            raise ValueError("degrees must be non-negative")
    n = len(degrees[0])
    if n < 2:
        raise ValueError("a graph needs at least two accounts")
    if any((np.asarray(d) > n - 1).any() for d in degrees):
        raise ValueError("a degree exceeds n - 1: no simple graph has it")
    if any((np.asarray(d) == n - 1).any() for d in degrees):
        # every pair of such an account is certain: its multiplier is infinite
        raise NotConverged("an account has degree n - 1 (linked to every other): the model has no finite solution")


def fit_dbcm(out_degree, in_degree, tol: float = DEFAULT_TOL, max_iter: int = 20000) -> MaxEntFit:
    """Fit the DBCM to the observed out- and in-degrees (see the module docstring).

    The sum of out-degrees must equal the sum of in-degrees (one edge list). Raises
    :class:`NotConverged` if after ``max_iter`` sweeps some expected degree is off by
    more than ``tol``."""
    out_degree, in_degree = np.asarray(out_degree), np.asarray(in_degree)
    _check_degrees(out_degree, in_degree)
    if out_degree.sum() != in_degree.sum():
        raise ValueError("out- and in-degrees must sum to the same number of edges")
    start = time.perf_counter()
    keys, inverse, m = _classes(out_degree, in_degree)
    kout, kin = keys[:, 0], keys[:, 1]
    x, y = _initial(kout, kout.sum()), _initial(kin, kin.sum())
    error, iterations = np.inf, 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (its last value is reported)
        sx = _dbcm_sums(x, y, m)
        error_out = np.abs(x * sx - kout).max()
        x = np.where(kout > 0, kout / np.where(sx > 0, sx, 1.0), 0.0)
        sy = _dbcm_sums(y, x, m)
        error = max(error_out, np.abs(y * sy - kin).max())
        y = np.where(kin > 0, kin / np.where(sy > 0, sy, 1.0), 0.0)
        if error < tol:
            break
    error = _dbcm_error(x, y, m, kout, kin)
    fit = MaxEntFit("dbcm", x[inverse], y[inverse], None, iterations, float(error), time.perf_counter() - start, len(m))
    if not error < tol:
        raise NotConverged(f"DBCM: largest degree error {error:.3g} after {iterations} sweeps (tolerance {tol:g})")
    return fit


def _dbcm_error(x, y, m, kout, kin) -> float:
    return float(max(np.abs(x * _dbcm_sums(x, y, m) - kout).max(), np.abs(y * _dbcm_sums(y, x, m) - kin).max()))


@nb.njit(cache=True, parallel=True)
def _rbcm_degrees(x, y, z, m, which):
    """For each class a, the expected degree of the kind ``which`` (0: one-way out, 1:
    one-way in, 2: mutual) of one of its accounts, and its derivative in the log of the
    class's own multiplier (``sum q (1 - q)``, the self term ignored in the derivative).
    ``D_ac = 1 + x_a y_c + x_c y_a + z_a z_c``; the pair of an account with itself is
    removed from the sums."""
    c = len(x)
    expected = np.empty(c)
    slope = np.empty(c)
    for a in nb.prange(c):
        e = 0.0
        g = 0.0
        for b in range(c):
            d = 1.0 + x[a] * y[b] + x[b] * y[a] + z[a] * z[b]
            if which == 0:
                q = x[a] * y[b] / d
            elif which == 1:
                q = x[b] * y[a] / d
            else:
                q = z[a] * z[b] / d
            e += m[b] * q
            g += m[b] * q * (1.0 - q)
        d = 1.0 + 2.0 * x[a] * y[a] + z[a] * z[a]
        q = (z[a] * z[a] if which == 2 else x[a] * y[a]) / d
        expected[a] = e - q
        slope[a] = g - q * (1.0 - q)
    return expected, slope


def _newton_step(v, k, expected, slope, damping, max_step=2.0):
    """One damped Newton step in ``log v`` towards ``expected == k`` (at most ``max_step``);
    a zero constraint keeps a zero multiplier."""
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.clip(damping * (k - expected) / np.where(slope > 0, slope, np.inf), -max_step, max_step)
    return np.where(k > 0, v * np.exp(step), 0.0)


def _damped_newton(values, targets, degrees, tol: float, max_iter: int):
    """Gauss-Seidel over the constraints: for each ``which``, ``degrees(values, which)``
    gives the expected degrees and their slopes in ``log values[which]``, and one damped
    Newton step (:func:`_newton_step`) moves ``values[which]`` towards
    ``targets[which]``. Per account and constraint, a step that overshoots (the error
    changes sign) halves the next one; one that does not lets it grow back towards a
    full Newton step. Stops when the largest error of a sweep is below ``tol`` or after
    ``max_iter`` sweeps. Returns the values, the sweeps and the largest error at the end."""
    values = list(values)
    damping = [np.ones(len(v)) for v in values]
    previous = [np.zeros(len(v)) for v in values]
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (its last value is reported)
        error = 0.0
        for which in range(len(values)):
            expected, slope = degrees(values, which)
            gap = targets[which] - expected
            error = max(error, np.abs(gap).max())
            flipped = np.sign(gap) * np.sign(previous[which]) < 0
            damping[which] = np.where(flipped, damping[which] * 0.5, np.minimum(1.0, damping[which] * 1.5))
            previous[which] = gap
            values[which] = _newton_step(values[which], targets[which], expected, slope, damping[which])
        if error < tol:
            break
    error = max(float(np.abs(degrees(values, which)[0] - targets[which]).max()) for which in range(len(values)))
    return values, iterations, error


def fit_rbcm(src, dst, n: int, tol: float = DEFAULT_TOL, max_iter: int = 2000) -> MaxEntFit:
    """Fit the RBCM to the graph ``src -> dst`` on ``n`` accounts: each account's number of
    one-way out-edges, one-way in-edges and reciprocated (mutual) edges. Solved by
    coordinate Newton steps in the log multipliers (the plain fixed point crawls near
    hubs), Gauss-Seidel over ``x``, ``y``, ``z``."""
    one_out, one_in, mutual = reciprocal_degrees(src, dst, n)
    _check_degrees(one_out, one_in, mutual)
    start = time.perf_counter()
    keys, inverse, m = _classes(one_out, one_in, mutual)
    targets = (keys[:, 0], keys[:, 1], keys[:, 2])
    total = max(targets[0].sum() + targets[2].sum(), 1.0)
    values = [_initial(k, total) for k in targets]
    values, iterations, error = _damped_newton(values, targets, lambda v, which: _rbcm_degrees(*v, m, which), tol,
                                               max_iter)  # fmt: skip
    x, y, z = (v[inverse] for v in values)
    fit = MaxEntFit("rbcm", x, y, z, iterations, float(error), time.perf_counter() - start, len(m))
    if not error < tol:
        raise NotConverged(f"RBCM: largest degree error {error:.3g} after {iterations} sweeps (tolerance {tol:g})")
    return fit


def reciprocal_degrees(src, dst, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each account's one-way out-degree, one-way in-degree and mutual degree."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    mutual = measures.reciprocated_mask(src, dst, n)
    one_out = np.bincount(src[~mutual], minlength=n)
    one_in = np.bincount(dst[~mutual], minlength=n)
    return one_out, one_in, np.bincount(src[mutual], minlength=n)


@dataclass(frozen=True)
class PairSums:
    """Sums over ordered pairs ``i in A, j in B, i != j`` under a fitted model: ``edges``
    (expected ``A -> B`` edges), ``edges_var`` (their variance), ``mutual`` (expected
    reciprocated ``A -> B`` edges), ``mutual_var`` and ``cov`` (covariance of the two
    counts). When ``A`` and ``B`` are one set, a mutual pair is counted twice (once each
    way), as the statistics count it."""

    edges: float
    edges_var: float
    mutual: float
    mutual_var: float
    cov: float


def _sets(a_mask, b_mask):
    a_mask, b_mask = np.asarray(a_mask, dtype=bool), np.asarray(b_mask, dtype=bool)
    same = bool(np.array_equal(a_mask, b_mask))
    if not same and (a_mask & b_mask).any():
        raise ValueError("the two sets of accounts must be equal or disjoint")
    return np.flatnonzero(a_mask), np.flatnonzero(b_mask), same


def _grouped(fit: MaxEntFit, idx):
    """The distinct multiplier tuples among ``idx`` and their counts (pairs of accounts
    with equal multipliers have equal probabilities: sums run over tuple pairs)."""
    parts = [fit.x[idx], fit.y[idx]] + ([fit.z[idx]] if fit.z is not None else [])
    table = np.column_stack(parts) if len(idx) else np.empty((0, len(parts)))
    keys, counts = np.unique(table, axis=0, return_counts=True)
    return keys, counts.astype(float)


def _pair_sums(fit: MaxEntFit, a_mask, b_mask, probabilities) -> PairSums:
    a_idx, b_idx, same = _sets(a_mask, b_mask)
    rbcm = fit.model == "rbcm"
    ka, ca = _grouped(fit, a_idx)
    if same and 2 * len(a_idx) > len(fit.x):
        # most of the accounts (the regular ones): the sum over every ordered pair of accounts, kept on the
        # fit, less the pairs with an account outside the set, A x A = R x R + R x N + N x R + N x N, so
        # that few groups meet many instead of many meeting many (equal to the direct sum, tested)
        if "all" not in fit.memo:
            k_all, c_all = _grouped(fit, np.arange(len(fit.x)))
            fit.memo["all"] = (k_all, c_all, np.array(_pair_moments(k_all, c_all, k_all, c_all, rbcm, 2.0)))
        k_all, c_all, totals = fit.memo["all"]
        ko, co = _grouped(fit, np.flatnonzero(~np.asarray(a_mask, dtype=bool)))
        if len(co):
            totals = (totals - np.array(_pair_moments(k_all, c_all, ko, co, rbcm, 2.0))
                      - np.array(_pair_moments(ko, co, k_all, c_all, rbcm, 2.0))
                      + np.array(_pair_moments(ko, co, ko, co, rbcm, 2.0)))  # fmt: skip
    else:
        kb, cb = _grouped(fit, b_idx)
        totals = np.array(_pair_moments(ka, ca, kb, cb, rbcm, 2.0 if same else 1.0))
    if same:  # remove i == j, which the tuple-pair sums include once per account
        totals = totals - _moments(*probabilities(ka[:, None, :], ka[:, None, :]), ca[:, None], same)
    return PairSums(*map(float, totals))


@nb.njit(cache=True)
def _pair_moments(ka, ca, kb, cb, rbcm, factor):
    """:func:`_moments` summed over every pair of multiplier tuples ``ka[a], kb[b]``
    weighted ``ca[a] cb[b]``, ``factor`` 2 for the sums over one set and 1 for two
    (compiled, one thread so that the sums do not depend on the number of threads; the
    same sums as the vectorised form, tested)."""
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    for a in nb.prange(ka.shape[0]):
        xa, ya = ka[a, 0], ka[a, 1]
        za = ka[a, 2] if rbcm else 0.0
        for b in range(kb.shape[0]):
            xb, yb = kb[b, 0], kb[b, 1]
            w = ca[a] * cb[b]
            if rbcm:
                zb = kb[b, 2]
                d = 1.0 + xa * yb + xb * ya + za * zb
                mut = za * zb / d
                p_ab = xa * yb / d + mut
                p_ba = xb * ya / d + mut
            else:
                p_ab = xa * yb / (1.0 + xa * yb)
                p_ba = xb * ya / (1.0 + xb * ya)
                mut = p_ab * p_ba
            s0 += w * p_ab
            s1 += w * p_ab * (1.0 - p_ab) + (factor - 1.0) * w * (mut - p_ab * p_ba)
            s2 += w * mut
            s3 += factor * w * mut * (1.0 - mut)
            s4 += factor * w * mut * (1.0 - p_ab)
    return s0, s1, s2, s3, s4


def _moments(p_ij, p_ji, p_mut, w, same):
    """Weighted sums of one block: edges, their variance, mutual edges, their variance and
    their covariance. For one set, ``(i, j)`` and ``(j, i)`` are both in the sum: the
    covariance of the two edges (``P(mutual) - p_ij p_ji``, 0 under the DBCM) enters the
    variance of the edges, and a mutual pair, counted twice, doubles the variance of
    the mutual count and its covariance with the edges."""
    factor = 2.0 if same else 1.0
    return np.array([
        (w * p_ij).sum(),
        (w * p_ij * (1 - p_ij)).sum() + (factor - 1) * (w * (p_mut - p_ij * p_ji)).sum(),
        (w * p_mut).sum(),
        factor * (w * p_mut * (1 - p_mut)).sum(),
        factor * (w * p_mut * (1 - p_ij)).sum(),
    ])  # fmt: skip


def _dbcm_probabilities(a, b):
    xa, ya, xb, yb = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
    p_ab = xa * yb / (1 + xa * yb)
    p_ba = xb * ya / (1 + xb * ya)
    return p_ab, p_ba, p_ab * p_ba


def _rbcm_probabilities(a, b):
    xa, ya, za, xb, yb, zb = a[..., 0], a[..., 1], a[..., 2], b[..., 0], b[..., 1], b[..., 2]
    d = 1 + xa * yb + xb * ya + za * zb
    mutual = za * zb / d
    return xa * yb / d + mutual, xb * ya / d + mutual, mutual


def dbcm_pair_sums(fit: MaxEntFit, a_mask, b_mask) -> PairSums:
    """:class:`PairSums` of ``A -> B`` under a fitted DBCM (pairs independent: the edge
    ``i -> j`` and its reverse are independent events)."""
    if fit.model != "dbcm":
        raise ValueError(f"a DBCM fit is needed, not {fit.model!r}")
    return _pair_sums(fit, a_mask, b_mask, _dbcm_probabilities)


def rbcm_pair_sums(fit: MaxEntFit, a_mask, b_mask) -> PairSums:
    """:class:`PairSums` of ``A -> B`` under a fitted RBCM."""
    if fit.model != "rbcm":
        raise ValueError(f"an RBCM fit is needed, not {fit.model!r}")
    return _pair_sums(fit, a_mask, b_mask, _rbcm_probabilities)


def _pair_sums_of(fit: MaxEntFit, a_mask, b_mask) -> PairSums:
    return (dbcm_pair_sums if fit.model == "dbcm" else rbcm_pair_sums)(fit, a_mask, b_mask)


def expected_count(fit: MaxEntFit, a_mask, b_mask) -> tuple[float, float]:
    """Expected number of ``A -> B`` edges and its standard deviation."""
    sums = _pair_sums_of(fit, a_mask, b_mask)
    return sums.edges, float(np.sqrt(sums.edges_var))


def expected_share(fit: MaxEntFit, a_mask, b_mask, out_degree) -> tuple[float, float]:
    """Expected share of the follows of ``A`` that go to ``B`` and its standard deviation:
    expected ``A -> B`` edges over the observed out-degree of ``A`` (which the model
    keeps on average; treated as fixed, as the rewiring null keeps it)."""
    total = float(np.asarray(out_degree)[np.asarray(a_mask, dtype=bool)].sum())
    if total == 0:
        return float("nan"), float("nan")
    sums = _pair_sums_of(fit, a_mask, b_mask)
    return sums.edges / total, float(np.sqrt(sums.edges_var)) / total


def expected_reciprocated_share(fit: MaxEntFit, a_mask, b_mask) -> tuple[float, float]:
    """Expected reciprocated share of ``A -> B`` follows, ``E[M] / E[N]`` (``M``: reciprocated
    ``A -> B`` edges, ``N``: ``A -> B`` edges), and its delta-method standard deviation
    ``sqrt(Var M - 2 r Cov(M, N) + r^2 Var N) / E[N]`` with ``r = E[M] / E[N]``. NaN when
    no ``A -> B`` edge is expected."""
    sums = _pair_sums_of(fit, a_mask, b_mask)
    if sums.edges <= 0:
        return float("nan"), float("nan")
    r = sums.mutual / sums.edges
    var = sums.mutual_var - 2 * r * sums.cov + r * r * sums.edges_var
    return r, float(np.sqrt(max(var, 0.0))) / sums.edges


def conditional_reciprocation(fit: MaxEntFit, src, dst) -> np.ndarray:
    """For each given edge ``src -> dst``, the model's probability that ``dst`` follows
    ``src`` back given that ``src`` follows ``dst``: ``P(j -> i)`` under the DBCM (the two
    are independent), ``z_i z_j / (x_i y_j + z_i z_j)`` under the RBCM."""
    i, j = np.asarray(src), np.asarray(dst)
    if fit.model == "dbcm":
        return fit.x[j] * fit.y[i] / (1 + fit.x[j] * fit.y[i])
    mutual = fit.z[i] * fit.z[j]
    one_way = fit.x[i] * fit.y[j]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mutual + one_way > 0, mutual / (mutual + one_way), 0.0)


@nb.njit(cache=True, parallel=True)
def _information_product(x, y, z, starts, partners, weights, v):
    """``J v`` for the RBCM information of :class:`RBCMInformation`, one account
    at a time over its partners (CSR ``starts, partners`` with each pair's weight)."""
    n = len(starts) - 1
    out = np.zeros((3, n))
    for a in nb.prange(n):
        s_out, s_in, s_m = 0.0, 0.0, 0.0
        for k in range(starts[a], starts[a + 1]):
            b = partners[k]
            one_out, one_in, mutual = x[a] * y[b], x[b] * y[a], z[a] * z[b]
            total = 1.0 + one_out + one_in + mutual
            p_out, p_in, p_m = one_out / total, one_in / total, mutual / total
            a_out, a_in, a_m = v[0, a] + v[1, b], v[0, b] + v[1, a], v[2, a] + v[2, b]
            mean = p_out * a_out + p_in * a_in + p_m * a_m
            s_out += weights[k] * p_out * (a_out - mean)
            s_in += weights[k] * p_in * (a_in - mean)
            s_m += weights[k] * p_m * (a_m - mean)
        out[0, a], out[1, a], out[2, a] = s_out, s_in, s_m
    return out


@nb.njit(cache=True, parallel=True)
def _information_blocks(x, y, z, starts, partners, weights):
    """Each account's own 3 x 3 block of the RBCM information (its one-way out, one-way
    in and mutual degrees' covariance)."""
    n = len(starts) - 1
    blocks = np.zeros((n, 3, 3))
    for a in nb.prange(n):
        for k in range(starts[a], starts[a + 1]):
            b = partners[k]
            one_out, one_in, mutual = x[a] * y[b], x[b] * y[a], z[a] * z[b]
            total = 1.0 + one_out + one_in + mutual
            p = (one_out / total, one_in / total, mutual / total)
            for r in range(3):
                blocks[a, r, r] += weights[k] * p[r]
                for c in range(3):
                    blocks[a, r, c] -= weights[k] * p[r] * p[c]
    return blocks


class RBCMInformation:
    """The RBCM's Fisher information ``J`` in the logs of its multipliers, ready to solve
    ``J h = vector`` (:meth:`solve`) as often as needed.

    The parameters are ``(log x_i, log y_i, log z_i)`` of each account ``i`` (the rows of
    a vector, shape ``(3, n)``); the modelled unordered pairs are ``{first, second}``,
    each counted ``weight`` times (default 1; a weight counts interchangeable pairs of
    accounts once, as a fit over classes does). A pair in state ``k`` (``i -> j`` only,
    ``j -> i`` only, mutual; probabilities ``P_k``) adds the indicator ``a_k`` of the
    degrees it raises (one-way out of ``i`` and one-way in of ``j``; the reverse; mutual
    of both), so ``J = sum over pairs of sum_k P_k a_k a_k' - mu mu'``, ``mu = sum_k P_k
    a_k``: the covariance of the fitted degrees, which is also their derivative in the
    parameters. ``J`` is singular (``x -> c x, y -> y / c`` changes no probability; a
    multiplier at 0 carries no information)."""

    def __init__(self, fit: MaxEntFit, first, second, weight=None):
        if fit.model != "rbcm":
            raise ValueError(f"the information is the RBCM's, not the {fit.model.upper()}'s")
        self.x, self.y, self.z = (np.asarray(a, dtype=float) for a in (fit.x, fit.y, fit.z))
        i, j = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
        if i.shape != j.shape or (weight is not None and np.shape(weight) != i.shape):
            raise ValueError("first, second (and weight) must have one length")
        self.n = n = len(self.x)
        w = np.ones(len(i)) if weight is None else np.asarray(weight, dtype=float)
        ends = np.concatenate([i, j])  # each pair listed under both of its accounts
        order = np.argsort(ends, kind="stable")
        self.starts = np.searchsorted(ends[order], np.arange(n + 1))
        self.partners, self.weights = np.concatenate([j, i])[order], np.concatenate([w, w])[order]
        blocks = _information_blocks(self.x, self.y, self.z, self.starts, self.partners, self.weights)
        self._inverse = np.linalg.pinv(blocks, rcond=1e-12, hermitian=True)

    def product(self, v) -> np.ndarray:
        """``J v``."""
        return _information_product(self.x, self.y, self.z, self.starts, self.partners, self.weights,
                                    np.ascontiguousarray(v, dtype=float))  # fmt: skip

    def solve(self, vector, tol: float = 1e-4, max_iter: int = 2000) -> np.ndarray:
        """A solution ``h`` of ``J h = vector``; ``vector`` must be orthogonal to ``J``'s null
        space, as the derivative of any expectation under the model is. Conjugate gradients
        with each account's own 3 x 3 block as preconditioner, to a residual below ``tol``
        times ``|vector|`` (on ego-Twitter, ``vector' h`` at 1e-4 is within 2e-6 of
        itself at 1e-8); raises :class:`NotConverged` after ``max_iter`` steps. A vector of
        zeros: zeros."""
        vector = np.asarray(vector, dtype=float)
        if vector.shape != (3, self.n):
            raise ValueError(f"vector must have shape (3, {self.n}), not {vector.shape}")
        h, residual = np.zeros((3, self.n)), vector.copy()
        scale = float(np.sqrt((vector**2).sum()))
        if scale == 0:
            return h
        step = np.einsum("kab,bk->ak", self._inverse, residual)
        direction, product = step.copy(), float((residual * step).sum())
        for _ in range(max_iter):
            moved = self.product(direction)
            length = product / float((direction * moved).sum())
            h += length * direction
            residual -= length * moved
            if np.sqrt((residual**2).sum()) < tol * scale:
                return h
            step = np.einsum("kab,bk->ak", self._inverse, residual)
            product, previous = float((residual * step).sum()), product
            direction = step + product / previous * direction
        raise NotConverged(f"RBCM information: conjugate gradients did not reach {tol:g} in {max_iter} steps")


def sample_dbcm(fit: MaxEntFit, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One graph drawn from a fitted DBCM (every ordered pair ``i != j`` independently;
    ``O(n^2)``: for small graphs, such as those the calibration draws)."""
    if fit.model != "dbcm":
        raise ValueError(f"a DBCM fit is needed, not {fit.model!r}")
    xy = np.outer(fit.x, fit.y)
    p = xy / (1 + xy)
    np.fill_diagonal(p, 0.0)
    src, dst = np.nonzero(rng.random(p.shape) < p)
    return src.astype(np.int64), dst.astype(np.int64)


@nb.njit(cache=True, inline="always")
def _pair_probability(a, b):
    """``a b / (1 + a b)``, 1 where the product overflows, 0 where it is undefined (an
    infinite multiplier against a zero one)."""
    product = a * b
    if product != product:
        return 0.0
    if product == np.inf:
        return 1.0
    return product / (1.0 + product)


@nb.njit(cache=True, nogil=True)
def _thinned_dbcm(x, ys, order, seed, capacity):
    """Every pair ``i -> order[j]`` with probability ``q = x_i ys_j / (1 + x_i ys_j)``,
    ``ys`` decreasing: geometric skips at the last probability seen, each candidate kept
    with probability ``q / bound`` (a valid thinning because q only falls along the row);
    the project's xoshiro256** stream (:mod:`analysis.nulls.kernels`) seeded with ``seed``."""
    state = kernels.rng_state(seed)
    src = np.empty(max(capacity, 1), np.int64)
    dst = np.empty(max(capacity, 1), np.int64)
    k = 0
    n_targets = len(ys)
    for i in range(len(x)):
        xi = x[i]
        if not xi > 0.0 or n_targets == 0:
            continue
        bound = _pair_probability(xi, ys[0])
        j = 0
        while j < n_targets and bound > 0.0:
            if bound < 1.0:
                step = np.log1p(-kernels.uniform(state)) / np.log1p(-bound)
                if not step < n_targets - j:  # beyond the row, or not finite
                    break
                j += int(step)
            q = _pair_probability(xi, ys[j])
            if kernels.uniform(state) * bound < q and order[j] != i:
                if k == len(src):
                    grown_src = np.empty(2 * k, np.int64)
                    grown_dst = np.empty(2 * k, np.int64)
                    grown_src[:k] = src
                    grown_dst[:k] = dst
                    src, dst = grown_src, grown_dst
                src[k] = i
                dst[k] = order[j]
                k += 1
            bound = q
            j += 1
    return src[:k], dst[:k]


def sample_dbcm_sparse(fit: MaxEntFit, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One graph drawn from a fitted DBCM, as :func:`sample_dbcm` (every ordered pair
    ``i != j`` a follow independently with probability ``x_i y_j / (1 + x_i y_j)``) in
    expected time ``O(n + m)`` rather than ``O(n^2)``, for graphs as large as ego-Twitter:
    the targets sorted by ``y``, each row drawn by geometric skips and thinning (the
    method of Miller and Hagberg 2011, *Efficient generation of networks with given
    expected degrees*, for Chung-Lu graphs). Seeded from ``rng``; returns ``(src, dst)``
    ordered by source."""
    if fit.model != "dbcm":
        raise ValueError(f"a DBCM fit is needed, not {fit.model!r}")
    x, y = np.asarray(fit.x, dtype=float), np.asarray(fit.y, dtype=float)
    order = np.argsort(-y, kind="stable")
    capacity = 4 * len(x) + 1024  # a first guess; the sampler doubles it as it needs
    return _thinned_dbcm(x, y[order], order, int(rng.integers(0, 2**63 - 1)), capacity)


# ------------------------------------------------------------------ observable pairs only


@nb.njit(cache=True, parallel=True)
def _masked_degrees(v, w, starts, partners):
    """For each account a: its expected degree over its observable partners b,
    ``sum q`` with ``q = v_a w_b / (1 + v_a w_b)``, and the slope ``sum q (1 - q)`` in
    ``log v_a`` (v: the account's own multipliers, w: its partners')."""
    n = len(starts) - 1
    expected = np.empty(n)
    slope = np.empty(n)
    for a in nb.prange(n):
        e = 0.0
        g = 0.0
        for k in range(starts[a], starts[a + 1]):
            q = v[a] * w[partners[k]]
            q = q / (1.0 + q)
            e += q
            g += q * (1.0 - q)
        expected[a] = e
        slope[a] = g
    return expected, slope


def _csr(first, second, n):
    order = np.argsort(first, kind="stable")
    return np.searchsorted(first[order], np.arange(n + 1)), second[order].astype(np.int64)


def fit_dbcm_observable(src, dst, n: int, pair_first, pair_second, tol: float = DEFAULT_TOL,
                        max_iter: int = 2000) -> MaxEntFit:  # fmt: skip
    """The DBCM with structural zeros: only the ordered pairs ``pair_first -> pair_second``
    (those that could have been observed, e.g. accounts sharing an ego network) can
    carry an edge, each with ``P(i -> j) = x_i y_j / (1 + x_i y_j)``; every other pair has
    probability 0. Fitted so that each account's expected out- and in-degree over its
    observable pairs equals the observed one (every edge must be an observable pair).
    Solved per account (no classes: the pairs differ), by damped Newton steps in the log
    multipliers."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    first, second = np.asarray(pair_first, dtype=np.int64), np.asarray(pair_second, dtype=np.int64)
    if not arrays.member(src * n + dst, first * n + second).all():
        raise ValueError("every edge must be one of the observable pairs")
    kout, kin = np.bincount(src, minlength=n).astype(float), np.bincount(dst, minlength=n).astype(float)
    out_slots, in_slots = np.bincount(first, minlength=n), np.bincount(second, minlength=n)
    if (kout >= out_slots)[kout > 0].any() or (kin >= in_slots)[kin > 0].any():
        raise NotConverged("an account is linked to every account it could be: the model has no finite solution")
    start = time.perf_counter()
    out_starts, out_partners = _csr(first, second, n)
    in_starts, in_partners = _csr(second, first, n)
    total = max(kout.sum(), 1.0)
    values = [_initial(kout, total), _initial(kin, total)]
    targets = (kout, kin)
    layout = ((out_starts, out_partners), (in_starts, in_partners))
    # x (out-degrees), then y (in-degrees)
    values, iterations, error = _damped_newton(
        values, targets, lambda v, which: _masked_degrees(v[which], v[1 - which], *layout[which]), tol, max_iter
    )
    x, y = values
    fit = MaxEntFit("dbcm", x, y, None, iterations, float(error), time.perf_counter() - start, n)
    if not error < tol:
        raise NotConverged(f"DBCM: largest degree error {error:.3g} after {iterations} sweeps (tolerance {tol:g})")
    return fit


@nb.njit(cache=True, parallel=True)
def _masked_rbcm_degrees(x, y, z, starts, partners, which):
    """:func:`_rbcm_degrees` over each account's observable partners (unordered pairs,
    listed both ways)."""
    n = len(starts) - 1
    expected = np.empty(n)
    slope = np.empty(n)
    for a in nb.prange(n):
        e = 0.0
        g = 0.0
        for k in range(starts[a], starts[a + 1]):
            b = partners[k]
            d = 1.0 + x[a] * y[b] + x[b] * y[a] + z[a] * z[b]
            if which == 0:
                q = x[a] * y[b] / d
            elif which == 1:
                q = x[b] * y[a] / d
            else:
                q = z[a] * z[b] / d
            e += q
            g += q * (1.0 - q)
        expected[a] = e
        slope[a] = g
    return expected, slope


def fit_rbcm_observable(src, dst, n: int, pair_first, pair_second, tol: float = DEFAULT_TOL,
                        max_iter: int = 2000) -> MaxEntFit:  # fmt: skip
    """The RBCM with structural zeros: only the unordered pairs ``{pair_first, pair_second}``
    (given once each, either order) can be linked; fitted to every account's one-way
    out-, one-way in- and mutual degree (see :func:`fit_rbcm`)."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    a, b = np.asarray(pair_first, dtype=np.int64), np.asarray(pair_second, dtype=np.int64)
    low, high = np.minimum(a, b), np.maximum(a, b)
    if not arrays.member(np.minimum(src, dst) * n + np.maximum(src, dst), low * n + high).all():
        raise ValueError("every edge must join one of the observable pairs")
    targets = tuple(np.asarray(t, dtype=float) for t in reciprocal_degrees(src, dst, n))
    slots = np.bincount(np.r_[low, high], minlength=n)
    if ((targets[0] + targets[1] + targets[2]) >= slots)[slots > 0].any():
        raise NotConverged("an account is linked to every account it could be: the model has no finite solution")
    start = time.perf_counter()
    starts, partners = _csr(np.r_[low, high], np.r_[high, low], n)
    total = max(targets[0].sum() + targets[2].sum(), 1.0)
    values = [_initial(k, total) for k in targets]
    values, iterations, error = _damped_newton(
        values, targets, lambda v, which: _masked_rbcm_degrees(*v, starts, partners, which), tol, max_iter
    )
    fit = MaxEntFit("rbcm", *values, iterations, float(error), time.perf_counter() - start, n)
    if not error < tol:
        raise NotConverged(f"RBCM: largest degree error {error:.3g} after {iterations} sweeps (tolerance {tol:g})")
    return fit


def drop_certain_pairs(src, dst, n: int, pair_keys, unordered: bool = False):
    """Remove the pairs whose state the degrees force, with their edges, until none is left.

    An account with a follow on every pair it has (out-pairs for an out-degree equal to
    its number of observable out-pairs, likewise in; with ``unordered``, a link on every
    pair) has an infinite multiplier: those pairs are certain and carry no information.
    Dropping them (and their edges) can make another account's pairs certain, so it
    is repeated. ``pair_keys``: sorted ``i * n + j`` keys (``i < j`` when unordered).
    Returns ``(src, dst, pair_keys, dropped)``, ``dropped`` the number of pairs removed."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    keys = np.asarray(pair_keys, dtype=np.int64)
    start = len(keys)
    while True:
        first, second = keys // n, keys % n
        if unordered:
            low, high = np.minimum(src, dst), np.maximum(src, dst)
            linked = arrays.distinct(low * n + high)
            degree = np.bincount(np.r_[linked // n, linked % n], minlength=n)
            slots = np.bincount(np.r_[first, second], minlength=n)
            full = (slots > 0) & (degree == slots)
            drop_pair = full[first] | full[second]
            drop_edge = full[src] | full[dst]
        else:
            out_full = np.bincount(src, minlength=n) == np.bincount(first, minlength=n)
            in_full = np.bincount(dst, minlength=n) == np.bincount(second, minlength=n)
            out_full &= np.bincount(first, minlength=n) > 0
            in_full &= np.bincount(second, minlength=n) > 0
            drop_pair = out_full[first] | in_full[second]
            drop_edge = out_full[src] | in_full[dst]
        if not drop_pair.any():
            return src, dst, keys, start - len(keys)
        keys, src, dst = keys[~drop_pair], src[~drop_edge], dst[~drop_edge]


# ------------------------------------------------------------------ one entry point, with a cache


def fit_model(model: str, src, dst, n: int, pair_keys=None, tol: float = DEFAULT_TOL,
              cache: Path | str | None = None) -> MaxEntFit:  # fmt: skip
    """The ``model`` (``"dbcm"`` or ``"rbcm"``) fitted to the graph ``src -> dst`` on ``n``
    accounts: on every pair (:func:`fit_dbcm`, :func:`fit_rbcm`) or, with ``pair_keys``,
    only on those pairs (:func:`fit_dbcm_observable`: ordered keys ``i * n + j``;
    :func:`fit_rbcm_observable`: unordered keys ``min * n + max``).

    ``cache``: a folder where the fit is kept under a digest of its inputs (model,
    follows, pairs with their lengths, ``n``, ``tol``) and of this module's source and
    the NumPy and Numba versions (any change to the solvers starts a new entry), and
    read back when the same inputs come again, after checking its shape and error; the
    seconds reported are then the original solve's. A second process asking for the same
    fit while the first solves it waits for it (a lock) instead of solving it again. Raises :class:`NotConverged` as
    the solvers do."""
    if model not in ("dbcm", "rbcm"):
        raise ValueError(f"model must be 'dbcm' or 'rbcm', not {model!r}")
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)

    def solve():
        if pair_keys is None:
            if model == "dbcm":
                return fit_dbcm(np.bincount(src, minlength=n), np.bincount(dst, minlength=n), tol=tol)
            return fit_rbcm(src, dst, n, tol=tol)
        keys = np.asarray(pair_keys, dtype=np.int64)
        solver = fit_dbcm_observable if model == "dbcm" else fit_rbcm_observable
        return solver(src, dst, n, keys // n, keys % n, tol=tol)

    if cache is None:
        return solve()
    arrays_in = (src, dst) + (() if pair_keys is None else (np.asarray(pair_keys, dtype=np.int64),))
    header = f"{model}|{n}|{tol!r}|{pair_keys is None}|{[len(a) for a in arrays_in]}|{np.__version__}|{nb.__version__}"
    digest = hashlib.blake2b(header.encode(), digest_size=20)
    digest.update(Path(__file__).read_bytes())
    for array in arrays_in:
        digest.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
    path = Path(cache) / f"{model}-{digest.hexdigest()}.npz"
    # two notebooks asking for one fit at once (make -j2): the second waits and reads the first's
    with files.exclusive_lock(path.with_suffix(".lock"), f"the {model.upper()} fit {path.name}", wait=True):
        if path.exists():
            with np.load(path) as saved:
                meta = json.loads(str(saved["meta"]))
                fit = MaxEntFit(model, saved["x"], saved["y"], saved.get("z"), **meta)
            if len(fit.x) == n and len(fit.y) == n and fit.max_error < tol:
                return fit
        fit = solve()
        arrays = {"x": fit.x, "y": fit.y, **({"z": fit.z} if fit.z is not None else {})}
        meta = {"iterations": fit.iterations, "max_error": fit.max_error, "seconds": fit.seconds,
                "classes": fit.classes}  # fmt: skip
        with files.atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, meta=json.dumps(meta), **arrays)
        return fit


def fit_diagnostics(fits: dict) -> list[dict]:
    """One row a fit for a report: ``fits`` maps a name (what the fit is for) to
    ``(summary, tolerance)`` (:meth:`MaxEntFit.summary`; the largest error of an
    expected degree, in follows, the fit was asked to reach). Each row: the name, the
    model, degree classes, iterations, the largest error reached, the tolerance and the
    solve time in seconds (of the fit when it was made: a cached fit keeps the time it
    took). A fit that misses its tolerance is never reported: it raises
    :class:`NotConverged` instead."""
    rows = []
    for name, (summary, tolerance) in fits.items():
        rows.append({"fit": name, "model": summary["model"].upper(), "degree classes": summary["classes"],
                     "iterations": summary["iterations"], "largest degree error": summary["max_degree_error"],
                     "tolerance": tolerance, "solve time (s)": summary["seconds"]})  # fmt: skip
    return rows
