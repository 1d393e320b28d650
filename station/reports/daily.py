"""The supervisor's daily report: every figure of one local day, for one station or every station
sharing the database (a site on PostgreSQL), as a printing.report_model.DailyReport.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from printing.report_model import DailyReport, OutboxFigures
from station.reports import breakdowns, packing_figures, returns_figures
from station.reports.sources import DayData, load_day
from station.reports.window import DayWindow, day_window, local_zone
from station.storage.db import Database
from station.storage.models import CounterRow

__all__ = ["DailyReport", "daily_report", "known_stations"]


def daily_report(source: Database | Session, day: date, tz: tzinfo | None = None,
                 station: str | None = None) -> DailyReport:
    """The report of `day` in `tz` (default: the machine's zone); `station` limits it to one station."""
    window = day_window(day, tz if tz is not None else local_zone())
    if isinstance(source, Database):
        with source.read() as s:
            data = load_day(s, window, station)
    else:
        data = load_day(source, window, station)
    return build(data, window, station)


def build(data: DayData, window: DayWindow, station: str | None) -> DailyReport:
    orders, units, packages = packing_figures.totals(data.packed)
    graded = returns_figures.graded_units(data)
    mismatches = packing_figures.weight_mismatches(data, window)
    shorts = packing_figures.short_shipments(data, window)
    return DailyReport(
        day=window.day, zone=window.zone, start=window.start, end=window.end,
        generated_at=datetime.now(UTC).astimezone(window.tz), station_filter=station,
        stations=breakdowns.stations_of(data), orders=orders, units=units, packages=packages,
        packages_weighed=sum(f.action == "package.weighed" for f in data.facts),
        hours=packing_figures.per_hour(data.packed, window),
        operators=breakdowns.operators(data, graded),
        per_station=breakdowns.per_station(data, graded, mismatches, shorts),
        inserts=packing_figures.inserts(data.packed, data.inserts),
        weight_mismatches=mismatches, short_shipments=shorts,
        returns=returns_figures.returns(data, graded),
        alerts=returns_figures.alerts(data, graded, window),
        outbox=_outbox(data, window),
    )


def _outbox(data: DayData, window: DayWindow) -> OutboxFigures:
    boxes = list(data.outbox.values())
    oldest = min((b.oldest_waiting for b in boxes if b.oldest_waiting is not None), default=None)
    return OutboxFigures(sum(b.recorded for b in boxes), sum(b.delivered for b in boxes),
                         sum(b.waiting for b in boxes), sum(b.dead for b in boxes),
                         window.local(oldest) if oldest else None)


def known_stations(db: Database) -> tuple[str, ...]:
    """Every station that ever wrote to this database (each keeps its own counters): the filter's choices."""
    with db.read() as s:
        return tuple(s.execute(select(CounterRow.station_id).distinct().order_by(CounterRow.station_id))
                     .scalars())
