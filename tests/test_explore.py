"""The JupyterLab explorer: the functions of analysis.report.explore give what the library
gives for the same settings, and notebooks/explore.ipynb (not in the numbered sequence)
answers a change of its controls through the kernel protocol."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import NOTEBOOKS, stop_process_group

from analysis.claims import catalogue, design, families, follow_back, gated
from analysis.data import sources
from analysis.report import explore
from analysis.stats import synthetic

ROOT = Path(__file__).resolve().parents[1]
EXPLORER = ROOT / "notebooks" / "explore.ipynb"
SEED = 11
N_BOOT = 200


def write_descriptor(folder: Path, seed: int = 7, n: int = 600, m: int = 9000, egos: int = 40) -> Path:
    """A small ego-sampled graph with a planted gated elite (labelled ``star``) as a descriptor
    with ``[egos]`` and profiles (follower counts) of the elite and the most followed."""
    rng = np.random.default_rng(seed)
    src, dst, elite = synthetic.planted_elite_graph(rng, n=n, m=m, elite_size=25, factor=4)
    s, d, table = synthetic.ego_sample(rng, src, dst, n, egos)
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"source": s, "target": d}).to_csv(folder / "edges.csv", index=False)
    pd.DataFrame(table, columns=["ego", "member"]).to_csv(folder / "egos.csv", index=False)
    followers = np.bincount(dst, minlength=n)
    profiled = np.union1d(np.argsort(-followers, kind="stable")[:100], elite)  # the rest are regular accounts
    kind = np.where(np.isin(profiled, elite), "star", "fan")
    pd.DataFrame({"id": profiled, "followers": followers[profiled], "kind": kind}).to_csv(
        folder / "accounts.csv", index=False
    )
    (folder / "small.toml").write_text(
        'name = "small"\ntitle = "A small ego-sampled graph"\n\n'
        '[edges]\nfile = "edges.csv"\nfollower = "source"\nfollowee = "target"\n\n'
        '[egos]\nfile = "egos.csv"\nego = "ego"\nmember = "member"\n\n'
        '[accounts]\nfile = "accounts.csv"\nid = "id"\nfollowers = "followers"\nclass = "kind"\n\n'
        '[elite]\nlabel = "star"\n'
    )
    return folder / "small.toml"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return str(write_descriptor(tmp_path_factory.mktemp("graph")))


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    return explore.Explorer(SEED, n_boot=N_BOOT, cache=tmp_path_factory.mktemp("cache"))


def _reference(small, elite):
    """The labelled graph of ``small`` under ``elite`` and its ego networks, built by the library."""
    inputs = sources.graph_inputs(small)
    from analysis.graph import labelled

    lg = labelled.label_graph(inputs.name, inputs.graph, inputs.accounts, elite)
    return lg, design.ego_networks(lg, sources.ego_table(small))


def test_elite_definitions_from_control_values():
    assert explore.elite_definition("verified") == "verified"
    assert explore.elite_definition("top", 100) == "top:100"
    assert explore.elite_definition("threshold", 1e6) == "threshold:1000000"
    assert explore.elite_definition("threshold", 2.5e4) == "threshold:25000"
    assert explore.elite_definition("label", "personal") == "label:personal"
    with pytest.raises(ValueError, match="unknown elite"):
        explore.elite_definition("famous", 3)


def test_graph_inputs_give_the_descriptor_s_own_labelled_graph(small):
    inputs = sources.graph_inputs(small)
    from analysis.graph import labelled

    ours = labelled.label_graph(inputs.name, inputs.graph, inputs.accounts, inputs.elite)
    theirs = sources.load_labelled_graph(small, "ignored: a descriptor brings its elite")
    assert inputs.elite == "label:star" and ours.name == theirs.name
    np.testing.assert_array_equal(ours.classes, theirs.classes)
    np.testing.assert_array_equal(ours.graph.src, theirs.graph.src)


def test_the_controls_offer_what_the_dataset_allows(explorer, small):
    assert explorer.elite_kinds(small) == ("top", "threshold", "label")  # no verified column
    assert explorer.labels(small) == ["fan", "star"]
    assert explorer.default_elite(small) == "label:star"
    bounds = explorer.ranges(small)
    assert bounds["threshold_low"] <= np.log10(bounds["threshold_default"]) <= bounds["threshold_high"]
    assert 5 <= bounds["top_max"] <= 300


@pytest.mark.parametrize("elite", ["label:star", "top:30", "threshold:60"])
def test_design_answers_are_the_design_aware_tests_on_one_cached_fit(explorer, small, elite):
    lg, egos = _reference(small, elite)
    fit = explorer.fit(small)
    assert explorer.fit(small) is fit  # fitted once per dataset
    expected = design.design_tests(lg, np.random.default_rng(SEED), egos, n_boot=N_BOOT, fit=fit)
    for sid in explore.STATEMENTS:
        answer = explorer.answer(small, elite, sid, "design")
        test = expected.tests.get(sid)
        if test is None:
            assert answer.test is None and answer.verdict == catalogue.NOT_TESTABLE
            continue
        assert answer.test == test
        assert answer.verdict == catalogue.statement_verdict(test.ratio, test.ci_low, test.ci_high, test.p_two_sided,
                                                             catalogue.statement(sid).direction)  # fmt: skip
        assert answer.as_dict()["effect"] == test.ratio and answer.elite_size == int(lg.is_elite.sum())


def test_union_answers_are_the_maximum_entropy_union_tests(explorer, small):
    lg, _ = _reference(small, "top:30")
    expected = families.maxent_union_tests(lg)["tests"]
    for sid in ("C4a", "C5"):
        answer = explorer.answer(small, "top:30", sid, "union")
        assert answer.test.ratio == pytest.approx(expected[sid].ratio, rel=1e-9)
        assert answer.test.interval == "null" and answer.verdict in (catalogue.NOT_SUPPORTED, catalogue.NEGLIGIBLE)


def test_an_answer_is_a_few_seconds_once_the_dataset_is_fitted(explorer, small):
    explorer.answer(small, "label:star", "C4a")
    start = time.perf_counter()
    explorer.answer(small, "top:45", "C2a")
    assert time.perf_counter() - start < 5


def test_the_answer_says_its_numbers_and_that_it_is_before_the_adjustment(explorer, small):
    answer = explorer.answer(small, "label:star", "C4a")
    text = explore.answer_markdown(answer)
    assert f"{answer.test.ratio:.3g}" in text and answer.verdict in text and explore.BEFORE_ADJUSTMENT in text
    fig = explore.answer_figure(answer)
    assert fig is not None and not explore.figures.legibility_problems(fig)


def test_an_unknown_statement_or_null_is_refused(explorer, small):
    with pytest.raises(ValueError, match="graph statements"):
        explorer.answer(small, "top:30", "C1")
    with pytest.raises(ValueError, match="null family"):
        explorer.answer(small, "top:30", "C4a", "permutation")


def test_the_exact_answer_is_the_library_s_rewiring_test_with_progress(explorer, small):
    lg, _ = _reference(small, "top:30")
    g = lg.graph
    calls = []
    exact = explorer.exact(small, "top:30", "C4a", 19, 1.0, progress=lambda done, total: calls.append(done))
    reference = gated.elite_closure_test(g.src, g.dst, g.n, lg.is_elite, 19, np.random.default_rng(SEED),
                                         switches_per_edge=1.0)  # fmt: skip
    assert exact.test.ratio == reference.ratio and exact.test.p_value == reference.p_value
    assert calls == list(range(20)) and len(exact.null) == 19
    c2a = explorer.exact(small, "top:30", "C2a", 9, 1.0)
    found = follow_back.follow_back_tests(g.src, g.dst, g.n, lg.classes, np.random.default_rng(SEED), 9, 1.0,
                                          models=("degree",))  # fmt: skip
    assert c2a.test.ratio == found.tests["C2a"].ratio and c2a.test.p_value == found.tests["C2a"].p_value
    assert "before the Benjamini-Hochberg" in explore.exact_markdown(c2a)
    assert explore.exact_figure(c2a) is not None


@pytest.mark.slow  # over 1.5 s: in make test, not in the fast tier
def test_the_network_view_holds_the_elite_and_its_follows_with_hover_text(explorer, small):
    lg, _ = _reference(small, "top:30")
    view = explorer.network(small, "top:30", max_nodes=20)
    assert view.shown == 20 and view.elite_size == 30
    assert set(view.nodes["node"]) <= set(lg.elite.tolist())
    assert view.nodes["followers"].is_monotonic_decreasing  # the most followed
    nodes = view.nodes["node"].to_numpy()
    inside = np.isin(lg.graph.src, nodes) & np.isin(lg.graph.dst, nodes)
    assert len(view.edges) == int(inside.sum())
    fig = explore.network_figure(view)
    data = json.loads(fig.to_json())
    hover = data["data"][1]["text"]
    assert len(hover) == 20 and all("followers:" in h and "community:" in h for h in hover)
    assert data["layout"]["dragmode"] == "pan"
    bundle = explore.plotly_bundle(fig)
    assert bundle[explore.PLOTLY_MIME]["data"] == data["data"] and bundle[explore.PLOTLY_MIME]["config"]["scrollZoom"]
    # a responsive plot fills its container's height, which inside an ipywidgets Output is zero: nothing shows
    assert "responsive" not in bundle[explore.PLOTLY_MIME]["config"] and data["layout"]["height"] > 0


def test_the_explorer_notebook_is_outside_the_numbered_sequence_and_committed_clean():
    assert EXPLORER.exists() and EXPLORER not in NOTEBOOKS
    makefile = (ROOT / "Makefile").read_text()
    assert "NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))" in makefile
    for module in ("analysis/__main__.py", "analysis/report/site.py"):
        assert 'glob("[0-9][0-9]-*.ipynb")' in (ROOT / module).read_text(), module
    nb = nbformat.read(EXPLORER, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for before, cell in zip(nb.cells, nb.cells[1:]):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
            assert before.cell_type == "markdown", "a sentence of prose before each code cell"
    prose = " ".join(re.sub(r"`[^`]*`", "", c.source) for c in nb.cells if c.cell_type == "markdown")
    assert not re.search(r"\d", prose), "no numbers typed into the prose (names in backticks aside)"
    assert "from analysis.report import explore" in "\n".join(c.source for c in nb.cells)


# ------------------------------------------------------------------ the notebook, through the kernel protocol


def _run(client, code: str) -> str:
    outputs = []
    reply = client.execute_interactive(code, timeout=120, output_hook=outputs.append)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")


_STATE = """import json as _json
print(_json.dumps({"answer": shown["answer"].as_dict(), "status": status.value,
                   "answer_out": [o.get("data", {}).get("text/markdown", "") for o in answer_out.outputs],
                   "figure_out": [sorted(o.get("data", {})) for o in figure_out.outputs],
                   "network_out": [sorted(o.get("data", {})) for o in network_out.outputs],
                   "network": shown["network"].elite, "progress": progress.value,
                   "exact": None if "exact" not in shown else {"effect": shown["exact"].test.ratio,
                            "p": shown["exact"].test.p_value, "n": shown["exact"].test.n_null}}))"""


@pytest.mark.notebooks
def test_the_notebook_answers_a_change_of_its_controls_as_the_library_does(tmp_path, small, monkeypatch):
    from jupyter_client import KernelManager

    monkeypatch.setenv("TWEETERWOOD_CACHE", str(tmp_path / "cache"))
    nb = nbformat.read(EXPLORER, as_version=4)
    manager = KernelManager(kernel_name="tweeterwood")
    manager.start_kernel(cwd=str(ROOT / "notebooks"))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            _run(client, cell.source)
            if "parameters" in cell.metadata.get("tags", []):
                _run(client, f"dataset_name = {small!r}\nseed = {SEED}\nn_boot = {N_BOOT}\nmax_nodes = 20")
        first = json.loads(_run(client, _STATE))
        assert (
            first["status"] == "" and first["answer"]["elite"] == "label:star" and first["answer"]["statement"] == "C4a"
        )
        assert first["figure_out"] == [["image/png", "text/plain"]]
        assert any("application/vnd.plotly.v1+json" in keys for keys in first["network_out"])

        start = time.perf_counter()
        _run(client, 'elite_kind.value = "top"\ntop_k.value = 30')
        after = json.loads(_run(client, _STATE))
        assert time.perf_counter() - start < 10
        lg, egos = _reference(small, "top:30")
        fit = design.fit_design(lg.graph, egos, cache=tmp_path / "cache")
        expected = design.design_tests(lg, np.random.default_rng(SEED), egos, n_boot=N_BOOT, fit=fit).tests["C4a"]
        assert after["answer"]["elite"] == "top:30" and after["answer"]["effect"] == expected.ratio
        assert after["answer"]["p_value"] == expected.p_two_sided
        assert after["answer"]["effect"] != first["answer"]["effect"] and after["network"] == "top:30"
        assert (
            f"{expected.ratio:.3g}" in after["answer_out"][0]
            and "before the Benjamini-Hochberg" in after["answer_out"][0]
        )

        _run(client, 'statement.value = "C5"\nnull.value = "union"')
        union = json.loads(_run(client, _STATE))
        soft = families.maxent_union_tests(lg)["tests"]["C5"]
        assert union["answer"]["null"] == "union" and union["answer"]["effect"] == pytest.approx(soft.ratio, rel=1e-9)

        _run(client, 'statement.value = "C4a"\nn_null.value = 19\nrun.click()')
        ran = json.loads(_run(client, _STATE))
        g = lg.graph
        reference = gated.elite_closure_test(g.src, g.dst, g.n, lg.is_elite, 19, np.random.default_rng(SEED),
                                             switches_per_edge=5.0)  # fmt: skip
        assert ran["progress"] == 19 and ran["exact"] == {"effect": reference.ratio, "p": reference.p_value, "n": 19}

        _run(client, f"dataset.value = {str(tmp_path / 'missing.toml')!r}")  # one line in the status, no traceback
        refused = json.loads(_run(client, _STATE))
        assert refused["status"].startswith("<b>Cannot load the dataset</b>") and "does not exist" in refused["status"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_on_konect_the_answer_for_top_100_is_the_design_aware_test(processed, tmp_path):
    ex = explore.Explorer(SEED, n_boot=N_BOOT, cache=tmp_path)
    answer = ex.answer("konect_icwsm2010", "top:100", "C4a")
    lg = sources.load_labelled_graph("konect_icwsm2010", "top:100")
    expected = design.design_tests(lg, np.random.default_rng(SEED), None, n_boot=N_BOOT).tests["C4a"]
    assert answer.test == expected and answer.elite_size == 100
    assert "verified" not in ex.elite_kinds("konect_icwsm2010")  # anonymised ids: no profiles


# ------------------------------------------------------------------ in JupyterLab, as a reader sees it


@pytest.mark.notebooks
def test_in_jupyterlab_the_network_view_draws_offline_and_hovers(tmp_path, small):
    """Headless Chromium on a JupyterLab server (no network): Run All, the plotly view has
    a height and a hover label with the account's followers and community."""
    import os
    import shutil
    import socket
    import subprocess
    import sys
    import urllib.request

    chromium, driver_path = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        if os.environ.get("TWEETERWOOD_REQUIRE_BROWSER"):
            pytest.fail("Chromium and ChromeDriver are required (apt-get install chromium chromium-driver)")
        pytest.skip("no Chromium/ChromeDriver on this machine")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    nb = nbformat.read(EXPLORER, as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source += f"\ndataset_name = {small!r}\nn_boot = {N_BOOT}\nmax_nodes = 20"
    folder = tmp_path / "lab"
    folder.mkdir()
    nbformat.write(nb, folder / "explore.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), TWEETERWOOD_CACHE=str(tmp_path / "cache"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=explore-test", f"--ServerApp.root_dir={folder}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--window-size=1400,2000",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingOptions", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(driver_path), options=options)

    def wait_for(css, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            found = browser.find_elements(By.CSS_SELECTOR, css)
            if found:
                return found
            time.sleep(0.5)
        pytest.fail(f"{css} did not appear within {seconds} s")

    try:
        deadline = time.time() + 60
        while True:  # the server answers its REST API once it is up
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                                 headers={"Authorization": "token explore-test"})  # fmt: skip
                urllib.request.urlopen(request, timeout=5).read()
                break
            except OSError:
                if time.time() > deadline:
                    pytest.fail("the Jupyter server did not start within 60 s")
                time.sleep(0.5)
        browser.get(f"http://127.0.0.1:{port}/lab/tree/explore.ipynb?token=explore-test")
        wait_for(".jp-Notebook .jp-Cell", 60)
        wait_for(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-KernelStatus", 60)
        time.sleep(2)
        next(m for m in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel") if m.text == "Run").click()
        next(m for m in wait_for(".lm-Menu-itemLabel", 10) if m.text.strip() == "Run All Cells").click()
        plot = wait_for(".js-plotly-plot", 60)[0]
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", plot)
        time.sleep(1)
        assert plot.size["height"] > 100, "the network view has no height"
        point = wait_for(".js-plotly-plot .scatterlayer .trace .points path", 10)[0]
        ActionChains(browser).move_to_element(point).move_by_offset(1, 1).perform()
        hover = wait_for(".hovertext", 10)[0].text
        assert "followers:" in hover and "community:" in hover
        assert browser.find_elements(By.CSS_SELECTOR, ".jupyter-widgets img")  # the answer's figure
        screenshots = ROOT / "build" / "screenshots"
        screenshots.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(screenshots / "explore.png"))
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
    finally:
        browser.quit()
        stop_process_group(server)
