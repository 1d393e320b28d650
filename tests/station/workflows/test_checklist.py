"""The insert checklist (scanning.md "Packing rules", CMD-SKIP-INSERT), on the demo catalog and SO-100234.

Planned for SO-100234 on 2026-11-22, highest priority first: INS-VIP (1), INS-XMAS (2), INS-WELCOME (1),
INS-SAMPLE (out of stock). INS-CARE's rule does not hold (no scarf on the order).
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from station.demo import DEMO_DATA
from station.domain.catalog import Catalog, parse_catalog
from station.domain.inserts import PlannedInsert, plan_inserts
from station.domain.orders import Order, parse_order
from station.workflows.checklist import confirm_insert, skip_next_insert
from station.workflows.packages import may_close, open_next_package, record_weight
from station.workflows.packing import (
    Counted,
    InsertMark,
    PackingState,
    Refused,
    count,
    is_verified,
    marked_count,
    pending_inserts,
)

RAW: dict[str, Any] = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 22)
SHIRT, KIT = "4006381333931", "KIT-GIFTSET-1"   # SO-100234: 2 × TSHIRT-BLK-M, 1 × GIFTSET-1
CATALOG: Catalog = parse_catalog(RAW["catalog"])
ORDER: Order = parse_order(RAW["orders"][0])
PLAN = plan_inserts(ORDER, CATALOG, TODAY)
PENDING_CODES = ("INS-VIP", "INS-XMAS", "INS-WELCOME")


def planned(state: PackingState | None = None, plan: tuple[PlannedInsert, ...] = PLAN) -> PackingState:
    return replace(state or PackingState(ORDER), inserts=plan)


def scan(state: PackingState, code: str) -> PackingState:
    match = CATALOG.match(code)
    assert match is not None, code
    result = count(state, CATALOG, match, code)
    assert isinstance(result, Counted), (code, result)
    return result.state


def confirm(state: PackingState, code: str) -> PackingState:
    result = confirm_insert(state, CATALOG.inserts[code])
    assert isinstance(result, tuple), (code, result)
    return result[0]


def skip(state: PackingState) -> PackingState:
    result = skip_next_insert(state)
    assert isinstance(result, tuple), result
    return result[0]


def apply(state: PackingState, actions: list[str]) -> PackingState:
    """Each action: an insert code to confirm, or "skip"."""
    for action in actions:
        state = skip(state) if action == "skip" else confirm(state, action)
    return state


def test_the_demo_plan_is_the_one_these_tests_assume() -> None:
    assert [(p.code, p.priority, p.quantity, p.skip_reason) for p in PLAN] == [
        ("INS-VIP", 20, 1, None), ("INS-XMAS", 15, 2, None), ("INS-WELCOME", 10, 1, None),
        ("INS-SAMPLE", 5, 0, "out_of_stock")]


# -- confirming ----------------------------------------------------------------------------------------------

CONFIRMS: list[tuple[str, list[str], str, str | None]] = [
    # (name, actions before, insert scanned, None when confirmed, else the reason)
    ("required insert", [], "INS-VIP", None),
    ("another required insert", ["INS-VIP"], "INS-WELCOME", None),
    ("first of two", [], "INS-XMAS", None),
    ("second of two", ["INS-XMAS"], "INS-XMAS", None),
    ("not planned", [], "INS-CARE", "Merino care card is not for this order: leave it out"),
    ("out of stock", [], "INS-SAMPLE", "Face cream sample 5 ml is out of stock and was skipped"),
    ("beyond a quantity of 1", ["INS-VIP"], "INS-VIP", "VIP thank-you card: 1 already in, no more"),
    ("beyond a quantity of 2", ["INS-XMAS", "INS-XMAS"], "INS-XMAS",
     "Christmas chocolate (Lebkuchen): 2 already in, no more"),
    ("after it was skipped", ["skip"], "INS-VIP", "VIP thank-you card: 1 already in, no more"),
    ("the rest of a skipped quantity", ["INS-VIP", "INS-XMAS", "skip"], "INS-XMAS",
     "Christmas chocolate (Lebkuchen): 2 already in, no more"),
]


@pytest.mark.parametrize(("before", "code", "reason"), [c[1:] for c in CONFIRMS],
                         ids=[c[0] for c in CONFIRMS])
def test_confirm_insert(before: list[str], code: str, reason: str | None) -> None:
    state = apply(planned(), before)
    result = confirm_insert(state, CATALOG.inserts[code])
    if reason is None:
        assert isinstance(result, tuple), result
        new_state, mark = result
        assert mark == InsertMark(code, "confirmed", None, 1)
        assert new_state.marks == (*state.marks, mark)
    else:
        assert isinstance(result, Refused), result
        assert result.reason == reason


def test_without_a_plan_every_insert_is_refused() -> None:
    result = confirm_insert(PackingState(ORDER), CATALOG.inserts["INS-VIP"])
    assert isinstance(result, Refused) and "not for this order" in result.reason


@pytest.mark.parametrize("action", ["INS-VIP", "skip"])
def test_an_insert_mark_records_the_open_package(action: str) -> None:
    state = planned(scan(PackingState(ORDER), SHIRT))
    opened = open_next_package(state)
    assert isinstance(opened, PackingState)
    marks = apply(opened, [action]).marks
    assert [m.package_no for m in marks] == [2]


# -- skipping ------------------------------------------------------------------------------------------------

def reversed_catalog() -> Catalog:
    """The demo catalog with its inserts listed lowest priority first."""
    raw = copy.deepcopy(RAW["catalog"])
    raw["inserts"] = list(reversed(raw["inserts"]))
    return parse_catalog(raw)


SKIPS: list[tuple[str, Catalog, list[str], list[str]]] = [
    # (name, catalog, actions before, codes skipped one after the other until nothing is left)
    ("by priority", CATALOG, [], ["INS-VIP", "INS-XMAS", "INS-WELCOME"]),
    ("by priority, catalog listed the other way", reversed_catalog(), [],
     ["INS-VIP", "INS-XMAS", "INS-WELCOME"]),
    ("first one confirmed", CATALOG, ["INS-VIP"], ["INS-XMAS", "INS-WELCOME"]),
    ("middle one confirmed", CATALOG, ["INS-XMAS", "INS-XMAS"], ["INS-VIP", "INS-WELCOME"]),
    ("last one confirmed", CATALOG, ["INS-WELCOME"], ["INS-VIP", "INS-XMAS"]),
    ("half of the quantity 2 confirmed", CATALOG, ["INS-XMAS"], ["INS-VIP", "INS-XMAS", "INS-WELCOME"]),
    ("all confirmed", CATALOG, ["INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME"], []),
]


@pytest.mark.parametrize(("catalog", "before", "skipped"), [c[1:] for c in SKIPS],
                         ids=[c[0] for c in SKIPS])
def test_skip_next_follows_the_plans_priority(catalog: Catalog, before: list[str],
                                              skipped: list[str]) -> None:
    state = apply(planned(plan=plan_inserts(ORDER, catalog, TODAY)), before)
    codes = []
    while isinstance(result := skip_next_insert(state), tuple):
        state, mark = result
        assert mark == InsertMark(mark.code, "skipped", "skipped_by_operator", 1)
        codes.append(mark.code)
        assert len(codes) <= len(PLAN), "skipping never ends"
    assert codes == skipped
    assert isinstance(result, Refused) and result.reason == "No insert left to skip"
    assert pending_inserts(state) == ()


@pytest.mark.parametrize("confirmed_before", [0, 1])
def test_skipping_settles_an_insert_of_quantity_2(confirmed_before: int) -> None:
    state = apply(planned(), ["INS-VIP"] + ["INS-XMAS"] * confirmed_before)
    xmas = next(p for p in PLAN if p.code == "INS-XMAS")
    assert xmas.quantity == 2 and marked_count(state, xmas) == confirmed_before
    result = skip_next_insert(state)
    assert isinstance(result, tuple), result
    state, mark = result
    assert mark.code == "INS-XMAS"
    assert marked_count(state, xmas) == 2
    assert [p.code for p in pending_inserts(state)] == ["INS-WELCOME"]


NOTHING_TO_SKIP: list[tuple[str, tuple[PlannedInsert, ...], list[str]]] = [
    ("no plan", (), []),
    ("only out of stock", tuple(p for p in PLAN if p.skip_reason), []),
    ("all confirmed", PLAN, ["INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME"]),
    ("all skipped", PLAN, ["skip", "skip", "skip"]),
    ("confirmed and skipped", PLAN, ["INS-XMAS", "skip", "skip", "INS-WELCOME"]),
]


@pytest.mark.parametrize(("plan", "before"), [c[1:] for c in NOTHING_TO_SKIP],
                         ids=[c[0] for c in NOTHING_TO_SKIP])
def test_nothing_left_to_skip(plan: tuple[PlannedInsert, ...], before: list[str]) -> None:
    state = apply(planned(plan=plan), before)
    result = skip_next_insert(state)
    assert isinstance(result, Refused)
    assert result.reason == "No insert left to skip"


# -- verified: every unit counted and every insert settled ---------------------------------------------------

VERIFIED: list[tuple[str, list[str], tuple[PlannedInsert, ...], list[str], bool]] = [
    # (name, units scanned, plan, insert actions, verified)
    ("units missing, no inserts", [SHIRT, KIT], (), [], False),
    ("units complete, no inserts", [SHIRT, SHIRT, KIT], (), [], True),
    ("units complete, inserts pending", [SHIRT, SHIRT, KIT], PLAN, [], False),
    ("units complete, one of two XMAS in", [SHIRT, SHIRT, KIT], PLAN, ["INS-VIP", "INS-XMAS", "INS-WELCOME"],
     False),
    ("units complete, all inserts in", [SHIRT, SHIRT, KIT], PLAN,
     ["INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME"], True),
    ("units complete, XMAS partly in then skipped", [SHIRT, SHIRT, KIT], PLAN,
     ["INS-VIP", "INS-XMAS", "skip", "INS-WELCOME"], True),
    ("units complete, all skipped", [SHIRT, SHIRT, KIT], PLAN, ["skip", "skip", "skip"], True),
    ("units complete, only out of stock planned", [SHIRT, SHIRT, KIT],
     tuple(p for p in PLAN if p.skip_reason), [], True),
    ("units missing, inserts all in", [SHIRT, KIT], PLAN, ["INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME"],
     False),
    ("nothing counted, nothing planned", [], (), [], False),
]


@pytest.mark.parametrize(("codes", "plan", "actions", "verified"), [c[1:] for c in VERIFIED],
                         ids=[c[0] for c in VERIFIED])
def test_is_verified(codes: list[str], plan: tuple[PlannedInsert, ...], actions: list[str],
                     verified: bool) -> None:
    state = PackingState(ORDER)
    for code in codes:
        state = scan(state, code)
    state = apply(planned(state, plan), actions)
    assert is_verified(state, CATALOG) is verified


# -- an insert changes the package's contents ----------------------------------------------------------------

def test_confirming_an_insert_into_a_weighed_package_asks_for_a_new_weight() -> None:
    # Counting a unit or scanning a box drops a weight taken before ("a package's weight taken before its
    # contents changed no longer holds (nor its approval)"); an insert adds 10 g to the expected weight.
    state = record_weight(planned(scan(PackingState(ORDER), SHIRT)), 1, 180)
    state = confirm(state, "INS-VIP")
    assert state.package(1).weight_g is None, (
        "BUG? confirm_insert into package 1 (weighed 180 g before, expected now 190 g) keeps weight_g="
        f"{state.package(1).weight_g} and approved_by={state.package(1).approved_by!r}; may_close on a scale "
        f"says {may_close(state, CATALOG, 1, scale=True, tolerance_pct=5, tolerance_g=20)!r} instead of "
        "asking to weigh it again")
