"""Command line: ``python -m analysis run path/to/descriptor.toml [--quick] [-p NAME VALUE ...]``.

Runs the notebooks that apply to what the descriptor provides on that dataset and
writes the executed notebooks to ``build/<name>/``, and the reports, figures and
``numbers.json`` to ``reports/<name>/`` (the default reports are left untouched).
"""

from __future__ import annotations

import argparse
import ast
import os
from pathlib import Path

from . import descriptor, paths, report_site, results

# notebook: what it needs beyond a follower graph (None: runs on any descriptor)
APPLIES = {
    "00-data": "the registered archives (provenance and checks of the built-in data)",
    "01-claims-and-race": "the 2009 profiles of the accounts the post names",
    "02-broadcasters": "Kwak-style profiles with hand labels (personal, organization)",
    "03-follow-back": None,
    "04-gated-community": None,
    "05-robustness": "the registered archives (elite sweeps on 2009 profiles, KONECT baseline, ego sampling)",
    "06-verdict": None,
}


def run_descriptor(path: str | Path, quick: bool = False, seed: int = 20090417, parameters: dict | None = None,
                   log=print) -> Path:
    """Run the applicable notebooks on a descriptor's graph; returns its reports folder."""
    import papermill

    desc = descriptor.read_descriptor(path)
    # check the files now, so a bad descriptor fails before any notebook starts
    descriptor.load_graph(desc)
    build = paths.build_dir() / desc.name
    reports = paths.reports_dir() / desc.name
    (build / "numbers").mkdir(parents=True, exist_ok=True)
    reports.mkdir(parents=True, exist_ok=True)
    for stale in (build / "numbers").glob("*.json"):
        stale.unlink()
    old = {k: os.environ.get(k) for k in ("TWEETERWOOD_BUILD", "TWEETERWOOD_REPORTS")}
    os.environ["TWEETERWOOD_BUILD"], os.environ["TWEETERWOOD_REPORTS"] = str(build), str(reports)
    skipped = {}
    try:
        notebooks = sorted(paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))
        for notebook in notebooks:
            if APPLIES.get(notebook.stem) is not None:
                skipped[notebook.stem] = f"skipped: needs {APPLIES[notebook.stem]}, which {desc.source.name} does not provide"
                log(f"{notebook.stem}: {skipped[notebook.stem]}")
                continue
            log(f"{notebook.stem}: running on {desc.name}")
            declared = papermill.inspect_notebook(str(notebook))
            params = {"dataset": str(desc.source), "seed": seed, "quick": int(quick), **(parameters or {})}
            params = {k: v for k, v in params.items() if k in declared}
            executed = build / notebook.name
            papermill.execute_notebook(str(notebook), str(executed), parameters=params, progress_bar=False,
                                       cwd=str(notebook.parent), kernel_name="python3")
            report_site.render(executed, reports)
        results.merge(build / "numbers", reports / "numbers.json")
        report_site.build_index(reports, skipped=skipped, title_suffix=f" {desc.title or desc.name}")
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return reports


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the analysis on a follower graph described by a TOML file")
    run.add_argument("descriptor")
    run.add_argument("--quick", action="store_true", help="small ensembles (the tests' mode)")
    run.add_argument("--seed", type=int, default=20090417)
    run.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                     help="a notebook parameter (Python literal), e.g. -p n_null 99")
    args = parser.parse_args(argv)
    parameters = {}
    for name, value in args.p:
        try:
            parameters[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parameters[name] = value
    try:
        reports = run_descriptor(args.descriptor, args.quick, args.seed, parameters)
    except descriptor.DescriptorError as error:
        parser.exit(2, f"error: {error}\n")
    print(f"reports in {reports}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
