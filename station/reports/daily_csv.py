"""The daily report as CSV: one section per table, each opened by a ("section", name) row and its
column names, sections separated by an empty row. Times are ISO 8601 with their UTC offset.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from printing.report_model import Counts, DailyReport

Row = Sequence[object]


def daily_report_csv(report: DailyReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    sections: list[tuple[str, Sequence[str], Iterable[Row]]] = [
        ("summary", ("figure", "value"), _summary(report)),
        ("operators", _OPERATOR_COLUMNS, _operators(report)),
        ("stations", _STATION_COLUMNS, [_station_row(s) for s in report.per_station]),
        ("orders_per_hour", ("hour", "orders"), [(f"{h:02d}", n) for h, n in enumerate(report.hours)]),
        ("inserts", ("code", "name", "put_in", "skipped_out_of_stock", "skipped_by_operator"),
         [(i.code, i.name, i.put_in, i.skipped_out_of_stock, i.skipped_by_operator) for i in report.inserts]),
        ("weight_mismatches", ("time", "station", "order", "package", "weight_g", "expected_g", "operator",
                               "approved_by"), _mismatches(report)),
        ("short_shipments", ("time", "station", "order", "operator", "supervisor", "reason", "missing"),
         _shorts(report)),
        ("returns_by_grade", ("grade", "units"), _counts(report.returns.by_grade)),
        ("returns_by_reason", ("reason", "units"), _counts(report.returns.by_reason)),
        ("returns_by_disposition", ("disposition", "units"), _counts(report.returns.by_disposition)),
        ("refund_recommendations", ("recommendation", "returns"), _counts(report.returns.refunds)),
        ("alerts", ("time", "station", "kind", "rma_or_order", "sku", "lpn", "serial_or_lot", "grade",
                    "disposition", "operator"), _alerts(report)),
    ]
    for number, (name, columns, rows) in enumerate(sections):
        if number:
            writer.writerow([])
        writer.writerow(["section", name])
        writer.writerow(columns)
        writer.writerows(rows)
    return buffer.getvalue()


def _summary(r: DailyReport) -> list[Row]:
    returns, outbox = r.returns, r.outbox
    return [
        ("date", r.day.isoformat()), ("time_zone", r.zone), ("from", _time(r.start)), ("to", _time(r.end)),
        ("stations", " ".join(r.stations)), ("station_filter", r.station_filter or ""),
        ("orders_packed", r.orders), ("units_packed", r.units), ("packages", r.packages),
        ("packages_weighed", r.packages_weighed), ("weight_mismatches", len(r.weight_mismatches)),
        ("short_shipments", len(r.short_shipments)), ("returns_received", returns.received),
        ("returns_completed", returns.completed), ("units_graded", returns.units),
        ("wrong_item_alerts", sum(a.kind == "wrong item" for a in r.alerts)),
        ("unexpected_units", sum(a.kind == "unexpected" for a in r.alerts)),
        ("events_recorded", outbox.recorded), ("events_delivered", outbox.delivered),
        ("events_waiting", outbox.waiting), ("dead_letters", outbox.dead),
        ("oldest_waiting", _time(outbox.oldest_waiting)), ("generated_at", _time(r.generated_at)),
    ]


_OPERATOR_COLUMNS = ("badge", "name", "orders", "units", "median_order_s", "returns_completed",
                     "units_graded", "accepted_scans", "refused_scans", "wrong_scan_rate", "overrides")
_STATION_COLUMNS = ("station", "orders", "units", "packages", "refused_scans", "weight_mismatches",
                    "short_shipments", "returns_received", "returns_completed", "units_graded",
                    "events_waiting", "dead_letters")


def _operators(r: DailyReport) -> list[Row]:
    return [(o.badge, o.name, o.orders, o.units, _number(o.median_order_s), o.returns_completed,
             o.units_graded, o.accepted_scans, o.refused_scans,
             "" if o.wrong_scan_rate is None else f"{o.wrong_scan_rate:.4f}", o.overrides)
            for o in r.operators]


def _station_row(s: object) -> Row:
    return [getattr(s, name) for name in ("station_id", *_STATION_COLUMNS[1:])]


def _mismatches(r: DailyReport) -> list[Row]:
    return [(_time(m.at), m.station_id, m.order_number, m.package_no, m.weight_g,
             "" if m.expected_g is None else m.expected_g, m.operator, m.approved_by or "")
            for m in r.weight_mismatches]


def _shorts(r: DailyReport) -> list[Row]:
    return [(_time(s.at), s.station_id, s.order_number, s.operator, s.supervisor, s.reason,
             "; ".join(f"{sku} x{n}" for sku, n in s.missing)) for s in r.short_shipments]


def _alerts(r: DailyReport) -> list[Row]:
    return [(_time(a.at), a.station_id, a.kind, a.subject, a.sku, a.lpn, a.code or "", a.grade,
             a.disposition, a.operator) for a in r.alerts]


def _counts(counts: Counts) -> Iterable[Row]:
    return list(counts)


def _time(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
