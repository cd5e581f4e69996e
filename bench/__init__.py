"""Benchmarks: each area's `bench/<area>_*.py` has a `main()`; `python -m bench` runs them."""
