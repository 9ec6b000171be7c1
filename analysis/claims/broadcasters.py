"""C1 (celebrities follow few), C3 (brands follow back) and C7 (attention is
concentrated), on profile counts (notebook 02).

C1 and C3 share one test, :func:`stratified_median_test`: the median of a group
against its label permuted among accounts of similar follower counts. C1 is tested
on all profiles (the headline) and within each follower band (:data:`FOLLOWER_BANDS`,
:func:`follow_few_by_band`); C3 compares curated brands with celebrities, then the
2013 labels as they are (:func:`brand_tests`). A band or a comparison with fewer than
:data:`MIN_PER_GROUP` accounts on either side is not tested. :func:`calibrate_broadcasters`
measures the test's size and power on generated tables. C7 is described, not tested
(:func:`follows_share_interval`, :func:`concentration`, :func:`tail_model`,
:func:`concentration_under_model`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..graph import measures
from ..nulls import permutation
from ..stats import inference
from . import catalogue

__all__ = [
    "FOLLOWER_BANDS",
    "MIN_PER_GROUP",
    "STRATA_PER_DECADE",
    "TOP_FRACTION",
    "LOGNORMAL_DEGENERATE_SLOPE",
    "stratified_median_test",
    "stratified_bootstrap_interval",
    "test_follow_few",
    "band_mask",
    "follow_few_by_band",
    "brand_celebrity_masks",
    "test_brands_vs_celebrities",
    "test_brands_follow_back",
    "brand_tests",
    "ratio_by_kind",
    "calibration_table",
    "calibrate_broadcasters",
    "follows_share",
    "follows_share_interval",
    "concentration",
    "tail_model",
    "sample_tail",
    "concentration_under_model",
    "uniform_top_k_share",
]

STRATA_PER_DECADE = 4  # follower strata of the permutation null: a quarter of a decade (x 1.78) wide
FOLLOWER_BANDS = {"10k-100k": (1e4, 1e5), "100k-1M": (1e5, 1e6), "1M+": (1e6, np.inf)}  # [low, high) followers
# The fewest accounts on each side (group, others) for a test: with 3 of each the labels
# have 20 arrangements, so no p-value can fall below 0.05; with 5 of each 252 (p down to
# 0.004) before strata cut them further, and the median is no longer one or two accounts'.
MIN_PER_GROUP = 5
TOP_FRACTION = 0.01  # the top share reported beside the Gini: the most-followed 1% of accounts
LOGNORMAL_DEGENERATE_SLOPE = 0.1
"""Below this change of a fitted lognormal's log-log slope across the tail, the lognormal is
a power law there and the likelihood ratio test between the two is void (:func:`tail_model`)."""


# ------------------------------------------------------------------ the test of C1 and C3


def stratified_median_test(
    values, group_mask, strata_by, rng, n_perm: int, statistic: str, alternative: str, description: str
) -> tuple[inference.TestResult, np.ndarray]:
    """Median of ``values`` in the group against label permutations within strata of
    ``strata_by`` (log-binned, :data:`STRATA_PER_DECADE` bins a decade): null 3, so that
    'the group is more popular' is not mistaken for the effect. Rows whose value is
    missing (NaN, e.g. a ratio of an account without followers) are left out before testing."""
    values = np.asarray(values, dtype=float)
    group_mask = np.asarray(group_mask, dtype=bool)
    strata_by = np.asarray(strata_by, dtype=float)
    if not np.isfinite(values).all():
        finite = np.isfinite(values)
        values, group_mask, strata_by = values[finite], group_mask[finite], strata_by[finite]
    strata = permutation.degree_strata(strata_by, np.zeros(len(values)), bins_per_decade=STRATA_PER_DECADE)
    observed = float(np.median(values[group_mask]))
    null = np.array(
        [np.median(values[permutation.permute_within_strata(group_mask, strata, rng)]) for _ in range(n_perm)]
    )
    result = inference.ensemble_test(statistic, observed, null, description, alternative=alternative, tie_rng=rng)
    low, high = stratified_bootstrap_interval(values, group_mask, strata, rng)
    return dataclasses.replace(result, ci_low=low, ci_high=high, interval="sampling"), null


def stratified_bootstrap_interval(values, group_mask, strata, rng, n_boot: int = 1000, level: float = 0.95):
    """Sampling interval of the stratified median effect: in each replicate the group's
    accounts are resampled with replacement within their strata, and as many accounts
    per stratum are drawn from all the stratum's accounts (the comparison the
    permutation null makes); the effect is the ratio of the two medians. Percentile
    interval at ``level``; NaN when a replicate's comparison median is 0."""
    values, group_mask, strata = np.asarray(values, dtype=float), np.asarray(group_mask, bool), np.asarray(strata)
    group_draws, pool_draws = [], []
    for stratum in np.unique(strata[group_mask]):
        in_stratum = np.flatnonzero(strata == stratum)
        members = in_stratum[group_mask[in_stratum]]
        group_draws.append(members[rng.integers(0, len(members), (n_boot, len(members)))])
        pool_draws.append(in_stratum[rng.integers(0, len(in_stratum), (n_boot, len(members)))])
    group_median = np.median(values[np.hstack(group_draws)], axis=1)
    pool_median = np.median(values[np.hstack(pool_draws)], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        effects = group_median / pool_median
    effects = effects[np.isfinite(effects)]
    if not len(effects):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(effects, [tail, 100 - tail])
    return float(low), float(high)


def _null_text(statement_id: str) -> str:
    return f"{catalogue.statement(statement_id).null} ({STRATA_PER_DECADE} bins a decade)"


def _group_test(statement_id, values, group, reference, followers, rng, n_perm, minimum) -> dict:
    """The statement's test of ``group`` against ``reference`` (boolean masks over the same
    rows), or no test (``result`` None) when either side has fewer than ``minimum`` accounts
    with a value."""
    values = np.asarray(values, dtype=float)
    group, reference = np.asarray(group, dtype=bool), np.asarray(reference, dtype=bool) & ~np.asarray(group)
    rows = (group | reference) & np.isfinite(values)
    out = {"group": int((group & rows).sum()), "reference": int((reference & rows).sum()), "minimum": minimum}
    if min(out["group"], out["reference"]) < minimum:
        return {**out, "tested": False, "result": None, "null": None}
    entry = catalogue.statement(statement_id)
    result, null = stratified_median_test(
        values[rows], group[rows], np.asarray(followers, dtype=float)[rows], rng, n_perm,
        entry.statistic, entry.direction, _null_text(statement_id),
    )  # fmt: skip
    return {**out, "tested": True, "result": result, "null": null}


# ------------------------------------------------------------------ C1: celebrities follow few


def test_follow_few(accounts: pd.DataFrame, elite_user_ids, rng, n_perm: int):
    """C1: celebrities follow fewer accounts than equally followed accounts.

    Statistic: median following count of the elite. Null: the elite label permuted
    among profiles with similar follower counts. One-sided 'less'."""
    mask = accounts["user_id"].isin(elite_user_ids).to_numpy()
    return stratified_median_test(
        accounts["friends"], mask, accounts["followers"], rng, n_perm,
        catalogue.statement("C1").statistic, "less", _null_text("C1"),
    )  # fmt: skip


def band_mask(followers, band: str) -> np.ndarray:
    """Accounts whose followers lie in the band ``[low, high)`` of :data:`FOLLOWER_BANDS`."""
    low, high = FOLLOWER_BANDS[band]
    followers = np.asarray(followers, dtype=float)
    return (followers >= low) & (followers < high)


def follow_few_by_band(
    accounts: pd.DataFrame, elite_user_ids, rng, n_perm: int, minimum: int = MIN_PER_GROUP
) -> dict[str, dict]:
    """C1 within each follower band: ``{statement id ("C1-10k-100k"): {"band", "low", "high",
    "group" (celebrities), "reference" (other profiles), "tested", "result", "null"}}``, the
    test of :func:`test_follow_few` on the accounts of the band only. A band with fewer than
    ``minimum`` celebrities or other accounts is not tested (``result`` None)."""
    elite = accounts["user_id"].isin(elite_user_ids).to_numpy()
    followers = accounts["followers"].to_numpy(dtype=float)
    out = {}
    for band, (low, high) in FOLLOWER_BANDS.items():
        inside = band_mask(followers, band)
        test = _group_test(
            f"C1-{band}", accounts["friends"], elite & inside, ~elite & inside, followers, rng, n_perm, minimum
        )
        out[f"C1-{band}"] = {"band": band, "low": low, "high": high, **test}
    return out


# ------------------------------------------------------------------ C3: brands follow back


def brand_celebrity_masks(accounts: pd.DataFrame, elite_user_ids, corrected: bool = True):
    """``(brands, celebrities)`` as boolean masks over ``accounts``.

    ``corrected``: brands are ``kind == "brand"`` (curated: hand labels corrected, news
    media and other organizations set apart), celebrities the elite accounts of
    ``kind == "person"``. Otherwise the 2013 labels as they are: a ``label ==
    "organization"`` account is a brand, celebrities are the elite accounts labelled
    ``"personal"``; when the table says which accounts were curated (``curated``), the
    brands are the organizations among them, so that the two comparisons draw their
    brands from the same accounts and differ only by the corrections."""
    elite = accounts["user_id"].isin(elite_user_ids).to_numpy()
    if corrected:
        brand = (accounts["kind"].astype(str) == "brand").to_numpy()
        person = (accounts["kind"].astype(str) == "person").to_numpy()
    else:
        brand = (accounts["label"].astype(str) == "organization").to_numpy()
        if "curated" in accounts:
            brand = brand & accounts["curated"].astype(bool).to_numpy()
        person = (accounts["label"].astype(str) == "personal").to_numpy()
    return brand, elite & person & ~brand


def test_brands_vs_celebrities(
    accounts: pd.DataFrame, elite_user_ids, rng, n_perm: int, corrected: bool = True, minimum: int = MIN_PER_GROUP
) -> dict:
    """C3 (``corrected``) or C3-uncorrected: the median following/followers ratio of brands
    against the brand/celebrity labels permuted among brands and celebrities of similar
    follower counts (:func:`brand_celebrity_masks`). One-sided 'greater'. Returns the
    counts and the test as :func:`follow_few_by_band` does (``result`` None when either
    side has fewer than ``minimum`` accounts)."""
    brand, celebrity = brand_celebrity_masks(accounts, elite_user_ids, corrected)
    statement_id = "C3" if corrected else "C3-uncorrected"
    return _group_test(statement_id, accounts["ratio"], brand, celebrity, accounts["followers"], rng, n_perm, minimum)


def test_brands_follow_back(accounts: pd.DataFrame, rng, n_perm: int):
    """C3-organizations: organizations follow more of their followers than persons do.

    Statistic: median friends/followers ratio of accounts hand-labelled organization
    (2013; an upper bound on follow-back, from profile counts). Null: organization and
    personal labels permuted among profiles of similar follower count. 'greater'."""
    labelled = accounts[accounts["label"].isin(["organization", "personal"])]
    mask = (labelled["label"] == "organization").to_numpy()
    return stratified_median_test(
        labelled["ratio"], mask, labelled["followers"], rng, n_perm,
        catalogue.statement("C3-organizations").statistic, "greater", _null_text("C3-organizations"),
    )  # fmt: skip


def brand_tests(
    accounts: pd.DataFrame, elite_user_ids, rng, n_perm: int, minimum: int = MIN_PER_GROUP
) -> dict[str, dict]:
    """The three statements of C3: ``{"C3": brands (curated) against celebrities,
    "C3-uncorrected": the curated accounts labelled organization in 2013 against
    celebrities labelled personal (:func:`brand_celebrity_masks`),
    "C3-organizations": 2013 organizations against personal accounts}``, each with its
    counts and test (``result`` None when a side has fewer than ``minimum`` accounts; C3
    also when the table has no ``kind`` column)."""
    out = {}
    if "kind" in accounts:
        out["C3"] = test_brands_vs_celebrities(accounts, elite_user_ids, rng, n_perm, True, minimum)
    else:
        out["C3"] = {"group": 0, "reference": 0, "minimum": minimum, "tested": False, "result": None, "null": None}
    out["C3-uncorrected"] = test_brands_vs_celebrities(accounts, elite_user_ids, rng, n_perm, False, minimum)
    label = accounts["label"].astype(str)
    out["C3-organizations"] = _group_test(
        "C3-organizations", accounts["ratio"], (label == "organization").to_numpy(),
        (label == "personal").to_numpy(), accounts["followers"], rng, n_perm, minimum,
    )  # fmt: skip
    return out


def ratio_by_kind(accounts: pd.DataFrame, elite_user_ids=()) -> pd.DataFrame:
    """Among the curated accounts (``curated`` true): per ``kind``, the number of accounts,
    how many are in the elite, their median followers and median following/followers
    ratio; most accounts first."""
    curated = accounts[accounts["curated"].astype(bool)]
    elite = curated["user_id"].isin(elite_user_ids)
    table = (
        curated.assign(elite=elite)
        .groupby(curated["kind"].astype(str))
        .agg(accounts=("user_id", "size"), elite=("elite", "sum"),
             median_followers=("followers", "median"), median_ratio=("ratio", "median"))
    )  # fmt: skip
    return table.sort_values(["accounts", "median_followers"], ascending=False).rename_axis("kind").reset_index()


# ------------------------------------------------------------------ calibration of C1 and C3


def calibration_table(
    rng, n: int = 1500, group_share=(0.02, 0.5), effect: float = 1.0, by_stratum: bool = True
) -> pd.DataFrame:
    """Generated profiles like the 2009 crawl: followers Pareto above 10,000 (exponent
    2.3, as fitted to the profiles), following growing with followers (``followers^0.6``
    times lognormal noise) and a group whose share rises from ``group_share[0]`` at
    10,000 followers to ``group_share[1]`` at a million and more (celebrities are the
    more followed). ``by_stratum``: the share depends only on the follower stratum of the
    test (the label is random within strata: the test's null holds); otherwise it rises
    smoothly with followers (some popularity is left inside each stratum). ``effect``:
    the group's following (and ratio) multiplied by it (1: no effect)."""
    followers = np.floor(1e4 * (1 - rng.random(n)) ** (-1 / 1.3)).astype(np.int64)
    friends = np.maximum(1, np.round(followers**0.6 * rng.lognormal(0, 1, n)))
    if by_stratum:
        position = permutation.degree_strata(followers, np.zeros(n), STRATA_PER_DECADE) / STRATA_PER_DECADE - 4
    else:
        position = np.log10(followers) - 4
    share = group_share[0] + (group_share[1] - group_share[0]) * np.clip(position / 2, 0, 1)
    group = rng.random(n) < share
    friends = np.where(group, np.maximum(1, np.round(friends * effect)), friends)
    return pd.DataFrame({"followers": followers, "friends": friends.astype(np.int64), "group": group,
                         "ratio": friends / followers})  # fmt: skip


def _rejection_rate(rng, n_tables, n_perm, column, alternative, **table) -> dict:
    p_values, effects, two_sided = [], [], []
    planted = table.get("effect", 1.0) != 1.0  # power: a two-sided rejection counts only the predicted way
    for _ in range(n_tables):
        t = calibration_table(rng, **table)
        result, _ = stratified_median_test(
            t[column], t["group"], t["followers"], rng, n_perm, column, alternative, "calibration"
        )
        p_values.append(result.p_value)
        effects.append(result.ratio)
        two_sided.append(result.rejects_two_sided(inference.ALPHA, predicted=planted))
    p_values = np.asarray(p_values)
    return {"rejection_rate": float((p_values < inference.ALPHA).mean()), "mean_p_value": float(p_values.mean()),
            "rejection_rate_two_sided": float(np.mean(two_sided)), "median_effect": float(np.median(effects))}  # fmt: skip


def calibrate_broadcasters(
    rng, n_tables: int = 200, n_perm: int = 199, c1_accounts: int = 1500, c1_share=(0.02, 0.5),
    c1_effect: float = 0.5, c3_accounts: int = 200, c3_share=(0.1, 0.4), c3_effect: float = 2.0,
) -> dict:  # fmt: skip
    """Size and power of :func:`stratified_median_test`, the test of C1 and C3, at
    ``inference.ALPHA`` on :func:`calibration_table` tables.

    C1 setting: ``c1_accounts`` profiles, the group (celebrities) a share ``c1_share`` of
    the least to the most followed, statistic the group's median following, 'less'
    (the 2009 verified accounts: 2% of the 10k-100k band, a quarter of the next, most of
    the top). C3 setting: ``c3_accounts`` accounts, the group (brands, a few tens against
    celebrities) a share ``c3_share``, statistic the median following/followers ratio,
    'greater'. ``size``: the label random within strata (the null holds exactly; should be
    about ALPHA, at most that with ties); ``size_smooth``: the label's share rising
    smoothly with followers, so that some popularity is left inside strata (how much the
    stratification leaves); ``power``: the group's following multiplied by ``c1_effect``
    (C1) or ``c3_effect`` (C3)."""
    settings = {"C1": (c1_accounts, c1_share, "friends", "less", c1_effect),
                "C3": (c3_accounts, c3_share, "ratio", "greater", c3_effect)}  # fmt: skip
    out = {"tables": n_tables, "permutations": n_perm, "alpha": inference.ALPHA,
           "strata_per_decade": STRATA_PER_DECADE}  # fmt: skip
    for name, (n, share, column, alternative, effect) in settings.items():
        table = {"n": n, "group_share": share}
        out[name] = {
            "accounts": n, "group_share": list(share), "statistic": column, "alternative": alternative,
            "planted_effect": effect,
            "size": _rejection_rate(rng, n_tables, n_perm, column, alternative, **table),
            "size_smooth": _rejection_rate(rng, n_tables, n_perm, column, alternative, by_stratum=False, **table),
            "power": _rejection_rate(rng, n_tables, n_perm, column, alternative, effect=effect, **table),
        }  # fmt: skip
    return out


# ------------------------------------------------------------------ C7: attention is concentrated


def follows_share(followers, n_follows: int) -> float:
    """Share of all ``n_follows`` follows of a graph received by accounts with these ``followers``."""
    return float(np.asarray(followers, dtype=float).sum() / n_follows)


def follows_share_interval(
    followers, n_follows: int, rng, n_boot: int, level: float = 0.95
) -> tuple[float, float, float]:
    """:func:`follows_share` and its percentile bootstrap interval over accounts (the
    follower counts resampled with replacement, as many as there are)."""
    followers = np.asarray(followers, dtype=float)
    totals = followers[rng.integers(0, len(followers), (n_boot, len(followers)))].sum(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(totals / n_follows, [tail, 100 - tail])
    return follows_share(followers, n_follows), float(low), float(high)


def concentration(values, fraction: float = TOP_FRACTION, same_fraction: float | None = None) -> dict:
    """How concentrated ``values`` (followers of each account) are: ``gini``, ``top_share``
    (share held by the top ``fraction``), the number of ``accounts`` and, with
    ``same_fraction``, ``same_fraction_share``: the share held by that fraction of the accounts
    (at least one), e.g. the profiled accounts' fraction of all 2009 users."""
    values = np.asarray(values, dtype=float)
    out = {"accounts": len(values), "gini": measures.gini(values), "top_share": measures.top_share(values, fraction)}
    if same_fraction is not None:
        out["same_fraction_share"] = measures.top_share(values, same_fraction)
    return out


def tail_model(values, alpha: float = inference.ALPHA) -> dict:
    """The heavy-tailed model of the values' upper tail: the discrete power law fitted by
    :func:`measures.powerlaw_vs_lognormal` (exponent ``alpha_exponent`` above ``xmin``) and a
    lognormal fitted to the same tail (``mu``, ``sigma``). ``model`` is the power law,
    the simpler model and the one degree tails are usually described by, unless the
    likelihood ratio favours the lognormal significantly (ratio below 0, p below
    ``alpha``); ``favoured`` names the model the ratio favours significantly, if any.

    A lognormal whose fit puts the whole tail far out on its right side is a power law
    there: its log-log slope ``-(1 + (ln x - mu) / sigma**2)`` moves by only
    ``ln(x_max / x_min) / sigma**2`` across the tail. When that is below
    :data:`LOGNORMAL_DEGENERATE_SLOPE` (``lognormal_degenerate``; ``lognormal_slopes``:
    the exponents at both ends of the tail), the two fits are one shape and the
    likelihood ratio, whatever its value, cannot tell them apart: ``favoured`` is
    ``"neither"`` and the power law, the simpler, is the model."""
    import warnings

    import powerlaw

    fit = measures.powerlaw_vs_lognormal(values)
    x = np.asarray(values, dtype=float)
    x = x[x > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lognormal = powerlaw.Fit(x, discrete=True, xmin=fit["xmin"], verbose=0).lognormal
    mu, sigma = float(lognormal.mu), float(lognormal.sigma)
    tail = x[x >= fit["xmin"]]
    slopes = [1 + (np.log(end) - mu) / sigma**2 for end in (tail.min(), tail.max())] if len(tail) else [np.nan] * 2
    degenerate = bool(np.isfinite(slopes).all() and abs(slopes[1] - slopes[0]) < LOGNORMAL_DEGENERATE_SLOPE)
    significant = fit["p_value"] < alpha and not degenerate
    favoured = ("power law" if fit["loglik_ratio"] > 0 else "lognormal") if significant else "neither"
    return {
        "model": "lognormal" if favoured == "lognormal" else "power law",
        "favoured": favoured,
        "lognormal_degenerate": degenerate,
        "lognormal_slopes": [float(v) for v in slopes],
        "alpha_exponent": fit["alpha"],
        "xmin": fit["xmin"],
        "n_tail": fit["n_tail"],
        "mu": mu,
        "sigma": sigma,
        "loglik_ratio": fit["loglik_ratio"],
        "p_value": fit["p_value"],
    }


def sample_tail(model: dict, size: int, rng) -> np.ndarray:
    """``size`` draws from ``model`` (:func:`tail_model`) above its ``xmin``: the continuous
    power law of exponent ``alpha_exponent``, or the lognormal truncated below ``xmin``."""
    xmin = model["xmin"]
    if model["model"] == "power law":
        return xmin * (1 - rng.random(size)) ** (-1 / (model["alpha_exponent"] - 1))
    from scipy import stats

    low = (np.log(xmin) - model["mu"]) / model["sigma"]
    z = stats.truncnorm.rvs(low, np.inf, size=size, random_state=rng)
    return np.maximum(xmin, np.exp(model["mu"] + model["sigma"] * z))


def concentration_under_model(
    values, model: dict, n_follows: int, rng, n_samples: int, fraction: float = TOP_FRACTION, level: float = 0.95
) -> dict:
    """The concentration measures of ``values`` when their tail (at or above ``xmin``) is
    redrawn from ``model`` and the values below it are kept: for each of ``gini``,
    ``top_share`` (top ``fraction``) and ``follows_share`` (of ``n_follows``), the mean over
    ``n_samples`` draws and its ``level`` range (``gini_low``, ``gini_high``, ...)."""
    values = np.asarray(values, dtype=float)
    body = values[values < model["xmin"]]
    n_tail = len(values) - len(body)
    draws = {"gini": [], "top_share": [], "follows_share": []}
    for _ in range(n_samples):
        sample = np.concatenate([body, np.round(sample_tail(model, n_tail, rng))])
        draws["gini"].append(measures.gini(sample))
        draws["top_share"].append(measures.top_share(sample, fraction))
        draws["follows_share"].append(follows_share(sample, n_follows))
    tail = (1 - level) / 2 * 100
    out = {"model": model["model"], "samples": n_samples}
    for name, got in draws.items():
        low, high = np.percentile(got, [tail, 100 - tail])
        out.update({name: float(np.mean(got)), f"{name}_low": float(low), f"{name}_high": float(high)})
    return out


def uniform_top_k_share(n_accounts: int, n_follows: int, k: int, rng, n_null: int) -> np.ndarray:
    """Reference only (C7 is not tested against it: uniform attention is no fair null).
    Share of all follows received by the ``k`` most-followed of ``n_accounts`` when
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
