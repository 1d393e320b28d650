"""The receipt the returns station prints when a clerk closes a return.

Header with the RMA (or the order of an unannounced return) as Code 128, the customer and
the requested resolution; a table of every inspected unit with its grade, disposition and
LPN, wrong items marked; what is missing; the refund recommendation. Flows over as many
A4 or Letter pages as the return needs, "page n of m" on each.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
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

from printing.barcodes import fit_module_dots
from printing.documents.common import (
    Code128Flowable,
    esc,
    format_datetime,
    page_size,
    paragraph,
)
from printing.documents.paged import (
    GREY,
    STRIPE,
    PageFrame,
    layout_style,
    render_pages,
    ruled_commands,
    title_block,
)
from printing.fonts import FontNames, register_fonts
from printing.model import ReceiptLine, ReturnReceipt

WRONG_ITEM = "WRONG ITEM"
NOT_ON_RMA = "not on RMA"
UNANNOUNCED = "Unannounced return"
# Fixed columns of the units table (points); the item column takes the rest.
COLUMNS = {"no": 18.0, "grade": 36.0, "disposition": 104.0, "lpn": 74.0, "rma": 46.0,
           "defects": 90.0}
RECOMMENDATIONS = {
    "full": "Every expected unit arrived in grade A or B.",
    "partial": "Some expected units are missing or arrived in grade C or worse.",
    "none": "No expected unit arrived.",
}


def render_return_receipt(receipt: ReturnReceipt, paper: str = "A4") -> bytes:
    """The receipt as PDF bytes on A4 or Letter paper."""
    subject = receipt.rma_number or receipt.order_number
    frame = PageFrame(title=f"Return receipt {subject}",
                      header_left=f"Returns · station {receipt.station_id}",
                      header_right=_reference(receipt), author=receipt.station_id, subject=subject)
    styles = _Styles(register_fonts())
    return render_pages(page_size(paper), frame, lambda width: _story(receipt, styles, width))


def _reference(receipt: ReturnReceipt) -> str:
    """How the return is called in headers and footers."""
    if receipt.rma_number:
        return f"RMA {receipt.rma_number} · order {receipt.order_number}"
    return f"{UNANNOUNCED} · order {receipt.order_number}"


class _Styles:
    def __init__(self, fonts: FontNames) -> None:
        base = ParagraphStyle("base", fontName=fonts.regular, fontSize=9.5, leading=12)
        self.body = base
        self.bold = ParagraphStyle("bold", parent=base, fontName=fonts.bold)
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10,
                                    textColor=GREY)
        self.title = ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=20,
                                    leading=24)
        self.ref = ParagraphStyle("ref", parent=self.bold, fontSize=13, leading=17)
        self.flag = ParagraphStyle("flag", parent=self.bold, fontSize=11, leading=16)
        self.heading = ParagraphStyle("heading", parent=self.bold, fontSize=10.5,
                                      leading=14, spaceBefore=8, spaceAfter=3)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=fonts.bold)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell_bold, textColor=GREY)
        self.cell_head_centre = ParagraphStyle("cell_head_centre", parent=self.cell_head,
                                               alignment=TA_CENTER)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.grade = ParagraphStyle("grade", parent=self.cell_bold, fontSize=12, leading=14,
                                    alignment=TA_CENTER)
        self.code = ParagraphStyle("code", parent=self.cell, fontSize=7.5, wordWrap="CJK")
        self.serial = ParagraphStyle("serial", parent=self.code, textColor=GREY)
        self.verdict = ParagraphStyle("verdict", parent=self.bold, fontSize=14, leading=18)


def _story(receipt: ReturnReceipt, styles: _Styles, width: float) -> list[Flowable]:
    expected = sum(1 for line in receipt.lines if line.expected)
    return [
        _title_block(receipt, styles, width), Spacer(1, 5 * mm),
        _info_block(receipt, styles, width), Spacer(1, 4 * mm),
        Paragraph(f"Inspected units: {len(receipt.lines)} ({expected} expected, "
                  f"{len(receipt.lines) - expected} {NOT_ON_RMA})", styles.heading),
        _units_table(receipt.lines, styles, width),
        # The outcome stays on one page; KeepTogether still splits a list too long for it.
        KeepTogether([*_missing_section(receipt, styles, width), Spacer(1, 5 * mm),
                      _recommendation_box(receipt.refund_recommendation, styles, width)]),
    ]


def _title_block(receipt: ReturnReceipt, styles: _Styles, width: float) -> Table:
    value = receipt.rma_number or receipt.order_number
    code = Code128Flowable(value, module_dots=fit_module_dots(value, width / 2),
                           height_pt=40, font_size=9)
    left: list[Flowable] = [Paragraph("Return receipt", styles.title)]
    if receipt.rma_number:
        left.append(paragraph(f"RMA {receipt.rma_number}", styles.ref))
        left.append(paragraph(f"Order {receipt.order_number}", styles.body))
    else:
        left.append(paragraph(f"Order {receipt.order_number}", styles.ref))
        left.append(Paragraph(_inverted(UNANNOUNCED.upper()) + " no RMA", styles.flag))
    return title_block(left, code, width)


def _info_block(receipt: ReturnReceipt, styles: _Styles, width: float) -> Table:
    left = [("Customer", receipt.customer_name),
            ("Requested", receipt.requested_resolution),
            ("Clerk", receipt.clerk)]
    right = [("Received", format_datetime(receipt.received_at)),
             ("Completed", format_datetime(receipt.completed_at)),
             ("Station", receipt.station_id)]
    table = Table([[_facts(left, styles, width / 2), _facts(right, styles, width / 2)]],
                  colWidths=[width / 2, width / 2])
    table.setStyle(layout_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    return table


def _facts(facts: list[tuple[str, str]], styles: _Styles, width: float) -> Table:
    label_width = 24 * mm
    rows = [[Paragraph(label, styles.small), paragraph(value, styles.body)]
            for label, value in facts]
    table = Table(rows, colWidths=[label_width, width - label_width - 4 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BASELINE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def _units_table(lines: tuple[ReceiptLine, ...], styles: _Styles, width: float) -> Table:
    head = ["#", "Item", "Grade", "Disposition", "LPN", "RMA", "Defects"]
    rows: list[list[Any]] = [[Paragraph(text, styles.cell_head) for text in head]]
    rows[0][2] = Paragraph("Grade", styles.cell_head_centre)
    rows.extend(_unit_row(number, line, styles)
                for number, line in enumerate(lines, start=1))
    widths = [COLUMNS["no"], width - sum(COLUMNS.values()), COLUMNS["grade"],
              COLUMNS["disposition"], COLUMNS["lpn"], COLUMNS["rma"], COLUMNS["defects"]]
    table = Table(rows, colWidths=widths, repeatRows=1)
    commands = ruled_commands()
    for row, line in enumerate(lines, start=1):
        if line.wrong_item:
            commands.append(("BOX", (0, row), (-1, row), 1.5, colors.black))
        elif row % 2 == 0:
            commands.append(("BACKGROUND", (0, row), (-1, row), STRIPE))
    table.setStyle(TableStyle(commands))
    return table


def _unit_row(number: int, line: ReceiptLine, styles: _Styles) -> list[Any]:
    item: list[Flowable] = [paragraph(line.sku, styles.cell_bold),
                            paragraph(line.name, styles.cell)]
    if line.serial:
        item.append(paragraph(f"S/N {line.serial}", styles.serial))
    if line.wrong_item:
        item.append(Paragraph(_inverted(f"⚠ {WRONG_ITEM}"), styles.cell_bold))
    defects = ", ".join(code.replace("_", " ") for code in line.defects) or "—"
    on_rma = Paragraph("expected", styles.cell) if line.expected else Paragraph(
        NOT_ON_RMA, styles.cell_bold)
    return [Paragraph(str(number), styles.cell_right), item,
            paragraph(line.grade, styles.grade),
            paragraph(line.disposition, styles.cell_bold),
            paragraph(line.lpn, styles.code), on_rma,
            paragraph(defects, styles.cell)]


def _missing_section(receipt: ReturnReceipt, styles: _Styles,
                     width: float) -> list[Flowable]:
    heading = Paragraph("Missing: expected but not received", styles.heading)
    if not receipt.missing:
        note = "Nothing missing." if receipt.rma_number else "No RMA: nothing was announced."
        return [heading, Paragraph(note, styles.body)]
    rows: list[list[Any]] = [[Paragraph(text, styles.cell_head)
                              for text in ("RMA line", "SKU", "Quantity")]]
    rows.extend([paragraph(line_id, styles.cell), paragraph(sku, styles.cell_bold),
                 Paragraph(str(quantity), styles.cell_right)]
                for line_id, sku, quantity in receipt.missing)
    table = Table(rows, colWidths=[30 * mm, width - 30 * mm - 22 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle(ruled_commands()))
    return [heading, table]


def _recommendation_box(recommendation: str, styles: _Styles, width: float) -> Table:
    reason = RECOMMENDATIONS.get(recommendation.strip().lower(), "")
    content: list[Flowable] = [
        paragraph(f"Refund recommendation: {recommendation.upper()}", styles.verdict)]
    if reason:
        content.append(Paragraph(reason, styles.body))
    content.append(Paragraph("A recommendation only: the refund is decided by the backend.",
                             styles.small))
    box = Table([[content]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    return box


def _inverted(text: str) -> str:
    """Paragraph markup for `text` white on black (already markup-safe)."""
    return f'<font color="#FFFFFF" backColor="#000000">\u00a0{esc(text)}\u00a0</font>'
