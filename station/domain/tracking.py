"""Carrier tracking numbers as scanned, turned into the form a lookup expects (backend-api.md).

Labels wrap the number in routing data (a GS1 420 ship-to postcode, a DPD label barcode, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

GS = "\x1d"

# Typed or printed in groups ("1Z 999 AA1 01 2345 678 4", "0998-0525-1133-96"): the
# separators are never part of the number. GS is not listed: it marks a field boundary.
_SEPARATORS = re.compile(r"[ \t\r\n\u00a0\u202f-]+")
# Scanners with AIM identifiers on put "]C1", "]C0", "]d2"... in front; a keyboard-wedge scan
# keeps it in the text. A leading GS is FNC1 from a scanner that sends no identifier.
_LEADING_NOISE = re.compile(r"^(?:\][A-Z][0-9A-Z]|\x1d)+")
_HRI_ELEMENT = re.compile(r"\((\d{2,4})\)([^()]+)", re.ASCII)
_HRI = re.compile(r"(?:\(\d{2,4}\)[^()]+)+", re.ASCII)

# GS1 ship-to postcode AIs: routing for the sorter, never part of the tracking number.
_SHIP_TO_AIS = ("420", "421")


def gs1_check_digit_ok(digits: str) -> bool:
    """GS1 mod 10 (weights 3 and 1 from the right): SSCC, GTIN, USPS IMpb, GLS parcel numbers."""
    if not (digits.isascii() and digits.isdigit()) or len(digits) < 2:
        return False
    body = digits[:-1]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(digits[-1])


def mod37_36_check(text: str) -> str:
    """ISO/IEC 7064 MOD 37,36 check character of [0-9A-Z]* text (DPD parcel numbers)."""
    value = 36
    for char in text:
        value += int(char, 36)
        if value > 36:
            value -= 36
        value *= 2
        if value > 36:
            value -= 37
    check = 37 - value
    return "0" if check == 36 else "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[check]


def _usps_pic(number: str) -> bool:
    # USPS IMpb Package Identification Code: channel AI 91-95, 22 or 26 digits, GS1 mod 10.
    return (len(number) in (22, 26) and number[:2] in ("91", "92", "93", "94", "95")
            and gs1_check_digit_ok(number))


def _dpd_check_letter(match: re.Match[str]) -> bool:
    return mod37_36_check(match["number"]) == match["check"]


@dataclass(frozen=True)
class Rule:
    """One way a label wraps a tracking number: `pattern` (whole scan) keeps group "number"."""

    carrier: str
    pattern: re.Pattern[str]
    example: str  # a scan the rule reads, "<GS>" standing for GS; the tests read each one
    verify: Callable[[re.Match[str]], bool] | None = None
    keep_whole: bool = True  # the whole scan is still worth a lookup (tracking_candidates)

    def apply(self, code: str) -> str | None:
        found = self.pattern.fullmatch(code)
        if found is None or (self.verify is not None and not self.verify(found)):
            return None
        return found["number"]


# Prefixes in front of a tracking number, tried in order. A bare USPS barcode carries no
# separator after the ZIP, so the ZIP's length is found by the PIC after it: its channel AI
# (91-95), its length (22 or 26) and its check digit; ZIP+4 first, because a 34-digit scan
# is ZIP+4 + 22 far more often than ZIP + 26.
SHIP_TO_RULES: tuple[Rule, ...] = (
    Rule("USPS IMpb: 420 + ZIP or ZIP+4, FNC1, PIC",
         re.compile(r"420[0-9A-Z]{1,20}\x1d+(?P<number>[^\x1d].*)", re.S),
         "42010001<GS>9400111899223100000000", keep_whole=False),
    Rule("GS1 421: ISO country + postcode, FNC1, number",
         re.compile(r"421\d{3}[0-9A-Z]{1,9}\x1d+(?P<number>[^\x1d].*)", re.S | re.ASCII),
         "42127610115<GS>00340434161094042557", keep_whole=False),
    Rule("USPS IMpb: 420 + ZIP+4 + PIC, no FNC1",
         re.compile(r"420\d{9}(?P<number>\d{22}|\d{26})", re.ASCII),
         "420100011234 9400111899223100000000",
         verify=lambda m: _usps_pic(m["number"]), keep_whole=False),
    Rule("USPS IMpb: 420 + ZIP + PIC, no FNC1",
         re.compile(r"420\d{5}(?P<number>\d{22}|\d{26})", re.ASCII),
         "42010001 9400111899223100000000",
         verify=lambda m: _usps_pic(m["number"]), keep_whole=False),
)

# Label barcodes that carry the tracking number among other data.
CARRIER_RULES: tuple[Rule, ...] = (
    # DPD label barcode: "%" + 7-character destination postcode + 14-character parcel number
    # + 3-digit service code + 3-digit ISO country (DPD Parcel Label Specification; the
    # examples are its illustrations).
    Rule("DPD label barcode",
         re.compile(r"%[0-9A-Z]{7}(?P<number>[0-9A-Z]{4}\d{10})\d{6}", re.ASCII),
         "%0003932 0621 9912 3456 78 101 040", keep_whole=False),
    # The parcel number is printed with its MOD 37,36 check character; a letter cannot be
    # part of a 15-digit number, so it is dropped (a check digit may be a FedEx Ground
    # 15-digit number, so that stays whole and gets the 14-digit form as an alternate).
    Rule("DPD parcel number + check letter",
         re.compile(r"(?P<number>\d{14})(?P<check>[A-Z])", re.ASCII),
         "0621 9912 3456 78 D", verify=_dpd_check_letter),
    # FedEx 34-digit 1D barcodes: the tracking number is the last 12 digits.
    Rule("FedEx Express 34-digit barcode",
         re.compile(r"10\d{20}(?P<number>\d{12})", re.ASCII),
         "1001921334250001000300779017972697"),
    Rule("FedEx Ground 96 (GSN) 34-digit barcode",
         re.compile(r"96\d{20}(?P<number>\d{12})", re.ASCII),
         "9622 0015 6 000 123 4567 1 00 7948 0839 0594"),
)

# Numbers that need no rule beyond cleaning, as the carriers print them:
#   UPS          1Z999AA10123456784        ("1Z" + shipper + service + package + check digit)
#   DHL Paket    00340434161094042557      ("00" + SSCC: see below)
#   DHL Express  3318810025                (10 digits)
#   GLS          500123456789              (parcel number, GS1 mod 10)
#   USPS         9400111899223100000000    (the PIC, once 420 + ZIP is gone)
#   UPU S10      RB123456785GB             (national posts, international mail)
# An SSCC given as GS1 AI 00 keeps its "00": DHL prints and tracks "00340434161094042557",
# and a station's own labels and the backend copy that form. The bare 18-digit SSCC is
# offered as an alternate by tracking_candidates, and "00" + SSCC for a bare one.


def normalise_tracking(code: str) -> str:
    """The tracking number inside a scanned carrier barcode, in the form carriers print it.

    Removes an AIM identifier, spaces and hyphens, HRI parentheses and a GS1 ship-to postcode
    (420/421); unwraps DPD and FedEx label barcodes; upper-cases. Idempotent, never raises.
    """
    return _settle(code, CARRIER_RULES)


def tracking_candidates(code: str) -> tuple[str, ...]:
    """The normalised number first, then other forms a lookup should try, without repeats."""
    number = normalise_tracking(code)
    if not number:
        return ()
    candidates = [number]
    whole = _settle(code, ())
    if whole != number and any(r.keep_whole and r.apply(whole) for r in CARRIER_RULES):
        candidates.append(whole)
    candidates += _alternates(number)
    return tuple(dict.fromkeys(candidates))


def _alternates(number: str) -> list[str]:
    digits = number.isascii() and number.isdigit()
    if not digits:
        return []
    if len(number) == 20 and number.startswith("00") and gs1_check_digit_ok(number[2:]):
        return [number[2:]]  # DHL: the SSCC without its AI
    if len(number) == 18 and gs1_check_digit_ok(number):
        return ["00" + number]  # an SSCC as DHL prints it
    if len(number) == 14:
        return [number + mod37_36_check(number)]  # DPD, printed with its check character
    if len(number) == 15 and mod37_36_check(number[:14]) == number[14]:
        return [number[:14]]  # DPD parcel number whose check character is a digit
    return []


def _settle(code: str, carrier_rules: tuple[Rule, ...]) -> str:
    # Rules run until none changes the text, so that normalising a normalised number is a
    # no-op (a GS-separated ship-to postcode can hide another). Every step but the first
    # upper-casing shortens the text, so the bound is never reached in practice.
    text = code
    for _ in range(3 * len(code) + 3):
        step = _step(text, carrier_rules)
        if step == text:
            break
        text = step
    return text


def _step(text: str, carrier_rules: tuple[Rule, ...]) -> str:
    text = _from_hri(_LEADING_NOISE.sub("", _SEPARATORS.sub("", text.upper())))
    for rule in SHIP_TO_RULES:
        number = rule.apply(text)
        if number is not None:
            return number
    text = text.replace(GS, "")
    for rule in carrier_rules:
        number = rule.apply(text)
        if number is not None:
            return number
    return text


def _from_hri(text: str) -> str:
    # "(420)10001(94)00111899223100000000" -> "9400111899223100000000": an AI stays part of
    # the number it heads (USPS's channel AI 94, DHL's 00); a ship-to element goes.
    if not _HRI.fullmatch(text):
        return text
    elements = _HRI_ELEMENT.findall(text)
    kept = [ai + data for ai, data in elements if ai not in _SHIP_TO_AIS]
    return "".join(kept or [ai + data for ai, data in elements])
