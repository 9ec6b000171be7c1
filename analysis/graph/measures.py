"""Graph measures for the gated-community claims.

Edges are dense integer arrays ``src -> dst`` over nodes ``0..n-1``: ``src``
follows ``dst``. In-degree = followers, out-degree = accounts followed (friends).
:func:`index_edges` turns a ``follower, followee`` table of user ids into that form.
Every function assumes a simple graph (no self-loops, no duplicate edges).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from . import arrays, louvain

__all__ = [
    "Graph",
    "index_edges",
    "in_degree",
    "out_degree",
    "reciprocated_mask",
    "reciprocity_edges",
    "reciprocity_pairs",
    "garlaschelli_rho",
    "follow_back",
    "friends_followers_ratio",
    "classes_verified",
    "mixing_counts",
    "attention_matrix",
    "elite_closure",
    "elite_edges",
    "top_k_by",
    "rich_club_directed",
    "subgraph",
    "elite_clustering",
    "conductance",
    "communities",
    "effective_communities",
    "gini",
    "top_share",
    "ccdf",
    "powerlaw_vs_lognormal",
    "followed_back_by_none",
    "graph_summary",
]


@dataclass(frozen=True)
class Graph:
    """A simple directed graph as dense index arrays plus the original user ids."""

    src: np.ndarray
    dst: np.ndarray
    ids: np.ndarray  # ids[i] is the user id of node i

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.src)

    def index_of(self, user_ids) -> np.ndarray:
        """Node index of each user id (-1 where the id is not in the graph)."""
        user_ids = np.asarray(user_ids, dtype=np.int64)
        if self.n == 0:
            return np.full(len(user_ids), -1, dtype=np.int64)
        pos = np.clip(np.searchsorted(self.ids, user_ids), 0, self.n - 1)
        return np.where(self.ids[pos] == user_ids, pos, -1)


def index_edges(edges: pd.DataFrame, extra_ids=None) -> Graph:
    """Dense form of a ``follower, followee`` table (ids sorted; ``extra_ids`` adds isolated nodes)."""
    follower = edges["follower"].to_numpy(np.int64)
    followee = edges["followee"].to_numpy(np.int64)
    pool = [follower, followee] + ([np.asarray(extra_ids, dtype=np.int64)] if extra_ids is not None else [])
    ids = arrays.distinct(np.concatenate(pool))
    return Graph(np.searchsorted(ids, follower), np.searchsorted(ids, followee), ids)


def in_degree(dst, n: int) -> np.ndarray:
    """Followers of each node (edges received)."""
    return np.bincount(np.asarray(dst), minlength=n)


def out_degree(src, n: int) -> np.ndarray:
    """Accounts each node follows (edges sent)."""
    return np.bincount(np.asarray(src), minlength=n)


def reciprocated_mask(src, dst, n: int) -> np.ndarray:
    """True for each edge ``u -> v`` whose reverse ``v -> u`` is also an edge, on integer
    nodes ``0 .. n - 1`` (:func:`analysis.graph.arrays.reciprocated`, which refuses others)."""
    return arrays.reciprocated(src, dst, n)


# ------------------------------------------------------------------ reciprocity


def reciprocity_edges(src, dst, n: int) -> float:
    """Per edge: share of edges whose reverse exists (networkx ``overall_reciprocity``)."""
    m = len(src)
    return float(reciprocated_mask(src, dst, n).sum() / m) if m else float("nan")


def reciprocity_pairs(src, dst, n: int) -> float:
    """Per pair: mutual pairs over connected unordered pairs, ``M / (E - M)`` with M
    mutual pairs (Kwak et al.'s 22.1% for the 2009 graph is this measure)."""
    mutual_edges = int(reciprocated_mask(src, dst, n).sum())
    pairs = len(src) - mutual_edges // 2
    return mutual_edges / 2 / pairs if pairs else float("nan")


def garlaschelli_rho(src, dst, n: int) -> float:
    """Garlaschelli and Loffredo (2004): ``rho = (r - a) / (1 - a)``, r per-edge
    reciprocity, a = E / (n (n - 1)) the density. 0 = as random, > 0 reciprocal."""
    a = len(src) / (n * (n - 1))
    return (reciprocity_edges(src, dst, n) - a) / (1 - a)


# ------------------------------------------------------------------ follow-back


def follow_back(src, dst, n: int, accounts) -> pd.DataFrame:
    """For each account index: followers (in the graph), how many it follows back, the share.

    ``followed_back`` counts followers ``u`` with ``u -> account`` and ``account -> u``.
    """
    accounts = np.asarray(accounts, dtype=np.int64)
    recip = reciprocated_mask(src, dst, n)
    followers = np.bincount(dst, minlength=n)
    back = np.bincount(dst[recip], minlength=n)
    out = pd.DataFrame({"node": accounts, "followers": followers[accounts], "followed_back": back[accounts]})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = out["followed_back"] / out["followers"]
    return out


def friends_followers_ratio(friends, followers) -> np.ndarray:
    """``friends / followers`` from profile counts (friends = accounts followed).

    An upper bound on the share of followers followed back, not the same thing:
    an account may follow people who do not follow it. A ratio near 1 allows full
    follow-back; a ratio near 0 rules it out.
    """
    friends = np.asarray(friends, dtype=float)
    followers = np.asarray(followers, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(followers > 0, friends / followers, np.nan)


# ------------------------------------------------------------------ account classes


def classes_verified(verified) -> np.ndarray:
    """``"verified"`` / ``"unverified"`` from a boolean array (Twitter's 2009 verified flag)."""
    return np.where(np.asarray(verified, dtype=bool), "verified", "unverified")


# ------------------------------------------------------------------ mixing


def mixing_counts(src, dst, classes) -> pd.DataFrame:
    """Class-by-class edge counts: row = class of the follower, column = class of the followee."""
    classes = np.asarray(classes)
    return pd.crosstab(pd.Series(classes[src], name="follower class"), pd.Series(classes[dst], name="followee class"))


def attention_matrix(src, dst, classes) -> pd.DataFrame:
    """Share of class A's follows that go to class B (rows sum to 1), after Wu, Hofman,
    Mason and Watts, "Who says what to whom on Twitter", WWW 2011."""
    counts = mixing_counts(src, dst, classes)
    return counts.div(counts.sum(axis=1), axis=0)


# ------------------------------------------------------------------ elite closure


def elite_closure(src, dst, is_elite) -> float:
    """Share of the elite's follows that go to other elite accounts."""
    is_elite = np.asarray(is_elite, dtype=bool)
    from_elite = is_elite[src]
    total = int(from_elite.sum())
    return float((from_elite & is_elite[dst]).sum() / total) if total else float("nan")


def elite_edges(src, dst, is_elite) -> int:
    """Number of follows among elite accounts."""
    is_elite = np.asarray(is_elite, dtype=bool)
    return int((is_elite[src] & is_elite[dst]).sum())


def top_k_by(values, k: int) -> np.ndarray:
    """Indices of the ``k`` largest values (ties by position)."""
    return np.argsort(-np.asarray(values), kind="stable")[:k]


def rich_club_directed(src, dst, n: int, ks, rank_by=None) -> np.ndarray:
    """Directed rich-club coefficient phi(k) = E_k / (k (k - 1)): the density of
    follows among the top ``k`` nodes by ``rank_by`` (default: in-degree, followers)."""
    rank_by = in_degree(dst, n) if rank_by is None else np.asarray(rank_by)
    order = np.argsort(-rank_by, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    # an edge is inside the top k iff max(rank[u], rank[v]) < k
    inside_from = np.maximum(rank[src], rank[dst])
    counts = np.bincount(inside_from, minlength=n).cumsum()
    ks = np.asarray(ks, dtype=np.int64)
    return np.array([counts[k - 1] / (k * (k - 1)) if k > 1 else np.nan for k in ks])


# ------------------------------------------------------------------ clustering and communities


def subgraph(src, dst, members) -> nx.DiGraph:
    """The networkx digraph induced by the node indices ``members``."""
    members = np.asarray(members)
    inside = np.zeros(max(src.max(initial=0), dst.max(initial=0), members.max(initial=0)) + 1, dtype=bool)
    inside[members] = True
    mask = inside[src] & inside[dst]
    graph = nx.DiGraph()
    graph.add_nodes_from(members.tolist())
    graph.add_edges_from(zip(src[mask].tolist(), dst[mask].tolist()))
    return graph


def elite_clustering(src, dst, elite) -> dict[str, float]:
    """Clustering of the elite's induced subgraph: ``transitivity`` (of its undirected
    version) and ``average_clustering`` (directed, Fagiolo 2007, networkx)."""
    graph = subgraph(src, dst, elite)
    return {"transitivity": nx.transitivity(graph.to_undirected()), "average_clustering": nx.average_clustering(graph)}


def conductance(src, dst, is_elite) -> dict[str, float]:
    """How open the elite set is. ``out_leak``: share of the elite's follows that
    leave it; ``in_leak``: share of follows into it that come from outside."""
    is_elite = np.asarray(is_elite, dtype=bool)
    s_in, d_in = is_elite[src], is_elite[dst]
    out_total, in_total = int(s_in.sum()), int(d_in.sum())
    return {
        "out_leak": float((s_in & ~d_in).sum() / out_total) if out_total else float("nan"),
        "in_leak": float((~s_in & d_in).sum() / in_total) if in_total else float("nan"),
    }


def communities(src, dst, n: int, seed: int) -> np.ndarray:
    """Community id per node: Louvain (:func:`analysis.graph.louvain.louvain`, seeded
    with ``seed``) on the undirected version of the follows ``src -> dst``: one edge of
    weight 1 per pair of accounts that follow each other either way (a mutual follow is
    one edge, not two). Releases the GIL, so the null ensembles' threads run it side by side."""
    # one undirected edge per pair, the pairs sorted (numpy's sorted distinct keys)
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    keys = arrays.distinct(np.minimum(src, dst) * n + np.maximum(src, dst))
    return louvain.louvain(keys // n, keys % n, n, seed)


def effective_communities(membership, members) -> float:
    """Effective number of communities the ``members`` fall into: ``exp(entropy)``
    of their community shares (1 = all in one community)."""
    labels = np.asarray(membership)[np.asarray(members)]
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


# ------------------------------------------------------------------ concentration


def gini(values) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one holds all)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return float("nan")
    cum = np.cumsum(x)
    return float((n + 1 - 2 * (cum / cum[-1]).sum()) / n)


def top_share(values, fraction: float = 0.01) -> float:
    """Share of the total held by the top ``fraction`` of units (at least one unit)."""
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    k = max(1, int(np.ceil(fraction * len(x))))
    return float(x[:k].sum() / x.sum())


def ccdf(values) -> tuple[np.ndarray, np.ndarray]:
    """Complementary CDF: distinct values x and P(X >= x)."""
    x = np.sort(np.asarray(values))
    unique, first = np.unique(x, return_index=True)
    return unique, 1 - first / len(x)


def powerlaw_vs_lognormal(values, xmin_range=None) -> dict[str, float]:
    """Fit a discrete power law (Clauset, Shalizi, Newman 2009) with ``powerlaw``,
    searching xmin only within ``xmin_range`` (default: 10th to 90th percentile of
    the positive values, which keeps the search fast), and compare with a lognormal.

    Returns alpha, xmin, n_tail, the normalised log-likelihood ratio R (> 0 favours
    the power law) and its p-value.
    """
    import warnings

    import powerlaw

    x = np.asarray(values, dtype=float)
    x = x[x > 0]
    if xmin_range is None:
        xmin_range = tuple(np.percentile(x, [10, 90]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # powerlaw's deprecation and fit-search chatter
        fit = powerlaw.Fit(x, discrete=True, xmin=xmin_range, verbose=0)
        ratio, p = fit.distribution_compare("power_law", "lognormal", normalized_ratio=True)
    return {
        "alpha": float(fit.power_law.alpha),
        "xmin": float(fit.power_law.xmin),
        "n_tail": int((x >= fit.power_law.xmin).sum()),
        "loglik_ratio": float(ratio),
        "p_value": float(p),
    }


def followed_back_by_none(src, dst, n: int) -> float:
    """Share of accounts that follow someone and are followed back by none of them
    (Kwak et al.'s 67.6% for the 2009 graph)."""
    following = np.bincount(src, minlength=n) > 0
    back = np.bincount(np.asarray(src)[reciprocated_mask(src, dst, n)], minlength=n) > 0
    return float((following & ~back).sum() / following.sum()) if following.any() else float("nan")


def graph_summary(graph: Graph) -> dict:
    """Nodes, edges and the three reciprocity measures of a graph."""
    src, dst, n = graph.src, graph.dst, graph.n
    return {
        "nodes": n,
        "edges": graph.m,
        "reciprocity_edges": reciprocity_edges(src, dst, n),
        "reciprocity_pairs": reciprocity_pairs(src, dst, n),
        "garlaschelli_rho": garlaschelli_rho(src, dst, n),
    }
