"""Returns figures of the day: received and completed, units by grade, reason and disposition,
refund recommendations, and the units that need a look (wrong items, units not on the RMA).

Units are the day's return.unit_graded audit rows whose unit was not undone since.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from printing.report_model import Counts, ReturnFigures, UnitAlert
from station.reports.packing_figures import name_of
from station.reports.sources import DayData, Fact
from station.reports.window import DayWindow

GRADES = ("A", "B", "C", "D", "X")
DISPOSITIONS = ("RESTOCK", "REFURBISH", "RESALE_HOLD", "RETURN_TO_VENDOR", "DISPOSE")
REFUNDS = ("full", "partial", "none")
NOT_ON_RMA = "not on the RMA"
NO_REASON = "no reason given"


def graded_units(data: DayData) -> list[Fact]:
    """The units recorded on the day and still recorded (not undone)."""
    units = []
    for fact in data.facts:
        if fact.action == "return.unit_graded":
            stored = data.units.get(str(fact.detail.get("lpn")))
            if stored is None or not stored.undone:
                units.append(fact)
    return units


def returns(data: DayData, units: list[Fact]) -> ReturnFigures:
    completed = [f for f in data.facts if f.action == "return.completed"]
    return ReturnFigures(
        received=sum(f.action == "return.received" for f in data.facts),
        completed=len(completed),
        units=len(units),
        by_grade=_counted((str(u.detail.get("grade")) for u in units), GRADES),
        by_reason=_counted((reason_of(u) for u in units), ()),
        by_disposition=_counted((str(u.detail.get("disposition")) for u in units), DISPOSITIONS),
        refunds=_counted((str(f.detail.get("refund_recommendation")) for f in completed), REFUNDS,
                         keep_zero=True),
    )


def reason_of(unit: Fact) -> str:
    """The RMA line's return reason; a unit not on the RMA has none of its own."""
    if unit.detail.get("expected") is False:
        return NOT_ON_RMA
    return str(unit.detail.get("reason") or NO_REASON)


def alerts(data: DayData, units: list[Fact], window: DayWindow) -> tuple[UnitAlert, ...]:
    """Wrong items (a serial or lot that was not shipped) and units not on the RMA, in time order."""
    found = []
    for unit in units:
        wrong, unexpected = unit.detail.get("wrong_item") is True, unit.detail.get("expected") is False
        if not (wrong or unexpected):
            continue
        lpn = str(unit.detail.get("lpn"))
        stored = data.units.get(lpn)
        code = (stored.serial or stored.lot) if stored else None
        found.append(UnitAlert(
            window.local(unit.at), unit.station_id, "wrong item" if wrong else "unexpected",
            unit.subject or "", str(unit.detail.get("sku")), lpn, code, str(unit.detail.get("grade")),
            str(unit.detail.get("disposition")), name_of(data, unit.badge)))
    return tuple(found)


def _counted(values: Iterable[str], order: tuple[str, ...], *, keep_zero: bool = False) -> Counts:
    """Counts in the given order first (zeros kept only with keep_zero), then the rest by name."""
    counts = Counter(values)
    known = [(name, counts.get(name, 0)) for name in order if keep_zero or counts.get(name)]
    rest = sorted((name, n) for name, n in counts.items() if name not in order)
    return tuple(known + rest)
