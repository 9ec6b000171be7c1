"""C4's three statements (enrichment, inflow, community), their calibration functions,
and the C5 anecdote pair by pair, on small graphs and tables built here (no data files).

Planted effects must be found and graphs drawn from the null must not be; every
status of the anecdote (followed, not followed, not observable) is built on purpose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import labelled_graph
from scipy import stats

from analysis.claims import anecdote, catalogue, gated, race
from analysis.graph import measures
from analysis.nulls import rewiring
from analysis.stats import inference, synthetic

N_NULL = 39  # smallest p-value 1 / 40 = 0.025
SWITCHES = 2.0


@pytest.fixture(scope="module")
def null_graph():
    """A graph drawn from the degree null (Chung-Lu, rewired); elite: the 15 most followed."""
    rng = np.random.default_rng(0)
    src, dst = synthetic.calibration_graph(rng, n=200, m=1500)
    src, dst = rewiring.rewire_directed(src, dst, 200, rng, switches_per_edge=SWITCHES)
    return labelled_graph(src, dst, 200, measures.top_k_by(measures.in_degree(dst, 200), 15), "top:15")


@pytest.fixture(scope="module")
def clique_graph():
    """200 accounts following about 6 random others each; the 12 elite accounts also
    follow every other elite account (one closed clique, a single community)."""
    rng = np.random.default_rng(4)
    n, elite = 200, np.arange(12)
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, (1200, 2)) if a != b}
    pairs |= {(int(a), int(b)) for a in elite for b in elite if a != b}
    src, dst = np.array(sorted(pairs)).T
    return labelled_graph(src, dst, n, elite)


# ------------------------------------------------------------------ C4: absolute shares


def test_closure_shares_counts_follows_inside_and_into_the_elite():
    # elite {0, 1}: 0 -> 1, 1 -> 0 inside; 0 -> 2, 0 -> 3 leave; 2 -> 0, 3 -> 0, 3 -> 1 come in; 2 -> 3 outside
    src = np.array([0, 1, 0, 0, 2, 3, 3, 2])
    dst = np.array([1, 0, 2, 3, 0, 0, 1, 3])
    shares = gated.closure_shares(src, dst, np.array([True, True, False, False]))
    assert shares == {
        "inside_share": pytest.approx(2 / 4),
        "from_inside_share": pytest.approx(2 / 5),
        "elite_edges": 2,
        "elite_out": 4,
        "elite_in": 5,
    }
    conductance = measures.conductance(src, dst, np.array([True, True, False, False]))
    assert shares["inside_share"] == pytest.approx(1 - conductance["out_leak"])
    assert shares["from_inside_share"] == pytest.approx(1 - conductance["in_leak"])
    empty = gated.closure_shares(src, dst, np.zeros(4, dtype=bool))
    assert np.isnan(empty["inside_share"]) and np.isnan(empty["from_inside_share"])
    assert gated.CLOSED_SHARE == 0.5


def test_closure_intervals_resample_the_elite_accounts_and_the_word_follows_them():
    """Elite 0-3: accounts 0 and 1 keep all their follows inside, 2 and 3 send them all out;
    the inside share is 1/2, and resampling the four accounts spreads it from 0 to 1."""
    src = np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 5])
    dst = np.array([1, 2, 0, 3, 4, 5, 6, 7, 0, 1])
    elite = np.arange(8) < 4
    shares = gated.closure_shares(src, dst, elite, np.random.default_rng(0), n_boot=2000)
    assert shares["inside_share"] == pytest.approx(4 / 8) and shares["from_inside_share"] == pytest.approx(4 / 6)
    assert shares["inside_low"] < 0.25 and shares["inside_high"] > 0.75  # two of four accounts carry the share
    assert shares["from_inside_low"] <= shares["from_inside_share"] <= shares["from_inside_high"]
    assert "inside_low" not in gated.closure_shares(src, dst, elite)  # no rng: no interval
    assert gated.closed_word(shares) == "not measurably closed or open"
    assert gated.closed_word({"inside_low": 0.6, "inside_high": 0.8, "from_inside_low": 0.55,
                              "from_inside_high": 0.7}) == "closed"  # fmt: skip
    assert gated.closed_word({"inside_low": 0.6, "inside_high": 0.8, "from_inside_low": 0.02,
                              "from_inside_high": 0.04}) == "not closed"  # fmt: skip
    assert gated.closed_word({}) == "not measurably closed or open"


# ------------------------------------------------------------------ C4b-inflow


def test_in_leak_test_finds_the_planted_elite(planted):
    g = planted.graph
    result = gated.in_leak_test(g.src, g.dst, g.n, planted.is_elite, N_NULL, np.random.default_rng(1),
                                switches_per_edge=SWITCHES)  # fmt: skip
    assert result.alternative == "less" and result.n_null == N_NULL
    assert result.observed == pytest.approx(measures.conductance(g.src, g.dst, planted.is_elite)["in_leak"])
    assert result.ratio < 1 and result.ci_high < 1 and result.p_value <= 1 / (N_NULL + 1)
    with pytest.raises(KeyError, match="no statement 'C4b-inflow'"):  # the same test as C4a under null 1
        catalogue.claim_row("C4b-inflow", result, "planted graph")


def test_in_leak_test_finds_nothing_on_a_graph_from_the_null(null_graph):
    g = null_graph.graph
    result = gated.in_leak_test(g.src, g.dst, g.n, null_graph.is_elite, N_NULL, np.random.default_rng(2),
                                switches_per_edge=SWITCHES)  # fmt: skip
    assert result.p_value > 0.05 and 0.8 < result.ratio < 1.25


def test_in_leak_and_closure_count_the_same_follows_under_the_degree_null(planted):
    """Null 1 fixes the elite's follows given and received: in-leak = 1 - closure * out / in."""
    out = gated.gated_community(planted, [5, 10], np.random.default_rng(3), N_NULL, SWITCHES)
    shares = gated.closure_shares(planted.graph.src, planted.graph.dst, planted.is_elite)
    closure, leak = out["null"][:, 0], out["null"][:, 1]
    assert np.allclose(leak, 1 - closure * shares["elite_out"] / shares["elite_in"])
    for statement_id, name in gated.STATEMENT_TESTS.items():
        test = out["tests"][name]
        assert test.alternative == catalogue.statement(statement_id).direction
        catalogue.claim_row(statement_id, test, "planted graph")
    assert out["tests"][gated.STATEMENT_TESTS["C4a"]].p_value <= 0.05
    assert out["tests"]["in-leak (follows into the elite from outside)"].p_value <= 0.05


# ------------------------------------------------------------------ C4b-community


def test_effective_communities_test_finds_a_closed_clique(clique_graph):
    g = clique_graph.graph
    result, null, membership = gated.effective_communities_test(
        g.src, g.dst, g.n, clique_graph.elite, N_NULL, np.random.default_rng(5), seed=1, switches_per_edge=SWITCHES
    )
    assert result.observed == pytest.approx(1.0)  # the clique is one community
    assert result.observed == pytest.approx(measures.effective_communities(membership, clique_graph.elite))
    assert len(null) == N_NULL and (null > 1).all()
    assert result.alternative == "less" and result.p_value <= 1 / (N_NULL + 1) and result.ci_high < 1
    catalogue.claim_row("C4b-community", result, "clique graph")


def test_effective_communities_test_finds_nothing_on_a_graph_from_the_null(null_graph):
    g = null_graph.graph
    result, null, _ = gated.effective_communities_test(
        g.src, g.dst, g.n, null_graph.elite, N_NULL, np.random.default_rng(6), seed=1, switches_per_edge=SWITCHES
    )
    assert result.p_value > 0.05 and np.isfinite(null).all()


def test_community_test_is_the_effective_communities_test_of_the_labelled_graph(planted):
    a, null_a, member_a = gated.community_test(planted, np.random.default_rng(7), 3, SWITCHES, seed=2)
    g = planted.graph
    b, null_b, member_b = gated.effective_communities_test(
        g.src, g.dst, g.n, planted.elite, 3, np.random.default_rng(7), seed=2, switches_per_edge=SWITCHES
    )
    assert a == b and np.array_equal(null_a, null_b) and np.array_equal(member_a, member_b)


def test_calibration_functions_report_settings_and_rates():
    inflow = gated.calibrate_inflow(np.random.default_rng(8), 2, 39, n=60, m=300, elite_size=6, switches_per_edge=1)
    community = gated.calibrate_community(
        np.random.default_rng(9), 2, 4, n=60, m=300, elite_size=6, switches_per_edge=1
    )
    for out, test in ((inflow, "in-leak"), (community, "C4b-community")):
        assert out["test"] == test and out["graphs"] == 2 and out["alpha"] == 0.05
        assert 0 <= out["size"] <= 1 and 0 <= out["power"] <= 1
        assert 0 < out["size_mean_p_value"] <= 1 and 0 < out["power_mean_p_value"] <= 1
    assert inflow["null_samples"] == 39 and community["null_samples"] == 4 and community["louvain_seed"] == 1
    assert inflow["power"] == 1.0  # a 3x denser elite block is always found, with 39 null samples


# ------------------------------------------------------------------ C5-anecdote

IDS = {"hub": 1, "A": 2, "B": 3, "C": 4, "D": 5}  # "Z" has no id (no 2009 profile)


def pairs_of(names):
    return anecdote.directed_pairs("hub", friends=names, others=[])


def test_directed_pairs_put_the_anecdote_first_both_ways():
    pairs = anecdote.directed_pairs("hub", friends=["A", "B"], others=["hub", "B", "C"])
    assert pairs["account"].tolist() == ["A", "A", "B", "B", "C", "C"]
    assert pairs["follower"].tolist() == ["hub", "A", "hub", "B", "hub", "C"]
    assert pairs["followee"].tolist() == ["A", "hub", "B", "hub", "C", "hub"]
    assert pairs["in_anecdote"].tolist() == [True, True, True, True, False, False]
    default = anecdote.directed_pairs()
    assert set(default["account"]) == set(race.POST_ACCOUNTS) - {"aplusk"}
    assert set(default.loc[default["in_anecdote"], "account"]) == set(race.KUTCHER_FRIENDS_IN_POST)


def test_ego_twitter_status_sees_a_follow_only_inside_one_ego_network():
    # ego 10: members hub, A, B; ego 11: member C; ego D (5): member hub
    members = pd.DataFrame({"ego": [10, 10, 10, 11, 5], "member": [1, 2, 3, 4, 1]})
    edges = pd.DataFrame(
        {"follower": [10, 10, 10, 11, 5, 1, 2, 1, 4], "followee": [1, 2, 3, 4, 1, 2, 1, 3, 1]}
    )  # ego edges, hub <-> A, hub -> B, C -> hub (seen elsewhere)
    pairs = pairs_of(["A", "B", "C", "D", "Z"])
    status = dict(
        zip(zip(pairs["follower"], pairs["followee"]), anecdote.ego_twitter_status(pairs, edges, members, IDS))
    )
    assert status[("hub", "A")] == status[("A", "hub")] == anecdote.FOLLOWED
    assert status[("hub", "B")] == anecdote.FOLLOWED and status[("B", "hub")] == anecdote.NOT_FOLLOWED
    assert status[("C", "hub")] == anecdote.FOLLOWED  # a present follow is seen wherever it is
    assert status[("hub", "C")] == anecdote.NOT_OBSERVABLE  # no ego network holds both
    assert status[("D", "hub")] == anecdote.FOLLOWED  # the ego follows its members
    assert status[("hub", "D")] == anecdote.NOT_OBSERVABLE  # a member's follow to its ego is never recorded
    assert status[("hub", "Z")] == status[("Z", "hub")] == anecdote.NOT_OBSERVABLE  # absent from the data
    why = dict(zip(zip(pairs["follower"], pairs["followee"]),
                   (r for _, r in anecdote.ego_twitter_status(pairs, edges, members, IDS, reasons=True))))  # fmt: skip
    assert why[("hub", "C")] == anecdote.OUTSIDE_EGO and why[("hub", "D")] == anecdote.TO_EGO
    assert why[("hub", "Z")] == why[("Z", "hub")] == anecdote.NO_ID and why[("B", "hub")] == anecdote.NOT_FOLLOWED
    assert set(why.values()) <= set(anecdote.REASONS)


def test_an_account_with_an_id_but_no_follow_is_absent_from_that_dataset_not_without_a_profile():
    """@mileycyrus has a 2009 profile but no follow in ego-Twitter: the table says she is
    absent from that dataset, not that she has no profile (which the 2009 slice would contradict)."""
    members = pd.DataFrame({"ego": [10, 10], "member": [1, 2]})
    edges = pd.DataFrame({"follower": [10, 10, 1], "followee": [1, 2, 2]})
    pairs = pairs_of(["A", "E", "Z"])
    why = dict(zip(zip(pairs["follower"], pairs["followee"]),
                   anecdote.ego_twitter_status(pairs, edges, members, {**IDS, "E": 6}, reasons=True)))  # fmt: skip
    assert why[("hub", "E")] == why[("E", "hub")] == (anecdote.NOT_OBSERVABLE, anecdote.ABSENT)
    assert why[("hub", "Z")] == (anecdote.NOT_OBSERVABLE, anecdote.NO_ID)
    assert why[("hub", "A")] == (anecdote.FOLLOWED, anecdote.FOLLOWED)
    assert anecdote.REASONS[anecdote.ABSENT] != anecdote.REASONS[anecdote.NO_ID]


def test_slice_status_sees_every_follow_of_a_profiled_account():
    profiled = [1, 2]  # hub and A
    edges = pd.DataFrame({"follower": [1, 4, 1, 5], "followee": [2, 1, 4, 1]})  # hub -> A, C <-> hub, D -> hub
    pairs = pairs_of(["A", "B", "C", "D", "Z"])
    status = dict(zip(zip(pairs["follower"], pairs["followee"]), anecdote.slice_status(pairs, edges, profiled, IDS)))
    assert status[("hub", "A")] == anecdote.FOLLOWED and status[("A", "hub")] == anecdote.NOT_FOLLOWED
    assert status[("hub", "B")] == anecdote.NOT_FOLLOWED  # the hub is profiled: all its follows are there
    assert status[("B", "hub")] == anecdote.NOT_OBSERVABLE  # B unprofiled, and the hub does not follow B
    assert status[("hub", "C")] == status[("C", "hub")] == anecdote.FOLLOWED
    assert status[("D", "hub")] == anecdote.FOLLOWED and status[("hub", "D")] == anecdote.NOT_FOLLOWED
    assert status[("Z", "hub")] == anecdote.NOT_OBSERVABLE
    why = dict(zip(zip(pairs["follower"], pairs["followee"]),
                   (r for _, r in anecdote.slice_status(pairs, edges, profiled, IDS, reasons=True))))  # fmt: skip
    assert why[("B", "hub")] == anecdote.NOT_HELD and why[("Z", "hub")] == anecdote.NO_ID


def test_summarise_counts_observable_pairs_and_follows_both_ways():
    rows = [
        ("ego_twitter", "A", "hub", "A", True, anecdote.FOLLOWED),
        ("ego_twitter", "A", "A", "hub", True, anecdote.FOLLOWED),
        ("ego_twitter", "B", "hub", "B", True, anecdote.FOLLOWED),
        ("ego_twitter", "B", "B", "hub", True, anecdote.NOT_FOLLOWED),
        ("ego_twitter", "Z", "hub", "Z", True, anecdote.NOT_OBSERVABLE),
        ("ego_twitter", "Z", "Z", "hub", True, anecdote.NOT_OBSERVABLE),
        ("kwak2009-full", "Z", "hub", "Z", True, anecdote.FOLLOWED),
        ("kwak2009-full", "Z", "Z", "hub", True, anecdote.NOT_OBSERVABLE),
        ("ego_twitter", "C", "hub", "C", False, anecdote.NOT_FOLLOWED),
        ("ego_twitter", "C", "C", "hub", False, anecdote.NOT_FOLLOWED),
    ]
    table = pd.DataFrame(rows, columns=["dataset", "account", "follower", "followee", "in_anecdote", "status"])
    out = anecdote.summarise(table)
    story = out["anecdote"]
    assert (story["directed_pairs"], story["observable"], story["followed"], story["not_followed"]) == (8, 5, 4, 1)
    assert story["followed_share"] == pytest.approx(4 / 5)
    assert (story["pairs"], story["pairs_observable"], story["pairs_both_observable"]) == (3, 3, 2)
    assert story["both_ways"] == 1
    assert story["both_ways_accounts"] == ["A"] and story["observable_accounts"] == ["A", "B", "Z"]
    assert out["others"]["followed_share"] == 0 and out["others"]["both_ways"] == 0
    none = anecdote.summarise(table.assign(status=anecdote.NOT_OBSERVABLE))
    assert np.isnan(none["anecdote"]["followed_share"]) and none["anecdote"]["pairs_observable"] == 0
    wide = anecdote.readable(table, "hub")
    columns = ["dataset", "account", "in the post's anecdote", "@hub follows it", "it follows @hub"]
    assert wide.columns.tolist() == columns
    b = wide.set_index("account").loc["@B"]
    assert (b["@hub follows it"], b["it follows @hub"]) == (anecdote.FOLLOWED, anecdote.NOT_FOLLOWED)
    assert len(wide) == 5
    why = anecdote.readable(table.assign(reason=anecdote.OUTSIDE_EGO), "hub").set_index(["dataset", "account"])
    assert why.loc[("ego_twitter", "@Z"), "@hub follows it"] == f"{anecdote.NOT_OBSERVABLE} ({anecdote.OUTSIDE_EGO})"
    assert why.loc[("ego_twitter", "@B"), "it follows @hub"] == anecdote.NOT_FOLLOWED  # only the unseen say why


def test_anecdote_table_says_when_the_full_graph_is_absent(monkeypatch):
    accounts = pd.DataFrame({"screen_name": ["aplusk", "kingsthings"], "user_id": [1, 2]})
    tables = {
        "ego_twitter_edges": pd.DataFrame({"follower": [9, 9, 1, 2], "followee": [1, 2, 2, 1]}),
        "ego_twitter_members": pd.DataFrame({"ego": [9, 9], "member": [1, 2]}),
    }
    monkeypatch.setattr(anecdote.processed, "load_table", tables.__getitem__)
    monkeypatch.setattr(anecdote.fullgraph, "is_available", lambda: False)
    table, missing = anecdote.anecdote_table(accounts)
    assert set(table["dataset"]) == {anecdote.EGO_TWITTER} and list(missing) == [anecdote.FULL_GRAPH, *anecdote.UNNAMED]
    assert "not on this machine" in missing[anecdote.FULL_GRAPH] and "anonymised" in missing["konect_icwsm2010"]
    king = table[table["account"] == "kingsthings"]
    assert king["status"].tolist() == [anecdote.FOLLOWED, anecdote.FOLLOWED]
    assert (table.loc[table["account"] == "MichaelPhelps", "status"] == anecdote.NOT_OBSERVABLE).all()
    monkeypatch.setattr(anecdote.fullgraph, "is_available", lambda: True)
    monkeypatch.setattr(
        anecdote.descriptor, "load_edges", lambda desc: (pd.DataFrame({"follower": [1], "followee": [2]}), 2)
    )
    table, missing = anecdote.anecdote_table(accounts)
    assert missing == anecdote.UNNAMED and set(table["dataset"]) == {anecdote.EGO_TWITTER, anecdote.FULL_GRAPH}
    assert (table.loc[table["account"] == "MichaelPhelps", "reason"] == anecdote.NO_ID).all()
    full = table[(table["dataset"] == anecdote.FULL_GRAPH) & (table["account"] == "kingsthings")]
    assert full["status"].tolist() == [anecdote.FOLLOWED, anecdote.NOT_FOLLOWED]
    row = catalogue.descriptive_row("C5-anecdote", anecdote.summarise(table)["anecdote"]["followed_share"], "toy",
                                    pairs=table.to_dict(orient="records"))  # fmt: skip
    assert row["kind"] == "descriptive" and row["p_value"] is None and len(row["pairs"]) == len(table)


def test_side_p_value_is_the_p_value_on_the_side_the_effect_falls():
    null = np.arange(2.0, 2.0 + N_NULL)  # 2, 3, ..., 40
    predicted = inference.ensemble_test("s", 50.0, null, "null", alternative="greater")
    assert predicted.p_side == predicted.p_value == pytest.approx(1 / (N_NULL + 1))
    other_way = inference.ensemble_test("s", 1.0, null, "null", alternative="greater")
    assert other_way.p_value == 1.0 and other_way.ratio < 1
    assert other_way.p_side == pytest.approx(1 / (N_NULL + 1))
    less = inference.ensemble_test("s", 50.0, null, "null", alternative="less")
    assert less.p_side == pytest.approx(1 / (N_NULL + 1))
    assert less.as_dict()["p_side"] == less.p_side


@pytest.fixture(scope="module")
def ego_design():
    from analysis.claims import design

    rng = np.random.default_rng(31)
    settings = {**design.CALIBRATION_SETTINGS, "n": 800, "egos": 30}
    return design._calibration_graph(rng, "dbcm", None, settings)


def test_the_community_jackknife_leaves_out_each_group_of_ego_networks_once(ego_design):
    lg, table = ego_design
    g = lg.graph
    observed = measures.effective_communities(measures.communities(g.src, g.dst, g.n, 1), lg.elite)
    found = gated.community_sampling_interval(lg, table, observed, observed * 1.1, 1, np.random.default_rng(2), 5)
    assert found["groups"] == 5 and len(found["values"]) == 5
    assert found["low"] < observed / (observed * 1.1) < found["high"] and found["se_log"] > 0
    again = gated.community_sampling_interval(lg, table, observed, observed * 1.1, 1, np.random.default_rng(2), 5)
    assert again == found  # seeded: the same groups, the same Louvain runs
    with pytest.raises(ValueError, match="two groups"):
        gated.community_sampling_interval(lg, table, observed, observed, 1, np.random.default_rng(2), 1)
    with pytest.raises(ValueError, match="cannot be split"):
        gated.community_sampling_interval(lg, table, observed, observed, 1, np.random.default_rng(2), 10_000)


def test_the_community_test_has_a_sampling_interval_only_on_a_union_of_ego_networks(ego_design):
    lg, table = ego_design
    plain, _, _ = gated.community_test(lg, np.random.default_rng(3), 9, 1.0, 1)
    sampled, _, _ = gated.community_test(lg, np.random.default_rng(3), 9, 1.0, 1, ego_table=table, jackknife_groups=4)
    assert plain.interval == "null" and sampled.interval == "sampling"
    assert sampled.ratio == plain.ratio and sampled.p_value == plain.p_value  # the null test is unchanged
    assert sampled.ci_low < sampled.ratio < sampled.ci_high


@pytest.mark.parametrize(
    "null, message",
    [([], "1-d array of finite"), ([1.0, np.nan], "1-d array of finite"), ([[1.0, 2.0]], "1-d array of finite"),
     ([1.0, 2.0], "2 null values given for 3")],
)  # fmt: skip
def test_the_community_test_refuses_bad_null_values(planted, null, message):
    with pytest.raises(ValueError, match=message):
        gated.community_test(planted, np.random.default_rng(1), 3, SWITCHES, seed=2, null=null)


def test_the_community_calibration_uses_the_ensemble_size_of_notebook_04():
    import json

    from analysis import paths
    from analysis.report import runner

    declared = runner.declared_parameters([paths.notebooks_dir() / "04-gated-community.ipynb"])
    entry = json.loads((paths.results_dir() / "calibration.json").read_text())["tests"]["community"]
    assert entry["result"]["null_samples"] == declared["n_null"]


def test_one_set_of_jackknife_replicates_gives_every_elite_its_interval(ego_design):
    lg, table = ego_design
    g = lg.graph
    observed = measures.effective_communities(measures.communities(g.src, g.dst, g.n, 1), lg.elite)
    jackknife = gated.community_jackknife(g, table, 1, np.random.default_rng(2), 5)
    assert jackknife.memberships.shape == (5, g.n) and jackknife.inside.shape == (5, g.n)
    # the same interval as the jackknife run for this elite alone, from the same groups
    alone = gated.community_sampling_interval(lg, table, observed, observed * 1.1, 1, np.random.default_rng(2), 5)
    shared = gated.community_sampling_interval(lg, table, observed, observed * 1.1, 1, None, jackknife=jackknife)
    assert shared == alone
    # another elite read off the same replicates: each replicate's own partition, its own present members
    other = np.zeros(g.n, dtype=bool)
    other[-40:] = True
    values = jackknife.values(other)
    for membership, inside, value in zip(jackknife.memberships, jackknife.inside, values):
        assert value == measures.effective_communities(membership, np.flatnonzero(inside & other))
    with pytest.raises(ValueError, match="elite mask"):
        jackknife.values(other[:-1])


def test_the_jackknife_interval_is_the_grouped_jackknife_on_the_log_scale():
    values = np.array([2.0, 2.5, 3.0, np.nan])  # a replicate without the elite is dropped
    found = gated.jackknife_interval(values, 2.4, 2.0)
    theta = np.log(values[:3] / 2.0)
    se = np.sqrt(2 / 3 * ((theta - theta.mean()) ** 2).sum())
    t = stats.t.ppf(0.975, 2)
    assert found["se_log"] == pytest.approx(se) and found["groups"] == 4
    assert found["low"] == pytest.approx(1.2 * np.exp(-t * se)) and found["high"] == pytest.approx(1.2 * np.exp(t * se))
    assert np.isnan(gated.jackknife_interval([2.0, np.nan], 2.0, 2.0)["se_log"])


def test_the_community_result_of_stored_partitions_is_the_community_test(ego_design):
    lg, _ = ego_design
    g = lg.graph
    reading = gated.community_statistic(lg, 4, with_membership=True)
    rows = rewiring.null_ensemble(g.src, g.dst, g.n, reading, 7, np.random.default_rng(5), switches_per_edge=1.0)
    assert rows.shape == (7, 1 + g.n)
    plain = rewiring.null_ensemble(g.src, g.dst, g.n, gated.community_statistic(lg, 4), 7, np.random.default_rng(5),
                                   switches_per_edge=1.0)  # fmt: skip
    np.testing.assert_array_equal(rows[:, 0], plain.ravel())  # the reading starts with the statistic itself
    test, _, membership = gated.effective_communities_test(g.src, g.dst, g.n, lg.elite, 7, np.random.default_rng(6), 4,
                                                           null=rows[:, 0])  # fmt: skip
    again = gated.community_result(membership, rows[:, 1:].astype(np.int64), lg.is_elite, np.random.default_rng(6))
    assert (again.observed, again.expected, again.p_value) == (test.observed, test.expected, test.p_value)
    with pytest.raises(ValueError, match="same nodes"):
        gated.community_result(membership, rows[:, 2:], lg.is_elite, np.random.default_rng(6))
    with pytest.raises(ValueError, match="empty"):
        gated.community_result(membership, rows[:, 1:], np.zeros(g.n, dtype=bool), np.random.default_rng(6))


def test_the_community_interval_calibration_covers_and_reports_its_settings(monkeypatch):
    settings = {"n": 600, "egos": 40, "groups": 5, "null_samples": 3}
    out = gated.calibrate_community_interval(np.random.default_rng(8), n_populations=2, draws=6, settings=settings)
    assert out["test"] == "C4b-community interval" and out["n"] == 600 and out["groups"] == 5
    assert out["observations"] == 12 and 0 <= out["coverage"] <= 1 and 0 <= out["coverage_population"] <= 1
    assert out["se_ratio"] > 0 and len(out["se_ratios"]) == 2 and 0 < out["union_share"] <= 1
    # the tally itself: an interval of zero width covers no draw that differs from the others' mean, an
    # unbounded one covers every draw, and the ratio of errors follows the error given
    for se, coverage in ((0.0, 0.0), (1e9, 1.0)):
        monkeypatch.setattr(gated, "community_sampling_interval", lambda *a, se=se, **k: {"se_log": se})
        fixed = gated.calibrate_community_interval(np.random.default_rng(8), 2, 6, settings=settings)
        assert fixed["coverage"] == coverage and fixed["coverage_statistic"] == coverage
        assert (fixed["se_ratio"] == 0.0) if se == 0 else fixed["se_ratio"] > 1e6
    with pytest.raises(ValueError, match="three draws"):
        gated.calibrate_community_interval(np.random.default_rng(8), 1, 2)


def test_the_jackknife_replicates_are_kept_once_and_read_back_alike(ego_design, tmp_path):
    lg, table = ego_design
    g = lg.graph
    plain = gated.community_jackknife(g, table, 1, np.random.default_rng(2), 5)
    first_rng, second_rng = np.random.default_rng(2), np.random.default_rng(2)
    first = gated.community_jackknife(g, table, 1, first_rng, 5, cache=tmp_path)
    kept = list(tmp_path.glob("jackknife-*.npy"))
    assert len(kept) == 1
    with pytest.MonkeyPatch.context() as patch:  # read, not run
        patch.setattr(gated.measures, "communities", lambda *a: (_ for _ in ()).throw(AssertionError("run again")))
        second = gated.community_jackknife(g, table, 1, second_rng, 5, cache=tmp_path)
    for found in (first, second):
        assert np.array_equal(found.memberships, plain.memberships) and np.array_equal(found.inside, plain.inside)
    assert first_rng.integers(1 << 30) == second_rng.integers(1 << 30)  # the rng advanced alike either way
    # other groups (another rng), another Louvain seed or fewer networks: other entries, not the kept one
    gated.community_jackknife(g, table, 1, np.random.default_rng(3), 5, cache=tmp_path)
    gated.community_jackknife(g, table, 2, np.random.default_rng(2), 5, cache=tmp_path)
    fewer = table[table["ego"] != table["ego"].iloc[0]]
    gated.community_jackknife(g, fewer, 1, np.random.default_rng(2), 5, cache=tmp_path)
    assert len(list(tmp_path.glob("jackknife-*.npy"))) == 4
    # a file of other settings under the key is refused and computed again
    np.save(kept[0], np.zeros((2, 3), dtype=np.int32))
    again = gated.community_jackknife(g, table, 1, np.random.default_rng(2), 5, cache=tmp_path)
    assert np.array_equal(again.memberships, plain.memberships)
