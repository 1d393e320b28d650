"""Tracking numbers as scanned from carrier labels, normalised for a lookup (backend-api.md, returns)."""

from __future__ import annotations

import pytest

from station.domain.tracking import (
    CARRIER_RULES,
    SHIP_TO_RULES,
    Rule,
    gs1_check_digit_ok,
    mod37_36_check,
    normalise_tracking,
    tracking_candidates,
)

GS = "\x1d"
USPS_PIC = "9400111899223100000000"          # USPS IMpb Package Identification Code, 22 digits
USPS_PIC_26 = "92055901649173127510891236"   # a 26-digit PIC (channel AI 92, GS1 mod 10)
DHL = "00340434161094042557"                 # DHL Paket: "00" + SSCC, from the demo data
UPS = "1Z999AA10123456784"


@pytest.mark.parametrize(("scanned", "number"), [
    # UPS 1Z: kept as is, once the groups and the case are gone
    (UPS, UPS),
    ("1Z 999 AA1 01 2345 678 4", UPS),
    ("1z999aa10123456784", UPS),
    ("]C01Z999AA10123456784", UPS),                       # Code 128 with its AIM identifier
    ("1Z4E82A96812345670", "1Z4E82A96812345670"),         # demo order SO-100236
    # DHL Paket: GS1-128 "00" + SSCC keeps its 20 digits, as DHL prints and tracks it
    (DHL, DHL),
    ("]C1" + DHL, DHL),
    ("(00)340434161094042557", DHL),
    ("(00) 3 4043416 109404255 7", DHL),
    ("00 3404 3416 1094 0425 57", DHL),
    ("3318810025", "3318810025"),                         # DHL Express, 10 digits
    # USPS IMpb: 420 + ZIP (5 or 9 digits), FNC1 or nothing, then the PIC
    (USPS_PIC, USPS_PIC),
    ("9400 1118 9922 3100 0000 00", USPS_PIC),
    ("42010001" + USPS_PIC, USPS_PIC),
    ("42010001" + GS + USPS_PIC, USPS_PIC),
    ("]C142010001" + GS + USPS_PIC, USPS_PIC),
    (GS + "42010001" + GS + USPS_PIC, USPS_PIC),          # FNC1 sent as a leading GS
    ("420100011234" + USPS_PIC, USPS_PIC),                # ZIP+4
    ("420100011234" + GS + USPS_PIC, USPS_PIC),
    ("(420)10001(94)00111899223100000000", USPS_PIC),
    ("(420) 10001 (94) 0011 1899 2231 0000 0000", USPS_PIC),
    ("(420)100011234(94)00111899223100000000", USPS_PIC),
    ("420221539101026837331000039521", "9101026837331000039521"),
    ("42010001" + USPS_PIC_26, USPS_PIC_26),              # 34 digits: ZIP + 26, not ZIP+4 + 22
    ("9361 2898 7870 0317 6337 95", "9361289878700317633795"),
    ("0307 1790 0005 2348 3741", "03071790000523483741"),  # USPS 20-digit
    # GS1 421: ISO country + postcode, then FNC1
    ("42127610115" + GS + DHL, DHL),
    # GLS: 12-digit parcel number
    ("500123456789", "500123456789"),
    ("5001 2345 6789", "500123456789"),
    # DPD: 14-digit parcel number with its check letter, or the whole label barcode
    ("06219912345678D", "06219912345678"),
    ("0621 9912 3456 78 D", "06219912345678"),
    ("06219912345678", "06219912345678"),
    ("%0003932 0621 9912 3456 78 101 040", "06219912345678"),
    ("%0071106 0178 2532 9483 75 101 276", "01782532948375"),
    ("017825329483756", "017825329483756"),               # check digit 6: could be FedEx 15
    # FedEx: 34-digit barcodes carry the 12-digit number at the end
    ("1001921334250001000300779017972697", "779017972697"),
    ("9622 0015 6 000 123 4567 1 00 7948 0839 0594", "794808390594"),
    ("986578788855", "986578788855"),
    # UPU S10 (national posts) and Amazon Logistics
    ("rb 123 456 785 gb", "RB123456785GB"),
    ("TBA 487064622 000", "TBA487064622000"),
    ("]d2TBA487064622000", "TBA487064622000"),
    ("]Q3RB123456785GB", "RB123456785GB"),
])
def test_normalise_tracking(scanned: str, number: str) -> None:
    assert normalise_tracking(scanned) == number
    assert normalise_tracking(number) == number


@pytest.mark.parametrize(("scanned", "unchanged"), [
    ("42010001", "42010001"),                      # a ship-to postcode alone is not unwrapped
    ("(420)10001", "42010001"),
    ("4201000112345", "4201000112345"),            # no PIC after the ZIP
    ("42010001" + "9400111899223100000001", "420100019400111899223100000001"),  # bad PIC check digit
    ("06219912345678X", "06219912345678X"),        # not its check letter
    ("SO-100234", "SO100234"),
    ("420" + "\u0663" * 9 + USPS_PIC, "420" + "\u0663" * 9 + USPS_PIC),   # Arabic-Indic digits: no ZIP
    ("(\u0664\u0662\u0660)10001" + USPS_PIC, "(\u0664\u0662\u0660)10001" + USPS_PIC),
    ("", ""),
    ("   ", ""),
])
def test_what_is_not_unwrapped(scanned: str, unchanged: str) -> None:
    assert normalise_tracking(scanned) == unchanged


def test_ship_to_prefixes_inside_each_other_all_go() -> None:
    nested = "42010001" + GS + "42010001" + GS + USPS_PIC
    assert normalise_tracking(nested) == USPS_PIC


@pytest.mark.parametrize(("scanned", "candidates"), [
    (DHL, (DHL, "340434161094042557")),
    ("(00)340434161094042557", (DHL, "340434161094042557")),
    ("340434161094042557", ("340434161094042557", DHL)),
    ("00340434161094042558", ("00340434161094042558",)),  # not an SSCC: no bare form
    (UPS, (UPS,)),
    ("42010001" + GS + USPS_PIC, (USPS_PIC,)),
    ("1001921334250001000300779017972697", ("779017972697", "1001921334250001000300779017972697")),
    ("06219912345678D", ("06219912345678", "06219912345678D")),
    ("06219912345678", ("06219912345678", "06219912345678D")),
    ("017825329483756", ("017825329483756", "01782532948375")),
    ("%0003932 0621 9912 3456 78 101 040", ("06219912345678", "06219912345678D")),
    ("500123456789", ("500123456789",)),
    ("", ()),
    ("- -", ()),
])
def test_tracking_candidates(scanned: str, candidates: tuple[str, ...]) -> None:
    assert tracking_candidates(scanned) == candidates


@pytest.mark.parametrize("rule", SHIP_TO_RULES + CARRIER_RULES, ids=lambda r: r.carrier)
def test_every_rule_reads_its_own_example(rule: Rule) -> None:
    cleaned = rule.example.replace("<GS>", GS).replace(" ", "")
    number = rule.apply(cleaned)
    assert number is not None and number != cleaned
    assert normalise_tracking(rule.example.replace("<GS>", GS)) == normalise_tracking(number)


@pytest.mark.parametrize(("data", "check"), [
    ("000393206219912345678101040", "9"),   # DPD Parcel Label Specification, illustration 7
    ("007110601782532948375101276", "X"),   # and illustration 8
    ("06219912345678", "D"),
])
def test_mod37_36_check_character(data: str, check: str) -> None:
    assert mod37_36_check(data) == check


@pytest.mark.parametrize(("digits", "ok"), [
    (USPS_PIC, True), ("9361289878700317633795", True), ("340434161094042557", True),
    (DHL, True), ("500123456789", True), ("500123456788", False), ("9400111899223100000001", False),
    ("", False), ("7", False), ("12a4", False), ("٣٤", False),
])
def test_gs1_check_digit(digits: str, ok: bool) -> None:
    assert gs1_check_digit_ok(digits) is ok
