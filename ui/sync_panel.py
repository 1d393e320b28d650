"""The sync panel: the backend's state, the outbox counts, dead letters and waiting events with their
errors; retry and export. Every database call runs on one worker thread, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.services.sync_view import BackendView, OutboxEventView, SyncSnapshot
from station.services.views import StatusView
from ui import style
from ui.checklist import ElidedLabel
from ui.core_api import Core
from ui.supervisor_panel import SAID_IN_FULL, PanelFrame, panel_look
from ui.widgets import button, label, panel_table, row

AskPath = Callable[[QWidget, str], "str | None"]  # (parent, suggested file) -> chosen path or None
DEAD_COLUMNS = ("#", "Event", "Subject", "Time", "Tries", "Error")
WAITING_COLUMNS = ("#", "Event", "Subject", "Time", "Tries", "Next try", "Last error")
DEAD_ROW = "#ffebee"
REFRESH_MS = 5000  # while open: attempts and errors change without the counts changing

PANEL_STYLE = panel_look(notice_pt=16, button_pt=16, padding="6px 18px") + f"""
QLabel#syncBackend {{ font-size: 18pt; font-weight: bold; color: #ffffff; border-radius: 8px;
    background: {style.BAD_PART}; }}
QLabel#syncBackend[state="reachable"] {{ background: {style.OK_PART}; }}
QLabel#syncBackend[state="connecting"] {{ background: {style.WARN_PART}; color: #111111; }}
QLabel#syncBackend[state="offline"] {{ background: #455a64; }}
QLabel#syncCount {{ font-size: 17pt; font-weight: bold; border-radius: 8px; padding: 4px 14px;
    background: {style.NEUTRAL_PART}; color: #111111; }}
QLabel#syncCount[state="ok"] {{ background: {style.OK_PART}; color: #ffffff; }}
QLabel#syncCount[state="bad"] {{ background: {style.BAD_PART}; color: #ffffff; }}
QLabel#syncCount[state="waiting"] {{ background: #1565c0; color: #ffffff; }}
QLabel#syncTableTitle {{ font-size: 17pt; font-weight: bold; }}
QTableWidget {{ font-size: 14pt; }}
QHeaderView::section {{ font-size: 13pt; }}
"""


def event_name(event_type: str) -> str:
    """ "order.packed" for "station.order.packed": the column keeps its room for the subject."""
    return event_type.removeprefix("station.")


def when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d %b %H:%M:%S") if moment else ""


def next_try(event: OutboxEventView, backend: BackendView) -> str:
    """When the relay will try this event again, as far as the station knows."""
    if event.sending:
        return "sending now"
    if event.next_attempt is not None:
        return when(event.next_attempt)
    return {"reachable": "next round", "unreachable": "after a pause", "connecting": "soon",
            "offline": "when online"}.get(backend.state, "after a retry")


def counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def save_dialog(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export events", suggested, "JSON (*.json)")
    return path or None


class SyncPanel(PanelFrame):
    """Drawn from a `SyncSnapshot`; `closeRequested` asks the window for the scan screen back.

    `ask_path` chooses the export file (a file dialog; tests give their own).
    """

    def __init__(self, core: Core, parent: QWidget | None = None, *, ask_path: AskPath = save_dialog,
                 export_dir: Path | None = None) -> None:
        super().__init__(core, parent, name="syncPanel", look=PANEL_STYLE, thread="sync-panel",
                         said_in_full=SAID_IN_FULL)  # a packer's retry of dead letters is refused
        self.ask_path = ask_path
        self.export_dir = export_dir or Path.home()
        self.snapshot: SyncSnapshot | None = None
        self._refreshing = self._refresh_again = False
        self._seen: tuple[object, ...] = ()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()

    # -- layout --------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = label("panelTitle", "Events for the backend")
        self.backend = ElidedLabel("syncBackend", margins=(14, 4))  # elided, never widening the window
        self.waiting_count, self.delivered_count, self.dead_count = (label("syncCount") for _ in range(3))
        self.notice = ElidedLabel("panelNotice", margins=(8, 0))
        self._acted = False  # the notice says what the last retry or export did, until the panel reopens
        self.retry_button = button("Retry dead letters", "primary")
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.setToolTip("The chosen dead letters, else all of them, are sent again, with the "
                                     "same ids and bodies; a stopped relay starts sending again")
        self.export_button = button("Export…", "syncExport")
        self.export_button.setToolTip("Every event not delivered yet, waiting or dead, to a JSON file")
        self.export_button.clicked.connect(self.export)
        self.dead_title, self.waiting_title = ElidedLabel("syncTableTitle"), ElidedLabel("syncTableTitle")
        self.dead_table = panel_table("deadTable", DEAD_COLUMNS)
        self.dead_table.itemSelectionChanged.connect(self._show_retry)
        self.waiting_table = panel_table("waitingTable", WAITING_COLUMNS)
        self.waiting_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        layout.addLayout(row(self.title, self.backend, self.close_button, stretch=self.backend))
        layout.addLayout(row(self.waiting_count, self.delivered_count, self.dead_count, self.notice,
                              stretch=self.notice))
        layout.addLayout(row(self.dead_title, self.retry_button, self.export_button,
                              stretch=self.dead_title))
        layout.addWidget(self.dead_table, 1)
        layout.addWidget(self.waiting_title)
        layout.addWidget(self.waiting_table, 1)
        self.render_empty()

    # -- reading --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the outbox again (on the worker thread); a refresh asked for meanwhile runs once after."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self._jobs.run(self._core.sync_snapshot, self._refreshed)

    def status_changed(self, status: StatusView) -> None:
        """Refresh when the backend or the outbox counts changed (not on every scale reading)."""
        seen = (status.backend, status.backend_ok, status.events_waiting, status.dead_letters)
        if seen != self._seen:
            self._seen = seen
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def shutdown(self) -> None:
        self._timer.stop()
        super().shutdown()

    def _refreshed(self, result: SyncSnapshot | Exception) -> None:
        self._refreshing = False
        if isinstance(result, Exception):
            self.show_notice(f"Could not read the outbox: {result}", "error")
        else:
            self.render(result)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    # -- drawing --------------------------------------------------------------------------------------
    def render_empty(self) -> None:
        """Before the first snapshot arrives."""
        self.backend.show_text("reading the outbox…")
        style.set_state(self.backend, "state", "connecting")
        for count, text in ((self.waiting_count, "Waiting"), (self.delivered_count, "Delivered"),
                            (self.dead_count, "Dead letters")):
            count.setText(f"{text} …")
        self.dead_title.show_text("Dead letters")
        self.waiting_title.show_text("Waiting to be sent")
        self._show_retry()

    def render(self, snap: SyncSnapshot) -> None:  # type: ignore[override]
        self.snapshot = snap
        self.backend.show_text(snap.backend.words)
        style.set_state(self.backend, "state", snap.backend.state)
        if not self._acted:
            self.show_notice(snap.backend.hint, "plain" if snap.backend.ok else "error", acted=False)
        counts = snap.counts
        waiting = "waiting" if counts.pending else "none"
        self._set_count(self.waiting_count, f"Waiting {counts.pending}", waiting)
        self._set_count(self.delivered_count, f"Delivered {counts.delivered}", "ok")
        self._set_count(self.dead_count, f"Dead letters {counts.dead}", "bad" if counts.dead else "ok")
        self.dead_title.show_text(list_title("Dead letters: refused by the backend", len(snap.dead_letters),
                                           counts.dead))
        self.waiting_title.show_text(list_title("Waiting to be sent", len(snap.waiting), counts.pending))
        chosen = set(self.selected_dead())
        _fill(self.dead_table, [_dead_cells(e) for e in snap.dead_letters], snap.dead_letters, DEAD_ROW)
        _fill(self.waiting_table, [_waiting_cells(e, snap.backend) for e in snap.waiting], snap.waiting, None)
        for r, event in enumerate(snap.dead_letters):  # a refresh keeps the supervisor's choice
            if event.id in chosen:
                self.dead_table.selectRow(r)
        self._show_retry()

    def show_notice(self, text: str, state: str, *, acted: bool = True) -> None:
        """A line beside the counts: what the backend's state means, or what an action did."""
        self._acted = acted
        self.notice.show_text(text)
        style.set_state(self.notice, "state", state)

    def reset(self) -> None:
        """Opened again: no choice made, no action's result shown."""
        self._acted = False
        self.dead_table.clearSelection()
        self.show_notice("", "plain", acted=False)

    def selected_dead(self) -> list[str]:
        """The ids of the dead letters chosen in the table, in its order."""
        rows = sorted({index.row() for index in self.dead_table.selectedIndexes()})
        items = (self.dead_table.item(r, 0) for r in rows)
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in items if item is not None]

    @staticmethod
    def _set_count(count: QLabel, text: str, state: str) -> None:
        count.setText(text)
        style.set_state(count, "state", state)

    def _show_retry(self) -> None:
        snap, chosen = self.snapshot, len(self.selected_dead())
        dead = snap.counts.dead if snap else 0
        stopped = snap is not None and snap.backend.state in ("rejected", "misconfigured", "unreachable")
        if chosen:
            self.retry_button.setText(f"Retry {chosen} selected")
        else:
            self.retry_button.setText("Retry dead letters" if dead or not stopped else "Retry sending")
        self.retry_button.setEnabled(not self.busy() and (dead > 0 or stopped))
        self.export_button.setEnabled(snap is not None and snap.counts.pending + dead > 0)

    # -- acting ---------------------------------------------------------------------------------------
    def retry(self) -> None:
        """The chosen dead letters (else all) back to the queue; sending starts again at once."""
        ids = self.selected_dead() or None
        core = self._core
        self.retry_button.setEnabled(False)
        self._jobs.run(lambda: (core.retry_dead_letters(ids), core.sync_snapshot()), self._retried)

    def _retried(self, result: tuple[int, SyncSnapshot] | Exception) -> None:
        if isinstance(result, Exception):
            self.show_notice(f"Retry failed: {result}", "error")
            self._show_retry()
            return
        moved, snap = result
        self.dead_table.clearSelection()
        self.render(snap)
        text = f"{counted(moved, 'dead letter', 'dead letters')} queued again: sending now" if moved \
            else "Sending again now"
        self.show_notice(text, "ok")

    def export(self) -> None:
        """Every event not delivered yet, to a JSON file the supervisor chooses."""
        station = self.snapshot.station_id if self.snapshot else "station"
        suggested = self.export_dir / f"events-{station}-{datetime.now():%Y%m%d-%H%M%S}.json"
        path = self.ask_path(self, str(suggested))
        if not path:
            return
        core = self._core
        self._jobs.run(lambda: core.export_events(path), lambda result: self._exported(path, result))

    def _exported(self, path: str, result: int | Exception) -> None:
        if isinstance(result, Exception):
            self.show_notice(f"Export failed: {result}", "error")
        else:
            self.show_notice(f"Exported {counted(result, 'event', 'events')} to {path}", "ok")


def list_title(title: str, shown: int, total: int) -> str:
    return f"{title} ({total})" if shown >= total else f"{title} (the first {shown} of {total})"


def _dead_cells(event: OutboxEventView) -> list[str]:
    return [str(event.stationseq), event_name(event.type), event.subject, when(event.time),
            str(event.attempts), event.error or ""]


def _waiting_cells(event: OutboxEventView, backend: BackendView) -> list[str]:
    return [str(event.stationseq), event_name(event.type), event.subject, when(event.time),
            str(event.attempts), next_try(event, backend), event.error or ""]


def _fill(table: QTableWidget, rows: list[list[str]], events: tuple[OutboxEventView, ...],
          background: str | None) -> None:
    table.setRowCount(len(rows))
    for r, (cells, event) in enumerate(zip(rows, events, strict=True)):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text if c < len(cells) - 1 else f"{event.type} {event.id}\n{text}".rstrip())
            if c in (0, 4):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if background:
                item.setBackground(QColor(background))
            table.setItem(r, c, item)
        first = table.item(r, 0)
        if first is not None:
            first.setData(Qt.ItemDataRole.UserRole, event.id)

