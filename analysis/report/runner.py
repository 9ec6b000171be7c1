"""Run notebooks into a build folder and render them into a reports folder.

Used by ``python -m analysis run`` (a user's graph) and by the tests (quick mode);
``make`` runs the same steps one notebook at a time so that it knows the
dependencies.

A run is all or nothing: it holds a lock on its reports folder (a second run on
the same folder is refused at once), writes into hidden staging folders beside
the build and reports folders, and swaps them in only when every notebook has run
and the index is written. An interrupted or failed run leaves the previous
complete run in place, untouched, and no staging folder behind.
"""

from __future__ import annotations

import ast
import difflib
import os
from contextlib import contextmanager
from pathlib import Path

from .. import cli, files
from . import execute, provenance, results, site

__all__ = [
    "OUTPUT_VARIABLES",
    "redirected_outputs",
    "declared_parameters",
    "check_parameters",
    "run_notebooks",
]

OUTPUT_VARIABLES = ("TWEETERWOOD_BUILD", "TWEETERWOOD_REPORTS")


@contextmanager
def redirected_outputs(build: Path, reports: Path):
    """Point :func:`analysis.paths.build_dir` and ``reports_dir`` (and the kernels
    started meanwhile) at ``build`` and ``reports``; restore them afterwards."""
    old = {key: os.environ.get(key) for key in OUTPUT_VARIABLES}
    os.environ["TWEETERWOOD_BUILD"], os.environ["TWEETERWOOD_REPORTS"] = str(build), str(reports)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def declared_parameters(notebooks) -> dict:
    """Every parameter the ``notebooks`` declare, with its default value (a Python
    literal, or None when the default is not one)."""
    import papermill

    declared = {}
    for notebook in notebooks:
        for name, spec in papermill.inspect_notebook(str(notebook)).items():
            try:
                declared[name] = ast.literal_eval(spec["default"])
            except (ValueError, SyntaxError):
                declared[name] = None
    return declared


def check_parameters(parameters: dict, declared: dict) -> None:
    """Refuse a parameter no notebook declares (naming the nearest that exists) and a
    value of another type than its default (a whole number where the default is one,
    any number where it is a float, a string, a list). Raises :class:`analysis.cli.UserError`."""
    for name, value in parameters.items():
        if name not in declared:
            close = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"the notebooks take {', '.join(sorted(declared))}"
            raise cli.UserError(f"-p {name}: no notebook of this run has a parameter {name}; {hint}")
        default = declared[name]
        if default is None:
            continue
        if isinstance(default, bool) or isinstance(value, bool):
            ok = isinstance(value, bool) == isinstance(default, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float))
        else:
            ok = isinstance(value, type(default))
        if not ok:
            kind = {bool: "true or false", int: "a whole number", float: "a number", str: "a string (in quotes)",
                    list: "a list", dict: "a dict"}.get(type(default), type(default).__name__)  # fmt: skip
            raise cli.UserError(f"-p {name}: {value!r} is not {kind}, which {name} takes (its default is {default!r})")


def run_notebooks(
    notebooks,
    build: Path,
    reports: Path,
    parameters: dict,
    skipped: dict | None = None,
    title_suffix: str = "",
    kernel: str = "python3",
    log=print,
) -> dict:
    """Execute ``notebooks`` (each given the ``parameters`` it declares) into ``build``,
    render each into ``reports``, merge ``numbers.json`` and write ``index.html``; all
    or nothing (see the module docstring). Every executed notebook, page and
    ``numbers.json`` carries the run's provenance (:mod:`analysis.report.provenance`),
    taken once when the run starts."""
    build, reports = Path(build).resolve(), Path(reports).resolve()
    notebooks = [Path(n) for n in notebooks]
    run = provenance.run_provenance(parameters)
    with files.exclusive_lock(reports.with_name(f".{reports.name}.lock"), str(reports)):
        for target in (build, reports):
            files.remove_stale_staging(target)
        with files.staged_folder(build) as staged_build, files.staged_folder(reports) as staged_reports:
            numbers = _run(notebooks, staged_build, staged_reports, parameters, skipped, title_suffix, kernel, log, run)
    return numbers


def _run(notebooks, build, reports, parameters, skipped, title_suffix, kernel, log, run) -> dict:
    (build / "numbers").mkdir(parents=True, exist_ok=True)
    with redirected_outputs(build, reports):
        for notebook in notebooks:
            executed = execute.execute(notebook, build / notebook.name, parameters, kernel=kernel, progress=False,
                                       log=log, provenance=run)  # fmt: skip
            site.render(executed, reports, order=[n.stem for n in notebooks])
        # the start time stays in the notebooks and pages: a re-run of the same inputs writes the same numbers.json
        settings = {key: value for key, value in run.items() if key != "started"}
        numbers = results.merge(build / "numbers", reports / "numbers.json", settings=settings)
        site.build_index(reports, skipped=skipped, title_suffix=title_suffix)
    return numbers
