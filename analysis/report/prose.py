"""Prose from the recorded numbers: templates name the numbers they quote, and every
interpretive word is chosen by a stated rule on the numbers it interprets.

A template is ordinary text with fields naming recorded values by their dotted
key, then any keys inside the value and a format spec::

    say("{C4.elite_closure.observed:.1%} of the elite's follows", values)

Missing values (None, NaN) print as ``n/a``. Words that interpret a number come
from the helpers below, each with its rule in the docstring, so that a sentence
stays true when the notebook runs on someone else's graph: :func:`compare`
(more / less / no different, from an interval), :func:`share` (almost all, most,
about half, a minority, few), :func:`rank` (the first / among the top / ...),
:func:`order` (above / below / the same, from two values), :func:`as_many` (more
than / about as many as / half as many as ..., from a ratio), :func:`matches`
(a figure against a published one, at the published precision), :func:`by_sign`
(which way a significant signed statistic points) and :func:`how_many` (all /
none / k of the n).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

from ..claims import catalogue

__all__ = [
    "say",
    "lookup",
    "compare",
    "disagreement",
    "share",
    "rank",
    "order",
    "as_many",
    "matches",
    "by_sign",
    "how_many",
    "listing",
    "answer",
    "lead",
    "chain_length",
    "decimals",
    "NA",
]

NA = "n/a"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def lookup(values: Mapping, field: str):
    """The value of dotted ``field`` in ``values``: the longest recorded key that prefixes it,
    then the remaining parts as keys (or list indices) inside that value."""
    parts = field.split(".")
    for cut in range(len(parts), 0, -1):
        key = ".".join(parts[:cut])
        if key in values:
            value = values[key]
            for part in parts[cut:]:
                if isinstance(value, Mapping):
                    value = value[part]
                elif isinstance(value, list | tuple) and part.lstrip("-").isdigit():
                    value = value[int(part)]
                else:
                    raise KeyError(f"{field!r}: {part!r} is not inside {key!r}")
            return value
    raise KeyError(f"no recorded number {field!r}")


class _Formatter(string.Formatter):
    def __init__(self, values: Mapping):
        self.values = values

    def get_field(self, field_name, args, kwargs):
        return lookup(self.values, field_name), field_name

    def format_field(self, value, format_spec):
        if _missing(value):
            return NA
        return format(value, format_spec)


def say(template: str, values: Mapping, **extra) -> str:
    """Fill ``template``'s fields from ``values`` (recorded numbers, flat dotted keys) and ``extra``."""
    return _Formatter({**values, **extra}).format(template)


def decimals(*values, least: int = 2, most: int = 6) -> int:
    """The fewest decimals, at least ``least`` and at most ``most``, with which the finite
    ``values`` that differ also print differently (an effect of 0.766 in a range of 0.7655
    to 0.7693 needs three: ``0.766, 0.765 to 0.769``, not ``0.77, 0.77 to 0.77``); for a
    template's ``{x:.{d}f}``."""
    finite = sorted({float(v) for v in values if not _missing(v)})
    for d in range(least, most + 1):
        if len({f"{v:.{d}f}" for v in finite}) == len(finite):
            return d
    return most


def compare(effect, low, high, more: str, less: str, same: str, p_value=None, alpha: float = 0.05) -> str:
    """``more`` when the whole interval ``[low, high]`` of a ratio lies above 1, ``less`` when
    it lies below 1, ``same`` when it contains 1 or both ends are missing (one missing end is an unbounded side); also ``same`` when a
    ``p_value`` is given and is not below ``alpha`` (no word claims a difference the test
    did not find)."""
    if _missing(effect) or (_missing(low) and _missing(high)):
        return same
    if p_value is not None and (_missing(p_value) or p_value >= alpha):
        return same
    if not _missing(low) and low > 1:
        return more
    if not _missing(high) and high < 1:
        return less
    return same


def disagreement(p_value, low, high, test: str = "the p-value", interval: str = "the sampling interval",
                 alpha: float = 0.05) -> str:  # fmt: skip
    """A sentence when a test's ``p_value`` and the interval ``[low, high]`` of its ratio
    disagree (one says the effect differs from 1, the other does not), naming which is
    which; ``""`` when they agree. As in the verdict rule, one missing end is an unbounded
    side (the other end alone can exclude 1); when the p-value or both ends are missing
    and the other says the effect differs, the sentence says which could not be
    computed. The verdict rule needs both, so the sentence says the effect is not
    counted as shown."""
    rule = "the verdict rule, which needs both, does not count the effect as shown."
    excludes = catalogue.excludes_one(low, high)
    if _missing(p_value):
        if not excludes:
            return ""
        said = f"{interval} excludes 1 but {test} could not be computed"
        return f"{said[0].upper()}{said[1:]}: {rule}"
    significant = p_value < alpha
    if _missing(low) and _missing(high):
        if not significant:
            return ""
        said = f"{test} is below {alpha:g} but {interval} could not be computed"
        return f"{said[0].upper()}{said[1:]}: {rule}"
    if significant == excludes:
        return ""
    if significant:
        said = f"{test} is below {alpha:g} but {interval} includes 1"
    else:
        said = f"{interval} excludes 1 but {test} is not below {alpha:g}"
    return f"{said[0].upper()}{said[1:]}: the two disagree, and {rule}"


def share(fraction) -> str:
    """A word for a share: ``almost all`` (at least 90%), ``most`` (over 60%), ``about half``
    (40-60%), ``a minority of`` (10-40%), ``few of`` (under 10%); ``an unknown share of`` if missing."""
    if _missing(fraction):
        return "an unknown share of"
    if fraction >= 0.9:
        return "almost all"
    if fraction > 0.6:
        return "most"
    if fraction >= 0.4:
        return "about half of"
    if fraction >= 0.1:
        return "a minority of"
    return "few of"


def rank(position, total) -> str:
    """``the highest`` for rank 1, ``among the top 1%`` / ``among the top 10%`` by position
    in ``total``, otherwise ``ranked N of M``."""
    if _missing(position) or _missing(total):
        return "of unknown rank"
    if position == 1:
        return "the highest"
    if position <= max(1, total // 100):
        return "among the top 1%"
    if position <= max(1, total // 10):
        return "among the top 10%"
    return f"ranked {position:,} of {total:,}"


def order(value, reference, above: str, below: str, same: str, unknown: str = NA) -> str:
    """``above`` when ``value > reference``, ``below`` when ``value < reference``, ``same`` when
    they are equal, ``unknown`` when either is missing. Works on anything ordered (numbers,
    ISO dates as text: ``"2009-01-16" > "2007-01-02"``)."""
    if _missing(value) or _missing(reference):
        return unknown
    if value > reference:
        return above
    if value < reference:
        return below
    return same


_AS_MANY = (  # (lowest ratio, words) from the top down; see as_many
    (0.5, "more than half as many {noun}as"),
    (0.1, "between a tenth and half as many {noun}as"),
    (0.01, "under a tenth as many {noun}as"),
    (0.001, "under a hundredth as many {noun}as"),
)


def as_many(ratio, noun: str = "", tolerance: float = 0.1) -> str:
    """Words for ``ratio`` = a / b as "a is ... b", with an optional plural ``noun``:
    ``more {noun} than`` (ratio above 1 + ``tolerance``), ``about as many {noun} as``
    (within ``tolerance`` of 1), ``more than half as many {noun} as`` (0.5 up to there),
    ``between a tenth and half as many {noun} as`` (0.1 to 0.5), ``under a tenth as many``
    (0.01 to 0.1), ``under a hundredth as many`` (0.001 to 0.01), ``under a thousandth as
    many`` (below 0.001); ``an unknown number of {noun} against`` if missing."""
    noun = f"{noun} " if noun else ""
    if _missing(ratio):
        return f"an unknown number of {noun}against"
    if ratio > 1 + tolerance:
        return f"more {noun}than"
    if ratio >= 1 - tolerance:
        return f"about as many {noun}as"
    for lowest, words in _AS_MANY:
        if ratio >= lowest:
            return words.format(noun=noun)
    return f"under a thousandth as many {noun}as"


def _significant_digits(published) -> int | None:
    """Significant digits of a published figure as written (None: an integer, compared exactly)."""
    if isinstance(published, int):
        return None
    mantissa = f"{float(published):.12g}".split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    return max(1, len(mantissa))


def matches(value, published, same: str = "matching", different: str = "not matching") -> str:
    """``same`` when ``value`` equals the ``published`` figure at the precision it was
    published with (an integer exactly; a float to its significant digits as written, so
    0.0030115 matches 0.00301 and 0.00312 does not), ``different`` otherwise or when either
    is missing."""
    if _missing(value) or _missing(published):
        return different
    digits = _significant_digits(published)
    if digits is None:
        return same if value == published else different
    return same if float(f"{float(value):.{digits}g}") == float(published) else different


def by_sign(value, p_value, positive: str, negative: str, neither: str, alpha: float = 0.05) -> str:
    """Which way a signed statistic points, when it is significant: ``positive`` when
    ``value > 0`` and ``p_value < alpha``, ``negative`` when ``value < 0`` and
    ``p_value < alpha``, ``neither`` otherwise (zero, not significant or missing)."""
    if _missing(value) or _missing(p_value) or p_value >= alpha:
        return neither
    if value > 0:
        return positive
    if value < 0:
        return negative
    return neither


def how_many(count, total) -> str:
    """``count`` of ``total`` in words: ``all N`` / ``none of the N`` / ``k of the N``
    (``both`` / ``neither`` when N is 2; ``the only one`` / ``none`` when N is 1; ``none``
    when N is 0); ``an unknown number of the N`` if ``count`` is missing."""
    if _missing(count) or _missing(total):
        return "an unknown number" if _missing(total) else f"an unknown number of the {total:,}"
    if total in (0, 1):
        return "the only one" if count == 1 else "none"
    if total == 2 and count in (0, 2):
        return "both" if count == 2 else "neither"
    if count == total:
        return f"all {total:,}"
    if count == 0:
        return f"none of the {total:,}"
    return f"{count:,} of the {total:,}"


def listing(items, conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def answer(values: Mapping, notebook: str, caveats=(), alpha: float = 0.05) -> str:
    """The closing paragraph of a claim notebook: each statement it records with the verdict
    of the catalogue's rule (tests before the adjustment across all statements that
    notebook 06 applies), the effect and its interval (or, for a descriptive statement,
    what was measured), then the caveats (the dataset's and the notebook's)."""
    table = catalogue.notebook_verdicts(dict(values), notebook, alpha)
    lines = []
    for row in table.itertuples():
        entry = catalogue.statement(row.id)
        role = "" if entry.role == "headline" else " (secondary)"
        if entry.kind == "test":
            lines.append(
                say(
                    "- **{id}**{role}: *{verdict}* by the verdict rule before adjustment (effect {effect:.3g}, "
                    "{kind} {low:.3g} to {high:.3g}, two-sided p = {p:.3g}). {text}",
                    {},
                    id=row.id, role=role, verdict=row.verdict, effect=row.effect, low=row.ci_low, high=row.ci_high,
                    p=row.p_value, text=entry.text,
                    kind="sampling interval" if row.sampling is True else "null's range (no sampling interval)",
                )
            )  # fmt: skip
        elif row.kind == "descriptive" and not _missing(row.observed):
            interval = "" if _missing(row.ci_low) else say(", interval {low:.3g} to {high:.3g}", {}, low=row.ci_low,
                                                           high=row.ci_high)  # fmt: skip
            lines.append(say("- **{id}**{role}: *{verdict}* ({statistic}: {observed:.3g}{interval}). {text}", {},
                             id=row.id, role=role, verdict=row.verdict, statistic=entry.statistic,
                             observed=row.observed, interval=interval, text=entry.text))  # fmt: skip
        else:
            lines.append(f"- **{row.id}**{role}: *{row.verdict}*. {entry.text}")
    recorded = {row.id for row in table.itertuples()}
    for entry in catalogue.statements_of(notebook=notebook):
        if entry.id not in recorded:
            lines.append(f"- **{entry.id}**: not tested on this dataset.")
    text = "**Answer.** " + (
        "Notebook 06 adjusts the p-values of every tested statement together (Benjamini-Hochberg), which can "
        "turn a significant verdict (*supported*, *contradicted*, *negligible*) into *not supported*.\n\n"
        + "\n".join(lines)
        if lines
        else "No claim is tested here."
    )
    caveats = [c for c in caveats if c]
    if caveats:
        text += "\n\n**Caveats.** " + " ".join(caveats)
    return text


def _counted(groups: dict[str, list[str]]) -> str:
    """``{"supported": ["C1", "C5"], ...}`` as ``2 supported (C1, C5), ...`` (empty groups left out)."""
    return "; ".join(f"{len(ids)} {word} ({', '.join(ids)})" for word, ids in groups.items() if ids)


def lead(values: Mapping, notebook: str) -> str:
    """The two or three sentences that open a report, from its recorded numbers: the
    answer first, then what the page holds. Claim notebooks: each headline statement
    with its verdict word (the catalogue's rule, before notebook 06's adjustment),
    effect and interval; ``00-data``: what was fetched and how many published figures it
    reproduces; ``06-verdict``: the claims grouped by verdict. Empty when the notebook
    recorded nothing to lead with."""
    values = dict(values)
    if notebook == "06-verdict":
        claims = values.get("claims") or []
        if not claims:
            return ""
        groups: dict[str, list[str]] = {}
        for row in claims:
            groups.setdefault(row["verdict"], []).append(row["claim"])
        return say(
            "Of the post's {n} claims, tested on the archived follower data: {groups}. Below, each claim in the "
            "post's words with its verdict, then every statement with its test, the robustness of each verdict and "
            "the caveats.", {}, n=len(claims), groups=_counted(groups),
        )  # fmt: skip
    if notebook == "00-data":
        checks = values.get("publisher_checks") or {}
        if "kwak2009.accounts" not in values:
            return ""
        return say(
            "The archives were fetched and verified against their published digests: {kwak2009.accounts:,} "
            "profiles crawled in 2009, an ego-Twitter graph of {ego_twitter.nodes:,} accounts and "
            "{ego_twitter.edges:,} follows (about 2012), and KONECT's {konect_icwsm2010.nodes:,} accounts and "
            "{konect_icwsm2010.edges:,} follows (about 2009). {passed} of the {n} published figures checked here "
            "are reproduced (each is listed below with what it is compared with).",
            values, passed=sum(bool(v) for v in checks.values()), n=len(checks),
        )  # fmt: skip
    if notebook == "05-robustness":
        counts = values.get("robustness.specification_counts") or {}
        if not counts:
            return ""
        parts = []
        for sid, row in counts.items():
            if not row.get("counted_specifications") or not row.get("verdicts"):
                continue
            ranked = sorted(row["verdicts"].items(), key=lambda item: (-item[1], item[0]))
            n = sum(row["verdicts"].values())
            if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
                split = ", ".join(f"{k} *{word}*" for word, k in ranked)
                parts.append(say("{id} split ({split}, of {n})", {}, id=sid, split=split, n=n))
            else:
                parts.append(say("{id} *{word}* in {k} of {n}", {}, id=sid, word=ranked[0][0], k=ranked[0][1], n=n))
        return say(
            "Each statement is tested again under every specification of a grid (who counts as a celebrity, "
            "all accounts or those that existed by 2009, the null family, the egos' own ties); the word most "
            "counted specifications give (a sampling interval, from a test that keeps its size on the design): {parts}. "
            "Below, the elite sweep, the grid, the 2009 accounts, a second graph, "
            "sampling and the chains' mixing.", {}, parts="; ".join(parts),
        )  # fmt: skip
    table = catalogue.notebook_verdicts(values, notebook)
    if table.empty:
        return ""
    parts = []
    for row in table[table["role"] == "headline"].itertuples():
        text = catalogue.statement(row.id).text.rstrip(".")
        text = text[:1].lower() + text[1:]
        if row.kind == "test" and not _missing(row.effect):
            kind = "sampling interval" if row.sampling is True else "null's range"
            parts.append(say("{id} *{verdict}*: {text} (effect {effect:.3g}, {kind} {low:.3g} to {high:.3g})", {},
                             id=row.id, verdict=row.verdict, text=text, effect=row.effect, kind=kind,
                             low=row.ci_low, high=row.ci_high))  # fmt: skip
        else:
            parts.append(f"{row.id} *{row.verdict}*: {text}")
    secondary = int((table["role"] != "headline").sum())
    more = say(" {k} secondary statement{s} below with the data, the tests and the caveats.", {}, k=secondary,
               s=" follows" if secondary == 1 else "s follow") if secondary else " The data, the tests and the caveats follow."  # fmt: skip
    return (
        "In short, by the verdict rule before notebook 06 adjusts for the number of tests: "
        + "; ".join(parts)
        + "."
        + more
    )


def chain_length(mixing: Mapping, used: float) -> str:
    """The sentence that says how long each null chain ran and why, from a mixing
    diagnostic's summary (:meth:`analysis.claims.chains.ChainLength.summary`) and the
    length ``used`` (switches per edge): the diagnostic's choice, with the statistic that
    settled last; or a warning that a statistic had not settled by the longest checkpoint;
    or, when the ``switches_per_edge`` parameter set another length, both lengths."""
    models = mixing["models"].values()
    settled_at = [v for m in models for v in m["settled_at"].values() if v is not None]
    first = next(iter(models))
    longest, chains_, tolerance = max(first["checkpoints"]), first["n_chains"], first["tolerance_se"]
    if not math.isclose(used, mixing["switches_per_edge"]):
        return say("Each null sample is a chain of {used:g} accepted switches per edge, set by the `switches_per_edge` "
                   "parameter (the mixing diagnostic would choose {chosen:g}).", {}, used=used,
                   chosen=mixing["switches_per_edge"])  # fmt: skip
    context = {name for m in models for name in m.get("context", [])}
    tested = [v for m in models for name, v in m["settled_at"].items() if v is not None and name not in context]
    if not mixing["settled"] and not tested:
        return say("Each null sample is a chain of {used:g} accepted switches per edge, the longest length the mixing "
                   "diagnostic tried: no statistic that a test reads could be judged (each was undefined in some "
                   "chain), so the chains may be too short and the tests conservative.", {}, used=used)  # fmt: skip
    if not mixing["settled"]:
        return say("Each null sample is a chain of {used:g} accepted switches per edge, the longest length the mixing "
                   "diagnostic tried: {decisive} had not settled before it ({chains} chains), so the chains may be too "
                   "short and the tests conservative.", {}, used=used, decisive=mixing["decisive"],
                   chains=chains_)  # fmt: skip
    text = say("Each null sample is a chain of {used:g} accepted switches per edge, the length the mixing diagnostic "
               "chose: every statistic tested against a rewiring null had settled (its mean over {chains} chains within "
               "{tolerance:g} standard errors of its value at {longest:g} switches per edge) by {latest:g}, the last "
               "being {decisive}, and the length is {safety:g} times that.", {}, used=used, chains=chains_,
               tolerance=tolerance, longest=longest, latest=max(tested or settled_at), decisive=mixing["decisive"],
               safety=first["safety"])  # fmt: skip
    late = mixing.get("late_context") or []
    if late:
        text += say(" Read on the same chains as context (reported beside the tests, not a claim's test), {names} "
                    "had not settled by then, so {its} null range may sit too close to the observed value.", {},
                    names=listing(late), its="its" if len(late) == 1 else "their")  # fmt: skip
    return text
