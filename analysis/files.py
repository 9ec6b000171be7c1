"""How the project writes files: atomically, so that no reader ever sees half a file.

Every output goes through :func:`atomic_path`: the content is written to a
hidden temporary file in the target's folder (``.NAME.XXXX.tmp``), then renamed
onto the target in one step. On any error, or an interrupt, the temporary file
is removed and the target is left as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "write_text", "write_json", "write_parquet"]


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(target: str | Path, value, indent: int = 2) -> Path:
    """Write ``value`` as JSON (keys sorted, trailing newline) to ``target`` atomically."""
    return write_text(target, json.dumps(value, indent=indent, sort_keys=True) + "\n")


def write_parquet(target: str | Path, table) -> Path:
    """Write a DataFrame to ``target`` as Parquet (no index) atomically."""
    with atomic_path(target) as tmp:
        table.to_parquet(tmp, index=False)
    return Path(target)
