"""Orders and returns fetched from the backend, kept so that they can be worked on offline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from station.storage.models import CachedOrderRow


def cache_order(session: Session, body: dict[str, Any]) -> None:
    row = session.get(CachedOrderRow, body["order_number"])
    now = datetime.now(UTC)
    if row is None:
        session.add(CachedOrderRow(order_number=body["order_number"], status=body["status"],
                                   body=body, fetched_at=now))
    else:
        row.status, row.body, row.fetched_at = body["status"], body, now


def cached_order(session: Session, order_number: str) -> dict[str, Any] | None:
    row = session.get(CachedOrderRow, order_number)
    return dict(row.body) if row is not None else None


def set_cached_order_status(session: Session, order_number: str, status: str) -> None:
    """Record locally what the station did, so a re-scan warns before the backend says so."""
    row = session.get(CachedOrderRow, order_number)
    if row is not None:
        row.status = status
        row.body = {**row.body, "status": status}
