"""Carrier labels from the backend's label service (POST /v1/shipments, `backend.request_labels`),
against the reference backend on loopback: labels printed as sent, tracking numbers in the event,
and the station's own label marked NO CARRIER LABEL when the service cannot be reached."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from station.bootstrap import Station, build_station
from station.config import validate
from station.domain.scan import Scan
from station.refbackend import ReferenceBackend, Reply, Request
from station.refbackend.messages import error_reply, json_reply
from station.storage.models import AuditRow, OutboxRow

TODAY = date(2026, 11, 22)
Build = Callable[..., Station]


def carrier_zpl(number: int) -> bytes:
    return f"^XA^FO40,40^A0N,60^FDCARRIER LABEL {number}^FS^XZ".encode()


class LabelService:
    """A hook answering POST /v1/shipments like a carrier's label service, and keeping the requests."""

    def __init__(self, answer: Callable[[dict[str, Any]], Reply] | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer = answer

    def __call__(self, request: Request) -> Reply | None:
        if (request.method, request.path) != ("POST", "/v1/shipments"):
            return None
        body = json.loads(request.body)
        self.requests.append(body)
        return self.answer(body) if self.answer else None  # None: the reference backend's 501


def issued(body: dict[str, Any]) -> Reply:
    number = body["package_no"]
    return json_reply(201, {"tracking_number": f"JJD00{number}", "carrier": "DHL", "service": "Paket",
                            "label": {"format": "zpl",
                                      "data_base64": base64.b64encode(carrier_zpl(number)).decode()}})


@pytest.fixture
def build(tmp_path: Path, refbackend: ReferenceBackend, backend_token: str) -> Iterator[Build]:
    token_file = tmp_path / "token"
    token_file.write_text(backend_token, encoding="utf-8")
    started: list[Station] = []

    def make(service: LabelService, *, request_labels: bool = True, label: str = "zpl") -> Station:
        refbackend.hooks.append(service)
        config = replace(validate({
            "station": {"id": "PACK-01", "number": 1},
            "database": {"url": f"sqlite:///{tmp_path / 'station.sqlite'}"},
            "backend": {"url": refbackend.url, "token_file": str(token_file),
                        "request_labels": request_labels},
            "printers": {"label": {"target": f"{label}:{tmp_path / 'labels'}"},
                         "document": {"target": f"pdf:{tmp_path / 'documents'}"}}}), data_dir=tmp_path)
        station = build_station(config)
        assert station.refresher is not None
        station.refresher.refresh_now()
        station.desk.packing.p.today = lambda: TODAY
        started.append(station)
        return station

    yield make
    for station in started:
        station.stop()


def pack_in_two_boxes(station: Station) -> str:
    for code in ("EMP-1001", "SO-100234", "BOX-S", "4006381333931", "4006381333931", "CMD-NEW-BOX",
                 "BOX-M", "KIT-GIFTSET-1", "INS-VIP", "INS-XMAS", "INS-XMAS"):
        station.desk.handle(Scan(code))
    screen = station.desk.handle(Scan("INS-WELCOME"))
    assert screen.order is None, screen.feedback
    return f"{screen.feedback.message}: {screen.feedback.detail}"


def packages_in_event(station: Station) -> list[tuple[int, str | None, str]]:
    with station.db.read() as session:
        [event] = session.execute(select(OutboxRow).where(OutboxRow.type == "station.order.packed")).scalars()
        return [(p["package_no"], p["tracking_number"], p["carrier"]) for p in event.data["packages"]]


def labels(tmp_path: Path) -> dict[str, bytes]:
    return {p.name.split("-", 2)[2]: p.read_bytes() for p in sorted((tmp_path / "labels").glob("*"))}


def test_each_package_gets_the_carriers_label_and_its_tracking_number(build: Build, tmp_path: Path) -> None:
    service = LabelService(issued)
    station = build(service)
    assert pack_in_two_boxes(station).startswith("Order SO-100234 packed")
    assert [(r["order_number"], r["package_no"], r["box"], r["dims_mm"], r["weight_g"])
            for r in service.requests] == [("SO-100234", 1, "BOX-S", [250, 200, 100], None),
                                           ("SO-100234", 2, "BOX-M", [350, 250, 150], None)]
    assert labels(tmp_path) == {"carrier-label-1-SO-100234.zpl": carrier_zpl(1),
                                "carrier-label-2-SO-100234.zpl": carrier_zpl(2)}
    assert packages_in_event(station) == [(1, "JJD001", "DHL"), (2, "JJD002", "DHL")]


def test_without_a_label_service_the_station_prints_its_own_labels(build: Build, tmp_path: Path) -> None:
    service = LabelService()  # the reference backend answers 501
    station = build(service, label="pdf")
    assert pack_in_two_boxes(station).startswith("Order SO-100234 packed")
    assert len(service.requests) == 1  # asked once, then no more for this order
    assert sorted(labels(tmp_path)) == ["label-1-SO-100234.pdf", "label-2-SO-100234.pdf"]
    assert packages_in_event(station) == [(1, "00340434161094042557", "DHL"), (2, None, "DHL")]


def test_an_unreachable_label_service_gives_own_labels_marked_no_carrier_label(build: Build,
                                                                               tmp_path: Path) -> None:
    service = LabelService(lambda _body: error_reply(503, "label service down"))
    station = build(service, label="pdf")
    message = pack_in_two_boxes(station)
    assert message.startswith("Order SO-100234 packed: Packages 1, 2 wait for a carrier label "
                              "(backend error 503): own labels printed, marked NO CARRIER LABEL")
    assert len(service.requests) == 1  # the rest are not asked for while it is down
    for name, pdf in labels(tmp_path).items():
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "NO CARRIER LABEL" in text, name
    with station.db.read() as session:
        waiting = session.execute(select(AuditRow).where(AuditRow.action == "label.waiting")).scalar_one()
        assert (waiting.subject, waiting.detail) == ("SO-100234", {"packages": [1, 2]})
    assert packages_in_event(station) == [(1, "00340434161094042557", "DHL"), (2, None, "DHL")]


def test_labels_are_not_asked_for_unless_configured(build: Build, tmp_path: Path) -> None:
    service = LabelService(issued)
    station = build(service, request_labels=False, label="pdf")
    pack_in_two_boxes(station)
    assert service.requests == []
    assert sorted(labels(tmp_path)) == ["label-1-SO-100234.pdf", "label-2-SO-100234.pdf"]


def test_an_unusable_label_from_the_service_is_named_and_replaced(build: Build, tmp_path: Path) -> None:
    def bad(body: dict[str, Any]) -> Reply:
        return json_reply(201, {"tracking_number": "JJD009", "carrier": "DHL",
                                "label": {"format": "png", "data_base64": "aGVsbG8="}})

    station = build(LabelService(bad), label="pdf")
    message = pack_in_two_boxes(station)
    assert "Package 1: the carrier label's format 'png' is neither zpl nor pdf: own label printed" in message
    assert sorted(labels(tmp_path)) == ["label-1-SO-100234.pdf", "label-2-SO-100234.pdf"]
    assert packages_in_event(station) == [(1, "JJD009", "DHL"), (2, "JJD009", "DHL")]
