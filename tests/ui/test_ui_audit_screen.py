"""The audit screen in the real window on a real station whose trail a shift of scans wrote: opened by
a supervisor from the top bar, filtered, paged, read on a worker thread, and closed by the next scan."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station.bootstrap import Station
from tests.station.services.shift import make_station, work_a_shift
from tests.ui.helpers import NotingStation, choose_supervisor_screen, column, sign_in, type_scan
from ui import audit_screen
from ui.audit_screen import parse_time
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot

SCREENSHOT = Path("/tmp/audit-screen.png")


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    app = make_station(tmp_path, f"sqlite:///{tmp_path / 'station.sqlite'}")
    work_a_shift(app)
    app.start()
    yield app
    app.stop()


@pytest.fixture
def window(open_window: Callable[[Any], MainWindow], core: NotingStation) -> MainWindow:
    return open_window(core)


def settle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.audit.busy())


def open_audit(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "EMP-9001", "Marta Kowalska")
    choose_supervisor_screen(qtbot, window, "Audit trail")
    settle(qtbot, window)


def search(qtbot: Any, window: MainWindow, **fields: str) -> None:
    screen = window.audit
    for name, text in fields.items():
        getattr(screen, name).setText(text)
    qtbot.mouseClick(screen.search_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)


def test_only_a_supervisor_sees_the_supervisor_menu(qtbot: Any, window: MainWindow) -> None:
    bar = window.top_bar
    assert not bar.supervisor_button.isVisible()
    sign_in(qtbot, window, "EMP-1001", "Ana Silva")
    assert not bar.supervisor_button.isVisible()
    sign_in(qtbot, window, "EMP-9001", "Marta Kowalska")
    assert bar.supervisor_button.isVisible()
    assert list(bar.supervisor_actions) == ["Reports", "Audit trail", "Settings"]


def test_the_trail_newest_first_read_off_the_gui_thread(qtbot: Any, window: MainWindow,
                                                       core: NotingStation) -> None:
    open_audit(qtbot, window)
    screen, table = window.audit, window.audit.table
    assert window.screens.currentWidget() is screen and screen.isVisible()
    actions = column(table, 3)
    assert actions[:2] == ["sign in", "sign out"]  # Marta just now, then the end of the shift
    assert column(table, 2)[0] == "Marta Kowalska (EMP-9001, supervisor)"
    assert "unit counted" in actions and "scan refused" in actions and "override approved" in actions
    assert "+1 TSHIRT-BLK-M · package 1" in column(table, 5)
    assert screen.position.text() == f"rows 1–{table.rowCount()}, newest first"
    assert not screen.newer_button.isEnabled() and not screen.older_button.isEnabled()
    assert [screen.station.itemText(i) for i in range(screen.station.count())] == ["every station", "PACK-01"]
    assert core.threads and threading.main_thread().name not in core.threads
    assert window.scan_input.line_edit.hasFocus()  # the screen never takes the scan input's focus
    if SCREENSHOT.parent.is_dir():
        save_screenshot(window, SCREENSHOT)


def test_filters_by_operator_order_kind_and_time(qtbot: Any, window: MainWindow) -> None:
    open_audit(qtbot, window)
    screen, table = window.audit, window.audit.table
    search(qtbot, window, operator="silva")
    assert set(column(table, 2)) == {"Ana Silva (EMP-1001, packer)"}
    search(qtbot, window, operator="", subject="so-100235")
    assert set(column(table, 4)) == {"SO-100235"} and "order short shipped" in column(table, 3)
    screen.subject.clear()
    screen.kind.setCurrentText("overrides and PINs")
    search(qtbot, window)
    assert set(column(table, 3)) == {"override requested", "override supervisor", "pin refused",
                                     "pin accepted", "override approved"}
    assert "wrong PIN, 4 tries left" in column(table, 5)
    search(qtbot, window, since="2020-01-01", until="2020-12-31")
    assert table.rowCount() == 0 and screen.notice.full_text == "No audit rows match these filters"
    qtbot.mouseClick(screen.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert table.rowCount() > 30 and screen.kind.currentText() == "every action"


def test_a_time_that_is_not_one_is_said_inline(qtbot: Any, window: MainWindow) -> None:
    open_audit(qtbot, window)
    rows = window.audit.table.rowCount()
    search(qtbot, window, since="yesterday")
    assert window.audit.notice.full_text == "'yesterday' is not a time: type YYYY-MM-DD or YYYY-MM-DD HH:MM"
    assert window.audit.table.rowCount() == rows and QApplication.activeModalWidget() is None


def test_pages_older_and_newer(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_screen, "PAGE_SIZE", 10)
    open_audit(qtbot, window)
    screen = window.audit
    first = column(screen.table, 0), column(screen.table, 3)
    assert screen.table.rowCount() == 10 and screen.older_button.isEnabled()
    qtbot.mouseClick(screen.older_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert screen.position.text() == "rows 11–20, newest first" and screen.newer_button.isEnabled()
    qtbot.mouseClick(screen.newer_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert (column(screen.table, 0), column(screen.table, 3)) == first


def test_the_next_scan_brings_the_scan_screen_back(qtbot: Any, window: MainWindow) -> None:
    open_audit(qtbot, window)
    type_scan(qtbot, window, "CMD-MODE-PACK")  # the shift ended in returns mode
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.packing)
    choose_supervisor_screen(qtbot, window, "Audit trail")
    settle(qtbot, window)
    assert column(window.audit.table, 3)[0] == "mode switched"  # read afresh when opened again
    assert column(window.audit.table, 5)[0] == "returns → pack"
    qtbot.mouseClick(window.audit.close_button, Qt.MouseButton.LeftButton)
    assert window.screens.currentWidget() is window.packing


def test_typed_times_are_local_and_a_day_runs_to_its_end() -> None:
    assert parse_time("") is None
    assert parse_time(" 2026-11-22  14:05 ").isoformat() == "2026-11-22T14:05:00"  # type: ignore[union-attr]
    assert parse_time("2026-11-22 14:05", end=True).isoformat() == "2026-11-22T14:05:59.999999"  # type: ignore[union-attr]
    assert parse_time("2026-11-22", end=True).isoformat() == "2026-11-22T23:59:59.999999"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="is not a time"):
        parse_time("22/11/2026")
