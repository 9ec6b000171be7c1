"""The maximum-entropy nulls (DBCM, RBCM): fits reproduce the degrees, expectations match
draws from the model and the rewiring ensemble, bad input is refused."""

import dataclasses

import numpy as np
import pytest

from analysis.nulls import maxent, rewiring
from analysis.stats import synthetic


@pytest.fixture(scope="module")
def graph():
    """A sparse heavy-tailed digraph far from the structural cut-off (no pair of hubs must link)."""
    rng = np.random.default_rng(3)
    src, dst = synthetic.calibration_graph(rng, n=400, m=1600)
    return src, dst, 400


def test_dbcm_reproduces_every_degree(graph):
    src, dst, n = graph
    out_deg, in_deg = np.bincount(src, minlength=n), np.bincount(dst, minlength=n)
    fit = maxent.fit_dbcm(out_deg, in_deg)
    assert fit.max_error < maxent.DEFAULT_TOL
    xy = np.outer(fit.x, fit.y)
    p = xy / (1 + xy)
    np.fill_diagonal(p, 0)
    np.testing.assert_allclose(p.sum(axis=1), out_deg, atol=1e-5)
    np.testing.assert_allclose(p.sum(axis=0), in_deg, atol=1e-5)
    assert fit.classes < n  # solved over classes of accounts with equal degrees
    assert set(fit.summary()) == {"model", "iterations", "max_degree_error", "seconds", "classes"}


def test_rbcm_reproduces_one_way_and_mutual_degrees(graph):
    src, dst, n = graph
    rng = np.random.default_rng(4)
    back = rng.random(len(src)) < 0.3  # add reverse edges so that there is reciprocity to keep
    s = np.r_[src, dst[back]]
    d = np.r_[dst, src[back]]
    keys = np.unique(s * n + d)
    s, d = keys // n, keys % n
    fit = maxent.fit_rbcm(s, d, n)
    one_out, one_in, mutual = maxent.reciprocal_degrees(s, d, n)
    xa, ya, za = fit.x[:, None], fit.y[:, None], fit.z[:, None]
    denominator = 1 + xa * fit.y[None] + fit.x[None] * ya + za * fit.z[None]
    for expected, observed in (((xa * fit.y[None]) / denominator, one_out), ((fit.x[None] * ya) / denominator, one_in),
                               ((za * fit.z[None]) / denominator, mutual)):  # fmt: skip
        np.fill_diagonal(expected, 0)
        np.testing.assert_allclose(expected.sum(axis=1), observed, atol=1e-5)


def test_expectations_and_variances_match_draws_from_the_model(graph):
    src, dst, n = graph
    fit = maxent.fit_dbcm(np.bincount(src, minlength=n), np.bincount(dst, minlength=n))
    elite = np.zeros(n, dtype=bool)
    elite[:20] = True  # the heaviest in-weights
    sums = maxent.dbcm_pair_sums(fit, elite, elite)
    rng = np.random.default_rng(5)
    counts, mutual = [], []
    for _ in range(300):
        s, d = maxent.sample_dbcm(fit, rng)
        among = elite[s] & elite[d]
        counts.append(among.sum())
        keys = set((s[among] * n + d[among]).tolist())
        mutual.append(sum((b * n + a) in keys for a, b in zip(s[among], d[among])))
    counts, mutual = np.array(counts, float), np.array(mutual, float)
    se = counts.std() / np.sqrt(len(counts))
    assert abs(counts.mean() - sums.edges) < 4 * se
    assert counts.var() == pytest.approx(sums.edges_var, rel=0.25)
    assert abs(mutual.mean() - sums.mutual) < 4 * mutual.std() / np.sqrt(len(mutual)) + 0.05


def test_dbcm_expectation_agrees_with_the_rewiring_ensemble(graph):
    """Far from the structural cut-off soft and hard degree constraints give the same mean."""
    src, dst, n = graph
    fit = maxent.fit_dbcm(np.bincount(src, minlength=n), np.bincount(dst, minlength=n))
    elite = np.zeros(n, dtype=bool)
    elite[:20] = True
    expected, _ = maxent.expected_count(fit, elite, elite)
    null = rewiring.null_ensemble(src, dst, n, lambda s, d: float((elite[s] & elite[d]).sum()), 60,
                                  np.random.default_rng(6), model="degree", switches_per_edge=5)  # fmt: skip
    se = np.std(null) / np.sqrt(len(null))
    assert abs(np.mean(null) - expected) < 3 * se + 0.05 * expected


def test_rbcm_expectation_agrees_with_the_reciprocity_keeping_rewiring_ensemble(graph):
    """The RBCM's soft constraints and the reciprocity-keeping rewiring's hard ones (one-way
    in/out degrees and mutual degree kept) give the same means of the C5 statistic's parts:
    the follows among the elite and the reciprocated ones, far from the structural cut-off."""
    src, dst, n = graph
    back = np.random.default_rng(4).random(len(src)) < 0.3  # reverse edges: reciprocity to keep
    keys = np.unique(np.r_[src * n + dst, dst[back] * n + src[back]])
    s, d = keys // n, keys % n
    fit = maxent.fit_rbcm(s, d, n)
    elite = np.zeros(n, dtype=bool)
    elite[np.argsort(-np.bincount(d, minlength=n), kind="stable")[:30]] = True
    sums = maxent.rbcm_pair_sums(fit, elite, elite)

    def among(a, b):
        inside = elite[a] & elite[b]
        pairs = set((a[inside] * n + b[inside]).tolist())
        return [float(inside.sum()), float(sum((y * n + x) in pairs for x, y in zip(a[inside], b[inside])))]

    null = np.asarray(rewiring.null_ensemble(s, d, n, among, 60, np.random.default_rng(7), model="reciprocal",
                                             switches_per_edge=5))  # fmt: skip
    for column, expected in ((0, sums.edges), (1, sums.mutual)):
        se = null[:, column].std() / np.sqrt(len(null))
        assert abs(null[:, column].mean() - expected) < 3 * se + 0.05 * expected, (
            column,
            null[:, column].mean(),
            expected,
        )


def test_a_saturated_account_and_bad_degrees_are_refused():
    with pytest.raises(maxent.NotConverged, match="degree n - 1"):
        maxent.fit_dbcm([2, 0, 0], [0, 1, 1])
    with pytest.raises(ValueError, match="same number of edges"):
        maxent.fit_dbcm([1, 0, 0], [0, 1, 1])
    with pytest.raises(ValueError, match="non-negative"):
        maxent.fit_dbcm([-1, 1, 0], [0, 0, 0])
    with pytest.raises(ValueError, match="equal or disjoint"):
        fit = maxent.fit_dbcm([1, 1, 0, 0], [0, 0, 1, 1])
        maxent.dbcm_pair_sums(fit, [True, True, False, False], [False, True, True, False])


def test_conditional_reciprocation_is_the_reverse_probability_under_the_dbcm(graph):
    src, dst, n = graph
    fit = maxent.fit_dbcm(np.bincount(src, minlength=n), np.bincount(dst, minlength=n))
    p = maxent.conditional_reciprocation(fit, src[:10], dst[:10])
    xy = fit.x[dst[:10]] * fit.y[src[:10]]
    np.testing.assert_allclose(p, xy / (1 + xy))


@pytest.mark.parametrize("model", ["dbcm", "rbcm"])
def test_fit_model_reads_back_the_same_fit_from_its_cache_and_only_for_the_same_inputs(graph, model, tmp_path):
    src, dst, n = graph
    first = maxent.fit_model(model, src, dst, n, tol=1e-8, cache=tmp_path)
    assert len(list(tmp_path.glob(f"{model}-*.npz"))) == 1 and not list(tmp_path.glob("*.tmp"))
    again = maxent.fit_model(model, src, dst, n, tol=1e-8, cache=tmp_path)
    plain = maxent.fit_model(model, src, dst, n, tol=1e-8)
    for attr in ("x", "y") + (("z",) if model == "rbcm" else ()):
        assert np.array_equal(getattr(first, attr), getattr(again, attr))
        assert np.allclose(getattr(first, attr), getattr(plain, attr))
    assert again.iterations == first.iterations and again.seconds == first.seconds
    maxent.fit_model(model, src, dst, n, tol=1e-6, cache=tmp_path)  # another tolerance: another fit
    maxent.fit_model(model, src[1:], dst[1:], n, tol=1e-8, cache=tmp_path)  # another graph: another fit
    assert len(list(tmp_path.glob(f"{model}-*.npz"))) == 3
    with pytest.raises(ValueError, match="model must be"):
        maxent.fit_model("cm", src, dst, n)


@pytest.mark.slow  # over 1.5 s: in make test, not in the fast tier
def test_dbcm_agrees_with_nemtropy_on_every_pair_probability(graph):
    """NEMtropy (Vallarano et al. 2021), a published DBCM solver, fitted to the same degrees."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NEMtropy's numba code warns about experimental features
        DirectedGraph = pytest.importorskip("NEMtropy").DirectedGraph

        src, dst, n = graph
        out_deg, in_deg = np.bincount(src, minlength=n), np.bincount(dst, minlength=n)
        reference = DirectedGraph(degree_sequence=np.concatenate([out_deg, in_deg]))
        reference.solve_tool(model="dcm", method="fixed-point", initial_guess="degrees_minor", tol=1e-12,
                             max_steps=20000)  # fmt: skip
    assert reference.error < 1e-6  # its largest degree error (its Newton solver stalls on this graph)
    ours = maxent.fit_dbcm(out_deg, in_deg, tol=1e-10)

    def probabilities(x, y):
        xy = np.outer(x, y)
        p = xy / (1 + xy)
        np.fill_diagonal(p, 0.0)
        return p

    difference = np.abs(probabilities(ours.x, ours.y) - probabilities(reference.x, reference.y))
    assert difference.max() < 1e-8  # multipliers are unique up to x -> c x, y -> y / c; probabilities are unique


@pytest.mark.long  # NuMeTriS compiles its solver on first use (about 20 s)
def test_rbcm_agrees_with_numetris_on_every_pair_probability():
    """NuMeTriS (Di Vece, Pijpers and Garlaschelli 2024), a published RBCM solver, fitted to the
    same one-way out-, one-way in- and mutual degrees with its own Newton solver. Its
    parametrisation is ours: p(i -> j only) = x_i y_j / D, p(i <-> j) = z_i z_j / D with
    D = 1 + x_i y_j + x_j y_i + z_i z_j, its parameters being -log x, -log y, -log z."""
    import contextlib
    import io
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba notices from its compiled code
        reference = pytest.importorskip("NuMeTriS.Utility_Functions")
    rng = np.random.default_rng(3)
    n = 300
    src, dst = synthetic.calibration_graph(rng, n=n, m=1200)
    returned = rng.random(len(src)) < 0.3  # about a third of the accounts get mutual ties
    keys = np.unique(np.r_[src * n + dst, (dst * n + src)[returned]])
    src, dst = keys // n, keys % n
    one_out, one_in, mutual = (k.astype(float) for k in maxent.reciprocal_degrees(src, dst, n))
    assert (mutual > 0).sum() > n / 2 and (one_out > 0).sum() > n / 2

    def start(k):  # its default start is unseeded random numbers; this one is reproducible
        return -np.log(np.maximum(k, 0.5) / np.sqrt(k.sum()))

    with contextlib.redirect_stdout(io.StringIO()):  # it prints every Newton step
        solution = reference.solve_RBCM(one_out, one_in, mutual, use_guess=np.concatenate([start(k) for k in
                                        (one_out, one_in, mutual)]), tol=1e-9, maxiter=50)  # fmt: skip
    assert np.abs(reference.jac_RBCM(solution, one_out, one_in, mutual)).max() < 1e-8  # its degree error
    ours = maxent.fit_rbcm(src, dst, n, tol=1e-10)

    def probabilities(x, y, z):
        xy, zz = np.outer(x, y), np.outer(z, z)
        d = 1 + xy + xy.T + zz
        one_way, both = xy / d, zz / d
        np.fill_diagonal(one_way, 0.0)
        np.fill_diagonal(both, 0.0)
        return one_way, both

    theirs = probabilities(*(np.exp(-solution[i * n : (i + 1) * n]) for i in range(3)))
    for a, b in zip(probabilities(ours.x, ours.y, ours.z), theirs):
        assert np.abs(a - b).max() < 1e-8  # probabilities are unique though the multipliers need not be


@pytest.mark.parametrize("model", ["dbcm", "rbcm"])
def test_compiled_pair_sums_equal_the_vectorised_form_for_one_set_and_two(graph, model):
    src, dst, n = graph
    fit = maxent.fit_model(model, src, dst, n, tol=1e-8)
    probabilities = maxent._dbcm_probabilities if model == "dbcm" else maxent._rbcm_probabilities
    rng = np.random.default_rng(1)
    a = rng.random(n) < 0.3
    # ~a with itself: most accounts, summed as every pair less those with an account of a (kept on the fit)
    for first, second in ((a, a), (a, ~a), (~a, a), (~a, ~a), (~a, ~a), (a | ~a, a | ~a)):
        sums = maxent._pair_sums(fit, first, second, probabilities)
        same = np.array_equal(first, second)
        ka, ca = maxent._grouped(fit, np.flatnonzero(first))
        kb, cb = maxent._grouped(fit, np.flatnonzero(second))
        expected = maxent._moments(*probabilities(ka[:, None, :], kb[None, :, :]), ca[:, None] * cb[None, :], same)
        if same:
            expected = expected - maxent._moments(*probabilities(ka[:, None, :], ka[:, None, :]), ca[:, None], same)
        got = [sums.edges, sums.edges_var, sums.mutual, sums.mutual_var, sums.cov]
        assert np.allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert "all" in fit.memo
    # a fit with other multipliers (dataclasses.replace) starts without the first one's sums
    assert dataclasses.replace(fit, x=fit.x * 2).memo == {}


def test_two_callers_asking_for_one_fit_at_once_solve_it_once(graph, tmp_path, monkeypatch):
    """As 03 and 04 under make -j2: the second waits for the first's solve and reads it."""
    import threading
    import time

    src, dst, n = graph
    solves, real = [], maxent.fit_dbcm

    def slow_fit(*args, **kwargs):
        solves.append(1)
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(maxent, "fit_dbcm", slow_fit)
    found = []
    callers = [threading.Thread(target=lambda: found.append(maxent.fit_model("dbcm", src, dst, n, cache=tmp_path)))
               for _ in range(2)]  # fmt: skip
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(30)
    assert len(solves) == 1 and len(found) == 2
    assert np.array_equal(found[0].x, found[1].x) and found[0].seconds == found[1].seconds
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".npz"]  # no lock file left


def test_a_cached_fit_is_not_used_for_another_size_or_a_looser_error(graph, tmp_path):
    src, dst, n = graph
    maxent.fit_model("dbcm", src, dst, n, tol=1e-8, cache=tmp_path)
    (path,) = tmp_path.glob("dbcm-*.npz")
    with np.load(path) as saved:
        meta = str(saved["meta"]).replace('"max_error": ', '"max_error": 1.0 + ')  # corrupt the recorded error
    np.savez(path, meta=meta.replace("1.0 + ", ""), x=np.ones(3), y=np.ones(3))  # a wrong-sized entry
    fit = maxent.fit_model("dbcm", src, dst, n, tol=1e-8, cache=tmp_path)
    assert len(fit.x) == n and fit.max_error < 1e-8  # solved again, not read back


def test_the_rbcm_information_is_the_derivative_of_the_expected_degrees_and_solves_on_its_range():
    rng = np.random.default_rng(4)
    n = 30
    x, y = rng.lognormal(-1, 0.7, n), rng.lognormal(-1, 0.7, n)
    fit = maxent.fit_rbcm(*synthetic.latent_maxent_graph(rng, x, y, np.sqrt(x * y)), n)
    first, second = np.triu_indices(n, 1)
    information = maxent.RBCMInformation(fit, first, second)

    def degrees(theta):  # one-way out, one-way in, mutual: the RBCM's constraints
        x, y, z = np.exp(theta)
        total = 1 + x[first] * y[second] + x[second] * y[first] + z[first] * z[second]
        p_ij, p_ji, p_m = x[first] * y[second] / total, x[second] * y[first] / total, z[first] * z[second] / total
        return np.stack([np.bincount(first, p_ij, n) + np.bincount(second, p_ji, n),
                         np.bincount(second, p_ij, n) + np.bincount(first, p_ji, n),
                         np.bincount(first, p_m, n) + np.bincount(second, p_m, n)])  # fmt: skip

    with np.errstate(divide="ignore"):  # a multiplier at 0 (no mutual tie): log -inf, which stays put
        theta = np.log(np.stack([fit.x, fit.y, fit.z]))
    v = rng.normal(size=(3, n))
    numeric = (degrees(theta + 1e-6 * v) - degrees(theta - 1e-6 * v)) / 2e-6
    assert np.allclose(information.product(v), numeric, atol=1e-7)
    target = information.product(v)  # on the range of J, so a solution exists
    assert np.allclose(information.product(information.solve(target, tol=1e-10)), target, atol=1e-8)
    gauge = np.stack([np.ones(n), -np.ones(n), np.zeros(n)])  # x -> c x, y -> y / c changes nothing
    assert np.allclose(information.product(gauge), 0, atol=1e-12)
    assert not information.solve(np.zeros((3, n))).any()
    with pytest.raises(ValueError, match="shape"):
        information.solve(np.zeros((2, n)))
    with pytest.raises(ValueError, match="RBCM"):
        maxent.RBCMInformation(maxent.MaxEntFit("dbcm", fit.x, fit.y, None, 1, 0.0, 0.0, n), first, second)


def test_the_sparse_dbcm_sampler_draws_every_pair_with_its_probability():
    """The thinned sampler against the fitted probabilities, pair by pair: over 3,000
    draws each pair's frequency is within its binomial error (the mean squared z near 1,
    none beyond 5), no self-loop, and the same seed draws the same graph."""
    rng = np.random.default_rng(7)
    src, dst = synthetic.calibration_graph(rng, n=60, m=400)
    fit = maxent.fit_dbcm(np.bincount(src, minlength=60), np.bincount(dst, minlength=60))
    xy = np.outer(fit.x, fit.y)
    p = xy / (1 + xy)
    np.fill_diagonal(p, 0.0)
    draws, counts = 3000, np.zeros((60, 60))
    for _ in range(draws):
        s, d = maxent.sample_dbcm_sparse(fit, rng)
        np.add.at(counts, (s, d), 1)
    assert counts.diagonal().sum() == 0 and counts.max() <= draws
    tested = p > 0
    z = (counts / draws - p)[tested] / np.sqrt(p * (1 - p) / draws)[tested]
    assert 0.9 < float(np.mean(z**2)) < 1.1 and np.abs(z).max() < 5
    a = maxent.sample_dbcm_sparse(fit, np.random.default_rng(3))
    b = maxent.sample_dbcm_sparse(fit, np.random.default_rng(3))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(ValueError, match="DBCM fit"):
        maxent.sample_dbcm_sparse(dataclasses.replace(fit, model="rbcm"), rng)


def test_the_sparse_dbcm_sampler_handles_certain_impossible_and_tiny_probabilities():
    """A product that overflows is a certain follow, an infinite multiplier against a
    zero one no follow, a probability below 1e-16 neither crashes nor draws; the edge
    arrays grow from a capacity of one."""
    x = np.array([1e300, 0.0, 1.0, 1e-17])
    y = np.array([1e300, 1.0, 0.0, 1e-3])
    fit = maxent.MaxEntFit("dbcm", x, y, None, 0, 0.0, 0.0, 4)
    src, dst = maxent.sample_dbcm_sparse(fit, np.random.default_rng(1))
    pairs = set(zip(src.tolist(), dst.tolist()))
    assert {(0, 1), (0, 3), (2, 0), (3, 0)} <= pairs  # the product overflows (1e600) or is huge: certain
    assert not {(0, 2), (1, 0), (1, 2), (1, 3), (3, 2)} & pairs  # a zero multiplier (0 * inf too): impossible
    assert (3, 1) not in pairs and all(s != d for s, d in pairs)  # probability 1e-17
    order = np.argsort(-y, kind="stable")
    grown = maxent._thinned_dbcm(np.full(50, 1e9), np.full(50, 1e9), np.arange(50), 3, 1)
    assert len(grown[0]) == 50 * 49  # every pair but the self-pairs, from a capacity of 1
    assert len(maxent._thinned_dbcm(x, y[order], order, 3, 1)[0]) >= 2
