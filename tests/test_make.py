"""The Makefile's dependencies: each notebook is re-executed only when a module it imports changes."""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import notebook_deps  # noqa: E402


def _deps(name: str) -> set[str]:
    code = notebook_deps.notebook_code(ROOT / "notebooks" / f"{name}.ipynb")
    return {str(p.relative_to(ROOT)) for p in notebook_deps.dependencies(code)}


def test_notebooks_depend_on_what_they_import_and_no_more():
    race, follow_back, verdict = _deps("01-claims-and-race"), _deps("03-follow-back"), _deps("06-verdict")
    assert "analysis/claims/race.py" in race and "analysis/nulls/kernels.py" not in race
    assert {"analysis/claims/follow_back.py", "analysis/nulls/rewiring.py", "analysis/nulls/kernels.py"} <= follow_back
    assert "analysis/claims/chains.py" in follow_back  # the mixing diagnostic (it reads 04's statistics too)
    assert "analysis/claims/broadcasters.py" not in follow_back and "analysis/report/explore.py" not in follow_back
    assert "analysis/data/fetch.py" not in verdict and "analysis/claims/catalogue.py" in verdict


def test_relative_imports_are_followed(tmp_path):
    tree = notebook_deps.ast.parse("from ..nulls import rewiring\nfrom . import kernels\n")
    names = notebook_deps.imported_modules(tree, "analysis.claims.gated", is_package=False)
    assert {"analysis.nulls.rewiring", "analysis.claims.kernels"} <= names


def test_the_generated_make_rules_cover_every_notebook():
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "notebook_deps.py"), *notebooks],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    rules = [line for line in out.splitlines() if line.startswith("build/")]
    assert len(rules) == len(notebooks)
    assert all("analysis/data/registry.toml" in r for r in rules if "analysis/data/sources.py" in r)


def test_make_help_lists_the_new_targets():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in (
        "test-fast",
        "test-long",
        "test-all",
        "lint",
        "format",
        "calibrate",
        "lock",
        "data-full",
        "fullgraph",
    ):
        assert f"  {target} " in out, target


def test_ci_runs_the_long_tier_that_make_test_skips():
    """The long tier is skipped by ``make test`` (no ``--runlong``), so CI must run it."""
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert ci.index("make test") < ci.index("make test-long")
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test-long:.*\n\t\$\(BIN\)/pytest --runlong -m long", makefile, re.MULTILINE)


def test_compare_numbers_finds_a_changed_or_missing_number(tmp_path):
    import compare_numbers

    old = {"a": {"x": 1.0, "effect_low": 0.5, "s": "old words"}, "claims": [{"p": 0.01}], "build": {"commit": "1"}}
    same = {"a": {"x": 1.0, "ci_low": 0.5, "s": "new words", "added": 3}, "claims": [{"p": 0.01}],
            "build": {"commit": "2"}}  # fmt: skip
    result = compare_numbers.compare(old, same)
    assert result["numbers"] == 3 and not result["differ"] and not result["missing"]
    assert result["text_changed"] == ["a.s"]
    changed = {"a": {"x": 1.0 + 1e-9, "ci_low": 0.5}, "claims": [{}]}
    result = compare_numbers.compare(old, changed)
    assert result["differ"] == ["a.x: 1.0 -> 1.000000001"] and result["missing"] == ["claims.0.p"]


# ---------------------------------------------------------------- make on a fake tree: settings, DATASET, clean

STUB = """#!/bin/sh
# stands for .venv/bin/python: logs its arguments and creates what the real command would write
echo "$*" >> calls.log
case "$*" in
  "-m analysis.report.execute "*) touch "$4" ;;
  "-m analysis.report.site render "*) n=$(basename "$4" .ipynb); touch "reports/$n.html" ;;
  "-m analysis.report.site") touch reports/index.html ;;
  "-m analysis.report.results merge "*) touch reports/numbers.json ;;
  "-m analysis.data.fetch --verify") test -e data/raw/.verified.json || touch data/raw/.verified.json ;;
  "-m analysis.data.processed") touch data/processed/manifest.json ;;
esac
"""

SOURCES = [
    "pyproject.toml", "requirements.lock", "scripts/notebook_deps.py", "analysis/data/readers.py",
    "analysis/data/processed.py", "analysis/data/registry.py", "analysis/data/registry.toml",
    "analysis/report/site.py", "notebooks/01-first.ipynb", "notebooks/02-second.ipynb",
    "data/raw/celebrities_profiles.txt", "data/raw/celebrities_profiles_labeled.txt", "data/raw/twitter.tar.gz",
    "data/raw/download.tsv.munmun_twitter_social.tar.bz2",
]  # fmt: skip


def _fake_tree(tmp_path: Path) -> Path:
    """The Makefile in a tree of empty sources, the venv stamp and notebook rules older than now, and a stub python."""
    import os
    import shutil

    tree = tmp_path / "tree"
    old = os.path.getmtime(ROOT / "Makefile") - 1000
    for i, name in enumerate([*SOURCES, ".venv/.installed", "build/notebook-deps.mk"]):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).touch()
        os.utime(tree / name, (old + i, old + i))
    shutil.copy(ROOT / "Makefile", tree / "Makefile")
    (tree / "data" / "processed").mkdir()
    (tree / "stub").write_text(STUB)
    (tree / "stub").chmod(0o755)
    return tree


def _make(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "PY=./stub", "PYTHON=false", *args],
                          cwd=tree, capture_output=True, text=True)  # fmt: skip


def _calls(tree: Path) -> list[str]:
    log = tree / "calls.log"
    calls = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


def _executed(calls: list[str]) -> list[str]:
    return [c.split(" -p ", 1)[1] + " " + c.split()[2] for c in calls if c.startswith("-m analysis.report.execute")]


def test_changing_seed_or_quick_re_executes_the_notebooks_and_an_unchanged_build_is_up_to_date(tmp_path):
    tree = _fake_tree(tmp_path)
    assert _make(tree).returncode == 0
    calls = _calls(tree)
    assert calls[:2] == ["-m analysis.data.fetch --verify", "-m analysis.data.processed"]
    assert _executed(calls) == [
        f"seed 20090417 -p quick 0 notebooks/0{i}-{n}.ipynb" for i, n in ((1, "first"), (2, "second"))
    ]
    assert "-m analysis.report.results merge 20090417 0" in calls
    assert _make(tree, "-q").returncode == 0  # a complete build with unchanged settings is up to date
    assert sorted(p.name for p in (tree / "build" / "settings").iterdir()) == ["seed-20090417_quick-0.stamp"]

    # QUICK=1 re-executes everything, and then so does switching back
    assert _make(tree, "-q", "QUICK=1").returncode == 1
    assert _make(tree, "QUICK=1").returncode == 0
    calls = _calls(tree)
    assert [c.split()[0] for c in _executed(calls)] == ["seed", "seed"] and all(
        " quick 1 " in c for c in _executed(calls)
    )
    assert "-m analysis.report.results merge 20090417 1" in calls
    assert _make(tree, "-q", "QUICK=1").returncode == 0 and _make(tree, "-q").returncode == 1
    assert _make(tree).returncode == 0
    assert len(_executed(_calls(tree))) == 2 and _make(tree, "-q").returncode == 0
    assert sorted(p.name for p in (tree / "build" / "settings").iterdir()) == ["seed-20090417_quick-0.stamp"]

    # so does another seed; `make -n` shows it and changes nothing
    dry = _make(tree, "-n", "SEED=1")
    assert dry.stdout.count("-m analysis.report.execute") == 2 and "-p seed 1 -p quick 0" in dry.stdout
    assert _make(tree, "-q").returncode == 0
    assert _make(tree, "SEED=1").returncode == 0 and len(_executed(_calls(tree))) == 2
    assert _make(tree, "-q", "SEED=1").returncode == 0


def test_bad_settings_are_refused_before_anything_runs(tmp_path):
    tree = _fake_tree(tmp_path)
    for setting, message in (("QUICK=yes", "QUICK must be 0 or 1"), ("SEED=1/2", "SEED must be a whole number")):
        done = _make(tree, "-n", setting)
        assert done.returncode == 2 and message in done.stderr
    assert not (tree / "calls.log").exists()


def test_a_dataset_run_needs_only_the_venv_and_keeps_the_settings(tmp_path):
    tree = _fake_tree(tmp_path)
    (tree / "data" / "raw" / "twitter.tar.gz").unlink()  # the Twitter archives are not needed
    done = _make(tree, "-n", "DATASET=x.toml")
    assert done.stdout.splitlines() == ["./stub -m analysis run x.toml --seed 20090417"]
    assert _make(tree, "-n", "DATASET=x.toml", "QUICK=1", "SEED=5").stdout.splitlines() == [
        "./stub -m analysis run x.toml --seed 5 --quick"
    ]


def test_the_longest_notebook_keeps_the_priority_and_the_others_run_niced(tmp_path):
    """Under -j2 the notebook that is the longest path (05) runs at normal priority and the others under
    NICE, so they take the cycles it leaves; NICE= runs every notebook alike."""
    import os

    tree = _fake_tree(tmp_path)
    longest = tree / "notebooks" / "05-robustness.ipynb"
    longest.touch()
    os.utime(longest, (os.path.getmtime(tree / "notebooks" / "01-first.ipynb"),) * 2)
    recipes = [line for line in _make(tree, "-n").stdout.splitlines() if "-m analysis.report.execute" in line]
    assert len(recipes) == 3
    for line in recipes:
        notebook = line.split("-m analysis.report.execute ")[1].split()[0]
        niced = line.startswith("nice -n 10 ./stub -m analysis.report.execute ")
        assert niced == (notebook != "notebooks/05-robustness.ipynb"), line
    plain = [line for line in _make(tree, "-n", "NICE=").stdout.splitlines() if "-m analysis.report.execute" in line]
    assert len(plain) == 3 and all(line.startswith("./stub ") for line in plain)


def test_the_notebook_recipe_runs_the_executor_and_clean_removes_stray_temporary_files(tmp_path):
    tree = _fake_tree(tmp_path)
    recipe = _make(tree, "-n", "build/01-first.ipynb").stdout
    assert (
        "./stub -m analysis.report.execute notebooks/01-first.ipynb build/01-first.ipynb --kernel tweeterwood" in recipe
    )
    assert "papermill" not in (ROOT / "Makefile").read_text().split("build/%.ipynb:")[1].split("\n\n")[0]
    strays = ["build/.01-first.ipynb.abc.tmp.ipynb", "reports/.numbers.json.x.tmp", "data/processed/.a.parquet.y.tmp",
              "data/processed/notebook-deps.mk.tmp"]  # fmt: skip
    for name in strays:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).touch()
    assert _make(tree, "clean").returncode == 0
    assert not any((tree / name).exists() for name in strays)
    assert (tree / "data" / "raw" / "twitter.tar.gz").exists()


def test_merge_command_line_refuses_bad_settings_in_one_line():
    from analysis.report import results

    assert results.cli.run(lambda: results.main(["merge", "x", "1"])) == 2


def test_merge_refuses_notebooks_run_with_other_settings_than_makes(tmp_path, monkeypatch, capsys):
    """numbers.json merges the executed notebooks' provenance; notebooks that ran with another seed
    or mode than make asks for are refused in one line (never merged under the wrong settings)."""
    import nbformat

    from analysis.report import provenance, results

    build = tmp_path / "build"
    (build / "numbers").mkdir(parents=True)
    (build / "numbers" / "03-follow-back.json").write_text('{"x": 1}')
    node = nbformat.v4.new_notebook()
    node.metadata[provenance.METADATA_KEY] = {"seed": 7, "quick": True, "commit": "c", "data_sha256": {"e": "1"}}
    nbformat.write(node, build / "03-follow-back.ipynb")
    monkeypatch.setenv("TWEETERWOOD_BUILD", str(build))
    monkeypatch.setenv("TWEETERWOOD_REPORTS", str(tmp_path / "reports"))
    assert results.cli.run(lambda: results.main(["merge", "20090417", "0"])) == 2
    assert "ran with seed 7 and quick True, not seed 20090417 and quick False" in capsys.readouterr().err
    assert not (tmp_path / "reports" / "numbers.json").exists()
    assert results.cli.run(lambda: results.main(["merge", "7", "1"])) == 0
    merged = json.loads((tmp_path / "reports" / "numbers.json").read_text())["build"]
    assert merged["seed"] == 7 and merged["data_sha256"] == {"e": "1"} and merged["commit"] == "c"


def test_make_data_and_make_processed_always_check_the_raw_files(tmp_path):
    tree = _fake_tree(tmp_path)
    assert _make(tree, "processed").returncode == 0
    assert _calls(tree) == [
        "-m analysis.data.fetch --verify",
        "-m analysis.data.processed",
        "-m analysis.data.fetch --verify",
    ]
    assert _make(tree, "processed").returncode == 0 and _calls(tree) == ["-m analysis.data.fetch --verify"]
    assert _make(tree, "data").returncode == 0 and _calls(tree) == ["-m analysis.data.fetch"]
    raw = tree / "data" / "raw" / "twitter.tar.gz"
    raw.touch()  # a raw file newer than its check: verified again before the tables are rebuilt
    assert _make(tree, "-q", "data/processed/manifest.json").returncode == 1
    assert _make(tree, "data/processed/manifest.json").returncode == 0
    assert _calls(tree) == ["-m analysis.data.fetch --verify", "-m analysis.data.processed"]


def test_make_lab_takes_a_port_prints_the_address_and_opens_on_the_explorer(tmp_path):
    import os

    tree = _fake_tree(tmp_path)
    recipe = _make(tree, "-n", "lab", "PORT=9321").stdout
    assert "http://127.0.0.1:9321/lab/tree/explore.ipynb" in recipe
    assert "--port=9321" in recipe and "--ServerApp.port_retries=0" in recipe
    assert "--ServerApp.root_dir=notebooks" in recipe and "--LabApp.default_url=/lab/tree/explore.ipynb" in recipe
    assert ("--allow-root" in recipe) == (os.getuid() == 0)
    assert "--port=8888" in _make(tree, "-n", "lab").stdout
    fake_id = tree / "bin" / "id"  # another user: no --allow-root
    fake_id.parent.mkdir()
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    env = dict(os.environ, PATH=f"{fake_id.parent}:{os.environ['PATH']}")
    as_user = subprocess.run(["make", "--no-print-directory", "PY=./stub", "PYTHON=false", "-n", "lab"], cwd=tree,
                             capture_output=True, text=True, env=env).stdout  # fmt: skip
    assert "jupyter lab" in as_user and "--allow-root" not in as_user
