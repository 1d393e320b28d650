"""Returns as a pure state machine: each returned unit matched to an RMA line (or unexpected),
graded, given defects and a disposition, recorded with its LPN; what is missing, and the refund
recommendation. No I/O: the service layer loads the state, applies one step and commits the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal

from station.domain.barcodes import Gs1Data
from station.domain.catalog import Match
from station.domain.commands import DEFECTS
from station.domain.returns import RETURN_REASONS, ReturnAuth, ReturnLine
from station.workflows.packing import NeedsCode, Refused

__all__ = ["NeedsCode", "Refused"]  # re-exported: the steps below answer with packing's result types

GRADES = ("A", "B", "C", "D", "X")
DISPOSITIONS = ("RESTOCK", "REFURBISH", "RESALE_HOLD", "RETURN_TO_VENDOR", "DISPOSE")
ANY_REASON = "*"  # a table row's fallback, for every reason it does not name
UNEXPECTED = "UNEXPECTED"  # a table row's key for a unit not on the RMA (falls back to "*")

# grade -> reason (or UNEXPECTED, or "*") -> disposition: data, so that the station can configure it.
DispositionTable = Mapping[str, Mapping[str, str]]
DEFAULT_DISPOSITIONS: DispositionTable = MappingProxyType({
    "A": MappingProxyType({ANY_REASON: "RESTOCK"}),
    "B": MappingProxyType({ANY_REASON: "RESTOCK"}),
    "C": MappingProxyType({ANY_REASON: "REFURBISH"}),
    "D": MappingProxyType({"DEFECTIVE": "RETURN_TO_VENDOR", ANY_REASON: "DISPOSE"}),
    "X": MappingProxyType({ANY_REASON: "DISPOSE"}),
})

Refund = Literal["full", "partial", "none"]
CommandKind = Literal["grade", "defect", "disposition"]
InspectionCommand = tuple[CommandKind, str]
_COMMAND_PREFIXES: tuple[tuple[str, CommandKind], ...] = (
    ("GRADE-", "grade"), ("DEFECT-", "defect"), ("DISP-", "disposition"))


@dataclass(frozen=True)
class Inspection:
    """The unit under inspection. `*_matches_shipment` is None when nothing was shipped under
    serial (lot) on its line, False when the returned one is not among those shipped."""

    seq: int
    sku: str
    barcode: str
    line_id: str | None
    expected: bool
    serial: str | None = None
    lot: str | None = None
    serial_matches_shipment: bool | None = None
    lot_matches_shipment: bool | None = None
    grade: str | None = None
    defects: tuple[str, ...] = ()
    disposition_override: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class GradedUnit:
    """A recorded unit: its inspection, the disposition it ended with and its LPN."""

    seq: int
    sku: str
    barcode: str
    line_id: str | None
    expected: bool
    serial: str | None
    lot: str | None
    serial_matches_shipment: bool | None
    lot_matches_shipment: bool | None
    grade: str
    defects: tuple[str, ...]
    disposition_override: str | None
    notes: str
    disposition: str
    lpn: str


@dataclass(frozen=True)
class ReturnState:
    rma: ReturnAuth
    units: tuple[GradedUnit, ...] = ()
    current: Inspection | None = None
    last_seq: int = 0  # highest seq ever used, undone units included: a seq is never reused

    @property
    def next_seq(self) -> int:
        current = (self.current.seq,) if self.current else ()
        return max(self.last_seq, *(u.seq for u in self.units), *current, 0) + 1

    def line(self, line_id: str | None) -> ReturnLine | None:
        return next((line for line in self.rma.lines if line.line_id == line_id), None)


@dataclass(frozen=True)
class MissingLine:
    line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class WrongItem:
    """A returned serial or lot that is not one of those shipped on its RMA line."""

    seq: int
    sku: str
    kind: Literal["serial", "lot"]
    code: str
    shipped: tuple[str, ...]

    @property
    def message(self) -> str:
        return (f"WRONG ITEM: {self.sku} {self.kind} {self.code} was not shipped "
                f"(shipped: {', '.join(self.shipped)})")


# -- dispositions -------------------------------------------------------------------------------
def default_disposition(grade: str, reason: str | None, expected: bool,
                        table: DispositionTable = DEFAULT_DISPOSITIONS) -> str:
    """The table's disposition for a grade, by the line's reason (UNEXPECTED when not on the RMA)."""
    rules = table.get(grade)
    if rules is None:
        raise ValueError(f"no disposition for grade {grade!r}")
    key = reason if expected and reason else UNEXPECTED
    return rules[key] if key in rules else rules[ANY_REASON]


def disposition_table(raw: Mapping[str, Any]) -> DispositionTable:
    """A configured table checked: every grade, a "*" per grade (a plain string means {"*": it}),
    known reasons and dispositions only. ValueError says what is wrong."""
    if set(raw) != set(GRADES):
        raise ValueError(f"the disposition table needs exactly the grades {', '.join(GRADES)}")
    table: dict[str, Mapping[str, str]] = {}
    for grade in GRADES:
        rules = {ANY_REASON: raw[grade]} if isinstance(raw[grade], str) else raw[grade]
        if not isinstance(rules, Mapping) or ANY_REASON not in rules:
            raise ValueError(f"grade {grade}: a disposition or a table with a {ANY_REASON!r} entry")
        for key, disposition in rules.items():
            if key not in (ANY_REASON, UNEXPECTED, *RETURN_REASONS):
                raise ValueError(f"grade {grade}: unknown reason {key!r}")
            if disposition not in DISPOSITIONS:
                raise ValueError(f"grade {grade}: unknown disposition {disposition!r}")
        table[grade] = MappingProxyType(dict(rules))
    return MappingProxyType(table)


def parse_inspection_command(code: str) -> InspectionCommand | None:
    """GRADE-B -> ("grade", "B"); DEFECT-NOT-WORKING -> ("defect", "not_working");
    DISP-RESALE-HOLD -> ("disposition", "RESALE_HOLD"); anything else None."""
    for prefix, kind in _COMMAND_PREFIXES:
        if code.startswith(prefix) and len(code) > len(prefix):
            value = code[len(prefix):].replace("-", "_")
            return kind, value.lower() if kind == "defect" else value
    return None


# -- the RMA ------------------------------------------------------------------------------------
def refusal_for_status(rma: ReturnAuth) -> str | None:
    """Why a return may not be processed without a supervisor, or None when it may."""
    if rma.status in ("closed", "cancelled"):
        return f"return {rma.subject} is {rma.status}: a supervisor must allow it"
    return None


def warning_for_status(rma: ReturnAuth) -> str | None:
    if rma.status == "received":
        return f"return {rma.subject} was already received"
    return None


# -- units --------------------------------------------------------------------------------------
def start_unit(state: ReturnState, match: Match, barcode: str, gs1: Gs1Data | None = None,
               serial: str | None = None, lot: str | None = None) -> ReturnState | Refused | NeedsCode:
    """Start inspecting a scanned unit: on the first RMA line of its sku with units still to come
    (one whose shipped serials or lots hold the unit's, first), else unexpected."""
    if state.current is not None:
        return Refused(f"record the unit under inspection ({state.current.sku}) first")
    product = match.product
    if match.quantity != 1:
        return Refused(f"{product.name}: scan each returned unit, not the case")
    serial = serial or (gs1.serial if gs1 else None)
    lot = lot or (gs1.lot if gs1 else None)
    if product.tracking == "serial" and serial is None:
        return NeedsCode("serial", match, barcode)
    if product.tracking == "lot" and lot is None:
        return NeedsCode("lot", match, barcode)
    if serial is not None and any(u.serial == serial and u.sku == product.sku for u in state.units):
        return Refused(f"serial {serial} of {product.name} is already recorded in this return")
    line = _line_for(state, product.sku, serial, lot)
    inspection = Inspection(
        seq=state.next_seq, sku=product.sku, barcode=barcode,
        line_id=line.line_id if line else None, expected=line is not None, serial=serial, lot=lot,
        serial_matches_shipment=_matches(serial, line.shipped_serials if line else ()),
        lot_matches_shipment=_matches(lot, line.shipped_lots if line else ()))
    return replace(state, current=inspection, last_seq=inspection.seq)


def _line_for(state: ReturnState, sku: str, serial: str | None, lot: str | None) -> ReturnLine | None:
    open_lines = [line for line in state.rma.lines
                  if line.sku == sku and _arrived(state, line) < line.quantity]
    shipped_here = [line for line in open_lines
                    if serial in line.shipped_serials or lot in line.shipped_lots]
    found = shipped_here or open_lines
    return found[0] if found else None


def _arrived(state: ReturnState, line: ReturnLine) -> int:
    """Units on a line: recorded, and the one under inspection."""
    current = (state.current,) if state.current else ()
    return sum(1 for u in (*state.units, *current) if u.line_id == line.line_id)


def _matches(code: str | None, shipped: tuple[str, ...]) -> bool | None:
    return None if code is None or not shipped else code in shipped


def grade(state: ReturnState, letter: str) -> ReturnState | Refused:
    if state.current is None:
        return Refused("scan a returned unit before grading it")
    if letter not in GRADES:
        return Refused(f"unknown grade {letter!r}: A, B, C, D or X")
    return replace(state, current=replace(state.current, grade=letter))


def toggle_defect(state: ReturnState, code: str, defects: tuple[str, ...] = DEFECTS) -> ReturnState | Refused:
    """Add the defect to the unit under inspection, or take it off when it is there already."""
    if state.current is None:
        return Refused("scan a returned unit before marking a defect")
    if code not in defects:
        return Refused(f"unknown defect {code!r}")
    have = state.current.defects
    toggled = tuple(d for d in have if d != code) if code in have else (*have, code)
    return replace(state, current=replace(state.current, defects=toggled))


def set_disposition(state: ReturnState, disposition: str) -> ReturnState | Refused:
    """Override the default disposition of the unit under inspection."""
    if state.current is None:
        return Refused("scan a returned unit before choosing its disposition")
    if disposition not in DISPOSITIONS:
        return Refused(f"unknown disposition {disposition!r}")
    return replace(state, current=replace(state.current, disposition_override=disposition))


def set_notes(state: ReturnState, notes: str) -> ReturnState | Refused:
    if state.current is None:
        return Refused("scan a returned unit before writing notes on it")
    return replace(state, current=replace(state.current, notes=notes.strip()))


def current_disposition(state: ReturnState, table: DispositionTable = DEFAULT_DISPOSITIONS) -> str | None:
    """The disposition the unit under inspection would be recorded with; None until it is graded."""
    unit = state.current
    if unit is None or unit.grade is None:
        return None
    if unit.disposition_override is not None:
        return unit.disposition_override
    line = state.line(unit.line_id)
    return default_disposition(unit.grade, line.reason if line else None, unit.expected, table)


def ready_to_record(state: ReturnState) -> Refused | None:
    """Why the unit under inspection cannot be recorded yet (it needs a grade), or None."""
    if state.current is None:
        return Refused("no unit is under inspection")
    if state.current.grade is None:
        return Refused(f"grade {state.current.sku} first: GRADE-A … GRADE-D or GRADE-X")
    return None


def record_current(state: ReturnState, lpn: str,
                   table: DispositionTable = DEFAULT_DISPOSITIONS) -> tuple[ReturnState, GradedUnit]:
    """Record the unit under inspection with its LPN. Check `ready_to_record` first: recording a
    unit that is not ready, or with an LPN this return already used, raises ValueError."""
    refusal = ready_to_record(state)
    if refusal is not None:
        raise ValueError(refusal.reason)
    if any(u.lpn == lpn for u in state.units):
        raise ValueError(f"LPN {lpn} is already used in this return")
    unit, disposition = state.current, current_disposition(state, table)
    assert unit is not None and unit.grade is not None and disposition is not None
    graded = GradedUnit(
        seq=unit.seq, sku=unit.sku, barcode=unit.barcode, line_id=unit.line_id, expected=unit.expected,
        serial=unit.serial, lot=unit.lot, serial_matches_shipment=unit.serial_matches_shipment,
        lot_matches_shipment=unit.lot_matches_shipment, grade=unit.grade, defects=unit.defects,
        disposition_override=unit.disposition_override, notes=unit.notes,
        disposition=disposition, lpn=lpn)
    return replace(state, units=(*state.units, graded), current=None), graded


def undo(state: ReturnState) -> tuple[ReturnState, Inspection | GradedUnit] | None:
    """Drop the unit under inspection; without one, take back the last recorded unit. None when
    there is nothing to take back. The unit's seq stays used."""
    last_seq = state.next_seq - 1
    if state.current is not None:
        return replace(state, current=None, last_seq=last_seq), state.current
    if state.units:
        return replace(state, units=state.units[:-1], last_seq=last_seq), state.units[-1]
    return None


# -- the outcome --------------------------------------------------------------------------------
def line_counts(state: ReturnState) -> tuple[tuple[ReturnLine, int], ...]:
    """Each RMA line with the units that arrived on it so far (the one under inspection too)."""
    return tuple((line, _arrived(state, line)) for line in state.rma.lines)


def missing(state: ReturnState) -> tuple[MissingLine, ...]:
    """Per RMA line, the units announced that were not recorded."""
    result = []
    for line in state.rma.lines:
        recorded = sum(1 for u in state.units if u.line_id == line.line_id)
        if recorded < line.quantity:
            result.append(MissingLine(line.line_id, line.sku, line.quantity - recorded))
    return tuple(result)


def unexpected(state: ReturnState) -> tuple[GradedUnit, ...]:
    """Recorded units that are not on the RMA (or one more than it announced)."""
    return tuple(u for u in state.units if not u.expected)


def refund_recommendation(state: ReturnState) -> Refund:
    """events.md: `none` when no expected unit arrived; `full` when every expected unit arrived in
    grade A or B (and none of them is a wrong item: a serial or lot that was not shipped);
    `partial` otherwise. Unexpected units change nothing."""
    arrived = [u for u in state.units if u.expected]
    if not arrived:
        return "none"
    all_good = all(u.grade in ("A", "B") and u.serial_matches_shipment is not False
                   and u.lot_matches_shipment is not False for u in arrived)
    return "full" if all_good and not missing(state) else "partial"


def wrong_item_alerts(state: ReturnState) -> tuple[WrongItem, ...]:
    """Every recorded unit, and the one under inspection, whose serial or lot was not shipped."""
    current = (state.current,) if state.current else ()
    alerts = []
    for unit in (*state.units, *current):
        line = state.line(unit.line_id)
        if line is None:
            continue
        if unit.serial_matches_shipment is False and unit.serial is not None:
            alerts.append(WrongItem(unit.seq, unit.sku, "serial", unit.serial, line.shipped_serials))
        if unit.lot_matches_shipment is False and unit.lot is not None:
            alerts.append(WrongItem(unit.seq, unit.sku, "lot", unit.lot, line.shipped_lots))
    return tuple(alerts)
