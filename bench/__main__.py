"""`python -m bench [NAME ...]`: run benchmarks and print one JSON line each."""

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

PREFIX = "bench_"


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(
        m.name.removeprefix(PREFIX) for m in pkgutil.iter_modules([str(here)]) if m.name.startswith(PREFIX)
    )


def run_one(name: str) -> list[dict]:
    """A benchmark returns one dict, or a list of them (one line per page, say), each with its "bench"."""
    module = importlib.import_module(f"bench.{PREFIX}{name}")
    started = time.monotonic()
    figures = module.run()
    elapsed = round(time.monotonic() - started, 1)
    if isinstance(figures, list):
        return [{"bench": name, **line, "elapsed_s": elapsed} for line in figures]
    return [{"bench": name, **figures, "elapsed_s": elapsed}]


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all): {names}")
    parser.add_argument(
        "--short", action="store_true", help="short durations, to check a benchmark runs (sets BENCH_SHORT=1)"
    )
    args = parser.parse_args(argv)
    if args.short:
        os.environ["BENCH_SHORT"] = "1"
    unknown = [n for n in args.names if n not in names]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {names}")
    failed = False
    for name in args.names or names:
        try:
            results = run_one(name)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            results = [{"bench": name, "error": f"{type(exc).__name__}: {exc}"}]
            failed = True
        for result in results:
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
