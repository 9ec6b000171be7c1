"""Execute one notebook with papermill so that the executed copy appears only when the run succeeded.

``python -m analysis.report.execute NOTEBOOK OUT [-p NAME VALUE ...] [--kernel NAME]``

papermill writes the executed notebook cell by cell into a *temporary file*
beside ``OUT`` (``.OUT.XXXX.tmp.ipynb``); it is renamed onto ``OUT`` only when
every cell ran. On a failing cell, Ctrl-C or SIGTERM (through :func:`analysis.cli.run`)
the temporary file is removed and ``OUT`` is left as it was, so make never takes
a half-run notebook for a built one. A failing cell ends in one line naming the
cell and its error; its traceback is kept in ``OUT.error.txt`` (printed too with
``TWEETERWOOD_DEBUG=1``).

A *parameter* (``-p NAME VALUE``) is given to the notebook only if its
``parameters`` cell declares it; values are read as papermill's command line
reads them (``True``, ``False``, ``None``, integers, floats, else text); a
``scheduler`` is checked first (:func:`analysis.nulls.cluster.check_scheduler`). The
progress bar is drawn only when stderr is a terminal, so a log file gets one
line per notebook instead of a bar's redraws, plus one line when each section
(a markdown heading) starts, so a long step says what it is doing.

The executed notebook carries the run's provenance in its metadata
(:mod:`analysis.report.provenance`, taken when the run starts unless the caller
gives it). Two executions into one target at once are refused (a lock beside it).
The kernel runs in the notebook's folder, as in JupyterLab, and logs only its
errors (not its "running over TCP without encryption" notice: the connection is
loopback only).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from .. import cli, files
from ..nulls import cluster
from . import provenance as provenance_module

__all__ = [
    "TEMPORARY_SUFFIX",
    "KERNEL_ARGUMENTS",
    "NotebookFailed",
    "parse_value",
    "temporary_beside",
    "FAILURE_SUFFIX",
    "failure_log",
    "section_headings",
    "section_logger",
    "execute",
    "main",
]

TEMPORARY_SUFFIX = ".tmp.ipynb"
# the kernel's own log: errors only (its "running over TCP without encryption" notice is about a
# loopback-only connection); a cell's warnings and errors still reach the notebook
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


class NotebookFailed(cli.UserError):
    """A cell of the notebook raised: names the notebook, the cell and the error (the cell's
    traceback is printed above it)."""


def parse_value(text: str):
    """A ``-p`` value as papermill's command line reads it."""
    constants = {"True": True, "False": False, "None": None}
    if text in constants:
        return constants[text]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def temporary_beside(target: Path) -> Path:
    """A new empty temporary file in ``target``'s folder, named ``.NAME.XXXX.tmp.ipynb``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="." + target.name + ".", suffix=TEMPORARY_SUFFIX, dir=target.parent)
    os.close(handle)
    return Path(name)


FAILURE_SUFFIX = ".error.txt"


def failure_log(target: Path) -> Path:
    """Where the traceback of a failed run of ``target`` is kept (``TARGET.error.txt``,
    removed by the next run that succeeds)."""
    return Path(target).with_name(Path(target).name + FAILURE_SUFFIX)


def section_headings(node) -> dict[int, str]:
    """For each code cell (by index), the last markdown heading above it."""
    headings, current = {}, ""
    for index, cell in enumerate(node.cells):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    current = line.lstrip("#").strip()
        elif cell.cell_type == "code":
            headings[index] = current
    return headings


def section_logger(notebook: Path, log):
    """A papermill ``on_cell_start`` hook that logs a line when a new section starts:
    ``NAME: HEADING (cell K of N, T s)``."""
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    headings, total, start, said = section_headings(node), len(node.cells), time.monotonic(), [None]

    def on_cell_start(cell=None, cell_index=0, **_):
        heading = headings.get(cell_index, "")
        if heading and heading != said[0]:
            said[0] = heading
            log(f"{notebook.stem}: {heading} (cell {cell_index + 1} of {total}, {time.monotonic() - start:.0f} s)")

    return on_cell_start


def execute(
    notebook: str | Path,
    target: str | Path,
    parameters: dict | None = None,
    kernel: str | None = None,
    progress: bool | None = None,
    log=print,
    provenance: dict | None = None,
) -> Path:
    """Run ``notebook`` into ``target`` (see the module docstring); returns ``target``.

    ``progress`` None means: a progress bar only if stderr is a terminal.
    ``provenance`` (default: taken now from ``parameters``) goes into the executed
    notebook's metadata. Raises :class:`NotebookFailed` if a cell fails, and
    :class:`analysis.files.LockedError` if another execution is writing ``target``;
    the temporary file never outlives the call.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook, target = Path(notebook).resolve(), Path(target).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(f"{notebook}: no such notebook")
    declared = papermill.inspect_notebook(str(notebook))
    given = {name: value for name, value in (parameters or {}).items() if name in declared}
    if progress is None:
        progress = sys.stderr.isatty()
    if provenance is None:
        provenance = provenance_module.run_provenance(parameters or {})
    settings = ", ".join(f"{name} {value}" for name, value in given.items())
    log(f"running {notebook.name}" + (f" ({settings})" if settings else "") + f" -> {target}")
    tmp = None
    lock = target.with_name(f".{target.name}.lock")
    try:
        with files.exclusive_lock(lock, str(target)):
            tmp = temporary_beside(target)
            try:
                papermill.execute_notebook(
                    str(notebook),
                    str(tmp),
                    parameters=given,
                    kernel_name=kernel,
                    progress_bar=progress,
                    cwd=str(notebook.parent),
                    extra_arguments=KERNEL_ARGUMENTS,
                    on_cell_start=section_logger(notebook, log),
                )
            except PapermillExecutionError as error:
                # the cell's traceback goes to a log beside the target (and to the terminal with TWEETERWOOD_DEBUG=1)
                failed = failure_log(target)
                files.write_text(failed, str(error).rstrip() + "\n")
                if cli.debug():
                    print(str(error).rstrip(), file=sys.stderr)
                raise NotebookFailed(
                    f"{notebook.name}: cell {error.exec_count} failed ({error.ename}: {' '.join(str(error.evalue).split())}); "
                    f"{target.name} was not written; the cell's traceback is in {failed}"
                ) from error
            provenance_module.stamp(tmp, provenance)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
            failure_log(target).unlink(missing_ok=True)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return target


def main(argv: list[str] | None = None) -> int:
    """The command line of the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report.execute", description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("out")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("--kernel", default=None, help="Jupyter kernel name (default: the notebook's)")
    args = parser.parse_args(argv)
    parameters = {name: parse_value(value) for name, value in args.parameter}
    if "scheduler" in parameters:  # a bad address fails here, in one line, before a kernel starts
        parameters["scheduler"] = cluster.check_scheduler(parameters["scheduler"])
    execute(args.notebook, args.out, parameters, kernel=args.kernel)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
