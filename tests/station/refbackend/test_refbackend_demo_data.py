"""The demo data file: valid check digits, consistent cross references, a working supervisor PIN."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from refbackend_helpers import DEMO_DATA

from station.domain.catalog import parse_catalog
from station.domain.orders import parse_order

DATA: dict[str, Any] = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
CATALOG: dict[str, Any] = DATA["catalog"]
PRODUCTS = {p["sku"]: p for p in CATALOG["products"]}
KITS = {k["sku"]: k for k in CATALOG["kits"]}
ORDERS = {o["order_number"]: o for o in DATA["orders"]}
GTIN_LENGTHS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}


def gs1_check_digit(body: str) -> str:
    """GS1 mod 10: weights 3, 1, 3... from the rightmost digit of the body."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def test_check_digit_function_on_known_codes() -> None:
    for code in ("036000291452", "4006381333931", "96385074", "14006381333938"):
        assert gs1_check_digit(code[:-1]) == code[-1]


def numeric_barcodes() -> list[tuple[str, str, int]]:
    return [(p["sku"], b["code"], b["quantity"]) for p in CATALOG["products"]
            for b in p["barcodes"] if b["code"].isdigit()]


@pytest.mark.parametrize(("sku", "code", "quantity"), numeric_barcodes())
def test_every_gtin_has_a_valid_check_digit(sku: str, code: str, quantity: int) -> None:
    assert len(code) in GTIN_LENGTHS, f"{sku}: {code}"
    assert gs1_check_digit(code[:-1]) == code[-1], f"{sku}: {code}"


def test_all_gtin_kinds_are_present() -> None:
    kinds = {GTIN_LENGTHS[len(code)] for _, code, _ in numeric_barcodes()}
    assert kinds == {"EAN-8", "UPC-A", "EAN-13", "GTIN-14"}


def test_case_gtin14_is_its_ean13_with_indicator_1() -> None:
    cases = [(sku, code, q) for sku, code, q in numeric_barcodes() if len(code) == 14]
    assert cases and all(q in (6, 12) for _, _, q in cases)
    for sku, case, _ in cases:
        units = [b["code"] for b in PRODUCTS[sku]["barcodes"]
                 if len(b["code"]) == 13 and b["quantity"] == 1]
        assert units, sku
        assert case[0] == "1"
        assert case[1:13] == units[0][:12]
        assert case[13] == gs1_check_digit(case[:13])


def test_barcodes_are_unique() -> None:
    codes = [b["code"] for item in CATALOG["products"] + CATALOG["kits"] for b in item["barcodes"]]
    codes += [i["barcode"] for i in CATALOG["inserts"]] + [b["barcode"] for b in CATALOG["boxes"]]
    assert len(codes) == len(set(codes))
    # GTIN equivalence: no two products may share a GTIN once padded to 14 digits.
    gtins = [code.zfill(14)[1:] if len(code) == 14 else code.zfill(14)
             for _, code, q in numeric_barcodes() if q == 1]
    assert len(gtins) == len(set(gtins))


def test_tracking_kinds_kit_and_weights() -> None:
    assert {p["tracking"] for p in PRODUCTS.values()} == {"none", "serial", "lot"}
    assert all(isinstance(p["weight_g"], int) and p["weight_g"] > 0 for p in PRODUCTS.values())
    kit = KITS["GIFTSET-1"]
    assert kit["barcodes"] == [{"code": "KIT-GIFTSET-1", "quantity": 1}]
    assert {c["sku"] for c in kit["components"]} <= PRODUCTS.keys()


def test_inserts_and_boxes() -> None:
    inserts = {i["code"]: i for i in CATALOG["inserts"]}
    assert inserts["INS-WELCOME"]["rule"] == {"first_order": True}
    assert inserts["INS-VIP"]["rule"]["tags_any"] == ["vip"]
    assert inserts["INS-SAMPLE"]["stock"] == 0
    xmas = inserts["INS-XMAS"]["rule"]
    assert xmas["valid_from"] <= xmas["valid_to"] and Decimal(xmas["min_total"]) > 0
    assert any("max_per_order" in i for i in inserts.values())
    assert {b["code"] for b in CATALOG["boxes"]} == {"BOX-S", "BOX-M", "BOX-L", "ENV-A4"}


def test_supervisor_pin_hash_verifies_2468() -> None:
    staff = {s["badge"]: s for s in CATALOG["staff"]}
    supervisor = staff["EMP-9001"]
    assert supervisor["role"] == "supervisor"
    assert supervisor["pin_argon2"].startswith("$argon2id$")
    hasher = PasswordHasher()
    assert hasher.verify(supervisor["pin_argon2"], "2468")
    with pytest.raises(VerifyMismatchError):
        hasher.verify(supervisor["pin_argon2"], "1234")
    packers = [s for s in staff.values() if s["role"] == "packer"]
    assert len(packers) >= 2 and all(s["pin_argon2"] is None for s in packers)
    assert staff["EMP-2001"]["role"] == "returns"


def test_every_order_sku_is_in_the_catalog() -> None:
    for order in ORDERS.values():
        for line in order["lines"]:
            assert line["sku"] in PRODUCTS or line["sku"] in KITS, (order["order_number"], line)


def test_orders_cover_the_demo_cases() -> None:
    assert all(re.fullmatch(r"SO-1002(3[4-9]|4[0-5])", n) for n in ORDERS)
    assert {o["status"] for o in ORDERS.values()} >= {"ready", "on_hold", "cancelled", "packed"}
    assert ORDERS["SO-100238"]["hold_reason"] == "payment review"
    assert any(o["customer"]["order_count"] == 1 and o["status"] == "ready"
               for o in ORDERS.values())
    tracked = {PRODUCTS[line["sku"]]["tracking"] for o in ORDERS.values() if o["status"] == "ready"
               for line in o["lines"] if line["sku"] in PRODUCTS}
    assert {"serial", "lot"} <= tracked
    for order in ORDERS.values():
        assert order["total"]["currency"] == "EUR"
        assert re.fullmatch(r"\d+\.\d\d", order["total"]["amount"])
        assert order["shipping"]["label"] is None
        parse_order(order)  # the station's own reader accepts it


def test_carrier_tracking_numbers_are_well_formed() -> None:
    numbers = [o["shipping"]["tracking_number"] for o in ORDERS.values()]
    numbers += [r["return_tracking_number"] for r in DATA["returns"]]
    for number in filter(None, numbers):
        if number.startswith("1Z"):
            assert ups_check_digit(number[2:-1]) == number[-1], number
        else:  # DHL "00" + SSCC, or a GLS parcel number: GS1 mod 10
            assert gs1_check_digit(number[:-1]) == number[-1], number


def ups_check_digit(body: str) -> str:
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body]
    total = sum(v * (2 if i % 2 else 1) for i, v in enumerate(values))
    return str((10 - total % 10) % 10)


def test_returns_refer_to_known_orders_and_skus() -> None:
    assert {r["status"] for r in DATA["returns"]} >= {"open", "received", "closed"}
    for rma in DATA["returns"]:
        order = ORDERS[rma["order_number"]]
        assert rma["customer"]["id"] == order["customer"]["id"]
        ordered = {line["sku"] for line in order["lines"]}
        for line in rma["lines"]:
            assert line["sku"] in PRODUCTS and line["sku"] in ordered, (rma["rma_number"], line)
            if line["shipped_serials"]:
                assert PRODUCTS[line["sku"]]["tracking"] == "serial"
            if line["shipped_lots"]:
                assert PRODUCTS[line["sku"]]["tracking"] == "lot"
    assert any(line["shipped_serials"] for r in DATA["returns"] for line in r["lines"])


def test_the_station_parses_the_catalog() -> None:
    catalog = parse_catalog(CATALOG)
    match = catalog.match("14006381333938")
    assert match is not None and match.product.sku == "TSHIRT-BLK-M" and match.quantity == 12
