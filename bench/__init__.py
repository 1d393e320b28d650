"""Benchmarks: each measures the station against a baseline taken in the same run, as ratios.

`python -m bench [--quick] [--check]` runs them all; a benchmark is a module with
`run(*, quick: bool) -> Comparison`, listed in BENCHMARKS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from bench.common import Comparison

# name -> module; add document rendering here when it exists
BENCHMARKS: dict[str, str] = {
    "scan_latency": "bench.scan_latency",
    "document_render": "bench.document_render",
    "sync_throughput": "bench.sync_throughput",
}


def load(name: str) -> Callable[..., Comparison]:
    """The `run` function of the benchmark called `name`."""
    if name not in BENCHMARKS:
        raise KeyError(f"unknown benchmark {name!r} (known: {', '.join(BENCHMARKS)})")
    run: Callable[..., Comparison] = importlib.import_module(BENCHMARKS[name]).run
    return run


def run_all(*, quick: bool = False, names: Iterable[str] | None = None) -> list[Comparison]:
    """Run the named benchmarks (all by default), in order; `quick` runs them small."""
    return [load(name)(quick=quick) for name in (names or BENCHMARKS)]
