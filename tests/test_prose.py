"""The word choosers of analysis.report.prose: each rule of its docstring, at and around its edges."""

import math

import pytest

from analysis.report import prose


def test_say_fills_dotted_fields_and_prints_missing_as_na():
    values = {"C1.test": {"ratio": 0.3846, "ci": [0.2, 0.6]}, "n": None}
    assert prose.say("{C1.test.ratio:.2f} ({C1.test.ci.0:.1f}) {n:,}", values) == "0.38 (0.2) n/a"
    assert prose.say("{x:.1%}", values, x=math.nan) == "n/a"


@pytest.mark.parametrize(
    ("value", "reference", "word"),
    [
        (2, 1, "up"),
        (1, 2, "down"),
        (1, 1, "level"),
        ("2009-01-16", "2007-01-02", "up"),
        (None, 1, "?"),
        (1, math.nan, "?"),
    ],
)
def test_order(value, reference, word):
    assert prose.order(value, reference, "up", "down", "level", unknown="?") == word


def test_order_reports_missing_as_na_by_default():
    assert prose.order(None, 1, "up", "down", "level") == prose.NA


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (1.2, "more accounts than"),
        (1.1, "about as many accounts as"),
        (0.93, "about as many accounts as"),
        (0.9, "about as many accounts as"),
        (0.56, "more than half as many accounts as"),
        (0.5, "more than half as many accounts as"),
        (0.3, "between a tenth and half as many accounts as"),
        (0.05, "under a tenth as many accounts as"),
        (0.0083, "under a hundredth as many accounts as"),
        (6.9e-5, "under a thousandth as many accounts as"),
        (0.0, "under a thousandth as many accounts as"),
        (None, "an unknown number of accounts against"),
        (math.nan, "an unknown number of accounts against"),
    ],
)
def test_as_many(ratio, words):
    assert prose.as_many(ratio, "accounts") == words


def test_as_many_without_noun_and_with_another_tolerance():
    assert prose.as_many(0.85) == "more than half as many as"
    assert prose.as_many(0.85, tolerance=0.2) == "about as many as"
    assert prose.as_many(3) == "more than"


@pytest.mark.parametrize(
    ("value", "published", "word"),
    [
        (81306, 81306, "yes"),
        (81305, 81306, "no"),
        (0.00301151058281, 0.00301, "yes"),
        (0.00312, 0.00301, "no"),
        (0.36249, 0.362, "yes"),
        (0.3626, 0.362, "no"),
        (6499.0, 6499, "yes"),
        (None, 6499, "no"),
        (6499, math.nan, "no"),
    ],
)
def test_matches_at_the_published_precision(value, published, word):
    assert prose.matches(value, published, "yes", "no") == word


@pytest.mark.parametrize(
    ("value", "p", "word"),
    [(14.1, 1e-45, "plus"), (-2.0, 0.01, "minus"), (14.1, 0.05, "none"), (0.0, 0.001, "none"), (None, 0.01, "none")],
)
def test_by_sign(value, p, word):
    assert prose.by_sign(value, p, "plus", "minus", "none") == word


def test_by_sign_uses_alpha():
    assert prose.by_sign(1.0, 0.08, "plus", "minus", "none", alpha=0.1) == "plus"


@pytest.mark.parametrize(
    ("count", "total", "words"),
    [
        (6, 6, "all 6"),
        (0, 6, "none of the 6"),
        (2, 6, "2 of the 6"),
        (2, 2, "both"),
        (0, 2, "neither"),
        (1, 2, "1 of the 2"),
        (1, 1, "the only one"),
        (0, 1, "none"),
        (0, 0, "none"),
        (1200, 6499, "1,200 of the 6,499"),
        (None, 6, "an unknown number of the 6"),
    ],
)
def test_how_many(count, total, words):
    assert prose.how_many(count, total) == words


def test_the_existing_choosers_keep_their_rules():
    assert prose.compare(0.4, 0.2, 0.6, "more", "less", "same") == "less"
    assert prose.compare(1.2, 0.9, 1.5, "more", "less", "same") == "same"
    assert prose.share(0.95) == "almost all" and prose.share(0.05) == "few of"
    assert prose.rank(1, 6499) == "the highest" and prose.rank(700, 6499) == "ranked 700 of 6,499"
    assert prose.listing(["a", "b", "c"]) == "a, b and c"


def test_the_lead_says_each_headline_answer_from_the_recorded_numbers():
    from analysis.report import prose

    c2a = {"id": "C2a", "claim": "C2", "kind": "test", "role": "headline", "short": "x", "effect": 0.75,
           "ci_low": 0.68, "ci_high": 0.81, "p_value": 1e-9, "direction": "less", "observed": 6335, "sampling": True}  # fmt: skip
    c5 = {**c2a, "id": "C5", "claim": "C5", "effect": 1.02, "ci_low": 0.9, "ci_high": 1.1, "p_value": 0.6,
          "direction": "greater"}  # fmt: skip
    text = prose.lead({"claim.C2a": c2a, "claim.C5": c5}, "03-follow-back")
    assert text.startswith(
        "In short, by the verdict rule before notebook 06 adjusts for the number of tests: C2a *supported*: "
    )
    assert "(effect 0.75, sampling interval 0.68 to 0.81)" in text and "C5 *not supported*: " in text
    claims = [{"claim": "C1", "verdict": "supported"}, {"claim": "C2", "verdict": "supported"},
              {"claim": "C6", "verdict": "not testable with this data"}]  # fmt: skip
    assert "2 supported (C1, C2); 1 not testable with this data (C6)" in prose.lead({"claims": claims}, "06-verdict")
    assert prose.lead({}, "04-gated-community") == "" and prose.lead({}, "06-verdict") == ""


@pytest.mark.parametrize(
    ("values", "digits"),
    [((0.766, 0.7655, 0.7693), 3), ((0.69, 0.684, 0.695), 3), ((2.18, 1.62, 3.23), 2), ((1.0, 1.0, 1.0), 2),
     ((0.5, float("nan"), None), 2), ((1.00001, 1.00002), 5), ((1 + 1e-9, 1 + 2e-9), 6)],
)  # fmt: skip
def test_decimals_are_the_fewest_that_keep_different_values_apart(values, digits):
    assert prose.decimals(*values) == digits
    assert prose.say("{x:.{d}f}", {}, x=0.7655, d=prose.decimals(*values)) == f"{0.7655:.{digits}f}"


def test_disagreement_names_which_of_the_p_value_and_the_interval_says_what():
    assert prose.disagreement(0.001, 0.9, 1.3) == (
        "The p-value is below 0.05 but the sampling interval includes 1: the two disagree, and the verdict rule, "
        "which needs both, does not count the effect as shown."
    )
    assert prose.disagreement(0.2, 1.1, 1.3, test="the permutation p-value").startswith(
        "The sampling interval excludes 1 but the permutation p-value is not below 0.05"
    )
    assert prose.disagreement(0.001, 1.1, 1.3) == prose.disagreement(0.2, 0.9, 1.3) == ""  # they agree
    # one missing end is an unbounded side, as in the verdict rule: the other end alone decides
    assert prose.disagreement(0.2, float("nan"), 1.3) == prose.disagreement(0.01, None, 0.8) == ""
    assert prose.disagreement(0.01, float("nan"), 1.3).startswith("The p-value is below 0.05 but the sampling "
                                                                   "interval includes 1")  # fmt: skip
    assert prose.disagreement(0.3, None, 0.8).startswith("The sampling interval excludes 1 but the p-value is not")
    # the p-value or both ends missing: said only when the other says the effect differs from 1
    assert prose.disagreement(None, 0.9, 1.3) == prose.disagreement(0.2, None, float("nan")) == ""
    assert prose.disagreement(0.01, float("nan"), None) == (
        "The p-value is below 0.05 but the sampling interval could not be computed: the verdict rule, which needs "
        "both, does not count the effect as shown."
    )
    assert prose.disagreement(None, 1.1, None).startswith("The sampling interval excludes 1 but the p-value could not")
    assert prose.disagreement(float("nan"), None, 0.8).startswith("The sampling interval excludes 1")
