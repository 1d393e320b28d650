"""The outbox as the sync panel and `station sync` see it: real events, dead letters made by a real
relay against the reference backend, retry and export; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from station.refbackend import ReferenceBackend, Reply, Request
from station.services.sync_view import BackendView, SyncView, backend_view
from station.storage.audit import Actor, verify_chain
from station.storage.db import Database
from station.storage.models import AuditRow, OutboxRow
from station.storage.outbox import cloudevent, record_event
from station.sync.client import BackendClient
from station.sync.relay import Relay, SyncStatus

STATION = "PACK-01"
GOOD = ["SO-100234", "SO-100235", "SO-100236"]  # orders of the demo data: the backend accepts them
T0 = datetime(2026, 11, 22, 14, 0, 0, tzinfo=UTC)
REACHABLE = BackendView("reachable", "backend reachable", "", "backend reachable", True)


def record(db: Database, subjects: list[str], station: str = STATION) -> list[str]:
    """One station.order.packed event per subject, each in its own transaction as the services do."""
    ids = []
    for i, subject in enumerate(subjects):
        with db.unit_of_work() as s:
            data = {"order_number": subject, "packed_at": "2026-11-22T14:00:00Z", "station_id": station,
                    "operator": {"badge": "EMP-1001", "name": "Ana Silva"}, "duration_s": 60,
                    "packages": [], "inserts": [], "skipped_inserts": [], "short_items": [],
                    "override": None}
            row = record_event(s, station_id=station, type="station.order.packed", subject=subject,
                               data=data, time=T0 + timedelta(seconds=i))
            ids.append(row.id)
    return ids


class Posted:
    """A backend hook that keeps every event body posted, as the backend received it."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, Any]] = {}

    def __call__(self, request: Request) -> Reply | None:
        if request.method == "POST" and request.path == "/v1/events":
            self.events.update({event["id"]: event for event in json.loads(request.body)})
        return None


@pytest.fixture
def posted(refbackend: ReferenceBackend) -> Posted:
    hook = Posted()
    refbackend.hooks.append(hook)
    return hook


@pytest.fixture
def relay(db: Database, refbackend: ReferenceBackend, backend_token: str) -> Iterator[Relay]:
    client = BackendClient(refbackend.url, token=backend_token, station_id=STATION, timeout_s=5)
    yield Relay(db, client, station_id=STATION, rng=lambda: 0.5)
    client.close()


@pytest.fixture
def outbox(db: Database, relay: Relay, posted: Posted) -> tuple[list[str], list[str], list[str]]:
    """Three delivered, two dead (rejected by the backend: unknown orders), then two waiting."""
    delivered = record(db, GOOD)
    dead = record(db, ["SO-1", "SO-2"])
    relay.run_once()
    waiting = record(db, ["SO-100237", "SO-100238"])
    return delivered, dead, waiting


def test_snapshot_counts_and_lists_waiting_and_dead_events_oldest_first(
        db: Database, outbox: tuple[list[str], list[str], list[str]]) -> None:
    _, dead, waiting = outbox

    snap = SyncView(db, STATION).snapshot(REACHABLE)

    assert (snap.counts.pending, snap.counts.delivered, snap.counts.dead) == (2, 3, 2)
    assert [e.id for e in snap.waiting] == waiting and [e.id for e in snap.dead_letters] == dead
    first = snap.dead_letters[0]
    assert (first.stationseq, first.type, first.subject, first.state) == (4, "station.order.packed", "SO-1",
                                                                          "dead")
    assert first.error == "unknown order SO-1" and first.attempts == 1 and not first.sending
    assert first.time == T0 + timedelta(seconds=0)
    assert [e.error for e in snap.waiting] == [None, None] and [e.attempts for e in snap.waiting] == [0, 0]
    assert [e.stationseq for e in snap.waiting] == [6, 7]
    assert snap.backend is REACHABLE and snap.station_id == STATION


def test_snapshot_shows_the_first_rows_and_counts_them_all(db: Database) -> None:
    ids = record(db, [f"SO-9{n:02}" for n in range(12)])
    record(db, ["SO-OTHER"], station="PACK-02")  # another station's event on a shared database

    snap = SyncView(db, STATION).snapshot(REACHABLE, limit=5)

    assert [e.id for e in snap.waiting] == ids[:5]
    assert snap.counts.pending == 12 and snap.dead_letters == ()
    assert SyncView(db, "PACK-02").counts().pending == 1


def test_retry_moves_every_dead_letter_back_unchanged_and_audits_it(
        db: Database, outbox: tuple[list[str], list[str], list[str]]) -> None:
    _, dead, waiting = outbox
    view = SyncView(db, STATION)
    with db.read() as s:
        before = {row.id: cloudevent(row) for row in s.scalars(select(OutboxRow))}

    moved = view.retry_dead(actor=Actor("EMP-9001", "supervisor"))

    assert moved == 2
    snap = view.snapshot(REACHABLE)
    assert snap.counts.dead == 0 and [e.id for e in snap.waiting] == dead + waiting  # stationseq order
    assert snap.waiting[0].error == "unknown order SO-1"  # why it died stays visible
    with db.read() as s:
        assert {row.id: cloudevent(row) for row in s.scalars(select(OutboxRow))} == before
        audit = s.scalars(select(AuditRow)).all()
        assert verify_chain(s) is None
    assert [(a.action, a.operator_badge, a.detail) for a in audit] == [
        ("outbox.dead_letters_retried", "EMP-9001", {"count": 2, "events": dead})]


def test_retry_of_chosen_dead_letters_leaves_the_others(
        db: Database, outbox: tuple[list[str], list[str], list[str]], relay: Relay) -> None:
    delivered, dead, _ = outbox
    view = SyncView(db, STATION)

    assert view.retry_dead([dead[1], delivered[0]]) == 1  # a delivered event is not "retried"
    assert [e.id for e in view.events("dead")] == [dead[0]]
    assert view.retry_dead([]) == 0 and view.retry_dead([delivered[0]]) == 0
    with db.read() as s:
        assert len(s.scalars(select(AuditRow)).all()) == 1  # nothing moved: nothing audited

    relay.run_once()  # the backend rejects it again: back in the dead letters, with its error
    assert [(e.id, e.error, e.attempts) for e in view.events("dead")] == [
        (dead[0], "unknown order SO-1", 1), (dead[1], "unknown order SO-2", 2)]
    assert view.counts().delivered == 5


def test_export_writes_the_cloudevents_as_sent_with_state_and_error(
        db: Database, outbox: tuple[list[str], list[str], list[str]], posted: Posted, tmp_path: Path,
        backend_token: str) -> None:
    _, dead, waiting = outbox
    view = SyncView(db, STATION)
    path = tmp_path / "exports" / "events.json"

    assert view.export(path) == 4
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["station_id"] == STATION and document["which"] == "undelivered"
    events = document["events"]
    assert [e["event"]["id"] for e in events] == dead + waiting
    assert [(e["state"], e["error"]) for e in events] == [
        ("dead", "unknown order SO-1"), ("dead", "unknown order SO-2"), ("pending", None), ("pending", None)]
    for exported in events[:2]:  # byte for byte what the backend was sent
        assert exported["event"] == posted.events[exported["event"]["id"]]
    with db.read() as s:
        rows = {row.id: cloudevent(row) for row in s.scalars(select(OutboxRow))}
    assert all(e["event"] == json.loads(json.dumps(rows[e["event"]["id"]])) for e in events)
    assert backend_token not in text and "Bearer" not in text

    assert view.export(path, "dead") == 2  # replaces the file
    assert [e["event"]["id"] for e in json.loads(path.read_text())["events"]] == dead
    assert view.export(path, "pending", ids=[waiting[1]]) == 1
    assert [p.name for p in path.parent.iterdir()] == ["events.json"]  # no temporary file left


@pytest.mark.parametrize("status, configured, state, words, hint", [
    (SyncStatus(None, "offline: no backend configured", 0, 0), False, "offline",
     "offline: no backend configured", "events wait in the outbox"),
    (SyncStatus(None, "starting", 0, 0), True, "connecting", "connecting…", ""),
    (SyncStatus(True, "backend reachable", 3, 0), True, "reachable", "backend reachable", ""),
    (SyncStatus(False, "backend error 502", 3, 0), True, "unreachable", "backend unreachable",
     "backend error 502: trying again by itself"),
    (SyncStatus(False, "backend rejected the credentials: sending stopped", 3, 0, paused=True), True,
     "rejected", "backend rejected the credentials",
     "sending stopped until the token changes or an operator retries"),
    (SyncStatus(False, "backend URL or API version is wrong: sending stopped", 3, 0, paused=True), True,
     "misconfigured", "backend URL or API version is wrong",
     "sending stopped until the configuration is put right or an operator retries"),
])
def test_backend_state_in_words(status: SyncStatus, configured: bool, state: str, words: str,
                                hint: str) -> None:
    view = backend_view(status, configured)
    assert (view.state, view.words, view.hint, view.detail) == (state, words, hint, status.message)
    assert view.ok == (state == "reachable")
