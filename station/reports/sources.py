"""What the daily report reads from the database, in one read session: the day's audit rows of the
actions it counts, the day's station.order.packed events, names, returned units and outbox counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from station.reports.window import DayWindow
from station.services.packing import ORDER_PACKED
from station.storage.models import AuditRow, InsertRow, OutboxRow, ReturnUnitRow, StaffRow

AnySelect = TypeVar("AnySelect", bound="Select[*tuple[Any, ...]]")

# The audit actions the report counts (services/packing.py, returns.py, desk.py, packing_desk.py).
ACTIONS = ("order.packed", "order.short_shipped", "unit.counted", "scan.refused", "override.approved",
           "package.weighed", "override.weight", "return.received", "return.unit_graded",
           "return.completed")


@dataclass(frozen=True)
class Fact:
    """One audit row as the report reads it."""

    at: datetime
    station_id: str
    badge: str | None
    action: str
    subject: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class Packed:
    """One station.order.packed event: the whole record of an order packed."""

    at: datetime
    station_id: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ReturnedUnit:
    serial: str | None
    lot: str | None
    undone: bool


@dataclass(frozen=True)
class Outbox:
    recorded: int
    delivered: int
    waiting: int
    dead: int
    oldest_waiting: datetime | None


@dataclass(frozen=True)
class DayData:
    facts: tuple[Fact, ...]  # in the order they were written (per station)
    packed: tuple[Packed, ...]
    staff: dict[str, str]  # badge -> name
    inserts: dict[str, str]  # code -> name
    units: dict[str, ReturnedUnit]  # LPN -> the returned unit
    outbox: dict[str, Outbox]  # station -> its outbox


def load_day(s: Session, window: DayWindow, station: str | None) -> DayData:
    facts = _facts(s, window, station)
    lpns = [str(f.detail.get("lpn")) for f in facts if f.action == "return.unit_graded"]
    return DayData(facts, _packed(s, window, station), _names(s, StaffRow.badge, StaffRow.name),
                   _names(s, InsertRow.code, InsertRow.name), _units(s, lpns), _outbox(s, window, station))


def _facts(s: Session, window: DayWindow, station: str | None) -> tuple[Fact, ...]:
    query = select(AuditRow.at, AuditRow.station_id, AuditRow.operator_badge, AuditRow.action,
                   AuditRow.subject, AuditRow.detail).where(
        AuditRow.at >= window.start_utc, AuditRow.at < window.end_utc, AuditRow.action.in_(ACTIONS))
    if station is not None:
        query = query.where(AuditRow.station_id == station)
    return tuple(Fact(*row) for row in s.execute(query.order_by(AuditRow.id)).all())


def _packed(s: Session, window: DayWindow, station: str | None) -> tuple[Packed, ...]:
    query = _in_window(select(OutboxRow.time, OutboxRow.station_id, OutboxRow.data), window, station)
    query = query.where(OutboxRow.type == ORDER_PACKED).order_by(OutboxRow.time, OutboxRow.stationseq)
    return tuple(Packed(*row) for row in s.execute(query).all())


def _in_window(query: AnySelect, window: DayWindow, station: str | None) -> AnySelect:
    query = query.where(OutboxRow.time >= window.start_utc, OutboxRow.time < window.end_utc)
    return query if station is None else query.where(OutboxRow.station_id == station)


def _names(s: Session, key: Any, name: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in s.execute(select(key, name)).all()}


def _units(s: Session, lpns: list[str]) -> dict[str, ReturnedUnit]:
    found: dict[str, ReturnedUnit] = {}
    for start in range(0, len(lpns), 500):  # keeps each IN list short
        rows = s.execute(select(ReturnUnitRow.lpn, ReturnUnitRow.serial, ReturnUnitRow.unit,
                                ReturnUnitRow.undone_at)
                         .where(ReturnUnitRow.lpn.in_(lpns[start:start + 500])))
        for lpn, serial, unit, undone_at in rows.all():
            found[lpn] = ReturnedUnit(serial, (unit or {}).get("lot"), undone_at is not None)
    return found


def _outbox(s: Session, window: DayWindow, station: str | None) -> dict[str, Outbox]:
    """Per station: the day's events (and how many are delivered), and what waits or died, any day."""
    day = s.execute(_in_window(select(OutboxRow.station_id, OutboxRow.state, func.count()), window, station)
                    .group_by(OutboxRow.station_id, OutboxRow.state)).all()
    now = select(OutboxRow.station_id, OutboxRow.state, func.count(), func.min(OutboxRow.time)).where(
        OutboxRow.state.in_(("pending", "dead"))).group_by(OutboxRow.station_id, OutboxRow.state)
    if station is not None:
        now = now.where(OutboxRow.station_id == station)
    counts: dict[str, dict[str, Any]] = {}
    for sid, state, n in day:
        entry = counts.setdefault(sid, {})
        entry["recorded"] = entry.get("recorded", 0) + int(n)
        entry["delivered"] = entry.get("delivered", 0) + (int(n) if state == "delivered" else 0)
    for sid, state, n, oldest in s.execute(now).all():
        entry = counts.setdefault(sid, {})
        entry["waiting" if state == "pending" else "dead"] = int(n)
        if state == "pending":
            entry["oldest"] = oldest
    return {sid: Outbox(c.get("recorded", 0), c.get("delivered", 0), c.get("waiting", 0), c.get("dead", 0),
                        c.get("oldest")) for sid, c in counts.items()}
