"""The front page of the rendered reports: ``reports/index.html``.

It holds the verdict table (from ``numbers.json``) and a card per notebook
report with a thumbnail of its first figure. Everything is local: no CDN.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from . import paths

TITLE = "Tweeterwood: is celebrity Twitter a gated community?"
INTRO = ("In April 2009, as Ashton Kutcher raced CNN to a million followers, a blog post claimed that celebrities on "
         "Twitter live in a gated community, \"Beverley Tweet or Tweeterwood\": they follow few people, follow each other "
         "and follow each other back, ignore their fans, while brands follow back and the rest of us are an audience. "
         "These reports test each claim on archived follower data against a stated null model.")
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.4em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
.supported { color: #00734f; font-weight: bold; } .not-supported { color: #b34700; font-weight: bold; }
.inconclusive { color: #555; font-weight: bold; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 1em; margin-top: 1em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em; }
.card img { width: 100%; height: 160px; object-fit: contain; background: #fafafa; }
"""
NOTEBOOK_TITLES = {
    "00-data": "The data: provenance, checks, limits",
    "01-claims-and-race": "The post's numbers and the race (C6)",
    "02-broadcasters": "Broadcasters: C1, C3, C7",
    "03-follow-back": "Follow-back: C2, C5",
    "04-gated-community": "The gated community: C4",
    "05-robustness": "Robustness",
    "06-verdict": "Verdict",
}


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3g}"
    return html.escape(str(value))


def verdict_rows(claims: list[dict]) -> str:
    rows = []
    for claim in claims:
        css = claim["verdict"].replace(" ", "-")
        rows.append(
            "<tr>" + "".join([
                f"<td>{_fmt(claim['id'])}</td>", f"<td>{_fmt(claim.get('claim', claim['statistic']))}</td>",
                f"<td class=\"{css}\">{_fmt(claim['verdict'])}</td>",
                f"<td>{_fmt(claim.get('effect'))} [{_fmt(claim['ci_low'])}, {_fmt(claim['ci_high'])}]</td>",
                f"<td>{_fmt(claim['p_value'])}</td>", f"<td>{_fmt(claim['null_model'])}</td>",
            ]) + "</tr>")
    return "\n".join(rows)


def thumbnail(name: str, figures: Path) -> str | None:
    found = sorted(figures.glob(f"{name[:2]}-*.png"))
    return f"figures/{found[0].name}" if found else None


def build_index(reports: Path | None = None, numbers: Path | None = None) -> Path:
    """Write ``index.html`` in ``reports`` from ``numbers.json`` and the rendered reports."""
    reports = Path(reports or paths.reports_dir())
    numbers = json.loads(Path(numbers or reports / "numbers.json").read_text())
    claims = numbers.get("claims", [])
    cards = []
    for report in sorted(reports.glob("[0-9][0-9]-*.html")):
        name = report.stem
        thumb = thumbnail(name, reports / "figures")
        image = (f'<img src="{thumb}" alt="First figure of {html.escape(name)}">' if thumb else "")
        cards.append(f'<div class="card"><a href="{report.name}">{image}<br><b>{html.escape(name)}</b></a>'
                     f"<br>{html.escape(NOTEBOOK_TITLES.get(name, name))}</div>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(TITLE)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body>
<h1>{html.escape(TITLE)}</h1>
<p>{html.escape(INTRO)}</p>
<h2>Verdicts</h2>
<table id="verdicts"><thead><tr><th>claim</th><th>what the post says</th><th>verdict</th>
<th>effect [95% interval]</th><th>p (BH-adjusted)</th><th>null model</th></tr></thead>
<tbody>
{verdict_rows(claims)}
</tbody></table>
<h2>Reports</h2>
<div class="cards">
{chr(10).join(cards)}
</div>
<p>Every number on these pages comes from <a href="numbers.json">numbers.json</a>, written by the code that computed it.</p>
</body></html>
"""
    target = reports / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


if __name__ == "__main__":
    print(f"wrote {build_index()}")
