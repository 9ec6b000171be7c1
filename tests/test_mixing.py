"""The mixing diagnostic and the chain length it chooses (analysis.nulls.mixing, analysis.claims.chains)."""

import numpy as np
import pytest

from analysis import paths
from analysis.claims import chains
from analysis.graph import labelled
from analysis.graph import measures as ms
from analysis.nulls import maxent, mixing, rewiring
from analysis.stats import synthetic

CHECKPOINTS = [0.25, 0.5, 1.0, 2.0, 4.0]


def _trajectories(drift_until: int, chains_: int = 12, noise: float = 0.01, seed: int = 0) -> np.ndarray:
    """One statistic that falls by 1 at every checkpoint before ``drift_until`` and is flat
    (noise only) from there on."""
    rng = np.random.default_rng(seed)
    level = np.array([max(drift_until - i, 0) for i in range(len(CHECKPOINTS))], dtype=float)
    return (level[None, :] + noise * rng.standard_normal((chains_, len(CHECKPOINTS))))[:, :, None]


def test_a_statistic_settles_where_its_drift_ends_and_the_length_adds_the_safety_factor():
    result = mixing.settle(_trajectories(drift_until=2), CHECKPOINTS, ["s"])
    assert result.settled_at == {"s": 1.0}
    assert result.settled and result.decisive == "s"
    assert result.switches_per_edge == pytest.approx(mixing.SAFETY * 1.0)
    table = result.table[result.table["statistic"] == "s"]
    assert list(table["switches_per_edge"]) == CHECKPOINTS and table["z"].iloc[-1] == 0


def test_a_statistic_still_drifting_at_the_longest_checkpoint_is_not_settled():
    result = mixing.settle(_trajectories(drift_until=len(CHECKPOINTS) - 1), CHECKPOINTS, ["s"])
    assert result.settled_at == {"s": 4.0}
    assert not result.settled and result.switches_per_edge == 4.0


def test_the_latest_statistic_decides_and_an_undefined_one_is_not_judged():
    values = np.concatenate([_trajectories(1), _trajectories(3, seed=1), _trajectories(0, seed=2)], axis=2)
    values[0, -1, 2] = np.nan
    result = mixing.settle(values, CHECKPOINTS, ["early", "late", "undefined"])
    assert result.settled_at["early"] == 0.5 and result.settled_at["late"] == 2.0
    assert np.isnan(result.settled_at["undefined"]) and result.not_judged == ["undefined"]
    assert result.decisive == "late" and result.switches_per_edge == pytest.approx(2.5)
    assert result.summary()["settled_at"]["undefined"] is None


def test_a_context_statistic_is_judged_but_does_not_set_the_length_and_is_named_when_late():
    values = np.concatenate([_trajectories(2), _trajectories(4, seed=1), _trajectories(1, seed=2)], axis=2)
    result = mixing.settle(values, CHECKPOINTS, ["tested", "late context", "early context"],
                           context=["late context", "early context"])  # fmt: skip
    assert result.settled_at == {"tested": 1.0, "late context": 4.0, "early context": 0.5}
    assert result.decisive == "tested" and result.settled
    assert result.switches_per_edge == pytest.approx(mixing.SAFETY * 1.0)
    assert result.late_context == ("late context",)  # settled only at the longest checkpoint
    assert result.covering == 4.0  # the rule over every statistic: the late one is not confirmed
    summary = result.summary()
    assert summary["context"] == ["late context", "early context"] and summary["late_context"] == ["late context"]
    without = mixing.settle(values, CHECKPOINTS, ["tested", "late context", "early context"])
    assert without.switches_per_edge == 4.0 and not without.settled  # as before the split
    assert without.covering == without.switches_per_edge and without.late_context == ()
    assert not result.covering_settled and without.covering_settled is False
    with pytest.raises(ValueError, match="every statistic is context"):
        mixing.settle(values[:, :, :1], CHECKPOINTS, ["tested"], context=["tested"])
    with pytest.raises(ValueError, match="not among the statistics"):
        mixing.settle(values, CHECKPOINTS, ["tested", "late context", "early context"], context=["phi"])


def test_a_context_statistic_settled_after_the_length_is_late_and_an_undefined_one_is_not():
    values = np.concatenate([_trajectories(1), _trajectories(3, seed=1), _trajectories(0, seed=2)], axis=2)
    values[0, -1, 2] = np.nan  # undefined in one chain: not judged
    result = mixing.settle(values, CHECKPOINTS, ["tested", "context", "undefined"], context=["context", "undefined"])
    assert result.settled_at["tested"] == 0.5 and result.settled_at["context"] == 2.0
    assert result.switches_per_edge == pytest.approx(mixing.SAFETY * 0.5)
    assert result.late_context == ("context",)  # settled at 2, after the length of 0.625, before the longest reading
    assert result.covering == pytest.approx(mixing.SAFETY * 2.0) and result.covering_settled
    assert result.not_judged == ["undefined"]


def test_when_no_tested_statistic_can_be_judged_the_sentence_says_so():
    from analysis.report import prose

    values = np.concatenate([_trajectories(1), _trajectories(2, seed=1)], axis=2)
    values[0, -1, 0] = np.nan
    result = mixing.settle(values, CHECKPOINTS, ["tested", "context"], context=["context"])
    assert result.decisive == "" and not result.settled
    summary = {"switches_per_edge": result.switches_per_edge, "settled": result.settled,
               "decisive": f"{result.decisive} (degree chain)", "models": {"degree": result.summary()}}  # fmt: skip
    assert "no statistic that a test reads could be judged" in prose.chain_length(summary, result.switches_per_edge)


def test_a_constant_statistic_settles_at_once_and_one_that_jumps_without_spread_does_not():
    flat = np.ones((5, len(CHECKPOINTS), 1))
    assert mixing.settle(flat, CHECKPOINTS, ["flat"]).settled_at == {"flat": 0.25}
    jump = flat.copy()
    jump[:, :2, 0] = 2.0  # the same value in every chain, then another: z is infinite there
    assert mixing.settle(jump, CHECKPOINTS, ["jump"]).settled_at == {"jump": 1.0}


def test_bad_shapes_and_checkpoints_are_refused():
    with pytest.raises(ValueError, match="shape"):
        mixing.settle(np.zeros((3, 4, 1)), CHECKPOINTS, ["s"])
    src, dst = np.array([0, 1, 2]), np.array([1, 2, 0])
    with pytest.raises(ValueError, match="increasing"):
        mixing.chain_trajectories(src, dst, 3, lambda s, d: 0.0, np.random.default_rng(0), checkpoints=[1.0, 0.5])
    with pytest.raises(ValueError, match="two chains"):
        mixing.chain_trajectories(src, dst, 3, lambda s, d: 0.0, np.random.default_rng(0), n_chains=1)


def _fingerprint(n):
    """An order-free summary of an edge set (equal sets give equal values)."""
    return lambda s, d: [float(np.sum(((s * n + d) * 2654435761) % 1000003)), float(len(s))]


def test_a_chain_read_at_checkpoints_is_the_chain_of_repeated_rewire_calls():
    """Continuing the degree kernel in place gives the graphs that rewiring the last output
    again gives (its edges keep their positions, so the proposals are the same)."""
    n = 80
    src, dst = synthetic.calibration_graph(np.random.default_rng(4), n=n, m=400)
    checkpoints = [0.5, 1.0, 3.0]
    got = mixing.chain_trajectories(src, dst, n, _fingerprint(n), np.random.default_rng(9), "degree", checkpoints, 3,
                                    workers=2)  # fmt: skip
    for chain, seed in enumerate(np.random.default_rng(9).integers(0, 2**63 - 1, size=3)):
        rng, s, d, done = np.random.default_rng(seed), src, dst, 0.0
        for i, c in enumerate(checkpoints):
            s, d = rewiring.rewire_directed(s, d, n, rng, switches_per_edge=c - done)
            done = c
            assert list(got[chain, i]) == _fingerprint(n)(s, d)


def test_a_reciprocal_chain_keeps_every_constraint_at_every_checkpoint_and_starts_as_rewire_does():
    n = 80
    src, dst = synthetic.calibration_graph(np.random.default_rng(4), n=n, m=400)
    keys = np.unique(np.r_[src * n + dst, (dst * n + src)[:120]])
    src, dst = keys // n, keys % n
    degrees = lambda s, d: np.concatenate(maxent.reciprocal_degrees(s, d, n))
    observed = degrees(src, dst)
    values = mixing.chain_trajectories(src, dst, n, lambda s, d: np.r_[degrees(s, d), _fingerprint(n)(s, d)],
                                       np.random.default_rng(2), "reciprocal", [0.5, 2.0], 2)  # fmt: skip
    assert (values[:, :, : len(observed)] == observed).all()
    seed = np.random.default_rng(2).integers(0, 2**63 - 1, size=2)[0]
    s, d = rewiring.rewire_reciprocal(src, dst, n, np.random.default_rng(seed), switches_per_edge=0.5)
    assert list(values[0, 0, len(observed) :]) == _fingerprint(n)(s, d)
    assert values[0, 0, len(observed)] != values[0, 1, len(observed)]  # the chain moved on


def _planted_labelled():
    rng = np.random.default_rng(3)
    src, dst, members = synthetic.planted_elite_graph(rng, n=150, m=900, elite_size=15, factor=4.0)
    graph = ms.Graph(src=src, dst=dst, ids=np.arange(150))
    elite = np.zeros(150, bool)
    elite[members] = True
    classes = np.where(elite, "celebrity", "regular")
    classes[~elite & (ms.in_degree(dst, 150) > 8)] = "popular"
    return labelled.LabelledGraph("planted", graph, classes, elite, "top:15")


def test_on_a_planted_graph_closure_moves_away_from_the_observed_value_and_settles(tmp_path):
    lg = _planted_labelled()
    g = lg.graph
    observed = ms.elite_closure(g.src, g.dst, lg.is_elite)
    values = mixing.chain_trajectories(g.src, g.dst, g.n, lambda s, d: ms.elite_closure(s, d, lg.is_elite),
                                       np.random.default_rng(5), "degree", [0.01, 1.0, 4.0, 8.0], 12)  # fmt: skip
    result = mixing.settle(values, [0.01, 1.0, 4.0, 8.0], ["closure"])
    assert values[:, 0, 0].mean() > values[:, -1, 0].mean() and abs(values[:, 0, 0].mean() - observed) < 0.05
    assert result.settled and result.settled_at["closure"] >= 1.0


def test_chain_length_covers_both_chains_and_reads_its_cache_back(tmp_path, monkeypatch):
    lg = _planted_labelled()
    first = chains.chain_length(lg, 11, quick=True, cache=tmp_path)
    assert set(first.by_model) == {"degree", "reciprocal"}
    assert first.switches_per_edge == max(m.switches_per_edge for m in first.by_model.values())
    names = chains.statistic_names(lg)
    assert list(first.by_model["degree"].settled_at) == names["degree"]
    context = chains.context_names(lg)
    assert set(context["degree"]) <= set(names["degree"]) and context["reciprocal"] == []
    from analysis.claims import gated

    # C4b-community's statistic is read and tested (it sets the length like C2a's), not context
    assert gated.COMMUNITY_NAME in names["degree"] and gated.COMMUNITY_NAME not in context["degree"]
    assert all(name.startswith(("rich-club", "elite transitivity", "elite average clustering"))
               for name in context["degree"])  # fmt: skip
    assert first.by_model["degree"].context == tuple(context["degree"])
    assert first.covering == max(first.switches_per_edge, first.by_model["degree"].covering)
    table = first.settled_table()
    assert len(table) == len(names["degree"]) + len(names["reciprocal"])
    for _, block in table.groupby("chain"):
        assert block["settled at"].is_monotonic_decreasing
    assert len(list(tmp_path.glob("mixing-*.npy"))) == 2 and not list(tmp_path.glob("*.lock"))

    def no_run(*args, **kwargs):
        raise AssertionError("the cached diagnostic should have been read")

    monkeypatch.setattr(mixing, "chain_trajectories", no_run)
    again = chains.chain_length(lg, 11, quick=True, cache=tmp_path)
    assert again.summary() == first.summary()
    with pytest.raises(AssertionError, match="cached"):
        chains.chain_length(lg, 12, quick=True, cache=tmp_path)  # another seed: another diagnostic


def test_one_shared_ensemble_serves_the_tests_of_03_and_04_and_is_read_back(tmp_path, monkeypatch):
    from analysis.claims import follow_back, gated

    lg = _planted_labelled()
    g = lg.graph
    ks = list(chains.RICH_CLUB_KS)
    degree = chains.shared_null(lg, "degree", 6, 0.5, 21, cache=tmp_path)
    # the samples are those of a null_ensemble seeded from the seed alone, read for both notebooks' statistics
    fresh = rewiring.null_ensemble(g.src, g.dst, g.n, follow_back.degree_statistic(lg.classes, g.n), 6,
                                   np.random.default_rng([21, 3]), switches_per_edge=0.5)  # fmt: skip
    np.testing.assert_array_equal(degree.follow_back(), fresh)
    gated_fresh = rewiring.null_ensemble(g.src, g.dst, g.n, gated.gated_statistics(lg, chains._ks(lg)), 6,
                                         np.random.default_rng([21, 3]), switches_per_edge=0.5)  # fmt: skip
    np.testing.assert_array_equal(degree.gated(ks), gated_fresh)
    community_fresh = rewiring.null_ensemble(g.src, g.dst, g.n, gated.community_statistic(lg, 21), 6,
                                             np.random.default_rng([21, 3]), switches_per_edge=0.5)  # fmt: skip
    np.testing.assert_array_equal(degree.communities(), community_fresh)  # C4b-community rides on it, seeded alike
    assert degree.values.shape == (6, len(chains.statistic_names(lg)["degree"]))
    # each sample's Louvain partition is kept, so another elite's statistic can be read off it
    assert degree.memberships.shape == (6, g.n)
    read = [ms.effective_communities(m, lg.elite) for m in degree.memberships]
    np.testing.assert_array_equal(read, degree.communities())
    assert degree.gated(ks[:-1]) is None  # other rich-club sizes: the test draws its own
    reciprocal = chains.shared_null(lg, "reciprocal", 6, 0.5, 21, cache=tmp_path)
    assert reciprocal.memberships is None
    with pytest.raises(ValueError, match="degree-keeping chain only"):
        reciprocal.gated(ks)
    with pytest.raises(ValueError, match="degree-keeping chain only"):
        reciprocal.communities()
    # the tests given the shared samples compare the observed values with them
    found = follow_back.follow_back_statements(lg, np.random.default_rng(1), 6, 0.5,
                                               nulls={"degree": degree.follow_back(),
                                                      "reciprocal": reciprocal.follow_back()})  # fmt: skip
    assert found.tests["C2a"].expected == pytest.approx(degree.follow_back()[:, 0].mean())
    out = gated.gated_community(lg, ks, np.random.default_rng(1), 6, 0.5, null=degree.gated(ks))
    community, null, _ = gated.community_test(lg, np.random.default_rng(1), 6, 0.5, 21, null=degree.communities())
    assert community.expected == pytest.approx(degree.communities().mean()) and community.n_null == 6
    np.testing.assert_array_equal(null, degree.communities())
    assert out["tests"]["elite closure"].expected == pytest.approx(degree.gated(ks)[:, 0].mean())
    with pytest.raises(ValueError, match="shape"):
        gated.gated_community(lg, ks, np.random.default_rng(1), 5, 0.5, null=degree.gated(ks))
    with pytest.raises(ValueError, match="shape"):
        follow_back.follow_back_statements(lg, np.random.default_rng(1), 5, 0.5, nulls={"degree": degree.follow_back()})
    # the statistics of each chain and the degree chain's partitions (int32) beside them
    assert len(list(tmp_path.glob("ensemble-*.npy"))) == 3 and not list(tmp_path.glob("*.lock"))
    assert len(list(tmp_path.glob("ensemble-*-partitions.npy"))) == 1

    def no_run(*args, **kwargs):
        raise AssertionError("the cached ensemble should have been read")

    monkeypatch.setattr(rewiring, "null_ensemble", no_run)
    read_back = chains.shared_null(lg, "degree", 6, 0.5, 21, cache=tmp_path)
    np.testing.assert_array_equal(read_back.values, degree.values)
    np.testing.assert_array_equal(read_back.memberships, degree.memberships)
    for other in ({"seed": 22}, {"n_null": 7}, {"switches_per_edge": 1.0}):
        settings = {"n_null": 6, "switches_per_edge": 0.5, "seed": 21, **other}
        with pytest.raises(AssertionError, match="cached"):  # other settings: another ensemble
            chains.shared_null(lg, "degree", cache=tmp_path, **settings)
    with pytest.raises(ValueError, match="no shared ensemble"):
        chains.shared_null(lg, "community", 6, 0.5, 21, cache=None)


def test_the_rich_club_sizes_are_those_of_notebook_04():
    from analysis.report import runner

    declared = runner.declared_parameters([paths.notebooks_dir() / "04-gated-community.ipynb"])
    assert tuple(declared["rich_club_ks"]) == chains.RICH_CLUB_KS


def _summary(settled: bool = True) -> dict:
    result = mixing.settle(_trajectories(drift_until=2 if settled else 4), CHECKPOINTS, ["closure"])
    return {"switches_per_edge": result.switches_per_edge, "settled": result.settled,
            "decisive": f"{result.decisive} (degree chain)", "models": {"degree": result.summary()}}  # fmt: skip


def test_the_chain_sentence_names_the_choice_a_warning_or_the_override():
    from analysis.report import prose

    chosen = prose.chain_length(_summary(), 1.25)
    assert "1.25 accepted switches per edge, the length the mixing diagnostic chose" in chosen
    assert "settled" in chosen and "by 1, the last being closure (degree chain)" in chosen
    assert "may be too short" in prose.chain_length(_summary(settled=False), 4.0)
    assert "settled later" not in chosen
    late = _summary()
    late["late_context"] = ["rich-club φ(200)"]
    assert "not a claim's test), rich-club φ(200) had not settled by then, so its null range" in prose.chain_length(
        late, 1.25
    )
    # the sentence's "by" is the latest tested statistic's, not a context statistic's
    values = np.concatenate([_trajectories(2), _trajectories(3, seed=1)], axis=2)
    both = mixing.settle(values, CHECKPOINTS, ["closure", "rich club"], context=["rich club"])
    summary = {"switches_per_edge": both.switches_per_edge, "settled": both.settled, "late_context": ["rich club"],
               "decisive": f"{both.decisive} (degree chain)", "models": {"degree": both.summary()}}  # fmt: skip
    assert "by 1, the last being closure (degree chain)" in prose.chain_length(summary, both.switches_per_edge)
    override = prose.chain_length(_summary(), 10.0)
    assert "set by the `switches_per_edge` parameter (the mixing diagnostic would choose 1.25)" in override


def test_the_mixing_figure_is_legible():
    from analysis.report import figures

    figures.use_style()
    one = mixing.settle(np.concatenate([_trajectories(2), _trajectories(3, seed=1)], axis=2), CHECKPOINTS, ["a", "b"])
    fig = figures.chain_mixing_plot({"degree": one.table, "reciprocal": one.table}, 2.0, 2.5, {"degree": "b"})
    assert figures.legibility_problems(fig) == []
    figures.plt.close(fig)
