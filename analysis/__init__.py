"""Tweeterwood: is Twitter a gated community of celebrities?

Reusable analysis code for the notebooks in ``notebooks/``. One module per stage:

- ``paths``: where every file lives (the only module that knows).
- ``datasets``: the declarative registry of archived data files.
- ``fetch``: verified downloads (pooch), mirror support, member digests.
- ``loading``: parsers from raw archives to tidy tables.
- ``processed``: builds the Parquet tables in ``data/processed/``.
- ``measures``: graph measures (reciprocity, follow-back, mixing, closure, concentration).
- ``nullmodels``: degree-preserving directed rewiring and label permutations.
- ``kernels``: compiled building blocks of the rewiring (edge-key hash set, xoshiro256** stream, prefetch).
- ``inference``: tests against null ensembles, intervals, Benjamini-Hochberg.
- ``figures``: one consistent plotting style.
- ``results``: ``reports/numbers.json``, the only source of numbers quoted in prose.

Direction convention, everywhere: an edge row ``(follower, followee)`` means
*follower follows followee*.
"""

import warnings

__version__ = "0.1.0"

# tqdm.auto (used by dependencies for progress bars) warns in kernels without
# ipywidgets; the text bars it falls back to are fine in notebooks and reports.
warnings.filterwarnings("ignore", message="IProgress not found")
