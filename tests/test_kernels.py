"""Compiled building blocks: random stream, bounded draws, edge keys, hash set."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.nulls import kernels


@given(st.integers(0, 2**64 - 1))
@settings(max_examples=50, deadline=None)
def test_compiled_stream_equals_the_python_reference(seed):
    reference = kernels.ReferenceRandom(seed)
    assert kernels.draw_u64(np.uint64(seed), 20).tolist() == [reference.next_u64() for _ in range(20)]


def test_xoshiro_matches_the_published_algorithm_on_a_known_state():
    # state (1, 2, 3, 4): first outputs of the reference C code xoshiro256starstar.c
    draws = kernels.ReferenceRandom(0)
    draws.state = [1, 2, 3, 4]
    assert [draws.next_u64() for _ in range(3)] == [11520, 0, 1509978240]


@given(st.integers(0, 2**63 - 1), st.integers(1, 2**32 - 1))
@settings(max_examples=100, deadline=None)
def test_bounded_draws_stay_in_range_and_match_the_reference(seed, m):
    draws = kernels.draw_below(seed, m, 200)
    assert draws.min() >= 0 and draws.max() < m
    reference = kernels.ReferenceRandom(seed)
    assert draws.tolist() == [reference.below(m) for _ in range(200)]


def test_bounded_draws_are_uniform():
    m = 37
    counts = np.bincount(kernels.draw_below(2024, m, 370_000), minlength=m)
    assert stats.chisquare(counts).pvalue > 0.001


@given(st.lists(st.tuples(st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1)), max_size=50))
def test_edge_keys_round_trip(pairs):
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    back_src, back_dst = kernels.unpack_edges(kernels.pack_edges(src, dst))
    assert np.array_equal(back_src, src) and np.array_equal(back_dst, dst)


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 60)), max_size=300), st.integers(4, 8))
@settings(max_examples=200, deadline=None)
def test_hash_set_behaves_like_a_python_set(operations, bits):
    """Inserts and backward-shift deletes in a small, crowded table agree with ``set``."""
    table = np.zeros(1 << bits, dtype=np.int64)
    shift = 64 - bits
    model = set()
    for add, key in operations:
        if len(model) >= (1 << bits) - 1 and add:
            continue  # keep one empty slot, as the real tables keep most
        if add:
            assert kernels.insert(table, shift, key) == (key not in model)
            model.add(key)
        else:
            assert kernels.delete(table, shift, key) == (key in model)
            model.discard(key)
        assert all(kernels.contains(table, shift, k) for k in model)
        assert sorted((table[table != 0] - 1).tolist()) == sorted(model)
    for key in range(61):
        assert kernels.contains(table, shift, key) == (key in model)


def test_table_size_leaves_most_slots_free():
    for n_keys in [1, 10, 1_768_135]:
        assert n_keys / 2 ** kernels.table_bits(n_keys) <= 0.25
