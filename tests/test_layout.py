"""The house rules: the import layers hold, the tree is ruff-clean, every module
declares its public surface, and the folder list shows the data flow."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = ["data", "graph", "nulls", "stats", "claims", "report"]  # in the order of the data flow


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: `make venv` installs the dev dependencies")
    return found


def test_import_layers_and_no_cycles():
    result = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout


def test_a_broken_layer_is_caught(tmp_path):
    """The contract can fail: an upward import (generic inference importing the nulls) breaks it."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "analysis", copy / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy)
    with (copy / "analysis" / "stats" / "inference.py").open("a") as handle:
        handle.write("\nfrom ..nulls import rewiring  # noqa: E402\n")
    result = subprocess.run(
        [_tool("lint-imports")],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(copy), "PATH": str(BIN)},
    )
    assert result.returncode != 0 and "broken" in result.stdout


def test_ruff_lint_and_format_are_clean():
    ruff = _tool("ruff")
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, f"ruff {' '.join(args)}:\n{result.stdout[-3000:]}"


def test_every_module_declares_its_public_surface():
    for path in sorted((ROOT / "analysis").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        tree = ast.parse(path.read_text())
        declared = [
            node
            for node in tree.body
            if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__all__" for target in node.targets)
        ]
        assert declared, f"{path.relative_to(ROOT)} has no __all__"
        names = ast.literal_eval(declared[0].value)
        defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        defined |= {
            t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
        }
        defined |= {
            e.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Tuple)
            for e in t.elts
        }
        defined |= {node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)}
        missing = set(names) - defined
        assert not missing, f"{path.relative_to(ROOT)}: __all__ names undefined {sorted(missing)}"


def test_the_folder_list_shows_the_data_flow():
    found = sorted(p.name for p in (ROOT / "analysis").iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert found == sorted(PACKAGES)
    loose = sorted(p.name for p in (ROOT / "analysis").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "cli.py", "files.py", "paths.py"], loose
