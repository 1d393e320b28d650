"""The packing screen's view of an open order: lines, kit components, the insert checklist, packages."""

from __future__ import annotations

from station.config import ScaleSection
from station.domain.catalog import Catalog
from station.services.views import InsertView, LineView, OrderView, PackageView
from station.workflows.packages import check_weight, expected_package_g, units_in
from station.workflows.packing import PackingState, line_progress, marked_count


def order_view(state: PackingState, catalog: Catalog, tolerances: ScaleSection) -> OrderView:
    order = state.order
    ship_to = f"{order.ship_to.name}, {order.ship_to.city}, {order.ship_to.country}"
    open_package = state.package(state.open_package)
    return OrderView(
        order.order_number, order.status, order.customer.name, ship_to, order.shipping.carrier,
        order.shipping.service, _lines(state, catalog), order.gift_message, order.notes,
        package_weight_g=open_package.weight_g,
        expected_weight_g=expected_package_g(state, catalog, state.open_package),
        inserts=_inserts(state), packages=_packages(state, catalog, tolerances))


def _lines(state: PackingState, catalog: Catalog) -> tuple[LineView, ...]:
    lines: list[LineView] = []
    for p in line_progress(state, catalog):
        name = p.product.name if p.product else f"{p.line.sku} (not in the catalog)"
        lines.append(LineView(p.line.line_id, p.line.sku, name, p.line.quantity, p.counted))
        for sku, have, needed in p.components:
            component = catalog.products.get(sku)
            lines.append(LineView(p.line.line_id, sku, component.name if component else sku,
                                  needed, have, indent=True))
    return tuple(lines)


def _inserts(state: PackingState) -> tuple[InsertView, ...]:
    views = []
    for planned in state.inserts:
        skipped = planned.skip_reason or next(
            (m.reason for m in state.marks if m.code == planned.code and m.action == "skipped"), None)
        done = sum(1 for m in state.marks if m.code == planned.code and m.action == "confirmed")
        views.append(InsertView(planned.code, planned.name, planned.quantity,
                                min(done, marked_count(state, planned)), skipped))
    return tuple(views)


def _packages(state: PackingState, catalog: Catalog, tolerances: ScaleSection) -> tuple[PackageView, ...]:
    # The packages that hold something, and the open one (an emptied package after it is gone).
    numbers = sorted({u.package_no for u in state.units} | {state.open_package}
                     | {m.package_no for m in state.marks if m.action == "confirmed"})
    views = []
    for number in numbers:
        package = state.package(number)
        weight_ok = None
        if package.weight_g is not None:
            check = check_weight(state, catalog, number, package.weight_g,
                                 tolerance_pct=tolerances.tolerance_pct, tolerance_g=tolerances.tolerance_g)
            weight_ok = check.ok if check.expected_g is not None else None
        views.append(PackageView(number, package.box, units_in(state, number), package.weight_g,
                                 expected_package_g(state, catalog, number), number == state.open_package,
                                 weight_ok, package.approved_by))
    return tuple(views)
