"""Parsers from the raw archives to tidy pandas tables.

Direction convention: every edge table has columns ``follower`` and ``followee``
(int64), and a row means *follower follows followee*. Readers of formats with
another column order (Kwak's ``USER<TAB>FOLLOWER``) swap the columns here, once.

Bad input raises :class:`DataFormatError` naming the file and the line, except
where a documented rule maps or rejects a case and reports it (hand labels).
"""

from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "EDGE_COLUMNS",
    "DataFormatError",
    "parse_id_pairs",
    "read_edge_list",
    "KWAK_PROFILE_COLUMNS",
    "ACCOUNT_COLUMNS",
    "read_kwak_profiles",
    "LABEL_CODES",
    "LABEL_REPAIRS",
    "LABELS",
    "LabelReport",
    "read_org_labels",
    "EgoTwitter",
    "read_ego_twitter",
    "read_konect",
]

EDGE_COLUMNS = ["follower", "followee"]


class DataFormatError(ValueError):
    """A raw file does not have the documented format (message names file and line)."""


# ---------------------------------------------------------------- generic edge lists


def _pair_pattern(separator: str) -> re.Pattern:
    sep = rb"[ \t]*,[ \t]*" if separator == "comma" else rb"[ \t]+"
    return re.compile(rb"^[ \t]*(\d+)" + sep + rb"(\d+)[ \t]*\r?$", re.MULTILINE)


def _first_bad_line(data: bytes, pattern: re.Pattern, comment: bytes) -> tuple[int, str]:
    """Slow path, only after the fast check failed: the first line that is not a pair."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(comment) or stripped.startswith(b"#"):
            continue
        if not pattern.match(line):
            return number, line.decode("utf-8", "replace")[:80]
    return 0, ""


def parse_id_pairs(data: bytes, source: str, separator: str = "whitespace", comment: bytes = b"%") -> np.ndarray:
    """Parse lines of two non-negative integer ids into an (n, 2) int64 array.

    Blank lines and lines starting with ``comment`` or ``#`` are skipped. Any other
    line that is not exactly two integer ids raises DataFormatError with the file
    name (``source``) and line number. Vectorised: one regex pass, one numpy cast.
    """
    pattern = _pair_pattern(separator)
    pairs = pattern.findall(data)
    content_lines = len(re.findall(rb"^[ \t]*[^\s#" + re.escape(comment) + rb"]", data, re.MULTILINE))
    if len(pairs) != content_lines:
        line, text = _first_bad_line(data, pattern, comment)
        raise DataFormatError(f"{source}: line {line}: expected two integer ids separated by {separator}, got {text!r}")
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    array = np.array(pairs, dtype="S20")
    return array.astype(np.int64)


def read_edge_list(
    path: str | Path, direction: str = "follower followee", separator: str = "whitespace", comment: str = "%"
) -> pd.DataFrame:
    """Read any two-column edge list with a declared direction.

    ``direction`` says what the two columns are: ``"follower followee"`` (SNAP,
    KONECT: the first follows the second) or ``"followee follower"`` (Kwak's
    ``USER FOLLOWER``: the second follows the first). Plain, ``.gz`` or ``.bz2``.
    """
    path = Path(path)
    if direction not in ("follower followee", "followee follower"):
        raise ValueError(f"direction must be 'follower followee' or 'followee follower', not {direction!r}")
    if path.suffix == ".gz":
        import gzip

        try:
            with gzip.open(path, "rb") as handle:
                data = handle.read()
        except (EOFError, OSError) as error:
            raise DataFormatError(f"{path.name}: truncated or not gzip ({error})") from error
    elif path.suffix == ".bz2":
        import bz2

        try:
            data = bz2.decompress(path.read_bytes())
        except (EOFError, OSError, ValueError) as error:
            raise DataFormatError(f"{path.name}: truncated or not bzip2 ({error})") from error
    else:
        data = path.read_bytes()
    pairs = parse_id_pairs(data, path.name, separator, comment.encode())
    if direction == "followee follower":
        pairs = pairs[:, ::-1]
    return pd.DataFrame(pairs, columns=EDGE_COLUMNS)


# ---------------------------------------------------------------- Kwak 2009 profiles

KWAK_PROFILE_COLUMNS = [
    "numeric_id",
    "verified",
    "profile_sidebar_fill_color",
    "profile_text_color",
    "followers_count",
    "protected",
    "location",
    "profile_background_color",
    "utc_offset",
    "statuses_count",
    "description",
    "friends_count",
    "profile_link_color",
    "profile_image_url",
    "notifications",
    "profile_background_image_url",
    "screen_name",
    "profile_background_tile",
    "favourites_count",
    "name",
    "url",
    "created_at",
    "time_zone",
    "profile_sidebar_border_color",
    "following",
    "gender",
]

ACCOUNT_COLUMNS = [
    "user_id",
    "screen_name",
    "name",
    "verified",
    "followers",
    "friends",
    "statuses",
    "favourites",
    "created_at",
    "protected",
    "location",
    "description",
    "url",
    "time_zone",
    "utc_offset",
    "gender",
]


def _split_tsv(path: Path, expected_fields: set[int]) -> list[tuple[int, list[str]]]:
    text = path.read_bytes().decode("utf-8", errors="strict")
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) not in expected_fields:
            raise DataFormatError(
                f"{path.name}: line {number}: expected {sorted(expected_fields)} tab-separated fields, got {len(fields)}"
            )
        rows.append((number, fields))
    if not rows:
        raise DataFormatError(f"{path.name}: empty file")
    return rows


def _bool_column(values: pd.Series, source: str, column: str) -> pd.Series:
    mapped = values.map({"True": True, "False": False})
    bad = values[mapped.isna() & values.notna()]
    if len(bad):
        raise DataFormatError(f"{source}: column {column}: not True/False at rows {list(bad.index[:5])}")
    return mapped.astype("boolean")


def _int_column(values: pd.Series, source: str, column: str, lines: pd.Series, nullable: bool = False) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna()
    if not nullable:
        bad |= values.isna()
    if bad.any():
        first = bad.idxmax()
        raise DataFormatError(f"{source}: line {lines[first]}: column {column}: not an integer: {values[first]!r}")
    return numbers.astype("Int64" if nullable else "int64")


def read_kwak_profiles(path: str | Path) -> pd.DataFrame:
    """The 6,499 Kwak 2009 profiles as a typed table (columns ``ACCOUNT_COLUMNS``).

    ``followers`` = followers_count (accounts following the user), ``friends`` =
    friends_count (accounts the user follows). The literal ``None`` becomes null;
    ``gender`` is m, f or unknown (``?`` and blank map to unknown).
    """
    path = Path(path)
    rows = _split_tsv(path, {len(KWAK_PROFILE_COLUMNS)})
    lines = pd.Series([n for n, _ in rows])
    raw = pd.DataFrame([f for _, f in rows], columns=KWAK_PROFILE_COLUMNS).replace("None", None)
    src = path.name
    table = pd.DataFrame(
        {
            "user_id": _int_column(raw["numeric_id"], src, "numeric_id", lines),
            "screen_name": raw["screen_name"].astype("string"),
            "name": raw["name"].astype("string"),
            "verified": _bool_column(raw["verified"], src, "verified"),
            "followers": _int_column(raw["followers_count"], src, "followers_count", lines),
            "friends": _int_column(raw["friends_count"], src, "friends_count", lines),
            "statuses": _int_column(raw["statuses_count"], src, "statuses_count", lines, nullable=True),
            "favourites": _int_column(raw["favourites_count"], src, "favourites_count", lines, nullable=True),
            "created_at": pd.to_datetime(raw["created_at"], format="%a %b %d %H:%M:%S %z %Y", utc=True),
            "protected": _bool_column(raw["protected"], src, "protected"),
            "location": raw["location"].astype("string"),
            "description": raw["description"].astype("string"),
            "url": raw["url"].astype("string"),
            "time_zone": raw["time_zone"].astype("string"),
            "utc_offset": _int_column(raw["utc_offset"], src, "utc_offset", lines, nullable=True),
            "gender": raw["gender"].fillna("").map({"m": "m", "f": "f"}).fillna("unknown").astype("string"),
        }
    )
    for column in ("verified", "protected"):
        if table[column].isna().any():
            raise DataFormatError(f"{src}: {column} is missing in some rows")
        table[column] = table[column].astype(bool)
    duplicated = table["user_id"].duplicated()
    if duplicated.any():
        raise DataFormatError(f"{src}: duplicate user ids at lines {list(lines[duplicated][:5])}")
    return table


# ---------------------------------------------------------------- hand labels (2013)

LABEL_CODES = {"P": "personal", "O": "organization", "U": "unknown"}
LABEL_REPAIRS = {"p": "personal", "u": "unknown", "Pf": "personal"}
LABELS = ("personal", "organization", "unknown")


@dataclass
class LabelReport:
    """What the label loader could not take as it was, by rule, with line numbers."""

    rows: int = 0
    taken_as_is: int = 0
    cases: dict[str, list[int]] = field(default_factory=dict)

    def add(self, rule: str, line: int) -> None:
        self.cases.setdefault(rule, []).append(line)

    @property
    def not_as_is(self) -> int:
        return sum(len(v) for v in self.cases.values())

    def summary(self) -> str:
        parts = [f"{self.rows} rows, {self.taken_as_is} taken as they were, {self.not_as_is} not:"]
        for rule, lines in sorted(self.cases.items()):
            parts.append(f"  {rule}: {len(lines)} (lines {', '.join(map(str, lines))})")
        return "\n".join(parts)


def _normalise_label(code: str) -> tuple[str, str | None]:
    """Map one raw label to (label, rule or None if taken as it was)."""
    code = code.strip()
    if code in LABEL_CODES:
        return LABEL_CODES[code], None
    if code in LABEL_REPAIRS:
        return LABEL_REPAIRS[code], f"label {code!r} mapped to {LABEL_REPAIRS[code]}"
    return "unknown", f"label {code!r} not a P/O/U code: set to unknown"


def read_org_labels(path: str | Path) -> tuple[pd.DataFrame, LabelReport]:
    """Hand labels (personal, organization, unknown) per ``user_id``, and a report.

    Documented rules; every row is kept and every row not taken as it was is
    reported with its line number:

    - 27 fields: the label is field 27. ``P``/``O``/``U`` are taken as they are;
      lowercase ``p``/``u`` and the typo ``Pf`` are mapped (personal, unknown,
      personal); anything else (``OP``, ``Y``, ``?``, ``f``, blank) becomes unknown.
    - 26 fields: the row has no label column: unknown.
    - 28 fields: an extra field precedes the label; the label is the last field,
      mapped as above. If field 27 holds a different P/O/U code the row is
      ambiguous: unknown.
    """
    path = Path(path)
    rows = _split_tsv(path, {26, 27, 28})
    report = LabelReport(rows=len(rows))
    ids, labels = [], []
    for number, fields in rows:
        try:
            user_id = int(fields[0])
        except ValueError:
            raise DataFormatError(f"{path.name}: line {number}: user id {fields[0]!r} is not an integer") from None
        if len(fields) == 26:
            label, rule = "unknown", "26 fields, no label column: unknown"
        elif len(fields) == 27:
            label, rule = _normalise_label(fields[26])
        else:
            extra, last = fields[26].strip(), fields[27].strip()
            label, rule = _normalise_label(last)
            if extra in LABEL_CODES and extra != last:
                label, rule = "unknown", f"28 fields with conflicting labels {extra!r}/{last!r}: unknown"
            else:
                rule = "28 fields, label taken from the last field" + (f"; {rule}" if rule else "")
        if rule is None:
            report.taken_as_is += 1
        else:
            report.add(rule, number)
        ids.append(user_id)
        labels.append(label)
    table = pd.DataFrame({"user_id": np.array(ids, dtype=np.int64), "label": pd.Categorical(labels, categories=LABELS)})
    if table["user_id"].duplicated().any():
        raise DataFormatError(f"{path.name}: duplicate user ids")
    return table, report


# ---------------------------------------------------------------- SNAP ego-Twitter

_FIRST_TOKEN = re.compile(rb"^[ \t]*(\S+)", re.MULTILINE)


@dataclass
class EgoTwitter:
    """The ego-Twitter union graph: distinct edges without self-loops, nodes, circles."""

    edges: pd.DataFrame
    nodes: pd.DataFrame
    circles: pd.DataFrame
    members: pd.DataFrame  # ego, member: the accounts of each ego network (from .feat)
    self_loops_dropped: int
    egos: int


def _ids_from_tokens(tokens: list[bytes], source: str) -> np.ndarray:
    array = np.array(tokens, dtype="S20")
    bad = ~np.char.isdigit(array)
    if bad.any():
        index = int(np.argmax(bad))
        raise DataFormatError(f"{source}: line {index + 1}: id {tokens[index]!r} is not an integer")
    return array.astype(np.int64)


def read_ego_twitter(path: str | Path) -> EgoTwitter:
    """Read SNAP's ``twitter.tar.gz`` without unpacking it.

    Edges are the union of every ``<ego>.edges`` (``a b``: a follows b) and the
    ego-to-node edges (the ego follows every node in ``<ego>.feat``), made
    distinct; self-loops are dropped and counted. Nodes are every id seen
    (edge endpoints, egos, feat nodes), with ``is_ego``.
    """
    path = Path(path)
    edge_blocks, ego_ids, circle_rows, member_blocks = [], [], [], []
    try:
        with tarfile.open(path, mode="r:*") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                name = Path(member.name).name
                stem, _, kind = name.partition(".")
                if kind not in ("edges", "feat", "circles"):
                    continue
                source = f"{path.name}:{member.name}"
                if not stem.isdigit():
                    raise DataFormatError(f"{source}: ego id {stem!r} is not an integer")
                ego = int(stem)
                data = archive.extractfile(member).read()
                if kind == "edges":
                    edge_blocks.append(parse_id_pairs(data, source))
                elif kind == "feat":
                    ego_ids.append(ego)
                    nodes = _ids_from_tokens(_FIRST_TOKEN.findall(data), source)
                    block = np.empty((len(nodes), 2), dtype=np.int64)
                    block[:, 0] = ego
                    block[:, 1] = nodes
                    edge_blocks.append(block)
                    member_blocks.append(block)
                else:
                    for line in data.decode("utf-8").splitlines():
                        fields = line.split("\t")
                        if len(fields) < 2:
                            continue  # a circle with no members
                        for member_id in fields[1:]:
                            if member_id.strip():
                                circle_rows.append((ego, fields[0], int(member_id)))
    except (tarfile.TarError, EOFError, OSError) as error:
        raise DataFormatError(f"{path.name}: truncated or unreadable archive ({error})") from error
    if not edge_blocks:
        raise DataFormatError(f"{path.name}: no .edges or .feat members")
    pairs = np.unique(np.concatenate(edge_blocks), axis=0)
    loops = pairs[:, 0] == pairs[:, 1]
    edges = pd.DataFrame(pairs[~loops], columns=EDGE_COLUMNS)
    egos = np.unique(np.array(ego_ids, dtype=np.int64))
    node_ids = np.unique(np.concatenate([pairs.ravel(), egos]))
    nodes = pd.DataFrame({"user_id": node_ids, "is_ego": np.isin(node_ids, egos)})
    circles = pd.DataFrame(circle_rows, columns=["ego", "circle", "member"]).astype(
        {"ego": "int64", "circle": "string", "member": "int64"}
    )
    members = pd.DataFrame(
        np.concatenate(member_blocks) if member_blocks else np.empty((0, 2), np.int64), columns=["ego", "member"]
    )
    return EgoTwitter(
        edges=edges, nodes=nodes, circles=circles, members=members, self_loops_dropped=int(loops.sum()), egos=len(egos)
    )


# ---------------------------------------------------------------- KONECT


def read_konect(path: str | Path, member_name: str = "out.munmun_twitter_social") -> pd.DataFrame:
    """KONECT's ``out.*`` member of a KONECT tarball: ``% ...`` header lines, then ``from to``
    (from follows to). Returns the edges as they are (KONECT's graph is already simple)."""
    path = Path(path)
    try:
        with tarfile.open(path, mode="r:*") as archive:
            member = next((m for m in archive if Path(m.name).name == member_name), None)
            if member is None:
                raise DataFormatError(f"{path.name}: no member {member_name}")
            data = archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise DataFormatError(f"{path.name}: truncated or unreadable archive ({error})") from error
    pairs = parse_id_pairs(data, f"{path.name}:{member_name}")
    if len(pairs) == 0:
        raise DataFormatError(f"{path.name}:{member_name}: no edges")
    return pd.DataFrame(pairs, columns=EDGE_COLUMNS)
