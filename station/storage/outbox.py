"""Recording facts: per-station counters, outbox events written in the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Executable, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from station.storage.models import CounterRow, OutboxRow


def next_counter(session: Session | Connection, station_id: str, name: str) -> int:
    """The next value of a per-station sequence; atomic, never reused (it commits with the caller).

    One upsert-and-return: on PostgreSQL it also locks the counter row until the caller commits.
    """
    connection = session.connection() if isinstance(session, Session) else session
    statement = _counter_statement(connection.dialect.name)
    value = connection.execute(statement, {"sid": station_id, "name": name}).scalar_one()
    return int(value)


@lru_cache(maxsize=4)
def _counter_statement(dialect: str) -> Executable:
    # Built once per dialect: this runs for every scan (its audit row), so it must stay cheap.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = CounterRow.__table__
    assert isinstance(table, Table)
    statement = insert(table).values(station_id=bindparam("sid"), name=bindparam("name"), value=1)
    return statement.on_conflict_do_update(
        index_elements=[table.c.station_id, table.c.name], set_={"value": table.c.value + 1},
    ).returning(table.c.value)


def record_event(session: Session, *, station_id: str, type: str, subject: str,
                 data: dict[str, Any], time: datetime) -> OutboxRow:
    """Write one event to the outbox in the caller's transaction: its id is made here, once."""
    if time.tzinfo is None:
        raise ValueError("an event's time must carry its time zone")
    row = OutboxRow(
        id=str(uuid.uuid4()), station_id=station_id,
        stationseq=next_counter(session, station_id, "stationseq"),
        type=type, subject=subject, time=time.astimezone(UTC).replace(microsecond=0),
        data=data, state="pending", attempts=0, next_attempt_at=None,
    )
    session.add(row)
    session.flush()
    return row


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StoredEvent(Protocol):
    """The body fields of an outbox row: an OutboxRow, or a plain row of those columns (the relay)."""

    @property
    def id(self) -> str: ...
    @property
    def station_id(self) -> str: ...
    @property
    def stationseq(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def time(self) -> datetime: ...
    @property
    def data(self) -> dict[str, Any]: ...


def cloudevent(row: StoredEvent) -> dict[str, Any]:
    """The CloudEvents 1.0 JSON of a stored event; the same row always gives the same body."""
    return {
        "specversion": "1.0",
        "id": row.id,
        "source": f"urn:station:{row.station_id}",
        "type": row.type,
        "subject": row.subject,
        "time": rfc3339(row.time),
        "datacontenttype": "application/json",
        "stationseq": row.stationseq,
        "data": row.data,
    }


def outbox_counts(session: Session) -> dict[str, int]:
    """How many events are pending, delivered and dead."""
    rows = session.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state)).all()
    counts = {"pending": 0, "delivered": 0, "dead": 0}
    counts.update({state: int(n) for state, n in rows})
    return counts
