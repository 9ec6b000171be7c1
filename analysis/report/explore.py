"""The logic of the JupyterLab explorer (``notebooks/explore.ipynb``): plain functions that
take the settings (dataset, elite definition, statement, null family) and return the
answer, its figure and a view of the elite's follow network.

Answers use the analytic (maximum-entropy) nulls, so that changing a control answers in
seconds: :class:`Explorer` loads each dataset once, fits its design-aware nulls once
(:func:`analysis.claims.design.fit_design`, cached on disk in
:func:`analysis.paths.fit_cache_dir`) and then evaluates each elite definition on that
fit. The verdict word is the catalogue's rule
(:func:`analysis.claims.catalogue.statement_verdict`) applied to the unadjusted p-value:
it is the verdict *before* the Benjamini-Hochberg adjustment of notebook 06, which can
only raise a p-value. :meth:`Explorer.exact` runs the union graph's rewiring ensemble
for one statement (the exact, slow answer), with a progress callback.

The notebook builds the widgets and wires them to these functions; no analysis code
lives in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from .. import paths
from ..claims import catalogue, design, families, follow_back
from ..data import sources
from ..graph import labelled, measures
from ..graph.labelled import LabelledGraph
from ..nulls import rewiring
from ..stats import inference
from . import figures, tables

__all__ = [
    "STATEMENTS",
    "NULLS",
    "ELITE_KINDS",
    "REWIRING_MODEL",
    "BEFORE_ADJUSTMENT",
    "PLOTLY_MIME",
    "elite_definition",
    "Answer",
    "Exact",
    "NetworkView",
    "Explorer",
    "answer_markdown",
    "answer_figure",
    "exact_markdown",
    "exact_figure",
    "network_figure",
    "plotly_bundle",
]

STATEMENTS = design.STATEMENTS  # the graph statements with a design-aware test
NULLS = {
    "design": "design-aware maximum entropy (the verdict's test)",
    "union": "union-graph maximum entropy (a check beside it)",
}
ELITE_KINDS = ("verified", "top", "threshold", "label")
REWIRING_MODEL = {"C2a": "degree", "C2b-chance": "degree", "C4a": "degree", "C2b-budget": "reciprocal",
                  "C5": "reciprocal", "C5-vs-regular": "reciprocal"}  # fmt: skip
BEFORE_ADJUSTMENT = "before the Benjamini-Hochberg adjustment of notebook 06"
PLOTLY_MIME = "application/vnd.plotly.v1+json"  # drawn by plotly's JupyterLab extension (plotly.js ships with it)


def elite_definition(kind: str, value=None) -> str:
    """The elite definition string of a control's settings: ``("top", 100)`` ->
    ``"top:100"``, ``("threshold", 1e6)`` -> ``"threshold:1000000"`` (rounded to a whole
    number of followers), ``("label",
    "personal")`` -> ``"label:personal"``, ``("verified", None)`` -> ``"verified"``
    (checked by :func:`analysis.graph.labelled.parse_elite`)."""
    if kind == "verified":
        text = "verified"
    elif kind in ("top", "threshold"):
        text = f"{kind}:{max(1, round(float(value)))}"  # follower counts are whole numbers (a log slider's are not)
    else:
        text = f"{kind}:{value}"
    labelled.parse_elite(text)
    return text


@dataclass(frozen=True)
class Answer:
    """One statement's answer under one setting: the ``test`` (None when untested, with the
    ``reason``), the verdict word by the catalogue's rule before the adjustment across
    statements, and the settings and the elite's size it was computed for."""

    dataset: str
    elite: str
    statement: str
    null: str
    test: inference.TestResult | None
    verdict: str
    reason: str
    elite_size: int
    seed: int

    def as_dict(self) -> dict:
        """The answer as plain values (effect, interval, two-sided p, verdict, settings)."""
        test = self.test
        return {
            "dataset": self.dataset, "elite": self.elite, "statement": self.statement, "null": self.null,
            "effect": None if test is None else test.ratio, "ci_low": None if test is None else test.ci_low,
            "ci_high": None if test is None else test.ci_high, "p_value": None if test is None else test.p_two_sided,
            "interval": None if test is None else test.interval, "verdict": self.verdict, "reason": self.reason,
            "elite_size": self.elite_size, "seed": self.seed,
        }  # fmt: skip


@dataclass(frozen=True)
class Exact:
    """The union graph's rewiring test of one statement: the ``test``, the ensemble's
    values (``null``, one per sample) and the verdict word before the adjustment."""

    dataset: str
    elite: str
    statement: str
    model: str
    test: inference.TestResult | None
    null: np.ndarray
    verdict: str
    reason: str
    seed: int


@dataclass(frozen=True)
class NetworkView:
    """The elite's follow network for drawing: one row per node (``node``, ``name``,
    ``followers``, ``community``, ``label``, ``x``, ``y``) and the follows among them
    (``edges``: pairs of row positions); ``shown`` of ``elite_size`` accounts (the most
    followed when the elite is larger than the view allows)."""

    nodes: pd.DataFrame
    edges: np.ndarray
    elite: str
    elite_size: int
    shown: int
    followers_from: str
    community_from: str


@dataclass
class _Dataset:
    """What the explorer keeps of one dataset: its description, graph and accounts, ego
    table and networks, the design-aware fit, the union-graph fits and its communities."""

    info: sources.DatasetInfo
    inputs: sources.GraphInputs
    ego_table: pd.DataFrame | None
    egos: design.EgoNetworks | None = None
    fit: design.DesignFit | None = None
    union_fits: dict = field(default_factory=dict)
    communities: np.ndarray | None = None


def _verdict(test: inference.TestResult | None, direction: str) -> str:
    """The catalogue's verdict word for one unadjusted test (not testable without one)."""
    if test is None:
        return catalogue.NOT_TESTABLE
    return catalogue.statement_verdict(test.ratio, test.ci_low, test.ci_high, test.p_two_sided, direction,
                                       sampling=test.interval == "sampling")  # fmt: skip


class Explorer:
    """The explorer's state: each dataset loaded once, its design-aware fit made once
    (``cache``: the folder of :func:`analysis.nulls.maxent.fit_model`, by default
    :func:`analysis.paths.fit_cache_dir`), the tests of each elite definition kept, so a
    change of statement or null family costs nothing. ``seed`` seeds every random draw
    (each answer starts a generator from it, so an answer does not depend on the order
    of the questions); ``n_boot``: account resamples of the design-aware tests (fewer
    than the notebooks' 2000, so that a new elite is answered in seconds on ego-Twitter;
    the effect does not depend on it, the interval and p-value only by resampling
    noise); ``tol``: the design-aware fits' tolerance."""

    def __init__(self, seed: int, n_boot: int = 500, tol: float = design.DESIGN_TOL, cache: Path | None = None):
        """An explorer with nothing loaded yet (see the class docstring for the arguments)."""
        self.seed = int(seed)
        self.n_boot = int(n_boot)
        self.tol = float(tol)
        self.cache = paths.fit_cache_dir() if cache is None else Path(cache)
        self._datasets: dict[str, _Dataset] = {}
        self._labelled: dict[tuple[str, str], LabelledGraph] = {}
        self._tests: dict[tuple[str, str, str], tuple[dict, dict]] = {}

    def dataset(self, dataset: str) -> _Dataset:
        """The loaded dataset (a registered name or a descriptor path), loaded on first use."""
        info = sources.describe(dataset)
        if info.name not in self._datasets:
            inputs = sources.graph_inputs(info.name)
            self._datasets[info.name] = _Dataset(info, inputs, sources.ego_table(info.name))
        return self._datasets[info.name]

    def elite_kinds(self, dataset: str) -> tuple[str, ...]:
        """The elite definitions the dataset allows: profile-based ones (``verified``,
        ``label``) only where its accounts have the column; ``top``/``threshold`` always."""
        accounts = self.dataset(dataset).inputs.accounts
        have = set() if accounts is None else set(accounts.columns)
        return tuple(k for k in ELITE_KINDS if k in ("top", "threshold") or k in have)

    def labels(self, dataset: str) -> list[str]:
        """The values of the dataset's account labels (for ``label:X``), most common first."""
        accounts = self.dataset(dataset).inputs.accounts
        if accounts is None or "label" not in accounts:
            return []
        return accounts["label"].astype(str).value_counts().index.tolist()

    def ranges(self, dataset: str) -> dict:
        """Bounds for the elite controls: ``top_max`` (at most half of the accounts ranked by
        followers, at most 2000) and, for ``threshold:N``, the exponents of ten
        ``threshold_low`` and ``threshold_high`` spanning the follower counts ranked (the
        accounts' profile counts where there are profiles, else followers inside the
        graph) and ``threshold_default``, the count of the hundredth most followed."""
        d = self.dataset(dataset)
        accounts = d.inputs.accounts
        if accounts is not None and "followers" in accounts:
            counts = accounts["followers"].to_numpy(dtype=float)
        else:
            counts = measures.in_degree(d.inputs.graph.dst, d.inputs.graph.n).astype(float)
        counts = np.sort(counts[counts > 0])[::-1]
        if not len(counts):
            return {"top_max": 5, "threshold_low": 0.0, "threshold_high": 1.0, "threshold_default": 1.0}
        return {
            "top_max": int(max(5, min(2000, len(counts) // 2))),
            "threshold_low": float(np.floor(np.log10(counts[-1]) * 4) / 4),
            "threshold_high": float(np.ceil(np.log10(counts[0]) * 4) / 4),
            "threshold_default": float(counts[min(99, len(counts) - 1)]),
        }

    def default_elite(self, dataset: str) -> str:
        """The elite the project uses for the dataset: a descriptor's own ``[elite]``,
        ``verified`` for graphs with profiles, otherwise ``top:100``."""
        d = self.dataset(dataset)
        if d.inputs.elite is not None:
            return d.inputs.elite
        return "verified" if "verified" in self.elite_kinds(dataset) else "top:100"

    def labelled(self, dataset: str, elite: str) -> LabelledGraph:
        """The dataset's graph classed by ``elite`` (the project's one rule,
        :func:`analysis.graph.labelled.label_graph`), kept per definition."""
        d = self.dataset(dataset)
        key = (d.info.name, elite)
        if key not in self._labelled:
            self._labelled[key] = labelled.label_graph(d.inputs.name, d.inputs.graph, d.inputs.accounts, elite)
        return self._labelled[key]

    def fit(self, dataset: str) -> design.DesignFit | None:
        """The design-aware fit of an ego-sampled dataset, made once (None for a whole graph,
        whose tests fit the graph itself)."""
        d = self.dataset(dataset)
        if d.ego_table is None:
            return None
        if d.fit is None:
            g = d.inputs.graph  # the ego networks and the fit depend on the graph, not on any elite
            unlabelled = LabelledGraph(d.inputs.name, g, np.full(g.n, "regular"), np.zeros(g.n, dtype=bool))
            d.egos = design.ego_networks(unlabelled, d.ego_table)
            d.fit = design.fit_design(d.inputs.graph, d.egos, tol=self.tol, cache=self.cache)
        return d.fit

    def tests(self, dataset: str, elite: str, null: str = "design") -> tuple[dict, dict]:
        """``(tests, untested)`` of every graph statement for one elite definition under
        ``null`` (``"design"``: :func:`analysis.claims.design.design_tests` on the cached fit;
        ``"union"``: :func:`analysis.claims.families.maxent_union_tests` with the union
        fits kept per dataset), computed once per setting."""
        if null not in NULLS:
            raise ValueError(f"unknown null family {null!r}: one of {list(NULLS)}")
        d = self.dataset(dataset)
        key = (d.info.name, elite, null)
        if key not in self._tests:
            lg = self.labelled(dataset, elite)
            rng = np.random.default_rng(self.seed)
            if null == "design":
                fit = self.fit(dataset)
                found = design.design_tests(lg, rng, d.egos, n_boot=self.n_boot, fit=fit)
                self._tests[key] = (found.tests, found.untested)
            else:
                found = families.maxent_union_tests(lg, STATEMENTS, fits=d.union_fits, cache=self.cache)
                missing = {sid: "no such follows in the graph" for sid in STATEMENTS if sid not in found["tests"]}
                self._tests[key] = (found["tests"], missing)
        return self._tests[key]

    def _union_test(self, dataset: str, elite: str, statement: str) -> tuple[dict, dict]:
        """:func:`analysis.claims.families.maxent_union_tests` of one statement (no random
        draw, so the same as the statement's entry when all are computed), kept per setting."""
        d = self.dataset(dataset)
        key = (d.info.name, elite, f"union:{statement}")
        if (d.info.name, elite, "union") in self._tests:
            return self._tests[(d.info.name, elite, "union")]
        if key not in self._tests:
            lg = self.labelled(dataset, elite)
            found = families.maxent_union_tests(lg, (statement,), fits=d.union_fits, cache=self.cache)["tests"]
            self._tests[key] = (found, {} if found else {statement: "no such follows in the graph"})
        return self._tests[key]

    def answer(self, dataset: str, elite: str, statement: str, null: str = "design") -> Answer:
        """The answer to one statement under one setting (see :class:`Answer`)."""
        if statement not in STATEMENTS:
            raise ValueError(f"the explorer answers the graph statements {list(STATEMENTS)}, not {statement!r}")
        if null == "union":
            tests, untested = self._union_test(dataset, elite, statement)
        else:
            tests, untested = self.tests(dataset, elite, null)
        test = tests.get(statement)
        entry = catalogue.statement(statement)
        lg = self.labelled(dataset, elite)
        return Answer(self.dataset(dataset).info.name, elite, statement, null, test, _verdict(test, entry.direction),
                      untested.get(statement, ""), int(lg.is_elite.sum()), self.seed)  # fmt: skip

    def exact(self, dataset: str, elite: str, statement: str, n_null: int, switches_per_edge: float = 5.0,
              progress=None, workers: int = 1, scheduler=None) -> Exact:  # fmt: skip
        """The union graph's rewiring test of one statement (``n_null`` samples of
        ``switches_per_edge`` accepted switches per edge; C2a, C2b-chance and C4a against
        directed degree-preserving rewiring, the others against degree- and
        reciprocity-preserving rewiring), the statistic of notebooks 03 and 04.
        ``progress(done, total)`` is called after each sample. Ties with the null are
        broken at random; the generator is started from the explorer's seed."""
        if statement not in REWIRING_MODEL:
            raise ValueError(f"no rewiring test of {statement!r}: one of {list(REWIRING_MODEL)}")
        lg = self.labelled(dataset, elite)
        g, model, entry = lg.graph, REWIRING_MODEL[statement], catalogue.statement(statement)
        rng = np.random.default_rng(self.seed)
        if statement == "C4a":
            is_elite = np.asarray(lg.is_elite, dtype=bool)
            statistic, column = (lambda s, d: measures.elite_closure(s, d, is_elite)), None
        elif model == "degree":
            statistic = follow_back.degree_statistic(lg.classes, g.n)
            column = (
                0 if statement == "C2a" else 1 + follow_back.FOLLOW_BACK_PAIRS.index(("regular", "celebrity", "less"))
            )
        else:
            statistic = follow_back.reciprocal_statistic(lg.classes, g.n)
            pair = {"C2b-budget": ("regular", "celebrity", "less"), "C5": ("celebrity", "celebrity", "greater")}
            column = -1 if statement == "C5-vs-regular" else follow_back.FOLLOW_BACK_PAIRS.index(pair[statement])
        observed = np.asarray(statistic(g.src, g.dst), dtype=float)
        observed = float(observed if column is None else observed[column])
        name = self.dataset(dataset).info.name
        if not np.isfinite(observed):
            return Exact(name, elite, statement, model, None, np.empty(0), catalogue.NOT_TESTABLE,
                         "the statistic is undefined on this graph (no such follows)", self.seed)  # fmt: skip
        null = rewiring.null_ensemble(g.src, g.dst, g.n, statistic, n_null, rng, model=model,
                                      switches_per_edge=switches_per_edge, progress=progress or False,
                                      workers=workers, scheduler=scheduler)  # fmt: skip
        null = null.reshape(n_null, -1)[:, 0 if column is None else column]
        if not np.isfinite(null).any():
            return Exact(name, elite, statement, model, None, null, catalogue.NOT_TESTABLE,
                         "the statistic is undefined in every null sample", self.seed)  # fmt: skip
        test = inference.ensemble_test(entry.statistic, observed, null, rewiring.NULL_DESCRIPTIONS[model],
                                       entry.direction, tie_rng=rng)  # fmt: skip
        return Exact(name, elite, statement, model, test, null, _verdict(test, entry.direction), "", self.seed)

    def communities(self, dataset: str) -> np.ndarray:
        """Louvain communities of the dataset's whole graph (as in notebook 04, seeded with
        the explorer's seed), computed once per dataset."""
        d = self.dataset(dataset)
        if d.communities is None:
            g = d.inputs.graph
            d.communities = measures.communities(g.src, g.dst, g.n, self.seed)
        return d.communities

    def network(self, dataset: str, elite: str, max_nodes: int = 400) -> NetworkView:
        """The elite's follow network for :func:`network_figure`: names (screen names where
        the data have them, else ids), followers (2009 profile counts where the data have
        them, else followers inside the graph), the Louvain community of the whole graph,
        the account's label where there is one, and a seeded spring layout. At most
        ``max_nodes`` accounts, the most followed."""
        d, lg = self.dataset(dataset), self.labelled(dataset, elite)
        g, elite_nodes = lg.graph, lg.elite
        accounts = d.inputs.accounts
        ids = g.ids[elite_nodes]
        followers = measures.in_degree(g.dst, g.n)[elite_nodes].astype(float)
        followers_from, names, label = "followers inside the graph", ids.astype(str), np.full(len(ids), "")
        if accounts is not None:
            table = accounts.drop_duplicates("user_id").set_index("user_id").reindex(ids)
            if "followers" in table:
                known = table["followers"].notna().to_numpy()
                followers = np.where(known, table["followers"].to_numpy(dtype=float, na_value=np.nan), followers)
                followers_from = "profile follower counts"  # the elite is chosen among the profiles
            if "screen_name" in table:
                names = np.where(table["screen_name"].notna(), table["screen_name"].astype(str), names)
            if "label" in table:
                label = table["label"].fillna("").astype(str).to_numpy()
        order = np.argsort(-followers, kind="stable")[:max_nodes]
        nodes = elite_nodes[order]
        membership = self.communities(dataset)
        graph = measures.subgraph(g.src, g.dst, nodes)
        position = nx.spring_layout(graph.to_undirected(), seed=self.seed, k=0.6) if len(nodes) else {}
        frame = pd.DataFrame({
            "node": nodes, "name": names[order], "followers": followers[order], "community": membership[nodes],
            "label": label[order], "x": [position[v][0] for v in nodes], "y": [position[v][1] for v in nodes],
        })  # fmt: skip
        row = {v: i for i, v in enumerate(nodes)}
        edges = np.array([(row[u], row[v]) for u, v in graph.edges()], dtype=np.int64).reshape(-1, 2)
        return NetworkView(frame, edges, elite, len(elite_nodes), len(nodes), followers_from,
                           "Louvain on the whole graph (undirected), seeded")  # fmt: skip


def _interval(test: inference.TestResult) -> str:
    """``"low to high, what kind of interval"``."""
    kind = catalogue.INTERVALS[test.interval]
    return f"{test.ci_low:.3g} to {test.ci_high:.3g}, {kind}"


def answer_markdown(answer: Answer) -> str:
    """The answer in a few sentences: the statement, the effect with its interval, the
    two-sided p-value and the verdict word, said to be before the adjustment."""
    entry = catalogue.statement(answer.statement)
    head = (f"**{answer.statement}**: {entry.text}\n\nData: `{answer.dataset}`, celebrities `{answer.elite}` "
            f"({answer.elite_size:,} accounts); null: {NULLS[answer.null]}.")  # fmt: skip
    if answer.test is None:
        return f"{head}\n\n**Not testable with this data**: {answer.reason or 'no such follows'}."
    t = answer.test
    return (
        f"{head}\n\nEffect (observed / expected) **{t.ratio:.3g}** ({_interval(t)}), observed {t.observed:.4g} "
        f"against {t.expected:.4g} expected; two-sided {_p(t.p_two_sided)}.\n\n"
        f"Verdict by the catalogue's rule, {BEFORE_ADJUSTMENT}: **{answer.verdict}**."
    )


def _p(value: float) -> str:
    """``p < 0.001`` or ``p = 0.012`` (:func:`analysis.report.tables.format_p`)."""
    text = tables.format_p(value)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def answer_figure(answer: Answer):
    """The answer's effect and interval against 1 and the practical band (a one-row forest
    plot, :func:`analysis.report.figures.verdict_figure`); None when untested."""
    if answer.test is None:
        return None
    t = answer.test
    table = pd.DataFrame([{"id": answer.statement, "effect": t.ratio, "ci_low": t.ci_low, "ci_high": t.ci_high,
                           "verdict": answer.verdict}])  # fmt: skip
    fig, ax = plt.subplots(figsize=(7, 2.2))
    figures.verdict_figure(table, band=catalogue.PRACTICAL_BAND, ax=ax)
    ax.set_title(f"{answer.statement}, {answer.elite}: {answer.verdict} ({BEFORE_ADJUSTMENT})", fontsize=10)
    return fig


def exact_markdown(exact: Exact) -> str:
    """The rewiring test in a few sentences (effect, the null's range, p-value, verdict)."""
    head = f"**{exact.statement}**, union graph, {rewiring.NULL_DESCRIPTIONS[exact.model]}"
    if exact.test is None:
        return f"{head}: not testable with this data ({exact.reason})."
    t = exact.test
    return (
        f"{head}, {t.n_null} samples: effect **{t.ratio:.3g}** ({_interval(t)}), two-sided {_p(t.p_two_sided)} "
        f"(it cannot fall below {min(1.0, 2 / (t.n_null + 1)):.2g} with this many samples). Verdict by the "
        f"catalogue's rule, {BEFORE_ADJUSTMENT}: **{exact.verdict}** (a test with only the null's interval is at "
        "most not supported or negligible)."
    )


def exact_figure(exact: Exact):
    """The ensemble's histogram with the observed value (:func:`analysis.report.figures.null_histogram`)."""
    if exact.test is None:
        return None
    return figures.null_histogram(exact.null, exact.test.observed, catalogue.statement(exact.statement).statistic)


def network_figure(view: NetworkView):
    """A plotly figure of the elite's follow network that pans, zooms and shows each
    account on hover (name, followers, community, label); node area by followers, colour
    by community. :func:`plotly_bundle` turns it into output that plotly's JupyterLab
    extension draws offline."""
    import plotly.graph_objects as go

    nodes = view.nodes
    xs, ys = [], []
    for a, b in view.edges:
        xs += [nodes["x"].iat[a], nodes["x"].iat[b], None]
        ys += [nodes["y"].iat[a], nodes["y"].iat[b], None]
    biggest = float(nodes["followers"].max()) if len(nodes) else 1.0
    size = 6 + 30 * np.sqrt(nodes["followers"].to_numpy(dtype=float) / max(biggest, 1.0))
    ranks = {c: i for i, c in enumerate(nodes["community"].value_counts().index)}
    colour = [figures.OKABE_ITO[ranks[c]] if ranks[c] < 6 else "#bbbbbb" for c in nodes["community"]]
    hover = [
        f"{r.name}<br>followers: {r.followers:,.0f}<br>community: {r.community}"
        + (f"<br>label: {r.label}" if r.label else "")
        for r in nodes.itertuples()
    ]
    fig = go.Figure(
        [
            go.Scatter(x=xs, y=ys, mode="lines", line={"width": 0.5, "color": "#999999"}, hoverinfo="skip",
                       name="follows among the elite"),
            go.Scatter(x=nodes["x"], y=nodes["y"], mode="markers", text=hover, hoverinfo="text",
                       customdata=nodes[["name", "followers", "community"]].to_numpy(),
                       marker={"size": size, "color": colour, "line": {"width": 0.5, "color": "white"}},
                       name="accounts"),
        ]
    )  # fmt: skip
    shown = f"{view.shown:,} of {view.elite_size:,} accounts (the most followed)" if view.shown < view.elite_size else (
        f"{view.elite_size:,} accounts")  # fmt: skip
    fig.update_layout(
        title={"text": f"The elite ({view.elite}): {shown}<br><sup>area: {view.followers_from}; colour: "
                       "community (six largest)</sup>", "font": {"size": 14}},
        showlegend=False, dragmode="pan", hovermode="closest", height=600, template="simple_white",
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
    )  # fmt: skip
    return fig


def plotly_bundle(fig) -> dict:
    """A plotly figure as a display bundle (``{mime type: content}``) for an output area
    or an ``ipywidgets.Output``: :data:`PLOTLY_MIME`, which plotly's JupyterLab extension
    draws with the plotly.js it bundles (no network), with scroll-to-zoom on, and a
    ``text/plain`` line for a frontend without the extension. (Plotly's own
    ``plotly_mimetype`` renderer publishes the figure itself and returns nothing to
    capture, so it cannot fill an ``Output`` widget.)"""
    import json

    figure = json.loads(fig.to_json())
    figure["config"] = {"scrollZoom": True, "displaylogo": False}
    title = figure.get("layout", {}).get("title", {}).get("text", "a plotly figure")
    return {PLOTLY_MIME: figure, "text/plain": f"{title} (interactive: needs plotly's JupyterLab extension)"}
