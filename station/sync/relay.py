"""The outbox relay: claims pending events under a lease, posts them in batches, records each result.

A crash between the POST and the commit re-sends the same event (same id and body): the backend
deduplicates on (source, id), so a fact is never lost and never counted twice.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update

from station.storage.db import Database
from station.storage.models import OutboxRow
from station.storage.outbox import cloudevent, outbox_counts
from station.sync.client import BackendClient, BackendDataError, BackendError, BackendUnreachable

LEASE = timedelta(seconds=120)
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 300.0
IDLE_POLL_S = 30.0
PAUSE_STATUSES = {401: "backend rejected the credentials", 403: "backend rejected the credentials",
                  404: "backend URL or API version is wrong", 405: "backend URL or API version is wrong",
                  410: "backend URL or API version is wrong", 415: "backend URL or API version is wrong"}


@dataclass(frozen=True)
class SyncStatus:
    reachable: bool | None  # None: not tried yet, or offline by configuration
    message: str
    waiting: int
    dead: int
    paused: bool = False


class _Pause(Exception):
    pass


class _RetryAfter(BackendError):
    def __init__(self, seconds: float, message: str) -> None:
        super().__init__(message)
        self.seconds = seconds


class Relay:
    """Delivers the outbox of one station; `run_once` is one round, `start` runs rounds on a thread."""

    def __init__(self, db: Database, client: BackendClient | None, *, station_id: str,
                 batch_size: int = 100, on_status: Callable[[SyncStatus], None] | None = None,
                 rng: Callable[[], float] = random.random) -> None:
        self.db, self.client, self.station_id = db, client, station_id
        self.batch_size = batch_size
        self.owner = f"{station_id}:{uuid.uuid4().hex[:12]}"
        self.on_status = on_status or (lambda _s: None)
        self._rng = rng
        self._failures = 0
        self._paused: str | None = None
        self._hold_until = 0.0  # monotonic time before which no request may be made
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        offline = "offline: no backend configured"
        self.status = SyncStatus(None, offline if client is None else "starting", 0, 0)

    # -- thread ---------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wake(self) -> None:
        """New events were recorded, or an operator asked to retry now."""
        self._wake.set()

    def resume(self) -> None:
        """An operator's retry: leave a pause or a backoff and send now."""
        self._paused = None
        self._failures = 0
        self._hold_until = 0.0
        self.wake()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self.run_once()
            except Exception as exc:  # a bug must not end delivery: report it, back off, go on
                delay = self._backoff(f"relay error: {exc.__class__.__name__}: {exc}")
            self._sleep(delay)

    def _sleep(self, delay: float) -> None:
        """Wait `delay`; a wake ends an idle wait early, never a backoff or a Retry-After."""
        deadline = time.monotonic() + delay
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            woken = self._wake.wait(remaining)
            self._wake.clear()
            if woken and time.monotonic() >= self._hold_until:
                return

    # -- one round --------------------------------------------------------------------------------
    def run_once(self) -> float:
        """Send what is due; return how long to wait before the next round."""
        if self.client is None or self._paused:
            self._publish(None if self.client is None else False,
                          self._paused or "offline: no backend configured")
            return IDLE_POLL_S
        try:
            while not self._stop.is_set():
                ids = self._claim(self.batch_size)
                if not ids:
                    break
                try:
                    self._send(ids)
                except Exception as exc:
                    # Whatever of the batch is still leased goes back at once: else a connection
                    # error or a bad answer would hold it back for LEASE, behind later events.
                    self._unlease(ids, str(exc))
                    raise
        except _Pause as pause:
            self._paused = str(pause)
            self._publish(False, f"{pause}: sending stopped")
            return IDLE_POLL_S
        except _RetryAfter as busy:
            self._publish(False, f"{busy}: waiting {busy.seconds:.0f} s")
            self._hold_until = time.monotonic() + busy.seconds
            return busy.seconds
        except BackendError as exc:
            return self._backoff(str(exc))
        self._failures = 0
        self._publish(True, "backend reachable")
        return IDLE_POLL_S

    def _send(self, ids: list[str]) -> None:
        events = self._events(ids)
        result = self.client.post_events(events) if self.client else None
        assert result is not None
        if result.status == 200 and result.results is not None:
            self._record_results(ids, result.results)
        elif result.status in (400, 422, 413):
            self._split(ids, result.status)
        elif result.status in PAUSE_STATUSES:
            self._release(ids, f"backend answered {result.status}")
            raise _Pause(PAUSE_STATUSES[result.status])
        elif result.status in (429, 503) and result.retry_after_s is not None:
            self._release(ids, f"backend busy ({result.status})")
            raise _RetryAfter(result.retry_after_s, f"backend busy ({result.status})")
        else:
            self._release(ids, f"backend error {result.status}")
            raise BackendUnreachable(f"backend error {result.status}")

    def _split(self, ids: list[str], status: int) -> None:
        if status == 413:
            self.batch_size = max(1, min(self.batch_size, len(ids)) // 2)
        if len(ids) == 1:
            self._dead(ids[0], f"backend refused the event ({status})")
            return
        half = len(ids) // 2
        for part in (ids[:half], ids[half:]):
            self._send(part)

    # -- database ---------------------------------------------------------------------------------
    def _claim(self, limit: int) -> list[str]:
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            query = (select(OutboxRow.id)
                     .where(OutboxRow.station_id == self.station_id, OutboxRow.state == "pending",
                            or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now))
                     .order_by(OutboxRow.stationseq).limit(limit))
            if self.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = list(s.execute(query).scalars())
            if ids:
                s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids))
                          .values(lease_owner=self.owner, lease_until=now + LEASE,
                                  attempts=OutboxRow.attempts + 1))
        return ids

    def _events(self, ids: list[str]) -> list[dict[str, object]]:
        with self.db.read() as s:
            rows = s.execute(select(OutboxRow).where(OutboxRow.id.in_(ids))
                             .order_by(OutboxRow.stationseq)).scalars()
            return [cloudevent(row) for row in rows]

    def _record_results(self, ids: list[str], results: list[dict[str, object]]) -> None:
        by_id = {str(r.get("id")): r for r in results}
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            for row in s.execute(select(OutboxRow).where(OutboxRow.id.in_(ids))).scalars():
                result = by_id.get(row.id, {})
                status = result.get("status")
                row.lease_owner, row.lease_until = None, None
                if status in ("accepted", "duplicate"):
                    row.state, row.delivered_at, row.last_error = "delivered", now, None
                elif status == "rejected":
                    row.state, row.last_error = "dead", str(result.get("error") or "rejected")[:2000]
                else:
                    row.last_error = "backend gave no result for this event"
        if any(i not in by_id for i in ids):
            raise BackendDataError("backend gave no result for some events")

    def _release(self, ids: list[str], error: str) -> None:
        with self.db.unit_of_work() as s:
            s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.state == "pending")
                      .values(lease_owner=None, lease_until=None, last_error=error))

    def _unlease(self, ids: list[str], error: str) -> None:
        with self.db.unit_of_work() as s:
            s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.lease_owner == self.owner)
                      .values(lease_owner=None, lease_until=None, last_error=error[:2000]))

    def _dead(self, event_id: str, error: str) -> None:
        with self.db.unit_of_work() as s:
            s.execute(update(OutboxRow).where(OutboxRow.id == event_id)
                      .values(state="dead", last_error=error, lease_owner=None, lease_until=None))

    # -- status -----------------------------------------------------------------------------------
    def _backoff(self, message: str) -> float:
        self._failures += 1
        self._publish(False, message)
        ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** min(self._failures - 1, 20))
        delay = self._rng() * ceiling  # full jitter
        self._hold_until = time.monotonic() + delay
        return delay

    def _publish(self, reachable: bool | None, message: str) -> None:
        with self.db.read() as s:
            counts = outbox_counts(s)
        self.status = SyncStatus(reachable, message, counts["pending"], counts["dead"],
                                 paused=self._paused is not None)
        self.on_status(self.status)

