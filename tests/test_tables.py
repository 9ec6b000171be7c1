"""Tables made for reading (issue 15): headers, intervals, numbers, alignment, no index."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.report import site, tables


def _cells(styler) -> tuple[list[str], list[list[str]]]:
    html = re.sub(r"<style.*?</style>", "", styler.to_html(), flags=re.S)
    heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", html, flags=re.S)]
    rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], flags=re.S)]  # fmt: skip
    return heads, rows


def test_headers_intervals_and_numbers_are_for_a_reader():
    table = pd.DataFrame({"statement": ["C2a", "C4a"], "effect": [0.750241, 2.521965], "ci_low": [0.681938, 2.2207],
                          "ci_high": [0.82, 2.815326], "p_value": [5.4e-24, 0.0345], "p_bh": [1e-20, 0.05],
                          "edges": [1768135, 965], "verified": [True, False], "share": [np.nan, 0.5]})  # fmt: skip
    heads, rows = _cells(tables.readable(table))
    assert heads == ["statement", "effect", "95% interval", "p", "adjusted p (BH)", "edges", "verified", "share"]
    assert rows[0] == ["C2a", "0.75", "0.682 to 0.82", "&lt; 0.001", "&lt; 0.001", "1,768,135", "yes", "–"]
    assert rows[1] == ["C4a", "2.52", "2.22 to 2.82", "0.035", "0.05", "965", "no", "0.5"]


def test_the_index_shows_only_when_it_means_something():
    counts = pd.DataFrame([[965, 3244], [28110, 145368]], index=pd.Index(["celebrity", "regular"], name="follower"),
                          columns=["celebrity", "regular"])  # fmt: skip
    html = tables.readable(counts).to_html()
    assert ">follower<" in html and ">28,110<" in html and "145,368" in html
    plain = tables.readable(pd.DataFrame({"a": [1, 2]})).to_html()
    assert 'class="row_heading' not in plain  # the default 0, 1, 2... index is hidden
    assert tables.readable(counts).to_html() == tables.readable(counts).to_html()  # same table, same bytes


def test_numbers_are_formatted_to_their_precision():
    assert [tables.format_number(v) for v in (1234567.0, 0.000123456, 12.3456, 5, np.nan, True)] == [
        "1,234,567", "0.000123", "12.3", "5", "–", "yes"]  # fmt: skip
    assert [tables.format_p(p) for p in (0.0004, 0.0123, 0.5, None)] == ["< 0.001", "0.012", "0.5", "–"]
    assert tables.header("two_sided_p") == "two sided p" and tables.header("ci_low") == "95% interval, low"
    with pytest.raises(TypeError):
        tables.readable([1, 2])


def test_text_is_left_aligned_and_numbers_right():
    html = tables.readable(pd.DataFrame({"name": ["a"], "value": [1.5]})).to_html()
    css = re.search(r"<style.*?</style>", html, flags=re.S).group(0)
    assert "text-align: left" in css and "text-align: right" in css


def test_code_is_folded_at_the_head_of_each_code_cells_outputs():
    import nbformat

    node = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# a"), nbformat.v4.new_code_cell("x = 1"),
                                           nbformat.v4.new_code_cell("")])  # fmt: skip
    site.fold_code(node)
    folded = node.cells[1].outputs[0]["data"]["text/html"]
    assert folded.startswith('<details class="tw-code"><summary>Show the code</summary>') and "x" in folded
    assert node.cells[2].outputs == [] and "outputs" not in node.cells[0]
