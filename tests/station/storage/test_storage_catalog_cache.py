"""The stored catalog (save and load the demo catalog) and the cache of backend orders."""

from __future__ import annotations

import json
from typing import Any

import pytest

from station.demo import DEMO_DATA
from station.domain.catalog import Catalog, Product, parse_catalog
from station.storage.cache import cache_order, cached_order, set_cached_order_status
from station.storage.catalog_store import load_catalog, save_catalog
from station.storage.db import Database


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return json.loads(DEMO_DATA.read_text(encoding="utf-8"))


def _products(catalog: Catalog) -> dict[str, tuple[Any, ...]]:
    # Barcodes and components come back in no particular order: compare them as sets.
    def key(product: Product) -> tuple[Any, ...]:
        return (product.name, product.weight_g, product.tracking, product.is_kit,
                frozenset(product.barcodes), frozenset(product.components))
    return {sku: key(product) for sku, product in catalog.products.items()}


def test_demo_catalog_round_trip(db: Database, demo: dict[str, Any]) -> None:
    original = parse_catalog(demo["catalog"])
    with db.unit_of_work() as session:
        save_catalog(session, original, '"etag-1"')

    with db.read() as session:
        loaded, etag = load_catalog(session)

    assert etag == '"etag-1"'
    assert loaded.version == original.version
    assert _products(loaded) == _products(original)
    assert loaded.inserts == original.inserts
    assert loaded.boxes == original.boxes
    assert loaded.staff == original.staff
    assert any(p.is_kit for p in loaded.products.values())


def test_gtin_match_survives_the_round_trip(db: Database, demo: dict[str, Any]) -> None:
    with db.unit_of_work() as session:
        save_catalog(session, parse_catalog(demo["catalog"]), None)
    with db.read() as session:
        loaded, etag = load_catalog(session)

    assert etag is None
    # EAN-13 4006381333931 stored; its GTIN-14 and a GS1-style 14-digit form match.
    for code in ("4006381333931", "04006381333931"):
        match = loaded.match(code)
        assert match is not None and (match.product.sku, match.quantity) == ("TSHIRT-BLK-M", 1)
    case = loaded.match("14006381333938")
    assert case is not None and (case.product.sku, case.quantity) == ("TSHIRT-BLK-M", 12)
    # UPC-A 073566042135 stored; EAN-13 and GTIN-14 forms are the same item.
    for code in ("073566042135", "0073566042135", "00073566042135"):
        match = loaded.match(code)
        assert match is not None and match.product.sku == "JEANS-SLIM-32"
    assert loaded.match("4006381333932") is None  # wrong check digit


def test_saving_replaces_the_previous_catalog(db: Database, demo: dict[str, Any]) -> None:
    with db.unit_of_work() as session:
        save_catalog(session, parse_catalog(demo["catalog"]), '"old"')
    smaller = {"version": "v2", "products": [
        {"sku": "ONLY-1", "name": "Only one", "barcodes": [{"code": "40039947"}]}]}
    with db.unit_of_work() as session:
        save_catalog(session, parse_catalog(smaller), '"new"')

    with db.read() as session:
        loaded, etag = load_catalog(session)
    assert (loaded.version, etag) == ("v2", '"new"')
    assert set(loaded.products) == {"ONLY-1"}
    assert loaded.inserts == {} and loaded.boxes == {} and loaded.staff == {}
    match = loaded.match("40039947")
    assert match is not None and match.product.sku == "ONLY-1"


def test_no_stored_catalog_loads_empty(db: Database) -> None:
    with db.read() as session:
        loaded, etag = load_catalog(session)
    assert (loaded.version, loaded.products, etag) == ("", {}, None)


def test_order_cache(db: Database, demo: dict[str, Any]) -> None:
    order = next(o for o in demo["orders"] if o["order_number"] == "SO-100234")
    with db.unit_of_work() as session:
        assert cached_order(session, "SO-100234") is None
        cache_order(session, order)
    with db.read() as session:
        assert cached_order(session, "SO-100234") == order
        assert cached_order(session, "SO-999999") is None

    with db.unit_of_work() as session:
        set_cached_order_status(session, "SO-100234", "packed")
        set_cached_order_status(session, "SO-999999", "packed")  # not cached: nothing happens
    with db.read() as session:
        assert cached_order(session, "SO-100234") == {**order, "status": "packed"}
        assert cached_order(session, "SO-999999") is None

    with db.unit_of_work() as session:
        cache_order(session, {**order, "notes": "fresh copy"})  # a newer fetch replaces it
    with db.read() as session:
        assert cached_order(session, "SO-100234") == {**order, "notes": "fresh copy"}
