"""Returns at the desk: find the parcel's return, inspect each unit (grade, defects, disposition),
record it with its LPN label, and close the return with its receipt (scanning.md, events.md).

Runs on the scan-consumer thread; every step commits through ReturnsService before it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from station.domain.catalog import Catalog, Staff
from station.domain.classify import ProductScan, ReturnSearch
from station.domain.commands import DEFECTS
from station.services.approval import Approval
from station.services.documents import DocumentPrinter
from station.services.feedback import error, ok, sentence, warn
from station.services.print_queue import PrintJob
from station.services.printable import unprintable_warning
from station.services.return_documents import item_label_job, receipt_job
from station.services.returns import OpenReturn, ReturnBusy, ReturnsService
from station.services.views import Feedback
from station.sync.catalog import LookupFailed
from station.sync.returns import FoundReturn, ReturnFinder
from station.workflows.returns import (
    DEFAULT_DISPOSITIONS,
    DispositionTable,
    GradedUnit,
    NeedsCode,
    Refused,
    ReturnState,
    current_disposition,
    grade,
    parse_inspection_command,
    ready_to_record,
    refund_recommendation,
    refusal_for_status,
    set_disposition,
    start_unit,
    toggle_defect,
    undo,
    warning_for_status,
    wrong_item_alerts,
)


@dataclass
class ReturnsParts:
    station_id: str
    catalog: Callable[[], Catalog]
    finder: ReturnFinder
    service: ReturnsService
    printer: DocumentPrinter
    audit: Callable[[str, str | None, dict[str, object]], None]
    on_event_recorded: Callable[[], None]
    paper: str = "A4"
    table: DispositionTable = field(default_factory=lambda: DEFAULT_DISPOSITIONS)


class ReturnsDesk:
    def __init__(self, parts: ReturnsParts) -> None:
        self.p = parts
        self.current: OpenReturn | None = None
        self.asking: NeedsCode | None = None
        self.last_jobs: list[PrintJob] = []
        self.last_sent: tuple[str, ...] = ()

    # -- finding the return --------------------------------------------------------------------------
    def open_return(self, search: ReturnSearch, operator: Staff, ask: Callable[[Approval], None]) -> Feedback:
        try:
            found = self.p.finder.find(search.lookups)
        except LookupFailed as exc:
            return self._refused(search.lookups[0].value, sentence(str(exc)))
        refusal = refusal_for_status(found.rma)
        if refusal is not None:
            ask(Approval("closed_rma", f"processing {found.rma.subject}",
                         lambda supervisor, reason: self._open(found, operator, supervisor, reason)))
            return warn(sentence(refusal), "scan a supervisor badge to allow it")
        feedback = self._open(found, operator)
        warning = warning_for_status(found.rma)
        return warn(sentence(warning), feedback.detail) if warning and self.current else feedback

    def _open(self, found: FoundReturn, operator: Staff, supervisor: Staff | None = None,
              reason: str = "") -> Feedback:
        try:
            self.current = self.p.service.open(found, operator)
        except ReturnBusy as exc:
            return self._refused(found.rma.subject, sentence(str(exc)))
        if supervisor is not None:
            self.p.audit("override.closed_rma", found.rma.subject,
                         {"supervisor": supervisor.badge, "reason": reason})
        self.p.on_event_recorded()
        rma = found.rma
        title = f"Return {rma.rma_number}" if rma.rma_number else f"Unannounced return of {rma.order_number}"
        verb = "Resumed: " if self.current.resumed else ""
        unprintable = unprintable_warning([rma.customer.name])  # the receipt carries the name
        if unprintable:
            return warn(f"{verb}{title}",
                        f"{rma.customer.name}: scan the first unit. {sentence(unprintable)}")
        return ok(f"{verb}{title}", f"{rma.customer.name}: scan the first unit")

    # -- units ---------------------------------------------------------------------------------------
    def product(self, scan: ProductScan, operator: Staff) -> Feedback:
        assert self.current is not None
        if self.asking is not None:
            return self._refused(scan.barcode, f"Scan the {self.asking.kind} of "
                                 f"{self.asking.match.product.name} first", "or CMD-UNDO")
        recorded = self._record_current(operator)
        if isinstance(recorded, Feedback):
            return self._refused(scan.barcode, recorded.message, recorded.detail)
        return self._start(scan, operator, None, None, recorded)

    def code_for_unit(self, code: str, operator: Staff) -> Feedback:
        assert self.asking is not None
        asking, self.asking = self.asking, None
        scan = ProductScan(asking.match, asking.barcode)
        return self._start(scan, operator, code if asking.kind == "serial" else None,
                           code if asking.kind == "lot" else None, None)

    def _start(self, scan: ProductScan, operator: Staff, serial: str | None, lot: str | None,
               recorded: GradedUnit | None) -> Feedback:
        assert self.current is not None
        result = start_unit(self.current.state, scan.match, scan.barcode, scan.gs1, serial, lot)
        before = f"{recorded.lpn} recorded · " if recorded else ""
        subject = self.current.state.rma.subject
        if isinstance(result, NeedsCode):
            self.asking = result
            self.p.audit("return.code_asked", subject,
                         {"barcode": scan.barcode, "sku": scan.match.product.sku, "kind": result.kind})
            return warn(f"Scan the {result.kind} number of {scan.match.product.name}",
                        f"{before}it is on the unit's label")
        if isinstance(result, Refused):
            return self._refused(scan.barcode, result.reason)
        self.current = replace(self.current, state=result)
        inspection = result.current
        assert inspection is not None
        alert = _alert(result)
        self.p.audit("return.unit_scanned", subject, {
            "barcode": scan.barcode, "sku": inspection.sku, "serial": serial, "lot": lot,
            "expected": inspection.expected, "wrong_item": alert})
        if alert:
            return Feedback("error", alert, f"{before}grade it (GRADE-X?)", "error")  # it says WRONG ITEM
        expected = "on the RMA" if inspection.expected else "NOT ON THE RMA"
        return ok(f"Inspect {scan.match.product.name}", f"{before}{expected}: scan its grade")

    def inspect(self, code: str) -> Feedback:
        """GRADE-…, DEFECT-… or DISP-… for the unit under inspection."""
        assert self.current is not None
        if self.current.state.current is None:
            return self._refused(code, f"No unit under inspection for {code}", "scan the unit first")
        command = parse_inspection_command(code)
        if command is None:
            return self._refused(code, f"{code} is not an inspection command")
        kind, value = command
        state = self.current.state
        result = (grade(state, value) if kind == "grade" else toggle_defect(state, value, DEFECTS)
                  if kind == "defect" else set_disposition(state, value))
        if isinstance(result, Refused):
            return self._refused(code, sentence(result.reason))
        self.current = replace(self.current, state=result)
        disposition = current_disposition(result, self.p.table)
        assert result.current is not None
        self.p.audit("return.inspected", state.rma.subject, {
            "code": code, "sku": result.current.sku, "disposition": disposition})
        shown = value.replace("_", " ")
        return ok(f"{kind.capitalize()}: {shown}", f"goes to {disposition}" if disposition else "")

    def _record_current(self, operator: Staff) -> GradedUnit | Feedback | None:
        """Record the unit under inspection (if any) with its LPN and print its label."""
        assert self.current is not None
        if self.current.state.current is None:
            return None
        refused = ready_to_record(self.current.state)
        if refused is not None:
            return error(sentence(refused.reason), "scan GRADE-A, B, C, D or X")
        catalog, station_id = self.p.catalog(), self.p.station_id
        recorded = self.p.service.record(
            self.current, operator, self.p.table,
            label=lambda state, unit: item_label_job(unit, state.rma, catalog, station_id))
        self.current = replace(self.current, state=recorded.state)
        self.p.on_event_recorded()
        self._print(recorded.jobs, recorded.job_ids)
        return recorded.unit

    # -- commands ------------------------------------------------------------------------------------
    def undo(self, operator: Staff) -> Feedback:
        assert self.current is not None
        if self.asking is not None:
            self.asking = None
            return warn("Unit left out", "it was not inspected")
        undone = undo(self.current.state)
        if undone is None:
            return self._command_refused("CMD-UNDO", warn("Nothing to undo"))
        state, unit = undone
        self.current = replace(self.current, state=state)
        if isinstance(unit, GradedUnit):
            self.p.service.undo_recorded(self.current, unit, operator)
            return warn(f"Took back {unit.lpn} ({unit.sku})", "remove its label")
        return warn(f"{unit.sku} put back", "it was not recorded")

    def put_aside(self, operator: Staff) -> Feedback:
        assert self.current is not None
        subject = self.current.state.rma.subject
        lost = self.current.state.current is not None
        self.p.service.park(self.current, operator)
        self.current, self.asking = None, None
        detail = "the unit under inspection was not recorded: inspect it again" if lost else ""
        return warn(f"Return {subject} put aside", detail or "scan it again to carry on")

    def done(self, operator: Staff) -> Feedback:
        assert self.current is not None
        recorded = self._record_current(operator)
        if isinstance(recorded, Feedback):
            return self._command_refused("CMD-DONE", recorded)
        current, catalog = self.current, self.p.catalog()
        jobs = [receipt_job(current.state, catalog, self.p.station_id, operator.name, self.p.paper)]
        job_ids = self.p.service.complete(current, operator, jobs)
        self.p.on_event_recorded()
        self.current, self.asking = None, None
        self._print(jobs, job_ids)
        recommendation = refund_recommendation(current.state)
        return ok(f"Return {current.state.rma.subject} completed",
                  f"refund recommendation: {recommendation}; receipt printed")

    def reprint(self) -> Feedback:
        if not self.last_jobs:
            return self._command_refused("CMD-REPRINT", warn("Nothing to reprint yet"))
        outcome = self.p.printer.send(self.last_jobs)
        self.last_sent = outcome.sent or self.last_sent
        self.p.audit("reprint", self.last_jobs[0].subject, {"documents": [j.document for j in self.last_jobs],
                                                            "errors": list(outcome.errors)})
        return error("Reprint failed", "; ".join(outcome.errors)) if outcome.errors else ok("Printed again")

    def _print(self, jobs: list[PrintJob], job_ids: list[int]) -> None:
        """Send documents already queued with the work they document."""
        self.last_jobs = jobs
        outcome = self.p.printer.queue.send(job_ids)
        self.last_sent = outcome.sent
        self.p.audit("print", jobs[0].subject, {"documents": [j.document for j in jobs],
                                                "errors": list(outcome.errors)})

    def _command_refused(self, code: str, feedback: Feedback) -> Feedback:
        subject = self.current.state.rma.subject if self.current else None
        self.p.audit("command.refused", subject, {"code": code, "reason": feedback.message})
        return feedback

    def _refused(self, code: str, reason: str, hint: str = "") -> Feedback:
        subject = self.current.state.rma.subject if self.current else None
        self.p.audit("scan.refused", subject, {"code": code[:128], "reason": reason})
        return error(reason, hint)


def _alert(state: ReturnState) -> str | None:
    current = state.current
    if current is None:
        return None
    alerts = [a for a in wrong_item_alerts(state) if a.seq == current.seq]
    return alerts[0].message if alerts else None
