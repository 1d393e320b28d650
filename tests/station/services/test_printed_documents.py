"""What leaves the station's printers when an order is packed or a return recorded: native ZPL on
ZPL printers, the carrier's own label as sent, and documents queued with the work they document."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from printing.documents.shipping_label import render_shipping_label
from printing.model import Address, ShippingLabel
from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.views import ScreenState
from station.storage.cache import cache_order, cache_return
from station.storage.models import OutboxRow, PrintJobRow, ReturnUnitRow

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 22)
SCARF = "8034512000120"  # on RMA-5001
CARRIER_ZPL = b"^XA^FO40,40^A0N,60^FDDHL PAKET 0034043416^FS^BY3^FO40,140^BCN,200^FD00340434^FS^XZ"
Build = Callable[..., Station]


@pytest.fixture
def build(tmp_path: Path, database_url: str) -> Iterator[Build]:
    started: list[Station] = []

    def make(label: str = "pdf", item: str = "pdf", carrier_label: dict[str, Any] | None = None,
             name: str | None = None) -> Station:
        printers = {"label": {"target": f"{label}:{tmp_path / 'labels'}"},
                    "item": {"target": f"{item}:{tmp_path / 'items'}"},
                    "document": {"target": f"pdf:{tmp_path / 'documents'}"}}
        config = replace(validate({"database": {"url": database_url}, "printers": printers,
                                   "station": {"id": "PACK-01", "number": 1}}), data_dir=tmp_path)
        station = build_station(config, catalog_file=DATA["catalog"])
        station.desk.packing.p.today = lambda: TODAY
        with station.db.unit_of_work() as session:
            for order in DATA["orders"]:
                if order["order_number"] == "SO-100234":
                    order = copy.deepcopy(order)
                    order["shipping"]["label"] = carrier_label
                    order["ship_to"]["name"] = name or order["ship_to"]["name"]
                cache_order(session, order)
            for rma in DATA["returns"]:
                cache_return(session, rma)
        started.append(station)
        return station

    yield make
    for station in started:
        station.stop()


def scan(station: Station, code: str) -> ScreenState:
    return station.desk.handle(Scan(code))


def pack_so_100234(station: Station, *, boxes: int = 1) -> ScreenState:
    """Sign in and pack the demo's first order completely, in one package or two."""
    scan(station, "EMP-1001")
    assert scan(station, "SO-100234").order is not None
    scan(station, "4006381333931")
    scan(station, "4006381333931")
    if boxes == 2:
        assert scan(station, "CMD-NEW-BOX").feedback.message == "Package 1 closed"
    scan(station, "KIT-GIFTSET-1")
    for code in ("INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME"):
        screen = scan(station, code)
    assert screen.order is None, screen.feedback
    return screen


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.exists() else {}


def label_zpl(**carrier: Any) -> dict[str, str]:
    return {"format": "zpl", "data_base64": base64.b64encode(CARRIER_ZPL).decode(), **carrier}


def test_a_zpl_label_printer_gets_native_zpl_with_escaped_fields(build: Build, tmp_path: Path) -> None:
    station = build(label="zpl")
    screen = pack_so_100234(station, boxes=2)
    assert screen.feedback.level == "ok", screen.feedback
    labels = files(tmp_path / "labels")
    assert sorted(name.split("-", 2)[2] for name in labels) == ["label-1-SO-100234.zpl",
                                                                 "label-2-SO-100234.zpl"]
    for program in labels.values():
        assert program.startswith(b"^XA") and b"^CI28" in program and b"^FH" in program
        assert b"^GFA" not in program  # drawn by the printer, not a rasterised picture
        assert b"SO-100234" in program and b"Hauptstra" in program
    first = next(iter(labels.values()))
    assert b"(00)340434161094042557" in first  # the tracking number (GS1-128), on package 1 only
    assert len(files(tmp_path / "documents")) == 1  # the slip, as PDF


@pytest.mark.parametrize("name", ["Ελένη Παπαδοπούλου", "Дмитрий Иванов", "王小明"])
def test_a_name_the_printers_own_font_lacks_goes_as_a_rasterised_label(build: Build, tmp_path: Path,
                                                                       name: str) -> None:
    """Font 0 of a ZPL printer is sure of Latin only: other scripts go drawn by the station's fonts."""
    pack_so_100234(build(label="zpl", name=name))
    [program] = files(tmp_path / "labels").values()
    assert program.startswith(b"^XA^PW812^LL1218^FO0,0^GFA,")


def test_a_carrier_zpl_label_goes_to_a_zpl_printer_byte_for_byte(build: Build, tmp_path: Path) -> None:
    station = build(label="zpl", carrier_label=label_zpl())
    pack_so_100234(station, boxes=2)
    labels = files(tmp_path / "labels")
    carrier = [data for name, data in labels.items() if "carrier-label-1-SO-100234" in name]
    assert carrier == [CARRIER_ZPL]
    own = [data for name, data in labels.items() if "-label-2-SO-100234" in name]
    assert len(own) == 1 and b"^CI28" in own[0]  # package 2 has the station's own label


def test_a_carrier_pdf_label_prints_as_is_or_rasterised_for_zpl(build: Build, tmp_path: Path) -> None:
    carrier_pdf = render_shipping_label(ShippingLabel(
        "SO-100234", Address("CARRIER", None, "Hub 1", None, "Leipzig", "04103", None, "DE", None),
        "DHL", "Paket", "00340434161094042557", 1, 1, 700, "CARRIER"))
    label = {"format": "pdf", "data_base64": base64.b64encode(carrier_pdf).decode()}
    pack_so_100234(build(label="pdf", carrier_label=label))
    assert list(files(tmp_path / "labels").values()) == [carrier_pdf]


def test_a_carrier_pdf_label_on_a_zpl_printer_is_rasterised(build: Build, tmp_path: Path) -> None:
    carrier_pdf = render_shipping_label(ShippingLabel(
        "SO-100234", Address("CARRIER", None, "Hub 1", None, "Leipzig", "04103", None, "DE", None),
        "DHL", "Paket", "00340434161094042557", 1, 1, 700, "CARRIER"))
    label = {"format": "pdf", "data_base64": base64.b64encode(carrier_pdf).decode()}
    pack_so_100234(build(label="zpl", carrier_label=label))
    [program] = files(tmp_path / "labels").values()
    assert program.startswith(b"^XA^PW812^LL1218^FO0,0^GFA,")


def test_a_carrier_zpl_label_on_a_pdf_printer_waits_with_a_clear_message(build: Build,
                                                                         tmp_path: Path) -> None:
    station = build(label="pdf", carrier_label=label_zpl())
    screen = pack_so_100234(station)
    assert screen.feedback.level == "warn"
    assert "carrier-label-1 for SO-100234 is a ZPL label" in screen.feedback.detail
    assert "set this printer's target to zpl:DIR" in screen.feedback.detail
    assert files(tmp_path / "labels") == {}
    with station.db.read() as session:
        rows = session.execute(select(PrintJobRow).where(PrintJobRow.state == "queued")).scalars().all()
        assert [(r.document, r.zpl, r.pdf) for r in rows] == [("carrier-label-1", CARRIER_ZPL, None)]
        [event] = session.execute(select(OutboxRow)).scalars().all()  # the packing itself is recorded
        assert event.type == "station.order.packed"
    assert station.print_queue.waiting() == 1  # kept, and shown in the status bar


def test_an_unusable_carrier_label_is_named_and_the_station_prints_its_own(build: Build,
                                                                         tmp_path: Path) -> None:
    station = build(label="pdf", carrier_label={"format": "zpl", "data_base64": "%%%"})
    scan(station, "EMP-1001")
    screen = scan(station, "SO-100234")
    assert screen.feedback.level == "warn"
    assert "The carrier label is not valid base64: the station prints its own label" in screen.feedback.detail
    scan(station, "CMD-CANCEL")
    scan(station, "EMP-1001")
    pack_so_100234(station)
    [name] = files(tmp_path / "labels")
    assert name.endswith("-label-1-SO-100234.pdf")


def test_lpn_labels_are_native_zpl_and_queued_with_the_unit(build: Build, tmp_path: Path) -> None:
    station = build(item="zpl")
    scan(station, "EMP-2001")
    assert scan(station, "RMA-5001").feedback.level == "ok"
    scan(station, SCARF)
    scan(station, "GRADE-B")
    screen = scan(station, "CMD-DONE")
    assert screen.feedback.level == "ok", screen.feedback
    [program] = files(tmp_path / "items").values()
    assert b"^CI28" in program and b"LPN00100000001" in program and b"^GFA" not in program
    assert len(files(tmp_path / "documents")) == 1  # the return receipt
    with station.db.read() as session:
        jobs = session.execute(select(PrintJobRow.document, PrintJobRow.state)).all()
    assert sorted(jobs) == [("lpn", "printed"), ("return-receipt", "printed")]


def test_a_unit_whose_label_cannot_be_made_is_not_recorded(build: Build) -> None:
    """The LPN label is queued in the unit's own transaction: both are kept, or neither."""
    station = build()
    scan(station, "EMP-2001")
    scan(station, "RMA-5001")
    scan(station, SCARF)
    scan(station, "GRADE-B")
    desk = station.desk.returns
    assert desk.current is not None and station.desk.operator is not None

    def broken(*_: Any) -> Any:
        raise RuntimeError("label renderer failed")

    with pytest.raises(RuntimeError):
        desk.p.service.record(desk.current, station.desk.operator, desk.p.table, label=broken)
    with station.db.read() as session:
        assert session.execute(select(ReturnUnitRow)).scalars().all() == []
        types = list(session.execute(select(OutboxRow.type)).scalars())
    assert types == ["station.return.received"]  # no item_graded without its label
    assert scan(station, "CMD-DONE").feedback.level == "ok"  # the unit is still there to record
    with station.db.read() as session:
        assert [u.lpn for u in session.execute(select(ReturnUnitRow)).scalars()] == ["LPN00100000001"]
