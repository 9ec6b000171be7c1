"""The README's claim table and findings, written from the catalogue and the numbers.

Two blocks of ``README.md`` are generated, never typed: between
``<!-- catalogue:start -->`` and ``<!-- catalogue:end -->`` the claim catalogue's
table and verdict rule (:mod:`analysis.claims.catalogue`); between
``<!-- findings:start -->`` and ``<!-- findings:end -->`` the verdicts of the last
published run, read from the committed ``results/verdicts.json``, which a
published ``make`` (not a quick run, not a descriptor run) writes from
``reports/numbers.json``.

``python -m analysis.report.readme [NUMBERS_JSON]``: with a path, first write
``results/verdicts.json`` from it (refusing a quick run's numbers); then rewrite
both README blocks.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from .. import cli, files, paths
from ..claims import catalogue

__all__ = ["BLOCKS", "catalogue_block", "findings_block", "verdicts_from_numbers", "verdicts_path", "update", "main"]

BLOCKS = ("catalogue", "findings")


def verdicts_path() -> Path:
    """The committed verdicts of the last published run."""
    return paths.results_dir() / "verdicts.json"


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
    keep = ("id", "claim", "role", "kind", "effect", "ci_low", "ci_high", "p_value", "verdict")
    robust = numbers.get("verdict", {}).get("robustness", {})
    return {
        "claims": [{k: c[k] for k in ("claim", "short", "verdict", "parts")} for c in numbers["claims"]],
        "statements": [{k: s.get(k) for k in keep} for s in numbers["statements"]],
        "robustness": {
            sid: {k: r[k] for k in ("robustness", "same_count", "sampling_specifications")} for sid, r in robust.items()
        },
        "build": numbers.get("build", {}),
    }


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def findings_block(verdicts: dict) -> str:
    """The README's findings: one line a claim with its verdict and parts, then each tested
    statement's effect, interval and adjusted p-value, and the commit they came from."""
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
                spread = (f"; the same verdict in {r['same_count']} of {r['sampling_specifications']} "
                          f"specifications ({r['robustness'].split(':')[0]})" if r and r["sampling_specifications"] else "")  # fmt: skip
                lines.append(
                    f"  - {s['id']}{role}: {s['verdict']}, effect {_number(s['effect'])} "
                    f"({_number(s['ci_low'])} to {_number(s['ci_high'])}), adjusted p = {_number(s['p_value'])}{spread}"
                )
            else:
                lines.append(f"  - {s['id']}{role}: {s['verdict']}")
    build = verdicts.get("build", {})
    commit = (build.get("commit") or "unknown")[:10]
    lines.append("")
    lines.append(f"From `results/verdicts.json` (published settings, commit {commit}; `make` rewrites it).")
    return "\n".join(lines)


def update(text: str, verdicts: dict | None) -> str:
    """``text`` (the README) with both generated blocks replaced; the findings block is left
    as it is when there are no verdicts yet."""
    blocks = {"catalogue": catalogue_block()}
    if verdicts is not None:
        blocks["findings"] = findings_block(verdicts)
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
    readme = paths.project_root() / "README.md"
    files.write_text(readme, update(readme.read_text(encoding="utf-8"), verdicts))
    print(f"updated {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
