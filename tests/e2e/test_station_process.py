"""The station as a process, driven only from outside: its config file, a serial scanner on a
pseudo-terminal, the backend API and the printer target (the way a site would run it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.config import load_config
from tests.e2e.conftest import Backend, PtyScanner, wait_for, write_config
from tests.e2e.station_process import ROOT, port_is_open


def station(*args: str, **kwargs: object) -> list[str]:
    return [sys.executable, "-m", "ui.launch", *args]


def test_gui_process_packs_an_order_scanned_on_a_serial_scanner(
        tmp_path: Path, backend: Backend, pty_scanner: PtyScanner) -> None:
    config = write_config(tmp_path, backend.url, pty_scanner.port)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(station("gui", "--config", str(config)), cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: port_is_open(process.pid, pty_scanner.port), what="the scanner port opened")
        time.sleep(0.3)  # the reader clears the port's input when it opens it
        for code in ("EMP-1002", "SO-100235", "8034512000120", "4260657810032", "5601234100051",
                     "90387159", "5601234100051"):
            pty_scanner.scan(code)
            time.sleep(0.15)  # a person scans slower than the 100 ms bounce window
        pty_scanner.scan("]E04260657810032")  # the second candle, with its AIM identifier
        # The inserts: the care card for a scarf, then skip whatever else is planned (the
        # seasonal insert depends on the date); a skip after the order closed is only refused.
        for code in ("INS-CARE", "CMD-SKIP-INSERT", "CMD-SKIP-INSERT"):
            time.sleep(0.15)
            pty_scanner.scan(code)
        wait_for(lambda: backend.server.notifications(), what="the backend's notification")
        prints_dir = tmp_path / "prints"
        wait_for(lambda: prints_dir.is_dir() and len(list(prints_dir.glob("*.pdf"))) == 2,
                 what="the slip and the label")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert "Traceback" not in stderr, stderr
    assert backend.server.notifications() == [
        "notify customer Ελένη Παπαδοπούλου <eleni.papadopoulou@example.gr>: order SO-100235 packed "
        "at PACK-01 (1 package)"]
    [event] = backend.events()
    assert event["data"]["operator"] == {"badge": "EMP-1002", "name": "Jonas Becker"}
    prints = sorted(p.name for p in (tmp_path / "prints").iterdir())
    assert len(prints) == 2 and all(name.endswith("-SO-100235.pdf") for name in prints)


def test_check_reports_each_part(tmp_path: Path, backend: Backend, pty_scanner: PtyScanner) -> None:
    config = write_config(tmp_path, backend.url, pty_scanner.port)
    result = subprocess.run(station("check", "--config", str(config)), cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["config", "database", "backend", "scanner",
                                                   "scale", "printer", "printer", "printer"]
    assert all(" ok " in line for line in lines)

    missing = write_config(tmp_path, backend.url, str(tmp_path / "no-such-port"))
    result = subprocess.run(station("check", "--config", str(missing)), cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    [scanner_line] = [line for line in result.stdout.splitlines() if line.startswith("scanner")]
    assert "FAIL" in scanner_line and "no-such-port" in scanner_line


@pytest.mark.parametrize("scale", [False, True])
def test_demo_window_comes_up_from_its_profiles_config_file(tmp_path: Path, scale: bool) -> None:
    shot = tmp_path / "demo.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = ("demo", "--profile-dir", str(tmp_path / "demos"), "--screenshot", str(shot))
    result = subprocess.run(station(*args, *(["--scale"] if scale else [])),
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    assert "reference backend: http://127.0.0.1:" in result.stdout
    [profile] = (tmp_path / "demos").iterdir()
    config = load_config(profile / "config.toml")
    assert f"configuration: {profile / 'config.toml'}" in result.stdout.splitlines()
    assert config.backend.token_file == str(profile / "backend-token")
    assert bool(config.scale.port) == scale
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size[0] >= 1000 and image.size[1] >= 700
        assert len(image.getcolors(maxcolors=1_000_000) or []) > 10  # drawn, not a blank window


def test_without_a_display_the_window_commands_say_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(station("demo", "--profile-dir", str(tmp_path)), cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no display" in result.stderr
    assert not list(tmp_path.iterdir())  # nothing was started or made


def test_check_asks_the_scale_for_a_weight(tmp_path: Path, backend: Backend) -> None:
    from tests.devices.scale_simulators import ScaleSimulator

    scale = ScaleSimulator("nci", grams=1234.0, mode="stable")
    try:
        path = write_config(tmp_path, backend.url)
        path.write_text(path.read_text(encoding="utf-8").replace(
            "[printers.label]", f'[scale]\nport = "{scale.path}"\nprotocol = "nci"\n\n[printers.label]'),
            encoding="utf-8")
        result = subprocess.run(station("check", "--config", str(path)), cwd=ROOT, capture_output=True,
                                text=True, timeout=60)
        [line] = [line for line in result.stdout.splitlines() if line.startswith("scale")]
        assert result.returncode == 0, result.stdout
        assert " ok " in line and "1234" in line.replace(",", "").replace(" ", "") and "stable" in line
        scale.set("silent")
        result = subprocess.run(station("check", "--config", str(path)), cwd=ROOT, capture_output=True,
                                text=True, timeout=60)
        [line] = [line for line in result.stdout.splitlines() if line.startswith("scale")]
        assert result.returncode == 1 and "FAIL" in line
    finally:
        scale.close()
