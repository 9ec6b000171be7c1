"""Every notebook runs cleanly in quick mode, writes its figures and its numbers;
notebooks are committed without outputs and define no analysis functions."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import NOTEBOOKS

from analysis.claims import catalogue

REQUIRED_KEYS = [
    "kwak2009.accounts",
    "kwak2009.verified",
    "kwak2009.median_friends_verified",
    "kwak2009.median_friends_unverified",
    "kwak2009.median_followers_verified",
    "kwak2009.median_followers_unverified",
    "ego_twitter.nodes",
    "ego_twitter.edges",
    "ego_twitter.self_loops_dropped",
    "ego_twitter.reciprocity_edges",
    "ego_twitter.reciprocity_pairs",
    "konect_icwsm2010.nodes",
    "konect_icwsm2010.edges",
    "konect_icwsm2010.reciprocity_edges",
]
CLAIM_FIELDS = {
    "id",
    "statistic",
    "observed",
    "expected",
    "ci_low",
    "ci_high",
    "p_value",
    "verdict",
    "null_model",
    "data",
}


def _code(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _saved_figures(notebook: Path) -> list[str]:
    return re.findall(r'figures\.save\(\s*\w+,\s*"([^"]+)"', _code(notebook))


def test_there_is_a_notebook_for_each_question():
    names = [n.stem for n in NOTEBOOKS]
    assert names == [
        "00-data",
        "01-claims-and-race",
        "02-broadcasters",
        "03-follow-back",
        "04-gated-community",
        "05-robustness",
        "06-verdict",
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs_and_a_parameters_cell(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "notebook committed with outputs"
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be the papermill parameters"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_define_no_functions_or_classes(notebook):
    tree = ast.parse(_code(notebook))
    defined = [
        n.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda)) and hasattr(n, "name")
    ]
    lambdas = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    assert not defined, f"analysis logic belongs in analysis/: {defined}"
    assert len(lambdas) <= 1  # a formatting lambda for a table is the most allowed


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_prints_a_recorded_value_by_accident(notebook):
    """A cell whose last line is ``rec.record(...)`` shows the value it returns (a stray number on the page)."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        body = ast.parse(cell.source).body
        if body and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value, ast.Call):
            name = ast.unparse(body[-1].value.func)
            assert not name.startswith("rec.record"), f"{notebook.stem}: a cell ends with {name}(...)"


def _get(tree: dict, dotted: str):
    for part in dotted.split("."):
        tree = tree[part]
    return tree


@pytest.mark.notebooks
def test_numbers_json_has_the_required_keys(executed):
    base, numbers = executed
    on_disk = json.loads((base / "reports" / "numbers.json").read_text())
    assert on_disk == numbers
    for key in REQUIRED_KEYS:
        assert _get(numbers, key) is not None, key
    assert numbers["kwak2009"]["accounts"] == 6499 and numbers["kwak2009"]["verified"] == 221
    assert numbers["ego_twitter"]["edges"] == 1_768_135 and numbers["ego_twitter"]["self_loops_dropped"] == 14
    assert [c["claim"] for c in numbers["claims"]] == [f"C{i}" for i in range(1, 8)]
    assert all(c["verdict"] in catalogue.VERDICTS for c in numbers["claims"])
    statements = {s["id"]: s for s in numbers["statements"]}
    assert set(statements) <= {s.id for s in catalogue.STATEMENTS}
    for s in statements.values():
        assert set(s) >= CLAIM_FIELDS, s["id"]
        assert s["verdict"] in catalogue.VERDICTS
        if s["kind"] == "test":
            assert s["in_family"] and 0 < s["p_value"] <= 1 and 0 < s["p_value_raw"] <= s["p_value"]
        else:
            assert not s["in_family"] and s["p_value"] is None
    assert (
        statements["C6"]["verdict"] == catalogue.NOT_TESTABLE and statements["C7"]["verdict"] == catalogue.DESCRIPTIVE
    )
    assert numbers["build"]["quick"] is True and numbers["build"]["seed"] == 7


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_ran_and_wrote_its_figures(executed, notebook):
    base, _ = executed
    ran = nbformat.read(base / "build" / notebook.name, as_version=4)
    errors = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    for name in _saved_figures(notebook):
        for ext in ("png", "svg"):
            path = base / "reports" / "figures" / f"{name}.{ext}"
            assert path.exists() and path.stat().st_size > 1000, path
    assert (base / "build" / "numbers" / f"{notebook.stem}.json").exists()


@pytest.mark.notebooks
def test_index_page_has_one_verdict_row_per_claim(executed):
    base, _ = executed
    page = (base / "reports" / "index.html").read_text()
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == len(catalogue.CLAIMS)
    for report in [base / "reports" / "index.html", *sorted((base / "reports").glob("[0-9][0-9]-*.html"))]:
        remote = re.findall(
            r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["\']?(?:https?:)?//', report.read_text(), re.I
        )
        assert remote == [], f"{report.name} loads from the network: {remote}"


def test_executed_notebooks_show_nothing_a_reader_did_not_ask_for(executed):
    """Every output of an executed notebook is prose (Markdown), a table made for reading
    (``tables.readable``: HTML of class ``tw-table``), a figure or its caption (``tw-caption``): no printed line, no
    warning, no plain-text repr, no raw DataFrame."""
    base, _ = executed
    stray = []
    for path in sorted((base / "build").glob("[0-9][0-9]-*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for output in cell.get("outputs", []):
                kind = output.get("output_type")
                data = output.get("data", {})
                html = "".join(data.get("text/html", ""))
                where = f"{path.stem} cell {index}"
                if kind in ("stream", "error"):
                    stray.append(f"{where}: {kind} {''.join(output.get('text', output.get('evalue', '')))[:80]!r}")
                elif not ({"text/markdown", "image/png", "image/svg+xml"} & set(data)) and not (
                    "tw-table" in html or "tw-caption" in html
                ):
                    stray.append(f"{where}: {''.join(data.get('text/plain', ''))[:80]!r}")
                elif 'class="dataframe' in html:
                    stray.append(f"{where}: a raw DataFrame")
    assert not stray, "\n".join(stray)


def test_every_page_says_where_its_numbers_came_from(executed):
    """Each report ends with "Reproduce this" (command, commit, seed, mode, data digests,
    citation), quick pages warn at the top, and numbers.json carries the same provenance."""
    base, numbers = executed
    build = numbers["build"]
    assert build["seed"] == 7 and build["quick"] is True and len(build["commit"]) == 40
    assert "accounts_kwak2009.parquet" in build["data_sha256"] and "started" not in build
    for page in sorted((base / "reports").glob("*.html")):
        text = page.read_text()
        assert "Quick mode: small null ensembles" in text, page.name
        assert "Reproduce this" in text and build["commit"] in text and "make SEED=7 QUICK=1" in text, page.name
        assert build["data_sha256"]["ego_twitter_edges.parquet"] in text, page.name
        assert "Tweeterwood" in text.split("Reproduce this")[1] and "McAuley" in text.split("Reproduce this")[1]


def test_every_figure_has_a_caption_and_the_reports_number_them(executed):
    """Each figure in an executed notebook is followed by its caption (``figures.publish``),
    and each report numbers its captions 1, 2, 3..."""
    base, _ = executed
    for path in sorted((base / "build").glob("[0-9][0-9]-*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            outputs = cell.get("outputs", [])
            for k, output in enumerate(outputs):
                if "image/png" in output.get("data", {}):
                    after = outputs[k + 1]["data"].get("text/html", "") if k + 1 < len(outputs) else ""
                    assert 'class="tw-caption"' in after, f"{path.stem} cell {index}: a figure without a caption"
        page = (base / "reports" / f"{path.stem}.html").read_text()
        numbers = [int(n) for n in re.findall(r'class="tw-caption"><b>Figure (\d+)\.</b>', page)]
        assert numbers == list(range(1, len(numbers) + 1)) and numbers, path.stem


def test_the_gated_communitys_context_is_described_not_tested(executed):
    """04's in-leak share (the closure test's count seen from the followed side) and its context statistics
    (transitivity, rich club) are described against the null's range: no p-value is said for them, so every p-value
    the page says is a statement's or a check's, which the verdict page's wider adjustment family counts (in their
    two-sided form; issue 12)."""
    base, _ = executed
    said = []
    for cell in nbformat.read(base / "build" / "04-gated-community.ipynb", as_version=4).cells:
        for output in cell.get("outputs", []):
            said += "".join(output.get("data", {}).get("text/markdown", "")).split("\n\n")
    leak = [p for p in said if p.startswith("**In-leak.**")]
    context = [p for p in said if p.startswith("**Context.**")]
    assert len(leak) == 1 and len(context) == 1
    for paragraph in leak + context:
        assert "p =" not in paragraph and "95% range" in paragraph, paragraph
