"""Run every benchmark: `make bench` (python -m benchmarks). Needs DATABASE_URL on PostgreSQL."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main():
    names = sorted(
        module.name for module in pkgutil.iter_modules([str(Path(__file__).parent)]) if module.name.endswith("_bench")
    )
    wanted = sys.argv[1:] or names
    for name in wanted:
        print(f"\n## {name}")
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main()
