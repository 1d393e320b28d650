"""Insert rules and the insert plan: every condition, stock, ordering, malformed rules, the demo data."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.domain.catalog import Catalog, Component, Insert, Product, parse_catalog
from station.domain.inserts import OUT_OF_STOCK, PlannedInsert, plan_inserts, rule_holds
from station.domain.orders import Order, parse_order

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "backend-data.json"
TODAY = date(2026, 11, 22)

PRODUCTS = (
    Product("TSHIRT-BLK-M", "T-shirt"),
    Product("MUG-01", "Mug"),
    Product("TEA-05", "Tea"),
    Product("SCARF-WOOL-GRY", "Scarf"),
    Product("GIFTSET-1", "Gift set", components=(Component("MUG-01", 1), Component("TEA-05", 2))),
)

BASE_ORDER: dict[str, Any] = {
    "order_number": "SO-1", "status": "ready", "hold_reason": None,
    "channel": "web", "placed_at": "2026-11-21T18:22:10Z",
    "customer": {"id": "C-1", "name": "Zoë Müller", "email": None, "order_count": 1},
    "ship_to": {"name": "Zoë Müller", "company": None, "line1": "Hauptstraße 5", "line2": None,
                "city": "Berlin", "postcode": "10115", "region": None, "country": "DE", "phone": None},
    "tags": ["vip"], "total": {"amount": "89.90", "currency": "EUR"},
    "lines": [{"line_id": "1", "sku": "TSHIRT-BLK-M", "quantity": 2},
              {"line_id": "2", "sku": "GIFTSET-1", "quantity": 1}],
    "shipping": {"carrier": "DHL", "service": "Paket", "tracking_number": None},
    "gift_message": None, "notes": None,
}


def make_order(**changes: Any) -> Order:
    """The base order with changes by dotted path: make_order(**{"customer.order_count": 2})."""
    body = copy.deepcopy(BASE_ORDER)
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[key]
        target[last] = value
    return parse_order(body)


EMPTY: Any = object()


def make_catalog(*inserts: Insert) -> Catalog:
    return Catalog("v1", PRODUCTS, inserts, (), ())


def insert(code: str = "INS-A", *, priority: int = 0, stock: int | None = None,
           max_per_order: int = 1, rule: Any = EMPTY) -> Insert:
    return Insert(code, f"{code} card", code, priority, stock, max_per_order,
                  {} if rule is EMPTY else rule)


def holds(rule: Any, order: Order | None = None, today: date = TODAY) -> bool:
    return rule_holds(rule, order or make_order(), make_catalog(), today)


# -- each condition, holding and not ------------------------------------------------------------

CONDITIONS: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    ("empty rule", {}, {}, True),
    ("first order", {"first_order": True}, {}, True),
    ("first order, second order", {"first_order": True}, {"customer.order_count": 2}, False),
    ("first order, count unknown (0)", {"first_order": True}, {"customer.order_count": 0}, False),
    ("not first order, first order", {"first_order": False}, {}, False),
    ("not first order, third order", {"first_order": False}, {"customer.order_count": 3}, True),
    ("not first order, count unknown (0)", {"first_order": False}, {"customer.order_count": 0}, True),
    ("min total below", {"min_total": "50.00"}, {}, True),
    ("min total equal counts as met", {"min_total": "89.90"}, {}, True),
    ("min total equal, other scale", {"min_total": "89.9"}, {}, True),
    ("min total one cent above", {"min_total": "89.91"}, {}, False),
    ("min total zero", {"min_total": "0"}, {}, True),
    ("min total, same currency named", {"min_total": "50.00", "currency": "EUR"}, {}, True),
    ("min total, currency in lower case", {"min_total": "50.00", "currency": "eur"}, {}, True),
    ("min total, other currency", {"min_total": "50.00", "currency": "USD"}, {}, False),
    ("min total, other currency even when far above", {"min_total": "1", "currency": "CHF"}, {}, False),
    ("min total defaults to the order's currency", {"min_total": "50.00"}, {"total.currency": "USD"}, True),
    ("min total, order without a total", {"min_total": "0"}, {"total": None}, False),
    ("min total, order total has no amount", {"min_total": "0"}, {"total.amount": None}, False),
    ("min total, order total has no currency", {"min_total": "1", "currency": "EUR"},
     {"total.currency": None}, False),
    ("currency alone is no condition", {"currency": "EUR"}, {}, True),
    ("skus_any, a line sku", {"skus_any": ["TSHIRT-BLK-M"]}, {}, True),
    ("skus_any, the kit sku", {"skus_any": ["GIFTSET-1"]}, {}, True),
    ("skus_any, a kit component", {"skus_any": ["MUG-01"]}, {}, True),
    ("skus_any, another kit component", {"skus_any": ["SCARF-WOOL-GRY", "TEA-05"]}, {}, True),
    ("skus_any, no match", {"skus_any": ["SCARF-WOOL-GRY"]}, {}, False),
    ("skus_any, component without the kit", {"skus_any": ["MUG-01"]},
     {"lines": [{"line_id": "1", "sku": "TSHIRT-BLK-M", "quantity": 1}]}, False),
    ("skus_any, line not in the catalog", {"skus_any": ["NEW-SKU"]},
     {"lines": [{"line_id": "1", "sku": "NEW-SKU", "quantity": 1}]}, True),
    ("skus_any, empty list", {"skus_any": []}, {}, False),
    ("tags_any, match", {"tags_any": ["b2b", "vip"]}, {}, True),
    ("tags_any, no match", {"tags_any": ["b2b"]}, {}, False),
    ("tags_any, order without tags", {"tags_any": ["vip"]}, {"tags": []}, False),
    ("channels, match", {"channels": ["web", "pos"]}, {}, True),
    ("channels, no match", {"channels": ["wholesale"]}, {}, False),
    ("channels, order without a channel", {"channels": ["web"]}, {"channel": None}, False),
    ("countries, match", {"countries": ["AT", "DE"]}, {}, True),
    ("countries, rule in lower case", {"countries": ["de"]}, {}, True),
    ("countries, order in lower case", {"countries": ["DE"]}, {"ship_to.country": "de"}, True),
    ("countries, no match", {"countries": ["AT", "FR"]}, {}, False),
    ("valid_from today (inclusive)", {"valid_from": "2026-11-22"}, {}, True),
    ("valid_from yesterday", {"valid_from": "2026-11-21"}, {}, True),
    ("valid_from tomorrow", {"valid_from": "2026-11-23"}, {}, False),
    ("valid_to today (inclusive)", {"valid_to": "2026-11-22"}, {}, True),
    ("valid_to tomorrow", {"valid_to": "2026-11-23"}, {}, True),
    ("valid_to yesterday", {"valid_to": "2026-11-21"}, {}, False),
    ("valid for one day, today", {"valid_from": "2026-11-22", "valid_to": "2026-11-22"}, {}, True),
    ("max_per_order is no condition", {"max_per_order": 3}, {}, True),
]


@pytest.mark.parametrize(("rule", "changes", "expected"), [c[1:] for c in CONDITIONS],
                         ids=[c[0] for c in CONDITIONS])
def test_each_condition(rule: dict[str, Any], changes: dict[str, Any], expected: bool) -> None:
    order = make_order(**changes)
    assert holds(rule, order) is expected
    planned = plan_inserts(order, make_catalog(insert(rule=rule)), TODAY)
    assert [p.code for p in planned] == (["INS-A"] if expected else [])


def test_a_datetime_for_today_compares_by_its_date() -> None:
    assert holds({"valid_to": "2026-11-22"}, today=datetime(2026, 11, 22, 23, 59))
    assert not holds({"valid_from": "2026-11-23"}, today=datetime(2026, 11, 22, 23, 59))


# -- combinations: all must hold ----------------------------------------------------------------

ALL_HOLD: dict[str, Any] = {
    "first_order": True, "min_total": "50.00", "currency": "EUR", "skus_any": ["MUG-01"],
    "tags_any": ["vip"], "channels": ["web"], "countries": ["DE"],
    "valid_from": "2026-11-01", "valid_to": "2026-11-30", "max_per_order": 2,
}
ONE_FAILS = [
    ("first_order", False), ("min_total", "90.00"), ("currency", "USD"), ("skus_any", ["SCARF-WOOL-GRY"]),
    ("tags_any", ["b2b"]), ("channels", ["pos"]), ("countries", ["AT"]),
    ("valid_from", "2026-11-23"), ("valid_to", "2026-11-21"),
]


def test_a_rule_holds_when_every_condition_holds() -> None:
    assert holds(ALL_HOLD)


@pytest.mark.parametrize(("key", "value"), ONE_FAILS, ids=[k for k, _ in ONE_FAILS])
def test_one_failing_condition_fails_the_rule(key: str, value: Any) -> None:
    assert not holds({**ALL_HOLD, key: value})


# -- malformed rules: not required, never raising -----------------------------------------------

MALFORMED: list[Any] = [
    {"min_total": "abc"}, {"min_total": 50}, {"min_total": 50.0}, {"min_total": None}, {"min_total": ""},
    {"min_total": "NaN"}, {"min_total": "Infinity"}, {"min_total": "1e3"}, {"min_total": "50,00"},
    {"min_total": " 50"}, {"min_total": "5_0"}, {"min_total": "٥٠"}, {"min_total": ["50"]},
    {"min_total": "1", "currency": 978}, {"min_total": "1", "currency": ["EUR"]},
    {"valid_from": "2026-13-01"}, {"valid_to": "2026-02-30"}, {"valid_from": 20261122},
    {"valid_from": "20261122"}, {"valid_from": "2026-W47-7"}, {"valid_to": "2026-11-22T00:00:00"},
    {"valid_from": None}, {"valid_to": ["2026-11-22"]},
    {"skus_any": "TSHIRT-BLK-M"}, {"skus_any": [1]}, {"skus_any": ["TSHIRT-BLK-M", None]},
    {"skus_any": {"TSHIRT-BLK-M": 1}}, {"tags_any": None}, {"tags_any": "vip"},
    {"channels": {"web": True}}, {"channels": "web"}, {"countries": "DE"}, {"countries": [["DE"]]},
    {"first_order": "true"}, {"first_order": 1}, {"first_order": None},
    {"max_per_order": "two"}, {"max_per_order": 1.5}, {"max_per_order": float("inf")},
    {"max_per_order": float("nan")}, {"max_per_order": True},
    {"colour": "red"}, {"FIRST_ORDER": True}, {"": None}, {1: True}, {None: []},
    {"tags_any": ["vip"], "min_totl": "1"},
    "first_order", ["tags_any"], None, 42,
]


@pytest.mark.parametrize("rule", MALFORMED, ids=[repr(r) for r in MALFORMED])
def test_a_malformed_rule_does_not_hold_and_nothing_raises(rule: Any) -> None:
    assert holds(rule) is False
    planned = plan_inserts(make_order(), make_catalog(insert(rule=rule), insert("INS-OK")), TODAY)
    assert [p.code for p in planned] == ["INS-OK"]


def test_an_insert_built_from_odd_data_is_left_out_or_made_sane() -> None:
    odd = [Insert("INS-P", "P", "INS-P", cast(Any, "high")),
           Insert("INS-S", "S", "INS-S", 0, cast(Any, "10")),
           Insert("INS-M", "M", "INS-M", 0, None, cast(Any, None)),
           Insert("INS-Z", "Z", "INS-Z", 0, None, 0),
           Insert("INS-N", "N", "INS-N", 0, None, -3)]
    planned = plan_inserts(make_order(), make_catalog(*odd, insert("INS-OK", stock=5)), TODAY,
                           used=cast(Any, {"INS-OK": "lots"}))
    assert [(p.code, p.quantity) for p in planned] == [("INS-N", 1), ("INS-OK", 1), ("INS-Z", 1)]


# -- stock, used and max_per_order --------------------------------------------------------------

STOCK = [
    # stock, max_per_order, used, quantity, skip_reason
    (None, 1, {}, 1, None),
    (None, 3, {"INS-A": 1000}, 3, None),
    (0, 1, {}, 0, OUT_OF_STOCK),
    (0, 2, {"INS-A": 0}, 0, OUT_OF_STOCK),
    (-2, 1, {}, 0, OUT_OF_STOCK),
    (5, 2, {}, 2, None),
    (5, 2, {"INS-A": 3}, 2, None),
    (5, 2, {"INS-A": 4}, 1, None),
    (5, 2, {"INS-A": 5}, 0, OUT_OF_STOCK),
    (5, 2, {"INS-A": 9}, 0, OUT_OF_STOCK),
    (5, 2, {"INS-OTHER": 5}, 2, None),
    (5, 2, {"INS-A": -4}, 2, None),
    (1, 3, {}, 1, None),
]


@pytest.mark.parametrize(("stock", "max_per_order", "used", "quantity", "reason"), STOCK)
def test_stock_left_caps_the_quantity(stock: int | None, max_per_order: int, used: dict[str, int],
                                      quantity: int, reason: str | None) -> None:
    catalog = make_catalog(insert(stock=stock, max_per_order=max_per_order))
    assert plan_inserts(make_order(), catalog, TODAY, used) == (
        PlannedInsert("INS-A", "INS-A card", "INS-A", 0, quantity, reason),)


def test_used_defaults_to_nothing_used() -> None:
    catalog = make_catalog(insert(stock=3, max_per_order=2))
    assert plan_inserts(make_order(), catalog, TODAY)[0].quantity == 2


def test_an_out_of_stock_insert_whose_rule_fails_is_not_planned() -> None:
    catalog = make_catalog(insert(stock=0, rule={"tags_any": ["b2b"]}))
    assert plan_inserts(make_order(), catalog, TODAY) == ()


@pytest.mark.parametrize(("raw", "quantity"), [
    ({}, 1),
    ({"max_per_order": 2}, 2),
    ({"rule": {"max_per_order": 3}}, 3),
    ({"max_per_order": 2, "rule": {"max_per_order": 3}}, 2),
], ids=["default", "on the insert", "in the rule", "the insert's wins"])
def test_max_per_order_from_the_catalog(raw: dict[str, Any], quantity: int) -> None:
    body = {"version": "v1", "products": [],
            "inserts": [{"code": "INS-A", "name": "A", "barcode": "INS-A", "stock": None, **raw}]}
    (planned,) = plan_inserts(make_order(), parse_catalog(body), TODAY)
    assert planned.quantity == quantity


# -- ordering -----------------------------------------------------------------------------------

def test_higher_priority_first_and_ties_by_code() -> None:
    catalog = make_catalog(insert("INS-LOW", priority=1), insert("INS-B", priority=10),
                           insert("INS-TOP", priority=20), insert("INS-A", priority=10),
                           insert("INS-NEG", priority=-5), insert("INS-OUT", priority=15, stock=0),
                           insert("INS-NOT", priority=99, rule={"tags_any": ["b2b"]}))
    planned = plan_inserts(make_order(), catalog, TODAY)
    assert [p.code for p in planned] == ["INS-TOP", "INS-OUT", "INS-A", "INS-B", "INS-LOW", "INS-NEG"]
    assert [p.skip_reason for p in planned] == [None, OUT_OF_STOCK, None, None, None, None]


# -- the demo data ------------------------------------------------------------------------------

# Read from resources/demo/backend-data.json, today 2026-11-22:
#   INS-VIP (20) tags vip · INS-XMAS (15, stock 480, 2 per order) 11-15..12-24, AT BG CZ DE FR GR IT NL PL,
#   total >= 50.00 · INS-WELCOME (10) first order · INS-SAMPLE (5, stock 0) channel web ·
#   INS-CARE (1) skus SCARF-WOOL-GRY.
VIP, WELCOME, CARE = ("INS-VIP", 1, None), ("INS-WELCOME", 1, None), ("INS-CARE", 1, None)
XMAS, SAMPLE = ("INS-XMAS", 2, None), ("INS-SAMPLE", 0, OUT_OF_STOCK)
DEMO_PLANS = {
    "SO-100234": [VIP, XMAS, WELCOME, SAMPLE],   # first order, vip, DE, 89.90 EUR, web
    "SO-100235": [XMAS, SAMPLE, CARE],           # 4th order, GR, 175.70, scarf
    "SO-100236": [XMAS, SAMPLE],                 # 2nd order, BG, 161.70
    "SO-100237": [XMAS, SAMPLE],                 # 2nd order, AT, 107.40
    "SO-100238": [XMAS, WELCOME, SAMPLE],        # first order, CZ, 214.90 (on hold: still planned)
    "SO-100239": [XMAS, SAMPLE],                 # FR, 83.20
    "SO-100240": [SAMPLE],                       # NL, 42.80: below 50.00
    "SO-100241": [XMAS],                         # wholesale, b2b, IT, 420.00
    "SO-100242": [XMAS, SAMPLE, CARE],           # GR, 102.50, scarf
    "SO-100243": [XMAS, WELCOME, SAMPLE],        # first order, BG, 175.80
}


@pytest.fixture(scope="module")
def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO.read_text(encoding="utf-8"))
    return data


def test_every_demo_order_has_an_expected_plan(demo_data: dict[str, Any]) -> None:
    assert sorted(o["order_number"] for o in demo_data["orders"]) == sorted(DEMO_PLANS)


@pytest.mark.parametrize("number", sorted(DEMO_PLANS))
def test_demo_order_plan(demo_data: dict[str, Any], number: str) -> None:
    catalog = parse_catalog(demo_data["catalog"])
    (raw,) = [o for o in demo_data["orders"] if o["order_number"] == number]
    planned = plan_inserts(parse_order(raw), catalog, TODAY)
    assert [(p.code, p.quantity, p.skip_reason) for p in planned] == DEMO_PLANS[number]


def test_demo_xmas_outside_its_dates_and_stock_running_out(demo_data: dict[str, Any]) -> None:
    catalog = parse_catalog(demo_data["catalog"])
    (raw,) = [o for o in demo_data["orders"] if o["order_number"] == "SO-100236"]
    order = parse_order(raw)
    assert [p.code for p in plan_inserts(order, catalog, date(2026, 12, 25))] == ["INS-SAMPLE"]
    assert [p.code for p in plan_inserts(order, catalog, date(2026, 11, 14))] == ["INS-SAMPLE"]
    low = plan_inserts(order, catalog, date(2026, 12, 24), used={"INS-XMAS": 479})
    assert (low[0].code, low[0].quantity, low[0].skip_reason) == ("INS-XMAS", 1, None)
    gone = plan_inserts(order, catalog, TODAY, used={"INS-XMAS": 480})
    assert (gone[0].code, gone[0].quantity, gone[0].skip_reason) == ("INS-XMAS", 0, OUT_OF_STOCK)


# -- properties ---------------------------------------------------------------------------------

KNOWN_KEYS = ["first_order", "min_total", "currency", "skus_any", "tags_any", "channels", "countries",
              "valid_from", "valid_to", "max_per_order"]
PLAUSIBLE = st.sampled_from(["2026-11-22", "2026-13-01", "2026-02-29", "50.00", "89.90", "NaN", "-1",
                             "1e999999", "EUR", "eur", "web", "DE", "vip", "MUG-01", "GIFTSET-1", ""])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | PLAUSIBLE)
JSON_LIKE = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
KEYS = st.sampled_from(KNOWN_KEYS) | st.text(max_size=12)
RULES = st.dictionaries(KEYS, JSON_LIKE, max_size=6)


@settings(max_examples=400, deadline=None)
@given(rules=st.lists(RULES, min_size=1, max_size=4), today=st.dates(),
       order_count=st.integers(-2, 5), amount=st.none() | PLAUSIBLE | st.text(max_size=8))
def test_arbitrary_rules_never_raise(rules: list[dict[str, Any]], today: date, order_count: int,
                                     amount: str | None) -> None:
    order = make_order(**{"customer.order_count": order_count, "total.amount": amount})
    catalog = make_catalog(*(insert(f"INS-{n}", priority=n % 2, rule=r) for n, r in enumerate(rules)))
    planned = plan_inserts(order, catalog, today)
    expected = {f"INS-{n}" for n, r in enumerate(rules) if rule_holds(r, order, catalog, today)}
    assert {p.code for p in planned} == expected
    assert all(isinstance(p, PlannedInsert) for p in planned)


@settings(max_examples=300, deadline=None)
@given(spec=st.lists(st.tuples(st.integers(-50, 50), st.none() | st.integers(-3, 10), st.integers(1, 5),
                               st.integers(-3, 12)), max_size=6))
def test_plan_is_ordered_and_quantities_fit_stock(spec: list[tuple[int, int | None, int, int]]) -> None:
    inserts = [insert(f"INS-{n}", priority=p, stock=s, max_per_order=m)
               for n, (p, s, m, _) in enumerate(spec)]
    used = {f"INS-{n}": u for n, (*_, u) in enumerate(spec)}
    planned = plan_inserts(make_order(), make_catalog(*inserts), TODAY, used)
    assert [(-p.priority, p.code) for p in planned] == sorted((-p.priority, p.code) for p in planned)
    for p in planned:
        _, stock, most, gone = spec[int(p.code.removeprefix("INS-"))]
        left = None if stock is None else stock - max(gone, 0)
        if left is not None and left <= 0:
            assert (p.quantity, p.skip_reason) == (0, OUT_OF_STOCK)
        else:
            assert p.skip_reason is None
            assert p.quantity == (most if left is None else min(most, left))
