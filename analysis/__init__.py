"""Tweeterwood: is Twitter a gated community of celebrities?

Reusable analysis code for the notebooks in ``notebooks/``. Subpackages follow the
data flow (each imports only from those listed after it; see ``pyproject.toml``):

- ``report``: the numbers recorder (``numbers.json``), prose templates, figures,
  the report site and the notebook runner;
- ``claims``: the claim catalogue and verdict rule, one module per notebook's
  claims, and the calibration of the tests;
- ``nulls``: compiled edge switching, rewiring ensembles, label permutation,
  analytic companions; ``stats``: generic inference and synthetic graphs;
- ``data``: the registry of archives and published figures, verified fetching,
  raw readers, processed tables, descriptors, the full-graph pipeline, sources;
- ``graph``: the dense graph, the labelled graph and its class rule, measures;
- ``paths`` (where every file lives) and ``files`` (atomic writes).

Direction convention, everywhere: an edge row ``(follower, followee)`` means
*follower follows followee*.
"""

import warnings

__version__ = "0.1.0"

# tqdm.auto (used by dependencies for progress bars) warns in kernels without
# ipywidgets; the text bars it falls back to are fine in notebooks and reports.
warnings.filterwarnings("ignore", message="IProgress not found")
