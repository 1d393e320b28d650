"""The daily report's figures, checked against a day of known work done scan by scan through a real
station (known_day.py) on SQLite and PostgreSQL; a second station on one PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from printing.report_model import (
    InsertFigures,
    OperatorFigures,
    ReturnFigures,
    ShortShipment,
    StationFigures,
    UnitAlert,
    WeightMismatch,
)
from station.reports.daily import daily_report
from station.reports.window import day_window
from station.storage.db import Database
from tests.devices.scale_simulators import ScaleSimulator
from tests.station.reports.known_day import (
    DAY,
    ZONE,
    Clock,
    finish_at_second_station,
    running_station,
    work_the_day,
)


def local(hour: int, minute: int, second: int) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, second, tzinfo=ZONE)


@pytest.fixture
def worked(tmp_path: Path, database_url: str, clock: Clock, scale: ScaleSimulator) -> Iterator[Database]:
    """The database after the known day at PACK-01."""
    with running_station(tmp_path, database_url, scale=scale) as station:
        work_the_day(station, clock, scale)
    db = Database(database_url)
    yield db
    db.dispose()


ANA = OperatorFigures("EMP-1001", "Ana Silva", orders=2, units=6, median_order_s=60.0, returns_completed=0,
                      units_graded=0, accepted_scans=7, refused_scans=2, overrides=1)
JONAS = OperatorFigures("EMP-1002", "Jonas Becker", orders=2, units=9, median_order_s=51.0,
                        returns_completed=0, units_graded=0, accepted_scans=9, refused_scans=1, overrides=1)
LI = OperatorFigures("EMP-2001", "Li Wei", orders=0, units=0, median_order_s=None, returns_completed=2,
                     units_graded=4, accepted_scans=5, refused_scans=1, overrides=0)
INSERTS = (InsertFigures("INS-SAMPLE", "Face cream sample 5 ml", 0, 4, 0),
           InsertFigures("INS-VIP", "VIP thank-you card", 1, 0, 0),
           InsertFigures("INS-WELCOME", "Welcome card", 1, 0, 0),
           InsertFigures("INS-XMAS", "Christmas chocolate (Lebkuchen)", 5, 0, 1))
RETURNS = ReturnFigures(received=2, completed=2, units=4, by_grade=(("A", 1), ("B", 1), ("D", 2)),
                        by_reason=(("COLOR", 1), ("DEFECTIVE", 1), ("SIZE_TOO_SMALL", 1),
                                   ("not on the RMA", 1)),
                        by_disposition=(("RESTOCK", 2), ("RETURN_TO_VENDOR", 1), ("DISPOSE", 1)),
                        refunds=(("full", 1), ("partial", 1), ("none", 0)))


def test_every_figure_of_a_known_day(worked: Database) -> None:
    report = daily_report(worked, DAY, ZONE)
    assert (report.day, report.zone, report.station_filter, report.stations) == (DAY, "Europe/Berlin", None,
                                                                               ("PACK-01",))
    assert (report.start, report.end) == (local(0, 0, 0), local(0, 0, 0) + timedelta(days=1))
    assert report.title == "All stations (PACK-01)"  # not filtered: every station with work that day
    # SO-100234: 2 T-shirts and a gift set; SO-100236: headphones, 2 socks; SO-100235 short: scarf,
    # 2 candles; SO-100237: 2 creams, a mug, 3 teas. SO-100241 was put aside: not packed.
    assert (report.orders, report.units, report.packages, report.packages_weighed) == (4, 15, 4, 3)
    assert {hour: n for hour, n in enumerate(report.hours) if n} == {0: 1, 8: 1, 9: 2}
    assert report.operators == (ANA, JONAS, LI)
    assert ANA.wrong_scan_rate == pytest.approx(2 / 9) and LI.wrong_scan_rate == pytest.approx(1 / 6)
    assert report.inserts == INSERTS
    assert report.weight_mismatches == (
        WeightMismatch(local(8, 12, 54), "PACK-01", "SO-100236", 1, weight_g=925, expected_g=525,
                       operator="Ana Silva", approved_by="Marta Kowalska"),)
    assert report.short_shipments == (
        ShortShipment(local(9, 5, 54), "PACK-01", "SO-100235", "Jonas Becker", "Marta Kowalska",
                      "towels out of stock", (("TOWEL-BATH-WHT", 2), ("CUSHION-LIN-45", 1))),)
    assert report.returns == RETURNS
    assert report.alerts == (
        UnitAlert(local(13, 21, 30), "PACK-01", "unexpected", "RMA-5001", "SOCKS-01", "LPN00100000004", None,
                  "D", "DISPOSE", "Li Wei"),
        UnitAlert(local(13, 50, 30), "PACK-01", "wrong item", "RMA-5002", "HEADPHONE-BT1", "LPN00100000005",
                  "HB9Z99X00001", "D", "RETURN_TO_VENDOR", "Li Wei"))
    # 4 orders packed, 2 returns received and completed, 5 units graded (one undone since): 13 events,
    # all waiting (the station is offline), the first from SO-100234 at 00:51:06.
    box = report.outbox
    assert (box.recorded, box.delivered, box.waiting, box.dead, box.oldest_waiting) == (
        13, 0, 13, 0, local(0, 51, 6))
    assert report.per_station == (StationFigures("PACK-01", orders=4, units=15, packages=4, refused_scans=4,
                                                 weight_mismatches=1, short_shipments=1, returns_received=2,
                                                 returns_completed=2, units_graded=4, events_waiting=13,
                                                 dead_letters=0),)
    assert all(moment.utcoffset() == timedelta(hours=1) for moment in (
        report.weight_mismatches[0].at, report.alerts[0].at, report.generated_at))


def test_the_day_runs_midnight_to_midnight_in_the_station_time_zone(worked: Database) -> None:
    """SO-100234 was packed at 00:51 in Berlin: 23:51 UTC the day before."""
    assert daily_report(worked, DAY, ZONE).orders == 4
    before = daily_report(worked, DAY - timedelta(days=1), ZONE)
    after = daily_report(worked, DAY + timedelta(days=1), ZONE)
    assert (before.orders, before.returns.received, before.operators) == (0, 0, ())
    assert (after.orders, after.returns.units, after.alerts, after.stations) == (0, 0, (), ("PACK-01",))
    assert after.outbox.waiting == 13 and after.outbox.recorded == 0  # waiting now, recorded that day
    in_utc = daily_report(worked, DAY, UTC)
    assert (in_utc.orders, in_utc.hours[8], in_utc.hours[7]) == (3, 2, 1)  # Berlin 09:xx is 08:xx UTC
    assert daily_report(worked, DAY - timedelta(days=1), UTC).orders == 1


def test_a_day_when_the_clocks_change_has_23_or_25_hours() -> None:
    spring, autumn = day_window(date(2026, 3, 29), ZONE), day_window(date(2026, 10, 25), ZONE)
    assert spring.end_utc - spring.start_utc == timedelta(hours=23)
    assert autumn.end_utc - autumn.start_utc == timedelta(hours=25)
    assert spring.start_utc == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_site_database_reports_every_station_and_filters_one(
        tmp_path: Path, database_url: str, clock: Clock, scale: ScaleSimulator) -> None:
    """PACK-01 works the known day; at 15:10 Jonas finishes SO-100241 at PACK-02 (no scale), where
    Ana had put it aside at 08:40: 12 T-shirts L, a case of 6 mugs, two chocolates."""
    with running_station(tmp_path, database_url, scale=scale) as station:
        work_the_day(station, clock, scale)
        with running_station(tmp_path, database_url, "PACK-02", 2) as second:
            finish_at_second_station(second, clock)
    db = Database(database_url)
    try:
        site, second_only = daily_report(db, DAY, ZONE), daily_report(db, DAY, ZONE, station="PACK-02")
        first_only = daily_report(db, DAY, ZONE, station="PACK-01")
    finally:
        db.dispose()
    assert site.stations == ("PACK-01", "PACK-02") and site.title == "All stations (PACK-01, PACK-02)"
    assert (site.orders, site.units, site.packages) == (5, 45, 5)
    assert {hour: n for hour, n in enumerate(site.hours) if n} == {0: 1, 8: 1, 9: 2, 15: 1}
    parked_for = int((local(15, 11, 48) - local(8, 40, 6)).total_seconds())  # opened by Ana, done by Jonas
    jonas = OperatorFigures("EMP-1002", "Jonas Becker", orders=3, units=39, median_order_s=60.0,
                            returns_completed=0, units_graded=0, accepted_scans=22, refused_scans=2,
                            overrides=1)
    assert site.operators == (ANA, jonas, LI)
    assert site.per_station[1] == StationFigures("PACK-02", orders=1, units=30, packages=1, refused_scans=1,
                                                 weight_mismatches=0, short_shipments=0, returns_received=0,
                                                 returns_completed=0, units_graded=0, events_waiting=1,
                                                 dead_letters=0)
    assert site.per_station[0] == first_only.per_station[0] and first_only.orders == 4
    assert [i.put_in for i in site.inserts if i.code == "INS-XMAS"] == [7]
    # The last T-shirt completed the order: its scan counts like the 12 before it (and the case of mugs).
    assert second_only.operators == (OperatorFigures(
        "EMP-1002", "Jonas Becker", orders=1, units=30, median_order_s=float(parked_for), returns_completed=0,
        units_graded=0, accepted_scans=13, refused_scans=1, overrides=0),)
    assert (second_only.stations, second_only.title, second_only.returns.received) == (("PACK-02",),
                                                                                       "Station PACK-02", 0)
    assert second_only.outbox.recorded == 1 and first_only.outbox.recorded == 13

