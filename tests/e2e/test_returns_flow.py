"""One return processed end to end at a returns station (RET-01, station number 2): a badge, the
parcel's tracking number and its units scanned on a serial scanner (pseudo-terminal), the RMA fetched
from the reference backend, LPN labels written to the item printer target, the receipt to the
document target, and the four events delivered (events.md, scanning.md).

RMA-5001 announces a scarf (line 1, reason COLOR) and a T-shirt (line 2, SIZE_TOO_SMALL). The parcel
holds the scarf (expected, grade B, packaging damaged) and a pair of socks (not on the RMA, grade C);
the T-shirt is missing.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from station.bootstrap import build_station
from station.config import load_config
from station.services.views import ScreenChanged, ScreenState
from tests.e2e.conftest import Backend, PtyScanner, decode_all, returns_config, wait_for

BADGE, CLERK = "EMP-2001", {"badge": "EMP-2001", "name": "Li Wei"}
RMA, ORDER, TRACKING = "RMA-5001", "SO-100242", "1Z999AA10123456784"
# The return label's Code 128 as a scanner with AIM identifiers on sends it, grouped as printed.
TRACKING_SCAN = "]C01Z 999 AA1 0123456784"
SCARF, SOCKS = "8034512000120", "5906123000451"
LPN_SCARF, LPN_SOCKS = "LPN00200000001", "LPN00200000002"
CUSTOMER = "Ελένη Παπαδοπούλου <eleni.papadopoulou@example.gr>"
SOURCE = "urn:station:RET-01"
LABEL_DPI = 203


def pdf_text(pdf_path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)


def test_rma_with_expected_unexpected_and_missing_units(
        tmp_path: Path, backend: Backend, pty_scanner: PtyScanner) -> None:
    config = load_config(returns_config(tmp_path, backend.url, pty_scanner.port))
    app = build_station(config)
    screens: list[ScreenState] = []
    app.core.subscribe(lambda e: screens.append(e.state) if isinstance(e, ScreenChanged) else None)

    def screens_seen(count: int) -> Callable[[], bool]:
        return lambda: len(screens) >= count

    app.start()
    try:
        wait_for(lambda: app.core.status().scanner_ok, what="scanner connected")
        # (scan, level, text in the message or its detail)
        steps = [
            (BADGE, "ok", "Signed in: Li Wei"),
            (TRACKING_SCAN, "ok", f"Return {RMA}"),
            (SCARF, "ok", "on the RMA"),
            ("GRADE-B", "ok", "Grade: B"),
            ("DEFECT-PACKAGING-DAMAGED", "ok", "Defect: packaging damaged"),
            (SOCKS, "ok", f"{LPN_SCARF} recorded"),  # the scarf is recorded when the next unit comes
            ("GRADE-C", "ok", "Grade: C"),
            ("CMD-DONE", "ok", f"Return {RMA} completed"),
        ]
        for number, (code, level, text) in enumerate(steps, start=1):
            pty_scanner.scan(code)
            wait_for(screens_seen(number), what=f"scan {code}")
            assert len(screens) == number, (code, screens[number - 1:])  # each scan handled once
            screen = screens[-1]
            feedback = screen.feedback
            assert feedback.level == level, (code, feedback)
            assert text in f"{feedback.message} {feedback.detail}", (code, feedback)
            assert screen.mode == "returns", (code, screen.mode)
            if code == TRACKING_SCAN:
                assert screen.returns is not None and screen.returns.rma_number == RMA
                assert (screen.returns.order_number, screen.returns.units) == (ORDER, ())
            if code == "DEFECT-PACKAGING-DAMAGED":
                current = screen.returns.current if screen.returns else None
                assert current is not None and current.sku == "SCARF-WOOL-GRY" and current.expected
                assert (current.grade, current.defects, current.disposition) == (
                    "B", ("packaging_damaged",), "RESTOCK")
            if code == SOCKS:
                assert screen.returns is not None
                assert [(u.sku, u.lpn) for u in screen.returns.units] == [("SCARF-WOOL-GRY", LPN_SCARF)]
                current = screen.returns.current
                assert current is not None and current.sku == "SOCKS-01" and not current.expected
                assert "NOT ON THE RMA" in feedback.detail, feedback
            if code == "GRADE-C":
                current = screen.returns.current if screen.returns else None
                assert current is not None and (current.grade, current.disposition) == ("C", "REFURBISH")
        assert screens[-1].returns is None
        assert "refund recommendation: partial" in screens[-1].feedback.detail
        wait_for(lambda: len(backend.server.notifications()) >= 4, what="the backend's four notifications")
        time.sleep(0.3)  # a second delivery, if any, would come now
    finally:
        app.stop()

    # -- the events, in the order they were delivered -----------------------------------------------
    events = backend.events()
    assert [e["type"] for e in events] == [
        "station.return.received", "station.return.item_graded", "station.return.item_graded",
        "station.return.completed"], events
    seqs: list[Any] = [e["stationseq"] for e in events]
    assert all(isinstance(s, int) for s in seqs) and seqs == sorted(set(seqs)), seqs  # strictly increasing
    assert len({e["id"] for e in events}) == 4
    for event in events:
        uuid.UUID(str(event["id"]))
        assert event["specversion"] == "1.0" and event["source"] == SOURCE and event["subject"] == RMA
        assert event["datacontenttype"] == "application/json"
    received, scarf, socks, completed = (_data(e) for e in events)

    assert _without(received, "received_at") == {
        "rma_number": RMA, "order_number": ORDER, "tracking_number": TRACKING,  # normalised
        "station_id": "RET-01", "operator": CLERK}
    assert _without(scarf, "graded_at") == {
        "rma_number": RMA, "order_number": ORDER, "line_id": "1", "sku": "SCARF-WOOL-GRY",
        "serial": None, "lot": None, "expected": True, "serial_matches_shipment": None, "grade": "B",
        "defects": ["packaging_damaged"], "disposition": "RESTOCK", "lpn": LPN_SCARF, "notes": "",
        "station_id": "RET-01", "operator": CLERK}
    assert _without(socks, "graded_at") == {
        "rma_number": RMA, "order_number": ORDER, "line_id": None, "sku": "SOCKS-01",
        "serial": None, "lot": None, "expected": False, "serial_matches_shipment": None, "grade": "C",
        "defects": [], "disposition": "REFURBISH", "lpn": LPN_SOCKS, "notes": "",
        "station_id": "RET-01", "operator": CLERK}
    assert _without(completed, "completed_at") == {
        "rma_number": RMA, "order_number": ORDER,
        "items": [
            {"sku": "SCARF-WOOL-GRY", "grade": "B", "disposition": "RESTOCK", "lpn": LPN_SCARF,
             "expected": True},
            {"sku": "SOCKS-01", "grade": "C", "disposition": "REFURBISH", "lpn": LPN_SOCKS,
             "expected": False}],
        "missing": [{"line_id": "2", "sku": "TSHIRT-BLK-L", "quantity": 1}],
        "unexpected": [{"sku": "SOCKS-01", "lpn": LPN_SOCKS}],
        "refund_recommendation": "partial", "station_id": "RET-01", "operator": CLERK}
    times = [received["received_at"], scarf["graded_at"], socks["graded_at"], completed["completed_at"]]
    assert times == sorted(times), times

    assert backend.server.notifications() == [
        f"notify customer {CUSTOMER}: return {RMA} for order {ORDER} received at RET-01",
        f"notify customer {CUSTOMER}: return {RMA} for order {ORDER}: unit SCARF-WOOL-GRY graded B (RESTOCK)",
        f"notify customer {CUSTOMER}: return {RMA} for order {ORDER}: unit SOCKS-01 graded C (REFURBISH)",
        f"notify customer {CUSTOMER}: return {RMA} for order {ORDER} completed "
        "(refund recommendation: partial)"]

    # -- the LPN labels, on the item printer, one per recorded unit ---------------------------------------
    items = sorted((tmp_path / "items").glob("*.pdf"))
    assert len(items) == 2, items
    for lpn, sku, grade, disposition in ((LPN_SCARF, "SCARF-WOOL-GRY", "B", "RESTOCK"),
                                         (LPN_SOCKS, "SOCKS-01", "C", "REFURBISH")):
        [label] = [p for p in items if f"-lpn-{lpn}" in p.name]
        assert decode_all(label, dpi=LABEL_DPI) == [lpn], label.name
        words = pdf_text(label).split()
        for text in (sku, lpn, disposition, grade):
            assert text in words, (label.name, text, words)
        other = {"B": "C", "C": "B"}[grade]
        assert other not in words, (label.name, words)  # the grade shown is this unit's
    # -- the receipt, on the document printer ----------------------------------------------------------
    prints = sorted((tmp_path / "prints").glob("*.pdf"))
    assert not any("-lpn-" in p.name for p in prints), prints  # labels went to the item target only
    [receipt] = [p for p in prints if re.search(rf"-return-receipt-{RMA}(-\d+)?\.pdf$", p.name)]
    assert decode_all(receipt) == [RMA]
    text = pdf_text(receipt)
    for expected in (RMA, ORDER, LPN_SCARF, LPN_SOCKS, "SCARF-WOOL-GRY", "SOCKS-01", "TSHIRT-BLK-L"):
        assert expected in text, (expected, text)


def _data(event: dict[str, object]) -> dict[str, Any]:
    data = event["data"]
    assert isinstance(data, dict)
    return data


def _without(data: dict[str, Any], time_key: str) -> dict[str, Any]:
    """The data with its RFC 3339 time checked and taken out."""
    value = data[time_key]
    assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
                                                   value), (time_key, value)
    return {k: v for k, v in data.items() if k != time_key}
