"""Where every file of the project lives. No other module builds paths by hand.

The project root is the folder holding ``pyproject.toml``. ``TWEETERWOOD_HOME``
overrides it (used by tests that build a project in a temporary folder).
``TWEETERWOOD_DATA_MIRROR`` names a folder or base URL holding the archives;
when set, it is tried before the canonical URLs.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PACKAGE_DIR",
    "project_root",
    "raw_dir",
    "processed_dir",
    "build_dir",
    "reports_dir",
    "figures_dir",
    "dataset_build_dir",
    "dataset_reports_dir",
    "numbers_path",
    "numbers_fragments_dir",
    "fit_cache_dir",
    "notebooks_dir",
    "results_dir",
    "data_mirror",
    "processed_table",
]

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The project folder (``TWEETERWOOD_HOME`` if set)."""
    home = os.environ.get("TWEETERWOOD_HOME")
    return Path(home).resolve() if home else PACKAGE_DIR.parent


def raw_dir() -> Path:
    """Downloaded archives, byte-for-byte as published; never modified."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """Derived tidy tables (Parquet), rebuilt by ``make processed``."""
    return project_root() / "data" / "processed"


def build_dir() -> Path:
    """Executed notebooks and per-notebook number files (``TWEETERWOOD_BUILD`` overrides)."""
    override = os.environ.get("TWEETERWOOD_BUILD")
    return Path(override).resolve() if override else project_root() / "build"


def reports_dir() -> Path:
    """Rendered HTML reports, figures, ``numbers.json`` and the index page
    (``TWEETERWOOD_REPORTS`` overrides; the tests write there)."""
    override = os.environ.get("TWEETERWOOD_REPORTS")
    return Path(override).resolve() if override else project_root() / "reports"


def dataset_build_dir(name: str) -> Path:
    """Executed notebooks of a run on a user's descriptor ``name`` (a plain name):
    ``build/datasets/<name>``, apart from the default run's files."""
    return build_dir() / "datasets" / name


def dataset_reports_dir(name: str) -> Path:
    """Reports of a run on a user's descriptor ``name``: ``reports/datasets/<name>``,
    where no default report, figure or ``numbers.json`` can be touched."""
    return reports_dir() / "datasets" / name


def figures_dir() -> Path:
    """Every figure, as PNG and SVG."""
    return reports_dir() / "figures"


def numbers_path() -> Path:
    """The JSON file holding every number quoted in prose."""
    return reports_dir() / "numbers.json"


def numbers_fragments_dir() -> Path:
    """One JSON file of numbers per notebook, merged into ``numbers.json``."""
    return build_dir() / "numbers"


def fit_cache_dir() -> Path:
    """Fitted null models kept under a digest of their inputs, so that notebooks fitting
    the same model to the same data solve it once (``TWEETERWOOD_CACHE`` overrides;
    ``make clean`` empties it; deleting it only costs time)."""
    override = os.environ.get("TWEETERWOOD_CACHE")
    return Path(override).resolve() if override else project_root() / "build" / "cache"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def results_dir() -> Path:
    """Committed results of scripts (calibration, benchmarks)."""
    return project_root() / "results"


def data_mirror() -> str | None:
    """The mirror (folder or base URL) from ``TWEETERWOOD_DATA_MIRROR``, or None."""
    mirror = os.environ.get("TWEETERWOOD_DATA_MIRROR", "").strip()
    return mirror or None


def processed_table(name: str) -> Path:
    """Path of the processed Parquet table ``name``."""
    return processed_dir() / f"{name}.parquet"
