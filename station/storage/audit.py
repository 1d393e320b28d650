"""The audit trail: append-only rows, each carrying the hash of its station's previous row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.storage.models import AuditRow
from station.storage.outbox import next_counter

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    badge: str
    role: str


def append_audit(session: Session, *, station_id: str, action: str, subject: str | None,
                 detail: dict[str, Any], actor: Actor | None, at: datetime | None = None) -> AuditRow:
    """Add one audit row in the caller's transaction, chained to the station's last row."""
    # Taking the station's audit counter locks its row until commit, so two transactions of one
    # station cannot both chain to the same previous row (PostgreSQL; SQLite serialises writers).
    next_counter(session, station_id, "audit")
    previous = session.execute(
        select(AuditRow.hash).where(AuditRow.station_id == station_id)
        .order_by(AuditRow.id.desc()).limit(1)
    ).scalar_one_or_none()
    row = AuditRow(
        at=(at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0),
        station_id=station_id, operator_badge=actor.badge if actor else None,
        operator_role=actor.role if actor else None, action=action, subject=subject,
        detail=detail, prev_hash=previous or GENESIS,
    )
    row.hash = row_hash(row)
    session.add(row)
    session.flush()
    return row


def row_hash(row: AuditRow) -> str:
    content = json.dumps(
        [row.prev_hash, row.at.astimezone(UTC).isoformat(), row.station_id, row.operator_badge,
         row.operator_role, row.action, row.subject, row.detail],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def verify_chain(session: Session) -> AuditRow | None:
    """The first row (by id) whose hash or link is broken, or None when every chain holds."""
    last: dict[str, str] = {}
    for row in session.execute(select(AuditRow).order_by(AuditRow.id)).scalars():
        expected_prev = last.get(row.station_id, GENESIS)
        if row.prev_hash != expected_prev or row.hash != row_hash(row):
            return row
        last[row.station_id] = row.hash
    return None
