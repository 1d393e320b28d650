"""The packing state machine (scanning.md "Packing rules", events.md station.order.packed), without I/O."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from station.domain.catalog import Catalog, parse_catalog
from station.domain.orders import Order, parse_order
from station.workflows.packed_event import packed_event_data
from station.workflows.packing import (
    Counted,
    PackingState,
    Refused,
    Unit,
    count,
    is_complete,
    line_progress,
    refusal_for_status,
    undo_last,
)

SHIRT, SHIRT_CASE = "4006381333931", "14006381333938"   # TSHIRT-BLK-M, 180 g; a case of 12
MUG, MUG_CASE = "5601234100013", "15601234100010"       # MUG-01, 420 g; a case of 6
TEA = "40039947"                                        # TEA-05, 140 g
SOCKS = "5906123000451"                                 # SOCKS-01, 120 g
KIT = "KIT-GIFTSET-1"                                   # GIFTSET-1 = 1 MUG-01 + 2 TEA-05, no own weight
GADGET = "GADGET-1"                                     # GADGET-1, weight unknown

CATALOG = parse_catalog({
    "version": "2026-11-22T08:00:00Z",
    "products": [
        {"sku": "TSHIRT-BLK-M", "name": "T-shirt black M", "weight_g": 180, "tracking": "none",
         "barcodes": [{"code": SHIRT, "quantity": 1}, {"code": SHIRT_CASE, "quantity": 12}]},
        {"sku": "MUG-01", "name": "Mug", "weight_g": 420,
         "barcodes": [{"code": MUG, "quantity": 1}, {"code": MUG_CASE, "quantity": 6}]},
        {"sku": "TEA-05", "name": "Tea tin", "weight_g": 140, "barcodes": [{"code": TEA, "quantity": 1}]},
        {"sku": "SOCKS-01", "name": "Socks", "weight_g": 120, "barcodes": [{"code": SOCKS, "quantity": 1}]},
        {"sku": "GADGET-1", "name": "Gadget", "barcodes": [{"code": GADGET, "quantity": 1}]},
    ],
    "kits": [{"sku": "GIFTSET-1", "name": "Gift set", "barcodes": [{"code": KIT, "quantity": 1}],
              "components": [{"sku": "MUG-01", "quantity": 1}, {"sku": "TEA-05", "quantity": 2}]}],
})
KIT_WEIGHT = 420 + 2 * 140

OPERATOR = {"badge": "EMP-1001", "name": "Ana Silva"}


def make_order(*lines: tuple[str, int], status: str = "ready", hold_reason: str | None = None,
               number: str = "SO-100234") -> Order:
    return parse_order({
        "order_number": number, "status": status, "hold_reason": hold_reason, "channel": "web",
        "placed_at": "2026-11-21T18:22:10Z",
        "customer": {"id": "C-88", "name": "Zoë Müller", "email": None, "order_count": 1},
        "ship_to": {"name": "Zoë Müller", "line1": "Hauptstraße 5", "city": "Berlin", "postcode": "10115",
                    "country": "DE"},
        "lines": [{"line_id": str(i), "sku": sku, "quantity": qty} for i, (sku, qty) in enumerate(lines, 1)],
        "shipping": {"carrier": "DHL", "service": "Paket", "tracking_number": "00340434161094042557"},
    })


def scan(state: PackingState, code: str, catalog: Catalog = CATALOG) -> Counted | Refused:
    match = catalog.match(code)
    assert match is not None, code
    return count(state, catalog, match, code)


def pack(order: Order, *codes: str) -> PackingState:
    """Scan each code in turn; every one must be counted."""
    state = PackingState(order)
    for code in codes:
        result = scan(state, code)
        assert isinstance(result, Counted), (code, result)
        state = result.state
    return state


def counted_per_line(state: PackingState) -> dict[str, int]:
    return {p.line.line_id: p.counted for p in line_progress(state, CATALOG)}


# -- counting ------------------------------------------------------------------------------------------------

COUNTING = [
    # (name, order lines, scans, counted per line, complete)
    ("first unit", [("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)], [SHIRT], {"1": 1, "2": 0}, False),
    ("per line", [("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)], [SOCKS, SHIRT], {"1": 1, "2": 1}, False),
    ("all", [("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)], [SHIRT, SOCKS, SHIRT], {"1": 2, "2": 1}, True),
    ("gtin-14 form of the unit", [("TSHIRT-BLK-M", 2)], ["0" + SHIRT, SHIRT], {"1": 2}, True),
    ("a case counts 12", [("TSHIRT-BLK-M", 12)], [SHIRT_CASE], {"1": 12}, True),
    ("case then unit", [("TSHIRT-BLK-M", 13)], [SHIRT_CASE, SHIRT], {"1": 13}, True),
    ("unit then case", [("TSHIRT-BLK-M", 14)], [SHIRT, SHIRT_CASE], {"1": 13}, False),
    ("mug case", [("MUG-01", 7)], [MUG_CASE, MUG], {"1": 7}, True),
    ("pre-built kit", [("GIFTSET-1", 1)], [KIT], {"1": 1}, True),
    ("kit from components", [("GIFTSET-1", 1)], [TEA, MUG, TEA], {"1": 1}, True),
    ("kit components partly", [("GIFTSET-1", 1)], [MUG, TEA], {"1": 0}, False),
    ("two kits whole", [("GIFTSET-1", 2)], [KIT, KIT], {"1": 2}, True),
    ("two kits mixed", [("GIFTSET-1", 2)], [KIT, MUG, TEA, TEA], {"1": 2}, True),
    ("two kits mixed, component first", [("GIFTSET-1", 2)], [MUG, KIT, TEA, TEA], {"1": 2}, True),
    ("kit components by case", [("GIFTSET-1", 6)], [MUG_CASE] + [TEA] * 12, {"1": 6}, True),
    ("kit and the same item alone", [("GIFTSET-1", 1), ("MUG-01", 1)], [MUG, MUG, TEA, TEA],
     {"1": 1, "2": 1}, True),
    ("contract order", [("TSHIRT-BLK-M", 2), ("GIFTSET-1", 1)], [SHIRT, KIT, SHIRT], {"1": 2, "2": 1}, True),
]


@pytest.mark.parametrize(("lines", "codes", "expected", "complete"),
                         [case[1:] for case in COUNTING], ids=[case[0] for case in COUNTING])
def test_counting(lines: list[tuple[str, int]], codes: list[str], expected: dict[str, int],
                  complete: bool) -> None:
    order = make_order(*lines)
    state = PackingState(order)
    for i, code in enumerate(codes, 1):
        result = scan(state, code)
        assert isinstance(result, Counted), (code, result)
        assert result.unit.seq == i
        # Complete exactly when the last scan is in and the order needs nothing more.
        assert result.complete is (complete and i == len(codes))
        assert result.complete is is_complete(result.state, CATALOG)
        state = result.state
    assert counted_per_line(state) == expected
    assert is_complete(state, CATALOG) is complete


def test_a_counted_unit_records_line_sku_quantity_and_barcode() -> None:
    order = make_order(("TSHIRT-BLK-M", 12), ("GIFTSET-1", 1))
    state = pack(order, SHIRT, SHIRT, KIT)
    first, second, kit = state.units
    assert first == Unit(seq=1, line_id="1", sku="TSHIRT-BLK-M", quantity=1, barcode=SHIRT)
    assert second.seq == 2
    assert kit == Unit(seq=3, line_id="2", sku="GIFTSET-1", quantity=1, barcode=KIT, kit_sku=None)
    result = scan(state, MUG)
    assert isinstance(result, Refused)
    result = scan(pack(make_order(("GIFTSET-1", 1))), TEA)
    assert isinstance(result, Counted)
    assert result.unit == Unit(seq=1, line_id="1", sku="TEA-05", quantity=1, barcode=TEA, kit_sku="GIFTSET-1")


def test_a_case_unit_keeps_the_case_barcode_and_quantity() -> None:
    result = scan(PackingState(make_order(("TSHIRT-BLK-M", 24))), SHIRT_CASE)
    assert isinstance(result, Counted)
    assert (result.unit.sku, result.unit.quantity, result.unit.barcode) == ("TSHIRT-BLK-M", 12, SHIRT_CASE)


def test_kit_progress_lists_each_component() -> None:
    state = pack(make_order(("GIFTSET-1", 2)), KIT, MUG)
    (progress,) = line_progress(state, CATALOG)
    assert progress.product is CATALOG.products["GIFTSET-1"]
    assert progress.components == (("MUG-01", 2, 2), ("TEA-05", 2, 4))
    assert progress.counted == 1 and not progress.done


def test_a_line_whose_sku_is_not_in_the_catalog_is_never_complete() -> None:
    state = pack(make_order(("TSHIRT-BLK-M", 1), ("DISCONTINUED-9", 1)), SHIRT)
    progress = line_progress(state, CATALOG)
    assert progress[1].product is None and progress[1].counted == 0
    assert not is_complete(state, CATALOG)


# -- refusals ------------------------------------------------------------------------------------------------

REFUSALS = [
    # (name, order lines, scans before, refused scan, fragment of the reason)
    ("one more than ordered", [("TSHIRT-BLK-M", 2)], [SHIRT, SHIRT], SHIRT, "already counted"),
    ("one more, other line still open", [("TSHIRT-BLK-M", 1), ("SOCKS-01", 1)], [SHIRT], SHIRT,
     "already counted"),
    ("not on the order", [("TSHIRT-BLK-M", 2)], [], SOCKS, "Socks (SOCKS-01) is not on order SO-100234"),
    ("kit not on the order", [("TSHIRT-BLK-M", 1)], [], KIT, "is not on order SO-100234"),
    ("component not on the order", [("TSHIRT-BLK-M", 1)], [], TEA, "is not on order SO-100234"),
    ("case overshoots", [("TSHIRT-BLK-M", 2)], [], SHIRT_CASE, "12 × TSHIRT-BLK-M is more than the 2"),
    ("case overshoots after a unit", [("TSHIRT-BLK-M", 12)], [SHIRT], SHIRT_CASE, "more than the 11"),
    ("case when all counted", [("TSHIRT-BLK-M", 1)], [SHIRT], SHIRT_CASE, "already counted"),
    ("kit component once too often", [("GIFTSET-1", 1)], [MUG], MUG, "already counted"),
    ("third tea for one kit", [("GIFTSET-1", 1)], [TEA, TEA], TEA, "already counted"),
    ("component case overshoots the kit", [("GIFTSET-1", 1)], [], MUG_CASE, "more than the kit still needs"),
    ("whole kit after its components", [("GIFTSET-1", 1)], [MUG, TEA, TEA], KIT, "already counted"),
    ("whole kit after one component", [("GIFTSET-1", 1)], [MUG], KIT, "GIFTSET-1"),
    ("second whole kit", [("GIFTSET-1", 1)], [KIT], KIT, "already counted"),
    ("component after the whole kit", [("GIFTSET-1", 1)], [KIT], TEA, "already counted"),
]


@pytest.mark.parametrize(("lines", "before", "code", "fragment"),
                         [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_refused_scans_are_not_counted(lines: list[tuple[str, int]], before: list[str], code: str,
                                       fragment: str) -> None:
    state = pack(make_order(*lines), *before)
    progress = counted_per_line(state)
    result = scan(state, code)
    assert isinstance(result, Refused)
    assert fragment in result.reason
    # Nothing changed: the same state still needs the same, and the next seq is the next one.
    assert counted_per_line(state) == progress
    assert state.next_seq == len(before) + 1


def test_after_a_refusal_the_next_valid_scan_counts() -> None:
    state = pack(make_order(("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)), SHIRT)
    assert isinstance(scan(state, SHIRT_CASE), Refused)
    assert isinstance(scan(state, KIT), Refused)
    result = scan(state, SOCKS)
    assert isinstance(result, Counted) and result.unit.seq == 2 and result.unit.line_id == "2"


# -- undo ----------------------------------------------------------------------------------------------------


def test_undo_takes_back_the_last_unit() -> None:
    state = pack(make_order(("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)), SHIRT, SOCKS)
    undone = undo_last(state)
    assert undone is not None
    after, unit = undone
    assert unit.sku == "SOCKS-01" and unit.seq == 2
    assert [u.seq for u in after.units] == [1]
    assert counted_per_line(after) == {"1": 1, "2": 0}


def test_a_seq_is_never_reused_after_undo() -> None:
    state = pack(make_order(("TSHIRT-BLK-M", 3)), SHIRT, SHIRT)
    undone = undo_last(state)
    assert undone is not None
    state = undone[0]
    assert state.next_seq == 3
    result = scan(state, SHIRT)
    assert isinstance(result, Counted) and result.unit.seq == 3
    # Undo everything: numbering still goes on.
    state = result.state
    while (undone := undo_last(state)) is not None:
        state = undone[0]
    assert state.units == ()
    result = scan(state, SHIRT)
    assert isinstance(result, Counted) and result.unit.seq == 4


def test_undo_keeps_seqs_used_even_for_a_state_built_without_last_seq() -> None:
    order = make_order(("TSHIRT-BLK-M", 3))
    units = (Unit(1, "1", "TSHIRT-BLK-M", 1, SHIRT), Unit(2, "1", "TSHIRT-BLK-M", 1, SHIRT))
    undone = undo_last(PackingState(order, units))
    assert undone is not None
    assert undone[0].next_seq == 3


def test_a_resumed_state_continues_after_the_highest_seq_ever_used() -> None:
    # Units 3 to 5 were counted and undone before the restart; only 1 and 2 are still packed.
    order = make_order(("TSHIRT-BLK-M", 3))
    units = (Unit(1, "1", "TSHIRT-BLK-M", 1, SHIRT), Unit(2, "1", "TSHIRT-BLK-M", 1, SHIRT))
    result = scan(PackingState(order, units, last_seq=5), SHIRT)
    assert isinstance(result, Counted) and result.unit.seq == 6 and result.complete


def test_undo_of_the_last_unit_makes_a_complete_order_incomplete_again() -> None:
    state = pack(make_order(("GIFTSET-1", 1)), MUG, TEA, TEA)
    assert is_complete(state, CATALOG)
    undone = undo_last(state)
    assert undone is not None and not is_complete(undone[0], CATALOG)
    assert undone[1].sku == "TEA-05" and undone[1].kit_sku == "GIFTSET-1"
    assert isinstance(scan(undone[0], TEA), Counted)


def test_undo_with_nothing_counted_is_none() -> None:
    assert undo_last(PackingState(make_order(("TSHIRT-BLK-M", 1)))) is None


# -- order status --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "hold_reason", "fragments"), [
    ("ready", None, None),
    ("on_hold", "payment review", ["SO-100234", "on hold", "payment review"]),
    ("on_hold", None, ["SO-100234", "on hold", "no reason given"]),
    ("cancelled", None, ["SO-100234", "cancelled"]),
    ("packed", None, ["SO-100234", "already packed"]),
    ("shipped", None, ["SO-100234", "already shipped"]),
])
def test_refusal_for_status(status: str, hold_reason: str | None, fragments: list[str] | None) -> None:
    reason = refusal_for_status(make_order(("TSHIRT-BLK-M", 1), status=status, hold_reason=hold_reason))
    if fragments is None:
        assert reason is None
    else:
        assert reason is not None and "\n" not in reason
        for fragment in fragments:
            assert fragment in reason


# -- station.order.packed ------------------------------------------------------------------------------------

PACKAGE_KEYS = {"package_no", "box", "weight_g", "expected_weight_g", "tracking_number", "carrier", "items"}
DATA_KEYS = {"order_number", "packed_at", "station_id", "operator", "duration_s", "packages", "inserts",
             "skipped_inserts", "short_items", "override"}
ITEM_KEYS = {"sku", "quantity", "serials", "lots", "kit_sku"}


def event_data(state: PackingState) -> dict[str, Any]:
    return packed_event_data(state, CATALOG, station_id="PACK-01", operator=OPERATOR,
                             packed_at="2026-11-22T14:03:07Z", duration_s=74)


def item(sku: str, quantity: int, kit_sku: str | None = None, serials: list[str] | None = None,
         lots: list[str] | None = None) -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity, "serials": serials or [], "lots": lots or [],
            "kit_sku": kit_sku}


def expected_data(items: list[dict[str, Any]], expected_weight_g: int | None) -> dict[str, Any]:
    return {
        "order_number": "SO-100234", "packed_at": "2026-11-22T14:03:07Z", "station_id": "PACK-01",
        "operator": {"badge": "EMP-1001", "name": "Ana Silva"}, "duration_s": 74,
        "packages": [{"package_no": 1, "box": None, "weight_g": None, "expected_weight_g": expected_weight_g,
                      "tracking_number": "00340434161094042557", "carrier": "DHL", "items": items}],
        "inserts": [], "skipped_inserts": [], "short_items": [], "override": None,
    }


PACKED = [
    ("kit from components",
     [("TSHIRT-BLK-M", 2), ("GIFTSET-1", 1)], [SHIRT, MUG, TEA, SHIRT, TEA],
     [item("TSHIRT-BLK-M", 2), item("MUG-01", 1, "GIFTSET-1"), item("TEA-05", 2, "GIFTSET-1")],
     2 * 180 + KIT_WEIGHT),
    ("pre-built kit listed once with its own sku",
     [("TSHIRT-BLK-M", 2), ("GIFTSET-1", 1)], [SHIRT, KIT, SHIRT],
     [item("TSHIRT-BLK-M", 2), item("GIFTSET-1", 1)],
     2 * 180 + KIT_WEIGHT),
    ("two pre-built kits, one entry",
     [("GIFTSET-1", 2)], [KIT, KIT], [item("GIFTSET-1", 2)], 2 * KIT_WEIGHT),
    ("kit whole and from components",
     [("GIFTSET-1", 2)], [KIT, TEA, MUG, TEA],
     [item("GIFTSET-1", 1), item("TEA-05", 2, "GIFTSET-1"), item("MUG-01", 1, "GIFTSET-1")],
     2 * KIT_WEIGHT),
    ("same sku in a kit and alone",
     [("GIFTSET-1", 1), ("MUG-01", 1)], [MUG, MUG, TEA, TEA],
     [item("MUG-01", 1, "GIFTSET-1"), item("MUG-01", 1), item("TEA-05", 2, "GIFTSET-1")],
     2 * 420 + 2 * 140),
    ("a case counts its units",
     [("TSHIRT-BLK-M", 13), ("SOCKS-01", 1)], [SOCKS, SHIRT_CASE, SHIRT],
     [item("SOCKS-01", 1), item("TSHIRT-BLK-M", 13)], 120 + 13 * 180),
    ("unknown weight",
     [("TSHIRT-BLK-M", 1), ("GADGET-1", 1)], [SHIRT, GADGET],
     [item("TSHIRT-BLK-M", 1), item("GADGET-1", 1)], None),
]


@pytest.mark.parametrize(("lines", "codes", "items", "weight"), [case[1:] for case in PACKED],
                         ids=[case[0] for case in PACKED])
def test_packed_event_data_has_the_shape_of_events_md(lines: list[tuple[str, int]], codes: list[str],
                                                      items: list[dict[str, Any]],
                                                      weight: int | None) -> None:
    state = pack(make_order(*lines), *codes)
    assert is_complete(state, CATALOG)
    data = event_data(state)
    assert set(data) == DATA_KEYS
    assert set(data["packages"][0]) == PACKAGE_KEYS
    assert all(set(i) == ITEM_KEYS for i in data["packages"][0]["items"])
    assert data == expected_data(items, weight)
    assert json.loads(json.dumps(data)) == data


def test_packed_event_data_lists_serials_and_lots_per_item() -> None:
    state = pack(make_order(("TSHIRT-BLK-M", 3)), SHIRT, SHIRT, SHIRT)
    a, b, c = state.units
    state = replace(state, units=(replace(a, serial="SN-1", lot="L1"), replace(b, serial="SN-2", lot="L1"),
                                  replace(c, serial="SN-3", lot="L2")))
    items = event_data(state)["packages"][0]["items"]
    assert items == [item("TSHIRT-BLK-M", 3, serials=["SN-1", "SN-2", "SN-3"], lots=["L1", "L2"])]


def test_packed_event_data_after_an_undo_leaves_the_undone_unit_out() -> None:
    state = pack(make_order(("TSHIRT-BLK-M", 2), ("SOCKS-01", 1)), SHIRT, SOCKS)
    undone = undo_last(state)
    assert undone is not None
    final = scan(undone[0], SHIRT)
    assert isinstance(final, Counted)
    final = scan(final.state, SOCKS)
    assert isinstance(final, Counted) and final.complete
    data = event_data(final.state)
    assert data["packages"][0]["items"] == [item("TSHIRT-BLK-M", 2), item("SOCKS-01", 1)]
    assert data["packages"][0]["expected_weight_g"] == 2 * 180 + 120


def test_packed_event_data_copies_the_operator() -> None:
    operator = dict(OPERATOR)
    data = packed_event_data(pack(make_order(("SOCKS-01", 1)), SOCKS), CATALOG, station_id="PACK-02",
                             operator=operator, packed_at="2026-11-22T14:03:07Z", duration_s=5)
    operator["name"] = "changed"
    assert data["operator"] == {"badge": "EMP-1001", "name": "Ana Silva"}
    assert data["station_id"] == "PACK-02" and data["duration_s"] == 5


def test_packed_event_data_without_a_tracking_number() -> None:
    order = make_order(("SOCKS-01", 1))
    order = replace(order, shipping=replace(order.shipping, tracking_number=None))
    package = event_data(pack(order, SOCKS))["packages"][0]
    assert package["tracking_number"] is None and package["carrier"] == "DHL"
