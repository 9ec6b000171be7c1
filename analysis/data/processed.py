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

``python -m analysis.data.processed`` first verifies the raw files
(:func:`analysis.data.fetch.verify_raw`: a digest is recomputed only for a file
changed since it was last verified), so an altered archive stops the build
before anything is parsed or written. A file that cannot be parsed although its
size and mtime are unchanged has every digest recomputed, to tell a file changed
in place from a parser's fault. Each failure is one line naming the file.
"""

from __future__ import annotations

import json
import tarfile
import time
import zlib
from pathlib import Path

import pandas as pd

from .. import cli, files, paths
from . import fetch, readers
from .registry import get

__all__ = [
    "MANIFEST",
    "build_processed",
    "read_manifest",
    "load_table",
    "main",
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

    def read(reader, name: str):
        path = raw / get(name).name
        try:
            return reader(path)
        except (zlib.error, tarfile.TarError, EOFError, UnicodeDecodeError) as error:  # readers name most faults
            raise readers.DataFormatError(f"{path.name}: cannot be read ({type(error).__name__}: {error})") from error

    save("accounts_kwak2009", read(readers.read_kwak_profiles, "celebrities_profiles.txt"))
    labels, report = read(readers.read_org_labels, "celebrities_profiles_labeled.txt")
    save("labels_org2013", labels)
    log(report.summary())
    manifest["labels_org2013_report"] = {"rows": report.rows, "taken_as_is": report.taken_as_is, "cases": report.cases}
    ego = read(readers.read_ego_twitter, "twitter.tar.gz")
    save("ego_twitter_edges", ego.edges)
    save("ego_twitter_nodes", ego.nodes)
    save("ego_twitter_circles", ego.circles)
    save("ego_twitter_members", ego.members)
    manifest["ego_twitter"] = {"self_loops_dropped": ego.self_loops_dropped, "egos": ego.egos}
    save("konect_icwsm2010_edges", read(readers.read_konect, "download.tsv.munmun_twitter_social.tar.bz2"))
    manifest["seconds"] = round(time.perf_counter() - start, 1)
    files.write_text(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    log(f"wrote {out / MANIFEST}")
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


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.data.processed``: verify the raw files, then build every table."""
    fetch.verify_raw(log=print)
    try:
        build_processed()
    except readers.DataFormatError:
        fetch.verify_raw(trust_stamp=False)  # changed in place under an unchanged size and mtime?
        raise
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main, user_errors=(fetch.DataIntegrityError, readers.DataFormatError)))
