"""The main window: assembles the top bar, the screen for the current mode, the status bar and the scan input.

It draws what the bridge delivers and sends what is scanned to the core; nothing more. The sync
panel, opened from the status bar, takes the screen's place until closed or until the next scan.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from station.domain.scan import Scan
from station.services.views import ScreenState, StatusView
from ui.audit_screen import AuditScreen
from ui.bridge import CoreBridge
from ui.core_api import Core
from ui.feedback import FeedbackCues, SoundPlayer
from ui.handover_screen import HandoverScreen
from ui.packing_screen import PackingScreen
from ui.reports_screen import ReportsScreen
from ui.returns_screen import ReturnsScreen
from ui.scan_input import ScanInput
from ui.settings_screen import SettingsScreen
from ui.status_bar import StatusBar
from ui.sync_panel import SyncPanel
from ui.top_bar import TopBar
from ui.wedge import KeyboardWedgeFilter

DEFAULT_SIZE = (1280, 800)
TEXT_ENTRY = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)


class MainWindow(QMainWindow):
    """One station's window; `bridge` delivers the core's events on the GUI thread."""

    def __init__(
        self,
        core: Core,
        bridge: CoreBridge,
        *,
        title_suffix: str = "",
        play_sound: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._core = core
        self._title_suffix = title_suffix
        self._cues = FeedbackCues(play_sound or SoundPlayer(parent=self).play)
        self.top_bar = TopBar(submit=core.submit_scan)  # a supervisor's hand-over button and menu
        self.packing = PackingScreen()
        self.returns = ReturnsScreen(submit=core.submit_scan)  # the grade pad submits as if scanned
        self.handover = HandoverScreen(submit=core.submit_scan)  # carrier buttons submit as if scanned
        self.sync_panel = SyncPanel(core)
        self.reports = ReportsScreen(core)  # a supervisor's, from the top bar; the next scan closes it
        self.audit, self.settings = AuditScreen(core), SettingsScreen(core)  # a supervisor's, likewise
        self.screens = QStackedWidget()
        for screen in (self.packing, self.returns, self.handover, self.sync_panel, self.reports, self.audit,
                       self.settings):
            self.screens.addWidget(screen)
        self._mode = "pack"
        self.status_bar = StatusBar()
        self.scan_input = ScanInput()
        self.setCentralWidget(
            _column(self.top_bar, self.screens, self.status_bar, self.scan_input, stretch=self.screens)
        )
        self.resize(*DEFAULT_SIZE)
        self.wedge = KeyboardWedgeFilter(
            core.submit_scan, self.scan_input.line_edit, clock=clock, parent=self
        )
        self.wedge.install()
        self.scan_input.codeEntered.connect(self._submit_typed)
        self.status_bar.syncClicked.connect(self.open_sync)
        self.sync_panel.closeRequested.connect(self.close_sync)
        self.top_bar.reportsClicked.connect(lambda: self.open_panel(self.reports))
        self.top_bar.auditClicked.connect(lambda: self.open_panel(self.audit))
        self.top_bar.settingsClicked.connect(lambda: self.open_panel(self.settings))
        for panel in (self.reports, self.audit, self.settings):
            panel.closeRequested.connect(self.close_sync)  # the same way back to the scan screen
        bridge.screenChanged.connect(self.show_screen)
        bridge.statusChanged.connect(self.show_status)
        self.show_screen(core.screen_state())
        self.show_status(core.status())

    def show_screen(self, state: ScreenState) -> None:
        self.setWindowTitle(f"Station {state.station_id} {self._title_suffix}".rstrip())
        self.top_bar.render(state)
        self._mode = state.mode
        screen = self._screen_for(state.mode)
        screen.render(state)
        self.screens.setCurrentWidget(screen)  # a scan's result is seen: it closes the sync panel
        self.scan_input.render(state)  # a PIN prompt hides what is typed
        if self._cues.notice(state.feedback):
            screen.flash()
        self.reclaim_focus()

    def show_status(self, status: StatusView) -> None:
        self.status_bar.render(status)
        self.packing.show_scale(status)
        if self.sync_open:
            self.sync_panel.status_changed(status)
        self.reclaim_focus()

    @property
    def sync_open(self) -> bool:
        return self.screens.currentWidget() is self.sync_panel

    def open_sync(self) -> None:
        """Show the sync panel in the screen's place; the scan input keeps the focus."""
        if not self.sync_open:
            self.sync_panel.reset()
            self.screens.setCurrentWidget(self.sync_panel)
        self.sync_panel.refresh()
        self.reclaim_focus()

    def open_panel(self, panel: ReportsScreen | AuditScreen | SettingsScreen) -> None:
        """A supervisor's panel in the screen's place, read afresh; the scan input keeps the focus."""
        if self.screens.currentWidget() is not panel:
            self.screens.setCurrentWidget(panel)
            panel.open()
        self.reclaim_focus()

    def close_sync(self) -> None:
        self.screens.setCurrentWidget(self._screen_for(self._mode))
        self.reclaim_focus()

    def reclaim_focus(self) -> None:
        """Put the focus back on the scan input, unless someone is typing into another text field.

        A PIN asked for always takes the focus: it must be typed where it is hidden.
        """
        focused = QApplication.focusWidget()
        line_edit = self.scan_input.line_edit
        elsewhere = focused is not line_edit and isinstance(focused, TEXT_ENTRY) and focused.isVisible()
        if elsewhere and not self.scan_input.is_secret:
            return  # a wedge scan still reaches the core from there, through the wedge filter
        line_edit.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wedge.uninstall()
        for panel in (self.sync_panel, self.reports, self.audit, self.settings):
            panel.shutdown()
        super().closeEvent(event)

    def _screen_for(self, mode: str) -> PackingScreen | ReturnsScreen | HandoverScreen:
        if mode == "pack":
            return self.packing
        return self.returns if mode == "returns" else self.handover

    def _submit_typed(self, code: str) -> None:
        self._core.submit_scan(Scan(code, source="keyboard"))


def _column(*widgets: QWidget, stretch: QWidget) -> QWidget:
    """The widgets one under the other; `stretch` takes the spare height."""
    column = QWidget()
    column.setObjectName("central")
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for widget in widgets:
        layout.addWidget(widget, 1 if widget is stretch else 0)
    return column
