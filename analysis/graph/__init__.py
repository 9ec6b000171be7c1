"""Graph types and measures: the dense directed graph (``src -> dst``: src follows
dst), the labelled graph with one rule for node classes, and the measures the
claims are built from (reciprocity, closure, mixing, concentration)."""
