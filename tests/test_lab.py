"""JupyterLab as people use it: a server with a token, the REST API, the project's
kernel driven through the kernel protocol, everything shut down within bounds."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from conftest import stop_process_group

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "tweeterwood"
pytestmark = pytest.mark.notebooks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


@pytest.fixture
def server(tmp_path):
    port, token = _free_port(), "tweeterwood-test-token"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            _api(base, token, "/api/status")
            break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the Jupyter server did not start within 60 s")
    yield base, token, tmp_path / "runtime"
    stop_process_group(process)
    assert process.poll() is not None


def test_lab_lists_notebooks_and_runs_the_first_cells_in_the_project_kernel(server):
    from jupyter_client import BlockingKernelClient

    base, token, runtime = server
    listing = _api(base, token, "/api/contents/notebooks")
    names = sorted(item["name"] for item in listing["content"])
    assert "00-data.ipynb" in names and "06-verdict.ipynb" in names
    specs = _api(base, token, "/api/kernelspecs")["kernelspecs"]
    assert KERNEL in specs, f"kernel {KERNEL!r} not registered (make venv registers it); have {sorted(specs)}"
    kernel = _api(base, token, "/api/kernels", "POST", {"name": KERNEL})
    client = BlockingKernelClient(connection_file=str(runtime / f"kernel-{kernel['id']}.json"))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        notebook = nbformat.read(ROOT / "notebooks" / "00-data.ipynb", as_version=4)
        first_cells = [c.source for c in notebook.cells if c.cell_type == "code"][:2]
        outputs = []
        for code in (
            ["import analysis, sys; print(analysis.__name__, sys.prefix)"]
            + first_cells
            + ["print(type(rec).__name__, len(manifest['tables']))"]
        ):
            reply = client.execute_interactive(code, timeout=120, output_hook=outputs.append)
            assert reply["content"]["status"] == "ok", reply["content"]
        printed = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        assert "analysis" in printed and ".venv" in printed
        assert "Recorder" in printed
    finally:
        client.stop_channels()
        _api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
    assert _api(base, token, "/api/kernels") == []
