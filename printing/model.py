"""The data that printed documents take: plain frozen dataclasses, no station imports.

Callers (services, the CLI) translate orders and packages into these before printing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Address:
    name: str
    company: str | None
    line1: str
    line2: str | None
    city: str
    postcode: str | None
    region: str | None
    country: str
    phone: str | None


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int
    indent: bool = False  # a kit component, printed under its kit


@dataclass(frozen=True)
class PackingSlip:
    order_number: str
    placed_at: datetime
    customer_name: str
    ship_to: Address
    lines: tuple[SlipLine, ...]
    inserts: tuple[str, ...]
    gift_message: str | None
    notes: str | None
    station_id: str
    packed_by: str
    packed_at: datetime
    package_count: int
    shop_name: str | None = None  # heads the slip when set; otherwise the station id does


@dataclass(frozen=True)
class ShippingLabel:
    order_number: str
    ship_to: Address
    carrier: str
    service: str
    tracking_number: str | None
    package_no: int
    package_count: int
    weight_g: int | None
    station_id: str
    # A banner across the label, e.g. "NO CARRIER LABEL" when the backend could not be asked.
    notice: str | None = None


@dataclass(frozen=True)
class ItemLabel:
    """The 2x1 in label stuck on a returned unit: its LPN and where it goes."""

    lpn: str
    sku: str
    name: str
    grade: str
    disposition: str
    rma_number: str | None
    order_number: str
    station_id: str
    printed_at: datetime


@dataclass(frozen=True)
class ReceiptLine:
    """One inspected unit on a return receipt."""

    sku: str
    name: str
    grade: str
    disposition: str
    lpn: str
    expected: bool  # False for a unit that is not on the RMA
    defects: tuple[str, ...]
    serial: str | None
    wrong_item: bool


@dataclass(frozen=True)
class ReturnReceipt:
    """What the returns station received and decided for one parcel."""

    rma_number: str | None  # None for an unannounced return
    order_number: str
    customer_name: str
    requested_resolution: str
    received_at: datetime
    completed_at: datetime
    station_id: str
    clerk: str
    lines: tuple[ReceiptLine, ...]
    missing: tuple[tuple[str, str, int], ...]  # (line_id, sku, quantity) never received
    refund_recommendation: str  # "full", "partial" or "none"


@dataclass(frozen=True)
class ManifestLine:
    """One package handed to the carrier."""

    order_number: str
    package_no: int
    tracking_number: str | None
    weight_g: int | None


@dataclass(frozen=True)
class HandoverManifest:
    """The packages a carrier's driver takes, to be signed by the driver and the supervisor."""

    manifest_id: str
    carrier: str
    station_id: str
    supervisor: str
    closed_at: datetime
    lines: tuple[ManifestLine, ...]
