"""Documents for a packed order: the packing slip and one 4x6 label per package, sent to their printers.

Printing comes after the transaction that recorded the work: a printer that is off never loses a fact.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from printing.documents.packing_slip import render_packing_slip
from printing.documents.shipping_label import render_shipping_label
from printing.documents.shipping_label_zpl import render_shipping_label_zpl
from printing.model import Address, PackingSlip, ShippingLabel, SlipLine
from printing.zpl import font0_prints
from station.domain.catalog import Catalog
from station.domain.orders import Address as OrderAddress
from station.domain.orders import CarrierLabel
from station.services.carrier_labels import PackageShipping, own_shipping
from station.services.print_queue import PrintJob, PrintOutcome, PrintQueue
from station.workflows.packages import package_numbers
from station.workflows.packed_event import inserted
from station.workflows.packing import PackingState, line_progress

log = logging.getLogger(__name__)


class DocumentPrinter:
    """Renders documents and hands them to the configured targets."""

    def __init__(self, queue: PrintQueue, paper: str) -> None:
        self.queue = queue
        self._paper = paper

    def packed_order_jobs(self, state: PackingState, catalog: Catalog, *, station_id: str,
                          packed_by: str, packed_at: datetime | None = None,
                          shipping: Mapping[int, PackageShipping] | None = None) -> list[PrintJob]:
        """The slip and one label per package: the carrier's as sent, else the station's own."""
        order = state.order
        packed_at = packed_at or datetime.now(UTC)
        ship_to = _address(order.ship_to)
        numbers = package_numbers(state)
        inserts = tuple(_insert_line(catalog, i["code"], i["quantity"]) for i in inserted(state))
        slip = PackingSlip(
            order_number=order.order_number, placed_at=order.placed_at or packed_at,
            customer_name=order.customer.name, ship_to=ship_to, lines=_slip_lines(state, catalog),
            inserts=inserts, gift_message=order.gift_message, notes=order.notes, station_id=station_id,
            packed_by=packed_by, packed_at=packed_at, package_count=len(numbers))
        jobs = [PrintJob("document", "packing-slip", order.order_number,
                         render_packing_slip(slip, self._paper))]
        for number in numbers:
            package = (shipping or {}).get(number) or own_shipping(order, number)
            if package.label is not None:
                jobs.append(_carrier_label_job(order.order_number, number, package.label))
                continue
            label = ShippingLabel(
                order_number=order.order_number, ship_to=ship_to, carrier=package.carrier,
                service=package.service, tracking_number=package.tracking_number,
                package_no=number, package_count=len(numbers),
                weight_g=state.package(number).weight_g, station_id=station_id, notice=package.notice)
            # Both forms: a ZPL label printer gets native ZPL, any other target the PDF. Text its
            # own font lacks goes to a ZPL printer as the PDF rasterised instead.
            native = render_shipping_label_zpl(label) if font0_prints(*_label_texts(label)) else None
            jobs.append(PrintJob("label", f"label-{number}", order.order_number,
                                 render_shipping_label(label), native))
        return jobs

    def send(self, jobs: list[PrintJob]) -> PrintOutcome:
        """Queue the documents and try them at once; what fails is retried by the queue."""
        return self.queue.send(self.queue.enqueue(jobs))


def _label_texts(label: ShippingLabel) -> list[str | None]:
    to = label.ship_to
    return [to.name, to.company, to.line1, to.line2, to.city, to.postcode, to.region, to.country,
            label.carrier, label.service, label.notice]


def _carrier_label_job(order_number: str, number: int, label: CarrierLabel) -> PrintJob:
    """The carrier's label exactly as sent: ZPL goes only to a ZPL printer, a PDF anywhere."""
    pdf, zpl = (label.data, None) if label.format == "pdf" else (None, label.data)
    return PrintJob("label", f"carrier-label-{number}", order_number, pdf, zpl)


def _insert_line(catalog: Catalog, code: str, quantity: int) -> str:
    insert = catalog.inserts.get(code)
    name = insert.name if insert else code
    return f"{name} × {quantity}" if quantity > 1 else name


def _address(address: OrderAddress) -> Address:
    return Address(address.name, address.company, address.line1, address.line2, address.city,
                   address.postcode, address.region, address.country, address.phone)


def _slip_lines(state: PackingState, catalog: Catalog) -> tuple[SlipLine, ...]:
    lines: list[SlipLine] = []
    for progress in line_progress(state, catalog):
        name = progress.product.name if progress.product else progress.line.sku
        lines.append(SlipLine(progress.line.sku, name, progress.line.quantity))
        for sku, _have, needed in progress.components:
            component = catalog.products.get(sku)
            lines.append(SlipLine(sku, component.name if component else sku, needed, indent=True))
    return tuple(lines)
