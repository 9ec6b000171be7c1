"""Bring your own graph: descriptors, their errors, and full runs on three graphs."""

from __future__ import annotations

import json
import re
import textwrap

import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import run_descriptor
from analysis.data import descriptor, sources
from analysis.data.descriptor import DescriptorError
from analysis.stats import synthetic


def _write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


STARS, FANS = range(1, 6), range(6, 13)  # five elite accounts and seven others: the smallest elite allowed
EDGES_CSV = "source,target\n" + "".join(f"{a},{b}\n" for a, b in
    [(1, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (8, 2), (9, 3), (10, 4), (11, 5), (12, 6), (1, 3),
     (3, 3)])  # fmt: skip
ACCOUNTS_CSV = "id,followers,following,kind\n" + "".join(
    f"{i},{500 if i in STARS else 40},2,{'star' if i in STARS else 'fan'}\n" for i in (*STARS, *FANS)
)


@pytest.fixture
def graph_files(tmp_path):
    _write(tmp_path, "edges.csv", EDGES_CSV)
    _write(tmp_path, "accounts.csv", ACCOUNTS_CSV)
    return tmp_path


DESCRIPTOR = """
    name = "toy"
    citation = "made up"
    [edges]
    file = "edges.csv"
    header = true
    follower = "source"
    followee = "target"
    [accounts]
    file = "accounts.csv"
    id = "id"
    followers = "followers"
    following = "following"
    class = "kind"
    [elite]
    label = "star"
"""


def test_descriptor_loads_edges_accounts_and_classes(graph_files):
    desc = descriptor.read_descriptor(_write(graph_files, "toy.toml", DESCRIPTOR))
    edges, loops = descriptor.load_edges(desc)
    assert loops == 1 and len(edges) == 13
    lg = descriptor.load_graph(desc)
    assert lg.graph.ids.tolist() == list(range(1, 13))
    assert lg.classes.tolist() == ["celebrity"] * 5 + ["popular"] * 7
    assert lg.elite_rule == "label:star"


def test_whitespace_file_with_column_indices_and_reversed_direction(tmp_path):
    # a KONECT-style file: "user follower", a comment line first; accounts 10-14 are followed by 20-29
    rows = [(user, fan) for user in range(10, 15) for fan in range(20, 30)] + [(20, 10)]
    _write(tmp_path, "e.txt", "% user follower\n" + "".join(f"{u} {f}\n" for u, f in rows))
    desc = descriptor.read_descriptor(
        _write(
            tmp_path,
            "d.toml",
            """
        [edges]
        file = "e.txt"
        header = false
        follower = 1
        followee = 0
        [elite]
        top = 5
    """,
        )
    )
    edges, _ = descriptor.load_edges(desc)
    assert sorted(map(tuple, edges.values.tolist())) == sorted((f, u) for u, f in rows)
    lg = descriptor.load_graph(desc)
    assert lg.graph.ids[lg.is_elite].tolist() == [10, 11, 12, 13, 14]


@pytest.mark.parametrize(
    "change, message",
    [
        (('follower = "source"', 'follower = "src"'), "edges.follower: column 'src' not in edges.csv"),
        (('followee = "target"', "followee = 7"), "edges.followee: column 7 does not exist"),
        (('label = "star"', 'label = "nobody"'), "selects no account"),
        (('label = "star"', "threshold = 1"), "selects every account"),
        (('label = "star"', "threshold = 0"), "line 16: elite.threshold must be a positive number, not 0"),
        (
            ('label = "star"', 'top = "ten"'),
            "line 16: elite.top must be a whole number of at least 1, not the string 'ten'",
        ),
        (('label = "star"', "top = -5"), "elite.top must be a whole number of at least 1, not -5"),
        (('label = "star"', "top = true"), "elite.top must be a whole number of at least 1, not true"),
        (('label = "star"', "top = 2"), "makes 2 of the graph's 12 accounts the elite, fewer than 5"),
        (('label = "star"', "top = 7"), "makes 7 of the graph's 12 accounts the elite, more than 50%"),
        (('label = "star"', 'top = 1\nlabel = "star"'), "exactly one of"),
        (('file = "edges.csv"', 'file = "missing.csv"'), "edges.file: file .*missing.csv does not exist"),
        (('citation = "made up"', 'colour = "blue"'), "line 3: unknown field colour"),
        (
            ("header = true", 'header = "false"'),
            "line 6: edges.header must be true or false .unquoted., not the string 'false'",
        ),
        (("header = true", "heder = true"), "line 6: unknown field edges.heder; did you mean edges.header.$"),
        (('follower = "source"', 'folower = "source"'), "unknown field edges.folower; did you mean edges.follower"),
        (('name = "toy"', 'name = "."'), "line 2: name must be a plain name"),
        (('name = "toy"', 'name = "../escaped"'), "name must be a plain name"),
        (('name = "toy"', 'name = "reports/x"'), "name must be a plain name"),
        (('name = "toy"', 'ids = "names"'), "ids must be 'integer' or 'string', not the string 'names'"),
        (("[elite]", "elite = 3\n[elitist]"), "unknown field elitist; did you mean elite"),
    ],
)
def test_bad_descriptors_name_the_field(graph_files, change, message):
    text = DESCRIPTOR.replace(*change)
    with pytest.raises(DescriptorError, match=message):
        descriptor.load_graph(descriptor.read_descriptor(_write(graph_files, "bad.toml", text)))


def test_bad_files_name_the_file_and_line(graph_files):
    _write(graph_files, "edges.csv", "source,target\n1,2\n2,x\n")
    with pytest.raises(DescriptorError, match=r"edges.csv: line 3: followee 'x' is not a whole number"):
        descriptor.load_graph(descriptor.read_descriptor(_write(graph_files, "toy.toml", DESCRIPTOR)))
    _write(graph_files, "edges.csv", "source,target\n1,1\n")
    with pytest.raises(DescriptorError, match="no edges"):
        descriptor.load_graph(descriptor.read_descriptor(_write(graph_files, "toy.toml", DESCRIPTOR)))
    _write(graph_files, "edges.csv", "")
    with pytest.raises(DescriptorError, match="empty"):
        descriptor.load_graph(descriptor.read_descriptor(_write(graph_files, "toy.toml", DESCRIPTOR)))


def test_registered_archives_have_descriptors(processed):
    for name in (*sources.GRAPH_DATASETS, sources.FULL_GRAPH):
        desc = descriptor.read_descriptor(descriptor.registered(name))
        assert desc.name == name and desc.citation and desc.title and desc.description and desc.caveats
    for name in sources.GRAPH_DATASETS:
        desc = descriptor.read_descriptor(descriptor.registered(name))
        assert desc.resolve(desc.edges["file"]) == processed / f"{name}_edges.parquet"
        assert desc.resolve(desc.edges["file"]).exists()


@pytest.mark.notebooks
@pytest.mark.long  # a published-settings run on a planted graph
def test_planted_elite_is_found_by_the_verdict(tmp_path, processed, monkeypatch):
    monkeypatch.setenv("TWEETERWOOD_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("TWEETERWOOD_REPORTS", str(tmp_path / "reports"))
    rng = np.random.default_rng(3)
    src, dst, elite = synthetic.planted_elite_graph(rng, n=300, m=2500, elite_size=20, factor=3.0)
    pd.DataFrame({"who": src + 100, "whom": dst + 100}).to_csv(tmp_path / "follows.csv.gz", index=False)
    classes = np.where(np.isin(np.arange(300), elite), "vip", "member")
    pd.DataFrame({"id": np.arange(300) + 100, "group": classes}).to_csv(tmp_path / "people.csv", index=False)
    path = _write(
        tmp_path,
        "planted.toml",
        """
        name = "planted"
        title = "A planted gated community"
        citation = "synthetic"
        [edges]
        file = "follows.csv.gz"
        follower = "who"
        followee = "whom"
        [accounts]
        file = "people.csv"
        id = "id"
        class = "group"
        [elite]
        label = "vip"
    """,
    )
    reports = run_descriptor(
        path,
        quick=False,
        seed=1,
        log=lambda *_: None,
        parameters={"n_null": 99, "switches_per_edge": 5.0, "workers": 1},
    )
    numbers = json.loads((reports / "numbers.json").read_text())
    verdicts = {c["claim"]: c["verdict"] for c in numbers["claims"]}
    assert set(verdicts) == {"C2", "C4", "C5"}
    statements = {s["id"]: s["verdict"] for s in numbers["statements"]}
    assert statements["C4a"] == "supported"  # the planted enrichment is found
    assert verdicts["C4"] in ("supported", "partly supported")
    index = (reports / "index.html").read_text()
    skipped = re.findall(r'<div class="card skipped"><b>([^<]+)</b>', index)
    assert skipped == ["00-data", "01-claims-and-race", "02-broadcasters", "05-robustness"]
    assert sorted(p.stem for p in reports.glob("[0-9][0-9]-*.html")) == ["03-follow-back", "04-gated-community",
                                                                         "06-verdict"]  # fmt: skip
    assert not (tmp_path / "reports" / "index.html").exists()  # the default reports are untouched
    _pages_speak_of_their_own_graph(reports, "A planted gated community")


ALIEN = ("ego-Twitter", "ego networks", "2009 profile", "SNAP", "Kwak", "2012")


def _pages_speak_of_their_own_graph(reports, title):
    """Every page of a descriptor run names its graph, says nothing of the project's own data,
    and links only to pages that exist."""
    import html as html_lib

    pages = sorted(reports.glob("*.html"))
    assert {p.stem for p in pages} >= {"index", "03-follow-back", "04-gated-community", "06-verdict"}
    for page in pages:
        text = page.read_text()
        body = re.sub(r"<(script|style)[^>]*>.*?</\\1>", " ", text, flags=re.S | re.I)
        body = re.sub(r'<details class="tw-code">.*?</details>', " ", body, flags=re.S)  # code, not prose
        words = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
        if page.stem in ("index", "03-follow-back", "04-gated-community"):
            assert title in words, f"{page.name} does not name its graph"
        for alien in ALIEN:
            assert alien not in words, (
                f"{page.name} speaks of {alien!r}: " + words[max(0, words.find(alien) - 80) :][:200]
            )
        for href in re.findall(r'href="([^"#:]+)(?:#[^"]*)?"', text):
            assert (page.parent / href).exists(), f"{page.name} links to missing {href}"


@pytest.mark.notebooks
@pytest.mark.long  # every notebook on a second graph
def test_konect_described_only_by_a_descriptor_runs(tmp_path, processed, monkeypatch):
    monkeypatch.setenv("TWEETERWOOD_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("TWEETERWOOD_REPORTS", str(tmp_path / "reports"))
    path = _write(
        tmp_path,
        "konect.toml",
        """
        name = "konect-by-descriptor"
        [edges]
        file = "{processed}/konect_icwsm2010_edges.parquet"
        follower = "follower"
        followee = "followee"
        [elite]
        top = 100
    """,
    )
    reports = run_descriptor(path, quick=True, seed=1, log=lambda *_: None, jobs=2)  # 03 beside 04
    numbers = json.loads((reports / "numbers.json").read_text())
    assert numbers["C4"]["elite_size"] == 100
    assert (reports / "04-gated-community.html").exists() and (reports / "06-verdict.html").exists()


@pytest.mark.notebooks
@pytest.mark.long  # 03 run twice
def test_ego_twitter_descriptor_matches_the_default_run(processed, tmp_path, monkeypatch):
    """03 run through the registered descriptor (elite: verified, as its [elite] says)
    gives the default run's numbers with the same seed, value for value."""
    import papermill

    notebook = descriptor.paths.notebooks_dir() / "03-follow-back.ipynb"
    numbers = {}
    for run, dataset in (("default", {}), ("descriptor", {"dataset": str(descriptor.registered("ego_twitter"))})):
        build = tmp_path / run / "build"
        build.mkdir(parents=True)
        monkeypatch.setenv("TWEETERWOOD_BUILD", str(build))
        monkeypatch.setenv("TWEETERWOOD_REPORTS", str(tmp_path / run / "reports"))
        papermill.execute_notebook(str(notebook), str(build / notebook.name), parameters={"quick": 1, "seed": 7, **dataset},
                                   kernel_name="python3", progress_bar=False, cwd=str(notebook.parent))  # fmt: skip
        numbers[run] = json.loads((build / "numbers" / "03-follow-back.json").read_text())
    default, via_descriptor = numbers["default"], numbers["descriptor"]
    numeric = [k for k in default if k.startswith(("follow_back.", "C2a.test", "C2b-", "C5", "C2.class_sizes"))]
    assert len(numeric) > 10
    assert _same_numbers({k: via_descriptor[k] for k in numeric}, {k: default[k] for k in numeric})


def _same_numbers(a, b, rel: float = 1e-9) -> bool:
    """Equal values, floats to ``rel`` (the bootstrap's matrix products may round in another
    order from one run to the next: the last of 12 recorded digits of a p-value near 1e-20
    can differ); every other value exactly."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_numbers(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_numbers(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=rel, abs=0)
    return a == b


def test_command_line_reports_a_bad_descriptor_and_exits_2(graph_files, capsys):
    from analysis.__main__ import main

    path = _write(graph_files, "bad.toml", DESCRIPTOR.replace('follower = "source"', 'follower = "nope"'))
    assert main(["run", str(path)]) == 2
    assert "edges.follower: column 'nope'" in capsys.readouterr().err


def _load(folder, text=DESCRIPTOR):
    return descriptor.load_graph(descriptor.read_descriptor(_write(folder, "toy.toml", text)))


def test_line_numbers_count_every_physical_line_of_the_file(graph_files):
    body = EDGES_CSV.splitlines()
    lines = [body[0], "% a comment", "", *body[1:4], "% another", "7,x", *body[4:]]
    _write(graph_files, "edges.csv", "\n".join(lines) + "\n")
    with pytest.raises(DescriptorError, match=r"edges.csv: line 8: followee 'x'"):
        _load(graph_files)
    assert lines[7] == "7,x"  # line 8 of the file, counted from 1


def test_integer_ids_refuse_leading_zeros_and_values_beyond_64_bits(graph_files):
    _write(graph_files, "edges.csv", EDGES_CSV + "007,1\n")
    with pytest.raises(
        DescriptorError,
        match=r"line 16: follower '007' has a leading zero .007 and 7 would be one account.*ids = \"string\"",
    ):
        _load(graph_files)
    _write(graph_files, "edges.csv", EDGES_CSV + "9223372036854775808,1\n")
    with pytest.raises(DescriptorError, match=r"line 16: follower 9223372036854775808 does not fit a 64-bit integer"):
        _load(graph_files)
    _write(graph_files, "edges.csv", EDGES_CSV + "-4,1\n")
    with pytest.raises(DescriptorError, match=r"line 16: follower '-4' is not a whole number"):
        _load(graph_files)


def test_string_ids_keep_007_and_7_apart_and_match_across_files(graph_files):
    ids = [*(f"00{i}" for i in STARS), *(str(i) for i in range(1, 8))]  # "001".."005" and "1".."7": twelve accounts
    pairs = [(ids[j], ids[i]) for i in range(5) for j in range(5, 12)] + [(ids[0], ids[1]), (ids[1], ids[0])]
    _write(graph_files, "edges.csv", "source,target\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    _write(graph_files, "accounts.csv", "id,followers,following,kind\n" + "".join(
        f"{name},{500 if k < 5 else 40},2,{'star' if k < 5 else 'fan'}\n" for k, name in enumerate(ids)))  # fmt: skip
    lg = _load(graph_files, 'ids = "string"\n' + textwrap.dedent(DESCRIPTOR))
    assert len(lg.graph.ids) == 12 and int(lg.is_elite.sum()) == 5
    codes = descriptor.string_id_codes(ids)
    assert set(lg.graph.ids[lg.is_elite]) == set(codes[:5].tolist())  # the accounts file's stars, by name
    assert descriptor.string_id_codes(["007"])[0] != descriptor.string_id_codes(["7"])[0]
    assert (codes >= 0).all() and codes.dtype == np.int64


def test_parquet_files_damaged_misnamed_or_with_bad_rows_name_the_file_and_row(graph_files):
    text = DESCRIPTOR.replace('file = "edges.csv"', 'file = "edges.parquet"')
    edges = pd.read_csv(graph_files / "edges.csv")
    edges.to_parquet(graph_files / "edges.parquet")
    assert len(_load(graph_files, text).graph.ids) == 12
    whole = (graph_files / "edges.parquet").read_bytes()
    (graph_files / "edges.parquet").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DescriptorError, match=r"edges.parquet: the Parquet file is damaged or truncated"):
        _load(graph_files, text)
    (graph_files / "edges.parquet").write_bytes(b"source,target\n1,2\n")
    with pytest.raises(DescriptorError, match=r"edges.parquet: not a Parquet file"):
        _load(graph_files, text)
    import gzip

    (graph_files / "edges.parquet.gz").write_bytes(gzip.compress(whole))
    with pytest.raises(DescriptorError, match=r"edges.parquet.gz: a Parquet file is compressed inside.*edges.parquet"):
        _load(graph_files, text.replace("edges.parquet", "edges.parquet.gz"))
    (graph_files / "edges.csv").write_bytes(whole)  # Parquet bytes under a .csv name are read as Parquet
    assert len(_load(graph_files).graph.ids) == 12
    bad = edges.astype(str)
    bad.loc[3, "target"] = "x"
    bad.to_parquet(graph_files / "edges.parquet")
    with pytest.raises(DescriptorError, match=r"edges.parquet: row 4: followee 'x' is not a whole number"):
        _load(graph_files, text)


def test_duplicate_accounts_name_their_line(graph_files):
    _write(graph_files, "accounts.csv", ACCOUNTS_CSV + "% comment\n3,1,1,fan\n")
    with pytest.raises(DescriptorError, match=r"accounts.csv: line 15: account id 3 appears twice"):
        _load(graph_files)


def test_line_numbers_skip_text_inside_multi_line_strings(graph_files):
    text = DESCRIPTOR.replace('citation = "made up"', 'citation = """made up\n[elite]\ntop = 3\n"""')
    text = text.replace('label = "star"', 'label = "star"\ntop = "x"')
    with pytest.raises(DescriptorError, match=r"line 20: elite.top must be a whole number"):
        descriptor.read_descriptor(_write(graph_files, "bad.toml", text))
