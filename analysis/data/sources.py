"""The inputs of the claim notebooks: profiles with labels and labelled graphs by dataset name.

A dataset is a registered graph (``ego_twitter``, ``konect_icwsm2010``, each
described in ``analysis/data/descriptors/``), ``kwak2009-full`` (the celebrity
slice of the complete 2009 graph, when its pipeline has run) or the path of a
user's descriptor (``.toml``, :mod:`analysis.data.descriptor`).
"""

from __future__ import annotations

import pandas as pd

from ..graph import measures
from ..graph.labelled import LabelledGraph, label_graph
from . import descriptor, fullgraph
from .processed import load_table

__all__ = [
    "accounts_with_labels",
    "GRAPH_DATASETS",
    "is_descriptor",
    "resolve_dataset",
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


GRAPH_DATASETS = ("ego_twitter", "konect_icwsm2010")  # registered, each with a descriptor in analysis/descriptors/


def is_descriptor(dataset: str) -> bool:
    return str(dataset).endswith(".toml")


def resolve_dataset(dataset: str) -> tuple[str, str]:
    """The graph dataset to use and a note. A path ending in ``.toml`` is a user's
    descriptor (:mod:`analysis.data.descriptor`). ``kwak2009-full`` is the celebrity slice
    of the complete 2009 graph (:mod:`analysis.data.fullgraph`) when its pipeline has run;
    otherwise the note says how to get it and ego-Twitter is used instead."""

    if is_descriptor(dataset):
        desc = descriptor.read_descriptor(dataset)
        return str(
            desc.source
        ), f"{desc.title or desc.name} (descriptor {desc.source.name}; elite {desc.elite}). {desc.citation}"
    if dataset in GRAPH_DATASETS:
        return dataset, descriptor.read_descriptor(descriptor.registered(dataset)).title
    if dataset == "kwak2009-full":
        if fullgraph.is_available():
            return dataset, (
                "The celebrity slice of the complete July 2009 graph (Kwak et al.): every follow made by "
                "the 6,499 profiled accounts and every follow they receive from accounts they follow."
            )
        return "ego_twitter", (
            "The complete July 2009 graph is not on this machine: `make data-full` downloads it "
            "(four gzip parts, 26 GB) and `make fullgraph` builds its tables (DuckDB, out of core). "
            "Falling back to ego-Twitter."
        )
    raise ValueError(
        f"unknown dataset {dataset!r}: use one of {list(GRAPH_DATASETS)}, kwak2009-full or a descriptor .toml"
    )


def load_labelled_graph(dataset: str, elite: str, accounts: pd.DataFrame) -> LabelledGraph:
    """The labelled graph of ``dataset`` (as returned by :func:`resolve_dataset`).

    A user's descriptor brings its own elite. Registered datasets read their edges
    through their descriptors; on ego-Twitter ``elite`` is any profile-based
    definition (:func:`elite_ids`), on KONECT (anonymised ids) it must be ``top:K``."""

    if is_descriptor(dataset):
        return descriptor.load_graph(descriptor.read_descriptor(dataset))
    if dataset == "kwak2009-full":
        edges = pd.read_parquet(fullgraph.output_dir() / "celebrity_slice.parquet").drop_duplicates()
        return label_graph(dataset, measures.index_edges(edges), accounts, elite)
    desc = descriptor.read_descriptor(descriptor.registered(dataset))
    edges, _ = descriptor.load_edges(desc)
    graph = measures.index_edges(edges)
    return label_graph(dataset, graph, accounts if desc.has_profiles else None, elite)


def graph_from_table(table: str) -> measures.Graph:
    """The dense graph of a processed edge table."""
    return measures.index_edges(load_table(table))
