"""The front page of the rendered reports: ``reports/index.html``.

It holds the verdict table (from ``numbers.json``) and a card per notebook
report with a thumbnail of its first figure. Everything is local: no CDN.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from .. import cli, files, paths
from ..claims import catalogue
from . import provenance

__all__ = [
    "TITLE",
    "INTRO",
    "STYLE",
    "NOTEBOOK_TITLES",
    "REMOTE_SCRIPT",
    "REMOTE_LINK",
    "IMG_WITHOUT_ALT",
    "FAVICON",
    "NAV_STYLE",
    "report_order",
    "navigation",
    "make_offline",
    "CODE_SUMMARY",
    "PAGE_STYLE",
    "lead_html",
    "number_figures",
    "fold_code",
    "render",
    "verdict_rows",
    "finding",
    "thumbnail",
    "build_index",
    "main",
]

TITLE = "Tweeterwood: is celebrity Twitter a gated community?"
INTRO = (
    "In April 2009, as Ashton Kutcher raced CNN to a million followers, a blog post claimed that celebrities on "
    'Twitter live in a gated community, "Beverley Tweet or Tweeterwood": they follow few people, follow each other '
    "and follow each other back, ignore their fans, while brands follow back and the rest of us are an audience. "
    "These reports test each claim on archived follower data against a stated null model."
)
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.4em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
.supported { color: #00734f; font-weight: bold; } .partly-supported { color: #3a6b00; font-weight: bold; }
.contradicted { color: #b34700; font-weight: bold; } .not-supported, .negligible { color: #555; font-weight: bold; }
.not-testable-with-this-data, .descriptive { color: #555; font-style: italic; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 1em; margin-top: 1em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em; }
.card img { width: 100%; height: 160px; object-fit: contain; background: #fafafa; }
.tw-scroll { overflow-x: auto; max-width: 100%; }
@media (max-width: 600px) { body { overflow-wrap: anywhere; } th, td { padding: 0.3em 0.2em; } }
"""
NOTEBOOK_TITLES = {notebook.name: notebook.title for notebook in catalogue.NOTEBOOKS}


REMOTE_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>', re.IGNORECASE)
REMOTE_LINK = re.compile(r'<link[^>]*\shref="https?://[^"]*"[^>]*>', re.IGNORECASE)
IMG_WITHOUT_ALT = re.compile(
    r'<img(?![^>]*\salt=)|<img alt="No description has been provided for this image"', re.IGNORECASE
)
FAVICON = '<link rel="icon" href="data:,">'  # no favicon request, so no 404 in the console
NAV_STYLE = (
    "<style>.tw-nav{font-family:system-ui,sans-serif;padding:.6em 1em;border-bottom:1px solid #ddd;"
    "display:flex;gap:1.5em}.tw-nav a{text-decoration:none}</style>"
)


def report_order() -> list[str]:
    """Every numbered notebook, in order: the reports of a full run (``make``)."""
    return [p.stem for p in sorted(paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))]


def navigation(name: str, order: list[str]) -> str:
    """Links to the index and to the previous and next reports."""
    links = ['<a href="index.html">&#8962; index</a>']
    i = order.index(name) if name in order else -1
    if i > 0:
        links.append(f'<a href="{order[i - 1]}.html">&#8592; {html.escape(order[i - 1])}</a>')
    if 0 <= i < len(order) - 1:
        links.append(f'<a href="{order[i + 1]}.html">{html.escape(order[i + 1])} &#8594;</a>')
    return f'{NAV_STYLE}<nav class="tw-nav">{" ".join(links)}</nav>'


def make_offline(page: str, name: str) -> str:
    """Remove scripts and stylesheets fetched from the network (require.js and MathJax
    from a CDN: the reports need neither), and give every image alt text."""
    page = REMOTE_SCRIPT.sub("", page)
    page = REMOTE_LINK.sub("", page)
    counter = iter(range(1, 10_000))
    title = NOTEBOOK_TITLES.get(name, name)
    return IMG_WITHOUT_ALT.sub(
        lambda _: f'<img alt="Figure {next(counter)} of report {html.escape(name)}: {html.escape(title)}"', page
    )


CODE_SUMMARY = "Show the code"
# the reports' own layout: the lead stands out; tables scroll inside their box and figures shrink, so a
# phone-width page never scrolls sideways
PAGE_STYLE = (
    "<style>.tw-lead{font-size:1.08em;line-height:1.5;border-left:4px solid #0072B2;padding:.2em .8em;"
    "margin:.6em 0 1em}.tw-scroll{overflow-x:auto;max-width:100%}.jp-OutputArea-output img{max-width:100%;"
    "height:auto}details.tw-code pre{white-space:pre-wrap;word-break:break-word}"
    ".tw-caption{font-size:.92em;color:#333;margin:.2em 0 1.2em;max-width:48em}"
    "@media (max-width:600px){body{overflow-wrap:anywhere}.jp-Cell{padding:0 .3em}}</style>"
)
TABLE = re.compile(r'(<table[^>]*class="tw-table"[^>]*>.*?</table>)', re.S)
EMPHASIS = re.compile(r"\*([^*]+)\*")


def number_figures(page: str) -> str:
    """Number the figure captions of a page in order (``Figure 1.``, ``Figure 2.``...)."""
    from .figures import CAPTION_MARK

    counter = iter(range(1, 10_000))
    return re.sub(re.escape(CAPTION_MARK), lambda _: CAPTION_MARK.replace("Figure.", f"Figure {next(counter)}."), page)


def lead_html(executed: Path) -> str:
    """The lead paragraph of a report (:func:`analysis.report.prose.lead`), from the
    numbers its notebook recorded (``numbers/<name>.json`` beside it); empty without them."""
    from . import prose, results

    try:
        values = results.read_fragment(Path(executed).stem, Path(executed).parent / "numbers")
    except FileNotFoundError:
        return ""
    text = prose.lead(values, Path(executed).stem)
    if not text:
        return ""
    body = EMPHASIS.sub(r"<em>\1</em>", html.escape(text, quote=False))
    return f'<p class="tw-lead">{body}</p>'


def fold_code(node) -> None:
    """Put each code cell's source, folded, at the head of its outputs: a ``<details>``
    element (native HTML: opens with a click, offline, no script) holding the
    highlighted code, so the page reads as an article and stays reproducible. Cells
    with no source are left alone."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    for cell in node.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        code = highlight(cell.source, PythonLexer(), HtmlFormatter(cssclass="highlight"))
        folded = f'<details class="tw-code"><summary>{CODE_SUMMARY}</summary>{code}</details>'
        cell.outputs.insert(0, {"output_type": "display_data", "metadata": {}, "data": {"text/html": folded}})


def render(executed: Path, reports: Path | None = None, order: list[str] | None = None) -> Path:
    """Render an executed notebook to ``reports/<name>.html``: code folded
    (:func:`fold_code`), figures embedded, no network dependencies, navigation to the index and to its neighbours
    in ``order`` (the reports of this run; default: every numbered notebook), so a
    page links only to pages the run writes."""
    order = report_order() if order is None else list(order)
    import nbformat
    from nbconvert import HTMLExporter

    executed = Path(executed)
    reports = Path(reports or paths.reports_dir())
    name = executed.stem
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    node = nbformat.read(executed, as_version=4)
    run = provenance.read(node)
    fold_code(node)
    body, _ = exporter.from_notebook_node(node)
    body = (
        make_offline(body, name).replace("<head>", "<head>" + FAVICON, 1).replace("</head>", PAGE_STYLE + "</head>", 1)
    )
    body = body.replace("</h1>", "</h1>" + lead_html(executed), 1)
    body = TABLE.sub(r'<div class="tw-scroll">\1</div>', body)
    body = number_figures(body)
    top = navigation(name, order) + provenance.banner_html(run)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + top, body, count=1)
    body = body.replace("</body>", navigation(name, order) + provenance.footer_html(run) + "</body>", 1)
    return files.write_text(reports / f"{name}.html", body)


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3g}"
    return html.escape(str(value))


def verdict_rows(claims: list[dict]) -> str:
    """One table row a claim (``numbers["claims"]``): id, the post's words, the verdict (a CSS
    class and the word itself, so colour is never the only cue) and its parts' verdicts."""
    rows = []
    for claim in claims:
        css = claim["verdict"].replace(" ", "-")
        cells = [
            f"<td>{_fmt(claim['claim'])}</td>",
            f"<td>{_fmt(claim['post'])}</td>",
            f'<td class="{css}">{_fmt(claim["verdict"])}</td>',
            f"<td>{_fmt(claim['parts'])}</td>",
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(rows)


def finding(name: str, numbers: dict) -> str:
    """A one-line finding for a report's card, from ``numbers.json``."""
    claims = {c["claim"]: c for c in numbers.get("claims", [])}
    tested = [c.id for c in catalogue.claims_of(name)]
    if tested:
        parts = []
        for claim in (c for c in tested if c in claims):
            here = catalogue.statements_of(claim_id=claim, notebook=name)
            tested_elsewhere = any(s.kind == "test" for s in catalogue.statements_of(claim_id=claim))
            if any(s.kind == "test" for s in here) or not tested_elsewhere:
                parts.append(f"{claim} {claims[claim]['short']}: {claims[claim]['verdict']}")
            else:  # only described here (C5-anecdote in 01): its own kind, not a verdict tested in another report
                parts += [f"{s.id}: {s.kind}" for s in here]
        return "; ".join(parts)
    if name == "00-data" and "kwak2009" in numbers:
        return (
            f"{numbers['kwak2009']['accounts']:,} profiles, {numbers['ego_twitter']['edges']:,} ego-Twitter and "
            f"{numbers['konect_icwsm2010']['edges']:,} KONECT follows, checked against the published figures"
        )
    if name == "05-robustness" and "robustness" in numbers:
        effects = [e for e in numbers["robustness"]["elite_sweep"]["effect"] if e is not None]
        if effects:
            return (
                f"elite closure on the union graph, against the degree-keeping rewiring null: {min(effects):.2f} to "
                f"{max(effects):.2f} across {len(effects)} elite definitions (for the verdicts' own tests across "
                f"definitions, see its specification curve)"
            )
    if name == "06-verdict" and "verdict" in numbers:
        return ", ".join(f"{count} {verdict}" for verdict, count in sorted(numbers["verdict"]["counts"].items()))
    return ""


def thumbnail(name: str, figures: Path) -> str | None:
    found = sorted(figures.glob(f"{name[:2]}-*.png"))
    return f"figures/{found[0].name}" if found else None


def build_index(
    reports: Path | None = None, numbers: Path | None = None, skipped: dict | None = None, title_suffix: str = ""
) -> Path:
    """Write ``index.html`` in ``reports`` from ``numbers.json`` and the rendered reports;
    ``skipped`` maps notebooks that did not run to the reason, shown as a note."""
    reports = Path(reports or paths.reports_dir())
    numbers = json.loads(Path(numbers or reports / "numbers.json").read_text())
    claims = numbers.get("claims", [])
    run = numbers.get("build")
    cards = []
    for report in sorted(reports.glob("[0-9][0-9]-*.html")):
        name = report.stem
        thumb = thumbnail(name, reports / "figures")
        image = f'<img src="{thumb}" alt="First figure of {html.escape(name)}">' if thumb else ""
        cards.append(
            f'<div class="card"><a href="{report.name}">{image}<br><b>{html.escape(name)}</b></a>'
            f"<br>{html.escape(NOTEBOOK_TITLES.get(name, name))}"
            f"<br><small>{html.escape(finding(name, numbers))}</small></div>"
        )
    for name, reason in sorted((skipped or {}).items()):
        cards.append(
            f'<div class="card skipped"><b>{html.escape(name)}</b><br>'
            f"{html.escape(NOTEBOOK_TITLES.get(name, name))}<br><small>{html.escape(reason)}</small></div>"
        )
    title = TITLE + (f" ({title_suffix.strip()})" if title_suffix.strip() else "")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{FAVICON}<style>{STYLE}</style></head>
<body>
{provenance.banner_html(run)}
<h1>{html.escape(title)}</h1>
<p>{html.escape(INTRO)}</p>
<h2>Verdicts</h2>
<div class="tw-scroll"><table id="verdicts"><thead><tr><th>claim</th><th>what the post says</th><th>verdict</th>
<th>verdict of each part (the statements and their tests are in 06-verdict)</th></tr></thead>
<tbody>
{verdict_rows(claims)}
</tbody></table></div>
<h2>Reports</h2>
<div class="cards">
{chr(10).join(cards)}
</div>
<p>Every number on these pages comes from <a href="numbers.json">numbers.json</a>, written by the code that computed it.</p>
{provenance.footer_html(run)}
</body></html>
"""
    return files.write_text(reports / "index.html", page)


def main(argv=None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "render":
        for notebook in args[1:]:
            print(f"wrote {render(Path(notebook))}")
    else:
        print(f"wrote {build_index()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
