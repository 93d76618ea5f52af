"""The guard-roster model, its solver and its independent checker: pure, no Django."""
