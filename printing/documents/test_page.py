"""A printer's test page: one page the size of its printer role (a 4x6 or 2x1 label, or the paper),
saying which printer and station it is for, with a frame at the margins and a Code 128 to scan."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from printing import zpl
from printing.barcodes import code128_height, draw_code128
from printing.documents.common import draw_text, page_size, truncate
from printing.fonts import register_fonts

LABEL_SIZES = {"label": (4 * inch, 6 * inch), "item": (2 * inch, 1 * inch)}
ZPL_DOTS = {"label": (812, 1218), "item": (406, 203)}  # 203 dpi
BARCODE = "TEST-PAGE"


def page_lines(printer: str, station_id: str, target: str, now: datetime) -> list[str]:
    return ["Station test page", f"Printer: {printer}", f"Station: {station_id}", f"Target: {target}",
            f"Printed: {now:%Y-%m-%d %H:%M}"]


def render_test_page(printer: str, station_id: str, target: str, now: datetime, paper: str = "A4") -> bytes:
    """The test page as PDF, sized for `printer` ("label", "item" or "document" on `paper`)."""
    width, height = LABEL_SIZES.get(printer) or page_size(paper)
    margin = min(width, height) * 0.06
    fonts = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle("Test page")
    canvas.setAuthor("station")
    canvas.setCreator("station")
    canvas.setLineWidth(1)
    canvas.rect(margin / 2, margin / 2, width - margin, height - margin)
    lines = page_lines(printer, station_id, target, now)
    size = max(4.0, min(18.0, (height - 2 * margin) / (len(lines) + 4) / 1.3))
    y = height - margin - size
    for number, line in enumerate(lines):
        font = fonts.bold if number == 0 else fonts.regular
        draw_text(canvas, margin, y, truncate(line, font, size, width - 2 * margin), font, size)
        y -= size * 1.3
    bars = min(40.0, max(10.0, y - margin - code128_height(height_pt=0, font_size=size * 0.7)))
    if width >= 1.5 * inch:  # a 2x1 in label has room for the text only
        draw_code128(canvas, margin, margin, BARCODE, module_dots=2, height_pt=bars, font_size=size * 0.7)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_test_page_zpl(printer: str, station_id: str, target: str, now: datetime) -> bytes:
    """The test page as ZPL for a 203 dpi label printer (a 4x6 in label unless `printer` is "item")."""
    width, height = ZPL_DOTS.get(printer, ZPL_DOTS["label"])
    margin = 12
    lines = page_lines(printer, station_id, target, now)
    size = max(16, min(40, (height - 2 * margin) // (len(lines) + 3)))
    parts = [f"^XA^CI28^PW{width}^LL{height}^LH0,0", zpl.box(margin // 2, margin // 2, width - margin,
                                                              height - margin)]
    y = margin
    for line in lines:
        parts.append(zpl.text(margin, y, zpl.fit(line, size, width - 2 * margin), size))
        y += size + size // 4
    if height - y > 60:
        parts.append(zpl.code128(BARCODE, margin, y + 8, min(100, height - y - 40), 2))
    parts.append("^PQ1^XZ")
    return "\n".join(parts).encode("ascii")
