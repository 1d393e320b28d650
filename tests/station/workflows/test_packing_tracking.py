"""Serial and lot capture while counting (scanning.md "Packing rules"), on the demo catalog."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import pytest

from station.demo import DEMO_DATA
from station.domain.barcodes import Gs1Data
from station.domain.catalog import Catalog, parse_catalog
from station.domain.orders import Order, parse_order
from station.workflows.packing import Counted, NeedsCode, PackingState, Refused, count, undo_last

RAW: dict[str, Any] = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 22)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)

HEADPHONE = "840632110421"          # HEADPHONE-BT1, tracking "serial"
HEADPHONE_GTIN = "00840632110421"
HEADPHONE_CASE = "CASE-HEADPHONE-BT1-4"  # added here: a case of 4 headphones
CREAM = "3760123450010"             # CREAM-FACE-50, tracking "lot"
CREAM_GTIN = "03760123450010"
SOCKS = "5906123000451"             # SOCKS-01, tracking "none"
SOCKS_GTIN = "05906123000451"


def make_catalog() -> Catalog:
    """The demo catalog, with a case barcode for the serial-tracked headphones."""
    raw = copy.deepcopy(RAW["catalog"])
    headphones = next(p for p in raw["products"] if p["sku"] == "HEADPHONE-BT1")
    headphones["barcodes"].append({"code": HEADPHONE_CASE, "quantity": 4})
    return parse_catalog(raw)


CATALOG = make_catalog()


def make_order(*lines: tuple[str, int]) -> Order:
    """The demo order SO-100234 with other lines."""
    raw = copy.deepcopy(RAW["orders"][0])
    raw["lines"] = [{"line_id": str(i), "sku": sku, "quantity": qty} for i, (sku, qty) in enumerate(lines, 1)]
    return parse_order(raw)


def counting(state: PackingState, code: str, *, gs1: Gs1Data | None = None, serial: str | None = None,
             lot: str | None = None, taken: frozenset[str] = frozenset(),
             today: date | None = TODAY) -> Counted | Refused | NeedsCode:
    match = CATALOG.match(code)
    assert match is not None, code
    return count(state, CATALOG, match, code, gs1=gs1, serial=serial, lot=lot, today=today,
                 serial_taken=lambda s: s in taken)


def packed(order: Order, *scans: tuple[str, dict[str, Any]]) -> PackingState:
    """Count each (code, keyword arguments of `counting`); every one must count."""
    state = PackingState(order)
    for code, kwargs in scans:
        result = counting(state, code, **kwargs)
        assert isinstance(result, Counted), (code, kwargs, result)
        state = result.state
    return state


def check(result: Counted | Refused | NeedsCode, expected: tuple[str, Any]) -> None:
    """expected: ("counted", (serial, lot)), ("needs", kind) or ("refused", fragment of the reason)."""
    outcome, value = expected
    if outcome == "counted":
        assert isinstance(result, Counted), result
        assert (result.unit.serial, result.unit.lot) == value
    elif outcome == "needs":
        assert isinstance(result, NeedsCode), result
        assert result.kind == value
    else:
        assert isinstance(result, Refused), result
        assert value in result.reason, result.reason


# -- serials -------------------------------------------------------------------------------------------------

SERIALS: list[tuple[str, list[tuple[str, int]], list[tuple[str, dict[str, Any]]], str, dict[str, Any],
                    tuple[str, Any]]] = [
    # (name, order lines, counted before, scanned code, count() arguments, expected)
    ("serial from GS1 AI 21", [("HEADPHONE-BT1", 1)], [], HEADPHONE,
     {"gs1": Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-A1")}, ("counted", ("SN-A1", None))),
    ("serial scanned next", [("HEADPHONE-BT1", 1)], [], HEADPHONE,
     {"serial": "SN-A1"}, ("counted", ("SN-A1", None))),
    ("serial and lot both from GS1", [("HEADPHONE-BT1", 1)], [], HEADPHONE,
     {"gs1": Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-A1", lot="L7")}, ("counted", ("SN-A1", "L7"))),
    ("no serial yet: asks for it", [("HEADPHONE-BT1", 1)], [], HEADPHONE, {}, ("needs", "serial")),
    ("GS1 without AI 21: asks for it", [("HEADPHONE-BT1", 1)], [], HEADPHONE,
     {"gs1": Gs1Data(gtin=HEADPHONE_GTIN, lot="L7")}, ("needs", "serial")),
    ("second unit, other serial", [("HEADPHONE-BT1", 2)], [(HEADPHONE, {"serial": "SN-A1"})], HEADPHONE,
     {"serial": "SN-A2"}, ("counted", ("SN-A2", None))),
    ("duplicate in the order, scanned next", [("HEADPHONE-BT1", 2)], [(HEADPHONE, {"serial": "SN-A1"})],
     HEADPHONE, {"serial": "SN-A1"}, ("refused", "serial SN-A1 is already packed")),
    ("duplicate in the order, from GS1", [("HEADPHONE-BT1", 2)],
     [(HEADPHONE, {"gs1": Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-A1")})], HEADPHONE,
     {"gs1": Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-A1")}, ("refused", "serial SN-A1 is already packed")),
    ("taken in another order, scanned next", [("HEADPHONE-BT1", 1)], [], HEADPHONE,
     {"serial": "SN-OLD", "taken": frozenset({"SN-OLD"})}, ("refused", "serial SN-OLD is already packed")),
    ("taken in another order, from GS1", [("HEADPHONE-BT1", 1)], [], HEADPHONE,
     {"gs1": Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-OLD"), "taken": frozenset({"SN-OLD"})},
     ("refused", "serial SN-OLD is already packed")),
    ("another serial is taken, not this one", [("HEADPHONE-BT1", 1)], [], HEADPHONE,
     {"serial": "SN-NEW", "taken": frozenset({"SN-OLD"})}, ("counted", ("SN-NEW", None))),
    ("case of serial items, with a serial", [("HEADPHONE-BT1", 4)], [], HEADPHONE_CASE,
     {"serial": "SN-A1"}, ("refused", "tracked by serial: scan each unit, not the case")),
    ("case of serial items, without a serial", [("HEADPHONE-BT1", 4)], [], HEADPHONE_CASE, {},
     ("refused", "tracked by serial: scan each unit, not the case")),
    ("not on the order: refused before asking", [("SOCKS-01", 1)], [], HEADPHONE, {},
     ("refused", "(HEADPHONE-BT1) is not on order SO-100234")),
    ("one more than ordered: refused before asking", [("HEADPHONE-BT1", 1)],
     [(HEADPHONE, {"serial": "SN-A1"})], HEADPHONE, {}, ("refused", "all ordered units are already counted")),
    ("case overshooting: refused before asking", [("HEADPHONE-BT1", 1)], [], HEADPHONE_CASE, {},
     ("refused", "more than the 1 still needed")),
    ("untracked product: a GS1 serial is not asked for nor kept", [("SOCKS-01", 1)], [], SOCKS,
     {"gs1": Gs1Data(gtin=SOCKS_GTIN, serial="SN-X")}, ("counted", (None, None))),
]


@pytest.mark.parametrize(("lines", "before", "code", "kwargs", "expected"), [c[1:] for c in SERIALS],
                         ids=[c[0] for c in SERIALS])
def test_serial_capture(lines: list[tuple[str, int]], before: list[tuple[str, dict[str, Any]]], code: str,
                        kwargs: dict[str, Any], expected: tuple[str, Any]) -> None:
    state = packed(make_order(*lines), *before)
    result = counting(state, code, **kwargs)
    check(result, expected)
    if isinstance(result, Counted):
        assert result.unit.seq == len(before) + 1
        assert result.state.units[-1] == result.unit
    else:  # neither refused nor asked: nothing counted
        assert len(state.units) == len(before)


def test_asking_for_a_serial_names_the_match_and_barcode_then_the_serial_counts_the_unit() -> None:
    state = PackingState(make_order(("HEADPHONE-BT1", 1)))
    asked = counting(state, HEADPHONE)
    assert isinstance(asked, NeedsCode)
    assert (asked.kind, asked.match.product.sku, asked.match.quantity, asked.barcode) == (
        "serial", "HEADPHONE-BT1", 1, HEADPHONE)
    result = counting(state, asked.barcode, serial="SN-A1")
    assert isinstance(result, Counted) and result.complete
    assert (result.unit.sku, result.unit.barcode, result.unit.serial, result.unit.seq) == (
        "HEADPHONE-BT1", HEADPHONE, "SN-A1", 1)


def test_a_serial_scanned_next_wins_over_the_one_in_the_gs1_data() -> None:
    result = counting(PackingState(make_order(("HEADPHONE-BT1", 1))), HEADPHONE,
                      gs1=Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-GS1"), serial="SN-NEXT")
    assert isinstance(result, Counted) and result.unit.serial == "SN-NEXT"


def test_a_serial_is_free_again_once_its_unit_is_undone() -> None:
    state = packed(make_order(("HEADPHONE-BT1", 2)), (HEADPHONE, {"serial": "SN-A1"}))
    undone = undo_last(state)
    assert undone is not None and undone[1].serial == "SN-A1"
    result = counting(undone[0], HEADPHONE, serial="SN-A1")
    assert isinstance(result, Counted) and result.unit.serial == "SN-A1"


def test_serial_taken_is_asked_about_the_serial_of_the_unit() -> None:
    asked: list[str] = []

    def taken(serial: str) -> bool:
        asked.append(serial)
        return False

    match = CATALOG.match(HEADPHONE)
    assert match is not None
    result = count(PackingState(make_order(("HEADPHONE-BT1", 1))), CATALOG, match, HEADPHONE,
                   gs1=Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-A1"), today=TODAY, serial_taken=taken)
    assert isinstance(result, Counted)
    assert asked == ["SN-A1"]


# -- lots ----------------------------------------------------------------------------------------------------

LOTS: list[tuple[str, dict[str, Any], tuple[str, Any]]] = [
    # (name, count() arguments for one CREAM-FACE-50, expected)
    ("lot from GS1 AI 10", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1")}, ("counted", (None, "L1"))),
    ("lot scanned next", {"lot": "L2"}, ("counted", (None, "L2"))),
    ("lot scanned next wins over GS1", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1"), "lot": "L2"},
     ("counted", (None, "L2"))),
    ("no lot yet: asks for it", {}, ("needs", "lot")),
    ("GS1 without AI 10: asks for it", {"gs1": Gs1Data(gtin=CREAM_GTIN, expiry=TOMORROW)}, ("needs", "lot")),
    ("expired yesterday", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", expiry=YESTERDAY)},
     ("refused", "lot L1 of Hydrating face cream 50 ml expired on 2026-11-21")),
    ("expired, lot scanned next", {"gs1": Gs1Data(gtin=CREAM_GTIN, expiry=YESTERDAY), "lot": "L9"},
     ("refused", "lot L9 of Hydrating face cream 50 ml expired on 2026-11-21")),
    ("expired, no lot: refused before asking", {"gs1": Gs1Data(gtin=CREAM_GTIN, expiry=YESTERDAY)},
     ("refused", "expired on 2026-11-21")),
    ("expired long ago", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", expiry=date(2020, 1, 31))},
     ("refused", "expired on 2020-01-31")),
    ("expires today: still good", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", expiry=TODAY)},
     ("counted", (None, "L1"))),
    ("expires tomorrow", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", expiry=TOMORROW)},
     ("counted", (None, "L1"))),
    ("expires in years", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", expiry=date(2030, 12, 31))},
     ("counted", (None, "L1"))),
    ("no expiry", {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", expiry=None)}, ("counted", (None, "L1"))),
    ("a GS1 serial is not kept for a lot product",
     {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", serial="SN-X")}, ("counted", (None, "L1"))),
]


@pytest.mark.parametrize(("kwargs", "expected"), [c[1:] for c in LOTS], ids=[c[0] for c in LOTS])
def test_lot_capture(kwargs: dict[str, Any], expected: tuple[str, Any]) -> None:
    state = PackingState(make_order(("CREAM-FACE-50", 2)))
    result = counting(state, CREAM, **kwargs)
    check(result, expected)
    if isinstance(result, Counted):
        assert result.unit.sku == "CREAM-FACE-50" and not result.complete


@pytest.mark.parametrize(("lines", "before", "fragment"), [
    ([("SOCKS-01", 1)], [], "(CREAM-FACE-50) is not on order SO-100234"),
    ([("CREAM-FACE-50", 1)], [(CREAM, {"lot": "L1"})], "all ordered units are already counted"),
], ids=["not on the order", "one more than ordered"])
def test_a_lot_is_not_asked_for_a_unit_that_does_not_count(
        lines: list[tuple[str, int]], before: list[tuple[str, dict[str, Any]]], fragment: str) -> None:
    result = counting(packed(make_order(*lines), *before), CREAM)
    assert isinstance(result, Refused), result
    assert fragment in result.reason


def test_asking_for_a_lot_then_the_lot_counts_the_unit() -> None:
    state = PackingState(make_order(("CREAM-FACE-50", 1)))
    asked = counting(state, CREAM, gs1=Gs1Data(gtin=CREAM_GTIN, expiry=TOMORROW))
    assert isinstance(asked, NeedsCode)
    assert (asked.kind, asked.match.product.sku, asked.barcode) == ("lot", "CREAM-FACE-50", CREAM)
    result = counting(state, asked.barcode, lot="L-2026-11")
    assert isinstance(result, Counted) and result.complete and result.unit.lot == "L-2026-11"


def test_lots_of_several_units_are_kept_per_unit() -> None:
    state = packed(make_order(("CREAM-FACE-50", 3)), (CREAM, {"lot": "L1"}),
                   (CREAM, {"gs1": Gs1Data(gtin=CREAM_GTIN, lot="L1", expiry=TOMORROW)}),
                   (CREAM, {"lot": "L2"}))
    assert [u.lot for u in state.units] == ["L1", "L1", "L2"]
    assert all(u.serial is None for u in state.units)


# scanning.md: "An expired lot (AI 17 before today) is refused." It does not limit this to lot-tracked
# products; count() checks the expiry only when product.tracking == "lot".
@pytest.mark.parametrize(("lines", "code", "kwargs"), [
    ([("SOCKS-01", 1)], SOCKS, {"gs1": Gs1Data(gtin=SOCKS_GTIN, lot="L1", expiry=YESTERDAY)}),
    ([("HEADPHONE-BT1", 1)], HEADPHONE,
     {"gs1": Gs1Data(gtin=HEADPHONE_GTIN, serial="SN-A1", lot="L1", expiry=YESTERDAY)}),
], ids=["untracked product", "serial-tracked product"])
def test_an_expired_ai_17_is_refused_whatever_the_tracking(lines: list[tuple[str, int]], code: str,
                                                           kwargs: dict[str, Any]) -> None:
    result = counting(PackingState(make_order(*lines)), code, **kwargs)
    assert isinstance(result, Refused), (
        f"BUG? a unit whose GS1 AI 17 expiry ({YESTERDAY}) is before today ({TODAY}) was counted because "
        f"its product is not lot-tracked: got {type(result).__name__}, "
        f"unit {getattr(result, 'unit', None)}; scanning.md refuses any expired lot")
    assert "expired on 2026-11-21" in result.reason
