"""Orders fetched once and cached, and the catalog kept current with ETags and kept across restarts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from station.refbackend import ReferenceBackend, Reply, Request
from station.refbackend.messages import json_reply
from station.storage.cache import cached_order
from station.storage.db import Database
from station.sync.catalog import CatalogHolder, CatalogRefresher, LookupFailed, OrderLookup
from station.sync.client import BackendClient, BackendError, BackendUnreachable


@pytest.fixture
def client(refbackend: ReferenceBackend, backend_token: str) -> Iterator[BackendClient]:
    backend = BackendClient(refbackend.url, token=backend_token, station_id="PACK-01", timeout_s=2)
    yield backend
    backend.close()


def answer(path_prefix: str, reply: Reply) -> Callable[[Request], Reply | None]:
    return lambda request: reply if request.path.startswith(path_prefix) else None


# -- orders ------------------------------------------------------------------------------------------

def test_fetched_order_is_cached(db: Database, client: BackendClient) -> None:
    order, fresh = OrderLookup(db, client).find("SO-100234")

    assert fresh is True
    assert order.order_number == "SO-100234" and order.status == "ready"
    assert order.customer.name == "Zoë Müller"
    with db.read() as session:
        body = cached_order(session, "SO-100234")
    assert body is not None and body["order_number"] == "SO-100234"


def test_unknown_order(db: Database, client: BackendClient) -> None:
    with pytest.raises(LookupFailed, match=r"^unknown order SO-1$"):
        OrderLookup(db, client).find("SO-1")


def test_backend_stopped_cached_order_still_answers(db: Database, refbackend: ReferenceBackend,
                                                    client: BackendClient) -> None:
    lookup = OrderLookup(db, client)
    online, _ = lookup.find("SO-100234")
    refbackend.stop()

    order, fresh = lookup.find("SO-100234")

    assert fresh is False
    assert order == online
    with pytest.raises(LookupFailed) as raised:
        lookup.find("SO-100235")
    assert str(raised.value) == "backend unreachable: order not in the local cache"


def test_without_a_backend_only_the_cache_answers(db: Database, client: BackendClient) -> None:
    OrderLookup(db, client).find("SO-100234")
    offline = OrderLookup(db, None)

    assert offline.find("SO-100234")[1] is False
    with pytest.raises(LookupFailed, match=r"^unknown order SO-100235 \(offline: not in the local cache\)$"):
        offline.find("SO-100235")


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b'["SO-100234"]', b"\xff\x00"])
def test_garbage_order_answer_fails_the_lookup_clearly(
        body: bytes, db: Database, refbackend: ReferenceBackend, client: BackendClient) -> None:
    refbackend.hooks.append(answer("/v1/orders/", Reply(200, body)))

    with pytest.raises(LookupFailed) as raised:
        OrderLookup(db, client).find("SO-100234")

    message = str(raised.value)
    assert message.startswith("backend sent ")  # malformed JSON / JSON that is not an object
    assert message.endswith("order not in the local cache")
    assert "unreachable" not in message  # the backend answered: it is not unreachable
    with db.read() as session:
        assert cached_order(session, "SO-100234") is None


def test_order_that_does_not_fit_the_contract(db: Database, refbackend: ReferenceBackend,
                                              client: BackendClient) -> None:
    refbackend.hooks.append(answer("/v1/orders/", json_reply(200, {
        "order_number": "SO-100234", "status": "ready", "lines": "two shirts"})))

    with pytest.raises(LookupFailed, match=r"^order SO-100234 from the backend is malformed: 'lines'"):
        OrderLookup(db, client).find("SO-100234")
    with db.read() as session:
        assert cached_order(session, "SO-100234") is None  # nothing half-read is kept


def test_garbage_answer_falls_back_to_the_cached_order(db: Database, refbackend: ReferenceBackend,
                                                       client: BackendClient) -> None:
    lookup = OrderLookup(db, client)
    lookup.find("SO-100234")
    refbackend.hooks.append(answer("/v1/orders/", Reply(200, b"{oops")))

    order, fresh = lookup.find("SO-100234")

    assert (order.order_number, fresh) == ("SO-100234", False)


# -- catalog -----------------------------------------------------------------------------------------

def test_catalog_refresh_uses_the_etag(db: Database, refbackend: ReferenceBackend,
                                       client: BackendClient) -> None:
    etags: list[str | None] = []
    refbackend.hooks.append(lambda request: etags.append(request.header("if-none-match")))
    holder = CatalogHolder(db)
    assert holder.current().version == ""

    assert holder.refresh(client) is True
    assert holder.current().version == "2026-11-22T08:00:00Z"
    match = holder.current().match("04006381333931")
    assert match is not None and match.product.sku == "TSHIRT-BLK-M"

    assert holder.refresh(client) is False  # 304 Not Modified
    assert etags[0] is None and etags[1] is not None and etags[1].startswith('"')


def test_catalog_kept_after_restart_with_the_backend_down(
        db: Database, refbackend: ReferenceBackend, client: BackendClient,
        refbackend_factory: Callable[..., ReferenceBackend]) -> None:
    first = CatalogHolder(db)
    first.refresh(client)
    port = int(refbackend.url.rsplit(":", 1)[1])
    refbackend.stop()

    restarted = CatalogHolder(Database(db.url))  # a new process on the same database
    try:
        assert restarted.current().version == first.current().version
        assert set(restarted.current().products) == set(first.current().products)
        assert restarted.current().match("073566042135") is not None
        with pytest.raises(BackendUnreachable):
            restarted.refresh(client)
        assert restarted.current().version == first.current().version

        refbackend_factory(port=port)
        assert restarted.refresh(client) is False  # the stored ETag still matches: 304
    finally:
        restarted._db.dispose()


def test_catalog_that_does_not_fit_is_refused_and_the_old_one_kept(
        db: Database, refbackend: ReferenceBackend, client: BackendClient) -> None:
    holder = CatalogHolder(db)
    holder.refresh(client)
    refbackend.hooks.append(answer("/v1/catalog", json_reply(200, {"version": "v9", "products": 3},
                                                             (("ETag", '"v9"'),))))

    with pytest.raises(BackendError, match="does not fit the contract"):
        holder.refresh(client)

    assert holder.current().version == "2026-11-22T08:00:00Z"
    assert CatalogHolder(db).current().version == "2026-11-22T08:00:00Z"


def test_catalog_refresher_reports_each_result(db: Database, refbackend: ReferenceBackend,
                                               client: BackendClient) -> None:
    results: list[tuple[bool, str]] = []
    refresher = CatalogRefresher(CatalogHolder(db), client, 300, lambda ok, msg: results.append((ok, msg)))

    refresher.refresh_now()
    refresher.refresh_now()
    refbackend.stop()
    refresher.refresh_now()

    assert results[:2] == [(True, "catalog updated"), (True, "catalog current")]
    assert results[2][0] is False and results[2][1].startswith("backend unreachable at ")
