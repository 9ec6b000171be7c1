"""C6, the race to a million, and the accounts the post names (notebook 01).

Data: the Kwak et al. 2009 profiles (a snapshot of July-August 2009).
"""

from __future__ import annotations

import pandas as pd

from ..stats import inference

__all__ = [
    "CRAWL_END",
    "RACE_TIME",
    "POST_NUMBERS",
    "RACE",
    "POST_ACCOUNTS",
    "KUTCHER_FRIENDS_IN_POST",
    "follower_growth",
    "test_race",
    "post_accounts_table",
]


CRAWL_END = pd.Timestamp("2009-08-31", tz="UTC")  # profiles crawled July-August 2009 (Kwak et al.)


RACE_TIME = pd.Timestamp("2009-04-17 06:13", tz="UTC")  # 2:13 am ET (EDT = UTC-4)


POST_NUMBERS = {  # quoted in the blog post (April 2009) and the race reports (17 April 2009)
    "aplusk": {"followers": 962_000, "friends": 72},
    "Starbucks": {"followers": 141_341, "friends": 131_505},
}


RACE = {
    "aplusk_followers": 1_000_000,
    "cnnbrk_followers_at_aplusk_million": 998_239,
    "aplusk_time_et": "2009-04-17 02:13",
    "cnnbrk_million_time_et": "2009-04-17 02:42",
}


POST_ACCOUNTS = [
    "aplusk",
    "cnnbrk",
    "TheEllenShow",
    "Starbucks",
    "MCHammer",
    "kingsthings",
    "mileycyrus",
    "RyanSeacrest",
    "johncmayer",
    "MichaelPhelps",
]


KUTCHER_FRIENDS_IN_POST = ["MichaelPhelps", "kingsthings", "mileycyrus", "RyanSeacrest", "johncmayer"]


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
    result = inference.ensemble_test(
        "@aplusk followers gained per day of account age",
        observed,
        others,
        f"@aplusk exchangeable with the other {len(others):,} profiled accounts",
    )
    by_name = accounts.set_index("screen_name")
    created = by_name.loc["aplusk", "created_at"]
    days_to_million = (RACE_TIME - created).total_seconds() / 86400
    facts = {
        "aplusk_created": str(created.date()),
        "cnnbrk_created": str(by_name.loc["cnnbrk", "created_at"].date()),
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
            rows.append(
                {
                    "screen_name": name,
                    "in_archive": True,
                    "followers_2009": int(row["followers"]),
                    "following_2009": int(row["friends"]),
                    "verified_2009": bool(row["verified"]),
                    "label_2013": row["label"],
                    "created_at": str(row["created_at"].date()),
                    "followers_in_post": POST_NUMBERS.get(name, {}).get("followers"),
                    "following_in_post": POST_NUMBERS.get(name, {}).get("friends"),
                }
            )
        else:
            rows.append({"screen_name": name, "in_archive": False})
    return pd.DataFrame(rows)
