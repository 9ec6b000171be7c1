"""Null models: degree preservation, simplicity, reproducibility (hypothesis); mixing in test_mixing.py."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.graph import measures as ms
from analysis.nulls import analytic, permutation
from analysis.nulls import rewiring as nm
from analysis.stats import synthetic


@st.composite
def simple_digraphs(draw, max_n=25):
    n = draw(st.integers(3, max_n))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=2, max_size=120))
    edges = sorted({(u, v) for u, v in pairs if u != v})
    if len(edges) < 2:
        edges = [(0, 1), (1, 2)]
    array = np.array(edges, dtype=np.int64)
    return array[:, 0].copy(), array[:, 1].copy(), n


def _keys(src, dst, n):
    return set((src * n + dst).tolist())


def _assert_simple(src, dst, n):
    assert not np.any(src == dst)
    assert len(_keys(src, dst, n)) == len(src)


@settings(max_examples=150, deadline=None)
@given(simple_digraphs(), st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.1, 0.5]))
def test_directed_rewiring_keeps_degrees_and_simplicity(graph, seed, three_share):
    src, dst, n = graph
    new_src, new_dst = nm.rewire_directed(
        src,
        dst,
        n,
        np.random.default_rng(seed),
        switches_per_edge=3,
        three_edge_share=three_share,
        max_attempts_per_switch=20,
    )
    assert np.array_equal(ms.in_degree(new_dst, n), ms.in_degree(dst, n))
    assert np.array_equal(ms.out_degree(new_src, n), ms.out_degree(src, n))
    _assert_simple(new_src, new_dst, n)
    again = nm.rewire_directed(
        src,
        dst,
        n,
        np.random.default_rng(seed),
        switches_per_edge=3,
        three_edge_share=three_share,
        max_attempts_per_switch=20,
    )
    assert np.array_equal(again[0], new_src) and np.array_equal(again[1], new_dst)


@settings(max_examples=150, deadline=None)
@given(simple_digraphs(), st.integers(0, 2**32 - 1))
def test_reciprocal_rewiring_also_keeps_reciprocated_degrees(graph, seed):
    src, dst, n = graph
    new_src, new_dst = nm.rewire_reciprocal(
        src, dst, n, np.random.default_rng(seed), switches_per_edge=3, max_attempts_per_switch=20
    )
    _assert_simple(new_src, new_dst, n)
    assert np.array_equal(ms.in_degree(new_dst, n), ms.in_degree(dst, n))
    assert np.array_equal(ms.out_degree(new_src, n), ms.out_degree(src, n))
    old_recip = ms.reciprocated_mask(src, dst, n)
    new_recip = ms.reciprocated_mask(new_src, new_dst, n)
    assert np.array_equal(np.bincount(src[old_recip], minlength=n), np.bincount(new_src[new_recip], minlength=n))
    assert np.array_equal(np.bincount(dst[~old_recip], minlength=n), np.bincount(new_dst[~new_recip], minlength=n))
    again = nm.rewire_reciprocal(
        src, dst, n, np.random.default_rng(seed), switches_per_edge=3, max_attempts_per_switch=20
    )
    assert np.array_equal(again[0], new_src) and np.array_equal(again[1], new_dst)


def test_rewiring_actually_moves_edges_and_mixes():
    rng = np.random.default_rng(1)
    src, dst = synthetic.calibration_graph(rng, n=80, m=400)
    new_src, new_dst, stats = nm.rewire_directed(src, dst, 80, rng, return_stats=True)
    assert stats.accepted == 10 * len(src)
    overlap = len(_keys(src, dst, 80) & _keys(new_src, new_dst, 80)) / len(src)
    assert overlap < 0.5


def test_three_edge_rotation_reverses_a_directed_triangle():
    src, dst = np.array([0, 1, 2]), np.array([1, 2, 0])
    # two-edge switches alone cannot move a lone triangle
    same = nm.rewire_directed(
        src, dst, 3, np.random.default_rng(0), switches_per_edge=1, three_edge_share=0.0, max_attempts_per_switch=50
    )
    assert _keys(*same, 3) == _keys(src, dst, 3)
    reversed_ = nm.rewire_directed(src, dst, 3, np.random.default_rng(0), switches_per_edge=1, three_edge_share=1.0)
    assert _keys(*reversed_, 3) == _keys(np.array([1, 2, 0]), np.array([0, 1, 2]), 3)


@settings(max_examples=60, deadline=None)
@given(simple_digraphs(), st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.1, 0.5, 1.0]))
def test_compiled_kernel_gives_the_reference_chain_exactly(graph, seed, three_share):
    """Drawing proposals ahead and prefetching does not change the chain: the
    compiled kernel and the one-move-at-a-time Python reference agree edge for edge."""
    src, dst, n = graph
    fast = nm.rewire_directed(
        src,
        dst,
        n,
        np.random.default_rng(seed),
        switches_per_edge=3,
        three_edge_share=three_share,
        max_attempts_per_switch=20,
    )
    slow = nm.rewire_directed_reference(
        src,
        dst,
        n,
        np.random.default_rng(seed),
        3 * len(src),
        three_edge_share=three_share,
        max_attempts=20 * 3 * len(src),
    )
    assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1])


def test_compiled_kernel_and_reference_agree_on_a_larger_graph():
    rng = np.random.default_rng(5)
    src, dst = synthetic.calibration_graph(rng, n=300, m=3000)
    fast = nm.rewire_directed(src, dst, 300, np.random.default_rng(9), switches_per_edge=2)
    slow = nm.rewire_directed_reference(src, dst, 300, np.random.default_rng(9), 2 * len(src))
    assert np.array_equal(fast[1], slow[1])
    assert not np.array_equal(fast[1], dst)


def test_rewiring_refuses_non_simple_input():
    with pytest.raises(ValueError, match="self-loops"):
        nm.rewire_directed(np.array([0, 1]), np.array([0, 2]), 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="duplicate"):
        nm.rewire_directed(np.array([0, 0]), np.array([1, 1]), 3, np.random.default_rng(0))


def test_analytic_configuration_mean_agrees_with_the_ensemble_on_a_sparse_graph():
    rng = np.random.default_rng(11)
    n = 400
    src, dst = synthetic.chung_lu_digraph(np.ones(n), synthetic.heavy_tailed_weights(n, 4.0, rng), 2000, rng)
    indeg, outdeg = ms.in_degree(dst, n), ms.out_degree(src, n)
    elite = np.zeros(n, bool)
    elite[ms.top_k_by(indeg, 40)] = True
    mean, var = analytic.configuration_elite_edges(indeg, outdeg, elite)
    null = nm.null_ensemble(src, dst, n, lambda s, d: ms.elite_edges(s, d, elite), 200, rng)
    assert abs(null.mean() - mean) < 0.05 * mean
    assert 0.7 < null.var() / var < 1.3


def test_permutation_within_strata_keeps_label_counts_per_stratum():
    rng = np.random.default_rng(0)
    labels = np.array(["a"] * 30 + ["b"] * 70)
    strata = permutation.degree_strata(rng.integers(0, 1000, 100), rng.integers(0, 50, 100))
    permuted = permutation.permute_within_strata(labels, strata, rng)
    for stratum in np.unique(strata):
        group = strata == stratum
        assert sorted(permuted[group]) == sorted(labels[group])
    assert not np.array_equal(permuted, labels)


def test_split_mutual():
    src, dst = np.array([0, 1, 0, 2]), np.array([1, 0, 2, 3])
    one_src, one_dst, mu, mv = nm.split_mutual(src, dst, 4)
    assert list(zip(one_src, one_dst)) == [(0, 2), (2, 3)] and list(zip(mu, mv)) == [(0, 1)]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_ensemble_reports_its_progress_to_a_callable_and_its_values_do_not_depend_on_it(workers):
    rng = np.random.default_rng(5)
    src, dst, elite = synthetic.planted_elite_graph(rng, n=120, m=700, elite_size=10, factor=3)
    is_elite = np.isin(np.arange(120), elite)
    statistic = lambda s, d: ms.elite_edges(s, d, is_elite)
    calls = []
    reported = nm.null_ensemble(src, dst, 120, statistic, 7, np.random.default_rng(1), switches_per_edge=1,
                                progress=lambda done, total: calls.append((done, total)), workers=workers)  # fmt: skip
    plain = nm.null_ensemble(src, dst, 120, statistic, 7, np.random.default_rng(1), switches_per_edge=1)
    assert calls == [(k, 7) for k in range(8)]
    np.testing.assert_array_equal(reported, plain)


@pytest.mark.slow  # compiles each loop afresh (2-5 s): in make test, not in the fast tier
@pytest.mark.parametrize("loop", ["_rewire_loop", "_rewire_reciprocal_loop"])
def test_the_chain_loops_make_no_reference_counting_calls(loop):
    """The switching loops are compiled without numba's reference counting: with it, the
    arrays handed to the inlined helpers cost about 40 runtime calls per step (the loops
    ran at a third of the speed on a graph in cache). Compiled afresh with the loop's own
    options (the cached code cannot be inspected), the code calls no NRT function."""
    import numba as nb

    dispatcher = getattr(nm, loop)
    options = {k: v for k, v in dispatcher.targetoptions.items() if k != "cache"}
    fresh = nb.njit(**options)(dispatcher.py_func)
    rng = np.random.default_rng(0)
    src, dst = synthetic.calibration_graph(rng, n=60, m=300)
    if loop == "_rewire_loop":
        edges, table, bits = nm._prepare_directed(src, dst, 60)
        arrays = (edges.copy(), table.copy())
    else:
        one, mutual, table, bits = nm._prepare_reciprocal(src, dst, 60)
        arrays = (one.copy(), mutual.copy(), table.copy())
    ring = 2 * nm.LOOK_AHEAD
    rings = [np.zeros(ring, np.int64) for _ in range(4)]
    if loop == "_rewire_reciprocal_loop":
        rings.append(np.zeros(ring, np.bool_))
    state = nm.kernels.rng_state(1)
    accepted, _ = fresh(*arrays, 64 - bits, 100, 10_000, 0.1, state, *rings)
    assert accepted == 100
    (signature,) = fresh.signatures
    llvm = fresh.inspect_llvm(signature)
    assert "NRT_incref" not in llvm and "NRT_decref" not in llvm
