"""What every benchmark shares: percentiles, a station-versus-baseline comparison, its table.

Speed is reported as ratios against a baseline measured in the same run, never as absolute goals.
"""

from __future__ import annotations

import argparse
import math
import os
import tty
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

# A baseline whose p99 is this many times its p50 was disturbed (other load on the machine).
NOISY_TAIL = 4.0


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank `q`-th percentile (0 < q <= 100) of `samples`."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Stats:
    """Latency of one side of a comparison, in milliseconds."""

    n: int
    p50_ms: float
    p99_ms: float

    @classmethod
    def of_seconds(cls, samples: Sequence[float]) -> Stats:
        return cls(len(samples), percentile(samples, 50) * 1000, percentile(samples, 99) * 1000)


@dataclass(frozen=True)
class Comparison:
    """One benchmark's result: the subject against its same-run baseline, and the goal on p99."""

    name: str
    subject_label: str
    subject: Stats
    baseline_label: str
    baseline: Stats
    goal_p99_ratio: float
    notes: tuple[str, ...] = ()
    load_before: float | None = None  # the 1-minute load average when the run started

    @property
    def p50_ratio(self) -> float:
        return self.subject.p50_ms / self.baseline.p50_ms

    @property
    def p99_ratio(self) -> float:
        return self.subject.p99_ms / self.baseline.p99_ms

    @property
    def goal_met(self) -> bool:
        return self.p99_ratio <= self.goal_p99_ratio

    def table(self) -> str:
        width = max(len(self.subject_label), len(self.baseline_label), len("difference"))
        rows = [
            f"{'':<{width}}  {'n':>5}  {'p50 ms':>9}  {'p99 ms':>9}",
            f"{self.subject_label:<{width}}  {self.subject.n:>5}  "
            f"{self.subject.p50_ms:>9.3f}  {self.subject.p99_ms:>9.3f}",
            f"{self.baseline_label:<{width}}  {self.baseline.n:>5}  "
            f"{self.baseline.p50_ms:>9.3f}  {self.baseline.p99_ms:>9.3f}",
            f"{'ratio':<{width}}  {'':>5}  {self.p50_ratio:>8.2f}x  {self.p99_ratio:>8.2f}x",
            f"{'difference':<{width}}  {'':>5}  {self.subject.p50_ms - self.baseline.p50_ms:>+9.3f}  "
            f"{self.subject.p99_ms - self.baseline.p99_ms:>+9.3f}",
        ]
        verdict = "met" if self.goal_met else "MISSED"
        lines = [f"== {self.name}", *rows,
                 f"goal: p99 ratio <= {self.goal_p99_ratio:g}: {verdict} ({self.p99_ratio:.2f})"]
        lines += [f"note: {note}" for note in self.notes]
        lines += machine_warnings(self.load_before, self.baseline,
                                  f"the baseline's p99 is {self.baseline.p99_ms / self.baseline.p50_ms:.1f}x "
                                  "its p50: the machine was busy, the p99 ratio is not reliable")
        return "\n".join(lines)


def machine_warnings(load_before: float | None, baseline: Stats, noisy: str) -> list[str]:
    """Warnings that the machine was busy: a load average at or above the CPU count before the run,
    or a baseline whose p99 is over NOISY_TAIL times its p50 (`noisy` says what that means)."""
    lines: list[str] = []
    cpus = os.cpu_count() or 1
    if load_before is not None and load_before >= cpus:
        lines.append(f"warning: load average {load_before:.2f} on {cpus} CPUs before the run: "
                     "other work competed for the CPU, the ratios are not reliable: run again")
    if baseline.p99_ms > NOISY_TAIL * baseline.p50_ms:
        lines.append(f"warning: {noisy}: run again")
    return lines


def sample_count(quick: bool, n: int | None, quick_n: int, full_n: int) -> int:
    """How many samples a run takes: `n`, else the quick or the full size."""
    count = n if n is not None else (quick_n if quick else full_n)
    if count < 1:
        raise ValueError("n must be at least 1")
    return count


@dataclass(frozen=True)
class Pty:
    """A raw pseudo-terminal: `master` is the scanner's far end, `port` the path a station opens."""

    master: int
    slave: int
    port: str


@contextmanager
def open_pty() -> Iterator[Pty]:
    master, slave = os.openpty()
    try:
        tty.setraw(slave)
        yield Pty(master, slave, os.ttyname(slave))
    finally:
        os.close(master)
        os.close(slave)


def load_average() -> float | None:
    """The 1-minute load average, where the system has one."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def module_main(run: Callable[..., Comparison], prog: str, description: str | None, unit: str,
                quick_n: int, full_n: int, argv: Sequence[str] | None = None) -> int:
    """The command line of one benchmark module: `python -m bench.NAME [--quick] [-n N] [--check]`."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--quick", action="store_true", help=f"{quick_n} {unit}: a smoke test")
    parser.add_argument("-n", type=int, default=None, help=f"number of {unit} (default {full_n})")
    parser.add_argument("--check", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, n=args.n)
    print(result.table())
    return 1 if args.check and not result.goal_met else 0
