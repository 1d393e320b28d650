"""Packing figures of the day: orders, units and packages, orders per local hour, inserts, weight
mismatches and short shipments, from the day's station.order.packed events and audit rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from printing.report_model import InsertFigures, ShortShipment, WeightMismatch
from station.reports.sources import DayData, Fact, Packed
from station.reports.window import DayWindow


def units_of(data: dict[str, Any]) -> int:
    """Units shipped in one packed order: every package's items (a kit scanned whole is one)."""
    return sum(int(item["quantity"]) for package in data.get("packages", ()) for item in package["items"])


def packages_of(data: dict[str, Any]) -> int:
    return len(data.get("packages", ()))


def totals(packed: Iterable[Packed]) -> tuple[int, int, int]:
    """Orders, units, packages."""
    orders = list(packed)
    return (len(orders), sum(units_of(p.data) for p in orders), sum(packages_of(p.data) for p in orders))


def per_hour(packed: Iterable[Packed], window: DayWindow) -> tuple[int, ...]:
    """Orders packed in each local hour (0-23; the repeated hour of an autumn day counts once)."""
    hours = [0] * 24
    for order in packed:
        hours[window.local(order.at).hour] += 1
    return tuple(hours)


def inserts(packed: Iterable[Packed], names: dict[str, str]) -> tuple[InsertFigures, ...]:
    """Each insert put in or skipped in the day's orders: out of stock, or by the operator."""
    counts: dict[str, list[int]] = {}
    for order in packed:
        for item in order.data.get("inserts", ()):
            counts.setdefault(item["code"], [0, 0, 0])[0] += int(item["quantity"])
        for item in order.data.get("skipped_inserts", ()):
            column = 1 if item.get("reason") == "out_of_stock" else 2
            counts.setdefault(item["code"], [0, 0, 0])[column] += 1
    return tuple(InsertFigures(code, names.get(code, code), *counts[code]) for code in sorted(counts))


def weight_mismatches(data: DayData, window: DayWindow) -> tuple[WeightMismatch, ...]:
    """Every weighing outside the tolerance (package.weighed with ok false), and the supervisor whose
    approval of that package (override.weight) followed it before any new weighing."""
    found: list[WeightMismatch] = []
    last: dict[tuple[str, str | None, int], int] = {}  # (station, order, package) -> index in found
    for fact in data.facts:
        if fact.action not in ("package.weighed", "override.weight"):
            continue
        key = (fact.station_id, fact.subject, int(fact.detail.get("package") or 1))
        if fact.action == "override.weight":
            if key in last:
                index = last.pop(key)
                found[index] = replace(found[index], approved_by=name_of(data, fact.detail.get("supervisor")))
            continue
        last.pop(key, None)
        if fact.detail.get("ok") is False:
            last[key] = len(found)
            found.append(_mismatch(fact, key[2], name_of(data, fact.badge), window))
    return tuple(found)


def _mismatch(fact: Fact, package_no: int, operator: str, window: DayWindow) -> WeightMismatch:
    expected = fact.detail.get("expected_g")
    return WeightMismatch(window.local(fact.at), fact.station_id, fact.subject or "", package_no,
                          int(fact.detail.get("weight_g") or 0), None if expected is None else int(expected),
                          operator, None)


def short_shipments(data: DayData, window: DayWindow) -> tuple[ShortShipment, ...]:
    """Orders shipped short with a supervisor's approval, with what they lack."""
    shorts = []
    for order in data.packed:
        override = order.data.get("override")
        if not override:
            continue
        missing = tuple((str(i["sku"]), int(i["quantity_missing"]))
                        for i in order.data.get("short_items", ()))
        shorts.append(ShortShipment(
            window.local(order.at), order.station_id, str(order.data.get("order_number", "")),
            _person(data, order.data.get("operator")), _person(data, override.get("supervisor")),
            str(override.get("reason", "")), missing))
    return tuple(shorts)


def name_of(data: DayData, badge: Any, fallback: str | None = None) -> str:
    """A badge's name from the stored staff list, else `fallback`, else the badge itself."""
    if badge is None:
        return fallback or "—"
    return data.staff.get(str(badge)) or fallback or str(badge)


def _person(data: DayData, person: Any) -> str:
    person = person or {}
    return name_of(data, person.get("badge"), person.get("name"))
