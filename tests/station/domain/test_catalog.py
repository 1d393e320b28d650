"""The catalog (GET /v1/catalog): demo data reads, scans resolve by GTIN equivalence, bad data fails."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from station.domain.barcodes import gtin_key, parse_gs1
from station.domain.catalog import Catalog, parse_catalog
from station.domain.parsing import DataError

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "backend-data.json"


@pytest.fixture(scope="module")
def demo_body() -> dict[str, Any]:
    body: dict[str, Any] = json.loads(DEMO.read_text(encoding="utf-8"))["catalog"]
    return body


@pytest.fixture(scope="module")
def demo(demo_body: dict[str, Any]) -> Catalog:
    return parse_catalog(demo_body)


def minimal_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "version": "v1",
        "products": [{"sku": "TSHIRT-BLK-M", "name": "T-shirt", "weight_g": 180, "tracking": "none",
                      "barcodes": [{"code": "4006381333931", "quantity": 1},
                                   {"code": "14006381333938", "quantity": 12}]},
                     {"sku": "MUG-01", "name": "Mug", "barcodes": [{"code": "5601234100013"}]},
                     {"sku": "TEA-05", "name": "Tea", "barcodes": [{"code": "40039947"}]}],
        "kits": [{"sku": "GIFTSET-1", "name": "Gift set",
                  "barcodes": [{"code": "KIT-GIFTSET-1", "quantity": 1}],
                  "components": [{"sku": "MUG-01", "quantity": 1}, {"sku": "TEA-05", "quantity": 2}]}],
        "inserts": [{"code": "INS-WELCOME", "name": "Welcome card", "barcode": "INS-WELCOME",
                     "priority": 10, "stock": None, "rule": {"first_order": True}}],
        "boxes": [{"code": "BOX-S", "name": "Small box", "barcode": "BOX-S", "tare_g": 120,
                   "dims_mm": [250, 200, 100]}],
        "staff": [{"badge": "EMP-1001", "name": "Ana Silva", "role": "packer", "pin_argon2": None}],
    }
    body.update(extra)
    return body


def one_product(code: str) -> Catalog:
    return parse_catalog({"version": "v", "products": [
        {"sku": "SODA-12", "name": "Soda", "barcodes": [{"code": code, "quantity": 1}]}]})


# -- the demo data -------------------------------------------------------------------------------------------


def test_demo_catalog_parses_completely(demo: Catalog, demo_body: dict[str, Any]) -> None:
    assert demo.version == demo_body["version"]
    assert set(demo.products) == {p["sku"] for p in demo_body["products"] + demo_body["kits"]}
    assert set(demo.inserts) == {i["code"] for i in demo_body["inserts"]}
    assert set(demo.boxes) == {b["code"] for b in demo_body["boxes"]}
    assert set(demo.staff) == {s["badge"] for s in demo_body["staff"]}


def test_demo_catalog_details(demo: Catalog) -> None:
    shirt = demo.products["TSHIRT-BLK-M"]
    assert (shirt.name, shirt.weight_g, shirt.tracking, shirt.is_kit) == \
        ("Organic cotton T-shirt, black, M", 180, "none", False)
    assert [(b.code, b.quantity) for b in shirt.barcodes] == [("4006381333931", 1), ("14006381333938", 12)]
    kit = demo.products["GIFTSET-1"]
    assert kit.is_kit
    assert [(c.sku, c.quantity) for c in kit.components] == [("MUG-01", 1), ("TEA-05", 2)]
    assert demo.products["HEADPHONE-BT1"].tracking == "serial"
    assert demo.products["CREAM-FACE-50"].tracking == "lot"
    assert demo.boxes["BOX-S"].dims_mm == (250, 200, 100) and demo.boxes["BOX-S"].tare_g == 120
    assert demo.inserts["INS-XMAS"].max_per_order == 2 and demo.inserts["INS-XMAS"].stock == 480
    assert demo.inserts["INS-WELCOME"].max_per_order == 1 and demo.inserts["INS-WELCOME"].stock is None
    assert demo.inserts["INS-SAMPLE"].stock == 0
    assert demo.inserts["INS-VIP"].rule == {"tags_any": ["vip"]}
    assert demo.staff["EMP-1001"].name == "Ana Silva" and demo.staff["EMP-1001"].role == "packer"
    assert {s.role for s in demo.staff.values()} <= {"packer", "returns", "supervisor"}


def test_every_demo_barcode_resolves_to_its_own_product(demo: Catalog, demo_body: dict[str, Any]) -> None:
    for raw in demo_body["products"] + demo_body["kits"]:
        for barcode in raw["barcodes"]:
            found = demo.match(barcode["code"])
            assert found is not None, barcode
            assert (found.product.sku, found.quantity) == (raw["sku"], barcode["quantity"])


@pytest.mark.parametrize(("code", "sku", "quantity"), [
    ("4006381333931", "TSHIRT-BLK-M", 1),
    ("04006381333931", "TSHIRT-BLK-M", 1),     # the unit's GTIN-14 form is still one unit
    ("14006381333938", "TSHIRT-BLK-M", 12),    # the case
    ("5601234100013", "MUG-01", 1),
    ("15601234100010", "MUG-01", 6),
    ("40039947", "TEA-05", 1),                 # EAN-8
    ("00000040039947", "TEA-05", 1),           # EAN-8 as GTIN-14
    ("73566042135", None, None),               # 11 digits: no such form
    ("073566042135", "JEANS-SLIM-32", 1),      # UPC-A as stored
    ("0073566042135", "JEANS-SLIM-32", 1),     # ...scanned as EAN-13
    ("00073566042135", "JEANS-SLIM-32", 1),    # ...scanned as GTIN-14
    ("KIT-GIFTSET-1", "GIFTSET-1", 1),
])
def test_demo_scans_resolve(demo: Catalog, code: str, sku: str | None, quantity: int | None) -> None:
    found = demo.match(code)
    if sku is None:
        assert found is None
    else:
        assert found is not None and (found.product.sku, found.quantity) == (sku, quantity)


# -- GTIN equivalence in the catalog -------------------------------------------------------------------------

FORMS = {"upc-a": "036000291452", "ean-13": "0036000291452", "gtin-14": "00036000291452"}


@pytest.mark.parametrize("stored", FORMS)
@pytest.mark.parametrize("scanned", FORMS)
def test_a_barcode_stored_in_one_gtin_form_matches_every_form(stored: str, scanned: str) -> None:
    found = one_product(FORMS[stored]).match(FORMS[scanned])
    assert found is not None
    assert found.product.sku == "SODA-12" and found.quantity == 1


@pytest.mark.parametrize("scanned", ["036000291453", "0036000291453", "00036000291453", "36000291452",
                                     "10036000291459", "000036000291452"])
def test_a_near_miss_of_a_gtin_matches_nothing(scanned: str) -> None:
    assert one_product("036000291452").match(scanned) is None


def test_a_case_resolves_to_its_product_with_its_quantity_and_is_not_the_unit() -> None:
    catalog = parse_catalog(minimal_body())
    case, unit = catalog.match("14006381333938"), catalog.match("4006381333931")
    assert case is not None and unit is not None
    assert case.product is unit.product
    assert (case.quantity, unit.quantity) == (12, 1)
    # The unit's GTIN-14 form (indicator 0) is the unit, not the case (indicator 1).
    as_gtin14 = catalog.match("04006381333931")
    assert as_gtin14 is not None and as_gtin14.quantity == 1
    assert gtin_key("14006381333938") != gtin_key("4006381333931")


@pytest.mark.parametrize(("scanned", "found"), [
    ("KIT-GIFTSET-1", True),
    ("kit-giftset-1", False),
    ("KIT-GIFTSET-1 ", False),
    (" KIT-GIFTSET-1", False),
    ("KIT-GIFTSET-10", False),
    ("KIT-GIFTSET", False),
])
def test_a_non_gtin_barcode_matches_exactly_only(scanned: str, found: bool) -> None:
    match = parse_catalog(minimal_body()).match(scanned)
    assert (match is not None and match.product.sku == "GIFTSET-1") is found
    assert (match is not None) is found


def test_a_non_gtin_digit_barcode_matches_exactly_only() -> None:
    # 13 digits with a wrong check digit are no GTIN: only the exact text matches.
    catalog = one_product("1234567890123")
    assert catalog.match("1234567890123") is not None
    assert catalog.match("01234567890123") is None
    assert catalog.match("234567890123") is None


def test_a_gs1_gtin_resolves_through_match_gtin14() -> None:
    catalog = parse_catalog(minimal_body())
    for code, quantity in (("0104006381333931" "10LOT1", 1), ("0114006381333938" "10LOT1", 12)):
        gtin = parse_gs1(code, "]C1").gtin
        assert gtin is not None
        found = catalog.match_gtin14(gtin)
        assert found is not None and found.product.sku == "TSHIRT-BLK-M" and found.quantity == quantity


def test_inserts_and_boxes_resolve_by_their_barcode_not_as_products() -> None:
    catalog = parse_catalog(minimal_body())
    insert, box = catalog.insert_by_barcode("INS-WELCOME"), catalog.box_by_barcode("BOX-S")
    assert insert is not None and insert.code == "INS-WELCOME"
    assert box is not None and box.code == "BOX-S"
    assert catalog.match("INS-WELCOME") is None and catalog.match("BOX-S") is None
    assert catalog.insert_by_barcode("BOX-S") is None and catalog.box_by_barcode("INS-WELCOME") is None


def test_an_empty_catalog_matches_nothing() -> None:
    assert Catalog.empty().match("4006381333931") is None
    assert Catalog.empty().match("KIT-GIFTSET-1") is None


@pytest.mark.parametrize(("role", "pack", "returns", "handover"), [
    ("packer", True, False, False),
    ("returns", False, True, False),
    ("supervisor", True, True, True),
])
def test_roles_allow_their_modes(role: str, pack: bool, returns: bool, handover: bool) -> None:
    body = minimal_body(staff=[{"badge": "B-1", "name": "N", "role": role}])
    person = parse_catalog(body).staff["B-1"]
    assert (person.may("pack"), person.may("returns"), person.may("handover")) == (pack, returns, handover)


# -- malformed catalogs --------------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """Set body[a][b]... = value; "-" as the value deletes the key."""
    def mutate(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = body
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value == "-":
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return mutate


BAD_CATALOGS: list[tuple[str, Mutation, str]] = [
    ("missing sku", _set("products.0.sku", "-"), "'sku' is missing"),
    ("empty sku", _set("products.0.sku", ""), "'sku' must be a non-empty string"),
    ("sku not a string", _set("products.0.sku", 42), "'sku'"),
    ("missing name", _set("products.0.name", "-"), "'name' is missing"),
    ("barcode quantity as string", _set("products.0.barcodes.1.quantity", "12"), "'quantity'"),
    ("barcode quantity as bool", _set("products.0.barcodes.1.quantity", True), "'quantity'"),
    ("barcode quantity fractional", _set("products.0.barcodes.1.quantity", 1.5), "'quantity'"),
    ("barcode quantity zero", _set("products.0.barcodes.1.quantity", 0), "quantity must be 1 or more"),
    ("barcode quantity negative", _set("products.0.barcodes.1.quantity", -12), "quantity must be 1 or more"),
    ("barcode without code", _set("products.0.barcodes.0.code", "-"), "'code' is missing"),
    ("barcode code not a string", _set("products.0.barcodes.0.code", 4006381333931), "'code'"),
    ("barcodes not a list", _set("products.0.barcodes", "4006381333931"), "'barcodes' must be a list"),
    ("barcode not an object", _set("products.0.barcodes", ["4006381333931"]), "'barcodes' must be a list"),
    ("weight as string", _set("products.0.weight_g", "180"), "'weight_g'"),
    ("unknown tracking", _set("products.0.tracking", "batch"), "unknown tracking 'batch'"),
    ("tracking not a string", _set("products.0.tracking", 1), "'tracking'"),
    ("kit with empty components", _set("kits.0.components", []), "'GIFTSET-1' has no components"),
    ("kit without components", _set("kits.0.components", "-"), "'GIFTSET-1' has no components"),
    ("kit components null", _set("kits.0.components", None), "'GIFTSET-1' has no components"),
    ("component quantity as string", _set("kits.0.components.1.quantity", "2"), "'quantity'"),
    ("component quantity missing", _set("kits.0.components.1.quantity", "-"), "'quantity' is missing"),
    ("component quantity zero", _set("kits.0.components.1.quantity", 0), "quantity must be 1 or more"),
    ("component without sku", _set("kits.0.components.0.sku", "-"), "'sku' is missing"),
    ("components not a list", _set("kits.0.components", {"MUG-01": 1}), "'components' must be a list"),
    ("unknown role", _set("staff.0.role", "admin"), "unknown role 'admin'"),
    ("role missing", _set("staff.0.role", "-"), "'role' is missing"),
    ("badge missing", _set("staff.0.badge", "-"), "'badge' is missing"),
    ("pin not a string", _set("staff.0.pin_argon2", 1234), "'pin_argon2'"),
    ("products missing", _set("products", "-"), "'products' must be a list"),
    ("products not a list", _set("products", {"TSHIRT-BLK-M": {}}), "'products' must be a list"),
    ("product not an object", _set("products", ["TSHIRT-BLK-M"]), "'products' must be a list"),
    ("kits not a list", _set("kits", "GIFTSET-1"), "'kits' must be a list"),
    ("version missing", _set("version", "-"), "'version' is missing"),
    ("version null", _set("version", None), "'version' must be a non-empty string"),
    ("insert rule not an object", _set("inserts.0.rule", ["first_order"]), "rule must be an object"),
    ("insert max_per_order in rule as text", _set("inserts.0.rule.max_per_order", "two"), "'max_per_order'"),
    ("insert max_per_order in rule as list", _set("inserts.0.rule.max_per_order", [2]), "'max_per_order'"),
    ("insert stock as string", _set("inserts.0.stock", "10"), "'stock'"),
    ("insert barcode missing", _set("inserts.0.barcode", "-"), "'barcode' is missing"),
    ("box dims as strings", _set("boxes.0.dims_mm", ["250", "200", "100"]), "dims_mm"),
    ("box dims with null", _set("boxes.0.dims_mm", [250, None, 100]), "dims_mm"),
    ("box dims not a list", _set("boxes.0.dims_mm", 250), "dims_mm"),
    ("box dims an object", _set("boxes.0.dims_mm", {"w": 250}), "dims_mm"),
    ("box tare as string", _set("boxes.0.tare_g", "120"), "'tare_g'"),
    ("staff not a list", _set("staff", {"badge": "EMP-1001"}), "'staff' must be a list"),
]


@pytest.mark.parametrize(("mutate", "fragment"), [(m, f) for _, m, f in BAD_CATALOGS],
                         ids=[name for name, _, _ in BAD_CATALOGS])
def test_a_malformed_catalog_raises_dataerror_with_a_clear_message(mutate: Mutation, fragment: str) -> None:
    body = copy.deepcopy(minimal_body())
    mutate(body)
    with pytest.raises(DataError) as caught:
        parse_catalog(body)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("body", [None, [], "catalog", 42, {"products": "none"}])
def test_a_catalog_body_that_is_not_an_object_raises_dataerror(body: Any) -> None:
    with pytest.raises(DataError):
        parse_catalog(body)


def test_optional_sections_and_fields_may_be_absent_or_null() -> None:
    catalog = parse_catalog({"version": "v", "products": [{"sku": "A", "name": "A"}],
                             "kits": None, "inserts": None, "boxes": None, "staff": None})
    product = catalog.products["A"]
    assert (product.weight_g, product.tracking, product.barcodes, product.is_kit) == (None, "none", (), False)
    assert catalog.inserts == {} and catalog.boxes == {} and catalog.staff == {}


def test_a_barcode_without_quantity_counts_one_unit() -> None:
    found = parse_catalog(minimal_body()).match("5601234100013")
    assert found is not None and found.quantity == 1
