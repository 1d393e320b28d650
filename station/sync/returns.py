"""Finding the return a parcel belongs to: by RMA, by its normalised tracking number, or by its
order (an unannounced return). Found RMAs are cached, so the cache answers when the backend cannot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station.domain.classify import ReturnLookup as Lookup
from station.domain.parsing import DataError
from station.domain.returns import ReturnAuth, parse_return, unannounced_return
from station.storage.cache import cache_return, cached_return
from station.storage.db import Database
from station.sync.catalog import LookupFailed, OrderLookup
from station.sync.client import BackendClient, BackendError


@dataclass(frozen=True)
class FoundReturn:
    rma: ReturnAuth
    source_kind: str  # "rma" | "order"
    source: dict[str, Any]  # the body it was read from, kept with the session
    tracking_number: str | None  # the tracking number it was found by, if any


class ReturnFinder:
    def __init__(self, db: Database, client: BackendClient | None, orders: OrderLookup) -> None:
        self._db, self._client, self._orders = db, client, orders

    def find(self, lookups: tuple[Lookup, ...]) -> FoundReturn:
        """Try each lookup in turn; the first that finds something wins. Raises LookupFailed."""
        reasons: list[str] = []
        for lookup in lookups:
            try:
                found = self._one(lookup)
            except LookupFailed as exc:
                reasons.append(str(exc))
                continue
            if found is not None:
                return found
        tried = " / ".join(lookup.value for lookup in lookups[:3])
        offline = next((r for r in reasons if "unreachable" in r), None)
        raise LookupFailed(offline or f"no return found for {tried}")

    def _one(self, lookup: Lookup) -> FoundReturn | None:
        if lookup.kind == "order":
            order, _fresh = self._orders.find(lookup.value)
            source = {"order_number": order.order_number}
            return FoundReturn(unannounced_return(order), "order", source, None)
        body = self._fetch(lookup)
        if body is None:
            return None
        try:
            rma = parse_return(body)
        except DataError as exc:
            raise LookupFailed(f"return {lookup.value} from the backend is malformed: {exc}") from None
        tracking = lookup.value if lookup.kind == "tracking" else rma.return_tracking_number
        return FoundReturn(rma, "rma", body, tracking)

    def _fetch(self, lookup: Lookup) -> dict[str, Any] | None:
        by_rma = lookup.kind == "rma"
        if self._client is not None:
            try:
                body = (self._client.get_return(lookup.value) if by_rma
                        else self._client.find_return_by_tracking(lookup.value))
            except BackendError:
                body = None  # the cache may know it
            else:
                if body is not None and isinstance(body.get("rma_number"), str):
                    with self._db.unit_of_work() as s:
                        cache_return(s, body)
                return body
        with self._db.read() as s:
            body = cached_return(s, rma_number=lookup.value) if by_rma else cached_return(
                s, tracking_number=lookup.value)
        if body is None and self._client is not None:
            raise LookupFailed("backend unreachable: return not in the local cache")
        return body
