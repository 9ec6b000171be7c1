"""The verdict rule, fixed in the catalogue before looking, on constructed results."""

import math

import numpy as np
import pytest
from scipy import stats

from analysis.claims import catalogue as cat
from analysis.stats import inference


def _result(ratio, p, low=None, high=None, alternative="greater", observed=1.0):
    low = ratio * 0.95 if low is None else low
    high = ratio * 1.05 if high is None else high
    return inference.TestResult("s", observed, observed / ratio, ratio, 3.0, low, high, p, 99, "null", alternative)


@pytest.mark.parametrize(
    ("effect", "low", "high", "p", "direction", "word"),
    [
        (1.05, 1.02, 1.08, 0.001, "greater", cat.NEGLIGIBLE),  # significant but inside the band
        (0.95, 0.92, 0.98, 0.001, "less", cat.NEGLIGIBLE),
        (1.25, 1.2, 1.3, 0.001, "greater", cat.NEGLIGIBLE),  # the band's edge is inside
        (1.30, 1.2, 1.4, 0.001, "greater", cat.SUPPORTED),
        (0.5, 0.4, 0.6, 0.001, "less", cat.SUPPORTED),
        (0.5, 0.4, 0.6, 0.001, "greater", cat.CONTRADICTED),  # significant the other way
        (3.0, 2.0, 4.0, 0.001, "less", cat.CONTRADICTED),
        (3.0, 0.9, 4.0, 0.001, "greater", cat.NOT_SUPPORTED),  # the interval includes 1
        (3.0, 2.0, 4.0, 0.2, "greater", cat.NOT_SUPPORTED),  # not significant
        (3.0, 2.0, 4.0, 0.05, "greater", cat.NOT_SUPPORTED),  # p at alpha is not below it
        (math.nan, 2.0, 4.0, 0.001, "greater", cat.NOT_TESTABLE),
        (3.0, 2.0, 4.0, None, "greater", cat.NOT_TESTABLE),
    ],
)
def test_statement_verdicts(effect, low, high, p, direction, word):
    assert cat.statement_verdict(effect, low, high, p, direction) == word


def test_a_bad_direction_is_refused():
    with pytest.raises(ValueError, match="direction must be 'greater' or 'less'"):
        cat.statement_verdict(2.0, 1.5, 2.5, 0.01, "bigger")


@pytest.mark.parametrize(
    ("words", "claim_word"),
    [
        ([cat.SUPPORTED], cat.SUPPORTED),
        ([cat.SUPPORTED, cat.SUPPORTED], cat.SUPPORTED),
        ([cat.SUPPORTED, cat.NOT_SUPPORTED], cat.PARTLY),
        ([cat.SUPPORTED, cat.CONTRADICTED], cat.PARTLY),
        ([cat.CONTRADICTED, cat.NOT_SUPPORTED], cat.CONTRADICTED),
        ([cat.NEGLIGIBLE, cat.NEGLIGIBLE], cat.NEGLIGIBLE),
        ([cat.NEGLIGIBLE, cat.NOT_SUPPORTED], cat.NOT_SUPPORTED),
        ([], cat.NOT_TESTABLE),
    ],
)
def test_claim_verdicts_from_their_parts(words, claim_word):
    assert cat.claim_verdict(words) == claim_word


def _fragments():
    """A run where C4a is strong, C4b-inflow significant but negligible, C4b-community the other way,
    C6 and C7 descriptive, C1 secondary bands present."""
    rows = {
        "04-gated-community": {
            "claim.C4a": cat.claim_row("C4a", _result(5.0, 0.001), "toy"),
            "claim.C4b-inflow": cat.claim_row("C4b-inflow", _result(0.97, 0.001, 0.96, 0.98, "less"), "toy"),
            "claim.C4b-community": cat.claim_row("C4b-community", _result(1.5, 0.002, 1.3, 1.7, "less"), "toy"),
        },
        "02-broadcasters": {
            "claim.C1": cat.claim_row("C1", _result(0.3, 0.001, 0.2, 0.4, "less"), "toy"),
            "claim.C1-10k-100k": cat.claim_row("C1-10k-100k", _result(0.4, 0.04, 0.3, 0.5, "less"), "toy"),
            "claim.C7": cat.descriptive_row("C7", 0.31, "toy", ci_low=0.30, ci_high=0.32, interval="bootstrap"),
        },
        "01-claims-and-race": {"claim.C6": cat.descriptive_row("C6", 1234.0, "toy", rank=1)},
    }
    return rows


def test_the_family_is_every_tested_statement_and_never_c6_or_c7():
    table = cat.verdict_table(_fragments())
    family = table[table["in_family"]]
    assert set(family["id"]) == {"C1", "C1-10k-100k", "C4a", "C4b-inflow", "C4b-community"}
    raw = family["p_value_raw"].to_numpy()
    assert np.allclose(family["p_value"], stats.false_discovery_control(raw, method="bh"))
    outside = table.set_index("id").loc[["C6", "C7"]]
    assert outside["p_value"].isna().all() and not outside["in_family"].any()
    assert table.set_index("id").loc["C6", "verdict"] == cat.NOT_TESTABLE
    assert table.set_index("id").loc["C7", "verdict"] == cat.DESCRIPTIVE


def test_verdicts_of_statements_parts_and_claims():
    table = cat.verdict_table(_fragments())
    words = table.set_index("id")["verdict"]
    assert words["C4a"] == cat.SUPPORTED
    assert words["C4b-inflow"] == cat.NEGLIGIBLE
    assert words["C4b-community"] == cat.CONTRADICTED
    claims = cat.claim_table(table).set_index("claim")
    assert claims.loc["C4", "parts"] == "C4a: supported; C4b: contradicted"
    assert claims.loc["C4", "verdict"] == cat.PARTLY
    assert claims.loc["C1", "verdict"] == cat.SUPPORTED  # the secondary band does not decide
    assert claims.loc["C6", "verdict"] == cat.NOT_TESTABLE
    assert claims.loc["C7", "verdict"] == cat.DESCRIPTIVE


def test_rows_refuse_the_wrong_kind_or_direction():
    with pytest.raises(ValueError, match="C6 is not testable: record it with descriptive_row"):
        cat.claim_row("C6", _result(2.0, 0.01), "toy")
    with pytest.raises(ValueError, match="C4a is a test: record it with claim_row"):
        cat.descriptive_row("C4a", 1.0, "toy")
    with pytest.raises(ValueError, match="C4a: the test is 'less', the catalogue says 'greater'"):
        cat.claim_row("C4a", _result(2.0, 0.01, alternative="less"), "toy")


def test_every_statement_belongs_to_a_claim_and_a_notebook():
    notebooks = {nb.name for nb in cat.NOTEBOOKS}
    claims = {c.id for c in cat.CLAIMS}
    for s in cat.STATEMENTS:
        assert s.claim in claims and s.notebook in notebooks
        assert s.id.startswith(s.claim)
    for c in cat.CLAIMS:
        assert any(s.role == "headline" for s in cat.statements_of(c.id)), c.id
    assert len({s.id for s in cat.STATEMENTS}) == len(cat.STATEMENTS)


def test_the_rule_text_names_every_verdict_word():
    for word in cat.VERDICTS:
        assert word.capitalize() in cat.VERDICT_RULE or word in cat.VERDICT_RULE, word
