"""Time the notebook build one notebook at a time and with ``make -j2``; write ``results/make_timings.json``.

``python scripts/time_make.py [--quick] [--repeats N]``

Each run starts from the same state: data fetched, tables built and the fit cache
warm (``build/cache`` is kept), executed notebooks, reports and settings stamps
removed. The runs alternate (serial, parallel, serial, ...) so that drift of the
machine's speed falls on both. Run it in a checkout you do not mind rebuilding:
it deletes ``build/*.ipynb``, ``build/numbers``, ``build/settings`` and ``reports/``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import files  # noqa: E402


def _reset(root: Path) -> None:
    for path in root.glob("build/[0-9][0-9]-*.ipynb"):
        path.unlink()
    for folder in ("build/numbers", "build/settings", "reports"):
        shutil.rmtree(root / folder, ignore_errors=True)


def _run(root: Path, jobs: int, quick: bool) -> float:
    _reset(root)
    start = time.perf_counter()
    subprocess.run(["make", f"-j{jobs}", f"QUICK={int(quick)}", "reports"], cwd=root, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quick mode (small ensembles)")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    runs = {"1": [], "2": []}
    for _ in range(args.repeats):
        for jobs in (1, 2):
            runs[str(jobs)].append(round(_run(ROOT, jobs, args.quick), 1))
    result = {
        "mode": "quick" if args.quick else "published",
        "seconds": {f"make -j{jobs}": values for jobs, values in runs.items()},
        "median_seconds": {f"make -j{j}": sorted(v)[len(v) // 2] for j, v in runs.items()},
        "cores": os.cpu_count(),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "note": "warm fit cache; data and tables built; executed notebooks and reports removed before each run",
    }
    result["saving"] = round(1 - result["median_seconds"]["make -j2"] / result["median_seconds"]["make -j1"], 3)
    target = files.write_json(ROOT / "results" / "make_timings.json", result)
    print(f"wrote {target}: {result['median_seconds']} (saving {result['saving']:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
