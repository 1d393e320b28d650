"""The main window wired to a recorder core: typed scans go out once, events from worker threads come in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from station.services.views import OperatorView, ScreenChanged, StatusChanged, StatusView
from ui.bridge import CoreBridge
from ui.main_window import MainWindow
from ui.packing_screen import PackingScreen
from ui.screenshot import save_screenshot


@pytest.fixture
def window(open_window: Callable[[Any], MainWindow], recorder: Any) -> MainWindow:
    return open_window(recorder)


def test_window_title_size_and_first_draw(window: MainWindow) -> None:
    assert window.windowTitle() == "Station PACK-01"
    assert (window.width(), window.height()) == (1280, 800)
    assert window.top_bar.operator.text() == "not signed in"
    assert window.packing.message_area.message.text() == "Scan your badge to sign in"
    assert window.scan_input.label.text() == "Scan or type a code"


def test_typing_a_code_and_enter_submits_one_keyboard_scan(
    qtbot: Any, window: MainWindow, recorder: Any
) -> None:
    field = window.scan_input.line_edit
    qtbot.keyClicks(field, "SO-100234")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert [(scan.code, scan.source) for scan in recorder.scans] == [("SO-100234", "keyboard")]
    assert field.text() == ""


def test_blank_input_is_ignored(qtbot: Any, window: MainWindow, recorder: Any) -> None:
    field = window.scan_input.line_edit
    qtbot.keyClicks(field, "   ")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert recorder.scans == []
    assert field.text() == ""


def test_screen_changed_from_a_worker_thread_redraws_on_the_gui_thread(
    qtbot: Any, window: MainWindow, recorder: Any, samples: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn_on: list[int] = []
    render = PackingScreen.render

    def recording_render(screen: PackingScreen, state: Any) -> None:
        drawn_on.append(threading.get_ident())
        render(screen, state)

    monkeypatch.setattr(PackingScreen, "render", recording_render)
    worker = recorder.publish_from_worker(ScreenChanged(samples.in_progress()))
    assert drawn_on == []  # queued: nothing drawn until the GUI thread's event loop runs
    qtbot.waitUntil(lambda: window.packing.header.order_number.text() == "SO-100234")
    assert drawn_on == [threading.get_ident()] and worker not in drawn_on
    assert window.top_bar.operator.text() == "Μαρία Παπαδοπούλου (packer)"
    assert window.packing.header.progress.text() == "7 / 9 units"
    assert window.scan_input.line_edit.hasFocus()


def test_status_changed_from_a_worker_thread_updates_the_status_bar(
    qtbot: Any, window: MainWindow, recorder: Any
) -> None:
    recorder.publish_from_worker(StatusChanged(StatusView(backend="online", backend_ok=True)))
    qtbot.waitUntil(lambda: window.status_bar.backend.full_text == "Backend: online")


def test_focus_returns_to_the_scan_input_after_a_redraw(
    qtbot: Any, window: MainWindow, samples: Any
) -> None:
    window.packing.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    window.packing.table.setFocus()
    qtbot.waitUntil(lambda: not window.scan_input.line_edit.hasFocus())
    window.show_screen(samples.no_order())
    assert window.scan_input.line_edit.hasFocus()


def test_focus_stays_in_another_text_field_being_typed_into(
    qtbot: Any, window: MainWindow, samples: Any
) -> None:
    other = QLineEdit(window.packing)
    other.show()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    window.show_screen(samples.no_order())
    assert other.hasFocus()


def test_returns_mode_shows_the_returns_screen(window: MainWindow, samples: Any) -> None:
    window.show_screen(replace(samples.no_order(), mode="returns"))
    assert window.screens.currentWidget() is window.returns
    assert window.top_bar.mode.text() == "RETURNS"
    window.show_screen(samples.in_progress())
    assert window.screens.currentWidget() is window.packing


def test_a_new_feedback_plays_its_sound_once_and_flashes(
    qtbot: Any, styled_app: Any, recorder: Any, samples: Any
) -> None:
    played: list[str] = []
    bridge = CoreBridge(recorder)
    win = MainWindow(recorder, bridge, play_sound=played.append)
    bridge.setParent(win)
    qtbot.addWidget(win)
    assert played == []  # the first, idle draw is not news
    error = samples.error()
    win.show_screen(error)
    assert played == ["error"] and win.packing.message_area.is_flashing()
    win.show_screen(replace(error, last_documents=("printer-1",)))  # same feedback, redrawn
    assert played == ["error"]
    win.show_screen(replace(error, feedback=replace(error.feedback)))  # the same error again
    assert played == ["error", "error"]


def test_closing_the_window_removes_the_wedge_filter(
    qtbot: Any, window: MainWindow, recorder: Any
) -> None:
    window.close()
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClicks(other, "4006381333931")
    qtbot.keyClick(other, Qt.Key.Key_Return)
    assert recorder.scans == [] and other.text() == "4006381333931"


SUPERVISOR = OperatorView(badge="EMP-9001", name="Marta Kowalska", role="supervisor")


@pytest.mark.parametrize("mode", ["pack", "handover"])
def test_a_supervisors_top_bar_fits_1280_pixels_with_the_name_whole(
        qtbot: Any, window: MainWindow, samples: Any, shots_dir: Path, mode: str) -> None:
    window.show_screen(replace(samples.no_order(), operator=SUPERVISOR, mode=mode))
    bar = window.top_bar
    bar.layout().activate()  # laid out for the buttons now shown
    assert bar.operator.text() == "Marta Kowalska (supervisor)"  # not cut short
    assert window.width() == 1280 and bar.supervisor_button.isVisible() and bar.mode_button.isVisible()
    assert bar.height() == 52  # as without the buttons: the screens below keep their room
    assert bar.mode_button.text() == ("To packing" if mode == "handover" else "Hand-over")
    for button in (bar.supervisor_button, bar.mode_button):
        assert button.height() >= 44 and button.width() >= 150  # a finger's target
    save_screenshot(window, shots_dir / f"supervisor-top-bar-{mode}.png")


def test_the_supervisor_menu_has_tall_entries_and_closes_when_signed_out(
        qtbot: Any, window: MainWindow, samples: Any) -> None:
    window.show_screen(replace(samples.no_order(), operator=SUPERVISOR))
    bar, menu = window.top_bar, window.top_bar.supervisor_menu
    qtbot.mouseClick(bar.supervisor_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: menu.isVisible() and menu.windowHandle().isExposed())
    assert [action.text() for action in menu.actions()] == ["Reports", "Audit trail", "Settings"]
    assert all(menu.actionGeometry(action).height() >= 56 for action in menu.actions())
    button = bar.supervisor_button
    assert menu.geometry().top() >= button.mapToGlobal(button.rect().bottomLeft()).y()  # dropped under it
    window.show_screen(samples.signed_out())
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert not bar.supervisor_button.isVisible()


def test_a_scan_while_the_supervisor_menu_is_open_reaches_the_core(
        qtbot: Any, window: MainWindow, recorder: Any, samples: Any) -> None:
    window.show_screen(replace(samples.no_order(), operator=SUPERVISOR))
    bar, menu = window.top_bar, window.top_bar.supervisor_menu
    chosen: list[str] = []
    bar.settingsClicked.connect(lambda: chosen.append("settings"))
    qtbot.mouseClick(bar.supervisor_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: menu.isVisible() and menu.windowHandle().isExposed())
    qtbot.keyClicks(menu, "SO-100234")  # a keyboard-wedge scanner's burst: "S" is not a menu shortcut
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert [(scan.code, scan.source) for scan in recorder.scans] == [("SO-100234", "wedge")]
    assert chosen == []
