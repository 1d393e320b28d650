"""The supervisor's daily report as PDF: key figures, operators, stations, orders per hour, inserts,
weights, short shipments, returns, alerts and the outbox, over as many A4 or Letter pages as needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from printing.documents.common import TextLines, fits_plain, format_weight, page_size
from printing.documents.hour_chart import hour_chart
from printing.documents.paged import GREY, RULE, STRIPE, PageFrame, layout_style, render_pages
from printing.fonts import FontNames, register_fonts
from printing.report_model import Counts, DailyReport

CELL_PADDING = 3.0
CELL_PT = 8.5
HEAD_PT = 7.5
ALERTS = {"wrong item": "wrong item", "unexpected": "not on RMA"}
TILE_COLOURS = {"bad": colors.HexColor("#FDECEA"), "plain": colors.HexColor("#F2F5F8")}


def render_daily_report(report: DailyReport, paper: str = "A4") -> bytes:
    """The report as PDF bytes on A4 or Letter paper."""
    day = report.day.isoformat()
    frame = PageFrame(title=f"Daily report {day} · {report.title}", header_left="Daily report",
                      header_right=f"{report.title} · {day} · {report.zone}",
                      author=", ".join(report.stations) or "station", subject=f"daily report {day}")
    styles = _Styles(register_fonts())
    return render_pages(page_size(paper), frame, lambda width: _story(report, styles, width))


class _Styles:
    def __init__(self, fonts: FontNames) -> None:
        self.fonts = fonts
        self.body = ParagraphStyle("body", fontName=fonts.regular, fontSize=9, leading=11.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10, textColor=GREY)
        self.title = ParagraphStyle("title", parent=self.body, fontName=fonts.bold, fontSize=20, leading=24)
        self.subtitle = ParagraphStyle("subtitle", parent=self.body, fontName=fonts.bold, fontSize=12,
                                       leading=15)
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=fonts.bold, fontSize=11,
                                      leading=14, spaceBefore=9, spaceAfter=4)
        self.figure = ParagraphStyle("figure", parent=self.body, fontName=fonts.bold, fontSize=17,
                                     leading=20, alignment=TA_CENTER)
        self.label = ParagraphStyle("label", parent=self.small, alignment=TA_CENTER)
        # Table cells too long for one line: wrapped in the cell type (the table's FONT for plain cells).
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=CELL_PT, leading=CELL_PT + 2)


def _story(report: DailyReport, styles: _Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [*_title(report, styles), Spacer(1, 4 * mm), _tiles(report, styles, width)]
    story += _section("Orders packed per hour", [hour_chart(report.hours, width, 42 * mm,
                                                            styles.fonts.regular)], styles)
    story += _section("Operators", _operators(report, styles, width), styles)
    if len(report.per_station) > 1:
        story += _section("Stations", [_stations(report, styles, width)], styles)
    story += _section("Inserts", [_inserts(report, styles, width)], styles)
    story += _section("Weights", _weights(report, styles, width), styles)
    story += _section("Short shipments", [_shorts(report, styles, width)], styles)
    story += _section("Returns", _returns(report, styles, width), styles)
    story += _section("Wrong items and unexpected units", [_alerts(report, styles, width)], styles)
    story += _section("Events for the backend", [TextLines(_outbox_text(report), styles.body)], styles)
    return story


def _title(report: DailyReport, styles: _Styles) -> list[Flowable]:
    day = report.day.strftime("%A %d %B %Y")
    hours = round((report.end - report.start).total_seconds() / 3600)
    length = "" if hours == 24 else f", a {hours}-hour day (the clocks changed)"
    offset = report.start.strftime("%z")
    zone = f"{report.zone} (UTC{offset[:3]}:{offset[3:]})" if offset else report.zone
    return [TextLines("Daily report", styles.title), TextLines(f"{report.title} · {day}", styles.subtitle),
            TextLines(f"Times in {zone}, midnight to midnight{length} · made {_when(report.generated_at)}",
                      styles.small)]


def _section(title: str, content: Sequence[Flowable], styles: _Styles) -> list[Flowable]:
    """A heading kept with the start of its content (which must not be a KeepTogether itself)."""
    heading = KeepTogether([TextLines(title, styles.heading), content[0]])
    return [CondPageBreak(30 * mm), heading, *content[1:]]


def _tiles(report: DailyReport, styles: _Styles, width: float) -> Table:
    wrong = sum(a.kind == "wrong item" for a in report.alerts)
    returns, outbox = report.returns, report.outbox
    tiles = [("Orders packed", report.orders, False), ("Units", report.units, False),
             ("Packages", report.packages, False), ("Returns received", returns.received, False),
             ("Returns completed", returns.completed, False), ("Units graded", returns.units, False),
             ("Weight mismatches", len(report.weight_mismatches), True),
             ("Short shipments", len(report.short_shipments), True), ("Wrong items", wrong, True),
             ("Unexpected units", len(report.alerts) - wrong, True),
             ("Events waiting", outbox.waiting, False), ("Dead letters", outbox.dead, True)]
    cells = [[TextLines(str(value), styles.figure), TextLines(label, styles.label)]
             for label, value, _ in tiles]
    table = Table([cells[:6], cells[6:]], colWidths=[width / 6] * 6)
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("GRID", (0, 0), (-1, -1), 2, colors.white)]
    for index, (_, value, warns) in enumerate(tiles):
        colour = TILE_COLOURS["bad" if warns and value else "plain"]
        commands.append(("BACKGROUND", (index % 6, index // 6), (index % 6, index // 6), colour))
    table.setStyle(TableStyle(commands))
    return table


def _operators(report: DailyReport, styles: _Styles, width: float) -> list[Flowable]:
    columns = [("Operator", 2.6), ("Orders", 1), ("Units", 1), ("Median\nper order", 1.2), ("Returns", 1.1),
               ("Units\ngraded", 1), ("Scans", 1), ("Refused", 1.1), ("Wrong-\nscan rate", 1.2),
               ("Over-\nrides", 1)]
    rows = [[o.name, o.orders, o.units, _duration(o.median_order_s), o.returns_completed, o.units_graded,
             o.accepted_scans + o.refused_scans, o.refused_scans, _rate(o.wrong_scan_rate), o.overrides]
            for o in report.operators]
    note = ("Scans: units counted at packing or recorded at returns, and scans the station refused. "
            "Median per order: from opening the order to its completion, time parked included. "
            "Overrides: a supervisor's approvals of the operator's work.")
    return [_table(columns, rows, styles, width), Spacer(1, 1 * mm), TextLines(note, styles.small)]


def _stations(report: DailyReport, styles: _Styles, width: float) -> Flowable:
    columns = [("Station", 1.5), ("Orders", 1), ("Units", 1), ("Pack-\nages", 1), ("Refused\nscans", 1.1),
               ("Weight\nmis-\nmatches", 1.1), ("Short\nship-\nments", 1), ("Returns\nreceived", 1.1),
               ("Returns\ncom-\npleted", 1.1), ("Units\ngraded", 1), ("Events\nwaiting", 1.1),
               ("Dead\nletters", 1)]
    rows = [[s.station_id, s.orders, s.units, s.packages, s.refused_scans, s.weight_mismatches,
             s.short_shipments, s.returns_received, s.returns_completed, s.units_graded, s.events_waiting,
             s.dead_letters] for s in report.per_station]
    return _table(columns, rows, styles, width)


def _inserts(report: DailyReport, styles: _Styles, width: float) -> Flowable:
    columns = [("Insert", 4), ("Put in", 1), ("Skipped:\nout of stock", 1.3),
               ("Skipped by\nthe operator", 1.3)]
    rows = [[f"{i.name} ({i.code})", i.put_in, i.skipped_out_of_stock, i.skipped_by_operator]
            for i in report.inserts]
    return _table(columns, rows, styles, width, empty="No inserts in the day's orders.")


def _weights(report: DailyReport, styles: _Styles, width: float) -> list[Flowable]:
    mismatches = report.weight_mismatches
    approved = sum(m.approved_by is not None for m in mismatches)
    text = (f"{report.packages_weighed} weighing(s), {len(mismatches)} outside the tolerance, "
            f"{approved} of them approved by a supervisor.")
    columns = [("Time", 0.8), ("Station", 1.1), ("Order", 1.4), ("Package", 1), ("Weight", 1.1),
               ("Expected", 1.1), ("Operator", 1.8), ("Approved by", 1.8)]
    rows = [[_clock(m.at), m.station_id, m.order_number, m.package_no, format_weight(m.weight_g),
             format_weight(m.expected_g), m.operator, m.approved_by or "not approved"] for m in mismatches]
    if not rows:
        return [TextLines(text, styles.body)]
    return [TextLines(text, styles.body), Spacer(1, 2 * mm), _table(columns, rows, styles, width)]


def _shorts(report: DailyReport, styles: _Styles, width: float) -> Flowable:
    columns = [("Time", 0.8), ("Station", 1.1), ("Order", 1.4), ("Operator", 1.6), ("Supervisor", 1.6),
               ("Reason", 2.2), ("Missing", 2.6)]
    rows = [[_clock(s.at), s.station_id, s.order_number, s.operator, s.supervisor, s.reason,
             ", ".join(f"{n} × {sku}" for sku, n in s.missing)] for s in report.short_shipments]
    return _table(columns, rows, styles, width, empty="No order was shipped short.")


def _returns(report: DailyReport, styles: _Styles, width: float) -> list[Flowable]:
    returns = report.returns
    text = (f"{returns.received} return(s) received, {returns.completed} completed, "
            f"{returns.units} unit(s) graded.")
    gap = 4 * mm
    shares = (0.8, 1.25, 1.15, 0.8)
    widths = [(width - 3 * gap) * share / sum(shares) for share in shares]
    tables = [_counts_table(title, unit, counts, styles, w) for (title, unit, counts), w in zip((
        ("Grade", "Units", returns.by_grade), ("Reason", "Units", returns.by_reason),
        ("Disposition", "Units", returns.by_disposition), ("Refund", "Returns", returns.refunds)),
        widths, strict=True)]
    row = Table([[tables[0], "", tables[1], "", tables[2], "", tables[3]]],
                colWidths=[widths[0], gap, widths[1], gap, widths[2], gap, widths[3]])
    row.setStyle(layout_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    return [TextLines(text, styles.body), Spacer(1, 2 * mm), row]


def _counts_table(title: str, unit: str, counts: Counts, styles: _Styles, width: float) -> Flowable:
    rows: list[list[object]] = [[_words(name), n] for name, n in counts]
    return _table([(title, 2.6), (unit, 1)], rows or [["none", 0]], styles, width)


def _alerts(report: DailyReport, styles: _Styles, width: float) -> Flowable:
    """Column widths in points: the unit (SKU and serial or lot) takes what is left. With several
    stations, the station goes under the time."""
    several = len(report.stations) > 1
    fixed = [("Time", 48.0 if several else 33.0), ("Alert", 56.0), ("RMA / order", 54.0), ("LPN", 84.0),
             ("Grade", 34.0), ("Disposition", 70.0), ("Operator", 62.0)]
    unit = ("Unit", max(width - sum(w for _, w in fixed), 60.0))
    columns = [*fixed[:3], unit, *fixed[3:]]
    rows = [[_clock(a.at) + (f" {a.station_id}" if several else ""), ALERTS.get(a.kind, a.kind), a.subject,
             a.sku + (f" {a.code}" if a.code else ""), a.lpn, a.grade, _words(a.disposition), a.operator]
            for a in report.alerts]
    return _table(columns, rows, styles, width, empty="No wrong item and no unit off the RMA.")


def _outbox_text(report: DailyReport) -> str:
    box = report.outbox
    oldest = f", the oldest from {_when(box.oldest_waiting)}" if box.oldest_waiting else ""
    return (f"{box.recorded} event(s) recorded on the day, {box.delivered} of them delivered so far. "
            f"Waiting now (any day): {box.waiting}{oldest}. Dead letters now: {box.dead}.")


def _table(columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[object]], styles: _Styles,
           width: float, *, empty: str = "None.") -> Flowable:
    """A striped table; each column takes its share of the width; columns of figures are
    right-aligned. Without rows, the `empty` sentence."""
    if not rows:
        return TextLines(empty, styles.body)
    total = sum(share for _, share in columns)
    widths = [width * share / total for _, share in columns]
    figures = [c > 0 and all(_is_figure(row[c]) for row in rows) for c in range(len(columns))]
    data: list[list[Any]] = [[title for title, _ in columns]]
    data += [[_cell(value, styles.cell, w) for value, w in zip(row, widths, strict=True)] for row in rows]
    bold = styles.fonts.bold
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"), ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, 0), bold, HEAD_PT, HEAD_PT + 1.5), ("TEXTCOLOR", (0, 0), (-1, 0), GREY),
        ("FONT", (0, 1), (-1, -1), styles.body.fontName, CELL_PT, CELL_PT + 2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE)]
    commands += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in range(len(columns)) if figures[c]]
    commands += [("BACKGROUND", (0, r), (-1, r), STRIPE) for r in range(2, len(data), 2)]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _is_figure(value: object) -> bool:
    """A number, a duration, a rate or a dash: anything without letters."""
    return isinstance(value, int) or (isinstance(value, str) and not any(ch.isalpha() for ch in value))


def _words(code: str) -> str:
    """RETURN_TO_VENDOR as "return to vendor"; grades and other short codes as they are."""
    return code.replace("_", " ").lower() if "_" in code or (len(code) > 3 and code.isupper()) else code


def _cell(value: object, style: ParagraphStyle, width: float) -> Any:
    """A plain string when it fits on one line in `style`, else wrapped lines (or other fonts)."""
    text = str(value)
    if fits_plain(text, style.fontName, style.fontSize, width - 2 * CELL_PADDING):
        return text
    return TextLines(text, style)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
