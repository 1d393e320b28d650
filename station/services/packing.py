"""Packing steps against the database: open or resume an order, count, undo, inserts, packages,
weights, park and complete. Each step is one transaction with its audit row (and, on completion,
the outbox event), committed before the screen shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.domain.catalog import Catalog, Staff
from station.domain.inserts import PlannedInsert, plan_inserts
from station.domain.orders import Order
from station.services.print_queue import PrintJob, add_jobs
from station.storage.audit import Actor, append_audit
from station.storage.cache import set_cached_order_status
from station.storage.db import Database
from station.storage.models import (
    CatalogMetaRow,
    InsertMarkRow,
    PackageRow,
    PackedUnitRow,
    PackingSessionRow,
)
from station.storage.outbox import record_event, rfc3339
from station.workflows.packed_event import packed_event_data
from station.workflows.packing import InsertMark, Package, PackingState, Unit

ORDER_PACKED = "station.order.packed"


class BeingPacked(Exception):
    """The order is open at another station (a site sharing one database)."""


@dataclass(frozen=True)
class OpenOrder:
    session_id: int
    state: PackingState
    started_at: datetime
    resumed: bool


def _actor(staff: Staff) -> Actor:
    return Actor(staff.badge, staff.role)


class PackingService:
    def __init__(self, db: Database, station_id: str) -> None:
        self.db, self.station_id = db, station_id

    # -- opening -----------------------------------------------------------------------------------
    def open(self, order: Order, operator: Staff, catalog: Catalog, today: date) -> OpenOrder:
        """Resume the order's unfinished session (a parked one from any station), or start one.

        Raises BeingPacked when another station has it open.
        """
        try:
            with self.db.unit_of_work() as s:
                return self._open(s, order, operator, catalog, today)
        except IntegrityError:  # another station opened it between our look and our write
            return self._raise_being_packed(order.order_number)

    def _open(self, s: Session, order: Order, operator: Staff, catalog: Catalog,
              today: date) -> OpenOrder:
        row = s.execute(select(PackingSessionRow).where(
            PackingSessionRow.order_number == order.order_number,
            PackingSessionRow.state.in_(("open", "parked")))
            .order_by(PackingSessionRow.id.desc()).limit(1)).scalar_one_or_none()
        if row is not None and row.state == "open" and row.station_id != self.station_id:
            raise BeingPacked(f"being packed at {row.station_id} by {row.operator_name}")
        now = datetime.now(UTC)
        resumed = row is not None
        if row is None:
            plan = plan_inserts(order, catalog, today, used_inserts(s))
            row = PackingSessionRow(order_number=order.order_number, station_id=self.station_id,
                                    operator_badge=operator.badge, operator_name=operator.name,
                                    state="open", started_at=now, updated_at=now, open_package=1,
                                    inserts_plan=[asdict(p) for p in plan])
            s.add(row)
        row.state, row.updated_at, row.station_id = "open", now, self.station_id
        row.operator_badge, row.operator_name = operator.badge, operator.name
        s.flush()
        state = _state(order, row)
        append_audit(s, station_id=self.station_id, action="order.resumed" if resumed else "order.opened",
                     subject=order.order_number, detail={"session": row.id, "units": len(state.units)},
                     actor=_actor(operator))
        return OpenOrder(row.id, state, row.started_at, resumed)

    def _raise_being_packed(self, order_number: str) -> OpenOrder:
        with self.db.read() as s:
            row = s.execute(select(PackingSessionRow).where(
                PackingSessionRow.order_number == order_number,
                PackingSessionRow.state == "open")).scalar_one_or_none()
        where = f"{row.station_id} by {row.operator_name}" if row else "another station"
        raise BeingPacked(f"being packed at {where}")

    # -- steps -------------------------------------------------------------------------------------
    def count(self, current: OpenOrder, unit: Unit, operator: Staff) -> None:
        """Commit one counted unit (before the screen shows it)."""
        with self.db.transaction() as connection:  # every counted scan: no Session
            _add_unit(connection, current.session_id, unit)
            self._audit(connection, current, "unit.counted", operator, _counted_detail(unit))

    def undo(self, current: OpenOrder, unit: Unit, operator: Staff, open_package: int) -> None:
        """Take back a unit; `open_package` is the package open after it (an emptied one reopens)."""
        with self.db.transaction() as connection:
            connection.execute(_UNDO_UNIT, {"sid": current.session_id, "b_seq": unit.seq,
                                            "b_at": datetime.now(UTC)})
            if open_package != current.state.open_package:
                connection.execute(update(PackingSessionRow).where(
                    PackingSessionRow.id == current.session_id).values(open_package=open_package))
            self._audit(connection, current, "unit.undone", operator,
                        {"sku": unit.sku, "quantity": unit.quantity})

    def mark_insert(self, current: OpenOrder, mark: InsertMark, operator: Staff) -> None:
        with self.db.unit_of_work() as s:
            s.add(InsertMarkRow(session_id=current.session_id, code=mark.code, action=mark.action,
                                reason=mark.reason, package_no=mark.package_no, at=datetime.now(UTC)))
            self._audit(s, current, f"insert.{mark.action}", operator,
                        {"insert": mark.code, "reason": mark.reason})

    def save_package(self, current: OpenOrder, package: Package, operator: Staff, action: str,
                     detail: dict[str, Any]) -> None:
        """Store a package's box, weight or approval, and the session's open package."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            row = s.execute(select(PackageRow).where(
                PackageRow.session_id == current.session_id,
                PackageRow.package_no == package.package_no)).scalar_one_or_none()
            if row is None:
                row = PackageRow(session_id=current.session_id, package_no=package.package_no)
                s.add(row)
            if package.weight_g != row.weight_g:
                row.weighed_at = now if package.weight_g is not None else None
            row.box_code, row.weight_g, row.approved_by = package.box, package.weight_g, package.approved_by
            session = s.get_one(PackingSessionRow, current.session_id)
            session.open_package, session.updated_at = current.state.open_package, now
            self._audit(s, current, action, operator, {"package": package.package_no, **detail})

    def park(self, current: OpenOrder, operator: Staff) -> None:
        with self.db.unit_of_work() as s:
            row = s.get_one(PackingSessionRow, current.session_id)
            row.state, row.updated_at = "parked", datetime.now(UTC)
            self._audit(s, current, "order.parked", operator, {"units": len(current.state.units)})

    def complete(self, current: OpenOrder, catalog: Catalog, operator: Staff,
                 last_unit: Unit | None = None, override: dict[str, Any] | None = None,
                 documents: Sequence[PrintJob] = (),
                 tracking: Mapping[int, tuple[str | None, str]] | None = None) -> list[int]:
        """Close the order: the last unit (if any), the session, the event, the audit row and the
        documents to print, at once. Returns the print jobs' ids."""
        now = datetime.now(UTC)
        state = current.state
        data = packed_event_data(
            state, catalog, station_id=self.station_id,
            operator={"badge": operator.badge, "name": operator.name}, packed_at=rfc3339(now),
            duration_s=max(0, int((now - current.started_at).total_seconds())), override=override,
            tracking=tracking)
        with self.db.unit_of_work() as s:
            if last_unit is not None:  # the scan that completed the order is audited like any other
                _add_unit(s, current.session_id, last_unit)
                self._audit(s, current, "unit.counted", operator, _counted_detail(last_unit))
            row = s.get_one(PackingSessionRow, current.session_id)
            row.state, row.completed_at, row.updated_at = "completed", now, now
            event = record_event(s, station_id=self.station_id, type=ORDER_PACKED,
                                 subject=state.order.order_number, data=data, time=now)
            set_cached_order_status(s, state.order.order_number, "packed")
            self._audit(s, current, "order.short_shipped" if override else "order.packed", operator, {
                "event": event.id, "units": sum(u.quantity for u in state.units),
                "packages": len(data["packages"]), "duration_s": data["duration_s"]})
            return add_jobs(s, self.station_id, documents)

    def serial_taken(self, serial: str) -> bool:
        """Whether a serial was packed before, in any order at any station of this database."""
        with self.db.read() as s:
            return s.execute(select(PackedUnitRow.id).where(
                PackedUnitRow.serial == serial, PackedUnitRow.undone_at.is_(None)).limit(1)
            ).first() is not None

    def _audit(self, s: Session | Connection, current: OpenOrder, action: str, operator: Staff,
               detail: dict[str, Any]) -> None:
        append_audit(s, station_id=self.station_id, action=action,
                     subject=current.state.order.order_number, detail=detail, actor=_actor(operator))


def used_inserts(s: Session) -> dict[str, int]:
    """Inserts put in since the stored catalog (and its stock figures) arrived: stock left = stock - used."""
    since = s.execute(select(CatalogMetaRow.fetched_at)).scalar_one_or_none()
    query = (select(InsertMarkRow.code, func.count()).where(InsertMarkRow.action == "confirmed")
             .group_by(InsertMarkRow.code))
    if since is not None:
        query = query.where(InsertMarkRow.at >= since)
    return {code: int(n) for code, n in s.execute(query).all()}


def _counted_detail(unit: Unit) -> dict[str, Any]:
    return {"sku": unit.sku, "quantity": unit.quantity, "barcode": unit.barcode, "line": unit.line_id,
            "kit": unit.kit_sku, "serial": unit.serial, "lot": unit.lot, "package": unit.package_no}


_UNDO_UNIT = (update(PackedUnitRow)
              .where(PackedUnitRow.session_id == bindparam("sid"), PackedUnitRow.seq == bindparam("b_seq"))
              .values(undone_at=bindparam("b_at")))


def _add_unit(s: Session | Connection, session_id: int, unit: Unit) -> None:
    # A Core insert: this runs for every counted unit, and the ORM's flush costs more than SQLite.
    connection = s.connection() if isinstance(s, Session) else s
    connection.execute(insert(PackedUnitRow), {
        "session_id": session_id, "seq": unit.seq, "line_id": unit.line_id, "sku": unit.sku,
        "kit_sku": unit.kit_sku, "quantity": unit.quantity, "barcode": unit.barcode,
        "serial": unit.serial, "lot": unit.lot, "package_no": unit.package_no,
        "scanned_at": datetime.now(UTC), "undone_at": None})


def _state(order: Order, row: PackingSessionRow) -> PackingState:
    """The packing state as stored: units not undone, packages, the checklist and its marks."""
    units = tuple(_unit(u) for u in row.units if u.undone_at is None)
    return PackingState(
        order, units, last_seq=max((u.seq for u in row.units), default=0), packages=_packages(row),
        open_package=row.open_package,
        inserts=tuple(PlannedInsert(**p) for p in row.inserts_plan or []),
        marks=tuple(InsertMark(m.code, "skipped" if m.action == "skipped" else "confirmed", m.reason,
                               m.package_no) for m in row.marks))


def _packages(row: PackingSessionRow) -> tuple[Package, ...]:
    """The stored packages; a weight taken before a unit (or insert) of that package was counted
    or undone is dropped, with any approval of it."""
    packages = []
    for p in row.packages:
        units = [u for u in row.units if u.package_no == p.package_no]
        changes = [u.scanned_at for u in units] + [u.undone_at for u in units if u.undone_at]
        changes += [m.at for m in row.marks if m.package_no == p.package_no and m.action == "confirmed"]
        last_change = max(changes, default=None)
        holds = p.weighed_at is not None and (last_change is None or p.weighed_at >= last_change)
        packages.append(Package(p.package_no, p.box_code, p.weight_g if holds else None,
                                p.approved_by if holds else None))
    return tuple(packages)


def _unit(row: PackedUnitRow) -> Unit:
    return Unit(row.seq, row.line_id, row.sku, row.quantity, row.barcode, row.kit_sku, row.serial,
                row.lot, row.package_no)
