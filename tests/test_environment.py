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


def _lock() -> dict[str, str]:
    """``{name: pinned version}`` of requirements.lock."""
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_the_lock_pins_every_dependency_within_its_declared_range_with_hashes():
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = _lock()
    for line in declared:
        requirement = Requirement(line.split("#")[0])
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} not {requirement}"
    text = (ROOT / "requirements.lock").read_text()
    assert text.count("--hash=sha256:") >= len(pins)
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", text.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block), "every pin needs its hashes"
    assert "file://" not in text and "--index-url" not in text, "the lock must not name this machine's indexes"


def test_environment_yml_agrees_with_the_lock():
    """Every conda dependency is a declared one, and the lock satisfies it (so both give one environment)."""
    from packaging.requirements import Requirement

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = _lock()
    for entry in env["dependencies"]:
        if isinstance(entry, str) and not entry.startswith(("python=", "pip")):
            requirement = Requirement(entry)
            assert requirement.specifier.contains(pins[requirement.name.lower()], prereleases=True), entry
