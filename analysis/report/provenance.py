"""Where a run's numbers came from, taken once when the run starts and carried by every output.

A run's provenance is a flat dict: the commit (and whether the tree had
uncommitted changes), the SHA-256 of the dependency lock, when the run started
(UTC), the seed, the mode (``quick``: small null ensembles for testing, never the
published results), the dataset, and the SHA-256 of every data file the run
reads (the processed tables of the registered archives, or a descriptor's own
files). It is stored in each executed notebook's metadata (``tweeterwood``),
printed at the top and foot of each page, and recorded under ``build`` in
``numbers.json``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from pathlib import Path

from .. import files, paths
from . import results

__all__ = [
    "METADATA_KEY",
    "QUICK_WARNING",
    "file_sha256",
    "data_digests",
    "run_provenance",
    "stamp",
    "read",
    "banner_html",
    "footer_html",
]

METADATA_KEY = "tweeterwood"
QUICK_WARNING = "Quick mode: small null ensembles for testing. These numbers are not the published results."


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def data_digests(dataset: str | None = None) -> dict[str, str]:
    """SHA-256 of each data file a run on ``dataset`` reads: a descriptor's declared
    files (edges, accounts, egos), or, for the registered archives, every processed
    table (the default notebooks read them all). Missing files are left out."""
    from ..data import descriptor, sources

    if dataset and sources.is_descriptor(dataset):
        desc = descriptor.read_descriptor(dataset)
        sections = [s for s in (desc.edges, desc.accounts, desc.egos) if s is not None]
        chosen = [desc.resolve(section["file"]) for section in sections]
    else:
        chosen = sorted(paths.processed_dir().glob("*.parquet"))
    return {path.name: file_sha256(path) for path in chosen if path.is_file()}


def run_provenance(parameters: dict) -> dict:
    """The provenance of a run with these notebook ``parameters`` (see the module docstring)."""
    dataset = parameters.get("dataset")
    return {
        **results.build_info(),
        "started": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "seed": parameters.get("seed"),
        "quick": bool(parameters.get("quick", 0)),
        "dataset": str(dataset) if dataset is not None else "registered archives",
        "data_sha256": data_digests(dataset),
    }


def stamp(notebook: Path, provenance: dict) -> None:
    """Store ``provenance`` in an executed notebook's metadata (atomically)."""
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    node.metadata[METADATA_KEY] = provenance
    with files.atomic_path(notebook) as tmp:
        nbformat.write(node, str(tmp))


def read(node) -> dict | None:
    """The provenance stored in a notebook node, or None."""
    value = node.metadata.get(METADATA_KEY)
    return dict(value) if value else None


def _mode(provenance: dict) -> str:
    return "quick mode (not the published results)" if provenance.get("quick") else "published settings"


def banner_html(provenance: dict | None) -> str:
    """A warning at the top of a page built in quick mode (empty otherwise)."""
    if not provenance or not provenance.get("quick"):
        return ""
    return (
        '<div class="tw-quick" role="alert" style="background:#fff3cd;border:1px solid #e0b000;padding:.6em 1em;'
        f'font-family:system-ui,sans-serif"><b>{html.escape(QUICK_WARNING)}</b></div>'
    )


def footer_html(provenance: dict | None) -> str:
    """One paragraph saying where the page's numbers came from."""
    if not provenance:
        return '<p class="tw-provenance"><small>Provenance not recorded (this page was not built by a run).</small></p>'
    commit = str(provenance.get("commit", "unknown"))[:12]
    dirty = " with uncommitted changes" if provenance.get("uncommitted_changes") else ""
    data = ", ".join(f"{name} {digest[:12]}" for name, digest in sorted(provenance.get("data_sha256", {}).items()))
    parts = [
        f"commit {commit}{dirty}",
        f"seed {provenance.get('seed')}",
        _mode(provenance),
        f"started {provenance.get('started', '?')}",
        f"dataset {provenance.get('dataset')}",
        f"data SHA-256 {data or 'not recorded'}",
        f"lock {str(provenance.get('lock_sha256') or 'none')[:12]}",
    ]
    text = "Built from " + "; ".join(parts) + "."
    return (
        '<p class="tw-provenance" style="font-family:system-ui,sans-serif;padding:0 1em;color:#555">'
        f"<small>{html.escape(text)}</small></p>"
    )
