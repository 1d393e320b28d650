"""What a scan means (scanning.md, "What a scan means"), rule by rule and context by context."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from station.domain.barcodes import Gs1Data, Gs1Error, looks_like_gs1, parse_gs1
from station.domain.catalog import Catalog, Product, Staff, parse_catalog
from station.domain.classify import (
    CONTEXTS,
    BoxScan,
    CarrierChoice,
    Command,
    Context,
    InsertScan,
    Meaning,
    ProductScan,
    Refused,
    ReturnSearch,
    SerialScan,
    TrackingScan,
    classify,
)
from station.domain.classify import Badge as BadgeMeaning
from station.domain.classify import OrderNumber as OrderMeaning
from station.domain.commands import COMMANDS
from station.domain.scan import Scan

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "backend-data.json"
GS = "\x1d"
SIGNED_IN = tuple(c for c in CONTEXTS if c != "signed_out")


@pytest.fixture(scope="module")
def demo() -> Catalog:
    return parse_catalog(json.loads(DEMO.read_text(encoding="utf-8"))["catalog"])


def summary(meaning: Meaning) -> tuple[Any, ...]:
    """A meaning reduced to what the tables compare (a Refused keeps its whole reason)."""
    match meaning:
        case Command(code):
            return ("command", code)
        case BadgeMeaning(staff):
            return ("badge", staff.badge)
        case OrderMeaning(number):
            return ("order", number)
        case ReturnSearch(lookups):
            return ("returns", tuple((lookup.kind, lookup.value) for lookup in lookups))
        case ProductScan(match, _, gs1):
            return ("product", match.product.sku, match.quantity, gs1)
        case InsertScan(insert):
            return ("insert", insert.code)
        case BoxScan(box):
            return ("box", box.code)
        case SerialScan(serial):
            return ("serial", serial)
        case TrackingScan(tracking, candidates):
            return ("tracking", tracking, candidates)
        case CarrierChoice(name):
            return ("carrier", name)
        case Refused(reason, _):
            return ("refused", reason)
    raise AssertionError(meaning)


def check(catalog: Catalog, context: Context, code: str, symbology: str | None,
          expected: tuple[Any, ...]) -> None:
    got = summary(classify(Scan(code, symbology), catalog, context))
    if expected[0] == "refused":
        assert got[0] == "refused", got
        assert expected[1] in got[1].lower(), got
        assert "\n" not in got[1]
    else:
        assert got == expected


# -- 1. command barcodes, first, in every context -------------------------------------------------


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("code", sorted(COMMANDS))
def test_every_command_in_every_context(demo: Catalog, context: Context, code: str) -> None:
    assert classify(Scan(code), demo, context) == Command(code)


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("code", ["CMD-FLY", "GRADE-Z", "DISP-SELL", "DEFECT-BROKEN", "CMD-"])
def test_an_unknown_command_is_refused_not_looked_up(demo: Catalog, context: Context, code: str) -> None:
    check(demo, context, code, None, ("refused", "unknown command"))


def test_a_command_wins_over_a_badge_with_the_same_code() -> None:
    catalog = Catalog("v", (), (), (), (Staff("CMD-DONE", "Odd badge", "packer"),))
    assert classify(Scan("CMD-DONE"), catalog, "pack_order") == Command("CMD-DONE")


# -- 2. staff badges, in every context ------------------------------------------------------------


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("badge", ["EMP-1001", "EMP-2001", "EMP-9001"])
def test_a_badge_signs_in_whatever_the_context(demo: Catalog, context: Context, badge: str) -> None:
    meaning = classify(Scan(badge), demo, context)
    assert isinstance(meaning, BadgeMeaning) and meaning.staff == demo.staff[badge]


def test_a_badge_wins_over_a_product_with_the_same_code() -> None:
    catalog = Catalog("v", (Product("X", "X"),), (), (), (Staff("4006381333931", "Ana", "packer"),))
    assert summary(classify(Scan("4006381333931"), catalog, "pack_order")) == ("badge", "4006381333931")


@pytest.mark.parametrize(("code", "symbology"), [
    ("SO-100234", None), ("4006381333931", None), ("0104006381333931", "]C1"), ("RMA-5001", None),
    (UPS := "1Z999AA10123456784", None), ("INS-VIP", None), ("BOX-S", None), ("SN-0042", None),
    ("emp-1001", None),   # badges match exactly
])
def test_signed_out_everything_else_is_sign_in_first(demo: Catalog, code: str, symbology: str | None) -> None:
    assert classify(Scan(code, symbology), demo, "signed_out") == Refused("Sign in first", "scan your badge")


# -- bad input, in every context ------------------------------------------------------------------


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize(("code", "fragment"), [
    ("", "empty"),
    ("   ", "empty"),
    ("\r\n", "empty"),
    ("SO-1\x0700", "control character 0x07"),
    ("\x00", "control character 0x00"),
    ("SO-1\x7f", "control character 0x7f"),
    ("SO-1\x85", "control character 0x85"),
    ("A" * 513, "longer than 512"),
    ("0" * 10_000, "longer than 512"),
])
def test_bad_input_is_refused_in_every_context(demo: Catalog, context: Context, code: str,
                                               fragment: str) -> None:
    check(demo, context, code, None, ("refused", fragment))


def test_frame_terminators_and_spaces_around_a_scan_do_not_count(demo: Catalog) -> None:
    assert classify(Scan(" EMP-1001\r\n"), demo, "signed_out") == BadgeMeaning(demo.staff["EMP-1001"])
    assert classify(Scan("CMD-DONE\t"), demo, "pack_order") == Command("CMD-DONE")
    assert classify(Scan(" SO-100234 "), demo, "pack_idle") == OrderMeaning("SO-100234")


def test_an_unknown_context_is_refused(demo: Catalog) -> None:
    check(demo, "lunch_break", "SO-100234", None, ("refused", "not expected"))  # type: ignore[arg-type]


# -- 3. by context ----------------------------------------------------------------------------------

T_SHIRT = ("TSHIRT-BLK-M", 1)
CREAM = "03760123450010"        # CREAM-FACE-50 as GTIN-14, lot tracked
HEADPHONES = "00840632110421"   # HEADPHONE-BT1 as GTIN-14, serial tracked

PACK_IDLE = [
    ("SO-100234", None, ("order", "SO-100234")),
    ("100234", None, ("order", "100234")),
    ("so-100234", None, ("order", "so-100234")),                  # as scanned; the lookup decides
    ("SO-100234", "]C0", ("order", "SO-100234")),
    ("SO-100234", "]C1", ("order", "SO-100234")),                 # a GS1 identifier on plain text
    ("O" * 64, None, ("order", "O" * 64)),
    ("O" * 65, None, ("refused", "not an order number")),
    ("SO 100234", None, ("refused", "not an order number")),
    ("SO-1" + GS + "2", None, ("refused", "not an order number")),
    ("SO-\u200b1", None, ("refused", "not an order number")),     # zero-width space
    ("RMA-5001", None, ("refused", "is a return")),
    ("4006381333931", None, ("refused", "is a product (organic cotton t-shirt")),
    ("0104006381333931", "]d2", ("refused", "is a product")),
    ("INS-VIP", None, ("refused", "is an insert")),
    ("BOX-S", None, ("refused", "is a box")),
]

PACK_ORDER = [
    ("4006381333931", None, ("product", *T_SHIRT, None)),                    # EAN-13
    ("04006381333931", None, ("product", *T_SHIRT, None)),                   # the same as GTIN-14
    ("073566042135", None, ("product", "JEANS-SLIM-32", 1, None)),           # UPC-A
    ("0073566042135", None, ("product", "JEANS-SLIM-32", 1, None)),          # that UPC-A as EAN-13
    ("40039947", None, ("product", "TEA-05", 1, None)),                      # EAN-8
    ("14006381333938", None, ("product", "TSHIRT-BLK-M", 12, None)),         # a case of 12
    ("15601234100010", None, ("product", "MUG-01", 6, None)),
    ("KIT-GIFTSET-1", None, ("product", "GIFTSET-1", 1, None)),              # a pre-built kit
    ("4006381333931", "]C1", ("product", *T_SHIRT, None)),                   # a catalog code first
    ("INS-VIP", None, ("insert", "INS-VIP")),
    ("INS-SAMPLE", None, ("insert", "INS-SAMPLE")),
    ("BOX-S", None, ("box", "BOX-S")),
    ("ENV-A4", None, ("box", "ENV-A4")),
    # GS1: the symbology, the parenthesised form, or a bare "01" + GTIN-14 longer than 14
    ("0104006381333931", "]C1", ("product", *T_SHIRT, Gs1Data(gtin="04006381333931"))),
    ("0104006381333931", None, ("product", *T_SHIRT, Gs1Data(gtin="04006381333931"))),
    ("0114006381333938", "]e0", ("product", "TSHIRT-BLK-M", 12, Gs1Data(gtin="14006381333938"))),
    ("(01)04006381333931", None, ("product", *T_SHIRT, Gs1Data(gtin="04006381333931"))),
    (f"01{HEADPHONES}21HP-000042", "]d2",
     ("product", "HEADPHONE-BT1", 1, Gs1Data(gtin=HEADPHONES, serial="HP-000042"))),
    (f"01{CREAM}17271130" f"10L2611A{GS}", "]C1",
     ("product", "CREAM-FACE-50", 1, Gs1Data(gtin=CREAM, lot="L2611A", expiry=date(2027, 11, 30)))),
    (f"(01){CREAM}(17)200131(10)OLD1", None,                                  # expired: not refused here
     ("product", "CREAM-FACE-50", 1, Gs1Data(gtin=CREAM, lot="OLD1", expiry=date(2020, 1, 31)))),
    (f"{GS}01{CREAM}10L1", None, ("product", "CREAM-FACE-50", 1, Gs1Data(gtin=CREAM, lot="L1"))),
    # invalid GS1 is refused
    ("0104006381333932", "]C1", ("refused", "check digit")),
    ("(01)04006381333932", None, ("refused", "check digit")),
    (f"01{CREAM}17271301", "]C1", ("refused", "invalid gs1")),               # month 13
    (f"01{CREAM}17270230", "]C1", ("refused", "invalid gs1")),               # 30 February
    (f"01{CREAM}2312345", "]C1", ("refused", "unknown application identifier")),  # no AI 23
    (f"(01){CREAM}(99)", None, ("refused", "invalid gs1")),                  # an AI without data
    ("00340434161094042558", "]C1", ("refused", "check digit")),             # SSCC check digit
    ("00340434161094042557", "]C1", ("refused", "package label")),
    ("(00)340434161094042557", None, ("refused", "package label")),
    ("10LOT7", "]C1", ("refused", "no product gtin")),
    ("0100036000291452", "]C1", ("refused", "unknown product: gtin 00036000291452")),
    # anything else
    ("SN-0042", None, ("refused", "unknown barcode")),                       # no serial was asked for
    ("SO-100235", None, ("refused", "unknown barcode")),
    ("４００６３８１３３３９３１", None, ("refused", "unknown barcode")),       # fullwidth digits
    ("4006381333932", None, ("refused", "unknown barcode")),                 # EAN-13, bad check digit
]

PACK_SERIAL = [
    ("SN-0042", None, ("serial", "SN-0042")),
    ("C02XL0GHJG5H", "]C0", ("serial", "C02XL0GHJG5H")),
    ("21HP-000042", "]C1", ("serial", "HP-000042")),                         # GS1 AI 21 on its own
    ("(21)HP-000042", None, ("serial", "HP-000042")),
    ("840632110421", None, ("product", "HEADPHONE-BT1", 1, None)),           # the next unit, not a serial
    (f"01{HEADPHONES}21HP-7", "]d2",
     ("product", "HEADPHONE-BT1", 1, Gs1Data(gtin=HEADPHONES, serial="HP-7"))),
    ("BOX-M", None, ("box", "BOX-M")),
    ("INS-CARE", None, ("insert", "INS-CARE")),
    ("SN 0042", None, ("refused", "not a serial number")),
    ("S" * 65, None, ("refused", "not a serial number")),
    ("21HP" + "\u00e9", "]C1", ("refused", "invalid gs1")),
]

RETURNS_IDLE = [
    ("RMA-5001", None, ("returns", (("rma", "RMA-5001"),))),
    ("rma-5001", None, ("returns", (("rma", "RMA-5001"),))),
    ("RMA-" + "9" * 61, None, ("refused", "not a valid rma number")),
    ("1Z999AA10123456784", None,
     ("returns", (("tracking", "1Z999AA10123456784"), ("order", "1Z999AA10123456784")))),
    ("1Z 999 AA1 01 2345 678 4", None, ("returns", (("tracking", "1Z999AA10123456784"),))),
    ("00340434161094100011", "]C1", ("returns", (("tracking", "00340434161094100011"),
                                                 ("tracking", "340434161094100011"),
                                                 ("order", "00340434161094100011")))),
    ("500123456802", None, ("returns", (("tracking", "500123456802"), ("order", "500123456802")))),
    ("42010001" + GS + "9400111899223100000000", "]C1",
     ("returns", (("tracking", "9400111899223100000000"),))),
    ("SO-100234", None, ("returns", (("tracking", "SO100234"), ("order", "SO-100234")))),
    ("4006381333931", None, ("refused", "is a product")),
    ("BOX-L", None, ("refused", "is a box")),
    ("\u00a0", None, ("refused", "not an rma, tracking or order number")),
]

RETURNS_OPEN = [
    ("4006381333931", None, ("product", *T_SHIRT, None)),
    ("KIT-GIFTSET-1", None, ("product", "GIFTSET-1", 1, None)),
    (f"01{HEADPHONES}21HP-000042", "]d2",
     ("product", "HEADPHONE-BT1", 1, Gs1Data(gtin=HEADPHONES, serial="HP-000042"))),
    ("0104006381333939", "]C1", ("refused", "check digit")),
    ("INS-WELCOME", None, ("refused", "is an insert (welcome card), not a returned item")),
    ("BOX-S", None, ("refused", "not a returned item")),
    ("RMA-5002", None, ("refused", "a return is open")),
    ("SO-100234", None, ("refused", "unknown barcode")),
]

HANDOVER = [
    ("1Z999AA10123456784", None, ("tracking", "1Z999AA10123456784", ("1Z999AA10123456784",))),
    ("00340434161094042557", "]C1",
     ("tracking", "00340434161094042557", ("00340434161094042557", "340434161094042557"))),
    ("(420)10001(94)00111899223100000000", None,
     ("tracking", "9400111899223100000000",
      ("9400111899223100000000", "(420)10001(94)00111899223100000000"))),
    ("500123456789", None, ("tracking", "500123456789", ("500123456789",))),
    ("SO-100234", None, ("tracking", "SO100234", ("SO100234", "SO-100234"))),   # a station label
    ("4006381333931", None, ("refused", "not a package")),
    ("INS-VIP", None, ("refused", "not a package")),
    ("X" * 65, None, ("refused", "not a tracking number")),
]

TABLES: list[tuple[Context, list[tuple[str, str | None, tuple[Any, ...]]]]] = [
    ("pack_idle", PACK_IDLE), ("pack_order", PACK_ORDER), ("pack_serial", PACK_SERIAL),
    ("returns_idle", RETURNS_IDLE), ("returns_open", RETURNS_OPEN), ("handover", HANDOVER),
]


@pytest.mark.parametrize(("context", "code", "symbology", "expected"), [
    pytest.param(context, code, symbology, expected, id=f"{context}-{code[:30]!r}-{symbology}")
    for context, table in TABLES for code, symbology, expected in table
])
def test_by_context(demo: Catalog, context: Context, code: str, symbology: str | None,
                    expected: tuple[Any, ...]) -> None:
    check(demo, context, code, symbology, expected)


def test_a_product_scan_carries_the_barcode_as_scanned(demo: Catalog) -> None:
    code = f"01{CREAM}10L1{GS}17271130"
    meaning = classify(Scan(code, "]C1"), demo, "pack_order")
    assert isinstance(meaning, ProductScan)
    assert meaning.barcode == code and meaning.match == demo.match("3760123450010")


@pytest.mark.parametrize("context", SIGNED_IN)
def test_a_refusal_names_the_code_in_printable_form(demo: Catalog, context: Context) -> None:
    meaning = classify(Scan("NOPE" + GS + "é" * 80), demo, context)
    assert isinstance(meaning, Refused)
    assert GS not in meaning.reason and len(meaning.reason) < 200


# -- the GS1 reading the classifier relies on (station/domain/barcodes.py) ---------------------------


@pytest.mark.parametrize(("code", "expected"), [
    ("00340434161094042557", Gs1Data(sscc="340434161094042557")),
    ("(00)340434161094042557", Gs1Data(sscc="340434161094042557")),
    (f"00340434161094042557{GS}0104006381333931", Gs1Data(gtin="04006381333931", sscc="340434161094042557")),
    (f"{GS}0104006381333931{GS}10L1", Gs1Data(gtin="04006381333931", lot="L1")),
    ("(01)04006381333931 (21) HP 7", Gs1Data(gtin="04006381333931", serial="HP7")),  # HRI as printed
    ("01040063813339314141234567890128", Gs1Data(gtin="04006381333931")),     # AIs not read are checked
])
def test_parse_gs1_reads_the_sscc(code: str, expected: Gs1Data) -> None:
    assert parse_gs1(code, "]C1") == expected


@pytest.mark.parametrize(("code", "fragment"), [
    ("00340434161094042558", "AI (00): Invalid SSCC check digit"),
    ("0204006381333932", "AI (02): Invalid GTIN check digit"),
    ("01040063813339314141234567890124", "AI (414): Invalid GLN check digit"),
    ("(01)04006381333931(99)", "malformed element string"),                   # an AI without data
    ("(01)04006381333931)x", "malformed element string"),
    ("(01)04006381333931x(", "malformed element string"),
    ("()04006381333931", "malformed element string"),
    ("2312345", "unknown application identifier"),                            # no such AI
    (f"0104006381333931{GS}2312345", "unknown application identifier"),
    ("0104006381333931" "17270230", "(17)"),                                  # 30 February
])
def test_parse_gs1_refuses_what_it_cannot_fully_read(code: str, fragment: str) -> None:
    with pytest.raises(Gs1Error) as caught:
        parse_gs1(code, "]C1")
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("code", "gs1"), [
    ("(00)340434161094042557", True),            # any parenthesised AI, not only (01)
    ("(21)HP-7", True),
    (f"{GS}0104006381333931{GS}10L1", True),     # FNC1 in first position, sent as GS
    (f"{GS}010400638133393110L1", True),
    ("0104006381333931\u0663", False),            # an Arabic-Indic digit is not a GS1 digit
    (f"\u00b2\u00b3{GS}X", False),                # nor are superscripts
    ("(SO)-1", False),
    ("(\u0660\u0661)04006381333931", False),    # nor in parentheses
    ("SO-1" + GS, False),
])
def test_when_a_scan_is_read_as_gs1(code: str, gs1: bool) -> None:
    assert looks_like_gs1(code, None) is gs1


@pytest.mark.parametrize("context", SIGNED_IN)
@pytest.mark.parametrize(("code", "name"), [("CARRIER-DHL", "DHL"), ("carrier-ups", "UPS"),
                                            ("CARRIER-DHL EXPRESS", "DHL EXPRESS")])
def test_a_carrier_barcode_chooses_a_carrier_in_every_signed_in_context(
        demo: Catalog, context: Context, code: str, name: str) -> None:
    assert classify(Scan(code), demo, context) == CarrierChoice(name)


def test_a_carrier_barcode_needs_someone_signed_in_and_a_name(demo: Catalog) -> None:
    assert classify(Scan("CARRIER-DHL"), demo, "signed_out") == Refused("Sign in first", "scan your badge")
    assert isinstance(classify(Scan("CARRIER-"), demo, "handover"), Refused)
