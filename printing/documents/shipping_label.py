"""The station's own 4x6 in address label, printed when the backend has no carrier label.

Ship-to in large type, carrier and service, package n of m, weight, and the order and
tracking numbers as Code 128 sized in whole 203 dpi dots for thermal printers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import (
    code128_height,
    code128_width,
    draw_code128,
    fit_module_dots,
    sscc_element,
)
from printing.documents.common import (
    draw_text,
    fit_font_size,
    fit_text,
    format_weight,
    locality_lines,
)
from printing.fonts import FontNames, register_fonts
from printing.model import Address, ShippingLabel

LABEL_SIZE = (4 * inch, 6 * inch)
MARGIN = 10.0
INNER = LABEL_SIZE[0] - 2 * MARGIN
BOX_WIDTH = 78.0  # the "package n of m" box, top right
FLOOR_PT = 6.0  # smallest type on the label: still legible at 203 dpi (17 dots tall)


@dataclass(frozen=True)
class _Line:
    text: str
    bold: bool
    max_size: float
    min_size: float
    max_lines: int = 1


def render_shipping_label(label: ShippingLabel) -> bytes:
    """The label as a one-page 4x6 in PDF."""
    fonts = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LABEL_SIZE)
    canvas.setTitle(f"Shipping label {label.order_number} "
                    f"{label.package_no}/{label.package_count}")
    canvas.setAuthor(label.station_id)
    canvas.setSubject(label.order_number)
    canvas.setCreator("station")
    top = LABEL_SIZE[1] - MARGIN
    if label.notice:
        top = _draw_notice(canvas, fonts, label.notice, top)
    top = _draw_carrier(canvas, fonts, label, top)
    bottom = _draw_footer(canvas, fonts, label)
    bottom = _draw_barcodes(canvas, fonts, label, bottom)
    _draw_address(canvas, fonts, label.ship_to, top, bottom)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_notice(canvas: Any, fonts: FontNames, notice: str, top: float) -> float:
    height = 24.0
    canvas.rect(MARGIN, top - height, INNER, height, stroke=0, fill=1)
    size = fit_font_size(notice, fonts.bold, 15, 7, INNER - 12)
    canvas.setFillColorRGB(1, 1, 1)
    draw_text(canvas, MARGIN + INNER / 2, top - height / 2 - size * 0.36, notice, fonts.bold, size,
              align="centre")
    canvas.setFillColorRGB(0, 0, 0)
    return top - height - 6


def _draw_carrier(canvas: Any, fonts: FontNames, label: ShippingLabel, top: float) -> float:
    text_width = INNER - BOX_WIDTH - 8
    rows = ((label.carrier, fonts.bold, 22.0, 18.0), (label.service, fonts.regular, 12.0, 34.0),
            (f"Weight {format_weight(label.weight_g)}", fonts.regular, 10.0, 50.0))
    for text, font, max_size, drop in rows:
        size, lines = fit_text(text, font, max_size, FLOOR_PT, text_width, max_lines=1)
        draw_text(canvas, MARGIN, top - drop, lines[0], font, size)
    box_x = MARGIN + INNER - BOX_WIDTH
    canvas.setLineWidth(1.5)
    canvas.rect(box_x, top - 54, BOX_WIDTH, 54, stroke=1, fill=0)
    canvas.setFont(fonts.regular, 7)
    canvas.drawCentredString(box_x + BOX_WIDTH / 2, top - 12, "PACKAGE")
    count = f"{label.package_no} of {label.package_count}"
    size = fit_font_size(count, fonts.bold, 20, 8, BOX_WIDTH - 8)
    canvas.setFont(fonts.bold, size)
    canvas.drawCentredString(box_x + BOX_WIDTH / 2, top - 40, count)
    canvas.line(MARGIN, top - 61, MARGIN + INNER, top - 61)
    return top - 66


def _draw_footer(canvas: Any, fonts: FontNames, label: ShippingLabel) -> float:
    draw_text(canvas, MARGIN, MARGIN, f"Station {label.station_id}", fonts.regular, 8)
    draw_text(canvas, MARGIN + INNER, MARGIN, f"Order {label.order_number}", fonts.regular, 8,
              align="right")
    return MARGIN + 14


def _draw_barcodes(canvas: Any, fonts: FontNames, label: ShippingLabel, y: float) -> float:
    """Order number at the bottom, tracking number above it; returns the space's top."""
    codes = [(label.order_number, "ORDER", 34.0 if label.tracking_number else 52.0, 9.0, False)]
    if label.tracking_number:
        # An SSCC goes as GS1-128, as carriers print it; any other number as plain Code 128.
        gs1 = sscc_element(label.tracking_number) is not None
        codes.append((label.tracking_number, "TRACKING", 64.0, 10.0, gs1))
    for value, caption, bar_height, text_size, gs1 in codes:
        dots = fit_module_dots(value, INNER, (3, 2), gs1=gs1)
        width = code128_width(value, module_dots=dots, gs1=gs1)
        draw_code128(canvas, MARGIN + (INNER - width) / 2, y, value, module_dots=dots,
                     height_pt=bar_height, font_size=text_size, gs1=gs1)
        y += code128_height(height_pt=bar_height, font_size=text_size) + 3
        canvas.setFont(fonts.regular, 7)
        canvas.drawString(MARGIN, y, caption)
        y += 14
    canvas.setLineWidth(1.5)
    canvas.line(MARGIN, y, MARGIN + INNER, y)
    return y + 6


def _draw_address(canvas: Any, fonts: FontNames, address: Address, top: float,
                  bottom: float) -> None:
    canvas.setFont(fonts.regular, 7)
    canvas.drawString(MARGIN, top - 7, "SHIP TO")
    top -= 12
    lines = _address_spec(address)
    scale = 1.0
    # Shrink every line together until the block fits between carrier and barcodes.
    while True:
        placed = _place_lines(lines, fonts, scale)
        needed = sum(size * 1.2 for _, _, size in placed)
        if needed <= top - bottom or scale <= 0.5:
            break
        scale *= 0.9
    for text, font, size in placed:
        top -= size * 1.2
        draw_text(canvas, MARGIN, top + size * 0.25, text, font, size)


def _address_spec(address: Address) -> list[_Line]:
    # Town, postcode and country are what sorting reads, so they are the boldest lines.
    lines = [_Line(address.name, True, 20, 9, max_lines=2)]
    if address.company:
        lines.append(_Line(address.company, True, 13, 8, max_lines=2))
    lines.extend(_Line(text, False, 13, 8, max_lines=2)
                 for text in (address.line1, address.line2) if text)
    lines.extend(_Line(text, True, 16, 8) for text in locality_lines(address))
    if address.country:
        lines.append(_Line(address.country, True, 16, 8))
    if address.phone:
        lines.append(_Line(f"Tel. {address.phone}", False, 9, 6))
    return lines


def _place_lines(lines: list[_Line], fonts: FontNames,
                 scale: float) -> list[tuple[str, str, float]]:
    placed: list[tuple[str, str, float]] = []
    for line in lines:
        font = fonts.bold if line.bold else fonts.regular
        size, texts = fit_text(line.text, font, line.max_size * scale,
                               min(line.min_size, line.max_size * scale), INNER,
                               line.max_lines, floor=FLOOR_PT)
        placed.extend((text, font, size) for text in texts)
    return placed

