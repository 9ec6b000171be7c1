"""From results to pages: the numbers recorder (``numbers.json``), figures, the
report site (HTML reports and the index) and the notebook runner."""
