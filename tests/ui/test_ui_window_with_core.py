"""The real window on the real core of a demo profile: a demo order packed by typing into the scan field,
and the settings screen saving to the profile's config.toml, never to the system keyring."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt

from station.bootstrap import Station, build_station
from station.config import load_config
from station.demo import demo_config, start_demo_backend
from station.refbackend import ReferenceBackend
from tests.ui.helpers import choose_supervisor_screen, sign_in
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Station, ReferenceBackend, Path]]:
    backend = start_demo_backend(tmp_path)
    station = build_station(demo_config(tmp_path, backend.url))
    station.start()
    yield station, backend, tmp_path
    station.stop()
    backend.stop()


def type_scan(qtbot: Any, window: MainWindow, code: str) -> None:
    window.scan_input.line_edit.setFocus()
    qtbot.keyClicks(window.scan_input.line_edit, code)
    qtbot.keyClick(window.scan_input.line_edit, Qt.Key.Key_Return)


def message(window: MainWindow) -> str:
    return window.packing.message_area.message.text()


def test_typed_scans_pack_a_demo_order(qtbot: Any, open_window: Callable[[Any], MainWindow],
                                       demo: tuple[Station, ReferenceBackend, Path]) -> None:
    station, backend, profile = demo
    window = open_window(station.core)
    qtbot.waitUntil(lambda: "Scan your badge" in message(window))

    type_scan(qtbot, window, "EMP-1001")
    qtbot.waitUntil(lambda: "Ana Silva" in window.top_bar.operator.text())
    type_scan(qtbot, window, "SO-100234")
    qtbot.waitUntil(lambda: window.packing.header.order_number.text() == "SO-100234")
    assert "Zoë Müller" in window.packing.header.customer.text()
    assert window.scan_input.line_edit.text() == ""  # the field is ready for the next scan

    type_scan(qtbot, window, "4006381333931")
    qtbot.waitUntil(lambda: window.packing.table.item(0, 3).text().startswith("1"))
    type_scan(qtbot, window, "5906123000451")  # socks are not on this order
    qtbot.waitUntil(lambda: "not on order" in message(window))
    assert window.packing.message_area.level == "error"
    assert window.packing.table.item(0, 3).text().startswith("1")  # not counted

    type_scan(qtbot, window, "4006381333931")
    qtbot.waitUntil(lambda: window.packing.header.progress.text().startswith("2 / 3"))
    if shots := os.environ.get("STATION_UI_SHOTS"):
        save_screenshot(window, Path(shots) / "demo-in-progress.png")
    assert window.scan_input.line_edit.hasFocus()

    type_scan(qtbot, window, "KIT-GIFTSET-1")
    qtbot.waitUntil(lambda: "put in" in window.packing.message_area.detail.text())
    while "put in" in window.packing.message_area.detail.text():  # leave out today's inserts
        skipped = message(window)
        type_scan(qtbot, window, "CMD-SKIP-INSERT")
        qtbot.waitUntil(lambda before=skipped: message(window) != before)
    qtbot.waitUntil(lambda: "SO-100234 packed" in message(window), timeout=10_000)
    assert window.packing.message_area.level == "ok"
    qtbot.waitUntil(lambda: bool(backend.notifications()), timeout=10_000)
    assert "order SO-100234 packed" in backend.notifications()[0]
    printed = sorted(p.name for p in (profile / "prints").iterdir())
    assert any("packing-slip-SO-100234" in name for name in printed)
    assert "packing-slip" in window.packing.documents.text()  # links to open the PDFs
    qtbot.waitUntil(lambda: window.status_bar.backend.full_text == "Backend: online")


def test_the_demos_settings_screen_edits_its_profile_file_and_refuses_a_token(
        qtbot: Any, open_window: Callable[[Any], MainWindow], demo: tuple[Station, ReferenceBackend, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    station, _, profile = demo
    stored: list[str] = []
    monkeypatch.setattr(keyring, "set_password", lambda *args: stored.append("set"))
    window = open_window(station)
    sign_in(qtbot, window, "EMP-9001", "Marta Kowalska")
    choose_supervisor_screen(qtbot, window, "Settings")
    screen = window.settings
    qtbot.waitUntil(lambda: screen.current is not None and not screen.busy())
    assert screen.where.text().startswith(f"Settings file: {profile / 'config.toml'}.")
    assert screen.token_hint.text() == f"Token: read from {profile / 'backend-token'} (backend.token_file)"
    before = (profile / "config.toml").read_bytes()

    screen.token.setText("tok-demo-8Qw")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy() and screen.notice.text() != "Saving…")
    assert screen.notice.text().startswith("config: backend.token_file: the station reads its token from")
    assert (profile / "config.toml").read_bytes() == before and stored == []

    screen.token.clear()
    screen.baudrate.setEditText("19200")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy() and screen.notice.text() != "Saving…")
    assert screen.notice.text().startswith(f"Saved to {profile / 'config.toml'}: scanner.baudrate.")
    assert load_config(profile / "config.toml").scanner.baudrate == 19200 and stored == []
