"""A day of known work, done scan by scan through a real station: packing with refused scans, a
skipped insert, a weight mismatch a supervisor lets go (a SICS scale simulator on a pseudo-terminal),
a short shipment, a parked order; returns with grades A, B and D, an undone unit, a unit not on the
RMA and a wrong serial. The figures it must give are written out in the tests that use it.

The services read the time from a test clock (the only stand-in): each scan comes 6 s after the one
before, and each order starts at a set local time on DAY in Berlin, so durations and hours are exact.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.views import ScreenState
from station.storage.cache import cache_order, cache_return
from tests.devices.scale_simulators import ScaleSimulator

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
RULES_DAY = date(2026, 11, 22)  # the insert rules and lot expiry are written for this date
CREAM = "(01)03760123450010(17)261231(10)L42"
CREAM_EXPIRED = "(01)03760123450010(17)251231(10)L41"
SCARF, SHIRT_L, SOCKS, HEADPHONES = "8034512000120", "4006381333948", "5906123000451", "840632110421"
PIN = "2468"  # EMP-9001's PIN in the demo catalog


DAY = date(2026, 11, 20)
ZONE = ZoneInfo("Europe/Berlin")  # UTC+1 in November
SCAN_STEP_S = 6
CLOCK_USERS = ("station.services.packing", "station.services.returns", "station.storage.audit",
               "station.services.documents", "station.services.return_documents",
               "station.services.overrides")


class Clock:
    """The services' time: set to a local time of DAY, moved on by each scan."""

    def __init__(self) -> None:
        self.moment = datetime.combine(DAY, clock_time(8), ZONE).astimezone(UTC)

    def at(self, hour: int, minute: int, day: date = DAY) -> None:
        self.moment = datetime.combine(day, clock_time(hour, minute), ZONE).astimezone(UTC)

    def tick(self, seconds: float = SCAN_STEP_S) -> None:
        self.moment += timedelta(seconds=seconds)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Clock:
        clock = self

        class ClockDatetime(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
                return clock.moment.astimezone(tz) if tz else clock.moment.astimezone().replace(tzinfo=None)

        for module in CLOCK_USERS:
            monkeypatch.setattr(f"{module}.datetime", ClockDatetime)
        return self


def station_config(tmp_path: Path, database_url: str, station_id: str, number: int, **extra: Any) -> Any:
    prints = f"pdf:{tmp_path / station_id / 'prints'}"
    raw = {"station": {"id": station_id, "number": number}, "database": {"url": database_url},
           "printers": {name: {"target": prints} for name in ("label", "item", "document")}, **extra}
    return replace(validate(raw), data_dir=tmp_path / station_id)


@contextmanager
def running_station(tmp_path: Path, database_url: str, station_id: str = "PACK-01", number: int = 1,
                    scale: ScaleSimulator | None = None) -> Iterator[Station]:
    """A station with the demo catalog, orders and returns cached; its scale reader runs, nothing else."""
    extra = {"scale": {"port": scale.path, "protocol": "sics"}} if scale else {}
    app = build_station(station_config(tmp_path, database_url, station_id, number, **extra),
                        catalog_file=DATA["catalog"])
    app.desk.packing.p.today = lambda: RULES_DAY
    with app.db.unit_of_work() as session:
        for order in DATA["orders"]:
            cache_order(session, order)
        for rma in DATA["returns"]:
            cache_return(session, rma)
    if app.scale is not None:
        app.scale.start()
    try:
        yield app
    finally:
        if app.scale is not None:
            app.scale.stop()
        app.stop()


class Desk:
    """Scans into a station's desk, SCAN_STEP_S apart, checking that each did what the day needs."""

    def __init__(self, station: Station, clock: Clock, scale: ScaleSimulator | None = None) -> None:
        self.station, self.clock, self.scale = station, clock, scale

    def scan(self, code: str, level: str = "ok") -> ScreenState:
        self.clock.tick()
        screen = self.station.desk.handle(Scan(code))
        assert screen.feedback.level == level, (code, screen.feedback)
        return screen

    def scans(self, *codes: str) -> None:
        for code in codes:
            self.scan(code, "warn" if code in (HEADPHONES, "EMP-9001", PIN, "CMD-SKIP-INSERT",
                                               "CMD-SHORT-SHIP", "CMD-CANCEL") else "ok")

    def weigh(self, extra_g: int = 0, level: str = "ok") -> ScreenState:
        """Put the open package on the scale at its expected weight (plus `extra_g`) and CMD-WEIGH."""
        assert self.scale is not None and self.station.scale is not None
        order = self.station.desk.screen().order
        assert order is not None and order.expected_weight_g is not None
        grams = float(order.expected_weight_g + extra_g)
        self.scale.set("stable", grams)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the reader polls: wait until it has read the new weight
            reading = self.station.scale.latest()
            if reading is not None and reading.grams == grams and reading.status == "stable":
                break
            time.sleep(0.02)
        return self.scan("CMD-WEIGH", level)


def work_the_day(station: Station, clock: Clock, scale: ScaleSimulator) -> None:
    """The day at PACK-01. Ana and Jonas pack, Li Wei takes returns in; Marta (supervisor) approves."""
    desk = Desk(station, clock, scale)
    # Ana, night shift, 00:50 (23:50 UTC the day before): SO-100234, a wrong product scanned and one
    # Christmas chocolate skipped. 9 scans after the order's: 54 s.
    clock.at(0, 50)
    desk.scans("EMP-1001", "SO-100234", "4006381333931")
    desk.scan(SOCKS, "error")
    desk.scans("4006381333931", "KIT-GIFTSET-1", "INS-VIP", "INS-XMAS", "CMD-SKIP-INSERT", "INS-WELCOME")
    assert "packed" in desk.weigh().feedback.message
    # Ana, 08:12: SO-100236, an unknown code, then 400 g too heavy, let go by the supervisor: 66 s.
    clock.at(8, 12)
    desk.scans("SO-100236", HEADPHONES, "HB1A24K09999", SOCKS, SOCKS)
    desk.scan("NOT-A-PRODUCT", "error")
    desk.scans("INS-XMAS", "INS-XMAS")
    desk.weigh(400, "error")
    desk.scans("EMP-9001", PIN)
    assert "packed" in desk.scan("extra padding in the box").feedback.message
    # Ana, 08:40: the big SO-100241 started with a case of 12, and put aside.
    clock.at(8, 40)
    desk.scans("SO-100241", "14006381333938", "CMD-CANCEL")
    # Jonas, 09:05: SO-100235 shipped short with the supervisor's approval: 42 s.
    clock.at(9, 5)
    desk.scans("EMP-1002", "SO-100235", SCARF, "4260657810032", "4260657810032", "CMD-SHORT-SHIP",
               "EMP-9001", PIN)
    assert "shipped short" in desk.scan("towels out of stock").feedback.message
    # Jonas, 09:30: SO-100237 with an expired lot refused: 60 s.
    clock.at(9, 30)
    desk.scans("SO-100237", CREAM)
    desk.scan(CREAM_EXPIRED, "error")
    desk.scans(CREAM, "5601234100013", "40039947", "40039947", "40039947", "INS-XMAS", "INS-XMAS")
    assert "packed" in desk.weigh().feedback.message
    _returns(desk, clock)


def _returns(desk: Desk, clock: Clock) -> None:
    """Li Wei, 13:20: RMA-5001 (a unit taken back and graded again, socks not on the RMA); 13:50:
    RMA-5002 with a serial that was not shipped."""
    clock.at(13, 20)
    desk.scans("EMP-2001")
    desk.scan("garbage", "error")
    desk.scans("RMA-5001", SCARF, "GRADE-B", SHIRT_L, "GRADE-A", SOCKS)
    desk.scan("CMD-UNDO", "warn")  # the socks put back, not recorded
    desk.scan("CMD-UNDO", "warn")  # the T-shirt's recorded unit taken back
    desk.scans(SHIRT_L, "GRADE-A", SOCKS, "GRADE-D", "CMD-DONE")
    clock.at(13, 50)
    desk.scans("RMA-5002")
    desk.scan(HEADPHONES, "warn")
    desk.scan("HB9Z99X00001", "error")  # WRONG ITEM
    desk.scans("GRADE-D", "CMD-DONE")


def finish_at_second_station(station: Station, clock: Clock) -> None:
    """PACK-02, no scale, 15:10: Jonas resumes SO-100241 (parked at PACK-01) and completes it by its
    last unit; one refused scan."""
    desk = Desk(station, clock)
    clock.at(15, 10)
    desk.scans("EMP-1002", "SO-100241", "INS-XMAS", "INS-XMAS", "15601234100010")
    desk.scan("4006381333931", "error")  # the 12 T-shirts M are all in already
    for _ in range(11):
        desk.scans(SHIRT_L)
    assert "packed" in desk.scan(SHIRT_L).feedback.message
