"""The packing slip that goes in the box: order, ship-to, lines, inserts, gift message.

Flows over as many A4 or Letter pages as the order needs, "page n of m" on each.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from printing.documents.common import (
    Code128Flowable,
    address_lines,
    esc,
    format_date,
    format_datetime,
    page_size,
)
from printing.fonts import FontNames, register_fonts
from printing.model import PackingSlip, SlipLine

MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
STRIPE = colors.HexColor("#EEEEEE")


def render_packing_slip(slip: PackingSlip, paper: str = "A4") -> bytes:
    """The slip as PDF bytes on A4 or Letter paper."""
    size = page_size(paper)
    # Two passes: the first only counts pages so that every footer can say "of m".
    _, total = _build(slip, size, None)
    pdf, _ = _build(slip, size, total)
    return pdf


def _build(slip: PackingSlip, size: tuple[float, float],
           total: int | None) -> tuple[bytes, int]:
    fonts = register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=f"Packing slip {slip.order_number}", author=slip.station_id,
        subject=slip.order_number, creator="station",
    )
    # No frame padding: tables span exactly the text width and line up with the header.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="slip", frames=[frame],
                                       onPage=_page_decorator(slip, fonts, total))])
    doc.build(_story(slip, _Styles(fonts), doc.width))
    return buffer.getvalue(), int(doc.page)


def _page_decorator(slip: PackingSlip, fonts: FontNames,
                    total: int | None) -> Callable[[Any, Any], None]:
    def decorate(canvas: Any, doc: Any) -> None:
        width, height = doc.pagesize
        top = height - 14 * mm
        canvas.saveState()
        canvas.setFont(fonts.bold, 10)
        canvas.drawString(MARGIN_X, top, slip.shop_name or f"Station {slip.station_id}")
        canvas.setFont(fonts.regular, 9)
        canvas.drawRightString(width - MARGIN_X, top,
                               f"Order {slip.order_number} · station {slip.station_id}")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 2.5 * mm, width - MARGIN_X, top - 2.5 * mm)
        canvas.line(MARGIN_X, 14 * mm, width - MARGIN_X, 14 * mm)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN_X, 9 * mm, f"Packing slip {slip.order_number}")
        canvas.drawRightString(width - MARGIN_X, 9 * mm,
                               f"page {doc.page} of {total if total else '?'}")
        canvas.restoreState()

    return decorate


class _Styles:
    def __init__(self, fonts: FontNames) -> None:
        base = ParagraphStyle("base", fontName=fonts.regular, fontSize=9.5, leading=12)
        self.body = base
        self.bold = ParagraphStyle("bold", parent=base, fontName=fonts.bold)
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10,
                                    textColor=GREY)
        self.title = ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=20,
                                    leading=24)
        self.order = ParagraphStyle("order", parent=base, fontName=fonts.bold, fontSize=13,
                                    leading=17)
        self.heading = ParagraphStyle("heading", parent=base, fontName=fonts.bold,
                                      fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=3)
        self.name = ParagraphStyle("name", parent=base, fontName=fonts.bold, fontSize=11,
                                   leading=14)
        self.qty = ParagraphStyle("qty", parent=self.bold, alignment=TA_RIGHT)
        self.component = ParagraphStyle("component", parent=base, leftIndent=14,
                                        textColor=GREY)
        self.component_sku = ParagraphStyle("component_sku", parent=self.component,
                                            leftIndent=8)


def _story(slip: PackingSlip, styles: _Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        _title_block(slip, styles, width), Spacer(1, 6 * mm),
        _info_block(slip, styles, width), Spacer(1, 6 * mm),
        _lines_table(slip.lines, styles, width),
    ]
    if slip.inserts:
        story.append(Paragraph("Inserts included", styles.heading))
        story.extend(Paragraph(f"☐ {esc(name)}", styles.body) for name in slip.inserts)
    if slip.gift_message:
        story.append(Spacer(1, 4 * mm))
        story.append(_gift_box(slip.gift_message, styles, width))
    if slip.notes:
        story.append(KeepTogether([Paragraph("Notes", styles.heading),
                                   Paragraph(_multiline(slip.notes), styles.body)]))
    return story


def _title_block(slip: PackingSlip, styles: _Styles, width: float) -> Table:
    code = Code128Flowable(slip.order_number, module_dots=3, height_pt=40, font_size=9)
    left = [
        Paragraph("Packing slip", styles.title),
        Paragraph(f"Order {esc(slip.order_number)}", styles.order),
        Paragraph(f"Placed {format_date(slip.placed_at)}", styles.body),
    ]
    table = Table([[left, code]], colWidths=[width - code.width, code.width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _info_block(slip: PackingSlip, styles: _Styles, width: float) -> Table:
    ship_to = [Paragraph("Ship to", styles.small), Paragraph(esc(slip.ship_to.name),
                                                             styles.name)]
    ship_to.extend(Paragraph(esc(line), styles.body) for line in address_lines(slip.ship_to))
    if slip.ship_to.phone:
        ship_to.append(Paragraph(f"Tel. {esc(slip.ship_to.phone)}", styles.body))
    facts = [
        ("Customer", slip.customer_name),
        ("Packages", str(slip.package_count)),
        ("Packed by", slip.packed_by),
        ("Packed at", format_datetime(slip.packed_at)),
        ("Station", slip.station_id),
    ]
    details = [[Paragraph(label, styles.small), Paragraph(esc(value), styles.body)]
               for label, value in facts]
    details_table = Table(details, colWidths=[22 * mm, width / 2 - 22 * mm])
    details_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BASELINE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    table = Table([[ship_to, details_table]], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _lines_table(lines: tuple[SlipLine, ...], styles: _Styles, width: float) -> Table:
    sku_width, qty_width = 48 * mm, 18 * mm
    rows: list[list[Any]] = [[Paragraph("SKU", styles.bold), Paragraph("Item", styles.bold),
                              Paragraph("Qty", styles.qty)]]
    for line in lines:
        sku_style = styles.component_sku if line.indent else styles.body
        name = f"↳ {esc(line.name)}" if line.indent else esc(line.name)
        rows.append([Paragraph(esc(line.sku), sku_style),
                     Paragraph(name, styles.component if line.indent else styles.body),
                     Paragraph(str(line.quantity), styles.qty)])
    table = Table(rows, colWidths=[sku_width, width - sku_width - qty_width, qty_width],
                  repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
    ]
    # Stripes on top-level lines only, so a kit and its components read as one block.
    shade = False
    for row, line in enumerate(lines, start=1):
        shade = shade if line.indent else not shade
        if shade:
            commands.append(("BACKGROUND", (0, row), (-1, row), STRIPE))
    table.setStyle(TableStyle(commands))
    return table


def _gift_box(message: str, styles: _Styles, width: float) -> Table:
    box = Table([[[Paragraph("Gift message", styles.heading),
                   Paragraph(_multiline(message), styles.body)]]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    return box


def _multiline(text: str) -> str:
    return "<br/>".join(esc(line) for line in text.splitlines())
