"""The routes of the backend API (backend-api.md): authorisation, routing and one function per
endpoint, from a Request to a Reply, with no sockets involved."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from station.refbackend.dataset import Dataset
from station.refbackend.ingest import EventIngestor
from station.refbackend.messages import Reply, Request, error_reply, json_reply
from station.refbackend.store import StateStore

EVENTS_TYPE = "application/cloudevents-batch+json"
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_BATCH = 1000

Handler = Callable[[Request, str], Reply]


class BackendApp:
    def __init__(self, dataset: Dataset, store: StateStore, ingestor: EventIngestor,
                 token: str | None) -> None:
        self._dataset = dataset
        self._store = store
        self._ingestor = ingestor
        self._token = token.encode("utf-8") if token else None
        self._routes: list[tuple[re.Pattern[str], tuple[str, ...], Handler]] = [
            (re.compile(r"/v1/catalog"), ("GET",), self._catalog),
            (re.compile(r"/v1/orders/([^/]+)"), ("GET",), self._order),
            (re.compile(r"/v1/returns"), ("GET",), self._return_by_tracking),
            (re.compile(r"/v1/returns/([^/]+)"), ("GET",), self._return),
            (re.compile(r"/v1/events"), ("POST",), self._events),
            (re.compile(r"/v1/shipments"), ("POST",), self._shipments),
        ]

    def handle(self, request: Request) -> Reply:
        if not self._authorised(request):
            return error_reply(401, "missing or wrong bearer token",
                               (("WWW-Authenticate", 'Bearer realm="station"'),))
        for pattern, methods, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            if request.method not in methods:
                return error_reply(405, f"method {request.method} not allowed",
                                   (("Allow", ", ".join(methods)),))
            return handler(request, unquote(match.group(1)) if match.groups() else "")
        return error_reply(404, f"no such resource {request.path}")

    def _authorised(self, request: Request) -> bool:
        if self._token is None:
            return True
        scheme, _, credentials = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(credentials.strip().encode("utf-8"), self._token)

    def _catalog(self, request: Request, _: str) -> Reply:
        etag = self._dataset.catalog_etag
        headers = (("ETag", etag), ("Cache-Control", "no-cache"))
        if _etag_matches(request.header("if-none-match"), etag):
            return Reply(304, headers=headers)
        return Reply(200, self._dataset.catalog_body, headers=headers)

    def _order(self, _: Request, order_number: str) -> Reply:
        order = self._dataset.orders.get(order_number)
        if order is None:
            return error_reply(404, f"unknown order {order_number}")
        return json_reply(200, self._with_status("order", order_number, order))

    def _return(self, _: Request, rma_number: str) -> Reply:
        rma = self._dataset.returns.get(rma_number)
        if rma is None:
            return error_reply(404, f"unknown return {rma_number}")
        return json_reply(200, self._with_status("return", rma_number, rma))

    def _return_by_tracking(self, request: Request, _: str) -> Reply:
        values = request.query.get("tracking")
        if not values:
            return error_reply(400, "the tracking query parameter is required")
        rma = self._dataset.return_by_tracking(values[0])
        if rma is None:
            return error_reply(404, f"no return with tracking number {values[0]}")
        return json_reply(200, self._with_status("return", rma["rma_number"], rma))

    def _with_status(self, kind: str, key: str, item: Mapping[str, Any]) -> dict[str, Any]:
        status = self._store.status(kind, key)
        return {**item, "status": status} if status else dict(item)

    def _events(self, request: Request, _: str) -> Reply:
        media_type = (request.header("content-type") or "").split(";")[0].strip().lower()
        if media_type != EVENTS_TYPE:
            return error_reply(415, f"Content-Type must be {EVENTS_TYPE}")
        if request.content_length is None:
            return error_reply(411, "Content-Length is required")
        if request.content_length > MAX_BODY_BYTES:
            return error_reply(413, f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            batch = json.loads(request.body.decode("utf-8"))
        except ValueError as exc:  # also UnicodeDecodeError
            return error_reply(400, f"body is not UTF-8 JSON: {exc}")
        if not isinstance(batch, list):
            return error_reply(400, "body must be a JSON array of CloudEvents")
        if len(batch) > MAX_BATCH:
            return error_reply(413, f"more than {MAX_BATCH} events in one batch")
        return json_reply(200, {"results": self._ingestor.ingest(batch)})

    def _shipments(self, _: Request, __: str) -> Reply:
        return error_reply(501, "label service not available")


def _etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): a W/ prefix does not matter."""
    if not header:
        return False
    candidates = [tag.strip() for tag in header.split(",")]
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in candidates)
