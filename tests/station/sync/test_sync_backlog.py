"""A backlog of 100,000 events (a station offline for long) drains completely to the reference backend
on loopback: each delivered exactly once, in stationseq order per subject, nothing left pending.
STATION_BACKLOG_EVENTS changes the count for a local run; CI runs the default."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from sync_helpers import STATION, assert_exactly_once, assert_subject_order

from bench.sync_throughput import backend_conditions, build_backlog
from station.demo import DEMO_DATA
from station.refbackend import ReferenceBackend
from station.storage.db import Database
from station.sync.client import BackendClient
from station.sync.relay import IDLE_POLL_S, Relay, SyncStatus

BACKLOG = int(os.environ.get("STATION_BACKLOG_EVENTS", "100000"))
BUDGET_S = 60.0  # a hint for CI on 2 cores, printed; the assertions are about delivery


def test_a_backlog_of_100000_events_drains_completely(db: Database, backend_token: str) -> None:
    started = time.monotonic()
    ids = build_backlog(db, STATION, BACKLOG)
    built = time.monotonic() - started
    # The backend's own store on tmpfs: see backend_conditions.
    with backend_conditions() as folder:
        store = Path(folder) / "backend.sqlite"
        backend = ReferenceBackend(DEMO_DATA, store, token=backend_token, out=io.StringIO())
        client = BackendClient(backend.url, token=backend_token, station_id=STATION, timeout_s=10)
        with backend:
            relay = Relay(db, client, station_id=STATION)
            drain_started = time.monotonic()
            assert relay.run_once() == IDLE_POLL_S
            drained = time.monotonic() - drain_started
            client.close()
            assert relay.status == SyncStatus(True, "backend reachable", 0, 0)
            assert_exactly_once(db, store, ids, backend=backend)
            assert_subject_order(store)
    print(f"{BACKLOG} events on {db.dialect}: built in {built:.1f} s, drained in {drained:.1f} s "
          f"({BACKLOG / drained:.0f} events/s), {time.monotonic() - started:.1f} s in all "
          f"(budget {BUDGET_S:g} s)")
