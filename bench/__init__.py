"""Reproducible benchmarks. `python -m bench` runs all, `python -m bench NAME` runs bench/bench_NAME.py.

Each module defines `run() -> dict`; the harness prints one JSON line per benchmark,
`{"bench": NAME, ...figures}`.
"""
