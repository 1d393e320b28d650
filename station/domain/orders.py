"""An order as the backend describes it (GET /v1/orders/{n}), read into frozen dataclasses."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from station.domain.parsing import DataError, opt_int, opt_str, req_int, req_list, req_obj, req_str

ORDER_STATUSES = ("ready", "on_hold", "cancelled", "packed", "shipped")


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str | None
    order_count: int


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
class OrderLine:
    line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class CarrierLabel:
    """The carrier's own label (`shipping.label`), printed as is instead of the station's."""

    format: str  # "zpl" | "pdf"
    data: bytes


@dataclass(frozen=True)
class Shipping:
    carrier: str
    service: str
    tracking_number: str | None
    label: CarrierLabel | None = None
    # Why a label the backend sent cannot be used: the station prints its own and says so.
    label_problem: str | None = None


@dataclass(frozen=True)
class Order:
    order_number: str
    status: str
    hold_reason: str | None
    channel: str | None
    placed_at: datetime | None
    customer: Customer
    ship_to: Address
    tags: tuple[str, ...]
    total_amount: str | None
    total_currency: str | None
    lines: tuple[OrderLine, ...]
    shipping: Shipping
    gift_message: str | None
    notes: str | None


def parse_time(value: str | None) -> datetime | None:
    """RFC 3339 UTC time, as the contract writes it (`2026-11-22T14:03:07Z`)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DataError(f"bad time {value!r}") from None
    if parsed.tzinfo is None:  # a date alone, or a time without offset: not RFC 3339
        raise DataError(f"bad time {value!r}: no UTC offset")
    return parsed


def parse_order(raw: Mapping[str, Any]) -> Order:
    """Read an order body; anything that does not fit the contract raises DataError."""
    status = req_str(raw, "status")
    if status not in ORDER_STATUSES:
        raise DataError(f"unknown order status {status!r}")
    lines = tuple(OrderLine(str(_scalar(line, "line_id")), req_str(line, "sku"),
                            req_int(line, "quantity")) for line in req_list(raw, "lines"))
    if not lines:
        raise DataError("the order has no lines")
    if any(line.quantity < 1 for line in lines):
        raise DataError("an order line has a quantity below 1")
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DataError("'tags' must be a list of strings")
    total = raw.get("total") or {}
    shipping = req_obj(raw, "shipping")
    return Order(
        order_number=req_str(raw, "order_number"), status=status,
        hold_reason=opt_str(raw, "hold_reason"), channel=opt_str(raw, "channel"),
        placed_at=parse_time(opt_str(raw, "placed_at")),
        customer=_customer(req_obj(raw, "customer")), ship_to=_address(req_obj(raw, "ship_to")),
        tags=tuple(tags),
        total_amount=opt_str(total, "amount"), total_currency=opt_str(total, "currency"),
        lines=lines,
        shipping=Shipping(req_str(shipping, "carrier"), opt_str(shipping, "service") or "",
                          opt_str(shipping, "tracking_number"), *parse_carrier_label(shipping.get("label"))),
        gift_message=opt_str(raw, "gift_message"), notes=opt_str(raw, "notes"),
    )


def parse_carrier_label(raw: Any) -> tuple[CarrierLabel | None, str | None]:
    """The carrier label, or why it cannot be printed; a bad label never makes the order unreadable."""
    if raw is None:
        return None, None
    if not isinstance(raw, Mapping):
        return None, "the carrier label is not an object"
    label_format, encoded = raw.get("format"), raw.get("data_base64")
    if label_format not in ("zpl", "pdf"):
        return None, f"the carrier label's format {str(label_format)[:20]!r} is neither zpl nor pdf"
    try:
        data = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else b""
    except (binascii.Error, ValueError):
        return None, "the carrier label is not valid base64"
    if not data.strip():
        return None, "the carrier label is empty"
    if label_format == "pdf" and not data.startswith(b"%PDF"):
        return None, "the carrier label says pdf but is not a PDF"
    return CarrierLabel(label_format, data), None


def _customer(raw: Mapping[str, Any]) -> Customer:
    return Customer(str(_scalar(raw, "id")), req_str(raw, "name"), opt_str(raw, "email"),
                    opt_int(raw, "order_count") or 0)


def _address(raw: Mapping[str, Any]) -> Address:
    return Address(
        name=req_str(raw, "name"), company=opt_str(raw, "company"), line1=req_str(raw, "line1"),
        line2=opt_str(raw, "line2"), city=req_str(raw, "city"), postcode=opt_str(raw, "postcode"),
        region=opt_str(raw, "region"), country=req_str(raw, "country"), phone=opt_str(raw, "phone"),
    )


def _scalar(raw: Mapping[str, Any], key: str) -> str | int:
    value = raw.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
        raise DataError(f"{key!r} must be a string")
    return value
