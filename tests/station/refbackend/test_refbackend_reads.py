"""GET endpoints of the reference backend, auth, routing errors, over real loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from refbackend_helpers import DEMO_DATA

from station.refbackend import ReferenceBackend, Reply, Request


def test_catalog_is_the_data_files_catalog_with_a_strong_etag(backend: ReferenceBackend) -> None:
    reply = requests.get(f"{backend.url}/v1/catalog", timeout=5)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    etag = reply.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    expected = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["catalog"]
    assert reply.json() == expected


def test_catalog_if_none_match_answers_304(backend: ReferenceBackend) -> None:
    etag = requests.get(f"{backend.url}/v1/catalog", timeout=5).headers["ETag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        reply = requests.get(f"{backend.url}/v1/catalog", headers={"If-None-Match": header},
                             timeout=5)
        assert reply.status_code == 304, header
        assert reply.content == b""
        assert reply.headers["ETag"] == etag
    stale = requests.get(f"{backend.url}/v1/catalog", headers={"If-None-Match": '"stale"'},
                         timeout=5)
    assert stale.status_code == 200


def test_etag_is_stable_across_restarts(db_path: Path, backend: ReferenceBackend) -> None:
    first = requests.get(f"{backend.url}/v1/catalog", timeout=5).headers["ETag"]
    with ReferenceBackend(DEMO_DATA, db_path.with_name("other.sqlite")) as again:
        assert requests.get(f"{again.url}/v1/catalog", timeout=5).headers["ETag"] == first


def test_order_found_in_utf8(backend: ReferenceBackend) -> None:
    reply = requests.get(f"{backend.url}/v1/orders/SO-100234", timeout=5)
    assert reply.status_code == 200
    assert "Zoë Müller".encode() in reply.content  # raw UTF-8, not \\u escapes
    order = reply.json()
    assert order["order_number"] == "SO-100234"
    assert order["status"] == "ready"
    assert [line["sku"] for line in order["lines"]] == ["TSHIRT-BLK-M", "GIFTSET-1"]


def test_unknown_order_is_404_with_json_error(backend: ReferenceBackend) -> None:
    reply = requests.get(f"{backend.url}/v1/orders/SO-1", timeout=5)
    assert reply.status_code == 404
    assert reply.json() == {"error": "unknown order SO-1"}


def test_return_by_rma_and_by_tracking(backend: ReferenceBackend) -> None:
    by_rma = requests.get(f"{backend.url}/v1/returns/RMA-5001", timeout=5)
    assert by_rma.status_code == 200
    assert by_rma.json()["order_number"] == "SO-100242"
    for tracking in ("1Z999AA10123456784", "1Z 999 AA1 01 2345 678 4"):
        reply = requests.get(f"{backend.url}/v1/returns", params={"tracking": tracking},
                             timeout=5)
        assert reply.status_code == 200, tracking
        assert reply.json()["rma_number"] == "RMA-5001"


def test_unknown_return_is_404(backend: ReferenceBackend) -> None:
    assert requests.get(f"{backend.url}/v1/returns/RMA-1", timeout=5).status_code == 404
    reply = requests.get(f"{backend.url}/v1/returns", params={"tracking": "1Z999AA10123456785"},
                         timeout=5)
    assert reply.status_code == 404
    assert "error" in reply.json()
    assert requests.get(f"{backend.url}/v1/returns", timeout=5).status_code == 400


def test_shipments_not_available(backend: ReferenceBackend) -> None:
    reply = requests.post(f"{backend.url}/v1/shipments", json={"order_number": "SO-100234"},
                          timeout=5)
    assert reply.status_code == 501
    assert reply.json() == {"error": "label service not available"}


def test_unknown_path_404_and_wrong_method_405(backend: ReferenceBackend) -> None:
    assert requests.get(f"{backend.url}/v2/catalog", timeout=5).status_code == 404
    assert requests.get(f"{backend.url}/v1/orders", timeout=5).status_code == 404
    wrong = requests.post(f"{backend.url}/v1/catalog", json={}, timeout=5)
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "GET"
    assert "error" in wrong.json()
    assert requests.get(f"{backend.url}/v1/events", timeout=5).status_code == 405
    assert requests.delete(f"{backend.url}/v1/orders/SO-100234", timeout=5).status_code == 405


def test_token_required_when_configured(db_path: Path) -> None:
    token = "s3cret-token-value"
    with ReferenceBackend(DEMO_DATA, db_path, token=token) as server:
        url = f"{server.url}/v1/orders/SO-100234"
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}):
            reply = requests.get(url, headers=headers, timeout=5)
            assert reply.status_code == 401
            assert token not in reply.text
        assert requests.get(f"{server.url}/nowhere", timeout=5).status_code == 401
        ok = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert ok.status_code == 200


def test_internal_error_answers_500_json(backend: ReferenceBackend) -> None:
    def broken(_: Request) -> Reply | None:
        raise RuntimeError("boom")

    backend.hooks.append(broken)
    reply = requests.get(f"{backend.url}/v1/catalog", timeout=5)
    assert reply.status_code == 500
    assert reply.json() == {"error": "internal error"}
    backend.hooks.clear()
    assert requests.get(f"{backend.url}/v1/catalog", timeout=5).status_code == 200


def test_a_hook_reply_answers_in_place_of_the_route(backend: ReferenceBackend) -> None:
    backend.hooks.append(lambda r: Reply(503) if r.path == "/v1/events" else None)
    assert requests.post(f"{backend.url}/v1/events", timeout=5).status_code == 503
    assert requests.get(f"{backend.url}/v1/catalog", timeout=5).status_code == 200


def test_stop_closes_the_port(db_path: Path) -> None:
    server = ReferenceBackend(DEMO_DATA, db_path)
    server.start()
    with requests.Session() as session:
        assert session.get(f"{server.url}/v1/catalog", timeout=5).status_code == 200
        server.stop()
        server.stop()  # twice is fine
        try:
            session.get(f"{server.url}/v1/catalog", timeout=2)
        except requests.ConnectionError:
            pass
        else:
            raise AssertionError("a stopped backend still answered")
