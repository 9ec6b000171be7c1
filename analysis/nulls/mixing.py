"""How long a null chain must run: a mixing diagnostic of the statistics tested.

A chain of accepted switches started from the observed graph
(:mod:`analysis.nulls.rewiring`) approaches its null's stationary distribution; until it
has mixed *for a statistic*, that statistic's null values sit too close to the observed
one (the test is then conservative, and its effect size shrunk). The diagnostic runs
``R`` independent chains from the observed graph to the longest of a doubling grid of
``checkpoints`` (accepted switches per edge, ``c_1 < ... < c_K``) and records every
statistic at every checkpoint. For statistic ``s`` and checkpoint ``c`` it compares
each chain with itself at the longest checkpoint (paired, so that the chains' spread
cancels):

    d_r(c) = s_r(c) - s_r(c_K),   z(c) = mean_r d_r(c) / (sd_r d_r(c) / sqrt(R))

with ``z(c_K) = 0``; ``z = 0`` where every ``d_r`` is 0, and infinite where they are
equal but not 0. The statistic has **settled** at the first checkpoint ``c`` from which
``|z| <= tolerance`` at ``c`` and at every longer checkpoint: its null mean is then within
``tolerance`` standard errors of the long-run value. A statistic that is undefined
(not finite) in some chain at the longest checkpoint is not judged (``settled_at`` is
NaN; its name is listed in ``not_judged``).

The chain length used is ``safety`` times the largest settled checkpoint over the
judged statistics that a test reads, at most ``c_K``. When such a statistic settles only
at ``c_K`` (no longer checkpoint confirms it), the length is ``c_K`` and ``settled`` is
False: the report must say that the chains may be too short. *Context* statistics
(``context``: read on the same chains for a description, such as the rich-club curve)
are judged the same way but do not set the length; those that settle after it
(``late_context``) are named, so the report can say that their null values may sit too
close to the observed ones. ``covering`` is the length the rule gives over every judged
statistic, context included: the length for a statistic the diagnostic does not read,
which should be at least as long as any structure measured on the chain needs
(``covering_settled`` False: it too may be too short; the notebooks' community
statistic, once such a one, is now read like the others). The constants were fixed here before any diagnostic was looked at:
:data:`TOLERANCE_SE` (the issue's "within one standard error", widened to two because
every statistic is compared at several checkpoints), :data:`SAFETY` (the true settling
point lies between the previous checkpoint and the settled one; a quarter more covers a
statistic that settles late in that interval) and :data:`CHECKPOINTS`. The split into
tested and context statistics came afterwards, on 2026-12-02: the rich-club ratio at
k = 200, a description, had set the length of every ensemble to the longest checkpoint
(8 switches per edge, "possibly too short") while every statistic of a claim's test had
settled by 4 on ego-Twitter, so the tested ensembles went from 8 to 5 switches per
edge. A chain too short leaves its samples nearer the observed graph, which tends to
pull effects toward 1 and p-values up (a conservative error, though not a guaranteed
one for every statistic); the specification curve of notebook 05 reads each rewiring null at the
covering length too, so that the change is shown statement by statement.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import cluster, kernels, rewiring

__all__ = [
    "CHECKPOINTS",
    "N_CHAINS",
    "TOLERANCE_SE",
    "SAFETY",
    "Mixing",
    "chain_trajectories",
    "chain_readings",
    "settle",
]

CHECKPOINTS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
"""Accepted switches per edge at which every chain is read (a doubling grid)."""
N_CHAINS = 10
"""Independent chains of the diagnostic."""
TOLERANCE_SE = 2.0
"""Largest ``|z|`` of a settled statistic (paired standard errors of the chains)."""
SAFETY = 1.25
"""The chain length used is this times the latest checkpoint at which a statistic settled."""


def chain_trajectories(
    src,
    dst,
    n: int,
    statistic,
    rng: np.random.Generator,
    model: str = "degree",
    checkpoints=CHECKPOINTS,
    n_chains: int = N_CHAINS,
    workers: int = 1,
    scheduler=None,
) -> np.ndarray:
    """``statistic(src, dst)`` (a scalar or a 1-d array) along ``n_chains`` chains of the
    ``model`` rewiring (:data:`analysis.nulls.rewiring.REWIRERS`), each started from the
    observed graph and read at every checkpoint (accepted switches per edge, increasing).

    Returns an array of shape ``(n_chains, len(checkpoints), n_statistics)``. Each chain
    is seeded from ``rng`` before any runs (:func:`analysis.nulls.rewiring.sample_seeds`),
    so the result depends neither on ``workers`` (threads) nor on ``scheduler`` (a Dask
    cluster, as for :func:`analysis.nulls.rewiring.null_ensemble`); between checkpoints a
    chain continues from where it stopped with its own generator, so it is one chain read
    ``len(checkpoints)`` times."""
    checkpoints = np.asarray(checkpoints, dtype=float)
    if checkpoints.ndim != 1 or len(checkpoints) < 1 or (np.diff(checkpoints) <= 0).any() or checkpoints[0] <= 0:
        raise ValueError("checkpoints must be increasing positive chain lengths")
    if n_chains < 2:
        raise ValueError("the diagnostic needs at least two chains (it estimates their spread)")
    if model not in rewiring.REWIRERS:
        raise ValueError(f"model must be one of {sorted(rewiring.REWIRERS)}, not {model!r}")
    on_cluster = cluster.wanted(scheduler)  # a bad setting fails before the graph is prepared
    if on_cluster:
        cluster.check_picklable(statistic)
    prepared = rewiring.PREPARERS[model](src, dst, n)
    seeds = rewiring.sample_seeds(rng, n_chains)
    shared = (prepared, statistic, model, tuple(float(s) for s in np.diff(np.r_[0.0, checkpoints])))
    if on_cluster:
        chains = cluster.map_shared(chain_readings, seeds, shared, scheduler, name=f"mixing-{model}")
    elif workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            chains = list(pool.map(lambda seed: chain_readings(seed, *shared), seeds))
    else:
        chains = [chain_readings(seed, *shared) for seed in seeds]
    return np.array(chains)


def chain_readings(seed, prepared, statistic, model: str, steps) -> np.ndarray:
    """One chain of :func:`chain_trajectories`: seeded with ``seed`` from the ``prepared``
    graph, advanced by each of ``steps`` (switches per edge) in turn and read by
    ``statistic`` after each; shape ``(len(steps), n_statistics)``. The one function
    every runner applies (threads, or Dask workers), so the runners agree bit for bit."""
    chain = _Chain(model, prepared)
    chain_rng = np.random.default_rng(seed)
    values = []
    for step in steps:
        chain.advance(float(step), chain_rng)
        values.append(np.atleast_1d(np.asarray(statistic(*chain.edges()), dtype=float)))
    return np.array(values)


class _Chain:
    """One chain of the ``model`` rewiring, continued in place from checkpoint to
    checkpoint: the kernels of :mod:`analysis.nulls.rewiring` run on the chain's own
    copies of the packed edges and hash table, so a segment costs its switches only
    (each :func:`~analysis.nulls.rewiring.rewire_directed` call would rebuild them).
    ``advance`` makes the moves of one rewire call with the same settings (its
    default three-edge share and attempt limit)."""

    def __init__(self, model: str, prepared):
        self.model = model
        if model == "degree":
            edges, table, self.bits = prepared
            self.parts = (edges.copy(),)
        else:
            one, mutual, table, self.bits = prepared
            self.parts = (one.copy(), mutual.copy())
        self.table = table.copy()

    def advance(self, switches_per_edge: float, rng: np.random.Generator) -> None:
        size = sum(len(part) for part in self.parts)
        n_switches = int(round(switches_per_edge * size))
        if n_switches <= 0 or size + (len(self.parts[1]) if self.model == "reciprocal" else 0) < 2:
            return
        kernel = rewiring._rewire_kernel if self.model == "degree" else rewiring._rewire_reciprocal_kernel
        kernel(*self.parts, self.table, 64 - self.bits, n_switches, 100 * n_switches,
               rewiring.DEFAULT_THREE_EDGE_SHARE, int(rng.integers(0, 2**63 - 1)))  # fmt: skip

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """The chain's graph now, as ``(src, dst)`` (a mutual pair as its two edges)."""
        if self.model == "degree":
            return kernels.unpack_edges(self.parts[0])
        osrc, odst = kernels.unpack_edges(self.parts[0])
        mu, mv = kernels.unpack_edges(self.parts[1])
        return np.concatenate([osrc, mu, mv]), np.concatenate([odst, mv, mu])


@dataclass(frozen=True)
class Mixing:
    """A mixing diagnostic and the chain length it gives.

    ``table``: one row per statistic and checkpoint (``statistic``, ``switches_per_edge``,
    ``null_mean``, ``null_sd``, ``z`` against the longest checkpoint); ``settled_at``: the
    checkpoint at which each statistic settled (NaN if not judged); ``not_judged``: the
    statistics undefined in some chain; ``switches_per_edge``: the length to use;
    ``settled``: whether every judged statistic a test reads settled before the longest
    checkpoint; ``decisive``: the one of them that settled last; ``context``: the
    statistics that do not set the length, ``late_context`` those of them that settled
    after it (or were not confirmed before the longest checkpoint); ``covering``: the
    length over every judged statistic, context included, and ``covering_settled``
    whether that length is confirmed (module docstring)."""

    table: pd.DataFrame
    settled_at: dict
    not_judged: list
    switches_per_edge: float
    settled: bool
    decisive: str
    n_chains: int
    tolerance_se: float
    safety: float
    context: tuple = ()
    late_context: tuple = ()
    covering: float = float("nan")
    covering_settled: bool = False

    def summary(self) -> dict:
        """The numbers a report quotes (JSON-ready)."""
        return {
            "switches_per_edge": self.switches_per_edge,
            "settled": self.settled,
            "decisive": self.decisive,
            "settled_at": {k: (None if np.isnan(v) else v) for k, v in self.settled_at.items()},
            "not_judged": list(self.not_judged),
            "n_chains": self.n_chains,
            "tolerance_se": self.tolerance_se,
            "safety": self.safety,
            "checkpoints": sorted(set(self.table["switches_per_edge"].tolist())),
            "context": list(self.context),
            "late_context": list(self.late_context),
            "covering": self.covering,
            "covering_settled": self.covering_settled,
        }


def _paired_z(trajectory: np.ndarray) -> np.ndarray:
    """``z(c)`` of one statistic, ``trajectory`` of shape ``(chains, checkpoints)``."""
    d = trajectory - trajectory[:, -1:]
    mean = d.mean(axis=0)
    se = d.std(axis=0, ddof=1) / np.sqrt(d.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, mean / np.where(se > 0, se, 1.0), np.where(mean == 0, 0.0, np.inf))
    return z


def settle(
    trajectories: np.ndarray,
    checkpoints,
    names,
    tolerance_se: float = TOLERANCE_SE,
    safety: float = SAFETY,
    context=(),
) -> Mixing:
    """The diagnostic of :func:`chain_trajectories`' output (module docstring: the rule);
    ``context``: the names of the statistics that are judged but do not set the length."""
    trajectories = np.asarray(trajectories, dtype=float)
    checkpoints = np.asarray(checkpoints, dtype=float)
    names = list(names)
    if trajectories.ndim != 3 or trajectories.shape[1:] != (len(checkpoints), len(names)):
        raise ValueError(
            f"trajectories must have shape (chains, {len(checkpoints)} checkpoints, {len(names)} statistics), "
            f"not {trajectories.shape}"
        )
    rows, settled_at, not_judged = [], {}, []
    for j, name in enumerate(names):
        values = trajectories[:, :, j]
        judged = bool(np.isfinite(values).all())
        z = _paired_z(values) if judged else np.full(len(checkpoints), np.nan)
        with np.errstate(invalid="ignore"):
            means, sds = np.nanmean(values, axis=0), np.nanstd(values, axis=0, ddof=1)
        for c, mean, sd, zc in zip(checkpoints, means, sds, z):
            rows.append({"statistic": name, "switches_per_edge": c, "null_mean": mean, "null_sd": sd, "z": zc})
        if not judged:
            settled_at[name] = float("nan")
            not_judged.append(name)
            continue
        within = np.abs(z) <= tolerance_se
        # the first checkpoint from which every longer one is within tolerance
        later_ok = np.flip(np.cumprod(np.flip(within)).astype(bool))
        settled_at[name] = float(checkpoints[int(np.argmax(later_ok))])
    unknown = sorted(set(context) - set(names))
    if unknown:
        raise ValueError(f"context statistics not among the statistics read: {unknown}")
    context = tuple(name for name in names if name in set(context))
    if set(context) == set(names) and names:
        raise ValueError("every statistic is context: none would set the chain length")
    judged = {k: v for k, v in settled_at.items() if not np.isnan(v)}
    longest = float(checkpoints[-1])

    def rule(chosen):
        if not chosen:
            return "", False, longest
        decisive = max(chosen, key=lambda k: chosen[k])
        latest = chosen[decisive]
        settled = latest < longest
        return decisive, settled, (min(longest, safety * latest) if settled else longest)

    decisive, settled, length = rule({k: v for k, v in judged.items() if k not in context})
    _, covering_settled, covering = rule(judged)
    late = tuple(k for k in context if k in judged and (judged[k] > length or judged[k] >= longest))
    return Mixing(pd.DataFrame(rows), settled_at, not_judged, float(length), bool(settled), decisive,
                  int(trajectories.shape[0]), float(tolerance_se), float(safety), context, late,
                  float(covering), bool(covering_settled))  # fmt: skip
