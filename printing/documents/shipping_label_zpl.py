"""The station's own 4x6 in address label as ZPL for a 203 dpi thermal printer.

The same content as the PDF version: an optional notice banner, carrier and service,
weight, package n of m, the ship-to address in large type, and the order and tracking
numbers as Code 128. Every piece of label data is hex-escaped (see `printing.zpl`).
"""

from __future__ import annotations

from dataclasses import dataclass

from printing import zpl
from printing.barcodes import sscc_element
from printing.documents.common import format_weight, locality_lines
from printing.model import Address, ShippingLabel

WIDTH = 812  # 4 in at 203 dpi
HEIGHT = 1218  # 6 in
MARGIN = 28
INNER = WIDTH - 2 * MARGIN
BOX_WIDTH = 220  # the "package n of m" box, top right
MIN_TEXT = 22  # smallest type on the label, in dots


@dataclass(frozen=True)
class _Line:
    text: str
    height: int
    min_height: int
    max_lines: int = 1


def render_shipping_label_zpl(label: ShippingLabel) -> bytes:
    """The label as one ZPL program (`^XA^CI28 … ^XZ`), UTF-8 text hex-escaped."""
    parts = [f"^XA^CI28^PW{WIDTH}^LL{HEIGHT}^LH0,0"]
    top = MARGIN
    if label.notice:
        top = _notice(parts, label.notice, top)
    top = _carrier(parts, label, top)
    bottom = _footer(parts, label)
    bottom = _barcodes(parts, label, bottom)
    _address(parts, label.ship_to, top, bottom)
    parts.append("^PQ1^XZ")
    return "\n".join(parts).encode("ascii")


def _notice(parts: list[str], notice: str, top: int) -> int:
    height = 68
    size = zpl.fit_size(notice, 44, MIN_TEXT, INNER - 24)
    parts.append(zpl.box(MARGIN, top, INNER, height, filled=True))
    parts.append(zpl.text(MARGIN + 12, top + (height - size) // 2,
                          zpl.fit(notice, size, INNER - 24), size, reverse=True))
    return top + height + 16


def _carrier(parts: list[str], label: ShippingLabel, top: int) -> int:
    room = INNER - BOX_WIDTH - 20
    rows = ((label.carrier, 60, 0), (label.service, 36, 72),
            (f"Weight {format_weight(label.weight_g)}", 30, 118))
    for value, largest, drop in rows:
        height = zpl.fit_size(value, largest, MIN_TEXT, room)
        parts.append(zpl.text(MARGIN, top + drop + (largest - height),
                              zpl.fit(value, height, room), height))
    box_x = MARGIN + INNER - BOX_WIDTH
    parts.append(zpl.box(box_x, top, BOX_WIDTH, 152, 4))
    parts.append(zpl.text(box_x + 16, top + 12, "PACKAGE", 22))
    count = f"{label.package_no} of {label.package_count}"
    size = zpl.fit_size(count, 64, MIN_TEXT, BOX_WIDTH - 24)
    parts.append(zpl.text(box_x + 16, top + 56, zpl.fit(count, size, BOX_WIDTH - 24), size))
    parts.append(zpl.box(MARGIN, top + 168, INNER, 4, 4))
    return top + 184


def _footer(parts: list[str], label: ShippingLabel) -> int:
    height = 24
    y = HEIGHT - MARGIN - height
    footer = f"Station {label.station_id}   Order {label.order_number}"
    parts.append(zpl.text(MARGIN, y, zpl.fit(footer, height, INNER), height))
    return y - 12


def _barcodes(parts: list[str], label: ShippingLabel, bottom: int) -> int:
    """Order number at the bottom, tracking number above it; returns the space's top."""
    codes = [(label.order_number, "ORDER", 100 if label.tracking_number else 150, False)]
    if label.tracking_number:
        # An SSCC goes as GS1-128, as carriers print it; any other number as plain Code 128.
        gs1 = sscc_element(label.tracking_number) is not None
        codes.append((label.tracking_number, "TRACKING", 180, gs1))
    for value, caption, bar_height, gs1 in codes:
        module = zpl.fit_module(value, INNER, gs1=gs1)
        x = MARGIN + (INNER - zpl.code128_dots(value, module, gs1=gs1)) // 2
        top = bottom - bar_height - 40  # the bars, then the printer's line of text
        parts.append(zpl.code128(value, x, top, bar_height, module, gs1=gs1))
        parts.append(zpl.text(MARGIN, top - 30, caption, 22))
        bottom = top - 42
    parts.append(zpl.box(MARGIN, bottom, INNER, 4, 4))
    return bottom - 12


def _address(parts: list[str], address: Address, top: int, bottom: int) -> None:
    parts.append(zpl.text(MARGIN, top, "SHIP TO", 22))
    top += 34
    spec = _address_spec(address)
    scale = 1.0
    # Shrink every line together until the block fits between carrier and barcodes.
    while True:
        placed = [(line, height) for spec_line in spec
                  for height, lines in [_fit_line(spec_line, scale)] for line in lines]
        needed = sum(round(height * 1.2) for _, height in placed)
        if needed <= bottom - top or scale <= 0.4:
            break
        scale *= 0.9
    for line, height in placed:
        if top + height > bottom:
            break
        parts.append(zpl.text(MARGIN, top, line, height))
        top += round(height * 1.2)


def _fit_line(line: _Line, scale: float) -> tuple[int, list[str]]:
    largest = max(line.min_height, round(line.height * scale))
    return zpl.fit_lines(line.text, largest, line.min_height, INNER, line.max_lines)


def _address_spec(address: Address) -> list[_Line]:
    # Town, postcode and country are what sorting reads, so they are the largest lines.
    lines = [_Line(address.name, 60, 28, max_lines=2)]
    if address.company:
        lines.append(_Line(address.company, 40, 24, max_lines=2))
    lines.extend(_Line(value, 40, 24, max_lines=2)
                 for value in (address.line1, address.line2) if value)
    lines.extend(_Line(value, 48, 24) for value in locality_lines(address))
    if address.country:
        lines.append(_Line(address.country, 48, 24))
    if address.phone:
        lines.append(_Line(f"Tel. {address.phone}", 28, MIN_TEXT))
    return lines
