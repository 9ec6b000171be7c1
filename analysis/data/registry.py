"""The registry of archived data files, read from ``registry.toml``.

Each entry gives the local file name, canonical URL and public mirrors, the digest
(kind and value), size, licence and citation. ``fetch`` says which make target
downloads it: ``default`` (``make data``) or ``full`` (``make data-full``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = [
    "REGISTRY_PATH",
    "DIGEST_KINDS",
    "DataFile",
    "parse_published",
    "parse_registry",
    "published",
    "published_source",
    "registry",
    "default_files",
    "get",
]

REGISTRY_PATH = Path(__file__).with_name("registry.toml")
DIGEST_KINDS = ("sha256", "sha256-members", "md5-stream")


@dataclass(frozen=True)
class DataFile:
    """One archived file as published."""

    name: str
    dataset: str
    description: str
    url: str
    digest: str
    hash: str
    size: int
    licence: str
    citation: str
    fetch: str = "default"
    mirrors: tuple[str, ...] = ()
    parts: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.digest not in DIGEST_KINDS:
            raise ValueError(f"{self.name}: digest kind {self.digest!r} not in {DIGEST_KINDS}")


def parse_published(text: str) -> dict[str, dict]:
    """The ``[published.NAME]`` tables of registry TOML text: ``{dataset: {figure: value}}``
    (each with a ``source`` naming who published it)."""
    published = tomllib.loads(text).get("published", {})
    for dataset, figures in published.items():
        if "source" not in figures:
            raise ValueError(f"published figures of {dataset!r} need a source")
    return published


def parse_registry(text: str) -> dict[str, DataFile]:
    """Parse registry TOML text into ``{file name: DataFile}``."""
    table = tomllib.loads(text)
    files = {}
    for name, entry in table.get("files", {}).items():
        entry = dict(entry)
        entry["mirrors"] = tuple(entry.get("mirrors", ()))
        entry["parts"] = tuple(entry.get("parts", ()))
        files[name] = DataFile(name=name, **entry)
    return files


@lru_cache(maxsize=1)
def registry() -> dict[str, DataFile]:
    """All registered files, by local name."""
    return parse_registry(REGISTRY_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _published() -> dict[str, dict]:
    return parse_published(REGISTRY_PATH.read_text(encoding="utf-8"))


def published(dataset: str) -> dict:
    """The figures the publisher of ``dataset`` reports (``kwak2009-full``: nodes, edges, ...),
    without the ``source`` entry; :func:`published_source` names who reported them."""
    try:
        figures = _published()[dataset]
    except KeyError:
        raise KeyError(f"no published figures for {dataset!r}; known: {sorted(_published())}") from None
    return {k: v for k, v in figures.items() if k != "source"}


def published_source(dataset: str) -> str:
    """Who published the figures of :func:`published`."""
    published(dataset)
    return _published()[dataset]["source"]


def default_files() -> list[DataFile]:
    """The files ``make data`` fetches."""
    return [f for f in registry().values() if f.fetch == "default"]


def get(name: str) -> DataFile:
    try:
        return registry()[name]
    except KeyError:
        raise KeyError(f"no registered data file {name!r}; known: {sorted(registry())}") from None
