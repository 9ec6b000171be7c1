"""Shared fixtures and the test tiers.

Tiers (markers): ``data`` tests read the archives or the processed tables,
``notebooks`` tests execute notebooks or start Jupyter, ``slow`` ones take long,
``long`` ones make a whole second run of the collection (another graph, a rerun, an
interrupted run) or a calibration: they are skipped unless pytest is given ``--runlong``
(``make test-long`` runs them alone, ``make test-all`` with the rest; CI runs ``make
test`` and then ``make test-long``), so that ``make test`` stays a few minutes.
A test that uses the ``processed``, ``mirror`` or ``executed`` fixture is marked
for it automatically (and one that uses ``two_workers``, a Dask cluster of worker
processes, ``slow``), so ``make test-fast`` (``-m "not data and not notebooks
and not slow"``) never needs a data file. When ``CI`` or
``TWEETERWOOD_REQUIRE_DATA`` is set, missing data is a failure, never a skip.
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from analysis import paths
from analysis.graph import labelled, measures
from analysis.report import runner
from analysis.stats import synthetic

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

REQUIRE_DATA = bool(os.environ.get("TWEETERWOOD_REQUIRE_DATA") or os.environ.get("CI"))


FIXTURE_MARKERS = {"processed": ("data",), "mirror": ("data",), "executed": ("data", "notebooks"),
                   "two_workers": ("slow",)}  # fmt: skip

# A shell without job control starts background commands with SIGINT ignored, and a child
# process inherits "ignored" (Python then installs no KeyboardInterrupt handler): the tests
# that interrupt a run with SIGINT would see it ignored. Restore it for every child.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser):
    parser.addoption("--runlong", action="store_true", default=False,
                     help="also run the long tier (tests marked long; see tests/conftest.py)")  # fmt: skip


def pytest_collection_modifyitems(config, items):
    """Mark every test by the fixtures it needs, and skip the long tier unless
    ``--runlong`` (see the module docstring)."""
    run_long = config.getoption("--runlong")
    skip_long = pytest.mark.skip(reason="long tier: run with --runlong (make test-long)")
    for item in items:
        for fixture, markers in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                for marker in markers:
                    item.add_marker(getattr(pytest.mark, marker))
        if "long" in item.keywords and not run_long:
            item.add_marker(skip_long)


def _missing_data(reason: str):
    if REQUIRE_DATA:
        pytest.fail(f"data required in CI but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def processed():
    """The processed-tables folder; fails in CI, skips elsewhere, if it is not built."""
    manifest = paths.processed_dir() / "manifest.json"
    if not manifest.exists():
        _missing_data(f"{manifest} missing: run `make processed`")
    return paths.processed_dir()


@pytest.fixture(scope="session")
def mirror():
    """The data mirror folder named by TWEETERWOOD_DATA_MIRROR."""
    folder = paths.data_mirror()
    if not folder or not os.path.isdir(folder):
        _missing_data("TWEETERWOOD_DATA_MIRROR is not set to a folder")
    return folder


@pytest.fixture(scope="session")
def executed(tmp_path_factory, processed):
    """Every notebook run in quick mode into a temporary build and reports folder."""
    base = tmp_path_factory.mktemp("run")
    numbers = runner.run_notebooks(
        NOTEBOOKS, base / "build", base / "reports", {"quick": 1, "seed": 7}, log=lambda *_: None, jobs=2
    )
    return base, numbers


class LoopbackServer:
    """Serves ``files`` (name -> bytes) at ``http://127.0.0.1:PORT/NAME``, HTTP/1.0, honouring
    ``Range: bytes=START-`` (206, or 416 past the end) unless ``honour_range`` is False.

    ``cut_once(name, keep)`` makes the next transfer of ``name`` announce its full
    length, send ``keep`` bytes and drop the connection. ``requests`` records every
    request as ``(name, Range header or None, status)``. Sockets time out after
    ``TIMEOUT`` seconds, so no handler outlives a test by long.
    """

    TIMEOUT = 10

    def __init__(self, files: dict[str, bytes] | None = None):
        self.files = dict(files or {})
        self.honour_range = True
        self.requests: list[tuple[str, str | None, int]] = []
        self._cuts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, name: str) -> str:
        return self.base + name

    def cut_once(self, name: str, keep: int) -> None:
        self._cuts[name] = keep

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(self.TIMEOUT)
        assert not self._thread.is_alive(), "the loopback server did not stop"

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = server.TIMEOUT

            def do_GET(self):
                name = self.path.lstrip("/")
                asked = self.headers.get("Range")
                data = server.files.get(name)
                if data is None:
                    return self._answer(name, asked, 404, {}, b"")
                start = int(asked.split("=")[1].split("-")[0]) if asked and server.honour_range else 0
                if start >= len(data) > 0:
                    return self._answer(name, asked, 416, {"Content-Range": f"bytes */{len(data)}"}, b"")
                headers = {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"} if start else {}
                with server._lock:
                    keep = server._cuts.pop(name, None)
                self._answer(name, asked, 206 if start else 200, headers, data[start:], keep)

            def _answer(self, name, asked, status, headers, body, keep=None):
                server.requests.append((name, asked, status))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body if keep is None else body[:keep])
                self.wfile.flush()
                if keep is not None:
                    self.connection.shutdown(2)  # socket.SHUT_RDWR: the client sees the transfer cut short

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def http_server():
    """A :class:`LoopbackServer` on 127.0.0.1 (an ephemeral port), stopped at teardown."""
    server = LoopbackServer()
    yield server
    server.close()


def labelled_graph(src, dst, n, elite, rule="planted"):
    """A labelled graph on nodes 0..n-1 whose ``elite`` are the celebrities and everyone else regular."""
    graph = measures.Graph(np.asarray(src), np.asarray(dst), np.arange(n))
    is_elite = np.zeros(n, dtype=bool)
    is_elite[elite] = True
    return labelled.LabelledGraph("synthetic", graph, np.where(is_elite, "celebrity", "regular"), is_elite, rule)


@pytest.fixture(scope="session")
def planted():
    """A gated graph: the 15 most followed of 200 follow each other 4x more than their degrees imply."""
    src, dst, elite = synthetic.planted_elite_graph(np.random.default_rng(0), n=200, m=1500, elite_size=15, factor=4)
    return labelled_graph(src, dst, 200, elite)


def stop_process_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to the process group of ``process`` (started with ``start_new_session``), then
    SIGKILL if it has not ended within ``timeout`` seconds; waits for it either way."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
