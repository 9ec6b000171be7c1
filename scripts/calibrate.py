"""Size and power of every claim test; writes results/calibration.json.

Usage: python scripts/calibrate.py [--only NAME ...] [--seed 2009]

Each entry below calibrates one test of the claim catalogue (the statements it
serves are listed): its rejection rate at alpha = 0.05 on data drawn from the
test's own null (the size: should be 3-7%) and on data with a planted effect (the
power), with the settings. ``--only`` re-runs the named entries and keeps the
others as they are in the file (each entry records its own seed, settings and
time).
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from analysis import files, paths
from analysis.claims import broadcasters, calibration, design, follow_back, gated


def _closure(rng) -> dict:
    size = calibration.null_rejection_rate(1000, 199, rng, n=120, m=700, elite_size=12, switches_per_edge=10)
    power = calibration.power(300, 199, rng, factor=3.0, n=120, m=700, elite_size=12, switches_per_edge=10)
    return {"size": size, "power": power}


CALIBRATIONS = {
    "elite closure": {
        "statements": ["C4a"],
        "description": "Elite-closure test (share of the elite's follows to the elite) against directed "
        "degree-preserving rewiring. Size: graphs drawn from the null (heavy-tailed Chung-Lu base, rewired "
        "10 x E). Power: planted elite block at 3x the density the degrees imply (degree-corrected two-block "
        "SBM). Elite = top 12 by followers.",
        "run": _closure,
    },
    "in-leak": {
        "statements": [],
        "description": "In-leak test (share of follows into the elite from outside), degree null; reported "
        "beside C4a (the same count of elite follows under this null).",
        "run": lambda rng: gated.calibrate_inflow(rng, 1000, 99),
    },
    "community": {
        "statements": ["C4b-community"],
        "description": "Effective number of Louvain communities among the elite, degree null, 199 null samples as "
        "in the published 04 (500 graphs from the null, 500 planted); the rank p-value and, from the same "
        "ensembles, the normal-approximation p-value (z against the ensemble's mean and standard deviation, no floor).",
        "run": lambda rng: gated.calibrate_community(rng, 500, 199),
    },
    "community interval": {
        "statements": ["C4b-community"],
        "description": "Coverage of C4b-community's sampling interval (the grouped jackknife over ego networks, 20 "
        "groups, Louvain re-run in each, as in the published 04): 5 latent graphs of 5,000 accounts in 5 planted "
        "communities (follows inside one 4 times likelier, 40 per account, the 30 most followed as the elite), each "
        "observed 40 times through 80 random ego networks; the share of nominal 95% intervals covering the "
        "statistic's mean over the other samples of the same graph, the jackknife's standard error over the "
        "statistic's spread across samples, and the share covering the complete latent graph's value.",
        "run": lambda rng: gated.calibrate_community_interval(rng, n_populations=5, draws=40),
    },
    "design-aware C4b-community": {
        "statements": ["C4b-community"],
        "description": "C4b-community against a null that allows follows only where they could have been seen: "
        "graphs drawn from the DBCM with structural zeros (follows only between accounts sharing an ego network, "
        "every account's degrees there kept on average, the egos' own follows kept as seen; 49 per observation as in "
        "the published 04), the effect's error from the grouped jackknife over ego networks (20 groups) and the null "
        "mean's Monte Carlo error, a two-sided t test; beside it, the same null samples with their own spread as the "
        "error (normal approximation, two-sided) and the union graph's degree-keeping rewiring null (39 samples, 3 "
        "switches per edge, rank p-value, one-sided). Latent graphs of 3,000 accounts in 5 planted "
        "communities (follows inside one 4 times likelier, 40 per account, the 30 most followed as the elite) seen "
        "through 60 random egos: size on 100 graphs with the elite spread over the communities like every account, "
        "power on 40 with the elite planted in one community.",
        "run": lambda rng: design.calibrate_design_community(rng, n_graphs=100, n_planted=40),
    },
    "stratified median": {
        "statements": ["C1", "C1-10k-100k", "C1-100k-1M", "C1-1M+", "C3", "C3-uncorrected", "C3-organizations"],
        "description": "Median of a group against its label permuted within follower strata (C1: following, "
        "'less'; C3: following/followers, 'greater'), on generated profile tables.",
        "run": lambda rng: broadcasters.calibrate_broadcasters(rng, n_tables=400, n_perm=199),
    },
    "design-aware": {
        "statements": ["C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular"],
        "description": "The verdict's tests of the graph statements: DBCM / RBCM with structural zeros (only pairs "
        "sharing an ego network), each pair counted once and credited to an account, accounts resampled (two-sided "
        "Wald test with the bootstrap standard error against Student's t with one degree of freedom fewer than the "
        "accounts counted; C2b-budget's variance floored at the one the fitted RBCM implies, its fit's uncertainty "
        "included, its size without the floor recorded as well). Size: latent graphs drawn from the statement's own null "
        "family (heavy-tailed multipliers, no class effect) observed through 60 random egos, 500 graphs per family; "
        "power: the effect planted in the latent graph (odds x or / 3 for the class pair). Rates with exact 95% "
        "intervals.",
        "run": lambda rng: design.calibrate_design(rng, n_graphs=500, n_planted=40, n_boot=400),
    },
    "design-aware C2b-chance plant": {
        "statements": ["C2b-chance"],
        "description": "Power of the design-aware C2b-chance test on an informative plant (it replaces the power "
        "the design-aware entry gives for C2b-chance, measured on an RBCM plant whose reciprocation stayed above "
        "chance): latent graphs whose reciprocation is at chance (RBCM with mutual weight x_i y_j x_j y_i, each "
        "direction independent as under the DBCM), with the regular-celebrity mutual odds divided by 3 (follow-back "
        "below chance), observed through 60 random egos; 40 graphs, exact 95% interval.",
        "run": lambda rng: design.calibrate_design_power(rng, "C2b-chance", n_planted=40, n_boot=400),
    },
    "design-aware dyadic-robust power": {
        "statements": ["C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular"],
        "description": "Power of the design-aware tests with the dyadic-robust error (both accounts of every pair; "
        "floored at the analytic one-way variance over the accounts each pair is credited to), the error the "
        "verdict page's sensitivity puts in place of the verdicts' own: the planted graphs of the design-aware "
        "entry (odds x or / 3 for the class pair, 60 random egos; C2b-chance on the informative chance plant), 40 "
        "graphs per statement, exact 95% intervals. Its size on graphs from each null is the beyond-the-model "
        "entry's at amplitude 0.",
        "run": lambda rng: design.calibrate_dyadic_power(rng, n_planted=40, n_boot=400),
    },
    "design-aware beyond the model": {
        "statements": ["C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular"],
        "description": "Do the design-aware tests keep their size when accounts differ beyond the null model? The "
        "size graphs of the design-aware entry (each statement's own null family, no class effect, 60 random egos, "
        "400 graphs per family) with every account's own taste per class of the other end (a sign, even odds, as "
        "follower, as followee and as mutual partner, the same law in both classes) moving each probability by "
        "spread x min(P, N/3) x the mean of the two accounts' signs (N the no-tie probability; min(p, 1-p) under the "
        "DBCM), spread 0 and 1: every pair keeps its null probability on average, while an account's expected "
        "follows toward a class move by up to half, at both ends, as no degree multiplier absorbs. Each graph tested "
        "with the accounts each pair is credited to resampled (the verdicts' tests; C2b-budget's variance floored at "
        "the one the fitted RBCM implies, its size without the floor recorded as well) and with a dyadic-robust error "
        "over both accounts of every pair (floored at the analytic one-way variance over the accounts each pair is "
        "credited to). The mean null effects and each tail's rate are recorded.",
        "run": lambda rng: design.calibrate_design_propensities(rng, n_graphs=400, n_boot=400),
    },
    "verdict rule": {
        "statements": ["C2a", "C2b-chance", "C2b-budget", "C4a", "C5", "C5-vs-regular"],
        "description": "The whole verdict rule (practical band 0.8-1.25, a sampling interval excluding 1, BH-adjusted "
        "two-sided p below 0.05, the adjustment over each graph's six design-aware tests) on the design-aware entry's "
        "graphs (60 random egos): the share of each verdict word on 150 graphs per null family with no class effect "
        "(a 'supported' there is a false support), on as many whose accounts have tastes beyond the null model "
        "(amplitude 1, as in the beyond-the-model entry, where the tests alone reject too often), both also with the "
        "dyadic-robust error in place of the verdicts' (the verdict page's sensitivity), on 30 graphs per "
        "statement with its effect planted (odds x or / 3) and on 30 with a small effect planted (odds x or / 1.15, "
        "inside the band).",
        "run": lambda rng: design.calibrate_verdict_rule(rng, n_graphs=150, n_planted=30, n_boot=400),
    },
    "design-aware C5-shares": {
        "statements": [],
        "description": "Why C5-shares (the celebrity -> celebrity over the regular -> regular reciprocated share, "
        "compared directly) is described, not tested: latent graphs in which both classes return follows equally "
        "often on average (a tie mutual with probability 0.3 h_i h_j, each account's propensity h lognormal with "
        "mean 1 and log-s.d. 0.5, the same law in both classes), observed through 60 random egos, 300 graphs; the "
        "mean and median ratio observed (1 if the sampling did not bias it) and the two-sided rejection rate of "
        "its dyadic-robust interval's test, per tail; power: the celebrity pairs' mutual probability x 1.5, 40 "
        "graphs.",
        "run": lambda rng: design.calibrate_share_comparison(rng, n_graphs=300, n_planted=40, n_boot=400),
    },
    "follow-back": {
        "statements": ["C2a", "C2b-chance", "C2b-budget", "C5", "C5-vs-regular"],
        "description": "Follow-back and attention statistics of notebook 03 against the degree-keeping and "
        "the reciprocity-keeping nulls, on generated graphs.",
        "run": lambda rng: follow_back.calibrate_follow_back(rng),
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=sorted(CALIBRATIONS), default=sorted(CALIBRATIONS))
    parser.add_argument("--seed", type=int, default=2009)
    args = parser.parse_args()
    out_path = paths.results_dir() / "calibration.json"
    existing = json.loads(out_path.read_text()) if out_path.exists() else {}
    tests = existing.get("tests", {})
    for name in args.only:
        entry = CALIBRATIONS[name]
        start = time.perf_counter()
        result = entry["run"](np.random.default_rng(args.seed))
        tests[name] = {
            "statements": entry["statements"],
            "description": entry["description"],
            "seed": args.seed,
            "result": result,
            "seconds": round(time.perf_counter() - start, 1),
            "machine": f"{platform.machine()}, {platform.python_version()}",
        }
        print(f"{name}: {json.dumps(tests[name]['result'])[:400]}")
    files.write_json(out_path, {"alpha": 0.05, "tests": tests})


if __name__ == "__main__":
    main()
