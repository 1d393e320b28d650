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
    TextLines,
    address_lines,
    fits_plain,
    format_date,
    format_datetime,
    page_size,
    paragraph,
)
from printing.documents.paged import GREY, RULE, STRIPE, PageFrame, render_pages, title_block
from printing.fonts import FontNames, register_fonts
from printing.model import PackingSlip, SlipLine

SKU_WIDTH = 48 * mm
QTY_WIDTH = 18 * mm
CELL_PADDING = 6.0  # reportlab's default table cell padding, left and right
SKU_INDENT = 8.0  # a kit component's SKU, under its kit's


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
                                            leftIndent=SKU_INDENT)


def _story(slip: PackingSlip, styles: _Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        _title_block(slip, styles, width), Spacer(1, 6 * mm),
        _info_block(slip, styles, width), Spacer(1, 6 * mm),
        _lines_table(slip.lines, styles, width),
    ]
    if slip.inserts:
        story.append(Paragraph("Inserts included", styles.heading))
        story.extend(paragraph(f"☐ {name}", styles.body) for name in slip.inserts)
    if slip.gift_message:
        story.append(Spacer(1, 4 * mm))
        story.append(_gift_box(slip.gift_message, styles, width))
    if slip.notes:
        story.append(KeepTogether([Paragraph("Notes", styles.heading),
                                   paragraph(slip.notes, styles.body)]))
    return story


def _title_block(slip: PackingSlip, styles: _Styles, width: float) -> Table:
    code = Code128Flowable(slip.order_number, module_dots=3, height_pt=40, font_size=9)
    left = [
        TextLines("Packing slip", styles.title),
        TextLines(f"Order {slip.order_number}", styles.order),
        TextLines(f"Placed {format_date(slip.placed_at)}", styles.body),
    ]
    return title_block(left, code, width)


def _info_block(slip: PackingSlip, styles: _Styles, width: float) -> Table:
    ship_to = [TextLines("Ship to", styles.small), TextLines(slip.ship_to.name, styles.name)]
    ship_to.extend(TextLines(line, styles.body) for line in address_lines(slip.ship_to))
    if slip.ship_to.phone:
        ship_to.append(TextLines(f"Tel. {slip.ship_to.phone}", styles.body))
    facts = [
        ("Customer", slip.customer_name),
        ("Packages", str(slip.package_count)),
        ("Packed by", slip.packed_by),
        ("Packed at", format_datetime(slip.packed_at)),
        ("Station", slip.station_id),
    ]
    details = [[TextLines(label, styles.small), TextLines(value, styles.body)]
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
    widths = [SKU_WIDTH, width - SKU_WIDTH - QTY_WIDTH, QTY_WIDTH]
    body = styles.body
    # SKU and quantity are plain strings when they fit (no flowable to lay out: the table measures
    # each cell three times, for row heights, the page split and drawing); names are TextLines.
    rows: list[list[Any]] = [["SKU", "Item", "Qty"]]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), body.fontName, body.fontSize, body.leading),
        ("FONT", (0, 0), (-1, 0), styles.bold.fontName, body.fontSize, body.leading),
        ("FONT", (2, 0), (2, -1), styles.bold.fontName, body.fontSize, body.leading),
        ("ALIGN", (2, 0), (2, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
    ]
    shade = False
    for row, line in enumerate(lines, start=1):
        rows.append(_line_row(line, styles, widths, commands, row))
        # Stripes on top-level lines only, so a kit and its components read as one block.
        shade = shade if line.indent else not shade
        if shade:
            commands.append(("BACKGROUND", (0, row), (-1, row), STRIPE))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _line_row(line: SlipLine, styles: _Styles, widths: list[float],
              commands: list[tuple[Any, ...]], row: int) -> list[Any]:
    """The cells of one line; adds the table commands that set its plain string cells."""
    body, padding = styles.body, 2 * CELL_PADDING
    sku: Any = line.sku
    if not fits_plain(line.sku, body.fontName, body.fontSize, widths[0] - padding - SKU_INDENT):
        sku = TextLines(line.sku, styles.component_sku if line.indent else body)
    elif line.indent:
        commands.append(("LEFTPADDING", (0, row), (0, row), CELL_PADDING + SKU_INDENT))
    if line.indent:
        commands.append(("TEXTCOLOR", (0, row), (0, row), GREY))
    quantity: Any = str(line.quantity)
    if not fits_plain(quantity, styles.qty.fontName, body.fontSize, widths[2] - padding):
        quantity = TextLines(quantity, styles.qty)
    name = TextLines(f"↳ {line.name}" if line.indent else line.name,
                     styles.component if line.indent else body)
    return [sku, name, quantity]


def _gift_box(message: str, styles: _Styles, width: float) -> Table:
    box = Table([[[Paragraph("Gift message", styles.heading), paragraph(message, styles.body)]]],
                colWidths=[width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    return box

