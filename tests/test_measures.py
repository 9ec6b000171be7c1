"""Measures against networkx and hand-computed values."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analysis.graph import arrays
from analysis.graph import measures as ms


def _random_graph(seed, n=40, p=0.08):
    graph = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return graph, edges[:, 0], edges[:, 1], n


@pytest.mark.parametrize("seed", range(8))
def test_reciprocity_and_degrees_equal_networkx(seed):
    graph, src, dst, n = _random_graph(seed)
    assert ms.reciprocity_edges(src, dst, n) == pytest.approx(nx.overall_reciprocity(graph), abs=1e-12)
    assert ms.in_degree(dst, n).tolist() == [graph.in_degree(i) for i in range(n)]
    assert ms.out_degree(src, n).tolist() == [graph.out_degree(i) for i in range(n)]
    undirected_pairs = graph.to_undirected().number_of_edges()
    mutual_pairs = sum(1 for u, v in graph.edges() if graph.has_edge(v, u)) / 2
    assert ms.reciprocity_pairs(src, dst, n) == pytest.approx(mutual_pairs / undirected_pairs)


def test_hand_example():
    # 0<->1 mutual, 0->2, 2->3, 3->0
    src = np.array([0, 1, 0, 2, 3])
    dst = np.array([1, 0, 2, 3, 0])
    n = 4
    assert ms.reciprocity_edges(src, dst, n) == pytest.approx(2 / 5)
    assert ms.reciprocity_pairs(src, dst, n) == pytest.approx(1 / 4)
    a = 5 / 12
    assert ms.garlaschelli_rho(src, dst, n) == pytest.approx((2 / 5 - a) / (1 - a))
    fb = ms.follow_back(src, dst, n, [0, 2])
    assert fb["followers"].tolist() == [2, 1] and fb["followed_back"].tolist() == [1, 0]
    is_elite = np.array([True, True, False, False])
    assert ms.elite_closure(src, dst, is_elite) == pytest.approx(2 / 3)
    assert ms.conductance(src, dst, is_elite) == {"out_leak": pytest.approx(1 / 3), "in_leak": pytest.approx(1 / 3)}
    classes = np.array(["a", "a", "b", "b"])
    attention = ms.attention_matrix(src, dst, classes)
    assert attention.loc["a", "a"] == pytest.approx(2 / 3) and attention.loc["b", "a"] == pytest.approx(1 / 2)
    assert ms.mixing_counts(src, dst, classes).values.sum() == 5


def test_directed_rich_club_is_density_among_top_k():
    graph, src, dst, n = _random_graph(3, n=50, p=0.15)
    indeg = ms.in_degree(dst, n)
    for k in (2, 5, 10, 30):
        top = ms.top_k_by(indeg, k)
        sub = graph.subgraph(top.tolist())
        assert ms.rich_club_directed(src, dst, n, [k])[0] == pytest.approx(sub.number_of_edges() / (k * (k - 1)))


def test_clustering_matches_networkx_on_the_subgraph():
    graph, src, dst, _ = _random_graph(4, n=30, p=0.3)
    elite = np.arange(10)
    result = ms.elite_clustering(src, dst, elite)
    sub = graph.subgraph(range(10))
    assert result["transitivity"] == pytest.approx(nx.transitivity(sub.to_undirected()))
    assert result["average_clustering"] == pytest.approx(nx.average_clustering(sub))


def test_communities_find_two_cliques_and_are_seeded():
    clique = [(i, j) for i in range(6) for j in range(6) if i != j]
    edges = np.array(clique + [(i + 6, j + 6) for i, j in clique] + [(0, 6)])
    membership = ms.communities(edges[:, 0], edges[:, 1], 12, seed=1)
    assert len(set(membership[:6])) == 1 and len(set(membership[6:])) == 1 and membership[0] != membership[6]
    assert ms.effective_communities(membership, np.arange(6)) == pytest.approx(1.0)
    assert ms.effective_communities(membership, np.arange(12)) == pytest.approx(2.0)


def test_communities_run_on_the_sorted_unique_undirected_pairs():
    from analysis.graph import louvain

    rng = np.random.default_rng(4)
    n = 300
    src, dst = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    pairs = np.unique(np.minimum(src, dst) * n + np.maximum(src, dst))
    expected = louvain.louvain(pairs // n, pairs % n, n, seed=5)
    # both directions of a pair and repeated follows make one edge; the partition is that of the distinct pairs
    assert ms.communities(np.r_[src, dst[:50]], np.r_[dst, src[:50]], n, seed=5).tolist() == expected.tolist()


@pytest.mark.parametrize("values", [[], [7], [3, 3, 3], [5, -1, 5, 2, 2**40, -1], list(range(50, 0, -3)) * 2])
def test_distinct_is_numpys_unique(values):
    values = np.asarray(values, dtype=np.int64)
    found = arrays.distinct(values)
    assert found.dtype == values.dtype
    np.testing.assert_array_equal(found, np.unique(values))


@pytest.mark.parametrize("pool", [[], [4], [9, 1, 4, 4, -3], list(range(0, 60, 7))])
def test_member_is_numpys_isin(pool):
    values = np.array([[-3, 0, 1], [4, 9, 56]], dtype=np.int64)
    found = arrays.member(values, np.asarray(pool, dtype=np.int64))
    assert found.shape == values.shape
    np.testing.assert_array_equal(found, np.isin(values, pool))


def test_distinct_and_member_refuse_what_is_not_an_integer():
    with pytest.raises(TypeError, match="integers"):
        arrays.member(np.array([1.5]), np.array([1]))
    with pytest.raises(TypeError, match="integers"):
        arrays.distinct(np.array([1.0, np.nan]))


def test_member_agrees_with_numpy_on_random_keys_with_collisions_and_negatives():
    rng = np.random.default_rng(11)
    pool = rng.integers(-(2**40), 2**40, 5000)
    values = np.r_[pool[::3], rng.integers(-(2**40), 2**40, 5000), pool[:50] * 2**20]  # hits, misses, same homes
    np.testing.assert_array_equal(arrays.member(values, pool), np.isin(values, pool))
    src, dst = rng.integers(0, 300, 4000), rng.integers(0, 300, 4000)
    reverse = np.isin(dst * 300 + src, src * 300 + dst)
    np.testing.assert_array_equal(ms.reciprocated_mask(src, dst, 300), reverse)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reciprocated_is_the_reverse_lookup_with_repeats_self_loops_and_isolated_nodes(seed):
    rng = np.random.default_rng(seed)
    n = 40 + 20 * seed
    src, dst = rng.integers(0, n - 5, 600), rng.integers(0, n - 5, 600)  # the last five nodes have no edge
    src, dst = np.r_[src, 3, 7, 7], np.r_[dst, 3, 8, 8]  # a self-loop, a repeated follow
    expected = np.isin(dst * n + src, src * n + dst)
    np.testing.assert_array_equal(arrays.reciprocated(src, dst, n), expected)
    assert arrays.reciprocated(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3).shape == (0,)
    with pytest.raises(ValueError, match="0 .. 2"):
        arrays.reciprocated(np.array([0, 3]), np.array([1, 0]), 3)
    with pytest.raises(TypeError, match="integers"):
        arrays.reciprocated(np.array([0.0]), np.array([1.0]), 3)


def test_edge_crosstab_counts_every_labelling_as_bincount_does():
    rng = np.random.default_rng(4)
    n, k = 50, 3
    src, dst = rng.integers(0, n, 800), rng.integers(0, n, 800)
    codes = rng.integers(0, k, (n, 4))
    marked = rng.random(800) < 0.3
    total, chosen = arrays.edge_crosstab(src, dst, codes, k, marked)
    assert total.shape == chosen.shape == (4, k, k)
    for column in range(4):
        pair = codes[src, column] * k + codes[dst, column]
        np.testing.assert_array_equal(total[column], np.bincount(pair, minlength=k * k).reshape(k, k))
        np.testing.assert_array_equal(chosen[column], np.bincount(pair[marked], minlength=k * k).reshape(k, k))
    with pytest.raises(ValueError, match="0 .. 2"):
        arrays.edge_crosstab(src, dst, codes + 1, k, marked)
    with pytest.raises(ValueError, match="2-d"):
        arrays.edge_crosstab(src, dst, codes[:, 0], k, marked)
    with pytest.raises(ValueError, match="no row of codes"):
        arrays.edge_crosstab(np.r_[src, n], np.r_[dst, 0], codes, k, np.r_[marked, False])


@pytest.mark.parametrize("seed", [0, 1])
def test_member_of_sorted_is_member_for_sorted_and_unsorted_values(seed):
    rng = np.random.default_rng(seed)
    pool = np.unique(rng.integers(-500, 500, 300))
    values = np.r_[rng.integers(-600, 600, 2005), pool[:5]]
    for queries in (values, np.sort(values), values.reshape(67, 30)):
        np.testing.assert_array_equal(arrays.member_of_sorted(queries, pool), np.isin(queries, pool))
    assert arrays.member_of_sorted(values, pool[:0]).shape == values.shape
    assert not arrays.member_of_sorted(np.array([7]), np.array([1, 5, 9])).any()
    with pytest.raises(ValueError, match="sorted"):
        arrays.member_of_sorted(values, pool[::-1])


def test_concentration():
    assert ms.gini([1, 1, 1, 1]) == pytest.approx(0.0)
    assert ms.gini([0, 0, 0, 10]) == pytest.approx(0.75)
    assert ms.top_share(list(range(1, 101)), 0.01) == pytest.approx(100 / 5050)
    x, p = ms.ccdf([1, 1, 2, 5])
    assert x.tolist() == [1, 2, 5] and p.tolist() == [1.0, 0.5, 0.25]


def test_powerlaw_fit_recovers_exponent():
    rng = np.random.default_rng(0)
    sample = np.floor(10 * (1 - rng.random(20000)) ** (-1 / 1.5)).astype(int)  # alpha = 2.5, xmin = 10
    fit = ms.powerlaw_vs_lognormal(sample, xmin_range=(5, 50))
    assert 2.3 < fit["alpha"] < 2.7


def test_index_edges_and_classes():
    edges = pd.DataFrame({"follower": [30, 10], "followee": [10, 20]})
    graph = ms.index_edges(edges, extra_ids=[99])
    assert graph.ids.tolist() == [10, 20, 30, 99] and graph.src.tolist() == [2, 0] and graph.dst.tolist() == [0, 1]
    assert graph.index_of([20, 5, 99]).tolist() == [1, -1, 3]
    assert ms.classes_verified([True, False]).tolist() == ["verified", "unverified"]
    ratio = ms.friends_followers_ratio([72, 131505, 5], [962000, 141341, 0])
    assert ratio[:2].tolist() == [72 / 962000, 131505 / 141341] and np.isnan(ratio[2])
