"""Execute one notebook with papermill so that the executed copy appears only when the run succeeded.

``python -m analysis.report.execute NOTEBOOK OUT [-p NAME VALUE ...] [--kernel NAME]``

papermill writes the executed notebook cell by cell into a *temporary file*
beside ``OUT`` (``.OUT.XXXX.tmp.ipynb``); it is renamed onto ``OUT`` only when
every cell ran. On a failing cell, Ctrl-C or SIGTERM (through :func:`analysis.cli.run`)
the temporary file is removed and ``OUT`` is left as it was, so make never takes
a half-run notebook for a built one.

A *parameter* (``-p NAME VALUE``) is given to the notebook only if its
``parameters`` cell declares it; values are read as papermill's command line
reads them (``True``, ``False``, ``None``, integers, floats, else text). The
progress bar is drawn only when stderr is a terminal, so a log file gets one
line per notebook instead of a bar's redraws.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .. import cli

__all__ = [
    "TEMPORARY_SUFFIX",
    "NotebookFailed",
    "parse_value",
    "temporary_beside",
    "execute",
    "main",
]

TEMPORARY_SUFFIX = ".tmp.ipynb"


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


def execute(
    notebook: str | Path,
    target: str | Path,
    parameters: dict | None = None,
    kernel: str | None = None,
    progress: bool | None = None,
    log=print,
) -> Path:
    """Run ``notebook`` into ``target`` (see the module docstring); returns ``target``.

    ``progress`` None means: a progress bar only if stderr is a terminal. Raises
    :class:`NotebookFailed` if a cell fails; the temporary file never outlives the call.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook, target = Path(notebook), Path(target)
    if not notebook.is_file():
        raise FileNotFoundError(f"{notebook}: no such notebook")
    declared = papermill.inspect_notebook(str(notebook))
    given = {name: value for name, value in (parameters or {}).items() if name in declared}
    if progress is None:
        progress = sys.stderr.isatty()
    settings = ", ".join(f"{name} {value}" for name, value in given.items())
    log(f"running {notebook}" + (f" ({settings})" if settings else "") + f" -> {target}")
    tmp = None
    try:
        tmp = temporary_beside(target)
        try:
            papermill.execute_notebook(
                str(notebook), str(tmp), parameters=given, kernel_name=kernel, progress_bar=progress
            )
        except PapermillExecutionError as error:
            print(str(error).rstrip(), file=sys.stderr)
            raise NotebookFailed(
                f"{notebook.name}: cell {error.exec_count} failed ({error.ename}: {error.evalue}); "
                f"{target} was not written; fix the cell and run again"
            ) from error
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
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
    execute(args.notebook, args.out, parameters, kernel=args.kernel)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
