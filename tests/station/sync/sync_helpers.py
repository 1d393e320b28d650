"""What the sync tests share: events in the outbox, what the backend received and stored, the
"delivered exactly once by id or dead-lettered, none lost" check, and a proxy that resets connections."""

from __future__ import annotations

import http.client
import json
import socket
import sqlite3
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import select

from station.refbackend import ReferenceBackend, Reply, Request
from station.storage.db import Database
from station.storage.models import OutboxRow
from station.storage.outbox import record_event

STATION = "PACK-01"
ORDERS = [f"SO-1002{n}" for n in range(34, 44)]  # every order of the demo data
T0 = datetime(2026, 11, 22, 14, 0, 0, tzinfo=UTC)

Batch = list[dict[str, Any]]
Hook = Callable[[Request], "Reply | None"]


class Posts:
    """A hook that lets every request through and remembers the event batches posted (thread-safe)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply | None:
        with self._lock:
            self.requests.append(request)
        return None

    @property
    def posted(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and r.path == "/v1/events"]

    @property
    def batches(self) -> list[list[str]]:
        return [[event["id"] for event in json.loads(r.body)] for r in self.posted]

    def times_posted(self) -> Counter[str]:
        """How many times each event id was posted."""
        return Counter(event_id for batch in self.batches for event_id in batch)


def on_events(reply: Reply | Callable[[Batch], Reply | None]) -> Hook:
    """A hook answering POST /v1/events with `reply` (or with what reply(batch) returns)."""
    def hook(request: Request) -> Reply | None:
        if request.method != "POST" or request.path != "/v1/events":
            return None
        return reply(json.loads(request.body)) if callable(reply) else reply
    return hook


def packed_data(order_number: str, station: str = STATION) -> dict[str, Any]:
    return {"order_number": order_number, "packed_at": "2026-11-22T14:00:00Z", "station_id": station,
            "operator": {"badge": "EMP-1001", "name": "Ana Silva"}, "duration_s": 60,
            "packages": [], "inserts": [], "skipped_inserts": [], "short_items": [], "override": None}


def record(db: Database, subjects: list[str], station: str = STATION) -> list[str]:
    """Record one station.order.packed event per subject, in order, each in its own transaction."""
    ids = []
    for i, subject in enumerate(subjects):
        with db.unit_of_work() as session:
            row = record_event(session, station_id=station, type="station.order.packed",
                               subject=subject, data=packed_data(subject, station),
                               time=T0 + timedelta(seconds=i))
            ids.append(row.id)
    return ids


def states(db: Database) -> dict[str, tuple[str, str | None]]:
    """Each event's state and last error (plain rows: quick for a backlog of 100,000 too)."""
    with db.read() as session:
        rows = session.execute(select(OutboxRow.id, OutboxRow.state, OutboxRow.last_error))
        return {event_id: (state, error) for event_id, state, error in rows}


def leased(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(OutboxRow.id).where(OutboxRow.lease_owner.is_not(None))))


def backend_store(path: Path) -> list[tuple[str, str, int]]:
    """(id, subject, stationseq) of every event the backend accepted, in the order it accepted them."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT id, subject, stationseq FROM events ORDER BY rowid").fetchall()
    finally:
        connection.close()


def assert_exactly_once(db: Database, store: Path, ids: list[str], *, dead: tuple[str, ...] = (),
                        backend: ReferenceBackend | None = None) -> None:
    """Every recorded event is delivered exactly once (by id) or in the dead-letter list; none lost.

    The backend's notifications (one per accepted event, none for a duplicate) show that each
    stored event was accepted once; pass `backend` when it is the one that accepted them all.
    """
    outbox = states(db)
    assert sorted(outbox) == sorted(ids), "the outbox lost an event or gained one"
    dead_letters = {event_id for event_id, (state, _) in outbox.items() if state == "dead"}
    assert dead_letters == set(dead), f"dead letters {dead_letters}, expected {set(dead)}"
    delivered = {event_id for event_id, (state, _) in outbox.items() if state == "delivered"}
    missing = set(ids) - delivered - dead_letters
    assert not missing, f"{len(missing)} event(s) neither delivered nor dead: {sorted(missing)[:5]}"
    stored = [event_id for event_id, _, _ in backend_store(store)]
    assert len(stored) == len(set(stored)), "the backend stored an event twice"
    assert set(stored) == delivered, "the backend's events and the outbox's delivered ones differ"
    if backend is not None:
        assert len(backend.notifications()) == len(delivered), "an event was accepted more than once"


def assert_subject_order(store: Path) -> None:
    """Each subject's events reached the backend in stationseq order (per source station)."""
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT source, subject, stationseq FROM events ORDER BY rowid").fetchall()
    finally:
        connection.close()
    by_subject: dict[tuple[str, str], list[int]] = {}
    for source, subject, seq in rows:
        by_subject.setdefault((source, subject), []).append(seq)
    for (source, subject), seqs in by_subject.items():
        assert seqs == sorted(seqs), f"{source} {subject} delivered out of stationseq order: {seqs}"


# -- a proxy that resets connections -------------------------------------------------------------------

class ResettingProxy(ThreadingHTTPServer):
    """A real HTTP server on loopback in front of the reference backend. Each POST takes the next
    action of `plan`: "reset-mid-body" (reads half the body, then RST), "reset-after-backend"
    (the backend handled it; the answer is replaced by a RST), or "forward"; then every request is
    forwarded. A RST is a close with SO_LINGER 0."""

    daemon_threads = True

    def __init__(self, backend_url: str, plan: list[str]) -> None:
        self.upstream = urlsplit(backend_url)
        self.plan = list(plan)
        self.posts = 0
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def next_action(self, method: str) -> str:
        with self._lock:
            if method != "POST":
                return "forward"
            self.posts += 1
            return self.plan.pop(0) if self.plan else "forward"


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _relay(self) -> None:
        proxy = cast(ResettingProxy, self.server)
        length = int(self.headers.get("Content-Length") or 0)
        action = proxy.next_action(self.command)
        if action == "reset-mid-body":
            self.rfile.read(length // 2)
            self._reset()
            return
        body = self.rfile.read(length)
        upstream = http.client.HTTPConnection(proxy.upstream.hostname or "127.0.0.1",
                                              proxy.upstream.port, timeout=10)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        if action == "reset-after-backend":
            self._reset()
            return
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "content-length", "transfer-encoding", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


@contextmanager
def resetting_proxy(backend_url: str, plan: list[str]) -> Iterator[ResettingProxy]:
    proxy = ResettingProxy(backend_url, plan)
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        thread.join()
        proxy.server_close()
