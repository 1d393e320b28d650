"""The settings screen in the real window on a real station started from a real config file: opened by
a supervisor from the top bar, ports picked from those present, test prints, Save refusing a bad value
inline (the file untouched) and saving a good one with its comments kept and the token in the keyring.

The ports "present" are real pseudo-terminals; only the operating system's list of serial ports is
stood in for (serial.tools.list_ports.comports), since a test machine has no USB scanner plugged in.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo
from sqlalchemy import select

from station.bootstrap import Station, build_station
from station.config import load_config
from station.storage.models import AuditRow
from station.sync.client import KEYRING_SERVICE, KEYRING_USER
from tests.station.services.keyrings import MemoryKeyring, use_memory_keyring
from tests.station.services.shift import DATA
from tests.ui.helpers import NotingStation, choose_supervisor_screen, sign_in
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot

SCREENSHOT = Path("/tmp/settings-screen.png")
TOKEN = "tok-Ui5mQ2x8Rt1"


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    yield from use_memory_keyring(monkeypatch)


@pytest.fixture
def ttys(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ListPortInfo]]:
    """Two pseudo-terminals listed as the serial ports present; the list may grow during a test."""
    opened: list[int] = []
    ports: list[ListPortInfo] = []
    for description in ("Honeywell 1950g scanner", "Mettler Toledo PS60 scale"):
        main, other = os.openpty()
        opened += [main, other]
        port = ListPortInfo(os.ttyname(other), skip_link_detection=True)
        port.description = description
        ports.append(port)
    monkeypatch.setattr(list_ports, "comports", lambda *_args, **_kw: list(ports))
    yield ports
    for fd in opened:
        os.close(fd)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(f"""\
# Packing station 1
[station]
id = "PACK-01"  # printed on every label

[database]
url = "sqlite:///{tmp_path / 'station.sqlite'}"

[backend]
url = ""  # offline until the site's backend is up

[printers.label]
target = "pdf:{tmp_path / 'labels'}"  # the label printer is not delivered yet
""", encoding="utf-8")
    return path


@pytest.fixture
def station(config_file: Path, tmp_path: Path, memory_keyring: MemoryKeyring,
            ttys: list[ListPortInfo]) -> Iterator[Station]:
    app = build_station(replace(load_config(config_file), data_dir=tmp_path), catalog_file=DATA["catalog"])
    app.start()
    yield app
    app.stop()


@pytest.fixture
def window(qtbot: Any, open_window: Callable[[Any], MainWindow], core: NotingStation) -> MainWindow:
    win = open_window(core)
    sign_in(qtbot, win, "EMP-9001", "Marta Kowalska")
    choose_supervisor_screen(qtbot, win, "Settings")
    settle(qtbot, win)
    return win


def settle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.settings.busy())


def click(qtbot: Any, window: MainWindow, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)


def test_the_form_shows_the_file_and_the_ports_present(qtbot: Any, window: MainWindow, core: NotingStation,
                                                       config_file: Path, tmp_path: Path,
                                                       ttys: list[ListPortInfo]) -> None:
    screen = window.settings
    assert window.screens.currentWidget() is screen and screen.isVisible()
    assert screen.url.text() == "" and screen.targets["label"].text() == f"pdf:{tmp_path / 'labels'}"
    assert screen.targets["document"].placeholderText() == f"default: pdf:{tmp_path / 'prints'}"
    assert screen.token.echoMode() == QLineEdit.EchoMode.Password
    assert screen.token_hint.text() == "Token: not set"
    assert screen.baudrate.currentText() == "9600" and screen.protocol.currentData() == "sics"
    listed = [screen.scanner_port.itemText(i) for i in range(screen.scanner_port.count())]
    assert listed == ["", *sorted(p.device for p in ttys)]
    assert str(config_file) in screen.where.text() and "restarted" in screen.where.text()
    assert core.threads and threading.main_thread().name not in core.threads
    assert window.scan_input.line_edit.hasFocus()


def test_a_bad_value_is_said_inline_and_nothing_is_saved(
        qtbot: Any, window: MainWindow, config_file: Path, memory_keyring: MemoryKeyring) -> None:
    screen, before = window.settings, config_file.read_bytes()
    screen.url.setText("http://backend.example.com")
    screen.token.setText(TOKEN)
    click(qtbot, window, screen.save_button)
    assert screen.notice.text() == ("config: backend.url: plain http is only allowed to a loopback host; "
                                    "use https (or set backend.allow_insecure_http = true)")
    assert screen.notice.property("state") == "error" and screen.notice.isVisible()
    assert QApplication.activeModalWidget() is None  # said on the screen, no dialog to click away
    assert config_file.read_bytes() == before and memory_keyring.passwords == {}
    screen.url.setText("https://backend.example.com")
    screen.targets["item"].setText("lpr:office")
    click(qtbot, window, screen.save_button)
    assert screen.notice.text().startswith("config: printers.item.target: ")
    assert config_file.read_bytes() == before


def test_a_good_change_is_saved_with_comments_and_the_token_in_the_keyring(
        qtbot: Any, window: MainWindow, station: Station, config_file: Path, memory_keyring: MemoryKeyring,
        ttys: list[ListPortInfo]) -> None:
    screen = window.settings
    screen.url.setText("https://backend.example.com")
    screen.token.setText(TOKEN)
    screen.scanner_port.setEditText(ttys[0].device)
    assert screen.scanner_hint.text() == "Honeywell 1950g scanner"
    screen.scale_port.setCurrentIndex(2)
    screen.protocol.setCurrentIndex(screen.protocol.findData("nci"))
    screen.tolerance_g.setValue(35)
    screen.paper.setCurrentText("Letter")
    click(qtbot, window, screen.save_button)
    assert screen.notice.property("state") == "ok", screen.notice.text()
    assert screen.notice.text() == (
        f"Saved to {config_file}: backend.url, scanner.port, scale.port, scale.protocol, scale.tolerance_g, "
        "printers.document.paper and the backend token (in the system keyring). "
        "The station uses them after a restart.")
    text = config_file.read_text(encoding="utf-8")
    assert 'url = "https://backend.example.com"  # offline until the site\'s backend is up' in text
    assert "# the label printer is not delivered yet" in text and TOKEN not in text
    config = load_config(config_file)
    assert (config.scanner.port, config.scale.port, config.scale.protocol) == (
        ttys[0].device, ttys[1].device, "nci")
    assert memory_keyring.passwords == {(KEYRING_SERVICE, KEYRING_USER): TOKEN}
    assert screen.token.text() == "" and screen.token_hint.text() == "Token: saved in the system keyring"
    assert station.config.backend.url == ""  # the running station keeps its config until restarted
    with station.db.read() as s:
        [row] = s.scalars(select(AuditRow).where(AuditRow.action == "settings.changed"))
    assert row.operator_badge == "EMP-9001" and "backend token" in row.detail["keys"]
    assert TOKEN not in str(row.detail)


def test_refresh_lists_a_port_plugged_in_since(qtbot: Any, window: MainWindow,
                                               ttys: list[ListPortInfo]) -> None:
    screen = window.settings
    screen.scale_port.setEditText("/dev/ttyNOT-THERE")
    assert screen.scale_hint.text() == "not present on this machine"
    main, other = os.openpty()
    try:
        plugged = ListPortInfo(os.ttyname(other), skip_link_detection=True)
        plugged.description = "CAS PD-II scale"
        ttys.append(plugged)
        click(qtbot, window, screen.refresh_button)
        listed = [screen.scale_port.itemText(i) for i in range(screen.scale_port.count())]
        assert plugged.device in listed and screen.notice.text() == "3 serial port(s) present"
        assert screen.scale_port.currentText() == "/dev/ttyNOT-THERE"  # what was typed stays
    finally:
        os.close(main)
        os.close(other)


def test_a_test_print_per_printer(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    screen = window.settings
    click(qtbot, window, screen.test_buttons["label"])
    [label] = (tmp_path / "labels").iterdir()
    assert screen.test_results["label"].text() == f"Test page sent to {label}"
    assert screen.test_results["label"].property("state") == "ok"
    screen.targets["item"].setText(f"zpl:{tmp_path / 'zpl'}")  # tried before it is saved
    click(qtbot, window, screen.test_buttons["item"])
    [item] = (tmp_path / "zpl").iterdir()
    assert item.suffix == ".zpl" and item.read_text(encoding="ascii").startswith("^XA^CI28^PW406^LL203")
    click(qtbot, window, screen.test_buttons["document"])  # empty: the default folder
    assert len(list((tmp_path / "prints").iterdir())) == 1
    screen.targets["document"].setText("zpl+tcp://127.0.0.1:1")
    click(qtbot, window, screen.test_buttons["document"])
    assert screen.test_results["document"].text().startswith("The test page did not print: ")
    assert screen.test_results["document"].property("state") == "error"
    if SCREENSHOT.parent.is_dir():
        save_screenshot(window, SCREENSHOT)


def test_a_scan_closes_the_screen_and_a_packer_cannot_open_it(qtbot: Any, window: MainWindow) -> None:
    sign_in(qtbot, window, "EMP-1001", "Ana Silva")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.packing)
    assert not window.top_bar.supervisor_button.isVisible()
    window.open_panel(window.settings)  # even asked directly, the station refuses a packer
    settle(qtbot, window)
    assert window.settings.notice.text() == \
        "Could not read the settings: only a signed-in supervisor may do this"
