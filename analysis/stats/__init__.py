"""Generic inference (tests against null ensembles, intervals, multiple testing)
and synthetic graphs with known answers. Knows nothing of the null models."""
