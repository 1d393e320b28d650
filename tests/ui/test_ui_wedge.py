"""Keyboard-wedge scans: the timing rule on its own, then the application filter with a controlled clock."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from ui.bridge import CoreBridge
from ui.main_window import MainWindow
from ui.wedge import BurstDetector


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


def type_keys(burst: BurstDetector[str], clock: FakeClock, text: str, gap_ms: float) -> list[str]:
    released: list[str] = []
    for char in text:
        clock.advance(gap_ms)
        released += burst.key(char, char)
    return released


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_fast_burst_then_enter_is_a_scan(clock: FakeClock) -> None:
    burst: BurstDetector[str] = BurstDetector(clock=clock)
    assert type_keys(burst, clock, "4006381333931", gap_ms=8) == []
    clock.advance(8)
    assert burst.enter() == "4006381333931"
    assert burst.release() == []


def test_slow_typing_is_released_key_by_key(clock: FakeClock) -> None:
    burst: BurstDetector[str] = BurstDetector(clock=clock)
    assert type_keys(burst, clock, "abcd", gap_ms=120) == ["a", "b", "c"]
    clock.advance(120)
    assert burst.enter() is None
    assert burst.release() == ["d"]


def test_a_burst_shorter_than_four_is_not_a_scan(clock: FakeClock) -> None:
    burst: BurstDetector[str] = BurstDetector(clock=clock)
    type_keys(burst, clock, "123", gap_ms=5)
    assert burst.enter() is None
    assert burst.release() == ["1", "2", "3"]


def test_enter_that_comes_late_ends_typing_not_a_scan(clock: FakeClock) -> None:
    burst: BurstDetector[str] = BurstDetector(clock=clock)
    type_keys(burst, clock, "SO-100234", gap_ms=5)
    clock.advance(80)
    assert burst.enter() is None


def test_one_slow_gap_releases_what_came_before(clock: FakeClock) -> None:
    burst: BurstDetector[str] = BurstDetector(clock=clock)
    assert type_keys(burst, clock, "ab", gap_ms=5) == []
    clock.advance(300)
    assert burst.key("C", "C") == ["a", "b"]
    type_keys(burst, clock, "MD-DONE", gap_ms=5)
    assert burst.enter() == "CMD-DONE"


def test_gap_limit_and_length_are_settings(clock: FakeClock) -> None:
    burst: BurstDetector[str] = BurstDetector(clock=clock, max_gap=0.1, min_length=2)
    type_keys(burst, clock, "A1", gap_ms=90)
    clock.advance(90)
    assert burst.enter() == "A1"


# The filter, installed on the application by the window, with a fake clock.


@pytest.fixture
def window(qtbot: Any, styled_app: Any, recorder: Any, clock: FakeClock) -> MainWindow:
    bridge = CoreBridge(recorder)
    win = MainWindow(recorder, bridge, clock=clock)
    bridge.setParent(win)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def notes(qtbot: Any, window: MainWindow) -> QLineEdit:
    """Another text field in the window, with the focus."""
    field = QLineEdit(window.packing)
    field.show()
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    return field


def test_a_burst_in_another_field_is_a_wedge_scan_and_leaves_the_field_alone(
    qtbot: Any, notes: QLineEdit, recorder: Any
) -> None:
    qtbot.keyClicks(notes, "4006381333931")  # the fake clock stands still: every gap is 0 ms
    qtbot.keyClick(notes, Qt.Key.Key_Return)
    assert [(scan.code, scan.source) for scan in recorder.scans] == [("4006381333931", "wedge")]
    assert notes.text() == ""


def test_a_fast_burst_in_a_password_field_is_typing_never_a_scan(
    qtbot: Any, notes: QLineEdit, recorder: Any
) -> None:
    notes.setEchoMode(QLineEdit.EchoMode.Password)  # the settings screen's backend token
    qtbot.keyClicks(notes, "tok-7Hq2c9XbL0pWz4")  # a password manager types as fast as a scanner
    qtbot.keyClick(notes, Qt.Key.Key_Return)
    assert recorder.scans == []
    assert notes.text() == "tok-7Hq2c9XbL0pWz4"


def test_slow_typing_in_another_field_stays_typing(
    qtbot: Any, notes: QLineEdit, recorder: Any, clock: FakeClock
) -> None:
    for char in "hi there":
        clock.advance(150)
        qtbot.keyClick(notes, char)
    clock.advance(150)
    qtbot.keyClick(notes, Qt.Key.Key_Return)
    assert notes.text() == "hi there"
    assert recorder.scans == []


def test_a_held_key_reaches_its_field_when_no_key_follows(
    qtbot: Any, notes: QLineEdit, clock: FakeClock
) -> None:
    qtbot.keyClicks(notes, "ab")
    assert notes.text() == ""  # held: it might be the start of a scan
    qtbot.waitUntil(lambda: notes.text() == "ab", timeout=1000)


def test_a_short_fast_burst_is_typing(qtbot: Any, notes: QLineEdit, recorder: Any) -> None:
    qtbot.keyClicks(notes, "123")
    qtbot.keyClick(notes, Qt.Key.Key_Return)
    assert notes.text() == "123"
    assert recorder.scans == []


def test_other_keys_pass_in_order(qtbot: Any, notes: QLineEdit, recorder: Any) -> None:
    qtbot.keyClicks(notes, "abc")
    qtbot.keyClick(notes, Qt.Key.Key_Backspace)
    qtbot.keyClicks(notes, "d")
    qtbot.waitUntil(lambda: notes.text() == "abd", timeout=1000)
    assert recorder.scans == []


def test_in_the_scan_input_a_burst_is_submitted_once_by_the_input(
    qtbot: Any, window: MainWindow, recorder: Any
) -> None:
    field = window.scan_input.line_edit
    window.activateWindow()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "CMD-DONE")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert [(scan.code, scan.source) for scan in recorder.scans] == [("CMD-DONE", "keyboard")]
