"""One order packed end to end: a badge and items scanned on a serial scanner (pseudo-terminal),
the order fetched from the reference backend, PDFs written to the pdf: target, the event delivered."""

from __future__ import annotations

import time
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from station.bootstrap import build_station
from station.config import load_config
from station.services.views import ScreenChanged, ScreenState
from station.storage.models import OutboxRow, PackedUnitRow
from tests.e2e.conftest import Backend, PtyScanner, decode_all, wait_for, write_config


def test_badge_to_delivered_event(tmp_path: Path, backend: Backend, pty_scanner: PtyScanner) -> None:
    config = load_config(write_config(tmp_path, backend.url, pty_scanner.port))
    app = build_station(config)
    screens: list[ScreenState] = []
    app.core.subscribe(lambda e: screens.append(e.state) if isinstance(e, ScreenChanged) else None)
    app.start()
    try:
        wait_for(lambda: app.core.status().scanner_ok, what="scanner connected")
        steps = [
            ("EMP-1001", "ok", "Signed in: Ana Silva"),
            ("SO-100234", "ok", "Order SO-100234"),
            ("04006381333931", "ok", "+1"),            # the T-shirt's EAN-13 scanned as GTIN-14
            ("5906123000451", "error", "not on order"),  # socks: not on this order, not counted
            ("4006381333931", "ok", "+1"),
            ("4006381333931", "error", "already counted"),  # one more than ordered
            ("5601234100013", "ok", "+1"),             # the kit's components, one by one
            ("40039947", "ok", "+1"),
        ]
        for number, (code, level, text) in enumerate(steps, start=1):
            if code == steps[number - 2][0]:
                time.sleep(0.15)  # the same frame within 100 ms would be one scan (scanner bounce)
            pty_scanner.scan(code)
            wait_for(lambda n=number: len(screens) >= n, what=f"scan {code}")
            assert len(screens) == number  # every scan handled once, none dropped or doubled
            feedback = screens[-1].feedback
            assert feedback.level == level, (code, feedback)
            assert text in feedback.message, (code, feedback)
        view = screens[-1].order
        assert view is not None and view.units_counted == 2 and view.units_total == 3
        time.sleep(0.15)
        pty_scanner.scan("40039947", b"\n")  # the last tea tin: every unit counted
        wait_for(lambda: len(screens) == len(steps) + 1, what="the last unit")
        order = screens[-1].order
        assert order is not None and order.units_counted == order.units_total
        # The insert checklist follows the catalog's rules for this order and today's date.
        pending = [i for i in order.inserts if not i.settled]
        assert pending, "the demo order gets inserts (VIP card, welcome card)"
        for insert in pending:
            for _ in range(insert.quantity - insert.done):
                time.sleep(0.15)  # the same insert twice is not scanner bounce
                pty_scanner.scan(insert.code)
        wait_for(lambda: screens[-1].order is None, what="order completed by its last insert")
        assert screens[-1].feedback.message == "Order SO-100234 packed"
        wait_for(lambda: backend.server.notifications(), what="the backend's notification")
    finally:
        app.stop()

    assert backend.server.notifications() == [
        "notify customer Zoë Müller <zoe@example.com>: order SO-100234 packed at PACK-01 (1 package)"]
    [event] = backend.events()
    assert event["type"] == "station.order.packed"
    assert event["source"] == "urn:station:PACK-01" and event["subject"] == "SO-100234"
    data = event["data"]
    assert isinstance(data, dict)
    assert data["operator"] == {"badge": "EMP-1001", "name": "Ana Silva"}
    items = {(i["sku"], i["kit_sku"]): i["quantity"] for i in data["packages"][0]["items"]}
    assert items == {("TSHIRT-BLK-M", None): 2, ("MUG-01", "GIFTSET-1"): 1, ("TEA-05", "GIFTSET-1"): 2}
    inserted = {i["code"] for i in data["inserts"]}
    assert {"INS-VIP", "INS-WELCOME"} <= inserted  # a vip tag and a first order
    assert {"code": "INS-SAMPLE", "reason": "out_of_stock"} in data["skipped_inserts"]

    check = build_station(config)
    with check.db.read() as s:
        row = s.execute(select(OutboxRow)).scalar_one()
        assert (row.id, row.state) == (event["id"], "delivered")
        assert len(s.execute(select(PackedUnitRow)).scalars().all()) == 5
    check.stop()

    prints = sorted((tmp_path / "prints").iterdir())
    slip = next(p for p in prints if "-packing-slip-SO-100234" in p.name)
    label = next(p for p in prints if "-label-1-SO-100234" in p.name)
    assert set(decode_all(label)) == {"SO-100234", "(00)340434161094042557"}  # the SSCC as GS1-128
    assert "SO-100234" in decode_all(slip)
    text = "".join(page.extract_text() for page in PdfReader(slip).pages)
    for expected in ("Zoë Müller", "Hauptstraße 5", "TSHIRT-BLK-M", "MUG-01", "TEA-05", "Happy birthday"):
        assert expected in text

