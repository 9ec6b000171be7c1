"""C6, the race to a million, and the accounts the post names (notebook 01).

Data: the Kwak et al. 2009 profiles (a snapshot of July-August 2009).

C6 is *not testable* with this data (catalogue statement C6): the snapshot was
taken months after the race, so it can neither order nor time it, and @aplusk is
looked at because he won, so ranking his growth against the other accounts would
test a choice made after the fact. :func:`race_facts` reports what the archive
holds (creation dates, followers in 2009, days to a million, the growth rank as a
fact), with no p-value.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "CRAWL_END",
    "RACE_TIME",
    "POST_NUMBERS",
    "RACE",
    "POST_ACCOUNTS",
    "KUTCHER_FRIENDS_IN_POST",
    "follower_growth",
    "race_facts",
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


def race_facts(accounts: pd.DataFrame) -> dict:
    """C6, the archive's facts about the race (no test: see the module docstring).

    ``aplusk_followers_per_day``: @aplusk's followers gained per day of account age to
    the end of the crawl (:func:`follower_growth`, the statistic the catalogue records);
    ``aplusk_growth_rank``: its rank by that rate among the ``accounts`` profiled
    accounts (how many grow at least as fast, itself included: 1 = fastest), a fact,
    not a test; creation dates, followers in 2009, and the days @aplusk took to reach a million followers
    (from its creation to :data:`RACE_TIME`) with the average rate that implies."""
    growth = follower_growth(accounts)
    observed = float(growth["aplusk"])
    by_name = accounts.set_index("screen_name")
    created = by_name.loc["aplusk", "created_at"]
    days_to_million = (RACE_TIME - created).total_seconds() / 86400
    return {
        "aplusk_followers_per_day": observed,
        "aplusk_created": str(created.date()),
        "cnnbrk_created": str(by_name.loc["cnnbrk", "created_at"].date()),
        "aplusk_days_to_million": days_to_million,
        "aplusk_followers_per_day_to_million": RACE["aplusk_followers"] / days_to_million,
        "aplusk_followers_2009": int(by_name.loc["aplusk", "followers"]),
        "cnnbrk_followers_2009": int(by_name.loc["cnnbrk", "followers"]),
        "aplusk_growth_rank": int((growth >= observed).sum()),
        "accounts": len(growth),
    }


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
