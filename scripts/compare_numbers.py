"""Compare two ``numbers.json`` files value by value.

``python scripts/compare_numbers.py OLD NEW [--rename OLD_KEY=NEW_KEY ...]``

Every number (and boolean) of OLD must have the same value at the same place in
NEW (floats to 1e-12 relative); keys renamed on purpose are given with
``--rename`` (for example ``effect_low=ci_low``). NEW may add keys. Text values
that differ are listed but do not fail the comparison (prose may change while
the numbers may not). Exit status 1 when a number differs or is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

RENAMES_DEFAULT = {"effect_low": "ci_low", "effect_high": "ci_high"}


def _walk(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))
    else:
        yield path, value


def _get(tree, path, renames):
    for part in path:
        if isinstance(tree, dict):
            part = renames.get(part, part) if part not in tree else part
        tree = tree[part]
    return tree


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0) or a == b
    return a == b


def compare(old: dict, new: dict, renames: dict | None = None) -> dict:
    """``{"numbers": n compared, "differ": [...], "missing": [...], "text_changed": [...]}``."""
    renames = {**RENAMES_DEFAULT, **(renames or {})}
    out = {"numbers": 0, "differ": [], "missing": [], "text_changed": []}
    for path, value in _walk(old):
        if path and path[0] == "build":
            continue  # provenance: commit and lock digest change by design
        label = ".".join(map(str, path))
        try:
            other = _get(new, path, renames)
        except (KeyError, IndexError, TypeError):
            if isinstance(value, str):
                out["text_changed"].append(label)
            else:
                out["missing"].append(label)
            continue
        if isinstance(value, str) or isinstance(other, str):
            if value != other:
                out["text_changed"].append(label)
            continue
        out["numbers"] += 1
        if not _same(value, other):
            out["differ"].append(f"{label}: {value!r} -> {other!r}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rename", action="append", default=[], metavar="OLD=NEW")
    args = parser.parse_args(argv)
    renames = dict(item.split("=", 1) for item in args.rename)
    with open(args.old) as a, open(args.new) as b:
        result = compare(json.load(a), json.load(b), renames)
    print(f"{result['numbers']} numbers compared: {len(result['differ'])} differ, {len(result['missing'])} missing; "
          f"{len(result['text_changed'])} text values changed")  # fmt: skip
    for line in result["differ"] + [f"missing: {m}" for m in result["missing"]]:
        print("  " + line)
    return 1 if result["differ"] or result["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
