"""The complete July 2009 graph of Kwak et al., out of core with DuckDB.

The archive ``twitter_rv.net`` (1,468,365,182 follows, 26 GB uncompressed) comes
as four gzip parts; its lines are ``USER<TAB>FOLLOWER``: the **second id follows
the first**. The pipeline never holds the graph in Python objects:

1. :func:`download_parts` fetches the parts with :func:`analysis.data.fetch.download`
   (resumable with HTTP Range, progress bar);
   :func:`verify_parts` checks the MD5 of the concatenated decompressed stream.
2. :func:`convert` turns the parts into ``edges.parquet`` with columns
   ``follower, followee`` (the project's convention), distinct, self-loops dropped.
3. :func:`compute` derives, in SQL with a memory limit and a spill folder:
   degree tables and CCDFs, reciprocity per edge and per pair, the share of users
   followed back by none of the accounts they follow, the top accounts joined to
   the 2009 profiles, and the celebrity slice (the follows made by the profiled
   accounts and the follows they receive from accounts they follow).

Every output is written to a temporary name and renamed; ``manifest.json`` is
written last, and later steps trust a folder only if its manifest says complete.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd

from .. import cli, files, paths
from . import registry
from .fetch import DataIntegrityError, download, md5_stream
from .readers import DataFormatError
from .registry import get

__all__ = [
    "verified_stamp",
    "write_verified_stamp",
    "stamp_matches",
    "PART_NAMES",
    "EXPECTED",
    "DEFAULT_MEMORY_LIMIT",
    "output_dir",
    "part_paths",
    "is_available",
    "download_parts",
    "verify_parts",
    "connect",
    "convert",
    "compute",
    "run",
    "check_expected",
    "main",
]

PART_NAMES = [f"twitter_rv.net.{i:02d}.gz" for i in range(4)]
EXPECTED = registry.published("kwak2009-full")  # Kwak et al. WWW 2010 and the LAW copy (registry.toml)
DEFAULT_MEMORY_LIMIT = "16GB"


def output_dir() -> Path:
    return paths.processed_dir() / "kwak2009_full"


def part_paths(raw: Path | None = None) -> list[Path]:
    raw = Path(raw or paths.raw_dir())
    return [raw / name for name in PART_NAMES]


def verified_stamp(raw: Path | None = None) -> Path:
    """The stamp written after the parts' MD5 was checked: the digest and each part's size and mtime."""
    return Path(raw or paths.raw_dir()) / "twitter_rv.net.verified.json"


def _part_signature(parts) -> list[dict]:
    return [{"name": p.name, "size": p.stat().st_size, "mtime_ns": p.stat().st_mtime_ns} for p in parts]


def write_verified_stamp(parts, digest: str, stamp: Path | None = None) -> Path:
    """Record that ``parts`` (as they are now on disk) have MD5 ``digest``."""
    stamp = Path(stamp or verified_stamp(Path(parts[0]).parent))
    return files.write_json(stamp, {"md5": digest, "parts": _part_signature(parts)})


def stamp_matches(parts, stamp: Path | None = None) -> bool:
    """True when the stamp exists and every part still has the size and mtime it had when verified
    (so the 26 GB MD5 need not be recomputed); any change means verifying again."""
    parts = [Path(p) for p in parts]
    stamp = Path(stamp or verified_stamp(parts[0].parent))
    if not stamp.exists() or not all(p.exists() for p in parts):
        return False
    return json.loads(stamp.read_text()).get("parts") == _part_signature(parts)


def is_available(folder: Path | None = None) -> bool:
    """True when a complete pipeline run is on disk."""
    manifest = Path(folder or output_dir()) / "manifest.json"
    return manifest.exists() and json.loads(manifest.read_text()).get("complete", False)


# ------------------------------------------------------------------ download and verification


def download_parts(raw: Path | None = None, urls=None, progress: bool = True, chunk: int = 1 << 22) -> list[Path]:
    """Download the four parts into ``raw`` with :func:`analysis.data.fetch.download`: a part
    already there is kept, an interrupted one resumes from its ``.part`` file (HTTP Range)."""
    raw = Path(raw or paths.raw_dir())
    raw.mkdir(parents=True, exist_ok=True)
    urls = list(urls or get("twitter_rv.net").parts)
    out = []
    for url, target in zip(urls, part_paths(raw)):
        if not target.exists():
            download(url, target, progress=progress, chunk=chunk)
        out.append(target)
    return out


def verify_parts(parts, expected_md5: str | None = None, expected_size: int | None = None) -> str:
    """MD5 of the concatenated decompressed parts against the registry; names the digests on mismatch."""
    entry = get("twitter_rv.net")
    expected_md5 = expected_md5 or entry.hash
    expected_size = expected_size if expected_size is not None else entry.size
    for part in parts:
        if not Path(part).exists():
            raise FileNotFoundError(f"{part} missing: run `make data-full`")
    actual, size = md5_stream(parts)
    if actual != expected_md5 or (expected_size and size != expected_size):
        raise DataIntegrityError(
            f"twitter_rv.net (parts {', '.join(Path(p).name for p in parts)}): md5 of the concatenated stream "
            f"mismatch: expected {expected_md5} ({expected_size} bytes), actual {actual} ({size} bytes); "
            "a part may be truncated, corrupt or out of order"
        )
    return actual


# ------------------------------------------------------------------ conversion and statistics


def connect(memory_limit: str = DEFAULT_MEMORY_LIMIT, temp_dir: Path | None = None, threads: int = 2):
    """A DuckDB connection that spills to ``temp_dir`` beyond ``memory_limit``."""
    con = duckdb.connect()
    temp_dir = Path(temp_dir or paths.processed_dir() / ".duckdb_spill")
    temp_dir.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{temp_dir}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def _sql_list(paths_) -> str:
    return "[" + ", ".join("'" + str(Path(p)).replace("'", "''") + "'" for p in paths_) + "]"


def _atomic_copy(con, query: str, target: Path) -> None:
    with files.atomic_path(target) as tmp:
        tmp.unlink()  # DuckDB writes the file itself
        con.execute(f"COPY ({query}) TO '{tmp}' (FORMAT parquet)")


def _describe_duckdb_error(message: str) -> str:
    """File, line and cause from a DuckDB CSV or gzip error."""
    import re

    file = re.search(r"file = (\S+)", message) or re.search(r"GZIP stream: (\S+)", message)
    line = re.search(r"CSV Error on Line: (\d+)", message)
    original = re.search(r"Original Line: ([^\n]*)", message)
    where = Path(file.group(1)).name if file else "twitter_rv.net"
    if line:
        where += f": line {line.group(1)} (counted across the parts read so far)"
    cause = message.split("\n")[0]
    if original:
        cause += f"; the line reads {original.group(1)!r}"
    return f"{where}: {cause}"


def convert(parts, out: Path, con) -> dict:
    """Parts (``USER<TAB>FOLLOWER``) to ``edges.parquet`` (``follower, followee``), distinct, no self-loops."""
    out.mkdir(parents=True, exist_ok=True)
    source = (
        f"read_csv({_sql_list(parts)}, delim='\\t', header=false, auto_detect=false, strict_mode=true, "
        "columns={'followee': 'BIGINT', 'follower': 'BIGINT'})"
    )
    try:
        raw = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE follower IS NULL OR followee IS NULL), "
            f"count(*) FILTER (WHERE follower = followee) FROM (SELECT follower, followee FROM {source})"
        ).fetchone()
        if raw[1]:
            raise DataFormatError(f"twitter_rv.net: {raw[1]} lines with an empty id")
        _atomic_copy(
            con, f"SELECT DISTINCT follower, followee FROM {source} WHERE follower <> followee", out / "edges.parquet"
        )
    except (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.IOException) as error:
        raise DataFormatError(_describe_duckdb_error(str(error))) from error
    return {"lines": int(raw[0]), "self_loops_dropped": int(raw[2])}


def compute(out: Path, con, accounts: pd.DataFrame | None = None, top: int = 20) -> dict:
    """Statistics of ``out/edges.parquet`` and the celebrity slice (see module docstring)."""
    edges = f"read_parquet('{out / 'edges.parquet'}')"
    con.execute(f"CREATE OR REPLACE TEMP VIEW edges AS SELECT * FROM {edges}")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE indeg AS SELECT followee AS user_id, count(*) AS followers FROM edges GROUP BY followee"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE outdeg AS SELECT follower AS user_id, count(*) AS following FROM edges GROUP BY follower"
    )
    n_edges = con.execute("SELECT count(*) FROM edges").fetchone()[0]
    n_nodes = con.execute(
        "SELECT count(*) FROM (SELECT user_id FROM indeg UNION SELECT user_id FROM outdeg)"
    ).fetchone()[0]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE reciprocated AS SELECT e.follower, e.followee FROM edges e "
        "JOIN edges r ON e.follower = r.followee AND e.followee = r.follower"
    )
    n_recip = con.execute("SELECT count(*) FROM reciprocated").fetchone()[0]
    users_following = con.execute("SELECT count(*) FROM outdeg").fetchone()[0]
    users_followed_back = con.execute("SELECT count(DISTINCT follower) FROM reciprocated").fetchone()[0]
    mutual_pairs = n_recip // 2
    stats = {
        "nodes": int(n_nodes),
        "edges": int(n_edges),
        "reciprocated_edges": int(n_recip),
        "mutual_pairs": int(mutual_pairs),
        "reciprocity_edges": n_recip / n_edges if n_edges else float("nan"),
        "reciprocity_pairs": mutual_pairs / (n_edges - mutual_pairs) if n_edges else float("nan"),
        "users_following": int(users_following),
        "followed_back_by_none": 1 - users_followed_back / users_following if users_following else float("nan"),
    }
    _atomic_copy(
        con,
        "SELECT coalesce(i.user_id, o.user_id) AS user_id, coalesce(followers, 0) AS followers, "
        "coalesce(following, 0) AS following FROM indeg i FULL OUTER JOIN outdeg o ON i.user_id = o.user_id",
        out / "degrees.parquet",
    )
    for column, table in (("followers", "indeg"), ("following", "outdeg")):
        counts = con.execute(f"SELECT {column} AS k, count(*) AS accounts FROM {table} GROUP BY k ORDER BY k").df()
        zeros = n_nodes - counts["accounts"].sum()
        if zeros:
            counts = pd.concat([pd.DataFrame({"k": [0], "accounts": [zeros]}), counts], ignore_index=True)
        counts["ccdf"] = counts["accounts"][::-1].cumsum()[::-1] / n_nodes
        files.write_parquet(out / f"ccdf_{column}.parquet", counts)
    top_accounts = con.execute(
        f"SELECT user_id, followers FROM indeg ORDER BY followers DESC, user_id LIMIT {int(top)}"
    ).df()
    if accounts is not None:
        top_accounts = top_accounts.merge(accounts[["user_id", "screen_name", "name"]], on="user_id", how="left")
    stats["top_account"] = int(top_accounts["user_id"].iloc[0]) if len(top_accounts) else None
    stats["top_followers"] = int(top_accounts["followers"].iloc[0]) if len(top_accounts) else None
    files.write_parquet(out / "top_accounts.parquet", top_accounts)
    if accounts is not None:
        con.register("profiled", accounts[["user_id"]])
        _atomic_copy(
            con,
            "SELECT e.follower, e.followee FROM edges e SEMI JOIN profiled p ON e.follower = p.user_id "
            "UNION ALL SELECT r.followee AS follower, r.follower AS followee FROM reciprocated r "
            "SEMI JOIN profiled p ON r.follower = p.user_id",
            out / "celebrity_slice.parquet",
        )
        _atomic_copy(
            con,
            "SELECT p.user_id, coalesce(i.followers, 0) AS followers, coalesce(o.following, 0) AS following, "
            "coalesce(b.followed_back, 0) AS followed_back FROM profiled p "
            "LEFT JOIN indeg i USING (user_id) LEFT JOIN outdeg o USING (user_id) "
            "LEFT JOIN (SELECT follower AS user_id, count(*) AS followed_back FROM reciprocated GROUP BY follower) b USING (user_id)",
            out / "celebrity_counts.parquet",
        )
    return stats


def run(
    parts=None,
    out: Path | None = None,
    accounts: pd.DataFrame | None = None,
    verify: bool = True,
    expected_md5: str | None = None,
    expected_size: int | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = 2,
    log=print,
) -> dict:
    """Verify, convert and compute; write ``manifest.json`` last (``complete: true``)."""
    parts = list(parts or part_paths())
    out = Path(out or output_dir())
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        manifest_path.unlink()  # a new run: nothing on disk is trusted until it completes
    start = time.perf_counter()
    digest = verify_parts(parts, expected_md5, expected_size) if verify else None
    log(f"verified md5 {digest} ({time.perf_counter() - start:.0f} s)" if verify else "md5 not checked")
    spill = out / ".spill"
    con = connect(memory_limit, spill, threads)
    try:
        conversion = convert(parts, out, con)
        log(f"converted {conversion['lines']:,} lines ({time.perf_counter() - start:.0f} s)")
        stats = compute(out, con, accounts)
        peak = con.execute("SELECT max(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    manifest = {
        "complete": True,
        "md5": digest,
        **conversion,
        **stats,
        "seconds": round(time.perf_counter() - start, 1),
        "memory_limit": memory_limit,
        "duckdb_memory_bytes_at_end": int(peak or 0),
    }
    files.write_text(manifest_path, json.dumps(manifest, indent=2) + "\n")
    return manifest


def check_expected(stats: dict) -> dict:
    """Compare a run on the real archive with the published figures (rounded as published)."""
    return {
        "nodes": stats["nodes"] == EXPECTED["nodes"],
        "edges": stats["edges"] == EXPECTED["edges"],
        "reciprocity_pairs": round(stats["reciprocity_pairs"], 3) == EXPECTED["reciprocity_pairs"],
        "reciprocity_edges": round(stats["reciprocity_edges"], 3) == EXPECTED["reciprocity_edges"],
        "followed_back_by_none": round(stats["followed_back_by_none"], 3) == EXPECTED["followed_back_by_none"],
        "top_account": stats["top_account"] == EXPECTED["top_account"]
        and stats["top_followers"] == EXPECTED["top_followers"],
    }


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="The complete 2009 Kwak graph: download, verify, convert, compute.")
    parser.add_argument("step", choices=["download", "run"])
    parser.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT)
    args = parser.parse_args(argv)
    parts = part_paths()
    if args.step == "download":
        download_parts()
        digest = verify_parts(parts)
        write_verified_stamp(parts, digest)
        print(f"verified md5 {digest}")
        return 0
    from .processed import load_table

    verify = not stamp_matches(parts)  # verified by `make data-full` and unchanged since: no second 26 GB pass
    manifest = run(accounts=load_table("accounts_kwak2009"), memory_limit=args.memory_limit, verify=verify)
    print(json.dumps(manifest, indent=2))
    print("checks against the published figures:", check_expected(manifest))
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main, user_errors=(DataIntegrityError, DataFormatError)))
