"""Hand-over at the desk, scan by scan: demo orders packed through the real desk, then handed to the
carrier by a supervisor (SQLite, and PostgreSQL when configured): events, manifest PDF, audit, resume."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.views import ScreenState
from station.storage.audit import verify_chain
from station.storage.cache import cache_order, cached_order
from station.storage.models import AuditRow, ManifestRow, OutboxRow

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 22)
DHL_1 = "00340434161094042557"  # SO-100234, package 1 (package 2 has no tracking number)
DHL_2 = "00340434161094042564"  # SO-100235
UPS_1 = "1Z4E82A96812345670"  # SO-100236
MANIFEST = "MAN-PACK-01-00001"
SUPERVISOR = {"badge": "EMP-9001", "name": "Marta Kowalska"}


@pytest.fixture
def station(tmp_path: Path, database_url: str) -> Iterator[Station]:
    app = build(tmp_path, database_url)
    with app.db.unit_of_work() as session:
        for order in DATA["orders"]:
            cache_order(session, order)
    yield app
    app.stop()


def build(tmp_path: Path, database_url: str) -> Station:
    prints = f"pdf:{tmp_path / 'prints'}"
    config = replace(validate({"database": {"url": database_url}, "station": {"id": "PACK-01"},
                               "printers": {"label": {"target": prints}, "document": {"target": prints}}}),
                     data_dir=tmp_path)
    app = build_station(config, catalog_file=DATA["catalog"])
    app.desk.packing.p.today = lambda: TODAY
    return app


def scan(station: Station, code: str) -> ScreenState:
    return station.desk.handle(Scan(code))


def pack(station: Station, order: str, *codes: str) -> None:
    screen = scan(station, order)
    for code in codes:
        screen = scan(station, code)
    while screen.order is not None:  # today's inserts are left out: they do not matter here
        screen = scan(station, "CMD-SKIP-INSERT")
    assert f"Order {order} packed" in screen.feedback.message, screen.feedback


def packed_demo_orders(station: Station) -> None:
    """SO-100234 in two boxes (DHL, tracking number on package 1 only), SO-100235 (DHL), SO-100236 (UPS)."""
    scan(station, "EMP-1001")
    pack(station, "SO-100234", "BOX-S", "4006381333931", "4006381333931", "CMD-NEW-BOX", "BOX-M",
         "KIT-GIFTSET-1")
    pack(station, "SO-100235", "8034512000120", "4260657810032", "4260657810032", "5601234100051",
         "5601234100051", "90387159")
    pack(station, "SO-100236", "840632110421", "HB1A24K09999", "5906123000451", "5906123000451")


def handover_mode(station: Station) -> ScreenState:
    scan(station, "EMP-9001")
    screen = scan(station, "CMD-MODE-HANDOVER")
    assert screen.mode == "handover" and screen.handover is not None, screen.feedback
    return screen


def events(station: Station, type_: str) -> list[OutboxRow]:
    with station.db.read() as session:
        return list(session.execute(select(OutboxRow).where(OutboxRow.type == type_)
                                    .order_by(OutboxRow.stationseq)).scalars())


def audit(station: Station, prefix: str) -> list[AuditRow]:
    with station.db.read() as session:
        return [row for row in session.execute(select(AuditRow).order_by(AuditRow.id)).scalars()
                if row.action.startswith(prefix)]


def test_hand_over_end_to_end(station: Station, tmp_path: Path) -> None:
    packed_demo_orders(station)
    assert scan(station, "CMD-MODE-HANDOVER").feedback.message == "Ana Silva may not work in hand-over mode"
    screen = handover_mode(station)
    assert screen.handover is not None
    assert [(c.carrier, c.barcode, c.waiting) for c in screen.handover.carriers] == [
        ("DHL", "CARRIER-DHL", 3), ("UPS", "CARRIER-UPS", 1)]
    assert "Choose the carrier" in scan(station, DHL_1).feedback.message

    screen = scan(station, "CARRIER-DHL")
    assert screen.handover is not None and screen.handover.manifest_id == MANIFEST
    assert [(m.order_number, m.package_no) for m in screen.handover.missing] == [
        ("SO-100234", 1), ("SO-100234", 2), ("SO-100235", 1)]
    assert scan(station, DHL_1).feedback.message == "+ SO-100234 package 1"
    assert scan(station, "SO-100234").feedback.message == "+ SO-100234 package 2"  # its label's order barcode
    for code, refusal in ((UPS_1, "SO-100236 package 1 goes with UPS, not DHL"),
                          (DHL_1, "SO-100234 package 1 is already on this manifest"),
                          ("SO-100234", "SO-100234 package 2 is already on this manifest"),
                          ("4006381333931", "is a product"),
                          ("SO-999999", "SO-999999 is not a package packed lately")):
        screen = scan(station, code)
        assert screen.feedback.level == "error" and refusal in screen.feedback.message, screen.feedback

    screen = scan(station, "CMD-DONE")  # the first shows what is missing, and closes nothing
    assert screen.handover is not None and screen.handover.closing
    assert (screen.feedback.level, screen.feedback.message) == (
        "warn", "1 package not scanned")
    assert [(m.order_number, m.package_no, m.tracking_number) for m in screen.handover.missing] == [
        ("SO-100235", 1, DHL_2)]
    assert [(p.package_no, p.tracking_number) for p in screen.handover.packages] == [(1, DHL_1), (2, None)]
    assert events(station, "station.shipment.handed_over") == []
    screen = scan(station, "CMD-DONE")
    assert screen.feedback.message == f"Manifest {MANIFEST} closed: 2 packages to DHL", screen.feedback
    assert screen.handover is not None and screen.handover.manifest_id is None

    handed = events(station, "station.shipment.handed_over")
    packed = {e.subject: e.data for e in events(station, "station.order.packed")}
    assert [(e.subject, e.state) for e in handed] == [("SO-100234", "pending"), ("SO-100234", "pending")]
    for event, package_no, tracking in zip(handed, (1, 2), (DHL_1, None), strict=True):
        assert set(event.data) == {"order_number", "package_no", "tracking_number", "carrier", "manifest_id",
                                   "handed_over_at", "station_id", "operator"}
        assert event.data["handed_over_at"] == event.time.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert {k: v for k, v in event.data.items() if k != "handed_over_at"} == {
            "order_number": "SO-100234", "package_no": package_no, "tracking_number": tracking,
            "carrier": "DHL", "manifest_id": MANIFEST, "station_id": "PACK-01", "operator": SUPERVISOR}
        assert packed["SO-100234"]["packages"][package_no - 1]["tracking_number"] == tracking

    assert_manifest_printed(tmp_path, packed["SO-100234"]["packages"])
    assert_audited(station, [e.id for e in handed])
    with station.db.read() as session:
        assert (cached_order(session, "SO-100234") or {}).get("status") == "shipped"
        assert session.get_one(ManifestRow, MANIFEST).state == "closed"


def assert_manifest_printed(tmp_path: Path, packages: list[dict[str, object]]) -> None:
    [path] = (tmp_path / "prints").glob(f"*-manifest-{MANIFEST}.pdf")
    pdf = path.read_bytes()
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    assert [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.Code128] == [MANIFEST]
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert f"1 SO-100234 1 {DHL_1}" in text and "2 SO-100234 2 — (station label)" in text
    assert "Total: 2 packages" in text and "Marta Kowalska" in text and "Carrier's driver (DHL)" in text
    assert [p["weight_g"] for p in packages] == [None, None]  # no scale here: "not weighed"
    assert "(2 not weighed)" in text


def assert_audited(station: Station, event_ids: list[str]) -> None:
    actions = [(row.action, row.subject) for row in audit(station, "manifest.")]
    assert actions == [("manifest.opened", MANIFEST), ("manifest.package_added", MANIFEST),
                       ("manifest.package_added", MANIFEST), ("manifest.closed", MANIFEST)]
    closed = audit(station, "manifest.closed")[0]
    assert closed.operator_badge == "EMP-9001" and closed.detail["events"] == event_ids
    assert closed.detail["left_out"] == ["SO-100235/1"]
    refused = [row.detail["code"] for row in audit(station, "scan.refused") if row.subject == MANIFEST]
    assert refused == [UPS_1, DHL_1, "SO-100234", "4006381333931", "SO-999999"]
    with station.db.read() as session:
        assert verify_chain(session) is None


def test_a_package_handed_over_cannot_go_again(station: Station) -> None:
    packed_demo_orders(station)
    handover_mode(station)
    for code in ("CARRIER-DHL", DHL_2, "CMD-DONE", "CMD-DONE"):
        scan(station, code)
    assert len(events(station, "station.shipment.handed_over")) == 1
    screen = scan(station, "CARRIER-DHL")  # the next pick-up gets a new manifest
    assert screen.handover is not None and screen.handover.manifest_id == "MAN-PACK-01-00002"
    assert [(m.order_number, m.package_no) for m in screen.handover.missing] == [
        ("SO-100234", 1), ("SO-100234", 2)]
    assert scan(station, DHL_2).feedback.message == f"SO-100235 package 1 was handed over on {MANIFEST}"
    assert scan(station, "CMD-DONE").feedback.message == "Nothing is on the manifest yet"


def test_an_open_manifest_resumes_after_a_restart(station: Station, tmp_path: Path) -> None:
    packed_demo_orders(station)
    handover_mode(station)
    for code in ("CARRIER-DHL", DHL_1, "SO-100234"):
        scan(station, code)
    station.stop()  # as if the power went: nothing was put aside
    again = build(tmp_path, station.config.database_url)
    try:
        screen = handover_mode(again)
        assert screen.feedback.message == f"Resumed manifest {MANIFEST}"
        assert screen.handover is not None
        assert [(p.order_number, p.package_no) for p in screen.handover.packages] == [
            ("SO-100234", 1), ("SO-100234", 2)]
        assert scan(again, "CMD-UNDO").feedback.message == "Took SO-100234 package 2 off the manifest"
        assert scan(again, "CMD-CANCEL").feedback.message == f"Manifest {MANIFEST} put aside"
        screen = scan(again, "CMD-MODE-PACK")  # nothing open now: the mode may change
        assert screen.mode == "pack"
        screen = scan(again, "CMD-MODE-HANDOVER")
        assert screen.handover is not None and screen.handover.manifest_id is None
        assert [c.parked for c in screen.handover.carriers] == [MANIFEST, None]
        screen = scan(again, "CARRIER-DHL")  # the manifest put aside carries on
        assert screen.feedback.message == "Resumed manifest for DHL" and screen.handover is not None
        assert [(p.order_number, p.package_no, p.seq) for p in again.desk.handover.current.packages  # type: ignore[union-attr]
                ] == [("SO-100234", 1, 1)]
        assert scan(again, "SO-100234").feedback.message == "+ SO-100234 package 2"
        assert again.desk.handover.current.packages[-1].seq == 3  # type: ignore[union-attr]  # never reused
    finally:
        again.stop()


def test_leaving_hand_over_puts_the_manifest_aside(station: Station) -> None:
    packed_demo_orders(station)
    handover_mode(station)
    scan(station, "CARRIER-DHL")
    scan(station, DHL_1)
    screen = scan(station, "CMD-MODE-PACK")
    assert (screen.mode, screen.feedback.message) == ("handover", "Finish the manifest first")
    screen = scan(station, "CARRIER-UPS")
    assert screen.feedback.message == f"Manifest {MANIFEST} (DHL) is open"
    screen = scan(station, "EMP-1001")  # a packer takes the station over: packing, the manifest aside
    assert screen.mode == "pack" and screen.handover is None
    assert [row.action for row in audit(station, "manifest.")][-1] == "manifest.parked"
    assert "chooses a carrier in hand-over mode" in scan(station, "CARRIER-DHL").feedback.message
    handover_mode(station)
    assert scan(station, "CARRIER-FEDEX").feedback.message == "No FEDEX packages were packed lately"
    screen = scan(station, "CARRIER-DHL")
    assert screen.handover is not None and screen.handover.manifest_id == MANIFEST
    assert [p.order_number for p in screen.handover.packages] == ["SO-100234"]
    scan(station, "CMD-SIGN-OUT")  # signing out puts it aside too
    screen = scan(station, "EMP-9001")
    assert screen.mode == "handover" and screen.handover is not None
    assert screen.handover.manifest_id is None and screen.feedback.detail == "Choose the carrier"
    assert [(c.carrier, c.parked) for c in screen.handover.carriers] == [("DHL", MANIFEST), ("UPS", None)]


def test_packages_packed_before_today_are_not_missing_but_still_scan(station: Station) -> None:
    packed_demo_orders(station)
    tomorrow = datetime.now(UTC).replace(hour=12) + (datetime(2026, 11, 23) - datetime(2026, 11, 22))
    station.desk.handover.p.now = lambda: tomorrow
    handover_mode(station)
    screen = scan(station, "CARRIER-DHL")
    assert screen.handover is not None and screen.handover.missing == ()
    assert scan(station, DHL_2).feedback.message == "+ SO-100235 package 1"
    screen = scan(station, "CMD-DONE")  # nothing missing: the first CMD-DONE closes
    assert "closed: 1 package to DHL" in screen.feedback.message


def test_the_command_sheet_carries_the_carriers_to_choose(station: Station, tmp_path: Path) -> None:
    from station.commands import print_command_sheet

    packed_demo_orders(station)
    assert print_command_sheet(station.config, str(tmp_path / "sheet.pdf")) == 0
    document = pdfium.PdfDocument((tmp_path / "sheet.pdf").read_bytes())
    try:
        codes = {r.text for page in document
                 for r in zxingcpp.read_barcodes(page.render(scale=200 / 72, grayscale=True).to_pil())}
    finally:
        document.close()
    assert {"CMD-MODE-HANDOVER", "CARRIER-DHL", "CARRIER-UPS"} <= codes
    assert not any(code.startswith("CARRIER-GLS") for code in codes)  # nothing packed for GLS
