"""One order with everything, packed end to end: the reference backend, a serial scanner and a SICS
scale on pseudo-terminals, the station wired by build_station from its config file.

The order (added to a copy of the demo data) has a line of 12 T-shirts counted with their case
barcode, two gift-set kits (one pre-built, one from its components), two serial-tracked headphones
(one serial scanned when asked, one inside a GS1-128 barcode) and a `vip` tag. It goes out in two
boxes; the first is weighed wrong, shown red, and weighed again once corrected. The backend gets one
station.order.packed event with both packages, and the pdf: folder gets the slip and two labels.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from station.bootstrap import build_station
from station.config import load_config
from station.demo import DEMO_DATA
from station.services.views import ScreenChanged, ScreenState
from station.storage.models import OutboxRow, PackingSessionRow
from tests.devices.scale_simulators import ScaleSimulator
from tests.e2e.conftest import Backend, PtyScanner, decode_all, serving, wait_for, with_scale, write_config

ORDER = "SO-100299"
TRACKING = "00340434161094042601"  # an SSCC with its check digit, like the demo's DHL numbers
TODAY = date(2026, 11, 22)  # the Christmas insert's season (2026-11-15 .. 2026-12-24)

CASE_OF_12 = "14006381333938"  # TSHIRT-BLK-M x 12
KIT = "KIT-GIFTSET-1"  # GIFTSET-1, pre-built
MUG, TEA = "5601234100013", "40039947"  # GIFTSET-1's components: 1 mug and 2 tea tins
HEADPHONES = "840632110421"  # HEADPHONE-BT1, serial-tracked (UPC-A; GTIN-14 00840632110421)
SERIAL_1, SERIAL_2 = "HB1A24K00001", "HB1A24K00002"

# Expected weights: catalog weights of the units + 10 g per insert put in + the box's tare.
PACKAGE_1_G = 12 * 180 + 120  # the case of T-shirts in BOX-S
PACKAGE_2_G = 2 * (420 + 2 * 140) + 2 * 265 + 3 * 10 + 220  # 2 gift sets, 2 headphones, 3 inserts, BOX-M

EVERYTHING_ORDER: dict[str, Any] = {
    "order_number": ORDER,
    "status": "ready",
    "hold_reason": None,
    "channel": "web",  # the web sample insert is planned, and out of stock
    "placed_at": "2026-11-22T07:45:00Z",
    "customer": {"id": "C-990", "name": "Jürgen Weiß", "email": "juergen.weiss@example.de",
                 "order_count": 1},  # a first order: the welcome card
    "ship_to": {"name": "Jürgen Weiß", "company": None, "line1": "Schloßallee 7", "line2": None,
                "city": "Köln", "postcode": "50667", "region": None, "country": "DE",
                "phone": "+49 221 555 0100"},
    "tags": ["vip"],
    "total": {"amount": "899.00", "currency": "EUR"},
    "lines": [
        {"line_id": "1", "sku": "TSHIRT-BLK-M", "quantity": 12},
        {"line_id": "2", "sku": "GIFTSET-1", "quantity": 2},
        {"line_id": "3", "sku": "HEADPHONE-BT1", "quantity": 2},
    ],
    "shipping": {"carrier": "DHL", "service": "Paket", "tracking_number": TRACKING, "label": None},
    "gift_message": "Frohe Weihnachten!",
    "notes": None,
}


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    """The reference backend (as in conftest) on the demo data plus EVERYTHING_ORDER."""
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    data["orders"].append(EVERYTHING_ORDER)
    path = tmp_path / "backend-data.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with serving(path, tmp_path) as wrapper:
        yield wrapper


class Scanner:
    """Scans on the serial scanner's pty; each returns the one screen the station showed for it."""

    def __init__(self, pty: PtyScanner, screens: list[ScreenState]) -> None:
        self.pty, self.screens = pty, screens
        self.last, self.last_at = "", 0.0

    def scan(self, code: str) -> ScreenState:
        if code == self.last:  # the same frame within 100 ms would be taken for scanner bounce
            time.sleep(max(0.0, self.last_at + 0.15 - time.monotonic()))
        count = len(self.screens)
        self.pty.scan(code)
        self.last, self.last_at = code, time.monotonic()
        wait_for(lambda: len(self.screens) > count, what=f"the screen for {code}")
        time.sleep(0.02)
        assert len(self.screens) == count + 1, f"{code} gave {len(self.screens) - count} screens"
        return self.screens[-1]


def pdf_text(pdf_path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf_path).pages)


def test_an_order_with_everything_in_two_boxes_with_a_corrected_weight(
        tmp_path: Path, backend: Backend, pty_scanner: PtyScanner, scale: ScaleSimulator) -> None:
    config = load_config(with_scale(write_config(tmp_path, backend.url, pty_scanner.port), scale.path))
    station = build_station(config)
    station.desk.packing.p.today = lambda: TODAY
    screens: list[ScreenState] = []
    station.core.subscribe(lambda e: screens.append(e.state) if isinstance(e, ScreenChanged) else None)
    station.start()
    scanner = Scanner(pty_scanner, screens)

    def expect(code: str, level: str, text: str) -> ScreenState:
        screen = scanner.scan(code)
        assert screen.feedback.level == level and text in screen.feedback.message, (code, screen.feedback)
        return screen

    def weigh_at(grams: float) -> None:
        scale.set("stable", grams)
        wait_for(lambda: station.core.status().scale_stable
                 and station.core.status().scale.replace("\u2009", "") == f"{grams:.0f} g",
                 what=f"the scale at {grams} g")

    try:
        wait_for(lambda: station.core.status().scanner_ok, what="the scanner connected")
        wait_for(lambda: station.core.status().scale_stable, what="a stable reading")
        expect("EMP-1001", "ok", "Signed in: Ana Silva")
        screen = expect(ORDER, "ok", f"Order {ORDER}")
        order = screen.order
        assert order is not None and (order.units_counted, order.units_total) == (0, 16)
        assert [(i.code, i.quantity, i.skipped) for i in order.inserts] == [
            ("INS-VIP", 1, None), ("INS-XMAS", 2, None), ("INS-WELCOME", 1, None),
            ("INS-SAMPLE", 0, "out_of_stock")]

        # Package 1: the case of 12 T-shirts in a small box, weighed wrong, then right.
        expect("BOX-S", "ok", "Package 1: Small box")
        screen = expect(CASE_OF_12, "ok", "+12")
        assert screen.order is not None and screen.order.lines[0].counted == 12
        assert screen.order.expected_weight_g == PACKAGE_1_G
        weigh_at(PACKAGE_1_G + 400)  # something that is not on the order went in
        screen = expect("CMD-WEIGH", "error", "Weight mismatch")
        assert screen.feedback.sound == "error"
        assert screen.prompt is not None and screen.prompt.kind == "supervisor"
        assert screen.order is not None and screen.order.package_weight_g == PACKAGE_1_G + 400
        assert screen.order.packages[0].weight_ok is False
        expect("CMD-NEW-BOX", "error", "Package 1 weighs")  # a mismatched package does not close
        weigh_at(PACKAGE_1_G + 15)  # taken out: within 5 %
        screen = expect("CMD-WEIGH", "ok", "Package 1:")
        assert screen.prompt is None and screen.order is not None
        assert screen.order.packages[0].weight_ok is True
        expect("CMD-NEW-BOX", "ok", "Package 1 closed")

        # Package 2: a medium box, the two gift sets, the two headphones, the inserts.
        expect("BOX-M", "ok", "Package 2: Medium box")
        expect(KIT, "ok", "+1")
        for code in (MUG, TEA, TEA):
            expect(code, "ok", "+1")
        screen = expect(HEADPHONES, "warn", "Scan the serial number")
        assert screen.prompt is not None and screen.prompt.kind == "serial"
        expect(SERIAL_1, "ok", "+1")
        expect(f"]C10100{HEADPHONES}21{SERIAL_1}", "error", f"serial {SERIAL_1} is already packed")
        screen = expect(f"]C10100{HEADPHONES}21{SERIAL_2}", "ok", "+1")  # GS1: GTIN-14 and serial
        assert screen.order is not None and screen.order.units_counted == 16
        assert "VIP thank-you card" in screen.feedback.detail
        expect("INS-VIP", "ok", "+ VIP thank-you card")
        expect("INS-XMAS", "ok", "+ Christmas chocolate")
        expect("INS-XMAS", "ok", "+ Christmas chocolate")
        screen = expect("CMD-SKIP-INSERT", "warn", "Skipped Welcome card")
        assert screen.order is not None and screen.order.expected_weight_g == PACKAGE_2_G
        assert "weigh package 2 first" in screen.feedback.detail
        weigh_at(PACKAGE_2_G - 12)
        screen = expect("CMD-WEIGH", "ok", f"Order {ORDER} packed")
        assert screen.order is None
        wait_for(lambda: backend.events(), what="the event delivered")
        wait_for(lambda: backend.server.notifications(), what="the backend's notification")

        def states(column: Any) -> list[str]:
            with station.db.read() as s:
                return list(s.execute(select(column)).scalars())

        assert states(PackingSessionRow.state) == ["completed"]
        wait_for(lambda: states(OutboxRow.state) == ["delivered"], what="the outbox row delivered")
        [event_id] = states(OutboxRow.id)
    finally:
        station.stop()

    [event] = backend.events()
    assert (event["id"], event["type"], event["subject"]) == (event_id, "station.order.packed", ORDER)
    data = event["data"]
    assert isinstance(data, dict)
    assert data["operator"] == {"badge": "EMP-1001", "name": "Ana Silva"}
    assert data["packages"] == [
        {"package_no": 1, "box": "BOX-S", "weight_g": PACKAGE_1_G + 15, "expected_weight_g": PACKAGE_1_G,
         "tracking_number": TRACKING, "carrier": "DHL",
         "items": [{"sku": "TSHIRT-BLK-M", "quantity": 12, "serials": [], "lots": [], "kit_sku": None}]},
        {"package_no": 2, "box": "BOX-M", "weight_g": PACKAGE_2_G - 12, "expected_weight_g": PACKAGE_2_G,
         "tracking_number": None, "carrier": "DHL",
         "items": [{"sku": "GIFTSET-1", "quantity": 1, "serials": [], "lots": [], "kit_sku": None},
                   {"sku": "MUG-01", "quantity": 1, "serials": [], "lots": [], "kit_sku": "GIFTSET-1"},
                   {"sku": "TEA-05", "quantity": 2, "serials": [], "lots": [], "kit_sku": "GIFTSET-1"},
                   {"sku": "HEADPHONE-BT1", "quantity": 2, "serials": [SERIAL_1, SERIAL_2], "lots": [],
                    "kit_sku": None}]},
    ]
    assert data["inserts"] == [{"code": "INS-VIP", "quantity": 1}, {"code": "INS-XMAS", "quantity": 2}]
    assert data["skipped_inserts"] == [{"code": "INS-SAMPLE", "reason": "out_of_stock"},
                                       {"code": "INS-WELCOME", "reason": "skipped_by_operator"}]
    assert data["short_items"] == [] and data["override"] is None
    assert backend.server.notifications() == [f"notify customer Jürgen Weiß <juergen.weiss@example.de>: "
                                              f"order {ORDER} packed at PACK-01 (2 packages)"]

    prints = sorted((tmp_path / "prints").iterdir())
    assert len(prints) == 3, prints
    [slip] = [p for p in prints if p.name.endswith(f"-packing-slip-{ORDER}.pdf")]
    [label_1] = [p for p in prints if p.name.endswith(f"-label-1-{ORDER}.pdf")]
    [label_2] = [p for p in prints if p.name.endswith(f"-label-2-{ORDER}.pdf")]
    assert set(decode_all(label_1)) == {ORDER, f"(00){TRACKING[2:]}"}  # the SSCC as GS1-128
    assert set(decode_all(label_2)) == {ORDER}  # the carrier numbers the second package
    assert ORDER in decode_all(slip)
    assert "PACKAGE 1 of 2" in pdf_text(label_1) and "PACKAGE 2 of 2" in pdf_text(label_2)
    slip_text = pdf_text(slip)
    for expected in ("Jürgen Weiß", "Schloßallee 7", "TSHIRT-BLK-M", "GIFTSET-1", "HEADPHONE-BT1",
                     "VIP thank-you card", "Christmas chocolate (Lebkuchen) × 2", "Frohe Weihnachten!"):
        assert expected in slip_text, expected
