"""Scan latency: a frame written to the scanner's pty until its step is committed and published.

The station (build_station on a temp SQLite database, offline, serial scanner on a pty) is compared
with a same-run baseline: the same frames read raw from a pty plus one SQLite commit per frame.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from bench.common import Comparison, Pty, Stats, load_average, module_main, open_pty, sample_count
from station.bootstrap import build_station
from station.config import Config, validate
from station.demo import DEMO_DATA
from station.services.views import ScreenChanged, ScreenState
from station.storage.cache import cache_order
from station.storage.models import AuditRow

NAME = "scan latency"
GOAL_P99_RATIO = 3.0
FULL_N = 300
QUICK_N = 30
WARMUP = 20  # a multiple of the mix's length, so the order is back to no unit counted
STEP_TIMEOUT_S = 10.0
TERMINATOR = b"\r"

DEMO_BADGE = "EMP-1001"
DEMO_ORDER = "SO-100234"  # two T-shirts and a gift set
ON_ORDER = "4006381333931"  # the T-shirt: counted (the next step takes it back)
NOT_ON_ORDER = "5906123000451"  # socks: in the catalog, not on the order


@dataclass(frozen=True)
class Step:
    """One frame and what the screen must say after it, so a wrong mix cannot pass unnoticed."""

    frame: bytes
    level: str
    text: str


class BenchmarkInvalid(RuntimeError):
    """The station did not do what the mix expects: the numbers would not mean anything."""


def mix(count: int, tag: str) -> list[Step]:
    """`count` steps that each commit one transaction with one audit row, cycling through four kinds.

    Successive frames always differ, so the scanner's bounce filter never drops one.
    """
    cycle = [
        lambda i: Step(ON_ORDER.encode(), "ok", "+1"),  # unit counted: packed unit + audit row
        lambda i: Step(NOT_ON_ORDER.encode(), "error", "not on order"),  # refused: audit row
        lambda i: Step(b"CMD-UNDO", "warn", "Took back"),  # unit taken back: update + audit row
        lambda i: Step(f"{tag}-{i:06d}".encode(), "error", f"Unknown barcode {tag}-{i:06d}"),
    ]
    return [cycle[i % len(cycle)](i) for i in range(count)]


def setup_steps() -> list[Step]:
    return [Step(DEMO_BADGE.encode(), "ok", "Signed in"), Step(DEMO_ORDER.encode(), "ok", DEMO_ORDER)]


# -- the station ---------------------------------------------------------------------------------------

def station_config(workdir: Path, port: str) -> Config:
    prints = f"pdf:{workdir / 'prints'}"
    config = validate({
        "station": {"id": "BENCH-01", "number": 1},
        "database": {"url": f"sqlite:///{workdir / 'station.db'}"},
        "scanner": {"port": port},
        "printers": {name: {"target": prints} for name in ("label", "item", "document")},
    })
    return replace(config, data_dir=workdir)


class _Published:
    """Collects (time, screen) for every ScreenChanged, on the consumer thread."""

    def __init__(self) -> None:
        self.items: list[tuple[float, ScreenState]] = []
        self.arrived = threading.Event()

    def __call__(self, event: object) -> None:
        if isinstance(event, ScreenChanged):
            self.items.append((time.perf_counter(), event.state))
            self.arrived.set()


StepRunner = Callable[[Step], float]


@contextmanager
def station_side(workdir: Path, warmup: Sequence[Step]) -> Iterator[StepRunner]:
    """A real station on a pty, signed in with the demo order open and warmed up; yields a step
    function returning one scan's latency. On exit, checks that every step committed its audit row."""
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    order = next(o for o in data["orders"] if o["order_number"] == DEMO_ORDER)
    with open_pty() as pty:
        app = build_station(station_config(workdir, pty.port), catalog_file=data["catalog"])
        with app.db.unit_of_work() as session:  # offline: the order comes from the local cache
            cache_order(session, order)
        published = _Published()
        app.core.subscribe(published)
        app.start()
        try:
            deadline = time.monotonic() + STEP_TIMEOUT_S
            while not app.core.status().scanner_ok:
                if time.monotonic() > deadline:
                    raise BenchmarkInvalid(f"scanner on {pty.port} did not connect")
                time.sleep(0.01)
            for step in [*setup_steps(), *warmup]:
                _station_step(pty, published, step)
            yield lambda step: _station_step(pty, published, step)
        finally:
            app.stop()
        with app.db.read() as session:
            rows = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
        app.db.dispose()
        if rows != len(published.items):
            raise BenchmarkInvalid(f"{len(published.items)} scans handled but {rows} audit rows committed")


def _station_step(pty: Pty, published: _Published, step: Step) -> float:
    published.arrived.clear()
    before = len(published.items)
    started = time.perf_counter()
    _write(pty.master, step.frame + TERMINATOR)
    if not published.arrived.wait(STEP_TIMEOUT_S):
        raise BenchmarkInvalid(f"no screen published for {step.frame!r} within {STEP_TIMEOUT_S:g} s")
    if len(published.items) != before + 1:
        raise BenchmarkInvalid(f"{step.frame!r} published {len(published.items) - before} screens")
    at, state = published.items[-1]
    feedback = state.feedback
    if feedback.level != step.level or step.text not in feedback.message:
        raise BenchmarkInvalid(f"{step.frame!r}: expected {step.level} {step.text!r}, "
                               f"got {feedback.level} {feedback.message!r} ({feedback.detail})")
    return at - started


# -- the baseline ------------------------------------------------------------------------------------------

_STOP_FRAME = b"--stop--"
_BASELINE_SCHEMA = """CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, station_id TEXT NOT NULL,
    operator_badge TEXT, operator_role TEXT, action TEXT NOT NULL, subject TEXT,
    detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"""
_BASELINE_INSERT = ("INSERT INTO audit_log (at, station_id, operator_badge, operator_role, action, "
                    "subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


class _RawReader(threading.Thread):
    """Reads the pty slave with os.read until each terminator and commits one row per frame."""

    def __init__(self, slave: int, db_path: Path) -> None:
        super().__init__(name="baseline-reader", daemon=True)
        self._slave = slave
        self._db_path = db_path
        self.times: list[float] = []
        self.arrived = threading.Event()
        self.ready = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            db = sqlite3.connect(self._db_path, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=FULL"):
                db.execute(f"PRAGMA {pragma}")
            db.execute(_BASELINE_SCHEMA)
            self.ready.set()
            buffer = b""
            while True:
                buffer += os.read(self._slave, 4096)
                while TERMINATOR in buffer:
                    frame, buffer = buffer.split(TERMINATOR, 1)
                    if frame == _STOP_FRAME:
                        db.close()
                        return
                    self._commit(db, frame)
                    self.times.append(time.perf_counter())
                    self.arrived.set()
        except BaseException as exc:  # reported to the measuring thread, which raises it
            self.error = exc
            self.ready.set()
            self.arrived.set()

    @staticmethod
    def _commit(db: sqlite3.Connection, frame: bytes) -> None:
        code = frame.decode("latin-1")
        detail = json.dumps({"code": code, "reason": "not on order"})
        db.execute("BEGIN IMMEDIATE")
        db.execute(_BASELINE_INSERT, (time.strftime("%Y-%m-%dT%H:%M:%S"), "BENCH-01", DEMO_BADGE,
                                      "packer", "scan.refused", DEMO_ORDER, detail, "0" * 64, "f" * 64))
        db.execute("COMMIT")


@contextmanager
def baseline_side(workdir: Path, warmup: Sequence[Step]) -> Iterator[StepRunner]:
    """A raw pty reader committing one row per frame, warmed up; yields a step function."""
    with open_pty() as pty:
        reader = _RawReader(pty.slave, workdir / "baseline.db")
        reader.start()
        reader.ready.wait(STEP_TIMEOUT_S)
        try:
            for step in [*setup_steps(), *warmup]:
                _baseline_step(pty, reader, step)
            yield lambda step: _baseline_step(pty, reader, step)
        finally:
            _write(pty.master, _STOP_FRAME + TERMINATOR)
            reader.join(STEP_TIMEOUT_S)


def _baseline_step(pty: Pty, reader: _RawReader, step: Step) -> float:
    reader.arrived.clear()
    before = len(reader.times)
    started = time.perf_counter()
    _write(pty.master, step.frame + TERMINATOR)
    if not reader.arrived.wait(STEP_TIMEOUT_S) or reader.error is not None:
        raise BenchmarkInvalid(f"baseline: {step.frame!r} not committed") from reader.error
    if len(reader.times) != before + 1:
        raise BenchmarkInvalid(f"baseline: {step.frame!r} committed {len(reader.times) - before} rows")
    return reader.times[-1] - started


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# -- the benchmark -----------------------------------------------------------------------------------------

def run(*, quick: bool = False, n: int | None = None) -> Comparison:
    """Measure the station and the baseline in this run; `quick` is the small smoke-test size."""
    count = sample_count(quick, n, QUICK_N, FULL_N)
    warmup = mix(WARMUP, "WARM")
    steps = mix(count, "SCAN")
    station: list[float] = []
    baseline: list[float] = []
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp, \
            station_side(Path(tmp), warmup) as station_step, \
            baseline_side(Path(tmp), warmup) as baseline_step:
        # Interleaved, so that both sides see the same machine load at the same moments.
        for step in steps:
            baseline.append(baseline_step(step))
            station.append(station_step(step))
    return Comparison(
        name=NAME,
        subject_label="station (pty -> committed -> published)",
        subject=Stats.of_seconds(station),
        baseline_label="baseline (pty os.read + 1 SQLite commit)",
        baseline=Stats.of_seconds(baseline),
        goal_p99_ratio=GOAL_P99_RATIO,
        notes=(f"{count} scans one at a time, the two sides interleaved, after {WARMUP} warm-up",
               "mix: counted, not on order, CMD-UNDO, unknown barcode (each commits one audit row); "
               "SQLite WAL synchronous=FULL"),
        load_before=load,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return module_main(run, "python -m bench.scan_latency", __doc__, "measured scans",
                       QUICK_N, FULL_N, argv)


if __name__ == "__main__":
    sys.exit(main())
