"""Returns (GET /v1/returns): the contract example and the demo returns read, malformed ones are
DataError and never another exception; the unannounced return; LPNs."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.domain.orders import Customer, parse_order
from station.domain.parsing import DataError
from station.domain.returns import (
    LPN_PREFIX,
    RESOLUTIONS,
    RETURN_REASONS,
    RETURN_STATUSES,
    ReturnLine,
    format_lpn,
    parse_lpn,
    parse_return,
    unannounced_return,
)
from tests.station.domain.bodies import edited

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "backend-data.json"
RAW: dict[str, Any] = json.loads(DEMO.read_text(encoding="utf-8"))

# The example of backend-api.md.
CONTRACT_RETURN: dict[str, Any] = {
    "rma_number": "RMA-5001", "order_number": "SO-100234", "status": "open",
    "customer": {"id": "C-88", "name": "Zoë Müller", "email": "zoe@example.com", "order_count": 3},
    "return_tracking_number": "1Z999AA10123456784",
    "requested_resolution": "refund",
    "lines": [{"line_id": "1", "sku": "TSHIRT-BLK-M", "quantity": 1, "reason": "SIZE_TOO_SMALL",
               "customer_note": "too tight", "shipped_serials": [], "shipped_lots": []}],
}


def return_with(path: str, value: Any) -> dict[str, Any]:
    """The contract's return with body[a][b]... = value; "-" as the value deletes the key."""
    return edited(CONTRACT_RETURN, path, value)


def test_the_contract_example_reads_field_by_field() -> None:
    rma = parse_return(CONTRACT_RETURN)
    assert (rma.rma_number, rma.order_number, rma.status) == ("RMA-5001", "SO-100234", "open")
    assert rma.customer == Customer("C-88", "Zoë Müller", "zoe@example.com", 3)
    assert rma.return_tracking_number == "1Z999AA10123456784"
    assert rma.requested_resolution == "refund"
    assert rma.lines == (ReturnLine("1", "TSHIRT-BLK-M", 1, "SIZE_TOO_SMALL", "too tight", (), ()),)
    assert not rma.unannounced and rma.subject == "RMA-5001"


@pytest.mark.parametrize("raw", RAW["returns"], ids=lambda raw: raw["rma_number"])
def test_every_demo_return_parses(raw: dict[str, Any]) -> None:
    rma = parse_return(raw)
    assert (rma.rma_number, rma.order_number, rma.status) == \
        (raw["rma_number"], raw["order_number"], raw["status"])
    assert rma.return_tracking_number == raw["return_tracking_number"]
    assert rma.requested_resolution == raw["requested_resolution"]
    assert [(line.line_id, line.sku, line.quantity, line.reason, line.customer_note,
             list(line.shipped_serials), list(line.shipped_lots)) for line in rma.lines] == \
        [(line["line_id"], line["sku"], line["quantity"], line["reason"], line["customer_note"],
          line["shipped_serials"], line["shipped_lots"]) for line in raw["lines"]]


def test_the_demo_returns_cover_every_status_but_cancelled_and_serials_and_lots() -> None:
    returns = [parse_return(raw) for raw in RAW["returns"]]
    assert {r.status for r in returns} == {"open", "received", "closed"}
    assert any(line.shipped_serials for r in returns for line in r.lines)
    assert any(line.shipped_lots for r in returns for line in r.lines)


@pytest.mark.parametrize("status", RETURN_STATUSES)
def test_every_status_of_the_contract_reads(status: str) -> None:
    assert parse_return(return_with("status", status)).status == status


@pytest.mark.parametrize("reason", RETURN_REASONS)
def test_every_reason_of_the_contract_reads(reason: str) -> None:
    assert parse_return(return_with("lines.0.reason", reason)).lines[0].reason == reason


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_every_resolution_of_the_contract_reads(resolution: str) -> None:
    assert parse_return(return_with("requested_resolution", resolution)).requested_resolution == resolution


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("return_tracking_number", None, None),
    ("return_tracking_number", "", None),
    ("return_tracking_number", "-", None),
    ("lines.0.customer_note", None, None),
    ("lines.0.customer_note", "-", None),
    ("lines.0.shipped_serials", None, ()),
    ("lines.0.shipped_serials", "-", ()),
    ("lines.0.shipped_lots", ["L1", "L2"], ("L1", "L2")),
    ("lines.0.line_id", 7, "7"),
    ("customer.id", 88, "88"),
    ("customer.email", None, None),
])
def test_optional_fields_may_be_null_or_absent(path: str, value: Any, expected: Any) -> None:
    rma = parse_return(return_with(path, value))
    read = {"return_tracking_number": rma.return_tracking_number,
            "lines.0.customer_note": rma.lines[0].customer_note,
            "lines.0.shipped_serials": rma.lines[0].shipped_serials,
            "lines.0.shipped_lots": rma.lines[0].shipped_lots,
            "lines.0.line_id": rma.lines[0].line_id,
            "customer.id": rma.customer.id, "customer.email": rma.customer.email}[path]
    assert read == expected


MALFORMED: list[tuple[str, Any]] = [
    ("status", "lost"), ("status", "OPEN"), ("status", None), ("status", "-"),
    ("requested_resolution", "cash"), ("requested_resolution", None), ("requested_resolution", "-"),
    ("rma_number", "-"), ("rma_number", None), ("rma_number", ""), ("rma_number", 5001),
    ("order_number", "-"), ("order_number", ["SO-1"]),
    ("customer", "-"), ("customer", None), ("customer", "C-88"), ("customer.name", "-"),
    ("customer.id", None), ("customer.id", True), ("customer.order_count", "3"),
    ("return_tracking_number", 123),
    ("lines", "-"), ("lines", None), ("lines", []), ("lines", {"0": {}}), ("lines", ["x"]),
    ("lines.0.reason", "BROKEN"), ("lines.0.reason", "defective"), ("lines.0.reason", "-"),
    ("lines.0.quantity", 0), ("lines.0.quantity", -1), ("lines.0.quantity", "1"),
    ("lines.0.quantity", 1.5), ("lines.0.quantity", True), ("lines.0.quantity", None),
    ("lines.0.quantity", "-"),
    ("lines.0.sku", "-"), ("lines.0.sku", ""), ("lines.0.sku", 42),
    ("lines.0.line_id", "-"), ("lines.0.line_id", ""), ("lines.0.line_id", False),
    ("lines.0.customer_note", 7),
    ("lines.0.shipped_serials", "SN1"), ("lines.0.shipped_serials", [1]), ("lines.0.shipped_serials", [""]),
    ("lines.0.shipped_lots", {"L1": 1}), ("lines.0.shipped_lots", [None]),
]


@pytest.mark.parametrize(("path", "value"), MALFORMED, ids=[f"{p}={v!r}" for p, v in MALFORMED])
def test_malformed_returns_are_data_errors(path: str, value: Any) -> None:
    with pytest.raises(DataError):
        parse_return(return_with(path, value))


def test_two_lines_with_one_line_id_are_a_data_error() -> None:
    body = copy.deepcopy(CONTRACT_RETURN)
    body["lines"].append(dict(body["lines"][0], sku="MUG-01"))
    with pytest.raises(DataError, match="line_id"):
        parse_return(body)


@pytest.mark.parametrize("raw", [None, [], "RMA-5001", 5001, [CONTRACT_RETURN]])
def test_a_body_that_is_not_an_object_is_a_data_error(raw: Any) -> None:
    with pytest.raises(DataError):
        parse_return(raw)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=8)
PATHS = ["rma_number", "order_number", "status", "customer", "customer.id", "customer.name",
         "customer.order_count", "return_tracking_number", "requested_resolution", "lines",
         "lines.0", "lines.0.line_id", "lines.0.sku", "lines.0.quantity", "lines.0.reason",
         "lines.0.customer_note", "lines.0.shipped_serials", "lines.0.shipped_lots"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS), JSON)
def test_any_value_anywhere_reads_or_is_a_data_error(path: str, value: Any) -> None:
    with contextlib.suppress(DataError):
        parse_return(return_with(path, value))


@settings(max_examples=100, deadline=None)
@given(JSON)
def test_any_json_body_reads_or_is_a_data_error(raw: Any) -> None:
    with contextlib.suppress(DataError):
        parse_return(raw)


def test_an_unannounced_return_is_open_without_lines_rma_or_wish() -> None:
    order = parse_order(RAW["orders"][0])
    rma = unannounced_return(order)
    assert rma.rma_number is None and rma.unannounced
    assert (rma.order_number, rma.status, rma.customer) == (order.order_number, "open", order.customer)
    assert rma.lines == () and rma.return_tracking_number is None and rma.requested_resolution is None
    assert rma.subject == order.order_number


@pytest.mark.parametrize(("station", "sequence", "lpn"), [
    (2, 42, "LPN00200000042"), (1, 42, "LPN00100000042"), (1, 1, "LPN00100000001"),
    (999, 99_999_999, "LPN99999999999"), (17, 12_345_678, "LPN01712345678"),
])
def test_format_lpn(station: int, sequence: int, lpn: str) -> None:
    assert format_lpn(station, sequence) == lpn
    assert lpn.startswith(LPN_PREFIX) and len(lpn) == 14
    assert parse_lpn(lpn) == (station, sequence)


@pytest.mark.parametrize(("station", "sequence"), [
    (0, 1), (1000, 1), (-1, 1), (1, 0), (1, -5), (1, 100_000_000), (True, 1), (1, True),
])
def test_format_lpn_refuses_numbers_out_of_range(station: int, sequence: int) -> None:
    with pytest.raises(ValueError):
        format_lpn(station, sequence)


@pytest.mark.parametrize("code", ["LPN0020000004", "LPN002000000420", "lpn00200000042", "LPN00000000042",
                                  "LPN00100000000", "XYZ00200000042", "LPN0020000004²", ""])
def test_parse_lpn_refuses_what_is_not_an_lpn(code: str) -> None:
    assert parse_lpn(code) is None
