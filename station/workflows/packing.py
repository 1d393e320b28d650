"""Packing as a pure state machine: which line a scanned unit counts against, and when an order is done.

No I/O: the service layer loads the state, applies one step and commits what the step returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from station.domain.barcodes import Gs1Data
from station.domain.catalog import Catalog, Match, Product
from station.domain.inserts import PlannedInsert
from station.domain.orders import Order, OrderLine


@dataclass(frozen=True)
class Unit:
    """One counted scan. `kit_sku` is set when the unit is a component counted toward a kit line."""

    seq: int
    line_id: str
    sku: str
    quantity: int
    barcode: str
    kit_sku: str | None = None
    serial: str | None = None
    lot: str | None = None
    package_no: int = 1


@dataclass(frozen=True)
class Package:
    """A package of the order: its box (None until one is scanned) and its weight (None unweighed).

    `approved_by` is the supervisor who let it close although its weight did not match.
    """

    package_no: int
    box: str | None = None
    weight_g: int | None = None
    approved_by: str | None = None


@dataclass(frozen=True)
class InsertMark:
    """An insert put in (confirmed) or left out (skipped, with the events.md reason)."""

    code: str
    action: Literal["confirmed", "skipped"]
    reason: str | None = None
    package_no: int = 1


@dataclass(frozen=True)
class PackingState:
    order: Order
    units: tuple[Unit, ...] = ()
    last_seq: int = 0  # highest seq ever used, undone units included: a seq is never reused
    packages: tuple[Package, ...] = ()
    open_package: int = 1
    inserts: tuple[PlannedInsert, ...] = ()  # the checklist planned when the order was opened
    marks: tuple[InsertMark, ...] = ()

    def package(self, package_no: int = 1) -> Package:
        found = [p for p in self.packages if p.package_no == package_no]
        return found[0] if found else Package(package_no)

    def with_package(self, package: Package) -> PackingState:
        others = tuple(p for p in self.packages if p.package_no != package.package_no)
        return replace(self, packages=tuple(sorted((*others, package), key=lambda p: p.package_no)))

    @property
    def next_seq(self) -> int:
        return max(self.last_seq, *(u.seq for u in self.units), 0) + 1


@dataclass(frozen=True)
class Counted:
    unit: Unit
    state: PackingState
    complete: bool


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class NeedsCode:
    """The unit is on the order but its serial (or lot) must be scanned before it counts."""

    kind: Literal["serial", "lot"]
    match: Match
    barcode: str


@dataclass(frozen=True)
class LineProgress:
    """Progress of one order line; for a kit line, `components` holds each component's progress."""

    line: OrderLine
    product: Product | None
    counted: int
    components: tuple[tuple[str, int, int], ...] = field(default=())  # (sku, counted, needed)

    @property
    def done(self) -> bool:
        return self.counted >= self.line.quantity


def refusal_for_status(order: Order) -> str | None:
    """Why an order may not be packed at all, or None when it may."""
    if order.status == "on_hold":
        return f"order {order.order_number} is on hold: {order.hold_reason or 'no reason given'}"
    if order.status == "cancelled":
        return f"order {order.order_number} is cancelled: do not pack"
    if order.status in ("packed", "shipped"):
        return f"order {order.order_number} is already {order.status}"
    return None


def _needs(line: OrderLine, product: Product | None) -> dict[str, int]:
    """Component units a kit line needs in all, by sku."""
    if product is None or not product.is_kit:
        return {}
    return {c.sku: c.quantity * line.quantity for c in product.components}


def line_progress(state: PackingState, catalog: Catalog) -> list[LineProgress]:
    result = []
    for line in state.order.lines:
        product = catalog.products.get(line.sku)
        units = [u for u in state.units if u.line_id == line.line_id]
        whole = sum(u.quantity for u in units if u.kit_sku is None)
        needs = _needs(line, product)
        if not needs:
            result.append(LineProgress(line, product, whole))
            continue
        assert product is not None
        per_kit = {c.sku: c.quantity for c in product.components}
        have = {sku: whole * per_kit[sku] + sum(u.quantity for u in units if u.sku == sku
                                                and u.kit_sku is not None) for sku in needs}
        complete_kits = min(have[sku] // per_kit[sku] for sku in needs)
        result.append(LineProgress(line, product, complete_kits,
                                   tuple((sku, have[sku], needs[sku]) for sku in needs)))
    return result


def is_complete(state: PackingState, catalog: Catalog) -> bool:
    """Every ordered unit counted (inserts aside: see `is_verified`)."""
    return all(p.done for p in line_progress(state, catalog))


def is_verified(state: PackingState, catalog: Catalog) -> bool:
    """Everything checked: every unit counted and every planned insert put in or skipped."""
    return is_complete(state, catalog) and not pending_inserts(state)


def pending_inserts(state: PackingState) -> tuple[PlannedInsert, ...]:
    """Planned inserts still to put in, in checklist order (skipped ones are done)."""
    return tuple(i for i in state.inserts if i.skip_reason is None and marked_count(state, i) < i.quantity)


def marked_count(state: PackingState, planned: PlannedInsert) -> int:
    marks = [m for m in state.marks if m.code == planned.code]
    if any(m.action == "skipped" for m in marks):
        return planned.quantity
    return len(marks)


def count(state: PackingState, catalog: Catalog, match: Match, barcode: str, *,
          gs1: Gs1Data | None = None, serial: str | None = None, lot: str | None = None,
          today: date | None = None, serial_taken: Callable[[str], bool] = lambda _s: False,
          ) -> Counted | Refused | NeedsCode:
    """Count a scanned product (or case, or kit) against the first line that still needs it.

    A serial- or lot-tracked product counts only with its serial or lot (from the scan's GS1 data,
    or scanned next); a serial packed before, here or anywhere, and an expired lot are refused.
    """
    unit = _place(state, catalog, match, barcode)
    if isinstance(unit, Refused):
        return unit
    tracked = _tracking(state, match, barcode, gs1, serial, lot, today, serial_taken)
    if not isinstance(tracked, tuple):
        return tracked
    serial, lot = tracked
    return _counted(state, catalog, replace(unit, serial=serial, lot=lot, package_no=state.open_package))


def _place(state: PackingState, catalog: Catalog, match: Match, barcode: str) -> Unit | Refused:
    """The unit as it would count: on which line, as a kit component or not; or why it may not."""
    sku, quantity = match.product.sku, match.quantity
    progress = line_progress(state, catalog)
    for p in progress:
        if p.line.sku == sku and not p.components and p.counted < p.line.quantity:
            if p.counted + quantity > p.line.quantity:
                return Refused(f"{quantity} × {sku} is more than the {p.line.quantity - p.counted} "
                               "still needed: not counted")
            return Unit(state.next_seq, p.line.line_id, sku, quantity, barcode)
        if p.line.sku == sku and p.components:
            if any(have + needed // p.line.quantity * quantity > needed
                   for _, have, needed in p.components):
                continue
            return Unit(state.next_seq, p.line.line_id, sku, quantity, barcode)
        for comp_sku, have, needed in p.components:
            if comp_sku == sku and have < needed:
                if have + quantity > needed:
                    return Refused(f"{quantity} × {sku} is more than the kit still needs: not counted")
                return Unit(state.next_seq, p.line.line_id, sku, quantity, barcode, kit_sku=p.line.sku)
    if any(p.line.sku == sku or any(c[0] == sku for c in p.components) for p in progress):
        return Refused(f"{sku}: all ordered units are already counted. Take it out of the box")
    return Refused(f"{match.product.name} ({sku}) is not on order {state.order.order_number}")


def _tracking(state: PackingState, match: Match, barcode: str, gs1: Gs1Data | None,
              serial: str | None, lot: str | None, today: date | None,
              serial_taken: Callable[[str], bool]) -> tuple[str | None, str | None] | Refused | NeedsCode:
    """The unit's serial and lot, as its product's tracking requires."""
    product = match.product
    serial = serial or (gs1.serial if gs1 else None)
    lot = lot or (gs1.lot if gs1 else None)
    expiry = gs1.expiry if gs1 else None
    if expiry is not None and today is not None and expiry < today:  # whatever the tracking
        return Refused(f"lot {lot or '?'} of {product.name} expired on {expiry:%Y-%m-%d}: not packed")
    if product.tracking == "serial":
        if match.quantity != 1:
            return Refused(f"{product.name} is tracked by serial: scan each unit, not the case")
        if serial is None:
            return NeedsCode("serial", match, barcode)
        if any(u.serial == serial for u in state.units) or serial_taken(serial):
            return Refused(f"serial {serial} is already packed: this unit was shipped before")
        return serial, lot
    if product.tracking == "lot":
        if lot is None:
            return NeedsCode("lot", match, barcode)
        return None, lot
    return None, None


def _counted(state: PackingState, catalog: Catalog, unit: Unit) -> Counted:
    new_state = replace(state, units=(*state.units, unit), last_seq=unit.seq,
                        packages=unweighed(state.packages, unit.package_no))
    return Counted(unit, new_state, is_complete(new_state, catalog))


def unweighed(packages: tuple[Package, ...], package_no: int) -> tuple[Package, ...]:
    """A package's weight taken before its contents changed no longer holds (nor its approval)."""
    return tuple(replace(p, weight_g=None, approved_by=None) if p.package_no == package_no else p
                 for p in packages)


def undo_last(state: PackingState) -> tuple[PackingState, Unit] | None:
    if not state.units:
        return None
    # Keep the undone unit's seq as used, however the state was built: a seq is never reused.
    undone = state.units[-1]
    units = state.units[:-1]
    # A package emptied by the undo, with only empty packages after it, is open again: no
    # package is left empty before the open one.
    open_package = state.open_package
    while open_package > 1 and not any(u.package_no in (open_package, open_package - 1) for u in units):
        open_package -= 1
    return replace(state, units=units, last_seq=state.next_seq - 1, open_package=open_package,
                   packages=unweighed(state.packages, undone.package_no)), undone


def unit_weight_g(catalog: Catalog, sku: str) -> int | None:
    """A product's weight; for a pre-built kit without its own, the sum of its components'."""
    product = catalog.products.get(sku)
    if product is None or product.weight_g is not None or not product.is_kit:
        return None if product is None else product.weight_g
    total = 0
    for component in product.components:
        part = catalog.products.get(component.sku)
        if part is None or part.weight_g is None:
            return None
        total += part.weight_g * component.quantity
    return total
