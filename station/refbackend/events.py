"""Validation of one CloudEvents 1.0 event (JSON format) against the station's events.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

ORDER_PACKED = "station.order.packed"
HANDED_OVER = "station.shipment.handed_over"
RETURN_RECEIVED = "station.return.received"
ITEM_GRADED = "station.return.item_graded"
RETURN_COMPLETED = "station.return.completed"
ORDER_TYPES = frozenset({ORDER_PACKED, HANDED_OVER})
RETURN_TYPES = frozenset({RETURN_RECEIVED, ITEM_GRADED, RETURN_COMPLETED})
EVENT_TYPES = ORDER_TYPES | RETURN_TYPES

SOURCE_PREFIX = "urn:station:"
GRADES = frozenset({"A", "B", "C", "D", "X"})
DISPOSITIONS = frozenset({"RESTOCK", "REFURBISH", "RESALE_HOLD", "RETURN_TO_VENDOR", "DISPOSE"})
REFUND_RECOMMENDATIONS = frozenset({"full", "partial", "none"})

_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_UTC_OFFSETS = frozenset({"Z", "z", "+00:00", "-00:00"})
_UUID4 = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}")


class EventError(ValueError):
    """Why an event is rejected; the message goes back to the station as the result's error."""


def event_id(raw: object) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return str(raw["id"])
    return None


def validate_event(raw: object) -> dict[str, Any]:
    """Check the envelope and the data object's shape; the event itself on success."""
    if not isinstance(raw, dict):
        raise EventError("event must be a JSON object")
    if raw.get("specversion") != "1.0":
        raise EventError("specversion must be \"1.0\"")
    for name in ("id", "source", "type", "subject", "time"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise EventError(f"{name} must be a non-empty string")
    if _UUID4.fullmatch(raw["id"]) is None:
        raise EventError("id must be a UUID v4")
    if not raw["source"].startswith(SOURCE_PREFIX) or raw["source"] == SOURCE_PREFIX:
        raise EventError(f"source must be {SOURCE_PREFIX}<station id>")
    if raw["type"] not in EVENT_TYPES:
        raise EventError(f"unknown event type {raw['type']}")
    if not is_rfc3339_utc(raw["time"]):
        raise EventError("time must be an RFC 3339 date-time in UTC")
    content_type = raw.get("datacontenttype", "application/json")
    if not isinstance(content_type, str) or not content_type.startswith("application/json"):
        raise EventError("datacontenttype must be application/json")
    seq = raw.get("stationseq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise EventError("stationseq must be a non-negative integer")
    if not isinstance(raw.get("data"), dict):
        raise EventError("data must be a JSON object")
    _check_data(raw["type"], raw["data"])
    return raw


def is_rfc3339_utc(value: str) -> bool:
    """An RFC 3339 date-time in UTC, as the contract writes every time (`2026-11-22T14:03:07Z`)."""
    match = _RFC3339.match(value)
    if match is None:
        return False
    date, clock, fraction, offset = match.groups()
    if offset not in _UTC_OFFSETS:
        return False
    # fromisoformat checks the ranges (month 13, hour 25); it reads at most microseconds.
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        datetime.fromisoformat(f"{date}T{clock}{(fraction or '')[:7]}{offset}")
    except ValueError:
        return False
    return True


def _check_data(event_type: str, data: Mapping[str, Any]) -> None:
    _require_str(data, "station_id")
    operator = data.get("operator")
    if not isinstance(operator, dict):
        raise EventError("data.operator must be an object with badge and name")
    _require_str(operator, "badge", "data.operator.")
    _require_str(operator, "name", "data.operator.")
    # Every event names its order; a return's RMA is null for a parcel that came without one.
    _require_str(data, "order_number")
    if event_type in RETURN_TYPES:
        _check_rma_number(data)
    if event_type == ORDER_PACKED and not isinstance(data.get("packages"), list):
        raise EventError("data.packages must be a list")
    if event_type == HANDED_OVER:
        package_no = data.get("package_no")
        if isinstance(package_no, bool) or not isinstance(package_no, int):
            raise EventError("data.package_no must be an integer")
    if event_type == ITEM_GRADED:
        _require_str(data, "sku")
        _require_choice(data, "grade", GRADES)
        _require_choice(data, "disposition", DISPOSITIONS)
    if event_type == RETURN_COMPLETED:
        _require_choice(data, "refund_recommendation", REFUND_RECOMMENDATIONS)


def _check_rma_number(data: Mapping[str, Any]) -> None:
    rma = data.get("rma_number", "")  # present, and null only when there is no RMA
    if rma is not None and (not isinstance(rma, str) or not rma):
        raise EventError("data.rma_number must be a non-empty string or null")


def _require_str(data: Mapping[str, Any], name: str, prefix: str = "data.") -> None:
    if not isinstance(data.get(name), str) or not data[name]:
        raise EventError(f"{prefix}{name} must be a non-empty string")


def _require_choice(data: Mapping[str, Any], name: str, choices: frozenset[str]) -> None:
    if data.get(name) not in choices:
        raise EventError(f"data.{name} must be one of {', '.join(sorted(choices))}")
