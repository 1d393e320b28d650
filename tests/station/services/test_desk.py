"""The desk, scan by scan (scanning.md): a real station (on SQLite, and on PostgreSQL when configured),
offline, with the demo orders cached."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.views import ScreenState
from station.storage.audit import verify_chain
from station.storage.cache import cache_order
from station.storage.models import AuditRow, OutboxRow

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
GS = "\x1d"
TODAY = date(2026, 11, 22)
SO_100234_INSERTS = ("INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME")  # INS-SAMPLE: out of stock


@pytest.fixture
def station(tmp_path: Path, database_url: str) -> Iterator[Station]:
    config = replace(validate({"database": {"url": database_url},
                               "printers": {"label": {"target": f"pdf:{tmp_path / 'prints'}"},
                                            "document": {"target": f"pdf:{tmp_path / 'prints'}"}}}),
                     data_dir=tmp_path)
    app = build_station(config, catalog_file=DATA["catalog"])
    app.desk.packing.p.today = lambda: TODAY  # the insert rules and lot expiry depend on the date
    with app.db.unit_of_work() as session:
        for order in DATA["orders"]:
            cache_order(session, order)
    yield app
    app.stop()


def scan(station: Station, code: str, symbology: str | None = None) -> ScreenState:
    return station.desk.handle(Scan(code, symbology))


def signed_in(station: Station, order: str | None = None) -> None:
    scan(station, "EMP-1001")
    if order:
        assert scan(station, order).order is not None


@pytest.mark.parametrize("code", ["SO-100234", "4006381333931", "garbage", "RMA-5001"])
def test_everything_but_a_badge_or_command_needs_someone_signed_in(station: Station, code: str) -> None:
    screen = scan(station, code)
    assert (screen.feedback.level, screen.feedback.message) == ("error", "Sign in first")
    assert screen.operator is None


def test_a_badge_signs_in_whatever_mode_and_the_role_picks_the_mode(station: Station) -> None:
    assert scan(station, "EMP-1001").operator.name == "Ana Silva"  # type: ignore[union-attr]
    screen = scan(station, "EMP-2001")  # a returns clerk takes over
    assert screen.operator.name == "Li Wei" and screen.mode == "returns"  # type: ignore[union-attr]
    assert scan(station, "CMD-MODE-PACK").feedback.level == "error"  # not allowed for the role
    screen = scan(station, "EMP-9001")
    assert screen.mode == "returns"  # a supervisor may work in returns: the mode stays


@pytest.mark.parametrize(("order", "level", "text"), [
    ("SO-100238", "error", "on hold: payment review"),
    ("SO-100239", "error", "cancelled"),
    ("SO-100240", "warn", "already packed"),
    ("SO-999999", "error", "unknown order SO-999999"),
])
def test_orders_that_may_not_be_packed_are_refused(station: Station, order: str, level: str,
                                                  text: str) -> None:
    signed_in(station)
    screen = scan(station, order)
    assert screen.order is None
    assert screen.feedback.level == level and text in screen.feedback.message
    assert order in screen.feedback.message  # codes keep their case in a sentence


@pytest.mark.parametrize(("code", "symbology"), [
    ("4006381333931", None),                       # EAN-13 as in the catalog
    ("04006381333931", None),                      # the same as GTIN-14
    ("0104006381333931", "]C1"),                   # GS1-128 with AI 01
    (f"0104006381333931{GS}10LOT7", None),          # GS1 with a lot after a GS separator
    ("(01)04006381333931", None),                  # the human-readable form
])
def test_a_product_counts_by_gtin_equivalence_and_gs1(station: Station, code: str,
                                                     symbology: str | None) -> None:
    signed_in(station, "SO-100234")
    screen = scan(station, code, symbology)
    assert screen.feedback.level == "ok", screen.feedback
    assert screen.order is not None and screen.order.lines[0].counted == 1


@pytest.mark.parametrize(("code", "symbology", "text"), [
    ("0104006381333932", "]C1", "check digit"),      # a bad check digit in AI 01
    ("(01)04006381333931(17)261341", None, "GS1"),   # month 13
    ("5906123000451", None, "not on order"),
    ("NOT-A-PRODUCT", None, "nknown"),
])
def test_bad_scans_are_refused_counted_nowhere_and_audited(station: Station, code: str,
                                                          symbology: str | None, text: str) -> None:
    signed_in(station, "SO-100234")
    screen = scan(station, code, symbology)
    assert screen.feedback.level == "error" and text in screen.feedback.message, screen.feedback
    assert screen.order is not None and screen.order.units_counted == 0
    with station.db.read() as session:
        last = session.execute(select(AuditRow).order_by(AuditRow.id.desc()).limit(1)).scalar_one()
        assert last.action == "scan.refused" and last.detail["code"] == code
        assert verify_chain(session) is None
    assert scan(station, "4006381333931").feedback.level == "ok"  # the next scan works


def test_a_case_counts_its_quantity_and_is_refused_when_it_overshoots(station: Station) -> None:
    signed_in(station, "SO-100241")  # 12 + 12 T-shirts and 6 mugs
    screen = scan(station, "14006381333938")
    assert screen.order is not None and screen.order.lines[0].counted == 12
    screen = scan(station, "15601234100010")
    assert screen.order is not None and screen.order.lines[2].counted == 6
    screen = scan(station, "15601234100010")
    assert screen.feedback.level == "error" and screen.order.lines[2].counted == 6  # type: ignore[union-attr]


def test_undo_cancel_and_resume(station: Station) -> None:
    signed_in(station, "SO-100234")
    scan(station, "4006381333931")
    scan(station, "4006381333931")
    screen = scan(station, "CMD-UNDO")
    assert screen.order is not None and screen.order.lines[0].counted == 1
    screen = scan(station, "CMD-CANCEL")
    assert screen.order is None and "put aside" in screen.feedback.message
    screen = scan(station, "SO-100234")
    assert "Resumed" in screen.feedback.message
    assert screen.order is not None and screen.order.lines[0].counted == 1


def test_completion_writes_one_event_and_the_documents(station: Station, tmp_path: Path) -> None:
    signed_in(station, "SO-100234")
    scan(station, "4006381333931")
    assert scan(station, "CMD-DONE").feedback.level == "error"  # units are still missing
    scan(station, "4006381333931")
    screen = scan(station, "KIT-GIFTSET-1")
    assert screen.order is not None and "VIP thank-you card" in screen.feedback.detail
    assert [(i.code, i.quantity, i.skipped) for i in screen.order.inserts] == [
        ("INS-VIP", 1, None), ("INS-XMAS", 2, None), ("INS-WELCOME", 1, None),
        ("INS-SAMPLE", 0, "out_of_stock")]
    assert scan(station, "CMD-DONE").feedback.message == "Put in VIP thank-you card"
    for code in SO_100234_INSERTS:
        screen = scan(station, code)
    assert screen.order is None and screen.feedback.message == "Order SO-100234 packed"
    with station.db.read() as session:
        [event] = session.execute(select(OutboxRow)).scalars().all()
    assert (event.type, event.subject, event.state) == ("station.order.packed", "SO-100234", "pending")
    assert event.data["inserts"] == [{"code": "INS-VIP", "quantity": 1}, {"code": "INS-XMAS", "quantity": 2},
                                     {"code": "INS-WELCOME", "quantity": 1}]
    assert event.data["skipped_inserts"] == [{"code": "INS-SAMPLE", "reason": "out_of_stock"}]
    assert len(list((tmp_path / "prints").glob("*SO-100234.pdf"))) == 2
    screen = scan(station, "SO-100234")  # the order is now packed: a re-scan warns
    assert screen.feedback.level == "warn" and "already packed" in screen.feedback.message
    assert scan(station, "CMD-REPRINT").feedback.message == "Printed again"
    assert len(list((tmp_path / "prints").glob("*SO-100234*.pdf"))) == 4  # never overwritten


def test_sign_out_puts_the_open_order_aside(station: Station) -> None:
    signed_in(station, "SO-100235")
    scan(station, "8034512000120")
    screen = scan(station, "CMD-SIGN-OUT")
    assert screen.operator is None and screen.order is None
    signed_in(station)
    screen = scan(station, "SO-100235")
    assert "Resumed" in screen.feedback.message and screen.order.units_counted == 1  # type: ignore[union-attr]


# -- issue: serials, lots, inserts, packages, supervisor steps, two stations ------------------------

HEADPHONES = "840632110421"  # HEADPHONE-BT1, tracked by serial
CREAM = "3760123450010"  # CREAM-FACE-50, tracked by lot


def test_a_serial_is_asked_for_captured_and_never_packed_twice(station: Station) -> None:
    signed_in(station, "SO-100236")  # headphones and two pairs of socks
    screen = scan(station, HEADPHONES)
    assert screen.prompt is not None and screen.prompt.kind == "serial"
    assert screen.order is not None and screen.order.units_counted == 0
    assert scan(station, "5906123000451").feedback.level == "error"  # the serial comes first
    screen = scan(station, "HB1A24K09999")
    assert screen.prompt is None and screen.order.lines[0].counted == 1  # type: ignore[union-attr]
    for code in ("5906123000451", "5906123000451", "INS-XMAS", "INS-XMAS"):
        screen = scan(station, code)
    assert screen.order is None
    with station.db.read() as session:
        [event] = session.execute(select(OutboxRow)).scalars().all()
    [headphones] = [i for i in event.data["packages"][0]["items"] if i["sku"] == "HEADPHONE-BT1"]
    assert headphones["serials"] == ["HB1A24K09999"]
    # A repack of the order (supervisor approved) cannot take the same serial again.
    assert "already packed" in scan(station, "SO-100236").feedback.message
    scan(station, "EMP-9001")
    scan(station, "2468")
    assert scan(station, "damaged on the dock").order is not None
    assert scan(station, f"01{'0' * 2}{HEADPHONES}21HB1A24K09999", "]C1").feedback.level == "error"


@pytest.mark.parametrize(("scans", "counted", "message"), [
    ([f"(01)0{CREAM}(17)261231(10)L42"], 1, ""),
    ([f"(01)0{CREAM}(17)251231(10)L41"], 0, "expired on 2025-12-31"),
    ([CREAM, "L43"], 1, ""),
])
def test_lots_are_captured_and_expired_lots_refused(station: Station, scans: list[str], counted: int,
                                                   message: str) -> None:
    signed_in(station, "SO-100237")
    for code in scans:
        screen = scan(station, code)
    assert screen.order is not None and screen.order.lines[0].counted == counted
    assert message in screen.feedback.message


def test_inserts_are_confirmed_or_skipped_and_wrong_ones_refused(station: Station) -> None:
    signed_in(station, "SO-100234")
    assert "not for this order" in scan(station, "INS-CARE").feedback.message
    assert scan(station, "INS-VIP").feedback.level == "ok"
    assert "already in" in scan(station, "INS-VIP").feedback.message
    screen = scan(station, "CMD-SKIP-INSERT")  # skips the next: the Christmas chocolate
    assert screen.order is not None
    assert [(i.code, i.skipped) for i in screen.order.inserts][:2] == [("INS-VIP", None),
                                                                       ("INS-XMAS", "skipped_by_operator")]


def test_packages_boxes_and_one_label_each(station: Station, tmp_path: Path) -> None:
    signed_in(station, "SO-100234")
    assert "still empty" in scan(station, "CMD-NEW-BOX").feedback.message
    scan(station, "BOX-S")
    scan(station, "4006381333931")
    scan(station, "4006381333931")
    assert scan(station, "CMD-NEW-BOX").feedback.message == "Package 1 closed"
    scan(station, "BOX-M")
    scan(station, "KIT-GIFTSET-1")
    for code in SO_100234_INSERTS:
        screen = scan(station, code)
    assert screen.order is None
    with station.db.read() as session:
        [event] = session.execute(select(OutboxRow)).scalars().all()
    packages = event.data["packages"]
    assert [(p["package_no"], p["box"]) for p in packages] == [(1, "BOX-S"), (2, "BOX-M")]
    assert packages[0]["items"] == [{"sku": "TSHIRT-BLK-M", "quantity": 2, "serials": [], "lots": [],
                                     "kit_sku": None}]
    assert packages[0]["expected_weight_g"] == 2 * 180 + 120  # units + box tare
    labels = sorted(p.name for p in (tmp_path / "prints").glob("*label-*SO-100234.pdf"))
    assert [name.split("-label-")[1] for name in labels] == ["1-SO-100234.pdf", "2-SO-100234.pdf"]


def test_a_short_shipment_needs_a_supervisor_badge_pin_and_reason(station: Station) -> None:
    signed_in(station, "SO-100234")
    scan(station, "4006381333931")
    screen = scan(station, "CMD-SHORT-SHIP")
    assert screen.prompt is not None and screen.prompt.kind == "supervisor"
    assert "not a supervisor" not in scan(station, "EMP-9001").feedback.message
    screen = scan(station, "1111")
    assert screen.prompt.kind == "pin" and "wrong PIN" in screen.feedback.message  # type: ignore[union-attr]
    assert scan(station, "2468").prompt.kind == "reason"  # type: ignore[union-attr]
    screen = scan(station, "tea gift set out of stock")
    assert screen.order is None and "shipped short" in screen.feedback.message
    with station.db.read() as session:
        [event] = session.execute(select(OutboxRow)).scalars().all()
        audit = " ".join(str(r.detail) for r in session.execute(select(AuditRow)).scalars())
    assert event.data["override"] == {"supervisor": {"badge": "EMP-9001", "name": "Marta Kowalska"},
                                      "reason": "tea gift set out of stock"}
    assert {"sku": "TSHIRT-BLK-M", "quantity_missing": 1} in event.data["short_items"]
    assert "2468" not in audit and "1111" not in audit  # PINs never reach the audit trail


def test_any_other_scan_drops_an_offered_approval(station: Station) -> None:
    signed_in(station, "SO-100234")
    scan(station, "4006381333931")
    assert scan(station, "CMD-SHORT-SHIP").prompt is not None
    screen = scan(station, "4006381333931")
    assert screen.prompt is None and screen.order.units_counted == 2  # type: ignore[union-attr]


def test_an_order_open_at_another_station_is_refused(station: Station, tmp_path: Path) -> None:
    signed_in(station, "SO-100234")
    other_config = replace(station.config, station=replace(station.config.station, id="PACK-02"))
    other = build_station(other_config)
    try:
        other.desk.handle(Scan("EMP-1002"))
        screen = other.desk.handle(Scan("SO-100234"))
        assert screen.order is None
        assert screen.feedback.message == "Order SO-100234 is being packed at PACK-01 by Ana Silva"
        scan(station, "CMD-CANCEL")  # put aside: now the other station may carry it on
        screen = other.desk.handle(Scan("SO-100234"))
        assert "Resumed" in screen.feedback.message
    finally:
        other.stop()


def test_counting_into_the_next_package_keeps_the_first_ones_weight(station: Station) -> None:
    """A closed package keeps its weight: only the package whose contents change loses it."""
    from station.workflows.packages import record_weight

    signed_in(station, "SO-100234")
    scan(station, "4006381333931")
    desk = station.desk.packing
    assert desk.current is not None
    weighed = record_weight(desk.current.state, 1, 480)
    desk.current = replace(desk.current, state=weighed)
    desk.p.packing.save_package(desk.current, weighed.package(1), station.desk.operator,  # type: ignore[arg-type]
                                "package.weighed", {})
    scan(station, "CMD-NEW-BOX")
    screen = scan(station, "4006381333931")
    assert screen.order is not None
    assert [(p.package_no, p.weight_g) for p in screen.order.packages] == [(1, 480), (2, None)]
    scan(station, "CMD-CANCEL")
    screen = scan(station, "SO-100234")  # and so it stays after a reload from the database
    assert [(p.package_no, p.weight_g) for p in screen.order.packages] == [(1, 480), (2, None)]  # type: ignore[union-attr]


def test_undo_after_a_new_box_reopens_the_emptied_package_and_keeps_it_after_a_reload(
        station: Station) -> None:
    signed_in(station, "SO-100234")
    scan(station, "4006381333931")
    scan(station, "CMD-NEW-BOX")
    screen = scan(station, "CMD-UNDO")
    assert [p.package_no for p in screen.order.packages if p.is_open] == [1]  # type: ignore[union-attr]
    scan(station, "CMD-CANCEL")
    scan(station, "SO-100234")
    screen = scan(station, "4006381333931")
    assert screen.order is not None
    assert [(p.package_no, p.units) for p in screen.order.packages] == [(1, 1)]
