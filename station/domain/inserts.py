"""Which inserts an order needs: catalog insert rules checked against an order, in checklist order.

Pure: a rule we cannot read (malformed value, unknown condition) does not hold, and nothing raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from station.domain.catalog import Catalog, Insert
from station.domain.orders import Order

OUT_OF_STOCK = "out_of_stock"

_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class PlannedInsert:
    """One required insert: how many go in, or why it is skipped automatically."""

    code: str
    name: str
    barcode: str
    priority: int
    quantity: int  # how many go in (max_per_order, capped by stock left); 0 when skipped
    skip_reason: str | None = None  # "out_of_stock" when it is skipped automatically


@dataclass(frozen=True)
class _Subject:
    order: Order
    catalog: Catalog
    today: date


def plan_inserts(order: Order, catalog: Catalog, today: date,
                 used: Mapping[str, int] | None = None) -> tuple[PlannedInsert, ...]:
    """The inserts whose rule holds for this order, higher priority first, then by code.

    `used` counts what has already gone out of each insert's `stock` (by insert code).
    """
    used = used or {}
    planned = [_plan_one(insert, used) for insert in catalog.inserts.values()
               if _well_formed(insert) and rule_holds(insert.rule, order, catalog, today)]
    return tuple(sorted(planned, key=lambda p: (-p.priority, p.code)))


def rule_holds(rule: Mapping[str, Any], order: Order, catalog: Catalog, today: date) -> bool:
    """Whether every condition of an insert rule holds; an empty rule holds for every order."""
    if not isinstance(rule, Mapping):
        return False
    if isinstance(today, datetime):  # a datetime does not compare with a date
        today = today.date()
    subject = _Subject(order, catalog, today)
    for key, value in rule.items():
        check = _CHECKS.get(key) if isinstance(key, str) else None
        if check is None or not check(value, rule, subject):
            return False
    return True


def _plan_one(insert: Insert, used: Mapping[str, int]) -> PlannedInsert:
    wanted = max(1, insert.max_per_order)
    if insert.stock is None:
        quantity, reason = wanted, None
    else:
        gone = used.get(insert.code, 0)
        left = insert.stock - (gone if _is_int(gone) and gone > 0 else 0)
        quantity, reason = (0, OUT_OF_STOCK) if left <= 0 else (min(wanted, left), None)
    return PlannedInsert(insert.code, insert.name, insert.barcode, insert.priority, quantity, reason)


def _well_formed(insert: Insert) -> bool:
    # An insert built from odd data (not through parse_catalog) is left out rather than raising.
    return (all(isinstance(s, str) for s in (insert.code, insert.name, insert.barcode))
            and _is_int(insert.priority) and _is_int(insert.max_per_order)
            and (insert.stock is None or _is_int(insert.stock)))


# --- conditions: each takes (value, whole rule, subject) and is False for a value it cannot read ---

def _first_order(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    if not isinstance(value, bool):
        return False
    return (s.order.customer.order_count == 1) == value


def _min_total(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    minimum, amount = _decimal(value), _decimal(s.order.total_amount)
    currency = rule.get("currency") or s.order.total_currency
    if minimum is None or amount is None:
        return False  # a malformed minimum, or an order without a total
    if not isinstance(currency, str) or not isinstance(s.order.total_currency, str):
        return False
    return currency.upper() == s.order.total_currency.upper() and amount >= minimum


def _currency(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    return value is None or (isinstance(value, str) and bool(value))  # read by min_total


def _max_per_order(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    # Not a condition: parse_catalog merged it into Insert.max_per_order. Only its shape is checked.
    return value is None or _is_int(value) or (isinstance(value, float) and value.is_integer())


def _skus_any(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    wanted = _strings(value)
    return wanted is not None and any(sku in wanted for sku in _received_skus(s.order, s.catalog))


def _tags_any(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    wanted = _strings(value)
    return wanted is not None and any(tag in wanted for tag in s.order.tags)


def _channels(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    wanted = _strings(value)
    return wanted is not None and s.order.channel in wanted


def _countries(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    wanted = _strings(value)
    country = s.order.ship_to.country
    return (wanted is not None and isinstance(country, str)
            and country.upper() in {c.upper() for c in wanted})


def _valid_from(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    first = _iso_date(value)
    return first is not None and first <= s.today


def _valid_to(value: Any, rule: Mapping[str, Any], s: _Subject) -> bool:
    last = _iso_date(value)
    return last is not None and s.today <= last


_Check = Callable[[Any, Mapping[str, Any], _Subject], bool]
_CHECKS: dict[str, _Check] = {
    "first_order": _first_order, "min_total": _min_total, "currency": _currency,
    "max_per_order": _max_per_order, "skus_any": _skus_any, "tags_any": _tags_any,
    "channels": _channels, "countries": _countries, "valid_from": _valid_from, "valid_to": _valid_to,
}


# --- readers ---

def _received_skus(order: Order, catalog: Catalog) -> Iterator[str]:
    """Every sku the customer receives: each line's, and each component of a kit line."""
    for line in order.lines:
        yield line.sku
        product = catalog.products.get(line.sku)
        if product is not None:
            yield from (component.sku for component in product.components)


def _strings(value: Any) -> frozenset[str] | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None
    return frozenset(value)


def _decimal(value: Any) -> Decimal | None:
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        return None
    return Decimal(value)


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:  # 2026-13-01, 2026-02-30
        return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
