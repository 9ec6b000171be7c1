"""Time the notebook build one notebook at a time and with ``make -j2``, or the test tiers; write ``results/make_timings.json``.

``python scripts/time_make.py [--quick] [--repeats N] [--jobs 1 2]``
``python scripts/time_make.py --cold [--repeats N]``: ``make -j2`` at the published settings with the
fit cache emptied before each run (entry ``cold``: every fit, ensemble and partition drawn again, as a
build after a change to the code they depend on draws them).
``python scripts/time_make.py --tests [--repeats N]``: ``make test-fast``, ``make test`` and
``make test-long`` in turn (entry ``tests``; the data mirror of the environment, if any, is used;
nothing else should run on the machine meanwhile), each with its pytest summary line.

The file keeps one entry per mode (``published``, ``quick``, ``cold``, ``tests``): a run of one mode leaves
the other's as it was. The published entry also gives each notebook's execution time
(the sum of its cells' times in the executed notebook) from the last run.

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


def _run(root: Path, jobs: int, quick: bool, cold: bool = False) -> float:
    _reset(root)
    if cold:
        shutil.rmtree(root / "build" / "cache", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["make", f"-j{jobs}", f"QUICK={int(quick)}", "reports"], cwd=root, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


TEST_TARGETS = ("test-fast", "test", "test-long")


def _run_tests(root: Path, target: str) -> tuple[float, str]:
    """Seconds of ``make TARGET`` and pytest's last summary line (``N passed, M skipped in ...``)."""
    start = time.perf_counter()
    done = subprocess.run(["make", target], cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = [line.strip("= ") for line in done.stdout.splitlines() if " in " in line and line.startswith("=")]
    if done.returncode != 0:
        raise SystemExit(f"make {target} failed ({summary[-1] if summary else done.returncode}): not recorded")
    return seconds, summary[-1] if summary else ""


def _tests_entry(root: Path, repeats: int) -> dict:
    runs, summaries = {f"make {t}": [] for t in TEST_TARGETS}, {}
    for _ in range(repeats):
        for target in TEST_TARGETS:
            seconds, summaries[f"make {target}"] = _run_tests(root, target)
            runs[f"make {target}"].append(round(seconds, 1))
    return {
        "mode": "tests",
        "seconds": runs,
        "median_seconds": {name: sorted(v)[len(v) // 2] for name, v in runs.items()},
        "pytest": summaries,
        "data_mirror": bool(os.environ.get("TWEETERWOOD_DATA_MIRROR")),
        "cores": os.cpu_count(),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "note": "warm fit cache; data and tables built; one target at a time, nothing else running",
    }


def _notebook_seconds(root: Path) -> dict:
    """Each executed notebook's time: the sum of its cells' times (papermill's record)."""
    import json

    out = {}
    for path in sorted(root.glob("build/[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        out[path.stem] = round(sum(c.get("metadata", {}).get("papermill", {}).get("duration") or 0 for c in cells), 1)
    return out


def _load(path: Path) -> dict:
    """The file's entries by mode (an older file held one run's entry at the top)."""
    import json

    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {data["mode"]: data} if "mode" in data else data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quick mode (small ensembles)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], choices=[1, 2], help="make -jN to time")
    parser.add_argument("--tests", action="store_true", help="time the test tiers instead of the build")
    parser.add_argument("--cold", action="store_true", help="empty the fit cache before each run (published, -j2)")
    args = parser.parse_args(argv)
    if args.cold and (args.quick or args.tests):
        parser.error("--cold times the published build: not with --quick or --tests")
    if args.cold:
        args.jobs = [2]
    path = ROOT / "results" / "make_timings.json"
    if args.tests:
        result = _tests_entry(ROOT, args.repeats)
        target = files.write_json(path, {**_load(path), "tests": result})
        print(f"wrote {target}: tests {result['median_seconds']}")
        return 0
    runs = {str(jobs): [] for jobs in args.jobs}
    notebooks, notebooks_run = {}, ""
    for _ in range(args.repeats):
        for jobs in args.jobs:
            runs[str(jobs)].append(round(_run(ROOT, jobs, args.quick, args.cold), 1))
            notebooks, notebooks_run = _notebook_seconds(ROOT), f"make -j{jobs}"
    mode = "quick" if args.quick else "cold" if args.cold else "published"
    result = {
        "mode": mode,
        "seconds": {f"make -j{jobs}": values for jobs, values in runs.items()},
        "median_seconds": {f"make -j{j}": sorted(v)[len(v) // 2] for j, v in runs.items()},
        "notebooks": notebooks,
        "notebooks_run": f"the last run, {notebooks_run}",
        "cores": os.cpu_count(),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "note": ("fit cache emptied" if args.cold else "warm fit cache")
        + "; data and tables built; executed notebooks and reports removed before each run",
    }
    median = result["median_seconds"]
    if "make -j1" in median and "make -j2" in median:
        result["saving"] = round(1 - median["make -j2"] / median["make -j1"], 3)
    entries = {**_load(path), mode: result}
    target = files.write_json(path, entries)
    print(f"wrote {target}: {mode} {result['median_seconds']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
