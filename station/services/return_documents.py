"""Documents of a return: the 2x1 in LPN label of each recorded unit, and the return receipt."""

from __future__ import annotations

from datetime import UTC, datetime

from printing.documents.item_label import render_item_label
from printing.documents.item_label_zpl import render_item_label_zpl
from printing.documents.return_receipt import render_return_receipt
from printing.model import ItemLabel, ReceiptLine, ReturnReceipt
from printing.zpl import font0_prints
from station.domain.catalog import Catalog
from station.domain.returns import ReturnAuth
from station.services.print_queue import PrintJob
from station.workflows.returns import GradedUnit, ReturnState, missing, refund_recommendation


def item_label_job(unit: GradedUnit, rma: ReturnAuth, catalog: Catalog, station_id: str) -> PrintJob:
    product = catalog.products.get(unit.sku)
    label = ItemLabel(lpn=unit.lpn, sku=unit.sku, name=product.name if product else unit.sku,
                      grade=unit.grade, disposition=unit.disposition, rma_number=rma.rma_number,
                      order_number=rma.order_number, station_id=station_id, printed_at=datetime.now(UTC))
    native = render_item_label_zpl(label) if font0_prints(label.name, label.sku) else None
    return PrintJob("item", "lpn", unit.lpn, render_item_label(label), native)


def receipt_job(state: ReturnState, catalog: Catalog, station_id: str, clerk: str, paper: str,
                received_at: datetime | None = None) -> PrintJob:
    now = datetime.now(UTC)
    lines = tuple(
        ReceiptLine(sku=u.sku, name=_name(catalog, u.sku), grade=u.grade, disposition=u.disposition,
                    lpn=u.lpn, expected=u.expected, defects=u.defects, serial=u.serial,
                    wrong_item=u.serial_matches_shipment is False or u.lot_matches_shipment is False)
        for u in state.units)
    rma = state.rma
    receipt = ReturnReceipt(
        rma_number=rma.rma_number, order_number=rma.order_number, customer_name=rma.customer.name,
        requested_resolution=rma.requested_resolution or "none requested",
        received_at=received_at or now, completed_at=now, station_id=station_id, clerk=clerk,
        lines=lines, missing=tuple((m.line_id, m.sku, m.quantity) for m in missing(state)),
        refund_recommendation=refund_recommendation(state))
    return PrintJob("document", "return-receipt", rma.subject, render_return_receipt(receipt, paper))


def _name(catalog: Catalog, sku: str) -> str:
    product = catalog.products.get(sku)
    return product.name if product else sku
