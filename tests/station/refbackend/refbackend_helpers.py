"""Shared helpers for the reference backend tests: the demo data path and valid events."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

DEMO_DATA = Path(__file__).resolve().parents[3] / "resources" / "demo" / "backend-data.json"
EVENTS_TYPE = "application/cloudevents-batch+json"


def make_event(event_type: str, subject: str, data: dict[str, Any], /, *, seq: int = 1,
               station: str = "PACK-01", **envelope: Any) -> dict[str, Any]:
    """A valid CloudEvent per events.md; keyword arguments override envelope attributes."""
    operator = {"badge": "EMP-1001", "name": "Ana Silva"}
    event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": f"urn:station:{station}",
             "type": event_type, "subject": subject, "time": "2026-11-22T14:03:07Z",
             "datacontenttype": "application/json", "stationseq": seq,
             "data": {"station_id": station, "operator": operator, **data}}
    event.update(envelope)
    return event


def packed(order_number: str = "SO-100234", **envelope: Any) -> dict[str, Any]:
    data = {"order_number": order_number, "packed_at": "2026-11-22T14:03:07Z", "duration_s": 74,
            "packages": [{"package_no": 1, "box": "BOX-S", "weight_g": 712,
                          "expected_weight_g": 700, "tracking_number": "00340434161094042557",
                          "carrier": "DHL", "items": []}],
            "inserts": [], "skipped_inserts": [], "short_items": [], "override": None}
    return make_event("station.order.packed", order_number, data, **envelope)
