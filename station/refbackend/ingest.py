"""Event intake for POST /v1/events: validate, deduplicate forever on (source, id), apply the
status change, and notify the customer once per accepted event."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from station.refbackend import events as ev
from station.refbackend.dataset import Dataset
from station.refbackend.notify import notification
from station.refbackend.store import StateStore, StatusChange

Result = dict[str, Any]


class EventIngestor:
    def __init__(self, dataset: Dataset, store: StateStore, emit: Callable[[str], None]) -> None:
        self._dataset = dataset
        self._store = store
        self._emit = emit
        # One event at a time, so that notifications come out in the order events were accepted
        # and two batches racing with the same event cannot both notify.
        self._lock = threading.Lock()

    def ingest(self, batch: Sequence[object]) -> list[Result]:
        return [self._one(raw) for raw in batch]

    def _one(self, raw: object) -> Result:
        try:
            event = ev.validate_event(raw)
        except ev.EventError as exc:
            return {"id": ev.event_id(raw), "status": "rejected", "error": str(exc)}
        with self._lock:
            # A known (source, id) is delivered, whatever the data says now.
            if self._store.seen(event["source"], event["id"]):
                return {"id": event["id"], "status": "duplicate"}
            order, rma = self._references(event["data"])
            try:
                _check_references(event["data"], order, rma)
            except ev.EventError as exc:
                return {"id": event["id"], "status": "rejected", "error": str(exc)}
            if not self._store.record(event, self._changes(event, order, rma)):
                return {"id": event["id"], "status": "duplicate"}
            self._emit(notification(event, order, rma))
        return {"id": event["id"], "status": "accepted"}

    def _references(self, data: Mapping[str, Any]) -> tuple[
            Mapping[str, Any] | None, Mapping[str, Any] | None]:
        order_number, rma_number = data.get("order_number"), data.get("rma_number")
        order = self._dataset.orders.get(order_number) if isinstance(order_number, str) else None
        rma = self._dataset.returns.get(rma_number) if isinstance(rma_number, str) else None
        return order, rma

    def _changes(self, event: Mapping[str, Any], order: Mapping[str, Any] | None,
                 rma: Mapping[str, Any] | None) -> list[StatusChange]:
        kind = event["type"]
        current = self._current
        if kind == ev.HANDED_OVER and order is not None:
            return [StatusChange("order", order["order_number"], "shipped")]
        # A hand-over reported before the pack (by another station) must not be undone.
        if kind == ev.ORDER_PACKED and order is not None and current("order", order) != "shipped":
            return [StatusChange("order", order["order_number"], "packed")]
        if kind == ev.RETURN_COMPLETED and rma is not None:
            return [StatusChange("return", rma["rma_number"], "closed")]
        # Only an open return becomes received; a closed one stays closed.
        if kind == ev.RETURN_RECEIVED and rma is not None and current("return", rma) == "open":
            return [StatusChange("return", rma["rma_number"], "received")]
        return []

    def _current(self, kind: str, item: Mapping[str, Any]) -> str:
        key = item["order_number"] if kind == "order" else item["rma_number"]
        return self._store.status(kind, key) or str(item.get("status"))


def _check_references(data: Mapping[str, Any], order: Mapping[str, Any] | None,
                      rma: Mapping[str, Any] | None) -> None:
    order_number, rma_number = data.get("order_number"), data.get("rma_number")
    if rma_number is not None and rma is None:
        raise ev.EventError(f"unknown return {rma_number}")
    if order_number is not None and order is None:
        raise ev.EventError(f"unknown order {order_number}")
    if rma is not None and order_number is not None and rma.get("order_number") != order_number:
        raise ev.EventError(
            f"return {rma_number} belongs to order {rma.get('order_number')}, not {order_number}")
