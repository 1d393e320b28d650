"""Parts shared by the supervisors' panels (sync, reports, audit trail, settings): the frame they are
drawn in, the worker thread their database and file calls run on, and their look."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QWidget

from station.services.settings import SettingsError
from ui import style
from ui.core_api import Core
from ui.widgets import button

log = logging.getLogger(__name__)

SAID_IN_FULL = (PermissionError, SettingsError)  # a supervisor's tools refusing: the message is the story


def panel_look(*, notice_pt: int = 15, button_pt: int = 15, padding: str = "5px 16px") -> str:
    """The panels' title and notice, and their buttons: white, the `primary` one blue, `panelClose` dark."""
    return f"""
QLabel#panelTitle {{ font-size: 24pt; font-weight: bold; }}
QLabel#panelNotice {{ font-size: {notice_pt}pt; font-weight: bold; }}
QLabel#panelNotice[state="error"] {{ color: {style.BAD_PART}; }}
QLabel#panelNotice[state="ok"] {{ color: {style.OK_PART}; }}
QPushButton {{ font-size: {button_pt}pt; font-weight: bold; padding: {padding}; border-radius: 8px;
    background: #ffffff; border: 2px solid #37474f; }}
QPushButton:pressed {{ background: #bbdefb; }}
QPushButton:disabled {{ color: #78909c; border-color: #b0bec5; }}
QPushButton#primary {{ background: {style.FOCUS}; color: #ffffff; border-color: #0d2c54; }}
QPushButton#primary:disabled {{ background: #b0bec5; color: #eceff1; border-color: #b0bec5; }}
QPushButton#panelClose {{ background: #263238; color: #ffffff; border-color: #000000; }}
"""


PANEL_STYLE = panel_look() + f"""
QLabel#fieldLabel {{ font-size: 13pt; font-weight: bold; color: #37474f; }}
QLabel#sectionTitle {{ font-size: 16pt; font-weight: bold; border-bottom: 2px solid #90a4ae; }}
QLabel#fieldHint {{ font-size: 12pt; color: #37474f; }}
QLabel#fieldHint[state="error"] {{ color: {style.BAD_PART}; font-weight: bold; }}
QLabel#fieldHint[state="ok"] {{ color: {style.OK_PART}; font-weight: bold; }}
QLineEdit {{ font-size: 14pt; padding: 3px 6px; background: #ffffff; border: 2px solid #90a4ae;
    border-radius: 6px; }}
QLineEdit:focus {{ border-color: {style.FOCUS}; }}
QComboBox, QDoubleSpinBox {{ font-size: 14pt; }}
QTableWidget {{ font-size: 13pt; }}
QHeaderView::section {{ font-size: 13pt; }}
"""


class Jobs(QObject):
    """Runs calls one after the other on a worker thread; each result (or the exception raised) comes
    back on the GUI thread to its `on_done`. An exception is logged with its traceback unless it is one
    of `said_in_full`, whose message the panel shows as the whole story."""

    finished = Signal(object, object)  # (on_done, result or the exception raised)

    def __init__(self, parent: QObject, name: str, *,
                 said_in_full: tuple[type[Exception], ...] = ()) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._name = name
        self._said_in_full = said_in_full
        self.running = 0
        self._closed = False
        self.finished.connect(self._deliver)

    def run(self, call: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        if self._closed:
            return  # the window closed: a late change has nothing left to refresh
        self.running += 1
        self._pool.submit(self._call, call, on_done)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _call(self, call: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        try:
            result: Any = call()
        except Exception as exc:  # shown in the panel; the station goes on
            if not isinstance(exc, self._said_in_full):
                log.exception("a call of the %s failed", self._name.replace("-", " "))
            result = exc
        with contextlib.suppress(RuntimeError):  # the window is gone: nothing left to show it in
            self.finished.emit(on_done, result)

    def _deliver(self, on_done: Callable[[Any], None], result: Any) -> None:
        self.running -= 1
        on_done(result)


class PanelFrame(QFrame):
    """A supervisor's panel, shown in the screen's place: its calls run on `_jobs`, and its
    `close_button` (placed by the panel) sends `closeRequested`, asking for the scan screen back."""

    closeRequested = Signal()

    def __init__(self, core: Core, parent: QWidget | None, *, name: str, look: str, thread: str,
                 said_in_full: tuple[type[Exception], ...] = ()) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(look)
        self._core = core
        self._jobs = Jobs(self, thread, said_in_full=said_in_full)
        self.close_button = button("Back to scanning", "panelClose")
        self.close_button.clicked.connect(self.closeRequested)

    def busy(self) -> bool:
        """A call is on its way (tests wait for this to end)."""
        return self._jobs.running > 0

    def shutdown(self) -> None:
        """Wait for the call under way; the window calls this when it closes."""
        self._jobs.shutdown()
