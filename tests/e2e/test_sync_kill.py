"""kill -9 while the station's POST of events is in flight: after the restart each event is stored
once at the backend, with the id and body of the first attempt, and the outbox shows it delivered."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import select

from station.refbackend import Reply, Request
from station.storage.db import Database
from station.storage.models import OutboxRow
from tests.e2e.conftest import Backend, PtyScanner, wait_for, write_config
from tests.e2e.station_process import StationProcess
from tests.station.sync.sync_helpers import ORDERS, record


def outbox(db: Database) -> dict[str, tuple[str, str | None]]:
    """Each event's state and lease owner."""
    with db.read() as session:
        return {row.id: (row.state, row.lease_owner) for row in session.scalars(select(OutboxRow))}


def stored_bodies(path: Path) -> dict[str, list[dict[str, object]]]:
    """Every event body the backend stored, by id."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT id, body FROM events").fetchall()
    finally:
        connection.close()
    bodies: dict[str, list[dict[str, object]]] = {}
    for event_id, body in rows:
        bodies.setdefault(event_id, []).append(json.loads(body))
    return bodies


def test_killed_during_a_post_the_events_are_delivered_once_after_restart(
        tmp_path: Path, backend: Backend, pty_scanner: PtyScanner) -> None:
    config = write_config(tmp_path, backend.url, pty_scanner.port)
    db = Database(f"sqlite:///{tmp_path / 'station.db'}")
    db.upgrade()
    ids = record(db, ORDERS[:3])
    in_flight, release = threading.Event(), threading.Event()

    def hold_the_first_post(request: Request) -> Reply | None:
        if request.method == "POST" and request.path == "/v1/events" and not in_flight.is_set():
            in_flight.set()
            release.wait(60)  # the backend has the request; its answer waits
        return None

    backend.server.hooks.append(hold_the_first_post)
    processes: list[StationProcess] = []

    def start() -> StationProcess:
        processes.append(StationProcess(config, tmp_path, pty_scanner, len(processes) + 1,
                                        badge="EMP-1001", sign_ins=lambda: 0))
        return processes[-1]

    try:
        first = start()
        assert in_flight.wait(30), "the station never posted its events\n" + first.log()
        pid = first.process.pid
        assert {(state, (owner or "").split(":")[-2]) for state, owner in outbox(db).values()} == {
            ("pending", str(pid))}  # leased by the station that is sending them
        first.kill()
        release.set()  # the killed station's request is handled now: the backend stores the events
        store = tmp_path / "backend.db"
        wait_for(lambda: len(stored_bodies(store)) == len(ids), what="the first attempt stored")

        second = start()
        wait_for(lambda: {state for state, _ in outbox(db).values()} == {"delivered"}, timeout=30,
                 what="the outbox delivered after the restart")
        second.stop()
    finally:
        release.set()
        for process in processes:
            process.stop()
        db.dispose()

    first_attempt, *retries = backend.posted
    assert [event["id"] for event in first_attempt] == ids
    assert retries == [first_attempt], "the restart must re-send the same events, byte for byte"
    bodies = stored_bodies(store)
    assert {event_id: len(stored) for event_id, stored in bodies.items()} == dict.fromkeys(ids, 1)
    assert all(bodies[event["id"]] == [event] for event in first_attempt)  # same id, body and time
    assert len(backend.server.notifications()) == len(ids)  # each accepted once, then duplicates
    assert outbox(db) == dict.fromkeys(ids, ("delivered", None))
    for process in processes:
        assert "Traceback" not in process.log(), process.log()
