"""Build the tidy Parquet tables in ``data/processed/`` from the raw archives.

Tables (a row of an edge table means *follower follows followee*):

- ``accounts_kwak2009``: the 6,499 Kwak 2009 profiles, typed.
- ``labels_org2013``: ``user_id``, ``label`` (personal, organization, unknown).
- ``ego_twitter_edges``: distinct follows of the SNAP ego-Twitter union, no self-loops.
- ``ego_twitter_nodes``: ``user_id``, ``is_ego``.
- ``ego_twitter_circles``: ``ego``, ``circle``, ``member``.
- ``ego_twitter_members``: ``ego``, ``member``: the accounts of each ego network.
- ``konect_icwsm2010_edges``: the KONECT 2009 who-follows-whom graph.

``manifest.json`` records row counts, ego-Twitter self-loops dropped and the
label loader's report. Every file is written atomically (temporary file, rename).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from .. import files, paths
from . import readers
from .registry import get

__all__ = [
    "MANIFEST",
    "build_processed",
    "read_manifest",
    "load_table",
]

MANIFEST = "manifest.json"


def build_processed(raw: Path | None = None, out: Path | None = None, log=print) -> dict:
    """Parse every default archive in ``raw`` and write the tables to ``out``.

    Returns the manifest (also written to ``out/manifest.json``).
    """
    raw = Path(raw) if raw is not None else paths.raw_dir()
    out = Path(out) if out is not None else paths.processed_dir()
    manifest: dict = {"tables": {}}
    start = time.perf_counter()

    def save(name: str, table: pd.DataFrame) -> None:
        files.write_parquet(out / f"{name}.parquet", table)
        manifest["tables"][name] = len(table)
        log(f"wrote {name}: {len(table):,} rows ({time.perf_counter() - start:.1f} s)")

    save("accounts_kwak2009", readers.read_kwak_profiles(raw / get("celebrities_profiles.txt").name))
    labels, report = readers.read_org_labels(raw / get("celebrities_profiles_labeled.txt").name)
    save("labels_org2013", labels)
    log(report.summary())
    manifest["labels_org2013_report"] = {"rows": report.rows, "taken_as_is": report.taken_as_is, "cases": report.cases}
    ego = readers.read_ego_twitter(raw / get("twitter.tar.gz").name)
    save("ego_twitter_edges", ego.edges)
    save("ego_twitter_nodes", ego.nodes)
    save("ego_twitter_circles", ego.circles)
    save("ego_twitter_members", ego.members)
    manifest["ego_twitter"] = {"self_loops_dropped": ego.self_loops_dropped, "egos": ego.egos}
    save("konect_icwsm2010_edges", readers.read_konect(raw / get("download.tsv.munmun_twitter_social.tar.bz2").name))
    manifest["seconds"] = round(time.perf_counter() - start, 1)
    files.write_text(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(out: Path | None = None) -> dict:
    out = Path(out) if out is not None else paths.processed_dir()
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def load_table(name: str) -> pd.DataFrame:
    """Read a processed table; says how to build it if it is missing."""
    path = paths.processed_table(name)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make processed` first")
    return pd.read_parquet(path)


if __name__ == "__main__":
    build_processed()
