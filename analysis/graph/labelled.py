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

__all__ = [
    "CLASSES",
    "ELITE_KINDS",
    "parse_elite",
    "elite_mask_by",
    "elite_ids",
    "LabelledGraph",
    "label_graph",
    "restrict",
]


CLASSES = ("celebrity", "popular", "regular")


ELITE_KINDS = ("verified", "top", "threshold", "label", "profiled")


def parse_elite(definition: str) -> tuple[str, str]:
    """``"top:100"`` to ``("top", "100")``; refuses unknown kinds and missing or non-numeric values."""
    kind, _, value = str(definition).partition(":")
    if kind not in ELITE_KINDS:
        raise ValueError(
            f"unknown elite definition {definition!r}: use verified, top:K, threshold:N, label:NAME or profiled"
        )
    if kind == "top" and not value.isdigit():
        raise ValueError(f"elite definition {definition!r}: top needs a number of accounts, e.g. top:100")
    if kind in ("top", "threshold"):
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"elite definition {definition!r}: {kind} needs a number, e.g. {kind}:100") from None
        if not np.isfinite(number) or number <= 0:
            raise ValueError(
                f"elite definition {definition!r}: {kind} needs a positive {'integer' if kind == 'top' else 'number'}"
            )
    if kind == "label" and not value:
        raise ValueError(f"elite definition {definition!r}: label needs a value, e.g. label:personal")
    return kind, value


def elite_mask_by(followers, definition: str) -> np.ndarray:
    """Which entries of ``followers`` are the elite under ``top:K`` (the K largest, ties
    broken by position) or ``threshold:N`` (at least N followers)."""
    kind, value = parse_elite(definition)
    followers = np.asarray(followers)
    mask = np.zeros(len(followers), dtype=bool)
    if kind == "top":
        mask[measures.top_k_by(followers, int(value))] = True
    elif kind == "threshold":
        mask = followers >= float(value)
    else:
        raise ValueError(
            f"elite definition {definition!r} needs profiles: only top:K and threshold:N rank by followers"
        )
    return mask


def elite_ids(accounts: pd.DataFrame, definition: str) -> np.ndarray:
    """User ids of the elite under ``definition``, chosen among the rows of ``accounts``:

    - ``"verified"``: verified in the profiles (column ``verified``);
    - ``"top:K"``: the K accounts with most followers (column ``followers``);
    - ``"threshold:N"``: accounts with at least N followers;
    - ``"label:personal"`` (or another value): accounts with that label (column ``label``);
    - ``"profiled"``: every account of the table.

    An elite of no account, or of every account (except ``profiled``), is refused.
    """
    kind, value = parse_elite(definition)
    needed = {"verified": "verified", "top": "followers", "threshold": "followers", "label": "label"}.get(kind)
    if needed and needed not in accounts:
        raise ValueError(f"elite definition {definition!r} needs a {needed!r} column in the accounts")
    if kind == "verified":
        chosen = accounts["verified"].to_numpy(bool)
    elif kind in ("top", "threshold"):
        chosen = elite_mask_by(accounts["followers"].to_numpy(), definition)
    elif kind == "label":
        chosen = accounts["label"].astype(str).to_numpy() == value
    else:
        chosen = np.ones(len(accounts), dtype=bool)
    ids = accounts["user_id"].to_numpy()[chosen]
    if len(ids) == 0:
        raise ValueError(f"elite definition {definition!r} selects no account (0 of {len(accounts)})")
    if len(ids) == len(accounts) and kind != "profiled":
        raise ValueError(f"elite definition {definition!r} selects every account ({len(ids)} of {len(accounts)})")
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
    """The one rule that gives every node of ``graph`` its class.

    ``accounts`` is None (no profiles, e.g. anonymised ids) or a table keyed by
    ``user_id`` with any of ``followers``, ``verified``, ``label``. Then:

    - *celebrity*: the elite. With accounts, :func:`elite_ids` chooses it among the
      accounts' rows (``top:K`` ranks the accounts by their follower counts); without
      accounts, or for ``top:K`` / ``threshold:N`` when they give no follower counts,
      the graph's nodes are ranked by in-degree (followers inside the graph);
    - *popular*: the other *profiled* accounts, i.e. rows of ``accounts`` when it gives
      follower counts (profiles of notable accounts);
    - *regular*: everyone else.
    """
    classes = np.full(graph.n, "regular", dtype=object)
    kind, _ = parse_elite(elite)
    profiled = accounts is not None and "followers" in accounts
    if accounts is None or (kind in ("top", "threshold") and not profiled):
        if kind not in ("top", "threshold"):
            raise ValueError(
                f"{name} has no profiles: the elite must be top:K or threshold:N by followers in the graph"
            )
        is_elite = elite_mask_by(measures.in_degree(graph.dst, graph.n), elite)
    else:
        chosen = graph.index_of(elite_ids(accounts, elite))
        is_elite = np.zeros(graph.n, dtype=bool)
        is_elite[chosen[chosen >= 0]] = True
    if profiled:
        nodes = graph.index_of(accounts["user_id"].to_numpy())
        classes[nodes[nodes >= 0]] = "popular"
    classes[is_elite] = "celebrity"
    if not is_elite.any():
        raise ValueError(f"the elite {elite!r} has no account in {name}")
    if is_elite.all():
        raise ValueError(f"the elite {elite!r} is every account of {name}")
    return LabelledGraph(name, graph, classes.astype(str), is_elite, elite)


def restrict(lg: LabelledGraph, keep) -> LabelledGraph:
    """The subgraph of ``lg`` induced by the nodes where ``keep`` (a boolean mask over
    its nodes) is true: follows between kept accounts only, each keeping its class (so
    the elite is the old elite's kept members). Raises ``ValueError`` when no celebrity
    or only celebrities would be left."""
    keep = np.asarray(keep, dtype=bool)
    graph = lg.graph
    if keep.shape != (graph.n,):
        raise ValueError(f"keep must be a boolean mask over the {graph.n:,} nodes, not of shape {keep.shape}")
    new_index = np.cumsum(keep) - 1
    edges = keep[graph.src] & keep[graph.dst]
    sub = measures.Graph(new_index[graph.src[edges]], new_index[graph.dst[edges]], graph.ids[keep])
    is_elite = np.asarray(lg.is_elite, dtype=bool)[keep]
    if not is_elite.any():
        raise ValueError(f"no account of the elite {lg.elite_rule!r} is kept")
    if is_elite.all():
        raise ValueError(f"only accounts of the elite {lg.elite_rule!r} are kept")
    return LabelledGraph(lg.name, sub, np.asarray(lg.classes)[keep], is_elite, lg.elite_rule)
