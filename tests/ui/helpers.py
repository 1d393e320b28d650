"""Helpers for the window and screen tests: widgets shown at a size, table cells and columns read back,
scans typed into the scan input, and the running station as the window's core noting its threads."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QWidget

from station.bootstrap import Station
from station.services.supervisor import SupervisorTools
from ui.main_window import MainWindow

W = TypeVar("W", bound=QWidget)


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


def shown(qtbot: Any, widget: W, width: int = 1200, height: int = 700) -> W:
    """The widget on screen at that size, closed with the test."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None
    return item


def column(table: QTableWidget, c: int) -> list[str]:
    return [cell(table, r, c).text() for r in range(table.rowCount())]


def type_scan(qtbot: Any, window: MainWindow, code: str) -> None:
    qtbot.keyClicks(window.scan_input.line_edit, code)
    qtbot.keyClick(window.scan_input.line_edit, Qt.Key.Key_Return)


def sign_in(qtbot: Any, window: MainWindow, badge: str, name: str) -> None:
    type_scan(qtbot, window, badge)
    qtbot.waitUntil(lambda: name in window.top_bar.operator.full_text)


def choose_supervisor_screen(qtbot: Any, window: MainWindow, entry: str) -> None:
    """Tap the top bar's "Supervisor ▾" button, then `entry` in the menu it drops."""
    bar = window.top_bar
    qtbot.mouseClick(bar.supervisor_button, Qt.MouseButton.LeftButton)
    menu = bar.supervisor_menu
    qtbot.waitUntil(lambda: menu.isVisible() and menu.windowHandle().isExposed())  # drawn: it can be tapped
    spot = menu.actionGeometry(bar.supervisor_actions[entry]).center()
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: not menu.isVisible())
