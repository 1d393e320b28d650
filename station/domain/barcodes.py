"""Barcode equivalence: GTIN-8/12/13/14 compared as GTIN-14, GS1 element strings read through biip."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

import biip
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin

# Symbology identifiers that announce GS1 data (GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR).
GS1_SYMBOLOGIES = frozenset({"]C1", "]e0", "]d2", "]Q3"})

GS = "\x1d"  # FNC1 as scanners transmit it: ends a variable-length element string

# A whole parenthesised (HRI) element string: biip's own reader skips text between matches,
# so "(01)…(99)" or "(01)…)x" would be half-read instead of refused.
_HRI = re.compile(r"(?:\(\d{2,4}\)[^()]+)+", re.ASCII)
_HRI_START = re.compile(r"\(\d{2,4}\)", re.ASCII)


def _ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts fullwidth, Arabic-Indic and superscript digits.
    return text.isascii() and text.isdigit()


def gtin_key(code: str) -> str | None:
    """The GTIN-14 form of a GTIN-8/12/13/14 with a valid check digit, else None.

    UPC-A 036000291452, EAN-13 0036000291452 and GTIN-14 00036000291452 share one key.
    """
    if not _ascii_digits(code) or len(code) not in (8, 12, 13, 14):
        return None
    try:
        return Gtin.parse(code).as_gtin_14()
    except biip.ParseError:
        return None


@dataclass(frozen=True)
class Gs1Data:
    """The parts of a GS1 element string the station uses (sscc: AI 00, the 18 digits)."""

    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    sscc: str | None = None


class Gs1Error(ValueError):
    """A scan that claims to be GS1 but is not valid GS1."""


def looks_like_gs1(code: str, symbology: str | None) -> bool:
    """Whether a scan should be read as GS1 (scanning.md, 'What a scan means')."""
    if symbology in GS1_SYMBOLOGIES or _HRI_START.match(code):
        return True
    # "01" + a whole GTIN-14 is at least 16 digits; a 15-digit code would slice a GTIN-13.
    if len(code) >= 16 and _ascii_digits(code) and code.startswith("01"):
        return gtin_key(code[2:16]) is not None
    # Without AIM identifiers some scanners send FNC1 in first position as a leading GS.
    body = code[1:] if code.startswith(GS) else code
    return GS in code and _ascii_digits(body[:2])


_GS1_CONFIG = biip.ParseConfig(separator_chars=[GS])


def parse_gs1(code: str, symbology: str | None = None) -> Gs1Data:
    """Read AIs 00, 01, 10, 17 and 21 from a GS1 element string; bad data raises Gs1Error.

    Every element is checked, not only those read: an unknown AI, a malformed value, a
    bad check digit (GTIN, SSCC, GLN) or an impossible date refuses the whole scan.
    """
    data = Gs1Data()
    for element in _parse_message(code).element_strings:
        data = _read(element, data)
    return data


def _read(element: GS1ElementString, data: Gs1Data) -> Gs1Data:
    error = element.gtin_error or element.sscc_error or element.gln_error
    if error:
        raise Gs1Error(f"invalid GS1 barcode: AI ({element.ai.ai}): {_one_line(error)}")
    ai = element.ai.ai
    if ai == "00" and element.sscc is not None:
        return replace(data, sscc=element.sscc.value)
    if ai == "01" and element.gtin is not None:
        return replace(data, gtin=element.gtin.as_gtin_14())
    if ai in ("00", "01"):
        raise Gs1Error(f"invalid GS1 barcode: AI ({ai}) value {element.value!r} is unreadable")
    if ai == "10":
        return replace(data, lot=element.value)
    if ai == "21":
        return replace(data, serial=element.value)
    if ai == "17":
        if element.date is None:
            raise Gs1Error(f"invalid GS1 barcode: bad expiry date {element.value!r} in AI (17)")
        return replace(data, expiry=element.date)
    return data


def _parse_message(code: str) -> GS1Message:
    hri = code.startswith("(")
    if hri and not _HRI.fullmatch(code.replace(" ", "")):
        raise Gs1Error(f"invalid GS1 barcode: malformed element string {code[:60]!r}, "
                       "expected (AI)data(AI)data…")
    try:
        return GS1Message.parse_hri(code) if hri else GS1Message.parse(code, config=_GS1_CONFIG)
    except (biip.ParseError, ValueError) as exc:
        detail = _one_line(str(exc))
        if "Application Identifier" in detail:  # biip's wording when no AI it knows starts there
            detail = f"unknown application identifier (AI): {detail}"
        raise Gs1Error(f"invalid GS1 barcode: {detail}") from None


def _one_line(text: str) -> str:
    # The message goes on one line of the screen and the log, whatever the scan held.
    return " ".join(text.split())[:200]
