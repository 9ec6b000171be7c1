"""C1 (celebrities follow few), C3 (brands follow back) and C7 (attention is
concentrated), tested on profile counts (notebook 02).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import measures
from ..nulls import permutation
from ..stats import inference

__all__ = [
    "stratified_median_test",
    "test_follow_few",
    "test_brands_follow_back",
    "test_concentration",
    "uniform_top_k_share",
    "test_top_accounts_share",
]


def stratified_median_test(
    values, group_mask, strata_by, rng, n_perm: int, statistic: str, alternative: str, description: str
) -> tuple[inference.TestResult, np.ndarray]:
    """Median of ``values`` in the group against label permutations within strata of
    ``strata_by`` (log-binned, 4 bins a decade): null 3, so that 'the group is more
    popular' is not mistaken for the effect. Rows whose value is missing (NaN, e.g. a
    ratio of an account without followers) are left out before testing."""
    values = np.asarray(values, dtype=float)
    group_mask = np.asarray(group_mask, dtype=bool)
    strata_by = np.asarray(strata_by, dtype=float)
    if not np.isfinite(values).all():
        finite = np.isfinite(values)
        values, group_mask, strata_by = values[finite], group_mask[finite], strata_by[finite]
    strata = permutation.degree_strata(strata_by, np.zeros(len(values)), bins_per_decade=4)
    observed = float(np.median(values[group_mask]))
    null = np.array(
        [np.median(values[permutation.permute_within_strata(group_mask, strata, rng)]) for _ in range(n_perm)]
    )
    return inference.ensemble_test(statistic, observed, null, description, alternative=alternative, tie_rng=rng), null


def test_follow_few(accounts: pd.DataFrame, elite_user_ids, rng, n_perm: int):
    """C1: celebrities follow fewer accounts than equally followed accounts.

    Statistic: median following count of the elite. Null: the elite label permuted
    among profiles with similar follower counts. One-sided 'less'."""
    mask = accounts["user_id"].isin(elite_user_ids).to_numpy()
    return stratified_median_test(
        accounts["friends"],
        mask,
        accounts["followers"],
        rng,
        n_perm,
        "median accounts followed by celebrities",
        "less",
        "celebrity label permuted among profiles of similar follower count (4 bins a decade)",
    )


def test_brands_follow_back(accounts: pd.DataFrame, rng, n_perm: int):
    """C3: organizations follow more of their followers than persons do.

    Statistic: median friends/followers ratio of accounts hand-labelled organization
    (an upper bound on follow-back, from profile counts). Null: organization and
    personal labels permuted among profiles of similar follower count. 'greater'."""
    labelled = accounts[accounts["label"].isin(["organization", "personal"])]
    mask = (labelled["label"] == "organization").to_numpy()
    return stratified_median_test(
        labelled["ratio"],
        mask,
        labelled["followers"],
        rng,
        n_perm,
        "median following/followers ratio of organizations",
        "greater",
        "organization/personal label permuted among profiles of similar follower count",
    )


def test_concentration(in_degrees, rng, n_null: int) -> tuple[inference.TestResult, np.ndarray]:
    """Gini of followers (in-degree) over all accounts of a graph against the same
    number of follows sent to uniformly random accounts (multinomial allocation).
    One-sided 'greater'. Descriptive companion of :func:`test_top_accounts_share`."""
    in_degrees = np.asarray(in_degrees)
    observed = measures.gini(in_degrees)
    total, n = int(in_degrees.sum()), len(in_degrees)
    null = np.array([measures.gini(np.bincount(rng.integers(0, n, total), minlength=n)) for _ in range(n_null)])
    return inference.ensemble_test(
        "Gini coefficient of followers",
        observed,
        null,
        "each follow goes to a uniformly random account (same accounts and follows)",
    ), null


def uniform_top_k_share(n_accounts: int, n_follows: int, k: int, rng, n_null: int) -> np.ndarray:
    """Share of all follows received by the ``k`` most-followed of ``n_accounts`` when
    each account's followers are Poisson with mean ``n_follows / n_accounts`` (follows
    sent to uniformly random accounts). Exact sampling of the top order statistics:
    only the counts of accounts at each value in the upper tail are drawn (one
    multinomial a sample), so 41.7 million accounts cost milliseconds."""
    from scipy import stats

    lam = n_follows / n_accounts
    # lowest value whose upper tail holds many more than k accounts: the top k lie above it
    tail = 50 * k / n_accounts
    start = 0 if tail >= 0.5 else int(stats.poisson.isf(tail, lam))
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


def test_top_accounts_share(
    followers_of_top, n_accounts: int, n_follows: int, rng, n_null: int
) -> tuple[inference.TestResult, np.ndarray]:
    """C7: attention is concentrated. Statistic: the share of all follows of the graph
    (``n_follows`` among ``n_accounts``) received by the given top accounts. Null:
    follows sent to uniformly random accounts (:func:`uniform_top_k_share`). 'greater'."""
    followers_of_top = np.asarray(followers_of_top, dtype=float)
    observed = followers_of_top.sum() / n_follows
    null = uniform_top_k_share(n_accounts, n_follows, len(followers_of_top), rng, n_null)
    return inference.ensemble_test(
        f"share of all follows received by the top {len(followers_of_top):,} accounts",
        observed,
        null,
        "each follow goes to a uniformly random account (Poisson followers, same mean)",
    ), null
