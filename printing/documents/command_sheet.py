"""The sheet of command barcodes the operator scans instead of touching the screen.

Each command is a Code 128 with its code and meaning under it, laid out in a grid.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import code128_height, code128_width, draw_code128, fit_module_dots
from printing.documents.common import draw_text, fit_text, page_size, split_lines, truncate
from printing.fonts import FontNames, register_fonts

MARGIN = 12 * mm
COLUMNS = 2
CELL_HEIGHT = 118.0
BAR_HEIGHT = 46.0
CODE_TEXT_PT = 9.0
MEANING_PT = 11.0
HEADER_HEIGHT = 22 * mm
FOOTER_HEIGHT = 12 * mm
CELL_PADDING = 6.0
GUIDE = colors.HexColor("#BBBBBB")


def render_command_sheet(commands: Sequence[tuple[str, str]], paper: str = "A4",
                         title: str = "Command barcodes") -> bytes:
    """`commands` as (code, meaning) pairs, printed in order, row by row."""
    width, height = page_size(paper)
    fonts = register_fonts()
    cell_width = (width - 2 * MARGIN) / COLUMNS
    rows = max(1, int((height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT) // CELL_HEIGHT))
    per_page = rows * COLUMNS
    # Fail before drawing anything if a code cannot be printed scannably.
    dots = [fit_module_dots(code, cell_width - 2 * CELL_PADDING) for code, _ in commands]
    pages = max(1, -(-len(commands) // per_page))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(title)
    canvas.setAuthor("station")
    canvas.setCreator("station")
    for page in range(pages):
        _draw_frame(canvas, fonts, title, page + 1, pages)
        first = page * per_page
        for index, (code, meaning) in enumerate(commands[first:first + per_page]):
            row, column = divmod(index, COLUMNS)
            x = MARGIN + column * cell_width
            top = height - MARGIN - HEADER_HEIGHT - row * CELL_HEIGHT
            _draw_cell(canvas, fonts, (x, top, cell_width), code, meaning, dots[first + index])
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_frame(canvas: Any, fonts: FontNames, title: str, page: int, pages: int) -> None:
    width, height = canvas._pagesize
    size, lines = fit_text(title, fonts.bold, 18, 10, width - 2 * MARGIN, max_lines=1)
    draw_text(canvas, MARGIN, height - MARGIN - 14, lines[0], fonts.bold, size)
    canvas.setFont(fonts.regular, 9)
    canvas.drawString(MARGIN, height - MARGIN - 30,
                      "Scan a barcode to run its command at the station.")
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawRightString(width - MARGIN, MARGIN, f"page {page} of {pages}")
    canvas.setFillColor(colors.black)


def _draw_cell(canvas: Any, fonts: FontNames, box: tuple[float, float, float], code: str,
               meaning: str, module_dots: int) -> None:
    x, top, cell_width = box
    canvas.saveState()
    # Light dashed guides so the sheet can be cut into single cards.
    canvas.setStrokeColor(GUIDE)
    canvas.setDash(2, 3)
    canvas.setLineWidth(0.5)
    canvas.rect(x, top - CELL_HEIGHT, cell_width, CELL_HEIGHT, stroke=1, fill=0)
    canvas.restoreState()
    symbol_width = code128_width(code, module_dots=module_dots)
    symbol_height = code128_height(height_pt=BAR_HEIGHT, font_size=CODE_TEXT_PT)
    base = top - CELL_PADDING - symbol_height
    draw_code128(canvas, x + (cell_width - symbol_width) / 2, base, code,
                 module_dots=module_dots, height_pt=BAR_HEIGHT, font_size=CODE_TEXT_PT)
    text_width = cell_width - 2 * CELL_PADDING
    lines = split_lines(meaning, fonts.bold, MEANING_PT, text_width)[:3]
    for number, line in enumerate(lines):
        baseline = base - 6 - MEANING_PT * (1.25 * number + 1)
        draw_text(canvas, x + cell_width / 2, baseline,
                  truncate(line, fonts.bold, MEANING_PT, text_width), fonts.bold, MEANING_PT,
                  align="centre")
