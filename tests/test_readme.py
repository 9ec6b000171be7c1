"""The README's claim table and findings are generated from the catalogue and the published numbers."""

import json
import re
from pathlib import Path

import pytest

from analysis.claims import catalogue
from analysis.report import readme

ROOT = Path(__file__).resolve().parents[1]

VERDICTS = {
    "claims": [{"claim": "C4", "short": "a gated community", "verdict": "partly supported",
                "parts": "C4a: supported; C4b: not supported"}],
    "statements": [
        {"id": "C4a", "claim": "C4", "role": "headline", "kind": "test", "effect": 5.26, "ci_low": 4.9,
         "ci_high": 5.6, "p_value": 0.001, "verdict": "supported"},
        {"id": "C7", "claim": "C7", "role": "headline", "kind": "descriptive", "effect": None, "ci_low": None,
         "ci_high": None, "p_value": None, "verdict": "descriptive"},
    ],
    "build": {"commit": "0123456789abcdef", "quick": False},
}  # fmt: skip


def _block(text, name):
    return re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", text, re.S).group(1)


def test_the_readme_blocks_are_what_the_catalogue_and_the_committed_verdicts_give():
    text = (ROOT / "README.md").read_text()
    assert _block(text, "catalogue") == readme.catalogue_block()
    assert catalogue.VERDICT_RULE in text
    if readme.verdicts_path().exists():
        assert _block(text, "findings") == readme.findings_block(json.loads(readme.verdicts_path().read_text()))


def test_findings_say_what_a_descriptive_statement_measured():
    rows = [dict(VERDICTS["statements"][1], statistic="share of all follows", observed=0.233, ci_low=0.216,
                 ci_high=0.251),
            {"id": "C4b-closed", "claim": "C4", "role": "headline", "kind": "descriptive", "verdict": "descriptive",
             "statistic": "share inside", "observed": 0.0885, "ci_low": 0.07, "ci_high": 0.11,
             "reading": "not closed in the post's sense"}]  # fmt: skip
    claims = VERDICTS["claims"] + [{"claim": "C7", "short": "attention", "verdict": "descriptive", "parts": "C7"}]
    block = readme.findings_block({**VERDICTS, "claims": claims, "statements": [VERDICTS["statements"][0], *rows]})
    assert "  - C7: descriptive, share of all follows 0.233 (0.216 to 0.251)" in block.splitlines()
    assert "  - C4b-closed: descriptive, not closed in the post's sense" in block.splitlines()
    bare = readme.findings_block({**VERDICTS, "claims": claims})  # nothing measured: the word alone
    assert "  - C7: descriptive" in bare.splitlines()


def test_findings_say_every_claim_and_statement_and_update_is_idempotent():
    block = readme.findings_block(VERDICTS)
    assert "**C4 a gated community: partly supported** (C4a: supported; C4b: not supported)" in block
    assert "C4a: supported, effect 5.26 (4.9 to 5.6), adjusted p = 0.001" in block
    assert "commit 0123456789" in block
    text = "x\n<!-- catalogue:start -->\nold\n<!-- catalogue:end -->\n<!-- findings:start -->\n<!-- findings:end -->\n"
    once = readme.update(text, VERDICTS)
    assert readme.update(once, VERDICTS) == once and "old" not in once
    with pytest.raises(ValueError, match="README has no <!-- findings:start -->"):
        readme.update("<!-- catalogue:start -->\n<!-- catalogue:end -->", VERDICTS)


def test_a_quick_run_never_writes_the_published_verdicts(tmp_path, monkeypatch):
    numbers = tmp_path / "numbers.json"
    numbers.write_text(json.dumps({**VERDICTS, "build": {"quick": True}}))
    monkeypatch.setenv("TWEETERWOOD_HOME", str(tmp_path))
    from analysis import cli

    with pytest.raises(cli.UserError, match="quick run"):
        readme.main([str(numbers)])
    assert not (tmp_path / "results" / "verdicts.json").exists()


def test_findings_say_how_robust_each_verdict_is_when_the_curve_ran():
    numbers = {**VERDICTS, "verdict": {"robustness": {"C4a": {
        "robustness": "robust: every counted specification of the grid gives the same verdict", "same_count": 12,
        "counted_specifications": 12, "same_share": 1.0}}}}  # fmt: skip
    verdicts = readme.verdicts_from_numbers(numbers)
    assert verdicts["robustness"] == {"C4a": {"robustness": "robust: every counted specification of the grid gives the same verdict",
                                              "same_count": 12, "counted_specifications": 12}}  # fmt: skip
    block = readme.findings_block(verdicts)
    assert "adjusted p = 0.001; the same verdict in 12 of 12 counted specifications (robust)" in block
    assert "specifications" not in readme.findings_block(VERDICTS)  # an older file without the curve


def test_the_readme_speed_block_is_what_the_committed_benchmark_gives():
    bench = json.loads(readme.bench_path().read_text())
    assert "graphs" in bench, "results/bench_rewire.json is from the older benchmark: run make bench"
    text = (ROOT / "README.md").read_text()
    block = _block(text, "bench")
    assert block == readme.bench_block(bench)
    for g in bench["graphs"].values():  # the ratios quoted are the file's
        assert readme._speed(g) in block
        for row in g["time_to_mixed"].values():
            if row["speed_up"] is not None:
                assert f"{row['speed_up']:.1f} x" in block


def test_update_fills_the_bench_block_only_when_there_are_results():
    text = "<!-- catalogue:start -->\n<!-- catalogue:end -->\n<!-- bench:start -->\nkept\n<!-- bench:end -->\n"
    assert "kept" in readme.update(text, None, None)
    with pytest.raises(ValueError, match="README has no <!-- bench:start -->"):
        readme.update(
            "<!-- catalogue:start -->\n<!-- catalogue:end -->", None, json.loads(readme.bench_path().read_text())
        )


def test_the_readme_calibration_and_timings_are_the_committed_files():
    text = (ROOT / "README.md").read_text()
    calibration = json.loads(readme.calibration_path().read_text())
    assert _block(text, "calibration") == readme.calibration_block(calibration)
    assert _block(text, "timings") == readme.timings_block(json.loads(readme.timings_path().read_text()))
    rows = readme.calibration_rows(calibration)
    covered = {row["test"] for row in readme.coverage_rows(calibration) + readme.rule_rows(calibration)}  # sentences
    assert {row["test"].split(" (")[0] for row in rows} | covered == set(calibration["tests"])  # every entry shown
    for row in rows:
        assert row["p_value"] in ("one-sided", "two-sided") and (row["power"] is not None or row.get("size_only")), row


def test_the_calibration_block_names_each_size_outside_the_target_and_refuses_an_unknown_entry():
    entry = {"statements": ["C9"], "result": {"size": 0.12, "power": 0.9, "graphs": 50, "size_two_sided": 0.11,
                                              "power_two_sided": 0.8}}  # fmt: skip
    block = readme.calibration_block({"alpha": 0.05, "tests": {"toy": entry}})
    assert "| toy | C9 | two-sided | 11.0% (50) | 80.0% (50) |" in block and "outside 3-7%: toy C9." in block
    with pytest.raises(ValueError, match="shape"):
        readme.calibration_rows({"alpha": 0.05, "tests": {"odd": {"statements": [], "result": {"rate": 1}}}})


def test_the_timings_block_reads_each_mode_and_says_what_was_not_measured():
    quick = {"median_seconds": {"make -j1": 168.0, "make -j2": 93.7}, "seconds": {"make -j1": [168.0],
             "make -j2": [93.7]}, "cores": 2, "machine": "x86_64, 3.11.7"}  # fmt: skip
    block = readme.timings_block({"quick": quick})
    assert "| quick | 2.8 min | 94 s | 44% | 2 runs, 2 cores, x86_64, 3.11.7 |" in block
    assert "| published | not measured |" in block
    assert "test tiers" not in block
    tests = {"median_seconds": {"make test-fast": 41.0, "make test": 230.4, "make test-long": 250.0},
             "seconds": {"make test-fast": [41.0], "make test": [230.4], "make test-long": [250.0]}, "cores": 2,
             "machine": "x86_64, 3.11.7"}  # fmt: skip
    block = readme.timings_block({"quick": quick, "tests": tests})
    assert (
        "(1 run each, 2 cores" in block
        and "`make test-fast` 41 s, `make test` 3.8 min, `make test-long` 4.2 min." in block
    )
    assert "fit cache emptied first" not in block
    cold = {"median_seconds": {"make -j2": 590.0}, "seconds": {"make -j2": [590.0]}, "cores": 2,
            "machine": "x86_64, 3.11.7"}  # fmt: skip
    block = readme.timings_block({"quick": quick, "cold": cold})
    assert "With the fit cache emptied first" in block and "(every fit, ensemble and partition drawn again" in block
    assert "1 run, `python scripts/time_make.py --cold`): `make -j2` at the published settings 9.8 min." in block


def test_a_floored_tests_size_without_its_floor_is_said_beside_its_size():
    entry = {"statements": ["C2b-budget"], "result": {"statements": {"C2b-budget": {
        "size": 0.036, "size_graphs": 500, "power": 0.9, "power_graphs": 40, "size_without_floor": 0.07}},
        "settings": {"test": "two-sided"}}}  # fmt: skip
    block = readme.calibration_block({"alpha": 0.05, "tests": {"aware": entry}})
    assert "| aware | C2b-budget | two-sided | 3.6% (500) | 90.0% (40) |" in block
    assert "on the same datasets: aware C2b-budget 3.6% (without it 7.0%)." in block
    del entry["result"]["statements"]["C2b-budget"]["size_without_floor"]
    assert "without it" not in readme.calibration_block({"alpha": 0.05, "tests": {"aware": entry}})


def test_a_described_statements_calibration_says_why_it_is_not_tested():
    entry = {"statements": [], "result": {"statements": {"C5-shares": {
        "size": 0.133, "size_graphs": 300, "power": 0.35, "power_graphs": 40}}, "settings": {"test": "two-sided"}}}  # fmt: skip
    block = readme.calibration_block({"alpha": 0.05, "tests": {"design-aware C5-shares": entry}})
    assert "Sizes outside 3-7%: none." in block
    assert "Described, not tested, because a test would not hold its size" in block
    assert "C5-shares, 13.3% of 300 null graphs." in block


def test_a_size_only_entry_gives_a_row_per_spread_error_and_statement():
    sizes = {"size": 0.15, "size_graphs": 300, "size_interval": [0.11, 0.2]}
    entry = {"statements": ["C4a"], "result": {
        "spreads": {"0.5": {"clustered": {"C4a": sizes}, "dyadic": {"C4a": {**sizes, "size": 0.05}}}},
        "settings": {"test": "two-sided", "tastes": "signs"}}}  # fmt: skip
    block = readme.calibration_block({"alpha": 0.05, "tests": {"beyond": entry}})
    assert (
        "| beyond (amplitude 0.5, accounts credited resampled) | C4a | two-sided | 15.0% (300) | not measured |"
        in block
    )
    assert "| beyond (amplitude 0.5, dyadic-robust) | C4a | two-sided | 5.0% (300) | not measured |" in block
    assert "Sizes outside 3-7%: none." in block  # a misspecified null is not the test's own
    assert (
        "with its power in its own entry), sizes outside 3-7%: beyond (amplitude 0.5, accounts credited resampled) C4a 15.0%."
        in block
    )
    del entry["result"]["settings"]["tastes"]  # an entry made with lognormal odds factors is read by their log-s.d.
    assert "| beyond (log-s.d. 0.5, dyadic-robust) |" in readme.calibration_block(
        {"alpha": 0.05, "tests": {"beyond": entry}}
    )


def test_the_calibration_block_reads_an_interval_coverage_entry():
    entry = {"statements": ["C4b-community"], "result": {"coverage": 0.995, "observations": 200, "level": 0.95,
                                                          "se_ratio": 2.4, "se_ratios": [2.2, 3.8, float("nan")],
                                                          "coverage_population": 0.97}}  # fmt: skip
    calibration = {"alpha": 0.05, "tests": {"community interval": entry}}
    assert readme.calibration_rows(calibration) == []  # no size or power: not a row of the rates' table
    (row,) = readme.coverage_rows(calibration)
    assert (row["se_ratio_low"], row["se_ratio_high"], row["coverage_n"]) == (2.2, 3.8, 200)
    block = readme.calibration_block(calibration)
    assert "99.5% of 200 nominal 95% intervals" in block and "conservative" in block
    narrow = {**entry, "result": {**entry["result"], "coverage": 0.8, "se_ratio": 0.6, "se_ratios": [0.6]}}
    assert "under-covers" in readme.calibration_block({"alpha": 0.05, "tests": {"c": narrow}})
    assert readme.interval_coverage("C4b-community", calibration)["conservative"]
    assert not readme.interval_coverage("C4b-community", {"alpha": 0.05, "tests": {"c": narrow}})["conservative"]
    assert readme.interval_coverage("C4a", calibration) is None
    committed = readme.interval_coverage("C4b-community")  # the committed file has the entry 04 cites
    assert committed is not None and committed["test"] == "community interval"


def test_the_calibration_block_reads_the_whole_verdict_rule_entry():
    words = {"null": {"C4a": {"graphs": 300, "words": {"not supported": 0.99, "supported": 0.01}, "supported": 0.01}},
             "planted": {"C4a": {"graphs": 30, "words": {"supported": 1.0}, "supported": 1.0}},
             "small": {"C4a": {"graphs": 30, "words": {"negligible": 0.7, "not supported": 0.3}, "supported": 0.0}}}  # fmt: skip
    calibration = {"alpha": 0.05, "tests": {"verdict rule": {"statements": ["C4a"],
                                                               "result": {"test": "verdict rule", **words}}}}  # fmt: skip
    assert readme.calibration_rows(calibration) == []  # no size or power of one test: a sentence of its own
    (row,) = readme.rule_rows(calibration)
    assert (row["null"], row["planted"], row["small"], row["null_n"]) == (0.01, 1.0, 0.0, 300)
    assert "C4a 3 of 300 / not run / 30 of 30 / 0 of 30" in readme.calibration_block(calibration)
    held = {**words, "planted": {"C4a": {"graphs": 30, "words": {"negligible": 0.3, "supported": 0.7},
                                         "supported": 0.7}}}  # fmt: skip
    block = readme.calibration_block({"alpha": 0.05, "tests": {"verdict rule": {"statements": ["C4a"],
                                                                                 "result": {"test": "verdict rule", **held}}}})  # fmt: skip
    assert "*negligible* for C4a (30%)" in block and "sampling carries its estimate" not in block
    loose = {**words, "small": {"C4a": {"graphs": 30, "words": {"supported": 0.1}, "supported": 0.1}}}
    entry = {"statements": ["C4a"], "result": {"test": "verdict rule", **loose}}
    block = readme.calibration_block({"alpha": 0.05, "tests": {"verdict rule": entry}})
    assert "beyond the band: C4a (3 of 30)" in block
