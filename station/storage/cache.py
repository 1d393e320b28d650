"""Orders and returns fetched from the backend, kept so that they can be worked on offline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.storage.models import CachedOrderRow, CachedReturnRow


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


def cache_return(session: Session, body: dict[str, Any]) -> None:
    row = session.get(CachedReturnRow, body["rma_number"])
    now = datetime.now(UTC)
    values = {"order_number": body["order_number"], "status": body["status"], "body": body,
              "return_tracking_number": body.get("return_tracking_number"), "fetched_at": now}
    if row is None:
        session.add(CachedReturnRow(rma_number=body["rma_number"], **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)


def cached_return(session: Session, *, rma_number: str | None = None,
                  tracking_number: str | None = None) -> dict[str, Any] | None:
    if rma_number is not None:
        row = session.get(CachedReturnRow, rma_number)
    else:
        row = session.execute(select(CachedReturnRow).where(
            CachedReturnRow.return_tracking_number == tracking_number).limit(1)).scalar_one_or_none()
    return dict(row.body) if row is not None else None
