"""Packing at the desk: what each scan and command does to the open order (scanning.md, Packing rules).

Runs on the scan-consumer thread. Every step commits through PackingService before its feedback
is shown; supervisor steps go through the desk's approval flow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from devices.scale_protocols import Reading
from station.config import ScaleSection
from station.domain.catalog import Box, Catalog, Insert, Staff
from station.domain.classify import ProductScan
from station.domain.orders import Order
from station.services.approval import Approval
from station.services.carrier_labels import CarrierLabels
from station.services.documents import DocumentPrinter
from station.services.feedback import error, ok, sentence, warn
from station.services.packing import BeingPacked, OpenOrder, PackingService
from station.services.print_queue import PrintJob
from station.services.printable import order_texts, unprintable_warning
from station.services.views import Feedback, grams
from station.sync.catalog import LookupFailed, OrderLookup
from station.workflows.checklist import confirm_insert, skip_next_insert
from station.workflows.packages import (
    approve_weight,
    check_weight,
    may_close,
    open_next_package,
    record_weight,
    set_box,
)
from station.workflows.packing import (
    Counted,
    NeedsCode,
    PackingState,
    Unit,
    is_complete,
    is_verified,
    line_progress,
    pending_inserts,
    refusal_for_status,
    undo_last,
)
from station.workflows.packing import count as count_unit

WEIGH_WAIT_S = 3.0  # how long CMD-WEIGH waits for a moving scale to settle
FRESH_READING_S = 1.0  # a stable reading older than this may predate the package on the scale


class Scale(Protocol):
    def latest(self) -> Reading | None: ...

    def wait_stable(self, timeout_s: float) -> Reading | None: ...


@dataclass
class PackingParts:
    station_id: str
    auto_complete: bool
    catalog: Callable[[], Catalog]
    orders: OrderLookup
    packing: PackingService
    printer: DocumentPrinter
    tolerances: ScaleSection
    audit: Callable[[str, str | None, dict[str, object]], None]
    on_event_recorded: Callable[[], None]
    scale: Scale | None = None
    today: Callable[[], date] = date.today
    labels: CarrierLabels = field(default_factory=lambda: CarrierLabels(None, request_labels=False))


class PackingDesk:
    def __init__(self, parts: PackingParts) -> None:
        self.p = parts
        self.current: OpenOrder | None = None
        self.asking: NeedsCode | None = None  # a unit waiting for its serial or lot
        self.last_jobs: list[PrintJob] = []
        self.last_sent: tuple[str, ...] = ()

    # -- the order ---------------------------------------------------------------------------------
    def open_order(self, number: str, operator: Staff, ask: Callable[[Approval], None]) -> Feedback:
        try:
            order, fresh = self.p.orders.find(number)
        except LookupFailed as exc:
            return self._refused(number, str(exc))
        refusal = refusal_for_status(order)
        if refusal is not None and order.status in ("packed", "shipped"):
            ask(Approval("repack", f"a repack of {number}",
                         lambda supervisor, reason: self._open(number, order, operator, supervisor, reason)))
            return warn(sentence(refusal), "a supervisor may allow a repack")
        if refusal is not None:
            return self._refused(number, sentence(refusal))
        feedback = self._open(number, order, operator)
        if not fresh and self.current is not None:
            return replace(feedback, detail=feedback.detail + " (backend unreachable: saved copy)")
        return feedback

    def _open(self, number: str, order: Order, operator: Staff, supervisor: Staff | None = None,
              reason: str = "") -> Feedback:
        """Open the order open_order found (looked up once: a backend round trip and a cache write)."""
        try:
            self.current = self.p.packing.open(order, operator, self.p.catalog(), self.p.today())
        except BeingPacked as exc:
            return self._refused(number, f"Order {number} is {exc}")
        if supervisor is not None:
            self.p.audit("override.repack", number, {"supervisor": supervisor.badge, "reason": reason})
        verb = "Resumed" if self.current.resumed else "Order"
        label = order.shipping.label_problem
        notes = [sentence(note) for note in (
            label and f"{label}: the station prints its own label",
            unprintable_warning(order_texts(order))) if note]
        if notes:
            return warn(f"{verb} {number}", ". ".join([f"{order.customer.name}: scan each item", *notes]))
        return ok(f"{verb} {number}", f"{order.customer.name}: scan each item")

    def put_aside(self, operator: Staff) -> Feedback:
        assert self.current is not None
        number = self.current.state.order.order_number
        self.p.packing.park(self.current, operator)
        self.current, self.asking = None, None
        return warn(f"Order {number} put aside", "scan it again to carry on where you stopped")

    # -- units ------------------------------------------------------------------------------------
    def product(self, scan: ProductScan, operator: Staff) -> Feedback:
        if self.asking is not None:
            what = self.asking.match.product.name
            return self._refused(scan.barcode, f"Scan the {self.asking.kind} of {what} first",
                                 "or CMD-UNDO to leave that unit out")
        return self._count(scan, operator, serial=None, lot=None)

    def code_for_unit(self, code: str, operator: Staff) -> Feedback:
        """The serial or lot the station asked for."""
        assert self.asking is not None
        asking, self.asking = self.asking, None
        scan = ProductScan(asking.match, asking.barcode)
        return self._count(scan, operator, serial=code if asking.kind == "serial" else None,
                           lot=code if asking.kind == "lot" else None)

    def _count(self, scan: ProductScan, operator: Staff, serial: str | None, lot: str | None) -> Feedback:
        assert self.current is not None
        catalog = self.p.catalog()
        result = count_unit(self.current.state, catalog, scan.match, scan.barcode, gs1=scan.gs1,
                            serial=serial, lot=lot, today=self.p.today(),
                            serial_taken=self.p.packing.serial_taken)
        if isinstance(result, NeedsCode):
            self.asking = result
            self.p.audit("unit.code_asked", self.current.state.order.order_number,
                         {"barcode": scan.barcode, "sku": scan.match.product.sku, "kind": result.kind})
            return warn(f"Scan the {result.kind} number of {scan.match.product.name}",
                        "it is on the unit's label")
        if not isinstance(result, Counted):
            return self._refused(scan.barcode, result.reason)
        counted = f"+{result.unit.quantity} {scan.match.product.name}"
        if is_verified(result.state, catalog) and self.p.auto_complete:
            blocked = self._closing_blocked(result.state)
            if blocked is None:
                self.current = replace(self.current, state=result.state)
                return self.complete(operator, last_unit=result.unit)
        self.p.packing.count(self.current, result.unit, operator)
        self.current = replace(self.current, state=result.state)
        return ok(counted, self._next_step(result.state, result.unit))

    def undo(self, operator: Staff) -> Feedback:
        assert self.current is not None
        if self.asking is not None:
            name, self.asking = self.asking.match.product.name, None
            return warn(f"{name} left out", "it was not counted: take it out of the box")
        undone = undo_last(self.current.state)
        if undone is None:
            return self._command_refused("CMD-UNDO", warn("Nothing to undo"))
        state, unit = undone
        self.p.packing.undo(self.current, unit, operator, state.open_package)
        self.current = replace(self.current, state=state)
        return warn(f"Took back {unit.quantity} × {unit.sku}", "take it out of the box")

    # -- inserts and packages ---------------------------------------------------------------------
    def insert(self, insert: Insert, operator: Staff) -> Feedback:
        assert self.current is not None
        result = confirm_insert(self.current.state, insert)
        if not isinstance(result, tuple):
            return self._refused(insert.barcode, result.reason)
        state, mark = result
        self.p.packing.mark_insert(self.current, mark, operator)
        self.current = replace(self.current, state=state)
        return self._after_check(operator, ok(f"+ {insert.name}", self._next_step(state)))

    def skip_insert(self, operator: Staff) -> Feedback:
        assert self.current is not None
        result = skip_next_insert(self.current.state)
        if not isinstance(result, tuple):
            return self._command_refused("CMD-SKIP-INSERT", warn(result.reason))
        state, mark = result
        self.p.packing.mark_insert(self.current, mark, operator)
        self.current = replace(self.current, state=state)
        name = self.p.catalog().inserts.get(mark.code)
        return self._after_check(operator, warn(f"Skipped {name.name if name else mark.code}",
                                                self._next_step(state)))

    def box(self, box: Box, operator: Staff) -> Feedback:
        assert self.current is not None
        state = set_box(self.current.state, box)
        self.current = replace(self.current, state=state)
        self.p.packing.save_package(self.current, state.package(state.open_package), operator,
                                    "package.box", {"box": box.code})
        return ok(f"Package {state.open_package}: {box.name}", self._next_step(state))

    def new_package(self, operator: Staff) -> Feedback:
        assert self.current is not None
        blocked = self._closing_blocked(self.current.state)
        if blocked is not None:
            return self._command_refused("CMD-NEW-BOX", error(blocked))
        state = open_next_package(self.current.state)
        if not isinstance(state, PackingState):
            return self._command_refused("CMD-NEW-BOX", error(state.reason))
        self.current = replace(self.current, state=state)
        self.p.packing.save_package(self.current, state.package(state.open_package), operator,
                                    "package.opened", {})
        return ok(f"Package {state.open_package - 1} closed", f"package {state.open_package}: "
                  "scan its items")

    def weigh(self, operator: Staff, ask: Callable[[Approval], None]) -> Feedback:
        assert self.current is not None
        reading = self._stable_reading()
        if isinstance(reading, Feedback):
            return self._command_refused("CMD-WEIGH", reading)
        catalog, state = self.p.catalog(), self.current.state
        number, weight = state.open_package, round(reading)
        state = record_weight(state, number, weight)
        self.current = replace(self.current, state=state)
        check = check_weight(state, catalog, number, weight, tolerance_pct=self.p.tolerances.tolerance_pct,
                             tolerance_g=self.p.tolerances.tolerance_g)
        self.p.packing.save_package(self.current, state.package(number), operator, "package.weighed",
                                    {"weight_g": weight, "expected_g": check.expected_g, "ok": check.ok})
        if not check.ok:
            ask(Approval("weight", f"package {number} at {grams(weight)}",
                         lambda supervisor, reason: self._approve_weight(operator, supervisor, reason)))
            return error(f"Weight mismatch: {grams(weight)}, expected {grams(check.expected_g or 0)}",
                         f"allowed ±{grams(check.allowed_g)}: check the contents and CMD-WEIGH again")
        detail = f"expected {grams(check.expected_g)}" if check.expected_g is not None else ""
        return self._after_check(operator, ok(f"Package {number}: {grams(weight)}", detail))

    def _approve_weight(self, operator: Staff, supervisor: Staff, reason: str) -> Feedback:
        assert self.current is not None
        number = self.current.state.open_package
        state = approve_weight(self.current.state, number, supervisor.badge)
        self.current = replace(self.current, state=state)
        self.p.packing.save_package(self.current, state.package(number), operator, "override.weight",
                                    {"supervisor": supervisor.badge, "reason": reason})
        return self._after_check(operator, ok(f"Weight of package {number} approved by {supervisor.name}"))

    def _stable_reading(self) -> float | Feedback:
        if self.p.scale is None:
            return warn("No scale at this station", "scale.port is empty in the configuration")
        reading = self.p.scale.latest()
        if reading is None or reading.status != "stable" or time.monotonic() - reading.at > FRESH_READING_S:
            reading = self.p.scale.wait_stable(WEIGH_WAIT_S) or self.p.scale.latest()
        if reading is None:
            return error("The scale does not answer", "check its cable, then scan CMD-WEIGH again")
        if reading.status != "stable" or reading.grams is None:
            return error(f"Not weighed: {reading.message}",
                         "wait until the scale settles, then scan CMD-WEIGH again")
        return reading.grams

    # -- completion -------------------------------------------------------------------------------
    def done(self, operator: Staff) -> Feedback:
        assert self.current is not None
        catalog, state = self.p.catalog(), self.current.state
        refusal = None
        if not is_complete(state, catalog):
            left = sum(max(0, p.line.quantity - p.counted) for p in line_progress(state, catalog))
            refusal = error(f"{left} unit(s) still to scan", "or CMD-SHORT-SHIP with a supervisor")
        elif pending_inserts(state):
            refusal = error(f"Put in {pending_inserts(state)[0].name}", "or CMD-SKIP-INSERT")
        elif blocked := self._closing_blocked(state):
            refusal = error(blocked)
        return self._command_refused("CMD-DONE", refusal) if refusal else self.complete(operator)

    def short_ship(self, operator: Staff, ask: Callable[[Approval], None]) -> Feedback:
        assert self.current is not None
        if not self.current.state.units:
            return self._command_refused("CMD-SHORT-SHIP", error("Nothing is packed yet",
                                                                 "scan the items that go out first"))
        number = self.current.state.order.order_number

        def grant(supervisor: Staff, reason: str) -> Feedback:
            override: dict[str, Any] = {
                "supervisor": {"badge": supervisor.badge, "name": supervisor.name}, "reason": reason}
            return self.complete(operator, override=override)

        ask(Approval("short_ship", f"a short shipment of {number}", grant))
        return warn(f"Ship {number} short?", "a supervisor approves: badge, PIN and reason")

    def complete(self, operator: Staff, last_unit: Unit | None = None,
                 override: dict[str, Any] | None = None) -> Feedback:
        assert self.current is not None
        current, catalog = self.current, self.p.catalog()
        state = current.state  # it holds the last unit already; `last_unit` is its row to write
        # The documents are rendered first and queued in the same transaction as the event:
        # a crash after the commit leaves them queued, never lost.
        shipping = self.p.labels.for_order(state, catalog)
        self.last_jobs = self.p.printer.packed_order_jobs(state, catalog, station_id=self.p.station_id,
                                                          packed_by=operator.name, shipping=shipping.packages)
        tracking = {n: (p.tracking_number, p.carrier) for n, p in shipping.packages.items()}
        job_ids = self.p.packing.complete(current, catalog, operator, last_unit, override, self.last_jobs,
                                          tracking)
        self.current, self.asking = None, None
        self.p.on_event_recorded()
        if shipping.waiting:
            self.p.audit("label.waiting", state.order.order_number, {"packages": list(shipping.waiting)})
        return self._print(state, job_ids, short=override is not None, problems=shipping.problems)

    def _print(self, state: PackingState, job_ids: list[int], short: bool,
               problems: tuple[str, ...] = ()) -> Feedback:
        number = state.order.order_number
        outcome = self.p.printer.queue.send(job_ids)
        self.last_sent = outcome.sent
        self.p.audit("print", number, {"documents": [j.document for j in self.last_jobs],
                                       "errors": list(outcome.errors)})
        verb = "shipped short" if short else "packed"
        if outcome.errors:
            return warn(f"Order {number} {verb}, but printing failed",
                        "; ".join((*problems, *outcome.errors)) + " (scan CMD-REPRINT)")
        if problems:
            return warn(f"Order {number} {verb}", sentence("; ".join(problems)))
        return ok(f"Order {number} {verb}", "slip and labels printed: scan the next order")

    def reprint(self) -> Feedback:
        if not self.last_jobs:
            return self._command_refused("CMD-REPRINT", warn("Nothing to reprint yet"))
        outcome = self.p.printer.send(self.last_jobs)
        documents = [j.document for j in self.last_jobs]
        self.p.audit("reprint", self.last_jobs[0].subject, {"documents": documents})
        if outcome.errors:
            return error("Reprint failed", "; ".join(outcome.errors))
        self.last_sent = outcome.sent
        return ok("Printed again", ", ".join(j.document for j in self.last_jobs))

    # -- helpers ----------------------------------------------------------------------------------
    def _after_check(self, operator: Staff, feedback: Feedback) -> Feedback:
        """After an insert, a weight or an approval: complete if everything is now verified."""
        assert self.current is not None
        state = self.current.state
        if (self.p.auto_complete and is_verified(state, self.p.catalog())
                and self._closing_blocked(state) is None):
            return self.complete(operator)
        return feedback

    def _closing_blocked(self, state: PackingState) -> str | None:
        refused = may_close(state, self.p.catalog(), state.open_package, scale=self.p.scale is not None,
                            tolerance_pct=self.p.tolerances.tolerance_pct,
                            tolerance_g=self.p.tolerances.tolerance_g)
        return sentence(refused.reason) if refused else None

    def _next_step(self, state: PackingState, unit: Unit | None = None) -> str:
        catalog = self.p.catalog()
        if not is_complete(state, catalog):
            return unit.sku if unit else "scan the next item"
        pending = pending_inserts(state)
        if pending:
            return f"now put in {pending[0].name} (or CMD-SKIP-INSERT)"
        refused = may_close(state, catalog, state.open_package, scale=self.p.scale is not None,
                            tolerance_pct=self.p.tolerances.tolerance_pct,
                            tolerance_g=self.p.tolerances.tolerance_g)
        return refused.reason if refused else "all checked: scan CMD-DONE"

    def _command_refused(self, code: str, feedback: Feedback) -> Feedback:
        subject = self.current.state.order.order_number if self.current else None
        self.p.audit("command.refused", subject, {"code": code, "reason": feedback.message})
        return feedback

    def _refused(self, code: str, reason: str, hint: str = "") -> Feedback:
        subject = self.current.state.order.order_number if self.current else None
        self.p.audit("scan.refused", subject, {"code": code[:128], "reason": reason})
        return error(reason, hint)

