"""A return authorisation (RMA) as the backend describes it (GET /v1/returns), read into frozen
dataclasses; the return of a parcel that came without one; the LPN each returned unit gets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from station.domain.orders import Customer, Order
from station.domain.parsing import DataError, opt_int, opt_str, req_int, req_list, req_obj, req_str

RETURN_STATUSES = ("open", "received", "closed", "cancelled")
RETURN_REASONS = ("COLOR", "DEFECTIVE", "NOT_AS_DESCRIBED", "OTHER", "SIZE_TOO_LARGE", "SIZE_TOO_SMALL",
                  "STYLE", "UNKNOWN", "UNWANTED", "WRONG_ITEM")
RESOLUTIONS = ("refund", "exchange", "store_credit")

LPN_PREFIX = "LPN"
LPN_MAX_SEQUENCE = 99_999_999
_LPN = re.compile(rf"{LPN_PREFIX}(\d{{3}})(\d{{8}})", re.ASCII)


@dataclass(frozen=True)
class ReturnLine:
    line_id: str
    sku: str
    quantity: int
    reason: str
    customer_note: str | None
    shipped_serials: tuple[str, ...] = ()
    shipped_lots: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReturnAuth:
    """An RMA, or (rma_number None) a parcel that came without one: an unannounced return.

    `requested_resolution` is None only for an unannounced return: nobody asked for anything.
    """

    rma_number: str | None
    order_number: str
    status: str
    customer: Customer
    return_tracking_number: str | None
    requested_resolution: str | None
    lines: tuple[ReturnLine, ...]

    @property
    def unannounced(self) -> bool:
        return self.rma_number is None

    @property
    def subject(self) -> str:
        """The events' subject (events.md): the RMA number, or the order number without one."""
        return self.rma_number or self.order_number


def parse_return(raw: Mapping[str, Any]) -> ReturnAuth:
    """Read a return body; anything that does not fit the contract raises DataError."""
    status = _choice(raw, "status", RETURN_STATUSES)
    lines = tuple(_line(line) for line in req_list(raw, "lines"))
    if not lines:
        raise DataError("the return has no lines")
    ids = [line.line_id for line in lines]
    if len(set(ids)) != len(ids):
        raise DataError("two return lines share a line_id")
    return ReturnAuth(
        rma_number=req_str(raw, "rma_number"), order_number=req_str(raw, "order_number"),
        status=status, customer=_customer(req_obj(raw, "customer")),
        return_tracking_number=opt_str(raw, "return_tracking_number") or None,
        requested_resolution=_choice(raw, "requested_resolution", RESOLUTIONS), lines=lines,
    )


def unannounced_return(order: Order) -> ReturnAuth:
    """A parcel that came back without an RMA, found by its order number.

    Open, with no lines (every unit in it is then unexpected), no tracking number and no
    requested resolution: the customer asked for nothing, so the station does not invent a wish.
    """
    return ReturnAuth(rma_number=None, order_number=order.order_number, status="open",
                      customer=order.customer, return_tracking_number=None,
                      requested_resolution=None, lines=())


def format_lpn(station_number: int, sequence: int) -> str:
    """`LPN` + the 3-digit station number + an 8-digit sequence: LPN00200000042 (events.md)."""
    if isinstance(station_number, bool) or not 1 <= station_number <= 999:
        raise ValueError(f"station number must be 1 to 999, got {station_number!r}")
    if isinstance(sequence, bool) or not 1 <= sequence <= LPN_MAX_SEQUENCE:
        raise ValueError(f"LPN sequence must be 1 to {LPN_MAX_SEQUENCE}, got {sequence!r}")
    return f"{LPN_PREFIX}{station_number:03d}{sequence:08d}"


def parse_lpn(code: str) -> tuple[int, int] | None:
    """(station number, sequence) of a code that is an LPN, else None."""
    match = _LPN.fullmatch(code)
    if match is None or int(match[1]) == 0 or int(match[2]) == 0:
        return None
    return int(match[1]), int(match[2])


def _line(raw: Mapping[str, Any]) -> ReturnLine:
    quantity = req_int(raw, "quantity")
    if quantity < 1:
        raise DataError(f"return line {raw.get('line_id')!r}: quantity must be 1 or more, got {quantity}")
    return ReturnLine(
        line_id=_id(raw, "line_id"), sku=req_str(raw, "sku"), quantity=quantity,
        reason=_choice(raw, "reason", RETURN_REASONS), customer_note=opt_str(raw, "customer_note"),
        shipped_serials=_strings(raw, "shipped_serials"), shipped_lots=_strings(raw, "shipped_lots"),
    )


def _customer(raw: Mapping[str, Any]) -> Customer:
    return Customer(_id(raw, "id"), req_str(raw, "name"), opt_str(raw, "email"),
                    opt_int(raw, "order_count") or 0)


def _choice(raw: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = req_str(raw, key)
    if value not in choices:
        raise DataError(f"unknown {key.replace('_', ' ')} {value!r}")
    return value


def _id(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key) if isinstance(raw, Mapping) else None
    if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
        raise DataError(f"{key!r} must be a string")
    return str(value)


def _strings(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list of non-empty strings; missing or null reads as empty (nothing shipped under it)."""
    value = raw.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataError(f"{key!r} must be a list of non-empty strings")
    return tuple(value)
