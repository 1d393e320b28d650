"""Multi-page documents (packing slip, return receipt): one page frame with a header, a footer
and "page n of m", built in a single pass.

The total is known only when the story has been laid out, so each page is kept and its frame is
drawn when the canvas is saved (the numbered-canvas pattern), instead of building twice.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle

from printing.documents.common import draw_text
from printing.fonts import FontNames, register_fonts

MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
STRIPE = colors.HexColor("#EEEEEE")


@dataclass(frozen=True)
class PageFrame:
    """What every page shows around the story, and the PDF's metadata."""

    title: str  # the PDF's title and the footer's left text
    header_left: str
    header_right: str
    author: str
    subject: str


def layout_style(*commands: tuple[Any, ...]) -> TableStyle:
    """A layout table's style: no padding at the sides, then `commands`."""
    return TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                       *commands])


def ruled_commands() -> list[tuple[Any, ...]]:
    """A data table's commands: cells top-aligned and padded 3 pt at the sides, a black rule under
    the header row and a light one under every other row (stripes and boxes are added after)."""
    return [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
    ]


def title_block(left: list[Flowable], code: Flowable, width: float) -> Table:
    """The top of a document: `left` (title and references) beside `code` (its barcode) at the right."""
    table = Table([[left, code]], colWidths=[width - code.width, code.width])
    table.setStyle(layout_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")))
    return table


def render_pages(size: tuple[float, float], frame: PageFrame,
                 story: Callable[[float], list[Flowable]]) -> bytes:
    """Lay `story(text_width)` out on as many pages as it needs; every page gets the frame."""
    fonts = register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=frame.title, author=frame.author, subject=frame.subject,
        creator="station",
    )
    # No frame padding: tables span exactly the text width and line up with the header.
    body = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[body])])
    doc.build(story(doc.width), canvasmaker=_numbered_canvas(frame, fonts))
    return buffer.getvalue()


def _numbered_canvas(frame: PageFrame, fonts: FontNames) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        """Keeps each finished page and draws the frames, with the total, when saved."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _draw_frame(self, frame, fonts, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _draw_frame(canvas: Any, frame: PageFrame, fonts: FontNames, number: int, total: int) -> None:
    width, height = canvas._pagesize
    top = height - 14 * mm
    canvas.saveState()
    draw_text(canvas, MARGIN_X, top, frame.header_left, fonts.bold, 10)
    draw_text(canvas, width - MARGIN_X, top, frame.header_right, fonts.regular, 9, align="right")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, top - 2.5 * mm, width - MARGIN_X, top - 2.5 * mm)
    canvas.line(MARGIN_X, 14 * mm, width - MARGIN_X, 14 * mm)
    canvas.setFillColor(GREY)
    draw_text(canvas, MARGIN_X, 9 * mm, frame.title, fonts.regular, 9)
    canvas.setFont(fonts.regular, 9)
    canvas.drawRightString(width - MARGIN_X, 9 * mm, f"page {number} of {total}")
    canvas.restoreState()
