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
    "parse_registry",
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


def default_files() -> list[DataFile]:
    """The files ``make data`` fetches."""
    return [f for f in registry().values() if f.fetch == "default"]


def get(name: str) -> DataFile:
    try:
        return registry()[name]
    except KeyError:
        raise KeyError(f"no registered data file {name!r}; known: {sorted(registry())}") from None
