"""The blog post's claims as tests: data assembly, statistics, nulls, one function a claim.

Notebooks call these; each returns plain values, tables and
:class:`analysis.inference.TestResult` objects. Definitions used throughout:

- *celebrity* (the elite): accounts chosen by an elite definition (see
  :func:`elite_ids`), among the 6,499 Kwak 2009 profiles (> 10,000 followers);
- *popular*: other profiled accounts; *regular*: every account not profiled;
- edges: ``follower -> followee`` (dense ``src -> dst`` in :class:`measures.Graph`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import inference, measures, nullmodels
from .processed import load_table

CRAWL_END = pd.Timestamp("2009-08-31", tz="UTC")  # profiles crawled July-August 2009 (Kwak et al.)
RACE_TIME = pd.Timestamp("2009-04-17 06:13", tz="UTC")  # 2:13 am ET (EDT = UTC-4)
POST_NUMBERS = {  # quoted in the blog post (April 2009) and the race reports (17 April 2009)
    "aplusk": {"followers": 962_000, "friends": 72},
    "Starbucks": {"followers": 141_341, "friends": 131_505},
}
RACE = {"aplusk_followers": 1_000_000, "cnnbrk_followers_at_aplusk_million": 998_239,
        "aplusk_time_et": "2009-04-17 02:13", "cnnbrk_million_time_et": "2009-04-17 02:42"}
POST_ACCOUNTS = ["aplusk", "cnnbrk", "TheEllenShow", "Starbucks", "MCHammer", "kingsthings",
                 "mileycyrus", "RyanSeacrest", "johncmayer", "MichaelPhelps"]
KUTCHER_FRIENDS_IN_POST = ["MichaelPhelps", "kingsthings", "mileycyrus", "RyanSeacrest", "johncmayer"]
CLASSES = ("celebrity", "popular", "regular")


# ------------------------------------------------------------------ data assembly

def accounts_with_labels() -> pd.DataFrame:
    """The 2009 profiles with the 2013 hand label (``label``) and ``ratio`` = friends / followers."""
    accounts = load_table("accounts_kwak2009")
    labels = load_table("labels_org2013")
    out = accounts.merge(labels, on="user_id", how="left")
    out["label"] = out["label"].astype(str)
    out["ratio"] = measures.friends_followers_ratio(out["friends"], out["followers"])
    out["class_verified"] = measures.classes_verified(out["verified"])
    return out


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
        raise ValueError(f"unknown elite definition {definition!r}: use verified, top:K, threshold:N, label:NAME or profiled")
    ids = accounts["user_id"].to_numpy()[chosen]
    if len(ids) == 0 or len(ids) == len(accounts) and kind != "profiled":
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


GRAPH_DATASETS = ("ego_twitter", "konect_icwsm2010")  # registered, each with a descriptor in analysis/descriptors/


def is_descriptor(dataset: str) -> bool:
    return str(dataset).endswith(".toml")


def resolve_dataset(dataset: str) -> tuple[str, str]:
    """The graph dataset to use and a note. A path ending in ``.toml`` is a user's
    descriptor (:mod:`analysis.descriptor`). ``kwak2009-full`` is the celebrity slice
    of the complete 2009 graph (:mod:`analysis.fullgraph`) when its pipeline has run;
    otherwise the note says how to get it and ego-Twitter is used instead."""
    from . import descriptor, fullgraph

    if is_descriptor(dataset):
        desc = descriptor.read_descriptor(dataset)
        return str(desc.source), f"{desc.title or desc.name} (descriptor {desc.source.name}; elite {desc.elite}). {desc.citation}"
    if dataset in GRAPH_DATASETS:
        return dataset, descriptor.read_descriptor(descriptor.registered(dataset)).title
    if dataset == "kwak2009-full":
        if fullgraph.is_available():
            return dataset, ("The celebrity slice of the complete July 2009 graph (Kwak et al.): every follow made by "
                             "the 6,499 profiled accounts and every follow they receive from accounts they follow.")
        return "ego_twitter", ("The complete July 2009 graph is not on this machine: `make data-full` downloads it "
                               "(four gzip parts, 26 GB) and `make fullgraph` builds its tables (DuckDB, out of core). "
                               "Falling back to ego-Twitter.")
    raise ValueError(f"unknown dataset {dataset!r}: use one of {list(GRAPH_DATASETS)}, kwak2009-full or a descriptor .toml")


def load_labelled_graph(dataset: str, elite: str, accounts: pd.DataFrame) -> LabelledGraph:
    """The labelled graph of ``dataset`` (as returned by :func:`resolve_dataset`).

    A user's descriptor brings its own elite. Registered datasets read their edges
    through their descriptors; on ego-Twitter ``elite`` is any profile-based
    definition (:func:`elite_ids`), on KONECT (anonymised ids) it must be ``top:K``."""
    from . import descriptor

    if is_descriptor(dataset):
        return descriptor.load_graph(descriptor.read_descriptor(dataset))
    if dataset == "kwak2009-full":
        from . import fullgraph

        edges = pd.read_parquet(fullgraph.output_dir() / "celebrity_slice.parquet").drop_duplicates()
        return label_graph(dataset, measures.index_edges(edges), accounts, elite)
    desc = descriptor.read_descriptor(descriptor.registered(dataset))
    edges, _ = descriptor.load_edges(desc)
    graph = measures.index_edges(edges)
    return label_graph(dataset, graph, accounts if desc.has_profiles else None, elite)


def graph_from_table(table: str) -> measures.Graph:
    """The dense graph of a processed edge table."""
    return measures.index_edges(load_table(table))


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


def graph_summary(graph: measures.Graph) -> dict:
    """Nodes, edges and the three reciprocity measures of a graph."""
    src, dst, n = graph.src, graph.dst, graph.n
    return {"nodes": n, "edges": graph.m,
            "reciprocity_edges": measures.reciprocity_edges(src, dst, n),
            "reciprocity_pairs": measures.reciprocity_pairs(src, dst, n),
            "garlaschelli_rho": measures.garlaschelli_rho(src, dst, n)}


# ------------------------------------------------------------------ C1, C3: profile counts

def stratified_median_test(values, group_mask, strata_by, rng, n_perm: int, statistic: str,
                           alternative: str, description: str) -> tuple[inference.TestResult, np.ndarray]:
    """Median of ``values`` in the group against label permutations within strata of
    ``strata_by`` (log-binned, 4 bins a decade): null 3, so that 'the group is more
    popular' is not mistaken for the effect."""
    values = np.asarray(values, dtype=float)
    group_mask = np.asarray(group_mask, dtype=bool)
    strata = nullmodels.degree_strata(strata_by, np.zeros(len(values)), bins_per_decade=4)
    observed = float(np.median(values[group_mask]))
    null = np.array([np.median(values[nullmodels.permute_within_strata(group_mask, strata, rng)])
                     for _ in range(n_perm)])
    return inference.ensemble_test(statistic, observed, null, description, alternative=alternative,
                                   tie_rng=rng), null


def test_follow_few(accounts: pd.DataFrame, elite_user_ids, rng, n_perm: int):
    """C1: celebrities follow fewer accounts than equally followed accounts.

    Statistic: median following count of the elite. Null: the elite label permuted
    among profiles with similar follower counts. One-sided 'less'."""
    mask = accounts["user_id"].isin(elite_user_ids).to_numpy()
    return stratified_median_test(
        accounts["friends"], mask, accounts["followers"], rng, n_perm,
        "median accounts followed by celebrities", "less",
        "celebrity label permuted among profiles of similar follower count (4 bins a decade)")


def test_brands_follow_back(accounts: pd.DataFrame, rng, n_perm: int):
    """C3: organizations follow more of their followers than persons do.

    Statistic: median friends/followers ratio of accounts hand-labelled organization
    (an upper bound on follow-back, from profile counts). Null: organization and
    personal labels permuted among profiles of similar follower count. 'greater'."""
    labelled = accounts[accounts["label"].isin(["organization", "personal"])]
    mask = (labelled["label"] == "organization").to_numpy()
    return stratified_median_test(
        labelled["ratio"], mask, labelled["followers"], rng, n_perm,
        "median following/followers ratio of organizations", "greater",
        "organization/personal label permuted among profiles of similar follower count")


# ------------------------------------------------------------------ C6: the race

def follower_growth(accounts: pd.DataFrame, until: pd.Timestamp = CRAWL_END) -> pd.Series:
    """Followers gained per day of account age, to the end of the 2009 crawl (a lower
    bound on the average rate; the crawl date of each profile is not in the archive)."""
    days = (until - accounts["created_at"]).dt.total_seconds() / 86400
    return pd.Series(accounts["followers"].to_numpy() / days.to_numpy(), index=accounts["screen_name"])


def test_race(accounts: pd.DataFrame) -> tuple[inference.TestResult, dict]:
    """C6: was @aplusk's rise exceptional? Statistic: its followers per day of account
    age (July-August 2009). Null: @aplusk is exchangeable with the other profiled
    accounts (p = rank among them). Also the archive's numbers for the race."""
    growth = follower_growth(accounts)
    observed = float(growth["aplusk"])
    others = growth.drop("aplusk").to_numpy()
    result = inference.ensemble_test("@aplusk followers gained per day of account age", observed, others,
                                     "@aplusk exchangeable with the other 6,498 profiled accounts")
    by_name = accounts.set_index("screen_name")
    created = by_name.loc["aplusk", "created_at"]
    days_to_million = (RACE_TIME - created).total_seconds() / 86400
    facts = {
        "aplusk_created": str(created.date()), "cnnbrk_created": str(by_name.loc["cnnbrk", "created_at"].date()),
        "aplusk_days_to_million": days_to_million,
        "aplusk_followers_per_day_to_million": RACE["aplusk_followers"] / days_to_million,
        "aplusk_followers_2009": int(by_name.loc["aplusk", "followers"]),
        "cnnbrk_followers_2009": int(by_name.loc["cnnbrk", "followers"]),
        "aplusk_growth_rank": int((growth >= observed).sum()),
        "accounts": len(growth),
    }
    return result, facts


def post_accounts_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """The accounts the post names, in the 2009 archive (absent ones marked)."""
    by_name = accounts.set_index("screen_name")
    rows = []
    for name in POST_ACCOUNTS:
        if name in by_name.index:
            row = by_name.loc[name]
            rows.append({"screen_name": name, "in_archive": True, "followers_2009": int(row["followers"]),
                         "following_2009": int(row["friends"]), "verified_2009": bool(row["verified"]),
                         "label_2013": row["label"], "created_at": str(row["created_at"].date()),
                         "followers_in_post": POST_NUMBERS.get(name, {}).get("followers"),
                         "following_in_post": POST_NUMBERS.get(name, {}).get("friends")})
        else:
            rows.append({"screen_name": name, "in_archive": False})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ C7: concentration

KWAK_PUBLISHED = {"nodes": 41_652_230, "edges": 1_468_365_182}  # Kwak et al. WWW 2010, the complete July 2009 graph


def test_concentration(in_degrees, rng, n_null: int) -> tuple[inference.TestResult, np.ndarray]:
    """Gini of followers (in-degree) over all accounts of a graph against the same
    number of follows sent to uniformly random accounts (multinomial allocation).
    One-sided 'greater'. Descriptive companion of :func:`test_top_accounts_share`."""
    in_degrees = np.asarray(in_degrees)
    observed = measures.gini(in_degrees)
    total, n = int(in_degrees.sum()), len(in_degrees)
    null = np.array([measures.gini(np.bincount(rng.integers(0, n, total), minlength=n)) for _ in range(n_null)])
    return inference.ensemble_test("Gini coefficient of followers", observed, null,
                                   "each follow goes to a uniformly random account (same accounts and follows)"), null


def uniform_top_k_share(n_accounts: int, n_follows: int, k: int, rng, n_null: int) -> np.ndarray:
    """Share of all follows received by the ``k`` most-followed of ``n_accounts`` when
    each account's followers are Poisson with mean ``n_follows / n_accounts`` (follows
    sent to uniformly random accounts). Exact sampling of the top order statistics:
    only the counts of accounts at each value in the upper tail are drawn (one
    multinomial a sample), so 41.7 million accounts cost milliseconds."""
    from scipy import stats

    lam = n_follows / n_accounts
    # lowest value whose upper tail holds many more than k accounts: the top k lie above it
    start = int(stats.poisson.isf(min(0.5, 50 * k / n_accounts), lam))
    stop = int(lam + 12 * np.sqrt(lam) + 60)  # P(X >= stop) is far below 1 / n_accounts
    values = np.arange(start, stop)
    probs = stats.poisson.pmf(values, lam)
    probs = np.append(probs, max(0.0, 1 - probs.sum()))  # everything below ``start``
    shares = np.empty(n_null)
    for s in range(n_null):
        counts = rng.multinomial(n_accounts, probs)[:-1]
        taken, total = 0, 0.0
        for value, count in zip(values[::-1], counts[::-1]):
            take = min(count, k - taken)
            total += take * value
            taken += take
            if taken == k:
                break
        shares[s] = total / n_follows
    return shares


def test_top_accounts_share(followers_of_top, n_accounts: int, n_follows: int, rng,
                            n_null: int) -> tuple[inference.TestResult, np.ndarray]:
    """C7: attention is concentrated. Statistic: the share of all follows of the graph
    (``n_follows`` among ``n_accounts``) received by the given top accounts. Null:
    follows sent to uniformly random accounts (:func:`uniform_top_k_share`). 'greater'."""
    followers_of_top = np.asarray(followers_of_top, dtype=float)
    observed = followers_of_top.sum() / n_follows
    null = uniform_top_k_share(n_accounts, n_follows, len(followers_of_top), rng, n_null)
    return inference.ensemble_test(f"share of all follows received by the top {len(followers_of_top):,} accounts",
                                   observed, null,
                                   "each follow goes to a uniformly random account (Poisson followers, same mean)"), null


# ------------------------------------------------------------------ C2, C5: follow-back by class

FOLLOW_BACK_PAIRS = [("regular", "celebrity", "less"), ("celebrity", "celebrity", "greater"),
                     ("popular", "celebrity", "two-sided"), ("celebrity", "regular", "two-sided"),
                     ("regular", "popular", "two-sided"), ("regular", "regular", "two-sided")]


def follow_back_by_class(lg: LabelledGraph, rng, n_null: int, switches_per_edge: float,
                         progress: bool = False, workers: int = 1) -> tuple[pd.DataFrame, dict]:
    """Per-edge reciprocity for each class pair of :data:`FOLLOW_BACK_PAIRS`
    against the reciprocity-keeping null (null 2). Returns a table (observed,
    expected, null 95% range, effect and interval, p-value) and the results by pair."""
    g = lg.graph
    classes = lg.classes

    def statistic(src, dst):
        recip = measures.reciprocated_mask(src, dst, g.n)
        cs, cd = classes[src], classes[dst]
        return [recip[(cs == a) & (cd == b)].mean() if ((cs == a) & (cd == b)).any() else np.nan
                for a, b, _ in FOLLOW_BACK_PAIRS]

    observed = statistic(g.src, g.dst)
    null = nullmodels.null_ensemble(g.src, g.dst, g.n, statistic, n_null, rng, model="reciprocal",
                                    switches_per_edge=switches_per_edge, progress=progress, workers=workers)
    rows, results = [], {}
    for column, (a, b, alternative) in enumerate(FOLLOW_BACK_PAIRS):
        edges = int(((classes[g.src] == a) & (classes[g.dst] == b)).sum())
        if not np.isfinite(observed[column]):
            continue
        result = inference.ensemble_test(f"reciprocated share of {a} -> {b} follows", observed[column],
                                         null[:, column], nullmodels.NULL_DESCRIPTIONS["reciprocal"],
                                         alternative=alternative)
        low, high = np.nanpercentile(null[:, column], [2.5, 97.5])
        rows.append({"pair": f"{a} → {b}", "edges": edges, "observed": result.observed,
                     "expected": result.expected, "null_low": low, "null_high": high,
                     "effect": result.ratio, "effect_low": result.ci_low, "effect_high": result.ci_high,
                     "p_value": result.p_value, "alternative": alternative})
        results[(a, b)] = result
    return pd.DataFrame(rows), results


def follow_back_of(lg: LabelledGraph, screen_names, accounts: pd.DataFrame) -> pd.DataFrame:
    """Followers in the graph and the share followed back, for named accounts."""
    ids = accounts.set_index("screen_name")["user_id"]
    present = [name for name in screen_names if name in ids.index]
    nodes = lg.graph.index_of(ids.loc[present].to_numpy())
    keep = nodes >= 0
    table = measures.follow_back(lg.graph.src, lg.graph.dst, lg.graph.n, nodes[keep])
    table.insert(0, "screen_name", np.array(present)[keep])
    return table.drop(columns="node")


# ------------------------------------------------------------------ C4: the gated community

def gated_statistics(lg: LabelledGraph, ks) -> callable:
    """The statistic vector of the gated-community test: elite closure, in-leak,
    elite transitivity, elite average clustering, then directed rich-club phi(k) for ``ks``."""
    g, is_elite, elite = lg.graph, lg.is_elite, lg.elite

    def statistic(src, dst):
        clustering = measures.elite_clustering(src, dst, elite)
        return [measures.elite_closure(src, dst, is_elite),
                measures.conductance(src, dst, is_elite)["in_leak"],
                clustering["transitivity"], clustering["average_clustering"],
                *measures.rich_club_directed(src, dst, g.n, ks)]

    return statistic


GATED_NAMES = ["elite closure", "in-leak (follows into the elite from outside)", "elite transitivity",
               "elite average clustering"]
GATED_ALTERNATIVES = ["greater", "less", "greater", "greater"]


def gated_community(lg: LabelledGraph, ks, rng, n_null: int, switches_per_edge: float,
                    progress: bool = False, workers: int = 1) -> dict:
    """C4 against the degree-keeping null (null 1): elite closure, conductance,
    clustering, and the rich-club curve rho(k) with its band and BH-adjusted p-values."""
    g = lg.graph
    ks = [k for k in ks if 1 < k <= g.n]
    statistic = gated_statistics(lg, ks)
    observed = np.asarray(statistic(g.src, g.dst), dtype=float)
    null = nullmodels.null_ensemble(g.src, g.dst, g.n, statistic, n_null, rng, model="degree",
                                    switches_per_edge=switches_per_edge, progress=progress, workers=workers)
    description = nullmodels.NULL_DESCRIPTIONS["degree"]
    tests = {name: inference.ensemble_test(name, observed[i], null[:, i], description, alternative=alt,
                                           tie_rng=rng)
             for i, (name, alt) in enumerate(zip(GATED_NAMES, GATED_ALTERNATIVES))}
    phi, phi_null = observed[4:], null[:, 4:]
    null_mean = phi_null.mean(axis=0)
    rich = pd.DataFrame({"k": ks, "phi": phi, "null_mean": null_mean,
                         "rho": phi / null_mean,
                         "band_low": np.percentile(phi_null, 2.5, axis=0) / null_mean,
                         "band_high": np.percentile(phi_null, 97.5, axis=0) / null_mean,
                         "p_value": [inference.ensemble_p_value(phi[i], phi_null[:, i], tie_rng=rng)
                                     for i in range(len(ks))]})
    rich["p_bh"] = inference.benjamini_hochberg(rich["p_value"])
    return {"tests": tests, "null": null, "observed": observed, "rich_club": rich}


def community_test(lg: LabelledGraph, rng, n_null: int, switches_per_edge: float, seed: int,
                   workers: int = 1) -> tuple[inference.TestResult, np.ndarray, np.ndarray]:
    """Does the elite fall into fewer communities than the null implies? Statistic: the
    effective number of Louvain communities (seeded) among elite accounts. Null 1.
    One-sided 'less'. Returns the test, the null values and the observed membership."""
    g = lg.graph
    membership = measures.communities(g.src, g.dst, g.n, seed)
    observed = measures.effective_communities(membership, lg.elite)
    null = nullmodels.null_ensemble(
        g.src, g.dst, g.n, lambda s, d: measures.effective_communities(measures.communities(s, d, g.n, seed), lg.elite),
        n_null, rng, switches_per_edge=switches_per_edge, workers=workers)
    return (inference.ensemble_test("effective number of communities among the elite", observed, null.ravel(),
                                    nullmodels.NULL_DESCRIPTIONS["degree"], alternative="less"),
            null.ravel(), membership)


# ------------------------------------------------------------------ robustness

def closure_sweep(graph: measures.Graph, masks: dict, rng, n_null: int, switches_per_edge: float,
                  progress: bool = False, workers: int = 1) -> pd.DataFrame:
    """Elite closure for several elite definitions from one degree-keeping ensemble."""
    names = list(masks)

    def statistic(src, dst):
        return [measures.elite_closure(src, dst, masks[name]) for name in names]

    observed = statistic(graph.src, graph.dst)
    null = nullmodels.null_ensemble(graph.src, graph.dst, graph.n, statistic, n_null, rng,
                                    switches_per_edge=switches_per_edge, progress=progress, workers=workers)
    rows = []
    for i, name in enumerate(names):
        result = inference.ensemble_test("elite closure", observed[i], null[:, i],
                                         nullmodels.NULL_DESCRIPTIONS["degree"], tie_rng=rng)
        rows.append({"elite": name, "size": int(masks[name].sum()), "observed": result.observed,
                     "expected": result.expected, "effect": result.ratio, "effect_low": result.ci_low,
                     "effect_high": result.ci_high, "p_value": result.p_value})
    table = pd.DataFrame(rows)
    table["p_bh"] = inference.benjamini_hochberg(table["p_value"])
    return table


def mixing_diagnostic(lg: LabelledGraph, levels, rng, n_null: int, workers: int = 1) -> pd.DataFrame:
    """Null mean of the elite closure against switches per edge: where it levels off,
    the chain has mixed for this statistic; before that the null sits too close to
    the observed graph (a conservative test). ``se`` is the standard error of the mean."""
    g = lg.graph
    rows = []
    for level in levels:
        null = nullmodels.null_ensemble(g.src, g.dst, g.n, lambda s, d: measures.elite_closure(s, d, lg.is_elite),
                                        n_null, rng, switches_per_edge=level, workers=workers)
        sd = float(null.std(ddof=1)) if len(null) > 1 else float("nan")
        rows.append({"switches_per_edge": level, "null_mean": float(null.mean()), "null_sd": sd,
                     "se": sd / np.sqrt(len(null))})
    return pd.DataFrame(rows)


def mixing_settled(mixing: pd.DataFrame, used: float, tolerance_se: float = 3.0) -> dict:
    """Has the null mean settled by ``used`` switches per edge?

    Compares the null mean at ``used`` with the mean over all longer chains
    (or, when ``used`` is the longest level, with the level before it): settled if
    the difference is within ``tolerance_se`` combined standard errors. Returns
    the two means, the difference in standard errors and the verdict.
    """
    table = mixing.sort_values("switches_per_edge").reset_index(drop=True)
    at = table.index[np.isclose(table["switches_per_edge"], used)]
    if len(at) == 0:
        raise ValueError(f"{used} switches per edge is not among the mixing levels")
    i = int(at[0])
    others = table.iloc[i + 1:] if i + 1 < len(table) else table.iloc[i - 1:i]
    here = table.iloc[i]
    other_mean = float(others["null_mean"].mean())
    other_se = float(np.sqrt((others["se"] ** 2).sum()) / len(others))
    z = (here["null_mean"] - other_mean) / np.hypot(here["se"], other_se)
    return {"used": float(used), "null_mean": float(here["null_mean"]), "compared_with": others["switches_per_edge"].tolist(),
            "compared_mean": other_mean, "difference_se": float(z), "settled": bool(abs(z) <= tolerance_se)}


def ego_subsample(graph: measures.Graph, members: pd.DataFrame, fraction: float, rng) -> measures.Graph:
    """The graph seen through a random ``fraction`` of the ego networks: edges whose two
    accounts both belong to a kept ego network (ego and its members)."""
    egos = members["ego"].unique()
    kept = rng.choice(egos, size=max(1, int(round(fraction * len(egos)))), replace=False)
    chosen = members[members["ego"].isin(kept)]
    ids = np.union1d(chosen["member"].to_numpy(), kept)
    inside = np.zeros(graph.n, dtype=bool)
    nodes = graph.index_of(ids)
    inside[nodes[nodes >= 0]] = True
    mask = inside[graph.src] & inside[graph.dst]
    return measures.Graph(graph.src[mask], graph.dst[mask], graph.ids)


def sampling_experiment(graph: measures.Graph, members: pd.DataFrame, is_elite, fractions, repeats: int,
                        rng) -> pd.DataFrame:
    """Elite follows and reciprocity seen through random shares of the ego networks.

    For each fraction (``repeats`` subsets, one at fraction 1): edges kept, elite
    follows observed, their configuration-model expectation
    (:func:`nullmodels.configuration_elite_edges`), the ratio, and per-edge reciprocity."""
    rows = []
    for fraction in fractions:
        for repeat in range(repeats if fraction < 1 else 1):
            sub = ego_subsample(graph, members, fraction, rng)
            expected, _ = nullmodels.configuration_elite_edges(measures.in_degree(sub.dst, sub.n),
                                                               measures.out_degree(sub.src, sub.n), is_elite)
            observed = measures.elite_edges(sub.src, sub.dst, is_elite)
            rows.append({"fraction": fraction, "repeat": repeat, "edges": sub.m, "elite_edges": observed,
                         "configuration_expected": expected, "effect": observed / expected if expected else np.nan,
                         "reciprocity_edges": measures.reciprocity_edges(sub.src, sub.dst, sub.n)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ verdicts

def verdict(p_adjusted: float, effect: float, direction: str, alpha: float = inference.ALPHA) -> str:
    """``supported`` if the BH-adjusted p-value is below alpha and the effect is in the
    claimed direction (``greater``: effect > 1; ``less``: < 1); ``not supported`` if
    the effect points the other way; otherwise (right direction, not significant)
    ``inconclusive``."""
    if not np.isfinite(p_adjusted) or not np.isfinite(effect):
        return "inconclusive"
    in_direction = effect > 1 if direction == "greater" else effect < 1
    if in_direction and p_adjusted < alpha:
        return "supported"
    if not in_direction:
        return "not supported"
    return "inconclusive"


def claim_row(claim_id: str, short: str, result: inference.TestResult, data: str, caveats: str) -> dict:
    """One claim's entry for the verdict (before BH adjustment)."""
    return {"id": claim_id, "short": short, "statistic": result.statistic, "observed": result.observed,
            "expected": result.expected, "effect": result.ratio, "ci_low": result.ci_low,
            "ci_high": result.ci_high, "p_value": result.p_value, "n_null": result.n_null,
            "direction": result.alternative, "null_model": result.null_model, "data": data,
            "caveats": caveats}


CLAIM_SOURCES = {"C1": "02-broadcasters", "C2": "03-follow-back", "C3": "02-broadcasters",
                 "C4": "04-gated-community", "C5": "03-follow-back", "C6": "01-claims-and-race",
                 "C7": "02-broadcasters"}
CLAIM_TEXT = {
    "C1": "Celebrities follow few people (Kutcher: about 962,000 followers, following 72).",
    "C2": "Celebrities do not follow regular people and do not follow back their fans.",
    "C3": "Brands follow back (Starbucks: 141,341 followers, following 131,505).",
    "C4": "Celebrities follow other celebrities: a closed, gated community.",
    "C5": "Inside it they follow each other back.",
    "C6": "The race: @aplusk reached a million followers before @cnnbrk.",
    "C7": "Attention is concentrated: we are nothing but an audience.",
}


def verdict_table(fragments: dict) -> pd.DataFrame:
    """One row a claim from the notebooks' ``claim.Cn`` entries (claims whose notebook
    did not run are left out): BH-adjusted p-values across the claims present (the
    family) and the verdict of :func:`verdict`."""
    rows = [dict(fragments[CLAIM_SOURCES[c]][f"claim.{c}"], claim=CLAIM_TEXT[c], notebook=CLAIM_SOURCES[c])
            for c in sorted(CLAIM_SOURCES)
            if CLAIM_SOURCES[c] in fragments and f"claim.{c}" in fragments[CLAIM_SOURCES[c]]]
    if not rows:
        raise ValueError("no claim results found: run the claim notebooks first")
    table = pd.DataFrame(rows)
    table["p_value_raw"] = table["p_value"]
    table["p_value"] = inference.benjamini_hochberg(table["p_value_raw"].astype(float))
    table["verdict"] = [verdict(p, e, d) for p, e, d in zip(table["p_value"], table["effect"], table["direction"])]
    table["effect_low"], table["effect_high"] = table["ci_low"], table["ci_high"]
    return table
