"""Figures a reader can read (issue 15): the legibility check every saved figure passes,
and the null histogram that keeps both the null and the observed value in view."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from analysis.report import figures


@pytest.fixture(autouse=True)
def _style():
    figures.use_style()
    yield
    plt.close("all")


NULL = np.random.default_rng(1).normal(0.0752, 0.0008, 49)


@pytest.mark.parametrize("observed", [0.0885, 0.0760, 0.0600])
def test_the_null_histogram_shows_both_the_null_and_the_observed_value(observed):
    fig = figures.null_histogram(NULL, observed, "share of the elite's follows to the elite")
    assert figures.legibility_problems(fig) == []
    bars = [p for ax in fig.axes for p in ax.patches if p.get_height() > 0]
    lines = [line for ax in fig.axes for line in ax.get_lines() if line.get_label() == "observed"]
    assert len(bars) >= 5 and len(lines) == 1
    far = abs(observed - NULL.mean()) > figures.FAR_FROM_NULL * np.ptp(NULL)
    assert len(fig.axes) == (2 if far else 1)  # a broken axis only when the gap would squeeze the null
    if far:
        assert any("null standard deviations" in t.get_text() for t in fig.texts)


def test_the_check_finds_what_makes_a_figure_hard_to_read():
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(NULL, bins=20)
    ax.axvline(0.5)  # an observed value off the chart
    ax.set_xlim(0.0, 0.09)  # the null packed against the axis
    ax.text(0.01, 1, "tiny", fontsize=5)
    problems = " | ".join(figures.legibility_problems(fig))
    assert "'tiny' is 5.0 pt" in problems and "lies outside the axes" in problems and "px wide" in problems


def test_save_refuses_a_hard_to_read_figure_and_writes_nothing(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    ax.set_title("small", fontsize=4)
    with pytest.raises(ValueError, match="figure bad is hard to read: text 'small' is 4.0 pt"):
        figures.save(fig, "bad", folder=tmp_path)
    assert list(tmp_path.iterdir()) == []
    ax.set_title("fine")
    figures.save(fig, "good", folder=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.png", "good.svg"]


def test_captions_are_numbered_in_order():
    from analysis.report import site

    page = "<p>x</p>" + (figures.CAPTION_MARK + "a</p>") * 3
    assert site.number_figures(page).count("Figure 3.") == 1 and "Figure 1." in site.number_figures(page)


def test_the_specification_curve_draws_the_checks_hollow_and_the_counted_filled():
    import pandas as pd

    specs = pd.DataFrame({
        "statement": ["C4b-community"] * 4,
        "effect": [0.6, 0.7, 1.4, 1.5],
        "ci_low": [0.3, 0.4, 0.8, 0.9],
        "ci_high": [1.2, 1.3, 2.5, 2.6],
        "verdict": ["not supported"] * 4,
    })  # fmt: skip
    counted = np.array([True, True, False, False])
    fig = figures.specification_curve(specs, counted, band=(0.8, 1.25))
    ax = fig.axes[0]
    markers = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]  # the scatters
    filled = [c for c in markers if c.get_facecolors().shape[0]]
    hollow = [c for c in markers if not c.get_facecolors().shape[0]]
    assert [c.get_offsets()[:, 1].tolist() for c in filled] == [[0.6, 0.7]]  # sorted by effect: the counted first
    assert [c.get_offsets()[:, 1].tolist() for c in hollow] == [[1.4, 1.5]]
    assert any(t.get_text() == "hollow: a check, not counted" for t in fig.legends[0].get_texts())
    with pytest.raises(ValueError, match="one counted flag per specification"):
        figures.specification_curve(specs, counted[:3])
