"""The supervisor's reports screen: the daily report of a chosen day and station, its first page shown,
printed on the document printer or saved as CSV. Reading, rendering and printing run on a worker thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from printing.raster import render_first_page
from station.reports.document import ReportFiles
from station.reports.window import local_zone, today
from station.services.print_queue import PrintOutcome
from ui import style
from ui.core_api import Core
from ui.supervisor_panel import PanelFrame, panel_look
from ui.widgets import button, label, row

AskPath = Callable[[QWidget, str], "str | None"]  # (parent, suggested file) -> chosen path or None
ALL_STATIONS = "All stations"
PREVIEW_DPI = 100

SCREEN_STYLE = panel_look(button_pt=16, padding="6px 18px") + """
QLabel#reportsField { font-size: 15pt; }
QDateEdit, QComboBox { font-size: 16pt; padding: 4px 8px; min-width: 170px; }
QScrollArea#reportsPreview { background: #90a4ae; border: none; }
QLabel#reportsPage { background: #ffffff; }
"""


@dataclass(frozen=True)
class Made:
    """A report and its first page as RGB pixels."""

    files: ReportFiles
    width: int
    height: int
    pixels: bytes


def first_page(files: ReportFiles, dpi: float = PREVIEW_DPI) -> Made:
    image = render_first_page(files.pdf, dpi, "RGB")  # one render at a time, with the print queue too
    return Made(files, image.width, image.height, image.tobytes())


def save_dialog(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save the report as CSV", suggested, "CSV (*.csv)")
    return path or None


class ReportsScreen(PanelFrame):
    """`closeRequested` asks the window for the scan screen back; `ask_path` chooses the CSV file."""

    def __init__(self, core: Core, parent: QWidget | None = None, *, ask_path: AskPath = save_dialog,
                 today_is: Callable[[], date] | None = None, save_dir: Path | None = None) -> None:
        super().__init__(core, parent, name="reportsScreen", look=SCREEN_STYLE, thread="reports")
        self.ask_path = ask_path
        self.today_is = today_is or (lambda: today(local_zone()))
        self.save_dir = save_dir or Path.home()
        self.made: Made | None = None
        self._loading = self._load_again = False
        self._build()

    def _build(self) -> None:
        self.title = label("panelTitle", "Daily report")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.station = QComboBox()
        self.station.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.station.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.station.setMinimumContentsLength(12)  # long station ids never widen the window
        self.station.addItem(ALL_STATIONS, None)
        self.print_button = button("Print", "primary")
        self.csv_button = button("Save CSV…", "reportsCsv")
        self.notice = label("panelNotice")
        self.notice.setMinimumWidth(1)  # a long notice never widens the window
        self.page = label("reportsPage")
        self.page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview = QScrollArea()
        self.preview.setObjectName("reportsPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.setWidget(self.page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.addLayout(row(self.title, self.print_button, self.csv_button, self.close_button,
                             stretch=self.title))
        layout.addLayout(row(label("reportsField", "Day"), self.day, label("reportsField", "Station"),
                             self.station, self.notice, stretch=self.notice))
        layout.addWidget(self.preview, 1)
        self.day.dateChanged.connect(self.refresh)
        self.station.currentIndexChanged.connect(self.refresh)
        self.print_button.clicked.connect(self.print_report)
        self.csv_button.clicked.connect(self.save_csv)
        self._enable(False)

    # -- what the window calls ----------------------------------------------------------------------------
    def open(self) -> None:
        """Today's report of every station, and the stations to choose from."""
        today_is = self.today_is()
        with _quiet(self.day, self.station):
            self.day.setMaximumDate(QDate(today_is.year, today_is.month, today_is.day))
            self.day.setDate(QDate(today_is.year, today_is.month, today_is.day))
            self.station.setCurrentIndex(0)
        self.show_notice("")
        self._jobs.run(self._core.report_stations, self._stations_read)
        self.refresh()

    # -- reading and showing --------------------------------------------------------------------------------
    def chosen(self) -> tuple[date, str | None]:
        picked = self.day.date()
        return date(picked.year(), picked.month(), picked.day()), self.station.currentData()

    def refresh(self) -> None:
        """Make the chosen report (on the worker); a change meanwhile makes it once more after."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        day, station = self.chosen()
        self.show_notice(f"Making the report of {day.isoformat()}…")
        self._jobs.run(lambda: first_page(self._core.daily_report(day, station)), self._made)

    def _made(self, result: Made | Exception) -> None:
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.refresh()
            return
        if isinstance(result, Exception):
            self.made = None
            self._enable(False)
            self.show_notice(f"The report could not be made: {result}", "error")
            return
        self.made = result
        image = QImage(result.pixels, result.width, result.height, result.width * 3,
                       QImage.Format.Format_RGB888)
        self.page.setPixmap(QPixmap.fromImage(image.copy()))
        self.page.resize(result.width, result.height)
        report = result.files.report
        self.show_notice(f"{report.orders} order(s) packed, {report.returns.completed} return(s) completed")
        self._enable(True)

    def _stations_read(self, result: tuple[str, ...] | Exception) -> None:
        if isinstance(result, Exception):
            return  # the filter keeps "All stations"; the report says what went wrong
        current = self.station.currentData()
        with _quiet(self.station):
            self.station.clear()
            self.station.addItem(ALL_STATIONS, None)
            for station in result:
                self.station.addItem(station, station)
            self.station.setCurrentIndex(max(0, self.station.findData(current)))

    # -- printing and saving -------------------------------------------------------------------------------
    def print_report(self) -> None:
        if self.made is not None:
            files = self.made.files
            self.show_notice("Printing…")
            self._jobs.run(lambda: self._core.print_report(files), self._printed)

    def _printed(self, result: PrintOutcome | Exception) -> None:
        if isinstance(result, Exception):
            self.show_notice(f"Not printed: {result}", "error")
        elif result.errors:
            self.show_notice(f"Not printed yet: {'; '.join(result.errors)} (it stays queued)", "error")
        else:
            self.show_notice(f"Printed: {', '.join(result.sent)}", "ok")

    def save_csv(self) -> None:
        if self.made is None:
            return
        files = self.made.files
        day, station = files.report.day.isoformat(), files.report.station_filter
        suggested = self.save_dir / f"daily-report-{day}{f'-{station}' if station else ''}.csv"
        path = self.ask_path(self, str(suggested))
        if path:
            self._jobs.run(lambda: Path(path).write_text(files.csv, encoding="utf-8", newline=""),
                             lambda result: self._saved(path, result))

    def _saved(self, path: str, result: object) -> None:
        if isinstance(result, Exception):
            self.show_notice(f"Not saved: {result}", "error")
        else:
            self.show_notice(f"Saved {Path(path).name}", "ok")

    def show_notice(self, text: str, state: str = "") -> None:
        self.notice.setText(text)
        style.set_state(self.notice, "state", state)

    def _enable(self, enabled: bool) -> None:
        self.print_button.setEnabled(enabled)
        self.csv_button.setEnabled(enabled)


@contextlib.contextmanager
def _quiet(*widgets: QObject) -> Any:
    """Set widgets without their change signals (one refresh, not one per change)."""
    blocked = [widget.blockSignals(True) for widget in widgets]
    try:
        yield
    finally:
        for widget, was in zip(widgets, blocked, strict=True):
            widget.blockSignals(was)
