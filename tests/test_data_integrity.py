"""The processed tables against the figures the archives' publishers give."""

import pandas as pd
import pytest

from analysis import paths
from analysis.data import registry
from analysis.data.processed import read_manifest

pytestmark = pytest.mark.data


def _table(name):
    return pd.read_parquet(paths.processed_table(name))


def test_kwak_profiles(processed):
    accounts = _table("accounts_kwak2009")
    assert len(accounts) == 6499
    assert int(accounts["verified"].sum()) == 221
    assert accounts["user_id"].is_unique
    assert accounts["user_id"].dtype == "int64"
    assert set(accounts["gender"]) <= {"m", "f", "unknown"}
    assert str(accounts["created_at"].dtype).startswith("datetime64") and accounts["created_at"].dt.tz is not None
    kutcher = accounts.set_index("screen_name").loc["aplusk"]
    assert kutcher["followers"] > 1_000_000 and kutcher["friends"] < 1000


def test_org_labels_cover_every_profile_and_report_the_messy_rows(processed):
    labels = _table("labels_org2013")
    accounts = _table("accounts_kwak2009")
    assert set(labels["user_id"]) == set(accounts["user_id"])
    assert set(labels["label"].astype(str)) == {"personal", "organization", "unknown"}
    report = read_manifest()["labels_org2013_report"]
    assert report["rows"] == 6499
    assert report["taken_as_is"] + sum(len(v) for v in report["cases"].values()) == 6499
    lines_26 = [lines for rule, lines in report["cases"].items() if rule.startswith("26 fields")]
    assert len(lines_26) == 1 and len(lines_26[0]) == 9


def test_ego_twitter_matches_snap(processed):
    edges = _table("ego_twitter_edges")
    nodes = _table("ego_twitter_nodes")
    manifest = read_manifest()
    assert manifest["ego_twitter"]["self_loops_dropped"] == 14
    snap = registry.published("ego_twitter")
    assert len(edges) + 14 == snap["edges"]
    assert len(nodes) == snap["nodes"]
    assert int(nodes["is_ego"].sum()) == snap["egos"] == manifest["ego_twitter"]["egos"]
    assert not edges.duplicated().any()
    assert (edges["follower"] != edges["followee"]).all()
    assert list(edges.columns) == ["follower", "followee"]


def test_konect_matches_published_figures(processed):
    edges = _table("konect_icwsm2010_edges")
    assert len(edges) == 834_797
    nodes = pd.unique(edges[["follower", "followee"]].values.ravel())
    assert len(nodes) == 465_017
    reverse = edges.rename(columns={"follower": "followee", "followee": "follower"})
    reciprocated = edges.merge(reverse, on=["follower", "followee"]).shape[0]
    assert round(reciprocated / len(edges), 5) == registry.published("konect_icwsm2010")["reciprocity_edges"]
