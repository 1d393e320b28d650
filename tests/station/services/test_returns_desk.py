"""Returns at the desk, scan by scan: a real station (SQLite, and PostgreSQL when configured),
offline, with the demo orders and returns cached."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.views import ScreenState
from station.storage.cache import cache_order, cache_return
from station.storage.models import OutboxRow

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
SCARF, SHIRT_L, SOCKS, HEADPHONES = "8034512000120", "4006381333948", "5906123000451", "840632110421"


@pytest.fixture
def station(tmp_path: Path, database_url: str) -> Iterator[Station]:
    config = replace(validate({"station": {"id": "RET-01", "number": 2},
                               "database": {"url": database_url},
                               "printers": {"label": {"target": f"pdf:{tmp_path / 'prints'}"},
                                            "item": {"target": f"pdf:{tmp_path / 'prints'}"},
                                            "document": {"target": f"pdf:{tmp_path / 'prints'}"}}}),
                     data_dir=tmp_path)
    app = build_station(config, catalog_file=DATA["catalog"])
    with app.db.unit_of_work() as session:
        for order in DATA["orders"]:
            cache_order(session, order)
        for rma in DATA["returns"]:
            cache_return(session, rma)
    app.desk.handle(Scan("EMP-2001"))
    yield app
    app.stop()


def scan(station: Station, code: str, symbology: str | None = None) -> ScreenState:
    return station.desk.handle(Scan(code, symbology))


def events(station: Station) -> list[tuple[str, dict[str, Any]]]:
    with station.db.read() as session:
        rows = session.execute(select(OutboxRow).order_by(OutboxRow.stationseq)).scalars().all()
        return [(row.type, row.data) for row in rows]


@pytest.mark.parametrize("code", ["RMA-5001", "1Z999AA10123456784", "1Z 999 AA1 0123456784"])
def test_a_return_is_found_by_rma_or_tracking_and_received(station: Station, code: str) -> None:
    screen = scan(station, code)
    assert screen.mode == "returns" and screen.returns is not None
    assert (screen.returns.rma_number, screen.returns.customer_name) == ("RMA-5001", "Ελένη Παπαδοπούλου")
    [(kind, data)] = events(station)
    assert kind == "station.return.received"
    assert data["rma_number"] == "RMA-5001" and data["tracking_number"] == "1Z999AA10123456784"


def test_a_whole_return_expected_unexpected_and_missing(station: Station, tmp_path: Path) -> None:
    scan(station, "RMA-5001")
    assert scan(station, SCARF).returns.current.expected  # type: ignore[union-attr]
    scan(station, "GRADE-B")
    screen = scan(station, SOCKS)  # not on the RMA
    assert screen.returns is not None and screen.returns.current is not None
    assert not screen.returns.current.expected and screen.returns.units[0].lpn == "LPN00200000001"
    scan(station, "GRADE-A")
    scan(station, "DEFECT-PACKAGING-DAMAGED")
    screen = scan(station, "CMD-DONE")
    assert screen.returns is None and "completed" in screen.feedback.message
    kinds = [kind for kind, _ in events(station)]
    assert kinds == ["station.return.received", "station.return.item_graded",
                     "station.return.item_graded", "station.return.completed"]
    completed = events(station)[-1][1]
    assert completed["missing"] == [{"line_id": "2", "sku": "TSHIRT-BLK-L", "quantity": 1}]
    assert completed["unexpected"] == [{"sku": "SOCKS-01", "lpn": "LPN00200000002"}]
    assert completed["refund_recommendation"] == "partial"
    graded = events(station)[2][1]
    assert (graded["expected"], graded["defects"], graded["disposition"]) == (False, ["packaging_damaged"],
                                                                              "RESTOCK")
    prints = sorted(p.name for p in (tmp_path / "prints").iterdir())
    assert sum("-lpn-LPN0020000000" in name for name in prints) == 2
    assert any("return-receipt-RMA-5001" in name for name in prints)


def test_a_unit_is_graded_before_the_next_one(station: Station) -> None:
    scan(station, "RMA-5001")
    scan(station, SCARF)
    screen = scan(station, SHIRT_L)
    assert screen.feedback.level == "error" and "GRADE" in screen.feedback.detail
    assert screen.returns is not None and screen.returns.units == ()


def test_a_serial_not_shipped_is_a_wrong_item_alert(station: Station) -> None:
    scan(station, "RMA-5002")  # headphones shipped with serial HB1A24K07731
    screen = scan(station, HEADPHONES)
    assert screen.prompt is not None and screen.prompt.kind == "serial"
    screen = scan(station, "HB9Z99X00001")
    assert screen.feedback.level == "error" and "WRONG ITEM" in screen.feedback.message
    assert screen.returns.current.wrong_item  # type: ignore[union-attr]
    scan(station, "GRADE-X")
    scan(station, "CMD-DONE")
    graded = [data for kind, data in events(station) if kind == "station.return.item_graded"]
    assert graded[0]["serial"] == "HB9Z99X00001" and graded[0]["serial_matches_shipment"] is False


@pytest.mark.parametrize(("reason_grade", "disposition"), [("GRADE-D", "RETURN_TO_VENDOR")])
def test_a_defective_unit_goes_back_to_the_vendor_unless_overridden(
        station: Station, reason_grade: str, disposition: str) -> None:
    scan(station, "RMA-5002")
    scan(station, HEADPHONES)
    scan(station, "HB1A24K07731")
    screen = scan(station, reason_grade)
    assert screen.returns.current.disposition == disposition  # type: ignore[union-attr]
    screen = scan(station, "DISP-REFURBISH")
    assert screen.returns.current.disposition == "REFURBISH"  # type: ignore[union-attr]


def test_undo_park_and_resume(station: Station) -> None:
    scan(station, "RMA-5001")
    scan(station, SCARF)
    scan(station, "GRADE-A")
    scan(station, SHIRT_L)
    screen = scan(station, "CMD-UNDO")  # the T-shirt under inspection goes back
    assert screen.returns is not None and screen.returns.current is None and len(screen.returns.units) == 1
    screen = scan(station, "CMD-CANCEL")
    assert screen.returns is None and "put aside" in screen.feedback.message
    screen = scan(station, "RMA-5001")
    assert "Resumed" in screen.feedback.message
    assert [u.sku for u in screen.returns.units] == ["SCARF-WOOL-GRY"]  # type: ignore[union-attr]
    assert [kind for kind, _ in events(station)].count("station.return.received") == 1


def test_an_unannounced_return_is_found_by_its_order(station: Station) -> None:
    screen = scan(station, "SO-100243")
    assert screen.returns is not None and screen.returns.rma_number is None
    scan(station, SOCKS)
    scan(station, "GRADE-B")
    scan(station, "CMD-DONE")
    completed = events(station)[-1][1]
    assert completed["rma_number"] is None and completed["refund_recommendation"] == "none"


def test_a_closed_rma_needs_a_supervisor(station: Station) -> None:
    screen = scan(station, "RMA-5004")
    assert screen.returns is None and screen.prompt is not None and screen.prompt.kind == "supervisor"
    scan(station, "EMP-9001")
    scan(station, "2468")
    screen = scan(station, "parcel came back late, approved")
    assert screen.returns is not None and screen.returns.rma_number == "RMA-5004"


def test_grades_need_a_unit_and_unknown_codes_are_refused(station: Station) -> None:
    assert "No open return" in scan(station, "GRADE-A").feedback.message
    assert scan(station, "RMA-9999").feedback.level == "error"
    scan(station, "RMA-5001")
    assert "No unit under inspection" in scan(station, "GRADE-A").feedback.message
