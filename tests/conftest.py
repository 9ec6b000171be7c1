"""Shared fixtures and the test tiers.

Tiers (markers): ``data`` tests read the archives or the processed tables,
``notebooks`` tests execute notebooks or start Jupyter, ``slow`` ones take long.
A test that uses the ``processed``, ``mirror`` or ``executed`` fixture is marked
for it automatically, so ``make test-fast`` (``-m "not data and not notebooks
and not slow"``) never needs a data file. When ``CI`` or
``TWEETERWOOD_REQUIRE_DATA`` is set, missing data is a failure, never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis import paths
from analysis.report import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

REQUIRE_DATA = bool(os.environ.get("TWEETERWOOD_REQUIRE_DATA") or os.environ.get("CI"))


FIXTURE_MARKERS = {"processed": ("data",), "mirror": ("data",), "executed": ("data", "notebooks")}


def pytest_collection_modifyitems(config, items):
    """Mark every test by the fixtures it needs (see the module docstring)."""
    for item in items:
        for fixture, markers in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                for marker in markers:
                    item.add_marker(getattr(pytest.mark, marker))


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
        NOTEBOOKS, base / "build", base / "reports", {"quick": 1, "seed": 7}, log=lambda *_: None
    )
    return base, numbers
