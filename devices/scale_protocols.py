"""Scale protocols, pure (no I/O): the bytes of each protocol's weight request, and a parser from one
complete response to a `Reading`. Parsers never raise: anything unreadable is an "error" reading.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

Status = Literal["stable", "motion", "over", "under", "error"]

PREVIEW_LENGTH = 40
# Far above any bench or floor scale a packing station could have: anything bigger is line noise.
MAX_GRAMS = 1e7

_GRAMS_PER_UNIT = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "mg": Decimal("0.001"),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}


@dataclass(frozen=True)
class Reading:
    """One answer of the scale. Only a "stable" reading carries a weight to be taken; a "motion"
    reading may carry the moving value, for display only. `at` is time.monotonic()."""

    grams: float | None
    status: Status
    message: str
    at: float


@dataclass(frozen=True)
class ScaleProtocol:
    """How to ask one kind of scale for its weight, and how to read the answer."""

    name: str
    title: str
    request: bytes
    # The byte that ends a complete response: the reader collects bytes up to it, then parses.
    terminator: bytes
    parse: Callable[[bytes, float | None], Reading]


def _clean(frame: bytes) -> str:
    # All three protocols are 7-bit ASCII; bit 7 is a parity bit when a 7E1 scale is read as 8N1.
    return bytes(b & 0x7F for b in frame).decode("ascii")


def _preview(frame: bytes) -> str:
    text = frame[:PREVIEW_LENGTH].decode("latin-1")
    more = "…" if len(frame) > PREVIEW_LENGTH else ""
    return repr(text) + more


def _now(at: float | None) -> float:
    return time.monotonic() if at is None else at


def _garbage(frame: bytes, why: str, at: float) -> Reading:
    return Reading(None, "error", f"unreadable answer from scale ({why}): {_preview(frame)}", at)


def to_grams(value: str, unit: str) -> float | None:
    """`value` in `unit` (g, kg, mg, lb, oz; any case) as grams; None when either is not understood."""
    factor = _GRAMS_PER_UNIT.get(unit.lower())
    if factor is None:
        return None
    try:
        grams = float(Decimal(value) * factor)
    except (InvalidOperation, ValueError):
        return None
    if not math.isfinite(grams) or abs(grams) > MAX_GRAMS:
        return None
    return round(grams, 3)


def _weighed(grams: float, status: Literal["stable", "motion"], at: float, net: bool = False) -> Reading:
    message = "stable" if status == "stable" else "in motion"
    return Reading(grams, status, f"{message} (net)" if net else message, at)


# -- Mettler Toledo MT-SICS ------------------------------------------------------------------------

_SICS_WEIGHT = re.compile(r"S +([SD]) +(-? *\d+(?:\.\d*)?) +([A-Za-z]+)")
_SICS_REPLIES: dict[str, tuple[Status, str]] = {
    "S +": ("over", "over capacity"),
    "S -": ("under", "under capacity"),
    "S I": ("error", "scale busy: weight request not executable now (S I)"),
    "ES": ("error", "scale error ES: syntax error"),
    "ET": ("error", "scale error ET: transmission error"),
    "EL": ("error", "scale error EL: logical error"),
}


def parse_sics(frame: bytes, at: float | None = None) -> Reading:
    """One MT-SICS response line to `SI`: `S S     123.45 g`, `S D ...`, `S +`, `S -`, `S I`, `ES`..."""
    at = _now(at)
    text = _clean(frame).strip(" \r\n")
    if any(c in text for c in "\r\n") or not text.isprintable():
        return _garbage(frame, "not one line of text", at)
    known = _SICS_REPLIES.get(re.sub(" +", " ", text))
    if known is not None:
        return Reading(None, known[0], known[1], at)
    match = _SICS_WEIGHT.fullmatch(text)
    if match is None:
        return _garbage(frame, "not an MT-SICS weight", at)
    stability, value, unit = match.groups()
    grams = to_grams(value.replace(" ", ""), unit)
    if grams is None:
        return _garbage(frame, f"weight in unit {unit!r} not understood", at)
    return _weighed(grams, "stable" if stability == "S" else "motion", at)


# -- NCI / Avery Weigh-Tronix (SCP-01, and its variant with status prefixed by "S") ----------------

_NCI_WEIGHT = re.compile(r" *(-? *\d+(?:\.\d*)?) *([A-Za-z]{1,2}) *")
_NCI_LB_OZ = re.compile(r" *(\d+) *lb +(\d+(?:\.\d*)?) *oz *", re.IGNORECASE)
_NCI_STATUS = re.compile(r"S?([0-?p-\x7f]{2,4})")  # bits 4 and 5 are always set in a status byte
_NCI_FAULTS = (  # (status byte index, bit, what the scale says is broken)
    (0, 2, "RAM error"),
    (0, 3, "EEPROM error"),
    (1, 2, "ROM error"),
    (1, 3, "faulty calibration"),
    (2, 3, "initial zero error"),
)


def _nci_status(status: str, at: float) -> Reading | None:
    """The reading the status bytes impose (fault, over, under); None when they allow a weight."""
    codes = [ord(c) for c in status]
    faults = [what for index, bit, what in _NCI_FAULTS if index < len(codes) and codes[index] >> bit & 1]
    if faults:
        return Reading(None, "error", "scale error: " + ", ".join(faults), at)
    if codes[1] & 0b10:
        return Reading(None, "over", "over capacity", at)
    if codes[1] & 0b01:
        return Reading(None, "under", "under capacity", at)
    return None


def _nci_weight(line: str, moving: bool, frame: bytes, at: float) -> Reading:
    stripped = line.strip()
    if stripped and set(stripped) <= {"^"}:
        return Reading(None, "over", "over capacity", at)
    if stripped and set(stripped) <= {"_", "-"}:
        return Reading(None, "under", "under capacity", at)
    grams: float | None
    if (lb_oz := _NCI_LB_OZ.fullmatch(line)) is not None:
        pounds, ounces = to_grams(lb_oz[1], "lb"), to_grams(lb_oz[2], "oz")
        grams = None if pounds is None or ounces is None else round(pounds + ounces, 3)
    elif (match := _NCI_WEIGHT.fullmatch(line)) is not None:
        grams = to_grams(match[1].replace(" ", ""), match[2])
    else:
        return _garbage(frame, "not an NCI weight", at)
    if grams is None:
        return _garbage(frame, "weight or unit not understood", at)
    return _weighed(grams, "motion" if moving else "stable", at)


def parse_nci(frame: bytes, at: float | None = None) -> Reading:
    """One NCI response to `W<CR>`: `<LF>  1.234kg<CR><LF>[S]hh<CR><ETX>`, or status alone."""
    at = _now(at)
    text = _clean(frame)
    if not text.startswith("\n") or not text.rstrip("\r\n").endswith("\x03"):
        return _garbage(frame, "not framed by LF ... ETX", at)
    lines = [line for line in re.split(r"[\r\n]+", text.rstrip("\r\n")[:-1]) if line]
    if lines == ["?"]:
        return Reading(None, "error", "scale did not understand the weight request (?)", at)
    status = _NCI_STATUS.fullmatch(lines[-1]) if 1 <= len(lines) <= 2 else None
    if status is None:
        return _garbage(frame, "no NCI status bytes", at)
    imposed = _nci_status(status[1], at)
    if imposed is not None:
        return imposed
    moving = bool(ord(status[1][0]) & 1)
    if len(lines) == 2:
        return _nci_weight(lines[0], moving, frame, at)
    # The scale sends its status alone when the weight cannot be shown: moving or below zero.
    if moving:
        return Reading(None, "motion", "in motion", at)
    return Reading(None, "under", "below zero", at)


# -- Toledo 8213/8217 ------------------------------------------------------------------------------

_TOLEDO_WEIGHT = re.compile(r" *(\d+)(?:\.(\d+))?(N?) *")
_TOLEDO_ALWAYS_SET = 0x40


def _toledo_status(code: int, at: float) -> Reading:
    if code & 0b10:
        return Reading(None, "over", "over capacity", at)
    if code & 0b100:
        return Reading(None, "under", "below zero", at)
    if code & 0b1:
        return Reading(None, "motion", "in motion", at)
    if code & 0b1000:
        return Reading(None, "error", "scale error: outside zero capture range (zero the scale)", at)
    return Reading(None, "error", f"scale sent status {code:#04x} without a weight", at)


def parse_toledo8217(frame: bytes, at: float | None = None) -> Reading:
    """One 8213/8217 response to `W`: `<STX>01.234<CR>` (kg), `<STX>001.50<CR>` (lb), `<STX>?s<CR>`.

    The protocol sends no unit: three decimals are kg, two are lb (as the Mettler Toledo 8217 spec
    writes them), and the five bare digits of the classic 8213 are hundredths of a pound.
    """
    at = _now(at)
    text = _clean(frame)
    if not text.startswith("\x02") or not text.rstrip("\n").endswith("\r"):
        return _garbage(frame, "not framed by STX ... CR", at)
    body = text.rstrip("\n")[1:-1]
    if len(body) == 2 and body[0] == "?":
        code = ord(body[1])
        if not code & _TOLEDO_ALWAYS_SET:
            return _garbage(frame, "bad status byte", at)
        return _toledo_status(code, at)
    match = _TOLEDO_WEIGHT.fullmatch(body)
    if match is None:
        return _garbage(frame, "not an 8217 weight", at)
    whole, decimals, net = match.groups()
    if decimals is None and len(whole) == 5:
        value, unit = f"{whole[:3]}.{whole[3:]}", "lb"
    elif decimals is not None and len(decimals) in (2, 3):
        value, unit = f"{whole}.{decimals}", "lb" if len(decimals) == 2 else "kg"
    else:
        return _garbage(frame, "weight has neither 2 (lb) nor 3 (kg) decimals", at)
    grams = to_grams(value, unit)
    if grams is None:
        return _garbage(frame, "weight out of range", at)
    return _weighed(grams, "stable", at, net=bool(net))


PROTOCOLS: dict[str, ScaleProtocol] = {
    "sics": ScaleProtocol("sics", "Mettler Toledo MT-SICS", b"SI\r\n", b"\n", parse_sics),
    "nci": ScaleProtocol("nci", "NCI / Avery Weigh-Tronix", b"W\r", b"\x03", parse_nci),
    "toledo8217": ScaleProtocol("toledo8217", "Toledo 8213/8217", b"W", b"\r", parse_toledo8217),
}


def get_protocol(name: str) -> ScaleProtocol:
    """The protocol named in the [scale] section; ValueError naming the choices when unknown."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ValueError(f"unknown scale protocol {name!r} (choose {', '.join(PROTOCOLS)})") from None
