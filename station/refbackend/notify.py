"""The customer notification a real backend would send for an accepted event, as one line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from station.refbackend import events as ev


def notification(event: Mapping[str, Any], order: Mapping[str, Any] | None,
                 rma: Mapping[str, Any] | None) -> str:
    """`notify customer <name> <email>: <what happened>` for an accepted event."""
    data: Mapping[str, Any] = event["data"]
    customer = (rma or {}).get("customer") or (order or {}).get("customer")
    return f"notify customer {_addressee(customer)}: {_message(event['type'], data)}"


def _addressee(customer: object) -> str:
    if not isinstance(customer, dict) or not customer.get("name"):
        return "(unknown customer)"
    email = customer.get("email")
    return f"{customer['name']} <{email}>" if email else str(customer["name"])


def _message(event_type: str, data: Mapping[str, Any]) -> str:
    station = data["station_id"]
    if event_type == ev.ORDER_PACKED:
        count = len(data["packages"])
        plural = "package" if count == 1 else "packages"
        return f"order {data['order_number']} packed at {station} ({count} {plural})"
    if event_type == ev.HANDED_OVER:
        carrier = f" with {data['carrier']}" if data.get("carrier") else ""
        tracking = f", tracking {data['tracking_number']}" if data.get("tracking_number") else ""
        return (f"order {data['order_number']} shipped{carrier}{tracking}"
                f" (package {data['package_no']})")
    subject = _return_subject(data)
    if event_type == ev.RETURN_RECEIVED:
        return f"{subject} received at {station}"
    if event_type == ev.ITEM_GRADED:
        return f"{subject}: unit {data['sku']} graded {data['grade']} ({data['disposition']})"
    return f"{subject} completed (refund recommendation: {data['refund_recommendation']})"


def _return_subject(data: Mapping[str, Any]) -> str:
    rma, order = data.get("rma_number"), data.get("order_number")
    if rma and order:
        return f"return {rma} for order {order}"
    return f"return {rma}" if rma else f"return for order {order}"
