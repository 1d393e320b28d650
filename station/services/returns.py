"""Returns against the database: open (or resume) a return, record each inspected unit with its
LPN, undo, park, complete. Each step is one transaction with its audit row and its event."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.domain.catalog import Staff
from station.domain.returns import ReturnAuth, format_lpn
from station.services.print_queue import PrintJob, add_jobs
from station.storage.audit import Actor, append_audit
from station.storage.db import Database
from station.storage.models import ReturnSessionRow, ReturnUnitRow
from station.storage.outbox import next_counter, record_event, rfc3339
from station.sync.returns import FoundReturn
from station.workflows.return_events import (
    ITEM_GRADED,
    RETURN_COMPLETED,
    RETURN_RECEIVED,
    completed_data,
    graded_data,
    received_data,
)
from station.workflows.returns import DispositionTable, GradedUnit, ReturnState, record_current

LabelFor = Callable[[ReturnState, GradedUnit], PrintJob]


@dataclass(frozen=True)
class Recorded:
    state: ReturnState
    unit: GradedUnit
    jobs: list[PrintJob]
    job_ids: list[int]


class ReturnBusy(Exception):
    """The return is open at another station."""


@dataclass(frozen=True)
class OpenReturn:
    session_id: int
    state: ReturnState
    resumed: bool


def _operator(staff: Staff) -> dict[str, str]:
    return {"badge": staff.badge, "name": staff.name}


class ReturnsService:
    def __init__(self, db: Database, station_id: str, station_number: int) -> None:
        self.db, self.station_id, self.station_number = db, station_id, station_number

    def open(self, found: FoundReturn, operator: Staff) -> OpenReturn:
        """Resume the return's unfinished session, or start one and record station.return.received."""
        try:
            with self.db.unit_of_work() as s:
                return self._open(s, found, operator)
        except IntegrityError:
            raise ReturnBusy(f"return {found.rma.subject} is being processed at another station") from None

    def _open(self, s: Session, found: FoundReturn, operator: Staff) -> OpenReturn:
        rma, now = found.rma, datetime.now(UTC)
        row = s.execute(select(ReturnSessionRow).where(
            ReturnSessionRow.subject == rma.subject, ReturnSessionRow.state.in_(("open", "parked")))
            .order_by(ReturnSessionRow.id.desc()).limit(1)).scalar_one_or_none()
        if row is not None and row.state == "open" and row.station_id != self.station_id:
            raise ReturnBusy(f"return {rma.subject} is being processed at {row.station_id} "
                             f"by {row.operator_name}")
        resumed = row is not None
        if row is None:
            row = ReturnSessionRow(subject=rma.subject, rma_number=rma.rma_number,
                                   order_number=rma.order_number, source_kind=found.source_kind,
                                   source=found.source, tracking_number=found.tracking_number,
                                   station_id=self.station_id, operator_badge=operator.badge,
                                   operator_name=operator.name, state="open", started_at=now,
                                   updated_at=now, completed_at=None)
            s.add(row)
            record_event(s, station_id=self.station_id, type=RETURN_RECEIVED, subject=rma.subject,
                         data=received_data(rma, found.tracking_number, rfc3339(now), self.station_id,
                                            _operator(operator)), time=now)
        row.state, row.updated_at, row.station_id = "open", now, self.station_id
        row.operator_badge, row.operator_name = operator.badge, operator.name
        s.flush()
        state = _state(rma, row)
        self._audit(s, rma.subject, "return.resumed" if resumed else "return.received", operator,
                    {"session": row.id, "units": len(state.units)})
        return OpenReturn(row.id, state, resumed)

    def record(self, current: OpenReturn, operator: Staff, table: DispositionTable,
               label: LabelFor | None = None) -> Recorded:
        """Record the unit under inspection with a new LPN, and its station.return.item_graded.

        Its LPN label (from `label`) is queued in the same transaction: a crash never loses it."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            lpn = format_lpn(self.station_number, next_counter(s, self.station_id, "lpn"))
            state, unit = record_current(current.state, lpn, table)
            jobs = [label(state, unit)] if label else []
            job_ids = add_jobs(s, self.station_id, jobs)
            s.add(ReturnUnitRow(session_id=current.session_id, seq=unit.seq, lpn=lpn, sku=unit.sku,
                                serial=unit.serial, unit=asdict(unit), graded_at=now, undone_at=None))
            subject = state.rma.subject
            record_event(s, station_id=self.station_id, type=ITEM_GRADED, subject=subject,
                         data=graded_data(state, unit, rfc3339(now), self.station_id, _operator(operator)),
                         time=now)
            line = state.line(unit.line_id)
            self._audit(s, subject, "return.unit_graded", operator, {
                "lpn": lpn, "sku": unit.sku, "grade": unit.grade, "defects": list(unit.defects),
                "disposition": unit.disposition, "disposition_override": unit.disposition_override,
                "reason": line.reason if line else None,
                "expected": unit.expected, "wrong_item": unit.serial_matches_shipment is False
                or unit.lot_matches_shipment is False})
        return Recorded(state, unit, jobs, job_ids)

    def undo_recorded(self, current: OpenReturn, unit: GradedUnit, operator: Staff) -> None:
        with self.db.unit_of_work() as s:
            s.execute(update(ReturnUnitRow).where(ReturnUnitRow.session_id == current.session_id,
                                                  ReturnUnitRow.seq == unit.seq)
                      .values(undone_at=datetime.now(UTC)))
            self._audit(s, current.state.rma.subject, "return.unit_undone", operator, {"lpn": unit.lpn})

    def park(self, current: OpenReturn, operator: Staff) -> None:
        with self.db.unit_of_work() as s:
            row = s.get_one(ReturnSessionRow, current.session_id)
            row.state, row.updated_at = "parked", datetime.now(UTC)
            self._audit(s, current.state.rma.subject, "return.parked", operator,
                        {"units": len(current.state.units)})

    def complete(self, current: OpenReturn, operator: Staff,
                 documents: Sequence[PrintJob] = ()) -> list[int]:
        """Close the return and record station.return.completed, with its documents queued in the
        same transaction; returns the print jobs' ids."""
        now = datetime.now(UTC)
        state = current.state
        data = completed_data(state, rfc3339(now), self.station_id, _operator(operator))
        with self.db.unit_of_work() as s:
            row = s.get_one(ReturnSessionRow, current.session_id)
            row.state, row.completed_at, row.updated_at = "completed", now, now
            event = record_event(s, station_id=self.station_id, type=RETURN_COMPLETED,
                                 subject=state.rma.subject, data=data, time=now)
            self._audit(s, state.rma.subject, "return.completed", operator, {
                "event": event.id, "units": len(state.units),
                "refund_recommendation": data["refund_recommendation"],
                "duration_s": int((now - row.started_at).total_seconds())})
            return add_jobs(s, self.station_id, documents)

    def _audit(self, s: Session, subject: str, action: str, operator: Staff, detail: dict[str, Any]) -> None:
        append_audit(s, station_id=self.station_id, action=action, subject=subject, detail=detail,
                     actor=Actor(operator.badge, operator.role))


def _state(rma: ReturnAuth, row: ReturnSessionRow) -> ReturnState:
    units = tuple(_unit(u.unit) for u in row.units if u.undone_at is None)
    return ReturnState(rma, units, None, max((u.seq for u in row.units), default=0))


def _unit(raw: dict[str, Any]) -> GradedUnit:
    return GradedUnit(**{**raw, "defects": tuple(raw.get("defects") or ())})


