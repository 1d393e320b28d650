"""The on-screen warning for customer data the printer fonts cannot draw, so a label never comes out
with silent boxes where a name should be."""

from __future__ import annotations

from collections.abc import Iterable

from printing.fonts import FALLBACK_HINT, unprintable
from station.domain.orders import Order

SHOWN = 12  # characters named in the warning; the rest are like them


def unprintable_warning(texts: Iterable[str | None]) -> str | None:
    """One line naming the characters no printing font has, with how to fix it; None when all print."""
    missing = unprintable(" ".join(text for text in texts if text))
    if not missing:
        return None
    more = "…" if len(missing) > SHOWN else ""
    return f"the printer fonts cannot print {missing[:SHOWN]}{more}: {FALLBACK_HINT}"


def order_texts(order: Order) -> list[str | None]:
    """What of an order goes on its slip and labels."""
    to = order.ship_to
    return [order.customer.name, to.name, to.company, to.line1, to.line2, to.city, to.region,
            to.postcode, order.gift_message, order.notes]
