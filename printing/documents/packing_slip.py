"""The packing slip that goes in the box: order, ship-to, lines, inserts, gift message.

Flows over as many A4 or Letter pages as the order needs, "page n of m" on each.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
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
from printing.documents.paged import GREY, RULE, STRIPE, PageFrame, render_pages
from printing.fonts import FontNames, register_fonts
from printing.model import PackingSlip, SlipLine


def render_packing_slip(slip: PackingSlip, paper: str = "A4") -> bytes:
    """The slip as PDF bytes on A4 or Letter paper."""
    frame = PageFrame(
        title=f"Packing slip {slip.order_number}",
        header_left=slip.shop_name or f"Station {slip.station_id}",
        header_right=f"Order {slip.order_number} · station {slip.station_id}",
        author=slip.station_id, subject=slip.order_number)
    styles = _Styles(register_fonts())
    return render_pages(page_size(paper), frame, lambda width: _story(slip, styles, width))


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
