"""The reports screen on a real station: the known day (tests/station/reports/known_day.py) worked at
PACK-01 on SQLite; the window is PACK-02's on the same database. A supervisor opens the screen from
the top bar, picks day and station, sees the first page, prints and saves the CSV; a scan closes it."""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from station.bootstrap import Station, build_station
from tests.devices.scale_simulators import ScaleSimulator
from tests.station.reports.known_day import DAY, Clock, running_station, station_config, work_the_day
from tests.ui.helpers import choose_supervisor_screen, type_scan
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot

BAR = (0x15, 0x65, 0xC0)


class Recording:
    """Notes the thread of every report call the screen makes."""

    def __init__(self, station: Station) -> None:
        self.station, self.threads = station, set[str]()
        for name in ("report_stations", "daily_report", "print_report"):
            setattr(self, name, self._noted(getattr(station, name)))

    def _noted(self, call: Any) -> Any:
        def noted(*args: Any) -> Any:
            self.threads.add(threading.current_thread().name)
            return call(*args)
        return noted

    def __getattr__(self, name: str) -> Any:
        return getattr(self.station, name)


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Station]:
    monkeypatch.setenv("TZ", "Europe/Berlin")  # the machine's zone, as the report reads it
    url = f"sqlite:///{tmp_path / 'site.sqlite'}"
    clock, scale = Clock().install(monkeypatch), ScaleSimulator("sics", grams=0.0, mode="stable")
    try:
        with running_station(tmp_path, url, scale=scale) as first:
            work_the_day(first, clock, scale)
    finally:
        scale.close()
    second = build_station(station_config(tmp_path, url, "PACK-02", 2))
    second.start()
    yield second
    second.stop()


@pytest.fixture
def window(open_window: Callable[[Any], MainWindow], station: Station) -> tuple[MainWindow, Recording]:
    core = Recording(station)
    win = open_window(core)
    win.reports.today_is = lambda: DAY  # read when the screen opens
    return win, core


def settled(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.reports.busy(), timeout=20_000)


def notice(window: MainWindow) -> str:
    return window.reports.notice.text()


def test_a_supervisor_opens_previews_filters_prints_and_saves_the_daily_report(
        qtbot: Any, window: tuple[MainWindow, Recording], station: Station, tmp_path: Path) -> None:
    win, core = window
    type_scan(qtbot, win, "EMP-1001")
    qtbot.waitUntil(lambda: "Ana Silva" in win.top_bar.operator.text())
    assert not win.top_bar.supervisor_button.isVisible()  # a packer has no reports
    type_scan(qtbot, win, "EMP-9001")
    qtbot.waitUntil(lambda: win.top_bar.supervisor_button.isVisible())

    choose_supervisor_screen(qtbot, win, "Reports")
    assert win.screens.currentWidget() is win.reports
    settled(qtbot, win)
    screen = win.reports
    assert notice(win) == "4 order(s) packed, 2 return(s) completed"
    assert screen.day.date() == QDate(2026, 11, 20) and screen.day.maximumDate() == QDate(2026, 11, 20)
    assert [screen.station.itemText(i) for i in range(screen.station.count())] == [
        "All stations", "PACK-01", "PACK-02"]
    page = screen.page.pixmap().toImage()
    assert (page.width(), page.height()) == (827, 1170)  # A4 at 100 dpi
    blue = sum(page.pixelColor(x, y).getRgb()[:3] == BAR for x in range(0, 827, 3) for y in range(0, 1170, 3))
    assert blue > 50  # the orders-per-hour bars are on it
    if shots := os.environ.get("STATION_UI_SHOTS"):
        save_screenshot(win, Path(shots) / "reports-screen.png")

    screen.station.setCurrentIndex(2)  # PACK-02 packed nothing
    settled(qtbot, win)
    assert notice(win) == "0 order(s) packed, 0 return(s) completed"
    assert screen.made is not None and screen.made.files.report.title == "Station PACK-02"
    screen.station.setCurrentIndex(1)
    settled(qtbot, win)
    assert notice(win) == "4 order(s) packed, 2 return(s) completed"
    screen.day.setDate(QDate(2026, 11, 19))
    settled(qtbot, win)
    assert notice(win) == "0 order(s) packed, 0 return(s) completed"
    screen.day.setDate(QDate(2026, 11, 20))
    settled(qtbot, win)

    qtbot.mouseClick(screen.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notice(win).startswith("Printed"), timeout=10_000)
    [printed] = list((tmp_path / "PACK-02" / "prints").glob("*daily-report-2026-11-20-PACK-01.pdf"))
    assert printed.read_bytes() == screen.made.files.pdf
    assert win.scan_input.line_edit.hasFocus()

    screen.ask_path = lambda parent, suggested: str(tmp_path / Path(suggested).name)
    qtbot.mouseClick(screen.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notice(win) == "Saved daily-report-2026-11-20-PACK-01.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "daily-report-2026-11-20-PACK-01.csv").read_text())))
    assert rows[:3] == [["section", "summary"], ["figure", "value"], ["date", "2026-11-20"]]
    assert ["orders_packed", "4"] in rows and ["station_filter", "PACK-01"] in rows
    assert core.threads and threading.main_thread().name not in core.threads  # never on the GUI thread

    type_scan(qtbot, win, "EMP-1001")  # a scan: the scan screen comes back
    qtbot.waitUntil(lambda: win.screens.currentWidget() is win.packing)
    assert not win.top_bar.supervisor_button.isVisible()


def test_back_to_scanning_closes_the_screen(qtbot: Any, window: tuple[MainWindow, Recording]) -> None:
    win, _ = window
    type_scan(qtbot, win, "EMP-9001")
    qtbot.waitUntil(lambda: win.top_bar.supervisor_button.isVisible())
    choose_supervisor_screen(qtbot, win, "Reports")
    settled(qtbot, win)
    qtbot.mouseClick(win.reports.close_button, Qt.MouseButton.LeftButton)
    assert win.screens.currentWidget() is win.packing
