"""The design-aware tests: on graphs observed the way ego-Twitter was (random egos of a
latent max-ent graph), no class effect is not rejected and a planted one is found; the
pooled estimate, its cluster bootstrap and the ego-edge choice behave as documented.
Size and power over many graphs: ``make calibrate`` (results/calibration.json)."""

import numpy as np
import pytest
from scipy import stats

from analysis.claims import design, families
from analysis.stats import inference


def _sampled(seed, family, plant=None):
    rng = np.random.default_rng(seed)
    lg, table = design._calibration_graph(rng, family, plant, design.CALIBRATION_SETTINGS)
    return lg, table, rng


@pytest.mark.parametrize(("family", "statements"), [("dbcm", ("C2a", "C4a", "C2b-chance")),
                                                    ("rbcm", ("C2b-budget", "C5"))])  # fmt: skip
def test_on_ego_samples_of_a_graph_without_class_effects_nothing_is_found(family, statements):
    lg, table, rng = _sampled(11, family)
    found = design.design_statements(lg, rng, table, n_boot=400)
    assert found.facts["design"] == "ego" and found.facts["follows_outside_pairs"] > 0  # the egos' own follows
    for sid in statements:
        test = found.tests[sid]
        assert test.interval == "sampling" and test.n_null == 0
        assert test.p_two_sided > 0.01 and test.ci_low < 1 < test.ci_high, (sid, test)


@pytest.mark.parametrize(("family", "plant"), [("dbcm", "C4a"), ("dbcm", "C2a"), ("rbcm", "C5")])
def test_on_ego_samples_a_planted_effect_is_found_in_its_direction(family, plant):
    lg, table, rng = _sampled(12, family, plant)
    test = design.design_statements(lg, rng, table, n_boot=400).tests[plant]
    predicted = test.ci_low > 1 if test.alternative == "greater" else test.ci_high < 1
    assert predicted and test.p_value < 0.001, test


def test_without_egos_the_whole_graph_is_one_network_and_accounts_are_resampled(planted):
    found = design.design_statements(planted, np.random.default_rng(0), None, n_boot=300)
    assert found.facts["design"] == "graph" and found.facts["networks"] == 1
    c4a = found.tests["C4a"]
    assert c4a.ratio > 1.5 and c4a.ci_low > 1  # the planted fixture: 4x among its 15 most followed
    assert "the whole graph" in c4a.null_model and "accounts resampled" in c4a.null_model


def test_the_egos_own_follows_are_never_pairs_and_their_followers_count_only_when_asked():
    lg, table, rng = _sampled(13, "dbcm")
    n = lg.graph.n
    networks = design.ego_networks(lg, table)
    plain, _ = design.observable_pairs(networks, n)
    with_ego, _ = design.observable_pairs(networks, n, include_ego=True)
    extra = set(with_ego.tolist()) - set(plain.tolist())
    members_of = {int(e): set(m.tolist()) for e, m in zip(networks.ego, networks.members)}
    assert extra  # members -> their ego, where the two share no ego network otherwise
    assert all(key % n in members_of and key // n in members_of[key % n] for key in extra)
    assert not any(key // n in members_of and key % n in members_of[key // n] for key in extra)  # never ego -> member
    kept = design.design_tests(lg, rng, networks, include_ego=True, n_boot=200)
    left = design.design_tests(lg, rng, networks, include_ego=False, n_boot=200)
    assert kept.facts["follows_counted"] > left.facts["follows_counted"]
    assert "members' follows of their ego counted" in kept.tests["C4a"].null_model
    assert "the egos' own ties left out" in left.tests["C4a"].null_model
    assert "C5" in left.tests and "C5" in kept.untested  # a pair with a forced follow is outside the RBCM


def test_cluster_bootstrap_test_on_known_sums():
    rng = np.random.default_rng(0)
    expected = rng.uniform(5, 15, 200)
    null_like = rng.poisson(expected)
    result = inference.cluster_bootstrap_test("s", np.column_stack([null_like, expected]), lambda t: (t[0], t[1]),
                                              "toy", "greater", rng, n_boot=1000)  # fmt: skip
    assert result.ci_low < 1 < result.ci_high and result.p_two_sided > 0.01
    doubled = inference.cluster_bootstrap_test("s", np.column_stack([2 * null_like, expected]),
                                               lambda t: (t[0], t[1]), "toy", "greater", rng, n_boot=1000)  # fmt: skip
    assert doubled.ratio == pytest.approx(2 * result.ratio) and doubled.p_value < 1e-6 and doubled.ci_low > 1.8
    one = inference.cluster_bootstrap_test("s", [[3.0, 2.0]], lambda t: (t[0], t[1]), "toy", "greater", rng)
    assert np.isnan(one.p_value)  # a single cluster has no sampling interval
    # nothing returned anywhere, a little expected: every resample gives 0, no sampling error to test against
    flat = inference.cluster_bootstrap_test("s", [[0.0, 1e-4], [0.0, 2e-4], [0.0, 1e-4]], lambda t: (t[0], t[1]),
                                            "toy", "less", rng)  # fmt: skip
    assert flat.ratio == 0 and np.isnan(flat.p_value) and np.isnan(flat.p_two_sided)
    with pytest.raises(ValueError, match="2-d"):
        inference.cluster_bootstrap_test("s", [1.0, 2.0], lambda t: (t[0], t[1]), "toy", "greater", rng)


def test_the_cluster_test_refers_its_statistic_to_t_with_one_degree_fewer_than_the_clusters():
    few = np.array([[12.0, 10.0], [9.0, 10.0], [14.0, 10.0], [11.0, 10.0], [13.0, 10.0]])
    result = inference.cluster_bootstrap_test("s", few, lambda t: (t[0], t[1]), "toy", "two-sided",
                                              np.random.default_rng(1), n_boot=4000)  # fmt: skip
    assert result.p_two_sided == pytest.approx(2 * stats.t(4).sf(abs(result.z)))
    assert result.p_two_sided > 2 * stats.norm.sf(abs(result.z))  # wider tails than the normal with 5 clusters
    assert inference.normal_tails(2.0, "greater", df=1e9)[0] == pytest.approx(stats.norm.sf(2.0))
    with pytest.raises(ValueError, match="degrees of freedom"):
        inference.normal_tails(2.0, "greater", df=0)


def test_the_design_aware_test_decides_and_the_others_are_checks_beside_it():
    lg, table, rng = _sampled(14, "dbcm")
    aware = design.design_statements(lg, rng, table, n_boot=200)
    with_ego = design.design_statements(lg, rng, table, include_ego=True, n_boot=200)
    soft = families.maxent_union_tests(lg, ["C2a", "C4a"])["tests"]
    union = inference.TestResult("closure", 0.1, 0.05, 2.0, 3.0, 1.5, 2.5, 0.01, 99, "rewiring")
    aware.tests.pop("C2a")  # as if the design-aware test could not run for C2a
    tested = design.statement_tests(["C2a", "C4a", "C5"], aware, {"C2a": union, "C4a": union}, soft, with_ego)
    c4a, c2a = tested["C4a"], tested["C2a"]
    assert c4a.decisive is aware.tests["C4a"] and c4a.decisive_name == "design-aware"
    assert list(c4a.checks) == ["union graph, rewiring", "union graph, maximum entropy",
                                "design-aware, follows to the sampling account kept"]  # fmt: skip
    assert c2a.decisive is union and c2a.decisive_name == "union graph, rewiring"
    assert "union graph, rewiring" not in c2a.checks  # the decisive test is not its own check
    assert c4a.agreement is not None and c4a.agreement["rewiring_expected"] == union.expected
    assert "C5" in tested and tested["C5"].agreement is None  # design-aware only
    frame = design.tests_table(tested)
    first = frame.groupby("statement", sort=False).head(1).set_index("statement")["test"]
    assert first["C4a"] == "design-aware (verdict)" and first["C2a"] == "union graph, rewiring (verdict)"
    assert {"95% interval, low", "95% interval, high", "interval", "two-sided p"} <= set(frame.columns)


def test_calibration_skips_and_counts_graphs_whose_fit_does_not_converge(monkeypatch):
    from analysis.nulls import maxent

    calls = []

    def flaky(lg, rng, table, n_boot):
        calls.append(1)
        if len(calls) in (1, 4):  # the first null graph of each family
            raise maxent.NotConverged("RBCM: largest degree error 0.2 after 2000 sweeps")
        tests = {sid: inference.TestResult(sid, 1.0, 1.0, 1.0, 0.0, 0.9, 1.1, 0.5, 0, "toy", "greater", 0.5, "sampling")
                 for sid in design.STATEMENTS}  # fmt: skip
        return design.DesignTests(tests, {})

    monkeypatch.setattr(design, "design_statements", flaky)
    monkeypatch.setattr(design, "_calibration_graph", lambda rng, family, plant, settings: (None, None))
    out = design.calibrate_design(np.random.default_rng(0), n_graphs=3, n_planted=2, n_boot=10)
    assert out["not_converged"]["size"] == {"dbcm": 1, "rbcm": 1}
    assert out["not_converged"]["power"] == dict.fromkeys(design.STATEMENTS, 0)
    assert out["statements"]["C2a"]["size_graphs"] == 2 and out["statements"]["C2a"]["size"] == 0.0
    assert out["statements"]["C5"]["power_graphs"] == 2


def test_the_c2b_chance_plant_starts_from_chance_reciprocation():
    """Mutual weight x_i y_j x_j y_i makes each direction independent, as under the DBCM:
    the mutual pairs drawn match the DBCM's expectation sum p_ij p_ji (the plant then
    divides the regular-celebrity mutual odds, so follow-back falls below chance)."""
    from analysis.stats import synthetic

    rng = np.random.default_rng(12)
    x, y = design._latent_multipliers(rng, {**design.CALIBRATION_SETTINGS, "n": 400, "mean_degree": 20.0})
    counts = []
    for _ in range(20):
        src, dst = synthetic.latent_maxent_graph(rng, x, y, x * y)
        keys = set((src * 400 + dst).tolist())
        counts.append(sum((d * 400 + s) in keys for s, d in zip(src.tolist(), dst.tolist())) / 2)
    p = np.outer(x, y) / (1 + np.outer(x, y))
    np.fill_diagonal(p, 0.0)
    expected = float(np.triu(p * p.T, 1).sum())
    assert abs(np.mean(counts) - expected) < 4 * np.std(counts) / np.sqrt(len(counts)) + 0.02 * expected
    assert design._PLANTS["C2b-chance"][0] == "chance"
