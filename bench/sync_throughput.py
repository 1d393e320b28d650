"""Sync throughput: the station's relay draining a backlog of station.order.packed events from its
SQLite outbox to the reference backend on loopback, against a same-run baseline of plain requests
posting the same batches (same bodies, same size) to a fresh reference backend. Goal: half its rate."""

from __future__ import annotations

import io
import itertools
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import requests
from sqlalchemy import Table, insert, select, update

from bench.common import (
    NOISY_TAIL,
    Comparison,
    Stats,
    load_average,
    machine_warnings,
    module_main,
    sample_count,
)
from station.demo import DEMO_DATA
from station.domain.catalog import parse_catalog
from station.domain.orders import parse_order
from station.refbackend import ReferenceBackend, Reply, Request
from station.storage.db import Database
from station.storage.models import CounterRow, OutboxRow
from station.storage.outbox import cloudevent, next_counter, rfc3339
from station.sync.client import EVENTS_CONTENT_TYPE, BackendClient
from station.sync.relay import Relay
from station.workflows.packed_event import packed_event_data
from station.workflows.packing import Package, PackingState, Unit

NAME = "sync throughput"
GOAL_RATE_RATIO = 0.5  # the relay delivers at least half the baseline's events per second
FULL_N = 100_000
QUICK_N = 1_000
BATCH = 100  # backend.batch_size's default
STATION = "PACK-01"
TOKEN = "bench-token-5d2e8a"
T0 = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)
OPERATOR = {"badge": "EMP-1001", "name": "Ana Silva"}


class BenchmarkInvalid(RuntimeError):
    """A side did not deliver what the comparison assumes: the numbers would not mean anything."""


# -- the backlog ---------------------------------------------------------------------------------------

def demo_packed_data(station_id: str) -> list[dict[str, Any]]:
    """station.order.packed data for each demo order, every line packed in one BOX-M, built by the
    station's own packed_event_data."""
    raw = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    catalog = parse_catalog(raw["catalog"])
    data = []
    for raw_order in raw["orders"]:
        order = parse_order(raw_order)
        units = tuple(Unit(seq=i, line_id=line.line_id, sku=line.sku, quantity=line.quantity,
                           barcode=line.sku) for i, line in enumerate(order.lines, 1))
        state = PackingState(order, units=units, last_seq=len(units),
                             packages=(Package(1, box="BOX-M", weight_g=1200),))
        data.append(packed_event_data(state, catalog, station_id=station_id, operator=OPERATOR,
                                      packed_at=rfc3339(T0), duration_s=74))
    return data


def build_backlog(db: Database, station_id: str, count: int) -> list[str]:
    """`count` pending events as record_event writes them (a uuid4 id, the next stationseqs of the
    station's counter, the time to the second), inserted in one transaction; their ids in order."""
    orders = demo_packed_data(station_id)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with db.unit_of_work() as session:
        first = next_counter(session, station_id, "stationseq")
        session.execute(update(CounterRow).where(  # the rest of the block, in one step
            CounterRow.station_id == station_id, CounterRow.name == "stationseq")
            .values(value=CounterRow.value + (count - 1)))
        rows = []
        for i, event_id in enumerate(ids):
            data = orders[i % len(orders)]
            moment = T0 + timedelta(seconds=i)
            rows.append({"id": event_id, "station_id": station_id, "stationseq": first + i,
                         "type": "station.order.packed", "subject": data["order_number"],
                         "time": moment, "data": {**data, "packed_at": rfc3339(moment)},
                         "state": "pending", "attempts": 0, "next_attempt_at": None})
        session.connection().execute(insert(cast(Table, OutboxRow.__table__)), rows)
    return ids


def backlog_batches(db: Database, size: int) -> list[list[dict[str, Any]]]:
    """The pending events as the relay posts them: CloudEvents in stationseq order, `size` a batch."""
    with db.read() as session:
        events = [cloudevent(row) for row in session.scalars(
            select(OutboxRow).where(OutboxRow.state == "pending").order_by(OutboxRow.stationseq))]
    return [events[i:i + size] for i in range(0, len(events), size)]


# -- the backend ---------------------------------------------------------------------------------------

@contextmanager
def backend_conditions() -> Iterator[Path]:
    """A folder for the backend's dedup store, on tmpfs where there is one: the reference backend
    commits each accepted event (an fsync on a disk), which would hide what the station itself
    costs."""
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="station-sync-", dir=where) as folder:
        yield Path(folder)


@dataclass
class Side:
    seconds: float
    gaps: list[float]  # between the arrivals of successive batches at the backend


def measure(store: Path, count: int, send: Callable[[str], None]) -> Side:
    """Start a fresh backend, time `send(url)`, check the backend stored and accepted `count` events."""
    arrivals: list[float] = []

    def arrival(request: Request) -> Reply | None:
        if request.method == "POST" and request.path == "/v1/events":
            arrivals.append(time.perf_counter())
        return None

    backend = ReferenceBackend(DEMO_DATA, store, token=TOKEN, out=io.StringIO())
    backend.hooks.append(arrival)
    with backend:
        started = time.perf_counter()
        send(backend.url)
        seconds = time.perf_counter() - started
        accepted = len(backend.notifications())
    if accepted != count:
        raise BenchmarkInvalid(f"the backend accepted {accepted} of {count} events")
    return Side(seconds, [b - a for a, b in itertools.pairwise(arrivals)] or [seconds])


def post_plainly(batches: list[list[dict[str, Any]]]) -> Callable[[str], None]:
    """The baseline: one requests.Session posting each batch and reading its results."""
    def send(url: str) -> None:
        with requests.Session() as session:
            session.headers.update({"Authorization": f"Bearer {TOKEN}", "Content-Type": EVENTS_CONTENT_TYPE})
            for batch in batches:
                body = json.dumps(batch, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                response = session.post(f"{url}/v1/events", data=body, timeout=10)
                response.raise_for_status()
                results = response.json()["results"]
                if any(result["status"] != "accepted" for result in results):
                    raise BenchmarkInvalid(f"baseline batch not accepted: {results[:2]}")
    return send


def drain_with_relay(db: Database) -> Callable[[str], None]:
    """The station: its Relay draining the outbox in one round, as after a day offline."""
    def send(url: str) -> None:
        client = BackendClient(url, token=TOKEN, station_id=STATION, timeout_s=10)
        try:
            relay = Relay(db, client, station_id=STATION, batch_size=BATCH)
            relay.run_once()
        finally:
            client.close()
        if relay.status.waiting or relay.status.dead or not relay.status.reachable:
            raise BenchmarkInvalid(f"the relay did not drain the outbox: {relay.status}")
    return send


# -- the result ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Throughput(Comparison):
    """Events per second of both sides; the rows of Stats are the time per batch at the backend."""

    events: int = 0
    subject_s: float = 0.0
    baseline_s: float = 0.0
    goal_rate_ratio: float = GOAL_RATE_RATIO

    @property
    def subject_rate(self) -> float:
        return self.events / self.subject_s

    @property
    def baseline_rate(self) -> float:
        return self.events / self.baseline_s

    @property
    def rate_ratio(self) -> float:
        return self.subject_rate / self.baseline_rate

    @property
    def goal_met(self) -> bool:
        return self.rate_ratio >= self.goal_rate_ratio

    def table(self) -> str:
        width = max(len(self.subject_label), len(self.baseline_label))
        rows = [f"{'':<{width}}  {'events':>7}  {'seconds':>8}  {'events/s':>9}  {'batch p50 ms':>12}  "
                f"{'p99 ms':>8}"] + [
            f"{label:<{width}}  {self.events:>7}  {seconds:>8.2f}  {self.events / seconds:>9.0f}  "
            f"{stats.p50_ms:>12.2f}  {stats.p99_ms:>8.2f}"
            for label, seconds, stats in ((self.subject_label, self.subject_s, self.subject),
                                          (self.baseline_label, self.baseline_s, self.baseline))]
        rows.append(f"{'ratio':<{width}}  {'':>7}  {'':>8}  {self.rate_ratio:>8.2f}x  "
                    f"{self.p50_ratio:>11.2f}x  {self.p99_ratio:>7.2f}x")
        verdict = "met" if self.goal_met else "MISSED"
        lines = [f"== {self.name}", *rows,
                 f"goal: events/s ratio >= {self.goal_rate_ratio:g}: {verdict} ({self.rate_ratio:.2f})"]
        lines += [f"note: {note}" for note in self.notes]
        lines += machine_warnings(self.load_before, self.baseline,
                                  f"the baseline's batches vary a lot (p99 > {NOISY_TAIL:g}x p50): "
                                  "the machine was busy")
        return "\n".join(lines)


def run(*, quick: bool = False, n: int | None = None) -> Throughput:
    """Drain `n` events both ways in this run (baseline first, each to its own fresh backend)."""
    count = sample_count(quick, n, QUICK_N, FULL_N)
    with tempfile.TemporaryDirectory(prefix="station-bench-") as work, backend_conditions() as stores:
        db = Database(f"sqlite:///{Path(work) / 'station.db'}")
        try:
            db.upgrade()
            build_backlog(db, STATION, count)
            batches = backlog_batches(db, BATCH)
            load = load_average()
            baseline = measure(stores / "baseline.sqlite", count, post_plainly(batches))
            subject = measure(stores / "relay.sqlite", count, drain_with_relay(db))
        finally:
            db.dispose()
    notes = (f"{count} events in batches of {BATCH}, each side to its own fresh reference backend "
             "in this process; the station's outbox in SQLite on disk (synchronous=FULL)",
             "baseline: json.dumps of the same CloudEvents and requests.Session.post, results read",
             "backend store on tmpfs where available, TCP_NODELAY on its connections")
    return Throughput(
        name=NAME, subject_label="relay (station outbox)", subject=Stats.of_seconds(subject.gaps),
        baseline_label="baseline (plain requests)", baseline=Stats.of_seconds(baseline.gaps),
        goal_p99_ratio=1 / GOAL_RATE_RATIO, notes=notes, load_before=load,
        events=count, subject_s=subject.seconds, baseline_s=baseline.seconds)


def main(argv: Sequence[str] | None = None) -> int:
    return module_main(run, "python -m bench.sync_throughput", __doc__, "events", QUICK_N, FULL_N, argv)


if __name__ == "__main__":
    sys.exit(main())
