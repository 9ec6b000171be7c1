"""The specification curve and the existence filter: every choice gives a row, the fits
are shared by the elite definitions, the verdict words follow the catalogue's rule,
and the robustness words follow their bands; restricting a labelled graph keeps
exactly the induced follows."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.claims import catalogue, design, specification
from analysis.graph import labelled, measures
from analysis.stats import inference


def _elites(lg, sizes):
    """Labelled graphs of one graph with top-K elites by index (the heaviest in-weights)."""
    out = {}
    for k in sizes:
        is_elite = np.zeros(lg.graph.n, dtype=bool)
        is_elite[:k] = True
        classes = np.where(is_elite, "celebrity", "regular")
        out[f"top:{k}"] = labelled.LabelledGraph(lg.name, lg.graph, classes, is_elite, f"top:{k}")
    return out


@pytest.fixture(scope="module")
def curve():
    rng = np.random.default_rng(21)
    settings = {**design.CALIBRATION_SETTINGS, "n": 1500, "egos": 40}
    lg, table = design._calibration_graph(rng, "rbcm", "C5", settings)
    graphs = _elites(lg, (20, 40))
    calls = []
    real = design.fit_design

    def counting(*args, **kwargs):
        calls.append(args[2] if len(args) > 2 else kwargs.get("include_ego", False))
        return real(*args, **kwargs)

    design.fit_design, saved = counting, design.fit_design
    try:
        rows = specification.graph_specifications(graphs, table, rng, n_boot=200, existence_last_id=1200)
    finally:
        design.fit_design = saved
    return rows, calls


def test_every_choice_gives_a_row_and_the_fits_are_shared_by_the_elite_definitions(curve):
    rows, calls = curve
    assert sorted(calls) == [False, False, True, True]  # per set of accounts: one fit per ego-edge choice
    assert set(rows["elite"]) == {"top:20", "top:40"}
    assert set(rows["accounts"]) == {"all accounts", "accounts that existed by the 2009 crawl"}
    design_rows = rows[rows["null"] == "design-aware maximum entropy"]
    union_rows = rows[rows["null"] == "union graph, maximum entropy"]
    assert set(design_rows["interval"]) == {"sampling"} and set(union_rows["interval"]) == {"null"}
    kept = design_rows[design_rows["ego_edges"] == "members' follows of their ego kept"]
    assert set(kept["statement"]) == {"C2a", "C4a", "C2b-chance"}  # the RBCM statements have no such variant
    per = rows.groupby(["elite", "accounts", "null", "ego_edges"]).size()
    assert len(per) == 2 * 2 * 3 and (per >= 3).all()


def test_the_verdict_words_follow_the_catalogue_rule_and_union_nulls_never_support(curve):
    rows, _ = curve
    for row in rows.itertuples():
        direction = catalogue.statement(row.statement).direction
        assert row.lean == catalogue.statement_verdict(row.effect, row.ci_low, row.ci_high, row.p_value, direction)
        if row.interval == "null":
            assert row.verdict != catalogue.SUPPORTED
        else:
            assert row.verdict == row.lean
    planted = rows[(rows["statement"] == "C5") & (rows["interval"] == "sampling")]
    assert (planted["effect"] > 1).all() and (planted["verdict"] == catalogue.SUPPORTED).any()


def test_fewer_accounts_after_the_existence_filter_and_the_same_elite_where_it_existed(curve):
    rows, _ = curve
    sizes = rows.groupby(["elite", "accounts"])["elite_size"].first()
    assert sizes[("top:20", "all accounts")] == 20
    assert sizes[("top:20", "accounts that existed by the 2009 crawl")] == 20  # ids 0-19, below the cut-off 1200


def test_summary_counts_verdicts_among_counted_specifications_and_names_robustness():
    s, n = catalogue.SUPPORTED, catalogue.NOT_SUPPORTED
    rows = pd.DataFrame({
        "statement": ["C4a"] * 6,
        "interval": ["sampling"] * 4 + ["null"] * 2,
        "verdict": [s, s, s, n, n, n],
        "lean": [s, s, s, n, s, n],
        "effect": [2.0, 1.5, 3.0, 1.0, 2.0, 1.1],
    })  # fmt: skip
    out = specification.summarise(rows, {"C4a": s, "C9": s})
    assert set(out) == {"C4a"}
    c4a = out["C4a"]
    assert c4a["counted_specifications"] == 4 and c4a["same_share"] == 0.75 and c4a["same_count"] == 3
    assert c4a["verdicts"] == {s: 3, n: 1} and c4a["check_same_lean_share"] == 0.5
    assert c4a["robustness"].startswith("sensitive") and (c4a["effect_low"], c4a["effect_high"]) == (1.0, 3.0)
    assert c4a["check_specifications"] == 2
    # a check with a sampling interval (a union null on sampled networks) is shown, not counted
    checked = rows.assign(check=[None, None, None, "union null on sampled networks", "null", "null"])
    c4a = specification.summarise(checked, {"C4a": s})["C4a"]
    assert (c4a["counted_specifications"], c4a["same_count"], c4a["check_specifications"]) == (3, 3, 3)
    assert c4a["robustness"].startswith("robust: every") and c4a["verdicts"] == {s: 3}
    assert c4a["check_same_lean_share"] == pytest.approx(1 / 3)  # leans: n (the sampled check), s, n
    # a counted specification that could not be tested is in neither the share nor its denominator
    untested = pd.concat([checked, checked.iloc[[0]].assign(verdict=catalogue.NOT_TESTABLE)], ignore_index=True)
    c4a = specification.summarise(untested, {"C4a": s})["C4a"]
    assert (c4a["counted_specifications"], c4a["same_count"], c4a["not_testable_specifications"]) == (3, 3, 1)
    assert c4a["robustness"].startswith("robust: every") and catalogue.NOT_TESTABLE not in c4a["verdicts"]


def test_a_row_with_the_nulls_interval_only_is_always_a_check_and_checks_are_named():
    result = inference.TestResult("s", 2.0, 1.0, 2.0, 3.0, 1.5, 2.5, 0.001, 0, "toy", "greater", 0.999, "sampling")
    assert specification.specification_row("C4a", result)["check"] is None
    assert specification.specification_row("C4a", result, check="union null on sampled networks")["check"] == (
        "union null on sampled networks"
    )
    null_only = dataclasses.replace(result, interval="null")
    assert specification.specification_row("C4a", null_only)["check"] == "null"
    with pytest.raises(ValueError, match="a check is one of"):
        specification.specification_row("C4a", result, check="because")


@pytest.mark.parametrize(
    ("share", "start"),
    [(1.0, "robust: every"), (0.95, "robust: at least"), (0.9, "robust: at"), (0.6, "sensitive"), (0.5, "sensitive"),
     (0.2, "fragile"), (float("nan"), "not assessed")],
)  # fmt: skip
def test_robustness_words_follow_their_bands(share, start):
    assert specification.robustness_word(share).startswith(start)


def test_robustness_refuses_a_share_outside_zero_and_one():
    with pytest.raises(ValueError, match="share"):
        specification.robustness_word(1.5)


def test_restrict_keeps_the_induced_follows_with_their_classes():
    graph = measures.Graph(np.array([0, 1, 2, 3, 3]), np.array([1, 2, 0, 0, 2]), np.array([10, 20, 30, 40]))
    lg = labelled.LabelledGraph("toy", graph, np.array(["celebrity", "regular", "celebrity", "regular"]),
                                np.array([True, False, True, False]), "toy")  # fmt: skip
    sub = labelled.restrict(lg, np.array([True, False, True, True]))
    assert sub.graph.ids.tolist() == [10, 30, 40]
    pairs = {(int(sub.graph.ids[s]), int(sub.graph.ids[d])) for s, d in zip(sub.graph.src, sub.graph.dst)}
    assert pairs == {(30, 10), (40, 10), (40, 30)}
    assert sub.classes.tolist() == ["celebrity", "celebrity", "regular"] and sub.is_elite.sum() == 2
    with pytest.raises(ValueError, match="no account of the elite"):
        labelled.restrict(lg, np.array([False, True, False, True]))
    with pytest.raises(ValueError, match="mask over the 4"):
        labelled.restrict(lg, np.array([True, False]))


def test_existed_by_drops_later_accounts_from_the_graph_and_the_ego_table():
    rng = np.random.default_rng(5)
    settings = {**design.CALIBRATION_SETTINGS, "n": 800, "egos": 20}
    lg, table = design._calibration_graph(rng, "dbcm", None, settings)
    sub, sub_table = design.existed_by(lg, table, 600)
    assert sub.graph.n == (lg.graph.ids <= 600).sum() and sub.graph.m < lg.graph.m
    assert set(sub_table["ego"]) <= set(table["ego"]) and len(sub_table) < len(table)
    later_egos = set(sub_table["ego"][sub_table["ego"] > 600])
    assert later_egos  # an ego created after the cut-off still stands for the members it sampled
    found = design.design_statements(sub, rng, sub_table, n_boot=100)
    assert found.facts["networks"] == sub_table["ego"].nunique() and "C4a" in found.tests


def test_2009_profile_ids_rise_with_creation_time_so_an_id_cut_off_is_a_date(processed):
    from analysis.data import sources

    profiles = sources.load_table("accounts_kwak2009")
    ordered = profiles.dropna(subset=["created_at"]).sort_values(["created_at", "user_id"])
    assert (np.diff(ordered["user_id"].to_numpy()) > 0).all()
    cutoff = sources.existence_cutoff("ego_twitter")
    assert cutoff.last_id == profiles["user_id"].max() and cutoff.date.startswith("2009-")
    assert sources.existence_cutoff("konect_icwsm2010") is None  # anonymised ids: no dates


def test_existence_change_pairs_the_two_account_sets_for_one_elite(curve):
    rows, _ = curve
    table = specification.existence_change(rows, "top:20")
    assert set(table["statement"]) == set(design.STATEMENTS)
    design_rows = rows[(rows["elite"] == "top:20") & (rows["null"] == "design-aware maximum entropy")
                       & (rows["ego_edges"] == "egos' own follows left out")]  # fmt: skip
    c5 = design_rows[design_rows["statement"] == "C5"].set_index("accounts")["effect"]
    row = table.set_index("statement").loc["C5"]
    assert (
        row["effect_all"] == c5["all accounts"]
        and row["effect_existed"] == c5["accounts that existed by the 2009 crawl"]
    )
    assert np.isclose(row["change"], row["effect_existed"] / row["effect_all"])
    assert specification.existence_change(rows[rows["accounts"] == "all accounts"], "top:20").empty


def test_the_curve_is_set_against_the_verdict_before_adjustment():
    table = pd.DataFrame({
        "id": ["C4a", "C7"], "kind": ["test", "descriptive"], "effect": [2.0, None], "ci_low": [1.5, None],
        "ci_high": [2.6, None], "p_value_raw": [0.01, None], "p_value": [0.2, None],
        "direction": ["greater", None], "sampling": [True, False],
    })  # fmt: skip
    assert specification.unadjusted_verdicts(table) == {"C4a": catalogue.SUPPORTED}  # adjusted p 0.2 would not be


def test_the_curve_is_not_set_against_verdicts_of_another_elite_graph_or_mode():
    curve = {"robustness.specifications": {}, "robustness.quick": False, "robustness.headline_elite": "verified",
             "robustness.dataset": "ego_twitter"}  # fmt: skip
    assert specification.curve_mismatch(curve, {"03": "verified"}, {"03": "ego_twitter"}, quick=False) == ""
    assert "another mode" in specification.curve_mismatch(curve, {}, {}, quick=True)
    assert "top:100" in specification.curve_mismatch(curve, {"03": "top:100"}, {}, quick=False)
    assert "konect" in specification.curve_mismatch(curve, {}, {"03": "konect_icwsm2010"}, quick=False)
    assert "has not run" in specification.curve_mismatch({}, {}, {}, quick=False)


def test_counts_say_where_the_effects_lie_against_the_practical_band():
    rows = pd.DataFrame({
        "statement": ["C1"] * 5, "interval": ["sampling"] * 4 + ["null"], "effect": [0.3, 0.9, 1.0, 1.5, 0.1],
        "verdict": [catalogue.SUPPORTED, catalogue.NEGLIGIBLE, catalogue.NOT_SUPPORTED, catalogue.CONTRADICTED,
                    catalogue.NOT_SUPPORTED],
    })  # fmt: skip
    sides = specification.verdict_counts(rows)["C1"]["effect_sides"]
    assert sides == {
        "above the band": 1,
        "inside the band": 2,
        "below the band": 1,
    }  # the null-interval row is not counted


@pytest.fixture(scope="module")
def rewiring_curve():
    from analysis.stats import synthetic

    rng = np.random.default_rng(8)
    n = 300
    src, dst = synthetic.calibration_graph(rng, n=n, m=2000)
    keys = np.unique(np.r_[src * n + dst, (dst * n + src)[: len(src) // 4]])  # some mutual ties
    graph = measures.Graph(src=keys // n, dst=keys % n, ids=np.arange(n))
    order = np.argsort(-measures.in_degree(graph.dst, n), kind="stable")
    graphs = {}
    for k in (15, 30):
        is_elite = np.zeros(n, dtype=bool)
        is_elite[order[:k]] = True
        graphs[f"top:{k}"] = labelled.LabelledGraph("test", graph, np.where(is_elite, "celebrity", "regular"),
                                                     is_elite, f"top:{k}")  # fmt: skip
    ensemble = specification.union_rewiring(graphs, rng, n_null=40, switches_per_edge=4.0)
    rows, agreement = specification.rewiring_specifications(graphs, ensemble)
    return graphs, rows, agreement, ensemble


def test_rewiring_specifications_cover_every_definition_statement_and_length(rewiring_curve):
    graphs, rows, agreement, _ = rewiring_curve
    assert set(rows["null"]) == {"union graph, rewiring"} and set(rows["interval"]) == {"null"}
    per = rows.groupby(["elite", "chain"])["statement"].apply(set)
    assert len(per) == 4 and all(s == set(design.STATEMENTS) for s in per)
    assert set(rows["chain"]) == {"2 switches per edge", "4 switches per edge"}
    assert not (rows["verdict"] == "supported").any()  # the null's interval only
    assert set(zip(agreement["elite"], agreement["statement"])) == {(e, s) for e in graphs for s in design.STATEMENTS}


def test_the_elite_sweep_reads_closure_off_the_curve_s_ensemble(rewiring_curve):
    """05's sweep of closure over elite definitions is C4a's union-graph rewiring test at the
    notebooks' length: one ensemble for both, one-sided, BH-adjusted across definitions."""
    from analysis.claims import robustness

    graphs, rows, _, ensemble = rewiring_curve
    masks = {d: lg.is_elite for d, lg in graphs.items()}
    sweep = robustness.closure_table(ensemble.at_length("C4a"), masks)
    assert sweep["elite"].tolist() == list(graphs) and sweep["size"].tolist() == [15, 30]
    for definition, lg in graphs.items():
        row = sweep.set_index("elite").loc[definition]
        g = lg.graph
        assert row["observed"] == pytest.approx(measures.elite_closure(g.src, g.dst, lg.is_elite))
        curve = rows[
            (rows["elite"] == definition) & (rows["statement"] == "C4a") & (rows["chain"] == "4 switches per edge")
        ]
        assert row["effect"] == pytest.approx(curve["effect"].item())  # the curve's own C4a row
    # and the sweep's own ensemble (closure_sweep: another draw of the same null) expects the same closure
    own = robustness.closure_sweep(graphs["top:15"].graph, masks, np.random.default_rng(9), 40, 4.0).set_index("elite")
    for definition in graphs:
        ours, theirs = sweep.set_index("elite").loc[definition], own.loc[definition]
        # the null's sd of the closure, about: its 95% range over 4, read back from the interval O / q
        sd = (theirs["ci_high"] - theirs["ci_low"]) * theirs["expected"] / theirs["effect"] / 4
        assert abs(ours["expected"] - theirs["expected"]) < 4 * sd * np.sqrt(2 / 40) + 1e-12
    assert np.allclose(sweep["p_bh"], stats.false_discovery_control(sweep["p_value"], method="bh"))
    with pytest.raises(ValueError, match="not 3"):
        ensemble.at_length("C4a", 3.0)
    with pytest.raises(ValueError, match="one-sided"):
        robustness.closure_table({"top:15": ensemble.at_length("C2a")["top:15"]}, masks)
    with pytest.raises(ValueError, match="not read"):
        specification.rewiring_specifications({"other": graphs["top:15"]}, ensemble)


def test_the_union_graph_max_ent_tests_are_made_once_for_the_agreement_and_the_curve(rewiring_curve, monkeypatch):
    from analysis.claims import families

    graphs, _, agreement, ensemble = rewiring_curve
    without = specification.graph_specifications(graphs, None, np.random.default_rng(3), n_boot=50)
    calls = []
    real = families.maxent_union_tests
    monkeypatch.setattr(families, "maxent_union_tests", lambda *a, **k: calls.append(a[0].elite_rule) or real(*a, **k))
    memo = {}
    _, shared_agreement = specification.rewiring_specifications(graphs, ensemble, union_tests=memo)
    assert calls == list(graphs) and set(memo) == {(d, design.maxent.DEFAULT_TOL) for d in graphs}
    with_memo = specification.graph_specifications(graphs, None, np.random.default_rng(3), n_boot=50, union_tests=memo)
    assert calls == list(graphs)  # none made again
    pd.testing.assert_frame_equal(with_memo, without)
    pd.testing.assert_frame_equal(shared_agreement, agreement)


def test_both_families_test_the_same_statistic_and_one_ensemble_serves_every_definition(rewiring_curve, monkeypatch):
    from analysis.claims import families
    from analysis.nulls import mixing

    graphs, _, _, _ = rewiring_curve
    calls = []
    real = mixing.chain_trajectories
    monkeypatch.setattr(mixing, "chain_trajectories", lambda *a, **k: calls.append(a[5]) or real(*a, **k))
    found = families.rewiring_union_tests(graphs, np.random.default_rng(2), 12, [1.0, 2.0])
    assert calls == ["degree", "reciprocal"]  # one ensemble per null, whatever the number of definitions
    for definition, lg in graphs.items():
        soft = families.maxent_union_tests(lg)["tests"]
        for length in (1.0, 2.0):
            hard = found[(definition, length)]
            assert set(hard) == set(soft)
            for sid in soft:
                assert hard[sid].observed == pytest.approx(soft[sid].observed) and hard[sid].n_null == 12


def test_far_from_the_cut_off_the_two_families_agree(rewiring_curve):
    """A sparse graph with no pair of hubs forced together: soft and hard constraints give
    the same expectation within the ensemble's error (issue 13's check on generated graphs)."""
    _, _, agreement, _ = rewiring_curve
    assert agreement["agree"].all(), agreement[["elite", "statement", "relative_difference", "allowed"]]
    informative = agreement[agreement["statement"] != "C5"]  # here every follow among the top accounts is mutual
    assert len(informative) == 10 and (informative["rewiring_expected"] != 1).all()


def test_the_grid_statistics_from_one_pass_equal_each_statement_s_union_statistic(rewiring_curve):
    from analysis.claims import families

    graphs, _, _, _ = rewiring_curve
    lg = graphs["top:30"]
    popular = np.where((lg.classes == "regular") & (np.arange(lg.graph.n) % 3 == 0), "popular", lg.classes)
    with_popular = labelled.LabelledGraph(lg.name, lg.graph, popular, lg.is_elite, lg.elite_rule)
    labellings = [*graphs.values(), with_popular]
    codes = np.column_stack([families._class_codes(each) for each in labellings])
    g = lg.graph
    for s, d in ((g.src, g.dst), (g.dst, g.src), (g.src[::2], g.dst[::2])):
        returned = measures.reciprocated_mask(s, d, g.n)
        fast = families._grid_statistics(codes, s, d, g.n, design.STATEMENTS)  # every definition in one pass
        slow = [families.union_statistic(sid, s, d, returned, each.classes, each.is_elite)
                for each in labellings for sid in design.STATEMENTS]  # fmt: skip
        np.testing.assert_allclose(fast, slow, rtol=1e-12, equal_nan=True)


@pytest.fixture(scope="module")
def community_curve():
    from analysis.claims import gated
    from analysis.nulls import rewiring

    rng = np.random.default_rng(41)
    settings = {**design.CALIBRATION_SETTINGS, "n": 900, "egos": 30}
    lg, table = design._calibration_graph(rng, "dbcm", "C4a", settings)
    graphs = _elites(lg, (20, 30))
    g = lg.graph
    reading = gated.community_statistic(graphs["top:20"], 3, with_membership=True)
    null = rewiring.null_ensemble(g.src, g.dst, g.n, reading, 9, np.random.default_rng(42), switches_per_edge=1.0)
    from analysis.claims import families
    from analysis.nulls import maxent

    fit = maxent.fit_dbcm(np.bincount(g.src, minlength=g.n), np.bincount(g.dst, minlength=g.n))
    soft = families.maxent_memberships(g, fit, 9, 3, workers=2)
    restricted, restricted_table = design.existed_by(graphs["top:20"], table, 700)
    fits = {("all accounts", False): design.fit_design(g, design.ego_networks(lg, table)),
            ("accounts that existed by the 2009 crawl", False):
                design.fit_design(restricted.graph, design.ego_networks(restricted, restricted_table))}  # fmt: skip
    rows, agreement = specification.community_specifications(
        graphs, null[:, 1:].astype(np.int64), 1.0, table, 3, np.random.default_rng(43), groups=4,
        existence_last_id=700, n_null=9, maxent_memberships=soft, design_fits=fits, design_samples=9,
    )  # fmt: skip
    return graphs, table, null, rows, agreement, soft, fits


def test_the_community_statement_is_read_for_every_elite_off_one_set_of_partitions(community_curve):
    from analysis.claims import gated

    graphs, table, null, every, agreement, soft, fits = community_curve
    assert set(every["statement"]) == {"C4b-community"} and set(every["elite"]) == set(graphs)
    assert set(every["null"]) == {
        "union graph, rewiring",
        "union graph, maximum entropy",
        "design-aware maximum entropy",
    }
    rows = every[every["null"] == "union graph, rewiring"]
    assert set(rows["accounts"]) == {"all accounts", "accounts that existed by the 2009 crawl"}
    assert set(rows["interval"]) == {"sampling"} and set(rows["chain"]) == {"1 switches per edge"}
    # beside the design-aware rows the union rewiring rows are checks: the robustness share counts the design-aware ones
    assert set(rows["check"]) == {"union null on sampled networks"}
    assert every.loc[every["null"] == "design-aware maximum entropy", "check"].isna().all()
    assert specification.counted(every).sum() == (every["null"] == "design-aware maximum entropy").sum()
    # the second family: on all accounts, the null's interval only, and its agreement with the first
    sampled = every[every["null"] == "union graph, maximum entropy"]
    assert set(sampled["accounts"]) == {"all accounts"} and set(sampled["interval"]) == {"null"}
    assert list(agreement["elite"]) == list(graphs) and set(agreement["statement"]) == {"C4b-community"}
    assert soft.shape == (9, graphs["top:20"].graph.n)
    # on all accounts, the headline elite's row is the community test given the same null values
    lg = graphs["top:20"]
    g = lg.graph
    test, _, _ = gated.effective_communities_test(g.src, g.dst, g.n, lg.elite, 9, np.random.default_rng(0), 3,
                                                  null=null[:, 0])  # fmt: skip
    row = rows[(rows["elite"] == "top:20") & (rows["accounts"] == "all accounts")].iloc[0]
    assert row["effect"] == pytest.approx(test.ratio) and row["ci_low"] < row["effect"] < row["ci_high"]
    # 04's test of the same elite with the same partitions and jackknife stream: the same interval
    in_04, _, _ = gated.community_test(lg, np.random.default_rng(0), 9, 1.0, 3, ego_table=table, jackknife_groups=4,
                                       null=null[:, 0], jackknife_rng=gated.jackknife_rng(3))  # fmt: skip
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((in_04.ci_low, in_04.ci_high))
    # the accounts that existed: each definition's elite restricted to them
    for definition, lg_d in graphs.items():
        restricted, _ = design.existed_by(lg_d, table, 700)
        existed = rows[(rows["elite"] == definition) & (rows["accounts"] != "all accounts")]
        assert existed["elite_size"].tolist() == [int(restricted.is_elite.sum())]
    # the design-aware rows (04's verdict test): on both sets of accounts, a sampling interval, and for the headline
    # elite 04's test given the same partitions and jackknife
    aware = every[every["null"] == "design-aware maximum entropy"]
    assert set(aware["accounts"]) == {"all accounts", "accounts that existed by the 2009 crawl"}
    assert set(aware["interval"]) == {"sampling"} and set(aware["ego_edges"]) == {"egos' own follows left out"}
    partitions = design.design_memberships(g, fits[("all accounts", False)], 9, 3)
    jackknife = gated.community_jackknife(g, table, 3, gated.jackknife_rng(3), 4)
    membership = measures.communities(g.src, g.dst, g.n, 3)
    in_04 = gated.design_community_result(membership, partitions, lg.is_elite, jackknife, design.COMMUNITY_NULL)
    row = aware[(aware["elite"] == "top:20") & (aware["accounts"] == "all accounts")].iloc[0]
    assert (row["effect"], row["ci_low"], row["ci_high"], row["p_value"]) == pytest.approx(
        (in_04.ratio, in_04.ci_low, in_04.ci_high, in_04.p_two_sided)
    )
    with pytest.raises(ValueError, match="another graph"):
        specification.community_specifications(graphs, null[:, 1:], 1.0, table, 3, np.random.default_rng(1),
                                               null_ids=g.ids[::-1])  # fmt: skip
    with pytest.raises(ValueError, match="n_null"):
        specification.community_specifications(graphs, null[:, 1:], 1.0, table, 3, np.random.default_rng(1),
                                               existence_last_id=700)  # fmt: skip


def test_the_existence_table_takes_the_community_statement_from_its_design_aware_rows(community_curve, curve):
    community_rows = community_curve[3]
    rows = pd.concat([curve[0], community_rows], ignore_index=True)  # two toy graphs: only the rows' pairing is read
    table = specification.existence_change(rows, "top:20").set_index("statement")
    assert set(table["null"]) == {"design-aware maximum entropy"}
    design_rows = community_rows[(community_rows["elite"] == "top:20")
                                 & (community_rows["null"] == "design-aware maximum entropy")]  # fmt: skip
    both = design_rows.set_index("accounts")["effect"]
    assert table.loc["C4b-community", "effect_all"] == both["all accounts"]
    assert table.loc["C4b-community", "effect_existed"] == both["accounts that existed by the 2009 crawl"]
    # without its design-aware rows (a curve without ego networks) it falls back on the rewiring rows
    community_rows = community_rows[community_rows["null"] != "design-aware maximum entropy"]
    rows = pd.concat([curve[0], community_rows], ignore_index=True)
    table = specification.existence_change(rows, "top:20").set_index("statement")
    assert table.loc["C4b-community", "null"] == "union graph, rewiring"
    assert set(table.drop(index="C4b-community")["null"]) == {"design-aware maximum entropy"}
    mine = community_rows[(community_rows["elite"] == "top:20") & (community_rows["null"] == "union graph, rewiring")]
    both = mine.set_index("accounts")["effect"]
    assert table.loc["C4b-community", "effect_all"] == both["all accounts"]
    assert table.loc["C4b-community", "effect_existed"] == both["accounts that existed by the 2009 crawl"]
    # the union graph's rewiring rows on all accounts only (other statements) have nothing to pair with
    only_all = community_rows[community_rows["accounts"] == "all accounts"]
    assert specification.existence_change(only_all, "top:20").empty


def test_the_soft_partitions_do_not_depend_on_the_threads_and_a_sampled_expectation_widens_the_agreement(
    tmp_path, monkeypatch
):
    from analysis.claims import families
    from analysis.nulls import maxent
    from analysis.stats import inference

    rng = np.random.default_rng(5)
    lg, _ = design._calibration_graph(rng, "dbcm", None, {**design.CALIBRATION_SETTINGS, "n": 400, "egos": 20})
    g = lg.graph
    fit = maxent.fit_dbcm(np.bincount(g.src, minlength=g.n), np.bincount(g.dst, minlength=g.n))
    one = families.maxent_memberships(g, fit, 4, 2, workers=1)
    two = families.maxent_memberships(g, fit, 4, 2, workers=2, cache=tmp_path)
    np.testing.assert_array_equal(one, two)  # threads and the cache change nothing
    assert len(list(tmp_path.glob("maxent-partitions-*.npy"))) == 1 and not list(tmp_path.glob("*.lock"))
    monkeypatch.setattr(maxent, "sample_dbcm_sparse", lambda *a, **k: (_ for _ in ()).throw(AssertionError("drawn")))
    np.testing.assert_array_equal(families.maxent_memberships(g, fit, 4, 2, cache=tmp_path), one)  # read back
    with pytest.raises(AssertionError, match="drawn"):
        families.maxent_memberships(g, fit, 4, 3, cache=tmp_path)  # another seed: other samples
    with pytest.raises(ValueError, match="DBCM fit of this graph"):
        families.maxent_memberships(g, maxent.fit_dbcm(np.ones(3, int), np.ones(3, int)), 2, 2)

    def result(expected, n_null):  # observed 10, z 2: a null standard deviation of (10 - expected) / 2
        return inference.TestResult("s", 10.0, expected, 10.0 / expected, 2.0, 0.5, 1.5, 0.05, n_null, "toy", "less")

    hard = result(8.0, 100)  # sd 1, se 0.1
    analytic, sampled = result(8.5, 0), result(8.5, 4)  # sampled: sd 0.75, se 0.375
    assert not families.family_agreement(hard, analytic)["agree"]  # 0.5 > 3 * 0.1 + 1% of 8
    widened = families.family_agreement(hard, sampled)
    assert widened["agree"] and widened["allowed"] == pytest.approx(3 * np.hypot(0.1, 0.375) + 0.08)


def test_the_graph_statements_fits_are_the_ones_the_community_rows_draw_from(community_curve):
    """05 makes the design-aware fits once: graph_specifications keeps those without the egos' ties by set of accounts
    and community_specifications draws C4b-community's design-aware null from them."""
    graphs, table, null = community_curve[:3]
    kept = {}
    specification.graph_specifications(graphs, table, np.random.default_rng(5), 50, existence_last_id=700,
                                       include_ego=True, union=False, design_fits=kept)  # fmt: skip
    assert set(kept) == {("all accounts", False), ("accounts that existed by the 2009 crawl", False)}
    by_hand = community_curve[6]
    for key, fit in kept.items():
        assert np.array_equal(fit.d_keys, by_hand[key].d_keys)
    rows, _ = specification.community_specifications(
        graphs, null[:, 1:].astype(np.int64), 1.0, table, 3, np.random.default_rng(43), groups=4,
        existence_last_id=700, n_null=9, design_fits=kept, design_samples=5,
    )  # fmt: skip
    aware = rows[rows["null"] == "design-aware maximum entropy"]
    assert len(aware) == 2 * len(graphs) and set(aware["accounts"]) == {a for a, _ in kept}
    # without design_samples (or without fits) there are none
    rows, _ = specification.community_specifications(
        graphs, null[:, 1:].astype(np.int64), 1.0, table, 3, np.random.default_rng(43), groups=4,
        existence_last_id=700, n_null=9, design_fits=kept,
    )  # fmt: skip
    assert "design-aware maximum entropy" not in set(rows["null"])
    # then the rewiring rows are C4b-community's counted ones
    assert rows.loc[rows["null"] == "union graph, rewiring", "check"].isna().all()
