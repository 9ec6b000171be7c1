"""Shared fixtures. Data tests need the processed tables (``make test`` builds them).

When ``CI`` or ``TWEETERWOOD_REQUIRE_DATA`` is set, missing data is a failure,
never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis import paths, report_site, results

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

REQUIRE_DATA = bool(os.environ.get("TWEETERWOOD_REQUIRE_DATA") or os.environ.get("CI"))


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
    """Run every notebook in quick mode into a temporary build and reports folder."""
    import papermill

    base = tmp_path_factory.mktemp("run")
    (base / "build").mkdir()
    env = {"TWEETERWOOD_BUILD": str(base / "build"), "TWEETERWOOD_REPORTS": str(base / "reports")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for notebook in NOTEBOOKS:
            papermill.execute_notebook(str(notebook), str(base / "build" / notebook.name),
                                       parameters={"quick": 1, "seed": 7}, kernel_name="python3",
                                       progress_bar=False, cwd=str(ROOT / "notebooks"))
        numbers = results.merge()
        for notebook in NOTEBOOKS:
            report_site.render(base / "build" / notebook.name, paths.reports_dir())
        report_site.build_index(paths.reports_dir())
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return base, numbers


