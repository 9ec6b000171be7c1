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
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

import requests

from .. import paths
from .registry import DataFile, default_files

__all__ = [
    "STAGING_PREFIX",
    "CHUNK",
    "DataIntegrityError",
    "DownloadError",
    "FetchError",
    "sha256_file",
    "sha256_members",
    "md5_stream",
    "actual_digest",
    "verify",
    "candidate_sources",
    "download",
    "fetch",
    "main",
]

STAGING_PREFIX = ".partial-"
CHUNK = 1 << 20


class DataIntegrityError(RuntimeError):
    """A file's digest does not match the registry (names file, expected, actual)."""


class DownloadError(DataIntegrityError):
    """A transfer did not deliver the whole file: HTTP status, no connection, or cut short.

    One line naming the file and what to do. A DataIntegrityError, since what it
    leaves behind (a ``.part`` file) is an incomplete copy.
    """


class FetchError(RuntimeError):
    """No source could deliver a verified copy of a file."""


# ---------------------------------------------------------------- digests


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


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


def _clean_stale_staging(raw: Path) -> None:
    for stale in raw.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)


def fetch(datafile: DataFile, raw: Path | None = None, mirror: str | None = None, progress: bool = True) -> Path:
    """Return the verified local copy of ``datafile``, downloading it if needed.

    An existing file is verified, never overwritten: a mismatch raises
    DataIntegrityError asking to delete it. Otherwise every source is tried in
    turn; the first verified copy is renamed into place. If none succeeds,
    FetchError lists what each source gave (for a wrong digest: expected and actual).
    """
    raw = Path(raw) if raw is not None else paths.raw_dir()
    mirror = mirror if mirror is not None else paths.data_mirror()
    raw.mkdir(parents=True, exist_ok=True)
    dest = raw / datafile.name
    if dest.exists():
        try:
            verify(dest, datafile)
        except DataIntegrityError as error:
            raise DataIntegrityError(f"{error}; delete {dest} to fetch it again") from error
        return dest
    _clean_stale_staging(raw)
    failures = []
    for source in candidate_sources(datafile, mirror):
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + datafile.name + "-", dir=raw))
        try:
            candidate = _download(source, staging, datafile.name, progress)
            verify(candidate, datafile)
            os.replace(candidate, dest)
            return dest
        except DataIntegrityError as error:
            failures.append(f"  {source}: {error}")
        except Exception as error:  # network, HTTP status, interrupted transfer, missing file
            failures.append(f"  {source}: {type(error).__name__}: {error}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    raise FetchError(
        f"could not fetch a verified copy of {datafile.name} "
        f"(expected {datafile.digest} {datafile.hash}); tried:\n" + "\n".join(failures)
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.data.fetch [NAME ...]``: fetch the named files (default: all of ``make data``)."""
    from .registry import get

    names = sys.argv[1:] if argv is None else argv
    files = [get(n) for n in names] if names else default_files()
    for datafile in files:
        path = fetch(datafile)
        print(f"verified {datafile.digest} {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
