"""The inputs of the claim notebooks: profiles with labels and labelled graphs by dataset name.

A dataset is a registered graph (``ego_twitter``, ``konect_icwsm2010``, each
described in ``analysis/data/descriptors/``), ``kwak2009-full`` (the celebrity
slice of the complete 2009 graph, when its pipeline has run) or the path of a
user's descriptor (``.toml``, :mod:`analysis.data.descriptor`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..graph import measures
from ..graph.labelled import LabelledGraph, label_graph
from . import descriptor, fullgraph
from .processed import load_table

__all__ = [
    "ORG_CORRECTIONS",
    "KINDS",
    "KIND_LABEL",
    "LABEL_KIND",
    "CORRECTION_COLUMNS",
    "check_org_corrections",
    "read_org_corrections",
    "accounts_with_labels",
    "GRAPH_DATASETS",
    "FULL_GRAPH",
    "DatasetInfo",
    "is_descriptor",
    "ego_table",
    "ExistenceCutoff",
    "existence_cutoff",
    "describe",
    "load_labelled_graph",
    "GraphInputs",
    "graph_inputs",
    "graph_from_table",
]


ORG_CORRECTIONS = Path(__file__).with_name("curation") / "org2013_corrections.csv"  # rules: curation/README.md

KINDS = ("person", "brand", "news media", "other organization", "unknown")  # the curated kinds
KIND_LABEL = {  # curated kind -> the 2013 label's vocabulary (``label_corrected``)
    "person": "personal",
    "brand": "organization",
    "news media": "organization",
    "other organization": "organization",
    "unknown": "unknown",
}
LABEL_KIND = {"personal": "person", "organization": "organization (uncurated)", "unknown": "unknown"}  # uncurated
CORRECTION_COLUMNS = ("user_id", "screen_name", "followers_2009", "label_2013", "kind", "reason")


def check_org_corrections(table: pd.DataFrame, profiles: pd.DataFrame, labels: pd.DataFrame | None = None) -> list[str]:
    """The problems of a corrections table, one line each naming the row (``row N`` is the
    line of the CSV file, the header being line 1): a missing column, a missing value, a
    kind not in :data:`KINDS`, a duplicate ``user_id``, an id not in ``profiles``
    (``user_id``, ``screen_name``, ``followers``), a ``screen_name`` or ``followers_2009``
    that does not match the profile of the id and, when ``labels`` (``user_id``,
    ``label``) are given, a ``label_2013`` that is not the 2013 label. Empty: valid."""
    missing = [c for c in CORRECTION_COLUMNS if c not in table.columns]
    if missing:
        return [f"corrections: missing column(s) {', '.join(missing)}"]
    profile = profiles.drop_duplicates("user_id").set_index("user_id")
    label = labels.drop_duplicates("user_id").set_index("user_id")["label"] if labels is not None else None
    errors: list[str] = []
    seen: dict[int, int] = {}
    for line, row in zip(range(2, len(table) + 2), table.itertuples(index=False)):
        where = f"row {line} (user_id {row.user_id}, @{row.screen_name})"
        empty = [c for c in CORRECTION_COLUMNS if pd.isna(getattr(row, c)) or str(getattr(row, c)).strip() == ""]
        if empty:
            errors.append(f"{where}: missing {', '.join(empty)}")
            if "user_id" in empty:
                continue
        try:
            uid = int(row.user_id)
        except (TypeError, ValueError):
            errors.append(f"{where}: user_id is not an integer")
            continue
        if "kind" not in empty and row.kind not in KINDS:
            errors.append(f"{where}: unknown kind {row.kind!r} (one of {', '.join(KINDS)})")
        if uid in seen:
            errors.append(f"{where}: duplicate user_id (first on row {seen[uid]})")
            continue
        seen[uid] = line
        if uid not in profile.index:
            errors.append(f"{where}: user_id not in the 2009 profiles")
            continue
        actual = profile.loc[uid]
        if str(row.screen_name) != str(actual["screen_name"]):
            errors.append(f"{where}: screen_name does not match the id, whose profile is @{actual['screen_name']}")
        if "followers_2009" not in empty and str(row.followers_2009) != str(actual["followers"]):
            errors.append(f"{where}: followers_2009 {row.followers_2009} is not the profile's {actual['followers']}")
        if label is not None and "label_2013" not in empty:
            expected = str(label.get(uid, "nan"))
            if str(row.label_2013) != expected:
                errors.append(f"{where}: label_2013 {row.label_2013!r} is not the 2013 label {expected!r}")
    return errors


def read_org_corrections(
    path: Path | str | None = None, profiles: pd.DataFrame | None = None, labels: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The curated kinds of the 2013-labelled accounts (``analysis/data/curation/``; the
    rules are in its README), checked against ``profiles`` and ``labels`` (the processed
    tables when ``profiles`` is not given; no label check when only ``profiles`` is):
    raises ``ValueError`` listing every problem (:func:`check_org_corrections`), one a
    line. Adds ``label_corrected`` (:data:`KIND_LABEL`)."""
    table = pd.read_csv(path if path is not None else ORG_CORRECTIONS, dtype=str, keep_default_na=False)
    table = table.replace("", pd.NA)
    if profiles is None:
        profiles = load_table("accounts_kwak2009")
        labels = load_table("labels_org2013") if labels is None else labels
    errors = check_org_corrections(table, profiles, labels)
    if errors:
        raise ValueError(f"{path or ORG_CORRECTIONS}: {len(errors)} problem(s)\n" + "\n".join(errors))
    table["user_id"] = table["user_id"].astype("int64")
    table["followers_2009"] = table["followers_2009"].astype("int64")
    table["label_corrected"] = table["kind"].map(KIND_LABEL)
    return table


def accounts_with_labels() -> pd.DataFrame:
    """The 2009 profiles with the 2013 hand label (``label``) and ``ratio`` = friends / followers.

    Also the curated kinds (:func:`read_org_corrections`): ``curated`` (the account is in
    the corrections file), ``kind`` (the curated kind, one of :data:`KINDS`; uncurated:
    from ``label`` by :data:`LABEL_KIND`, ``organization (uncurated)`` for an organization)
    and ``label_corrected`` (personal / organization / unknown after the curation; uncurated:
    ``label``). ``label`` itself is the 2013 label unchanged."""
    accounts = load_table("accounts_kwak2009")
    labels = load_table("labels_org2013")
    out = accounts.merge(labels, on="user_id", how="left")
    out["label"] = out["label"].astype(str)
    out["ratio"] = measures.friends_followers_ratio(out["friends"], out["followers"])
    out["class_verified"] = measures.classes_verified(out["verified"])
    corrections = read_org_corrections(profiles=accounts, labels=labels).set_index("user_id")
    out["curated"] = out["user_id"].isin(corrections.index)
    out["kind"] = out["user_id"].map(corrections["kind"]).fillna(out["label"].map(LABEL_KIND)).fillna("unknown")
    out["label_corrected"] = out["user_id"].map(corrections["label_corrected"]).fillna(out["label"])
    out["kind"] = out["kind"].astype(str)
    out["label_corrected"] = out["label_corrected"].astype(str)
    return out


GRAPH_DATASETS = descriptor.GRAPH_DATASETS
FULL_GRAPH = descriptor.FULL_GRAPH


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


is_descriptor = descriptor.is_descriptor


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
    if is_descriptor(dataset):
        return descriptor.load_graph(_descriptor_of(dataset))
    inputs = graph_inputs(dataset)
    return label_graph(inputs.name, inputs.graph, inputs.accounts, elite)


@dataclass(frozen=True)
class GraphInputs:
    """What :func:`analysis.graph.labelled.label_graph` classes a dataset from, loaded once
    so that several elite definitions can be applied to it: ``name`` (the labelled graph's
    name), the dense ``graph``, the ``accounts`` the elite is chosen among (None without
    profiles; a descriptor's ``class`` column as ``label``) and the descriptor's own
    elite (``elite``; None for a registered dataset)."""

    name: str
    graph: measures.Graph
    accounts: pd.DataFrame | None
    elite: str | None


def graph_inputs(dataset: str) -> GraphInputs:
    """The graph and accounts of ``dataset`` (a :attr:`DatasetInfo.name`) before any elite
    is chosen: ``label_graph(i.name, i.graph, i.accounts, elite)`` is
    :func:`load_labelled_graph` of a registered dataset, and of a descriptor with its own
    ``[elite]`` when ``elite`` is ``i.elite`` (without the descriptor's bounds on the
    elite's size)."""
    desc = _descriptor_of(dataset)
    edges, _ = descriptor.load_edges(desc)
    graph = measures.index_edges(edges)
    if is_descriptor(dataset):
        accounts = descriptor.load_accounts(desc)
        if accounts is not None:
            accounts = accounts.rename(columns={"class": "label"})
        return GraphInputs(desc.name, graph, accounts, descriptor.elite_definition(desc))
    return GraphInputs(dataset, graph, accounts_with_labels() if desc.kwak_profiles else None, None)


def ego_table(dataset: str) -> pd.DataFrame | None:
    """The ego networks of ``dataset`` (``ego, member`` user ids) when its descriptor says
    the graph is a union of ego networks (``[egos]``); None otherwise."""
    return descriptor.load_egos(_descriptor_of(dataset))


@dataclass(frozen=True)
class ExistenceCutoff:
    """Accounts with a Twitter id up to ``last_id`` are taken to have existed by ``date``:
    among the 6,499 2009 profiles, ids rise with ``created_at`` without exception
    (tested), so ids were given in order of creation then, and ``last_id`` is the
    newest 2009 profile's, created on ``date``. A lower bound on who existed at the
    2009 crawl: accounts created between ``date`` and the end of the crawl count as
    later."""

    last_id: int
    date: str
    screen_name: str


def existence_cutoff(dataset: str) -> ExistenceCutoff | None:
    """For a graph whose ids are Twitter ids joined to the 2009 Kwak profiles
    (``kwak_profiles`` in its descriptor): the id below which accounts existed at the
    2009 crawl (:class:`ExistenceCutoff`); None for other graphs."""
    if not _descriptor_of(dataset).kwak_profiles:
        return None
    profiles = load_table("accounts_kwak2009")
    newest = profiles.loc[profiles["user_id"].idxmax()]
    return ExistenceCutoff(int(newest["user_id"]), str(pd.Timestamp(newest["created_at"]).date()),
                           str(newest["screen_name"]))  # fmt: skip


def graph_from_table(table: str) -> measures.Graph:
    """The dense graph of a processed edge table."""
    return measures.index_edges(load_table(table))
