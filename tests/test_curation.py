"""The curated corrections of the 2013 hand labels (analysis/data/curation/).

The checks are tested on small tables (no data files); the committed CSV and its
join in ``accounts_with_labels`` are tested against the processed tables (the
``processed`` fixture marks those tests as data tests).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.claims.race import KUTCHER_FRIENDS_IN_POST, POST_ACCOUNTS
from analysis.data import sources
from analysis.data.processed import load_table

PROFILES = pd.DataFrame(
    {
        "user_id": [1, 2, 3, 4],
        "screen_name": pd.array(["Oprah", "Starbucks", "cnnbrk", "coldplay"], dtype="string"),
        "followers": [1_908_793, 249_040, 2_142_902, 1_302_559],
    }
)
LABELS = pd.DataFrame({"user_id": [1, 2, 3, 4], "label": ["organization", "organization", "organization", "unknown"]})


def corrections(**changes) -> pd.DataFrame:
    """A valid corrections table for PROFILES; ``changes``: column -> {row index: value}."""
    table = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4],
            "screen_name": ["Oprah", "Starbucks", "cnnbrk", "coldplay"],
            "followers_2009": [1_908_793, 249_040, 2_142_902, 1_302_559],
            "label_2013": ["organization", "organization", "organization", "unknown"],
            "kind": ["person", "brand", "news media", "person"],
            "reason": ["Oprah Winfrey, talk-show host", "coffee chain", "CNN's alerts", "a band"],
        }
    ).astype(object)
    for column, values in changes.items():
        for index, value in values.items():
            table.loc[index, column] = value
    return table


def test_a_valid_table_has_no_problems():
    assert sources.check_org_corrections(corrections(), PROFILES, LABELS) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": {1: "company"}}, "row 3 (user_id 2, @Starbucks): unknown kind 'company'"),
        ({"user_id": {3: 2}, "screen_name": {3: "Starbucks"}, "followers_2009": {3: 249_040}}, "row 5 (user_id 2"),
        ({"user_id": {0: 99}}, "row 2 (user_id 99, @Oprah): user_id not in the 2009 profiles"),
        (
            {"screen_name": {2: "CNN"}},
            "row 4 (user_id 3, @CNN): screen_name does not match the id, whose profile is @cnnbrk",
        ),
        ({"followers_2009": {0: 5}}, "row 2 (user_id 1, @Oprah): followers_2009 5 is not the profile's 1908793"),
        ({"label_2013": {0: "personal"}}, "row 2 (user_id 1, @Oprah): label_2013 'personal' is not the 2013 label"),
        ({"reason": {1: ""}}, "row 3 (user_id 2, @Starbucks): missing reason"),
        ({"kind": {1: None}}, "row 3 (user_id 2, @Starbucks): missing kind"),
        ({"user_id": {1: "two"}}, "row 3 (user_id two, @Starbucks): user_id is not an integer"),
    ],
)
def test_each_problem_is_one_line_naming_the_row(changes, message):
    errors = sources.check_org_corrections(corrections(**changes), PROFILES, LABELS)
    assert len(errors) == 1, errors
    assert errors[0].startswith(message), errors
    assert "\n" not in errors[0]


def test_a_duplicate_id_names_both_rows():
    table = pd.concat([corrections(), corrections().iloc[[0]]], ignore_index=True)
    assert sources.check_org_corrections(table, PROFILES, LABELS) == [
        "row 6 (user_id 1, @Oprah): duplicate user_id (first on row 2)"
    ]


def test_every_problem_is_reported_and_labels_are_optional():
    table = corrections(kind={0: "celebrity"}, screen_name={2: "CNN"}, label_2013={3: "personal"})
    assert len(sources.check_org_corrections(table, PROFILES, LABELS)) == 3
    assert len(sources.check_org_corrections(table, PROFILES)) == 2  # no label check without labels


def test_a_missing_column_is_reported():
    assert sources.check_org_corrections(corrections().drop(columns="reason"), PROFILES) == [
        "corrections: missing column(s) reason"
    ]


def test_the_reader_raises_on_a_bad_file_and_maps_kinds_to_labels(tmp_path):
    good = tmp_path / "good.csv"
    corrections().to_csv(good, index=False)
    table = sources.read_org_corrections(good, profiles=PROFILES, labels=LABELS)
    assert table["user_id"].dtype == "int64"
    assert table["label_corrected"].tolist() == ["personal", "organization", "organization", "personal"]
    bad = tmp_path / "bad.csv"
    corrections(kind={1: "company"}, user_id={0: 99}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match="2 problem") as raised:
        sources.read_org_corrections(bad, profiles=PROFILES, labels=LABELS)
    assert "row 2 (user_id 99, @Oprah)" in str(raised.value)
    assert "row 3 (user_id 2, @Starbucks): unknown kind" in str(raised.value)


def test_every_kind_has_a_label_and_every_label_a_kind():
    assert set(sources.KIND_LABEL) == set(sources.KINDS)
    assert set(sources.KIND_LABEL.values()) == set(sources.LABEL_KIND) == {"personal", "organization", "unknown"}


def test_the_committed_file_is_valid_and_covers_the_top_accounts(processed):
    table = sources.read_org_corrections()  # raises on any problem
    accounts = sources.accounts_with_labels()
    labelled = accounts[accounts["label"].isin(["personal", "organization", "unknown"])]
    top = labelled.sort_values(["followers", "user_id"], ascending=[False, True]).head(150)
    assert set(top["user_id"]) <= set(table["user_id"])
    in_archive = set(POST_ACCOUNTS + KUTCHER_FRIENDS_IN_POST) & set(accounts["screen_name"])
    assert in_archive <= set(table["screen_name"])
    assert table["reason"].str.len().between(10, 250).all()


def test_the_issue_cases_are_corrected(processed):
    by_name = sources.accounts_with_labels().set_index("screen_name")
    for name in ("Oprah", "britneyspears", "RyanSeacrest"):
        assert by_name.loc[name, "label"] == "organization"  # the 2013 label, kept as it is
        assert (by_name.loc[name, "kind"], by_name.loc[name, "label_corrected"]) == ("person", "personal")
    assert by_name.loc["DunkinDonuts", "label"] == "personal"
    assert (by_name.loc["DunkinDonuts", "kind"], by_name.loc["DunkinDonuts", "label_corrected"]) == (
        "brand",
        "organization",
    )
    assert by_name.loc["Starbucks", "kind"] == "brand"
    assert by_name.loc["cnnbrk", "kind"] == by_name.loc["nytimes", "kind"] == "news media"


def test_accounts_keep_the_2013_label_and_gain_the_curation(processed):
    accounts = sources.accounts_with_labels()
    labels = load_table("labels_org2013")
    kept = accounts[["user_id", "label"]].merge(labels, on="user_id", how="left", suffixes=("", "_2013"))
    assert (kept["label"] == kept["label_2013"].astype(str)).all()
    curated, uncurated = accounts[accounts["curated"]], accounts[~accounts["curated"]]
    assert curated["kind"].isin(sources.KINDS).all()
    assert (curated["label_corrected"] == curated["kind"].map(sources.KIND_LABEL)).all()
    assert (uncurated["kind"] == uncurated["label"].map(sources.LABEL_KIND)).all()
    assert (uncurated["label_corrected"] == uncurated["label"]).all()
    assert accounts["curated"].sum() == len(sources.read_org_corrections())
