"""Benchmarks: a deterministic centre generator (generate.py) and the runner (run.py)."""
