"""The returns screen drawn from real views: header, RMA lines, recorded units, the unit under
inspection and the grade pad, whose presses reach the core as scans; and pictures of it at 1280×800.

Pictures go to $STATION_UI_SHOTS when set (e.g. /tmp/ui-shots), else to a temporary folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QWidget

from station.services.views import Feedback, StatusView
from tests.ui.helpers import cell
from ui import style
from ui.grade_pad import DefectToggle, GradeButton, defect_code
from ui.main_window import MainWindow
from ui.returns_screen import ReturnsScreen
from ui.screenshot import save_screenshot

DISPOSITION_COLUMN = 3


def texts(table: QTableWidget, columns: int) -> list[list[str]]:
    return [[cell(table, row, column).text() for column in range(columns)] for row in range(table.rowCount())]


def background(item: QTableWidgetItem) -> QColor:
    return item.background().color()


def grade_button(screen: ReturnsScreen, letter: str) -> GradeButton:
    return next(b for b in screen.grade_pad.grade_buttons if b.code == f"GRADE-{letter}")


def toggles(screen: ReturnsScreen) -> dict[str, bool]:
    return {toggle.defect: toggle.is_on for toggle in screen.grade_pad.defect_toggles}


def laid_out(qtbot: Any) -> None:
    """Let the layouts settle after a render, as the event loop does before the next paint."""
    qtbot.wait(10)


def inside(widget: QWidget, ancestor: QWidget) -> bool:
    """Whether the whole of `widget` is drawn within `ancestor` (nothing cut off at an edge)."""
    top_left = widget.mapTo(ancestor, QPoint(0, 0))
    return ancestor.rect().contains(top_left) and ancestor.rect().contains(
        top_left + QPoint(widget.width() - 1, widget.height() - 1))


@pytest.fixture
def screen(qtbot: Any, styled_app: Any) -> ReturnsScreen:
    widget = ReturnsScreen()
    qtbot.addWidget(widget)
    widget.resize(1248, 640)  # what the window leaves it at 1280×800
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def window(open_window: Callable[[Any], MainWindow], recorder: Any) -> MainWindow:
    return open_window(recorder)


# -- no return --------------------------------------------------------------------------------------

def test_without_a_return_the_message_area_is_the_whole_screen(
    qtbot: Any, screen: ReturnsScreen, samples: Any
) -> None:
    screen.render(samples.returns_idle())
    laid_out(qtbot)
    assert screen.message_area.message.text() == "Scan an RMA, a return tracking number or an order number"
    assert not screen.return_panel.isVisible()
    assert screen.message_area.height() > 500


# -- header -----------------------------------------------------------------------------------------

def test_header_shows_the_rma_customer_resolution_and_what_arrived(
    screen: ReturnsScreen, samples: Any
) -> None:
    screen.render(samples.returns_inspecting())
    header = screen.header
    assert header.title.text() == "RMA-5001"
    assert header.title.font().pointSize() >= 28 and header.title.font().bold()
    assert header.customer.full_text == "Алексей Смирнов"
    assert header.customer.text() == "Алексей Смирнов"  # not shortened at 1280 wide
    assert header.resolution.text() == "Requested: Refund"
    assert header.order.text() == "Order SO-100234"
    assert header.received.text() == "4 / 6 received"


def test_an_unannounced_return_is_named_so_with_its_order(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_unannounced())
    header = screen.header
    assert header.title.text() == "Unannounced return"
    assert header.order.text() == "Order SO-100234"
    assert not header.resolution.isVisible() and not header.received.isVisible()
    assert not screen.lines.isVisible() and not screen.units.isVisible()
    assert screen.empty.text() == "No RMA lines: nothing was announced\nNo unit inspected yet"


# -- RMA lines --------------------------------------------------------------------------------------

def test_rma_lines_show_what_was_received_of_each(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_inspecting())
    assert texts(screen.lines, 4) == [
        ["TSHIRT-BLK-M", "T-shirt black, size M", "2 / 2", "Size too small — “Runs small”"],
        ["MUG-BLUE-350", "Blue mug 350 ml", "1 / 2", "Defective — “Handle cracked on arrival”"],
        ["HEADPHONES-BT", "Bluetooth headphones", "1 / 1", "Not as described"],
        ["SOCKS-3PK", "Socks, 3 pack", "0 / 1", "Unwanted"],
    ]
    green = QColor(style.DONE_ROW)
    assert [background(cell(screen.lines, row, 0)) == green for row in range(4)] == [True, False, True, False]
    name_width = screen.lines.columnWidth(1)  # the longest name is not shortened
    assert name_width >= screen.lines.sizeHintForColumn(1)


# -- recorded units ---------------------------------------------------------------------------------

def test_units_latest_first_each_disposition_in_its_colour(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_inspecting())
    table = screen.units
    assert texts(table, 4) == [
        ["LPN00200000046", "TSHIRT-BLK-M", "B", "RESTOCK"],
        ["LPN00200000045", "CAP-RED · not on RMA", "D", "DISPOSE"],
        ["LPN00200000044", "HEADPHONES-BT", "B", "RESALE HOLD"],
        ["LPN00200000043", "MUG-BLUE-350", "D", "RETURN TO VENDOR"],
        ["LPN00200000042", "TSHIRT-BLK-M", "C", "REFURBISH"],
        ["LPN00200000041", "TSHIRT-BLK-M", "A", "RESTOCK"],
    ]
    for row, disposition in enumerate(("RESTOCK", "DISPOSE", "RESALE_HOLD", "RETURN_TO_VENDOR", "REFURBISH")):
        colours = style.DISPOSITIONS[disposition]
        item = cell(table, row, DISPOSITION_COLUMN)
        assert (background(item), item.foreground().color()) == (QColor(colours[0]), QColor(colours[1]))
    assert len({colours for colours in style.DISPOSITIONS.values()}) == 5  # five different colours
    assert background(cell(table, 1, 1)) == QColor(style.NOT_ON_RMA[0])  # the unit not on the RMA
    assert cell(table, 0, 1).background().style() == Qt.BrushStyle.NoBrush


def test_a_wrong_item_is_a_red_row_with_its_alert_under_it(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_wrong_item())
    table = screen.units
    assert table.rowCount() == 6  # five units and the alert
    red = QColor(style.WRONG_ITEM[0])
    wrong_row = [cell(table, 1, column).text() for column in range(3)]
    assert wrong_row == ["LPN00200000044", "HEADPHONES-BT", "B"]
    assert all(background(cell(table, 1, column)) == red for column in range(3))
    alert = cell(table, 2, 0)
    assert alert.text() == f"⚠ {samples.wrong_serial}"
    assert background(alert) == red and alert.font().bold()
    assert table.columnSpan(2, 0) == 4
    assert table.rowHeight(2) > table.rowHeight(1)  # wrapped: the whole alert shows
    others = [row for row in (0, 3, 4, 5) if background(cell(table, row, 0)) == red]
    assert others == []
    screen.render(samples.returns_inspecting())  # redrawn without the alert: no span, no tall row left
    assert table.rowCount() == 6 and table.columnSpan(2, 0) == 1
    assert {table.rowHeight(row) for row in range(6)} == {table.rowHeight(0)}
    assert table.itemDelegateForRow(2) is None


def test_six_units_fit_beside_the_unit_under_inspection(
    qtbot: Any, screen: ReturnsScreen, samples: Any
) -> None:
    screen.render(samples.returns_inspecting())
    laid_out(qtbot)
    table = screen.units
    last = table.visualItemRect(cell(table, 5, 0))
    assert last.bottom() <= table.viewport().height()
    assert not table.verticalScrollBar().isVisible()


# -- the unit under inspection ----------------------------------------------------------------------

def test_inspection_panel_shows_grade_defects_and_disposition(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_inspecting())
    panel = screen.inspection
    assert panel.isVisible() and screen.grade_pad.isVisible()
    assert (panel.name.full_text, panel.sku.full_text, panel.tracking.full_text) == (
        "Blue mug 350 ml", "MUG-BLUE-350", "Lot L2024-117")
    assert panel.expected.text() == "On the RMA"
    assert not panel.wrong_item.isVisible()
    assert panel.grade.text() == "Grade D"
    assert screen.grade_pad.current_grade() == "D"
    assert [b.is_current for b in screen.grade_pad.grade_buttons] == [False, False, False, True, False]
    on = ("packaging_damaged", "scratched")
    assert toggles(screen) == {code: code in on for code in samples.defect_codes}
    assert [t.text() for t in screen.grade_pad.defect_toggles[:2]] == [
        "☑ Packaging damaged", "☐ Missing accessories"]
    assert panel.disposition.text() == "RETURN TO VENDOR"
    painted = panel.disposition.grab().toImage().pixelColor(4, panel.disposition.height() // 2)
    assert painted == QColor(style.DISPOSITIONS["RETURN_TO_VENDOR"][0])


def test_a_unit_not_on_the_rma_and_not_graded_yet(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_unannounced())
    panel = screen.inspection
    assert panel.expected.text() == "NOT ON RMA"
    assert panel.expected.property("state") == "unexpected"
    assert not panel.tracking.isVisible()
    assert panel.grade.text() == "Grade: not yet"
    assert panel.disposition.text() == "—"
    assert screen.grade_pad.current_grade() is None
    assert not any(toggles(screen).values())


def test_a_wrong_item_under_inspection_has_a_big_banner(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_wrong_item())
    panel = screen.inspection
    assert panel.wrong_item.isVisible()
    assert panel.wrong_item.text() == f"⚠ {samples.wrong_serial}"
    assert panel.tracking.full_text == "Serial SN-77120"
    banner = panel.wrong_item.grab().toImage().pixelColor(6, panel.wrong_item.height() // 2)
    assert banner == QColor(style.WRONG_ITEM[0])


@pytest.mark.parametrize("sample", ["returns_inspecting", "returns_wrong_item", "returns_unannounced"])
def test_the_whole_grade_pad_fits_in_the_panel(
    qtbot: Any, screen: ReturnsScreen, samples: Any, sample: str
) -> None:
    screen.render(getattr(samples, sample)())
    laid_out(qtbot)
    panel = screen.inspection
    pad = screen.grade_pad
    assert all(inside(widget, panel) for widget in (*pad.grade_buttons, *pad.defect_toggles))
    for button in pad.grade_buttons:  # the meaning under the letter is not cut
        assert button.meaning.width() >= button.meaning.sizeHint().width()
    for toggle in pad.defect_toggles:
        assert toggle.width() >= toggle.sizeHint().width()


def test_without_a_unit_under_inspection_there_is_no_grade_pad(screen: ReturnsScreen, samples: Any) -> None:
    state = samples.returns_inspecting()
    screen.render(replace(state, returns=replace(state.returns, current=None)))
    assert not screen.inspection.isVisible() and not screen.grade_pad.isVisible()
    assert screen.units.isVisible()


def test_with_an_open_return_the_message_area_says_the_next_step(screen: ReturnsScreen, samples: Any) -> None:
    state = samples.returns_inspecting()
    screen.render(state)
    assert screen.message_area.message.text() == "Grade D: Blue mug 350 ml"
    assert screen.message_area.detail.text() == (
        "Disposition: return to vendor\nDefects or disposition, or scan the next item · CMD-DONE to finish")
    idle = replace(state, feedback=Feedback(level="idle", message=""),
                   returns=replace(state.returns, current=None))
    screen.render(idle)
    assert screen.message_area.message.text() == "Scan a returned item · CMD-DONE when all are in"


# -- presses reach the core as scans ----------------------------------------------------------------

def test_grade_and_defect_buttons_never_take_the_focus(screen: ReturnsScreen, samples: Any) -> None:
    screen.render(samples.returns_inspecting())
    pad = screen.grade_pad
    buttons: list[QWidget] = [*pad.grade_buttons, *pad.defect_toggles]
    assert len(buttons) == 13
    assert all(button.focusPolicy() == Qt.FocusPolicy.NoFocus for button in buttons)


def test_a_grade_press_submits_one_grade_scan_and_the_scan_input_keeps_the_focus(
    qtbot: Any, window: MainWindow, recorder: Any, samples: Any
) -> None:
    window.show_screen(samples.returns_inspecting())
    assert window.screens.currentWidget() is window.returns
    button = grade_button(window.returns, "B")
    assert button.childAt(button.letter.geometry().center()) is None  # a press on the letter is the button's
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [(scan.code, scan.source) for scan in recorder.scans] == [("GRADE-B", "touch")]
    assert window.scan_input.line_edit.hasFocus()
    # Nothing changes on the screen until the core says so: D is still the grade shown.
    assert window.returns.grade_pad.current_grade() == "D"


def test_a_defect_press_submits_its_command(
    qtbot: Any, window: MainWindow, recorder: Any, samples: Any
) -> None:
    window.show_screen(samples.returns_inspecting())
    toggle = next(t for t in window.returns.grade_pad.defect_toggles if t.defect == "missing_accessories")
    assert isinstance(toggle, DefectToggle) and not toggle.is_on
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert [(scan.code, scan.source) for scan in recorder.scans] == [("DEFECT-MISSING-ACCESSORIES", "touch")]
    assert defect_code("packaging_damaged") == "DEFECT-PACKAGING-DAMAGED"
    assert window.scan_input.line_edit.hasFocus()


def test_mode_returns_switches_from_the_packing_screen(window: MainWindow, samples: Any) -> None:
    window.show_screen(samples.in_progress())
    assert window.screens.currentWidget() is window.packing
    window.show_screen(samples.returns_inspecting())
    assert window.screens.currentWidget() is window.returns
    assert window.top_bar.mode.text() == "RETURNS"
    assert window.returns.header.title.text() == "RMA-5001"
    window.show_screen(samples.in_progress())
    assert window.screens.currentWidget() is window.packing


# -- pictures ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["returns-inspection", "returns-wrong-item"])
def test_save_screenshot_of_a_return(
    qtbot: Any, open_window: Callable[[Any], MainWindow], recorder: Any, samples: Any, shots_dir: Path,
    name: str,
) -> None:
    recorder.state = {"returns-inspection": samples.returns_inspecting,
                      "returns-wrong-item": samples.returns_wrong_item}[name]()
    recorder.current_status = StatusView(scanner="/dev/ttyACM0", backend="online", backend_ok=True,
                                         printer="Zebra ZD421")
    window = open_window(recorder)
    qtbot.waitUntil(lambda: not window.returns.message_area.is_flashing())
    path = save_screenshot(window, shots_dir / f"{name}.png")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)
