"""The audit screen, for supervisors: the audit trail filtered by operator, order, time and kind of
action, newest first, a page at a time. Every read runs on a worker thread, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.services.audit_view import ACTION_KINDS, PAGE_SIZE, AuditEntry, AuditPage, AuditQuery
from ui import style
from ui.checklist import ElidedLabel
from ui.core_api import Core
from ui.supervisor_panel import PANEL_STYLE, SAID_IN_FULL, PanelFrame
from ui.widgets import button, label, panel_table, row

COLUMNS = ("Time", "Station", "Operator", "Action", "Subject", "What")
# Widest a column starts (pixels): the summary keeps its room; a cut cell shows whole in its tooltip.
MAX_WIDTHS = {2: 280, 3: 210, 4: 170}
EVERY_KIND, EVERY_STATION = "every action", "every station"
# The forms a time may be typed in, and how long each names: "To 2026-11-22" runs to the day's end.
TIME_FORMATS = {"%Y-%m-%d %H:%M": timedelta(minutes=1), "%Y-%m-%d %H:%M:%S": timedelta(seconds=1),
                "%Y-%m-%d": timedelta(days=1)}


def parse_time(text: str, *, end: bool = False) -> datetime | None:
    """Local time typed as YYYY-MM-DD [HH:MM[:SS]]: its start, or with `end` the last moment it names.

    ValueError when the text is not one of those forms; None when empty.
    """
    text = " ".join(text.split())
    if not text:
        return None
    for form, span in TIME_FORMATS.items():
        try:
            moment = datetime.strptime(text, form)
        except ValueError:
            continue
        return moment + span - timedelta(microseconds=1) if end else moment
    raise ValueError(f"{text!r} is not a time: type YYYY-MM-DD or YYYY-MM-DD HH:MM")


def action_words(action: str) -> str:
    """ "unit counted" for "unit.counted": the screen reads as words."""
    return action.replace(".", " ").replace("_", " ")


class AuditScreen(PanelFrame):
    """Filters over a table of audit rows; `closeRequested` asks for the scan screen back."""

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(core, parent, name="auditScreen", look=PANEL_STYLE, thread="audit-screen",
                         said_in_full=SAID_IN_FULL)
        self.page: AuditPage | None = None
        self.query = AuditQuery()
        self._build()

    # -- layout ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.notice = ElidedLabel("panelNotice", margins=(8, 0))
        self.operator = self._field("badge or name")
        self.subject = self._field("SO-… or RMA-…")
        self.since = self._field("YYYY-MM-DD HH:MM")
        self.until = self._field("YYYY-MM-DD HH:MM")
        self.kind = QComboBox()
        self.kind.addItems([EVERY_KIND, *ACTION_KINDS])
        self.station = QComboBox()
        self.station.addItem(EVERY_STATION)
        for combo in (self.kind, self.station):
            combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.search_button = button("Search", "primary")
        self.search_button.clicked.connect(self.search)
        self.clear_button = button("Clear")
        self.clear_button.clicked.connect(self.clear)
        # Sized on each page, then as the supervisor drags them.
        self.table = panel_table("auditTable", COLUMNS, QHeaderView.ResizeMode.Interactive)
        self.newer_button, self.older_button = button("◀ Newer"), button("Older ▶")
        self.newer_button.clicked.connect(lambda: self._turn(-1))
        self.older_button.clicked.connect(lambda: self._turn(1))
        self.position = label("fieldHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        layout.addLayout(row(label("panelTitle", "Audit trail"), self.notice, self.close_button,
                             stretch=self.notice))
        layout.addLayout(row(label("fieldLabel", "Operator"), self.operator, label("fieldLabel", "Order"),
                             self.subject, label("fieldLabel", "From"), self.since, label("fieldLabel", "To"),
                             self.until))
        layout.addLayout(row(label("fieldLabel", "Action"), self.kind, label("fieldLabel", "Station"),
                             self.station, self.search_button, self.clear_button, self.position,
                             stretch=self.position))
        layout.addWidget(self.table, 1)
        gap = QWidget()
        layout.addLayout(row(self.newer_button, gap, self.older_button, stretch=gap))
        self._show_paging()

    def _field(self, placeholder: str) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText(placeholder)
        field.setClearButtonEnabled(True)
        field.returnPressed.connect(self.search)
        return field

    # -- reading ---------------------------------------------------------------------------------------
    def open(self) -> None:
        """Shown: the newest rows with the filters as they are, and the stations for the filter."""
        self.show_notice("", "plain")
        self._jobs.run(lambda: self._core.supervisor_tools().audit_stations(), self._stations_read)
        self.search()

    def search(self) -> None:
        """Read the first page for the filters (on the worker thread)."""
        try:
            query = self._query()
        except ValueError as exc:
            self.show_notice(str(exc), "error")
            return
        self._read(query)

    def clear(self) -> None:
        for field in (self.operator, self.subject, self.since, self.until):
            field.clear()
        self.kind.setCurrentIndex(0)
        self.station.setCurrentIndex(0)
        self.search()

    def _query(self) -> AuditQuery:
        kind, station = self.kind.currentText(), self.station.currentText()
        return AuditQuery(operator=self.operator.text(), subject=self.subject.text(),
                          since=parse_time(self.since.text()), until=parse_time(self.until.text(), end=True),
                          kind="" if kind == EVERY_KIND else kind,
                          station="" if station == EVERY_STATION else station, limit=PAGE_SIZE)

    def _read(self, query: AuditQuery) -> None:
        self.query = query
        self._set_buttons(False)
        tools = self._core.supervisor_tools
        self._jobs.run(lambda: tools().audit_page(query), self._page_read)

    def _turn(self, step: int) -> None:
        offset = max(0, self.query.offset + step * self.query.limit)
        self._read(replace(self.query, offset=offset))

    def _page_read(self, result: AuditPage | Exception) -> None:
        if isinstance(result, Exception):
            self.show_notice(f"Could not read the audit trail: {result}", "error")
            self._show_paging()
            return
        self.render(result)

    def _stations_read(self, result: list[str] | Exception) -> None:
        if isinstance(result, Exception):
            return  # the page read says what went wrong
        chosen = self.station.currentText()
        self.station.clear()
        self.station.addItems([EVERY_STATION, *result])
        self.station.setCurrentText(chosen if chosen in result else EVERY_STATION)
        self.table.setColumnHidden(1, len(result) <= 1)  # one station: the column says nothing

    # -- drawing ---------------------------------------------------------------------------------------
    def render(self, page: AuditPage) -> None:  # type: ignore[override]
        self.page = page
        self.table.setRowCount(len(page.entries))
        for r, entry in enumerate(page.entries):
            for c, text in enumerate(_cells(entry)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if c != len(COLUMNS) - 1 else f"{entry.action} #{entry.id}\n{text}")
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for column, widest in MAX_WIDTHS.items():
            self.table.setColumnWidth(column, min(widest, self.table.columnWidth(column)))
        self.table.scrollToTop()
        if not page.entries:
            self.show_notice("No audit rows match these filters", "plain")
        else:
            self.show_notice("", "plain")
        self._show_paging()

    def show_notice(self, text: str, state: str) -> None:
        self.notice.show_text(text)
        style.set_state(self.notice, "state", state)

    def _show_paging(self) -> None:
        page = self.page
        if page is None or not page.entries:
            self.position.setText("")
        else:
            first = page.offset + 1
            self.position.setText(f"rows {first}–{page.offset + len(page.entries)}, newest first")
        self._set_buttons(True)

    def _set_buttons(self, enabled: bool) -> None:
        page = self.page
        self.newer_button.setEnabled(enabled and page is not None and page.offset > 0)
        self.older_button.setEnabled(enabled and page is not None and page.more)
        self.search_button.setEnabled(enabled)


def _cells(entry: AuditEntry) -> list[str]:
    return [entry.at.strftime("%d %b %H:%M:%S"), entry.station_id, entry.operator,
            action_words(entry.action), entry.subject, entry.summary]

