"""Numbers quoted in prose: each notebook records what it computed; ``make`` merges.

A notebook calls :func:`record` with dotted keys (``"kwak2009.verified"``); the
values go to ``build/numbers/<notebook>.json``. :func:`merge` nests every
fragment into ``reports/numbers.json`` (dotted names become nested objects).
Claim rows (``claims``) are written by the verdict notebook as a list.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .. import cli, files, paths
from . import provenance

__all__ = [
    "Recorder",
    "read_fragment",
    "nest",
    "merge",
    "Num",
    "prose",
    "main",
]


def _plain(value):
    """JSON-safe, deterministic value: numpy scalars to Python, NaN to None, floats rounded to 12 significant digits."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            return None
        return float(f"{value:.12g}")
    return value


class Recorder:
    """Collects the numbers of one notebook and writes them to its fragment file."""

    def __init__(self, notebook: str, folder: Path | None = None):
        self.notebook = notebook
        self.path = Path(folder or paths.numbers_fragments_dir()) / f"{notebook}.json"
        self.values: dict = {}

    def record(self, key: str, value):
        """Store ``value`` under the dotted ``key``; returns the value for use in prose."""
        self.values[key] = _plain(value)
        self.save()
        return value

    def prose(self) -> dict:
        """The recorded values for use in prose (see :func:`prose`)."""
        return prose(self.values)

    def record_many(self, prefix: str, mapping: dict):
        for key, value in mapping.items():
            self.record(f"{prefix}.{key}", value)
        return mapping

    def save(self) -> Path:
        return files.write_json(self.path, self.values, indent=1)


def read_fragment(notebook: str, folder: Path | None = None) -> dict:
    path = Path(folder or paths.numbers_fragments_dir()) / f"{notebook}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} missing: run notebook {notebook} first")
    return json.loads(path.read_text())


def nest(flat: dict) -> dict:
    """``{"a.b": 1}`` to ``{"a": {"b": 1}}``; a clash between a value and a group is an error."""
    tree: dict = {}
    for key in sorted(flat):
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"key {key!r} clashes with a value at {part!r}")
        if parts[-1] in node and isinstance(node[parts[-1]], dict):
            raise ValueError(f"key {key!r} clashes with a group")
        node[parts[-1]] = flat[key]
    return tree


def merge(folder: Path | None = None, target: Path | None = None, settings: dict | None = None) -> dict:
    """Merge every fragment into ``numbers.json`` (keys sorted; later notebooks may not redefine a key).
    ``settings`` (the run's seed and quick mode) are recorded under ``build`` with the provenance."""
    folder = Path(folder or paths.numbers_fragments_dir())
    target = Path(target or paths.numbers_path())
    flat: dict = {}
    for fragment in sorted(folder.glob("*.json")):
        for key, value in json.loads(fragment.read_text()).items():
            if key in flat and flat[key] != value:
                raise ValueError(f"{fragment.name} redefines {key!r}")
            flat[key] = value
    if any(key == "build" or key.startswith("build.") for key in flat):
        raise ValueError("'build' is reserved for the provenance that merge records")
    tree = nest(flat)
    tree["build"] = {**provenance.build_info(), **_plain(settings or {})}
    files.write_json(target, tree)
    return tree


class Num:
    """A recorded number for prose: formats like a float, and as ``n/a`` when the
    value is missing (NaN and infinite values are recorded as null), also after
    arithmetic."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __format__(self, spec: str) -> str:
        return "n/a" if self.value is None else format(self.value, spec)

    def __str__(self) -> str:
        return format(self, "")

    __repr__ = __str__

    def _op(self, other, fn):
        other = other.value if isinstance(other, Num) else other
        return Num(None if self.value is None or other is None else fn(self.value, other))

    def __mul__(self, o):
        return self._op(o, lambda a, b: a * b)

    def __rmul__(self, o):
        return self._op(o, lambda a, b: b * a)

    def __add__(self, o):
        return self._op(o, lambda a, b: a + b)

    def __radd__(self, o):
        return self._op(o, lambda a, b: b + a)

    def __sub__(self, o):
        return self._op(o, lambda a, b: a - b)

    def __rsub__(self, o):
        return self._op(o, lambda a, b: b - a)

    def __truediv__(self, o):
        return self._op(o, lambda a, b: a / b)

    def __rtruediv__(self, o):
        return self._op(o, lambda a, b: b / a)

    def _cmp(self, other, fn) -> bool:
        other = other.value if isinstance(other, Num) else other
        return self.value is not None and other is not None and fn(self.value, other)

    def __lt__(self, o):
        return self._cmp(o, lambda a, b: a < b)

    def __le__(self, o):
        return self._cmp(o, lambda a, b: a <= b)

    def __gt__(self, o):
        return self._cmp(o, lambda a, b: a > b)

    def __ge__(self, o):
        return self._cmp(o, lambda a, b: a >= b)


def prose(value):
    """Recorded values wrapped for f-strings: numbers become :class:`Num`, containers are wrapped inside."""
    if isinstance(value, dict):
        return {k: prose(v) for k, v in value.items()}
    if isinstance(value, list):
        return [prose(v) for v in value]
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return Num(value)
    return value


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.report.results merge [SEED QUICK]``: merge the fragments into ``numbers.json``,
    recording the run's settings (what ``make`` passes) with the provenance."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["merge"] or len(args) not in (1, 3):
        raise cli.UserError("usage: python -m analysis.report.results merge [SEED QUICK]")
    settings = None
    if len(args) == 3:
        if not args[1].isdigit() or args[2] not in ("0", "1"):
            raise cli.UserError(f"merge takes a whole-number SEED and QUICK 0 or 1, not {args[1]!r} {args[2]!r}")
        settings = {"seed": int(args[1]), "quick": bool(int(args[2]))}
    collected = provenance.collect(sorted(paths.build_dir().glob("[0-9][0-9]-*.ipynb")))
    if (
        settings
        and collected
        and (collected.get("seed"), collected.get("quick")) != (settings["seed"], settings["quick"])
    ):
        raise cli.UserError(
            f"the executed notebooks in {paths.build_dir()} ran with seed {collected.get('seed')} and quick "
            f"{collected.get('quick')}, not seed {settings['seed']} and quick {settings['quick']}; run make again"
        )
    tree = merge(settings={**collected, **(settings or {})})
    print(f"wrote {paths.numbers_path()} ({len(tree)} top-level keys)")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
