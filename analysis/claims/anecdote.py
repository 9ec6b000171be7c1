"""C5-anecdote, the post's anecdote pair by pair (notebook 01): "Kutcher follows Michael
Phelps, Larry King, Miley Cyrus, Ryan Seacrest and John Mayer, and they follow him back."

**Direction convention.** A row is one *directed* pair ``follower -> followee`` and
asks whether ``follower`` follows ``followee`` (the project's convention for edges).
For each account X the post names, ``aplusk -> X`` is "Kutcher follows X" and
``X -> aplusk`` is "X follows him back".

Each directed pair gets, in each dataset where it can be seen, one of
:data:`FOLLOWED`, :data:`NOT_FOLLOWED` or :data:`NOT_OBSERVABLE`:

- a follow present in the dataset's edges is *followed*;
- an absent follow is *not followed* only where the dataset would have recorded it,
  otherwise *not observable*:

  - SNAP ego-Twitter (:func:`ego_twitter_status`) records the follows among the
    members of each ego network and the ego's follows to its members (never a
    member's follow to its ego): an absent ``a -> b`` is seen only when ``a`` and
    ``b`` are both members of one ego network (or ``a`` is the ego and ``b`` a member,
    which the archive records as followed);
  - the celebrity slice of the complete 2009 graph (:func:`slice_status`) holds every
    follow made by a profiled account, and a follow to a profiled account only when
    it returns one of that account's follows: an absent ``a -> b`` is seen when ``a``
    is profiled, or when ``b`` is profiled and follows ``a``;

- an account without a 2009 profile (no Twitter id to join on) makes both directions
  *not observable* in every dataset; in ego-Twitter, an account with an id but no follow
  there makes them *not observable* too (absent from it; the slice holds every profiled
  account, so there this cannot happen).

Each row also says *why* (:data:`REASONS`): a recorded follow, a follow the dataset
would have recorded, an account without a 2009 profile or absent from the dataset, or a pair the dataset could
not have recorded (outside every ego network; a follow the slice does not hold).
KONECT's Twitter graph has anonymised ids, so no named account can be found in it:
it is listed with that reason (:data:`UNNAMED`), not searched.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import descriptor, fullgraph, processed, sources
from .race import KUTCHER_FRIENDS_IN_POST, POST_ACCOUNTS

__all__ = [
    "HUB",
    "NO_ID",
    "ABSENT",
    "OUTSIDE_EGO",
    "TO_EGO",
    "NOT_HELD",
    "REASONS",
    "UNNAMED",
    "FOLLOWED",
    "NOT_FOLLOWED",
    "NOT_OBSERVABLE",
    "EGO_TWITTER",
    "FULL_GRAPH",
    "directed_pairs",
    "ego_twitter_status",
    "slice_status",
    "anecdote_table",
    "readable",
    "summarise",
]

HUB = "aplusk"
FOLLOWED, NOT_FOLLOWED, NOT_OBSERVABLE = "followed", "not followed", "not observable"
EGO_TWITTER = "ego_twitter"
FULL_GRAPH = sources.FULL_GRAPH  # "kwak2009-full"
NO_ID, ABSENT = "account without a 2009 profile", "account absent from this dataset"
OUTSIDE_EGO, NOT_HELD = "outside every ego network", "not held by the slice"
TO_EGO = "a member's follow of its ego"
REASONS = {
    FOLLOWED: "the follow is in the data",
    NOT_FOLLOWED: "the dataset would have recorded the follow",
    NO_ID: "an account of the pair has no 2009 profile, so no Twitter id to look it up by",
    ABSENT: "an account of the pair has a Twitter id but no follow in this dataset",
    OUTSIDE_EGO: "the two accounts are never members of one ego network, so the follow could not be recorded",
    TO_EGO: "the follower is a member of the followee's ego network, whose follows of the ego are never recorded",
    NOT_HELD: "the slice holds only follows made by profiled accounts or returned by them",
}
"""Why a directed pair has its status, by the reason's short name (the table's ``reason`` column)."""
UNNAMED = {
    "konect_icwsm2010": "KONECT's Twitter (ICWSM) graph has anonymised ids, so no account the post names can be "
    "found in it: no pair is observable there."
}
"""Datasets searched for no pair because their accounts cannot be named, and why."""


def directed_pairs(hub: str = HUB, friends=KUTCHER_FRIENDS_IN_POST, others=POST_ACCOUNTS) -> pd.DataFrame:
    """The directed pairs to look up: ``hub -> X`` and ``X -> hub`` for each of ``friends``
    (``in_anecdote`` True: the post says both ways are followed) and then each other
    account of ``others`` (``in_anecdote`` False: the post only names it)."""
    named = list(dict.fromkeys([*friends, *(o for o in others if o != hub)]))
    rows = []
    for name in named:
        for follower, followee in ((hub, name), (name, hub)):
            rows.append({"account": name, "follower": follower, "followee": followee, "in_anecdote": name in friends})
    return pd.DataFrame(rows)


def _edge_set(follower, followee) -> set:
    return set(zip(np.asarray(follower, dtype=np.int64).tolist(), np.asarray(followee, dtype=np.int64).tolist()))


def _ids(pairs: pd.DataFrame, ids_by_name) -> tuple[list, list]:
    return [ids_by_name.get(n) for n in pairs["follower"]], [ids_by_name.get(n) for n in pairs["followee"]]


def ego_twitter_status(pairs: pd.DataFrame, edges: pd.DataFrame, members: pd.DataFrame, ids_by_name,
                       reasons: bool = False) -> list:  # fmt: skip
    """The status of each row of ``pairs`` (columns ``follower``, ``followee``: screen
    names) in ego-Twitter: ``edges`` (``follower``, ``followee``: ids), ``members``
    (``ego``, ``member``: the accounts of each ego network), ``ids_by_name`` (screen
    name -> Twitter id; a name missing from it is not observable). ``reasons``: each
    entry is ``(status, reason)``, the reason a key of :data:`REASONS`."""
    present = _edge_set(edges["follower"], edges["followee"])
    networks_of = members.groupby("member")["ego"].agg(set).to_dict()
    egos = set(members["ego"].tolist())
    members_of = members.groupby("ego")["member"].agg(set).to_dict()
    seen_ids = set(edges["follower"].tolist()) | set(edges["followee"].tolist()) | egos
    status = []
    for a, b in zip(*_ids(pairs, ids_by_name)):
        if a is None or b is None:
            status.append((NOT_OBSERVABLE, NO_ID))
        elif a not in seen_ids or b not in seen_ids:
            status.append((NOT_OBSERVABLE, ABSENT))
        elif (a, b) in present:
            status.append((FOLLOWED, FOLLOWED))
        elif networks_of.get(a, set()) & networks_of.get(b, set()) or b in members_of.get(a, set()):
            status.append((NOT_FOLLOWED, NOT_FOLLOWED))
        else:
            status.append((NOT_OBSERVABLE, TO_EGO if a in members_of.get(b, set()) else OUTSIDE_EGO))
    return status if reasons else [word for word, _ in status]


def slice_status(pairs: pd.DataFrame, edges: pd.DataFrame, profiled, ids_by_name, reasons: bool = False) -> list:
    """The status of each row of ``pairs`` in the celebrity slice of the complete 2009
    graph: ``edges`` (``follower``, ``followee``: ids), ``profiled`` (the ids of the
    profiled accounts, whose every follow the slice holds). ``reasons``: as
    :func:`ego_twitter_status`."""
    present = _edge_set(edges["follower"], edges["followee"])
    profiled = set(np.asarray(profiled, dtype=np.int64).tolist())
    status = []
    for a, b in zip(*_ids(pairs, ids_by_name)):
        if a is None or b is None:
            status.append((NOT_OBSERVABLE, NO_ID))
        elif (a, b) in present:
            status.append((FOLLOWED, FOLLOWED))
        elif a in profiled or (b in profiled and (b, a) in present):
            status.append((NOT_FOLLOWED, NOT_FOLLOWED))
        else:
            status.append((NOT_OBSERVABLE, NOT_HELD))
    return status if reasons else [word for word, _ in status]


def anecdote_table(
    accounts: pd.DataFrame | None = None, pairs: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict]:
    """Every directed pair of :func:`directed_pairs` in each dataset: ego-Twitter always,
    the complete 2009 graph's celebrity slice when :func:`analysis.data.fullgraph.is_available`.
    Screen names are joined to ids by the 2009 profiles (``accounts``, default
    :func:`analysis.data.sources.accounts_with_labels`). Returns the table (columns
    ``dataset, account, follower, followee, in_anecdote, status, reason``: the reason a
    key of :data:`REASONS`) and, per dataset left out, why (``{dataset: a sentence}``:
    the datasets of :data:`UNNAMED` always, the complete graph when it is absent)."""
    accounts = sources.accounts_with_labels() if accounts is None else accounts
    pairs = directed_pairs() if pairs is None else pairs
    ids_by_name = dict(zip(accounts["screen_name"], accounts["user_id"].astype(np.int64).tolist()))
    tables, missing = [], {}

    def rows(dataset, found):
        return pairs.assign(dataset=dataset, status=[w for w, _ in found], reason=[r for _, r in found])

    tables.append(rows(EGO_TWITTER, ego_twitter_status(
        pairs, processed.load_table("ego_twitter_edges"), processed.load_table("ego_twitter_members"), ids_by_name,
        reasons=True,
    )))  # fmt: skip
    if fullgraph.is_available():
        edges, _ = descriptor.load_edges(descriptor.read_descriptor(descriptor.registered(FULL_GRAPH)))
        tables.append(rows(FULL_GRAPH, slice_status(pairs, edges, accounts["user_id"], ids_by_name, reasons=True)))
    else:
        missing[FULL_GRAPH] = (
            "The complete 2009 graph, where every follow of a profiled account can be seen, is not on this machine "
            "(`make data-full`, `make fullgraph`), so its celebrity slice is left out."
        )
    missing.update(UNNAMED)
    columns = ["dataset", "account", "follower", "followee", "in_anecdote", "status", "reason"]
    return pd.concat(tables, ignore_index=True)[columns], missing


def readable(table: pd.DataFrame, hub: str = HUB) -> pd.DataFrame:
    """One row per dataset and named account, with plain column names: whether ``hub``
    follows it and whether it follows ``hub`` back (statuses of :func:`anecdote_table`;
    a pair not observable says why: ``not observable (outside every ego network)``)."""
    rows = []
    if "reason" in table:
        unseen = table["status"] == NOT_OBSERVABLE
        table = table.assign(status=table["status"].where(~unseen, NOT_OBSERVABLE + " (" + table["reason"] + ")"))
    for (dataset, account), part in table.groupby(["dataset", "account"], sort=False):
        out = part.set_index("follower")["status"]
        back = part.set_index("followee")["status"]
        rows.append({"dataset": dataset, "account": "@" + account,
                     "in the post's anecdote": "yes" if part["in_anecdote"].iloc[0] else "no",
                     f"@{hub} follows it": out.get(hub, NOT_OBSERVABLE),
                     f"it follows @{hub}": back.get(hub, NOT_OBSERVABLE)})  # fmt: skip
    return pd.DataFrame(rows)


def summarise(table: pd.DataFrame) -> dict:
    """Counts of a table of :func:`anecdote_table`, for the anecdote's pairs
    (``"anecdote"``: ``in_anecdote``) and for the other named accounts (``"others"``).

    Directed rows (one per dataset and direction): ``directed_pairs``, ``observable``,
    ``followed``, ``not_followed`` and ``followed_share`` = followed / observable (the
    C5-anecdote statistic; NaN when none is observable). Pairs of accounts (one per
    named account): ``pairs``; ``pairs_observable``, with at least one direction
    observable in some dataset; ``pairs_both_observable``, with both directions
    observable in one dataset; ``both_ways``, followed both ways in one dataset (with
    ``both_ways_accounts`` and ``observable_accounts`` by name).
    """
    out = {}
    for key, part in (("anecdote", table[table["in_anecdote"]]), ("others", table[~table["in_anecdote"]])):
        observable = part["status"] != NOT_OBSERVABLE
        followed = part["status"] == FOLLOWED
        per_dataset = part.assign(observable=observable, followed=followed).groupby(["account", "dataset"])
        both_observable = per_dataset["observable"].all().groupby(level="account").any()
        both_followed = per_dataset["followed"].all().groupby(level="account").any()
        out[key] = {
            "directed_pairs": int(len(part)),
            "observable": int(observable.sum()),
            "followed": int(followed.sum()),
            "not_followed": int((part["status"] == NOT_FOLLOWED).sum()),
            "followed_share": float(followed.sum() / observable.sum()) if observable.any() else float("nan"),
            "pairs": int(part["account"].nunique()),
            "pairs_observable": int(part.loc[observable, "account"].nunique()),
            "pairs_both_observable": int(both_observable.sum()),
            "both_ways": int(both_followed.sum()),
            "both_ways_accounts": sorted(both_followed[both_followed].index),
            "observable_accounts": sorted(set(part.loc[observable, "account"])),
        }
    return out
