"""Helpers for the supervisor screens' tests: the running station as the window's core, noting the
threads its supervisor tools are asked for on, and scans typed into the scan input."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

from station.bootstrap import Station
from station.services.supervisor import SupervisorTools
from ui.main_window import MainWindow


class NotingStation:
    """The running station as the window's core, noting which threads ask for the supervisor's tools."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.threads: set[str] = set()

    def supervisor_tools(self) -> SupervisorTools:
        self.threads.add(threading.current_thread().name)
        return self.station.supervisor_tools()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.station, name)


def type_scan(qtbot: Any, window: MainWindow, code: str) -> None:
    qtbot.keyClicks(window.scan_input.line_edit, code)
    qtbot.keyClick(window.scan_input.line_edit, Qt.Key.Key_Return)


def sign_in(qtbot: Any, window: MainWindow, badge: str, name: str) -> None:
    type_scan(qtbot, window, badge)
    qtbot.waitUntil(lambda: name in window.top_bar.operator.full_text)
