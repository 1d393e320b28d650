"""Barcode equivalence: GTIN-8/12/13/14 compared as GTIN-14, GS1 element strings read through biip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import biip
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin

# Symbology identifiers that announce GS1 data (GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR).
GS1_SYMBOLOGIES = frozenset({"]C1", "]e0", "]d2", "]Q3"})


def gtin_key(code: str) -> str | None:
    """The GTIN-14 form of a GTIN-8/12/13/14 with a valid check digit, else None.

    UPC-A 036000291452, EAN-13 0036000291452 and GTIN-14 00036000291452 share one key.
    """
    # isascii: str.isdigit() also accepts fullwidth, Arabic-Indic and superscript digits.
    if not (code.isascii() and code.isdigit()) or len(code) not in (8, 12, 13, 14):
        return None
    try:
        return Gtin.parse(code).as_gtin_14()
    except biip.ParseError:
        return None


@dataclass(frozen=True)
class Gs1Data:
    """The parts of a GS1 element string the station uses."""

    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None


class Gs1Error(ValueError):
    """A scan that claims to be GS1 but is not valid GS1."""


def looks_like_gs1(code: str, symbology: str | None) -> bool:
    """Whether a scan should be read as GS1 (scanning.md, 'What a scan means')."""
    if symbology in GS1_SYMBOLOGIES or code.startswith("(01)"):
        return True
    # "01" + a whole GTIN-14 is at least 16 digits; a 15-digit code would slice a GTIN-13.
    if len(code) >= 16 and code.isdigit() and code.startswith("01"):
        return gtin_key(code[2:16]) is not None
    return "\x1d" in code and code[:2].isdigit()


_GS1_CONFIG = biip.ParseConfig(separator_chars=["\x1d"])


def parse_gs1(code: str, symbology: str | None = None) -> Gs1Data:
    """Read AIs 01, 10, 17 and 21 from a GS1 element string; bad data raises Gs1Error."""
    try:
        if code.startswith("("):
            message = GS1Message.parse_hri(code)
        else:
            message = GS1Message.parse(code, config=_GS1_CONFIG)
    except biip.ParseError as exc:
        raise Gs1Error(f"invalid GS1 barcode: {exc}") from None
    fields: dict[str, object] = {}
    for element in message.element_strings:
        ai = element.ai.ai
        if ai == "01":
            if element.gtin is None:
                raise Gs1Error(f"invalid GS1 barcode: {element.gtin_error or 'bad GTIN'}")
            fields["gtin"] = element.gtin.as_gtin_14()
        elif ai == "21":
            fields["serial"] = element.value
        elif ai == "10":
            fields["lot"] = element.value
        elif ai == "17":
            if element.date is None:
                raise Gs1Error(f"invalid GS1 barcode: bad expiry date {element.value!r}")
            fields["expiry"] = element.date
    return Gs1Data(**fields)  # type: ignore[arg-type]
