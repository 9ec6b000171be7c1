"""Command line: ``python -m analysis run path/to/descriptor.toml [--quick] [--scheduler S] [-p NAME VALUE ...]``.

Runs the notebooks that apply to what the descriptor provides on that dataset and
writes the executed notebooks to ``build/datasets/<name>/``, and the reports, figures
and ``numbers.json`` to ``reports/datasets/<name>/`` (the default reports cannot be
touched). A run is all or nothing and one at a time per name (see
:mod:`analysis.report.runner`). Errors a user can cause end in one line and exit
status 2 (``TWEETERWOOD_DEBUG=1`` shows the traceback). ``--scheduler local:N`` or
``--scheduler tcp://HOST:PORT`` sends the null ensembles to a Dask cluster
(:mod:`analysis.nulls.cluster`; the numbers are the same as with threads).
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

from . import cli, paths
from .claims import catalogue
from .data import descriptor
from .nulls import cluster
from .report import runner

# what each notebook needs beyond a follower graph (None: runs on any descriptor), from the catalogue
APPLIES = {notebook.name: notebook.needs for notebook in catalogue.NOTEBOOKS}


def run_descriptor(
    path: str | Path, quick: bool = False, seed: int = 20090417, parameters: dict | None = None, log=print,
    jobs: int = 1,
) -> Path:  # fmt: skip
    """Run the applicable notebooks on a descriptor's graph, ``jobs`` at a time; returns its reports folder."""
    given = dict(parameters or {})
    if "scheduler" in given:  # a bad address fails at once, in one line, before the graph is read
        given["scheduler"] = cluster.check_scheduler(given["scheduler"])
    desc = descriptor.read_descriptor(path)
    # check the files and the parameters now, so a bad descriptor fails before any notebook starts
    descriptor.load_graph(desc)
    notebooks, skipped = [], {}
    for notebook in sorted(paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb")):
        if APPLIES.get(notebook.stem) is None:
            notebooks.append(notebook)
        else:
            skipped[notebook.stem] = (
                f"skipped: needs {APPLIES[notebook.stem]}, which {desc.source.name} does not provide"
            )
            log(f"{notebook.stem}: {skipped[notebook.stem]}")
    fixed = {"dataset": "the descriptor is the dataset", "elite": "the descriptor's [elite] sets it",
             "seed": "use --seed", "quick": "use --quick"}  # fmt: skip
    for name in sorted(set(given) & set(fixed)):
        raise cli.UserError(f"-p {name}: not a parameter of a run on a descriptor ({fixed[name]})")
    if desc.kwak_profiles and not paths.processed_table("accounts_kwak2009").exists():
        raise cli.UserError(
            f"{desc.source.name}: kwak_profiles = true joins the 2009 profiles, which are not built here "
            f"({paths.processed_table('accounts_kwak2009')} is missing): run `make processed`, or remove kwak_profiles"
        )
    runner.check_parameters(given, runner.declared_parameters(notebooks))
    reports = paths.dataset_reports_dir(desc.name)
    parameters = {"dataset": str(desc.source), "seed": seed, "quick": int(quick), **given}
    runner.run_notebooks(
        notebooks,
        paths.dataset_build_dir(desc.name),
        reports,
        parameters,
        skipped=skipped,
        title_suffix=desc.title or desc.name,
        log=log,
        jobs=jobs,
    )
    return reports


def _seed(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"the seed must be a whole number, 0 or more, not {text!r}")
    return int(text)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number, 1 or more, not {text!r}")
    return int(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the analysis on a follower graph described by a TOML file")
    run.add_argument("descriptor")
    run.add_argument("--quick", action="store_true", help="small ensembles (the tests' mode)")
    run.add_argument("--seed", type=_seed, default=20090417, help="a whole number, 0 or more")
    run.add_argument(
        "--scheduler",
        default=None,
        help='run the null ensembles on a Dask cluster: "local:N" (N worker processes here) or '
        '"tcp://HOST:PORT" (a running scheduler); the numbers are the same as with threads (the default)',
    )
    run.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        help="notebooks run at once, each in its own kernel (the verdict waits for the others); the numbers "
        "do not depend on it",
    )
    run.add_argument(
        "-p",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        default=[],
        help="a notebook parameter (Python literal), e.g. -p n_null 99",
    )
    args = parser.parse_args(argv)
    parameters = {}
    for name, value in args.p:
        try:
            parameters[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parameters[name] = value
    if args.scheduler is not None:
        parameters["scheduler"] = args.scheduler

    def body() -> int:
        reports = run_descriptor(args.descriptor, args.quick, args.seed, parameters, jobs=args.jobs)
        print(f"reports in {reports}")
        return 0

    return cli.run(body, user_errors=(descriptor.DescriptorError,))


if __name__ == "__main__":
    raise SystemExit(main())
