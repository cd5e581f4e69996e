"""Run every benchmark module (`bench/<area>_*.py` with a `main()`), or those named."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench

# Modules the benchmarks use, not benchmarks themselves.
SUPPORT_MODULES = {"city", "plain_query"}


def main(argv: list[str]) -> None:
    names = argv or sorted(
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if not m.name.startswith(("_", "test_")) and m.name not in SUPPORT_MODULES
    )
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "main"):
            print(f"== {name}", flush=True)
            module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
