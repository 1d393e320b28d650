"""The day per operator and per station.

Per operator, scans are the ones meant to count a unit: accepted (unit.counted at packing,
return.unit_graded at returns) or refused (scan.refused, whatever was scanned); overrides are the
supervisor approvals of that person's work (override.approved).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median

from printing.report_model import OperatorFigures, ShortShipment, StationFigures, WeightMismatch
from station.reports.packing_figures import name_of, packages_of, units_of
from station.reports.sources import DayData, Fact

ACCEPTED = ("unit.counted", "return.unit_graded")


@dataclass
class _Tally:
    name: str | None = None
    orders: int = 0
    units: int = 0
    durations: list[float] = field(default_factory=list)
    returns: int = 0
    graded: int = 0
    accepted: int = 0
    refused: int = 0
    overrides: int = 0


def operators(data: DayData, graded: list[Fact]) -> tuple[OperatorFigures, ...]:
    """Everyone who packed, scanned, inspected or was overridden that day, by name."""
    tallies: dict[str, _Tally] = {}
    for order in data.packed:
        person = order.data.get("operator") or {}
        tally = tallies.setdefault(str(person.get("badge")), _Tally())
        tally.name = tally.name or person.get("name")
        tally.orders += 1
        tally.units += units_of(order.data)
        tally.durations.append(float(order.data.get("duration_s") or 0))
    for fact in data.facts:
        if fact.badge is not None:
            _count(tallies, fact)
    for unit in graded:
        if unit.badge is not None:
            tallies.setdefault(unit.badge, _Tally()).graded += 1
    figures = [_figures(data, badge, t) for badge, t in tallies.items()
               if t.orders or t.accepted or t.refused or t.returns or t.overrides]
    return tuple(sorted(figures, key=lambda f: (f.name.casefold(), f.badge)))


def _count(tallies: dict[str, _Tally], fact: Fact) -> None:
    action = fact.action
    if action not in (*ACCEPTED, "scan.refused", "override.approved", "return.completed"):
        return
    assert fact.badge is not None
    tally = tallies.setdefault(fact.badge, _Tally())
    tally.accepted += action in ACCEPTED
    tally.refused += action == "scan.refused"
    tally.overrides += action == "override.approved"
    tally.returns += action == "return.completed"


def _figures(data: DayData, badge: str, t: _Tally) -> OperatorFigures:
    return OperatorFigures(badge, name_of(data, badge, t.name), t.orders, t.units,
                           median(t.durations) if t.durations else None, t.returns, t.graded,
                           t.accepted, t.refused, t.overrides)


def stations_of(data: DayData) -> tuple[str, ...]:
    """Every station with work on the day, or events waiting or dead now."""
    found = {f.station_id for f in data.facts} | {p.station_id for p in data.packed}
    found |= {sid for sid, box in data.outbox.items() if box.recorded or box.waiting or box.dead}
    return tuple(sorted(found))


def per_station(data: DayData, graded: list[Fact], mismatches: Iterable[WeightMismatch],
                shorts: Iterable[ShortShipment]) -> tuple[StationFigures, ...]:
    mismatch_list, short_list = list(mismatches), list(shorts)
    rows = []
    for sid in stations_of(data):
        packed = [p.data for p in data.packed if p.station_id == sid]
        facts = [f for f in data.facts if f.station_id == sid]
        box = data.outbox.get(sid)
        rows.append(StationFigures(
            sid, len(packed), sum(units_of(d) for d in packed), sum(packages_of(d) for d in packed),
            _actions(facts, "scan.refused"), sum(m.station_id == sid for m in mismatch_list),
            sum(s.station_id == sid for s in short_list), _actions(facts, "return.received"),
            _actions(facts, "return.completed"), sum(u.station_id == sid for u in graded),
            box.waiting if box else 0, box.dead if box else 0))
    return tuple(rows)


def _actions(facts: list[Fact], action: str) -> int:
    return sum(f.action == action for f in facts)
