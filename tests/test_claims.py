"""The claim functions on small generated tables and graphs whose answer is known.

Planted effects must be found and null data must not be; the verdict rule and the
one class rule (celebrity, popular, regular) are checked on constructed inputs.
No data files: every input is built here (part of ``make test-fast``).

The claim modules name their tests ``test_*``; they are reached through their
modules (``broadcasters.test_follow_few``) so that pytest does not collect them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import labelled_graph
from scipy import stats

from analysis.claims import broadcasters, catalogue, follow_back, gated, race, robustness
from analysis.graph import labelled, measures
from analysis.nulls import analytic
from analysis.stats import inference, synthetic

N_NULL = 19  # smallest p-value 1 / 20 = 0.05
SWITCHES = 2.0


# ------------------------------------------------------------------ helpers


def profiles(rng, n=1000, elite_size=60, elite_follows=1.0):
    """Profile counts: followers log-uniform over 10^3..10^6, friends about 5% of
    followers (lognormal noise), a random elite following ``elite_follows`` times as many."""
    followers = np.round(10 ** rng.uniform(3, 6, n)).astype(np.int64)
    friends = followers * 0.05 * rng.lognormal(0, 0.5, n)
    elite = rng.choice(n, elite_size, replace=False)
    friends[elite] *= elite_follows
    table = pd.DataFrame(
        {"user_id": np.arange(1000, 1000 + n), "followers": followers, "friends": np.round(friends).astype(np.int64)}
    )
    return table, table["user_id"].to_numpy()[elite]


@pytest.fixture(scope="module")
def null_graph():
    """A graph drawn from the null (Chung-Lu, no block); elite: the 15 most followed."""
    src, dst = synthetic.calibration_graph(np.random.default_rng(0), n=200, m=1500)
    return labelled_graph(src, dst, 200, measures.top_k_by(measures.in_degree(dst, 200), 15), "top:15")


# ------------------------------------------------------------------ C1, C3: profile counts


def test_follow_few_finds_an_elite_that_follows_ten_times_fewer():
    rng = np.random.default_rng(1)
    accounts, elite = profiles(rng, elite_follows=0.1)
    result, null = broadcasters.test_follow_few(accounts, elite, rng, 199)
    assert result.alternative == "less" and len(null) == 199 and result.n_null == 199
    assert result.observed == pytest.approx(np.median(accounts.loc[accounts["user_id"].isin(elite), "friends"]))
    assert result.ratio < 0.3
    assert result.p_value < 0.05 and result.p_value == pytest.approx(1 / 200)
    row = catalogue.claim_row("C1", result, "synthetic profiles")
    assert row["effect"] == result.ratio and row["direction"] == "less"


def test_follow_few_finds_nothing_when_the_elite_label_is_random():
    rng = np.random.default_rng(2)
    accounts, elite = profiles(rng, n=2000, elite_size=200, elite_follows=1.0)
    result, _ = broadcasters.test_follow_few(accounts, elite, rng, 199)
    assert 0.8 < result.ratio < 1.25
    assert result.p_value > 0.2


def test_follow_few_compares_with_equally_followed_accounts():
    """An elite drawn among the most followed follows more accounts than the median
    profile, only because friends grow with followers: the stratified null sees no effect."""
    rng = np.random.default_rng(3)
    accounts, _ = profiles(rng)
    popular = np.flatnonzero(accounts["followers"].to_numpy() >= 10**5)
    elite = accounts["user_id"].to_numpy()[rng.choice(popular, len(popular) // 2, replace=False)]
    is_elite = accounts["user_id"].isin(elite)
    assert accounts.loc[is_elite, "friends"].median() > 3 * accounts["friends"].median()
    result, _ = broadcasters.test_follow_few(accounts, elite, rng, 199)
    assert 0.75 < result.ratio < 1.33
    assert result.p_value > 0.05


def brand_table(rng, organization_ratio):
    n = 600
    label = np.array(["organization"] * 150 + ["personal"] * 450)
    followers = np.round(10 ** rng.uniform(3, 6, n)).astype(np.int64)
    ratio = rng.lognormal(np.log(0.1), 0.5, n)
    ratio[label == "organization"] *= organization_ratio
    return pd.DataFrame({"user_id": np.arange(n), "label": label, "followers": followers, "ratio": ratio})


def test_brands_follow_back_finds_organizations_with_a_higher_ratio():
    rng = np.random.default_rng(4)
    result, _ = broadcasters.test_brands_follow_back(brand_table(rng, 5.0), rng, 199)
    assert result.alternative == "greater"
    assert result.ratio > 2
    assert result.p_value == pytest.approx(1 / 200)
    catalogue.claim_row("C3", result, "synthetic profiles")


def test_brands_follow_back_finds_nothing_when_labels_do_not_matter():
    rng = np.random.default_rng(5)
    result, _ = broadcasters.test_brands_follow_back(brand_table(rng, 1.0), rng, 199)
    assert 0.75 < result.ratio < 1.33
    assert result.p_value > 0.2


def test_brands_follow_back_ignores_accounts_without_a_hand_label():
    table = brand_table(np.random.default_rng(6), 5.0)
    unknown = pd.DataFrame({"user_id": np.arange(1000, 1100), "label": "unknown", "followers": 10**4, "ratio": 100.0})
    plain, _ = broadcasters.test_brands_follow_back(table, np.random.default_rng(7), 99)
    padded, _ = broadcasters.test_brands_follow_back(pd.concat([table, unknown]), np.random.default_rng(7), 99)
    assert padded == plain


def test_brands_follow_back_is_not_significant_because_of_one_missing_ratio():
    rng = np.random.default_rng(5)
    table = brand_table(rng, 1.0)  # no effect: p is about 0.5 without the NaN (test above)
    table.loc[0, "ratio"] = np.nan  # an organization with 0 followers: friends / followers undefined
    result, _ = broadcasters.test_brands_follow_back(table, rng, 99)
    assert not result.p_value < 0.05, result


# ------------------------------------------------------------------ C6: the race


def race_table(rng, aplusk_rank_among_others=None):
    """200 profiled accounts (``cnnbrk`` among them) and ``aplusk``: fastest growing
    (None) or placed just below ``aplusk_rank_among_others`` other accounts."""
    n = 200
    created = pd.Timestamp("2006-07-01", tz="UTC") + pd.to_timedelta(rng.uniform(0, 900, n), unit="D")
    followers = np.round(rng.lognormal(np.log(30_000), 1.0, n)).astype(np.int64)
    names = ["cnnbrk"] + [f"account{i}" for i in range(1, n)]
    table = pd.DataFrame(
        {
            "user_id": np.arange(1, n + 1),
            "screen_name": names,
            "followers": followers,
            "friends": rng.integers(10, 5000, n),
            "created_at": created,
            "verified": False,
            "label": "personal",
        }
    )
    aplusk_created = pd.Timestamp("2009-01-16 12:00", tz="UTC")
    days = (race.CRAWL_END - aplusk_created).total_seconds() / 86400
    if aplusk_rank_among_others is None:
        aplusk_followers = 2_700_000
    else:
        growth = np.sort(race.follower_growth(table).to_numpy())[::-1]
        between = (growth[aplusk_rank_among_others - 1] + growth[aplusk_rank_among_others]) / 2
        aplusk_followers = between * days
    aplusk = {
        "user_id": 999,
        "screen_name": "aplusk",
        "followers": int(round(aplusk_followers)),
        "friends": 72,
        "created_at": aplusk_created,
        "verified": True,
        "label": "personal",
    }
    return pd.concat([table, pd.DataFrame([aplusk])], ignore_index=True)


def test_follower_growth_is_followers_per_day_of_age():
    table = pd.DataFrame(
        {
            "screen_name": ["a", "b"],
            "followers": [1000, 30],
            "created_at": [race.CRAWL_END - pd.Timedelta(days=10), race.CRAWL_END - pd.Timedelta(days=3)],
        }
    )
    growth = race.follower_growth(table)
    assert growth.to_dict() == {"a": pytest.approx(100.0), "b": pytest.approx(10.0)}


def test_race_facts_rank_the_fastest_account_first():
    table = race_table(np.random.default_rng(8))
    facts = race.race_facts(table)
    assert facts["aplusk_growth_rank"] == 1 and facts["accounts"] == 201
    assert facts["aplusk_followers_per_day"] == pytest.approx(race.follower_growth(table)["aplusk"])
    created = pd.Timestamp("2009-01-16 12:00", tz="UTC")
    assert facts["aplusk_created"] == "2009-01-16"
    assert facts["aplusk_days_to_million"] == pytest.approx((race.RACE_TIME - created).total_seconds() / 86400)
    assert facts["aplusk_followers_per_day_to_million"] == pytest.approx(1e6 / facts["aplusk_days_to_million"])
    assert facts["aplusk_followers_2009"] == 2_700_000
    assert facts["cnnbrk_followers_2009"] == int(table.loc[table["screen_name"] == "cnnbrk", "followers"].iloc[0])
    assert facts["cnnbrk_created"] == str(table.loc[0, "created_at"].date())
    row = catalogue.descriptive_row("C6", facts["aplusk_followers_per_day"], "synthetic profiles", **facts)
    assert row["kind"] == "not testable" and row["p_value"] is None and row["aplusk_growth_rank"] == 1
    with pytest.raises(ValueError, match="record it with descriptive_row"):
        catalogue.claim_row("C6", inference.TestResult("s", 1, 1, 1, 0, 1, 1, 0.5, 9, "null", "greater"), "d")


def test_race_facts_rank_a_median_account_in_the_middle():
    table = race_table(np.random.default_rng(9), aplusk_rank_among_others=100)
    facts = race.race_facts(table)
    others = race.follower_growth(table).drop("aplusk")
    assert facts["aplusk_growth_rank"] == 101 and (others > facts["aplusk_followers_per_day"]).sum() == 100
    assert "p_value" not in facts


def test_post_accounts_table_marks_absent_accounts():
    table = race_table(np.random.default_rng(10))
    starbucks = table.iloc[[0]].assign(screen_name="Starbucks", followers=150_000, friends=140_000)
    post = race.post_accounts_table(pd.concat([table, starbucks], ignore_index=True))
    assert post["screen_name"].tolist() == race.POST_ACCOUNTS
    present = set(post.loc[post["in_archive"], "screen_name"])
    assert present == {"aplusk", "cnnbrk", "Starbucks"}
    aplusk = post.set_index("screen_name").loc["aplusk"]
    assert aplusk["followers_2009"] == 2_700_000 and aplusk["following_2009"] == 72
    assert aplusk["followers_in_post"] == 962_000 and bool(aplusk["verified_2009"]) is True
    assert aplusk["created_at"] == "2009-01-16"
    assert post.set_index("screen_name").loc["Starbucks", "following_in_post"] == 131_505


# ------------------------------------------------------------------ C7: the uniform reference (not a test)


def brute_top_k_share(n, follows, k, rng, samples):
    return np.array([np.sort(rng.poisson(follows / n, n))[::-1][:k].sum() / follows for _ in range(samples)])


def test_uniform_top_k_share_matches_sorting_poisson_draws():
    rng = np.random.default_rng(13)
    fast = broadcasters.uniform_top_k_share(5_000, 25_000, 50, rng, 300)
    brute = brute_top_k_share(5_000, 25_000, 50, rng, 300)
    assert fast.mean() == pytest.approx(brute.mean(), rel=0.01)
    assert stats.ks_2samp(fast, brute).pvalue > 0.001


def test_uniform_top_k_share_when_k_is_most_of_the_accounts():
    rng = np.random.default_rng(14)
    fast = broadcasters.uniform_top_k_share(2_000, 10_000, 1_500, rng, 100)
    brute = brute_top_k_share(2_000, 10_000, 1_500, rng, 100)
    assert fast.mean() == pytest.approx(brute.mean(), rel=0.01)  # 0.73 against 0.88


# ------------------------------------------------------------------ C4: the gated community


def test_gated_community_finds_the_planted_elite(planted):
    ks = [5, 10, 20, 1, 500]  # 1 and 500 (> n) are dropped
    out = gated.gated_community(planted, ks, np.random.default_rng(15), N_NULL, SWITCHES)
    closure = out["tests"]["elite closure"]
    assert list(out["tests"]) == gated.GATED_NAMES
    assert closure.observed == pytest.approx(
        measures.elite_closure(planted.graph.src, planted.graph.dst, planted.is_elite)
    )
    assert closure.ratio > 1.3 and closure.p_value <= 0.05 and closure.n_null == N_NULL
    assert out["null"].shape == (N_NULL, 4 + 3)
    rich = out["rich_club"]
    assert rich["k"].tolist() == [5, 10, 20]
    assert (rich["rho"] > 1).all() and (rich["p_bh"] >= rich["p_value"]).all()
    assert np.allclose(rich["p_bh"], inference.benjamini_hochberg(rich["p_value"]))
    row = catalogue.claim_row("C4a", closure, "planted graph")
    assert row["effect"] == closure.ratio


def test_gated_community_finds_nothing_on_a_graph_from_the_null(null_graph):
    out = gated.gated_community(null_graph, [5, 10], np.random.default_rng(16), N_NULL, SWITCHES)
    closure = out["tests"]["elite closure"]
    assert 0.8 < closure.ratio < 1.25
    assert closure.p_value > 0.05


def test_elite_closure_test_finds_the_planted_elite_and_not_the_null(planted, null_graph):
    rng = np.random.default_rng(17)
    found = gated.elite_closure_test(
        planted.graph.src, planted.graph.dst, 200, planted.is_elite, N_NULL, rng, switches_per_edge=SWITCHES
    )
    assert found.ratio > 1.3 and found.p_value <= 0.05 and found.alternative == "greater"
    g = null_graph.graph
    missed = gated.elite_closure_test(g.src, g.dst, 200, null_graph.is_elite, N_NULL, rng, switches_per_edge=SWITCHES)
    assert missed.p_value > 0.05


def test_community_test_returns_a_finite_effective_number_of_communities(planted):
    result, null, membership = gated.community_test(planted, np.random.default_rng(18), 5, SWITCHES, seed=1)
    assert len(membership) == planted.graph.n and len(null) == 5
    assert np.isfinite(result.observed) and 1 <= result.observed <= len(planted.elite)
    assert np.isfinite(null).all() and (null >= 1).all()
    assert result.alternative == "less" and 1 / 6 <= result.p_value <= 1
    assert result.observed == pytest.approx(measures.effective_communities(membership, planted.elite))
    again, _, _ = gated.community_test(planted, np.random.default_rng(19), 1, SWITCHES, seed=1)
    assert again.observed == result.observed  # Louvain is seeded


# ------------------------------------------------------------------ C2, C5: follow-back


@pytest.fixture(scope="module")
def follow_back_graph():
    """5 celebrities who all follow each other (always returned), 5 popular accounts that
    follow every celebrity and have mutual ties with regulars, 40 regulars who follow 2
    celebrities each (never returned) and 2 other regulars each. Celebrities follow no
    regular account."""
    rng = np.random.default_rng(20)
    celebrities, popular, regular = list(range(100, 105)), list(range(200, 205)), list(range(300, 340))
    edges = [(a, b) for a in celebrities for b in celebrities if a != b]
    for r in regular:
        edges += [(r, c) for c in rng.choice(celebrities, 2, replace=False)]
        edges += [(r, s) for s in rng.choice([x for x in regular if x != r], 2, replace=False)]
    for p in popular:
        edges += [(p, c) for c in celebrities]
        for q in rng.choice(regular, 3, replace=False):
            edges += [(p, q), (q, p)]
    edges = pd.DataFrame(edges, columns=["follower", "followee"]).drop_duplicates()
    accounts = pd.DataFrame(
        {
            "user_id": celebrities + popular + [999],  # 999: profiled, not in the graph
            "screen_name": [f"celebrity{i}" for i in range(5)] + [f"popular{i}" for i in range(5)] + ["absent"],
            "followers": [10**6 + i for i in range(5)] + [10**4 + i for i in range(5)] + [10],
        }
    )
    return labelled.label_graph("follow-back", measures.index_edges(edges), accounts, "top:5"), edges, accounts


def test_follow_back_by_class_on_celebrities_who_return_only_each_other(follow_back_graph):
    lg, _, _ = follow_back_graph
    assert pd.Series(lg.classes).value_counts().to_dict() == {"regular": 40, "celebrity": 5, "popular": 5}
    table, results = follow_back.follow_back_by_class(lg, np.random.default_rng(21), N_NULL, SWITCHES)
    by_pair = table.set_index("pair")
    assert by_pair.loc["regular → celebrity", "observed"] == 0.0
    assert by_pair.loc["regular → celebrity", "edges"] == 80
    assert by_pair.loc["celebrity → celebrity", "observed"] == 1.0
    assert by_pair.loc["celebrity → celebrity", "edges"] == 20
    assert "celebrity → regular" not in by_pair.index  # no such follows: the pair is left out
    assert ("celebrity", "regular") not in results
    c2 = results[("regular", "celebrity")]
    assert c2.alternative == "less" and c2.expected > 0 and c2.ratio == 0.0
    assert c2.p_value == pytest.approx(1 / (N_NULL + 1))
    assert results[("celebrity", "celebrity")].alternative == "greater"
    assert ((table["null_low"] <= table["expected"]) & (table["expected"] <= table["null_high"])).all()
    catalogue.claim_row("C2b-budget", c2, "constructed graph")
    catalogue.claim_row("C5", results[("celebrity", "celebrity")], "constructed graph")


def test_follow_back_of_named_accounts(follow_back_graph):
    lg, edges, accounts = follow_back_graph
    table = follow_back.follow_back_of(lg, ["celebrity0", "popular1", "absent", "nobody"], accounts)
    assert table["screen_name"].tolist() == ["celebrity0", "popular1"]  # absent from the graph / the accounts
    pairs = set(zip(edges["follower"], edges["followee"]))
    for name, uid in (("celebrity0", 100), ("popular1", 201)):
        followers = [u for u, v in pairs if v == uid]
        back = [u for u in followers if (uid, u) in pairs]
        row = table.set_index("screen_name").loc[name]
        assert row["followers"] == len(followers) and row["followed_back"] == len(back)
        assert row["share"] == pytest.approx(len(back) / len(followers))
    assert table.set_index("screen_name").loc["celebrity0", "followed_back"] == 4  # the other celebrities only


# ------------------------------------------------------------------ robustness


def test_closure_sweep_has_one_row_per_mask_with_bh_adjusted_p(planted):
    rng = np.random.default_rng(22)
    random_mask = np.zeros(200, dtype=bool)
    random_mask[rng.choice(200, 15, replace=False)] = True
    masks = {"planted": planted.is_elite, "random": random_mask, "top:40": np.arange(200) < 40}
    table = robustness.closure_sweep(planted.graph, masks, rng, N_NULL, SWITCHES)
    assert table["elite"].tolist() == ["planted", "random", "top:40"]
    assert table["size"].tolist() == [15, 15, 40]
    assert table["p_bh"].between(0, 1).all() and (table["p_bh"] >= table["p_value"]).all()
    assert np.allclose(table["p_bh"], stats.false_discovery_control(table["p_value"], method="bh"))
    planted_row = table.set_index("elite").loc["planted"]
    assert planted_row["effect"] > 1.3 and planted_row["p_value"] <= 0.05


@pytest.fixture(scope="module")
def ego_graph():
    """30 accounts, ego networks of 0 (1..9), 10 (5, 11..19) and 20 (21..24); 25..29 in none."""
    rng = np.random.default_rng(24)
    pairs = {(int(u), int(v)) for u, v in rng.integers(0, 30, (400, 2)) if u != v}
    edges = pd.DataFrame(sorted(pairs), columns=["follower", "followee"])
    graph = measures.index_edges(edges, extra_ids=np.arange(30))
    networks = {0: list(range(1, 10)), 10: [5, *range(11, 20)], 20: list(range(21, 25))}
    members = pd.DataFrame([(ego, m) for ego, ms in networks.items() for m in ms], columns=["ego", "member"])
    return graph, members, networks


def edges_inside(graph, nodes):
    inside = np.isin(graph.ids, list(nodes))
    keep = inside[graph.src] & inside[graph.dst]
    return set(zip(graph.src[keep].tolist(), graph.dst[keep].tolist()))


def test_ego_subsample_keeps_edges_inside_the_kept_networks(ego_graph):
    graph, members, networks = ego_graph
    whole = robustness.ego_subsample(graph, members, 1.0, np.random.default_rng(25))
    assert whole.n == graph.n and np.array_equal(whole.ids, graph.ids)
    assert set(zip(whole.src.tolist(), whole.dst.tolist())) == edges_inside(graph, range(25))
    assert whole.m < graph.m  # edges touching 25..29 are dropped
    for seed in range(4):
        third = robustness.ego_subsample(graph, members, 1 / 3, np.random.default_rng(seed))
        kept = set(zip(third.src.tolist(), third.dst.tolist()))
        assert kept < set(zip(whole.src.tolist(), whole.dst.tolist()))
        assert any(kept == edges_inside(graph, [ego, *ms]) for ego, ms in networks.items())


def test_coverage_direction_needs_the_full_share_outside_the_spread_of_the_draws():
    """A rise of 4.90 to 4.99 is no direction when the draws at the smallest share span it;
    the word follows the range of the draws, not a strict inequality of two means."""

    def rows(low_draws, high):
        return pd.DataFrame({"fraction": [0.25] * len(low_draws) + [1.0], "effect": [*low_draws, high]})

    assert robustness.coverage_direction(rows([4.7, 4.9, 5.1], 4.99))["direction"] == "unclear"
    up = robustness.coverage_direction(rows([4.7, 4.9, 5.1], 5.3))
    assert up["direction"] == "rises" and (up["low_min"], up["low_max"], up["low_draws"]) == (4.7, 5.1, 3)
    assert robustness.coverage_direction(rows([4.7, 4.9, 5.1], 4.5))["direction"] == "falls"
    assert robustness.coverage_direction(rows([4.7], 9.0))["direction"] == "unclear"  # one draw: no spread
    with pytest.raises(ValueError):
        robustness.coverage_direction(rows([], 1.0).iloc[0:0])


def test_sweep_summary_counts_sides_by_the_interval_and_significance_by_the_adjusted_p():
    sweep = {"elite": ["a", "b", "c", "d"], "ci_low": [1.2, 0.1, 0.8, None], "ci_high": [1.5, 0.3, 1.3, 0.9],
             "p_bh": [0.01, 1.0, 0.2, None]}  # fmt: skip
    assert robustness.sweep_summary(sweep) == {"definitions": 4, "more": 1, "less": 2, "significant": 1}


def test_sampling_experiment_has_one_row_at_fraction_one(ego_graph):
    graph, members, _ = ego_graph
    is_elite = np.isin(graph.ids, [1, 2, 11, 12, 21])
    table = robustness.sampling_experiment(graph, members, is_elite, [0.5, 1.0], 3, np.random.default_rng(26))
    assert table["fraction"].tolist() == [0.5, 0.5, 0.5, 1.0] and table["repeat"].tolist() == [0, 1, 2, 0]
    full = table.iloc[-1]
    whole = robustness.ego_subsample(graph, members, 1.0, np.random.default_rng(0))
    expected, _ = analytic.configuration_elite_edges(
        measures.in_degree(whole.dst, whole.n), measures.out_degree(whole.src, whole.n), is_elite
    )
    assert full["edges"] == whole.m and full["elite_edges"] == measures.elite_edges(whole.src, whole.dst, is_elite)
    assert full["configuration_expected"] == pytest.approx(expected)
    assert full["effect"] == pytest.approx(full["elite_edges"] / expected)
    assert full["reciprocity_edges"] == pytest.approx(measures.reciprocity_edges(whole.src, whole.dst, whole.n))
    assert (table["edges"].iloc[:3] <= whole.m).all()


# ------------------------------------------------------------------ the verdict rule


def test_catalogue_directions_agree_with_the_tests():
    """The directions the catalogue predicts are the ones the claim modules test."""
    assert catalogue.statement("C4a").direction == gated.GATED_ALTERNATIVES[0]
    assert catalogue.statement("C4b-community").direction == "less"
    assert catalogue.statement("C2b-budget").direction == "less" and catalogue.statement("C5").direction == "greater"


# ------------------------------------------------------------------ the one class rule


@pytest.fixture(scope="module")
def small():
    """Six accounts; in-degrees 60: 4, 50: 3, 40: 2, 30, 20, 10: 1. Profiles of 10, 20, 30
    and of 99, the most followed, who is not in the graph."""
    pairs = [(10, 60), (20, 60), (30, 60), (40, 60), (10, 50), (20, 50), (30, 50), (10, 40), (20, 40)]
    pairs += [(10, 30), (10, 20), (60, 10)]
    graph = measures.index_edges(pd.DataFrame(pairs, columns=["follower", "followee"]))
    accounts = pd.DataFrame(
        {
            "user_id": [10, 20, 30, 99],
            "followers": [500, 400, 300, 1000],
            "verified": [True, False, False, True],
            "label": ["personal", "organization", "personal", "personal"],
        }
    )
    return graph, accounts


def classes_of(lg):
    return dict(zip(lg.graph.ids.tolist(), lg.classes.tolist()))


def by_class(celebrity=(), popular=(), regular=()):
    return {
        **dict.fromkeys(celebrity, "celebrity"),
        **dict.fromkeys(popular, "popular"),
        **dict.fromkeys(regular, "regular"),
    }


def test_label_graph_marks_profiled_accounts_popular(small):
    graph, accounts = small
    lg = labelled.label_graph("t", graph, accounts, "verified")
    assert classes_of(lg) == by_class([10], [20, 30], [40, 50, 60])
    assert lg.is_elite.tolist() == [True, False, False, False, False, False] and lg.elite.tolist() == [0]
    assert lg.elite_rule == "verified" and lg.name == "t"


def test_label_graph_top_k_ranks_the_accounts_by_their_followers(small):
    graph, accounts = small
    lg = labelled.label_graph("t", graph, accounts, "top:2")  # 99 and 10; 99 is not in the graph
    assert classes_of(lg) == by_class([10], [20, 30], [40, 50, 60])
    lg = labelled.label_graph("t", graph, accounts, "top:3")
    assert classes_of(lg) == by_class([10, 20], [30], [40, 50, 60])


def test_label_graph_without_follower_counts_ranks_by_in_degree(small):
    graph, accounts = small
    assert classes_of(labelled.label_graph("t", graph, None, "top:2")) == by_class([50, 60], [], [10, 20, 30, 40])
    no_counts = accounts.drop(columns="followers")
    assert classes_of(labelled.label_graph("t", graph, no_counts, "top:2")) == by_class([50, 60], [], [10, 20, 30, 40])
    assert classes_of(labelled.label_graph("t", graph, no_counts, "verified")) == by_class(
        [10], [], [20, 30, 40, 50, 60]
    )  # no follower counts: no profiled, so no popular accounts


def test_label_graph_threshold_label_and_profiled(small):
    graph, accounts = small
    assert classes_of(labelled.label_graph("t", graph, accounts, "threshold:400")) == by_class(
        [10, 20], [30], [40, 50, 60]
    )
    assert classes_of(labelled.label_graph("t", graph, None, "threshold:2")) == by_class([40, 50, 60], [], [10, 20, 30])
    assert classes_of(labelled.label_graph("t", graph, accounts, "label:organization")) == by_class(
        [20], [10, 30], [40, 50, 60]
    )
    assert classes_of(labelled.label_graph("t", graph, accounts, "profiled")) == by_class(
        [10, 20, 30], [], [40, 50, 60]
    )


def test_elite_mask_by_top_and_threshold():
    followers = np.array([5, 7, 7, 1])
    assert labelled.elite_mask_by(followers, "top:1").tolist() == [False, True, False, False]  # ties by position
    assert labelled.elite_mask_by(followers, "top:3").tolist() == [True, True, True, False]
    assert labelled.elite_mask_by(followers, "threshold:7").tolist() == [False, True, True, False]
    assert labelled.elite_mask_by(followers, "threshold:5.5").tolist() == [False, True, True, False]
    with pytest.raises(ValueError, match="elite definition 'verified' needs profiles"):
        labelled.elite_mask_by(followers, "verified")


def test_elite_ids_chooses_among_the_accounts(small):
    _, accounts = small
    assert sorted(labelled.elite_ids(accounts, "top:2")) == [10, 99]
    assert sorted(labelled.elite_ids(accounts, "threshold:400")) == [10, 20, 99]
    assert sorted(labelled.elite_ids(accounts, "label:personal")) == [10, 30, 99]
    assert sorted(labelled.elite_ids(accounts, "profiled")) == [10, 20, 30, 99]


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ("top:0", "elite definition 'top:0': top needs a positive integer"),
        ("top:1.5", "elite definition 'top:1.5': top needs a number of accounts, e.g. top:100"),
        ("top:ten", "elite definition 'top:ten': top needs a number of accounts, e.g. top:100"),
        ("top:", "elite definition 'top:': top needs a number of accounts, e.g. top:100"),
        ("threshold:-3", "elite definition 'threshold:-3': threshold needs a positive number"),
        ("label:", "elite definition 'label:': label needs a value, e.g. label:personal"),
        ("famous", "unknown elite definition 'famous': use verified, top:K, threshold:N, label:NAME or profiled"),
        ("Top:5", "unknown elite definition 'Top:5'"),
    ],
)
def test_parse_elite_refusals(definition, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        labelled.parse_elite(definition)


def test_parse_elite_accepts():
    assert labelled.parse_elite("top:100") == ("top", "100")
    assert labelled.parse_elite("threshold:1e5") == ("threshold", "1e5")
    assert labelled.parse_elite("label:organization") == ("label", "organization")
    assert labelled.parse_elite("verified") == ("verified", "")


def test_label_graph_refusals(small):
    graph, accounts = small
    with pytest.raises(ValueError, match=re.escape("elite definition 'threshold:100000' selects no account (0 of 4)")):
        labelled.label_graph("t", graph, accounts, "threshold:100000")
    with pytest.raises(ValueError, match=re.escape("elite definition 'label:brand' selects no account (0 of 4)")):
        labelled.label_graph("t", graph, accounts, "label:brand")
    with pytest.raises(ValueError, match=re.escape("the elite 'top:1' has no account in t")):
        labelled.label_graph("t", graph, accounts, "top:1")  # 99 only: not in the graph
    with pytest.raises(ValueError, match=re.escape("elite definition 'label:personal' selects every account (4 of 4)")):
        labelled.label_graph("t", graph, accounts.assign(label="personal"), "label:personal")
    with pytest.raises(ValueError, match=re.escape("elite definition 'top:4' selects every account (4 of 4)")):
        labelled.label_graph("t", graph, accounts, "top:4")
    with pytest.raises(ValueError, match=re.escape("the elite 'threshold:1' is every account of t")):
        labelled.label_graph("t", graph, None, "threshold:1")
    everyone = pd.DataFrame({"user_id": [10, 20, 30, 40, 50, 60, 7], "label": ["personal"] * 6 + ["organization"]})
    with pytest.raises(ValueError, match=re.escape("the elite 'label:personal' is every account of t")):
        labelled.label_graph("t", graph, everyone, "label:personal")
    with pytest.raises(ValueError, match="t has no profiles: the elite must be top:K or threshold:N"):
        labelled.label_graph("t", graph, None, "verified")
    with pytest.raises(
        ValueError, match=re.escape("elite definition 'label:x' needs a 'label' column in the accounts")
    ):
        labelled.label_graph("t", graph, accounts.drop(columns="label"), "label:x")
    with pytest.raises(ValueError, match="top needs a positive integer"):
        labelled.label_graph("t", graph, None, "top:0")
    with pytest.raises(ValueError, match="top needs a number"):
        labelled.label_graph("t", graph, accounts, "top:ten")
    with pytest.raises(ValueError, match="unknown elite definition 'celebrities'"):
        labelled.label_graph("t", graph, accounts, "celebrities")


@pytest.mark.parametrize("definition", ["top:2.0", "top:1e2", "top:nan", "top:inf"])
def test_top_k_with_a_float_is_ranked_or_refused_with_the_elite_message(definition):
    followers = np.array([5, 9, 7, 1])
    try:
        labelled.parse_elite(definition)
    except ValueError as refused:
        assert str(refused).startswith(f"elite definition {definition!r}: top needs")
        return
    assert labelled.elite_mask_by(followers, definition).tolist() == labelled.elite_mask_by(followers, "top:2").tolist()
