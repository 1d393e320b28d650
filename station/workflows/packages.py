"""Packages of an order: the open package, its box, closing it for the next, and its weight check.

Pure: the service layer persists what these steps return.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from station.domain.catalog import Box, Catalog
from station.workflows.packing import PackingState, Refused, unit_weight_g

# Inserts carry no weight in the catalog: a card or a sample is allowed this much each.
INSERT_ALLOWANCE_G = 10


@dataclass(frozen=True)
class WeightCheck:
    """A package's weight against its expected weight and the allowed difference."""

    actual_g: int
    expected_g: int | None  # None when a catalog weight is missing: nothing to compare
    allowed_g: float  # not rounded: half a gram outside the tolerance is outside

    @property
    def difference_g(self) -> int:
        return self.actual_g - self.expected_g if self.expected_g is not None else 0

    @property
    def ok(self) -> bool:
        return self.expected_g is None or abs(self.difference_g) <= self.allowed_g


def set_box(state: PackingState, box: Box) -> PackingState:
    """The open package goes in this box; a weight taken before (without its tare) no longer holds."""
    package = replace(state.package(state.open_package), box=box.code, weight_g=None, approved_by=None)
    return state.with_package(package)


def open_next_package(state: PackingState) -> PackingState | Refused:
    """Close the open package and open the next (CMD-NEW-BOX); an empty package stays open."""
    if not units_in(state, state.open_package):
        return Refused(f"package {state.open_package} is still empty: put the items in it first")
    following = state.open_package + 1
    return replace(state.with_package(state.package(following)), open_package=following)


def units_in(state: PackingState, package_no: int) -> int:
    return sum(u.quantity for u in state.units if u.package_no == package_no)


def package_numbers(state: PackingState) -> tuple[int, ...]:
    """The packages that hold something, in order (an empty last package is not shipped)."""
    used = {u.package_no for u in state.units} | {m.package_no for m in state.marks
                                                   if m.action == "confirmed"}
    return tuple(sorted(used)) or (1,)


def expected_package_g(state: PackingState, catalog: Catalog, package_no: int) -> int | None:
    """Units + insert allowance + box tare; None when a unit's catalog weight is unknown."""
    total = 0
    for unit in state.units:
        if unit.package_no != package_no:
            continue
        weight = unit_weight_g(catalog, unit.sku)
        if weight is None:
            return None
        total += weight * unit.quantity
    inserts = sum(1 for m in state.marks if m.package_no == package_no and m.action == "confirmed")
    box = catalog.boxes.get(state.package(package_no).box or "")
    return total + inserts * INSERT_ALLOWANCE_G + (box.tare_g if box else 0)


def check_weight(state: PackingState, catalog: Catalog, package_no: int, actual_g: int, *,
                 tolerance_pct: float, tolerance_g: float) -> WeightCheck:
    """Outside both tolerances (config.md: scale.tolerance_pct and scale.tolerance_g) is a mismatch."""
    expected = expected_package_g(state, catalog, package_no)
    allowed = max(tolerance_g, (expected or 0) * tolerance_pct / 100)
    return WeightCheck(actual_g, expected, allowed)


def record_weight(state: PackingState, package_no: int, weight_g: int) -> PackingState:
    return state.with_package(replace(state.package(package_no), weight_g=weight_g, approved_by=None))


def approve_weight(state: PackingState, package_no: int, supervisor_badge: str) -> PackingState:
    return state.with_package(replace(state.package(package_no), approved_by=supervisor_badge))


def may_close(state: PackingState, catalog: Catalog, package_no: int, *, scale: bool,
              tolerance_pct: float, tolerance_g: float) -> Refused | None:
    """Why a package may not close yet (no weight, or a mismatch not approved), or None."""
    if not scale:
        return None
    package = state.package(package_no)
    if package.weight_g is None:
        return Refused(f"weigh package {package_no} first: put it on the scale and scan CMD-WEIGH")
    check = check_weight(state, catalog, package_no, package.weight_g,
                         tolerance_pct=tolerance_pct, tolerance_g=tolerance_g)
    if check.ok or package.approved_by:
        return None
    return Refused(f"package {package_no} weighs {check.actual_g} g, expected {check.expected_g} g: "
                   "check its contents and weigh again, or a supervisor approves")
