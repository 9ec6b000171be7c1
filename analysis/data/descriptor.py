"""Bring your own follower graph: a TOML descriptor names the files and the elite.

Example (paths are relative to the descriptor; ``{processed}`` is ``data/processed``)::

    name = "my-graph"
    title = "Who follows whom on my server, 2024"
    citation = "..."

    [edges]                    # required
    file = "edges.csv"         # .csv, .tsv, .txt (whitespace), optionally .gz or .bz2; or .parquet
    header = true              # text files: does the first line name the columns? (default: yes
                               # when the columns are given by name, no when by 0-based index)
    follower = "source"        # the column that follows (a name, or a 0-based index without header)
    followee = "target"        # the column that is followed

    [accounts]                 # optional
    file = "accounts.csv"
    id = "id"
    followers = "followers"    # optional: follower counts (profile data)
    following = "following"    # optional: following counts
    class = "kind"             # optional: a class label per account

    [elite]                    # exactly one of
    label = "celebrity"        # accounts whose class equals this value (needs accounts.class)
    # top = 100                # the K accounts with most followers (accounts.followers, else in-degree)
    # threshold = 10000        # accounts with at least N followers (same source)

Direction convention: a row means *follower follows followee*. Classes of graph
nodes: *celebrity* (the elite), *popular* (other accounts of the accounts file
when it gives follower counts, i.e. profiles of notable accounts), *regular*
(the rest).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..graph import measures
from ..graph.labelled import LabelledGraph, label_graph

__all__ = [
    "REGISTERED_DIR",
    "DescriptorError",
    "Descriptor",
    "registered",
    "read_descriptor",
    "load_edges",
    "load_accounts",
    "load_egos",
    "elite_definition",
    "load_graph",
]

REGISTERED_DIR = Path(__file__).with_name("descriptors")


class DescriptorError(ValueError):
    """A descriptor or one of its files is unusable (the message names the field, file or line)."""


@dataclass
class Descriptor:
    name: str
    source: Path
    edges: dict
    accounts: dict | None
    elite: dict
    title: str = ""
    citation: str = ""
    description: str = ""
    caveats: tuple[str, ...] = ()
    kwak_profiles: bool = False
    egos: dict | None = None  # [egos]: file, ego, member (the graph is a union of ego networks)

    def resolve(self, value: str) -> Path:
        path = Path(str(value).replace("{processed}", str(paths.processed_dir())))
        return path if path.is_absolute() else (self.source.parent / path).resolve()

    @property
    def has_profiles(self) -> bool:
        return self.accounts is not None and "followers" in self.accounts and "following" in self.accounts


def registered(name: str) -> Path:
    """The descriptor file of a registered dataset."""
    path = REGISTERED_DIR / f"{name}.toml"
    if not path.exists():
        raise DescriptorError(
            f"no registered descriptor {name!r}; known: {sorted(p.stem for p in REGISTERED_DIR.glob('*.toml'))}"
        )
    return path


def read_descriptor(path: str | Path) -> Descriptor:
    """Parse and check a descriptor (fields only; files are checked when loaded)."""
    path = Path(path).resolve()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DescriptorError(f"descriptor {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise DescriptorError(f"{path.name}: not valid TOML ({error})") from error
    name = table.get("name") or path.stem
    edges = table.get("edges")
    if not isinstance(edges, dict):
        raise DescriptorError(f"{path.name}: missing [edges] table")
    for key in ("file", "follower", "followee"):
        if key not in edges:
            raise DescriptorError(f"{path.name}: edges.{key} is required")
    accounts = table.get("accounts")
    if accounts is not None and ("file" not in accounts or "id" not in accounts):
        raise DescriptorError(f"{path.name}: accounts.file and accounts.id are required when [accounts] is given")
    elite = table.get("elite", {})
    kinds = [k for k in ("label", "top", "threshold") if k in elite]
    if len(kinds) != 1:
        raise DescriptorError(
            f"{path.name}: [elite] needs exactly one of label, top, threshold (got {kinds or 'none'})"
        )
    if "label" in elite and (accounts is None or "class" not in accounts):
        raise DescriptorError(f"{path.name}: elite.label needs accounts.class")
    unknown = set(table) - {"name", "title", "citation", "description", "caveats", "kwak_profiles", "edges",
                            "accounts", "elite", "egos"}  # fmt: skip
    egos = table.get("egos")
    if egos is not None and not (isinstance(egos, dict) and {"file", "ego", "member"} <= set(egos)):
        raise DescriptorError(f"{path.name}: [egos] needs file, ego and member")
    if unknown:
        raise DescriptorError(f"{path.name}: unknown fields {sorted(unknown)}")
    caveats = table.get("caveats", [])
    if not isinstance(caveats, list) or not all(isinstance(c, str) for c in caveats):
        raise DescriptorError(f"{path.name}: caveats must be a list of strings")
    return Descriptor(
        name=str(name),
        source=path,
        edges=edges,
        accounts=accounts,
        elite=elite,
        title=table.get("title", ""),
        citation=table.get("citation", ""),
        description=table.get("description", ""),
        caveats=tuple(caveats),
        kwak_profiles=bool(table.get("kwak_profiles", False)),
        egos=egos,
    )


def _read_table(path: Path, header: bool, separator: str | None, field_name: str) -> pd.DataFrame:
    if not path.exists():
        raise DescriptorError(f"{field_name}: file {path} does not exist")
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    stem = path.name.removesuffix(".gz").removesuffix(".bz2")
    if separator is None:
        separator = "," if stem.endswith(".csv") else "\t" if stem.endswith(".tsv") else r"\s+"
    try:
        return pd.read_csv(
            path,
            sep=separator,
            header=0 if header else None,
            dtype=str,
            comment="%",
            skip_blank_lines=True,
            engine="python" if separator == r"\s+" else "c",
        )
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, EOFError, OSError) as error:
        raise DescriptorError(f"{path.name}: cannot be read as a table ({error})") from error


def _column(table: pd.DataFrame, key, field_name: str, path: Path) -> pd.Series:
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit() and key not in table.columns):
        key = int(key)
        if key >= table.shape[1]:
            raise DescriptorError(
                f"{field_name}: column {key} does not exist in {path.name} ({table.shape[1]} columns)"
            )
        return table.iloc[:, key]
    if key not in table.columns:
        raise DescriptorError(
            f"{field_name}: column {key!r} not in {path.name} (columns: {', '.join(map(str, table.columns))})"
        )
    return table[key]


def _integers(values: pd.Series, field_name: str, path: Path, header: bool) -> np.ndarray:
    if pd.api.types.is_integer_dtype(values):
        return values.to_numpy(np.int64)
    text = values.astype(str).str.strip()
    bad = ~text.str.fullmatch(r"\d+")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        line = row + 1 + (1 if header else 0)
        raise DescriptorError(f"{path.name}: line {line}: {field_name} {text.iloc[row]!r} is not an integer id")
    return text.astype(np.int64).to_numpy()


def _section_table(desc: Descriptor, spec: dict, section: str, first_column: str, what: str):
    """The file of a descriptor section read as text: ``(path, header, table)``.

    A header is assumed when columns are named (strings) unless ``header`` says
    otherwise; an empty file is an error naming the file.
    """
    path = desc.resolve(spec["file"])
    header = bool(spec.get("header", isinstance(spec[first_column], str)))
    table = _read_table(path, header, spec.get("separator"), f"{section}.file")
    if table.empty:
        raise DescriptorError(f"{path.name}: the {what} is empty")
    return path, header, table


def load_edges(desc: Descriptor) -> tuple[pd.DataFrame, int]:
    """The distinct ``follower, followee`` edges (self-loops dropped) and the self-loop count."""
    spec = desc.edges
    path, header, table = _section_table(desc, spec, "edges", "follower", "edge file")
    follower = _integers(_column(table, spec["follower"], "edges.follower", path), "follower", path, header)
    followee = _integers(_column(table, spec["followee"], "edges.followee", path), "followee", path, header)
    edges = pd.DataFrame({"follower": follower, "followee": followee}).drop_duplicates()
    loops = edges["follower"] == edges["followee"]
    edges = edges[~loops].reset_index(drop=True)
    if edges.empty:
        raise DescriptorError(f"{path.name}: the graph has no edges (after removing self-loops)")
    return edges, int(loops.sum())


def load_accounts(desc: Descriptor) -> pd.DataFrame | None:
    """Accounts with ``user_id`` and, when declared, ``followers``, ``following``, ``class``."""
    if desc.accounts is None:
        return None
    spec = desc.accounts
    path, header, table = _section_table(desc, spec, "accounts", "id", "accounts file")
    out = pd.DataFrame({"user_id": _integers(_column(table, spec["id"], "accounts.id", path), "id", path, header)})
    for key in ("followers", "following"):
        if key in spec:
            out[key] = _integers(_column(table, spec[key], f"accounts.{key}", path), key, path, header)
    if "class" in spec:
        out["class"] = _column(table, spec["class"], "accounts.class", path).astype(str).to_numpy()
    if out["user_id"].duplicated().any():
        raise DescriptorError(f"{path.name}: duplicate account ids")
    return out


def load_egos(desc: Descriptor) -> pd.DataFrame | None:
    """The ego networks of a graph sampled as ego networks (``[egos]``): one row per
    ``ego, member`` (user ids; the ego follows the member, and the member's follows
    among the ego's other members were observed). None when the descriptor has none."""
    if desc.egos is None:
        return None
    spec = desc.egos
    path, header, table = _section_table(desc, spec, "egos", "ego", "ego file")
    return pd.DataFrame({key: _integers(_column(table, spec[key], f"egos.{key}", path), key, path, header)
                         for key in ("ego", "member")}).drop_duplicates()  # fmt: skip


def elite_definition(desc: Descriptor) -> str:
    """The descriptor's ``[elite]`` as an elite definition of :func:`analysis.graph.labelled.elite_ids`
    (``label = "x"`` -> ``"label:x"``, ``top = 100`` -> ``"top:100"``, ``threshold = N`` -> ``"threshold:N"``)."""
    ((kind, value),) = desc.elite.items()
    return f"{kind}:{value}"


def load_graph(desc: Descriptor) -> LabelledGraph:
    """The labelled graph of a descriptor, classed by the project's one rule
    (:func:`analysis.graph.labelled.label_graph`; the accounts' ``class`` column is the label)."""
    edges, _ = load_edges(desc)
    accounts = load_accounts(desc)
    if accounts is not None:
        accounts = accounts.rename(columns={"class": "label"})
    graph = measures.index_edges(edges)
    try:
        return label_graph(desc.name, graph, accounts, elite_definition(desc))
    except ValueError as error:
        raise DescriptorError(f"{desc.source.name}: [elite] {error}") from None
