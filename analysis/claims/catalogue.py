"""The claims of the post and the verdict rule (notebook 06 and the report site read them here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats import inference

__all__ = ["verdict", "claim_row", "CLAIM_SOURCES", "CLAIM_TEXT", "verdict_table"]


def verdict(p_adjusted: float, effect: float, direction: str, alpha: float = inference.ALPHA) -> str:
    """``supported`` if the BH-adjusted p-value is below alpha and the effect is in the
    claimed direction (``greater``: effect > 1; ``less``: < 1); ``not supported`` if
    the effect points the other way; otherwise (right direction, not significant)
    ``inconclusive``."""
    if not np.isfinite(p_adjusted) or not np.isfinite(effect):
        return "inconclusive"
    in_direction = effect > 1 if direction == "greater" else effect < 1
    if in_direction and p_adjusted < alpha:
        return "supported"
    if not in_direction:
        return "not supported"
    return "inconclusive"


def claim_row(claim_id: str, short: str, result: inference.TestResult, data: str, caveats: str) -> dict:
    """One claim's entry for the verdict (before BH adjustment)."""
    return {
        "id": claim_id,
        "short": short,
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
        "caveats": caveats,
    }


CLAIM_SOURCES = {
    "C1": "02-broadcasters",
    "C2": "03-follow-back",
    "C3": "02-broadcasters",
    "C4": "04-gated-community",
    "C5": "03-follow-back",
    "C6": "01-claims-and-race",
    "C7": "02-broadcasters",
}


CLAIM_TEXT = {
    "C1": "Celebrities follow few people (Kutcher: about 962,000 followers, following 72).",
    "C2": "Celebrities do not follow regular people and do not follow back their fans.",
    "C3": "Brands follow back (Starbucks: 141,341 followers, following 131,505).",
    "C4": "Celebrities follow other celebrities: a closed, gated community.",
    "C5": "Inside it they follow each other back.",
    "C6": "The race: @aplusk reached a million followers before @cnnbrk.",
    "C7": "Attention is concentrated: we are nothing but an audience.",
}


def verdict_table(fragments: dict) -> pd.DataFrame:
    """One row a claim from the notebooks' ``claim.Cn`` entries (claims whose notebook
    did not run are left out): BH-adjusted p-values across the claims present (the
    family) and the verdict of :func:`verdict`."""
    rows = [
        dict(fragments[CLAIM_SOURCES[c]][f"claim.{c}"], claim=CLAIM_TEXT[c], notebook=CLAIM_SOURCES[c])
        for c in sorted(CLAIM_SOURCES)
        if CLAIM_SOURCES[c] in fragments and f"claim.{c}" in fragments[CLAIM_SOURCES[c]]
    ]
    if not rows:
        raise ValueError("no claim results found: run the claim notebooks first")
    table = pd.DataFrame(rows)
    table["p_value_raw"] = table["p_value"]
    table["p_value"] = inference.benjamini_hochberg(table["p_value_raw"].astype(float))
    table["verdict"] = [verdict(p, e, d) for p, e, d in zip(table["p_value"], table["effect"], table["direction"])]
    table["effect_low"], table["effect_high"] = table["ci_low"], table["ci_high"]
    return table
