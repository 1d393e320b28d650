"""The catalog kept current (ETag refresh, last good copy in the database) and orders fetched once.

Offline, the last stored catalog and every cached order still work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from station.domain.catalog import Catalog, parse_catalog
from station.domain.orders import Order, parse_order
from station.domain.parsing import DataError
from station.storage.cache import cache_order, cached_order
from station.storage.catalog_store import load_catalog, save_catalog
from station.storage.db import Database
from station.sync.client import BackendClient, BackendError, BackendUnreachable

log = logging.getLogger(__name__)


class LookupFailed(Exception):
    """An order could not be found; the message is for the operator."""


class CatalogHolder:
    """The current catalog: swapped whole on refresh, so readers on other threads see one version."""

    def __init__(self, db: Database) -> None:
        self._db = db
        with db.read() as session:
            self._catalog, self._etag = load_catalog(session)

    def current(self) -> Catalog:
        return self._catalog

    def refresh(self, client: BackendClient) -> bool:
        """Fetch the catalog if it changed; True when a new one was stored. Raises BackendError."""
        fetched = client.get_catalog(self._etag)
        if fetched.body is None:
            return False
        try:
            catalog = parse_catalog(fetched.body)
        except DataError as exc:
            raise BackendError(f"backend sent a catalog that does not fit the contract: {exc}") from None
        with self._db.unit_of_work() as session:
            save_catalog(session, catalog, fetched.etag)
        self._catalog, self._etag = catalog, fetched.etag
        return True

    def install(self, body: dict[str, Any]) -> None:
        """Store a catalog from a file (demo profile, first start without a backend)."""
        catalog = parse_catalog(body)
        with self._db.unit_of_work() as session:
            save_catalog(session, catalog, None)
        self._catalog, self._etag = catalog, None


class OrderLookup:
    """Orders from the backend, cached; the cache answers when the backend cannot."""

    def __init__(self, db: Database, client: BackendClient | None) -> None:
        self._db, self._client = db, client

    def find(self, order_number: str) -> tuple[Order, bool]:
        """The order and whether it came fresh from the backend. Raises LookupFailed."""
        body: dict[str, Any] | None = None
        fresh = False
        offline_reason = "no backend configured"
        unreachable = True
        if self._client is not None:
            try:
                body = self._client.get_order(order_number)
                if body is None:
                    raise LookupFailed(f"unknown order {order_number}")
                fresh = True
            except BackendUnreachable as exc:
                offline_reason = str(exc)
            except BackendError as exc:  # it answered, but with bad credentials or bad data
                offline_reason, unreachable = str(exc), False
        if body is not None:
            order = _parse(body, order_number)
            with self._db.unit_of_work() as session:
                cache_order(session, body)
            return order, fresh
        with self._db.read() as session:
            body = cached_order(session, order_number)
        if body is None:
            if self._client is None:
                raise LookupFailed(f"unknown order {order_number} (offline: not in the local cache)")
            log.info("order %s not cached and backend unavailable: %s", order_number, offline_reason)
            reason = "backend unreachable" if unreachable else offline_reason
            raise LookupFailed(f"{reason}: order not in the local cache")
        return _parse(body, order_number), False


def _parse(body: dict[str, Any], order_number: str) -> Order:
    try:
        return parse_order(body)
    except DataError as exc:
        raise LookupFailed(f"order {order_number} from the backend is malformed: {exc}") from None


class CatalogRefresher:
    """Refreshes the catalog every `interval_s` on its own thread; reports reachability."""

    def __init__(self, holder: CatalogHolder, client: BackendClient, interval_s: float,
                 on_result: Callable[[bool, str], None]) -> None:
        self._holder, self._client, self._interval = holder, client, interval_s
        self._on_result = on_result
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh_now(self) -> None:
        try:
            changed = self._holder.refresh(self._client)
            self._on_result(True, "catalog updated" if changed else "catalog current")
        except BackendError as exc:
            self._on_result(False, str(exc))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="catalog-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.refresh_now()
