"""Atomic writes: a reader sees the old file or the new one, never half of one, and no temporary file stays."""

import os
import subprocess
import sys

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


def test_a_second_lock_on_one_folder_is_refused_and_a_released_lock_leaves_no_file(tmp_path):
    from analysis.files import exclusive_lock

    lock = tmp_path / ".out.lock"
    with exclusive_lock(lock, "out"):
        assert lock.read_text().startswith("pid ")
        child = subprocess.run([sys.executable, "-c", f"from analysis.files import exclusive_lock\n"
                                f"with exclusive_lock({str(lock)!r}, 'out'): pass"],
                               capture_output=True, text=True)  # fmt: skip
        assert child.returncode == 1 and "LockedError: out is being written by another run (pid" in child.stderr
    assert not lock.exists()
    with exclusive_lock(lock, "out"):  # free again
        pass


def test_a_staged_folder_replaces_its_target_only_when_the_block_ends_normally(tmp_path):
    from analysis.files import remove_stale_staging, staged_folder

    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), staged_folder(target) as staging:
        (staging / "new.txt").write_text("half")
        raise RuntimeError("cut off")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"] and (target / "old.txt").exists()
    with staged_folder(target) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"] and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    (tmp_path / ".out.staging-abc").mkdir()  # what a SIGKILL leaves
    (tmp_path / ".other.staging-abc").mkdir()
    assert [p.name for p in remove_stale_staging(target)] == [".out.staging-abc"]
    assert (tmp_path / ".other.staging-abc").exists()


def test_commands_end_a_users_error_in_one_line_and_run_cleanup_on_sigterm(tmp_path):
    import errno

    from analysis import cli

    def full():
        raise OSError(errno.ENOSPC, "No space left on device", "/data/x.parquet")

    assert cli.run(full) == 2
    code = (
        "import os, signal, time\n"
        "from pathlib import Path\n"
        "from analysis import cli, files\n"
        "def body():\n"
        f"    with files.atomic_path({str(tmp_path / 'out.txt')!r}) as tmp:\n"
        "        tmp.write_text('half')\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        time.sleep(5)\n"
        "raise SystemExit(cli.run(body))\n"
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert child.returncode == 130 and child.stderr.startswith("interrupted:")
    assert list(tmp_path.iterdir()) == []  # the temporary file went with the interrupt
    child = subprocess.run([sys.executable, "-c", "from analysis import cli\n"
                            "def f(): raise cli.UserError('edges.csv: line 3: bad id')\n"
                            "raise SystemExit(cli.run(f))"], capture_output=True, text=True)  # fmt: skip
    assert child.returncode == 2 and child.stderr == "error: edges.csv: line 3: bad id\n"
    debug = subprocess.run(child.args, capture_output=True, text=True, env={**os.environ, "TWEETERWOOD_DEBUG": "1"})
    assert "Traceback" in debug.stderr and debug.stderr.endswith("error: edges.csv: line 3: bad id\n")
