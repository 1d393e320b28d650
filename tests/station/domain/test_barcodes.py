"""GTIN equivalence and GS1 element strings (backend-api.md, scanning.md): what a scanned code is read as."""

from __future__ import annotations

from datetime import date

import pytest

from station.domain.barcodes import Gs1Data, Gs1Error, gtin_key, looks_like_gs1, parse_gs1

GS = "\x1d"

# -- GTIN keys -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "key"), [
    ("036000291452", "00036000291452"),      # UPC-A
    ("0036000291452", "00036000291452"),     # the same as EAN-13
    ("00036000291452", "00036000291452"),    # the same as GTIN-14
    ("4006381333931", "04006381333931"),     # EAN-13
    ("04006381333931", "04006381333931"),    # that EAN-13 as GTIN-14
    ("073566042135", "00073566042135"),      # UPC-A from the demo catalog
    ("40039947", "00000040039947"),          # EAN-8
    ("90387159", "00000090387159"),          # EAN-8
    ("00000040039947", "00000040039947"),    # that EAN-8 as GTIN-14
    ("14006381333938", "14006381333938"),    # a case of 12 (indicator digit 1)
    ("15601234100010", "15601234100010"),    # a case of 6
])
def test_gtin_key_is_the_gtin14_form(code: str, key: str) -> None:
    assert gtin_key(code) == key


@pytest.mark.parametrize("forms", [
    ("036000291452", "0036000291452", "00036000291452"),
    ("4006381333931", "04006381333931"),
    ("40039947", "0000040039947", "00000040039947"),
], ids=["upc-a", "ean-13", "ean-8"])
def test_every_form_of_one_item_shares_one_key(forms: tuple[str, ...]) -> None:
    keys = {gtin_key(code) for code in forms}
    assert len(keys) == 1 and None not in keys


@pytest.mark.parametrize(("case", "unit"), [
    ("14006381333938", "4006381333931"),
    ("15601234100010", "5601234100013"),
])
def test_a_case_gtin14_is_not_the_unit_it_holds(case: str, unit: str) -> None:
    assert gtin_key(case) is not None and gtin_key(unit) is not None
    assert gtin_key(case) != gtin_key(unit)


@pytest.mark.parametrize("code", [
    "036000291453",     # UPC-A, last digit off by one
    "036000291450",
    "0036000291453",    # EAN-13
    "4006381333932",
    "00036000291453",   # GTIN-14
    "14006381333939",
    "40039948",         # EAN-8
    "12345678",
])
def test_a_bad_check_digit_has_no_key(code: str) -> None:
    assert gtin_key(code) is None


@pytest.mark.parametrize("code", [
    "",
    "1",
    "1234567",              # 7 digits
    "123456789",            # 9
    "0360002914",           # 10
    "03600029145",          # 11
    "000036000291452",      # 15
    "0100036000291452",     # 16: a GS1 element string, not a GTIN
    "03600029145A",
    "KIT-GIFTSET-1",
    "INS-WELCOME",
    " 036000291452",
    "036000291452 ",
    "036000291452\n",
    "036-000291452",
    "+36000291452",
    "-36000291452",
    "3.6000291452",
    "０３６０００２９１４５２",     # fullwidth digits
    "٠٣٦٠٠٠٢٩١٤٥٢",                 # Arabic-Indic digits
    "²³6000291452",                  # superscripts are digits to str.isdigit()
])
def test_non_digits_and_wrong_lengths_have_no_key(code: str) -> None:
    assert gtin_key(code) is None


# -- when a scan is read as GS1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "symbology"), [
    ("0100036000291452", "]C1"),     # GS1-128
    ("0100036000291452", "]e0"),     # GS1 DataBar
    ("0100036000291452", "]d2"),     # GS1 DataMatrix
    ("0100036000291452", "]Q3"),     # GS1 QR
    ("4006381333931", "]C1"),        # the symbology decides, whatever the text
    ("(01)00036000291452", None),
    ("(01)00036000291452(21)SN-1", None),
    ("0100036000291452", None),                       # bare: 01 + valid GTIN-14
    ("0114006381333938", None),
    ("010003600029145221123456", None),               # longer, with a serial
    ("01040063813339311726123110123", None),
])
def test_read_as_gs1(code: str, symbology: str | None) -> None:
    assert looks_like_gs1(code, symbology) is True


@pytest.mark.parametrize(("code", "symbology"), [
    ("4006381333931", None),             # plain EAN-13
    ("4006381333931", "]E0"),            # EAN-13 symbology is not GS1 element data
    ("036000291452", "]E0"),
    ("00036000291452", None),            # 14 digits: a GTIN-14, not longer than 14
    ("014006381333931", None),           # 15 digits: 01 + only 13 digits, no GTIN-14
    ("0100036000291453", None),          # 01 + GTIN-14 with a bad check digit
    ("0200036000291452", None),          # does not start with 01
    ("1000036000291452", None),
    ("00340434161094042557", None),      # a DHL tracking number
    ("1Z999AA10123456784", None),        # a UPS tracking number
    ("KIT-GIFTSET-1", None),
    ("SO-100234", None),
    ("CMD-DONE", "]C0"),                 # plain Code 128
    ("4006381333931", "]C0"),
])
def test_not_read_as_gs1(code: str, symbology: str | None) -> None:
    assert looks_like_gs1(code, symbology) is False


# -- reading GS1 element strings -----------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "symbology", "expected"), [
    ("0100036000291452", "]C1", Gs1Data(gtin="00036000291452")),
    ("0104006381333931", "]d2", Gs1Data(gtin="04006381333931")),
    ("0114006381333938", "]e0", Gs1Data(gtin="14006381333938")),
    # variable-length AIs end at a GS or at the end of the data
    (f"0100036000291452" f"21SN-0042{GS}" f"10LOT7{GS}" "17261231", "]C1",
     Gs1Data(gtin="00036000291452", serial="SN-0042", lot="LOT7", expiry=date(2026, 12, 31))),
    # fixed-length AIs (01, 17) need no separator
    ("0100036000291452" "17270630" "10B-12" f"{GS}21X9", "]Q3",
     Gs1Data(gtin="00036000291452", serial="X9", lot="B-12", expiry=date(2027, 6, 30))),
    ("0100036000291452" "10ABC", "]C1", Gs1Data(gtin="00036000291452", lot="ABC")),
    # a trailing GS, as some printers add, changes nothing
    (f"0100036000291452{GS}", "]C1", Gs1Data(gtin="00036000291452")),
    # day 00 in a GS1 date means the last day of the month
    ("0100036000291452" "17270200", "]C1", Gs1Data(gtin="00036000291452", expiry=date(2027, 2, 28))),
    # parenthesised (human readable) form
    ("(01)00036000291452(17)261231(10)L1(21)S1", None,
     Gs1Data(gtin="00036000291452", serial="S1", lot="L1", expiry=date(2026, 12, 31))),
    ("(01)14006381333938(10)B42", None, Gs1Data(gtin="14006381333938", lot="B42")),
    ("(01)00036000291452", None, Gs1Data(gtin="00036000291452")),
    # bare digit string, no symbology identifier
    ("010003600029145221123456", None, Gs1Data(gtin="00036000291452", serial="123456")),
])
def test_parse_gs1_reads_gtin_serial_lot_and_expiry(code: str, symbology: str | None,
                                                    expected: Gs1Data) -> None:
    assert looks_like_gs1(code, symbology)
    assert parse_gs1(code, symbology) == expected


def test_the_gtin_inside_gs1_is_the_key_of_the_plain_barcode() -> None:
    # A GS1 DataMatrix on an item whose label also carries EAN-13 4006381333931: one item.
    assert parse_gs1("0104006381333931" "10LOT", "]d2").gtin == gtin_key("4006381333931")


@pytest.mark.parametrize(("code", "fragment"), [
    ("0100036000291453", "check digit"),                  # AI 01 check digit
    ("0114006381333939", "check digit"),
    ("(01)00036000291453", "check digit"),
    ("0100036000291452" "17261301", "17"),                # month 13
    ("0100036000291452" "17261232", "17"),                # day 32
    ("0100036000291452" "172612", "17"),                  # too short
    ("(01)00036000291452(17)26AB31", "17"),
    ("0100036000291452" "1726123", "17"),
    ("010003600029145", "01"),                            # AI 01 with 13 digits
    ("(01)abc", "01"),
    ("(01)", ""),
    ("2312345", ""),                                      # no such AI
    ("hello", ""),
])
def test_invalid_gs1_raises_gs1error_with_one_line(code: str, fragment: str) -> None:
    with pytest.raises(Gs1Error) as caught:
        parse_gs1(code, "]C1")
    message = str(caught.value)
    assert message.startswith("invalid GS1 barcode")
    assert fragment in message
    assert "\n" not in message

