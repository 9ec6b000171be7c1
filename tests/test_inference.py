"""Inference API, multiple testing, bootstrap, and the calibration and power of the elite test."""

import numpy as np
import pytest
from scipy import stats

from analysis.claims import calibration
from analysis.stats import inference


def test_ensemble_test_fields():
    null = np.arange(1, 100, dtype=float)  # mean 50
    result = inference.ensemble_test("s", 97.5, null, "toy null")
    assert result.expected == pytest.approx(50.0)
    assert result.ratio == pytest.approx(97.5 / 50)
    assert result.p_value == pytest.approx((1 + 2) / 100)  # 98 and 99 are >= 97.5
    assert result.n_null == 99 and result.null_model == "toy null"
    low, high = np.percentile(null, [2.5, 97.5])
    assert result.ci_low == pytest.approx(97.5 / high) and result.ci_high == pytest.approx(97.5 / low)
    assert result.z == pytest.approx((97.5 - 50) / null.std(ddof=1))
    assert result.as_dict() == {
        "statistic": "s",
        "observed": 97.5,
        "expected": result.expected,
        "ratio": result.ratio,
        "z": result.z,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_value": result.p_value,
        "n_null": 99,
        "null_model": "toy null",
        "alternative": "greater",
        "p_opposite": (1 + 97) / 100,  # 1 ... 97 are <= 97.5
        "p_two_sided": 2 * (1 + 2) / 100,
        "p_side": (1 + 2) / 100,  # the effect lies the predicted way
        "interval": "null",  # the interval is the null's spread
    }
    below = inference.ensemble_test("s", 2.5, null, "toy null")  # far the other way
    assert below.p_value == pytest.approx(98 / 100) and below.p_two_sided == pytest.approx(2 * 3 / 100)
    assert all(type(v) in (str, int, float) for v in result.as_dict().values())  # plain JSON types, no numpy scalars


def test_p_value_is_never_zero_and_ties_are_handled():
    assert inference.ensemble_p_value(1e9, np.zeros(19)) == pytest.approx(1 / 20)
    assert inference.ensemble_p_value(0.0, np.zeros(19)) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    randomised = [inference.ensemble_p_value(0.0, np.zeros(19), tie_rng=rng) for _ in range(4000)]
    assert np.mean(np.array(randomised) <= 0.05) == pytest.approx(0.05, abs=0.015)
    assert inference.ensemble_p_value(-5, np.arange(10), "less") == pytest.approx(1 / 11)
    with pytest.raises(ValueError, match="alternative must be greater, less or two-sided, not 'bigger'"):
        inference.ensemble_p_value(0, [1], "bigger")


def test_benjamini_hochberg_matches_scipy():
    p = np.array([0.01, 0.04, 0.03, 0.20, 0.005, 0.9])
    assert np.allclose(inference.benjamini_hochberg(p), stats.false_discovery_control(p, method="bh"))


def test_bootstrap_intervals_cover_the_truth():
    rng = np.random.default_rng(3)
    x = rng.lognormal(0, 1, 400)
    ratio, rlow, rhigh = inference.bootstrap_ratio(x * 3, x, np.median, rng, 1000)
    assert ratio == pytest.approx(3.0) and rlow < 3.0 < rhigh


def test_rank_test_detects_a_shift():
    rng = np.random.default_rng(1)
    result = inference.rank_test("friends", rng.lognormal(0, 1, 200), rng.lognormal(1, 1, 200), rng)
    assert result.p_value < 1e-6 and result.ratio < 1 and result.ci_high < 1


@pytest.mark.long  # a calibration
def test_elite_test_is_calibrated_on_500_graphs_from_the_null():
    """Small graphs (60 nodes, about 300 edges, elite = top 8 by followers), 199 null samples,
    10 switches per edge (shorter chains make the test conservative: 2.6% at 5 per edge)."""
    result = calibration.null_rejection_rate(
        500, 199, np.random.default_rng(2009), n=60, m=300, elite_size=8, switches_per_edge=10
    )
    assert 0.03 <= result["rejection_rate"] <= 0.07, result


@pytest.mark.slow  # over 1.5 s: in make test, not in the fast tier
def test_elite_test_has_power_on_planted_gated_graphs():
    """120 nodes, about 700 edges, elite block of 12 at 3x the density the degrees imply, 99 null samples."""
    result = calibration.power(
        100, 99, np.random.default_rng(17), factor=3.0, n=120, m=700, elite_size=12, switches_per_edge=5
    )
    assert result["rejection_rate"] >= 0.90, result


def test_rejection_rate_has_an_exact_interval_around_the_share():
    out = inference.rejection_rate([True] * 5 + [False] * 95)
    assert out["rate"] == 0.05 and out["datasets"] == 100
    assert 0.015 < out["low"] < 0.05 < out["high"] < 0.12  # Clopper-Pearson for 5 of 100: 0.016 to 0.113
    assert inference.rejection_rate([])["rate"] is None


def test_normal_tails_give_each_side_and_refuse_an_unknown_one():
    assert inference.normal_tails(1.959963984540054, "greater")[0] == pytest.approx(0.025)
    p, opposite = inference.normal_tails(-1.0, "less")
    assert p == pytest.approx(0.158655, abs=1e-6) and opposite == pytest.approx(1 - p)
    p, opposite = inference.normal_tails(3.0, "two-sided")
    assert p == pytest.approx(0.0026998, abs=1e-6) and np.isnan(opposite)
    with pytest.raises(ValueError, match="alternative"):
        inference.normal_tails(0.0, "both")


def test_the_normal_ensemble_test_has_no_floor_and_keeps_the_ensembles_interval():
    rng = np.random.default_rng(2)
    null = rng.normal(10.0, 1.0, 49)
    rank = inference.ensemble_test("s", 4.0, null, "toy", alternative="less", tie_rng=rng)
    normal = inference.normal_ensemble_test("s", 4.0, null, "toy", alternative="less")
    assert rank.p_value == pytest.approx(1 / 50)  # the floor of 49 samples
    z = (4.0 - null.mean()) / null.std(ddof=1)
    assert normal.z == pytest.approx(z) and normal.p_value == pytest.approx(stats.norm.cdf(z)) and normal.p_value < 1e-6
    assert normal.p_opposite == pytest.approx(stats.norm.sf(z))
    assert (normal.ci_low, normal.ci_high, normal.expected) == (rank.ci_low, rank.ci_high, rank.expected)
    flat = inference.normal_ensemble_test("s", 4.0, np.full(9, 2.0), "toy", alternative="greater")
    assert np.isnan(flat.p_value) and np.isnan(flat.p_two_sided)  # no spread: nothing to compare with
    with pytest.raises(ValueError, match="greater or less"):
        inference.normal_ensemble_test("s", 4.0, null, "toy", alternative="two-sided")


def test_cluster_ratio_interval_resamples_clusters_around_the_pooled_ratio():
    rng = np.random.default_rng(4)
    numerator, denominator = rng.poisson(3, 50).astype(float), np.full(50, 10.0)
    low, high = inference.cluster_ratio_interval(numerator, denominator, rng)
    assert low < numerator.sum() / denominator.sum() < high and high - low < 0.15
    assert all(np.isnan(inference.cluster_ratio_interval([1.0], [2.0], rng)))  # one cluster: no interval
    assert all(np.isnan(inference.cluster_ratio_interval([1.0, 2.0], [0.0, 0.0], rng)))  # nothing to divide by
    with pytest.raises(ValueError, match="same length"):
        inference.cluster_ratio_interval([1.0, 2.0], [1.0], rng)


@pytest.mark.parametrize("block", [None, 7])  # 7: every resample of 5 clusters in a block of its own
def test_resampled_totals_are_multinomial_resamples_of_the_clusters(monkeypatch, block):
    """Each resample draws G clusters with replacement: its counts sum to G and follow
    multinomial(G, 1/G) (mean 1, variance 1 - 1/G, covariance -1/G), whatever the blocks."""
    if block is not None:
        monkeypatch.setattr(inference, "_RESAMPLE_BLOCK", block)
    clusters, n_boot = 5, 20_000
    counts = inference._resampled_totals(np.eye(clusters), np.random.default_rng(3), n_boot)  # totals = counts
    assert counts.shape == (n_boot, clusters)
    assert np.array_equal(counts, np.round(counts)) and (counts.sum(axis=1) == clusters).all()
    cov = np.cov(counts, rowvar=False)
    assert np.allclose(counts.mean(axis=0), 1.0, atol=0.03)
    assert np.allclose(np.diag(cov), 1 - 1 / clusters, atol=0.04)
    assert np.allclose(cov[~np.eye(clusters, dtype=bool)], -1 / clusters, atol=0.03)
    # and against numpy's own multinomial: the same law of a resample's total of one column
    parts = np.arange(1.0, clusters + 1)[:, None]
    ours = inference._resampled_totals(parts, np.random.default_rng(4), n_boot)[:, 0]
    theirs = np.random.default_rng(5).multinomial(clusters, np.full(clusters, 1 / clusters), size=n_boot) @ parts[:, 0]
    assert stats.ks_2samp(ours, theirs).pvalue > 0.001
