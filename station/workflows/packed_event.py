"""The `data` of station.order.packed (events.md), built from a finished packing state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from station.domain.catalog import Catalog
from station.workflows.packages import expected_package_g, package_numbers
from station.workflows.packing import PackingState, Unit, line_progress


def packed_event_data(state: PackingState, catalog: Catalog, *, station_id: str,
                      operator: Mapping[str, str], packed_at: str, duration_s: int,
                      override: Mapping[str, Any] | None = None,
                      tracking: Mapping[int, tuple[str | None, str]] | None = None) -> dict[str, Any]:
    """Every package with its items, the inserts put in and skipped, and what a short shipment lacks.

    `tracking` gives a package's (tracking number, carrier) from the label service; without it the
    order's one tracking number goes with package 1 and the others have none."""
    order = state.order
    packages = []
    for number in package_numbers(state):
        package = state.package(number)
        own = (order.shipping.tracking_number if number == 1 else None, order.shipping.carrier)
        tracking_number, carrier = (tracking or {}).get(number, own)
        packages.append({
            "package_no": number, "box": package.box, "weight_g": package.weight_g,
            "expected_weight_g": expected_package_g(state, catalog, number),
            "tracking_number": tracking_number, "carrier": carrier,
            "items": packed_items(u for u in state.units if u.package_no == number),
        })
    return {
        "order_number": order.order_number, "packed_at": packed_at, "station_id": station_id,
        "operator": dict(operator), "duration_s": duration_s, "packages": packages,
        "inserts": inserted(state), "skipped_inserts": skipped(state),
        "short_items": short_items(state, catalog) if override else [],
        "override": dict(override) if override else None,
    }


def packed_items(units: Any) -> list[dict[str, Any]]:
    """Units grouped by (sku, kit_sku) in the order first counted."""
    grouped: dict[tuple[str, str | None], dict[str, Any]] = {}
    unit: Unit
    for unit in units:
        item = grouped.setdefault((unit.sku, unit.kit_sku), {
            "sku": unit.sku, "quantity": 0, "serials": [], "lots": [], "kit_sku": unit.kit_sku})
        item["quantity"] += unit.quantity
        if unit.serial:
            item["serials"].append(unit.serial)
        if unit.lot and unit.lot not in item["lots"]:
            item["lots"].append(unit.lot)
    return list(grouped.values())


def inserted(state: PackingState) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for mark in state.marks:
        if mark.action == "confirmed":
            counts[mark.code] = counts.get(mark.code, 0) + 1
    return [{"code": code, "quantity": n} for code, n in counts.items()]


def skipped(state: PackingState) -> list[dict[str, Any]]:
    automatic = [{"code": p.code, "reason": p.skip_reason} for p in state.inserts if p.skip_reason]
    by_operator = [{"code": m.code, "reason": m.reason} for m in state.marks if m.action == "skipped"]
    return automatic + by_operator


def short_items(state: PackingState, catalog: Catalog) -> list[dict[str, Any]]:
    """What a short shipment lacks: whole products, or a kit's missing components."""
    missing: list[dict[str, Any]] = []
    for progress in line_progress(state, catalog):
        if progress.components:
            missing += [{"sku": sku, "quantity_missing": needed - have}
                        for sku, have, needed in progress.components if have < needed]
        elif progress.counted < progress.line.quantity:
            missing.append({"sku": progress.line.sku,
                            "quantity_missing": progress.line.quantity - progress.counted})
    return missing
