"""The outbox as a supervisor sees it: counts, waiting events and dead letters as frozen views.

Also the two things a supervisor may do with it: queue dead letters again, and export events as JSON.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from station.storage.audit import Actor, append_audit
from station.storage.db import Database
from station.storage.models import OutboxRow
from station.storage.outbox import cloudevent, rfc3339
from station.sync.relay import SyncStatus

PANEL_LIMIT = 200  # rows per table the panel shows; the counts always give the total
Which = Literal["pending", "dead", "undelivered"]  # undelivered: pending and dead
BackendState = Literal["reachable", "unreachable", "rejected", "misconfigured", "connecting", "offline"]


@dataclass(frozen=True)
class OutboxCounts:
    pending: int = 0
    delivered: int = 0
    dead: int = 0


@dataclass(frozen=True)
class OutboxEventView:
    """One stored event: what it is, and how its delivery went."""

    id: str
    stationseq: int
    type: str
    subject: str
    time: datetime
    state: str
    attempts: int
    next_attempt: datetime | None  # set when a retry is scheduled for a time; else the next round
    sending: bool  # leased by a relay right now
    error: str | None


@dataclass(frozen=True)
class BackendView:
    state: BackendState
    words: str  # short, e.g. "backend rejected the credentials"
    hint: str  # what follows from it, e.g. "sending stopped until the token changes or an operator retries"
    detail: str  # the relay's last message
    ok: bool


@dataclass(frozen=True)
class SyncSnapshot:
    """The panel's whole content: the first PANEL_LIMIT of each list; `counts` has the totals."""

    station_id: str
    backend: BackendView
    counts: OutboxCounts
    waiting: tuple[OutboxEventView, ...]
    dead_letters: tuple[OutboxEventView, ...]
    taken_at: datetime


def backend_view(status: SyncStatus, configured: bool) -> BackendView:
    """The relay's status in words: reachable, unreachable, credentials rejected, offline…"""
    message = status.message
    if not configured:
        return BackendView("offline", "offline: no backend configured", "events wait in the outbox", message,
                           False)
    if status.paused:
        words = message.removesuffix(": sending stopped")
        if "credentials" in words:
            return BackendView("rejected", words, "sending stopped until the token changes or an operator "
                               "retries", message, False)
        return BackendView("misconfigured", words, "sending stopped until the configuration is put right "
                           "or an operator retries", message, False)
    if status.reachable is None:
        return BackendView("connecting", "connecting…", "", message, False)
    if status.reachable:
        return BackendView("reachable", "backend reachable", "", message, True)
    return BackendView("unreachable", "backend unreachable", f"{message}: trying again by itself", message,
                       False)


class SyncView:
    """Reads and retries one station's outbox (only its own relay delivers its events)."""

    def __init__(self, db: Database, station_id: str) -> None:
        self.db, self.station_id = db, station_id

    def snapshot(self, backend: BackendView, limit: int = PANEL_LIMIT) -> SyncSnapshot:
        """Counts and the oldest `limit` waiting events and dead letters, read in one session."""
        now = datetime.now(UTC)
        with self.db.read() as s:
            counts = self._counts(s)
            waiting = self._views(s, self._rows("pending").limit(limit), now)
            dead = self._views(s, self._rows("dead").limit(limit), now)
        return SyncSnapshot(self.station_id, backend, counts, waiting, dead, now)

    def counts(self) -> OutboxCounts:
        with self.db.read() as s:
            return self._counts(s)

    def events(self, which: Which, limit: int | None = None) -> tuple[OutboxEventView, ...]:
        """The events in `which` state(s), oldest first."""
        query = self._rows(which)
        with self.db.read() as s:
            return self._views(s, query if limit is None else query.limit(limit), datetime.now(UTC))

    def retry_dead(self, ids: Sequence[str] | None = None, *, actor: Actor | None = None) -> int:
        """Queue dead letters again (all, or those of `ids`); one transaction with its audit row.

        Each keeps its id, body, time and last error: the backend deduplicates on the id.
        """
        with self.db.unit_of_work() as s:
            query = self._rows("dead").with_only_columns(OutboxRow.id)
            if ids is not None:
                query = query.where(OutboxRow.id.in_(list(ids)))
            moved = list(s.execute(query).scalars())
            if not moved:
                return 0
            s.execute(update(OutboxRow).where(OutboxRow.id.in_(moved), OutboxRow.state == "dead")
                      .values(state="pending", next_attempt_at=None, lease_owner=None, lease_until=None))
            append_audit(s, station_id=self.station_id, action="outbox.dead_letters_retried", subject=None,
                         detail={"count": len(moved), "events": moved}, actor=actor)
        return len(moved)

    def export(self, path: str | Path, which: Which = "undelivered",
               ids: Sequence[str] | None = None) -> int:
        """Write the events as JSON: each CloudEvent exactly as it is sent, with its state and error.

        The file is replaced in one step, so a reader never sees half of it. Returns how many.
        """
        query = self._rows(which)
        if ids is not None:
            query = query.where(OutboxRow.id.in_(list(ids)))
        with self.db.read() as s:
            events = [{"state": row.state, "error": row.last_error, "attempts": row.attempts,
                       "event": cloudevent(row)} for row in s.execute(query).scalars()]
        document = {"station_id": self.station_id, "exported_at": rfc3339(datetime.now(UTC)),
                    "which": which, "events": events}
        _write_atomically(Path(path), json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return len(events)

    # -- queries ----------------------------------------------------------------------------------------
    def _rows(self, which: Which) -> Select[OutboxRow]:
        states = ["pending", "dead"] if which == "undelivered" else [which]
        return (select(OutboxRow).where(OutboxRow.station_id == self.station_id, OutboxRow.state.in_(states))
                .order_by(OutboxRow.stationseq))

    def _counts(self, s: Session) -> OutboxCounts:
        rows = s.execute(select(OutboxRow.state, func.count()).where(OutboxRow.station_id == self.station_id)
                         .group_by(OutboxRow.state)).all()
        by_state = {state: int(n) for state, n in rows}
        return OutboxCounts(by_state.get("pending", 0), by_state.get("delivered", 0), by_state.get("dead", 0))

    @staticmethod
    def _views(s: Session, query: Select[OutboxRow], now: datetime) -> tuple[OutboxEventView, ...]:
        return tuple(
            OutboxEventView(row.id, row.stationseq, row.type, row.subject, row.time, row.state, row.attempts,
                            row.next_attempt_at, row.lease_until is not None and row.lease_until > now,
                            row.last_error)
            for row in s.execute(query).scalars())


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
