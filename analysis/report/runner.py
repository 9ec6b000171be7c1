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
    "AFTER_THE_OTHERS",
    "redirected_outputs",
    "declared_parameters",
    "check_parameters",
    "run_notebooks",
    "run_failure_log",
]

OUTPUT_VARIABLES = ("TWEETERWOOD_BUILD", "TWEETERWOOD_REPORTS")
AFTER_THE_OTHERS = "06-verdict"  # reads every other notebook's numbers (the Makefile's rule for it says the same)


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
    jobs: int = 1,
) -> dict:
    """Execute ``notebooks`` (each given the ``parameters`` it declares) into ``build``,
    render each into ``reports``, merge ``numbers.json`` and write ``index.html``; all
    or nothing (see the module docstring). Every executed notebook, page and
    ``numbers.json`` carries the run's provenance (:mod:`analysis.report.provenance`),
    taken once when the run starts. ``jobs``: notebooks run at once, each in a process
    and a kernel of its own, as ``make -j`` runs them (:data:`AFTER_THE_OTHERS` waits
    for the rest; the numbers do not depend on it, except solve times measured when two
    notebooks fit the same model at once); the first failure stops the others and is
    raised. With ``jobs > 1`` the worker processes log with ``print`` when ``log`` is
    ``print``, and not at all otherwise; they are started by ``multiprocessing``'s
    *spawn*, so a script that calls this must guard its entry point (``if __name__ ==
    "__main__":``)."""
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    build, reports = Path(build).resolve(), Path(reports).resolve()
    notebooks = [Path(n) for n in notebooks]
    run = provenance.run_provenance(parameters)
    with files.exclusive_lock(reports.with_name(f".{reports.name}.lock"), str(reports)):
        for target in (build, reports):
            files.remove_stale_staging(target)
        kept_log = run_failure_log(build)
        kept_log.unlink(missing_ok=True)  # an earlier failure's: this run writes its own or none
        with files.staged_folder(build) as staged_build, files.staged_folder(reports) as staged_reports:
            try:
                numbers = _run(notebooks, staged_build, staged_reports, parameters, skipped, title_suffix, kernel, log,
                               run, jobs)  # fmt: skip
            except execute.NotebookFailed as error:
                raise _failure_kept(error, staged_build, kept_log) from error.__cause__
    return numbers


def run_failure_log(build: Path) -> Path:
    """Where a failed run into ``build`` keeps the failing cell's traceback
    (``BUILD.error.txt`` beside the build folder: the staging folder it was written in
    is removed with the rest of the failed run); the next run removes it."""
    return execute.failure_log(Path(build))


def _failure_kept(error: execute.NotebookFailed, staged_build: Path, kept: Path) -> execute.NotebookFailed:
    """``error`` with the traceback its notebook left in the staging folder (the log its
    message names: with ``jobs > 1`` another notebook may have failed too) copied to
    ``kept``, and its message pointing there."""
    message = str(error)
    for written in staged_build.glob(f"*{execute.FAILURE_SUFFIX}"):
        if str(written) in message:
            files.write_text(kept, written.read_text())
            message = message.replace(str(written), str(kept))
    return execute.NotebookFailed(message)


def _one_here(notebook, build, reports, parameters, kernel, run, order, log) -> None:
    """Execute ``notebook`` into ``build`` and render it into ``reports``."""
    executed = execute.execute(notebook, build / notebook.name, parameters, kernel=kernel, progress=False, log=log,
                               provenance=run)  # fmt: skip
    site.render(executed, reports, order=order)


def _one(notebook, build, reports, parameters, kernel, run, order, quiet):
    """Execute and render one notebook in a worker process of a run with ``jobs > 1``
    (its own process, so that papermill's change of working directory cannot reach
    another notebook; SIGTERM stops it as Ctrl-C would, its kernel shut down)."""
    cli.terminate_as_interrupt()
    _one_here(notebook, build, reports, parameters, kernel, run, order, (lambda *_: None) if quiet else print)


def _in_processes(notebooks, build, reports, parameters, kernel, run, order, quiet, jobs) -> None:
    """:func:`_one` for each of ``notebooks``, ``jobs`` at a time; the first failure to
    happen stops the others (their processes are sent SIGTERM) and is raised."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_one, n, build, reports, parameters, kernel, run, order, quiet) for n in notebooks]
        try:
            for future in as_completed(futures):
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            raise


def _run(notebooks, build, reports, parameters, skipped, title_suffix, kernel, log, run, jobs=1) -> dict:
    (build / "numbers").mkdir(parents=True, exist_ok=True)
    order = [n.stem for n in notebooks]
    with redirected_outputs(build, reports):
        first = [n for n in notebooks if jobs == 1 or n.stem != AFTER_THE_OTHERS]
        if jobs == 1:
            for notebook in first:
                _one_here(notebook, build, reports, parameters, kernel, run, order, log)
        else:
            _in_processes(first, build, reports, parameters, kernel, run, order, log is not print, jobs)
            for notebook in notebooks:
                if notebook.stem == AFTER_THE_OTHERS:
                    _one_here(notebook, build, reports, parameters, kernel, run, order, log)
        # the start time stays in the notebooks and pages: a re-run of the same inputs writes the same numbers.json
        settings = {key: value for key, value in run.items() if key != "started"}
        numbers = results.merge(build / "numbers", reports / "numbers.json", settings=settings)
        site.build_index(reports, skipped=skipped, title_suffix=title_suffix)
    return numbers
