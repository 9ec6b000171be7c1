"""The post's claims as tests: one module per notebook, the claim catalogue and
verdict rule, and the calibration of the tests on synthetic graphs."""
