"""Turns core events, published from worker threads, into Qt signals delivered on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal

from station.services.views import CoreEvent, ScreenChanged, StatusChanged
from ui.core_api import Core


class CoreBridge(QObject):
    """Subscribes to the core and re-emits its events as signals.

    The bridge lives in the GUI thread; a signal emitted from a worker thread to slots of
    objects living there is queued, so every connected slot runs on the GUI thread.
    """

    screenChanged = Signal(object)  # ScreenState
    statusChanged = Signal(object)  # StatusView

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        app = QCoreApplication.instance()
        if parent is None and app is not None and self.thread() is not app.thread():
            self.moveToThread(app.thread())
        core.subscribe(self._relay)

    def _relay(self, event: CoreEvent) -> None:
        """Called by the core from any thread."""
        try:
            if isinstance(event, ScreenChanged):
                self.screenChanged.emit(event.state)
            elif isinstance(event, StatusChanged):
                self.statusChanged.emit(event.status)
        except RuntimeError:
            # The window (and this bridge with it) is gone while the core still runs:
            # there is nothing left to draw on.
            pass
