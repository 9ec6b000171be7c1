"""Tables made for reading: human headers, numbers to their precision, text left-aligned.

Every table a report shows goes through :func:`readable`, which returns a pandas
``Styler`` (rendered by nbconvert as static HTML, no script):

- **headers**: a column named in :data:`HEADERS` (``ci_low``, ``p_bh``...) gets its
  human name; other snake_case names lose their underscores;
- **intervals**: the two ends of an interval (:data:`INTERVALS`, e.g. ``ci_low`` and
  ``ci_high``) become one column, ``low to high``;
- **numbers**: whole numbers with thousands separators; p-values (:data:`P_COLUMNS`)
  to two significant digits, ``< 0.001`` below that; other numbers to three
  significant digits (no exponent above 1,000); a missing value is a dash;
  ``True``/``False`` are ``yes``/``no``;
- **alignment**: numbers right, text left; the index is shown only when it means
  something (not the default ``0, 1, 2...``).
"""

from __future__ import annotations

import hashlib
import math
import numbers

import numpy as np
import pandas as pd

__all__ = ["HEADERS", "INTERVALS", "P_COLUMNS", "MISSING", "format_p", "format_number", "header", "readable"]

HEADERS = {
    "ci_low": "95% interval, low",
    "ci_high": "95% interval, high",
    "p_value": "p",
    "p_bh": "adjusted p (BH)",
    "p_opposite": "p, other direction",
    "p_two_sided": "two-sided p",
    "verdict_other_error": "verdict, dyadic-robust error",
    "p_adjusted": "adjusted p",
    "p_adjusted_other_error": "adjusted p, dyadic-robust error",
    "null_low": "null range, low",
    "null_high": "null range, high",
    "band_low": "null range, low",
    "band_high": "null range, high",
    "null_mean": "null mean",
    "null_sd": "null s.d.",
    "se": "standard error",
    "alternative": "direction tested",
    "screen_name": "account",
    "followed_back": "followed back",
    "median_followers": "median followers",
    "median_ratio": "median following / followers",
    "switches_per_edge": "switches per edge",
    "phi": "rich-club coefficient",
    "rho": "against the null (ratio)",
    "k": "top k accounts",
    "effect_all": "effect, all accounts",
    "verdict_all": "verdict, all accounts",
    "effect_existed": "effect, 2009 accounts",
    "verdict_existed": "verdict, 2009 accounts",
    "reciprocity_edges": "share of follows returned",
}
# (low column, high column, the merged column's name)
INTERVALS = (
    ("ci_low", "ci_high", "95% interval"),
    ("95% interval, low", "95% interval, high", "95% interval"),
    ("null_low", "null_high", "null range"),
    ("band_low", "band_high", "null range"),
    ("ci_low_existed", "ci_high_existed", "95% interval, 2009 accounts"),
    ("ci_low_other_error", "ci_high_other_error", "95% interval, dyadic-robust error"),
)
P_COLUMNS = {
    "p",
    "p_value",
    "p_bh",
    "p_opposite",
    "two-sided p",
    "adjusted p",
    "adjusted p (BH)",
    "p (BH)",
    "p_two_sided",
    "p_adjusted",
    "p_adjusted_other_error",
}
MISSING = "–"


def format_p(value) -> str:
    """A p-value to two significant digits; ``< 0.001`` below 0.001; a dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    value = float(value)
    return "< 0.001" if value < 0.001 else f"{value:.2g}"


def format_number(value) -> str:
    """A number for a reader: whole numbers with thousands separators, others to three
    significant digits (no exponent from 1,000 up); a dash when missing."""
    if value is None or isinstance(value, str):
        return MISSING if value is None else value
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if not isinstance(value, numbers.Number):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def header(name) -> str:
    """The human name of a column (see the module docstring)."""
    if isinstance(name, tuple):
        return " ".join(header(part) for part in name if str(part))
    name = str(name)
    return HEADERS.get(name, name.replace("_", " ") if name.islower() or "_" in name else name)


def _is_integral(series: pd.Series) -> bool:
    values = pd.to_numeric(series, errors="coerce").dropna()
    return bool(len(values)) and bool(np.all(np.mod(values.to_numpy(float), 1) == 0))


def readable(
    table: pd.DataFrame,
    headers: dict | None = None,
    index: bool | None = None,
    caption: str | None = None,
    verdicts: str | None = None,
):
    """``table`` as a Styler made for reading (see the module docstring). ``headers``
    names columns beyond :data:`HEADERS`; ``index`` forces the index on or off;
    ``caption`` is shown above the table; ``verdicts`` names a column of verdict words,
    each shown with its symbol (:data:`analysis.report.figures.VERDICT_SYMBOLS`, the
    forest plot's shapes) and colour, so the word is read without the colour."""
    from .figures import VERDICT_COLOURS, VERDICT_SYMBOLS

    if isinstance(table, pd.Series):
        table = table.to_frame()
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"readable takes a DataFrame, not {type(table).__name__}")
    out = table.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" ".join(str(part) for part in column if str(part)) for column in out.columns]
    p_columns = {c for c in out.columns if str(c) in P_COLUMNS}
    formatted = {}
    for low, high, merged in INTERVALS:
        if low in out.columns and high in out.columns:
            position = list(out.columns).index(low)
            ends = zip(out[low].tolist(), out[high].tolist(), strict=True)
            text = [
                MISSING if _missing(a) or _missing(b) else f"{format_number(a)} to {format_number(b)}" for a, b in ends
            ]
            out = out.drop(columns=[low, high])
            out.insert(position, merged, text)
            formatted[merged] = True
    names = {**HEADERS, **(headers or {})}
    numeric = []
    for column in out.columns:
        if column in formatted:
            continue
        series = out[column]
        if column in p_columns:
            out[column] = [format_p(v) for v in series]
            numeric.append(column)
        elif pd.api.types.is_bool_dtype(series):
            out[column] = ["yes" if v else "no" for v in series]
        elif pd.api.types.is_numeric_dtype(series):
            integral = _is_integral(series)
            out[column] = [
                MISSING if _missing(v) else (f"{int(v):,}" if integral else format_number(v)) for v in series
            ]
            numeric.append(column)
        else:
            out[column] = [MISSING if _missing(v) else format_number(v) for v in series]
    if verdicts is not None:
        out[verdicts] = [f"{VERDICT_SYMBOLS.get(str(v), '')} {v}".strip() for v in table[verdicts]]
    renamed = {c: names.get(str(c), header(c)) for c in out.columns}
    right = [renamed[c] for c in numeric]
    out = out.rename(columns=renamed)
    show_index = index if index is not None else not isinstance(table.index, pd.RangeIndex)
    if show_index:
        out.index = [format_number(v) if not isinstance(v, str) else v for v in out.index]
        out.index.name = header(table.index.name) if table.index.name is not None else None
    styler = out.style.format(escape="html").format_index(escape="html", axis=1)
    if show_index:
        styler = styler.format_index(escape="html", axis=0)
    # ids from the content, so that the same table renders to the same bytes
    styler = styler.set_uuid(hashlib.sha256(out.to_csv().encode("utf-8")).hexdigest()[:10])
    if not show_index:
        styler = styler.hide(axis="index")
    styles = [
        {"selector": "", "props": "border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em;"},
        {"selector": "th", "props": "text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #999;"},
        {"selector": "td", "props": "text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #ddd;"},
        {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold;"},
    ]
    styler = styler.set_table_styles(styles).set_table_attributes('class="tw-table"')
    if right:
        styler = styler.set_properties(subset=right, **{"text-align": "right", "white-space": "nowrap"})
    if verdicts is not None:
        words = {f"{VERDICT_SYMBOLS.get(w, '')} {w}".strip(): c for w, c in VERDICT_COLOURS.items()}
        styler = styler.map(lambda v: f"color: {words.get(v, '#444')}; font-weight: bold; white-space: nowrap",
                            subset=[renamed[verdicts]])  # fmt: skip
    if caption:
        styler = styler.set_caption(caption)
    return styler


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
