"""Returns as a pure state machine, on the demo catalog: matching units to RMA lines, serials and
lots against the shipment, grades, defects and dispositions, undo, what is missing and unexpected,
the refund recommendation, and the data of the three return events (events.md)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from station.demo import DEMO_DATA
from station.domain.barcodes import Gs1Data
from station.domain.catalog import Catalog, parse_catalog
from station.domain.commands import COMMANDS, DEFECTS
from station.domain.orders import parse_order
from station.domain.returns import RETURN_REASONS, ReturnAuth, format_lpn, parse_return, unannounced_return
from station.refbackend.events import validate_event
from station.workflows.return_events import (
    ITEM_GRADED,
    RETURN_COMPLETED,
    RETURN_RECEIVED,
    completed_data,
    graded_data,
    received_data,
)
from station.workflows.returns import (
    DEFAULT_DISPOSITIONS,
    DISPOSITIONS,
    GRADES,
    GradedUnit,
    Inspection,
    MissingLine,
    NeedsCode,
    Refused,
    ReturnState,
    current_disposition,
    default_disposition,
    disposition_table,
    grade,
    line_counts,
    missing,
    parse_inspection_command,
    ready_to_record,
    record_current,
    refund_recommendation,
    refusal_for_status,
    set_disposition,
    set_notes,
    start_unit,
    toggle_defect,
    undo,
    unexpected,
    warning_for_status,
    wrong_item_alerts,
)

RAW: dict[str, Any] = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
CATALOG: Catalog = parse_catalog(RAW["catalog"])
AT = "2026-11-22T14:03:07Z"

SHIRT = "4006381333931"        # TSHIRT-BLK-M
SHIRT_CASE = "14006381333938"  # TSHIRT-BLK-M × 12
MUG = "5601234100013"          # MUG-01
SOCKS = "5906123000451"        # SOCKS-01
HEADPHONE = "840632110421"     # HEADPHONE-BT1, serial
CREAM = "3760123450010"        # CREAM-FACE-50, lot


def make_rma(*lines: tuple[Any, ...], status: str = "open") -> ReturnAuth:
    """Lines: (sku, quantity, reason[, shipped_serials[, shipped_lots]])."""
    raw = copy.deepcopy(RAW["returns"][0])
    raw["status"] = status
    raw["lines"] = [{"line_id": str(i), "sku": line[0], "quantity": line[1], "reason": line[2],
                     "customer_note": None,
                     "shipped_serials": list(line[3]) if len(line) > 3 else [],
                     "shipped_lots": list(line[4]) if len(line) > 4 else []}
                    for i, line in enumerate(lines, 1)]
    return parse_return(raw)


def scan(state: ReturnState, barcode: str, **codes: Any) -> ReturnState:
    match = CATALOG.match(barcode)
    assert match is not None, barcode
    started = start_unit(state, match, barcode, **codes)
    assert isinstance(started, ReturnState), started
    return started


def graded(state: ReturnState, letter: str) -> ReturnState:
    result = grade(state, letter)
    assert isinstance(result, ReturnState), result
    return result


def inspect(state: ReturnState, barcode: str, letter: str, lpn_seq: int, *defects: str,
            disposition: str | None = None, **codes: Any) -> tuple[ReturnState, GradedUnit]:
    """Scan a unit, grade it, mark its defects (and disposition), record it as LPN 002-lpn_seq."""
    state = graded(scan(state, barcode, **codes), letter)
    for code in defects:
        toggled = toggle_defect(state, code)
        assert isinstance(toggled, ReturnState)
        state = toggled
    if disposition is not None:
        chosen = set_disposition(state, disposition)
        assert isinstance(chosen, ReturnState)
        state = chosen
    return record_current(state, format_lpn(2, lpn_seq))


def run(state: ReturnState, *units: tuple[str, str]) -> ReturnState:
    """Units (barcode, grade), recorded with LPNs 1, 2, …"""
    for barcode, letter in units:
        state, _ = inspect(state, barcode, letter, len(state.units) + 1)
    return state


# -- dispositions -------------------------------------------------------------------------------
def expected_default(letter: str, reason: str | None, expected: bool) -> str:
    """The events.md table, spelled out."""
    if letter == "D":
        return "RETURN_TO_VENDOR" if expected and reason == "DEFECTIVE" else "DISPOSE"
    return {"A": "RESTOCK", "B": "RESTOCK", "C": "REFURBISH", "X": "DISPOSE"}[letter]


TABLE_CASES = [(g, r, e) for g in GRADES for r in (*RETURN_REASONS, None) for e in (True, False)]


@pytest.mark.parametrize(("letter", "reason", "expected"), TABLE_CASES,
                         ids=[f"{g}-{r}-{'expected' if e else 'unexpected'}" for g, r, e in TABLE_CASES])
def test_default_disposition_per_grade_reason_and_expected(letter: str, reason: str | None,
                                                           expected: bool) -> None:
    assert default_disposition(letter, reason, expected) == expected_default(letter, reason, expected)


@pytest.mark.parametrize(("letter", "reason", "barcode", "disposition"), [
    ("D", "DEFECTIVE", MUG, "RETURN_TO_VENDOR"),
    ("D", "UNWANTED", MUG, "DISPOSE"),
    ("D", "DEFECTIVE", SOCKS, "DISPOSE"),   # not on the RMA
    ("A", "DEFECTIVE", SOCKS, "RESTOCK"),
    ("C", "COLOR", MUG, "REFURBISH"),
    ("X", "DEFECTIVE", MUG, "DISPOSE"),
])
def test_a_recorded_unit_gets_the_default_disposition(letter: str, reason: str, barcode: str,
                                                      disposition: str) -> None:
    _, unit = inspect(ReturnState(make_rma(("MUG-01", 1, reason))), barcode, letter, 1)
    assert unit.disposition == disposition and unit.disposition_override is None


@pytest.mark.parametrize("disposition", DISPOSITIONS)
def test_disp_overrides_the_default(disposition: str) -> None:
    _, unit = inspect(ReturnState(make_rma(("MUG-01", 1, "DEFECTIVE"))), MUG, "D", 1,
                      disposition=disposition)
    assert (unit.disposition, unit.disposition_override) == (disposition, disposition)


def test_the_disposition_follows_the_grade_until_it_is_overridden() -> None:
    state = scan(ReturnState(make_rma(("MUG-01", 1, "DEFECTIVE"))), MUG)
    assert current_disposition(state) is None
    state = graded(state, "A")
    assert current_disposition(state) == "RESTOCK"
    state = graded(state, "D")
    assert current_disposition(state) == "RETURN_TO_VENDOR"
    overridden = set_disposition(state, "RESALE_HOLD")
    assert isinstance(overridden, ReturnState)
    assert current_disposition(graded(overridden, "A")) == "RESALE_HOLD"


def test_a_configured_table_is_used() -> None:
    table = disposition_table({"A": "RESALE_HOLD", "B": "RESTOCK", "C": "REFURBISH", "X": "DISPOSE",
                               "D": {"*": "RETURN_TO_VENDOR", "UNEXPECTED": "DISPOSE", "STYLE": "REFURBISH"}})
    assert default_disposition("A", "COLOR", True, table) == "RESALE_HOLD"
    assert default_disposition("D", "COLOR", True, table) == "RETURN_TO_VENDOR"
    assert default_disposition("D", "STYLE", True, table) == "REFURBISH"
    assert default_disposition("D", "DEFECTIVE", False, table) == "DISPOSE"
    state = graded(scan(ReturnState(make_rma(("MUG-01", 1, "COLOR"))), MUG), "A")
    _, unit = record_current(state, format_lpn(2, 1), table)
    assert unit.disposition == "RESALE_HOLD"


@pytest.mark.parametrize("raw", [
    {"A": "RESTOCK", "B": "RESTOCK", "C": "REFURBISH", "D": "DISPOSE"},               # no X
    {g: "RESTOCK" for g in (*GRADES, "E")},                                            # unknown grade
    {**{g: "RESTOCK" for g in GRADES}, "C": "SELL"},                                   # unknown disposition
    {**{g: "RESTOCK" for g in GRADES}, "D": {"DEFECTIVE": "RETURN_TO_VENDOR"}},        # no "*"
    {**{g: "RESTOCK" for g in GRADES}, "D": {"*": "DISPOSE", "BROKEN": "DISPOSE"}},    # unknown reason
    {**{g: "RESTOCK" for g in GRADES}, "D": ["DISPOSE"]},
])
def test_a_bad_configured_table_is_refused(raw: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        disposition_table(raw)


def test_the_default_table_checks_and_is_read_only() -> None:
    assert disposition_table(DEFAULT_DISPOSITIONS) == DEFAULT_DISPOSITIONS
    with pytest.raises(TypeError):
        DEFAULT_DISPOSITIONS["A"] = {"*": "DISPOSE"}  # type: ignore[index]
    with pytest.raises(ValueError):
        default_disposition("E", None, True)


def test_every_inspection_command_reads_to_a_known_value() -> None:
    read = [parse_inspection_command(code) for code in COMMANDS
            if code.startswith(("GRADE-", "DEFECT-", "DISP-"))]
    assert None not in read
    pairs = [pair for pair in read if pair is not None]
    assert sorted(v for k, v in pairs if k == "grade") == sorted(GRADES)
    assert sorted(v for k, v in pairs if k == "defect") == sorted(DEFECTS)
    assert sorted(v for k, v in pairs if k == "disposition") == sorted(DISPOSITIONS)
    assert parse_inspection_command("DISP-RETURN-TO-VENDOR") == ("disposition", "RETURN_TO_VENDOR")
    assert parse_inspection_command("DEFECT-MISSING-PARTS") == ("defect", "missing_parts")
    for other in ("CMD-DONE", "GRADE-", "SO-100234", SHIRT):
        assert parse_inspection_command(other) is None


# -- grades, defects, steps without a unit ------------------------------------------------------
def test_defects_toggle_on_and_off() -> None:
    state = scan(ReturnState(make_rma(("MUG-01", 1, "DEFECTIVE"))), MUG)
    for code, after in [("scratched", ("scratched",)), ("odor", ("scratched", "odor")),
                        ("scratched", ("odor",)), ("odor", ()), ("odor", ("odor",))]:
        toggled = toggle_defect(state, code)
        assert isinstance(toggled, ReturnState) and toggled.current is not None
        assert toggled.current.defects == after
        state = toggled
    assert isinstance(toggle_defect(state, "rusty"), Refused)
    custom = toggle_defect(state, "rusty", ("rusty",))
    assert isinstance(custom, ReturnState) and custom.current is not None
    assert custom.current.defects == ("odor", "rusty")


def test_grading_needs_a_unit_and_a_known_grade() -> None:
    empty = ReturnState(make_rma(("MUG-01", 1, "DEFECTIVE")))
    for step in (grade(empty, "A"), toggle_defect(empty, "odor"), set_disposition(empty, "DISPOSE"),
                 set_notes(empty, "x"), ready_to_record(empty)):
        assert isinstance(step, Refused)
    state = scan(empty, MUG)
    assert isinstance(grade(state, "E"), Refused) and isinstance(grade(state, "a"), Refused)
    assert isinstance(set_disposition(state, "SELL"), Refused)
    noted = set_notes(state, "  box crushed  ")
    assert isinstance(noted, ReturnState) and noted.current is not None
    assert noted.current.notes == "box crushed"


def test_a_unit_is_recorded_only_once_graded_and_with_a_new_lpn() -> None:
    state = scan(ReturnState(make_rma(("MUG-01", 2, "DEFECTIVE"))), MUG)
    refusal = ready_to_record(state)
    assert isinstance(refusal, Refused) and "grade" in refusal.reason
    with pytest.raises(ValueError):
        record_current(state, format_lpn(2, 1))
    with pytest.raises(ValueError):
        record_current(ReturnState(state.rma), format_lpn(2, 1))
    ready = graded(state, "B")
    assert ready_to_record(ready) is None
    state, unit = record_current(ready, format_lpn(2, 1))
    assert state.current is None and state.units == (unit,) and unit.lpn == "LPN00200000001"
    again = graded(scan(state, MUG), "B")
    with pytest.raises(ValueError, match="LPN"):
        record_current(again, format_lpn(2, 1))


def test_a_unit_cannot_start_while_another_is_under_inspection() -> None:
    state = scan(ReturnState(make_rma(("MUG-01", 2, "DEFECTIVE"))), MUG)
    match = CATALOG.match(MUG)
    assert match is not None
    refused = start_unit(state, match, MUG)
    assert isinstance(refused, Refused) and "under inspection" in refused.reason


def test_a_case_barcode_is_refused() -> None:
    match = CATALOG.match(SHIRT_CASE)
    assert match is not None and match.quantity == 12
    assert isinstance(start_unit(ReturnState(make_rma(("TSHIRT-BLK-M", 12, "UNWANTED"))), match, SHIRT_CASE),
                      Refused)


# -- matching units to lines --------------------------------------------------------------------
def test_units_fill_lines_of_one_sku_in_order_then_are_unexpected() -> None:
    state = ReturnState(make_rma(("MUG-01", 1, "DEFECTIVE"), ("TSHIRT-BLK-M", 1, "STYLE"),
                                 ("MUG-01", 2, "UNWANTED")))
    lines = []
    for _ in range(4):
        state = scan(state, MUG)
        assert state.current is not None
        lines.append((state.current.line_id, state.current.expected))
        state, _unit = record_current(graded(state, "A"), format_lpn(2, len(state.units) + 1))
    assert lines == [("1", True), ("3", True), ("3", True), (None, False)]
    assert [u.disposition for u in state.units] == ["RESTOCK"] * 4
    assert [(line.line_id, n) for line, n in line_counts(state)] == [("1", 1), ("2", 0), ("3", 2)]


def test_the_unit_under_inspection_counts_toward_its_line() -> None:
    state = scan(ReturnState(make_rma(("MUG-01", 1, "DEFECTIVE"))), MUG)
    assert [n for _, n in line_counts(state)] == [1]
    assert missing(state) == (MissingLine("1", "MUG-01", 1),)  # not recorded yet


def test_a_product_not_on_the_rma_is_unexpected() -> None:
    state = scan(ReturnState(make_rma(("MUG-01", 1, "DEFECTIVE"))), SOCKS)
    assert state.current is not None
    assert (state.current.line_id, state.current.expected, state.current.sku) == (None, False, "SOCKS-01")


def test_every_unit_of_an_unannounced_return_is_unexpected() -> None:
    state = ReturnState(unannounced_return(parse_order(RAW["orders"][0])))
    state = run(state, (SHIRT, "A"), (MUG, "B"))
    assert [u.expected for u in state.units] == [False, False]
    assert unexpected(state) == state.units and missing(state) == ()
    assert refund_recommendation(state) == "none"


# -- serials and lots ---------------------------------------------------------------------------
def test_a_serial_tracked_unit_asks_for_its_serial() -> None:
    state = ReturnState(make_rma(("HEADPHONE-BT1", 1, "DEFECTIVE", ["HB1A24K07731"])))
    match = CATALOG.match(HEADPHONE)
    assert match is not None
    asked = start_unit(state, match, HEADPHONE)
    assert isinstance(asked, NeedsCode) and asked.kind == "serial" and asked.barcode == HEADPHONE


@pytest.mark.parametrize(("codes", "shipped", "matches"), [
    ({"serial": "HB1A24K07731"}, ["HB1A24K07731"], True),
    ({"gs1": Gs1Data(gtin="00840632110421", serial="HB1A24K07731")}, ["HB1A24K07731"], True),
    ({"serial": "HB1A24K09999"}, ["HB1A24K07731"], False),
    ({"serial": "HB1A24K09999"}, [], None),
])
def test_a_serial_is_compared_with_the_shipped_serials(codes: dict[str, Any], shipped: list[str],
                                                       matches: bool | None) -> None:
    state = scan(ReturnState(make_rma(("HEADPHONE-BT1", 1, "DEFECTIVE", shipped))), HEADPHONE, **codes)
    assert state.current is not None and state.current.serial_matches_shipment is matches
    assert state.current.serial == codes.get("serial", "HB1A24K07731")
    alerts = wrong_item_alerts(state)
    assert [(a.kind, a.code) for a in alerts] == ([("serial", "HB1A24K09999")] if matches is False else [])
    state, unit = record_current(graded(state, "B"), format_lpn(2, 1))
    assert unit.serial_matches_shipment is matches and wrong_item_alerts(state) == alerts
    if alerts:
        assert "WRONG ITEM" in alerts[0].message and "HB1A24K07731" in alerts[0].message


def test_a_serial_picks_the_line_it_was_shipped_on() -> None:
    state = ReturnState(make_rma(("HEADPHONE-BT1", 1, "DEFECTIVE", ["S-1"]),
                                 ("HEADPHONE-BT1", 1, "UNWANTED", ["S-2"])))
    state = scan(state, HEADPHONE, serial="S-2")
    assert state.current is not None and (state.current.line_id, state.current.serial_matches_shipment) == \
        ("2", True)


def test_a_serial_recorded_in_this_return_is_refused() -> None:
    state, _ = inspect(ReturnState(make_rma(("HEADPHONE-BT1", 2, "DEFECTIVE", ["S-1", "S-2"]))),
                       HEADPHONE, "C", 1, serial="S-1")
    match = CATALOG.match(HEADPHONE)
    assert match is not None
    assert isinstance(start_unit(state, match, HEADPHONE, serial="S-1"), Refused)


@pytest.mark.parametrize(("codes", "matches"), [
    ({"lot": "L2609A"}, True),
    ({"gs1": Gs1Data(gtin="03760123450010", lot="L2609A")}, True),
    ({"lot": "L2701Z"}, False),
])
def test_a_lot_is_compared_with_the_shipped_lots(codes: dict[str, Any], matches: bool) -> None:
    state = ReturnState(make_rma(("CREAM-FACE-50", 1, "OTHER", [], ["L2609A"])))
    match = CATALOG.match(CREAM)
    assert match is not None
    asked = start_unit(state, match, CREAM)
    assert isinstance(asked, NeedsCode) and asked.kind == "lot"
    state = scan(state, CREAM, **codes)
    assert state.current is not None and state.current.lot_matches_shipment is matches
    assert state.current.serial_matches_shipment is None
    assert [a.kind for a in wrong_item_alerts(state)] == ([] if matches else ["lot"])


# -- undo ---------------------------------------------------------------------------------------
def test_undo_drops_the_unit_under_inspection_then_takes_back_recorded_units() -> None:
    state = run(ReturnState(make_rma(("MUG-01", 2, "DEFECTIVE"))), (MUG, "A"))
    state = scan(state, MUG)
    current = state.current
    undone = undo(state)
    assert undone is not None
    state, taken = undone
    assert isinstance(taken, Inspection) and taken == current and state.current is None
    assert len(state.units) == 1
    undone = undo(state)
    assert undone is not None
    state, taken = undone
    assert isinstance(taken, GradedUnit) and taken.lpn == "LPN00200000001" and state.units == ()
    assert undo(state) is None
    state = scan(state, MUG)
    assert state.current is not None and state.current.seq == 3  # seqs 1 and 2 stay used
    assert state.current.line_id == "1"


# -- missing, unexpected, refund ----------------------------------------------------------------
def test_missing_and_unexpected() -> None:
    rma = make_rma(("TSHIRT-BLK-M", 2, "SIZE_TOO_SMALL"), ("MUG-01", 1, "DEFECTIVE"))
    state = run(ReturnState(rma), (SHIRT, "B"), (SOCKS, "A"))
    assert missing(state) == (MissingLine("1", "TSHIRT-BLK-M", 1), MissingLine("2", "MUG-01", 1))
    assert [(u.sku, u.lpn) for u in unexpected(state)] == [("SOCKS-01", "LPN00200000002")]
    state = run(state, (SHIRT, "A"), (MUG, "D"), (MUG, "A"))
    assert missing(state) == ()
    assert [u.sku for u in unexpected(state)] == ["SOCKS-01", "MUG-01"]


RMA_2_1 = (("TSHIRT-BLK-M", 2, "SIZE_TOO_SMALL"), ("MUG-01", 1, "DEFECTIVE"))


@pytest.mark.parametrize(("units", "recommendation"), [
    ([], "none"),
    ([(SOCKS, "A")], "none"),                                            # only a unit not on the RMA
    ([(SHIRT, "A"), (SHIRT, "B"), (MUG, "A")], "full"),
    ([(SHIRT, "A"), (SHIRT, "B"), (MUG, "A"), (SOCKS, "X")], "full"),    # unexpected units change nothing
    ([(SHIRT, "A"), (MUG, "A")], "partial"),                             # one missing
    ([(SHIRT, "A"), (SHIRT, "C"), (MUG, "A")], "partial"),
    ([(SHIRT, "A"), (SHIRT, "B"), (MUG, "D")], "partial"),
    ([(SHIRT, "X"), (SHIRT, "X"), (MUG, "X")], "partial"),
    ([(MUG, "D")], "partial"),
])
def test_refund_recommendation(units: list[tuple[str, str]], recommendation: str) -> None:
    assert refund_recommendation(run(ReturnState(make_rma(*RMA_2_1)), *units)) == recommendation


def test_a_wrong_serial_graded_a_is_no_full_refund() -> None:
    rma = make_rma(("HEADPHONE-BT1", 1, "DEFECTIVE", ["S-1"]))
    right, _ = inspect(ReturnState(rma), HEADPHONE, "A", 1, serial="S-1")
    wrong, _ = inspect(ReturnState(rma), HEADPHONE, "A", 1, serial="S-9")
    assert (refund_recommendation(right), refund_recommendation(wrong)) == ("full", "partial")


def test_status_refusals_and_warnings() -> None:
    verdicts = {status: (refusal_for_status(make_rma(*RMA_2_1, status=status)),
                         warning_for_status(make_rma(*RMA_2_1, status=status)))
                for status in ("open", "received", "closed", "cancelled")}
    assert verdicts["open"] == (None, None)
    assert verdicts["received"][0] is None and "already received" in str(verdicts["received"][1])
    for status in ("closed", "cancelled"):
        assert "supervisor" in str(verdicts[status][0]) and verdicts[status][1] is None


# -- events (events.md) -------------------------------------------------------------------------
CONTRACT_RMA: dict[str, Any] = {
    "rma_number": "RMA-5001", "order_number": "SO-100234", "status": "open",
    "customer": {"id": "C-88", "name": "Zoë Müller", "email": "zoe@example.com", "order_count": 3},
    "return_tracking_number": "1Z999AA10123456784", "requested_resolution": "refund",
    "lines": [{"line_id": "1", "sku": "TSHIRT-BLK-M", "quantity": 1, "reason": "SIZE_TOO_SMALL",
               "customer_note": "too tight", "shipped_serials": [], "shipped_lots": []},
              {"line_id": "2", "sku": "MUG-01", "quantity": 1, "reason": "DEFECTIVE",
               "customer_note": None, "shipped_serials": [], "shipped_lots": []}],
}
RET_OPERATOR = {"badge": "EMP-2001", "name": "Li Wei"}

# The examples of events.md, with "…" filled in.
GRADED_EXAMPLE: dict[str, Any] = {
    "rma_number": "RMA-5001", "order_number": "SO-100234", "line_id": "1",
    "sku": "TSHIRT-BLK-M", "serial": None, "lot": None, "expected": True,
    "serial_matches_shipment": None, "grade": "B", "defects": ["packaging_damaged"],
    "disposition": "RESTOCK", "lpn": "LPN00200000042", "notes": "",
    "graded_at": AT, "station_id": "RET-01", "operator": RET_OPERATOR}
COMPLETED_EXAMPLE: dict[str, Any] = {
    "rma_number": "RMA-5001", "order_number": "SO-100234", "completed_at": AT,
    "items": [{"sku": "TSHIRT-BLK-M", "grade": "B", "disposition": "RESTOCK", "lpn": "LPN00200000043",
               "expected": True}],
    "missing": [{"line_id": "2", "sku": "MUG-01", "quantity": 1}],
    "unexpected": [{"sku": "SOCKS-01", "lpn": "LPN00200000044"}],
    "refund_recommendation": "partial", "station_id": "RET-01", "operator": RET_OPERATOR}
RECEIVED_KEYS = {"rma_number", "order_number", "tracking_number", "received_at", "station_id", "operator"}


def envelope(event_type: str, subject: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"specversion": "1.0", "id": "6f1c0000-0000-4000-8000-000000000001",
            "source": "urn:station:RET-01", "type": event_type, "subject": subject, "time": AT,
            "datacontenttype": "application/json", "stationseq": 1, "data": data}


def test_item_graded_data_is_the_example_of_events_md() -> None:
    state = ReturnState(parse_return(CONTRACT_RMA))
    state, unit = inspect(state, SHIRT, "B", 42, "packaging_damaged")
    data = graded_data(state, unit, AT, "RET-01", RET_OPERATOR)
    assert data == GRADED_EXAMPLE and list(data) == list(GRADED_EXAMPLE)
    validate_event(envelope(ITEM_GRADED, state.rma.subject, data))


def test_completed_data_has_the_shape_of_the_example_of_events_md() -> None:
    state = ReturnState(parse_return(CONTRACT_RMA))
    state, _ = inspect(state, SHIRT, "B", 43)
    state, _ = inspect(state, SOCKS, "A", 44)
    data = completed_data(state, AT, "RET-01", RET_OPERATOR)
    assert list(data) == list(COMPLETED_EXAMPLE)
    # Every recorded unit is an item, the unexpected one too (it says so).
    assert data["items"] == [COMPLETED_EXAMPLE["items"][0],
                             {"sku": "SOCKS-01", "grade": "A", "disposition": "RESTOCK",
                              "lpn": "LPN00200000044", "expected": False}]
    assert {k: v for k, v in data.items() if k != "items"} == \
        {k: v for k, v in COMPLETED_EXAMPLE.items() if k != "items"}
    validate_event(envelope(RETURN_COMPLETED, state.rma.subject, data))


def test_completed_data_needs_the_unit_under_inspection_recorded() -> None:
    state = scan(ReturnState(parse_return(CONTRACT_RMA)), SHIRT)
    with pytest.raises(ValueError):
        completed_data(state, AT, "RET-01", RET_OPERATOR)


@pytest.mark.parametrize(("found_by", "rma_tracking", "expected"), [
    ("1Z999AA10123456784", "1Z999AA10123456784", "1Z999AA10123456784"),
    (None, "1Z999AA10123456784", "1Z999AA10123456784"),     # found by RMA number: the RMA's own
    ("00340434161094100011", None, "00340434161094100011"),
    (None, None, None),
])
def test_received_data(found_by: str | None, rma_tracking: str | None, expected: str | None) -> None:
    rma = parse_return(dict(CONTRACT_RMA, return_tracking_number=rma_tracking))
    data = received_data(rma, found_by, AT, "RET-01", RET_OPERATOR)
    assert set(data) == RECEIVED_KEYS
    assert data == {"rma_number": "RMA-5001", "order_number": "SO-100234", "tracking_number": expected,
                    "received_at": AT, "station_id": "RET-01", "operator": RET_OPERATOR}
    validate_event(envelope(RETURN_RECEIVED, rma.subject, data))


def test_the_events_of_an_unannounced_return() -> None:
    rma = unannounced_return(parse_order(RAW["orders"][0]))
    received = received_data(rma, None, AT, "RET-01", {**RET_OPERATOR, "role": "returns"})
    assert received["rma_number"] is None and received["tracking_number"] is None
    assert received["operator"] == RET_OPERATOR
    state, unit = inspect(ReturnState(rma), SHIRT, "D", 7)
    item = graded_data(state, unit, AT, "RET-01", RET_OPERATOR)
    assert (item["rma_number"], item["line_id"], item["expected"], item["disposition"]) == \
        (None, None, False, "DISPOSE")
    completed = completed_data(state, AT, "RET-01", RET_OPERATOR)
    assert completed["missing"] == [] and completed["unexpected"] == [{"sku": "TSHIRT-BLK-M",
                                                                      "lpn": "LPN00200000007"}]
    assert completed["refund_recommendation"] == "none"
    for event_type, data in ((RETURN_RECEIVED, received), (ITEM_GRADED, item), (RETURN_COMPLETED, completed)):
        validate_event(envelope(event_type, rma.subject, data))
