"""Tests of an observed statistic against a null model, intervals and multiple testing.

One result type, :class:`TestResult`, for ensemble and analytic nulls:

- ``expected``: the null mean; ``ratio`` = observed / expected (the effect size);
  ``z`` = (observed - expected) / null standard deviation;
- ``ci_low, ci_high``: 95% interval of the effect (the ratio), of the kind
  ``interval`` says. ``"null"``: for an ensemble, observed divided by the 97.5th and
  2.5th percentiles of the null (the ratios the null's own variability allows); for
  an analytic null, from its standard deviation. ``"sampling"``: the data's sampling
  uncertainty, from resampling what was sampled (accounts, ego networks);
- ``p_value``: for an ensemble ``(1 + #{null >= observed}) / (1 + n)`` (one-sided
  'greater'; 'less' and 'two-sided' likewise), never 0 (Davison and Hinkley 1997).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
from scipy import stats

__all__ = [
    "ALPHA",
    "OPPOSITE",
    "TestResult",
    "ensemble_p_value",
    "ensemble_test",
    "benjamini_hochberg",
    "bootstrap_ratio",
    "cluster_ratio_interval",
    "dyadic_share_test",
    "dyadic_variance",
    "dyadic_ratio_test",
    "rank_test",
    "cluster_bootstrap_test",
    "normal_ensemble_test",
    "rejection_rate",
    "normal_tails",
]

ALPHA = 0.05


@dataclass(frozen=True)
class TestResult:
    statistic: str
    observed: float
    expected: float
    ratio: float
    z: float
    ci_low: float
    ci_high: float
    p_value: float
    n_null: int
    null_model: str
    alternative: str = "greater"
    p_opposite: float = float("nan")
    interval: str = "null"  # what ci_low, ci_high are: "null" (the null's spread) or "sampling" (the data's)

    @property
    def p_two_sided(self) -> float:
        """``min(1, 2 min(p, p_opposite))``: the p-value of a directional two-sided test, whose
        rejection says which way the effect points (supported or contradicted); the
        one-sided ``p_value`` when the opposite side was not computed."""
        if not np.isfinite(self.p_opposite):
            return float(self.p_value)
        return float(min(1.0, 2 * min(self.p_value, self.p_opposite)))

    @property
    def p_side(self) -> float:
        """The one-sided p-value on the side of 1 where the effect lies: ``p_value`` when the
        effect points the way the test predicts (or is 1), else ``p_opposite``. Prose says
        "more" or "less" only when this side is significant; verdicts use ``p_two_sided``."""
        other_way = self.ratio > 1 if self.alternative == "less" else self.ratio < 1
        return float(self.p_opposite) if other_way and np.isfinite(self.p_opposite) else float(self.p_value)

    def as_dict(self) -> dict:
        out = {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in asdict(self).items()}
        out["p_two_sided"] = self.p_two_sided
        out["p_side"] = self.p_side
        return out

    def rejects(self, alpha: float = ALPHA) -> bool:
        return bool(self.p_value < alpha)

    def rejects_two_sided(self, alpha: float = ALPHA, predicted: bool = False) -> bool:
        """Whether the two-sided p-value (the one verdicts use) is below ``alpha``; with
        ``predicted``, only when the effect also points the way of ``alternative`` (how
        power counts: a rejection the other way is not a detection)."""
        if not self.p_two_sided < alpha:
            return False
        if not predicted:
            return True
        return bool(self.ratio > 1) if self.alternative == "greater" else bool(self.ratio < 1)


def _safe_ratio(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.divide(a, b)) if b != 0 else float("nan")


def _bound(observed, quantile) -> float:
    """observed / quantile of the null; unbounded (inf) when the quantile is 0 and observed > 0."""
    if quantile == 0:
        return float("inf") if observed > 0 else float("nan")
    return _safe_ratio(observed, quantile)


def ensemble_p_value(
    observed: float, null_values, alternative: str = "greater", tie_rng: np.random.Generator | None = None
) -> float:
    """Monte Carlo p-value with the +1 correction: ``(1 + #extreme) / (1 + n)``.

    Null values equal to the observed one count as extreme (conservative). With
    ``tie_rng``, ties are instead broken at random (the observed value's rank among
    the tied values is uniform), which makes the test exact for discrete
    statistics such as edge counts; the p-value still never falls below 1/(n+1).
    A missing (NaN) observed value has no p-value: NaN is returned.
    """
    null = np.asarray(null_values, dtype=float)
    n = len(null)
    if not np.isfinite(observed):
        return float("nan")
    if alternative == "greater":
        beyond, tied = int((null > observed).sum()), int((null == observed).sum())
    elif alternative == "less":
        beyond, tied = int((null < observed).sum()), int((null == observed).sum())
    elif alternative == "two-sided":
        centre = null.mean()
        distance = np.abs(null - centre)
        beyond = int((distance > abs(observed - centre)).sum())
        tied = int((distance == abs(observed - centre)).sum())
    else:
        raise ValueError(f"alternative must be greater, less or two-sided, not {alternative!r}")
    tied_counted = int(tie_rng.integers(0, tied + 1)) if tie_rng is not None else tied
    return (1 + beyond + tied_counted) / (1 + n)


def ensemble_test(
    statistic: str,
    observed: float,
    null_values,
    null_model: str,
    alternative: str = "greater",
    tie_rng: np.random.Generator | None = None,
) -> TestResult:
    """Compare ``observed`` with a null ensemble (one value per null sample).

    ``tie_rng``: break ties between observed and null values at random (see
    :func:`ensemble_p_value`). ``p_opposite`` is the one-sided p-value of the other
    direction (ties counted as extreme, no random draw), so that a significant effect
    the other way can be told from no effect."""
    null = np.asarray(null_values, dtype=float)
    null = null[np.isfinite(null)]
    if len(null) == 0:
        raise ValueError(f"{statistic}: the null ensemble is empty")
    expected = float(null.mean())
    sd = float(null.std(ddof=1)) if len(null) > 1 else float("nan")
    low_q, high_q = np.percentile(null, [2.5, 97.5])
    return TestResult(
        statistic=statistic,
        observed=float(observed),
        expected=expected,
        ratio=_safe_ratio(observed, expected),
        z=_safe_ratio(observed - expected, sd) if sd and np.isfinite(sd) else float("nan"),
        ci_low=_bound(observed, high_q),
        ci_high=_bound(observed, low_q),
        p_value=ensemble_p_value(observed, null, alternative, tie_rng),
        n_null=len(null),
        null_model=null_model,
        alternative=alternative,
        p_opposite=ensemble_p_value(observed, null, OPPOSITE[alternative]) if alternative in OPPOSITE else float("nan"),
    )


OPPOSITE = {"greater": "less", "less": "greater"}


def normal_ensemble_test(
    statistic: str, observed: float, null_values, null_model: str, alternative: str = "greater"
) -> TestResult:
    """:func:`ensemble_test` with the p-values of ``z = (observed - mean) / sd`` against the
    standard normal, ``mean`` and ``sd`` those of the null ensemble: a normal
    approximation to the null distribution, so the p-value has no floor at ``1 / (n + 1)``
    and can be compared with a Benjamini-Hochberg threshold below it. It is only as good
    as the approximation, so each statistic tested this way needs its own calibration.
    The interval is the ensemble's, as in :func:`ensemble_test`. An ensemble with no
    spread (``sd`` 0) or a single value: NaN p-values."""
    result = ensemble_test(statistic, observed, null_values, null_model, alternative)
    if alternative not in OPPOSITE:
        raise ValueError(f"alternative must be greater or less, not {alternative!r}")
    p, opposite = normal_tails(result.z, alternative) if np.isfinite(result.z) else (float("nan"), float("nan"))
    return replace(result, p_value=p, p_opposite=opposite)


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1).

    Missing (NaN) p-values are tests that gave no p-value: they stay NaN and are not
    counted in the family, so they cannot spread to the others.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    present = np.flatnonzero(np.isfinite(p))
    m = len(present)
    if m == 0:
        return out
    order = np.argsort(p[present])
    scaled = p[present][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out[present[order]] = np.minimum(adjusted, 1.0)
    return out


def bootstrap_ratio(
    x, y, statistic=np.median, rng: np.random.Generator | None = None, n_boot: int = 2000, level: float = 0.95
) -> tuple[float, float, float]:
    """Percentile bootstrap of ``statistic(x) / statistic(y)`` resampling both groups."""
    rng = rng if rng is not None else np.random.default_rng(0)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    bx = np.apply_along_axis(statistic, 1, x[rng.integers(0, len(x), (n_boot, len(x)))])
    by = np.apply_along_axis(statistic, 1, y[rng.integers(0, len(y), (n_boot, len(y)))])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = bx / by
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(ratios, [tail, 100 - tail])
    return float(statistic(x) / statistic(y)), float(low), float(high)


def cluster_ratio_interval(numerator, denominator, rng: np.random.Generator, n_boot: int = 2000,
                           level: float = 0.95) -> tuple[float, float]:  # fmt: skip
    """Percentile interval of ``sum(numerator) / sum(denominator)`` from resampling
    clusters (one entry of each array per cluster, for example per account) with
    replacement ``n_boot`` times. Fewer than two clusters or nothing in the
    denominator: NaN bounds."""
    numerator, denominator = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    if numerator.shape != denominator.shape or numerator.ndim != 1:
        raise ValueError("numerator and denominator must be 1-d arrays of the same length (one entry a cluster)")
    if len(numerator) < 2 or not denominator.sum() > 0:
        return float("nan"), float("nan")
    ratios = _resampled_effects(np.column_stack([numerator, denominator]), lambda t: (t[0], t[1]), rng, n_boot)
    if not len(ratios):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(ratios, [tail, 100 - tail])
    return float(low), float(high)


_RESAMPLE_BLOCK = 1 << 22
"""Draws held at once by :func:`_resampled_totals` (32 MB of int64 indices)."""


def _resampled_totals(parts: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """The column totals of ``n_boot`` resamples of the rows of ``parts`` (``G`` clusters
    drawn with replacement, ``G`` per resample): row ``b`` is ``sum_g c_bg parts[g]`` with
    ``c_b`` the counts of ``G`` uniform draws of a cluster, a multinomial(G, 1/G) vector
    (the counts of :meth:`numpy.random.Generator.multinomial` in distribution, from
    ``rng.integers``: about ten times faster at ten thousand clusters). Drawn in blocks of
    at most :data:`_RESAMPLE_BLOCK` indices, so memory stays bounded for many clusters."""
    parts = np.asarray(parts, dtype=float)
    clusters = len(parts)
    rows = max(1, min(n_boot, _RESAMPLE_BLOCK // max(clusters, 1)))
    out = np.empty((n_boot, parts.shape[1]))
    for start in range(0, n_boot, rows):
        r = min(rows, n_boot - start)
        drawn = rng.integers(0, clusters, size=(r, clusters))
        drawn += (np.arange(r) * clusters)[:, None]  # resample b's draws counted in its own block of bins
        counts = np.bincount(drawn.ravel(), minlength=r * clusters).reshape(r, clusters)
        out[start : start + r] = counts.astype(float) @ parts
    return out


def _resampled_effects(parts: np.ndarray, split, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """The effect ``observed / expected`` (``split`` of the column totals) of ``n_boot``
    resamples of the rows of ``parts`` (clusters, with replacement,
    :func:`_resampled_totals`); undefined ones dropped."""
    totals = _resampled_totals(parts, rng, n_boot)
    pairs = [split(row) for row in totals]
    with np.errstate(divide="ignore", invalid="ignore"):
        effects = np.array([o / e if e != 0 else np.nan for o, e in pairs])
    return effects[np.isfinite(effects)]


def dyadic_share_test(
    statistic: str,
    src,
    dst,
    returned,
    reference: float,
    null_model: str,
    alternative: str,
    level: float = 0.95,
) -> TestResult:
    """A share over the follows among a set of accounts (``returned[k]``: whether follow
    ``src[k] -> dst[k]`` is returned) against a fixed ``reference`` share, with a
    dyadic-robust standard error (Aronow, Samii and Assenova 2015; Fafchamps and Gubert
    2007): follows that share an account may be dependent (an account's own propensity to
    follow back), follows of different accounts are not.

    With residuals ``e_k = returned_k - share`` summed per unordered pair (the two follows
    of a mutual pair are one unit ``u``), ``S_v`` the sum over the units that touch
    account ``v`` and ``N`` the follows, ``Var(share) = (sum_v S_v^2 - sum_u e_u^2) /
    N^2`` (every pair of units sharing an account, each unit with itself once), floored at
    ``sum_u e_u^2 / N^2`` (units independent), which a small sample can fall below. Effect:
    share / reference; the Wald test of effect = 1 on the log scale, ``t = log(effect) /
    se_log`` with ``se_log = se / share`` (delta method), against Student's t with ``V -
    1`` degrees of freedom for ``V`` accounts; the interval ``exp(log(effect) +- t_q
    se_log)``. The regular accounts' share is taken as known. Fewer than two accounts,
    no follow, a share of 0 or 1, or no reference: NaN p-value."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    returned = np.asarray(returned, dtype=float)
    if not (src.shape == dst.shape == returned.shape) or src.ndim != 1:
        raise ValueError("src, dst and returned must be 1-d arrays of one length (one entry a follow)")
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(f"alternative must be greater, less or two-sided, not {alternative!r}")
    share = float(returned.mean()) if len(returned) else float("nan")
    effect = _safe_ratio(share, reference)
    accounts = len(np.unique(np.concatenate([src, dst])))
    nan = float("nan")
    if accounts < 2 or not np.isfinite(effect) or not 0 < share < 1:
        return TestResult(statistic, share, float(reference), effect, nan, nan, nan, nan, 0, null_model, alternative,
                          nan, "sampling")  # fmt: skip
    variance = dyadic_variance(src, dst, returned - share)[0] / len(returned) ** 2
    se_log = np.sqrt(variance) / share
    z = np.log(effect) / se_log if se_log > 0 else nan
    df = accounts - 1
    p, opposite = normal_tails(z, alternative, df=df)
    half = float(stats.t(df).ppf(1 - (1 - level) / 2)) * se_log
    low, high = (float(effect * np.exp(-half)), float(effect * np.exp(half))) if se_log > 0 else (nan, nan)
    return TestResult(statistic, share, float(reference), effect, float(z), low, high, p, 0, null_model, alternative,
                      opposite, "sampling")  # fmt: skip


def dyadic_variance(first, second, residual, credited=None) -> tuple[float, int]:
    """The dyadic-robust variance of a sum of ``residual`` over units, each unit a pair of
    accounts ``first, second`` (Aronow, Samii and Assenova 2015; Fafchamps and Gubert
    2007): units that share an account may be dependent, units of four different
    accounts are not. The units of one unordered pair are summed into one unit first;
    with ``S_v`` the sum over the units touching account ``v``, ``V = sum_v S_v^2 - sum_u
    e_u^2`` (every pair of units sharing an account, each unit with itself once). A small
    sample can put ``V`` below what it must be at least, so it is floored: at ``sum_u
    e_u^2`` (units independent) by default; with ``credited`` (an account per unit), at
    the one-way cluster variance over those accounts, ``sum_c (sum of the residuals
    credited to c)^2``, the analytic counterpart of an account-clustered error. The
    second floor is the one for residuals from a fit that keeps each account's degrees:
    an account's units then covary negatively, and the units' own variance overstates
    the sum's. Returns ``(V, accounts)``."""
    first, second = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
    residual = np.asarray(residual, dtype=float)
    if not (first.shape == second.shape == residual.shape) or first.ndim != 1:
        raise ValueError("first, second and residual must be 1-d arrays of one length (one entry a unit)")
    if credited is not None and np.shape(credited) != first.shape:
        raise ValueError("credited must give one account per unit")
    if len(first) == 0:
        return 0.0, 0
    vertices, ends = np.unique(np.concatenate([first, second]), return_inverse=True)
    a, b = ends[: len(first)], ends[len(first) :]
    low_end, high_end = np.minimum(a, b), np.maximum(a, b)
    units, unit_of = np.unique(low_end * len(vertices) + high_end, return_inverse=True)
    summed = np.bincount(unit_of, residual, minlength=len(units))
    one, other = units // len(vertices), units % len(vertices)
    per_account = np.bincount(one, summed, minlength=len(vertices)) + np.bincount(other, summed,
                                                                                   minlength=len(vertices))  # fmt: skip
    own = float((summed**2).sum())
    if credited is None:
        least = own
    else:
        _, cluster = np.unique(np.asarray(credited, dtype=np.int64), return_inverse=True)
        least = float((np.bincount(cluster, residual) ** 2).sum())
    return max(float((per_account**2).sum()) - own, least), len(vertices)


def dyadic_ratio_test(
    statistic: str,
    units,
    null_model: str,
    alternative: str,
    reference=None,
    level: float = 0.95,
    least_variance: float = 0.0,
) -> TestResult:
    """A pooled ratio ``sum O / sum E`` over units that are pairs of accounts, with a
    dyadic-robust standard error (:func:`dyadic_variance`): units that share an account,
    at either end, may be dependent.

    ``units``: ``(first, second, observed, expected, credited)`` arrays, one entry a unit
    (``first -> second``, for example a follower and the account it follows; ``credited``
    the account an account-clustered test would credit it to). Residuals ``e_u = O_u -
    effect * E_u``; ``se_log = sqrt(V) / sum O`` (delta method for the log of the ratio),
    ``V`` floored at the one-way cluster variance over ``credited`` (the expectations
    come from fits that keep each account's degrees). With ``reference`` (units of the
    same form, sharing no account with ``units``), the effect is the ratio of the two
    ratios (``observed`` and ``expected`` then hold the two ratios) and the two
    variances of the logs add. The Wald test of effect = 1 on the log scale against
    Student's t with ``G - 1`` degrees of freedom, ``G`` the smaller of the numbers of
    distinct ``first`` and of distinct ``second`` accounts (of ``units``: the side with
    fewer accounts carries the dependence, as in two-way clustering, Cameron and Miller
    2015); the interval ``exp(log(effect) +- t_q se_log)``. ``least_variance``: a further
    floor of ``V`` (of the units, not of a reference), as
    :func:`cluster_bootstrap_test` takes one. Nothing expected, nothing
    observed, or fewer than two accounts on a side (of the units or of the reference):
    NaN p-value."""
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(f"alternative must be greater, less or two-sided, not {alternative!r}")
    nan = float("nan")

    if not least_variance >= 0:
        raise ValueError(f"least_variance must be a variance (>= 0), not {least_variance!r}")

    def pooled(parts, floor=0.0):
        first, second, observed, expected, credited = (np.asarray(a) for a in parts)
        if not (first.shape == second.shape == observed.shape == expected.shape == credited.shape) or first.ndim != 1:
            raise ValueError("a unit set is five 1-d arrays of one length: first, second, observed, expected, credited")
        o, e = float(np.sum(observed)), float(np.sum(expected))
        ratio = _safe_ratio(o, e)
        if not np.isfinite(ratio) or o <= 0:
            return o, e, ratio, nan, 0
        residual = observed.astype(float) - ratio * expected.astype(float)
        variance, _ = dyadic_variance(first, second, residual, credited)
        variance = max(variance, floor)
        sides = min(len(np.unique(first)), len(np.unique(second)))
        return o, e, ratio, variance / o**2, sides

    observed, expected, effect, var_log, sides = pooled(units, least_variance)
    if reference is not None:
        shared = np.intersect1d(np.concatenate(units[:2]), np.concatenate(reference[:2]))
        if len(shared):
            raise ValueError("the reference units share accounts with the units: their covariance is not modelled")
        _, _, ref_effect, ref_var_log, ref_sides = pooled(reference)
        sides = min(sides, ref_sides)  # the reference needs two accounts a side as well
        observed, expected = effect, ref_effect  # as cluster_bootstrap_test reports a ratio of ratios
        effect, var_log = _safe_ratio(effect, ref_effect), var_log + ref_var_log
    if sides < 2 or not np.isfinite(effect) or not np.isfinite(var_log) or effect <= 0:
        return TestResult(statistic, float(observed), float(expected), effect, nan, nan, nan, nan, 0, null_model,
                          alternative, nan, "sampling")  # fmt: skip
    se_log = float(np.sqrt(var_log))
    z = float(np.log(effect) / se_log) if se_log > 0 else nan
    df = sides - 1
    p, opposite = normal_tails(z, alternative, df=df)
    half = float(stats.t(df).ppf(1 - (1 - level) / 2)) * se_log
    low, high = (float(effect * np.exp(-half)), float(effect * np.exp(half))) if se_log > 0 else (nan, nan)
    return TestResult(statistic, float(observed), float(expected), effect, z, low, high, p, 0, null_model, alternative,
                      opposite, "sampling")  # fmt: skip


def rank_test(
    statistic: str, x, y, rng: np.random.Generator, alternative: str = "less", n_boot: int = 2000
) -> TestResult:
    """Mann-Whitney U test of group ``x`` against ``y`` with the ratio of medians as
    the effect and its bootstrap 95% interval. Null: both groups from one distribution.
    ``expected`` is the median of ``y``; ``observed`` the median of ``x``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    u = stats.mannwhitneyu(x, y, alternative=alternative)
    ratio, low, high = bootstrap_ratio(x, y, np.median, rng, n_boot)
    z = stats.norm.isf(u.pvalue) * (1 if alternative == "greater" else -1)
    return TestResult(
        statistic,
        float(np.median(x)),
        float(np.median(y)),
        ratio,
        float(z),
        low,
        high,
        float(u.pvalue),
        0,
        "Mann-Whitney U: both groups drawn from one distribution (effect: ratio of medians, bootstrap CI)",
        alternative,
        float(stats.mannwhitneyu(x, y, alternative=OPPOSITE[alternative]).pvalue)
        if alternative in OPPOSITE
        else float("nan"),
        interval="sampling",
    )


def normal_tails(z: float, alternative: str, df: float | None = None) -> tuple[float, float]:
    """The p-value of a standard normal statistic ``z`` (Student's t with ``df`` degrees
    of freedom when given) on the ``alternative`` side (``"greater"``, ``"less"`` or
    ``"two-sided"``) and the one-sided p-value of the other side (NaN for two-sided).
    NaN ``z``: NaN p-values."""
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(f"alternative must be greater, less or two-sided, not {alternative!r}")
    if df is not None and not df > 0:
        raise ValueError(f"degrees of freedom must be positive, not {df!r}")
    law = stats.norm if df is None else stats.t(df)
    greater, less = float(law.sf(z)), float(law.cdf(z))
    p = {"greater": greater, "less": less, "two-sided": min(1.0, 2 * min(greater, less))}[alternative]
    return p, {"greater": less, "less": greater}.get(alternative, float("nan"))


def cluster_bootstrap_test(
    statistic: str,
    parts,
    split,
    null_model: str,
    alternative: str,
    rng: np.random.Generator,
    n_boot: int = 2000,
    level: float = 0.95,
    least_variance: float = 0.0,
) -> TestResult:
    """A ratio estimated from sums over independent clusters (ego networks, accounts),
    with its sampling interval from resampling the clusters.

    ``parts``: one row per cluster, one column per summed quantity; ``split(totals)``
    turns the column totals into ``(observed, expected)``, whose ratio is the effect
    (for example ``O / E``, observed over the null's expected count, pooled across
    clusters as in a Mantel-Haenszel estimate). The clusters are resampled with
    replacement ``n_boot`` times (percentile interval at ``level``); the p-value is the
    Wald test of effect = 1 with the bootstrap standard error, ``t = (effect - 1) / se``
    (stored as ``z``) against Student's t with ``G - 1`` degrees of freedom for ``G``
    clusters, one-sided per ``alternative`` (``p_opposite`` the other side). The t
    reference is the usual correction for few clusters (Cameron and Miller 2015): with
    the 30 or so clusters of the design-aware calibration the normal reference rejected
    a true null too often (``results/calibration.json`` has the sizes with t). The interval and the test thus carry the data's
    sampling uncertainty between clusters as well as the null's; ``n_null`` is 0 (no
    ensemble). NaN effect (nothing expected), fewer than two clusters, or no spread
    between resamples (every resample gives the same effect, so the data give no
    sampling error to test against): NaN p-value.

    ``least_variance``: a lower bound for the variance of ``observed - expected`` that
    resampling the clusters cannot see (clusters coupled by the fit that gave the
    expectations, for example); when ``sqrt(least_variance) / expected`` exceeds the
    bootstrap standard error it is the standard error, and the interval is widened by the
    same factor ``k`` around the effect, on the log scale (``effect * (end / effect) ** k``)
    or, when the interval reaches 0, linearly. With no spread between resamples the
    p-value stays NaN, floor or not."""
    parts = np.asarray(parts, dtype=float)
    if not least_variance >= 0:
        raise ValueError(f"least_variance must be a variance (>= 0), not {least_variance!r}")
    if parts.ndim != 2:
        raise ValueError("parts must be a 2-d array: one row per cluster")
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(f"alternative must be greater, less or two-sided, not {alternative!r}")
    observed, expected = split(parts.sum(axis=0))
    effect = _safe_ratio(observed, expected)
    clusters = len(parts)
    if clusters < 2 or not np.isfinite(effect):
        nan = float("nan")
        return TestResult(statistic, float(observed), float(expected), effect, nan, nan, nan, nan, 0, null_model,
                          alternative, nan, "sampling")  # fmt: skip
    effects = _resampled_effects(parts, split, rng, n_boot)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(effects, [tail, 100 - tail])
    se = float(effects.std(ddof=1)) if len(effects) > 1 else 0.0
    floor = float(np.sqrt(least_variance) / expected) if least_variance > 0 and expected > 0 else 0.0
    if se > 0 and floor > se:
        widen = floor / se
        if effect > 0 and low > 0:  # the percentile interval is read on the log scale
            low, high = effect * (low / effect) ** widen, effect * (high / effect) ** widen
        else:
            low, high = effect - (effect - low) * widen, effect + (high - effect) * widen
        se = floor
    z = (effect - 1) / se if se > 0 else float("nan")  # no spread: nothing to test against
    p, opposite = normal_tails(z, alternative, df=clusters - 1)
    return TestResult(statistic, float(observed), float(expected), effect, float(z), float(low), float(high), p,
                      0, null_model, alternative, opposite, "sampling")  # fmt: skip


def rejection_rate(rejected, level: float = 0.95) -> dict:
    """The share of calibration datasets on which a test rejected (``rejected``: one bool
    per dataset) with its exact (Clopper-Pearson) interval at ``level``: ``rate``,
    ``low``, ``high``, ``datasets``. No dataset: every value None."""
    rejected = np.asarray(rejected, dtype=bool)
    if rejected.size == 0:
        return {"rate": None, "low": None, "high": None, "datasets": 0}
    interval = stats.binomtest(int(rejected.sum()), int(rejected.size)).proportion_ci(level, method="exact")
    return {"rate": float(rejected.mean()), "low": float(interval.low), "high": float(interval.high),
            "datasets": int(rejected.size)}  # fmt: skip
