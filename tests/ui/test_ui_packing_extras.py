"""The insert checklist, the package cards and the station's prompts (a PIN typed unseen), from real views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLineEdit, QWidget

from station.services.views import Feedback, InsertView, PackageView, Prompt, StatusView
from tests.ui.helpers import shown
from ui import style
from ui.checklist import Checklist
from ui.main_window import MainWindow
from ui.packages_panel import MAX_CARDS, PackagesPanel
from ui.packing_screen import PackingScreen
from ui.screenshot import save_screenshot

STATUS = StatusView(scanner="/dev/ttyACM0", backend="online", backend_ok=True, printer="Zebra ZD421",
                    scale="1\u2009340 g", scale_stable=True)


def pixel(widget: QWidget, x: int, y: int | None = None) -> QColor:
    """The colour drawn at (x, y) of the widget; y defaults to halfway down."""
    image = widget.grab().toImage()
    return image.pixelColor(x, image.height() // 2 if y is None else y)


@pytest.fixture
def window(open_window: Callable[[Any], MainWindow], recorder: Any) -> MainWindow:
    recorder.current_status = STATUS
    return open_window(recorder)


# The insert checklist


def test_checklist_shows_each_insert_with_its_count_and_state(qtbot: Any, styled_app: Any,
                                                              samples: Any) -> None:
    checklist = shown(qtbot, Checklist(), 380, 400)
    checklist.render(samples.inserts())
    rows = checklist.visible_rows()
    assert [(r.mark.text(), r.name.full_text, r.count.text(), r.state) for r in rows] == [
        ("✓", "Thank-you card", "1 / 1", "done"),
        ("–", "Voucher 10 %", "skipped", "skipped"),
        ("–", "Spring catalogue", "out of stock", "skipped"),
        ("▶", "Sticker sheet", "1 / 2", "next"),  # what CMD-SKIP-INSERT would skip
        ("○", "Keyring", "0 / 1", "pending"),
    ]
    assert checklist.title.text() == "Inserts  3 / 5"
    backgrounds = [pixel(row, row.width() - 3) for row in rows]
    assert backgrounds[0] == QColor(style.DONE_ROW)
    assert backgrounds[1] == backgrounds[2] == QColor(style.SKIPPED_ROW)
    assert backgrounds[3] == QColor(style.NEXT_ROW)
    assert backgrounds[4] == QColor("#ffffff")
    assert pixel(rows[3], 2) == QColor(style.FOCUS)  # the next one's bar at the left edge


def test_the_highlight_moves_to_the_next_pending_insert_and_goes_when_all_are_settled(
        qtbot: Any, styled_app: Any, samples: Any) -> None:
    checklist = shown(qtbot, Checklist(), 380, 400)
    inserts = samples.inserts()
    checklist.render(inserts)
    sticker_done = replace(inserts[3], done=2)
    checklist.render((*inserts[:3], sticker_done, inserts[4]))
    assert [row.state for row in checklist.visible_rows()] == ["done", "skipped", "skipped", "done", "next"]
    keyring_skipped = replace(inserts[4], skipped="skipped_by_operator")
    checklist.render((*inserts[:3], sticker_done, keyring_skipped))
    assert "next" not in [row.state for row in checklist.visible_rows()]
    assert checklist.title.text() == "Inserts  5 / 5"
    checklist.render(inserts[:2])  # fewer inserts: the extra rows are hidden
    assert len(checklist.visible_rows()) == 2


def test_no_inserts_no_checklist(qtbot: Any, styled_app: Any, samples: Any) -> None:
    screen = shown(qtbot, PackingScreen())
    screen.render(samples.with_extras())
    assert screen.checklist.isVisible()
    screen.render(replace(samples.in_progress(), order=samples.order(inserts=())))
    assert not screen.checklist.isVisible() and not screen.side.isVisible()


def test_the_next_insert_is_scrolled_into_sight_when_the_list_is_long(qtbot: Any, styled_app: Any) -> None:
    checklist = shown(qtbot, Checklist(), 380, 160)
    done = [InsertView(f"INS-{n}", f"Insert {n}", quantity=1, done=1) for n in range(8)]
    checklist.render((*done, InsertView("INS-LAST", "Last insert", quantity=1, done=0)))
    row = checklist.visible_rows()[-1]
    viewport = checklist.scroll_area.viewport()

    def in_sight() -> bool:
        top = row.mapTo(viewport, QPoint(0, 0)).y()
        return top >= 0 and top + row.height() <= viewport.height()

    qtbot.waitUntil(in_sight)
    assert row.state == "next"


# The package cards

OK = PackageView(1, "BOX-M", units=3, weight_g=712, expected_g=700, is_open=False, weight_ok=True)
MISMATCH = PackageView(2, "BOX-S", units=4, weight_g=1340, expected_g=1180, is_open=False, weight_ok=False)
APPROVED = replace(MISMATCH, package_no=3, approved_by="Anna Berg")
NOT_WEIGHED = PackageView(4, None, units=1, weight_g=None, expected_g=350, is_open=True)


@pytest.mark.parametrize(
    ("package", "text", "state", "colour"),
    [
        (OK, "Package 1 · BOX-M · 3 units · 712 g (expected 700 g)", "ok", style.OK_PART),
        (MISMATCH, "Package 2 · BOX-S · 4 units · 1\u2009340 g (expected 1\u2009180 g)", "bad",
         style.BAD_PART),
        (APPROVED, "Package 3 · BOX-S · 4 units · 1\u2009340 g (expected 1\u2009180 g)"
                   " · approved by Anna Berg", "approved", style.WARN_PART),
        (NOT_WEIGHED, "Package 4 · no box · 1 unit · not weighed", "none", style.NEUTRAL_PART),
    ],
)
def test_a_package_card_shows_its_weight_in_its_colour(qtbot: Any, styled_app: Any, package: PackageView,
                                                       text: str, state: str, colour: str) -> None:
    panel = shown(qtbot, PackagesPanel(), 390, 300)
    panel.render((package,))
    [card] = panel.visible_cards()
    assert card.text() == text
    assert card.weight_state == state
    assert pixel(card.weight, 4) == QColor(colour)
    assert card.weight.text() == card.weight.full_text  # nothing cut off at the side column's width


def test_the_open_package_is_emphasised(qtbot: Any, styled_app: Any, samples: Any) -> None:
    panel = shown(qtbot, PackagesPanel(), 390, 300)
    panel.render(samples.packages())
    closed, opened = panel.visible_cards()
    assert (closed.is_open, opened.is_open) == (False, True)
    assert pixel(opened, 1) == QColor(style.FOCUS)  # its thick blue border
    assert pixel(closed, 1) != QColor(style.FOCUS)
    assert opened.title.font().bold() and not closed.title.font().bold()


def test_with_many_packages_the_open_one_then_a_wrong_weight_then_the_latest_are_shown(
        qtbot: Any, styled_app: Any) -> None:
    panel = shown(qtbot, PackagesPanel(), 390, 500)
    packages = tuple(replace(OK, package_no=n, is_open=n == 2) for n in range(1, 7))

    def numbers() -> list[str]:
        return [card.title.full_text.split(" · ")[0] for card in panel.visible_cards()]

    panel.render(packages)
    assert numbers() == ["Package 2", "Package 6"] and MAX_CARDS == 2
    assert panel.more.isVisible() and panel.more.text() == "+ 4 more packages"
    panel.render((*packages[:3], replace(MISMATCH, package_no=4), *packages[4:]))
    assert numbers() == ["Package 2", "Package 4"]  # a wrong weight not approved stays in sight
    panel.render(packages[:3])
    assert panel.more.text() == "+ 1 more package"
    panel.render(packages[:2])
    assert len(panel.visible_cards()) == 2 and not panel.more.isVisible()


def test_cards_replace_the_header_weight_and_take_the_scale_reading(qtbot: Any, styled_app: Any,
                                                                    samples: Any) -> None:
    screen = shown(qtbot, PackingScreen())
    screen.show_scale(STATUS)
    weighed = samples.order(package_weight_g=700, expected_weight_g=690)
    no_cards = replace(samples.in_progress(), order=weighed)
    screen.render(no_cards)
    assert screen.header.package_weight.isVisible() and screen.header.live_weight.isVisible()
    assert not screen.packages.isVisible()
    screen.render(samples.with_extras())
    assert not screen.header.package_weight.isVisible() and not screen.header.live_weight.isVisible()
    assert screen.packages.live_weight.isVisible()
    assert screen.packages.live_weight.text() == "Scale: 1\u2009340 g"


# Prompts and the PIN


def test_a_pin_prompt_hides_the_input_and_names_it_then_goes_back(qtbot: Any, window: MainWindow,
                                                                  samples: Any) -> None:
    field = window.scan_input.line_edit
    qtbot.keyClicks(field, "typed before")
    window.show_screen(samples.pin_prompt())
    assert field.echoMode() == QLineEdit.EchoMode.Password
    assert window.scan_input.label.text() == "Supervisor PIN"
    assert field.text() == ""  # cleared: what was typed before is not part of the PIN
    area = window.packing.message_area
    assert area.message.text() == "Approving the weight of package 2"
    assert area.prompt_line.isVisible()
    assert area.prompt_line.text() == "Anna Berg: type your PIN, then Enter"
    window.show_screen(samples.with_extras())
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    assert window.scan_input.label.text() == "Scan or type a code"
    assert area.prompt_line.text() == "Supervisor: scan your badge to approve the weight"
    window.show_screen(samples.in_progress())
    assert not area.prompt_line.isVisible()
    assert area.detail.text() == "3 of 4\nScan the next item"


def test_a_typed_pin_is_masked_submitted_once_and_leaves_nothing_behind(
        qtbot: Any, window: MainWindow, samples: Any, recorder: Any) -> None:
    field = window.scan_input.line_edit
    window.show_screen(samples.pin_prompt())
    qtbot.keyClicks(field, "4711")
    assert "4711" not in field.displayText()
    window.show_screen(samples.pin_prompt())  # the same prompt redrawn does not wipe what is typed
    assert field.text() == "4711"
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert [(scan.code, scan.source) for scan in recorder.scans] == [("4711", "keyboard")]
    assert field.text() == "" and not field.isUndoAvailable()
    window.show_screen(samples.with_extras())  # normal echo again: undo must not bring the PIN back
    field.undo()
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == "" and field.displayText() == ""
    assert "4711" not in window.packing.message_area.detail.text()


def test_a_half_typed_pin_is_dropped_when_the_prompt_goes(qtbot: Any, window: MainWindow,
                                                          samples: Any, recorder: Any) -> None:
    field = window.scan_input.line_edit
    window.show_screen(samples.pin_prompt())
    qtbot.keyClicks(field, "47")
    window.show_screen(samples.with_extras())
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    assert field.text() == "" and field.displayText() == "" and not field.isUndoAvailable()
    assert recorder.scans == []


def test_a_pin_prompt_takes_the_focus_from_another_text_field(qtbot: Any, window: MainWindow,
                                                              samples: Any) -> None:
    other = QLineEdit(window.packing)
    other.show()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    window.show_screen(samples.with_extras())
    assert other.hasFocus()  # typing elsewhere is left alone...
    window.show_screen(samples.pin_prompt())
    assert window.scan_input.line_edit.hasFocus()  # ...but a PIN goes where it is hidden


@pytest.mark.parametrize(
    ("kind", "label"),
    [("reason", "Reason (scan or type)"), ("serial", "Scan or type a code"),
     ("lot", "Scan or type a code"), ("supervisor", "Scan or type a code")],
)
def test_other_prompts_label_the_input_and_keep_it_visible(window: MainWindow, samples: Any,
                                                           kind: Any, label: str) -> None:
    text = f"Scan or type the {kind}"
    window.show_screen(replace(samples.in_progress(), prompt=Prompt(kind, text)))
    assert window.scan_input.label.text() == label
    assert window.scan_input.line_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert window.packing.message_area.prompt_line.text() == text


def test_with_idle_feedback_the_prompt_is_the_big_message(window: MainWindow, samples: Any) -> None:
    prompt = Prompt("serial", "Scan the serial number of the Blue mug 350 ml")
    window.show_screen(replace(samples.in_progress(), feedback=Feedback("idle", ""), prompt=prompt))
    area = window.packing.message_area
    assert area.message.text() == prompt.text
    assert not area.prompt_line.isVisible()


# Layout at 1280×800


def _frame(widget: QWidget, window: QWidget) -> tuple[int, int, int, int]:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return top_left.x(), top_left.y(), top_left.x() + widget.width(), top_left.y() + widget.height()


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_six_lines_three_inserts_and_two_packages_fit_at_1280_by_800(qtbot: Any, window: MainWindow,
                                                                     samples: Any) -> None:
    window.show_screen(samples.with_extras())
    qtbot.waitUntil(lambda: window.packing.side.isVisible())
    packing = window.packing
    assert (window.width(), window.height()) == (1280, 800)
    assert window.minimumSizeHint().width() <= 1280 and window.minimumSizeHint().height() <= 800
    parts = [packing.message_area, packing.header, packing.table, packing.checklist,
             *packing.packages.visible_cards(), packing.packages.live_weight,
             window.status_bar, window.scan_input]
    frames = [_frame(part, window) for part in parts]
    for index, frame in enumerate(frames):
        assert frame[0] >= 0 and frame[1] >= 0 and frame[2] <= 1280 and frame[3] <= 800, parts[index]
        assert not any(_overlap(frame, other) for other in frames[index + 1:]), parts[index]
    table = packing.table
    assert table.rowCount() == 6 and table.verticalScrollBar().maximum() == 0  # every line in sight
    table_area = table.width() * table.height()
    assert table_area > packing.side.width() * packing.side.height()
    assert table.width() > 0.6 * 1280
    assert all(row.name.text() == row.name.full_text for row in packing.checklist.visible_rows())


def test_many_packages_and_inserts_a_prompt_and_prints_never_stretch_the_window(
        qtbot: Any, window: MainWindow, samples: Any) -> None:
    packages = (*samples.packages(), replace(APPROVED, is_open=False), replace(NOT_WEIGHED, package_no=5))
    order = replace(samples.with_extras().order, packages=packages, inserts=samples.inserts() * 2)
    window.show_screen(replace(samples.with_extras(), order=order, last_documents=("printer-1",)))
    qtbot.waitUntil(lambda: window.packing.side.isVisible())
    assert window.minimumSizeHint().height() <= 800 and window.minimumSizeHint().width() <= 1280
    assert (window.width(), window.height()) == (1280, 800)
    side = window.packing.side
    assert side.mapTo(window, QPoint(0, side.height())).y() <= window.status_bar.mapTo(window, QPoint()).y()


# Pictures to look at


@pytest.mark.parametrize("name", ["order-with-inserts-and-packages", "supervisor-pin"])
def test_save_screenshots_of_the_extras(qtbot: Any, window: MainWindow, samples: Any, shots_dir: Path,
                                        name: str) -> None:
    if name == "supervisor-pin":
        window.show_screen(samples.pin_prompt())
        qtbot.keyClicks(window.scan_input.line_edit, "4711")  # shown as dots
    else:
        window.show_screen(samples.with_extras())
    qtbot.waitUntil(lambda: not window.packing.message_area.is_flashing())
    path = save_screenshot(window, shots_dir / f"{name}.png")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)
