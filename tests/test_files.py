"""Atomic writes: a reader sees the old file or the new one, never half of one, and no temporary file stays."""

import pandas as pd
import pytest

from analysis import files


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.json"
    files.write_json(target, {"a": 1})
    with pytest.raises(RuntimeError, match="disk on fire"), files.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk on fire")
    assert target.read_text() == '{\n  "a": 1\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_text_json_and_parquet_round_trip(tmp_path):
    files.write_text(tmp_path / "deep" / "a.txt", "héllo")
    assert (tmp_path / "deep" / "a.txt").read_text(encoding="utf-8") == "héllo"
    files.write_json(tmp_path / "b.json", {"z": 1, "a": [1, 2]}, indent=1)
    assert (tmp_path / "b.json").read_text().startswith('{\n "a"')
    table = pd.DataFrame({"follower": [1, 2], "followee": [2, 3]})
    files.write_parquet(tmp_path / "c.parquet", table)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "c.parquet"), table)
    assert not list(tmp_path.glob(".*.tmp"))
    assert oct((tmp_path / "c.parquet").stat().st_mode & 0o777) == "0o644"
