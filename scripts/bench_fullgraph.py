"""Scale benchmark of the out-of-core pipeline (make bench-fullgraph).

Writes synthetic archives in the exact ``twitter_rv.net`` format (four gzip parts,
heavy-tailed follower counts, some follows returned) at several sizes, runs the
pipeline on each in a fresh process (so peak memory is that run's), fits how time
and memory grow with edges, and extrapolates to the 1,468,365,182 edges of the
real archive. Writes results/bench_fullgraph.json.

Usage: python scripts/bench_fullgraph.py [--sizes 10e6 40e6 160e6] [--memory-limit 16GB]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import registry

FULL_EDGES = registry.published("kwak2009-full")["edges"]


def write_archive(folder: Path, edges: int, seed: int, chunk: int = 5_000_000) -> list[Path]:
    """Random heavy-tailed follows (followee ~ Zipf-like, follower uniform), 20% returned."""
    rng = np.random.default_rng(seed)
    nodes = max(1000, edges // 35)  # the real graph has about 35 follows per account
    parts = [folder / f"twitter_rv.net.{i:02d}.gz" for i in range(4)]
    per_part = -(-edges // 4)
    written = 0
    for part in parts:
        with gzip.open(part, "wt", compresslevel=1) as handle:
            left = min(per_part, edges - written)
            while left > 0:
                size = min(chunk, left)
                followee = np.minimum((rng.pareto(1.1, size) * 10).astype(np.int64), nodes - 1)
                follower = rng.integers(0, nodes, size)
                back = rng.random(size) < 0.2
                user = np.concatenate([followee, follower[back]])
                fol = np.concatenate([follower, followee[back]])
                pd.DataFrame({"u": user, "f": fol}).to_csv(handle, sep="\t", header=False, index=False)
                left -= size
                written += size
    return parts


def run_one(folder: str, memory_limit: str) -> dict:
    from analysis.data import fullgraph

    parts = sorted(Path(folder).glob("twitter_rv.net.*.gz"))
    start = time.perf_counter()
    manifest = fullgraph.run(parts, Path(folder) / "out", verify=False, memory_limit=memory_limit, log=lambda *_: None)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "lines": manifest["lines"],
        "edges": manifest["edges"],
        "seconds": round(seconds, 2),
        "edges_per_second": round(manifest["lines"] / seconds),
        "peak_rss_gib": round(peak_kib / 2**20, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=float, default=[10e6, 40e6, 160e6])
    parser.add_argument("--memory-limit", default="16GB")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.memory_limit)))
        return
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parents[1] / "build") as tmp:
            t = time.perf_counter()
            write_archive(Path(tmp), int(size), seed=int(size) % 2**31)
            generated = time.perf_counter() - t
            out = subprocess.run(
                [sys.executable, __file__, "--one", tmp, "--memory-limit", args.memory_limit],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["generation_seconds"] = round(generated, 1)
            rows.append(row)
            print(row, flush=True)
    table = pd.DataFrame(rows)
    slope_time, intercept_time = np.polyfit(np.log(table["lines"]), np.log(table["seconds"]), 1)
    slope_mem = np.polyfit(np.log(table["lines"]), np.log(table["peak_rss_gib"]), 1)[0]
    per_edge = np.polyfit(table["lines"], table["seconds"], 1)
    result = {
        "machine": f"{platform.machine()}, {platform.python_version()}, 2 threads",
        "memory_limit": args.memory_limit,
        "runs": rows,
        "time_exponent": round(float(slope_time), 3),
        "memory_exponent": round(float(slope_mem), 3),
        "extrapolated_hours_full": round(float(np.polyval(per_edge, FULL_EDGES)) / 3600, 2),
        "extrapolated_hours_full_power_law": round(float(np.exp(intercept_time) * FULL_EDGES**slope_time) / 3600, 2),
        "note": "time ~ edges^time_exponent (1 is linear); memory is bounded by DuckDB's memory_limit, "
        "which spills sorts and joins to disk beyond it",
    }
    target = Path(__file__).resolve().parents[1] / "results" / "bench_fullgraph.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
