"""Null ensembles on a Dask cluster (analysis.nulls.cluster): the same values as the
threads for the same seed, bad settings refused in one line, and the setting reaching
null_ensemble from the notebooks, the Makefile and ``python -m analysis run``."""

import json
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from analysis.claims import follow_back, gated, robustness
from analysis.graph import labelled
from analysis.graph import measures as ms
from analysis.nulls import cluster
from analysis.nulls import rewiring as nm
from analysis.report import runner
from analysis.stats import synthetic

ROOT = Path(__file__).resolve().parents[1]
SCHEDULED = ["03-follow-back", "04-gated-community", "05-robustness"]
N = 200


@pytest.fixture(scope="module")
def two_workers():
    """A LocalCluster of two worker *processes* (one thread each): the statistic and the
    arrays really are pickled and sent, as to a remote cluster (an in-process cluster
    passes them by reference). About 4 s to start, 2 s to stop."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local,
        Client(local) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def graph():
    rng = np.random.default_rng(5)
    src, dst, elite = synthetic.planted_elite_graph(rng, n=N, m=1500, elite_size=15, factor=3)
    return src, dst, np.isin(np.arange(N), elite)


def _vector(is_elite):
    """A vector statistic, a closure over the elite mask (as the claims' statistics are)."""
    return lambda s, d: [ms.elite_edges(s, d, is_elite), ms.elite_closure(s, d, is_elite),
                         ms.conductance(s, d, is_elite)["in_leak"], ms.reciprocity_edges(s, d, N)]  # fmt: skip


@pytest.mark.parametrize("model", ["degree", "reciprocal"])
def test_a_two_worker_cluster_gives_the_threads_values_bit_for_bit(two_workers, graph, model):
    src, dst, is_elite = graph
    statistic = _vector(is_elite)
    threads = nm.null_ensemble(src, dst, N, statistic, 12, np.random.default_rng(7), model=model, workers=2)
    calls = []
    dask = nm.null_ensemble(src, dst, N, statistic, 12, np.random.default_rng(7), model=model,
                            scheduler=two_workers, progress=lambda done, total: calls.append(done))  # fmt: skip
    assert threads.shape == (12, 4) and len(np.unique(threads[:, 0])) > 1
    np.testing.assert_array_equal(dask, threads)  # bit-identical, in sample order
    assert calls == list(range(13))
    _released(two_workers)


@pytest.mark.parametrize("model", ["degree", "reciprocal"])
def test_the_mixing_chains_on_a_cluster_are_the_threads_chains(two_workers, graph, model):
    from analysis.nulls import mixing

    src, dst, is_elite = graph
    run = lambda **how: mixing.chain_trajectories(src, dst, N, _vector(is_elite), np.random.default_rng(4), model,
                                                  [0.5, 1.0, 2.0], 4, **how)  # fmt: skip
    threads = run(workers=2)
    assert threads.shape == (4, 3, 4) and len(np.unique(threads[:, :, 0])) > 1
    np.testing.assert_array_equal(run(scheduler=two_workers), threads)
    _released(two_workers)


def _released(client, within: float = 5.0):
    """Nothing of the ensemble (edges, statistic, values) stays on the workers."""
    deadline = time.monotonic() + within
    while any(client.has_what().values()):
        assert time.monotonic() < deadline, client.has_what()
        time.sleep(0.05)


def test_the_workers_receive_the_graph_once_not_per_sample(two_workers, graph, monkeypatch):
    src, dst, is_elite = graph
    seen = {}
    scatter = two_workers.scatter

    def counting(data, **kwargs):
        seen.setdefault("calls", []).append(kwargs)
        return scatter(data, **kwargs)

    monkeypatch.setattr(two_workers, "scatter", counting)
    nm.null_ensemble(src, dst, N, _vector(is_elite), 6, np.random.default_rng(1), scheduler=two_workers)
    assert len(seen["calls"]) == 1 and seen["calls"][0]["broadcast"] is True


def test_a_statistic_that_raises_on_a_worker_raises_here(two_workers, graph):
    src, dst, _ = graph

    def broken(s, d):
        raise ZeroDivisionError("no such follows")

    with pytest.raises(ZeroDivisionError, match="no such follows"):
        nm.null_ensemble(src, dst, N, broken, 4, np.random.default_rng(1), scheduler=two_workers)


def test_a_statistic_that_cannot_be_pickled_is_refused_in_one_line(graph):
    src, dst, _ = graph
    lock = threading.Lock()
    with pytest.raises(cluster.SchedulerError, match="cannot be sent to the Dask workers.*threads"):
        nm.null_ensemble(src, dst, N, lambda s, d: lock.locked(), 2, np.random.default_rng(1), scheduler="local:1")


@pytest.mark.slow  # starts worker processes, or runs make
def test_the_local_setting_starts_a_cluster_and_stops_it(graph):
    """``local:N`` as a notebook or the command line gives it (no Client held by the caller)."""
    import psutil

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    src, dst, is_elite = graph
    statistic = lambda s, d: ms.elite_closure(s, d, is_elite)
    threads = nm.null_ensemble(src, dst, N, statistic, 6, np.random.default_rng(3), model="reciprocal")
    local = nm.null_ensemble(src, dst, N, statistic, 6, np.random.default_rng(3), model="reciprocal",
                             scheduler="local:2")  # fmt: skip
    np.testing.assert_array_equal(local, threads)
    left = {p.pid for p in psutil.Process().children(recursive=True)} - before
    assert not left, f"worker processes left running: {left}"


@pytest.mark.parametrize(
    "setting, normal",
    [("", ""), (None, ""), ("local:3", "local:3"), (" tcp://10.0.0.5:8786/ ", "tcp://10.0.0.5:8786"),
     ("tls://sched.example.org:8786", "tls://sched.example.org:8786"), ("tcp://[::1]:8786", "tcp://[::1]:8786")],
)  # fmt: skip
def test_scheduler_settings_in_their_normal_form(setting, normal):
    assert cluster.check_scheduler(setting) == normal
    assert cluster.wanted(setting) is bool(normal)


@pytest.mark.parametrize(
    "setting, said",
    [("10.0.0.5:8786", "did you mean tcp://10.0.0.5:8786"), ("local:0", "at least one worker"),
     ("local", "local:N, N a whole number"), ("http://h:80", "not a scheduler"),
     ("tcp://h:99999", "not 1 to 65535"), (4, "not text")],
)  # fmt: skip
def test_a_bad_setting_is_refused_in_one_line_saying_what_to_give(setting, said):
    with pytest.raises(cluster.SchedulerError, match=said) as caught:
        cluster.check_scheduler(setting)
    message = str(caught.value)
    assert "\n" not in message and ("local:" in message or "65535" in message)


def test_a_bad_setting_fails_before_the_graph_is_prepared(monkeypatch):
    monkeypatch.setitem(nm.PREPARERS, "degree", lambda *a: pytest.fail("prepared before the setting was checked"))
    with pytest.raises(cluster.SchedulerError, match="did you mean"):
        nm.null_ensemble(np.array([0]), np.array([1]), 2, len, 1, np.random.default_rng(0), scheduler="h:8786")


@pytest.mark.slow  # starts worker processes, or runs make
def test_an_address_without_a_scheduler_or_without_workers_says_what_to_start():
    from distributed import LocalCluster

    unreachable = pytest.raises(
        cluster.SchedulerError, match=r"no dask scheduler answered.*dask worker tcp://127\.0\.0\.1:9"
    )
    with unreachable, cluster.connect("tcp://127.0.0.1:9", connect_timeout=1):
        pass
    with LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as empty:
        no_worker = pytest.raises(cluster.SchedulerError, match="no worker joined.*dask worker")
        with no_worker, cluster.connect(empty.scheduler_address, worker_timeout=0.5):
            pass


# ------------------------------------------------------------------ the setting's path to null_ensemble


@pytest.mark.slow  # over 1.5 s: in make test, not in the fast tier
def test_the_scheduled_notebooks_declare_the_setting_and_pass_it_wherever_they_pass_workers():
    declared = runner.declared_parameters([ROOT / "notebooks" / f"{name}.ipynb" for name in SCHEDULED])
    assert declared["scheduler"] == ""
    for name in SCHEDULED:
        cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        calls = [src for src in code if "workers=workers" in src]
        assert calls, name
        for src in calls:
            assert src.count("workers=workers") == src.count("scheduler=scheduler"), (name, src)


def _small_planted(rng):
    """A 60-account planted graph: its edges, elite mask, Graph and LabelledGraph."""
    src, dst, elite = synthetic.planted_elite_graph(rng, n=60, m=300, elite_size=6, factor=3)
    is_elite = np.isin(np.arange(60), elite)
    graph = ms.Graph(src=src, dst=dst, ids=np.arange(60))
    lg = labelled.LabelledGraph("planted", graph, np.where(is_elite, "celebrity", "regular"), is_elite, "top:6")
    return src, dst, is_elite, graph, lg


def test_the_claims_functions_hand_the_setting_to_null_ensemble(monkeypatch):
    seen = []

    def fake(src, dst, n, statistic, n_samples, rng, **kwargs):
        seen.append(kwargs.get("scheduler"))
        shape = np.shape(statistic(src, dst))
        return np.zeros((n_samples, *shape))

    monkeypatch.setattr(nm, "null_ensemble", fake)
    rng = np.random.default_rng(3)
    src, dst, is_elite, graph, lg = _small_planted(rng)
    s = "tcp://10.0.0.5:8786"
    follow_back.follow_back_statements(lg, rng, 3, 1.0, scheduler=s)  # both ensembles
    follow_back.follow_back_by_class(lg, rng, 3, 1.0, scheduler=s)
    gated.gated_community(lg, [5, 10], rng, 3, 1.0, scheduler=s)
    gated.community_test(lg, rng, 3, 1.0, 1, scheduler=s)
    gated.elite_closure_test(src, dst, 60, is_elite, 3, rng, scheduler=s)
    gated.in_leak_test(src, dst, 60, is_elite, 3, rng, scheduler=s)
    robustness.closure_sweep(graph, {"top:6": is_elite}, rng, 3, 1.0, scheduler=s)
    assert seen == [s] * 8


def test_the_mixing_diagnostic_and_the_rewiring_grid_hand_the_setting_to_their_chains(monkeypatch):
    from analysis.claims import chains, families
    from analysis.nulls import mixing

    seen = []

    def fake(src, dst, n, statistic, rng, model, checkpoints, n_chains, workers=1, scheduler=None):
        seen.append(scheduler)
        shape = np.shape(statistic(src, dst))
        return np.zeros((n_chains, len(checkpoints), *shape))

    monkeypatch.setattr(mixing, "chain_trajectories", fake)
    rng = np.random.default_rng(3)
    lg = _small_planted(rng)[-1]
    s = "tcp://10.0.0.5:8786"
    chains.chain_length(lg, 1, quick=True, cache=None, scheduler=s)  # both chains
    families.rewiring_union_tests({"top:6": lg}, rng, 3, [1.0, 2.0], scheduler=s)  # one ensemble per null
    assert seen == [s] * 4


@pytest.mark.slow  # starts worker processes, or runs make
def test_make_passes_the_setting_to_the_notebooks_and_refuses_a_bad_one():
    def dry(*settings):
        return subprocess.run(["make", "-n", *settings, "build/03-follow-back.ipynb"], cwd=ROOT, capture_output=True,
                              text=True)  # fmt: skip

    given = dry("SCHEDULER=tcp://10.0.0.5:8786", "-W", "notebooks/03-follow-back.ipynb")
    assert "-p scheduler tcp://10.0.0.5:8786" in given.stdout, given.stdout + given.stderr
    plain = dry("-W", "notebooks/03-follow-back.ipynb")
    assert "analysis.report.execute" in plain.stdout and "scheduler" not in plain.stdout
    bad = dry("SCHEDULER=10.0.0.5:8786")
    assert bad.returncode != 0 and "SCHEDULER must be local:N or tcp://HOST:PORT" in bad.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["analysis", "run", "any.toml", "--scheduler", "10.0.0.5:8786"],
        ["analysis", "run", "any.toml", "-p", "scheduler", "local:0"],
        ["analysis.report.execute", "notebooks/03-follow-back.ipynb", "out.ipynb", "-p", "scheduler", "sched:8786"],
    ],
)
def test_the_command_lines_refuse_a_bad_setting_in_one_line_before_anything_runs(command, capsys):
    """``python -m analysis run`` and ``python -m analysis.report.execute`` (what make runs), in process."""
    from analysis import __main__ as main
    from analysis import cli
    from analysis.report import execute

    module, *argv = command
    status = main.main(argv) if module == "analysis" else cli.run(lambda: execute.main(argv))
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(lines) == 1, lines
    assert lines[0].startswith("error: scheduler ") and "give" in lines[0], lines


def test_the_dbcm_partitions_on_a_cluster_are_the_threads_partitions(two_workers, graph):
    from analysis.claims import families
    from analysis.nulls import maxent

    src, dst, _ = graph
    g = ms.Graph(src=src, dst=dst, ids=np.arange(N))
    fit = maxent.fit_dbcm(np.bincount(src, minlength=N), np.bincount(dst, minlength=N))
    threads = families.maxent_memberships(g, fit, 4, 11, workers=2)
    dask = families.maxent_memberships(g, fit, 4, 11, scheduler=two_workers)
    np.testing.assert_array_equal(dask, threads)
    _released(two_workers)


def test_the_design_aware_partitions_on_a_cluster_are_the_threads_partitions(two_workers):
    """C4b-community's design-aware null goes wherever the ensembles go (``cluster.map_seeds``, the runner it shares
    with the DBCM partitions): the same partitions on a two-worker cluster as on threads and one at a time."""
    from analysis.claims import design

    rng = np.random.default_rng(31)
    lg, table = design._calibration_graph(rng, "dbcm", None, {**design.CALIBRATION_SETTINGS, "n": 800, "egos": 30})
    fit = design.fit_design(lg.graph, design.ego_networks(lg, table))
    serial = design.design_memberships(lg.graph, fit, 4, 11)
    threads = design.design_memberships(lg.graph, fit, 4, 11, workers=2)
    dask = design.design_memberships(lg.graph, fit, 4, 11, scheduler=two_workers)
    np.testing.assert_array_equal(threads, serial)
    np.testing.assert_array_equal(dask, serial)
    _released(two_workers)
