"""The carrier manifest printed when a hand-over closes: carrier, manifest id (Code 128), station, time,
every package with its tracking number and weight, totals, and signature lines for the carrier's
driver and the supervisor; "page n of m" on each A4 or Letter page.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from printing.barcodes import fit_module_dots
from printing.documents.common import Code128Flowable, format_datetime, format_weight, page_size, paragraph
from printing.documents.paged import (
    GREY,
    RULE,
    STRIPE,
    PageFrame,
    layout_style,
    render_pages,
    ruled_commands,
    title_block,
)
from printing.fonts import FontNames, register_fonts
from printing.model import HandoverManifest, ManifestLine

# Fixed columns of the packages table (points); the tracking number takes the rest.
COLUMNS = {"no": 26.0, "order": 110.0, "package": 60.0, "weight": 70.0}
SIGNATURE_HEIGHT = 22 * mm


def render_handover_manifest(manifest: HandoverManifest, paper: str = "A4") -> bytes:
    """The manifest as PDF bytes."""
    frame = PageFrame(title=f"Manifest {manifest.manifest_id}",
                      header_left=f"Hand-over · {manifest.carrier} · station {manifest.station_id}",
                      header_right=manifest.manifest_id, author=manifest.station_id,
                      subject=manifest.manifest_id)
    styles = _Styles(register_fonts())
    return render_pages(page_size(paper), frame, lambda width: _story(manifest, styles, width))


def totals(lines: tuple[ManifestLine, ...]) -> str:
    """"3 packages, 2.4 kg": the weight of those weighed, and how many were not."""
    weights = [line.weight_g for line in lines if line.weight_g is not None]
    text = f"{len(lines)} package{'s' if len(lines) != 1 else ''}, {format_weight(sum(weights))}"
    unweighed = len(lines) - len(weights)
    return text + (f" ({unweighed} not weighed)" if unweighed else "")


class _Styles:
    def __init__(self, fonts: FontNames) -> None:
        base = ParagraphStyle("base", fontName=fonts.regular, fontSize=10, leading=13)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=GREY)
        self.title = ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=20, leading=24)
        self.carrier = ParagraphStyle("carrier", parent=base, fontName=fonts.bold, fontSize=28, leading=34)
        self.total = ParagraphStyle("total", parent=base, fontName=fonts.bold, fontSize=12, leading=16)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=fonts.bold)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell_bold, fontSize=8.5, textColor=GREY)
        self.cell_head_right = ParagraphStyle("cell_head_right", parent=self.cell_head, alignment=TA_RIGHT)
        self.signer = ParagraphStyle("signer", parent=base, fontName=fonts.bold, fontSize=10.5, leading=14)


def _story(manifest: HandoverManifest, styles: _Styles, width: float) -> list[Flowable]:
    return [
        _title_block(manifest, styles, width), Spacer(1, 4 * mm),
        _facts(manifest, styles, width), Spacer(1, 5 * mm),
        _packages_table(manifest.lines, styles, width), Spacer(1, 3 * mm),
        Paragraph(f"Total: {totals(manifest.lines)}", styles.total), Spacer(1, 8 * mm),
        KeepTogether(_signatures(manifest, styles, width)),
    ]


def _title_block(manifest: HandoverManifest, styles: _Styles, width: float) -> Table:
    value = manifest.manifest_id
    code = Code128Flowable(value, module_dots=fit_module_dots(value, width / 2), height_pt=40, font_size=9)
    left = [Paragraph("Carrier manifest", styles.title), paragraph(manifest.carrier, styles.carrier)]
    return title_block(left, code, width)


def _facts(manifest: HandoverManifest, styles: _Styles, width: float) -> Table:
    facts = [("Manifest", manifest.manifest_id), ("Carrier", manifest.carrier),
             ("Station", manifest.station_id), ("Closed", format_datetime(manifest.closed_at)),
             ("Supervisor", manifest.supervisor)]
    label_width = 26 * mm
    rows = [[Paragraph(label, styles.small), paragraph(value, styles.body)] for label, value in facts]
    table = Table(rows, colWidths=[label_width, width - label_width])
    table.setStyle(layout_style(("VALIGN", (0, 0), (-1, -1), "BASELINE"), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 1)))
    return table


def _packages_table(lines: tuple[ManifestLine, ...], styles: _Styles, width: float) -> Table:
    head = [Paragraph(text, styles.cell_head) for text in ("#", "Order", "Package", "Tracking number")]
    rows: list[list[Any]] = [[*head, Paragraph("Weight", styles.cell_head_right)]]
    for number, line in enumerate(lines, start=1):
        rows.append([Paragraph(str(number), styles.cell_right),
                     paragraph(line.order_number, styles.cell_bold),
                     Paragraph(str(line.package_no), styles.cell),
                     paragraph(line.tracking_number or "— (station label)", styles.cell),
                     Paragraph(format_weight(line.weight_g), styles.cell_right)])
    widths = [COLUMNS["no"], COLUMNS["order"], COLUMNS["package"],
              width - sum(COLUMNS.values()), COLUMNS["weight"]]
    table = Table(rows, colWidths=widths, repeatRows=1)
    commands = ruled_commands()
    commands += [("BACKGROUND", (0, row), (-1, row), STRIPE) for row in range(2, len(rows), 2)]
    table.setStyle(TableStyle(commands))
    return table


def _signatures(manifest: HandoverManifest, styles: _Styles, width: float) -> list[Flowable]:
    gap = 10 * mm
    column = (width - gap) / 2
    cells = [_signature_box(f"Carrier's driver ({manifest.carrier})", "Name:", styles, column),
             _signature_box("Supervisor", manifest.supervisor, styles, column)]
    table = Table([[cells[0], "", cells[1]]], colWidths=[column, gap, column])
    table.setStyle(layout_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    note = Paragraph(f"Received {totals(manifest.lines)} in good order.", styles.body)
    return [note, Spacer(1, 3 * mm), table]


def _signature_box(role: str, name: str, styles: _Styles, width: float) -> Table:
    rows = [[Paragraph(role, styles.signer)], [paragraph(name, styles.small)],
            [Spacer(1, SIGNATURE_HEIGHT)], [Paragraph("Signature, date and time", styles.small)]]
    table = Table(rows, colWidths=[width])
    table.setStyle(layout_style(("LINEABOVE", (0, 3), (0, 3), 0.8, colors.black),
                                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                                ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6)))
    return table

