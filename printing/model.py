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
