"""Null models: compiled edge-switching kernels, degree- and reciprocity-keeping
rewiring and their ensembles, label permutation within strata, analytic companions."""
