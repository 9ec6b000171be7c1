"""The chain length of the rewiring nulls, chosen by the mixing diagnostic of the statistics tested.

:func:`chain_length` runs :mod:`analysis.nulls.mixing` on a labelled graph for every
statistic the notebooks test against a rewiring null: on the degree-keeping chain the
follow-back statistics of 03 (:func:`analysis.claims.follow_back.degree_statistic`)
and the gated-community statistics of 04 (:func:`analysis.claims.gated.gated_statistics`,
rich club at :data:`RICH_CLUB_KS`); on the reciprocity-keeping chain those of
:func:`analysis.claims.follow_back.reciprocal_statistic`. The length used is the longer
of the two chains' (one length for every ensemble of the run), over the statistics the
tests read: the rich-club curve and the elite's clustering are *context* (reported in
04 beside the tests, not a claim's test), judged but not setting the length, and the
report names one that settled later. The community statistic of C4b-community (the
elite's effective number of Louvain communities, :func:`analysis.claims.gated.community_statistic`)
is read on the degree chain like the others, a Louvain run per reading (about a second
on ego-Twitter, two at a time on two threads). The *covering* length, the one the rule
gives over every statistic of the degree chain, the context included, is reported for
a statistic the diagnostic would not read.

The diagnostic is seeded from ``seed`` alone, not from a notebook's random stream, so
03, 04 and 05 get the same answer in any order; it is kept in the fit cache under a
digest of its inputs (:func:`analysis.paths.fit_cache_dir`), so it runs once per build.

:func:`shared_null` is the ensemble itself, shared the same way: one set of samples of
each chain gives the null values of every statistic the diagnostic reads, so the
degree-keeping ensemble serves both 03 (C2a, C2b-chance and the chance level of every
pair) and 04 (closure, in-leak, clustering, rich club): whichever notebook runs first
draws it, the other reads it. It carries C4b-community's null values too
(:meth:`SharedNull.communities`), so that test needs no ensemble of its own, and each
sample's Louvain partition (:attr:`SharedNull.memberships`), so that 05 reads the
community statistic of every elite definition of its specification curve off the same
samples.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import files, paths
from ..graph import arrays, louvain, measures
from ..graph.labelled import LabelledGraph
from ..nulls import kernels, mixing, rewiring
from . import follow_back, gated

__all__ = [
    "RICH_CLUB_KS",
    "QUICK_CHECKPOINTS",
    "QUICK_CHAINS",
    "ChainLength",
    "statistic_names",
    "context_names",
    "chain_length",
    "SharedNull",
    "shared_null",
]

RICH_CLUB_KS = (10, 20, 50, 100, 200, 500, 1000, 2000)
"""The rich-club sizes of 04's test (its ``rich_club_ks`` parameter; tests check they agree)."""
QUICK_CHECKPOINTS = (0.0125, 0.025, 0.05, 0.1)
"""Checkpoints of the quick mode (the tests' small ensembles)."""
QUICK_CHAINS = 3
_STREAM = {"degree": 1, "reciprocal": 2}  # each chain's random stream: default_rng([seed, stream])
_ENSEMBLE_STREAM = {"degree": 3, "reciprocal": 4}  # the shared ensembles' streams


@dataclass(frozen=True)
class ChainLength:
    """The length to use (accepted switches per edge) and the diagnostic of each chain
    (``by_model``: :class:`analysis.nulls.mixing.Mixing` per rewiring model);
    ``covering``: the length for a statistic the diagnostic does not read (module
    docstring), never shorter than ``switches_per_edge``, and ``covering_settled``
    whether the diagnostic confirms it."""

    switches_per_edge: float
    settled: bool
    decisive: str
    by_model: dict
    covering: float = float("nan")
    covering_settled: bool = False

    def settled_table(self) -> pd.DataFrame:
        """Where each statistic settled, one row per chain and statistic, the latest first
        (NaN: not judged)."""
        rows = [{"chain": model, "statistic": name, "settled at": at}
                for model, m in self.by_model.items() for name, at in m.settled_at.items()]  # fmt: skip
        return pd.DataFrame(rows).sort_values(["chain", "settled at"], ascending=[True, False], ignore_index=True)

    def summary(self) -> dict:
        """JSON-ready numbers for ``numbers.json``."""
        return {
            "switches_per_edge": self.switches_per_edge,
            "settled": self.settled,
            "decisive": self.decisive,
            "covering": self.covering,
            "covering_settled": self.covering_settled,
            "late_context": [name for m in self.by_model.values() for name in m.late_context],
            "models": {model: m.summary() for model, m in self.by_model.items()},
        }


def _statistics(lg: LabelledGraph, seed: int, with_membership: bool = False) -> dict:
    """The statistic of each chain (``with_membership``: the degree chain's reading ends
    with the Louvain partition of C4b-community's statistic)."""
    g = lg.graph
    community = gated.community_statistic(lg, seed, with_membership)
    degree_parts = (
        follow_back.degree_statistic(lg.classes, g.n),
        gated.gated_statistics(lg, _ks(lg)),
        (lambda s, d: community(s, d)) if with_membership else (lambda s, d: [community(s, d)]),
    )
    return {
        "degree": lambda s, d: [value for part in degree_parts for value in part(s, d)],
        "reciprocal": follow_back.reciprocal_statistic(lg.classes, g.n),
    }


def _ks(lg: LabelledGraph) -> list[int]:
    return [k for k in RICH_CLUB_KS if 1 < k <= lg.graph.n]


def statistic_names(lg: LabelledGraph) -> dict[str, list[str]]:
    """The name of every statistic the diagnostic reads, by chain."""
    pairs = [f"returned share, {a} → {b}" for a, b, _ in follow_back.FOLLOW_BACK_PAIRS]
    return {
        "degree": [
            "share of celebrity follows to regular accounts (C2a)",
            *pairs,
            *gated.GATED_NAMES,
            *(f"rich-club φ({k})" for k in _ks(lg)),
            gated.COMMUNITY_NAME,
        ],
        "reciprocal": [*pairs, "celebrity / regular returned share (C5-vs-regular)"],
    }


def context_names(lg: LabelledGraph) -> dict[str, list[str]]:
    """The statistics of :func:`statistic_names` that are context, by chain: read and
    judged, but not setting the chain length (those 04 reports as context beside its
    tests: the elite's clustering and the rich-club curve)."""
    clustering = [name for name in gated.GATED_NAMES if "clustering" in name or "transitivity" in name]
    return {"degree": [*clustering, *(f"rich-club φ({k})" for k in _ks(lg))], "reciprocal": []}


def _digest(lg: LabelledGraph, model: str, seed: int, checkpoints, n_chains: int) -> str:
    g = lg.graph
    digest = hashlib.blake2b(f"{model}|{g.n}|{seed}|{list(checkpoints)}|{n_chains}|{_ks(lg)}".encode(), digest_size=20)
    # the code that draws the chains and computes the statistics: a change to any of it is a new entry
    for module in (mixing, rewiring, kernels, follow_back, gated, measures, louvain, arrays):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    for array in (g.src, g.dst, lg.is_elite, follow_back.class_codes(lg.classes)):
        digest.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
    return digest.hexdigest()


def _trajectories(lg, model, statistic, seed, checkpoints, n_chains, workers, scheduler, cache) -> np.ndarray:
    g = lg.graph
    rng = np.random.default_rng([seed, _STREAM[model]])
    run = lambda: mixing.chain_trajectories(g.src, g.dst, g.n, statistic, rng, model, checkpoints, n_chains, workers,
                                            scheduler)  # fmt: skip
    if cache is None:
        return run()
    path = Path(cache) / f"mixing-{_digest(lg, model, seed, checkpoints, n_chains)}.npy"
    return files.cached_array(
        path, "the mixing diagnostic", lambda saved: saved.shape[:2] == (n_chains, len(checkpoints)), run
    )


def chain_length(
    lg: LabelledGraph,
    seed: int,
    quick: bool = False,
    workers: int = 1,
    cache: Path | str | bool | None = True,
    scheduler=None,
) -> ChainLength:
    """The mixing diagnostic of both rewiring chains on ``lg`` and the length it gives
    (module docstring). ``quick``: short checkpoints and :data:`QUICK_CHAINS` chains;
    ``cache``: True for :func:`analysis.paths.fit_cache_dir`, a folder, or None;
    ``workers`` and ``scheduler`` only choose how the chains run (threads or a Dask
    cluster, :mod:`analysis.nulls.cluster`), not the result."""
    checkpoints = QUICK_CHECKPOINTS if quick else mixing.CHECKPOINTS
    n_chains = QUICK_CHAINS if quick else mixing.N_CHAINS
    folder = paths.fit_cache_dir() if cache is True else (cache or None)
    names, statistics = statistic_names(lg), _statistics(lg, seed)
    by_model = {}
    for model in ("degree", "reciprocal"):
        values = _trajectories(lg, model, statistics[model], seed, checkpoints, n_chains, workers, scheduler, folder)
        by_model[model] = mixing.settle(values, checkpoints, names[model], context=context_names(lg)[model])
    decisive_model = max(by_model, key=lambda m: by_model[m].switches_per_edge)
    chosen = by_model[decisive_model]
    return ChainLength(
        switches_per_edge=chosen.switches_per_edge,
        settled=all(m.settled for m in by_model.values()),
        decisive=f"{chosen.decisive} ({decisive_model} chain)",
        by_model=by_model,
        covering=max(chosen.switches_per_edge, by_model["degree"].covering),
        covering_settled=by_model["degree"].covering_settled and all(m.settled for m in by_model.values()),
    )


@dataclass(frozen=True)
class SharedNull:
    """One ensemble of a rewiring chain and the statistics read on it: ``values`` has a row
    per sample and a column per name of :func:`statistic_names` for ``model``;
    ``memberships`` (degree chain only, else None): each sample's Louvain partition of
    C4b-community's statistic, a row per sample and a column per node, for reading the
    statistic of any other elite (:func:`analysis.claims.gated.community_result`)."""

    model: str
    switches_per_edge: float
    values: np.ndarray
    names: list
    memberships: np.ndarray | None = None

    def follow_back(self) -> np.ndarray:
        """The columns of :func:`analysis.claims.follow_back.degree_statistic` (degree chain)
        or :func:`~analysis.claims.follow_back.reciprocal_statistic` (reciprocity chain)."""
        width = 1 + len(follow_back.FOLLOW_BACK_PAIRS)  # both vectors have this many entries
        return self.values[:, :width]

    def gated(self, ks) -> np.ndarray | None:
        """The columns of :func:`analysis.claims.gated.gated_statistics` with rich-club sizes
        ``ks`` (degree chain only); None when ``ks`` are not :data:`RICH_CLUB_KS` (then the
        test draws its own ensemble)."""
        if self.model != "degree":
            raise ValueError("the gated-community statistics are read on the degree-keeping chain only")
        if list(ks) != list(RICH_CLUB_KS):
            return None
        start = 1 + len(follow_back.FOLLOW_BACK_PAIRS)
        return self.values[:, start : self.names.index(gated.COMMUNITY_NAME)]

    def communities(self) -> np.ndarray:
        """C4b-community's statistic on each sample (:func:`analysis.claims.gated.community_statistic`;
        degree chain only)."""
        if self.model != "degree":
            raise ValueError("the community statistic is read on the degree-keeping chain only")
        return self.values[:, self.names.index(gated.COMMUNITY_NAME)]


def shared_null(
    lg: LabelledGraph,
    model: str,
    n_null: int,
    switches_per_edge: float,
    seed: int,
    workers: int = 1,
    scheduler=None,
    cache: Path | str | bool | None = True,
) -> SharedNull:
    """``n_null`` samples of ``model``'s rewiring null of ``lg`` at ``switches_per_edge``,
    each read for every statistic the diagnostic reads on that chain
    (:func:`statistic_names`), so that one ensemble serves 03 and 04.

    Seeded from ``seed`` alone (``default_rng([seed, stream])``), not from a notebook's
    stream, and kept in the fit cache under a digest of the graph, the classes, the
    settings and the code (``cache`` as in :func:`chain_length`), so the notebook that
    asks second reads the first one's samples, under ``make -j2`` too (a lock).
    ``workers`` and ``scheduler`` only choose how the samples run
    (:func:`analysis.nulls.rewiring.null_ensemble`)."""
    if model not in _ENSEMBLE_STREAM:
        raise ValueError(f"no shared ensemble for the {model!r} chain: one of {list(_ENSEMBLE_STREAM)}")
    if n_null < 1 or not switches_per_edge > 0:
        raise ValueError("a shared ensemble needs at least one sample and a positive chain length")
    g = lg.graph
    keep = model == "degree"  # the partitions of the community statistic, read on the degree chain
    statistic = _statistics(lg, seed, with_membership=keep)[model]
    names = statistic_names(lg)[model]
    width = len(names) + (g.n if keep else 0)

    def run():
        rng = np.random.default_rng([seed, _ENSEMBLE_STREAM[model]])
        values = rewiring.null_ensemble(g.src, g.dst, g.n, statistic, n_null, rng, model=model,
                                        switches_per_edge=switches_per_edge, workers=workers, scheduler=scheduler)  # fmt: skip
        return np.asarray(values, dtype=float).reshape(n_null, width)

    folder = paths.fit_cache_dir() if cache is True else (cache or None)
    if folder is None:
        values = run()
        return SharedNull(model, float(switches_per_edge), values[:, : len(names)], names,
                          values[:, len(names) :].astype(np.int64) if keep else None)  # fmt: skip
    key = _digest(lg, f"ensemble-{model}", seed, [float(switches_per_edge)], n_null)
    path = Path(folder) / f"ensemble-{key}.npy"
    partitions = path.with_name(f"ensemble-{key}-partitions.npy")  # int32: a quarter of the floats' size

    def run_and_keep():  # the statistics in one file, the partitions beside them (written first)
        found = run()
        if keep:
            with files.atomic_path(partitions) as tmp, open(tmp, "wb") as handle:
                np.save(handle, found[:, len(names) :].astype(np.int32))
        return found[:, : len(names)]

    def complete(saved):
        return saved.shape == (n_null, len(names)) and (not keep or partitions.exists())

    values = files.cached_array(path, f"the {model} null ensemble", complete, run_and_keep)
    memberships = np.load(partitions).astype(np.int64) if keep else None
    if memberships is not None and memberships.shape != (n_null, g.n):
        raise RuntimeError(f"the cached partitions {partitions} are not of this ensemble: remove it and run again")
    return SharedNull(model, float(switches_per_edge), values, names, memberships)
