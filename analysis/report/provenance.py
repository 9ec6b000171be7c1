"""Where a run's numbers came from, taken once when the run starts and carried by every output.

A run's provenance is a flat dict: the commit (and whether the tree had
uncommitted changes), the SHA-256 of the dependency lock, when the run started
(UTC), the seed, the mode (``quick``: small null ensembles for testing, never the
published results), the dataset, and the SHA-256 of every data file the run
reads (the processed tables of the registered archives, or a descriptor's own
files). It is stored in each executed notebook's metadata (``tweeterwood``),
printed at the top and foot of each page, and recorded under ``build`` in
``numbers.json``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from .. import files, paths

__all__ = [
    "METADATA_KEY",
    "QUICK_WARNING",
    "build_info",
    "collect",
    "data_digests",
    "software_citation",
    "data_citations",
    "reproduce_command",
    "run_provenance",
    "stamp",
    "read",
    "banner_html",
    "footer_html",
]

METADATA_KEY = "tweeterwood"
QUICK_WARNING = "Quick mode: small null ensembles for testing. These numbers are not the published results."


def data_digests(dataset: str | None = None) -> dict[str, str]:
    """SHA-256 of each data file a run on ``dataset`` reads: a descriptor's declared
    files (edges, accounts, egos), or, for the registered archives, every processed
    table (the default notebooks read them all). Missing files are left out."""
    from ..data import descriptor

    if dataset and descriptor.is_descriptor(dataset):
        desc = descriptor.read_descriptor(dataset)
        sections = [s for s in (desc.edges, desc.accounts, desc.egos) if s is not None]
        chosen = [desc.resolve(section["file"]) for section in sections]
    else:
        chosen = sorted(paths.processed_dir().glob("*.parquet"))
    return {path.name: files.sha256_file(path) for path in chosen if path.is_file()}


def build_info() -> dict:
    """Where the code came from: the commit that ran (and whether its tree had
    uncommitted changes) and the SHA-256 of its dependency lock. Taken from the
    package's own checkout, also when ``TWEETERWOOD_HOME`` puts the data elsewhere."""
    import subprocess

    root = paths.PACKAGE_DIR.parent

    def git(*args):
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    lock = root / "requirements.lock"
    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "HEAD") or "unknown",
        "uncommitted_changes": None if status is None else bool(status),
        "lock_sha256": files.sha256_file(lock) if lock.exists() else None,
    }


def software_citation() -> str:
    """How to cite the project, from ``CITATION.cff`` (authors, title, version)."""
    path = paths.PACKAGE_DIR.parent / "CITATION.cff"
    if not path.exists():
        return "Tweeterwood (see CITATION.cff)"
    text = path.read_text(encoding="utf-8")

    def field(name: str) -> str:
        found = re.search(rf"^{name}:\s*\"?(.+?)\"?\s*$", text, flags=re.M)
        return found.group(1) if found else ""

    author = re.search(r"^authors:\s*\n\s*-\s*name:\s*(.+?)\s*$", text, flags=re.M)
    version = field("version")
    return (
        f"{author.group(1) + '. ' if author else ''}{field('title')}{' (version ' + version + ')' if version else ''}."
    )


def data_citations(dataset: str | None = None) -> list[str]:
    """The citations of the data a run reads: the descriptor's ``citation``, or those of
    the registered graphs (which include the 2009 profiles)."""
    from ..data import descriptor

    if dataset and descriptor.is_descriptor(dataset):
        chosen = [descriptor.read_descriptor(dataset)]
    else:
        chosen = [descriptor.read_descriptor(descriptor.registered(name)) for name in descriptor.GRAPH_DATASETS]
    return [desc.citation for desc in chosen if desc.citation]


def reproduce_command(parameters: dict) -> str:
    """The command that re-runs a run with these parameters (after ``git checkout`` of its commit)."""
    from ..data import descriptor

    seed, quick, dataset = parameters.get("seed"), bool(parameters.get("quick", 0)), parameters.get("dataset")
    if dataset and descriptor.is_descriptor(dataset):
        return f"python -m analysis run {dataset} --seed {seed}{' --quick' if quick else ''}"
    return f"make SEED={seed} QUICK={int(quick)}"


def run_provenance(parameters: dict) -> dict:
    """The provenance of a run with these notebook ``parameters`` (see the module docstring)."""
    dataset = parameters.get("dataset")
    return {
        "command": reproduce_command(parameters),
        "cite_software": software_citation(),
        "cite_data": data_citations(dataset),
        **build_info(),
        "started": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "seed": parameters.get("seed"),
        "quick": bool(parameters.get("quick", 0)),
        "dataset": str(dataset) if dataset is not None else "registered archives",
        "data_sha256": data_digests(dataset),
    }


def stamp(notebook: Path, provenance: dict) -> None:
    """Store ``provenance`` in an executed notebook's metadata (atomically)."""
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    node.metadata[METADATA_KEY] = provenance
    with files.atomic_path(notebook) as tmp:
        nbformat.write(node, str(tmp))


def read(node) -> dict | None:
    """The provenance stored in a notebook node, or None."""
    value = node.metadata.get(METADATA_KEY)
    return dict(value) if value else None


def collect(notebooks) -> dict:
    """One provenance for the executed ``notebooks`` that a ``numbers.json`` merges (without
    the start time, so that a re-run writes the same bytes). ``make`` re-executes only the
    notebooks whose inputs changed, so they may come from several commits: then
    ``commit`` says so and ``notebook_commits`` names each one's. Empty when none carries one."""
    import nbformat

    found = {}
    for notebook in notebooks:
        stamped = read(nbformat.read(notebook, as_version=4))
        if stamped:
            found[Path(notebook).stem] = stamped
    if not found:
        return {}
    first = next(iter(found.values()))
    merged = {key: value for key, value in first.items() if key != "started"}
    commits = {name: value.get("commit") for name, value in found.items()}
    if len(set(commits.values())) > 1:
        merged["commit"] = "several (see notebook_commits)"
        merged["notebook_commits"] = commits
    for key in ("seed", "quick", "dataset"):
        if len({str(value.get(key)) for value in found.values()}) > 1:
            merged[key] = "mixed: " + ", ".join(f"{name} {value.get(key)}" for name, value in found.items())
    data = {}
    for value in found.values():
        data.update(value.get("data_sha256", {}))
    merged["data_sha256"] = data
    return merged


def _mode(provenance: dict) -> str:
    return "quick mode (not the published results)" if provenance.get("quick") else "published settings"


def banner_html(provenance: dict | None) -> str:
    """A warning at the top of a page built in quick mode (empty otherwise)."""
    if not provenance or not provenance.get("quick"):
        return ""
    return (
        '<div class="tw-quick" role="alert" style="background:#fff3cd;border:1px solid #e0b000;padding:.6em 1em;'
        f'font-family:system-ui,sans-serif"><b>{html.escape(QUICK_WARNING)}</b></div>'
    )


def _checkout_lines(provenance: dict) -> str:
    """``git checkout`` of the commit the notebooks ran at; of each, with the notebooks it
    ran, when they ran at several (``notebook_commits``)."""
    by_notebook = provenance.get("notebook_commits")
    if not by_notebook:
        return f"git checkout {str(provenance.get('commit', 'unknown'))[:12]}\n"
    names: dict[str, list[str]] = {}
    for notebook, commit in sorted(by_notebook.items()):
        names.setdefault(str(commit), []).append(notebook)
    return "".join(f"git checkout {commit[:12]}  # ran {', '.join(notebooks)}\n" for commit, notebooks in names.items())


def footer_html(provenance: dict | None) -> str:
    """The "Reproduce this" section that ends every page: the command, the commit, the
    seed and mode, the data digests, and how to cite."""
    if not provenance:
        return (
            '<section class="tw-reproduce"><h2>Reproduce this</h2><p>Provenance not recorded: this page '
            "was not built by a run of the project (<code>make</code> or <code>python -m analysis run</code>).</p></section>"
        )
    commit = str(provenance.get("commit", "unknown"))
    dirty = " (the tree had uncommitted changes)" if provenance.get("uncommitted_changes") else ""
    digests = "".join(
        f"<li><code>{html.escape(name)}</code> {html.escape(digest)}</li>"
        for name, digest in sorted(provenance.get("data_sha256", {}).items())
    )
    cite_data = " ".join(html.escape(c) for c in provenance.get("cite_data", []))
    command = _checkout_lines(provenance) + provenance.get("command", "make")
    return f"""<section class="tw-reproduce" style="font-family:system-ui,sans-serif;padding:0 1em;color:#333">
<h2>Reproduce this</h2>
<pre>{html.escape(command)}</pre>
<p>Commit <code>{html.escape(commit)}</code>{dirty}; seed {html.escape(str(provenance.get("seed")))};
{html.escape(_mode(provenance))}; started {html.escape(str(provenance.get("started", "?")))};
dataset {html.escape(str(provenance.get("dataset")))}; dependency lock SHA-256
<code>{html.escape(str(provenance.get("lock_sha256") or "none")[:16])}</code>.</p>
<p>Data read (SHA-256):</p><ul>{digests or "<li>not recorded</li>"}</ul>
<p>Cite: {html.escape(str(provenance.get("cite_software", "")))} Data: {cite_data or "see the dataset's descriptor"}</p>
</section>"""
