"""The hand-over screen drawn from real views: carrier buttons that reach the core as scans, the manifest
with its packages, what is still missing (amber once CMD-DONE asked), counts and weight; the top bar's
supervisor button; and the real window on the real core, with its picture at 1280×800.

Pictures go to $STATION_UI_SHOTS when set (handover-screen.png is the README's), else to a temporary folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QTableWidget

from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.views import (
    CarrierChoiceView,
    Feedback,
    HandoverView,
    ManifestLineView,
    Mode,
    OperatorView,
    ScreenState,
    StatusView,
)
from station.storage.cache import cache_order
from ui.app import make_window
from ui.handover_screen import HandoverScreen
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot
from ui.top_bar import TopBar

SUPERVISOR = OperatorView("EMP-9001", "Marta Kowalska", "supervisor")
PACKER = OperatorView("EMP-1001", "Ana Silva", "packer")
CARRIERS = (CarrierChoiceView("DHL", "CARRIER-DHL", 3, parked="MAN-PACK-01-00004"),
            CarrierChoiceView("UPS", "CARRIER-UPS", 1))
PACKAGES = (ManifestLineView("SO-100234", 1, "00340434161094042557", 712),
            ManifestLineView("SO-100234", 2, None, 480),
            ManifestLineView("SO-100235", 1, "00340434161094042564", None))
MISSING = (ManifestLineView("SO-100244", 1, "00340434161094042601", 900),)


def state(handover: HandoverView, operator: OperatorView | None = SUPERVISOR, **changes: Any) -> ScreenState:
    feedback = Feedback("ok", "+ SO-100235 package 1", "3 on the manifest, 1 still to scan", "success")
    return replace(ScreenState("PACK-01", "handover", operator, None, feedback, handover=handover), **changes)


def manifest(**changes: Any) -> HandoverView:
    view = HandoverView(CARRIERS, "MAN-PACK-01-00005", "DHL", PACKAGES, MISSING)
    return replace(view, **changes)


def texts(table: QTableWidget) -> list[list[str]]:
    return [[table.item(row, column).text() for column in range(table.columnCount())]  # type: ignore[union-attr]
            for row in range(table.rowCount())]


def test_carrier_buttons_submit_the_carrier_barcode(qtbot: Any, styled_app: Any) -> None:
    scans: list[Scan] = []
    screen = HandoverScreen(submit=scans.append)
    qtbot.addWidget(screen)
    screen.render(state(HandoverView(CARRIERS)))
    assert not screen.manifest_panel.isVisibleTo(screen) and screen.carriers.isVisibleTo(screen)
    assert [b.text() for b in screen.carriers.buttons] == [
        "DHL\n3 packages today\nMAN-PACK-01-00004 put aside", "UPS\n1 package today"]
    screen.carriers.buttons[1].click()
    assert [(s.code, s.source) for s in scans] == [("CARRIER-UPS", "touch")]
    buttons = list(screen.carriers.buttons)
    screen.render(state(HandoverView(CARRIERS)))  # the same carriers: the same buttons
    assert screen.carriers.buttons == buttons
    screen.render(state(HandoverView()))
    assert screen.carriers.buttons == [] and screen.carriers.empty.isVisibleTo(screen)


def test_the_manifest_shows_packages_missing_ones_counts_and_weight(qtbot: Any, styled_app: Any) -> None:
    screen = HandoverScreen()
    qtbot.addWidget(screen)
    screen.render(state(manifest()))
    assert screen.manifest_panel.isVisibleTo(screen) and not screen.carriers.isVisibleTo(screen)
    assert (screen.carrier.text(), screen.manifest_id.text()) == ("DHL", "Manifest MAN-PACK-01-00005")
    assert screen.count.text() == "3 packages"
    assert screen.weight.text() == "1\u2009192 g (1 not weighed)"
    assert texts(screen.scanned) == [
        ["1", "SO-100234", "1", "00340434161094042557", "712 g"],
        ["2", "SO-100234", "2", "— station label", "480 g"],
        ["3", "SO-100235", "1", "00340434161094042564", "—"]]
    assert screen.missing_title.text() == "Not scanned yet: 1"
    assert texts(screen.missing) == [["SO-100244", "1", "00340434161094042601"]]
    assert screen.missing_title.property("state") == ""
    screen.render(state(manifest(closing=True)))  # CMD-DONE asked: the missing ones stand out
    assert screen.missing_title.property("state") == "closing"
    assert screen.missing.item(0, 0).background().color() == QColor("#ffe082")  # type: ignore[union-attr]
    screen.render(state(manifest(missing=())))
    assert screen.missing_title.text() == "Nothing missing ✓" and screen.missing.rowCount() == 0


def test_signed_out_the_message_is_the_whole_screen(qtbot: Any, styled_app: Any) -> None:
    screen = HandoverScreen()
    qtbot.addWidget(screen)
    screen.render(state(HandoverView(CARRIERS), operator=None))
    assert not screen.carriers.isVisibleTo(screen) and not screen.manifest_panel.isVisibleTo(screen)


@pytest.mark.parametrize(("operator", "mode", "command"), [
    (SUPERVISOR, "pack", "CMD-MODE-HANDOVER"),
    (SUPERVISOR, "returns", "CMD-MODE-HANDOVER"),
    (SUPERVISOR, "handover", "CMD-MODE-PACK"),
    (PACKER, "pack", None),
    (None, "pack", None),
])
def test_the_top_bar_button_is_a_supervisors(qtbot: Any, styled_app: Any, operator: OperatorView | None,
                                             mode: Mode, command: str | None) -> None:
    scans: list[Scan] = []
    bar = TopBar(submit=scans.append)
    qtbot.addWidget(bar)
    bar.render(replace(state(HandoverView(), operator=operator), mode=mode))
    assert bar.mode_button.isVisibleTo(bar) == (command is not None)
    if command is not None:
        bar.mode_button.click()
        assert [(s.code, s.source) for s in scans] == [(command, "touch")]


def test_the_window_shows_the_hand_over_screen_in_hand_over_mode(qtbot: Any, styled_app: Any,
                                                                  recorder: Any) -> None:
    recorder.state = state(manifest())
    window = make_window(recorder)
    qtbot.addWidget(window)
    assert window.screens.currentWidget() is window.handover
    assert window.top_bar.mode.text() == "HAND-OVER"
    assert window.top_bar.mode_button.text() == "To packing"


# -- the real window on the real core -----------------------------------------------------------------

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    prints = f"pdf:{tmp_path / 'prints'}"
    config = replace(validate({"database": {"url": f"sqlite:///{tmp_path / 'station.db'}"},
                               "printers": {"label": {"target": prints}, "document": {"target": prints}}}),
                     data_dir=tmp_path)
    app = build_station(config, catalog_file=DATA["catalog"])
    app.desk.packing.p.today = lambda: date(2026, 11, 22)
    with app.db.unit_of_work() as session:
        for order in DATA["orders"]:
            cache_order(session, order)
    app.start()
    yield app
    app.stop()


def run(station: Station, *codes: str) -> None:
    for code in codes:
        station.core.submit_scan(Scan(code))
    assert station.core.wait_idle()


def pack_demo_orders(station: Station) -> None:
    """Three DHL parcels (SO-100234 in two boxes, SO-100235), a UPS one (SO-100236); inserts left out."""
    run(station, "EMP-1001")
    for order, codes in (("SO-100234", ("BOX-S", "4006381333931", "4006381333931", "CMD-NEW-BOX", "BOX-M",
                                        "KIT-GIFTSET-1")),
                         ("SO-100235", ("BOX-L", "8034512000120", "4260657810032", "4260657810032",
                                        "5601234100051", "5601234100051", "90387159")),
                         ("SO-100236", ("840632110421", "HB1A24K09999", "5906123000451", "5906123000451"))):
        run(station, order, *codes)
        while station.core.screen_state().order is not None:
            run(station, "CMD-SKIP-INSERT")


def test_a_hand_over_on_the_real_core_and_its_picture(qtbot: Any, open_window: Callable[[Any], MainWindow],
                                                      station: Station, shots_dir: Path) -> None:
    pack_demo_orders(station)
    window = open_window(station)
    run(station, "EMP-9001")
    qtbot.waitUntil(lambda: window.top_bar.mode_button.isVisible())
    window.top_bar.mode_button.click()  # the supervisor's button: hand-over mode
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.handover)
    qtbot.waitUntil(lambda: len(window.handover.carriers.buttons) == 2)
    qtbot.wait(50)  # the top bar's new button text settles in its layout
    save_screenshot(window, shots_dir / "handover-carriers.png")
    window.handover.carriers.buttons[0].click()  # DHL, by touch
    qtbot.waitUntil(lambda: window.handover.manifest_panel.isVisible())
    run(station, "00340434161094042557", "SO-100234", "1Z4E82A96812345670")  # the UPS parcel is refused
    qtbot.waitUntil(lambda: window.handover.scanned.rowCount() == 2)
    qtbot.waitUntil(lambda: window.handover.message_area.level == "error")
    assert "goes with UPS" in window.handover.message_area.message.text()
    run(station, "CMD-DONE")
    qtbot.waitUntil(lambda: window.handover.missing_title.property("state") == "closing")
    assert texts(window.handover.missing) == [["SO-100235", "1", "00340434161094042564"]]
    window.status_bar.render(StatusView(scanner="/dev/ttyACM0", backend="online", backend_ok=True,
                                        events_waiting=3, printer="PDF prints"))
    qtbot.waitUntil(lambda: not window.handover.message_area.is_flashing())
    image = QImage(str(save_screenshot(window, shots_dir / "handover-screen.png")))
    assert (image.width(), image.height()) == (1280, 800)
    run(station, "CMD-DONE")
    qtbot.waitUntil(lambda: "closed: 2 packages to DHL" in window.handover.message_area.message.text())
    assert window.handover.carriers.isVisible()
