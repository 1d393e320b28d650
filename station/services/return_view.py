"""The returns screen's view of an open return: its lines, the units recorded, the unit inspected."""

from __future__ import annotations

from station.domain.catalog import Catalog
from station.domain.commands import DEFECTS
from station.services.views import InspectionView, ReturnLineView, ReturnUnitView, ReturnView
from station.workflows.returns import (
    DispositionTable,
    ReturnState,
    current_disposition,
    line_counts,
    wrong_item_alerts,
)


def return_view(state: ReturnState, catalog: Catalog, table: DispositionTable) -> ReturnView:
    rma = state.rma
    alerts = {a.seq: a.message for a in wrong_item_alerts(state)}
    lines = tuple(ReturnLineView(line.line_id, line.sku, _name(catalog, line.sku), line.quantity, received,
                                 line.reason, line.customer_note) for line, received in line_counts(state))
    units = tuple(ReturnUnitView(u.seq, u.sku, _name(catalog, u.sku), u.grade, u.disposition, u.lpn,
                                 u.expected, u.defects, alerts.get(u.seq)) for u in state.units)
    current = None
    if state.current is not None:
        c = state.current
        current = InspectionView(c.sku, _name(catalog, c.sku), c.expected, c.grade, c.defects,
                                 current_disposition(state, table), c.serial, c.lot, alerts.get(c.seq),
                                 DEFECTS)
    return ReturnView(rma.rma_number, rma.order_number, rma.status, rma.customer.name,
                      rma.requested_resolution, lines, units, current)


def _name(catalog: Catalog, sku: str) -> str:
    product = catalog.products.get(sku)
    return product.name if product else sku
