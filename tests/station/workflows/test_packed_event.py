"""The data of station.order.packed (events.md) for packages, inserts, serials and lots, and short shipments.

On the demo catalog and the demo order SO-100234 (2 × TSHIRT-BLK-M, 1 × GIFTSET-1 = MUG-01 + 2 × TEA-05),
whose planned inserts on 2026-11-22 are INS-VIP, INS-XMAS (2), INS-WELCOME and INS-SAMPLE (out of stock).
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from station.demo import DEMO_DATA
from station.domain.barcodes import Gs1Data
from station.domain.catalog import Catalog, parse_catalog
from station.domain.inserts import plan_inserts
from station.domain.orders import Order, parse_order
from station.workflows.checklist import confirm_insert, skip_next_insert
from station.workflows.packages import approve_weight, open_next_package, record_weight, set_box
from station.workflows.packed_event import inserted, packed_event_data, packed_items, short_items, skipped
from station.workflows.packing import Counted, InsertMark, PackingState, count, is_verified, undo_last

RAW: dict[str, Any] = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 22)
CATALOG: Catalog = parse_catalog(RAW["catalog"])
ORDER: Order = parse_order(RAW["orders"][0])
PLAN = plan_inserts(ORDER, CATALOG, TODAY)
TRACKING_NUMBER = "00340434161094042557"
OPERATOR = {"badge": "EMP-1001", "name": "Ana Silva"}
OVERRIDE = {"supervisor": {"badge": "EMP-9001", "name": "Marta Kowalska"}, "reason": "out of stock"}

SHIRT = "4006381333931"       # TSHIRT-BLK-M, 180 g
MUG = "5601234100013"         # MUG-01, 420 g
TEA = "40039947"              # TEA-05, 140 g
KIT = "KIT-GIFTSET-1"         # GIFTSET-1, no own weight: 420 + 2 × 140
SOCKS = "5906123000451"       # SOCKS-01, 120 g
HEADPHONE = "840632110421"    # HEADPHONE-BT1, serial
CREAM = "3760123450010"       # CREAM-FACE-50, lot


def make_order(*lines: tuple[str, int]) -> Order:
    raw = copy.deepcopy(RAW["orders"][0])
    raw["lines"] = [{"line_id": str(i), "sku": sku, "quantity": qty} for i, (sku, qty) in enumerate(lines, 1)]
    return parse_order(raw)


def run(state: PackingState, *steps: tuple[Any, ...]) -> PackingState:
    """Steps: ("scan", code, count() keywords), ("new",), ("box", code), ("weigh", package, g),
    ("approve", package), ("insert", code), ("skip",), ("undo",)."""
    for step in steps:
        kind = step[0]
        if kind == "scan":
            match = CATALOG.match(step[1])
            assert match is not None, step
            counted = count(state, CATALOG, match, step[1], today=TODAY, **(step[2] if len(step) > 2 else {}))
            assert isinstance(counted, Counted), (step, counted)
            state = counted.state
        elif kind == "new":
            opened = open_next_package(state)
            assert isinstance(opened, PackingState), opened
            state = opened
        elif kind == "box":
            state = set_box(state, CATALOG.boxes[step[1]])
        elif kind == "weigh":
            state = record_weight(state, step[1], step[2])
        elif kind == "approve":
            state = approve_weight(state, step[1], "EMP-9001")
        elif kind in ("insert", "skip"):
            marked = (confirm_insert(state, CATALOG.inserts[step[1]]) if kind == "insert"
                      else skip_next_insert(state))
            assert isinstance(marked, tuple), (step, marked)
            state = marked[0]
        elif kind == "undo":
            undone = undo_last(state)
            assert undone is not None
            state = undone[0]
        else:
            raise AssertionError(f"unknown step {step}")
    return state


def event(state: PackingState, override: dict[str, Any] | None = None) -> dict[str, Any]:
    return packed_event_data(state, CATALOG, station_id="PACK-01", operator=OPERATOR,
                             packed_at="2026-11-22T14:03:07Z", duration_s=74, override=override)


def item(sku: str, quantity: int, kit_sku: str | None = None, serials: list[str] | None = None,
         lots: list[str] | None = None) -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity, "serials": serials or [], "lots": lots or [],
            "kit_sku": kit_sku}


# -- the whole event -----------------------------------------------------------------------------------------

def test_two_packages_with_their_own_items_boxes_weights_and_inserts() -> None:
    state = run(
        PackingState(ORDER, inserts=PLAN),
        ("scan", SHIRT), ("scan", SHIRT), ("box", "BOX-S"), ("insert", "INS-VIP"), ("insert", "INS-XMAS"),
        ("weigh", 1, 503),
        ("new",), ("scan", MUG), ("scan", TEA), ("scan", TEA), ("box", "BOX-M"), ("insert", "INS-XMAS"),
        ("skip",), ("weigh", 2, 990), ("approve", 2),
    )
    assert is_verified(state, CATALOG)
    data = event(state)
    assert data == {
        "order_number": "SO-100234", "packed_at": "2026-11-22T14:03:07Z", "station_id": "PACK-01",
        "operator": {"badge": "EMP-1001", "name": "Ana Silva"}, "duration_s": 74,
        "packages": [
            {"package_no": 1, "box": "BOX-S", "weight_g": 503,
             "expected_weight_g": 2 * 180 + 2 * 10 + 120,
             "tracking_number": TRACKING_NUMBER, "carrier": "DHL",
             "items": [item("TSHIRT-BLK-M", 2)]},
            {"package_no": 2, "box": "BOX-M", "weight_g": 990,
             "expected_weight_g": 420 + 2 * 140 + 10 + 220,
             "tracking_number": None, "carrier": "DHL",
             "items": [item("MUG-01", 1, "GIFTSET-1"), item("TEA-05", 2, "GIFTSET-1")]},
        ],
        "inserts": [{"code": "INS-VIP", "quantity": 1}, {"code": "INS-XMAS", "quantity": 2}],
        "skipped_inserts": [{"code": "INS-SAMPLE", "reason": "out_of_stock"},
                            {"code": "INS-WELCOME", "reason": "skipped_by_operator"}],
        "short_items": [], "override": None,
    }
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(("steps", "packages"), [
    ([("scan", SHIRT), ("scan", SHIRT), ("scan", KIT)], [(1, TRACKING_NUMBER)]),
    ([("scan", SHIRT), ("scan", SHIRT), ("scan", KIT), ("new",)], [(1, TRACKING_NUMBER)]),
    ([("scan", SHIRT), ("new",), ("scan", SHIRT), ("scan", KIT)], [(1, TRACKING_NUMBER), (2, None)]),
    ([("scan", SHIRT), ("new",), ("scan", SHIRT), ("new",), ("scan", KIT)],
     [(1, TRACKING_NUMBER), (2, None), (3, None)]),
], ids=["one package", "empty last package left out", "two packages", "three packages"])
def test_the_tracking_number_goes_on_package_1_only(steps: list[tuple[Any, ...]],
                                                    packages: list[tuple[int, str | None]]) -> None:
    data = event(run(PackingState(ORDER), *steps))
    assert [(p["package_no"], p["tracking_number"]) for p in data["packages"]] == packages
    assert all(p["carrier"] == "DHL" for p in data["packages"])


def test_without_a_scale_the_weights_are_null_but_expected_weights_are_given() -> None:
    data = event(run(PackingState(ORDER), ("scan", SHIRT), ("new",), ("scan", SHIRT), ("box", "ENV-A4"),
                     ("scan", KIT)))
    assert [(p["weight_g"], p["expected_weight_g"], p["box"]) for p in data["packages"]] == [
        (None, 180, None), (None, 180 + 420 + 2 * 140 + 40, "ENV-A4")]


def test_undoing_package_1s_only_unit_after_a_new_box_keeps_the_tracking_number_on_package_1() -> None:
    # SHIRT into package 1, CMD-NEW-BOX, CMD-UNDO (takes the shirt back out of package 1), then everything
    # is counted again: it all goes into "package 2", and package 1 is empty.
    state = run(PackingState(ORDER), ("scan", SHIRT), ("new",), ("undo",), ("scan", SHIRT), ("scan", SHIRT),
                ("scan", KIT))
    packages = [(p["package_no"], p["tracking_number"]) for p in event(state)["packages"]]
    assert packages == [(1, TRACKING_NUMBER)], (
        "BUG: after scan, CMD-NEW-BOX, CMD-UNDO the open package stays 2 while package 1 is empty; every "
        f"unit counted afterwards goes to package 2 and the event's packages are {packages}: the only "
        "package shipped is numbered 2 and has no tracking number (expected [(1, the order's number)])")


# -- items: kits, serials and lots ---------------------------------------------------------------------------

ITEMS: list[tuple[str, list[tuple[str, int]], list[tuple[Any, ...]], list[list[dict[str, Any]]]]] = [
    # (name, order lines, steps, items of each package)
    ("serials listed per item",
     [("HEADPHONE-BT1", 3)],
     [("scan", HEADPHONE, {"serial": "SN-1"}),
      ("scan", HEADPHONE, {"gs1": Gs1Data(gtin="00" + HEADPHONE, serial="SN-2")}),
      ("scan", HEADPHONE, {"serial": "SN-3"})],
     [[item("HEADPHONE-BT1", 3, serials=["SN-1", "SN-2", "SN-3"])]]),
    ("lots listed once each per item",
     [("CREAM-FACE-50", 3)],
     [("scan", CREAM, {"lot": "L1"}), ("scan", CREAM, {"gs1": Gs1Data(gtin="0" + CREAM, lot="L1")}),
      ("scan", CREAM, {"lot": "L2"})],
     [[item("CREAM-FACE-50", 3, lots=["L1", "L2"])]]),
    ("serials and lots per package",
     [("HEADPHONE-BT1", 2), ("CREAM-FACE-50", 3), ("SOCKS-01", 1)],
     [("scan", HEADPHONE, {"serial": "SN-1"}), ("scan", CREAM, {"lot": "L1"}), ("scan", CREAM, {"lot": "L1"}),
      ("new",), ("scan", SOCKS), ("scan", CREAM, {"lot": "L2"}), ("scan", HEADPHONE, {"serial": "SN-2"})],
     [[item("HEADPHONE-BT1", 1, serials=["SN-1"]), item("CREAM-FACE-50", 2, lots=["L1"])],
      [item("SOCKS-01", 1), item("CREAM-FACE-50", 1, lots=["L2"]),
       item("HEADPHONE-BT1", 1, serials=["SN-2"])]]),
    ("a serial product with a lot too",
     [("HEADPHONE-BT1", 1)],
     [("scan", HEADPHONE, {"gs1": Gs1Data(gtin="00" + HEADPHONE, serial="SN-1", lot="B7")})],
     [[item("HEADPHONE-BT1", 1, serials=["SN-1"], lots=["B7"])]]),
    ("an undone serial is left out",
     [("HEADPHONE-BT1", 2)],
     [("scan", HEADPHONE, {"serial": "SN-1"}), ("scan", HEADPHONE, {"serial": "SN-BAD"}), ("undo",),
      ("scan", HEADPHONE, {"serial": "SN-2"})],
     [[item("HEADPHONE-BT1", 2, serials=["SN-1", "SN-2"])]]),
    ("kit components with their kit_sku, split over packages",
     [("GIFTSET-1", 2)],
     [("scan", KIT), ("scan", MUG), ("new",), ("scan", TEA), ("scan", TEA)],
     [[item("GIFTSET-1", 1), item("MUG-01", 1, "GIFTSET-1")], [item("TEA-05", 2, "GIFTSET-1")]]),
]


@pytest.mark.parametrize(("lines", "steps", "items"), [c[1:] for c in ITEMS], ids=[c[0] for c in ITEMS])
def test_items_of_each_package(lines: list[tuple[str, int]], steps: list[tuple[Any, ...]],
                               items: list[list[dict[str, Any]]]) -> None:
    state = run(PackingState(make_order(*lines)), *steps)
    assert [p["items"] for p in event(state)["packages"]] == items
    assert packed_items(state.units) == packed_items(u for u in state.units)  # any iterable of units


# -- inserts put in and skipped ------------------------------------------------------------------------------

INSERTS: list[tuple[str, list[tuple[Any, ...]], list[dict[str, Any]], list[dict[str, str]]]] = [
    # (name, insert steps, inserts, skipped_inserts)
    ("nothing done", [], [], [{"code": "INS-SAMPLE", "reason": "out_of_stock"}]),
    ("all put in",
     [("insert", "INS-WELCOME"), ("insert", "INS-XMAS"), ("insert", "INS-VIP"), ("insert", "INS-XMAS")],
     [{"code": "INS-WELCOME", "quantity": 1}, {"code": "INS-XMAS", "quantity": 2},
      {"code": "INS-VIP", "quantity": 1}],
     [{"code": "INS-SAMPLE", "reason": "out_of_stock"}]),
    ("same code in two packages aggregated",
     [("insert", "INS-XMAS"), ("scan", SHIRT), ("new",), ("scan", SHIRT), ("insert", "INS-XMAS")],
     [{"code": "INS-XMAS", "quantity": 2}],
     [{"code": "INS-SAMPLE", "reason": "out_of_stock"}]),
    ("all skipped: automatic first, then by operator in order",
     [("skip",), ("skip",), ("skip",)], [],
     [{"code": "INS-SAMPLE", "reason": "out_of_stock"}, {"code": "INS-VIP", "reason": "skipped_by_operator"},
      {"code": "INS-XMAS", "reason": "skipped_by_operator"},
      {"code": "INS-WELCOME", "reason": "skipped_by_operator"}]),
    ("partly put in, rest skipped",
     [("insert", "INS-VIP"), ("insert", "INS-XMAS"), ("skip",), ("insert", "INS-WELCOME")],
     [{"code": "INS-VIP", "quantity": 1}, {"code": "INS-XMAS", "quantity": 1},
      {"code": "INS-WELCOME", "quantity": 1}],
     [{"code": "INS-SAMPLE", "reason": "out_of_stock"},
      {"code": "INS-XMAS", "reason": "skipped_by_operator"}]),
]


@pytest.mark.parametrize(("steps", "inserts", "skipped_inserts"), [c[1:] for c in INSERTS],
                         ids=[c[0] for c in INSERTS])
def test_inserts_and_skipped_inserts(steps: list[tuple[Any, ...]], inserts: list[dict[str, Any]],
                                     skipped_inserts: list[dict[str, str]]) -> None:
    state = run(PackingState(ORDER, inserts=PLAN), *steps)
    data = event(state)
    assert data["inserts"] == inserted(state) == inserts
    assert data["skipped_inserts"] == skipped(state) == skipped_inserts


def test_without_a_plan_nothing_is_inserted_or_skipped() -> None:
    data = event(run(PackingState(ORDER), ("scan", SHIRT)))
    assert (data["inserts"], data["skipped_inserts"]) == ([], [])


def test_an_operator_skip_recorded_before_is_still_listed_after_the_automatic_ones() -> None:
    # Marks restored from the database in any order: the automatic skips always come first.
    state = replace(PackingState(ORDER, inserts=PLAN),
                    marks=(InsertMark("INS-WELCOME", "skipped", "skipped_by_operator", 1),
                           InsertMark("INS-VIP", "confirmed", None, 1)))
    assert skipped(state) == [{"code": "INS-SAMPLE", "reason": "out_of_stock"},
                              {"code": "INS-WELCOME", "reason": "skipped_by_operator"}]


# -- short shipments -----------------------------------------------------------------------------------------

SHORT: list[tuple[str, list[tuple[str, int]], list[str], dict[str, Any] | None, list[dict[str, Any]]]] = [
    # (name, order lines, scans, override, short_items)
    ("no override: nothing listed though short", [("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)], [SHIRT], None, []),
    ("missing whole products", [("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)], [SHIRT], OVERRIDE,
     [{"sku": "TSHIRT-BLK-M", "quantity_missing": 1}, {"sku": "SOCKS-01", "quantity_missing": 1}]),
    ("a whole line missing", [("TSHIRT-BLK-M", 2), ("SOCKS-01", 3)], [SHIRT, SHIRT], OVERRIDE,
     [{"sku": "SOCKS-01", "quantity_missing": 3}]),
    ("a kit's missing component", [("GIFTSET-1", 1)], [MUG, TEA], OVERRIDE,
     [{"sku": "TEA-05", "quantity_missing": 1}]),
    ("a kit with nothing counted: its components", [("GIFTSET-1", 1)], [], OVERRIDE,
     [{"sku": "MUG-01", "quantity_missing": 1}, {"sku": "TEA-05", "quantity_missing": 2}]),
    ("second kit missing after a pre-built one", [("GIFTSET-1", 2)], [KIT], OVERRIDE,
     [{"sku": "MUG-01", "quantity_missing": 1}, {"sku": "TEA-05", "quantity_missing": 2}]),
    ("kits and products", [("TSHIRT-BLK-M", 2), ("GIFTSET-1", 1)], [SHIRT, TEA], OVERRIDE,
     [{"sku": "TSHIRT-BLK-M", "quantity_missing": 1}, {"sku": "MUG-01", "quantity_missing": 1},
      {"sku": "TEA-05", "quantity_missing": 1}]),
    ("a sku unknown to the catalog", [("TSHIRT-BLK-M", 1), ("DISCONTINUED-9", 2)], [SHIRT], OVERRIDE,
     [{"sku": "DISCONTINUED-9", "quantity_missing": 2}]),
    ("override on a complete order", [("TSHIRT-BLK-M", 2), ("GIFTSET-1", 1)], [SHIRT, SHIRT, KIT], OVERRIDE,
     []),
]


@pytest.mark.parametrize(("lines", "codes", "override", "short"), [c[1:] for c in SHORT],
                         ids=[c[0] for c in SHORT])
def test_short_items_only_with_an_override(lines: list[tuple[str, int]], codes: list[str],
                                           override: dict[str, Any] | None,
                                           short: list[dict[str, Any]]) -> None:
    state = run(PackingState(make_order(*lines)), *(("scan", code) for code in codes))
    data = event(state, override)
    assert data["short_items"] == short
    assert data["override"] == override
    if override is not None:
        assert short_items(state, CATALOG) == short


def test_the_override_is_passed_through_as_a_copy() -> None:
    override = copy.deepcopy(OVERRIDE)
    data = event(run(PackingState(ORDER), ("scan", SHIRT)), override)
    assert data["override"] == {"supervisor": {"badge": "EMP-9001", "name": "Marta Kowalska"},
                                "reason": "out of stock"}
    override["reason"] = "changed"
    assert data["override"]["reason"] == "out of stock"
    assert json.loads(json.dumps(data)) == data
