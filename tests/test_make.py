"""The Makefile's dependencies: each notebook is re-executed only when a module it imports changes."""

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
    assert "analysis/claims/gated.py" not in follow_back
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
    for target in ("test-fast", "lint", "format", "calibrate", "lock", "data-full", "fullgraph"):
        assert f"  {target} " in out, target


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
