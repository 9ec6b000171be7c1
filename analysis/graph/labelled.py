"""A follower graph with a class per account, and the one rule that assigns classes.

Classes (the project's vocabulary, see the README's glossary):

- *celebrity*: the elite, chosen by an elite definition (:func:`elite_ids`);
- *popular*: other *profiled* accounts (accounts with profile counts: the 6,499
  Kwak 2009 profiles, or a descriptor's accounts file with follower counts);
- *regular*: every other account of the graph.

Edges are ``follower -> followee`` (dense ``src -> dst`` in :class:`Graph`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import measures

__all__ = ["CLASSES", "elite_ids", "LabelledGraph", "label_graph"]


CLASSES = ("celebrity", "popular", "regular")


def elite_ids(accounts: pd.DataFrame, definition: str) -> np.ndarray:
    """User ids of the elite under ``definition``:

    - ``"verified"``: verified in the 2009 profiles;
    - ``"top:K"``: the K profiles with most followers in 2009;
    - ``"threshold:N"``: profiles with at least N followers in 2009;
    - ``"label:personal"`` (or another label): profiles with that 2013 hand label;
    - ``"profiled"``: all 6,499 profiles.
    """
    kind, _, value = definition.partition(":")
    if kind == "verified":
        chosen = accounts["verified"].to_numpy(bool)
    elif kind == "top":
        chosen = measures.classes_top_k(accounts["followers"].to_numpy(), int(value)) == "elite"
    elif kind == "threshold":
        chosen = accounts["followers"].to_numpy() >= float(value)
    elif kind == "label":
        chosen = accounts["label"].to_numpy() == value
    elif kind == "profiled":
        chosen = np.ones(len(accounts), dtype=bool)
    else:
        raise ValueError(
            f"unknown elite definition {definition!r}: use verified, top:K, threshold:N, label:NAME or profiled"
        )
    ids = accounts["user_id"].to_numpy()[chosen]
    if len(ids) == 0 or (len(ids) == len(accounts) and kind != "profiled"):
        raise ValueError(f"elite definition {definition!r} selects {len(ids)} of {len(accounts)} accounts")
    return ids


@dataclass
class LabelledGraph:
    """A follower graph with a class per node (celebrity, popular, regular)."""

    name: str
    graph: measures.Graph
    classes: np.ndarray
    is_elite: np.ndarray
    elite_rule: str = ""

    @property
    def elite(self) -> np.ndarray:
        return np.flatnonzero(self.is_elite)


def label_graph(name: str, graph: measures.Graph, accounts: pd.DataFrame | None, elite: str) -> LabelledGraph:
    """Classes for the nodes of ``graph``. With profiles (real ids): celebrity = elite
    profiles, popular = other profiles, regular = the rest. Without (anonymised ids,
    KONECT): ``elite`` must be ``top:K`` and ranks by in-degree in the graph."""
    classes = np.full(graph.n, "regular", dtype=object)
    if accounts is None:
        kind, _, value = elite.partition(":")
        if kind != "top":
            raise ValueError(f"{name} has no profiles: the elite must be top:K by followers in the graph")
        is_elite = measures.classes_top_k(measures.in_degree(graph.dst, graph.n), int(value)) == "elite"
    else:
        profiled = graph.index_of(accounts["user_id"])
        classes[profiled[profiled >= 0]] = "popular"
        chosen = graph.index_of(elite_ids(accounts, elite))
        is_elite = np.zeros(graph.n, dtype=bool)
        is_elite[chosen[chosen >= 0]] = True
    classes[is_elite] = "celebrity"
    if not is_elite.any():
        raise ValueError(f"the elite {elite!r} has no account in {name}")
    return LabelledGraph(name, graph, classes.astype(str), is_elite, elite)
