"""Faults a user can cause or suffer on a run of their own graph (issue 14), each done to a
project in a temporary folder with no Twitter archive: the run still works, an interrupted or
concurrent run leaves the previous reports as they were and nothing stray, bad parameters and
names are refused before anything is written."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.__main__ import main
from analysis.stats import synthetic

pytestmark = pytest.mark.notebooks

ROOT = paths.PACKAGE_DIR.parent
STRAY = (".staging-", ".old-", ".lock", ".tmp")


def _project(base: Path) -> Path:
    """A project folder as a clean clone has it: notebooks and package files, no data."""
    home = base / "home"
    (home / "data" / "raw").mkdir(parents=True)
    (home / "data" / "processed").mkdir(parents=True)
    (home / "notebooks").symlink_to(ROOT / "notebooks")
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, home / name)
    return home


def _planted(folder: Path, name: str = "planted") -> Path:
    rng = np.random.default_rng(3)
    src, dst, elite = synthetic.planted_elite_graph(rng, n=300, m=2500, elite_size=20, factor=3.0)
    pd.DataFrame({"who": src + 100, "whom": dst + 100}).to_csv(folder / "follows.csv.gz", index=False)
    classes = np.where(np.isin(np.arange(300), elite), "vip", "member")
    pd.DataFrame({"id": np.arange(300) + 100, "group": classes}).to_csv(folder / "people.csv", index=False)
    path = folder / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\ntitle = "A planted gated community"\ncitation = "synthetic"\n'
        '[edges]\nfile = "follows.csv.gz"\nfollower = "who"\nfollowee = "whom"\n'
        '[accounts]\nfile = "people.csv"\nid = "id"\nclass = "group"\n[elite]\nlabel = "vip"\n'
    )
    return path


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWEETERWOOD_")}
    return {**env, "TWEETERWOOD_HOME": str(home)}


def _stray(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if any(s in p.name for s in STRAY)
                  and p.name != "requirements.lock")  # fmt: skip


def _start(home: Path, descriptor: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", "run", str(descriptor), "--quick", "--seed", "5"],
                            env=_env(home), cwd=home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def _wait_for(condition, process: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the run ended early: {process.communicate()}"
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def completed(tmp_path_factory):
    """One complete quick run of a planted graph, in a project with no Twitter archive."""
    base = tmp_path_factory.mktemp("own")
    home = _project(base)
    descriptor = _planted(base)
    done = subprocess.run([sys.executable, "-m", "analysis", "run", str(descriptor), "--quick", "--seed", "5"],
                          env=_env(home), cwd=home, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return home, descriptor, done


def test_a_users_graph_needs_only_its_own_files(completed):
    home, descriptor, done = completed
    assert not any((home / "data" / "processed").iterdir()) and not any((home / "data" / "raw").iterdir())
    reports = home / "reports" / "datasets" / "planted"
    assert sorted(p.name for p in reports.glob("*.html")) == ["03-follow-back.html", "04-gated-community.html",
                                                               "06-verdict.html", "index.html"]  # fmt: skip
    assert not (home / "reports" / "index.html").exists()  # default outputs live elsewhere
    build = json.loads((reports / "numbers.json").read_text())["build"]
    assert build["seed"] == 5 and build["quick"] is True and len(build["commit"]) == 40
    assert set(build["data_sha256"]) == {"follows.csv.gz", "people.csv"} and "started" not in build
    for page in reports.glob("*.html"):
        text = page.read_text()
        assert "Quick mode: small null ensembles" in text, page.name
        assert "Reproduce this" in text and build["commit"] in text and "seed 5;" in text, page.name
        assert f"python -m analysis run {descriptor} --seed 5 --quick" in text, page.name
        assert build["data_sha256"]["people.csv"][:12] in text, page.name
    assert "without encryption" not in done.stderr and "Traceback" not in done.stderr
    assert _stray(home) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_run_leaves_the_previous_reports_and_nothing_stray(completed, signum):
    home, descriptor, _ = completed
    reports = home / "reports" / "datasets" / "planted"
    before = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    process = _start(home, descriptor)
    staged = lambda: any(reports.parent.glob(".planted.staging-*/03-follow-back.html"))
    _wait_for(staged, process)  # mid-run: 03 written to the staging folder, 04 running
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("interrupted:"), err
    after = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    assert after == before  # the previous complete run, untouched
    assert _stray(home) == []


@pytest.mark.long  # a second whole run
def test_a_rerun_writes_byte_identical_numbers(completed):
    """... also with two notebooks at a time (the first run took them one by one)."""
    home, descriptor, _ = completed
    numbers = home / "reports" / "datasets" / "planted" / "numbers.json"
    first = numbers.read_bytes()
    again = subprocess.run([sys.executable, "-m", "analysis", "run", str(descriptor), "--quick", "--seed", "5",
                            "--jobs", "2"], env=_env(home), cwd=home, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert numbers.read_bytes() == first


def test_two_runs_on_one_name_are_refused_not_interleaved(completed, monkeypatch, capsys):
    home, descriptor, _ = completed
    process = _start(home, descriptor)
    lock = home / "reports" / "datasets" / ".planted.lock"
    try:
        _wait_for(lock.exists, process)
        monkeypatch.setenv("TWEETERWOOD_HOME", str(home))
        assert main(["run", str(descriptor), "--quick"]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "is being written by another run (pid" in err, err
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert _stray(home) == []


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["-p", "n_nul", "99"], "-p n_nul: no notebook of this run has a parameter n_nul; did you mean n_null?"),
        (["-p", "n_null", "ten"], "-p n_null: 'ten' is not a whole number, which n_null takes (its default is 199)"),
        (["-p", "switches_per_edge", "'5'"], "'5' is not a number"),
        (
            ["-p", "dataset", "ego_twitter"],
            "-p dataset: not a parameter of a run on a descriptor (the descriptor is the dataset)",
        ),
        (
            ["-p", "elite", "top:10"],
            "-p elite: not a parameter of a run on a descriptor (the descriptor's [elite] sets it)",
        ),
    ],
)
def test_parameters_must_exist_and_have_their_type(tmp_path, monkeypatch, capsys, arguments, message):
    home = _project(tmp_path)
    monkeypatch.setenv("TWEETERWOOD_HOME", str(home))
    assert main(["run", str(_planted(tmp_path)), "--quick", *arguments]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {message}\n" or (message in err and len(err.strip().splitlines()) == 1), err
    assert not (home / "reports").exists() and not (home / "build").exists()


def test_a_name_that_is_not_plain_writes_nothing(tmp_path, monkeypatch, capsys):
    home = _project(tmp_path)
    monkeypatch.setenv("TWEETERWOOD_HOME", str(home))
    for bad in (".", "..", "../escaped", "a/b", "-x", ""):
        path = _planted(tmp_path)
        path.write_text(path.read_text().replace('name = "planted"', f'name = "{bad}"'))
        assert main(["run", str(path), "--quick"]) == 2
        err = capsys.readouterr().err
        assert "name must be a plain name" in err and len(err.strip().splitlines()) == 1, err
    assert not (home.parent / "escaped").exists() and not (home / "reports").exists()
    # a plain name that is also a default output's name cannot reach it
    assert paths.dataset_reports_dir("figures") == home / "reports" / "datasets" / "figures"


@pytest.mark.parametrize(
    "number, message",
    [
        (28, "the disk is full writing {where}; free some space and run again"),  # ENOSPC
        (30, "cannot write {where} (Read-only file system); make the folder writable and run again"),  # EROFS
        (13, "cannot write {where} (Permission denied); make the folder writable and run again"),  # EACCES
    ],
)
def test_a_full_disk_or_a_read_only_folder_is_one_line(tmp_path, monkeypatch, capsys, number, message):
    """Simulated where the write happens (the tests run as root, which no folder refuses)."""
    import errno
    import os as os_module

    from analysis.report import runner

    assert number in (errno.ENOSPC, errno.EROFS, errno.EACCES)
    home = _project(tmp_path)
    monkeypatch.setenv("TWEETERWOOD_HOME", str(home))
    where = str(home / "reports" / "datasets" / "planted" / "numbers.json")

    def fail(*args, **kwargs):
        raise OSError(number, os_module.strerror(number), where)

    monkeypatch.setattr(runner, "run_notebooks", fail)
    assert main(["run", str(_planted(tmp_path)), "--quick"]) == 2
    assert capsys.readouterr().err == "error: " + message.format(where=where) + "\n"


def test_a_descriptor_joined_to_the_2009_profiles_needs_them_built(tmp_path, monkeypatch, capsys):
    home = _project(tmp_path)
    monkeypatch.setenv("TWEETERWOOD_HOME", str(home))
    path = _planted(tmp_path)
    path.write_text("kwak_profiles = true\n" + path.read_text())
    assert main(["run", str(path), "--quick"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "kwak_profiles = true joins the 2009 profiles" in err
    assert "run `make processed`" in err and not (home / "reports").exists()


def test_a_negative_seed_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TWEETERWOOD_HOME", str(_project(tmp_path)))
    with pytest.raises(SystemExit) as stop:
        main(["run", str(_planted(tmp_path)), "--seed", "-1"])
    assert stop.value.code == 2 and "the seed must be a whole number, 0 or more" in capsys.readouterr().err


def _timed_notebook(folder: Path, name: str, fail: bool = False) -> Path:
    """A notebook that records when it started and ended in ``out`` (its parameter). It
    ends only once two notebooks have started (or after 60 s), so that two run side by
    side overlap however slowly their kernels start, and two run one after the other do
    not."""
    import nbformat

    node = nbformat.v4.new_notebook()
    node.cells = [
        nbformat.v4.new_code_cell('out = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import pathlib, time\n"
            f"pathlib.Path(out, '{name}.start').write_text(repr(time.time()))\n"
            "deadline = time.time() + 60\n"
            "while len(list(pathlib.Path(out).glob('*.start'))) < 2 and time.time() < deadline:\n"
            "    time.sleep(0.05)\n"
            "time.sleep(0.5)\n"
            + ("raise RuntimeError('planted failure')\n" if fail else "")
            + f"pathlib.Path(out, '{name}.end').write_text(repr(time.time()))"
        ),
    ]
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(node, path)
    return path


@pytest.mark.notebooks
@pytest.mark.long  # two more whole runs
def test_notebooks_run_two_at_a_time_keep_the_verdict_last_and_a_failure_leaves_nothing(tmp_path):
    """``jobs=2``: the notebooks before the verdict overlap (each in its own process and
    kernel), the verdict starts after all of them have ended; a failing notebook stops the
    run, which swaps nothing in and leaves no staging folder, only the failing cell's
    traceback beside the build folder, named in the error."""
    from analysis.report import runner

    folder, out = tmp_path / "notebooks", tmp_path / "times"
    folder.mkdir()
    out.mkdir()
    names = ["00-a", "01-b", "03-c", runner.AFTER_THE_OTHERS]
    books = [_timed_notebook(folder, name) for name in names]
    runner.run_notebooks(books, tmp_path / "build", tmp_path / "reports", {"out": str(out)}, log=lambda *_: None,
                         jobs=2)  # fmt: skip
    start = {n: float((out / f"{n}.start").read_text()) for n in names}
    end = {n: float((out / f"{n}.end").read_text()) for n in names}
    assert start["01-b"] < end["00-a"] and start["00-a"] < end["01-b"]  # two at once
    assert start[runner.AFTER_THE_OTHERS] > max(end[n] for n in names[:-1])
    assert sorted(p.name for p in (tmp_path / "reports").glob("*.html")) == sorted(f"{n}.html" for n in names) + [
        "index.html"
    ]
    before = sorted(p.name for p in tmp_path.iterdir())
    broken = [books[0], _timed_notebook(folder, "02-broken", fail=True), books[-1]]
    with pytest.raises(Exception, match="planted failure") as failed:
        runner.run_notebooks(broken, tmp_path / "build", tmp_path / "reports", {"out": str(out)}, log=lambda *_: None,
                             jobs=2)  # fmt: skip
    # nothing swapped, no staging folder left; the traceback kept beside the build, where the message points
    kept = runner.run_failure_log(tmp_path / "build")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, kept.name])
    assert str(kept) in str(failed.value) and "RuntimeError" in kept.read_text()
    runner.run_notebooks(books[:1], tmp_path / "build", tmp_path / "reports", {"out": str(out)}, log=lambda *_: None)
    assert not kept.exists()  # a complete run removes it
    with pytest.raises(ValueError, match="jobs"):
        runner.run_notebooks([], tmp_path / "build", tmp_path / "reports", {}, jobs=0)
