"""The inputs of the claim notebooks: profiles with labels and labelled graphs by dataset name.

A dataset is a registered graph (``ego_twitter``, ``konect_icwsm2010``, each
described in ``analysis/data/descriptors/``), ``kwak2009-full`` (the celebrity
slice of the complete 2009 graph, when its pipeline has run) or the path of a
user's descriptor (``.toml``, :mod:`analysis.data.descriptor`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..graph import measures
from ..graph.labelled import LabelledGraph, label_graph
from . import descriptor, fullgraph
from .processed import load_table

__all__ = [
    "accounts_with_labels",
    "GRAPH_DATASETS",
    "FULL_GRAPH",
    "DatasetInfo",
    "is_descriptor",
    "describe",
    "load_labelled_graph",
    "graph_from_table",
]


def accounts_with_labels() -> pd.DataFrame:
    """The 2009 profiles with the 2013 hand label (``label``) and ``ratio`` = friends / followers."""
    accounts = load_table("accounts_kwak2009")
    labels = load_table("labels_org2013")
    out = accounts.merge(labels, on="user_id", how="left")
    out["label"] = out["label"].astype(str)
    out["ratio"] = measures.friends_followers_ratio(out["friends"], out["followers"])
    out["class_verified"] = measures.classes_verified(out["verified"])
    return out


GRAPH_DATASETS = ("ego_twitter", "konect_icwsm2010")  # registered, each with a descriptor in descriptors/
FULL_GRAPH = "kwak2009-full"  # the celebrity slice of the complete 2009 graph, when `make fullgraph` has run


@dataclass(frozen=True)
class DatasetInfo:
    """What a notebook says about the graph it analyses, all from the dataset's descriptor.

    ``name`` is the dataset to load (a registered name or a descriptor path);
    ``kwak_profiles``: its ids are Twitter ids that join the 2009 Kwak profiles
    (so the post's named accounts can be looked up); ``note``: why another dataset
    than the one asked for is used, if so.
    """

    name: str
    title: str
    description: str
    citation: str
    caveats: tuple[str, ...]
    kwak_profiles: bool
    descriptor: bool
    note: str = ""


def is_descriptor(dataset: str) -> bool:
    """A user's descriptor is given by the path of its ``.toml`` file."""
    return str(dataset).endswith(".toml")


def _descriptor_of(dataset: str) -> descriptor.Descriptor:
    return descriptor.read_descriptor(dataset if is_descriptor(dataset) else descriptor.registered(dataset))


def describe(dataset: str) -> DatasetInfo:
    """The dataset a notebook will analyse and what it says about it.

    A path ending in ``.toml`` is a user's descriptor (:mod:`analysis.data.descriptor`).
    ``kwak2009-full`` is the celebrity slice of the complete 2009 graph when its
    pipeline has run; otherwise ego-Twitter is used and ``note`` says how to get it."""
    note = ""
    if dataset == FULL_GRAPH and not fullgraph.is_available():
        note = (
            "The complete July 2009 graph is not on this machine: `make data-full` downloads it "
            "(four gzip parts, 26 GB) and `make fullgraph` builds its tables (DuckDB, out of core). "
            "Falling back to ego-Twitter."
        )
        dataset = "ego_twitter"
    if not (is_descriptor(dataset) or dataset in (*GRAPH_DATASETS, FULL_GRAPH)):
        raise ValueError(
            f"unknown dataset {dataset!r}: use one of {list(GRAPH_DATASETS)}, {FULL_GRAPH} or a descriptor .toml"
        )
    desc = _descriptor_of(dataset)
    return DatasetInfo(
        name=str(desc.source) if is_descriptor(dataset) else dataset,
        title=desc.title or desc.name,
        description=desc.description,
        citation=desc.citation,
        caveats=desc.caveats,
        kwak_profiles=desc.kwak_profiles,
        descriptor=is_descriptor(dataset),
        note=note,
    )


def load_labelled_graph(dataset: str, elite: str) -> LabelledGraph:
    """The labelled graph of ``dataset`` (a :attr:`DatasetInfo.name`).

    A user's descriptor brings its own elite (its ``[elite]`` table). Registered
    datasets read their edges through their descriptors and take ``elite``: on
    graphs with Twitter ids any profile-based definition (see
    :func:`analysis.graph.labelled.elite_ids`, on the 2009 profiles with their hand
    labels), on KONECT (anonymised ids) ``top:K`` or ``threshold:N`` by in-degree."""
    desc = _descriptor_of(dataset)
    if is_descriptor(dataset):
        return descriptor.load_graph(desc)
    edges, _ = descriptor.load_edges(desc)
    accounts = accounts_with_labels() if desc.kwak_profiles else None
    return label_graph(dataset, measures.index_edges(edges), accounts, elite)


def graph_from_table(table: str) -> measures.Graph:
    """The dense graph of a processed edge table."""
    return measures.index_edges(load_table(table))
