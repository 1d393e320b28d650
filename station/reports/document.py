"""The daily report made whole: the figures, the PDF and the CSV, for the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from printing.documents.daily_report import render_daily_report
from printing.report_model import DailyReport
from station.reports.daily import daily_report
from station.reports.daily_csv import daily_report_csv
from station.storage.db import Database

DOCUMENT = "daily-report"  # the print job's document name


@dataclass(frozen=True)
class ReportFiles:
    report: DailyReport
    pdf: bytes
    csv: str

    @property
    def subject(self) -> str:
        """What the printed file is named after: the day, and the station when filtered."""
        day = self.report.day.isoformat()
        return f"{day}-{self.report.station_filter}" if self.report.station_filter else day


def make_report(db: Database, day: date, tz: tzinfo | None, station: str | None, paper: str) -> ReportFiles:
    report = daily_report(db, day, tz, station)
    return ReportFiles(report, render_daily_report(report, paper), daily_report_csv(report))


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date; ValueError with a sentence for anything else."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f'"{text}" is not a date: give it as YYYY-MM-DD') from None


def default_file_name(day: date, station: str | None = None) -> str:
    return f"daily-report-{day.isoformat()}{f'-{station}' if station else ''}.pdf"
