"""The packing screen, the top bar and the status bar drawn from real views."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from station.services.views import Feedback, StatusView
from tests.ui.helpers import cell, shown
from ui import style
from ui.message_area import MessageArea
from ui.packing_screen import KIT_INDENT, PackingScreen
from ui.status_bar import StatusBar
from ui.top_bar import TopBar


def painted_background(area: MessageArea) -> QColor:
    """The colour actually drawn at the left edge of the message area, halfway down."""
    image = area.grab().toImage()
    return image.pixelColor(8, image.height() // 2)


@pytest.fixture
def screen(qtbot: Any, styled_app: Any) -> PackingScreen:
    return shown(qtbot, PackingScreen())


def test_signed_out_asks_for_a_badge_on_blue_grey(screen: PackingScreen, samples: Any) -> None:
    screen.render(samples.signed_out())
    assert screen.message_area.message.text() == "Scan your badge to sign in"
    assert screen.message_area.level == "idle"
    assert painted_background(screen.message_area) == QColor(style.LEVELS["idle"].background)
    assert not screen.order_panel.isVisible()


def test_signed_in_without_order_asks_for_an_order(screen: PackingScreen, samples: Any) -> None:
    screen.render(samples.no_order())
    assert screen.message_area.message.text() == "Scan an order number"
    assert not screen.order_panel.isVisible()


def test_a_hint_that_is_the_prompt_is_shown_once(screen: PackingScreen, samples: Any) -> None:
    signed_in = replace(samples.no_order(), feedback=Feedback("ok", "Signed in: Ana Silva",
                                                             "Scan an order number"))
    screen.render(signed_in)
    assert screen.message_area.message.text() == "Signed in: Ana Silva"
    assert screen.message_area.detail.text() == "Scan an order number"


def test_half_counted_order_shows_header_progress_and_lines(screen: PackingScreen, samples: Any) -> None:
    screen.render(samples.in_progress())
    header = screen.header
    assert header.order_number.text() == "SO-100234"
    assert header.customer.text() == "Алексей Смирнов"
    assert header.ship_to.text() == "Ship to: Алексей Смирнов, Thessaloniki, GR"
    assert header.carrier.text() == "DHL · Express"
    assert header.progress.text() == "7 / 9 units"
    assert (header.progress_bar.value(), header.progress_bar.maximum()) == (7, 9)
    assert header.gift.isVisible() and header.gift.text() == "Gift message: Happy birthday, Lena!"
    assert not header.notes.isVisible()
    assert screen.documents.text() == "Last printed: printer-1"


def test_lines_table_colours_done_lines_and_indents_kit_components(
    screen: PackingScreen, samples: Any
) -> None:
    screen.render(samples.in_progress())
    table = screen.table
    pad = " " * len(KIT_INDENT)
    rows = [[cell(table, row, col).text() for col in range(4)] for row in range(table.rowCount())]
    assert rows == [
        ["MUG-BLUE-350", "Blue mug 350 ml", "3", "3  ✓"],
        ["TEE-ORG-M", "Organic tee, size M", "4", "3"],
        ["KIT-WELCOME", "Welcome kit", "2", "1"],
        [f"{pad}CANDLE-SOY", f"{KIT_INDENT}Soy candle", "2", "2  ✓"],
        [f"{pad}SOAP-LAV", f"{KIT_INDENT}Lavender soap", "2", "1"],
    ]
    green = QColor(style.DONE_ROW)
    done = [cell(table, row, 0).background().color() == green for row in range(table.rowCount())]
    assert done == [True, False, False, True, False]
    assert cell(table, 1, 0).background().style() == Qt.BrushStyle.NoBrush  # in progress: neutral


def test_notes_show_when_present(screen: PackingScreen, samples: Any) -> None:
    state = samples.in_progress()
    screen.render(replace(state, order=samples.order(gift_message=None, notes="Fragile: double box")))
    assert screen.header.notes.text() == "Notes: Fragile: double box"
    assert not screen.header.gift.isVisible()


def test_error_feedback_turns_the_message_area_red_and_keeps_the_prompt(
    screen: PackingScreen, samples: Any
) -> None:
    screen.render(samples.error())
    area = screen.message_area
    assert area.message.text() == "Not on this order"
    assert area.detail.text() == "4006381333931 · Stapler, black\nScan the next item"
    assert painted_background(area) == QColor(style.LEVELS["error"].background)
    assert area.message.font().pointSize() >= 28 and area.message.font().bold()


@pytest.mark.parametrize("level", ["ok", "warn", "info"])
def test_each_level_has_its_colour(screen: PackingScreen, samples: Any, level: str) -> None:
    feedback = Feedback(level=level, message=f"a {level} message")  # type: ignore[arg-type]
    screen.render(replace(samples.in_progress(), feedback=feedback))
    assert painted_background(screen.message_area) == QColor(style.LEVELS[level].background)


def test_flash_shows_a_stronger_colour_then_the_normal_one(
    qtbot: Any, screen: PackingScreen, samples: Any
) -> None:
    screen.render(samples.error())
    screen.flash()
    area = screen.message_area
    assert painted_background(area) == QColor(style.LEVELS["error"].flash)
    qtbot.waitUntil(lambda: not area.is_flashing(), timeout=2000)
    assert painted_background(area) == QColor(style.LEVELS["error"].background)


def test_top_bar_shows_station_operator_and_mode(qtbot: Any, styled_app: Any, samples: Any) -> None:
    bar = shown(qtbot, TopBar())
    bar.render(samples.signed_out())
    assert (bar.station.text(), bar.operator.text(), bar.mode.text()) == (
        "Station PACK-01",
        "not signed in",
        "PACKING",
    )
    bar.render(replace(samples.no_order(), mode="returns"))
    assert (bar.operator.text(), bar.mode.text()) == ("Μαρία Παπαδοπούλου (packer)", "RETURNS")


def test_status_bar_colours_each_part_by_its_flag(qtbot: Any, styled_app: Any) -> None:
    bar = shown(qtbot, StatusBar())
    bar.render(StatusView())
    assert [part.full_text for part in bar.parts()] == [
        "Scanner: keyboard",
        "Backend: offline",
        "Events waiting: 0",
        "Printer: none",
    ]
    assert [part.ok for part in bar.parts()] == [True, False, True, True]
    status = StatusView(
        scanner="/dev/ttyACM0 lost",
        scanner_ok=False,
        backend="online",
        backend_ok=True,
        events_waiting=12,
        dead_letters=2,
        printer="Zebra ZD421",
        printer_ok=False,
    )
    bar.render(status)
    assert bar.events.full_text == "Events waiting: 12 · dead letters: 2"
    assert [part.ok for part in bar.parts()] == [False, True, False, False]
    red = QColor(style.BAD_PART)
    assert bar.scanner.grab().toImage().pixelColor(10, 10) == red


def test_a_status_text_too_long_for_its_part_is_shortened_not_widening(qtbot: Any, styled_app: Any) -> None:
    bar = shown(qtbot, StatusBar())
    bar.resize(900, bar.height())
    long_name = "scanner lost: /dev/serial/by-id/usb-Honeywell_Imaging_1902GSR-if00"
    bar.render(StatusView(scanner=long_name, scanner_ok=False))
    qtbot.waitUntil(lambda: bar.scanner.text().endswith("…"))
    assert bar.scanner.toolTip() == f"Scanner: {long_name}"
    assert bar.width() == 900
