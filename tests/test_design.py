"""The design-aware tests: the pooled estimate, its cluster bootstrap and the ego-edge choice
behave as documented; a planted elite is found when the whole graph is the network.
(Their size and power on graphs sampled as ego networks are not yet calibrated: see
the issue on design-aware uncertainty.)"""

import numpy as np
import pandas as pd
import pytest
from conftest import labelled_graph

from analysis.claims import design
from analysis.stats import inference, synthetic


def ego_sampled(seed: int, factor: float = 1.0, n: int = 1500, m: float = 12000, egos: int = 80, elite_size: int = 30):
    """A latent Chung-Lu graph (the ``elite_size`` most followed accounts following each other
    ``factor`` times more than their weights imply), observed as SNAP did: random egos,
    each with the accounts it follows and the follows among them (and its own follows).
    Returns the labelled union graph and the ``ego, member`` table."""
    rng = np.random.default_rng(seed)
    src, dst, elite = synthetic.planted_elite_graph(rng, n=n, m=m, elite_size=elite_size, factor=factor)
    order = np.argsort(src, kind="stable")
    starts = np.searchsorted(src[order], np.arange(n + 1))
    chosen = rng.choice(n, egos, replace=False)
    rows, seen = [], set()
    keys = set((src * n + dst).tolist())
    for ego in chosen:
        friends = dst[order][starts[ego] : starts[ego + 1]]
        rows += [(ego, f) for f in friends]
        inside = set(friends.tolist()) | {int(ego)}
        for a in inside:
            for b in dst[order][starts[a] : starts[a + 1]]:
                if int(b) in inside:
                    seen.add(a * n + int(b))
    observed = np.array(sorted(seen), dtype=np.int64)
    assert set(observed.tolist()) <= keys
    lg = labelled_graph(observed // n, observed % n, n, elite)
    return lg, pd.DataFrame(rows, columns=["ego", "member"])


def test_without_egos_the_whole_graph_is_one_network_and_accounts_are_resampled(planted):
    found = design.design_statements(planted, np.random.default_rng(0), None, n_boot=300)
    assert found.facts["design"] == "graph" and found.facts["networks"] == 1
    c4a = found.tests["C4a"]
    assert c4a.ratio > 1.5 and c4a.ci_low > 1  # the planted fixture: 4x among its 15 most followed
    assert "the whole graph" in c4a.null_model and "accounts resampled" in c4a.null_model


@pytest.mark.slow
def test_the_egos_own_follows_are_never_counted():
    """With the egos kept, their follows of their friends (there by construction) are left out."""
    lg, egos = ego_sampled(2, n=400, m=2400, egos=30, elite_size=15)
    networks = design.ego_networks(lg, egos)
    kept = design.design_tests(lg, np.random.default_rng(0), networks, include_ego=True, n_boot=200)
    left = design.design_tests(lg, np.random.default_rng(0), networks, include_ego=False, n_boot=200)
    assert kept.facts["include_ego"] and not left.facts["include_ego"]
    assert "with its ego" in kept.tests["C4a"].null_model and "ego left out" in left.tests["C4a"].null_model
    # an ego with every friend following it back would be saturated: such networks are skipped, and counted
    assert kept.facts["networks_skipped"] >= 0 and len(kept.by_network) > 0


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
    with pytest.raises(ValueError, match="2-d"):
        inference.cluster_bootstrap_test("s", [1.0, 2.0], lambda t: (t[0], t[1]), "toy", "greater", rng)
