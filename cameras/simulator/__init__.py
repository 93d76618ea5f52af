"""Virtual cameras for demos, tests and benchmarks: ``scenes`` draws the pictures, ``server`` serves them."""
