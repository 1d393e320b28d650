"""The `data` of station.return.received, station.return.item_graded and station.return.completed
(events.md), built from the return and its state. Times are RFC 3339 strings, as in packed_event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from station.domain.returns import ReturnAuth
from station.workflows.returns import GradedUnit, ReturnState, missing, refund_recommendation, unexpected

RETURN_RECEIVED = "station.return.received"
ITEM_GRADED = "station.return.item_graded"
RETURN_COMPLETED = "station.return.completed"


def received_data(rma: ReturnAuth, tracking_number: str | None, received_at: str, station_id: str,
                  operator: Mapping[str, str]) -> dict[str, Any]:
    """`tracking_number`: the one the parcel was found by, else the RMA's own, else null."""
    return {
        "rma_number": rma.rma_number, "order_number": rma.order_number,
        "tracking_number": tracking_number or rma.return_tracking_number,
        "received_at": received_at, "station_id": station_id, "operator": _operator(operator),
    }


def graded_data(state: ReturnState, unit: GradedUnit, graded_at: str, station_id: str,
                operator: Mapping[str, str]) -> dict[str, Any]:
    return {
        "rma_number": state.rma.rma_number, "order_number": state.rma.order_number,
        "line_id": unit.line_id, "sku": unit.sku, "serial": unit.serial, "lot": unit.lot,
        "expected": unit.expected, "serial_matches_shipment": unit.serial_matches_shipment,
        "grade": unit.grade, "defects": list(unit.defects), "disposition": unit.disposition,
        "lpn": unit.lpn, "notes": unit.notes,
        "graded_at": graded_at, "station_id": station_id, "operator": _operator(operator),
    }


def completed_data(state: ReturnState, completed_at: str, station_id: str,
                   operator: Mapping[str, str]) -> dict[str, Any]:
    """`items` lists every recorded unit, unexpected ones too (each says whether it was expected).

    The unit under inspection must be recorded first: ValueError otherwise.
    """
    if state.current is not None:
        raise ValueError(f"record the unit under inspection ({state.current.sku}) before completing")
    return {
        "rma_number": state.rma.rma_number, "order_number": state.rma.order_number,
        "completed_at": completed_at,
        "items": [{"sku": u.sku, "grade": u.grade, "disposition": u.disposition, "lpn": u.lpn,
                   "expected": u.expected} for u in state.units],
        "missing": [{"line_id": m.line_id, "sku": m.sku, "quantity": m.quantity} for m in missing(state)],
        "unexpected": [{"sku": u.sku, "lpn": u.lpn} for u in unexpected(state)],
        "refund_recommendation": refund_recommendation(state),
        "station_id": station_id, "operator": _operator(operator),
    }


def _operator(operator: Mapping[str, str]) -> dict[str, str]:
    return {"badge": operator["badge"], "name": operator["name"]}
