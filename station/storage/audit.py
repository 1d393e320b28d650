"""The audit trail: append-only rows, each carrying the hash of its station's previous row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from station.storage.models import AuditRow, CounterRow
from station.storage.outbox import next_counter

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    badge: str
    role: str


@dataclass(frozen=True)
class Appended:
    id: int
    hash: str


def append_audit(session: Session | Connection, *, station_id: str, action: str, subject: str | None,
                 detail: dict[str, Any], actor: Actor | None, at: datetime | None = None) -> Appended:
    """Add one audit row in the caller's transaction, chained to the station's last row.

    Every scan writes one, so this uses prepared Core statements rather than the ORM.
    """
    # Taking the station's audit counter locks its row until commit, so two transactions of one
    # station cannot both chain to the same previous row (PostgreSQL; SQLite serialises writers).
    next_counter(session, station_id, "audit")
    connection = session.connection() if isinstance(session, Session) else session
    previous = connection.execute(_LAST_HASH, {"sid": station_id}).scalar_one_or_none()
    values: dict[str, Any] = {
        "at": (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0),
        "station_id": station_id, "operator_badge": actor.badge if actor else None,
        "operator_role": actor.role if actor else None, "action": action, "subject": subject,
        "detail": detail, "prev_hash": previous or GENESIS,
    }
    values["hash"] = _hash(values)
    row_id = connection.execute(_INSERT, values).scalar_one()
    return Appended(int(row_id), values["hash"])


_LAST_HASH = (select(AuditRow.hash).where(AuditRow.station_id == bindparam("sid"))
              .order_by(AuditRow.id.desc()).limit(1))
_INSERT = insert(AuditRow).returning(AuditRow.id)

_FIELDS = ("prev_hash", "at", "station_id", "operator_badge", "operator_role", "action", "subject",
           "detail")


def row_hash(row: AuditRow) -> str:
    return _hash({name: getattr(row, name) for name in _FIELDS})


def _hash(values: dict[str, Any]) -> str:
    content = json.dumps(
        [values["prev_hash"], values["at"].astimezone(UTC).isoformat(), values["station_id"],
         values["operator_badge"], values["operator_role"], values["action"], values["subject"],
         values["detail"]],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MissingRows:
    """A station with fewer rows than it appended: its newest were deleted, which no later link shows."""

    station_id: str
    written: int  # the station's audit counter: every append took the next value
    found: int


def missing_rows(session: Session) -> list[MissingRows]:
    """Stations whose audit counter is ahead of their rows (by station)."""
    found = {sid: int(n) for sid, n in session.execute(
        select(AuditRow.station_id, func.count()).group_by(AuditRow.station_id))}
    written = session.execute(select(CounterRow.station_id, CounterRow.value)
                              .where(CounterRow.name == "audit").order_by(CounterRow.station_id))
    return [MissingRows(sid, int(value), found.get(sid, 0)) for sid, value in written
            if found.get(sid, 0) < value]


def why_broken(row: AuditRow) -> str:
    """Why verify_chain stopped at `row`, in words for the supervisor."""
    if row.hash != row_hash(row):
        return "its content does not match its hash: it was changed after it was written"
    return "it does not follow its station's previous row: a row before it was removed or changed"


def verify_chain(session: Session) -> AuditRow | None:
    """The first row (by id) whose hash or link is broken, or None when every chain holds."""
    last: dict[str, str] = {}
    for row in session.execute(select(AuditRow).order_by(AuditRow.id)).scalars():
        expected_prev = last.get(row.station_id, GENESIS)
        if row.prev_hash != expected_prev or row.hash != row_hash(row):
            return row
        last[row.station_id] = row.hash
    return None
