"""The statements of notebook 03 (C2a, C2b-chance, C2b-budget, C5, C5-vs-regular) on
small generated graphs whose answer is known: definitions and direction by hand,
planted effects found, data drawn from each null not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.claims import catalogue, design, families, follow_back
from analysis.graph import labelled, measures
from analysis.nulls import rewiring

N_NULL = 49
SWITCHES = 10
LARGER = {"n": 400, "m": 5000, "elite_size": 20}  # enough celebrity follows for the planted C2a and C5


def _classes(*names):
    return np.array(names, dtype=object)


# ------------------------------------------------------------------ definitions, by hand


@pytest.fixture(scope="module")
def tiny():
    """Nodes 0, 1 celebrities; 2 popular; 3, 4, 5 regular.

    Regular -> celebrity: 3->0 (returned: 0->3), 4->0 (not), 5->1 (not), 3->1 (not).
    Celebrity -> celebrity: 0->1 and 1->0 (both returned). Celebrity 1 -> popular 2 (not).
    Regular -> regular: 3->4, 4->3 (returned), 4->5 (not)."""
    edges = [(3, 0), (0, 3), (4, 0), (5, 1), (3, 1), (0, 1), (1, 0), (1, 2), (3, 4), (4, 3), (4, 5)]
    src, dst = (np.array(x) for x in zip(*edges))
    return src, dst, 6, _classes("celebrity", "celebrity", "popular", "regular", "regular", "regular")


def test_pair_counts_follow_the_direction_convention(tiny):
    src, dst, n, classes = tiny
    edges, returned = follow_back.pair_counts(src, dst, n, follow_back.class_codes(classes))
    c, p, r = (labelled.CLASSES.index(x) for x in ("celebrity", "popular", "regular"))
    assert edges[r, c] == 4 and returned[r, c] == 1  # 3->0 is returned because 0 follows 3 back
    assert edges[c, r] == 1 and returned[c, r] == 1  # the same mutual pair seen from the celebrity
    assert edges[c, c] == 2 and returned[c, c] == 2
    assert edges[c, p] == 1 and returned[c, p] == 0
    assert edges[r, r] == 3 and returned[r, r] == 2
    assert edges.sum() == len(src)


def test_statistics_by_hand(tiny):
    src, dst, n, classes = tiny
    edges, returned = follow_back.pair_counts(src, dst, n, follow_back.class_codes(classes))
    assert follow_back.share_to(edges, "celebrity", "regular") == pytest.approx(1 / 4)  # 0->3 of 0->3, 0->1, 1->0, 1->2
    assert follow_back.reciprocated_share(edges, returned, "regular", "celebrity") == pytest.approx(1 / 4)
    assert follow_back.reciprocated_share(edges, returned, "celebrity", "celebrity") == 1.0
    assert np.isnan(follow_back.reciprocated_share(edges, returned, "popular", "regular"))  # no such follows
    degree = follow_back.degree_statistic(classes, n)(src, dst)
    assert degree[0] == pytest.approx(1 / 4) and degree[1] == pytest.approx(1 / 4)
    reciprocal = follow_back.reciprocal_statistic(classes, n)(src, dst)
    assert len(reciprocal) == len(follow_back.FOLLOW_BACK_PAIRS) + 1
    assert reciprocal[0] == pytest.approx(1 / 4) and reciprocal[1] == 1.0
    assert reciprocal[-1] == pytest.approx(1.0 / (2 / 3))  # celebrity share over regular -> regular share
    # the share of celebrity follows to regular accounts is a row of the attention matrix
    attention = measures.attention_matrix(src, dst, classes)
    assert attention.loc["celebrity", "regular"] == pytest.approx(degree[0])


def test_unknown_classes_are_refused():
    with pytest.raises(ValueError, match="not among"):
        follow_back.class_codes(_classes("celebrity", "fan"))


def test_statements_and_directions_are_the_catalogues():
    """03 tests the catalogue's tested statements of 03 and describes its direct comparisons."""
    tested = [s.id for s in catalogue.statements_of(notebook="03-follow-back") if s.kind == "test"]
    assert sorted(follow_back.STATEMENTS) == sorted(tested)
    assert set(follow_back.DEGREE_STATEMENTS) == {s for s in tested if families.REWIRING_MODEL[s] == "degree"}
    assert all(catalogue.statement(s).kind == "descriptive" for s in design.DIRECT_STATEMENTS)


# ------------------------------------------------------------------ planted effects and null data


def _run(src, dst, n, classes, seed, models=("degree", "reciprocal")):
    return follow_back.follow_back_tests(src, dst, n, classes, np.random.default_rng(seed), N_NULL, SWITCHES, models)


def test_celebrities_who_never_return_fans_are_found_by_both_c2b_tests():
    src, dst, classes = follow_back.follow_back_graph(np.random.default_rng(1), returned=0.0)
    found = _run(src, dst, 200, classes, 2)
    assert set(found.tests) == set(follow_back.STATEMENTS) and not found.untested
    for statement_id in ("C2b-chance", "C2b-budget"):
        result = found.tests[statement_id]
        assert result.alternative == catalogue.statement(statement_id).direction == "less"
        assert result.observed == 0.0 and result.ratio == 0.0 and result.ci_high < 1
        assert result.p_value == pytest.approx(1 / (N_NULL + 1))
        assert result.p_two_sided == pytest.approx(2 / (N_NULL + 1))
        row = catalogue.claim_row(statement_id, result, "generated graph")
        verdict = catalogue.statement_verdict(row["effect"], row["ci_low"], row["ci_high"], row["p_value"], "less")
        assert verdict == catalogue.SUPPORTED
    assert found.facts["regular_to_celebrity_returned"] == 0 < found.facts["regular_to_celebrity"]


def test_celebrities_who_return_each_other_more_are_found_by_c5():
    src, dst, classes = follow_back.follow_back_graph(np.random.default_rng(3), reciprocity=0.2, among=4.0, **LARGER)
    found = _run(src, dst, 400, classes, 4, models=("reciprocal",))
    for statement_id in ("C5", "C5-vs-regular"):
        result = found.tests[statement_id]
        assert result.alternative == "greater" and result.ratio > 1 and result.rejects()
        catalogue.claim_row(statement_id, result, "generated graph")
    assert "C2a" not in found.tests and "C2b-chance" not in found.tests  # the degree ensemble was not run


def test_a_closed_elite_sends_fewer_follows_to_regular_accounts_c2a():
    src, dst, classes = follow_back.follow_back_graph(np.random.default_rng(5), closure=10.0, **LARGER)
    found = _run(src, dst, 400, classes, 6, models=("degree",))
    result = found.tests["C2a"]
    assert result.alternative == "less" and result.ratio < 1 and result.rejects()
    assert result.observed == pytest.approx(measures.attention_matrix(src, dst, classes).loc["celebrity", "regular"])


@pytest.mark.parametrize("model", ["degree", "reciprocal"])
def test_graphs_drawn_from_each_null_are_not_rejected(model):
    statements = follow_back.DEGREE_STATEMENTS if model == "degree" else follow_back.RECIPROCAL_STATEMENTS
    rejected = dict.fromkeys(statements, 0)
    rng = np.random.default_rng(7)
    for _ in range(4):
        src, dst, classes = follow_back.follow_back_graph(rng)
        src, dst = rewiring.REWIRERS[model](src, dst, 200, rng, switches_per_edge=SWITCHES)
        found = follow_back.follow_back_tests(src, dst, 200, classes, rng, 19, SWITCHES, models=(model,))
        assert set(found.tests) == set(statements)
        for statement_id in statements:
            rejected[statement_id] += found.tests[statement_id].rejects()
    assert all(count <= 1 for count in rejected.values()), rejected


def test_follow_back_far_above_chance_is_significant_the_other_way_c2b_chance():
    """Follows are returned at random with probability 0.3, far above chance: C2b-chance's
    one-sided p (predicted: less) is large, its directional two-sided p small, so the
    verdict rule calls it contradicted."""
    src, dst, classes = follow_back.follow_back_graph(np.random.default_rng(8))
    found = _run(src, dst, 200, classes, 9, models=("degree",))
    chance = found.tests["C2b-chance"]
    assert chance.ratio > 1.25 and chance.p_value > 0.5 and chance.ci_low > 1
    assert chance.p_opposite == pytest.approx(1 / (N_NULL + 1))
    assert chance.p_two_sided == pytest.approx(2 / (N_NULL + 1))
    row = catalogue.claim_row("C2b-chance", chance, "generated graph")
    verdict = catalogue.statement_verdict(row["effect"], row["ci_low"], row["ci_high"], row["p_value"], "less")
    assert verdict == catalogue.CONTRADICTED


# ------------------------------------------------------------------ what cannot be tested; the per-pair table


def test_statements_without_their_follows_are_untested_with_a_reason():
    """Celebrities 0, 1 follow no one and nobody follows between them; regular accounts follow them."""
    edges = [(2, 0), (3, 0), (4, 1), (2, 3), (3, 2), (3, 4), (4, 5), (5, 4), (5, 2)]
    src, dst = (np.array(x) for x in zip(*edges))
    classes = _classes("celebrity", "celebrity", "regular", "regular", "regular", "regular")
    found = _run(src, dst, 6, classes, 10)
    assert set(found.tests) == {"C2b-chance", "C2b-budget"}
    assert set(found.untested) == {"C2a", "C5", "C5-vs-regular"}
    assert "celebrities follow no one" in found.untested["C2a"]
    assert "celebrity → celebrity" not in found.table["pair"].tolist()


def test_the_table_rows_that_test_a_statement_match_the_statement():
    src, dst, classes = follow_back.follow_back_graph(np.random.default_rng(11), returned=0.3)
    found = _run(src, dst, 200, classes, 12)
    table = found.table.set_index("pair")
    for statement_id, pair in (("C2b-budget", "regular → celebrity"), ("C5", "celebrity → celebrity")):
        result = found.tests[statement_id]
        assert table.loc[pair, "statement"] == statement_id
        assert table.loc[pair, "p_value"] == result.p_value and table.loc[pair, "effect"] == result.ratio
    assert table.loc["regular → celebrity", "chance"] == pytest.approx(found.tests["C2b-chance"].expected)
    assert ((table["null_low"] <= table["expected"]) & (table["expected"] <= table["null_high"])).all()
    assert (table["returned"] <= table["edges"]).all()


def test_follow_back_by_class_keeps_its_table():
    src, dst, classes = follow_back.follow_back_graph(np.random.default_rng(13))
    ids = np.arange(200) + 1000
    graph = measures.index_edges(pd.DataFrame({"follower": ids[src], "followee": ids[dst]}), extra_ids=ids)
    lg = labelled.LabelledGraph("generated", graph, classes, classes == "celebrity", "generated")
    table, results = follow_back.follow_back_by_class(lg, np.random.default_rng(14), 9, SWITCHES)
    assert list(table.columns[:4]) == ["pair", "edges", "returned", "observed"]
    assert {"expected", "null_low", "null_high", "effect", "ci_low", "ci_high", "p_value", "alternative"} <= set(table)
    assert set(results) == {tuple(p.split(" → ")) for p in table["pair"]}
    assert results[("regular", "celebrity")].alternative == "less"


# ------------------------------------------------------------------ the generator and the calibration


def test_generator_plants_what_it_says():
    rng = np.random.default_rng(15)
    src, dst, classes = follow_back.follow_back_graph(rng, returned=0.0)
    assert len(set(zip(src.tolist(), dst.tolist()))) == len(src) and not (src == dst).any()
    edges, returned = follow_back.pair_counts(src, dst, 200, follow_back.class_codes(classes))
    r, c = labelled.CLASSES.index("regular"), labelled.CLASSES.index("celebrity")
    assert returned[r, c] == 0 and returned[c, r] == 0 and edges[r, c] > 0
    assert pd.Series(classes).value_counts().to_dict() == {"regular": 170, "popular": 20, "celebrity": 10}


def test_calibration_returns_rates_for_every_statement():
    out = follow_back.calibrate_follow_back(np.random.default_rng(16), n_graphs=2, n_null=9)
    rates = ("size", "size_two_sided", "power", "power_two_sided")
    assert all(set(out[name]) == set(follow_back.STATEMENTS) for name in rates)
    assert all(0 <= rate <= 1 for name in rates for rate in out[name].values())
    assert out["exact_size"] == pytest.approx(0.0)  # with 9 null samples no p-value is below 0.05
    assert out["testable"] == dict.fromkeys(follow_back.STATEMENTS, 2)
    assert out["planted"] == {"returned": 0.0, "closure": 3.0, "among": 3.0}
