"""Verified fetching of the archived data files into ``data/raw/``.

Order of sources for a file: the mirror named by ``TWEETERWOOD_DATA_MIRROR`` (a
folder or a base URL) first, then the canonical URL, then the public mirrors.
Each candidate is written to a hidden staging folder inside ``data/raw/``, its
digest checked, and only then renamed into place, so ``data/raw/`` never holds a
half-written or unverified file under a registered name. A folder mirror is
copied; every HTTP transfer, here and for the full graph's parts
(:mod:`analysis.data.fullgraph`), goes through :func:`download`: streamed into a
``.part`` file with a progress bar, resumed with an HTTP Range request, renamed
only when complete.

The *verification stamp* ``data/raw/.verified.json`` maps each verified file's
name to its ``size``, ``mtime_ns`` and the ``digest`` (kind and value) it
matched. A file whose size and mtime equal its entry, against the digest the
registry declares today, is *trusted* without reading it; any other file has its
digest recomputed (:func:`verify_raw`), so checking unchanged archives costs a
``stat`` each. The stamp names only files that passed, and is rewritten only
when an entry changes (make compares its mtime with the tables').
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

import requests

from .. import cli, files, paths
from ..files import sha256_file
from .registry import DataFile, default_files

__all__ = [
    "STAGING_PREFIX",
    "CHUNK",
    "VERIFIED_STAMP",
    "MIRROR_VARIABLE",
    "DataIntegrityError",
    "DownloadError",
    "FetchError",
    "sha256_members",
    "md5_stream",
    "actual_digest",
    "verify",
    "verified_stamp",
    "read_verified",
    "stamp_entry",
    "is_trusted",
    "verify_raw",
    "candidate_sources",
    "download",
    "fetch",
    "main",
]

STAGING_PREFIX = ".partial-"
CHUNK = 1 << 20
VERIFIED_STAMP = ".verified.json"
MIRROR_VARIABLE = "TWEETERWOOD_DATA_MIRROR"


class DataIntegrityError(RuntimeError):
    """A file's digest does not match the registry (names file, expected, actual)."""


class DownloadError(DataIntegrityError):
    """A transfer did not deliver the whole file: HTTP status, no connection, or cut short.

    One line naming the file and what to do. A DataIntegrityError, since what it
    leaves behind (a ``.part`` file) is an incomplete copy.
    """


class FetchError(RuntimeError):
    """No source could deliver a verified copy of a file.

    ``str()`` is a first line and one line per source tried (what it gave);
    :meth:`summary` is the one line a command prints.
    """

    def __init__(self, datafile: DataFile, mirror: str | None, failures: list[tuple[str, BaseException]]):
        self.datafile, self.mirror, self.failures = datafile, mirror, failures
        tried = "\n".join(f"  {source}: {_describe(error)}" for source, error in failures)
        super().__init__(
            f"could not fetch a verified copy of {datafile.name} "
            f"(expected {datafile.digest} {datafile.hash}); tried:\n{tried}"
        )

    def summary(self) -> str:
        """One line: the file, why no source served it, and what to do."""
        name = self.datafile.name
        wrong = [
            (s, e) for s, e in self.failures if isinstance(e, DataIntegrityError) and not isinstance(e, DownloadError)
        ]
        if wrong:
            source, error = wrong[0]
            return (
                f"{name}: no source gave a verified copy ({source}: {_describe(error)}); "
                f"make sure {MIRROR_VARIABLE} names a copy of the published files, then run again"
            )
        failures = list(self.failures)
        if self.mirror and failures:
            _, error = failures.pop(0)
            held = "does not hold it" if isinstance(error, FileNotFoundError) else f"failed ({_cause(error)})"
            where = f"{MIRROR_VARIABLE}={self.mirror} {held}"
        else:
            where = f"{MIRROR_VARIABLE} is not set"
        if failures:
            source, error = failures[0]
            where += f"; {len(failures)} URL{'s' if len(failures) > 1 else ''} failed, first {source} ({_cause(error)})"
        return (
            f"{name}: no source could be reached ({where}); set {MIRROR_VARIABLE}=/path/to/mirror "
            "(a folder or URL holding the archives) or connect to the network, then run `make data` again"
        )


def _cause(error: BaseException) -> str:
    """The short name of what went wrong (the underlying error's type, e.g. ConnectionError)."""
    return type(error.__cause__ or error).__name__


def _describe(error: BaseException) -> str:
    """What a source gave: the message of an integrity error, else the error's type and message."""
    if isinstance(error, DataIntegrityError):
        return str(error)
    return f"{type(error).__name__}: {error}"


# ---------------------------------------------------------------- digests


def sha256_members(path: Path) -> str:
    """SHA-256 of ``sha256sum`` output over the archive's member files sorted by path.

    Equals ``find DIR -type f | LC_ALL=C sort | xargs sha256sum | sha256sum`` run
    on the unpacked archive, so any repacking of the same members gives the same
    digest. Raises DataIntegrityError if the archive is truncated or unreadable.
    """
    lines = []
    try:
        with tarfile.open(path, mode="r:*") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                handle = archive.extractfile(member)
                digest = hashlib.sha256()
                for block in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(block)
                name = member.name[2:] if member.name.startswith("./") else member.name
                lines.append((name.encode("utf-8"), digest.hexdigest()))
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as error:
        raise DataIntegrityError(
            f"{path.name}: archive is truncated or unreadable ({error}); cannot compute its member digest"
        ) from error
    lines.sort(key=lambda item: item[0])
    text = b"".join(h.encode() + b"  " + name + b"\n" for name, h in lines)
    return hashlib.sha256(text).hexdigest()


def md5_stream(parts: Iterable[Path]) -> tuple[str, int]:
    """MD5 and byte count of the concatenated decompressed gzip parts, in order."""
    digest, total = hashlib.md5(), 0
    for part in parts:
        try:
            with gzip.open(part, "rb") as stream:
                for block in iter(lambda: stream.read(CHUNK), b""):
                    digest.update(block)
                    total += len(block)
        except (EOFError, OSError, gzip.BadGzipFile) as error:
            raise DataIntegrityError(f"{Path(part).name}: truncated or not gzip ({error})") from error
    return digest.hexdigest(), total


def actual_digest(path: Path, datafile: DataFile) -> str:
    """The digest of ``path`` of the kind the registry declares for ``datafile``."""
    if datafile.digest == "sha256":
        return sha256_file(path)
    if datafile.digest == "sha256-members":
        return sha256_members(path)
    raise ValueError(f"{datafile.name}: digest kind {datafile.digest} is checked by fetch_full")


def verify(path: Path, datafile: DataFile) -> None:
    """Raise DataIntegrityError unless ``path`` has the registered digest."""
    actual = actual_digest(path, datafile)
    if actual != datafile.hash:
        raise DataIntegrityError(
            f"{datafile.name}: {datafile.digest} mismatch: expected {datafile.hash}, actual {actual}"
        )


def _delete_advice(path: Path) -> str:
    return f"delete {path} and run `make data` to fetch it again"


# ---------------------------------------------------------------- the verification stamp


def verified_stamp(raw: Path | None = None) -> Path:
    """The verification stamp of the folder ``raw`` (default ``data/raw``)."""
    return Path(raw if raw is not None else paths.raw_dir()) / VERIFIED_STAMP


def read_verified(raw: Path | None = None) -> dict:
    """The stamp's entries (empty if there is none, or it cannot be read: then every file is verified again)."""
    try:
        entries = json.loads(verified_stamp(raw).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return entries if isinstance(entries, dict) else {}


def stamp_entry(path: Path, datafile: DataFile) -> dict:
    """The stamp entry of ``path`` as it is now, taken to match ``datafile``'s digest."""
    status = path.stat()
    return {"size": status.st_size, "mtime_ns": status.st_mtime_ns, "digest": f"{datafile.digest}:{datafile.hash}"}


def is_trusted(path: Path, datafile: DataFile, entry: dict | None) -> bool:
    """Whether ``path`` is unchanged (size, mtime) since it matched the digest the registry declares."""
    return bool(entry) and entry == stamp_entry(path, datafile)


def _record(raw: Path, verified: dict[str, dict], dropped: Iterable[str] = ()) -> None:
    """Merge ``verified`` into the stamp (and remove the ``dropped`` names) atomically. An unchanged
    stamp is not rewritten, so that its mtime (which make compares with the tables') says when a
    raw file last changed."""
    with files.exclusive_lock(raw / f".{VERIFIED_STAMP}.lock", str(verified_stamp(raw)), wait=True):
        before = read_verified(raw)
        entries = {**before, **verified}
        for name in dropped:
            entries.pop(name, None)
        if entries != before or not verified_stamp(raw).exists():
            files.write_json(verified_stamp(raw), entries)


def _check(path: Path, datafile: DataFile, entries: dict) -> bool:
    """Verify an existing file, trusting the stamp; True if its digest was recomputed.
    Raises DataIntegrityError (file, expected, actual, what to do) on a mismatch."""
    if is_trusted(path, datafile, entries.get(datafile.name)):
        return False
    try:
        verify(path, datafile)
    except DataIntegrityError as error:
        raise DataIntegrityError(f"{error}; {_delete_advice(path)}") from error
    return True


def verify_raw(
    datafiles: Iterable[DataFile] | None = None, raw: Path | None = None, log=None, trust_stamp: bool = True
) -> int:
    """Check that every file of ``datafiles`` (default: those of ``make data``) is in ``raw`` with its
    registered digest, recomputing only the digests of files changed since the stamp; returns how many
    digests were recomputed. A missing file is a :class:`~analysis.cli.UserError`, a mismatch a
    DataIntegrityError; either way the stamp keeps only the files that passed. ``trust_stamp=False``
    recomputes every digest."""
    raw = Path(raw if raw is not None else paths.raw_dir())
    datafiles = list(default_files() if datafiles is None else datafiles)
    entries = read_verified(raw) if trust_stamp else {}
    passed: dict[str, dict] = {}
    failed: list[str] = []
    recomputed = 0
    try:
        for datafile in datafiles:
            path = raw / datafile.name
            if not path.is_file():
                raise cli.UserError(f"{path} is missing; run `make data` to fetch it")
            before = stamp_entry(path, datafile)
            try:
                recomputed += _check(path, datafile, entries)
            except DataIntegrityError:
                failed.append(datafile.name)
                raise
            passed[datafile.name] = before
    finally:
        if passed or failed:
            _record(raw, passed, dropped=failed)
    if log:
        unchanged = len(passed) - recomputed
        log(
            f"verified {len(passed)} raw files in {raw} ({recomputed} digests recomputed, {unchanged} unchanged since checked)"
        )
    return recomputed


# ---------------------------------------------------------------- sources


def candidate_sources(datafile: DataFile, mirror: str | None) -> list[str]:
    """Where to look for a file, in order: mirror, canonical URL, public mirrors."""
    sources = []
    if mirror:
        if "://" in mirror and not mirror.startswith("file://"):
            sources.append(mirror.rstrip("/") + "/" + datafile.name)
        else:
            folder = mirror[len("file://") :] if mirror.startswith("file://") else mirror
            sources.append(str(Path(folder) / datafile.name))
    sources.append(datafile.url)
    sources.extend(datafile.mirrors)
    return sources


def _copy_with_progress(source: Path, target: Path, progress: bool) -> None:
    size = source.stat().st_size
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=size, unit="B", unit_scale=True, desc=source.name, file=sys.stderr)
    with open(source, "rb") as src, open(target, "wb") as dst:
        for block in iter(lambda: src.read(CHUNK), b""):
            dst.write(block)
            if bar:
                bar.update(len(block))
    if bar:
        bar.close()


def download(
    url: str, target: Path, progress: bool = True, chunk: int = CHUNK, resume: bool = True, timeout: float = 60
) -> Path:
    """Stream ``url`` into ``target`` through ``TARGET.part``; rename it onto ``target`` only when whole.

    With ``resume`` an existing ``.part`` file is continued with an HTTP Range
    request; a server that ignores the range (answers 200) or cannot satisfy it
    (416) is read again from the first byte. A transfer is whole when its length
    is the one the server announced. Raises DownloadError (one line, naming the
    file and what to do) on an HTTP error status, a failed connection or an
    interrupted transfer; the ``.part`` file is kept for the next attempt (the
    bytes of the ``chunk`` being read when the connection broke are lost).
    """
    target = Path(target)
    partial = target.with_name(target.name + ".part")
    if not resume:
        partial.unlink(missing_ok=True)
    done = partial.stat().st_size if partial.exists() else 0
    headers = {"Accept-Encoding": "identity"}  # the bytes as stored, so lengths and ranges agree
    if done:
        headers["Range"] = f"bytes={done}-"
    retry = "run again to resume" if resume else "run again"
    try:
        response = requests.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.exceptions.RequestException as error:
        raise DownloadError(
            f"{target.name}: cannot reach {url} ({type(error).__name__}); check the network or the mirror, then {retry}"
        ) from error
    with response:
        if done and (response.status_code == 416 or _range_start(response) not in (None, done)):
            # the server cannot send the rest from byte `done` (or sent another range): start again
            response.close()
            partial.unlink()
            return download(url, target, progress, chunk, resume, timeout)
        if response.status_code >= 400:
            raise DownloadError(
                f"{target.name}: {url} answered HTTP {response.status_code}; check the URL or the mirror, then run again"
            )
        if response.status_code != 206:
            done = 0  # the server ignored the range: start again
        length = response.headers.get("Content-Length")
        total = done + int(length) if length is not None else None
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, initial=done, unit="B", unit_scale=True, desc=target.name, file=sys.stderr)
        try:
            with open(partial, "ab" if done else "wb") as handle:
                for block in response.iter_content(chunk):
                    handle.write(block)
                    if bar:
                        bar.update(len(block))
        except requests.exceptions.RequestException as error:
            size = partial.stat().st_size
            of = f" of {total}" if total is not None else ""
            raise DownloadError(
                f"{target.name}: transfer interrupted at {size}{of} bytes ({type(error).__name__}); {retry}"
            ) from error
        finally:
            if bar:
                bar.close()
    size = partial.stat().st_size
    if total is not None and size != total:
        raise DownloadError(f"{target.name}: transfer interrupted at {size} of {total} bytes; {retry}")
    os.replace(partial, target)
    return target


def _range_start(response) -> int | None:
    """The first byte of a 206 answer's Content-Range (None for any other answer)."""
    if response.status_code != 206:
        return None
    value = response.headers.get("Content-Range", "")
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1  # unreadable: not the range asked for


def _download(source: str, staging: Path, name: str, progress: bool) -> Path:
    """Bring one candidate into the staging folder; return its path."""
    target = staging / name
    if "://" in source:
        # the staging folder goes with a failed attempt, so there is no .part to resume
        download(source, target, progress=progress, resume=False)
    else:
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"not in mirror: {path}")
        _copy_with_progress(path, target, progress)
    return target


def _clean_stale_staging(raw: Path, name: str) -> None:
    """Remove the staging folders an interrupted fetch of ``name`` left (only that file's:
    another file may be downloading beside it). Called under that file's lock."""
    for stale in raw.glob(STAGING_PREFIX + name + "-*"):
        shutil.rmtree(stale, ignore_errors=True)


def fetch(datafile: DataFile, raw: Path | None = None, mirror: str | None = None, progress: bool = True) -> Path:
    """Return the verified local copy of ``datafile``, downloading it if needed.

    An existing file is verified (:func:`verify_raw`: on a stat if unchanged since
    its stamp), never overwritten: a mismatch raises DataIntegrityError asking to
    delete it. Otherwise every source is tried in turn; the first verified copy is
    renamed into place and stamped. If none succeeds, FetchError lists what each
    source gave (for a wrong digest: expected and actual).
    """
    raw = Path(raw) if raw is not None else paths.raw_dir()
    mirror = mirror if mirror is not None else paths.data_mirror()
    raw.mkdir(parents=True, exist_ok=True)
    dest = raw / datafile.name
    if dest.exists():
        verify_raw([datafile], raw)
        return dest
    with files.exclusive_lock(raw / f".{datafile.name}.lock", f"{dest} (being fetched)"):
        return _fetch_locked(datafile, raw, mirror, progress, dest)


def _fetch_locked(datafile: DataFile, raw: Path, mirror: str | None, progress: bool, dest: Path) -> Path:
    if dest.exists():  # another process fetched it while we waited for nothing: verify it
        verify_raw([datafile], raw)
        return dest
    _clean_stale_staging(raw, datafile.name)
    failures: list[tuple[str, BaseException]] = []
    for source in candidate_sources(datafile, mirror):
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + datafile.name + "-", dir=raw))
        try:
            candidate = _download(source, staging, datafile.name, progress)
            verify(candidate, datafile)
            os.replace(candidate, dest)
            _record(raw, {datafile.name: stamp_entry(dest, datafile)})
            return dest
        except Exception as error:  # wrong digest, network, HTTP status, interrupted transfer, missing file
            failures.append((source, error))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    raise FetchError(datafile, mirror, failures)


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.data.fetch [--verify] [NAME ...]``: fetch the named files (default: all of
    ``make data``), verifying those already there; ``--verify`` only verifies (a missing file is an error)."""
    import argparse

    from .registry import get

    parser = argparse.ArgumentParser(prog="python -m analysis.data.fetch", description=main.__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME")
    parser.add_argument("--verify", action="store_true", help="only verify the files already in data/raw")
    args = parser.parse_args(argv)
    try:
        datafiles = [get(n) for n in args.names] if args.names else default_files()
    except KeyError as error:
        raise cli.UserError(error.args[0]) from None
    if args.verify:
        verify_raw(datafiles, log=print)
        return 0
    for datafile in datafiles:
        try:
            path = fetch(datafile, progress=sys.stderr.isatty())  # a bar's redraws would flood a log file
        except FetchError as error:
            raise cli.UserError(error.summary()) from error
        print(f"verified {datafile.digest} {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main, user_errors=(DataIntegrityError,)))
