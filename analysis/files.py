"""How the project writes files: atomically, so that no reader ever sees half a file.

Every output goes through :func:`atomic_path`: the content is written to a
hidden temporary file in the target's folder (``.NAME.XXXX.tmp``), then renamed
onto the target in one step. On any error, or an interrupt, the temporary file
is removed and the target is left as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .cli import UserError

__all__ = [
    "LockedError",
    "atomic_path",
    "write_text",
    "write_json",
    "write_parquet",
    "exclusive_lock",
    "cached_array",
    "staged_folder",
    "remove_stale_staging",
]


class LockedError(UserError):
    """Another run holds the lock of an output folder."""


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


@contextmanager
def exclusive_lock(path: str | Path, what: str, wait: bool = False) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` (a lock file, removed on release) for the
    duration of the block; if another process holds it, raise :class:`LockedError`
    at once, naming ``what`` and that process (two runs on one output folder are
    refused, not interleaved), or with ``wait`` wait for it (for short critical
    sections such as rewriting a stamp). The lock is the kernel's (``flock``), so a
    killed run leaves no lock that blocks the next one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = open(path, "a+")  # noqa: SIM115 (held open for the lock's whole life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LockedError(
                f"{what} is being written by another run ({holder}); wait for it to end, or stop it"
            ) from None
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()  # the file was removed by the run that held it: lock the new one
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield path
    finally:
        path.unlink(missing_ok=True)
        handle.close()


def cached_array(path: str | Path, what: str, shape_ok, run):
    """``run()``'s NumPy array, kept at ``path`` (``.npy``): the first caller computes it
    under a lock (:func:`exclusive_lock`, waiting), the others wait for it and read it;
    ``shape_ok(saved)`` guards a file of other settings (then it is computed again)."""
    import numpy as np

    path = Path(path)
    with exclusive_lock(path.with_suffix(".lock"), what, wait=True):
        if path.exists():
            saved = np.load(path)
            if shape_ok(saved):
                return saved
        values = run()
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.save(handle, values)
    return values


@contextmanager
def staged_folder(target: str | Path) -> Iterator[Path]:
    """Yield an empty hidden folder beside ``target``; when the block ends normally it
    replaces ``target`` (the old folder is removed), otherwise it is deleted and
    ``target`` is left as it was, so a reader never sees half of a run."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        yield staging
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_stale_staging(target: str | Path) -> list[Path]:
    """Remove the staging and old folders of ``target`` that interrupted runs left
    (a run killed by SIGKILL cannot clean up after itself); returns them. Call it only
    while holding ``target``'s lock, so that no running run's staging is touched."""
    target = Path(target)
    stale = [p for pattern in (f".{target.name}.staging-*", f".{target.name}.old-*")
             for p in target.parent.glob(pattern) if p.is_dir()]  # fmt: skip
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
