"""The design-aware tests: on graphs observed the way ego-Twitter was (random egos of a
latent max-ent graph), no class effect is not rejected and a planted one is found; the
pooled estimate, its cluster bootstrap and the ego-edge choice behave as documented.
Size and power over many graphs: ``make calibrate`` (results/calibration.json)."""

import json

import numpy as np
import pytest
from scipy import stats

from analysis.claims import design, families
from analysis.graph import measures
from analysis.nulls import maxent
from analysis.stats import inference, synthetic


def _sampled(seed, family, plant=None):
    rng = np.random.default_rng(seed)
    lg, table = design._calibration_graph(rng, family, plant, design.CALIBRATION_SETTINGS)
    return lg, table, rng


@pytest.mark.parametrize(("family", "statements"), [("dbcm", ("C2a", "C4a", "C2b-chance")),
                                                    ("rbcm", ("C2b-budget", "C5"))])  # fmt: skip
def test_on_ego_samples_of_a_graph_without_class_effects_nothing_is_found(family, statements):
    lg, table, rng = _sampled(11, family)
    found = design.design_statements(lg, rng, table, n_boot=400, dyadic=True)
    assert found.facts["design"] == "ego" and found.facts["follows_outside_pairs"] > 0  # the egos' own follows
    for sid in statements:
        test = found.tests[sid]
        assert test.interval == "sampling" and test.n_null == 0
        assert test.p_two_sided > 0.01 and test.ci_low < 1 < test.ci_high, (sid, test)
        # the dyadic-robust test counts the same pairs: the same effect, another error
        dyadic = found.dyadic[sid]
        assert dyadic.ratio == pytest.approx(test.ratio) and dyadic.interval == "sampling", (sid, dyadic)
        assert dyadic.ci_low < 1 < dyadic.ci_high, (sid, dyadic)


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
    aware = design.design_statements(lg, rng, table, n_boot=200, dyadic=True)
    with_ego = design.design_statements(lg, rng, table, include_ego=True, n_boot=200)
    soft = families.maxent_union_tests(lg, ["C2a", "C4a"])["tests"]
    union = inference.TestResult("closure", 0.1, 0.05, 2.0, 3.0, 1.5, 2.5, 0.01, 99, "rewiring")
    aware.tests.pop("C2a")  # as if the design-aware test could not run for C2a
    tested = design.statement_tests(["C2a", "C4a", "C5"], aware, {"C2a": union, "C4a": union}, soft, with_ego)
    c4a, c2a = tested["C4a"], tested["C2a"]
    assert c4a.decisive is aware.tests["C4a"] and c4a.decisive_name == "design-aware"
    assert list(c4a.checks) == ["design-aware, dyadic-robust error", "union graph, rewiring",
                                "union graph, maximum entropy", "design-aware, follows to the sampling account kept"]  # fmt: skip
    dyadic = c4a.checks["design-aware, dyadic-robust error"]
    assert dyadic is aware.dyadic["C4a"] and dyadic.ratio == pytest.approx(c4a.decisive.ratio)  # one effect, two errors
    assert c2a.decisive is union and c2a.decisive_name == "union graph, rewiring"
    assert "union graph, rewiring" not in c2a.checks  # the decisive test is not its own check
    assert "design-aware, dyadic-robust error" not in c2a.checks  # a check of the design-aware verdict only
    # the caveat on the p-values stands where the dyadic check does: a design-aware verdict on ego networks
    assert design.design_caveats(c4a.decisive_name, table) == f"{design.CAVEAT} {design.BEYOND_MODEL_CAVEAT}"
    assert design.design_caveats(c4a.decisive_name, None) == design.design_caveats(c2a.decisive_name, table)
    assert design.design_caveats(c2a.decisive_name, table) == design.CAVEAT
    assert c4a.agreement is not None and c4a.agreement["rewiring_expected"] == union.expected
    assert "C5" in tested and tested["C5"].agreement is None  # design-aware only
    frame = design.tests_table(tested)
    first = frame.groupby("statement", sort=False).head(1).set_index("statement")["test"]
    assert first["C4a"] == "design-aware (verdict)" and first["C2a"] == "union graph, rewiring (verdict)"
    assert {"95% interval, low", "95% interval, high", "interval", "two-sided p"} <= set(frame.columns)


def test_calibration_skips_and_counts_graphs_whose_fit_does_not_converge(monkeypatch):
    from analysis.nulls import maxent

    calls = []

    def flaky(lg, rng, table, n_boot, dyadic=False):
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


def test_the_dyadic_power_reads_the_dyadic_tests_of_the_planted_graphs(monkeypatch):
    """calibrate_dyadic_power asks for the dyadic-robust tests and counts theirs, not the
    verdicts' tests: here the dyadic test rejects in the predicted direction and the
    clustered one does not, so the power is 1; a fit that fails is skipped and counted."""
    calls = []

    def test(ratio, p):
        return inference.TestResult("s", 1.0, 1.0, ratio, 0.0, 0.9, 1.1, p, 0, "toy", "greater", 1.0, "sampling")

    def fake(lg, rng, table, n_boot=0, dyadic=False):
        calls.append(dyadic)
        if len(calls) == 2:
            raise maxent.NotConverged("RBCM: largest degree error 0.2 after 2000 sweeps")
        weak = {sid: test(1.0, 0.5) for sid in design.STATEMENTS}
        return design.DesignTests(weak, {}, dyadic={sid: test(2.0, 1e-6) for sid in design.STATEMENTS})

    monkeypatch.setattr(design, "design_statements", fake)
    monkeypatch.setattr(design, "_calibration_graph", lambda rng, family, plant, settings: (None, None))
    out = design.calibrate_dyadic_power(np.random.default_rng(0), n_planted=3, n_boot=10)
    assert all(calls)  # every fit asked for the dyadic-robust tests
    assert out["not_converged"]["C2a"] == 1 and out["statements"]["C2a"]["power_graphs"] == 2
    assert out["settings"]["error"] == "dyadic-robust"
    assert all(found["power"] == 1.0 for found in out["statements"].values())


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


@pytest.mark.slow  # three fitted 3,000-account graphs: out of the fast tier
def test_the_direct_share_comparison_is_the_ratio_of_the_counted_shares_and_finds_a_planted_one():
    """C5-shares: the reciprocated share of the counted celebrity -> celebrity follows over
    that of the counted regular -> regular follows; equal reciprocation on average (accounts
    differing in their propensity) is not rejected, celebrity pairs three times as often
    mutual are."""
    rng = np.random.default_rng(31)
    settings = {**design.CALIBRATION_SETTINGS, **design.SHARE_SETTINGS}
    lg, table = design._equal_share_graph(rng, settings)
    found = design.design_statements(lg, rng, table, n_boot=400)
    test = found.described["C5-shares"]
    assert "C5-shares" not in found.tests  # described, not a verdict
    assert test.interval == "sampling" and "returned equally often" in test.null_model
    assert (
        0 < test.observed < 1 and 0 < test.expected < 1 and test.ratio == pytest.approx(test.observed / test.expected)
    )
    assert test.ci_low < 1 < test.ci_high and test.p_two_sided > 0.01, test
    lg3, table3 = design._equal_share_graph(rng, settings, 3.0)
    planted = design.design_statements(lg3, rng, table3, n_boot=400)
    assert planted.described["C5-shares"].ci_low > 1 and planted.described["C5-shares"].p_two_sided < 0.02
    assert "C5-shares" in design.design_statements(lg, rng, table, include_ego=True, n_boot=100).untested


def test_the_share_comparison_counts_by_hand_on_a_whole_graph():
    """Without ego networks: celebrities 0-3, regular 4-9. Celebrity follows 0 <-> 1, 2 <-> 3
    mutual and 1 -> 2 one way (4 of 5 returned); regular 4 <-> 5 mutual, 6 -> 7, 7 -> 8,
    8 -> 4, 9 -> 4 (2 of 6 returned); 9 -> 0 a follow across the classes."""
    from analysis.graph import measures
    from analysis.graph.labelled import LabelledGraph

    src = np.array([0, 1, 2, 3, 1, 4, 5, 6, 7, 8, 9, 9])
    dst = np.array([1, 0, 3, 2, 2, 5, 4, 7, 8, 4, 4, 0])
    classes = np.array(["celebrity"] * 4 + ["regular"] * 6)
    lg = LabelledGraph("toy", measures.Graph(src, dst, np.arange(10)), classes, classes == "celebrity", "toy")
    test = design.design_statements(lg, np.random.default_rng(0), n_boot=200).described["C5-shares"]
    assert test.observed == pytest.approx(4 / 5) and test.expected == pytest.approx(2 / 6)
    assert test.ratio == pytest.approx((4 / 5) / (2 / 6))
    # the four celebrities carry the celebrity share: t with 3 degrees of freedom, two-sided (described)
    assert test.p_two_sided == pytest.approx(2 * stats.t(3).sf(abs(test.z)))


def test_the_dyadic_share_test_on_known_counts():
    """Four accounts, six follows (three returned): the share 1/2 against a reference 1/4 is
    an effect of 2; the dyadic-robust variance by hand; t with 3 degrees of freedom."""
    src, dst = np.array([0, 1, 2, 3, 0, 2]), np.array([1, 0, 3, 2, 2, 1])
    returned = np.array([1, 1, 0, 0, 1, 0], dtype=float)
    test = inference.dyadic_share_test("s", src, dst, returned, 0.25, "toy", "greater")
    assert (test.observed, test.expected, test.ratio) == (0.5, 0.25, 2.0) and test.interval == "sampling"
    # units (pairs): {0,1} e = 1, {2,3} e = -1, {0,2} e = 0.5, {1,2} e = -0.5
    # per account: S0 = 1.5, S1 = 0.5, S2 = -1, S3 = -1; sum S^2 = 4.5, sum e_u^2 = 2.5: the dyadic sum
    # 4.5 - 2.5 = 2 falls below the units' own 2.5, the floor
    se_log = np.sqrt(2.5 / 36) / 0.5
    assert test.z == pytest.approx(np.log(2) / se_log) and test.p_value == pytest.approx(stats.t(3).sf(test.z))
    half = stats.t(3).ppf(0.975) * se_log
    # above the floor: two celebrities' follows all returned, two others' none (their pairs disjoint)
    src2, dst2 = np.array([0, 1, 0, 2, 1, 3]), np.array([1, 0, 2, 0, 3, 1])
    kept = inference.dyadic_share_test("s", src2, dst2, np.array([1, 1, 0, 0, 0, 0.0]), 0.25, "toy", "greater")
    assert np.isfinite(kept.z)
    assert (test.ci_low, test.ci_high) == (pytest.approx(2 * np.exp(-half)), pytest.approx(2 * np.exp(half)))
    assert np.isnan(inference.dyadic_share_test("s", [0], [1], [1.0], 0.5, "toy", "greater").p_value)  # all returned
    assert np.isnan(inference.dyadic_share_test("s", src, dst, returned, 0.0, "toy", "greater").p_value)
    with pytest.raises(ValueError, match="one length"):
        inference.dyadic_share_test("s", src, dst[:3], returned, 0.25, "toy", "greater")


def test_the_dyadic_variance_and_ratio_test_on_known_units():
    """Units (pairs of accounts) sharing an account covary, others not; the two directions
    of one pair are one unit; a sum below the floor is floored there (the units' own
    variance, or the one-way variance over the accounts the units are credited to). The
    ratio test: sum O / sum E, se of the log sqrt(V) / sum O, t with one degree fewer than
    the side with fewer accounts."""
    # e: {0,1} 1, {1,2} 2, {3,4} -1 -> S = 1, 3, 2, -1, -1: 16 - 6 = 10 (= 6 + 2 * 1 * 2)
    assert inference.dyadic_variance([0, 1, 3], [1, 2, 4], [1.0, 2.0, -1.0]) == (10.0, 5)
    assert inference.dyadic_variance([0, 1], [1, 0], [1.0, 2.0]) == (9.0, 2)  # one unordered pair: 3^2
    assert inference.dyadic_variance([0, 1], [1, 2], [1.0, -1.0]) == (2.0, 3)  # 2 - 2 = 0, floored at 2
    assert inference.dyadic_variance([0, 1], [1, 2], [1.0, -1.0], credited=[7, 7]) == (0.0, 3)  # (1 - 1)^2
    assert inference.dyadic_variance([0, 1], [1, 2], [1.0, 1.0], credited=[7, 7])[0] == 4.0  # 6 - 2, at the floor
    first, second = np.array([0, 0, 1, 1, 2]), np.array([3, 4, 3, 5, 4])
    observed, expected = np.array([1.0, 0, 1, 1, 0]), np.array([0.5, 0.5, 0.5, 0.5, 0.5])
    # e = 0.4, -0.6, 0.4, 0.4, -0.6; S = -0.2, 0.8, -0.6 (followers), 0.8, -1.2, 0.4 (followees): 3.28 - 1.2 = 2.08;
    # credited to the followers, the floor is 0.04 + 0.64 + 0.36 = 1.04; to the followees, 0.64 + 1.44 + 0.16 = 2.24
    residual = observed - 1.2 * expected
    assert inference.dyadic_variance(first, second, residual, first)[0] == pytest.approx(2.08)
    assert inference.dyadic_variance(first, second, residual, second)[0] == pytest.approx(2.24)
    test = inference.dyadic_ratio_test("r", (first, second, observed, expected, first), "toy", "greater")
    assert (test.observed, test.expected, test.ratio) == (3.0, 2.5, 1.2) and test.interval == "sampling"
    se_log = np.sqrt(2.08) / 3.0
    assert test.z == pytest.approx(np.log(1.2) / se_log)
    assert test.p_value == pytest.approx(stats.t(2).sf(test.z))  # three distinct followees, three followers: df 2
    half = stats.t(2).ppf(0.975) * se_log
    assert (test.ci_low, test.ci_high) == (pytest.approx(1.2 * np.exp(-half)), pytest.approx(1.2 * np.exp(half)))
    # a ratio of ratios: the variances of the two logs add; units sharing an account are refused
    reference = (np.array([10, 11]), np.array([11, 12]), np.array([1.0, 0.0]), np.array([0.25, 0.25]),
                 np.array([10, 11]))  # fmt: skip
    both = inference.dyadic_ratio_test("r", (first, second, observed, expected, first), "toy", "two-sided", reference)
    ref_var, _ = inference.dyadic_variance(reference[0], reference[1], reference[2] - 2.0 * reference[3], reference[4])
    assert (both.observed, both.expected, both.ratio) == (1.2, 2.0, pytest.approx(0.6))
    assert both.z == pytest.approx(np.log(0.6) / np.sqrt(se_log**2 + ref_var / 1.0))
    with pytest.raises(ValueError, match="share accounts"):
        inference.dyadic_ratio_test("r", (first, second, observed, expected, first), "toy", "greater",
                                    (np.array([0]), np.array([9]), np.array([1.0]), np.array([1.0]), np.array([0])))  # fmt: skip
    one = ([0], [1], [1.0], [1.0], [0])
    assert np.isnan(inference.dyadic_ratio_test("r", one, "toy", "greater").p_value)  # one account a side
    lone = (np.array([10, 10]), np.array([11, 11]), np.array([1.0, 0.0]), np.array([0.5, 0.5]), np.array([10, 10]))
    alone = inference.dyadic_ratio_test("r", (first, second, observed, expected, first), "toy", "greater", lone)
    assert np.isnan(alone.p_value)  # a reference of one pair has no error of its own to add
    empty = (first, second, 0 * observed, expected, first)
    assert np.isnan(inference.dyadic_ratio_test("r", empty, "toy", "less").p_value)  # nothing observed


def test_the_dyadic_error_keeps_an_accounts_follows_together():
    """Celebrities differ in how often they follow back, as a whole: the follows' binomial
    error (as if independent) understates the spread that the dyadic-robust error keeps."""
    rng = np.random.default_rng(6)
    accounts = 20
    propensity = rng.uniform(0.05, 0.95, accounts)
    i, j = np.triu_indices(accounts, 1)
    back = rng.random(len(i)) < propensity[i] * propensity[j] / propensity.mean()
    src, dst = np.concatenate([i, j[back]]), np.concatenate([j, i[back]])
    returned = np.concatenate([back, np.ones(back.sum(), dtype=bool)]).astype(float)
    test = inference.dyadic_share_test("s", src, dst, returned, returned.mean(), "toy", "greater")
    share = returned.mean()
    binomial_se_log = np.sqrt(share * (1 - share) / len(returned)) / share
    assert abs(np.log(test.ci_high / test.ci_low)) > 1.5 * 2 * 1.96 * binomial_se_log


@pytest.mark.slow  # a fitted 3,000-account graph: out of the fast tier
def test_the_fit_rows_name_each_fit_with_its_error_tolerance_and_time():
    lg, table, rng = _sampled(15, "rbcm")
    found = design.design_statements(lg, rng, table, n_boot=50)
    soft = families.maxent_union_tests(lg, ["C5"])["fits"]
    rows = design.fit_rows(found.facts, soft)
    assert [r["fit"] for r in rows] == ["design-aware DBCM (structural zeros)", "design-aware RBCM (structural zeros)",
                                        "union graph RBCM"]  # fmt: skip
    assert all(r["largest degree error"] < r["tolerance"] and r["iterations"] > 0 and r["solve time (s)"] >= 0
               for r in rows)  # fmt: skip
    assert rows[0]["tolerance"] == design.DESIGN_TOL and rows[-1]["tolerance"] == design.maxent.DEFAULT_TOL
    assert design.fit_rows({"tolerance": 1e-6}) == []  # a whole-graph design keeps no fits


def test_beyond_model_tastes_keep_every_pairs_probability_on_average_and_move_each_accounts_class_degrees():
    """The beyond-model tastes (``design._beyond_model_probabilities``): signs per account
    and class of the other end, so an account's expected follows toward a class move with
    its own taste, at either end; linear in the signs, so over a taste and its opposite
    every pair's probability (each RBCM state's too) is the null's exactly and no class
    pair gains; every probability stays in [0, 1] at the largest amplitude."""
    rng = np.random.default_rng(3)
    settings = {**design.CALIBRATION_SETTINGS, "n": 400, "mean_degree": 30.0, "elite_size": 20}
    x, y = design._latent_multipliers(rng, settings)
    side = np.zeros(len(x), dtype=np.int64)
    side[:20] = 1
    tastes = design._propensities(rng, len(x))
    assert set(np.unique(np.concatenate([t.ravel() for t in tastes.values()]))) == {-1.0, 1.0}
    opposite = {kind: -t for kind, t in tastes.items()}
    z = np.sqrt(settings["reciprocity"] * x * y)
    null = design._beyond_model_probabilities(x, y, None, side, tastes, 0.0)
    moved = design._beyond_model_probabilities(x, y, None, side, tastes, 1.0)
    back = design._beyond_model_probabilities(x, y, None, side, opposite, 1.0)
    np.testing.assert_allclose((moved + back) / 2, null, atol=1e-15)
    assert moved.min() >= 0 and moved.max() <= 1 and np.abs(moved - null).max() > 0.01
    # an account whose taste toward celebrities is +1 follows them more than the null says, one with -1 less
    toward_elite = moved[:, side == 1].sum(axis=1) / null[:, side == 1].sum(axis=1)
    regular = side == 0
    assert (
        toward_elite[regular & (tastes["send"][:, 1] > 0)].min()
        > 1
        > toward_elite[regular & (tastes["send"][:, 1] < 0)].max()
    )
    states_null = design._beyond_model_probabilities(x, y, z, side, tastes, 0.0)
    states = design._beyond_model_probabilities(x, y, z, side, tastes, 1.0)
    states_back = design._beyond_model_probabilities(x, y, z, side, opposite, 1.0)
    for k in (2, 3, 4):
        np.testing.assert_allclose((states[k] + states_back[k]) / 2, states_null[k], atol=1e-15)
    total = states[2] + states[3] + states[4]
    assert min(s.min() for s in states[2:]) >= 0 and total.max() <= 1 + 1e-12
    # with no amplitude, the null family's graph as before (the same draws)
    small = {**settings, "n": 300, "mean_degree": 10.0, "elite_size": 10}
    plain = design._calibration_graph(np.random.default_rng(5), "dbcm", None, small)[0].graph
    zero = design._calibration_graph(np.random.default_rng(5), "dbcm", None, {**small, "propensity_spread": 0.0})
    np.testing.assert_array_equal(plain.src, zero[0].graph.src)
    np.testing.assert_array_equal(plain.dst, zero[0].graph.dst)
    with pytest.raises(ValueError, match="plant"):
        design._calibration_graph(rng, "dbcm", "C4a", {**small, "propensity_spread": 1.0})
    for family in ("dbcm", "rbcm"):
        lg, table = design._calibration_graph(rng, family, None, {**small, "propensity_spread": 1.0})
        assert lg.graph.m > 0 and len(table) > 0


def test_a_variance_floor_sets_the_error_of_the_cluster_test_and_of_the_dyadic_test_when_it_is_larger():
    """``least_variance`` bounds the variance of ``observed - expected`` from below: the
    cluster test's standard error becomes ``sqrt(V) / expected`` and its interval widens
    by the same factor on the log scale; below the bootstrap's it changes nothing."""
    rng = np.random.default_rng(0)
    expected = rng.uniform(5, 15, 60)
    parts = np.column_stack([rng.poisson(expected * 1.1), expected])
    split = lambda t: (t[0], t[1])
    plain = inference.cluster_bootstrap_test("s", parts, split, "toy", "greater", np.random.default_rng(1), n_boot=800)
    total = parts[:, 1].sum()
    se = (plain.ratio - 1) / plain.z
    small = inference.cluster_bootstrap_test("s", parts, split, "toy", "greater", np.random.default_rng(1),
                                             n_boot=800, least_variance=(0.5 * se * total) ** 2)  # fmt: skip
    assert (small.z, small.ci_low, small.ci_high) == (plain.z, plain.ci_low, plain.ci_high)
    floored = inference.cluster_bootstrap_test("s", parts, split, "toy", "greater", np.random.default_rng(1),
                                               n_boot=800, least_variance=(3 * se * total) ** 2)  # fmt: skip
    assert floored.ratio == plain.ratio and floored.z == pytest.approx(plain.z / 3)
    assert np.log(floored.ratio / floored.ci_low) == pytest.approx(3 * np.log(plain.ratio / plain.ci_low))
    assert np.log(floored.ci_high / floored.ratio) == pytest.approx(3 * np.log(plain.ci_high / plain.ratio))
    with pytest.raises(ValueError, match="variance"):
        inference.cluster_bootstrap_test("s", parts, split, "toy", "greater", rng, least_variance=-1.0)
    # an interval that reaches 0 (few clusters, one counting nothing observed) widens linearly, floor still set
    sparse = np.array([[0.0, 4.0], [1.0, 3.0], [3.0, 2.0]])
    thin = inference.cluster_bootstrap_test("s", sparse, split, "toy", "less", np.random.default_rng(2), n_boot=800)
    assert thin.ci_low == 0
    wide = inference.cluster_bootstrap_test("s", sparse, split, "toy", "less", np.random.default_rng(2), n_boot=800,
                                            least_variance=(3 * (1 - thin.ratio) / thin.z * 9) ** 2)  # fmt: skip
    assert wide.z == pytest.approx(thin.z / 3) and wide.ci_high - wide.ratio == pytest.approx(
        3 * (thin.ci_high - thin.ratio)
    )
    first, second = np.array([0, 0, 1, 1, 2]), np.array([3, 4, 3, 5, 4])
    units = (first, second, np.array([1.0, 0, 1, 1, 0]), np.full(5, 0.5), first)  # V = 2.08 (the test above)
    test = inference.dyadic_ratio_test("r", units, "toy", "greater", least_variance=9.0)
    assert test.z == pytest.approx(np.log(1.2) / (3.0 / 3.0))  # se of the log sqrt(9) / sum O
    assert inference.dyadic_ratio_test("r", units, "toy", "greater", least_variance=1.0).z == pytest.approx(
        np.log(1.2) / (np.sqrt(2.08) / 3.0)
    )


def _small_rbcm(seed, n, scale):
    rng = np.random.default_rng(seed)
    x, y = rng.lognormal(scale, 0.8, n), rng.lognormal(scale, 0.8, n)
    x, y = x[np.argsort(-y)], np.sort(y)[::-1]  # the most followed are the celebrities
    src, dst = synthetic.latent_maxent_graph(rng, x, y, np.sqrt(2 * x * y))
    classes = np.where(np.arange(n) < n // 10, "celebrity", "regular")
    return rng, maxent.fit_rbcm(src, dst, n), classes


def _budget_total(fit, classes, first, second, theta=None):
    """Expected counted follows' returns minus expected returns under multipliers
    ``exp(theta)`` for ``q`` while the follows keep the fit's probabilities: the C2b-budget
    total's expectation as a function of the parameters its expectations are computed with."""
    x, y, z = (fit.x, fit.y, fit.z) if theta is None else np.exp(theta)
    celeb, regular = classes == "celebrity", classes == "regular"
    forward = regular[first] & celeb[second]
    p, c = np.where(forward, first, second), np.where(forward, second, first)
    keep = forward | (regular[second] & celeb[first])
    p, c = p[keep], c[keep]
    followed = (fit.x[p] * fit.y[c] + fit.z[p] * fit.z[c]) / (
        1 + fit.x[p] * fit.y[c] + fit.x[c] * fit.y[p] + fit.z[p] * fit.z[c]
    )
    with np.errstate(invalid="ignore"):
        q = np.nan_to_num(z[p] * z[c] / (z[p] * z[c] + x[p] * y[c]))
    return followed, q, (followed * q).sum()


def test_the_budget_variance_is_v0_less_what_the_fit_takes_out_computed_by_finite_differences():
    """Independent of the conjugate gradients: ``J`` as a dense matrix (its product is
    checked against the expected degrees' derivative in ``tests/test_maxent.py``), ``g``
    as the numerical derivative of the expected returns, ``V0 - g' J^+ g`` by dense
    algebra; equal for the modelled pairs given explicitly and for every pair (accounts
    grouped by their multipliers)."""
    _, fit, classes = _small_rbcm(2, 40, -1.0)
    n = len(classes)
    first, second = np.triu_indices(n, 1)
    theta = np.log(np.stack([fit.x, fit.y, fit.z]))
    information = maxent.RBCMInformation(fit, first, second)
    step = 1e-6
    jacobian, gradient = np.zeros((3 * n, 3 * n)), np.zeros(3 * n)
    for k in range(3 * n):
        unit, up, down = np.zeros((3, n)), theta.copy(), theta.copy()
        unit.flat[k], up.flat[k], down.flat[k] = 1.0, theta.flat[k] + step, theta.flat[k] - step
        jacobian[:, k] = information.product(unit).ravel()
        gradient[k] = -(_budget_total(fit, classes, first, second, up)[2]
                        - _budget_total(fit, classes, first, second, down)[2]) / (2 * step)  # fmt: skip
    followed, q, _ = _budget_total(fit, classes, first, second)
    by_hand = (followed * q * (1 - q)).sum() - gradient @ np.linalg.pinv(jacobian, rcond=1e-10) @ gradient
    assert 0 < by_hand < (followed * q * (1 - q)).sum()
    assert design.budget_variance(fit, classes, first * n + second) == pytest.approx(by_hand, rel=1e-5)
    assert design.budget_variance(fit, classes) == pytest.approx(by_hand, rel=1e-5)
    assert design.budget_variance(None, classes) == 0.0
    assert design.budget_variance(fit, np.full(n, "regular")) == 0.0  # no celebrity: no such pair


@pytest.mark.slow  # over 1.5 s: in make test, not in the fast tier
def test_the_budget_variance_is_the_variance_of_the_total_across_refits_of_graphs_drawn_from_the_fit():
    rng, fit, classes = _small_rbcm(1, 150, -2.0)
    n = len(classes)
    celeb, regular = classes == "celebrity", classes == "regular"
    totals = []
    for _ in range(400):
        src, dst = synthetic.latent_maxent_graph(rng, fit.x, fit.y, fit.z)
        refit = maxent.fit_rbcm(src, dst, n)
        chosen = regular[src] & celeb[dst]
        returned = np.isin(src[chosen] * n + dst[chosen], dst * n + src)
        totals.append((returned - maxent.conditional_reciprocation(refit, src[chosen], dst[chosen])).sum())
    # first order: the spread of refitted totals, not V0 (the multipliers known), which is 4 times larger
    followed, q, _ = _budget_total(fit, classes, *np.triu_indices(n, 1))
    floor = design.budget_variance(fit, classes)
    assert floor < 0.5 * (followed * q * (1 - q)).sum()
    assert np.var(totals, ddof=1) == pytest.approx(floor, rel=0.1)  # a variance from 400 draws: s.e. about 7%


def test_the_c2b_budget_test_records_its_floor_and_its_error_is_the_larger_of_floor_and_resampling():
    lg, table, rng = _sampled(11, "rbcm")
    found = design.design_statements(lg, rng, table, n_boot=400)
    floor = found.facts["variance_floors"]["C2b-budget"]
    test = found.tests["C2b-budget"]
    assert floor["floor_se"] > 0 and floor["bootstrap_se"] > 0 and 0 <= floor["p_two_sided_without_floor"] <= 1
    se = abs((test.ratio - 1) / test.z)
    assert se == pytest.approx(max(floor["floor_se"], floor["bootstrap_se"]))  # the same resamples both ways
    assert set(found.facts["variance_floors"]) == {"C2b-budget"}  # the other statements have none


@pytest.mark.parametrize("binds", [True, False])
def test_a_lazy_floor_gives_the_exact_floor_s_tests_and_solves_only_where_it_could_decide(binds, monkeypatch):
    """The specification curve's floor: solved only when its upper bound V0 exceeds the
    resampling's variance; either way every test, and the generator's state after, is the
    exact floor's."""
    lg, table, _ = _sampled(11, "rbcm")
    egos = design.ego_networks(lg, table)
    fit = design.fit_design(lg.graph, egos)
    if not binds:  # a floor far below the resampling's error: its bound (here made small) cannot decide
        real = design._budget_terms
        monkeypatch.setattr(design, "_budget_terms", lambda *a: (lambda t: (t[0] * 1e-6, t[1] * 1e-3, t[2]))(real(*a)))
    exact_rng, lazy_rng = np.random.default_rng(5), np.random.default_rng(5)
    exact = design.design_tests(lg, exact_rng, egos, n_boot=300, fit=fit)
    solves = []
    real_solve = design._budget_solve
    monkeypatch.setattr(design, "_budget_solve", lambda *a: solves.append(1) or real_solve(*a))
    lazy = design.design_tests(lg, lazy_rng, egos, n_boot=300, fit=fit, lazy_floor=True)
    assert lazy.tests == exact.tests and exact_rng.random() == lazy_rng.random()
    floor = lazy.facts["variance_floors"]["C2b-budget"]
    if binds:  # on this graph the floor sets the error (test above), so it is solved
        assert solves == [1] and floor == exact.facts["variance_floors"]["C2b-budget"]
    else:
        assert solves == [] and floor["bound_se"] <= floor["bootstrap_se"] and "not_solved" in floor
        assert floor["bootstrap_se"] == pytest.approx(exact.facts["variance_floors"]["C2b-budget"]["bootstrap_se"])


def test_a_lazy_floor_whose_solve_fails_leaves_the_resampling_error_and_says_why(monkeypatch):
    lg, table, _ = _sampled(11, "rbcm")
    egos = design.ego_networks(lg, table)
    fit = design.fit_design(lg.graph, egos)

    def fails(*args):
        raise maxent.NotConverged("RBCM information: conjugate gradients did not reach 0.0001 in 2000 steps")

    plain = design.design_tests(lg, np.random.default_rng(3), egos, n_boot=300, fit=fit)
    monkeypatch.setattr(design, "_budget_solve", fails)
    found = design.design_tests(lg, np.random.default_rng(3), egos, n_boot=300, fit=fit, lazy_floor=True)
    floor = found.facts["variance_floors"]["C2b-budget"]
    assert floor["not_computed"].startswith("not computed (RBCM information")
    test = found.tests["C2b-budget"]
    assert abs((test.ratio - 1) / test.z) == pytest.approx(plain.facts["variance_floors"]["C2b-budget"]["bootstrap_se"])


def test_a_floor_that_cannot_be_computed_leaves_the_resampling_error_and_says_why(monkeypatch):
    lg, table, _ = _sampled(11, "rbcm")
    plain = design.design_statements(lg, np.random.default_rng(3), table, n_boot=400)

    def fails(*args, **kwargs):
        raise maxent.NotConverged("RBCM information: conjugate gradients did not reach 0.0001 in 2000 steps")

    monkeypatch.setattr(design, "budget_variance", fails)
    found = design.design_statements(lg, np.random.default_rng(3), table, n_boot=400, dyadic=True)
    assert found.facts["variance_floors"]["C2b-budget"]["not_computed"].startswith("not computed (RBCM information")
    bootstrap_se = plain.facts["variance_floors"]["C2b-budget"]["bootstrap_se"]
    test = found.tests["C2b-budget"]
    assert abs((test.ratio - 1) / test.z) == pytest.approx(bootstrap_se)
    assert "C2b-budget" in found.dyadic


def test_the_whole_graph_floor_refuses_more_pairs_than_it_may_sum():
    _, fit, classes = _small_rbcm(2, 40, -1.0)
    distinct = len({(a, b, c, k) for a, b, c, k in zip(fit.x, fit.y, fit.z, classes, strict=True)})
    assert distinct * (distinct + 1) // 2 > 100
    with pytest.raises(design.FloorNotComputed, match=f"^{distinct} distinct accounts make more than 100 pairs to sum"):
        design.budget_variance(fit, classes, max_pairs=100)
    assert design.budget_variance(fit, classes, max_pairs=distinct * (distinct + 1) // 2) > 0  # at the limit: computed


def test_the_whole_rule_is_applied_to_each_graph_after_the_adjustment_over_its_tests(monkeypatch):
    """calibrate_verdict_rule tallies the catalogue's word for each statement, on its own
    null family's graphs, after BH over the graph's tests: an effect of 2 with two-sided
    p 0.04 is supported alone but not in a family of six with two smaller p-values
    (adjusted 0.08); an effect of 1.1 at p = 2e-6 is negligible; a significant effect
    the other way is contradicted. A fit that fails is counted, not tallied."""

    def test(ratio, p, low, high, direction):
        return inference.TestResult("s", 1.0, 1.0, ratio, 0.0, low, high, p, 0, "toy", direction, 1.0, "sampling")

    def tests():
        out = {}
        for sid in design.STATEMENTS:
            direction = design.catalogue.statement(sid).direction
            out[sid] = test(1.0, 0.9, 0.8, 1.2, direction)
        out["C4a"] = test(2.0, 0.02, 1.2, 3.0, "greater")
        out["C2a"] = test(1.1, 1e-6, 1.05, 1.15, "less")
        out["C5"] = test(0.5, 1e-6, 0.4, 0.6, "greater")
        return out

    words = design._rule_words(tests(), 0.05)
    assert words["C4a"] == "not supported" and words["C2a"] == "negligible" and words["C5"] == "contradicted"
    alone = design._rule_words({"C4a": tests()["C4a"]}, 0.05)
    assert alone["C4a"] == "supported"
    calls = []

    def fake(lg, rng, table, n_boot=0, dyadic=False):
        calls.append(1)
        if len(calls) == 1:
            raise maxent.NotConverged("DBCM: largest degree error 0.2 after 2000 sweeps")
        return design.DesignTests(tests(), {}, dyadic={sid: t for sid, t in tests().items() if sid != "C5"})

    monkeypatch.setattr(design, "design_statements", fake)
    monkeypatch.setattr(design, "_calibration_graph", lambda rng, family, plant, settings: (None, None))
    out = design.calibrate_verdict_rule(np.random.default_rng(0), n_graphs=2, n_planted=2, n_boot=10)
    assert out["not_converged"]["null"]["dbcm"] == 1
    assert out["null"]["C4a"]["graphs"] == 1 and out["null"]["C5"]["graphs"] == 2  # C4a: DBCM graphs; C5: RBCM
    assert out["beyond"]["C4a"]["graphs"] == 2 and out["settings"]["beyond_spread"] == 1.0
    assert out["null_dyadic"]["C4a"]["graphs"] == 1 and out["beyond_dyadic"]["C5"]["graphs"] == 0  # no dyadic C5
    assert out["null"]["C5"]["words"] == {"contradicted": 1.0} and out["planted"]["C2a"]["words"] == {"negligible": 1.0}
    assert out["small"]["C4a"]["supported"] == 0.0 and out["settings"]["small_factor"] == 1.15


# ---------------------------------------------------------------- C4b-community's design-aware null


@pytest.fixture(scope="module")
def sampled_design():
    lg, table, _ = _sampled(41, "dbcm")
    fit = design.fit_design(lg.graph, design.ego_networks(lg, table), tol=1e-6)
    return lg, table, fit


def test_design_graphs_draw_follows_only_where_they_could_be_seen_with_the_degrees_kept_on_average(sampled_design):
    lg, table, fit = sampled_design
    g, n = lg.graph, lg.graph.n
    graphs = design.design_graphs(g, fit)
    observable, _ = design.observable_pairs(design.ego_networks(lg, table), n)
    keys = g.src.astype(np.int64) * n + g.dst
    # the egos' own follows of their members are no pair and are kept as they are
    assert len(graphs.fixed) == fit.facts["follows_outside_pairs"] + fit.facts["fits"]["dbcm"]["certain_pairs_dropped"]
    assert np.isin(graphs.fixed, keys).all() and np.isin(graphs.keys, observable).all()
    rng, draws = np.random.default_rng(5), 200
    out = np.zeros(n)
    for k in range(draws):
        s, d = graphs.sample(rng)
        drawn = s * n + d
        assert np.array_equal(drawn[: len(graphs.fixed)], graphs.fixed)  # in every graph
        if k < 3:
            assert np.isin(drawn[len(graphs.fixed) :], observable).all()  # the rest only on observable pairs
        out += np.bincount(s[len(graphs.fixed) :], minlength=n)
    counted = np.bincount(g.src[np.isin(keys, graphs.keys)], minlength=n)
    # each account's follows on the modelled pairs, on average over the draws, are its observed ones (the fit's
    # constraint), within Monte Carlo error
    assert np.abs(out / draws - counted).max() < 5 * np.sqrt(max(counted.max(), 1) / draws) + 1e-6
    with pytest.raises(ValueError, match="another graph"):
        design.design_graphs(measures.Graph(g.src[:-1], g.dst[:-1], g.ids), fit)


def test_design_memberships_are_seeded_from_the_seed_alone_and_kept_in_the_cache(sampled_design, tmp_path):
    lg, _, fit = sampled_design
    g = lg.graph
    one = design.design_memberships(g, fit, 3, seed=7)
    assert one.shape == (3, g.n) and one.dtype == np.int32
    assert np.array_equal(design.design_memberships(g, fit, 3, seed=7, workers=2), one)
    first = design.design_memberships(g, fit, 3, seed=7, cache=tmp_path)
    assert np.array_equal(first, one) and len(list(tmp_path.glob("design-partitions-*.npy"))) == 1
    with pytest.MonkeyPatch.context() as patch:  # read back, not drawn again
        patch.setattr(design, "design_partition", lambda *a: (_ for _ in ()).throw(AssertionError("drawn again")))
        assert np.array_equal(design.design_memberships(g, fit, 3, seed=7, cache=tmp_path), one)
    assert not np.array_equal(design.design_memberships(g, fit, 3, seed=8), one)
    # a fresh sample stream keeps the Louvain seed: another entry, other samples
    other = design.design_memberships(g, fit, 3, seed=7, cache=tmp_path, stream_seed=11)
    assert not np.array_equal(other, one) and len(list(tmp_path.glob("design-partitions-*.npy"))) == 2
    with pytest.raises(ValueError, match="another graph"):  # a fit of other follows, however many
        shuffled = measures.Graph(g.src, np.roll(g.dst, 1), g.ids)
        design.design_graphs(shuffled, fit)


def test_the_design_aware_community_test_combines_the_jackknife_and_the_null_means_error():
    from analysis.claims import gated

    n = 6
    membership = np.array([0, 0, 1, 1, 2, 2])
    is_elite = np.array([True, True, True, False, False, False])  # two communities, shares 2/3 and 1/3
    observed = np.exp(-(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3)))
    null = np.array([[0, 1, 2, 3, 4, 5], [0, 1, 2, 0, 1, 2], [0, 0, 0, 1, 1, 1]])  # 3, 3 and 1 community
    inside = np.ones((4, n), dtype=bool)
    inside[3, :2] = False  # the last replicate keeps one elite account
    replicates = np.array([[0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2], [0, 1, 2, 3, 4, 5]])
    jackknife = gated.CommunityJackknife(replicates, inside)
    found = gated.design_community_result(membership, null, is_elite, jackknife, "toy")
    mean = np.mean([3.0, 3.0, 1.0])
    values = jackknife.values(is_elite)
    theta = np.log(values / mean)
    se_jk = np.sqrt(3 / 4 * ((theta - theta.mean()) ** 2).sum())
    se = np.hypot(se_jk, np.std([3.0, 3.0, 1.0], ddof=1) / (mean * np.sqrt(3)))
    assert found.observed == pytest.approx(observed) and found.expected == pytest.approx(mean)
    assert found.ratio == pytest.approx(observed / mean) and found.interval == "sampling" and found.n_null == 3
    assert found.z == pytest.approx(np.log(observed / mean) / se)
    assert found.p_value == pytest.approx(stats.t.cdf(found.z, 3)) and found.alternative == "less"
    half = stats.t.ppf(0.975, 3) * se
    assert found.ci_low == pytest.approx(found.ratio * np.exp(-half)) and found.ci_high == pytest.approx(
        found.ratio * np.exp(half)
    )
    # fewer than two replicates with the elite: no p-value, no interval
    none_inside = gated.CommunityJackknife(replicates[:2], np.zeros((2, n), dtype=bool) | ~is_elite)
    empty = gated.design_community_result(membership, null, is_elite, none_inside, "toy")
    assert np.isnan(empty.p_value) and np.isnan(empty.ci_low) and empty.ratio == pytest.approx(observed / mean)
    with pytest.raises(ValueError, match="another graph"):
        gated.design_community_result(
            membership, null, is_elite, gated.CommunityJackknife(replicates[:, :5], inside[:, :5]), "toy"
        )


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["null-mean", "seeds"])
def test_the_community_error_experiment_compares_the_test_as_it_is_with_its_change(variant, tmp_path):
    """scripts/community_error.py (the experiment behind the note on C4b-community's jackknife error): on the
    calibration's design both variants report the test as it is, with the same draws, beside the changed one."""
    import importlib.util

    from analysis import paths

    spec = importlib.util.spec_from_file_location(
        "community_error", paths.project_root() / "scripts" / "community_error.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "community_error.json"
    out.write_text(json.dumps({"other": {"kept": True}}))
    module.main([variant, "--graphs", "2", "--planted", "1", "--samples", "2", "--seeds", "2", "--seed", "3",
                 "--out", str(out)])  # fmt: skip
    kept = json.loads(out.read_text())
    found = module.run(variant, graphs=2, planted=1, samples=2, seeds=2, seed=3)
    assert kept == {"other": {"kept": True}, variant: found}  # seeded: the same numbers; other variants kept
    for kind, count in (("size", 2), ("power", 1)):
        row = found[kind]
        assert 0 < row["graphs"] <= count
        assert row["median se as it is"] > 0 and row["median se changed"] > 0 and row["median effect"] > 0
        assert row["median se changed"] != row["median se as it is"]  # the variant changes the error it measures
    other = module.run("seeds" if variant == "null-mean" else "null-mean", graphs=2, planted=1, samples=2, seeds=2,
                       seed=3)  # fmt: skip
    assert other["size"]["median se as it is"] == found["size"]["median se as it is"]  # the test as it is: one draw


def test_a_community_observation_is_a_sampled_union_with_its_elite_and_its_design_fit():
    """design.community_observation (the calibration's and the experiment's one home for an observation): the union of
    the sampled networks, the elite accounts it holds (planted together when asked) and the design fit of that graph."""
    from analysis.claims import gated

    settings = {**gated.INTERVAL_SETTINGS, **design.COMMUNITY_CALIBRATION, "n": 600, "egos": 20}
    found = [design.community_observation(np.random.default_rng(seed), settings, together)
             for seed, together in ((1, False), (2, True))]  # fmt: skip
    assert all(f is not None for f in found)  # both testable at these seeds
    for graph, ego_table, elite, fit in found:
        assert graph.n == settings["n"] and np.array_equal(graph.ids, np.arange(settings["n"]))
        seen = np.union1d(ego_table["ego"], ego_table["member"])
        assert elite.sum() >= 2 and np.isin(np.flatnonzero(elite), seen).all()  # only accounts the networks hold
        assert fit.n == graph.n and not fit.include_ego
        assert fit.facts["follows_counted"] + fit.facts["follows_outside_pairs"] == graph.m
    # seeded: the same draw gives the same observation
    again = design.community_observation(np.random.default_rng(1), settings, False)
    assert np.array_equal(again[0].src, found[0][0].src) and np.array_equal(again[2], found[0][2])
