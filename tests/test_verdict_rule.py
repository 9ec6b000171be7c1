"""The verdict rule of the catalogue (fixed there since 2026-12-01; see its history), on constructed results."""

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from analysis.claims import catalogue as cat
from analysis.stats import inference


def _result(ratio, p, low=None, high=None, alternative="greater", observed=1.0, interval="sampling"):
    low = ratio * 0.95 if low is None else low
    high = ratio * 1.05 if high is None else high
    return inference.TestResult(
        "s", observed, observed / ratio, ratio, 3.0, low, high, p, 99, "null", alternative, interval=interval
    )


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


def test_an_interval_excludes_one_as_the_rule_reads_it():
    """A missing end is an unbounded side: the other end alone decides (the rule and
    prose.disagreement read it the same way)."""
    assert cat.excludes_one(1.1, 1.3) and cat.excludes_one(0.7, 0.9) and not cat.excludes_one(0.9, 1.1)
    assert cat.excludes_one(None, 0.9) and cat.excludes_one(1.1, float("nan")) and not cat.excludes_one(None, 1.1)
    assert not cat.excludes_one(None, float("nan"))


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
        ([cat.PARTLY, cat.NOT_SUPPORTED], cat.PARTLY),  # a partly supported part counts as some support
        ([cat.PARTLY, cat.CONTRADICTED], cat.PARTLY),
        ([cat.CONTRADICTED, cat.NOT_SUPPORTED], cat.CONTRADICTED),
        ([cat.NEGLIGIBLE, cat.NEGLIGIBLE], cat.NEGLIGIBLE),
        ([cat.NEGLIGIBLE, cat.NOT_SUPPORTED], cat.NOT_SUPPORTED),
        ([], cat.NOT_TESTABLE),
    ],
)
def test_claim_verdicts_from_their_parts(words, claim_word):
    assert cat.claim_verdict(words) == claim_word


def _fragments():
    """A run where C4a is strong, C2a significant but negligible, C4b-community the other way,
    C4b-closed, C6 and C7 descriptive, C1 secondary bands present."""
    rows = {
        "04-gated-community": {
            "claim.C4a": cat.claim_row("C4a", _result(5.0, 0.001), "toy"),
            "claim.C4b-closed": cat.descriptive_row("C4b-closed", 0.09, "toy", from_inside_share=0.03),
            "claim.C4b-community": cat.claim_row("C4b-community", _result(1.5, 0.002, 1.3, 1.7, "less"), "toy"),
        },
        "02-broadcasters": {
            "claim.C1": cat.claim_row("C1", _result(0.3, 0.001, 0.2, 0.4, "less"), "toy"),
            "claim.C1-10k-100k": cat.claim_row("C1-10k-100k", _result(0.4, 0.04, 0.3, 0.5, "less"), "toy"),
            "claim.C7": cat.descriptive_row("C7", 0.31, "toy", ci_low=0.30, ci_high=0.32, interval="bootstrap"),
        },
        "01-claims-and-race": {"claim.C6": cat.descriptive_row("C6", 1234.0, "toy", rank=1)},
        "03-follow-back": {"claim.C2a": cat.claim_row("C2a", _result(0.97, 0.001, 0.96, 0.98, "less"), "toy")},
    }
    return rows


def test_the_family_is_every_tested_statement_and_never_c6_or_c7():
    table = cat.verdict_table(_fragments())
    family = table[table["in_family"]]
    assert set(family["id"]) == {"C1", "C1-10k-100k", "C2a", "C4a", "C4b-community"}
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
    assert words["C2a"] == cat.NEGLIGIBLE
    assert words["C4b-closed"] == cat.DESCRIPTIVE
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


def test_a_test_without_a_p_value_is_not_testable_and_does_not_spoil_the_others():
    fragments = _fragments()
    missing = cat.claim_row("C5", _result(2.0, float("nan"), 1.5, 2.5), "toy")
    fragments["03-follow-back"]["claim.C5"] = missing
    table = cat.verdict_table(fragments).set_index("id")
    assert table.loc["C5", "verdict"] == cat.NOT_TESTABLE
    assert table.loc["C4a", "verdict"] == cat.SUPPORTED and np.isfinite(table.loc["C4a", "p_value"])


def test_a_significant_effect_the_other_way_is_contradicted_end_to_end():
    """An ensemble far below a 'greater' prediction: the two-sided p is small, the verdict contradicted
    (given a sampling interval that excludes 1 too)."""
    null = np.linspace(0.9, 1.1, 199)
    result = inference.ensemble_test("s", 0.2, null, "toy", alternative="greater")
    result = dataclasses.replace(result, interval="sampling")
    assert result.p_value > 0.9 and result.p_two_sided == pytest.approx(2 / 200)
    table = cat.verdict_table({"04-gated-community": {"claim.C4a": cat.claim_row("C4a", result, "toy")}})
    assert table.loc[0, "verdict"] == cat.CONTRADICTED


def test_an_unbounded_interval_side_does_not_hide_a_clear_effect():
    """A sparse null whose 2.5th percentile is 0: the interval is unbounded above, yet excludes 1 below."""
    null = np.r_[np.zeros(10), np.full(189, 0.01)]
    result = inference.ensemble_test("s", 0.2, null, "toy", alternative="greater")
    assert result.ci_high == math.inf and result.ci_low > 1
    assert cat.statement_verdict(result.ratio, result.ci_low, None, 0.001, "greater") == cat.SUPPORTED


def test_without_a_sampling_interval_a_clear_effect_is_not_supported():
    """The rule needs a sampling interval: the null's spread alone cannot support (or contradict)."""
    assert cat.statement_verdict(3.0, 2.0, 4.0, 0.001, "greater", sampling=False) == cat.NOT_SUPPORTED
    assert cat.statement_verdict(0.3, 0.2, 0.4, 0.001, "greater", sampling=False) == cat.NOT_SUPPORTED
    assert cat.statement_verdict(1.05, 1.02, 1.08, 0.001, "greater", sampling=False) == cat.NEGLIGIBLE
    with_null = cat.claim_row("C4a", _result(5.0, 0.001, 4.0, 6.0, interval="null"), "toy")
    with_sampling = cat.claim_row("C4a", _result(5.0, 0.001, 4.0, 6.0), "toy")
    assert with_null["sampling"] is False and with_sampling["sampling"] is True
    words = [cat.verdict_table({"04-gated-community": {"claim.C4a": row}})["verdict"].iloc[0]
             for row in (with_null, with_sampling)]  # fmt: skip
    assert words == [cat.NOT_SUPPORTED, cat.SUPPORTED]


def test_checks_are_recorded_beside_the_decisive_test_and_do_not_decide():
    decisive = _result(1.8, 0.001, 1.6, 2.0)
    union = _result(5.0, 0.5, 4.0, 6.0, interval="null")
    row = cat.claim_row("C4a", decisive, "toy", checks={"union graph, rewiring": union})
    assert row["effect"] == 1.8 and row["checks"]["union graph, rewiring"]["effect"] == 5.0
    assert cat.verdict_table({"04-gated-community": {"claim.C4a": row}})["verdict"].iloc[0] == cat.SUPPORTED


def test_the_wider_family_counts_each_hypothesis_once():
    """A check that is the verdict test's own effect with another error (the same observed
    and expected) is flagged ``same_effect`` and left out of the wider family; another
    test of the statement is in it."""
    decisive = _result(1.8, 0.001, 1.6, 2.0)
    # the same counts summed in another order: equal to rounding
    another_error = inference.TestResult("s", decisive.observed * (1 + 1e-14), decisive.expected, 1.8, 2.5, 1.5, 2.1,
                                         0.004, 0, "dyadic", "greater", interval="sampling")  # fmt: skip
    union = _result(5.0, 0.02, 4.0, 6.0, observed=2.0, interval="null")
    row = cat.claim_row("C4a", decisive, "toy", checks={"dyadic": another_error, "union": union})
    assert row["checks"]["dyadic"]["same_effect"] and not row["checks"]["union"]["same_effect"]
    table = cat.verdict_table({"04-gated-community": {"claim.C4a": row}})
    wide = cat.wider_family(table)
    assert wide.attrs["size"] == 1 and wide.attrs["size_wide"] == 2  # the statement and the union check
    assert wide["p_value_wide"].iloc[0] == pytest.approx(0.002)  # BH over (0.001, 0.02): 2 x 0.001


def test_the_error_sensitivity_swaps_in_every_other_error_at_once_and_redoes_the_adjustment():
    """With the dyadic-robust errors in place of the clustered ones, all at once: a supported
    statement whose other error is far wider reads not supported; a statement whose only
    check is another test (not its own effect) keeps its p-value in the family and is not
    listed; the adjustment is redone over the swapped family."""
    decisive = _result(1.8, 0.001, 1.6, 2.0)
    wide_error = inference.TestResult("s", decisive.observed, decisive.expected, 1.8, 2.5, 0.9, 3.4,
                                      0.2, 0, "dyadic", "greater", interval="sampling")  # fmt: skip
    row = cat.claim_row("C4a", decisive, "toy", checks={"dyadic": wide_error})
    c5 = _result(1.6, 0.01, 1.3, 1.9)
    c5_error = inference.TestResult("s", c5.observed, c5.expected, 1.6, 2.5, 1.2, 2.1, 0.03, 0, "dyadic", "greater",
                                    interval="sampling")  # fmt: skip
    c5_row = cat.claim_row("C5", c5, "toy", checks={"dyadic": c5_error})
    union = _result(5.0, 0.04, 4.0, 6.0, observed=2.0, interval="null")  # another test: not swapped in
    c2a_row = cat.claim_row("C2a", _result(0.7, 0.02, 0.6, 0.8, alternative="less"), "toy", checks={"union": union})
    table = cat.verdict_table({"04-gated-community": {"claim.C4a": row},
                               "03-follow-back": {"claim.C5": c5_row, "claim.C2a": c2a_row}})  # fmt: skip
    assert table.set_index("id").loc["C4a", "verdict"] == cat.SUPPORTED
    found = cat.error_sensitivity(table).set_index("id")
    assert sorted(found.index) == ["C4a", "C5"] and set(found["check"]) == {"dyadic"}
    assert found.loc["C4a", "verdict_other_error"] == cat.NOT_SUPPORTED
    # BH over the swapped family (0.2, 0.03, 0.02): 0.2 stays, 0.03 and 0.02 both become 3 x 0.03 / 2
    assert found.loc["C4a", "p_adjusted_other_error"] == pytest.approx(0.2)
    assert found.loc["C5", "p_adjusted_other_error"] == pytest.approx(0.045)
    assert found.loc["C5", "verdict_other_error"] == cat.SUPPORTED
    same = cat.claim_row("C4a", decisive, "toy", checks={"dyadic": decisive})
    kept = cat.error_sensitivity(cat.verdict_table({"04-gated-community": {"claim.C4a": same}}))
    assert kept["verdict_other_error"].iloc[0] == cat.SUPPORTED
    assert cat.error_sensitivity(cat.verdict_table({"03-follow-back": {"claim.C2a": c2a_row}})).empty


def test_the_verdict_page_opens_with_each_claim_at_a_glance():
    import pandas as pd

    from analysis.claims import catalogue

    statements = pd.DataFrame([
        {"id": "C4a", "claim": "C4", "role": "headline", "kind": "test", "effect": 2.52, "ci_low": 2.22,
         "ci_high": 2.82, "verdict": "supported", "caveats": ""},
        {"id": "C4b-closed", "claim": "C4", "role": "headline", "kind": "descriptive", "effect": None,
         "ci_low": None, "ci_high": None, "verdict": "descriptive", "caveats": ""},
    ])  # fmt: skip
    claims = pd.DataFrame([{"claim": "C4", "short": "a gated community", "post": "Celebrities follow ...",
                            "verdict": "partly supported"}])  # fmt: skip
    robust = {
        "C4a": {"robustness": "robust: every counted specification ...", "same_count": 40, "counted_specifications": 40}
    }
    row = catalogue.at_a_glance(statements, claims, robust).iloc[0]
    assert row["evidence"] == "C4a 2.52 (2.22 to 2.82)" and row["robustness"] == "C4a robust (40 of 40)"
    assert row["the caveat that matters most"].startswith("Dense is not closed")
    assert "robustness" not in catalogue.at_a_glance(statements, claims, None)
    # a descriptive headline shows its reading, else its value and interval
    read = statements.assign(reading=[None, "not closed in the post's sense"])
    assert (
        catalogue.at_a_glance(read, claims).iloc[0]["evidence"].endswith("; C4b-closed: not closed in the post's sense")
    )
    valued = statements.assign(statistic="share inside", observed=[2.52, 0.0885], ci_low=[2.22, 0.0735],
                               ci_high=[2.82, 0.111])  # fmt: skip
    assert catalogue.at_a_glance(valued, claims).iloc[0]["evidence"].endswith("C4b-closed: share inside 0.0885 "
                                                                             "(0.0735 to 0.111)")  # fmt: skip
    assert catalogue.described("share", float("nan")) == "" and catalogue.described("share", 0.5) == "share 0.5"
    assert catalogue.described("share", 0.5, 0.4, None) == "share 0.5"  # one end missing: no interval


def test_verdict_words_carry_a_symbol_as_well_as_a_colour():
    import pandas as pd

    from analysis.report import figures, tables

    html = tables.readable(pd.DataFrame({"claim": ["C1", "C2"], "verdict": ["supported", "contradicted"]}),
                           verdicts="verdict").to_html()  # fmt: skip
    assert "● supported" in html and "✖ contradicted" in html
    assert figures.VERDICT_COLOURS["supported"].lower() in html.lower()
    assert set(figures.VERDICT_MARKERS) <= set(figures.VERDICT_SYMBOLS)
