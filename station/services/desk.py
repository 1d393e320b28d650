"""The desk: what one scan means here and now (scanning.md), and the screen state that follows.

Runs on the single scan-consumer thread, so its state needs no lock; screens get frozen views.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from devices.scale_protocols import Reading
from station.domain.catalog import Catalog, Staff
from station.domain.classify import (
    Badge,
    BoxScan,
    Command,
    Context,
    InsertScan,
    OrderNumber,
    ProductScan,
    Refused,
    classify,
)
from station.domain.commands import COMMANDS
from station.domain.scan import Scan
from station.services.documents import DocumentPrinter, PrintJob
from station.services.packing import OpenOrder, PackingService
from station.services.views import (
    Feedback,
    LineView,
    Mode,
    OperatorView,
    OrderView,
    ScreenState,
    grams,
)
from station.storage.audit import Actor, append_audit
from station.storage.db import Database
from station.sync.catalog import CatalogHolder, LookupFailed, OrderLookup
from station.workflows.packing import (
    Counted,
    PackingState,
    Unit,
    expected_weight_g,
    is_complete,
    line_progress,
    refusal_for_status,
    undo_last,
)
from station.workflows.packing import count as count_unit

log = logging.getLogger(__name__)

SIGNED_OUT = Feedback("idle", "Scan your badge to sign in")
ROLE_MODES: dict[str, Mode] = {"packer": "pack", "returns": "returns", "supervisor": "pack"}


def ok(message: str, detail: str = "") -> Feedback:
    return Feedback("ok", message, detail, "success")


def error(message: str, detail: str = "") -> Feedback:
    return Feedback("error", message, detail, "error")


def warn(message: str, detail: str = "") -> Feedback:
    return Feedback("warn", message, detail, "attention")


WEIGH_WAIT_S = 3.0  # how long CMD-WEIGH waits for a moving scale to settle
FRESH_READING_S = 1.0  # a stable reading older than this may predate the package on the scale


class Scale(Protocol):
    def latest(self) -> Reading | None: ...

    def wait_stable(self, timeout_s: float) -> Reading | None: ...


@dataclass
class DeskParts:
    station_id: str
    start_mode: Mode
    auto_complete: bool
    db: Database
    catalog: CatalogHolder
    orders: OrderLookup
    packing: PackingService
    printer: DocumentPrinter
    on_event_recorded: Callable[[], None] = field(default=lambda: None)
    scale: Scale | None = None


class Desk:
    def __init__(self, parts: DeskParts) -> None:
        self.p = parts
        self.mode: Mode = parts.start_mode
        self.operator: Staff | None = None
        self.current: OpenOrder | None = None
        self.feedback: Feedback = SIGNED_OUT
        self.last_jobs: list[PrintJob] = []
        self.last_sent: tuple[str, ...] = ()

    # -- entry point -------------------------------------------------------------------------------
    def handle(self, scan: Scan) -> ScreenState:
        code = scan.code.strip()
        if code:
            self.feedback = self._dispatch(code, scan)
        return self.screen()

    def _dispatch(self, code: str, scan: Scan) -> Feedback:
        catalog = self.p.catalog.current()
        meaning = classify(scan, catalog, self._context())
        if isinstance(meaning, Command):
            return self._command(meaning.code)
        if isinstance(meaning, Badge):
            return self._sign_in(meaning.staff)
        if isinstance(meaning, Refused):
            return self._refuse(code, meaning.reason, meaning.hint)
        if isinstance(meaning, OrderNumber):
            return self._open_order(meaning.number)
        if isinstance(meaning, ProductScan):
            return self._product(meaning, catalog)
        if isinstance(meaning, InsertScan | BoxScan):
            return warn(f"{code} is not recorded on this station yet", "scan the order's items")
        return warn("Returns are not processed on this station yet", "scan CMD-MODE-PACK to pack orders")

    def _context(self) -> Context:
        if self.operator is None:
            return "signed_out"
        if self.mode == "pack":
            return "pack_order" if self.current is not None else "pack_idle"
        return "returns_idle" if self.mode == "returns" else "handover"

    def _refuse(self, code: str, reason: str, hint: str = "") -> Feedback:
        """A refused scan: shown red, and kept in the audit trail with what was scanned."""
        subject = self.current.state.order.order_number if self.current else None
        self._audit("scan.refused", subject, {"code": code[:128], "reason": reason})
        return error(reason, hint)

    # -- people and modes ---------------------------------------------------------------------------
    def _sign_in(self, staff: Staff) -> Feedback:
        previous = self.operator
        self.operator = staff
        if not staff.may(self.mode):
            self.mode = ROLE_MODES[staff.role]
        self._audit("sign_in", None, {"name": staff.name, "handover_from": previous.badge
                                      if previous and previous.badge != staff.badge else None})
        hint = "Scan the next item" if self.current else "Scan an order number"
        return ok(f"Signed in: {staff.name}", hint)

    def _sign_out(self) -> Feedback:
        if self.operator is None:
            return SIGNED_OUT
        if self.current is not None:
            self.p.packing.park(self.current, self.operator)
            self.current = None
        self._audit("sign_out", None, {})
        self.operator = None
        return Feedback("info", "Signed out", "Scan your badge to sign in")

    def _switch_mode(self, mode: Mode) -> Feedback:
        if self.operator is None:
            return error("Sign in first")
        if not self.operator.may(mode):
            return error(f"{self.operator.name} may not work in {mode} mode")
        if self.current is not None:
            return error("Finish the open order first", "or scan CMD-CANCEL to put it aside")
        self.mode = mode
        return ok("Packing" if mode == "pack" else "Returns")

    # -- commands -------------------------------------------------------------------------------------
    def _command(self, code: str) -> Feedback:
        if code == "CMD-SIGN-OUT":
            return self._sign_out()
        if self.operator is None:
            return error("Sign in first", f"{code} needs someone signed in")
        if code in ("CMD-MODE-PACK", "CMD-MODE-RETURNS"):
            return self._switch_mode("pack" if code == "CMD-MODE-PACK" else "returns")
        if code == "CMD-REPRINT":
            return self._reprint()
        if self.current is None:
            return error(f"No open order for {code}", "scan an order number first")
        handlers = {"CMD-DONE": self._done, "CMD-CANCEL": self._cancel, "CMD-UNDO": self._undo,
                    "CMD-WEIGH": self._weigh}
        handler = handlers.get(code)
        if handler is None:
            meaning = COMMANDS.get(code, "unknown command")
            return warn(f"{code} is not available here", meaning)
        return handler()

    def _done(self) -> Feedback:
        assert self.current is not None
        remaining = sum(max(0, p.line.quantity - p.counted)
                        for p in line_progress(self.current.state, self.p.catalog.current()))
        if remaining:
            return error(f"{remaining} unit(s) still to scan", "the order cannot be completed yet")
        if self._needs_weight(self.current.state):
            return error("Weigh the package first", "put it on the scale and scan CMD-WEIGH")
        return self._complete(None)

    def _needs_weight(self, state: PackingState) -> bool:
        """With a scale, a package closes only once weighed after its last unit went in."""
        return self.p.scale is not None and state.package(1).weight_g is None

    def _cancel(self) -> Feedback:
        assert self.current is not None and self.operator is not None
        number = self.current.state.order.order_number
        self.p.packing.park(self.current, self.operator)
        self.current = None
        return warn(f"Order {number} put aside", "scan it again to carry on where you stopped")

    def _undo(self) -> Feedback:
        assert self.current is not None and self.operator is not None
        undone = undo_last(self.current.state)
        if undone is None:
            return warn("Nothing to undo")
        state, unit = undone
        self.p.packing.undo(self.current, unit, self.operator)
        self.current = replace(self.current, state=state)
        return warn(f"Took back {unit.quantity} × {unit.sku}", "take it out of the box")

    def _weigh(self) -> Feedback:
        assert self.current is not None and self.operator is not None
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
        package = replace(self.current.state.package(1), weight_g=round(reading.grams))
        self.p.packing.weigh(self.current, package, self.operator)
        self.current = replace(self.current, state=self.current.state.with_package(package))
        catalog = self.p.catalog.current()
        if self.p.auto_complete and is_complete(self.current.state, catalog):
            return self._complete(None)
        expected = expected_weight_g(self.current.state, catalog)
        return ok(f"Package {package.package_no}: {grams(round(reading.grams))}",
                  f"the items weigh {grams(expected)}" if expected is not None else "")

    def _reprint(self) -> Feedback:
        if not self.last_jobs:
            return warn("Nothing to reprint yet")
        outcome = self.p.printer.send(self.last_jobs)
        self._audit("reprint", self.last_jobs[0].subject, {"documents": [j.document for j in self.last_jobs]})
        if outcome.errors:
            return error("Reprint failed", "; ".join(outcome.errors))
        self.last_sent = outcome.sent
        return ok("Printed again", ", ".join(j.document for j in self.last_jobs))

    # -- packing ----------------------------------------------------------------------------------------
    def _open_order(self, code: str) -> Feedback:
        assert self.operator is not None
        try:
            order, fresh = self.p.orders.find(code)
        except LookupFailed as exc:
            self._audit("scan.refused", code, {"reason": str(exc)})
            return error(str(exc))
        refusal = refusal_for_status(order)
        if refusal is not None:
            self._audit("scan.refused", code, {"reason": refusal})
            if order.status in ("packed", "shipped"):
                return warn(refusal.capitalize(), "a supervisor may allow a repack")
            return error(refusal.capitalize())
        self.current = self.p.packing.open(order, self.operator)
        verb = "Resumed" if self.current.resumed else "Order"
        offline = "" if fresh else " (backend unreachable: using the saved copy)"
        return ok(f"{verb} {order.order_number}", f"{order.customer.name}: scan each item{offline}")

    def _product(self, scan: ProductScan, catalog: Catalog) -> Feedback:
        assert self.current is not None and self.operator is not None
        match = scan.match
        result = count_unit(self.current.state, catalog, match, scan.barcode)
        if not isinstance(result, Counted):
            return self._refuse(scan.barcode, result.reason)
        if result.complete and self.p.auto_complete and not self._needs_weight(result.state):
            self.current = replace(self.current, state=result.state)
            return self._complete(result.unit)
        self.p.packing.count(self.current, result.unit, self.operator)
        self.current = replace(self.current, state=result.state)
        counted = f"+{result.unit.quantity} {match.product.name}"
        if result.complete and self._needs_weight(result.state):
            return ok(counted, "all counted: put the package on the scale and scan CMD-WEIGH")
        if result.complete:
            return ok(counted, "all counted: scan CMD-DONE")
        return ok(counted, result.unit.sku)

    def _complete(self, unit: Unit | None) -> Feedback:
        assert self.current is not None and self.operator is not None
        current, operator, catalog = self.current, self.operator, self.p.catalog.current()
        self.p.packing.complete(current, catalog, operator, unit)
        self.current = None
        self.p.on_event_recorded()
        return self._print_packed(current.state, catalog, operator)

    def _print_packed(self, state: PackingState, catalog: Catalog, operator: Staff) -> Feedback:
        number = state.order.order_number
        self.last_jobs = self.p.printer.packed_order_jobs(state, catalog, station_id=self.p.station_id,
                                                          packed_by=operator.name)
        outcome = self.p.printer.send(self.last_jobs)
        self.last_sent = outcome.sent
        self._audit("print", number, {"documents": [j.document for j in self.last_jobs],
                                      "errors": list(outcome.errors)})
        if outcome.errors:
            return warn(f"Order {number} packed, but printing failed",
                        "; ".join(outcome.errors) + " (scan CMD-REPRINT)")
        return ok(f"Order {number} packed", "slip and label printed: scan the next order")

    # -- views ------------------------------------------------------------------------------------------
    def _audit(self, action: str, subject: str | None, detail: dict[str, object]) -> None:
        actor = Actor(self.operator.badge, self.operator.role) if self.operator else None
        with self.p.db.unit_of_work() as s:
            append_audit(s, station_id=self.p.station_id, action=action, subject=subject,
                         detail=dict(detail), actor=actor)

    def screen(self) -> ScreenState:
        operator = (OperatorView(self.operator.badge, self.operator.name, self.operator.role)
                    if self.operator else None)
        order = _order_view(self.current.state, self.p.catalog.current()) if self.current else None
        feedback = self.feedback
        if operator is not None and order is None and feedback.level == "idle":
            feedback = Feedback("idle", "Scan an order number")
        return ScreenState(self.p.station_id, self.mode, operator, order, feedback, self.last_sent)


def _order_view(state: PackingState, catalog: Catalog) -> OrderView:
    lines: list[LineView] = []
    for p in line_progress(state, catalog):
        name = p.product.name if p.product else f"{p.line.sku} (not in the catalog)"
        lines.append(LineView(p.line.line_id, p.line.sku, name, p.line.quantity, p.counted))
        for sku, have, needed in p.components:
            component = catalog.products.get(sku)
            lines.append(LineView(p.line.line_id, sku, component.name if component else sku,
                                  needed, have, indent=True))
    order = state.order
    ship_to = f"{order.ship_to.name}, {order.ship_to.city}, {order.ship_to.country}"
    return OrderView(order.order_number, order.status, order.customer.name, ship_to,
                     order.shipping.carrier, order.shipping.service, tuple(lines),
                     order.gift_message, order.notes, package_weight_g=state.package(1).weight_g,
                     expected_weight_g=expected_weight_g(state, catalog))
