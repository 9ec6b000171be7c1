"""The conda environment and the pip project declare the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> str:
    requirement = re.sub(r"\s+", "", requirement.split("#")[0]).lower()
    return requirement.replace("_", "-")


def test_environment_yml_lists_the_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = {_normalise(d) for d in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_deps, pip_section = set(), []
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip_section.extend(entry.get("pip", []))
        elif not entry.startswith(("python=", "pip")):
            conda_deps.add(_normalise(entry))
    assert conda_deps == pip_deps
    assert any(line.replace(" ", "").startswith("-e.[dev]") for line in pip_section)


def test_makefile_targets_have_help_lines():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("all", "help", "data", "processed", "lab", "test", "clean", "distclean"):
        assert re.search(rf"^{target}:.*## ", makefile, re.MULTILINE), target


def test_readme_opens_with_the_two_commands():
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    assert "make test" in head and "\nmake\n" in head + "\n"
