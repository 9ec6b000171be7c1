"""Shared fixtures. Data tests need the processed tables (``make test`` builds them).

When ``CI`` or ``TWEETERWOOD_REQUIRE_DATA`` is set, missing data is a failure,
never a skip.
"""

from __future__ import annotations

import os

import pytest

from analysis import paths

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
