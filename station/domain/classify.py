"""What a scan means (scanning.md, "What a scan means"): pure, no I/O, and never raises.

Command barcodes first, then staff badges and carrier barcodes (hand-over), then whatever the operator's
context expects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias, get_args

from station.domain.barcodes import Gs1Data, Gs1Error, looks_like_gs1, parse_gs1
from station.domain.catalog import Box, Catalog, Insert, Match, Staff
from station.domain.commands import CARRIER_PREFIX, COMMANDS, is_command
from station.domain.scan import Scan
from station.domain.tracking import tracking_candidates

Context: TypeAlias = Literal["signed_out", "pack_idle", "pack_order", "pack_serial",
                             "returns_idle", "returns_open", "handover"]
CONTEXTS: tuple[Context, ...] = get_args(Context)
LookupKind: TypeAlias = Literal["rma", "tracking", "order"]

MAX_SCAN_LENGTH = 512
MAX_REFERENCE_LENGTH = 64
PREVIEW_LENGTH = 40

# A prefix that says what kind of reference a code is, so that only that lookup is tried.
# Anything else scanned in returns is tried as a tracking number, then as an order number.
REFERENCE_PREFIXES: tuple[tuple[str, LookupKind], ...] = (
    ("RMA-", "rma"),  # RMA-5001
)

# Frame terminators: a keyboard-wedge scan may keep one, and they are never data.
_ENDS = " \t\r\n"
# GS (FNC1) is GS1 data; every other C0/C1 control is line noise (scanning.md, "Bad input").
_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x1c\x1e\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Command:
    code: str  # a key of station.domain.commands.COMMANDS


@dataclass(frozen=True)
class Badge:
    staff: Staff


@dataclass(frozen=True)
class OrderNumber:
    number: str


@dataclass(frozen=True)
class ReturnLookup:
    kind: LookupKind
    value: str


@dataclass(frozen=True)
class ReturnSearch:
    """Lookups to try in this order; the first that finds a return (or its order) wins."""

    lookups: tuple[ReturnLookup, ...]


@dataclass(frozen=True)
class ProductScan:
    """A product, kit or case: `gs1` carries serial, lot and expiry (not checked against today)."""

    match: Match
    barcode: str
    gs1: Gs1Data | None = None


@dataclass(frozen=True)
class InsertScan:
    insert: Insert


@dataclass(frozen=True)
class BoxScan:
    box: Box


@dataclass(frozen=True)
class SerialScan:
    serial: str


@dataclass(frozen=True)
class TrackingScan:
    """A package for the manifest: `candidates` are the forms to look up, best first.

    The last candidate may be the code as scanned, for a station label's order number.
    """

    tracking: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class CarrierChoice:
    """`CARRIER-<name>`: the carrier whose packages go onto a manifest at hand-over."""

    name: str


@dataclass(frozen=True)
class Refused:
    reason: str
    hint: str = ""


Meaning: TypeAlias = (Command | Badge | OrderNumber | ReturnSearch | ProductScan | InsertScan | BoxScan
                      | SerialScan | TrackingScan | CarrierChoice | Refused)

_Reader: TypeAlias = Callable[[str, str | None, Catalog], Meaning]


def classify(scan: Scan, catalog: Catalog, context: Context) -> Meaning:
    """What `scan` means to an operator in `context`; bad or unexpected input is Refused."""
    code = scan.code.strip(_ENDS)
    unreadable = _unreadable(code)
    if unreadable is not None:
        return unreadable
    if is_command(code):
        if code in COMMANDS:
            return Command(code)
        return Refused(f"Unknown command barcode {_shown(code)}", "print the command sheet again")
    staff = catalog.staff.get(code)
    if staff is not None:
        return Badge(staff)
    if code[:len(CARRIER_PREFIX)].upper() == CARRIER_PREFIX and context != "signed_out":
        name = code[len(CARRIER_PREFIX):].strip()
        return CarrierChoice(name.upper()) if name else Refused("A carrier barcode without a carrier name")
    reader = _READERS.get(context)
    if reader is None:
        return Refused(f"A scan is not expected here ({_shown(str(context))})")
    return reader(code, scan.symbology, catalog)


def _unreadable(code: str) -> Refused | None:
    if not code:
        return Refused("Empty scan", "scan the barcode again")
    if len(code) > MAX_SCAN_LENGTH:
        return Refused(f"Scan refused: longer than {MAX_SCAN_LENGTH} characters "
                       f"({len(code)} received)", "check the scanner's settings")
    control = _FORBIDDEN_CONTROL.search(code)
    if control is not None:
        return Refused(f"Scan refused: control character 0x{ord(control.group()):02X} "
                       "(only GS 0x1D is allowed)", "check the scanner's settings")
    return None


# -- one reader per context ----------------------------------------------------------------------


def _signed_out(code: str, symbology: str | None, catalog: Catalog) -> Meaning:
    return Refused("Sign in first", "scan your badge")


def _pack_idle(code: str, symbology: str | None, catalog: Catalog) -> Meaning:
    kind = _prefixed_kind(code)
    if kind is not None and kind != "order":
        return Refused(f"{_shown(code)} is a return, not an order", "scan CMD-MODE-RETURNS for returns")
    known = _known_item(code, symbology, catalog)
    if known is not None:
        return Refused(f"{_shown(code)} is {known}, not an order number", "scan the order number first")
    if _is_reference(code):
        return OrderNumber(code)
    return Refused(f"{_shown(code)} is not an order number", "scan the order number on the pick list")


def _pack_order(code: str, symbology: str | None, catalog: Catalog) -> Meaning:
    found = _catalog_item(code, catalog)
    if found is not None:
        return found
    if looks_like_gs1(code, symbology):
        return _gs1_product(code, _read_gs1(code, symbology), catalog)
    return Refused(f"Unknown barcode {_shown(code)}", "not a product, insert or box of this catalog")


def _pack_serial(code: str, symbology: str | None, catalog: Catalog) -> Meaning:
    found = _catalog_item(code, catalog)
    if found is not None:
        return found
    if looks_like_gs1(code, symbology):
        data = _read_gs1(code, symbology)
        if isinstance(data, Gs1Data) and data.gtin is None and data.serial is not None:
            return SerialScan(data.serial)  # AI 21 on its own: the serial label of the unit
        return _gs1_product(code, data, catalog)
    if _is_reference(code):
        return SerialScan(code)
    return Refused(f"{_shown(code)} is not a serial number", "scan the serial number on the item")


def _returns_idle(code: str, symbology: str | None, catalog: Catalog) -> Meaning:
    kind = _prefixed_kind(code)
    if kind is not None:
        value = _canonical_prefix(code)
        if _is_reference(value):
            return ReturnSearch((ReturnLookup(kind, value),))
        return Refused(f"{_shown(code)} is not a valid {kind} number")
    known = _known_item(code, symbology, catalog)
    if known is not None:
        return Refused(f"{_shown(code)} is {known}",
                       "scan the RMA, the return tracking number or the order number first")
    lookups = [ReturnLookup("tracking", c) for c in tracking_candidates(code) if _is_reference(c)]
    if _is_reference(code):
        lookups.append(ReturnLookup("order", code))
    if not lookups:
        return Refused(f"{_shown(code)} is not an RMA, tracking or order number")
    return ReturnSearch(tuple(lookups))


def _returns_open(code: str, symbology: str | None, catalog: Catalog) -> Meaning:
    if _prefixed_kind(code) == "rma":
        return Refused(f"A return is open: {_shown(code)} cannot start another",
                       "scan CMD-DONE or CMD-CANCEL first")
    match = catalog.match(code)
    if match is not None:
        return ProductScan(match, code)
    other = _catalog_item(code, catalog)
    if other is not None:
        return Refused(f"{_shown(code)} is {_describe(other)}, not a returned item")
    if looks_like_gs1(code, symbology):
        return _gs1_product(code, _read_gs1(code, symbology), catalog)
    return Refused(f"Unknown barcode {_shown(code)}", "scan the product barcode of the returned item")


def _handover(code: str, symbology: str | None, catalog: Catalog) -> Meaning:
    known = _known_item(code, symbology, catalog)
    if known is not None:
        return Refused(f"{_shown(code)} is {known}, not a package",
                       "scan the tracking number or the package label")
    candidates = [c for c in tracking_candidates(code) if _is_reference(c)]
    if _is_reference(code) and code not in candidates:
        candidates.append(code)
    if not candidates:
        return Refused(f"{_shown(code)} is not a tracking number")
    return TrackingScan(candidates[0], tuple(candidates))


_READERS: dict[str, _Reader] = {
    "signed_out": _signed_out, "pack_idle": _pack_idle, "pack_order": _pack_order,
    "pack_serial": _pack_serial, "returns_idle": _returns_idle, "returns_open": _returns_open,
    "handover": _handover,
}


# -- catalog and GS1 -----------------------------------------------------------------------------


def _catalog_item(code: str, catalog: Catalog) -> ProductScan | InsertScan | BoxScan | None:
    match = catalog.match(code)
    if match is not None:
        return ProductScan(match, code)
    insert = catalog.insert_by_barcode(code)
    if insert is not None:
        return InsertScan(insert)
    box = catalog.box_by_barcode(code)
    return BoxScan(box) if box is not None else None


def _describe(item: ProductScan | InsertScan | BoxScan) -> str:
    if isinstance(item, ProductScan):
        return f"a product ({item.match.product.name})"
    if isinstance(item, InsertScan):
        return f"an insert ({item.insert.name})"
    return f"a box ({item.box.name})"


def _known_item(code: str, symbology: str | None, catalog: Catalog) -> str | None:
    """What a catalog item scanned where a reference was expected is, to say so; else None."""
    item = _catalog_item(code, catalog)
    if item is None and looks_like_gs1(code, symbology):
        data = _read_gs1(code, symbology)
        if isinstance(data, Gs1Data) and data.gtin is not None:
            match = catalog.match_gtin14(data.gtin)
            item = ProductScan(match, code, data) if match is not None else None
    return _describe(item) if item is not None else None


def _read_gs1(code: str, symbology: str | None) -> Gs1Data | Refused:
    try:
        return parse_gs1(code, symbology)
    except Gs1Error as exc:
        return Refused(str(exc), "scan the barcode again, or another barcode on the item")


def _gs1_product(code: str, data: Gs1Data | Refused, catalog: Catalog) -> ProductScan | Refused:
    if isinstance(data, Refused):
        return data
    if data.gtin is None:
        if data.sscc is not None:
            return Refused(f"SSCC {data.sscc} is a package label, not a product")
        return Refused(f"GS1 barcode {_shown(code)} has no product GTIN (AI 01)")
    match = catalog.match_gtin14(data.gtin)
    if match is None:
        return Refused(f"Unknown product: GTIN {data.gtin} is not in the catalog")
    return ProductScan(match, code, data)


# -- references ----------------------------------------------------------------------------------


def _is_reference(text: str) -> bool:
    """Whether text could be an order, RMA, tracking or serial number as typed into a system."""
    return 0 < len(text) <= MAX_REFERENCE_LENGTH and text.isprintable() and " " not in text


def _prefixed_kind(code: str) -> LookupKind | None:
    # Case-blind: a hand-typed "rma-5001" means the same return.
    for prefix, kind in REFERENCE_PREFIXES:
        if code[: len(prefix)].upper() == prefix:
            return kind
    return None


def _canonical_prefix(code: str) -> str:
    for prefix, _ in REFERENCE_PREFIXES:
        if code[: len(prefix)].upper() == prefix:
            return prefix + code[len(prefix):]
    return code


def _shown(text: str) -> str:
    """A printable excerpt for messages: non-printables as \\xNN, long codes cut."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:PREVIEW_LENGTH])
    return shown + ("…" if len(text) > PREVIEW_LENGTH else "")
