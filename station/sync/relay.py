"""The outbox relay: claims a station's pending events under a lease, posts them in batches and
records each result. A crash between the POST and the commit re-sends the same event (same id and
body); the backend deduplicates on (source, id), so a fact is never lost and never counted twice."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from typing import cast as type_cast

from sqlalchemy import (
    Row,
    Table,
    Text,
    bindparam,
    cast,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from station.storage.db import Database
from station.storage.models import OutboxRow
from station.storage.outbox import cloudevent
from station.sync.client import BackendClient, BackendDataError, BackendError, BackendUnreachable

LEASE = timedelta(seconds=120)
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 300.0
IDLE_POLL_S = 30.0
CLAIM_BATCHES = 4  # batches leased by one claim: fewer commits for a backlog
RENEW_AFTER_S = LEASE.total_seconds() / 4  # a claim's unsent batches keep their lease while it lasts
PAUSE_STATUSES = {401: "backend rejected the credentials", 403: "backend rejected the credentials",
                  404: "backend URL or API version is wrong", 405: "backend URL or API version is wrong",
                  410: "backend URL or API version is wrong", 415: "backend URL or API version is wrong"}

_Row = Row[*tuple[Any, ...]]
_OUTBOX = type_cast(Table, OutboxRow.__table__)
# `data` as the JSON text it is stored as: posted as is, never decoded and encoded again.
_COLUMNS = (_OUTBOX.c.id, _OUTBOX.c.station_id, _OUTBOX.c.stationseq, _OUTBOX.c.type, _OUTBOX.c.subject,
            _OUTBOX.c.time, cast(_OUTBOX.c.data, Text).label("data"), _OUTBOX.c.lease_owner,
            _OUTBOX.c.lease_until)
# Results are marked with one statement per kind; dead letters each carry their own error.
_MARK_DEAD = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("b_id"))
              .values(state="dead", last_error=bindparam("b_error"), lease_owner=None, lease_until=None))


@dataclass(frozen=True)
class SyncStatus:
    reachable: bool | None  # None: not tried yet, or offline by configuration
    message: str
    waiting: int
    dead: int
    paused: bool = False


@dataclass(frozen=True)
class Outgoing:
    """One claimed event: `json` is its CloudEvent, serialised (cloudevent() of the same row)."""

    id: str
    stationseq: int
    json: str

    @classmethod
    def of(cls, row: _Row) -> Outgoing:
        envelope = cloudevent(row)
        data = envelope.pop("data")  # last: spliced back as stored
        head = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        return cls(row.id, row.stationseq, f'{head[:-1]},"data":{data}}}')


@dataclass(frozen=True)
class _Claim:
    events: list[Outgoing] = field(default_factory=list)
    held_s: float = 0.0  # > 0: another live relay of this station holds the next events this long


class _Pause(Exception):
    pass


class _RetryAfter(BackendError):
    def __init__(self, seconds: float, message: str) -> None:
        super().__init__(message)
        self.seconds = seconds


class Relay:
    """Delivers the outbox of one station; `run_once` is one round, `start` runs rounds on a thread.

    Only one relay of a station sends at a time: another one (a second process on a shared database,
    or a restart while the old process still runs) waits while the next events are leased. The lease
    of a crashed process on this machine is taken over at once; any other lease only when it ends.
    """

    def __init__(self, db: Database, client: BackendClient | None, *, station_id: str,
                 batch_size: int = 100, on_status: Callable[[SyncStatus], None] | None = None,
                 rng: Callable[[], float] = random.random) -> None:
        self.db, self.client, self.station_id = db, client, station_id
        self.batch_size = batch_size
        self.owner = f"{station_id[:32]}@{host_tag()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
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
        self._stop.clear()  # a stopped relay may be started again, like the print queue
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
            held = self._drain()
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
        if held:
            self._publish(self.status.reachable, "another relay of this station is sending")
            return min(held, IDLE_POLL_S)
        self._failures = 0
        self._publish(True, "backend reachable")
        return IDLE_POLL_S

    def _drain(self) -> float:
        """Claim and send batches until none is left; > 0: another relay holds the next ones that long."""
        after: int | None = None  # within a round, every event up to this stationseq is done
        while not self._stop.is_set():
            claim = self._claim(after)
            if not claim.events:
                return claim.held_s
            try:
                self._send_claimed(claim.events)
            except Exception as exc:
                # Whatever of the claim is still leased goes back at once: else a connection
                # error or a bad answer would hold it back for LEASE, behind later events.
                self._unlease([event.id for event in claim.events], str(exc))
                raise
            after = claim.events[-1].stationseq
        return 0.0

    def _send_claimed(self, events: list[Outgoing]) -> None:
        start, renewed = 0, time.monotonic()
        while start < len(events):
            if self._stop.is_set():  # the rest goes back at once, for the next start
                self._unlease([event.id for event in events[start:]], "relay stopped")
                return
            if time.monotonic() - renewed > RENEW_AFTER_S:  # a slow backend: keep the rest leased
                self._renew([event.id for event in events[start:]])
                renewed = time.monotonic()
            size = self.batch_size  # a 413 may halve it on the way
            self._send(events[start:start + size], [event.id for event in events[start + size:]])
            start += size

    def _send(self, events: list[Outgoing], later: Sequence[str] = ()) -> None:
        """Post one batch and record the answer; `later`: the claim's events after it, kept leased
        while a refused batch is searched for its bad event (several requests)."""
        ids = [event.id for event in events]
        assert self.client is not None
        result = self.client.post_event_json([event.json for event in events])
        if result.status == 200 and result.results is not None:
            self._record_results(ids, result.results)
        elif result.status in (400, 422, 413):
            self._split(events, result.status, later)
        elif result.status in PAUSE_STATUSES:
            self._release(ids, f"backend answered {result.status}")
            raise _Pause(PAUSE_STATUSES[result.status])
        elif result.status in (429, 503) and result.retry_after_s is not None:
            self._release(ids, f"backend busy ({result.status})")
            raise _RetryAfter(result.retry_after_s, f"backend busy ({result.status})")
        else:
            message = (f"backend redirected ({result.status}), not followed: check backend.url"
                       if 300 <= result.status < 400 else f"backend error {result.status}")
            self._release(ids, message)
            raise BackendUnreachable(message)

    def _split(self, events: list[Outgoing], status: int, later: Sequence[str]) -> None:
        if status == 413:
            self.batch_size = max(1, min(self.batch_size, len(events)) // 2)
        if len(events) == 1:
            self._dead(events[0].id, f"backend refused the event ({status})")
            return
        half = len(events) // 2
        first, second = events[:half], events[half:]
        after_first = [*(event.id for event in second), *later]
        self._renew([*(event.id for event in first), *after_first])
        self._send(first, after_first)
        self._send(second, later)

    # -- database ---------------------------------------------------------------------------------
    def _claim(self, after: int | None) -> _Claim:
        """Lease the next pending events in stationseq order, unless another live relay holds them."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            if self.db.dialect == "postgresql":
                # Claims of one station take turns, so that two never both see the same rows free.
                s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                          {"key": f"station.outbox:{self.station_id}"})
            rows = self._next_pending(s, after)
            held = [row.lease_until for row in rows if self._held_by_other(row, now)]
            if held:
                return _Claim(held_s=max(0.1, (min(held) - now).total_seconds()))
            if rows:
                s.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_([row.id for row in rows]))
                          .values(lease_owner=self.owner, lease_until=now + LEASE,
                                  attempts=_OUTBOX.c.attempts + 1))
        return _Claim([Outgoing.of(row) for row in rows])

    def _next_pending(self, s: Session, after: int | None) -> Sequence[_Row]:
        """The next CLAIM_BATCHES batches of pending events in stationseq order; `after`: where the last
        claim ended."""
        limit = self.batch_size * CLAIM_BATCHES
        if after is not None:
            # The stationseqs right after the last batch, read from the (station_id, stationseq)
            # index alone: a bounded read on any database, whatever its statistics say.
            window = s.execute(select(*_COLUMNS, _OUTBOX.c.state).where(
                _OUTBOX.c.station_id == self.station_id, _OUTBOX.c.stationseq > after,
                _OUTBOX.c.stationseq <= after + limit).order_by(_OUTBOX.c.stationseq)).all()
            pending = [row for row in window if row.state == "pending"]
            if pending:
                return pending
        # ix_outbox_station_state: this station's pending rows, already in stationseq order.
        return s.execute(select(*_COLUMNS).where(_OUTBOX.c.station_id == self.station_id,
                                                 _OUTBOX.c.state == "pending")
                         .order_by(_OUTBOX.c.stationseq).limit(limit)).all()

    def _held_by_other(self, row: _Row, now: datetime) -> bool:
        return (row.lease_until is not None and row.lease_until >= now
                and row.lease_owner not in (None, self.owner) and not owner_is_gone(row.lease_owner))

    def _record_results(self, ids: list[str], results: Sequence[dict[str, object]]) -> None:
        by_id = {str(r.get("id")): r for r in results}
        delivered: list[str] = []
        dead: list[dict[str, str]] = []
        unknown: list[str] = []
        for event_id in ids:
            status = by_id.get(event_id, {}).get("status")
            if status in ("accepted", "duplicate"):
                delivered.append(event_id)
            elif status == "rejected":
                error = str(by_id[event_id].get("error") or "rejected")[:2000]
                dead.append({"b_id": event_id, "b_error": error})
            else:
                unknown.append(event_id)
        with self.db.unit_of_work() as s:
            if delivered:
                s.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(delivered)).values(
                    state="delivered", delivered_at=datetime.now(UTC), last_error=None,
                    lease_owner=None, lease_until=None))
            if dead:
                s.connection().execute(_MARK_DEAD, dead)
        if unknown:
            # Kept pending and the round ends, so that no later event of their subjects overtakes them.
            self._release(unknown, "backend gave no result for this event")
            raise BackendDataError("backend gave no result for some events")

    def _release(self, ids: list[str], error: str) -> None:
        with self.db.unit_of_work() as s:
            s.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(ids), _OUTBOX.c.state == "pending")
                      .values(lease_owner=None, lease_until=None, last_error=error))

    def _unlease(self, ids: list[str], error: str) -> None:
        with self.db.unit_of_work() as s:
            s.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(ids), _OUTBOX.c.lease_owner == self.owner)
                      .values(lease_owner=None, lease_until=None, last_error=error[:2000]))

    def _renew(self, ids: list[str]) -> None:
        with self.db.unit_of_work() as s:
            s.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(ids), _OUTBOX.c.lease_owner == self.owner)
                      .values(lease_until=datetime.now(UTC) + LEASE))

    def _dead(self, event_id: str, error: str) -> None:
        with self.db.unit_of_work() as s:
            s.connection().execute(_MARK_DEAD, [{"b_id": event_id, "b_error": error}])

    # -- status -----------------------------------------------------------------------------------
    def _backoff(self, message: str) -> float:
        self._failures += 1
        self._publish(False, message)
        ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** min(self._failures - 1, 20))
        delay = self._rng() * ceiling  # full jitter
        self._hold_until = time.monotonic() + delay
        return delay

    def _publish(self, reachable: bool | None, message: str) -> None:
        with self.db.read() as s:  # this station's only, also on a database shared by several
            rows = s.execute(select(_OUTBOX.c.state, func.count())
                             .where(_OUTBOX.c.station_id == self.station_id,
                                    _OUTBOX.c.state.in_(("pending", "dead")))
                             .group_by(_OUTBOX.c.state)).all()
        counts = {str(state): int(n) for state, n in rows}
        self.status = SyncStatus(reachable, message, counts.get("pending", 0), counts.get("dead", 0),
                                 paused=self._paused is not None)
        self.on_status(self.status)


# -- lease owners ------------------------------------------------------------------------------------

_HOST_TAG: str | None = None


def host_tag() -> str:
    """This machine, boot and process namespace, in 8 characters: where a lease's pid means something."""
    global _HOST_TAG
    if _HOST_TAG is None:
        parts = [socket.gethostname()]
        with contextlib.suppress(OSError):  # Linux: a reboot or another pid namespace is elsewhere
            parts.append(Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip())
            parts.append(os.readlink("/proc/self/ns/pid"))
        _HOST_TAG = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:8]
    return _HOST_TAG


def owner_is_gone(owner: str) -> bool:
    """Whether a lease owner is a relay of a process of this machine that has ended (crash, kill -9).

    Never true for another machine, this process, or where processes cannot be checked: those
    leases are waited out. A reused pid only makes the relay wait for the lease to end.
    """
    where, _, rest = owner.rpartition("@")
    tag, _, pid_text = rest.partition(":")
    pid_text = pid_text.partition(":")[0]
    if not where or tag != host_tag() or not pid_text.isdigit() or os.name != "posix":
        return False
    pid = int(pid_text)
    if pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists, run by another user
        return False
    return False
