"""The desk: what one scan means here and now (scanning.md), and the screen state that follows.

People, modes, commands and supervisor approvals live here; packing steps in PackingDesk, returns in
ReturnsDesk, hand-over in HandoverDesk. Runs on the single scan-consumer thread, so its state needs no
lock; screens get frozen views.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from station.domain.catalog import Catalog, Staff
from station.domain.classify import (
    Badge,
    BoxScan,
    CarrierChoice,
    Command,
    Context,
    InsertScan,
    OrderNumber,
    ProductScan,
    Refused,
    ReturnSearch,
    SerialScan,
    TrackingScan,
    classify,
)
from station.domain.commands import COMMANDS, is_command
from station.domain.scan import Scan
from station.services.approval import MAX_REASON, Approval, take_badge, take_entry
from station.services.feedback import SIGNED_OUT, error, ok, warn
from station.services.handover_desk import HandoverDesk
from station.services.order_view import order_view
from station.services.packing_desk import PackingDesk
from station.services.return_view import return_view
from station.services.returns_desk import ReturnsDesk
from station.services.views import Feedback, Mode, OperatorView, Prompt, ScreenState
from station.storage.audit import Actor, append_audit
from station.storage.db import Database
from station.sync.catalog import CatalogHolder

log = logging.getLogger(__name__)

ROLE_MODES: dict[str, Mode] = {"packer": "pack", "returns": "returns", "supervisor": "pack"}
MODE_COMMANDS: dict[str, Mode] = {"CMD-MODE-PACK": "pack", "CMD-MODE-RETURNS": "returns",
                                  "CMD-MODE-HANDOVER": "handover"}


@dataclass
class DeskParts:
    station_id: str
    start_mode: Mode
    db: Database
    catalog: CatalogHolder


class Desk:
    def __init__(self, parts: DeskParts, packing: PackingDesk, returns: ReturnsDesk,
                 handover: HandoverDesk) -> None:
        self.p = parts
        self.packing = packing
        self.returns = returns
        self.handover = handover
        self.mode: Mode = parts.start_mode
        self.operator: Staff | None = None
        self.approval: Approval | None = None
        self.feedback: Feedback = SIGNED_OUT

    # -- entry point -------------------------------------------------------------------------------
    def handle(self, scan: Scan) -> ScreenState:
        code = scan.code.strip()
        if code:
            self.feedback = self._dispatch(code, scan)
        return self.screen()

    def _dispatch(self, code: str, scan: Scan) -> Feedback:
        if self.approval is not None and self.approval.step != "supervisor":
            return self._approval_entry(code)  # a PIN or a reason: never classified, never logged
        catalog = self.p.catalog.current()
        meaning = classify(scan, catalog, self._context())
        if self.approval is not None:  # the station offered a supervisor's approval
            if isinstance(meaning, Badge) and meaning.staff.role == "supervisor":
                return self._approval_badge(meaning.staff)
            self.approval = None  # any other scan goes on as usual
        if isinstance(meaning, Command):
            return self._command(meaning.code)
        if isinstance(meaning, Badge):
            return self._sign_in(meaning.staff)
        if isinstance(meaning, Refused):
            return self._refuse(code, meaning.reason, meaning.hint)
        assert self.operator is not None  # classify refuses everything else when signed out
        if self.mode == "handover" or isinstance(meaning, CarrierChoice):
            return self._handover_scan(meaning, code)
        if self.mode == "returns":
            return self._returns_scan(meaning, code)
        return self._packing_scan(meaning, code)

    def _handover_scan(self, meaning: object, code: str) -> Feedback:
        assert self.operator is not None
        if self.mode != "handover":
            return self._refuse(code, f"{code} chooses a carrier in hand-over mode",
                                "a supervisor scans CMD-MODE-HANDOVER first")
        if isinstance(meaning, CarrierChoice):
            return self.handover.choose_carrier(meaning.name, self.operator)
        if isinstance(meaning, TrackingScan):
            return self.handover.package(meaning, code, self.operator)
        return self._refuse(code, f"{code} means nothing here", "scan the packages' tracking numbers")

    def _returns_scan(self, meaning: object, code: str) -> Feedback:
        assert self.operator is not None
        if isinstance(meaning, ReturnSearch):
            return self.returns.open_return(meaning, self.operator, self._ask)
        if isinstance(meaning, SerialScan) and self.returns.asking is not None:
            return self.returns.code_for_unit(meaning.serial, self.operator)
        if isinstance(meaning, ProductScan) and self.returns.current is not None:
            return self.returns.product(meaning, self.operator)
        return self._refuse(code, f"{code} means nothing here", "scan the returned units")

    def _packing_scan(self, meaning: object, code: str) -> Feedback:
        assert self.operator is not None
        if self.mode != "pack":
            return self._refuse(code, f"{code} means nothing in {self.mode} mode")
        if isinstance(meaning, OrderNumber):
            return self.packing.open_order(meaning.number, self.operator, self._ask)
        if isinstance(meaning, SerialScan) and self.packing.asking is not None:
            return self.packing.code_for_unit(meaning.serial, self.operator)
        if isinstance(meaning, ProductScan):
            return self.packing.product(meaning, self.operator)
        if isinstance(meaning, InsertScan):
            return self.packing.insert(meaning.insert, self.operator)
        if isinstance(meaning, BoxScan):
            return self.packing.box(meaning.box, self.operator)
        return self._refuse(code, f"{code} means nothing here", "scan the order's items")

    def _context(self) -> Context:
        if self.operator is None:
            return "signed_out"
        if self.mode == "pack":
            if self.packing.current is None:
                return "pack_idle"
            return "pack_serial" if self.packing.asking is not None else "pack_order"
        if self.mode == "returns":
            if self.returns.current is None:
                return "returns_idle"
            # A serial asked for reads like packing's: the code as scanned.
            return "pack_serial" if self.returns.asking is not None else "returns_open"
        return "handover"

    def _refuse(self, code: str, reason: str, hint: str = "") -> Feedback:
        """A refused scan: shown red, and kept in the audit trail with what was scanned."""
        self.audit("scan.refused", self._subject(), {"code": code[:128], "reason": reason})
        return error(reason, hint)

    def _command_refused(self, code: str, feedback: Feedback) -> Feedback:
        """A command that does nothing here: kept in the audit trail like a refused scan."""
        self.audit("command.refused", self._subject(), {"code": code, "reason": feedback.message})
        return feedback

    def _subject(self) -> str | None:
        """The open order, return or manifest."""
        packing, returns, manifest = self.packing.current, self.returns.current, self.handover.current
        return (packing.state.order.order_number if packing
                else returns.state.rma.subject if returns
                else manifest.manifest_id if manifest else None)

    # -- supervisor approvals ------------------------------------------------------------------------
    def _ask(self, approval: Approval) -> None:
        self.approval = approval
        self.audit("override.requested", self._subject(), {"purpose": approval.purpose})

    def _approval_badge(self, staff: Staff) -> Feedback:
        assert self.approval is not None
        feedback = take_badge(self.approval, staff).feedback
        if feedback.level == "error":
            self.audit("scan.refused", self._subject(), {"code": staff.badge, "reason": feedback.message})
        else:
            self.audit("override.supervisor", self._subject(), {"purpose": self.approval.purpose,
                                                                "supervisor": staff.badge})
        return feedback

    def _approval_entry(self, code: str) -> Feedback:
        assert self.approval is not None
        if is_command(code):
            if code != "CMD-CANCEL":
                return self._command_refused(code, error("Finish the approval first", "or scan CMD-CANCEL"))
            self.audit("override.cancelled", None, {"purpose": self.approval.purpose})
            self.approval = None
            return warn("Approval cancelled")
        approval, subject = self.approval, self._subject()  # the grant may close the order
        step = take_entry(approval, code, self.p.db, self.p.station_id)
        if step.done:
            self.approval = None
            if approval.step == "reason" and approval.supervisor is not None:
                self.audit("override.approved", subject, {
                    "purpose": approval.purpose, "supervisor": approval.supervisor.badge,
                    "reason": " ".join(code.split())[:MAX_REASON]})
        return step.feedback

    # -- people and modes ---------------------------------------------------------------------------
    def _sign_in(self, staff: Staff) -> Feedback:
        previous = self.operator
        if not staff.may(self.mode):
            self.handover.leave(previous or staff)  # an open manifest is put aside, never lost
            self.mode = ROLE_MODES[staff.role]
        self.operator = staff
        self.audit("sign_in", None, {"name": staff.name, "handover_from": previous.badge
                                      if previous and previous.badge != staff.badge else None})
        if self.mode == "returns":
            hint = ("Scan the next unit" if self.returns.current
                    else "Scan an RMA, a return tracking number or an order number")
        elif self.mode == "handover":
            hint = "Scan the next package" if self.handover.current else "Choose the carrier"
        else:
            hint = "Scan the next item" if self.packing.current else "Scan an order number"
        return ok(f"Signed in: {staff.name}", hint)

    def _sign_out(self) -> Feedback:
        if self.operator is None:
            return SIGNED_OUT
        if self.packing.current is not None:
            self.packing.put_aside(self.operator)
        if self.returns.current is not None:
            self.returns.put_aside(self.operator)
        self.handover.leave(self.operator)
        self.audit("sign_out", None, {})
        self.operator = None
        return Feedback("info", "Signed out", "Scan your badge to sign in")

    def _switch_mode(self, code: str) -> Feedback:
        assert self.operator is not None
        mode = MODE_COMMANDS[code]
        refusal = None
        if not self.operator.may(mode):
            shown = "hand-over" if mode == "handover" else mode
            refusal = error(f"{self.operator.name} may not work in {shown} mode")
        elif self.packing.current is not None or self.returns.current is not None:
            refusal = error("Finish the open order or return first", "or scan CMD-CANCEL to put it aside")
        elif self.handover.current is not None and mode != "handover":
            refusal = error("Finish the manifest first", "CMD-DONE, or CMD-CANCEL to put it aside")
        if refusal is not None:
            return self._command_refused(code, refusal)
        self.audit("mode.switched", None, {"from": self.mode, "to": mode})
        self.mode = mode
        if mode == "handover":
            return self.handover.enter()
        return ok("Packing" if mode == "pack" else "Returns")

    # -- commands -------------------------------------------------------------------------------------
    def _command(self, code: str) -> Feedback:
        if code == "CMD-SIGN-OUT":
            return self._sign_out()
        if self.operator is None:
            return self._command_refused(code, error("Sign in first", f"{code} needs someone signed in"))
        operator, packing = self.operator, self.packing
        if code in MODE_COMMANDS:
            return self._switch_mode(code)
        if self.mode == "returns":
            return self._returns_command(code, operator)
        if self.mode == "handover":
            return self._handover_command(code, operator)
        if code == "CMD-REPRINT":
            return packing.reprint()
        if packing.current is None:
            return self._command_refused(code, error(f"No open order for {code}",
                                                     "scan an order number first"))
        handlers = {
            "CMD-DONE": lambda: packing.done(operator),
            "CMD-CANCEL": lambda: packing.put_aside(operator),
            "CMD-UNDO": lambda: packing.undo(operator),
            "CMD-WEIGH": lambda: packing.weigh(operator, self._ask),
            "CMD-NEW-BOX": lambda: packing.new_package(operator),
            "CMD-SKIP-INSERT": lambda: packing.skip_insert(operator),
            "CMD-SHORT-SHIP": lambda: packing.short_ship(operator, self._ask),
        }
        handler = handlers.get(code)
        if handler is None:
            return self._command_refused(code, warn(f"{code} is not available here",
                                                    COMMANDS.get(code, "unknown command")))
        return handler()

    def _returns_command(self, code: str, operator: Staff) -> Feedback:
        returns = self.returns
        if code == "CMD-REPRINT":
            return returns.reprint()
        if returns.current is None:
            return self._command_refused(code, error(f"No open return for {code}",
                                                     "scan an RMA, a tracking number or an order number"))
        if code.startswith(("GRADE-", "DEFECT-", "DISP-")):
            return returns.inspect(code)
        handlers = {"CMD-DONE": lambda: returns.done(operator),
                    "CMD-CANCEL": lambda: returns.put_aside(operator),
                    "CMD-UNDO": lambda: returns.undo(operator)}
        handler = handlers.get(code)
        if handler is None:
            return self._command_refused(code, warn(f"{code} is not available in returns",
                                                    COMMANDS.get(code, "unknown command")))
        return handler()

    def _handover_command(self, code: str, operator: Staff) -> Feedback:
        handover = self.handover
        if code == "CMD-REPRINT":
            return handover.reprint()
        if handover.current is None:
            return self._command_refused(code, error(f"No open manifest for {code}",
                                                     "scan a carrier barcode (CARRIER-…) first"))
        handlers = {"CMD-DONE": lambda: handover.done(operator),
                    "CMD-CANCEL": lambda: handover.put_aside(operator),
                    "CMD-UNDO": lambda: handover.undo(operator)}
        handler = handlers.get(code)
        if handler is None:
            return self._command_refused(code, warn(f"{code} is not available in hand-over",
                                                    COMMANDS.get(code, "unknown command")))
        return handler()

    # -- views ------------------------------------------------------------------------------------------
    def audit(self, action: str, subject: str | None, detail: dict[str, object]) -> None:
        """One audit row, with the signed-in operator as the actor."""
        actor = Actor(self.operator.badge, self.operator.role) if self.operator else None
        with self.p.db.transaction() as connection:
            append_audit(connection, station_id=self.p.station_id, action=action, subject=subject,
                         detail=dict(detail), actor=actor)

    def screen(self) -> ScreenState:
        operator = (OperatorView(self.operator.badge, self.operator.name, self.operator.role)
                    if self.operator else None)
        catalog: Catalog = self.p.catalog.current()
        current = self.packing.current
        order = order_view(current.state, catalog, self.packing.p.tolerances) if current else None
        feedback = self.feedback
        if operator is not None and order is None and feedback.level == "idle":
            feedback = Feedback("idle", "Scan an order number")
        prompt = self.approval.prompt() if self.approval else None
        asking = self.packing.asking or self.returns.asking
        if prompt is None and asking is not None:
            prompt = Prompt(asking.kind, f"Scan the {asking.kind} number of {asking.match.product.name}")
        current_return = self.returns.current
        returns = (return_view(current_return.state, catalog, self.returns.p.table)
                   if current_return and self.mode == "returns" else None)
        if self.mode == "returns" and operator is not None and returns is None and feedback.level == "idle":
            feedback = Feedback("idle", "Scan an RMA, a return tracking number or an order number")
        documents = {"returns": self.returns.last_sent, "handover": self.handover.last_sent}.get(
            self.mode, self.packing.last_sent)
        handover = self.handover.view if self.mode == "handover" else None
        if handover is not None and operator is not None and feedback.level == "idle":
            next_step = "Scan the next package" if handover.manifest_id else "Choose the carrier"
            feedback = Feedback("idle", next_step)
        return ScreenState(self.p.station_id, self.mode, operator, order if self.mode == "pack" else None,
                           feedback, documents, prompt, returns, handover)
