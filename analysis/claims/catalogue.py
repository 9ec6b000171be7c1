"""The one home of the claims: what the post says, what is tested, where, against what.

Every claim of the April 2009 post is one :class:`Claim` in :data:`CLAIMS`: its
words, the testable statement, the notebook that tests it, the statistic, the
null model, the direction of the effect the post predicts, and the caveats that
hold whatever the data. Notebooks record their results with :func:`claim_row`;
notebook 06 builds the verdict table with :func:`verdict_table`; the report site
and the README table (:func:`markdown_table`) read the same entries. Adding a
claim is one entry here plus its test.

The notebooks themselves (title, what data they need beyond a follower graph)
are listed once in :data:`NOTEBOOKS`.

**The verdict rule** (:data:`VERDICT_RULE`, fixed before looking at any result):
the p-values of every claim tested in a run are adjusted together
(Benjamini-Hochberg); a claim is *supported* when its adjusted p-value is below
alpha (0.05) and its effect (observed / expected under the null) points the way
the post predicts; *not supported* when the effect points the other way;
*inconclusive* when it points the predicted way without significance, is exactly 1,
or cannot be computed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..stats import inference

__all__ = [
    "Claim",
    "Notebook",
    "CLAIMS",
    "NOTEBOOKS",
    "VERDICTS",
    "VERDICT_RULE",
    "claim",
    "claims_of",
    "claim_notebooks",
    "verdict",
    "claim_row",
    "verdict_table",
    "notebook_verdicts",
    "markdown_table",
    "as_records",
]


@dataclass(frozen=True)
class Claim:
    """One claim of the post and how it is tested.

    ``direction`` is the side the post predicts for the effect (observed / null
    expectation): ``"greater"`` (effect > 1) or ``"less"`` (effect < 1).
    """

    id: str
    short: str
    post: str
    statement: str
    notebook: str
    statistic: str
    null: str
    direction: str
    data: str
    caveats: str


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

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "C1", "celebrities follow few",
        "Celebrities follow few people (Kutcher: about 962,000 followers, following 72).",
        "Celebrities follow fewer accounts than profiled accounts with similar follower counts.",
        "02-broadcasters", "median accounts followed by celebrities",
        "celebrity label permuted among profiles of similar follower count", "less", _PROFILES,
        "Profiles only count follows; all profiled accounts are popular, so this compares celebrities with the "
        "equally popular, not with ordinary users.",
    ),
    Claim(
        "C2", "celebrities ignore fans",
        "Celebrities do not follow regular people and do not follow back their fans.",
        "Follows from regular accounts to celebrities are returned less often than the accounts' own numbers of "
        "mutual ties imply.",
        "03-follow-back", "reciprocated share of regular -> celebrity follows",
        "rewiring that keeps every degree and every account's reciprocated ties", "less", _GRAPH,
        "Only the follow-back half of the claim is tested here.",
    ),
    Claim(
        "C3", "brands follow back",
        "Brands follow back (Starbucks: 141,341 followers, following 131,505).",
        "Accounts hand-labelled organization follow more accounts per follower than equally popular personal "
        "accounts.",
        "02-broadcasters", "median following/followers ratio of organizations",
        "organization/personal labels permuted among profiles of similar follower count", "greater",
        _PROFILES + " with 2013 hand labels",
        "The labels are third-party (2013); the ratio bounds follow-back from above; organizations include news "
        "media, not only brands.",
    ),
    Claim(
        "C4", "celebrities follow celebrities",
        "Celebrities follow other celebrities: a closed, gated community.",
        "Celebrities send a larger share of their follows to celebrities than their degrees imply.",
        "04-gated-community", "elite closure (share of elite follows to the elite)",
        "directed degree-preserving rewiring", "greater", _GRAPH,
        "Closure is one face of a gated community; how open the elite is from outside is reported beside it.",
    ),
    Claim(
        "C5", "celebrities follow each other back",
        "Inside it they follow each other back.",
        "Follows among celebrities are returned more often than the accounts' own numbers of mutual ties imply.",
        "03-follow-back", "reciprocated share of celebrity -> celebrity follows",
        "rewiring that keeps every degree and every account's reciprocated ties", "greater", _GRAPH,
        "",
    ),
    Claim(
        "C6", "the race to a million",
        "The race: @aplusk reached a million followers before @cnnbrk.",
        "@aplusk gained followers faster, per day of account age, than the other profiled accounts.",
        "01-claims-and-race", "@aplusk followers gained per day of account age",
        "@aplusk exchangeable with the other profiled accounts", "greater", _PROFILES,
        "The archive is a snapshot three months after the race: it cannot time it nor tell a stunt from organic "
        "growth; growth is averaged over the account's life; @aplusk was chosen because he won.",
    ),
    Claim(
        "C7", "attention is concentrated",
        "Attention is concentrated: we are nothing but an audience.",
        "The most-followed accounts receive a larger share of all follows than if follows went to random accounts.",
        "02-broadcasters", "share of all follows received by the profiled accounts",
        "each follow goes to a uniformly random account", "greater",
        _PROFILES + " and the published totals of the complete 2009 graph",
        "Follower counts and graph totals were crawled weeks apart; the uniform null is deliberately naive.",
    ),
)  # fmt: skip

VERDICTS = ("supported", "not supported", "inconclusive")
VERDICT_RULE = (
    "The p-values of every claim tested in this run are adjusted together (Benjamini-Hochberg). "
    "*Supported*: adjusted p below alpha and the effect in the direction the post predicts. "
    "*Not supported*: the effect points the other way. "
    "*Inconclusive*: the predicted direction without significance, an effect of exactly 1, or no effect could be "
    "computed."
)


def claim(claim_id: str) -> Claim:
    """The catalogue entry of ``claim_id`` (``"C4"``)."""
    for entry in CLAIMS:
        if entry.id == claim_id:
            return entry
    raise KeyError(f"no claim {claim_id!r}; the catalogue has {[c.id for c in CLAIMS]}")


def claims_of(notebook: str) -> list[Claim]:
    """The claims a notebook tests, in catalogue order."""
    return [c for c in CLAIMS if c.notebook == notebook]


def claim_notebooks() -> list[str]:
    """The notebooks that test at least one claim, in notebook order."""
    return [nb.name for nb in NOTEBOOKS if claims_of(nb.name)]


def verdict(p_adjusted: float, effect: float, direction: str, alpha: float = inference.ALPHA) -> str:
    """The verdict word of :data:`VERDICT_RULE` for one claim.

    ``direction`` is the predicted side (``"greater"``: effect > 1, ``"less"``:
    effect < 1). A missing (NaN) p-value or effect gives ``inconclusive``.
    """
    if direction not in ("greater", "less"):
        raise ValueError(f"direction must be 'greater' or 'less', not {direction!r}")
    if not np.isfinite(p_adjusted) or not np.isfinite(effect) or effect == 1:
        return "inconclusive"
    in_direction = effect > 1 if direction == "greater" else effect < 1
    if in_direction and p_adjusted < alpha:
        return "supported"
    if not in_direction:
        return "not supported"
    return "inconclusive"


def claim_row(claim_id: str, result: inference.TestResult, data: str, caveats: str = "") -> dict:
    """One claim's result for the verdict (before adjustment): the test's numbers, the
    data it ran on and the caveats (the catalogue's, then ``caveats`` of this run)."""
    entry = claim(claim_id)
    if result.alternative != entry.direction:
        raise ValueError(f"{claim_id}: the test is {result.alternative!r}, the catalogue says {entry.direction!r}")
    return {
        "id": claim_id,
        "short": entry.short,
        "statistic": result.statistic,
        "observed": result.observed,
        "expected": result.expected,
        "effect": result.ratio,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_value": result.p_value,
        "n_null": result.n_null,
        "direction": result.alternative,
        "null_model": result.null_model,
        "data": data,
        "caveats": " ".join(text for text in (entry.caveats, caveats) if text),
    }


def verdict_table(fragments: dict, alpha: float = inference.ALPHA) -> pd.DataFrame:
    """One row a claim from the notebooks' ``claim.Cn`` entries (``fragments`` maps a
    notebook name to its recorded numbers; claims whose notebook did not run are left
    out). The family of the Benjamini-Hochberg adjustment is every claim present;
    ``p_value`` is adjusted, ``p_value_raw`` as tested; ``verdict`` by :func:`verdict`."""
    rows = []
    for entry in CLAIMS:
        recorded = fragments.get(entry.notebook, {}).get(f"claim.{entry.id}")
        if recorded is not None:
            rows.append(dict(recorded, claim=entry.post, statement=entry.statement, notebook=entry.notebook))
    if not rows:
        raise ValueError("no claim results found: run the claim notebooks first")
    table = pd.DataFrame(rows)
    table["p_value_raw"] = table["p_value"]
    table["p_value"] = inference.benjamini_hochberg(table["p_value_raw"].astype(float))
    table["verdict"] = [
        verdict(p, e, d, alpha) for p, e, d in zip(table["p_value"], table["effect"], table["direction"])
    ]
    return table


def notebook_verdicts(recorded: dict, notebook: str, alpha: float = inference.ALPHA) -> pd.DataFrame:
    """The verdicts of one notebook's claims by the same rule, before the adjustment across
    all claims (``recorded``: the notebook's own numbers). Adjusting can only raise a
    p-value, so a claim *supported* here may become *inconclusive* in 06, never the reverse
    of a direction."""
    rows = [recorded[f"claim.{c.id}"] for c in claims_of(notebook) if f"claim.{c.id}" in recorded]
    table = pd.DataFrame(rows, columns=["id", "short", "effect", "ci_low", "ci_high", "p_value", "direction"])
    table["verdict"] = [
        verdict(np.nan if p is None else p, np.nan if e is None else e, d, alpha)
        for p, e, d in zip(table["p_value"], table["effect"], table["direction"])
    ]
    return table


def markdown_table() -> str:
    """The README's claim table, from the catalogue (the README test compares the two)."""
    lines = ["| claim | the post says | tested as | notebook | null model |", "|---|---|---|---|---|"]
    for c in CLAIMS:
        lines.append(f"| {c.id} {c.short} | {c.post} | {c.statement} | `{c.notebook}` | {c.null} |")
    return "\n".join(lines)


def as_records() -> list[dict]:
    """The catalogue as plain dictionaries (for ``numbers.json`` and the site)."""
    return [asdict(c) for c in CLAIMS]


if __name__ == "__main__":
    print(markdown_table())
