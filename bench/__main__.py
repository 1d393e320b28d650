"""`python -m bench [--quick] [--check] [NAME ...]`: run the benchmarks and print their tables.

The measurement itself always exits 0; with --check a missed goal exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bench import BENCHMARKS, load


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true", help="run them small, as a smoke test")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")
    missed: list[str] = []
    for name in args.names or BENCHMARKS:
        result = load(name)(quick=args.quick)
        print(result.table(), flush=True)
        print()
        if not result.goal_met:
            missed.append(result.name)
    if missed:
        print(f"goal missed: {', '.join(missed)}" + ("" if args.check else " (not checked)"))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
