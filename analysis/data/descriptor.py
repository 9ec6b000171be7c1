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

import bz2
import difflib
import gzip
import hashlib
import re
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
    "GRAPH_DATASETS",
    "FULL_GRAPH",
    "is_descriptor",
    "DescriptorError",
    "NAME_PATTERN",
    "MIN_ELITE",
    "MAX_ELITE_SHARE",
    "Field",
    "SCHEMA",
    "Descriptor",
    "validate",
    "physical_line",
    "string_id_codes",
    "registered",
    "read_descriptor",
    "load_edges",
    "load_accounts",
    "load_egos",
    "elite_definition",
    "load_graph",
]

REGISTERED_DIR = Path(__file__).with_name("descriptors")
GRAPH_DATASETS = ("ego_twitter", "konect_icwsm2010")  # registered, each with a descriptor in descriptors/
FULL_GRAPH = "kwak2009-full"  # the celebrity slice of the complete 2009 graph, when `make fullgraph` has run


class DescriptorError(ValueError):
    """A descriptor or one of its files is unusable (the message names the field, file or line)."""


NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MIN_ELITE = 5  # fewer elite accounts than this leave too few elite pairs for any closure or follow-back test
MAX_ELITE_SHARE = 0.5  # an elite is a minority: more than half the graph is refused
INT64_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Field:
    """One descriptor field: its kind (``str``, ``bool``, ``column``, ``count``, ``positive``,
    ``strings`` or ``choice``), whether it is required, and the allowed values of a choice."""

    kind: str
    required: bool = False
    choices: tuple = ()


_FILE = {"file": Field("str", True), "header": Field("bool"), "separator": Field("str")}
SCHEMA: dict[str, dict[str, Field]] = {
    "": {
        "name": Field("name"),
        "title": Field("str"),
        "citation": Field("str"),
        "description": Field("str"),
        "caveats": Field("strings"),
        "kwak_profiles": Field("bool"),
        "ids": Field("choice", choices=("integer", "string")),
    },
    "edges": {**_FILE, "follower": Field("column", True), "followee": Field("column", True)},
    "accounts": {
        **_FILE,
        "id": Field("column", True),
        "followers": Field("column"),
        "following": Field("column"),
        "class": Field("column"),
    },
    "elite": {"label": Field("str"), "top": Field("count"), "threshold": Field("positive")},
    "egos": {**_FILE, "ego": Field("column", True), "member": Field("column", True)},
}
TABLES = ("edges", "accounts", "elite", "egos")
_KIND_WORDS = {
    "str": "a string in quotes",
    "name": "a plain name (letters, digits, - and _; at most 64 characters, starting with a letter or digit)",
    "bool": "true or false (unquoted)",
    "column": "a column name in quotes or a 0-based column index",
    "count": "a whole number of at least 1",
    "positive": "a positive number",
    "strings": "a list of strings",
}


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
    ids: str = "integer"  # "integer": ids are whole numbers; "string": ids are names, kept distinct as written

    def resolve(self, value: str) -> Path:
        path = Path(str(value).replace("{processed}", str(paths.processed_dir())))
        return path if path.is_absolute() else (self.source.parent / path).resolve()

    @property
    def has_profiles(self) -> bool:
        return self.accounts is not None and "followers" in self.accounts and "following" in self.accounts


def is_descriptor(dataset: str) -> bool:
    """A user's descriptor is given by the path of its ``.toml`` file (else a registered name)."""
    return str(dataset).endswith(".toml")


def registered(name: str) -> Path:
    """The descriptor file of a registered dataset."""
    path = REGISTERED_DIR / f"{name}.toml"
    if not path.exists():
        raise DescriptorError(
            f"no registered descriptor {name!r}; known: {sorted(p.stem for p in REGISTERED_DIR.glob('*.toml'))}"
        )
    return path


def _line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The physical line (from 1) of ``[section]`` or of ``key`` inside it (``section`` "" is the top);
    lines inside a multi-line string (``\"\"\"`` or ``'''``) are text, not keys."""
    current, quote = "", None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        opened = quote
        for mark in ('"""', "'''"):
            if (quote in (None, mark)) and line.count(mark) % 2:
                quote = None if quote == mark else mark
        if opened is not None:
            continue  # a line that continues a multi-line string
        header = re.fullmatch(r"\[\s*([A-Za-z0-9_-]+)\s*\](\s*#.*)?", stripped)
        if header:
            current = header.group(1)
            if key is None and current == section:
                return number
            continue
        if key is not None and current == section and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def _check_value(value, field: Field) -> bool:
    kind = field.kind
    if kind == "str":
        return isinstance(value, str)
    if kind == "name":
        return isinstance(value, str) and NAME_PATTERN.fullmatch(value) is not None
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "column":
        return (isinstance(value, str) and value != "") or (type(value) is int and value >= 0)
    if kind == "count":
        return type(value) is int and value >= 1
    if kind == "positive":
        return type(value) in (int, float) and np.isfinite(value) and value > 0
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value in field.choices  # choice


def _shown(value) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def validate(table: dict, text: str, filename: str) -> None:
    """Check a parsed descriptor against :data:`SCHEMA`: known keys only (an unknown key
    names the nearest valid one), each value of its type and range, required keys present.
    Raises :class:`DescriptorError` naming the file, the physical line and the field."""

    def fail(section: str, key: str | None, message: str):
        line = _line_of(text, section, key)
        where = f"line {line}: " if line else ""
        raise DescriptorError(f"{filename}: {where}{message}")

    for section in ("", *TABLES):
        fields = SCHEMA[section]
        body = table if section == "" else table.get(section)
        if body is None:
            continue
        if not isinstance(body, dict):
            fail("", section, f"{section} must be a table ([{section}]), not {_shown(body)}")
        allowed = set(fields) | (set(TABLES) if section == "" else set())
        for key, value in body.items():
            dotted = f"{section}.{key}" if section else key
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                hint = (f"did you mean {(section + '.') if section else ''}{close[0]}?" if close
                        else f"the fields{' of [' + section + ']' if section else ''} are {', '.join(sorted(allowed))}")  # fmt: skip
                fail(section, key, f"unknown field {dotted}; {hint}")
            if key in fields and not _check_value(value, fields[key]):
                field = fields[key]
                wanted = (
                    " or ".join(repr(c) for c in field.choices) if field.kind == "choice" else _KIND_WORDS[field.kind]
                )
                fail(section, key, f"{dotted} must be {wanted}, not {_shown(value)}")
        for key, field in fields.items():
            if field.required and key not in body:
                fail(section, None, f"{section}.{key} is required")
    if "edges" not in table:
        raise DescriptorError(f"{filename}: missing [edges] table (file, follower, followee)")


def read_descriptor(path: str | Path) -> Descriptor:
    """Parse and check a descriptor against :data:`SCHEMA` (fields only; files are checked when loaded)."""
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DescriptorError(f"descriptor {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DescriptorError(f"descriptor {path} cannot be read ({error})") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DescriptorError(f"{path.name}: not valid TOML ({error})") from None
    validate(table, text, path.name)
    if "name" not in table and NAME_PATTERN.fullmatch(path.stem) is None:
        raise DescriptorError(
            f'{path.name}: the file name is not a plain name; give name = "..." ({_KIND_WORDS["name"]})'
        )
    name = table.get("name", path.stem)
    accounts = table.get("accounts")
    elite = table.get("elite", {})
    kinds = [k for k in ("label", "top", "threshold") if k in elite]
    if len(kinds) != 1:
        line = _line_of(text, "elite")
        where = f"line {line}: " if line else ""
        raise DescriptorError(
            f"{path.name}: {where}[elite] needs exactly one of label, top, threshold (got {', '.join(kinds) or 'none'})"
        )
    if "label" in elite and (accounts is None or "class" not in accounts):
        raise DescriptorError(f"{path.name}: elite.label needs accounts.class (the column holding the labels)")
    return Descriptor(
        name=str(name),
        source=path,
        edges=table["edges"],
        accounts=accounts,
        elite=elite,
        title=table.get("title", ""),
        citation=table.get("citation", ""),
        description=table.get("description", ""),
        caveats=tuple(table.get("caveats", [])),
        kwak_profiles=table.get("kwak_profiles", False),
        egos=table.get("egos"),
        ids=table.get("ids", "integer"),
    )


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def physical_line(path: Path, row: int, header: bool) -> int | None:
    """The line of ``path`` (from 1, counting comment and blank lines) that holds data
    row ``row`` (from 0) as the reader counts rows: lines that are blank or start with
    ``%`` are skipped, and the first other line is the header when there is one."""
    wanted = row + (1 if header else 0)
    seen = -1
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("%"):
                continue
            seen += 1
            if seen == wanted:
                return number
    return None


def _where(path: Path, row: int, header: bool) -> str:
    """``line N`` of a text file (physical), ``row N`` (from 1) of a Parquet file."""
    if path.suffix == ".parquet":
        return f"row {row + 1}"
    line = physical_line(path, row, header)
    return f"line {line}" if line is not None else f"data row {row + 1}"


def _read_table(path: Path, header: bool, separator: str | None, field_name: str) -> pd.DataFrame:
    if not path.exists():
        raise DescriptorError(f"{field_name}: file {path} does not exist")
    if path.is_dir():
        raise DescriptorError(f"{field_name}: {path} is a folder, not a file")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    stem = path.name.removesuffix(".gz").removesuffix(".bz2")
    if stem.endswith(".parquet") and stem != path.name:
        raise DescriptorError(f"{path.name}: a Parquet file is compressed inside; give it uncompressed, named {stem}")
    if path.suffix == ".parquet" or magic == b"PAR1":
        if magic != b"PAR1":
            raise DescriptorError(f"{path.name}: not a Parquet file (it does not start with PAR1); check {field_name}")
        try:
            return pd.read_parquet(path)
        except Exception as error:  # pyarrow raises several types for a damaged file
            raise DescriptorError(
                f"{path.name}: the Parquet file is damaged or truncated ({type(error).__name__}: "
                f"{' '.join(str(error).split())[:160]}); write it again"
            ) from None
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
    except UnicodeDecodeError:
        raise DescriptorError(f"{path.name}: not UTF-8 text; save it as UTF-8 (or as .parquet)") from None
    except (pd.errors.ParserError, EOFError, OSError) as error:
        raise DescriptorError(
            f"{path.name}: cannot be read as a table ({' '.join(str(error).split())[:200]})"
        ) from None


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
    """Whole numbers of a column (counts, or ids when ``ids = "integer"``), refused with the
    line or row of the first bad value: text that is not a whole number, a leading zero
    (``007`` and ``7`` would become one id), or a value beyond 64-bit integers."""

    def where(row) -> str:
        return _where(path, int(row), header)

    if pd.api.types.is_bool_dtype(values):
        raise DescriptorError(f"{path.name}: {field_name} holds true/false values, not whole numbers")
    if values.isna().any():
        raise DescriptorError(
            f"{path.name}: {where(np.flatnonzero(values.isna().to_numpy())[0])}: {field_name} is empty"
        )
    if pd.api.types.is_unsigned_integer_dtype(values):
        too_big = values.to_numpy() > INT64_MAX
        if too_big.any():
            row = int(np.flatnonzero(too_big)[0])
            raise DescriptorError(
                f"{path.name}: {where(row)}: {field_name} {values.iloc[row]} does not fit a 64-bit integer; "
                'if these are names, not numbers, set ids = "string"'
            )
    if pd.api.types.is_integer_dtype(values):
        array = values.to_numpy(np.int64)
        if (array < 0).any():
            row = int(np.flatnonzero(array < 0)[0])
            raise DescriptorError(f"{path.name}: {where(row)}: {field_name} {array[row]} is negative")
        return array
    if pd.api.types.is_float_dtype(values):
        array = values.to_numpy(float)
        bad = (array != np.floor(array)) | (array < 0) | (array > INT64_MAX)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DescriptorError(f"{path.name}: {where(row)}: {field_name} {array[row]!r} is not a whole number")
        return array.astype(np.int64)
    text = values.astype(str).str.strip()
    bad = ~text.str.fullmatch(r"0|[1-9]\d*")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = text.iloc[row]
        if re.fullmatch(r"0\d+", value):
            reason = (f"has a leading zero ({value} and {value.lstrip('0')} would be one account); "
                      'if ids are names, not numbers, set ids = "string"')  # fmt: skip
        else:
            reason = "is not a whole number" + (
                '; if ids are names, set ids = "string"'
                if "id" in field_name or field_name in ("follower", "followee", "ego", "member")
                else ""
            )
        raise DescriptorError(f"{path.name}: {where(row)}: {field_name} {value!r} {reason}")
    too_long = text.str.len() >= 19
    if too_long.any():
        big = text[too_long].map(int) > INT64_MAX
        if big.any():
            row = int(np.flatnonzero(too_long.to_numpy())[np.flatnonzero(big.to_numpy())[0]])
            raise DescriptorError(
                f"{path.name}: {where(row)}: {field_name} {text.iloc[row]} does not fit a 64-bit integer; "
                'if ids are names, not numbers, set ids = "string"'
            )
    return text.astype(np.int64).to_numpy()


def string_id_codes(names) -> np.ndarray:
    """The integer code of each string id (``ids = "string"``): the first 63 bits of its
    BLAKE2b digest, so ``"007"`` and ``"7"`` stay two accounts and the same name gets
    the same code in every file. Codes that collide (about 1 chance in 10^7 for a
    million ids) are refused by :func:`load_graph`."""

    def digest(name: str) -> int:
        return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")

    names = list(names)
    codes = np.fromiter((digest(n) >> 1 for n in names), dtype=np.int64, count=len(names))
    if len(np.unique(codes)) != len(set(names)):
        raise DescriptorError('two different string ids got the same code; please report this (ids = "string")')
    return codes


def _ids(desc: Descriptor, values: pd.Series, field_name: str, path: Path, header: bool) -> np.ndarray:
    """Account ids of a column, by the descriptor's ``ids`` (integers, or coded strings)."""
    if desc.ids == "integer":
        return _integers(values, field_name, path, header)
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise DescriptorError(f"{path.name}: {_where(path, row, header)}: {field_name} is empty")
    return string_id_codes(values.astype(str).str.strip().tolist())


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
    follower = _ids(desc, _column(table, spec["follower"], "edges.follower", path), "follower", path, header)
    followee = _ids(desc, _column(table, spec["followee"], "edges.followee", path), "followee", path, header)
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
    out = pd.DataFrame({"user_id": _ids(desc, _column(table, spec["id"], "accounts.id", path), "id", path, header)})
    for key in ("followers", "following"):
        if key in spec:
            out[key] = _integers(_column(table, spec[key], f"accounts.{key}", path), key, path, header)
    if "class" in spec:
        out["class"] = _column(table, spec["class"], "accounts.class", path).astype(str).to_numpy()
    duplicated = out["user_id"].duplicated().to_numpy()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated)[0])
        shown = _column(table, spec["id"], "accounts.id", path).iloc[row]
        raise DescriptorError(
            f"{path.name}: {_where(path, row, header)}: account id {shown} appears twice; give one row per account"
        )
    return out


def load_egos(desc: Descriptor) -> pd.DataFrame | None:
    """The ego networks of a graph sampled as ego networks (``[egos]``): one row per
    ``ego, member`` (user ids; the ego follows the member, and the member's follows
    among the ego's other members were observed). None when the descriptor has none."""
    if desc.egos is None:
        return None
    spec = desc.egos
    path, header, table = _section_table(desc, spec, "egos", "ego", "ego file")
    return pd.DataFrame({key: _ids(desc, _column(table, spec[key], f"egos.{key}", path), key, path, header)
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
        labelled = label_graph(desc.name, graph, accounts, elite_definition(desc))
    except ValueError as error:
        raise DescriptorError(f"{desc.source.name}: [elite] {error}") from None
    size, n = int(labelled.is_elite.sum()), len(labelled.is_elite)
    if size < MIN_ELITE or size > MAX_ELITE_SHARE * n:
        bound = f"fewer than {MIN_ELITE}" if size < MIN_ELITE else f"more than {MAX_ELITE_SHARE:.0%} of them"
        raise DescriptorError(
            f"{desc.source.name}: [elite] {elite_definition(desc)} makes {size:,} of the graph's {n:,} accounts "
            f"the elite, {bound}; an elite is a small group of at least {MIN_ELITE}: change [elite]"
        )
    return labelled
