"""The one home of the claims: what the post says, what is tested, where, against what,
and the rule that turns each test into a verdict word.

The post's claims (:data:`CLAIMS`, C1 ... C7) are split into testable
:class:`Statement` entries (:data:`STATEMENTS`): each has its own test (statistic,
null model, the direction the post predicts), its role (``headline``: it decides
the claim's verdict; ``secondary``: reported and adjusted with the others, but it
does not decide) and its kind (``test``, ``descriptive``, ``not testable``).
Notebooks record one entry per statement with :func:`claim_row` (a test) or
:func:`descriptive_row` (no test); notebook 06 builds the verdict table with
:func:`verdict_table`; the report site and the README (:func:`markdown_table`) read
the same entries. Adding a claim or a statement is one entry here plus its test.

**The verdict rule** (:data:`VERDICT_RULE`; :func:`statement_verdict` and
:func:`claim_verdict`). It is not a rule fixed before any result was seen: a first
rule (supported / not supported / inconclusive, no practical band) was applied to
these data first, and C3's headline was then organizations against personal
accounts (0.62, *not supported*). On 2026-12-01 the rule below and the split into
statements replaced it (the post contrasts brands with celebrities); the earlier
headline is kept as the secondary statement C3-organizations. From then on the
rule is fixed: a change to it is a change to this file, in the CHANGELOG.

- every statement of kind ``test`` that a run tests, headline or secondary, is one
  family for the Benjamini-Hochberg adjustment of its directional two-sided p-value
  (twice the smaller of the two one-sided p-values, so that an effect in either
  direction can be significant); descriptive and not-testable statements (C6, C7)
  never enter it;
- a statement is *supported* when its adjusted p-value is below alpha, its effect
  (observed / expected) points the way the post predicts, lies beyond the practical
  threshold (outside :data:`PRACTICAL_BAND`, 0.8 to 1.25) and its interval excludes
  1; *contradicted* when all of that holds in the opposite direction; *negligible*
  when it is significant but inside the band; *not supported* otherwise (not
  significant, or an interval that includes 1); *not testable with this data* when
  no effect or p-value could be computed;
- a claim takes the verdict of its parts (``C2a``, ``C2b``: the id before any
  ``-``), and each part the verdict of its headline statements, by one rule: one
  verdict, itself; several, *supported* when all are supported, *partly supported*
  when some are (or are partly supported),
  *contradicted* when some are contradicted and none supported, *negligible* when
  all are negligible, *not supported* otherwise.

The practical band 0.8 to 1.25 is symmetric on the log scale (1.25 = 1 / 0.8): an
effect must move the statistic by a quarter of its null value, either way, to
count. It is the equivalence margin long used for ratios of means in
bioequivalence (the 80-125% rule), chosen with this rule on 2026-12-01 (after the
first rule's results, see above) and fixed since; a smaller effect may be real but
is not what the post describes ("they do not follow regular people" is not a 10%
shortfall).

The interval must be a *sampling* interval (the data's uncertainty, from resampling
what was sampled: the accounts of C1 and C3 within their follower strata, the
accounts of the graph statements (each pair counted once and credited to one account:
ego networks overlap too much to be resampled as independent); for C4b-community a
jackknife over groups of ego networks with Louvain re-run in each, conservative by its
calibration), not the null's
spread: a statement whose test has only the null's interval (C4b-community on a graph
that is not a union of ego networks) can be at most *not supported* or *negligible*,
and the verdict page says so. The graph statements (C2a, C2b, C4a,
C5) take effect, interval and p-value from the design-aware test of
:mod:`analysis.claims.design` (maximum-entropy nulls that allow follows only
between accounts that could have been seen together, the accounts resampled; no
p-value floor); so does C4b-community on a union of ego networks (graphs drawn from
that null, Louvain run on each, the jackknife's error; adopted on 2026-12-04, before
its result on ego-Twitter was computed, by the rule that graph statements are judged
by their design-aware test, once its calibration showed that it keeps its size where
the union graph's rewiring null, which decided it until then, takes the communities the
sampling makes for an elite effect. It was adopted with no measured power: on the
calibration's small design the jackknife's error leaves it none, so a *not supported*
from it says little there); the union-graph tests
(rewiring, and the maximum-entropy family of :mod:`analysis.claims.families`) are
recorded beside it as ``checks``. The band is on the ratio scale of each
statistic: a share near 0 moves out of it easily, a share near 1 hardly can, so
the absolute values are shown beside every ratio.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..stats import inference

__all__ = [
    "Claim",
    "Statement",
    "Notebook",
    "CLAIMS",
    "STATEMENTS",
    "NOTEBOOKS",
    "VERDICTS",
    "PRACTICAL_BAND",
    "INTERVALS",
    "VERDICT_RULE",
    "SUPPORTED",
    "PARTLY",
    "NOT_SUPPORTED",
    "CONTRADICTED",
    "NEGLIGIBLE",
    "NOT_TESTABLE",
    "DESCRIPTIVE",
    "claim",
    "statement",
    "statements_of",
    "claims_of",
    "claim_notebooks",
    "statement_verdict",
    "excludes_one",
    "claim_verdict",
    "verdict",
    "claim_row",
    "descriptive_row",
    "verdict_table",
    "wider_family",
    "error_sensitivity",
    "claim_table",
    "at_a_glance",
    "described",
    "notebook_verdicts",
    "markdown_table",
    "as_records",
]

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
CONTRADICTED = "contradicted"
NEGLIGIBLE = "negligible"
NOT_TESTABLE = "not testable with this data"
DESCRIPTIVE = "descriptive"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, CONTRADICTED, NEGLIGIBLE, NOT_TESTABLE, DESCRIPTIVE)
PRACTICAL_BAND = (0.8, 1.25)  # effects inside it are negligible, whatever their p-value
KINDS = ("test", "descriptive", "not testable")
ROLES = ("headline", "secondary")


@dataclass(frozen=True)
class Claim:
    """One claim of the post: its words and the caveats that hold whatever the data."""

    id: str
    short: str
    post: str
    caveats: str = ""


@dataclass(frozen=True)
class Statement:
    """One testable statement of a claim, and how it is tested.

    ``direction`` is the side the post predicts for the effect (observed / null
    expectation): ``"greater"`` (effect > 1) or ``"less"`` (effect < 1); ``None``
    for descriptive and not-testable statements.
    """

    id: str
    claim: str
    text: str
    notebook: str
    statistic: str
    null: str
    direction: str | None
    role: str = "headline"
    kind: str = "test"
    data: str = ""

    @property
    def part(self) -> str:
        """The part of the claim it belongs to: the id before any ``-`` (``"C4b-community"`` -> ``"C4b"``)."""
        return self.id.split("-")[0]

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.role not in ROLES:
            raise ValueError(f"{self.id}: kind {self.kind!r} / role {self.role!r} not in {KINDS} / {ROLES}")
        if (self.kind == "test") != (self.direction in ("greater", "less")):
            raise ValueError(f"{self.id}: a test needs a direction ('greater' or 'less'), other kinds none")


@dataclass(frozen=True)
class Notebook:
    """A numbered notebook: its title and what it needs beyond a follower graph (None: runs on any)."""

    name: str
    title: str
    needs: str | None = None


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook("00-data", "The data: provenance, checks, limits",
             "the project's registered archives (their provenance and checks)"),
    Notebook("01-claims-and-race", "The post's numbers and the race (C6)",
             "profiles of the accounts the post names"),
    Notebook("02-broadcasters", "Broadcasters: C1, C3, C7",
             "profile counts of popular accounts with hand labels (personal, organization)"),
    Notebook("03-follow-back", "Follow-back: C2, C5"),
    Notebook("04-gated-community", "The gated community: C4"),
    Notebook("05-robustness", "Robustness",
             "the project's registered archives (elite sweeps on profiles, a second graph, ego-network sampling)"),
    Notebook("06-verdict", "Verdict"),
)  # fmt: skip

_PROFILES = "profile counts of popular accounts (Kwak et al. 2009)"
_GRAPH = "a follower graph with classes (celebrity, popular, regular)"
# the graph statements' verdicts come from the design-aware test (analysis.claims.design); the union-graph
# rewiring and maximum-entropy tests are its checks
_DESIGN_DEGREE = (
    "every account's followers and followees kept on average, follows only where they could be seen "
    "(DBCM with structural zeros); checks: degree-preserving rewiring, the union-graph DBCM"
)
_DESIGN_COMMUNITY = (
    "graphs drawn with every account's followers and followees kept on average and follows only where they could be "
    "seen (DBCM with structural zeros), the error from a jackknife over the sampled networks; on a graph that is not "
    "a union of sampled networks, degree-preserving rewiring; checks: degree-preserving rewiring, graphs drawn from "
    "the union-graph DBCM"
)
_DESIGN_RECIPROCAL = (
    "every account's one-way and mutual ties kept on average, follows only where they could be seen "
    "(RBCM with structural zeros); checks: reciprocity-keeping rewiring, the union-graph RBCM"
)

CLAIMS: tuple[Claim, ...] = (
    Claim("C1", "celebrities follow few",
          "Celebrities follow few people (Kutcher: about 962,000 followers, following 72).",
          "Profiles only count follows; all profiled accounts are popular, so this compares celebrities with the "
          "equally popular, not with ordinary users."),
    Claim("C2", "celebrities ignore regular people",
          "Celebrities do not follow regular people and do not follow back their fans.",
          "The data record follows, not attention: a follow that is not returned may never have been seen, and "
          "a degree-keeping null takes the celebrities' numbers of follows as given."),
    Claim("C3", "brands follow back",
          "Brands follow back (Starbucks: 141,341 followers, following 131,505).",
          "The labels are third-party (2013); the following/followers ratio bounds follow-back from above."),
    Claim("C4", "a gated community",
          "Celebrities follow other celebrities: a closed, gated community.",
          "Dense is not closed: an elite can follow itself far more than chance and still send most of its "
          "follows out (C4a and C4b answer different questions)."),
    Claim("C5", "celebrities follow each other back",
          "Inside it they follow each other back.",
          "A snapshot shows mutual follows, not who followed first, nor whether the ties predate the fame."),
    Claim("C6", "the race to a million",
          "The race: @aplusk reached a million followers before @cnnbrk.",
          "The archive is a snapshot three months after the race: it cannot order the race, time it, nor tell a "
          "stunt from organic growth; @aplusk is named because he won, so ranking his growth would test a "
          "choice made after the fact."),
    Claim("C7", "attention is concentrated",
          "Attention is concentrated: we are nothing but an audience.",
          "Follower counts and graph totals were crawled weeks apart."),
)  # fmt: skip

STATEMENTS: tuple[Statement, ...] = (
    Statement("C1", "C1",
              "Celebrities follow fewer accounts than profiled accounts with similar follower counts.",
              "02-broadcasters", "median accounts followed by celebrities",
              "celebrity label permuted among profiles of similar follower count", "less", data=_PROFILES),
    *(Statement(f"C1-{band}", "C1",
                f"Within the {band} follower band, celebrities follow fewer accounts than profiled accounts with "
                "similar follower counts.",
                "02-broadcasters", f"median accounts followed by celebrities with {band} followers",
                "celebrity label permuted among profiles of similar follower count", "less", role="secondary",
                data=_PROFILES)
      for band in ("10k-100k", "100k-1M", "1M+")),
    Statement("C2a", "C2",
              "Celebrities send a smaller share of their follows to regular accounts than their degrees imply.",
              "03-follow-back", "share of celebrity follows going to regular accounts", _DESIGN_DEGREE, "less",
              data=_GRAPH),
    Statement("C2b-chance", "C2",
              "Follows from regular accounts to celebrities are returned less often than chance, given every "
              "account's followers and followees.",
              "03-follow-back", "reciprocated share of regular -> celebrity follows", _DESIGN_DEGREE, "less",
              data=_GRAPH),
    Statement("C2b-budget", "C2",
              "Follows from regular accounts to celebrities are returned less often than the accounts' own numbers "
              "of mutual ties imply.",
              "03-follow-back", "reciprocated share of regular -> celebrity follows", _DESIGN_RECIPROCAL, "less",
              data=_GRAPH),
    Statement("C3", "C3",
              "Brands follow relatively more accounts per follower than celebrities with similar follower counts "
              "(an upper bound on follow-back, not follow-back itself; brands as curated: hand labels corrected, "
              "news media and other organizations set apart).",
              "02-broadcasters", "median following/followers ratio of brands",
              "brand/celebrity labels permuted among accounts of similar follower count", "greater",
              data=_PROFILES + " with 2013 hand labels and the project's curated corrections"),
    Statement("C3-uncorrected", "C3",
              "The same comparison with the 2013 hand labels as they are: the brands are the curated accounts "
              "labelled organization, the celebrities the elite accounts labelled personal, so that it differs from "
              "C3 only by the corrections.",
              "02-broadcasters", "median following/followers ratio of curated accounts labelled organization (2013 "
              "labels)",
              "organization/celebrity labels permuted among accounts of similar follower count", "greater",
              role="secondary", data=_PROFILES + " with 2013 hand labels (brands: the curated accounts labelled "
              "organization)"),
    Statement("C3-organizations", "C3",
              "Accounts hand-labelled organization follow more accounts per follower than equally popular personal "
              "accounts.",
              "02-broadcasters", "median following/followers ratio of organizations",
              "organization/personal labels permuted among profiles of similar follower count", "greater",
              role="secondary", data=_PROFILES + " with 2013 hand labels"),
    Statement("C4a", "C4",
              "Enrichment: celebrities send a larger share of their follows to celebrities than their degrees imply.",
              "04-gated-community", "elite closure (share of elite follows to the elite)", _DESIGN_DEGREE, "greater",
              data=_GRAPH),
    Statement("C4b-closed", "C4",
              "Closed: most of the elite's follows stay inside it and most follows into it come from inside (the "
              "post's closed: both shares above one half; described, as under the degree-keeping null the shares "
              "are functions of the same count of follows among the elite as the enrichment test).",
              "04-gated-community", "share of the elite's follows that stay inside it", "none", None,
              kind="descriptive", data=_GRAPH),
    Statement("C4b-community", "C4",
              "One community: the elite falls into fewer communities than the degrees imply.",
              "04-gated-community", "effective number of communities among the elite", _DESIGN_COMMUNITY, "less",
              data=_GRAPH),
    Statement("C5", "C5",
              "Follows among celebrities are returned more often than the accounts' own numbers of mutual ties imply.",
              "03-follow-back", "reciprocated share of celebrity -> celebrity follows", _DESIGN_RECIPROCAL, "greater",
              data=_GRAPH),
    Statement("C5-vs-regular", "C5",
              "Relative to what the accounts' own numbers of mutual ties imply, follows among celebrities are returned "
              "more often than follows among regular accounts (the raw shares are compared in C5-shares).",
              "03-follow-back", "reciprocated share of celebrity -> celebrity over regular -> regular follows",
              _DESIGN_RECIPROCAL, "greater", role="secondary", data=_GRAPH),
    Statement("C5-shares", "C5",
              "The reciprocated share of follows among celebrities against that of follows among regular accounts, "
              "compared directly, without a model of the accounts' degrees (described: under ego sampling this "
              "comparison is biased against the celebrities, see the calibration; C5-vs-regular is its test).",
              "03-follow-back", "reciprocated share of celebrity -> celebrity follows over that of regular -> regular "
              "follows", "none (a dyadic-robust interval over the celebrities, the regular share taken as known)",
              None, role="secondary", kind="descriptive", data=_GRAPH),
    Statement("C5-anecdote", "C5",
              "The post's anecdote pair by pair: Kutcher follows Michael Phelps, Larry King, Miley Cyrus, Ryan "
              "Seacrest and John Mayer, and they follow him back (each direction: followed, not followed or not "
              "observable, in each dataset where it can be seen).",
              "01-claims-and-race", "share of observable directed pairs that are followed", "none", None,
              role="secondary", kind="descriptive", data="follower graphs with Twitter ids"),
    Statement("C6", "C6",
              "The order and timing of the race (not testable from a snapshot; the archive's facts are reported).",
              "01-claims-and-race", "@aplusk followers gained per day of account age", "none", None,
              kind="not testable", data=_PROFILES),
    Statement("C7", "C7",
              "The share of all follows received by the most-followed accounts (described, with a sampling "
              "interval; no null of uniform attention is a fair test).",
              "02-broadcasters", "share of all follows received by the profiled accounts", "none", None,
              kind="descriptive", data=_PROFILES + " and the published totals of the complete 2009 graph"),
)  # fmt: skip

VERDICT_RULE = (
    "Every statement tested in this run, headline or secondary, is one family: its directional two-sided p-value "
    "(twice the smaller one-sided p) is adjusted with the others (Benjamini-Hochberg); descriptive and "
    "not-testable statements are not. "
    "*Supported*: adjusted p below alpha, the effect in the direction the post predicts, beyond the practical band "
    f"({PRACTICAL_BAND[0]:g} to {PRACTICAL_BAND[1]:g}) and with an interval that excludes 1. "
    "*Contradicted*: the same in the opposite direction. "
    "*Negligible*: significant, but inside the band. "
    "*Not supported*: not significant, or an interval that includes 1. "
    "*Not testable with this data*: no effect or p-value could be computed, or the data cannot order the event. "
    "*Descriptive*: reported without a test. "
    "A claim takes the verdict of its parts, a part that of its headline statements, by one rule: all supported, "
    "*supported*; some (or partly), *partly supported*; some contradicted and none supported, *contradicted*; "
    "all negligible, *negligible*; else *not supported*. "
    "The interval must be a sampling interval (accounts or sampled neighbourhoods resampled); a test with only the null's "
    "interval is at most *not supported* or *negligible*. Graph statements are judged by their design-aware test "
    "(a null that allows follows only where they could have been seen); the union-graph tests are shown beside it. "
    "This rule replaced, on 2026-12-01, a first one (supported / not supported / inconclusive) that had already "
    "been applied to these data."
)


def claim(claim_id: str) -> Claim:
    """The catalogue entry of ``claim_id`` (``"C4"``)."""
    for entry in CLAIMS:
        if entry.id == claim_id:
            return entry
    raise KeyError(f"no claim {claim_id!r}; the catalogue has {[c.id for c in CLAIMS]}")


def statement(statement_id: str) -> Statement:
    """The catalogue entry of a statement (``"C4a"``)."""
    for entry in STATEMENTS:
        if entry.id == statement_id:
            return entry
    raise KeyError(f"no statement {statement_id!r}; the catalogue has {[s.id for s in STATEMENTS]}")


def statements_of(claim_id: str | None = None, notebook: str | None = None) -> list[Statement]:
    """The statements of a claim and/or a notebook, in catalogue order."""
    return [s for s in STATEMENTS if claim_id in (None, s.claim) and notebook in (None, s.notebook)]


def claims_of(notebook: str) -> list[Claim]:
    """The claims a notebook tests (any of their statements), in catalogue order."""
    ids = {s.claim for s in statements_of(notebook=notebook)}
    return [c for c in CLAIMS if c.id in ids]


def claim_notebooks() -> list[str]:
    """The notebooks that record at least one statement, in notebook order."""
    return [nb.name for nb in NOTEBOOKS if statements_of(notebook=nb.name)]


def _missing(value) -> bool:
    return value is None or not np.isfinite(value)


def statement_verdict(effect, low, high, p_adjusted, direction: str, alpha: float = inference.ALPHA,
                      sampling: bool = True) -> str:  # fmt: skip
    """The verdict word of one tested statement by :data:`VERDICT_RULE`.

    ``direction``: the side the post predicts (``"greater"``: effect > 1). ``low,
    high``: the effect's interval; ``sampling``: whether it is a sampling interval
    (without one, a significant effect beyond the band is *not supported*, neither
    supported nor contradicted). Missing effect or p-value: not testable with this data.
    """
    if direction not in ("greater", "less"):
        raise ValueError(f"direction must be 'greater' or 'less', not {direction!r}")
    if _missing(effect) or _missing(p_adjusted):
        return NOT_TESTABLE
    if p_adjusted >= alpha:
        return NOT_SUPPORTED
    inside = PRACTICAL_BAND[0] <= effect <= PRACTICAL_BAND[1]
    if inside:
        return NEGLIGIBLE
    excludes = excludes_one(low, high)
    predicted = effect > 1 if direction == "greater" else effect < 1
    if not excludes or not sampling:
        return NOT_SUPPORTED
    return SUPPORTED if predicted else CONTRADICTED


def claim_verdict(verdicts) -> str:
    """A claim's (or a part's) verdict from its headline statements' verdicts (see
    :data:`VERDICT_RULE`); descriptive and not-testable statements count only when
    there is no test."""
    verdicts = list(verdicts)
    tested = [v for v in verdicts if v not in (DESCRIPTIVE, NOT_TESTABLE)]
    verdicts = tested or verdicts
    if not verdicts:
        return NOT_TESTABLE
    if len(verdicts) == 1:
        return verdicts[0]
    if all(v == SUPPORTED for v in verdicts):
        return SUPPORTED
    if any(v in (SUPPORTED, PARTLY) for v in verdicts):
        return PARTLY
    if any(v == CONTRADICTED for v in verdicts):
        return CONTRADICTED
    if all(v == NEGLIGIBLE for v in verdicts):
        return NEGLIGIBLE
    if all(v in (NOT_TESTABLE, DESCRIPTIVE) for v in verdicts):
        return verdicts[0]
    return NOT_SUPPORTED


def verdict(p_adjusted, effect, direction: str, alpha: float = inference.ALPHA, low=None, high=None) -> str:
    """:func:`statement_verdict` with the arguments in the order of the old rule (``low, high``
    default to the effect itself, i.e. an interval of no width)."""
    low = effect if low is None else low
    high = effect if high is None else high
    return statement_verdict(effect, low, high, p_adjusted, direction, alpha)


INTERVALS = {"null": "null's spread (no sampling interval)", "sampling": "sampling interval"}


def claim_row(statement_id: str, result: inference.TestResult, data: str, caveats: str = "",
              checks: dict | None = None) -> dict:  # fmt: skip
    """One tested statement's result for the verdict (before adjustment): the test's
    numbers, the data it ran on and the caveats (the claim's, then ``caveats`` of this run).
    ``checks``: other tests of the statement shown beside it (``{name: TestResult}``:
    effect, interval, p-value), which do not decide the verdict."""
    entry = statement(statement_id)
    if entry.kind != "test":
        raise ValueError(f"{statement_id} is {entry.kind}: record it with descriptive_row")
    if result.alternative != entry.direction:
        raise ValueError(f"{statement_id}: the test is {result.alternative!r}, the catalogue says {entry.direction!r}")
    return {
        "id": statement_id,
        "claim": entry.claim,
        "kind": entry.kind,
        "role": entry.role,
        "short": claim(entry.claim).short,
        "statistic": result.statistic,
        "observed": result.observed,
        "expected": result.expected,
        "effect": result.ratio,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "interval": INTERVALS[result.interval],
        "sampling": result.interval == "sampling",
        "p_value": result.p_two_sided,
        "p_one_sided": result.p_value,
        "p_opposite": result.p_opposite,
        "n_null": result.n_null,
        "direction": result.alternative,
        "null_model": result.null_model,
        "data": data,
        "caveats": " ".join(text for text in (claim(entry.claim).caveats, caveats) if text),
        "checks": {name: {"effect": check.ratio, "ci_low": check.ci_low, "ci_high": check.ci_high,
                          "p_value": check.p_two_sided, "null_model": check.null_model,
                          "interval": INTERVALS[check.interval], "same_effect": _same_effect(check, result)}
                   for name, check in (checks or {}).items()},
    }  # fmt: skip


def _same_effect(check: inference.TestResult, result: inference.TestResult) -> bool:
    """Whether a check is the verdict test's own effect with another error (the same
    observed and expected counts, to rounding: the two errors sum the same follows in
    another order), rather than another test of the statement."""
    return bool(np.isclose(check.observed, result.observed, rtol=1e-9, atol=0)
                and np.isclose(check.expected, result.expected, rtol=1e-9, atol=0))  # fmt: skip


def excludes_one(low, high) -> bool:
    """Whether the interval ``[low, high]`` of a ratio excludes 1, as the verdict rule
    reads it: a missing end is an unbounded side (the null's percentile at 0, recorded as
    missing), which does not stop the other end excluding 1."""
    return (not _missing(low) and low > 1) or (not _missing(high) and high < 1)


def descriptive_row(statement_id: str, observed, data: str, ci_low=None, ci_high=None, interval: str = "",
                    caveats: str = "", **facts) -> dict:  # fmt: skip
    """One descriptive or not-testable statement's entry: what was measured (``observed``
    with its interval, if any), no p-value, never in the adjustment family."""
    entry = statement(statement_id)
    if entry.kind == "test":
        raise ValueError(f"{statement_id} is a test: record it with claim_row")
    return {
        "id": statement_id,
        "claim": entry.claim,
        "kind": entry.kind,
        "role": entry.role,
        "short": claim(entry.claim).short,
        "statistic": entry.statistic,
        "observed": observed,
        "expected": None,
        "effect": None,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "interval": interval,
        "p_value": None,
        "p_one_sided": None,
        "p_opposite": None,
        "n_null": 0,
        "direction": None,
        "null_model": entry.null,
        "data": data,
        "caveats": " ".join(text for text in (claim(entry.claim).caveats, caveats) if text),
        **facts,
    }


def _rows(fragments: dict) -> list[dict]:
    rows = []
    for entry in STATEMENTS:
        recorded = fragments.get(entry.notebook, {}).get(f"claim.{entry.id}")
        if recorded is not None:
            rows.append(dict(recorded, statement=entry.text, post=claim(entry.claim).post, notebook=entry.notebook))
    return rows


def verdict_table(fragments: dict, alpha: float = inference.ALPHA) -> pd.DataFrame:
    """One row a recorded statement (``fragments`` maps a notebook name to its recorded
    numbers; statements whose notebook did not run are left out; ``reading``: a
    descriptive statement's reading, None elsewhere). The family of the
    Benjamini-Hochberg adjustment is every recorded statement of kind ``test``;
    ``p_value`` is adjusted, ``p_value_raw`` as tested; ``verdict`` by :func:`statement_verdict`."""
    rows = _rows(fragments)
    if not rows:
        raise ValueError("no claim results found: run the claim notebooks first")
    table = pd.DataFrame(rows)
    # a descriptive statement's reading in words (None where its notebook recorded none)
    reading = table["reading"] if "reading" in table else pd.Series(None, index=table.index, dtype=object)
    table["reading"] = reading.astype(object).where(reading.notna(), None)
    tests = (table["kind"] == "test").to_numpy()
    table["p_value_raw"] = table["p_value"].astype(float)
    adjusted = np.full(len(table), np.nan)
    adjusted[tests] = inference.benjamini_hochberg(table.loc[tests, "p_value_raw"].to_numpy(dtype=float))
    table["p_value"] = adjusted
    table["in_family"] = tests
    words = []
    for row in table.itertuples():
        if row.kind == "descriptive":
            words.append(DESCRIPTIVE)
        elif row.kind == "not testable":
            words.append(NOT_TESTABLE)
        else:
            words.append(statement_verdict(row.effect, row.ci_low, row.ci_high, row.p_value, row.direction, alpha,
                                           _sampling(row)))  # fmt: skip
    table["verdict"] = words
    return table


def wider_family(statements: pd.DataFrame, alpha: float = inference.ALPHA) -> pd.DataFrame:
    """How the verdicts would read if the Benjamini-Hochberg family were every p-value the
    verdict page reports: each tested statement's and each of its checks' (the other tests
    recorded beside it; a check that is the verdict test's own effect with another error,
    ``same_effect``, is the same hypothesis and is not counted twice). A sensitivity of
    the rule's choice of family, not the rule. One
    row a tested statement of a :func:`verdict_table`: ``id``, ``p_value`` (adjusted in the
    rule's family), ``p_value_wide`` (in the wider one), ``verdict`` and
    ``verdict_wide``; ``attrs["size"]`` and ``attrs["size_wide"]``: the two families'
    sizes."""
    tests = statements[statements["kind"] == "test"]
    raw = [float(p) for p in tests["p_value_raw"]]
    for row in tests.itertuples():
        checks = getattr(row, "checks", None)
        if isinstance(checks, dict):
            raw += [float(c["p_value"]) for c in checks.values()
                    if c.get("p_value") is not None and not c.get("same_effect", False)]  # fmt: skip
    wide = inference.benjamini_hochberg(np.asarray(raw, dtype=float))[: len(tests)]
    words = [statement_verdict(r.effect, r.ci_low, r.ci_high, p, r.direction, alpha, _sampling(r))
             for r, p in zip(tests.itertuples(), wide)]  # fmt: skip
    out = pd.DataFrame({"id": tests["id"].to_list(), "p_value": tests["p_value"].to_list(), "p_value_wide": wide,
                        "verdict": tests["verdict"].to_list(), "verdict_wide": words})  # fmt: skip
    out.attrs["size"] = int(np.isfinite(tests["p_value_raw"].astype(float)).sum())
    out.attrs["size_wide"] = int(np.isfinite(np.asarray(raw, dtype=float)).sum())
    return out


def error_sensitivity(statements: pd.DataFrame, alpha: float = inference.ALPHA) -> pd.DataFrame:
    """How the verdicts would read if the rule used another error for the same effects:
    every tested statement with a check that is the verdict test's own effect with another
    error (``same_effect``: the dyadic-robust error beside the account-clustered one on
    ego designs) takes that check's p-value and interval in place of its test's, all at
    once; the statements without one keep theirs; the Benjamini-Hochberg adjustment is
    redone over the family and the rule (:func:`statement_verdict`) applied. A
    sensitivity of the rule's error, not the rule. One row a statement with such a check:
    ``id``, ``check``, ``verdict``, ``verdict_other_error``, ``p_adjusted`` and
    ``p_adjusted_other_error``, ``ci_low_other_error``, ``ci_high_other_error``; empty
    when no statement has one (the first such check of a statement is used)."""
    tests = statements[statements["kind"] == "test"].reset_index(drop=True)
    raw = np.asarray([float(p) for p in tests["p_value_raw"]], dtype=float)
    swapped, chosen = raw.copy(), {}
    for i, row in enumerate(tests.itertuples()):
        checks = getattr(row, "checks", None)
        if not isinstance(checks, dict):
            continue
        for name, check in checks.items():
            if check.get("same_effect", False) and check.get("p_value") is not None:
                swapped[i], chosen[i] = float(check["p_value"]), (name, check)
                break
    adjusted = inference.benjamini_hochberg(swapped) if len(swapped) else swapped
    rows = []
    for i, (name, check) in chosen.items():
        row = tests.iloc[i]
        word = statement_verdict(row["effect"], check["ci_low"], check["ci_high"], adjusted[i], row["direction"],
                                 alpha, check.get("interval") == INTERVALS["sampling"])  # fmt: skip
        rows.append({"id": row["id"], "check": name, "verdict": row["verdict"], "verdict_other_error": word,
                     "p_adjusted": row["p_value"], "p_adjusted_other_error": adjusted[i],
                     "ci_low_other_error": check["ci_low"], "ci_high_other_error": check["ci_high"]})  # fmt: skip
    columns = ["id", "check", "verdict", "verdict_other_error", "p_adjusted", "p_adjusted_other_error",
               "ci_low_other_error", "ci_high_other_error"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _sampling(row) -> bool:
    """Whether a recorded row's interval is a sampling interval (rows recorded before the
    field existed count as the null's)."""
    value = getattr(row, "sampling", False)
    return bool(value) if isinstance(value, (bool, np.bool_)) else False


def claim_table(statements: pd.DataFrame) -> pd.DataFrame:
    """One row a claim present in a :func:`verdict_table`: the post's words, the verdict of
    each part (``C2a``, ``C2b``: from its headline statements), the claim's verdict from
    its parts' verdicts (:func:`claim_verdict`), and every recorded statement's verdict."""
    rows = []
    for entry in CLAIMS:
        mine = statements[statements["claim"] == entry.id]
        if mine.empty:
            continue
        headline = mine[mine["role"] == "headline"]
        parts = {}
        for row in headline.itertuples():
            parts.setdefault(statement(row.id).part, []).append(row.verdict)
        part_verdicts = {part: claim_verdict(words) for part, words in parts.items()}
        rows.append({"claim": entry.id, "short": entry.short, "post": entry.post,
                     "verdict": claim_verdict(part_verdicts.values()),
                     "parts": "; ".join(f"{part}: {word}" for part, word in part_verdicts.items()),
                     "statements": "; ".join(f"{r.id}: {r.verdict}" for r in mine.itertuples())})  # fmt: skip
    return pd.DataFrame(rows)


def at_a_glance(statements: pd.DataFrame, claims: pd.DataFrame, robustness: dict | None = None) -> pd.DataFrame:
    """The verdict page's first table, one row a claim: the post's words, the verdict, the
    headline evidence (each tested headline statement's effect and interval; a descriptive
    one's reading, or its value and interval), how robust
    each headline verdict is across the specification grid (``robustness``: the output of
    :func:`analysis.claims.specification.summarise`; left out when None), and the caveat
    that matters most: the claim's own first caveat, else its first headline
    statement's."""
    robustness = robustness or {}
    rows = []
    for row_claim in claims.itertuples():
        mine = statements[(statements["claim"] == row_claim.claim) & (statements["role"] == "headline")]
        evidence, robust = [], []
        for row in mine.itertuples():
            if row.kind == "descriptive":
                words = described(getattr(row, "statistic", ""), getattr(row, "observed", None), row.ci_low,
                                  row.ci_high, getattr(row, "reading", None))  # fmt: skip
                if words:
                    evidence.append(f"{row.id}: {words}")
                continue
            if row.kind != "test" or row.effect is None or not np.isfinite(row.effect):
                continue
            evidence.append(f"{row.id} {row.effect:.3g} ({row.ci_low:.3g} to {row.ci_high:.3g})")
            r = robustness.get(row.id)
            if r and r.get("counted_specifications"):
                word = str(r["robustness"]).split(":")[0]
                robust.append(f"{row.id} {word} ({r['same_count']} of {r['counted_specifications']})")
        own = claim(row_claim.claim).caveats
        fallback = str(mine["caveats"].iloc[0] or "") if len(mine) and "caveats" in mine else ""
        caveat = re.split(r"(?<=[.!?])\s+", (own or fallback).strip(), maxsplit=1)[0]
        rows.append({"claim": f"{row_claim.claim}: {row_claim.short}", "the post says": row_claim.post, "verdict": row_claim.verdict,
                     "evidence": "; ".join(evidence) or "no test", "robustness": "; ".join(robust) or "not assessed",
                     "the caveat that matters most": caveat})  # fmt: skip
    table = pd.DataFrame(rows)
    return table if robustness else table.drop(columns=["robustness"])


def described(statistic: str, observed, low=None, high=None, reading=None) -> str:
    """A descriptive statement's evidence in words: its ``reading`` when the notebook
    recorded one, else the statistic and its value with the interval when both ends are
    known; empty when it measured nothing."""
    if isinstance(reading, str) and reading:
        return reading
    if observed is None or not np.isfinite(observed):
        return ""
    bounded = all(v is not None and np.isfinite(v) for v in (low, high))
    return f"{statistic} {observed:.3g}" + (f" ({low:.3g} to {high:.3g})" if bounded else "")


def notebook_verdicts(recorded: dict, notebook: str, alpha: float = inference.ALPHA) -> pd.DataFrame:
    """The verdicts of one notebook's statements by the same rule, before the adjustment
    across every statement that notebook 06 applies (``recorded``: the notebook's own
    numbers). Adjusting can only raise a p-value, so a statement *supported* here may
    become *not supported* in 06, never *contradicted*."""
    rows = [recorded[f"claim.{s.id}"] for s in statements_of(notebook=notebook) if f"claim.{s.id}" in recorded]
    columns = ["id", "claim", "kind", "role", "short", "effect", "ci_low", "ci_high", "p_value", "direction",
               "observed", "sampling"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    words = []
    for row in table.itertuples():
        if row.kind != "test":
            words.append(DESCRIPTIVE if row.kind == "descriptive" else NOT_TESTABLE)
            continue
        p = np.nan if row.p_value is None else row.p_value
        words.append(statement_verdict(row.effect, row.ci_low, row.ci_high, p, row.direction, alpha, _sampling(row)))
    table["verdict"] = words
    return table


def markdown_table() -> str:
    """The README's claim table, from the catalogue (the README test compares the two)."""
    lines = ["| statement | the post says | tested as | notebook | null model |", "|---|---|---|---|---|"]
    for s in STATEMENTS:
        role = "" if s.role == "headline" else " (secondary)"
        kind = "" if s.kind == "test" else f" ({s.kind})"
        lines.append(f"| {s.id} {claim(s.claim).short}{role}{kind} | {claim(s.claim).post} | {s.text} | "
                     f"`{s.notebook}` | {s.null} |")  # fmt: skip
    return "\n".join(lines)


def as_records() -> dict:
    """The catalogue as plain dictionaries (for ``numbers.json`` and the site)."""
    return {"claims": [asdict(c) for c in CLAIMS], "statements": [asdict(s) for s in STATEMENTS]}


if __name__ == "__main__":
    print(markdown_table())
