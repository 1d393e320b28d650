"""The supervisor's daily report as plain frozen dataclasses: station.reports fills them from the
database, the PDF and CSV writers read them. No station imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

Counts = tuple[tuple[str, int], ...]  # (name, count), in the order they are shown


@dataclass(frozen=True)
class OperatorFigures:
    """One person's day. Scans are the ones meant to count a unit: accepted (a unit counted at
    packing or recorded at returns) or refused by the station."""

    badge: str
    name: str
    orders: int
    units: int
    median_order_s: float | None  # from opening the order to its completion, parked time included
    returns_completed: int
    units_graded: int
    accepted_scans: int
    refused_scans: int
    overrides: int  # supervisor approvals of this person's work

    @property
    def wrong_scan_rate(self) -> float | None:
        scans = self.accepted_scans + self.refused_scans
        return self.refused_scans / scans if scans else None


@dataclass(frozen=True)
class StationFigures:
    station_id: str
    orders: int
    units: int
    packages: int
    refused_scans: int
    weight_mismatches: int
    short_shipments: int
    returns_received: int
    returns_completed: int
    units_graded: int
    events_waiting: int  # now, from any day
    dead_letters: int  # now, from any day


@dataclass(frozen=True)
class InsertFigures:
    code: str
    name: str
    put_in: int
    skipped_out_of_stock: int
    skipped_by_operator: int


@dataclass(frozen=True)
class WeightMismatch:
    """A weighing outside the tolerance, and the supervisor who let it go (if one did)."""

    at: datetime  # local time
    station_id: str
    order_number: str
    package_no: int
    weight_g: int
    expected_g: int | None
    operator: str
    approved_by: str | None


@dataclass(frozen=True)
class ShortShipment:
    at: datetime
    station_id: str
    order_number: str
    operator: str
    supervisor: str
    reason: str
    missing: Counts  # (sku, quantity missing)


@dataclass(frozen=True)
class UnitAlert:
    """A returned unit to look at: a wrong item (serial or lot not shipped), or a unit not on the RMA."""

    at: datetime
    station_id: str
    kind: str  # "wrong item" | "unexpected"
    subject: str  # the RMA number, or the order number of a return without one
    sku: str
    lpn: str
    code: str | None  # the serial or lot the unit carries
    grade: str
    disposition: str
    operator: str


@dataclass(frozen=True)
class ReturnFigures:
    received: int
    completed: int
    units: int  # recorded and not undone
    by_grade: Counts
    by_reason: Counts
    by_disposition: Counts
    refunds: Counts  # refund recommendation of each completed return: full, partial, none


@dataclass(frozen=True)
class OutboxFigures:
    recorded: int  # events recorded on the day
    delivered: int  # of those, delivered by now
    waiting: int  # waiting now, from any day
    dead: int  # dead letters now, from any day
    oldest_waiting: datetime | None


@dataclass(frozen=True)
class DailyReport:
    day: date
    zone: str  # the time zone's name, as the dates are read
    start: datetime  # the day's first moment, local
    end: datetime  # the next day's first moment, local
    generated_at: datetime
    station_filter: str | None  # None: every station of the database
    stations: tuple[str, ...]
    orders: int
    units: int
    packages: int
    packages_weighed: int  # weighings, repeated ones included
    hours: tuple[int, ...]  # orders packed in each local hour, 0 to 23
    operators: tuple[OperatorFigures, ...]
    per_station: tuple[StationFigures, ...]
    inserts: tuple[InsertFigures, ...]
    weight_mismatches: tuple[WeightMismatch, ...]
    short_shipments: tuple[ShortShipment, ...]
    returns: ReturnFigures
    alerts: tuple[UnitAlert, ...]
    outbox: OutboxFigures

    @property
    def title(self) -> str:
        """ "Station PACK-02" for one station's report, else "All stations" and those with work."""
        if self.station_filter:
            return f"Station {self.station_filter}"
        return "All stations" + (f" ({', '.join(self.stations)})" if self.stations else "")
