"""Orders (GET /v1/orders/{n}): the demo orders read, optional fields may be null, bad data is DataError."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from station.domain.orders import OrderLine, parse_order
from station.domain.parsing import DataError
from tests.station.domain.bodies import edited

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "backend-data.json"

# The example of backend-api.md.
CONTRACT_ORDER: dict[str, Any] = {
    "order_number": "SO-100234", "status": "ready", "hold_reason": None,
    "channel": "web", "placed_at": "2026-11-21T18:22:10Z",
    "customer": {"id": "C-88", "name": "Zoë Müller", "email": "zoe@example.com", "order_count": 1},
    "ship_to": {"name": "Zoë Müller", "company": None, "line1": "Hauptstraße 5", "line2": None,
                "city": "Berlin", "postcode": "10115", "region": None, "country": "DE", "phone": None},
    "tags": ["vip"], "total": {"amount": "89.90", "currency": "EUR"},
    "lines": [{"line_id": "1", "sku": "TSHIRT-BLK-M", "quantity": 2},
              {"line_id": "2", "sku": "GIFTSET-1", "quantity": 1}],
    "shipping": {"carrier": "DHL", "service": "Paket", "tracking_number": "00340434161094042557",
                 "label": None},
    "gift_message": "Happy birthday!", "notes": None,
}


def order_with(path: str, value: Any) -> dict[str, Any]:
    """The contract's order with body[a][b]... = value; "-" as the value deletes the key."""
    return edited(CONTRACT_ORDER, path, value)


def test_the_contract_example_reads_field_by_field() -> None:
    order = parse_order(CONTRACT_ORDER)
    assert order.order_number == "SO-100234"
    assert (order.status, order.hold_reason, order.channel) == ("ready", None, "web")
    assert order.placed_at == datetime(2026, 11, 21, 18, 22, 10, tzinfo=UTC)
    assert (order.customer.id, order.customer.name, order.customer.email, order.customer.order_count) == \
        ("C-88", "Zoë Müller", "zoe@example.com", 1)
    assert order.ship_to.line1 == "Hauptstraße 5" and order.ship_to.country == "DE"
    assert order.ship_to.company is None and order.ship_to.postcode == "10115"
    assert order.tags == ("vip",)
    assert (order.total_amount, order.total_currency) == ("89.90", "EUR")
    assert order.lines == (OrderLine("1", "TSHIRT-BLK-M", 2), OrderLine("2", "GIFTSET-1", 1))
    assert (order.shipping.carrier, order.shipping.service, order.shipping.tracking_number) == \
        ("DHL", "Paket", "00340434161094042557")
    assert (order.gift_message, order.notes) == ("Happy birthday!", None)


def demo_orders() -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = json.loads(DEMO.read_text(encoding="utf-8"))["orders"]
    return orders


@pytest.mark.parametrize("raw", demo_orders(), ids=lambda raw: raw["order_number"])
def test_every_demo_order_parses(raw: dict[str, Any]) -> None:
    order = parse_order(raw)
    assert order.order_number == raw["order_number"]
    assert order.status == raw["status"]
    assert order.hold_reason == raw.get("hold_reason")
    assert [(line.line_id, line.sku, line.quantity) for line in order.lines] == \
        [(str(line["line_id"]), line["sku"], line["quantity"]) for line in raw["lines"]]
    assert order.placed_at is not None and order.placed_at.utcoffset() == timedelta(0)


def test_demo_orders_cover_every_status() -> None:
    assert {parse_order(raw).status for raw in demo_orders()} == \
        {"ready", "on_hold", "cancelled", "packed", "shipped"}


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-21T18:22:10Z", datetime(2026, 11, 21, 18, 22, 10, tzinfo=UTC)),
    ("2026-11-21T18:22:10+00:00", datetime(2026, 11, 21, 18, 22, 10, tzinfo=UTC)),
    ("2026-11-21T19:22:10+01:00", datetime(2026, 11, 21, 18, 22, 10, tzinfo=UTC)),
    ("2026-11-21T18:22:10.250Z", datetime(2026, 11, 21, 18, 22, 10, 250_000, tzinfo=UTC)),
    (None, None),
])
def test_placed_at_is_an_aware_utc_instant(text: str | None, expected: datetime | None) -> None:
    placed = parse_order(order_with("placed_at", text)).placed_at
    assert placed == expected
    assert placed is None or placed.utcoffset() is not None


def test_a_numeric_line_id_is_read_as_text() -> None:
    order = parse_order(order_with("lines.0.line_id", 1))
    assert order.lines[0].line_id == "1"


def test_optional_fields_may_be_null_or_absent() -> None:
    body = copy.deepcopy(CONTRACT_ORDER)
    for key in ("hold_reason", "channel", "placed_at", "tags", "total", "gift_message", "notes"):
        del body[key]
    del body["customer"]["email"], body["customer"]["order_count"]
    body["shipping"] = {"carrier": "DHL", "tracking_number": None}
    order = parse_order(body)
    assert (order.hold_reason, order.channel, order.placed_at, order.gift_message, order.notes) == \
        (None, None, None, None, None)
    assert order.tags == ()
    assert (order.total_amount, order.total_currency) == (None, None)
    assert (order.customer.email, order.customer.order_count) == (None, 0)
    assert (order.shipping.service, order.shipping.tracking_number) == ("", None)


BAD_ORDERS: list[tuple[str, dict[str, Any] | Any, str]] = [
    ("order_number missing", order_with("order_number", "-"), "'order_number' is missing"),
    ("order_number empty", order_with("order_number", ""), "'order_number' must be a non-empty string"),
    ("order_number a number", order_with("order_number", 100234), "'order_number'"),
    ("unknown status", order_with("status", "open"), "unknown order status 'open'"),
    ("status in capitals", order_with("status", "READY"), "unknown order status 'READY'"),
    ("status missing", order_with("status", "-"), "'status' is missing"),
    ("status null", order_with("status", None), "'status'"),
    ("hold_reason a number", order_with("hold_reason", 3), "'hold_reason'"),
    ("lines missing", order_with("lines", "-"), "'lines'"),
    ("lines an object", order_with("lines", {"1": {"sku": "A", "quantity": 1}}), "'lines' must be a list"),
    ("lines a string", order_with("lines", "TSHIRT-BLK-M"), "'lines' must be a list"),
    ("lines null", order_with("lines", None), "'lines' must be a list"),
    ("line not an object", order_with("lines", ["TSHIRT-BLK-M"]), "'lines' must be a list"),
    ("line sku missing", order_with("lines.0.sku", "-"), "'sku' is missing"),
    ("line sku empty", order_with("lines.0.sku", ""), "'sku'"),
    ("line quantity as string", order_with("lines.0.quantity", "2"), "'quantity' must be a whole number"),
    ("line quantity fractional", order_with("lines.0.quantity", 2.0), "'quantity' must be a whole number"),
    ("line quantity bool", order_with("lines.0.quantity", True), "'quantity' must be a whole number"),
    ("line quantity missing", order_with("lines.0.quantity", "-"), "'quantity' is missing"),
    ("line quantity zero", order_with("lines.0.quantity", 0), "quantity below 1"),
    ("line quantity negative", order_with("lines.0.quantity", -2), "quantity below 1"),
    ("line_id missing", order_with("lines.0.line_id", "-"), "'line_id'"),
    ("line_id empty", order_with("lines.0.line_id", ""), "'line_id'"),
    ("line_id null", order_with("lines.0.line_id", None), "'line_id'"),
    ("line_id bool", order_with("lines.0.line_id", True), "'line_id'"),
    ("placed_at nonsense", order_with("placed_at", "yesterday"), "bad time 'yesterday'"),
    ("placed_at month 13", order_with("placed_at", "2026-13-01T00:00:00Z"), "bad time"),
    ("placed_at a date only", order_with("placed_at", "2026-11-21"), "bad time"),
    ("placed_at without offset", order_with("placed_at", "2026-11-21T18:22:10"), "bad time"),
    ("placed_at a number", order_with("placed_at", 1763749330), "'placed_at'"),
    ("customer missing", order_with("customer", "-"), "'customer' is missing"),
    ("customer a string", order_with("customer", "C-88"), "'customer' must be an object"),
    ("customer name missing", order_with("customer.name", "-"), "'name' is missing"),
    ("customer id null", order_with("customer.id", None), "'id'"),
    ("customer order_count text", order_with("customer.order_count", "1"), "'order_count'"),
    ("ship_to missing", order_with("ship_to", "-"), "'ship_to' is missing"),
    ("ship_to line1 missing", order_with("ship_to.line1", "-"), "'line1' is missing"),
    ("ship_to country missing", order_with("ship_to.country", "-"), "'country' is missing"),
    ("ship_to city a number", order_with("ship_to.city", 10115), "'city'"),
    ("shipping missing", order_with("shipping", "-"), "'shipping' is missing"),
    ("shipping carrier missing", order_with("shipping.carrier", "-"), "'carrier' is missing"),
    ("tracking number a number", order_with("shipping.tracking_number", 340434161094042557),
     "'tracking_number'"),
    ("tags a string", order_with("tags", "vip"), "'tags' must be a list"),
    ("tags holding objects", order_with("tags", [{"name": "vip"}]), "'tags' must be a list"),
    ("total a string", order_with("total", "89.90"), "'amount'"),
    ("total amount a number", order_with("total.amount", 89.9), "'amount'"),
    ("body a list", [CONTRACT_ORDER], ""),
    ("body null", None, ""),
    ("body a string", "SO-100234", ""),
]


@pytest.mark.parametrize(("raw", "fragment"), [(raw, f) for _, raw, f in BAD_ORDERS],
                         ids=[name for name, _, _ in BAD_ORDERS])
def test_a_malformed_order_raises_dataerror_with_a_clear_message(raw: Any, fragment: str) -> None:
    with pytest.raises(DataError) as caught:
        parse_order(raw)
    message = str(caught.value)
    assert fragment in message
    assert message and "\n" not in message


def test_an_order_without_lines_is_malformed() -> None:
    from station.domain.orders import parse_order
    from station.domain.parsing import DataError

    body = {
        "order_number": "SO-1", "status": "ready", "customer": {"id": "C", "name": "N"},
        "ship_to": {"name": "N", "line1": "L", "city": "C", "country": "DE"},
        "lines": [], "shipping": {"carrier": "DHL"},
    }
    with pytest.raises(DataError, match="no lines"):
        parse_order(body)


def test_a_carrier_label_is_read_in_either_format() -> None:
    zpl = b"^XA^FO50,50^A0N,40^FDCARRIER^FS^XZ"
    order = parse_order(order_with("shipping.label", {
        "format": "zpl", "data_base64": base64.b64encode(zpl).decode()}))
    assert order.shipping.label is not None
    assert (order.shipping.label.format, order.shipping.label.data) == ("zpl", zpl)
    assert order.shipping.label_problem is None
    pdf = parse_order(order_with("shipping.label", {
        "format": "pdf", "data_base64": base64.b64encode(b"%PDF-1.4 ...").decode()}))
    assert pdf.shipping.label is not None and pdf.shipping.label.format == "pdf"


@pytest.mark.parametrize(("label", "problem"), [
    ("a string", "not an object"),
    ({"format": "png", "data_base64": "aGVsbG8="}, "'png' is neither zpl nor pdf"),
    ({"format": "zpl", "data_base64": "not base64!"}, "not valid base64"),
    ({"format": "zpl", "data_base64": ""}, "empty"),
    ({"format": "zpl"}, "empty"),
    ({"format": "pdf", "data_base64": "aGVsbG8="}, "says pdf but is not a PDF"),
])
def test_an_unusable_carrier_label_leaves_the_order_readable_and_says_why(label: Any, problem: str) -> None:
    order = parse_order(order_with("shipping.label", label))
    assert order.shipping.label is None
    assert order.shipping.label_problem is not None and problem in order.shipping.label_problem
    assert order.order_number == "SO-100234"  # the station prints its own label instead
