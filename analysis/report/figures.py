"""One plotting style for every figure; each saved as PNG and SVG in ``reports/figures/``.

Colour-blind-safe palette (Okabe-Ito), readable labels with units, log scales
where the data span decades. Functions take data and return the figure.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns

from .. import files, paths

__all__ = [
    "OKABE_ITO",
    "NULL_COLOUR",
    "use_style",
    "figure_paths",
    "legibility_problems",
    "save",
    "CAPTION_MARK",
    "publish",
    "scatter_followers_following",
    "ratio_by_class",
    "MIN_FONT_POINTS",
    "FAR_FROM_NULL",
    "null_histogram",
    "ccdf_plot",
    "rich_club_plot",
    "mixing_heatmap",
    "reciprocity_bars",
    "elite_network",
    "ELITE_COMMUNITIES_SHOWN",
    "elite_drawings",
    "sweep_plot",
    "chain_mixing_plot",
    "dataset_sizes",
    "VERDICT_COLOURS",
    "VERDICT_MARKERS",
    "VERDICT_SYMBOLS",
    "verdict_figure",
    "specification_curve",
]

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
NULL_COLOUR = "#999999"


def use_style() -> None:
    """Apply the project's style (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=OKABE_ITO, font_scale=1.05)
    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "svg.hashsalt": "tweeterwood",
            "svg.fonttype": "none",
        }
    )


def figure_paths(name: str, folder: Path | None = None) -> list[Path]:
    """Where :func:`save` writes figure ``name``."""
    folder = Path(folder or paths.figures_dir())
    return [folder / f"{name}.png", folder / f"{name}.svg"]


def legibility_problems(fig) -> list[str]:
    """What makes ``fig`` hard to read, one line each (empty when nothing does):

    - visible text smaller than ``MIN_FONT_POINTS``;
    - a line, bar or set of points drawn entirely outside its axes (an observed value
      off the chart, a distribution clipped away);
    - bars narrower than 1.5 pixels at the saved resolution (a histogram packed
      against an axis).
    """
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    fig.canvas.draw()
    problems = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_fontsize() < MIN_FONT_POINTS - 1e-9:
            problems.append(f"text {text.get_text()[:40]!r} is {text.get_fontsize():.1f} pt")
    scale = plt.rcParams["savefig.dpi"] / fig.dpi if isinstance(plt.rcParams["savefig.dpi"], (int, float)) else 1.0
    for ax in fig.axes:
        box = ax.bbox.expanded(1.001, 1.001)

        def inside(points) -> bool:
            points = np.asarray(points, dtype=float).reshape(-1, 2)
            points = points[np.isfinite(points).all(axis=1)]
            (x0, y0), (x1, y1) = box.get_points()
            within = (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
            return not len(points) or bool(within.any())

        for line in ax.get_lines():
            if (
                line.get_visible()
                and len(line.get_xydata())
                and not inside(line.get_transform().transform(line.get_xydata()))
            ):
                problems.append(f"{ax.get_xlabel() or 'an axis'}: line {line.get_label()!r} lies outside the axes")
        bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_visible() and p.get_height() != 0]
        if bars:
            extents = [p.get_window_extent() for p in bars]
            if not any(box.overlaps(e) for e in extents):
                problems.append(f"{ax.get_xlabel() or 'an axis'}: every bar lies outside the axes")
            widths = np.array([e.width for e in extents]) * scale
            if len(widths) >= 5 and np.median(widths) < 1.5:
                problems.append(f"{ax.get_xlabel() or 'an axis'}: bars {np.median(widths):.1f} px wide")
        for collection in ax.collections:
            # scatter points (their offsets are the data; other collections' offsets are not)
            if isinstance(collection, PathCollection) and collection.get_visible() and len(collection.get_offsets()):
                offsets = collection.get_offset_transform().transform(collection.get_offsets())
                if not inside(offsets):
                    problems.append(f"{ax.get_xlabel() or 'an axis'}: points {collection.get_label()!r} lie outside")
    return problems


def save(fig, name: str, folder: Path | None = None) -> None:
    """Write ``fig`` as ``<name>.png`` and ``<name>.svg`` (see :func:`figure_paths`),
    each atomically; a figure with :func:`legibility_problems` is refused (ValueError)."""
    problems = legibility_problems(fig)
    if problems:
        raise ValueError(f"figure {name} is hard to read: " + "; ".join(problems))
    for path in figure_paths(name, folder):
        with files.atomic_path(path) as tmp:
            fig.savefig(
                tmp, format=path.suffix[1:], metadata={"Date": None} if path.suffix == ".svg" else {"Software": None}
            )


CAPTION_MARK = '<p class="tw-caption"><b>Figure.</b> '


def publish(fig, name: str, caption: str, folder: Path | None = None) -> None:
    """Save ``fig`` (:func:`save`), show it in the notebook and, under it, its caption:
    what is plotted, the data, and the null it is set against (or that none is). The
    reports number the captions in order ("Figure 1.", "Figure 2.", ...)."""
    import html

    from IPython.display import HTML, display

    if not caption.strip():
        raise ValueError(f"figure {name} needs a caption")
    save(fig, name, folder)
    display(fig)
    plt.close(fig)
    display(HTML(f"{CAPTION_MARK}{html.escape(caption.strip(), quote=False)}</p>"))


def scatter_followers_following(accounts: pd.DataFrame, hue: str, highlight=(), ax=None):
    """Followers against accounts followed (log-log), coloured by a class column."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 5.5))
    data = accounts.assign(friends_plot=accounts["friends"].clip(lower=0.8))
    sns.scatterplot(
        data=data,
        x="followers",
        y="friends_plot",
        hue=hue,
        s=10,
        alpha=0.6,
        linewidth=0,
        ax=ax,
        palette=OKABE_ITO[: data[hue].nunique()],
    )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="followers (accounts, July 2009)",
        ylabel="following (accounts, July 2009; 0 shown at 0.8)",
    )
    lims = [data["followers"].min(), data["followers"].max()]
    ax.plot(lims, lims, color=NULL_COLOUR, lw=1, ls="--", label="following = followers")
    for name in highlight:
        row = data[data["screen_name"] == name]
        if len(row):
            ax.annotate(
                "@" + name,
                (row["followers"].iloc[0], row["friends_plot"].iloc[0]),
                fontsize=8,
                xytext=(4, 4),
                textcoords="offset points",
            )
    ax.legend(title=hue, loc="lower left", fontsize=8)
    return fig


def ratio_by_class(accounts: pd.DataFrame, column: str, ratio: str = "ratio", ax=None):
    """Distribution of the friends/followers ratio by class (log scale)."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 4))
    data = accounts[accounts[ratio] > 0]
    sns.boxplot(
        data=data,
        x=ratio,
        y=column,
        ax=ax,
        showfliers=False,
        width=0.5,
        palette=OKABE_ITO[: data[column].nunique()],
        hue=column,
        legend=False,
    )
    ax.set(xscale="log", xlabel="following / followers (log scale)", ylabel="")
    return fig


MIN_FONT_POINTS = 8  # no text in a figure is smaller (checked by the tests)
FAR_FROM_NULL = 2.0  # observed further than this many null ranges away: the axis is broken


def null_histogram(null_values, observed: float, xlabel: str, title: str = "", ax=None):
    """Histogram of a statistic under the null with the observed value marked.

    The bars are drawn dark with edges, over bins of the null's own range, so that
    they stay visible however far away the observed value lies. When the observed
    value is more than ``FAR_FROM_NULL`` null ranges (max - min) from the nearest
    null sample, the x axis is broken in two panels (the null's range; the observed
    value's neighbourhood, at the same scale) and the gap is stated in null standard
    deviations. ``ax`` (one axis) forces a single panel."""
    null = np.asarray(null_values, dtype=float)
    null = null[np.isfinite(null)]
    low, high = (float(null.min()), float(null.max())) if len(null) else (observed, observed)
    width = high - low if high > low else max(abs(observed) * 0.01, 1e-12)
    gap = max(low - observed, observed - high, 0.0)
    far = gap > FAR_FROM_NULL * width and ax is None
    if ax is not None:
        fig = ax.figure
        axes = [ax]
    elif far:
        fig, axes = plt.subplots(
            1, 2, figsize=(6.5, 3.5), sharey=True, gridspec_kw={"width_ratios": [3, 1.2], "wspace": 0.08}
        )
    else:
        fig, one = plt.subplots(figsize=(6, 3.5))
        axes = [one]
    hist_ax = axes[0] if observed > high or not far else axes[1]
    obs_ax = axes[-1] if observed > high or not far else axes[0]
    edges = np.linspace(low - 0.05 * width, high + 0.05 * width, 16)
    hist_ax.hist(null, bins=edges, color="#6b6b6b", edgecolor="white", linewidth=0.6, label="null samples")
    obs_ax.axvline(observed, color=OKABE_ITO[3], lw=2.5, label="observed")
    if far:
        pad = 0.6 * width
        hist_ax.set_xlim(low - pad, high + pad)
        obs_ax.set_xlim(observed - pad, observed + pad)
        left, right = (hist_ax, obs_ax) if observed > high else (obs_ax, hist_ax)
        left.spines["right"].set_visible(False)
        right.spines["left"].set_visible(False)
        right.tick_params(left=False)
        for axis, x in ((left, 1), (right, 0)):  # the break marks
            axis.plot([x, x], [0, 0], transform=axis.transAxes, marker=[(-1, -1.5), (1, 1.5)], markersize=10,
                      linestyle="none", color="k", clip_on=False)  # fmt: skip
        sd = float(null.std(ddof=1)) if len(null) > 1 else float("nan")
        distance = abs(observed - null.mean()) / sd if sd > 0 else float("nan")
        for axis in axes:
            axis.xaxis.set_major_locator(plt.MaxNLocator(nbins=3 if axis is obs_ax else 4))
        fig.supxlabel(xlabel, fontsize=11, y=-0.03)
        fig.text(0.5, -0.11, f"axis broken: the observed value lies {distance:,.0f} null standard deviations "
                 "from the null mean", ha="center", fontsize=9)  # fmt: skip
    else:
        lo, hi = min(low, observed), max(high, observed)
        span = hi - lo if hi > lo else width
        axes[0].set_xlim(lo - 0.1 * span, hi + 0.1 * span)
        axes[0].set_xlabel(xlabel)
    axes[0].set_ylabel("null samples (count)")
    if title:
        fig.suptitle(title)
    handles = [h for axis in axes for h in axis.get_legend_handles_labels()[0]]
    labels = [lab for axis in axes for lab in axis.get_legend_handles_labels()[1]]
    axes[0].legend(handles, labels, loc="upper left", fontsize=9, framealpha=0.9)
    return fig


def ccdf_plot(series: dict, xlabel: str, ax=None):
    """Complementary CDFs, log-log: ``series`` maps a label to ``(x, P(X >= x))``."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(6, 4.5))
    for (label, (x, p)), colour in zip(series.items(), OKABE_ITO):
        keep = x > 0
        ax.step(x[keep], p[keep], where="post", label=label, color=colour)
    ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel="P(X ≥ x)")
    ax.legend()
    return fig


def rich_club_plot(ks, rho, band_low, band_high, ax=None):
    """Normalised directed rich-club rho(k) with the null's 95% band (rho = 1 is the null)."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(6.5, 4))
    ax.fill_between(ks, band_low, band_high, color=NULL_COLOUR, alpha=0.4, label="null 95% band")
    ax.plot(ks, rho, marker="o", color=OKABE_ITO[0], label="observed ρ(k)")
    ax.axhline(1.0, color="black", lw=0.8, ls="--")
    ax.set(xscale="log", xlabel="k (top accounts by followers in the graph)", ylabel="ρ(k) = φ(k) / null mean φ(k)")
    ax.legend()
    return fig


def mixing_heatmap(matrix: pd.DataFrame, title: str, fmt: str = ".2f", ax=None):
    """Class-by-class heatmap (rows: follower class, columns: followee class)."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(5.5, 4.5))
    sns.heatmap(matrix, annot=True, fmt=fmt, cmap="viridis", cbar_kws={"label": "share of the row's follows"}, ax=ax)
    ax.set(title=title, xlabel="followee class", ylabel="follower class")
    return fig


def reciprocity_bars(table: pd.DataFrame, ax=None):
    """Observed against null reciprocity per class pair, with the null's 95% interval."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 4))
    labels = table["pair"].tolist()
    y = np.arange(len(labels))
    ax.errorbar(
        table["expected"],
        y,
        xerr=[table["expected"] - table["null_low"], table["null_high"] - table["expected"]],
        fmt="s",
        color=NULL_COLOUR,
        label="null mean and 95% range",
        capsize=3,
    )
    ax.scatter(table["observed"], y, color=OKABE_ITO[3], zorder=3, label="observed")
    ax.set_yticks(y, labels)
    ax.set(xlabel="share of follows that are reciprocated", xlim=(0, 1))
    ax.legend(loc="lower right", fontsize=8)
    return fig


def elite_network(graph: nx.DiGraph, sizes: dict, colours: dict, labels: dict, title: str, seed: int, ax=None):
    """Drawing of the elite subgraph: node area by followers, colour by class or community."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(8, 8))
    position = nx.spring_layout(graph.to_undirected(), seed=seed, k=0.6)
    max_size = max(sizes.values()) if sizes else 1
    nx.draw_networkx_edges(graph, position, ax=ax, alpha=0.15, arrows=False, width=0.5)
    nx.draw_networkx_nodes(
        graph,
        position,
        ax=ax,
        node_size=[20 + 600 * sizes[v] / max_size for v in graph],
        node_color=[colours[v] for v in graph],
        linewidths=0.3,
        edgecolors="white",
    )
    nx.draw_networkx_labels(graph, position, labels=labels, font_size=MIN_FONT_POINTS, ax=ax)
    ax.set_title(title)
    ax.axis("off")
    return fig


ELITE_COMMUNITIES_SHOWN = 6  # the elite drawing colours this many largest communities, the rest grey


def elite_drawings(lg, membership, sizes, names, hand_labels, seed: int, n_named: int = 15,
                   n_communities: int = ELITE_COMMUNITIES_SHOWN):  # fmt: skip
    """Two drawings of the elite subgraph side by side: coloured by community (the
    ``n_communities`` largest; the rest grey) and by hand label. ``sizes``, ``names``
    and ``hand_labels`` are aligned with ``lg.elite``; the ``n_named`` largest are labelled."""
    from ..graph.measures import subgraph

    elite = lg.elite.tolist()
    graph = subgraph(lg.graph.src, lg.graph.dst, lg.elite)
    size_of = dict(zip(elite, np.asarray(sizes, dtype=float)))
    named = set(np.array(elite)[np.argsort(-np.asarray(sizes, dtype=float))[:n_named]].tolist())
    labels = {v: n for v, n in zip(elite, names) if v in named}
    rank = {c: i for i, c in enumerate(pd.Series(np.asarray(membership)[lg.elite]).value_counts().index)}
    by_community = {
        v: OKABE_ITO[rank[membership[v]]] if rank[membership[v]] < n_communities else "#cccccc" for v in elite
    }
    label_colour = {"personal": OKABE_ITO[0], "organization": OKABE_ITO[1]}
    by_label = {v: label_colour.get(h, "#bbbbbb") for v, h in zip(elite, hand_labels)}
    fig, axes = plt.subplots(1, 2, figsize=(15, 7.5))
    elite_network(
        graph,
        size_of,
        by_community,
        labels,
        f"Coloured by Louvain community ({n_communities} largest)",
        seed,
        ax=axes[0],
    )
    elite_network(
        graph,
        size_of,
        by_label,
        labels,
        "Coloured by hand label (blue personal, orange organization)",
        seed,
        ax=axes[1],
    )
    return fig


def sweep_plot(frame: pd.DataFrame, x: str, y: str, low: str, high: str, xlabel: str, ylabel: str, ax=None):
    """Effect against a swept parameter with its 95% interval; y = 1 is the null."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(6.5, 4))
    ax.errorbar(
        frame[x],
        frame[y],
        yerr=[frame[y] - frame[low], frame[high] - frame[y]],
        fmt="o-",
        color=OKABE_ITO[0],
        capsize=3,
    )
    ax.axhline(1.0, color="black", lw=0.8, ls="--")
    ax.set(xscale="log", xlabel=xlabel, ylabel=ylabel)
    return fig


def chain_mixing_plot(tables: dict, tolerance: float, used: float, decisive: dict):
    """The mixing diagnostic, one panel per rewiring chain: each statistic's ``|z|`` (its
    paired distance from its value at the longest reading, in standard errors; symmetric
    log scale) against the chain length, the tolerance (dashed) and the length used
    (dotted). ``tables``: :attr:`analysis.nulls.mixing.Mixing.table` by chain name;
    ``decisive``: the statistic that settled last in each chain, drawn in colour."""
    fig, axes = plt.subplots(1, len(tables), figsize=(4.2 * len(tables), 3.8), sharey=True, squeeze=False)
    for ax, (name, table) in zip(axes[0], tables.items()):
        for statistic, rows in table.groupby("statistic", sort=False):
            last = statistic == decisive.get(name)
            ax.plot(rows["switches_per_edge"], rows["z"].abs().clip(upper=1e4), marker="o" if last else None,
                    color=OKABE_ITO[0] if last else NULL_COLOUR, lw=2 if last else 0.8, alpha=1 if last else 0.6,
                    label="the last to settle" if last else None, zorder=3 if last else 2)  # fmt: skip
        ax.axhline(tolerance, color="black", ls="--", lw=0.9, label=f"tolerance ({tolerance:g} SE)")
        ax.axvline(used, color=OKABE_ITO[3], ls=":", lw=1.2, label=f"length used ({used:g})")
        ax.set(xscale="log", yscale="symlog", title=f"{name} chain", xlabel="accepted switches per edge")
        readings = sorted(table["switches_per_edge"].unique())
        ax.set_xticks(readings, [f"{c:g}" for c in readings], fontsize=8)
        ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
        ax.set_ylim(0, None)
        ax.title.set_fontsize(10)
    axes[0][0].set_ylabel("|z| from the longest reading")
    axes[0][-1].legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def dataset_sizes(frame: pd.DataFrame, ax=None):
    """Accounts and follows of each dataset (log scale): ``frame`` has columns dataset, accounts, follows."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 3.5))
    long = frame.melt(id_vars="dataset", value_vars=["accounts", "follows"], var_name="what", value_name="count")
    sns.barplot(data=long, y="dataset", x="count", hue="what", ax=ax, palette=OKABE_ITO[:2])
    ax.set(xscale="log", xlabel="count (log scale)", ylabel="")
    ax.legend(title="")
    return fig


VERDICT_COLOURS = {"supported": OKABE_ITO[2], "contradicted": OKABE_ITO[3], "negligible": OKABE_ITO[1]}
VERDICT_MARKERS = {"supported": "o", "contradicted": "X", "negligible": "D", "not supported": "s"}
# the same shapes as text, for tables: the verdict reads without colour
VERDICT_SYMBOLS = {"supported": "●", "contradicted": "✖", "negligible": "◆", "not supported": "■",
                   "partly supported": "◐", "not testable with this data": "○", "descriptive": "·"}  # fmt: skip


def verdict_figure(table: pd.DataFrame, band=None, ax=None):
    """A forest plot: each tested statement's effect (observed / expected) with its interval,
    log scale; colour and marker both say the verdict (the marker alone is enough without
    colour); ``band`` shades the practical band of negligible effects."""
    height = max(3.0, 0.35 * len(table) + 1.2)
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7.5, height))
    table = table.iloc[::-1]
    y = np.arange(len(table))
    ratio = table["effect"].astype(float).to_numpy()
    low = table["ci_low"].astype(float).to_numpy()
    high = table["ci_high"].astype(float).to_numpy()
    if band is not None:
        ax.axvspan(band[0], band[1], color="#eeeeee", zorder=0, label="practical band (negligible)")
    ax.errorbar(ratio, y, xerr=[np.clip(ratio - low, 0, None), np.clip(high - ratio, 0, None)], fmt="none",
                ecolor="black", capsize=3)  # fmt: skip
    for word in table["verdict"].unique():
        mine = (table["verdict"] == word).to_numpy()
        ax.scatter(ratio[mine], y[mine], c=VERDICT_COLOURS.get(word, NULL_COLOUR),
                   marker=VERDICT_MARKERS.get(word, "o"), s=60, zorder=3, label=word)  # fmt: skip
    ax.axvline(1.0, color="black", ls="--", lw=0.8)
    ax.set_yticks(y, table["id"])
    ax.set(xscale="log", xlabel="effect: observed / expected under the null (log scale)")
    ax.legend(loc="best", fontsize=8)
    return fig


def specification_curve(specifications: pd.DataFrame, counted, band=None, columns: int = 2):
    """One panel per statement: every specification's effect with its interval (log
    scale), sorted by effect; marker and colour say the verdict word, hollow markers
    the checks, the rows where ``counted`` (a boolean per row of ``specifications``,
    :func:`analysis.claims.specification.counted`) is False: the robustness share leaves
    them out (the null's interval only, which can never say supported, or a union-graph
    null on sampled networks); ``band`` shades the practical band; y = 1 is no effect."""
    counted = np.asarray(counted, dtype=bool)
    if counted.shape != (len(specifications),):
        raise ValueError("one counted flag per specification is needed")
    specifications = specifications.assign(counted_=counted)
    statements = list(dict.fromkeys(specifications["statement"]))
    rows = max(1, -(-len(statements) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 2.6 * rows + 0.6), squeeze=False)
    for ax, sid in zip(axes.ravel(), statements):
        block = specifications[specifications["statement"] == sid].sort_values("effect").reset_index(drop=True)
        x = np.arange(len(block))
        effect = block["effect"].astype(float).to_numpy()
        low = np.where(np.isfinite(block["ci_low"].astype(float)), block["ci_low"].astype(float), effect)
        high = np.where(np.isfinite(block["ci_high"].astype(float)), block["ci_high"].astype(float), effect)
        if band is not None:
            ax.axhspan(band[0], band[1], color="#eeeeee", zorder=0)
        ax.errorbar(x, effect, yerr=[np.clip(effect - low, 0, None), np.clip(high - effect, 0, None)], fmt="none",
                    ecolor="#555555", lw=0.8, zorder=1)  # fmt: skip
        for word in block["verdict"].unique():
            for filled in (True, False):
                mine = ((block["verdict"] == word) & (block["counted_"] == filled)).to_numpy()
                if mine.any():
                    colour = VERDICT_COLOURS.get(word, NULL_COLOUR)
                    ax.scatter(x[mine], effect[mine], marker=VERDICT_MARKERS.get(word, "o"), s=30, zorder=3,
                               facecolors=colour if filled else "none", edgecolors=colour, label=word)  # fmt: skip
        ax.axhline(1.0, color="black", ls="--", lw=0.8)
        ax.set(yscale="log", title=sid, xlabel="specification (sorted by effect)", ylabel="effect (log)")
        ax.set_xticks([])
    for ax in axes.ravel()[len(statements) :]:
        ax.set_visible(False)
    handles = {}
    for ax in axes.ravel():
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    if (~counted).any():  # hollow markers: say what they mean
        handles["hollow: a check, not counted"] = plt.Line2D([], [], ls="", marker="o", markerfacecolor="none",
                                                                markeredgecolor=NULL_COLOUR)  # fmt: skip
    if handles:
        fig.legend(handles.values(), handles.keys(), loc="lower center", ncol=min(len(handles), 4), fontsize=8,
                   frameon=False)  # fmt: skip
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
