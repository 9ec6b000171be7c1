"""The statements of notebook 02 on small generated tables whose answer is known:
C1 within follower bands, C3 with and without the curated corrections, C7 described.

Planted effects must be found and null data must not be; no data files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.claims import broadcasters, catalogue
from analysis.graph import measures

N_PERM = 199  # smallest p-value 1 / 200


# ------------------------------------------------------------------ C1 by follower band


def banded_profiles(rng, per_band=(400, 300, 60), elite=(40, 30, 20), factor=(0.1, 1.0, 1.0)):
    """Profiles in the three bands (followers log-uniform inside each), friends about 5% of
    followers, ``elite[i]`` celebrities in band i following ``factor[i]`` times as many."""
    rows, ids = [], []
    for i, ((low, high), n, k, f) in enumerate(zip(broadcasters.FOLLOWER_BANDS.values(), per_band, elite, factor)):
        high = min(high, 1e7)
        followers = np.floor(10 ** rng.uniform(np.log10(low), np.log10(high), n)).astype(np.int64)
        friends = followers * 0.05 * rng.lognormal(0, 0.5, n)
        is_elite = np.zeros(n, dtype=bool)
        is_elite[rng.choice(n, k, replace=False)] = True
        friends[is_elite] *= f
        user_id = np.arange(n) + 10_000 * (i + 1)
        rows.append(pd.DataFrame({"user_id": user_id, "followers": followers, "friends": np.round(friends)}))
        ids.append(user_id[is_elite])
    return pd.concat(rows, ignore_index=True), np.concatenate(ids)


def test_bands_are_the_catalogue_statements_and_half_open():
    assert [f"C1-{band}" for band in broadcasters.FOLLOWER_BANDS] == [
        s.id for s in catalogue.statements_of("C1") if s.role == "secondary"
    ]
    followers = np.array([9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000, 10**8])
    assert broadcasters.band_mask(followers, "10k-100k").tolist() == [False, True, True, False, False, False, False]
    assert broadcasters.band_mask(followers, "100k-1M").tolist() == [False, False, False, True, True, False, False]
    assert broadcasters.band_mask(followers, "1M+").tolist() == [False, False, False, False, False, True, True]


def test_bands_find_the_effect_only_in_the_band_where_it_is_planted():
    rng = np.random.default_rng(21)
    accounts, elite = banded_profiles(rng)
    bands = broadcasters.follow_few_by_band(accounts, elite, rng, N_PERM)
    assert list(bands) == ["C1-10k-100k", "C1-100k-1M", "C1-1M+"]
    low, middle, top = (bands[k] for k in bands)
    assert (low["group"], low["reference"], middle["group"], top["group"], top["reference"]) == (40, 360, 30, 20, 40)
    assert low["result"].ratio < 0.3 and low["result"].p_value == pytest.approx(1 / 200)
    assert 0.7 < middle["result"].ratio < 1.4 and middle["result"].p_value > 0.05
    assert 0.7 < top["result"].ratio < 1.4 and top["result"].p_value > 0.05
    for statement_id, band in bands.items():
        row = catalogue.claim_row(statement_id, band["result"], "synthetic profiles")
        assert row["direction"] == "less" and row["role"] == "secondary"
        assert band["result"].statistic == catalogue.statement(statement_id).statistic


def test_a_band_with_too_few_celebrities_or_others_is_not_tested():
    rng = np.random.default_rng(22)
    few = broadcasters.MIN_PER_GROUP - 1
    accounts, elite = banded_profiles(rng, per_band=(200, 100, few + 10), elite=(20, few, 10))
    bands = broadcasters.follow_few_by_band(accounts, elite, rng, 49)
    assert bands["C1-10k-100k"]["tested"] and bands["C1-10k-100k"]["result"] is not None
    assert not bands["C1-100k-1M"]["tested"] and bands["C1-100k-1M"]["result"] is None
    assert bands["C1-100k-1M"]["group"] == few
    assert not bands["C1-1M+"]["tested"] and bands["C1-1M+"]["reference"] == few  # 10 celebrities, 4 others
    assert bands["C1-1M+"]["minimum"] == broadcasters.MIN_PER_GROUP


def test_the_headline_pools_the_bands():
    """The headline test over all profiles finds an effect planted in the lowest band only."""
    rng = np.random.default_rng(23)
    accounts, elite = banded_profiles(rng)
    result, _ = broadcasters.test_follow_few(accounts, elite, rng, N_PERM)
    assert result.ratio < 0.8 and result.p_value < 0.05


# ------------------------------------------------------------------ C3 with and without corrections


def curated_table(rng, brand_ratio=5.0, n_brands=30, n_celebrities=120, n_mislabelled=40, n_news=20):
    """Brands, news media, celebrities (elite persons), persons the 2013 labels call
    organizations (``n_mislabelled``, ratio like celebrities) and ordinary persons; followers
    log-uniform 10^4..10^7, ratio lognormal around 0.01 (brands: ``brand_ratio`` times)."""
    kinds = ["brand"] * n_brands + ["news media"] * n_news + ["person"] * (n_celebrities + n_mislabelled + 200)
    n = len(kinds)
    label = (["organization"] * (n_brands + n_news) + ["personal"] * n_celebrities
             + ["organization"] * n_mislabelled + ["personal"] * 200)  # fmt: skip
    followers = np.floor(10 ** rng.uniform(4, 7, n)).astype(np.int64)
    ratio = rng.lognormal(np.log(0.01), 0.7, n)
    ratio[:n_brands] *= brand_ratio
    table = pd.DataFrame({"user_id": np.arange(n), "followers": followers, "label": label, "kind": kinds,
                          "ratio": ratio, "curated": np.arange(n) < n_brands + n_news + n_celebrities + n_mislabelled})  # fmt: skip
    table["label_corrected"] = np.where(table["kind"] == "person", "personal", "organization")
    table["friends"] = np.round(table["ratio"] * table["followers"])
    elite = np.arange(n_brands + n_news, n_brands + n_news + n_celebrities + n_mislabelled)  # verified persons
    return table, elite


def test_brand_masks_with_and_without_corrections():
    table, elite = curated_table(np.random.default_rng(24))
    brand, celebrity = broadcasters.brand_celebrity_masks(table, elite)
    assert brand.sum() == 30 and celebrity.sum() == 160  # news media are not brands; mislabelled persons are persons
    brand, celebrity = broadcasters.brand_celebrity_masks(table, elite, corrected=False)
    assert brand.sum() == 30 + 20 + 40 and celebrity.sum() == 120  # every 2013 organization is a brand
    assert not (brand & celebrity).any()
    # ... among the curated accounts only: the two comparisons draw brands from the same accounts
    outside = table.assign(label=np.where(~table["curated"], "organization", table["label"]))
    assert broadcasters.brand_celebrity_masks(outside, elite, corrected=False)[0].sum() == 30 + 20 + 40
    assert broadcasters.brand_celebrity_masks(outside.drop(columns="curated"), elite, corrected=False)[0].sum() == 290


def test_brands_vs_celebrities_finds_planted_brands_and_the_uncorrected_labels_dilute_them():
    rng = np.random.default_rng(25)
    table, elite = curated_table(rng)
    tests = broadcasters.brand_tests(table, elite, rng, N_PERM)
    assert list(tests) == ["C3", "C3-uncorrected", "C3-organizations"]
    corrected, uncorrected = tests["C3"]["result"], tests["C3-uncorrected"]["result"]
    assert (tests["C3"]["group"], tests["C3"]["reference"]) == (30, 160)
    assert corrected.ratio > 2.5 and corrected.p_value == pytest.approx(1 / 200)
    assert 1 < uncorrected.ratio < corrected.ratio  # news media and mislabelled persons pull the median down
    for statement_id, test in tests.items():
        row = catalogue.claim_row(statement_id, test["result"], "synthetic")
        assert row["direction"] == "greater"
        assert test["result"].statistic == catalogue.statement(statement_id).statistic


def test_brands_vs_celebrities_finds_nothing_when_brands_are_like_celebrities():
    rng = np.random.default_rng(26)
    table, elite = curated_table(rng, brand_ratio=1.0)
    result = broadcasters.test_brands_vs_celebrities(table, elite, rng, N_PERM)["result"]
    assert 0.6 < result.ratio < 1.6 and result.p_value > 0.05


def test_too_few_brands_or_no_kind_column_is_not_tested():
    rng = np.random.default_rng(27)
    table, elite = curated_table(rng, n_brands=broadcasters.MIN_PER_GROUP - 1)
    few = broadcasters.test_brands_vs_celebrities(table, elite, rng, 49)
    assert not few["tested"] and few["result"] is None and few["group"] == broadcasters.MIN_PER_GROUP - 1
    tests = broadcasters.brand_tests(table.drop(columns=["kind"]), elite, rng, 49)
    assert not tests["C3"]["tested"] and tests["C3-uncorrected"]["tested"]


def test_brands_follow_back_is_the_organizations_statement():
    rng = np.random.default_rng(28)
    table, elite = curated_table(rng)
    direct, _ = broadcasters.test_brands_follow_back(table, np.random.default_rng(1), 99)
    via = broadcasters.brand_tests(table, elite, np.random.default_rng(1), 99)["C3-organizations"]["result"]
    assert direct.observed == via.observed and direct.statistic == via.statistic


def test_ratio_by_kind_counts_the_curated_accounts():
    table, elite = curated_table(np.random.default_rng(29))
    kinds = broadcasters.ratio_by_kind(table, elite).set_index("kind")
    assert kinds["accounts"].to_dict() == {"person": 160, "brand": 30, "news media": 20}  # curated rows only
    assert kinds.loc["person", "elite"] == 160 and kinds.loc["brand", "elite"] == 0
    assert kinds.loc["brand", "median_ratio"] == pytest.approx(table.loc[table["kind"] == "brand", "ratio"].median())


# ------------------------------------------------------------------ calibration


def test_calibration_reports_size_and_power_for_both_settings():
    out = broadcasters.calibrate_broadcasters(np.random.default_rng(30), n_tables=12, n_perm=39, c1_accounts=600,
                                              c3_accounts=300, c3_effect=3.0)  # fmt: skip
    assert out["tables"] == 12 and out["permutations"] == 39
    for name in ("C1", "C3"):
        assert out[name]["size"]["rejection_rate"] <= 0.25
        assert out[name]["power"]["rejection_rate"] >= 0.75
        assert 0 <= out[name]["size_smooth"]["rejection_rate"] <= 1
    assert out["C1"]["alternative"] == "less" and out["C3"]["alternative"] == "greater"


def test_calibration_table_label_is_random_within_strata():
    """By stratum, the group's share is one number per stratum and rises with followers."""
    t = broadcasters.calibration_table(np.random.default_rng(31), n=20_000)
    strata = np.floor(np.log10(1 + t["followers"]) * broadcasters.STRATA_PER_DECADE)
    share = t.groupby(strata)["group"].mean()
    assert share.iloc[0] < 0.05 and share.iloc[-1] > 0.3
    planted = broadcasters.calibration_table(np.random.default_rng(31), n=20_000, effect=0.5)
    assert (planted["friends"] <= t["friends"]).all()


# ------------------------------------------------------------------ C7 described


def test_follows_share_and_its_bootstrap_interval():
    rng = np.random.default_rng(32)
    equal = np.full(100, 50)
    assert broadcasters.follows_share_interval(equal, 10_000, rng, 200) == pytest.approx((0.5, 0.5, 0.5))
    followers = rng.pareto(1.5, 2000) * 1000 + 1000
    share, low, high = broadcasters.follows_share_interval(followers, 10**9, rng, 500)
    assert share == pytest.approx(followers.sum() / 10**9) and low < share < high
    row = catalogue.descriptive_row("C7", share, "synthetic", ci_low=low, ci_high=high,
                                    interval="bootstrap over accounts", gini_profiles=0.5)  # fmt: skip
    assert row["kind"] == "descriptive" and row["p_value"] is None and row["gini_profiles"] == 0.5


def test_concentration_of_equal_and_of_concentrated_values():
    equal = broadcasters.concentration(np.full(1000, 7), same_fraction=0.005)
    assert equal["gini"] == pytest.approx(0.0) and equal["top_share"] == pytest.approx(0.01)
    assert equal["same_fraction_share"] == pytest.approx(0.005) and equal["accounts"] == 1000
    concentrated = np.ones(1000)
    concentrated[:10] = 1000  # 10 accounts, the top 1%, hold 10,000 of 10,990
    out = broadcasters.concentration(concentrated)
    assert out["top_share"] == pytest.approx(10_000 / 10_990) and out["gini"] > 0.85
    assert "same_fraction_share" not in out


def test_tail_model_recovers_a_power_law_and_its_concentration():
    rng = np.random.default_rng(33)
    values = np.floor(1e4 * (1 - rng.random(3000)) ** (-1 / 1.5))  # exponent 2.5 above 10,000
    model = broadcasters.tail_model(values)
    assert model["model"] == "power law" and abs(model["alpha_exponent"] - 2.5) < 0.15
    assert model["favoured"] in ("power law", "neither")
    draws = broadcasters.sample_tail(model, 5000, rng)
    assert draws.min() >= model["xmin"]
    under = broadcasters.concentration_under_model(values, model, 10**9, rng, 200)
    assert under["gini_low"] <= measures.gini(values) <= under["gini_high"]
    assert under["follows_share_low"] <= values.sum() / 10**9 <= under["follows_share_high"]
    assert under["model"] == "power law" and under["samples"] == 200


@pytest.mark.slow  # three tail fits (about 10 s): run by `make test`, not the fast tier
def test_a_lognormal_fit_that_is_a_power_law_over_the_tail_voids_the_likelihood_ratio(monkeypatch):
    """The 2009 profiles' tail gave a lognormal of mu = -1103, sigma = 29.7: over the tail
    its slope is that of the power law, so no likelihood ratio can favour either, however
    small its p-value (here made significant, as the 2009 one was, p = 4e-45)."""
    rng = np.random.default_rng(36)
    values = np.floor(1e4 * (1 - rng.random(3000)) ** (-1 / 1.2))  # exponent 2.2: the lognormal fit degenerates
    real = broadcasters.measures.powerlaw_vs_lognormal
    significant = {**real(values), "loglik_ratio": 14.0, "p_value": 1e-40}
    monkeypatch.setattr(broadcasters.measures, "powerlaw_vs_lognormal", lambda _: significant)
    model = broadcasters.tail_model(values)
    low, high = model["lognormal_slopes"]
    assert model["lognormal_degenerate"] and abs(high - low) < broadcasters.LOGNORMAL_DEGENERATE_SLOPE
    assert model["favoured"] == "neither" and model["model"] == "power law"
    assert abs(low - model["alpha_exponent"]) < 0.2  # the lognormal's slope is the power law's exponent
    monkeypatch.setattr(broadcasters.measures, "powerlaw_vs_lognormal", real)
    wide = np.round(rng.lognormal(10, 0.6, 4000))  # a true lognormal: its slope bends across the tail
    assert not broadcasters.tail_model(wide)["lognormal_degenerate"]


@pytest.mark.slow  # about 6 s of tail fits: run by `make test`, not the fast tier
def test_tail_model_takes_the_lognormal_when_it_fits_clearly_better():
    rng = np.random.default_rng(34)
    values = np.round(rng.lognormal(10, 0.6, 4000))
    model = broadcasters.tail_model(values)
    assert model["favoured"] == "lognormal" and model["model"] == "lognormal"
    draws = broadcasters.sample_tail(model, 4000, rng)
    assert draws.min() >= model["xmin"]
    tail = values[values >= model["xmin"]]
    assert np.median(draws) == pytest.approx(np.median(tail), rel=0.1)
