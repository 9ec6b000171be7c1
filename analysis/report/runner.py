"""Run notebooks into a build folder and render them into a reports folder.

Used by ``python -m analysis run`` (a user's graph) and by the tests (quick mode);
``make`` runs the same steps one notebook at a time so that it knows the
dependencies.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from . import results, site

__all__ = [
    "OUTPUT_VARIABLES",
    "redirected_outputs",
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
    render each into ``reports``, merge ``numbers.json`` and write ``index.html``."""
    import papermill

    build, reports = Path(build), Path(reports)
    (build / "numbers").mkdir(parents=True, exist_ok=True)
    reports.mkdir(parents=True, exist_ok=True)
    for stale in (build / "numbers").glob("*.json"):
        stale.unlink()
    with redirected_outputs(build, reports):
        for notebook in notebooks:
            log(f"{notebook.stem}: running")
            declared = papermill.inspect_notebook(str(notebook))
            executed = build / notebook.name
            papermill.execute_notebook(
                str(notebook),
                str(executed),
                kernel_name=kernel,
                progress_bar=False,
                parameters={k: v for k, v in parameters.items() if k in declared},
                cwd=str(notebook.parent),
            )
            site.render(executed, reports, order=[n.stem for n in notebooks])
        settings = {"seed": parameters.get("seed"), "quick": bool(parameters.get("quick", 0))}
        numbers = results.merge(build / "numbers", reports / "numbers.json", settings=settings)
        site.build_index(reports, skipped=skipped, title_suffix=title_suffix)
    return numbers
