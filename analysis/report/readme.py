"""The README's claim table and findings, written from the catalogue and the numbers.

Two blocks of ``README.md`` are generated, never typed: between
``<!-- catalogue:start -->`` and ``<!-- catalogue:end -->`` the claim catalogue's
table and verdict rule (:mod:`analysis.claims.catalogue`); between
``<!-- findings:start -->`` and ``<!-- findings:end -->`` the verdicts of the last
published run, read from the committed ``results/verdicts.json``, which a
published ``make`` (not a quick run, not a descriptor run) writes from
``reports/numbers.json``; between ``<!-- bench:start -->`` and ``<!-- bench:end -->``
the speed benchmark, read from the committed ``results/bench_rewire.json`` that
``make bench`` writes (:func:`bench_block`: every number and ratio quoted there);
between ``<!-- calibration:start -->`` and ``<!-- calibration:end -->`` the size and
power of every test (``results/calibration.json``, ``make calibrate``); between
``<!-- timings:start -->`` and ``<!-- timings:end -->`` the build times
(``results/make_timings.json``, ``scripts/time_make.py``).

``python -m analysis.report.readme [NUMBERS_JSON]``: with a path, first write
``results/verdicts.json`` from it (refusing a quick run's numbers); then rewrite
every README block.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

from .. import cli, files, paths
from ..claims import catalogue

__all__ = [
    "BLOCKS",
    "catalogue_block",
    "findings_block",
    "bench_block",
    "bench_path",
    "calibration_block",
    "calibration_path",
    "calibration_rows",
    "coverage_rows",
    "rule_rows",
    "interval_coverage",
    "design_community_calibration",
    "timings_block",
    "timings_path",
    "verdicts_from_numbers",
    "verdicts_path",
    "update",
    "main",
]

BLOCKS = ("catalogue", "findings", "bench", "calibration", "timings")


def verdicts_path() -> Path:
    """The committed verdicts of the last published run."""
    return paths.results_dir() / "verdicts.json"


def bench_path() -> Path:
    """The committed results of the last ``make bench``."""
    return paths.results_dir() / "bench_rewire.json"


def calibration_path() -> Path:
    """The committed results of ``make calibrate``."""
    return paths.results_dir() / "calibration.json"


def timings_path() -> Path:
    """The committed timings of ``scripts/time_make.py``."""
    return paths.results_dir() / "make_timings.json"


def catalogue_block() -> str:
    """The claim table and the verdict rule, from the catalogue."""
    return (
        catalogue.markdown_table()
        + "\n\n**Verdict rule** (in the catalogue, with its history): "
        + (catalogue.VERDICT_RULE)
    )


def verdicts_from_numbers(numbers: dict) -> dict:
    """The part of a ``numbers.json`` the README quotes: each claim's verdict and parts, each
    statement's effect, interval, adjusted p-value and verdict, and where they came from."""
    keep = ("id", "claim", "role", "kind", "effect", "ci_low", "ci_high", "p_value", "verdict", "statistic",
            "observed", "reading")  # fmt: skip
    robust = numbers.get("verdict", {}).get("robustness", {})
    return {
        "claims": [{k: c[k] for k in ("claim", "short", "verdict", "parts")} for c in numbers["claims"]],
        "statements": [{k: s.get(k) for k in keep} for s in numbers["statements"]],
        "robustness": {
            sid: {k: r[k] for k in ("robustness", "same_count", "counted_specifications")} for sid, r in robust.items()
        },
        "build": numbers.get("build", {}),
    }


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def findings_block(verdicts: dict) -> str:
    """The README's findings: one line a claim with its verdict and parts, then each tested
    statement's effect, interval and adjusted p-value (a descriptive statement: the
    notebook's reading of it, else what it measured with its interval), and the commit
    they came from."""
    lines = []
    robust = verdicts.get("robustness", {})
    for claim in verdicts["claims"]:
        lines.append(f"- **{claim['claim']} {claim['short']}: {claim['verdict']}** ({claim['parts']})")
        for s in verdicts["statements"]:
            if s["claim"] != claim["claim"]:
                continue
            role = "" if s["role"] == "headline" else ", secondary"
            if s["kind"] == "test":
                r = robust.get(s["id"])
                spread = (f"; the same verdict in {r['same_count']} of {r['counted_specifications']} counted "
                          f"specifications ({r['robustness'].split(':')[0]})" if r and r["counted_specifications"] else "")  # fmt: skip
                lines.append(
                    f"  - {s['id']}{role}: {s['verdict']}, effect {_number(s['effect'])} "
                    f"({_number(s['ci_low'])} to {_number(s['ci_high'])}), adjusted p = {_number(s['p_value'])}{spread}"
                )
            else:
                words = catalogue.described(s.get("statistic") or "", s.get("observed"), s.get("ci_low"),
                                            s.get("ci_high"), s.get("reading"))  # fmt: skip
                lines.append(f"  - {s['id']}{role}: {s['verdict']}" + (f", {words}" if words else ""))
    build = verdicts.get("build", {})
    commits = sorted(set((build.get("notebook_commits") or {}).values()))
    if len(commits) > 1:  # notebooks executed at different commits: say which, not a truncated "several"
        commit = "s " + ", ".join(c[:10] for c in commits)
    else:
        commit = " " + (commits[0] if commits else build.get("commit") or "unknown")[:10]
    lines.append("")
    lines.append(f"From `results/verdicts.json` (published settings, commit{commit}; `make` rewrites it).")
    return "\n".join(lines)


_PEERS = {
    "edge_switching": "NetworKit EdgeSwitching",
    "global_curveball": "NetworKit GlobalCurveball",
    "igraph": "igraph rewire",
}
_STATISTICS = {
    "closure": "elite closure (C4a)",
    "to_regular": "elite follows to regular accounts (C2a)",
    "returned_by_elite": "regular follows of the elite returned (C2b)",
    "mutual_in_elite": "follows inside the elite returned (C5's statistic, degree null)",
}


def _s(seconds: float) -> str:
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def _m(value: float) -> str:
    return f"{value / 1e6:.1f} M"


def _gb(value: float) -> str:
    return f"{value / 1e9:.1f} GB"


def _speed(g: dict) -> str:
    text = "none" if g["speed_up_min"] is None else f"{g['speed_up_min']:.1f} x"
    if g.get("ours_not_mixed"):
        text += f", and ours is not mixed on {len(g['ours_not_mixed'])} of {len(g['time_to_mixed'])} statistics"
    return text


def _time_cell(entry: dict) -> str:
    t = entry["seconds"]
    at = f"{entry['length']:.3g}"
    cell = f"{_s(t['median'])} s ({_s(t['min'])}-{_s(t['max'])}) at {at}"
    return cell if entry["mixed"] else f"> {cell}, not mixed"


def _definition(settings: dict) -> str:
    longest = settings["grids"]["ours"][1]
    return (
        f"the time to a mixed sample is the median wall time of one sample ({settings['repeats']} runs, the chains "
        f"in alternating order) of the chain's mixed length: the first checkpoint "
        f"(each {settings['checkpoint_ratio']:.3g} times the last) at which the "
        f"mean of {settings['chains']} chains from the observed graph is within one standard error of the null's "
        f"long-run value and stays within for {settings['stay']} more checkpoints; the long-run value is the mean "
        f"of {settings['reference_chains']} separate chains of ours over {longest / 2:g} to {longest:g} accepted "
        f"switches per edge, and the standard error is that of the difference of the two means, "
        f"sd x sqrt(1/{settings['chains']} + 1/{settings['reference_chains']}) with sd their standard deviation "
        "across chains"
    )


def _loads(bench: dict) -> str:
    loads = [
        run["load"]
        for g in bench["graphs"].values()
        for chain in g["timings"].values()
        for length in chain
        for run in length["runs"]
    ]
    return f"{min(loads):.1f} to {max(loads):.1f}" if loads else "not recorded"


def bench_block(bench: dict) -> str:
    """The README's speed section, from ``results/bench_rewire.json``."""
    lines = [
        f"From `results/bench_rewire.json` (`make bench`, {bench['seconds'] / 60:.0f} minutes, {bench['machine']}; "
        f"one-minute load average {_loads(bench)} during the timed samples, each of which the file keeps with its "
        "load). "
        f"Definition: {_definition(bench['settings'])}. Lengths are in each chain's own unit (ours: accepted switches per edge; "
        "EdgeSwitching: switches per edge; GlobalCurveball: global trade rounds; igraph: trials per edge); every "
        "chain runs on one thread (an ensemble runs one chain per core).",
        "",
    ]
    for g in bench["graphs"].values():
        elites = ", ".join(f"{e} ({k:,} accounts)" for e, k in g["elites"].items())
        lines.append(f"**{g['title']}**, {g['nodes']:,} accounts, {g['edges']:,} follows; elites {elites}:")
        lines.append("")
        lines.append(
            "| elite / statistic | ours | " + " | ".join(_PEERS.values()) + " | speed-up on the fastest peer |"
        )
        lines.append("| --- | --- | " + " | ".join("---" for _ in _PEERS) + " | --- |")
        for key, row in g["time_to_mixed"].items():
            elite, stat = key.split("/")
            bound = "at least " if row["speed_up_is_lower_bound"] else ""
            speed = "none: ours not mixed" if row["speed_up"] is None else f"{bound}{row['speed_up']:.1f} x"
            lines.append(
                f"| {elite}: {_STATISTICS[stat]} | {_time_cell(row['ours'])} | "
                + " | ".join(_time_cell(row[p]) for p in _PEERS)
                + f" | {speed} ({_PEERS[row['fastest_peer']]}) |"
            )
        r = g["rates"]
        share = r["ours_share_of_ceiling_paired"]
        lines.append("")
        lines.append(
            f"Smallest speed-up on this graph: {_speed(g)} (goal: 5 x on every statistic). Raw rates ({len(r['runs'])} "
            f"paired runs): our kernel {_m(r['ours_attempts_per_second']['median'])} switch attempts/s in place "
            f"({_m(r['ours_attempts_per_second']['min'])} to {_m(r['ours_attempts_per_second']['max'])}; "
            f"{r['ours_accepted_share']:.0%} accepted), igraph {_m(r['igraph_trials_per_second']['median'])} trials/s, "
            f"{r['ours_over_igraph_paired']['median']:.1f} x paired ({r['ours_over_igraph_paired']['min']:.1f} to "
            f"{r['ours_over_igraph_paired']['max']:.1f}). Random-access floor into "
            f"{r['working_set_bytes']['total'] / 1e6:.0f} MB (the edge array and hash table): "
            f"{_m(r['floor_loads_per_second']['median'])} independent loads/s, a ceiling of "
            f"{_m(r['ceiling_switch_attempts_per_second']['median'])} switch attempts/s at "
            f"{bench_loads_per_switch(bench)} random loads each; the kernel runs at {share['median']:.0%} of it "
            f"({share['min']:.0%} to {share['max']:.0%}; goal: within 1.5 x, i.e. at least 67%)."
        )
        if "networkx" in r:
            nx = r["networkx"]
            lines.append(
                f"networkx's `directed_edge_swap`: {nx['tries_per_second']:,.0f} tries/s and "
                f"{nx['swaps_per_second']:,.0f} accepted swaps/s ({nx['swaps_timed']:,} swaps timed)."
            )
        lines.append("")
    f = bench["full_graph"]
    b = f["bytes"]
    lines.append(
        f"**The complete 2009 graph on paper** ({f['nodes']:,} accounts, {f['edges']:,} follows), with the current "
        f"kernel: its edge array takes {_gb(b['edges'])} and its hash table {_gb(b['table'])} "
        f"({f['bytes_per_edge']:.0f} bytes per follow), {_gb(b['total'])} per running chain plus the same again for the "
        f"prepared copy an ensemble shares. A sample needs {f['switches_per_edge']:.3g} accepted switches per follow "
        f"(the longest mixed length above, assumed to carry over per follow) at "
        f"{_m(f['accepted_switches_per_second_assumed'])} accepted switches/s (the rate measured on the largest graph "
        f"here, times {min(1.0, f['floor_ratio_large_over_measured']):.2f}, the random-access floor on a "
        f"{_gb(f['large_array_bytes'])} array over the floor on that graph's working set; a larger table misses the "
        f"caches and TLB more, so this is optimistic): {f['seconds_per_sample'] / 60:.0f} minutes a sample, "
        f"{f['samples_per_worker_hour']:.2f} samples per worker-hour, so {f['workers_for_100_in_an_hour']} workers "
        f"(one core and {_gb(b['total'])} each) for a 100-sample ensemble in an hour. The soft-constraint nulls "
        "(`analysis/nulls/maxent.py`: DBCM for null 1, RBCM for null 2) remove the need for every share statistic "
        "above (closure, C2a, C2b, C5): their expectations and standard deviations are sums over classes of accounts "
        "with the same degrees, with no sample drawn; rewiring stays needed for the statistics without such a form "
        "(the elite's Louvain communities, C4b; clustering and rich-club) and as the hard-constraint check."
    )
    return "\n".join(lines)


def _rate(value, n) -> str:
    if value is None:
        return "not measured"
    return f"{value:.1%}" + (f" ({n:,})" if n else "")


def _two_sided(block: dict, key: str):
    """``block[key + "_two_sided"]`` when it was recorded, else ``block[key]``; and which it is."""
    if f"{key}_two_sided" in block:
        return block[f"{key}_two_sided"], "two-sided"
    return block.get(key), "one-sided"


def _unfloored(found: dict) -> dict:
    """``size_without_floor`` of a statement whose error has a variance floor, if recorded."""
    if "size_without_floor" not in found:
        return {}
    return {"size_without_floor": found["size_without_floor"],
            "size_without_floor_n": found.get("size_without_floor_graphs", found["size_graphs"])}  # fmt: skip


def calibration_rows(calibration: dict) -> list[dict]:
    """One row per calibrated test and statement of ``results/calibration.json``: ``test``,
    ``statements``, ``p_value`` (which p-value the rates are for: two-sided, the one the
    verdicts use, wherever it was recorded), ``size`` and ``power`` (rates at the file's
    alpha) with the number of datasets each (None when not recorded); ``size_without_floor``
    for a test whose standard error has a variance floor, its size with the resampling's
    error alone, and ``size_without_floor_n`` the datasets it is over (those whose floor
    was computed; when recorded); ``size_only`` on
    the rows of an entry that measures sizes only (the tests' size when the null is
    misspecified: their power is their own entry's). Raises on an entry of a shape it
    does not know, so that a new entry is shown or the test fails."""
    rows = []
    for name, entry in calibration["tests"].items():
        r, statements = entry["result"], list(entry["statements"]) or [name]
        if "spreads" in r:  # design-aware beyond the model: per spread, error and statement, sizes only
            errors = {"clustered": "accounts credited resampled", "dyadic": "dyadic-robust"}
            scale = "amplitude" if r["settings"].get("tastes") else "log-s.d."  # lognormal odds factors before
            for spread, by_error in r["spreads"].items():
                for error, by_statement in by_error.items():
                    for sid, found in by_statement.items():
                        rows.append({"test": f"{name} ({scale} {float(spread):g}, {errors[error]})",
                                     "statements": [sid], "p_value": r["settings"]["test"], "size": found["size"],
                                     "size_n": found["size_graphs"], "power": None, "power_n": None,
                                     "size_only": True, **_unfloored(found)})  # fmt: skip
        elif isinstance(r.get("size"), dict) and "design-aware" in r["size"]:  # design-aware C4b-community
            for which, label, sided in (("design-aware", "design-aware null, jackknife error", "two-sided"),
                                        ("design-aware, the null's spread", "design-aware null, its own spread",
                                         "two-sided"),
                                        ("union rewiring", "union rewiring null", "one-sided")):  # fmt: skip
                if which not in r["size"]:
                    continue
                size, power = r["size"][which], r["power"][which]
                rows.append({"test": f"{name} ({label})", "statements": statements, "p_value": sided,
                             "size": size["rate"], "size_n": size["datasets"], "power": power["rate"],
                             "power_n": power["datasets"]})  # fmt: skip
        elif "statements" in r:  # design-aware: per statement, with intervals
            sided = r["settings"]["test"]
            for sid, found in r["statements"].items():  # a power-only entry has no size
                rows.append({"test": name, "statements": [sid], "p_value": sided, "size": found.get("size"),
                             "size_n": found.get("size_graphs"), "power": found["power"],
                             "power_n": found["power_graphs"], **_unfloored(found)})  # fmt: skip
        elif isinstance(r.get("size"), dict) and "rejection_rate" in r["size"]:  # elite closure
            size, sided = _two_sided(r["size"], "rejection_rate")
            power, _ = _two_sided(r["power"], "rejection_rate")
            rows.append({"test": name, "statements": statements, "p_value": sided, "size": size,
                         "size_n": r["size"]["graphs"], "power": power, "power_n": r["power"]["graphs"]})  # fmt: skip
        elif isinstance(r.get("size"), dict):  # follow-back: a rate per statement
            for sid in r["size"]:
                sized = r.get("size_two_sided", r["size"])
                powered = r.get("power_two_sided", r["power"])
                rows.append({"test": name, "statements": [sid],
                             "p_value": "two-sided" if "size_two_sided" in r else "one-sided",
                             "size": sized[sid], "size_n": r.get("testable", {}).get(sid, r.get("graphs")),
                             "power": powered[sid], "power_n": r.get("power_testable", {}).get(sid, r.get("graphs"))})  # fmt: skip
        elif "size" in r:  # community, in-leak
            size, sided = _two_sided(r, "size")
            power, _ = _two_sided(r, "power")
            rows.append({"test": name, "statements": statements, "p_value": sided, "size": size, "size_n": r["graphs"],
                         "power": power, "power_n": r["graphs"]})  # fmt: skip
            for key in sorted(k for k in r if k.startswith("size_two_sided_")):  # another p-value, same samples
                other = key.removeprefix("size_two_sided_")
                rows.append({"test": f"{name} ({other} reference)", "statements": statements, "p_value": "two-sided",
                             "size": r[key], "size_n": r["graphs"], "power": r.get(f"power_two_sided_{other}"),
                             "power_n": r["graphs"]})  # fmt: skip
        elif "coverage" in r or r.get("test") == "verdict rule":  # not a test's rates: a sentence of their own
            continue
        elif "power" in r:  # a power-only entry
            rows.append({"test": name, "statements": statements, "p_value": r["settings"]["test"], "size": None,
                         "size_n": None, "power": r["power"], "power_n": r["power_graphs"]})  # fmt: skip
        elif (claims := {k: v for k, v in r.items() if k.startswith("C")}) and all(
            isinstance(v, dict) and "size" in v for v in claims.values()
        ):  # profile tests: one block per claim
            for claim, found in claims.items():
                size, sided = _two_sided(found["size"], "rejection_rate")
                power, _ = _two_sided(found["power"], "rejection_rate")
                named = [sid for sid in statements if sid.split("-")[0] == claim]
                rows.append({"test": name, "statements": named, "p_value": sided, "size": size,
                             "size_n": r.get("tables"), "power": power, "power_n": r.get("tables")})  # fmt: skip
        else:
            raise ValueError(f"calibration entry {name!r} has a shape the README block does not know")
    return rows


def coverage_rows(calibration: dict) -> list[dict]:
    """One row per interval calibration of ``results/calibration.json`` (an entry whose
    result has a ``coverage``): ``test``, ``statements``, ``level``, ``coverage`` and the
    number of intervals (``coverage_n``), ``se_ratio`` (the interval's standard error over
    the effect's spread across samples; ``se_ratio_low``, ``se_ratio_high``: its range
    over the populations), ``coverage_population`` (of the complete latent graph's
    statistic), ``populations`` and ``union_share`` (the share of accounts the sampled
    networks held), None where not recorded."""
    rows = []
    for name, entry in calibration["tests"].items():
        r = entry["result"]
        if "coverage" not in r:
            continue
        ratios = [x for x in r.get("se_ratios", []) if x is not None and math.isfinite(x)]
        rows.append({"test": name, "statements": list(entry["statements"]) or [name], "level": r["level"],
                     "coverage": r["coverage"], "coverage_n": r["observations"], "se_ratio": r["se_ratio"],
                     "se_ratio_low": min(ratios) if ratios else None, "se_ratio_high": max(ratios) if ratios else None,
                     "coverage_population": r.get("coverage_population"), "populations": r.get("populations"),
                     "union_share": r.get("union_share")})  # fmt: skip
    return rows


def rule_rows(calibration: dict) -> list[dict]:
    """One row per statement of the whole verdict rule's calibration (the entry whose
    result's ``test`` is ``"verdict rule"``): ``statement`` and, for each kind of graph
    (``null``: no class effect; ``beyond``: none, with tastes beyond the null model;
    ``planted``: the effect planted; ``small``: a small effect planted, inside the
    practical band), the share called *supported* and the graphs (0 where not run)."""
    rows = []
    for name, entry in calibration["tests"].items():
        r = entry["result"]
        if r.get("test") != "verdict rule":
            continue
        for sid in r["null"]:
            row = {"test": name, "statement": sid}
            for kind in ("null", "beyond", "planted", "small", "null_dyadic", "beyond_dyadic"):
                found = r.get(kind, {}).get(sid, {})
                row[kind] = found.get("supported") if found.get("graphs") else None
                row[f"{kind}_n"] = found.get("graphs", 0)
                row[f"{kind}_words"] = found.get("words", {})
            rows.append(row)
    return rows


def interval_coverage(statement_id: str, calibration: dict | None = None) -> dict | None:
    """The :func:`coverage_rows` row of ``statement_id``'s sampling interval, from
    ``calibration`` (default: the committed ``results/calibration.json``), with
    ``conservative``: its standard error above the sampling spread by more than a quarter
    while it covers at least its level (then it can hold a verdict back at *not supported*,
    never make one). None when the interval has no calibration."""
    if calibration is None:
        if not calibration_path().exists():
            return None
        calibration = json.loads(calibration_path().read_text())
    row = next((r for r in coverage_rows(calibration) if statement_id in r["statements"]), None)
    return None if row is None else {**row, "conservative": _conservative(row)}


def design_community_calibration(calibration: dict | None = None) -> dict | None:
    """The rates of the entry ``design-aware C4b-community`` of ``calibration`` (default:
    the committed ``results/calibration.json``), for 04's prose: ``size_design``,
    ``size_rewiring``, ``size_spread`` and the three ``power_`` (the design-aware null's
    two-sided test, the union graph's rewiring null's one-sided one, the design-aware
    samples with their own spread as the error), each the rate, its number of datasets
    and the mean effect (None where not recorded); None when the entry is absent."""
    if calibration is None:
        if not calibration_path().exists():
            return None
        calibration = json.loads(calibration_path().read_text())
    entry = calibration["tests"].get("design-aware C4b-community")
    if entry is None:
        return None
    r = entry["result"]
    return {"test": "design-aware C4b-community", "alpha": r["alpha"], "egos": r["settings"]["egos"],
            "accounts": r["settings"]["n"],
            **{f"{kind}_{short}": {k: r[kind][which][k] for k in ("rate", "datasets", "mean_effect")}
               for kind in ("size", "power") for which, short in (("design-aware", "design"),
                                                                  ("union rewiring", "rewiring"))},
            **{f"{kind}_spread": {k: r[kind].get("design-aware, the null's spread", {}).get(k)
                                  for k in ("rate", "datasets", "mean_effect")} for kind in ("size", "power")}}  # fmt: skip


def _conservative(row: dict) -> bool:
    """An interval whose standard error exceeds the sampling spread by more than a quarter
    while it covers at least its level."""
    return bool(row["se_ratio"] > 1.25 and row["coverage"] >= row["level"])


_KINDS = {s.id: s.kind for s in catalogue.STATEMENTS}


def calibration_block(calibration: dict) -> str:
    """The README's calibration table, from ``results/calibration.json``."""
    alpha = calibration["alpha"]
    lines = [
        f"Size (the rejection rate at alpha {alpha:g} on data drawn from the test's own null, or for a size-only "
        "entry from the misspecified null it names; the target is 3-7%) "
        "and power (on data with a planted effect, rejections in the predicted direction) of every test, with the "
        "number of datasets; from `results/calibration.json` (`make calibrate`, which records each entry's "
        "settings, seed and time). The verdicts use two-sided p-values; *one-sided* marks an entry whose two-sided "
        "rates were not recorded.",
        "",
        "| test | statements | p-value | size | power |",
        "|---|---|---|---|---|",
    ]
    for row in calibration_rows(calibration):
        lines.append(f"| {row['test']} | {', '.join(row['statements'])} | {row['p_value']} | "
                     f"{_rate(row['size'], row['size_n'])} | {_rate(row['power'], row['power_n'])} |")  # fmt: skip
    rows = calibration_rows(calibration)

    def described(row) -> bool:  # a calibration of a statement that is described, not tested
        return bool(row["statements"]) and all(
            sid in _KINDS and _KINDS[sid] != "test" for sid in row["statements"]
        )  # fmt: skip

    outside = [f"{row['test']} {', '.join(row['statements'])}" for row in rows
               if row["size"] is not None and not 0.03 <= row["size"] <= 0.07 and not described(row)
               and not row.get("size_only")]  # fmt: skip
    lines += ["", "Sizes outside 3-7%: " + ("; ".join(outside) + "." if outside else "none.")]
    beyond = [f"{row['test']} {', '.join(row['statements'])} {row['size']:.1%}" for row in rows
              if row.get("size_only") and row["size"] is not None and not 0.03 <= row["size"] <= 0.07]  # fmt: skip
    if beyond:
        lines.append("In the size-only entries (data drawn from a null the test was not built for; at amplitude or "
                     "log-s.d. 0, its own null, with its power in its own entry), sizes outside 3-7%: "
                     + "; ".join(beyond) + ".")  # fmt: skip
    floored = [f"{row['test']} {', '.join(row['statements'])} {row['size']:.1%} (without it {row['size_without_floor']:.1%}"
               + ("" if row["size_without_floor_n"] == row["size_n"] else f", on the {row['size_without_floor_n']} "
                  "graphs whose floor was computed") + ")"
               for row in rows if row.get("size_without_floor") is not None]  # fmt: skip
    if floored:
        lines.append("A test whose standard error is the larger of the resampling's and a variance floor (the "
                     "spread its fitted null itself implies, `analysis.claims.design.budget_variance`) has its size "
                     "with the floor above and without it, on the same datasets: " + "; ".join(floored) + ".")  # fmt: skip
    for row in coverage_rows(calibration):
        ratio = f"{row['se_ratio']:.2g} times"
        if row["se_ratio_low"] is not None and row["se_ratio_high"] is not None:
            ratio += f" (from {row['se_ratio_low']:.2g} to {row['se_ratio_high']:.2g} over the graphs)"
        reading = ("wider than the sampling spread: conservative" if _conservative(row)
                   else "narrower than the sampling spread: it under-covers" if row["coverage"] < row["level"] - 0.02
                   else "about the sampling spread")  # fmt: skip
        design = ""
        if row["populations"] and row["union_share"] is not None:
            design = (
                f", on one synthetic design ({row['populations']} latent graphs, the sampled networks holding "
                f"{row['union_share']:.0%} of their accounts)"
            )
        whole = ("" if row["coverage_population"] is None else f" ({row['coverage_population']:.1%} cover the complete "
                 "latent graph's statistic, which the interval does not claim)")  # fmt: skip
        lines.append(f"Coverage of the sampling interval of {', '.join(row['statements'])} ({row['test']}){design}: "
                     f"{row['coverage']:.1%} of {row['coverage_n']} nominal {row['level']:.0%} intervals cover the "
                     f"effect's mean over samples of the same graph{whole}; their standard error is {ratio} the "
                     f"effect's spread across samples, {reading}.")  # fmt: skip
    rule = [r for r in rule_rows(calibration) if r["null_n"]]
    if rule:

        def share(r, kind):
            if r[kind] is None:
                return "not run"
            return f"{round(r[kind] * r[f'{kind}_n'])} of {r[f'{kind}_n']}"

        lines.append("The whole verdict rule (band, sampling interval and BH-adjusted significance together; entry "
                     f"'{rule[0]['test']}'), the graphs on which each design-aware graph statement is called "
                     "*supported*, with no class effect / with none but accounts' tastes beyond the null model / with "
                     "its effect planted / with a small effect inside the band planted: "
                     + "; ".join(f"{r['statement']} {share(r, 'null')} / {share(r, 'beyond')} / {share(r, 'planted')} / "
                                 f"{share(r, 'small')}" for r in rule) + ".")  # fmt: skip
        held = [f"{r['statement']} ({r['planted_words'].get(catalogue.NEGLIGIBLE, 0):.0%})" for r in rule
                if r["planted_words"].get(catalogue.NEGLIGIBLE, 0) >= 0.2]  # fmt: skip
        dyadic = [r for r in rule if r["beyond_dyadic"] is not None]
        if dyadic:
            lines.append("With the dyadic-robust error in place of the verdicts' (the verdict page's sensitivity), on the "
                         "same graphs with no class effect / with tastes beyond the null model: "
                         + "; ".join(f"{r['statement']} {share(r, 'null_dyadic')} / {share(r, 'beyond_dyadic')}"
                                     for r in dyadic) + ".")  # fmt: skip
        loose = [f"{r['statement']} ({round(r['small'] * r['small_n'])} of {r['small_n']})" for r in rule
                 if r["small"] is not None and r["small"] > 0.05]  # fmt: skip
        if loose:
            lines.append("The rule reads the effect's point estimate against the band, so a small effect planted inside "
                         "it is called *supported* when sampling carries its estimate beyond the band: "
                         + ", ".join(loose) + ".")  # fmt: skip
        if held:
            lines.append("With the effect planted, the rule calls a fifth or more of the graphs *negligible* for "
                         + ", ".join(held) + ": there the plant moves the statistic to near the practical band, so "
                         "the rule's power is below the test's.")  # fmt: skip
    kept_out = [f"{', '.join(row['statements'])}, {row['size']:.1%} of {row['size_n']} null graphs" for row in rows
                if described(row) and row["size"] is not None]  # fmt: skip
    if kept_out:
        lines.append("Described, not tested, because a test would not hold its size (two-sided rejections on data "
                     "drawn from the null): " + "; ".join(kept_out) + ".")  # fmt: skip
    return "\n".join(lines)


def _duration(seconds) -> str:
    if not seconds:
        return "not measured"
    return f"{seconds / 60:.1f} min" if seconds >= 120 else f"{seconds:.0f} s"


def timings_block(timings: dict) -> str:
    """The README's build timings, from ``results/make_timings.json`` (one entry per mode)."""
    lines = ["| mode | make -j1 | make -j2 | saving | measured |", "|---|---|---|---|---|"]
    for mode in ("published", "quick"):
        t = timings.get(mode)
        if t is None:
            lines.append(f"| {mode} | not measured | | | |")
            continue
        med = t["median_seconds"]
        one, two = med.get("make -j1"), med.get("make -j2")
        saving = f"{1 - two / one:.0%}" if one and two else ""
        runs = sum(len(v) for v in t["seconds"].values())
        counted = f"{runs} run" + ("" if runs == 1 else "s")
        lines.append(
            f"| {mode} | {_duration(one)} | {_duration(two)} | {saving} | {counted}, {t['cores']} cores, {t['machine']} |"
        )
    notebooks = (timings.get("published") or {}).get("notebooks")
    if notebooks:
        slow = ", ".join(f"{name} {_duration(seconds)}" for name, seconds in notebooks.items())
        lines += [
            "",
            f"Notebook by notebook at the published settings ({timings['published']['notebooks_run']}): {slow}.",
        ]
    cold = timings.get("cold")
    if cold:
        runs = sum(len(v) for v in cold["seconds"].values())
        lines += ["", f"With the fit cache emptied first (every fit, ensemble and partition drawn again, as after a change "
                      f"to the code they depend on; {runs} run{'' if runs == 1 else 's'}, `python scripts/time_make.py "
                      f"--cold`): `make -j2` at the published settings {_duration(cold['median_seconds']['make -j2'])}."]  # fmt: skip
    tests = timings.get("tests")
    if tests:
        med = tests["median_seconds"]
        runs = min(len(v) for v in tests["seconds"].values())
        said = ", ".join(f"`{name}` {_duration(seconds)}" for name, seconds in med.items())
        lines += ["", f"The test tiers, one at a time ({runs} run{'' if runs == 1 else 's'} each, {tests['cores']} cores, "
                      f"{tests['machine']}, warm fit cache, `python scripts/time_make.py --tests`): {said}."]  # fmt: skip
    lines += [
        "",
        "Each run starts with the data fetched, the tables built and the fit cache warm, and the executed "
        "notebooks and reports removed (`python scripts/time_make.py`). The fit cache holds the "
        "maximum-entropy fits, the mixing diagnostic, the ensembles 03 and 04 share and the Louvain "
        "partitions 04 and 05 share (of the union DBCM's graphs, of the design-aware null's and of the "
        "community jackknife), each under a digest of the code and inputs it depends on: a build after a "
        "change to that code draws them again, and takes longer. `make` runs every notebook but the longest "
        "(05) under `nice -n 10` (`NICE=` turns it off), so that under `-j2` the others take the cycles 05 "
        "leaves rather than half of its share.",
    ]
    return "\n".join(lines)


def bench_loads_per_switch(bench: dict) -> int:
    return int(bench.get("settings", {}).get("loads_per_switch", 6))


def update(text: str, verdicts: dict | None, bench: dict | None = None, calibration: dict | None = None,
           timings: dict | None = None) -> str:  # fmt: skip
    """``text`` (the README) with the generated blocks replaced; the findings, bench,
    calibration and timings blocks are left as they are when there are no results yet."""
    blocks = {"catalogue": catalogue_block()}
    if verdicts is not None:
        blocks["findings"] = findings_block(verdicts)
    if bench is not None:
        blocks["bench"] = bench_block(bench)
    if calibration is not None:
        blocks["calibration"] = calibration_block(calibration)
    if timings is not None:
        blocks["timings"] = timings_block(timings)
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no <!-- {name}:start --> ... <!-- {name}:end --> block")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        numbers = json.loads(Path(args[0]).read_text())
        if numbers.get("build", {}).get("quick"):
            raise cli.UserError("these numbers come from a quick run; the README quotes only published runs")
        files.write_json(verdicts_path(), verdicts_from_numbers(numbers))
        print(f"wrote {verdicts_path()}")
    verdicts = json.loads(verdicts_path().read_text()) if verdicts_path().exists() else None
    bench = json.loads(bench_path().read_text()) if bench_path().exists() else None
    if bench is not None and "graphs" not in bench:
        bench = None  # results of the older benchmark, without time to a mixed sample
    calibration = json.loads(calibration_path().read_text()) if calibration_path().exists() else None
    timings = json.loads(timings_path().read_text()) if timings_path().exists() else None
    readme = paths.project_root() / "README.md"
    files.write_text(readme, update(readme.read_text(encoding="utf-8"), verdicts, bench, calibration, timings))
    print(f"updated {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
