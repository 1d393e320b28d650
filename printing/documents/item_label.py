"""The 2x1 in label stuck on each returned unit at the returns station.

From top to bottom: the disposition (white on black, the text that routes the unit to its
bin) beside the grade, the SKU in bold, the product name, and the LPN as Code 128 in whole
203 dpi dots, with the LPN and the RMA/order numbers under the bars.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import code128_width, draw_code128, fit_module_dots
from printing.documents.common import (
    draw_text,
    fit_font_size,
    fit_text,
    format_datetime,
    string_width,
    truncate,
)
from printing.fonts import FontNames, register_fonts
from printing.model import ItemLabel

LABEL_SIZE = (2 * inch, 1 * inch)
MARGIN = 4.0  # blank on every side: thermal printers drift by a dot or two
INNER = LABEL_SIZE[0] - 2 * MARGIN
TOP = LABEL_SIZE[1] - MARGIN
BAND_HEIGHT = 17.0  # the disposition band and the grade box beside it
GRADE_WIDTH = 23.0
GAP = 2.5
BAR_HEIGHT = 19.0
LPN_PT = 7.0  # the LPN under the bars, bold
REFS_PT = 5.5  # the RMA and order numbers beside it
CAP = 0.73  # DejaVu Sans cap height, as a fraction of the font size
DESCENT = 0.24  # DejaVu Sans descender depth, as a fraction of the font size
FLOOR_PT = 4.5  # smallest type on the label: still 12 dots tall at 203 dpi


@dataclass(frozen=True)
class _Fitted:
    """Text squeezed into a width: condensed first, then smaller, then cut with "…"."""

    text: str
    size: float
    scale: float  # horizontal scale, 1.0 = the font's own width


def render_item_label(label: ItemLabel) -> bytes:
    """The label as a one-page 2x1 in PDF for a 203 dpi thermal printer."""
    fonts = register_fonts()
    # Fail before drawing if the LPN cannot be printed scannably on this label.
    dots = fit_module_dots(label.lpn, INNER, (3, 2))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LABEL_SIZE)
    canvas.setTitle(f"Item label {label.lpn}")
    canvas.setAuthor(label.station_id)
    canvas.setSubject(label.lpn)
    canvas.setKeywords(f"printed {format_datetime(label.printed_at)}")
    canvas.setCreator("station")
    top = _draw_band(canvas, fonts, label, TOP)
    top = _draw_item(canvas, fonts, label, top)
    _draw_barcode(canvas, fonts, label, dots, top)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_band(canvas: Any, fonts: FontNames, label: ItemLabel, top: float) -> float:
    """Disposition white on black across the top, grade boxed at its right."""
    bottom = top - BAND_HEIGHT
    band_width = INNER - GRADE_WIDTH - GAP
    canvas.rect(MARGIN, bottom, band_width, BAND_HEIGHT, stroke=0, fill=1)
    fitted = _fit(label.disposition, fonts.bold, 13.0, 7.0, band_width - 6, min_scale=0.72)
    canvas.setFillColorRGB(1, 1, 1)
    _draw_text(canvas, fonts.bold, fitted, MARGIN + band_width / 2,
               bottom + (BAND_HEIGHT - CAP * fitted.size) / 2, align="centre")
    canvas.setFillColorRGB(0, 0, 0)
    box_x = MARGIN + INNER - GRADE_WIDTH
    line = 1.2
    canvas.setLineWidth(line)
    canvas.rect(box_x + line / 2, bottom + line / 2, GRADE_WIDTH - line,
                BAND_HEIGHT - line, stroke=1, fill=0)
    canvas.setFont(fonts.regular, 4.0)
    canvas.drawCentredString(box_x + GRADE_WIDTH / 2, top - 5.0, "GRADE")
    grade = _fit(label.grade, fonts.bold, 10.5, 5.0, GRADE_WIDTH - 4, min_scale=0.8)
    _draw_text(canvas, fonts.bold, grade, box_x + GRADE_WIDTH / 2, bottom + 2.4, align="centre")
    return bottom - GAP


def _draw_item(canvas: Any, fonts: FontNames, label: ItemLabel, top: float) -> float:
    """SKU in bold, the product name under it; returns the space's bottom."""
    sku = _fit(label.sku, fonts.bold, 9.5, 6.0, INNER, min_scale=0.8)
    baseline = top - CAP * sku.size
    _draw_text(canvas, fonts.bold, sku, MARGIN, baseline)
    size, lines = fit_text(label.name, fonts.regular, 6.0, 5.0, INNER, max_lines=1,
                           floor=FLOOR_PT)
    baseline -= 1.5 + size
    draw_text(canvas, MARGIN, baseline, lines[0], fonts.regular, size)
    return baseline - DESCENT * size


def _draw_barcode(canvas: Any, fonts: FontNames, label: ItemLabel, dots: int,
                  top: float) -> None:
    """LPN bars centred, the LPN in bold and the RMA/order numbers under them."""
    baseline = MARGIN + DESCENT * REFS_PT
    width = code128_width(label.lpn, module_dots=dots)
    bars_bottom = baseline + CAP * LPN_PT + 1.5
    bar_height = min(BAR_HEIGHT, top - 1.0 - bars_bottom)
    draw_code128(canvas, MARGIN + (INNER - width) / 2, bars_bottom, label.lpn,
                 module_dots=dots, height_pt=bar_height, text=False)
    lpn = _fit(label.lpn, fonts.bold, LPN_PT, 5.0, INNER * 0.55, min_scale=0.85)
    _draw_text(canvas, fonts.bold, lpn, MARGIN, baseline)
    room = INNER - string_width(lpn.text, fonts.bold, lpn.size) * lpn.scale - 4
    refs, size = _references(label, fonts.regular, room)
    draw_text(canvas, MARGIN + INNER, baseline, refs, fonts.regular, size, align="right")


def _references(label: ItemLabel, font: str, room: float) -> tuple[str, float]:
    """RMA and order numbers; just the RMA (or the order) when both do not fit."""
    both = " · ".join(part for part in (label.rma_number, label.order_number) if part)
    for text in (both, label.rma_number or label.order_number):
        size = fit_font_size(text, font, REFS_PT, FLOOR_PT, room)
        if string_width(text, font, size) <= room:
            return text, size
    return truncate(text, font, FLOOR_PT, room), FLOOR_PT


def _fit(text: str, font: str, max_size: float, min_size: float, width: float, *,
         min_scale: float) -> _Fitted:
    """Condense down to `min_scale`, then shrink down to `min_size`, then cut."""
    natural = string_width(text, font, max_size)
    if natural <= width:
        return _Fitted(text, max_size, 1.0)
    scale = max(min_scale, width / natural)
    size = fit_font_size(text, font, max_size, min_size, width / scale)
    return _Fitted(truncate(text, font, size, width / scale), size, scale)


def _draw_text(canvas: Any, font: str, fitted: _Fitted, x: float, y: float, *,
               align: str = "left") -> None:
    draw_text(canvas, x, y, fitted.text, font, fitted.size, align=align, scale=fitted.scale)
