"""How fast a degree-preserving chain reaches a mixed sample (``make bench``,
:file:`scripts/bench_rewire.py`): mixing curves, time to a mixed sample and the
memory's random-access floor. (The chain length the notebooks use is chosen by
:mod:`analysis.nulls.mixing`, a stricter rule with a safety factor.)

**Statistics.** Every statistic the degree-null claims test on an elite is a function of
the follows that touch the elite: with ``E`` the elite, ``R`` the regular accounts and
``out(E)`` the follows the elite gives (fixed by the null),

- ``closure``: follows ``E -> E`` over ``out(E)`` (C4a, :func:`analysis.graph.measures.elite_closure`);
- ``to_regular``: follows ``E -> R`` over ``out(E)`` (C2a, ``share_to(celebrity, regular)``);
- ``returned_by_elite``: the share of follows ``R -> E`` that the followed account
  returns (C2b-chance, ``reciprocated_share(regular, celebrity)``);
- ``mutual_in_elite``: the share of follows ``E -> E`` returned (the statistic of C5,
  ``reciprocated_share(celebrity, celebrity)``, here against the degree null, since
  no peer library offers the reciprocity-keeping null).

:func:`elite_statistics` computes them from the follows given and received by the
elite only (so a peer library's graph is read through the elite's neighbourhoods,
never copied whole); the tests check them against the claims' own functions.

**Time to a mixed sample** (:func:`long_run`, :func:`tolerance`, :func:`mixed_checkpoint`).
Chains start from the observed graph; each statistic is recorded at increasing
checkpoints of chain length (in the implementation's own unit: accepted switches,
trials, switches or global rounds per edge). The null's *long-run value* is the mean
over separate long chains and over the checkpoints of their last doubling
(``length >= longest / 2``). A checkpoint is *mixed* when the mean of the chains there
is within one standard error of the long-run value, the standard error of their
difference (both are estimates: ``sd * sqrt(1/chains + 1/reference_chains)``, ``sd``
the long-run standard deviation across chains), and so are the means at the next
``stay`` checkpoints. The time to a mixed sample is the median wall time of one chain
of the mixed checkpoint's length, run from the observed graph as a user would run it.

**Random-access floor** (:func:`gather_rate`): a compiled loop of independent loads at
pseudo-random positions of an ``int64`` array as large as the kernel's working set
(edge array plus hash table). A two-edge switch attempt needs at least
:data:`LOADS_PER_SWITCH` random cache lines (two edges, the table slots of the two
new keys and, when accepted, of the two old ones), so ``floor / LOADS_PER_SWITCH`` is
a ceiling on one thread's switch attempts per second.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from . import kernels

__all__ = [
    "STATISTICS",
    "LOADS_PER_SWITCH",
    "elite_statistics",
    "incident_edges",
    "long_run",
    "tolerance",
    "mixed_checkpoint",
    "gather_rate",
    "working_set_bytes",
]

STATISTICS = ("closure", "to_regular", "returned_by_elite", "mutual_in_elite")
LOADS_PER_SWITCH = 6


def incident_edges(src, dst, is_elite) -> tuple[np.ndarray, np.ndarray]:
    """The follows given or received by the elite."""
    src, dst = np.asarray(src), np.asarray(dst)
    keep = is_elite[src] | is_elite[dst]
    return src[keep], dst[keep]


def elite_statistics(src, dst, is_elite, is_regular) -> np.ndarray:
    """``[closure, to_regular, returned_by_elite, mutual_in_elite]`` (see the module doc)
    from any set of edges that holds every follow given or received by the elite."""
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    from_elite, to_elite = is_elite[src], is_elite[dst]
    given = int(from_elite.sum())
    inside = from_elite & to_elite
    to_regular = from_elite & is_regular[dst]
    # a follow a -> b into the elite is returned when b -> a exists; b's follows are all here
    out_keys = np.sort(kernels.pack_edges(src[from_elite], dst[from_elite]))
    into = np.flatnonzero(to_elite)
    reverse = kernels.pack_edges(dst[into], src[into])
    pos = np.minimum(np.searchsorted(out_keys, reverse), max(len(out_keys) - 1, 0))
    returned = np.zeros(len(src), bool)
    if len(out_keys):
        returned[into] = out_keys[pos] == reverse
    regular_in = to_elite & is_regular[src]

    def share(a, b):
        return float(a) / float(b) if b else float("nan")

    return np.array(
        [
            share(inside.sum(), given),
            share(to_regular.sum(), given),
            share((returned & regular_in).sum(), regular_in.sum()),
            share((returned & inside).sum(), inside.sum()),
        ]
    )


def long_run(lengths, values) -> tuple[float, float]:
    """The long-run value and standard deviation of a statistic from long chains: the mean
    over the chains and the checkpoints of the last doubling (``length >= longest / 2``),
    and the standard deviation across chains there. ``values``: ``(checkpoints, chains)``."""
    lengths = np.asarray(lengths, float)
    values = np.asarray(values, float)
    tail = values[lengths >= lengths[-1] / 2]
    return float(tail.mean()), float(np.sqrt(tail.var(axis=1, ddof=1).mean()))


def tolerance(sd: float, chains: int, reference_chains: int) -> float:
    """One standard error of the difference between a mean of ``chains`` samples and a
    long-run value from ``reference_chains`` chains (counted as that many samples, no
    credit taken for averaging over checkpoints): ``sd * sqrt(1/chains + 1/reference_chains)``."""
    return sd * float(np.sqrt(1.0 / chains + 1.0 / reference_chains))


def mixed_checkpoint(means, value: float, standard_error: float, stay: int = 2):
    """Index of the first checkpoint whose mean and the next ``stay`` means are within
    ``standard_error`` of ``value``; None when there is none (yet)."""
    means = np.asarray(means, float)
    within = np.abs(means - value) <= standard_error
    for i in range(len(means) - stay):
        if within[i : i + stay + 1].all():
            return i
    return None


@nb.njit(cache=True, nogil=True)
def _gather(array, loads, seed):
    """``loads`` independent loads at pseudo-random positions (a multiply-shift of a
    counter: no load depends on another); returns their sum so none is optimised away."""
    size = np.uint64(len(array))
    x = np.uint64(seed)
    total = 0
    for _ in range(loads):
        x += kernels.GOLDEN
        z = x ^ (x >> np.uint64(31))
        z *= np.uint64(0xBF58476D1CE4E5B9)
        i = np.int64(((z >> np.uint64(32)) * size) >> np.uint64(32))
        total += array[i]
    return total


def gather_rate(array: np.ndarray, loads: int, seed: int = 1) -> float:
    """Independent random loads per second into ``array`` (one thread; compiled beforehand)."""
    import time

    _gather(array, 1000, seed)
    start = time.perf_counter()
    _gather(array, loads, seed)
    return loads / (time.perf_counter() - start)


def working_set_bytes(m: int) -> dict:
    """Bytes of the degree chain's data for ``m`` edges: the packed edge array, its hash
    table (:func:`analysis.nulls.kernels.table_bits`) and their sum."""
    edges = 8 * m
    table = 8 * (1 << kernels.table_bits(m))
    return {"edges": edges, "table": table, "total": edges + table}
