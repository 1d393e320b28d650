"""A real station driven through a short shift by scans, so that the audit trail holds real rows:
a packer packs an order, a supervisor takes over, ships one short with her PIN and grades a return."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.views import ScreenState
from station.storage.cache import cache_order, cache_return

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 22)
SHIRT, NOT_ON_ORDER, SCARF = "4006381333931", "5906123000451", "8034512000120"
SO_100234_INSERTS = ("INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME")
WRONG_PIN, PIN = "1111", "2468"  # Marta Kowalska's (EMP-9001) PIN in the demo catalog


def make_station(tmp_path: Path, database_url: str, station_id: str = "PACK-01", number: int = 1) -> Station:
    """A station on the database, offline, with the demo catalog, orders and returns cached."""
    prints = {name: {"target": f"pdf:{tmp_path / 'prints'}"} for name in ("label", "item", "document")}
    config = replace(validate({"station": {"id": station_id, "number": number},
                               "database": {"url": database_url}, "printers": prints}),
                     data_dir=tmp_path)
    app = build_station(config, catalog_file=DATA["catalog"])
    app.desk.packing.p.today = lambda: TODAY  # the insert rules depend on the date
    with app.db.unit_of_work() as session:
        for order in DATA["orders"]:
            cache_order(session, order)
        for rma in DATA["returns"]:
            cache_return(session, rma)
    return app


def scan(station: Station, code: str) -> ScreenState:
    return station.desk.handle(Scan(code))


def pack_an_order(station: Station) -> None:
    """Ana Silva signs in and packs SO-100234; one scan is refused, one command does nothing."""
    scan(station, "EMP-1001")
    scan(station, "CMD-DONE")  # no order open: command.refused
    scan(station, "SO-100234")
    scan(station, SHIRT)
    scan(station, NOT_ON_ORDER)  # scan.refused
    scan(station, SHIRT)
    scan(station, "KIT-GIFTSET-1")
    for code in SO_100234_INSERTS:
        screen = scan(station, code)
    assert screen.order is None and "packed" in screen.feedback.message, screen.feedback


def ship_short(station: Station) -> None:
    """Marta Kowalska takes over and ships SO-100235 short, after one wrong PIN."""
    scan(station, "EMP-9001")
    scan(station, "SO-100235")
    scan(station, SCARF)
    scan(station, "CMD-SHORT-SHIP")
    scan(station, "EMP-9001")
    scan(station, WRONG_PIN)
    scan(station, PIN)
    screen = scan(station, "candles out of stock")
    assert "shipped short" in screen.feedback.message, screen.feedback


def grade_a_return(station: Station) -> None:
    """The supervisor switches to returns and grades one unit of RMA-5001."""
    scan(station, "CMD-MODE-RETURNS")
    scan(station, "RMA-5001")
    scan(station, SCARF)
    scan(station, "GRADE-B")
    screen = scan(station, "CMD-DONE")
    assert "completed" in screen.feedback.message, screen.feedback


def work_a_shift(station: Station) -> None:
    pack_an_order(station)
    ship_short(station)
    grade_a_return(station)
    scan(station, "CMD-SIGN-OUT")
