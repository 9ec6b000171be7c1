"""Loaders on small files the tests write, including their bad inputs."""

import gzip
import io
import tarfile

import numpy as np
import pandas as pd
import pytest

from analysis.data import readers
from analysis.data.readers import DataFormatError

PROFILE = [
    "12",
    "False",
    "EADEAA",
    "333333",
    "895829",
    "False",
    "San Francisco",
    "8B542B",
    "-28800",
    "4209",
    "Creator",
    "574",
    "9D582E",
    "http://img",
    "False",
    "http://bg",
    "jack",
    "False",
    "614",
    "Jack Dorsey",
    "None",
    "Tue Mar 21 20:50:14 +0000 2006",
    "Pacific Time (US & Canada)",
    "D9B17E",
    "False",
    "m",
]


def _profile(**changes):
    fields = list(PROFILE)
    for index, value in changes.items():
        fields[int(index[1:])] = value
    return "\t".join(fields)


def test_profiles_are_typed_and_none_becomes_null(tmp_path):
    second = _profile(f0="13", f1="True", f4="1000", f11="2", f16="biz", f8="None", f25="?", f20="http://b")
    path = tmp_path / "p.txt"
    path.write_text(_profile() + "\n" + second + "\n")
    table = readers.read_kwak_profiles(path)
    assert list(table.columns) == readers.ACCOUNT_COLUMNS
    assert table["user_id"].tolist() == [12, 13] and table["user_id"].dtype == np.int64
    assert table["verified"].tolist() == [False, True]
    assert table["followers"].tolist() == [895829, 1000] and table["friends"].tolist() == [574, 2]
    assert pd.isna(table.loc[0, "url"]) and table.loc[1, "url"] == "http://b"
    assert pd.isna(table.loc[1, "utc_offset"]) and table.loc[0, "utc_offset"] == -28800
    assert table["gender"].tolist() == ["m", "unknown"]
    assert table.loc[0, "created_at"] == pd.Timestamp("2006-03-21 20:50:14", tz="UTC")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty file"),
        ("\t".join(PROFILE[:25]) + "\n", "line 1: expected \\[26\\] tab-separated fields, got 25"),
        (_profile(f0="abc") + "\n", "line 1: column numeric_id: not an integer"),
        (_profile() + "\n" + _profile(f4="many") + "\n", "line 2: column followers_count"),
        (_profile() + "\n" + _profile() + "\n", "duplicate user ids"),
    ],
)
def test_profile_bad_inputs(tmp_path, text, message):
    path = tmp_path / "p.txt"
    path.write_text(text)
    with pytest.raises(DataFormatError, match=message):
        readers.read_kwak_profiles(path)


def test_labels_follow_the_documented_rules_and_report_every_case(tmp_path):
    rows = [
        _profile(f0="1") + "\tP",  # as is
        _profile(f0="2") + "\tO",  # as is
        _profile(f0="3") + "\tp",  # mapped
        _profile(f0="4") + "\tPf",  # mapped
        _profile(f0="5") + "\tOP",  # unknown
        _profile(f0="6") + "\t",  # blank -> unknown
        _profile(f0="7"),  # 26 fields
        _profile(f0="8") + "\t\tO",  # 28 fields, last
        _profile(f0="9") + "\tP\tO",  # 28 fields, conflict
        _profile(f0="10") + "\tU",  # as is
    ]
    path = tmp_path / "l.txt"
    path.write_text("\n".join(rows) + "\n")
    table, report = readers.read_org_labels(path)
    assert table["label"].tolist() == [
        "personal",
        "organization",
        "personal",
        "personal",
        "unknown",
        "unknown",
        "unknown",
        "organization",
        "unknown",
        "unknown",
    ]
    assert report.rows == 10 and report.taken_as_is == 3 and report.not_as_is == 7
    assert report.cases == {
        "label 'p' mapped to personal": [3],
        "label 'Pf' mapped to personal": [4],
        "label 'OP' not a P/O/U code: set to unknown": [5],
        "label '' not a P/O/U code: set to unknown": [6],
        "26 fields, no label column: unknown": [7],
        "28 fields, label taken from the last field": [8],
        "28 fields with conflicting labels 'P'/'O': unknown": [9],
    }
    assert report.summary().splitlines() == [
        "10 rows, 3 taken as they were, 7 not:",
        "  26 fields, no label column: unknown: 1 (lines 7)",
        "  28 fields with conflicting labels 'P'/'O': unknown: 1 (lines 9)",
        "  28 fields, label taken from the last field: 1 (lines 8)",
        "  label '' not a P/O/U code: set to unknown: 1 (lines 6)",
        "  label 'OP' not a P/O/U code: set to unknown: 1 (lines 5)",
        "  label 'Pf' mapped to personal: 1 (lines 4)",
        "  label 'p' mapped to personal: 1 (lines 3)",
    ]


def test_labels_reject_rows_with_other_field_counts(tmp_path):
    path = tmp_path / "l.txt"
    path.write_text(_profile() + "\tP\tO\tU\n")
    with pytest.raises(DataFormatError, match="line 1"):
        readers.read_org_labels(path)


def test_edge_list_direction_is_declared_and_swapped_for_kwak(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("% header\n1 2\n\n3\t4\n")
    snap = readers.read_edge_list(path, direction="follower followee")
    assert snap.values.tolist() == [[1, 2], [3, 4]]
    kwak = readers.read_edge_list(path, direction="followee follower")
    assert kwak.values.tolist() == [[2, 1], [4, 3]]
    assert list(kwak.columns) == ["follower", "followee"]
    csv = tmp_path / "e.csv"
    csv.write_text("5,6\n7, 8\n")
    assert readers.read_edge_list(csv, separator="comma").values.tolist() == [[5, 6], [7, 8]]


@pytest.mark.parametrize(
    "text, line",
    [
        ("1 2\n3\n", 2),  # one field
        ("1 2\n3 4 5\n", 2),  # three fields
        ("1 2\n% c\nx 4\n", 3),  # non-numeric id
        ("1 -2\n", 1),  # negative id
    ],
)
def test_edge_list_bad_lines_name_file_and_line(tmp_path, text, line):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(DataFormatError, match=rf"bad.txt: line {line}:"):
        readers.read_edge_list(path)


def test_empty_edge_list_gives_empty_table_and_gzip_is_read(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert len(readers.read_edge_list(empty)) == 0
    gz = tmp_path / "e.txt.gz"
    gz.write_bytes(gzip.compress(b"1\t2\n"))
    assert readers.read_edge_list(gz, direction="followee follower").values.tolist() == [[2, 1]]


def test_truncated_gzip_is_a_clear_error(tmp_path):
    gz = tmp_path / "part.gz"
    gz.write_bytes(gzip.compress(b"1\t2\n" * 10000)[:50])
    with pytest.raises(DataFormatError, match="part.gz: truncated"):
        readers.read_edge_list(gz, direction="followee follower")


def _tar(path, members, mode="w:gz"):
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_ego_twitter_union_with_ego_edges_duplicates_and_self_loops(tmp_path):
    path = tmp_path / "twitter.tar.gz"
    _tar(
        path,
        {
            "twitter/100.edges": b"1 2\n2 1\n1 2\n3 3\n",
            "twitter/100.feat": b"1 0 1\n2 1 0\n3 0 0\n",
            "twitter/100.circles": b"friends\t1\t2\nempty\n",
            "twitter/100.egofeat": b"0 1\n",
            "twitter/200.edges": b"2 1\n100 200\n",
            "twitter/200.feat": b"100 1\n",
            "twitter/200.featnames": b"0 #x\n",
        },
    )
    ego = readers.read_ego_twitter(path)
    assert sorted(map(tuple, ego.edges.values.tolist())) == [
        (1, 2),
        (2, 1),
        (100, 1),
        (100, 2),
        (100, 3),
        (100, 200),
        (200, 100),
    ]
    assert ego.self_loops_dropped == 1
    assert ego.egos == 2
    assert ego.nodes.set_index("user_id")["is_ego"].to_dict() == {1: False, 2: False, 3: False, 100: True, 200: True}
    assert ego.circles.values.tolist() == [[100, "friends", 1], [100, "friends", 2]]


def test_ego_twitter_bad_member_names_file_and_line(tmp_path):
    path = tmp_path / "twitter.tar.gz"
    _tar(path, {"twitter/100.edges": b"1 2\n1 z\n", "twitter/100.feat": b"1 0\n"})
    with pytest.raises(DataFormatError, match="twitter/100.edges: line 2"):
        readers.read_ego_twitter(path)


def test_ego_twitter_truncated_archive(tmp_path):
    path = tmp_path / "twitter.tar.gz"
    _tar(path, {"twitter/100.edges": bytes(np.random.default_rng(0).integers(48, 58, 200000, dtype=np.uint8))})
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(DataFormatError, match="twitter.tar.gz: truncated"):
        readers.read_ego_twitter(path)


def test_konect_reader(tmp_path):
    path = tmp_path / "k.tar.bz2"
    _tar(
        path,
        {
            "m/out.munmun_twitter_social": b"% asym unweighted\n% 2 3 3\n1 2 \n2 3 \n",
            "m/README.munmun_twitter_social": b"x",
        },
        mode="w:bz2",
    )
    assert readers.read_konect(path).values.tolist() == [[1, 2], [2, 3]]
    _tar(path, {"m/out.munmun_twitter_social": b"% only a header\n"}, mode="w:bz2")
    with pytest.raises(DataFormatError, match="no edges"):
        readers.read_konect(path)
