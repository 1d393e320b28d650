"""Packing steps against the database: open or resume an order, count a unit, undo, park, complete.

Each step is one transaction holding the work, its audit row and (on completion) the outbox event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from station.domain.catalog import Catalog, Staff
from station.domain.orders import Order
from station.storage.audit import Actor, append_audit
from station.storage.cache import set_cached_order_status
from station.storage.db import Database
from station.storage.models import PackageRow, PackedUnitRow, PackingSessionRow
from station.storage.outbox import record_event, rfc3339
from station.workflows.packing import Package, PackingState, Unit, packed_event_data

ORDER_PACKED = "station.order.packed"


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

    def open(self, order: Order, operator: Staff) -> OpenOrder:
        """Resume this station's unfinished session of the order, or start a new one."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            row = s.execute(
                select(PackingSessionRow).where(
                    PackingSessionRow.order_number == order.order_number,
                    PackingSessionRow.station_id == self.station_id,
                    PackingSessionRow.state.in_(("open", "parked")))
                .order_by(PackingSessionRow.id.desc()).limit(1)
            ).scalar_one_or_none()
            resumed = row is not None
            if row is None:
                row = PackingSessionRow(order_number=order.order_number, station_id=self.station_id,
                                        operator_badge=operator.badge, operator_name=operator.name,
                                        state="open", started_at=now, updated_at=now)
                s.add(row)
            row.state, row.updated_at = "open", now
            s.flush()
            units = tuple(_unit(u) for u in row.units if u.undone_at is None)
            last_seq = max((u.seq for u in row.units), default=0)
            packages = _packages(row)
            append_audit(s, station_id=self.station_id, action="order.resumed" if resumed else "order.opened",
                         subject=order.order_number, detail={"session": row.id, "units": len(units)},
                         actor=_actor(operator))
            return OpenOrder(row.id, PackingState(order, units, last_seq, packages), row.started_at,
                             resumed)

    def count(self, current: OpenOrder, unit: Unit, operator: Staff) -> None:
        """Commit one counted unit (before the screen shows it)."""
        with self.db.unit_of_work() as s:
            self._add_unit(s, current.session_id, unit)
            append_audit(s, station_id=self.station_id, action="unit.counted",
                         subject=current.state.order.order_number,
                         detail={"sku": unit.sku, "quantity": unit.quantity, "barcode": unit.barcode,
                                 "line": unit.line_id, "kit": unit.kit_sku}, actor=_actor(operator))

    def complete(self, current: OpenOrder, catalog: Catalog, operator: Staff,
                 last_unit: Unit | None = None) -> str:
        """Close the order: the last unit (if any), the session, the event and the audit row, at once.

        Returns the event id.
        """
        now = datetime.now(UTC)
        state = current.state
        data = packed_event_data(
            state, catalog, station_id=self.station_id,
            operator={"badge": operator.badge, "name": operator.name}, packed_at=rfc3339(now),
            duration_s=max(0, int((now - current.started_at).total_seconds())))
        with self.db.unit_of_work() as s:
            if last_unit is not None:
                self._add_unit(s, current.session_id, last_unit)
            row = s.get_one(PackingSessionRow, current.session_id)
            row.state, row.completed_at, row.updated_at = "completed", now, now
            event = record_event(s, station_id=self.station_id, type=ORDER_PACKED,
                                 subject=state.order.order_number, data=data, time=now)
            set_cached_order_status(s, state.order.order_number, "packed")
            append_audit(s, station_id=self.station_id, action="order.packed",
                         subject=state.order.order_number,
                         detail={"event": event.id, "units": sum(u.quantity for u in state.units)},
                         actor=_actor(operator))
            return event.id

    def weigh(self, current: OpenOrder, package: Package, operator: Staff) -> None:
        """Record a package's weight as taken from the scale."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            row = s.execute(select(PackageRow).where(
                PackageRow.session_id == current.session_id,
                PackageRow.package_no == package.package_no)).scalar_one_or_none()
            if row is None:
                row = PackageRow(session_id=current.session_id, package_no=package.package_no)
                s.add(row)
            row.box_code, row.weight_g, row.weighed_at = package.box, package.weight_g, now
            append_audit(s, station_id=self.station_id, action="package.weighed",
                         subject=current.state.order.order_number,
                         detail={"package": package.package_no, "weight_g": package.weight_g},
                         actor=_actor(operator))

    def undo(self, current: OpenOrder, unit: Unit, operator: Staff) -> None:
        with self.db.unit_of_work() as s:
            s.connection().execute(
                update(PackedUnitRow)
                .where(PackedUnitRow.session_id == current.session_id, PackedUnitRow.seq == unit.seq)
                .values(undone_at=datetime.now(UTC)))
            append_audit(s, station_id=self.station_id, action="unit.undone",
                         subject=current.state.order.order_number,
                         detail={"sku": unit.sku, "quantity": unit.quantity}, actor=_actor(operator))

    def park(self, current: OpenOrder, operator: Staff) -> None:
        with self.db.unit_of_work() as s:
            row = s.get_one(PackingSessionRow, current.session_id)
            row.state, row.updated_at = "parked", datetime.now(UTC)
            append_audit(s, station_id=self.station_id, action="order.parked",
                         subject=current.state.order.order_number,
                         detail={"units": len(current.state.units)}, actor=_actor(operator))

    @staticmethod
    def _add_unit(s: Session, session_id: int, unit: Unit) -> None:
        # A Core insert: this runs for every counted unit, and the ORM's flush costs more than SQLite.
        s.connection().execute(insert(PackedUnitRow), {
            "session_id": session_id, "seq": unit.seq, "line_id": unit.line_id, "sku": unit.sku,
            "kit_sku": unit.kit_sku, "quantity": unit.quantity, "barcode": unit.barcode,
            "serial": unit.serial, "lot": unit.lot, "package_no": unit.package_no,
            "scanned_at": datetime.now(UTC), "undone_at": None})


def _packages(row: PackingSessionRow) -> tuple[Package, ...]:
    """The stored packages; a weight taken before the last unit was counted or undone is dropped."""
    changes = [u.scanned_at for u in row.units] + [u.undone_at for u in row.units if u.undone_at]
    last_change = max(changes, default=None)
    return tuple(
        Package(p.package_no, p.box_code,
                p.weight_g if p.weighed_at and (last_change is None or p.weighed_at >= last_change)
                else None)
        for p in row.packages)


def _unit(row: PackedUnitRow) -> Unit:
    return Unit(row.seq, row.line_id, row.sku, row.quantity, row.barcode, row.kit_sku, row.serial,
                row.lot, row.package_no)
