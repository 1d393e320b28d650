"""SerialScanner against real pseudo-terminals (and pyserial loop:// and socket:// URLs)."""

from __future__ import annotations

import os
import queue
import socket
import threading
import time
import tty
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import serial

from devices.scanner import ScannerError, SerialScanner, check_port
from station.domain.scan import Scan
from tests.devices.reader_support import TIMEOUT, StateRecorder, symlink


@dataclass
class Pty:
    master: int
    slave: int
    path: str
    closed: set[int] = field(default_factory=set)

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self, fd: int) -> None:
        if fd not in self.closed:
            self.closed.add(fd)
            os.close(fd)


class Recorder(StateRecorder):
    """Collects what the scanner reports, and lets a test wait for it."""

    def __init__(self) -> None:
        super().__init__()
        self.scans: queue.Queue[Scan] = queue.Queue()

    def next_scan(self) -> Scan:
        return self.scans.get(timeout=TIMEOUT)

    def next_error(self) -> str:
        return self.errors.get(timeout=TIMEOUT)


@pytest.fixture
def make_pty() -> Iterator[Callable[[], Pty]]:
    made: list[Pty] = []

    def make() -> Pty:
        master, slave = os.openpty()
        # Raw from the start: bytes written before the reader configures the port must not
        # have CR turned into LF by the line discipline.
        tty.setraw(slave)
        pty = Pty(master, slave, os.ttyname(slave))
        made.append(pty)
        return pty

    yield make
    for pty in made:
        pty.close(pty.master)
        pty.close(pty.slave)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def run_scanner(recorder: Recorder) -> Iterator[Callable[..., SerialScanner]]:
    started: list[SerialScanner] = []

    def run(port: str, **kwargs: Any) -> SerialScanner:
        on_scan = kwargs.pop("on_scan", recorder.scans.put)
        scanner = SerialScanner(port, 9600, on_scan, recorder.errors.put, recorder.on_state, **kwargs)
        scanner.start()
        started.append(scanner)
        return scanner

    yield run
    for scanner in started:
        scanner.stop()


def test_frames_split_across_writes_with_every_terminator(
    make_pty: Callable[[], Pty], recorder: Recorder, run_scanner: Callable[..., SerialScanner]
) -> None:
    pty = make_pty()
    run_scanner(pty.path, source="bench")
    recorder.wait_state("connected")
    for chunk in [b"]C1010", b"9501101530003", b"\x1d10LOT\r", b"\n", b"AB", b"C\n"]:
        pty.write(chunk)
        time.sleep(0.01)  # let the reader see each chunk separately
    pty.write(b"DEF\tGHI\r\nJKL\r")
    scans = [recorder.next_scan() for _ in range(5)]
    assert [(s.code, s.symbology) for s in scans] == [
        ("0109501101530003\x1d10LOT", "]C1"),
        ("ABC", None),
        ("DEF", None),
        ("GHI", None),
        ("JKL", None),
    ]
    assert {s.source for s in scans} == {"bench"}
    assert recorder.errors.empty()
    assert recorder.states == ["connecting", "connected"]


def test_bad_frame_is_reported_and_the_next_one_read(
    make_pty: Callable[[], Pty], recorder: Recorder, run_scanner: Callable[..., SerialScanner]
) -> None:
    pty = make_pty()
    run_scanner(pty.path)
    recorder.wait_state("connected")
    pty.write(b"A\x07B\r" + b"X" * 600 + b"\rGOOD\r")
    assert "control byte 0x07" in recorder.next_error()
    assert "longer than 512" in recorder.next_error()
    assert recorder.next_scan().code == "GOOD"


def test_failing_on_scan_is_reported_and_reading_goes_on(
    make_pty: Callable[[], Pty], recorder: Recorder, run_scanner: Callable[..., SerialScanner]
) -> None:
    def on_scan(scan: Scan) -> None:
        if scan.code == "BOOM":
            raise RuntimeError("consumer broke")
        recorder.scans.put(scan)

    pty = make_pty()
    run_scanner(pty.path, on_scan=on_scan)
    recorder.wait_state("connected")
    pty.write(b"BOOM\rAFTER\r")
    assert "consumer broke" in recorder.next_error()
    assert recorder.next_scan().code == "AFTER"


def test_reconnects_when_the_device_goes_away_and_comes_back(
    tmp_path: Path,
    make_pty: Callable[[], Pty],
    recorder: Recorder,
    run_scanner: Callable[..., SerialScanner],
) -> None:
    first = make_pty()
    link = tmp_path / "scanner"
    symlink(first.path, link)
    run_scanner(str(link))
    seen = recorder.wait_state("connected")
    first.write(b"BEFORE\r")
    assert recorder.next_scan().code == "BEFORE"

    first.close(first.master)  # the far end goes away: reads on the slave now fail
    seen = recorder.wait_state("reconnecting", seen)
    assert "lost" in recorder.next_error()

    second = make_pty()
    symlink(second.path, link)
    recorder.wait_state("connected", seen)
    second.write(b"AFTER\r")
    assert recorder.next_scan().code == "AFTER"
    assert recorder.states[-2:] == ["reconnecting", "connected"]
    assert recorder.errors.empty()  # failing reopens while it was away were not reported again


def test_reconnects_when_the_symlink_is_repointed(
    tmp_path: Path,
    make_pty: Callable[[], Pty],
    recorder: Recorder,
    run_scanner: Callable[..., SerialScanner],
) -> None:
    # Like a udev by-id link moving to a re-enumerated device while the old node still works.
    first, second = make_pty(), make_pty()
    link = tmp_path / "by-id"
    symlink(first.path, link)
    run_scanner(str(link))
    seen = recorder.wait_state("connected")
    symlink(second.path, link)
    seen = recorder.wait_state("reconnecting", seen)
    assert "replaced" in recorder.next_error()
    recorder.wait_state("connected", seen)
    second.write(b"NEW\r")
    assert recorder.next_scan().code == "NEW"


def test_stop_from_a_callback_does_not_deadlock(make_pty: Callable[[], Pty], recorder: Recorder) -> None:
    pty = make_pty()
    scanner: SerialScanner | None = None

    def on_scan(scan: Scan) -> None:
        assert scanner is not None
        scanner.stop()
        recorder.scans.put(scan)

    scanner = SerialScanner(pty.path, 9600, on_scan, recorder.errors.put, recorder.on_state)
    scanner.start()
    recorder.wait_state("connected")
    pty.write(b"LAST\r")
    assert recorder.next_scan().code == "LAST"
    assert recorder.errors.empty()
    deadline = time.monotonic() + TIMEOUT
    while any(t.name.startswith("scanner-") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "reader thread still running"
        time.sleep(0.01)


def test_absent_until_the_device_appears(
    tmp_path: Path,
    make_pty: Callable[[], Pty],
    recorder: Recorder,
    run_scanner: Callable[..., SerialScanner],
) -> None:
    link = tmp_path / "not-yet"
    run_scanner(str(link))
    seen = recorder.wait_state("absent")
    assert str(link) in recorder.next_error()

    pty = make_pty()
    symlink(pty.path, link)
    recorder.wait_state("connected", seen)
    pty.write(b"HELLO\n")
    assert recorder.next_scan().code == "HELLO"
    assert recorder.states == ["connecting", "absent", "connected"]
    assert recorder.errors.empty()  # one report per outage, not one per retry


def test_stop_ends_the_thread_quickly(
    make_pty: Callable[[], Pty], recorder: Recorder, tmp_path: Path
) -> None:
    pty = make_pty()
    connected = SerialScanner(pty.path, 9600, recorder.scans.put, recorder.errors.put, recorder.on_state)
    absent = SerialScanner(
        str(tmp_path / "none"), 9600, recorder.scans.put, recorder.errors.put, recorder.on_state
    )
    connected.start()
    absent.start()
    recorder.wait_state("connected")
    recorder.wait_state("absent")
    started = time.monotonic()
    connected.stop()
    absent.stop()
    assert time.monotonic() - started < 1.0
    assert not any(t.name.startswith("scanner-") for t in threading.enumerate())


def test_loop_url(recorder: Recorder, run_scanner: Callable[..., SerialScanner]) -> None:
    opened: queue.Queue[serial.SerialBase] = queue.Queue()

    def open_port(url: str, **kwargs: Any) -> serial.SerialBase:
        port = serial.serial_for_url(url, **kwargs)
        opened.put(port)
        return port

    run_scanner("loop://", open_port=open_port)
    recorder.wait_state("connected")
    opened.get(timeout=TIMEOUT).write(b"]E04006381333931\r\n")
    scan = recorder.next_scan()
    assert (scan.code, scan.symbology) == ("4006381333931", "]E0")


def test_socket_url_reconnects(recorder: Recorder, run_scanner: Callable[..., SerialScanner]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(TIMEOUT)
        run_scanner(f"socket://127.0.0.1:{server.getsockname()[1]}")
        conn, _ = server.accept()
        seen = recorder.wait_state("connected")
        conn.sendall(b"ONE\r")
        assert recorder.next_scan().code == "ONE"
        conn.close()
        seen = recorder.wait_state("reconnecting", seen)
        conn, _ = server.accept()
        with conn:
            recorder.wait_state("connected", seen)
            conn.sendall(b"TWO\r")
            assert recorder.next_scan().code == "TWO"


def test_check_port_describes_an_openable_port(make_pty: Callable[[], Pty]) -> None:
    pty = make_pty()
    description = check_port(pty.path, 115200)
    assert pty.path in description and "115200" in description and "\n" not in description
    assert "loop://" in check_port("loop://", 9600)


def test_check_port_raises_a_clear_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "ttyACM9")
    with pytest.raises(ScannerError, match=r"ttyACM9.*cannot be opened"):
        check_port(missing, 9600)
    with pytest.raises(ScannerError, match="cannot be opened"):
        check_port("nosuchproto://x", 9600)
