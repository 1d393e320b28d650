"""Serial barcode scanner reader: a daemon thread that frames bytes into scans.

It reopens a port that went away, with backoff, and reports its state and errors by callback.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import serial

from devices.framing import FrameDecoder, FrameError
from station.domain.scan import Scan

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 0.1
BACKOFF_START_S = 0.2
BACKOFF_CAP_S = 5.0
# A connection that lasted this long was a real one: the next outage starts the backoff over.
STABLE_CONNECTION_S = 1.0
NODE_CHECK_INTERVAL_S = 0.5
# Reads that return nothing long before the timeout mean a dead device (a hung-up pty, some
# USB-CDC drivers after unplug): a few in a row are treated as the port going away.
FAST_EMPTY_READS_LIMIT = 5

_OPEN_ERRORS = (serial.SerialException, OSError, ValueError)
_READ_ERRORS = (serial.SerialException, OSError)

_NodeIdentity = tuple[int, int, int]


class ScannerError(Exception):
    """The scanner port could not be used; the message says which port and why."""


def check_port(port: str, baudrate: int) -> str:
    """Open and close `port`; return a one-line description or raise ScannerError."""
    try:
        ser = serial.serial_for_url(port, baudrate=baudrate, timeout=READ_TIMEOUT_S)
    except _OPEN_ERRORS as exc:
        raise ScannerError(f"scanner port {port!r} cannot be opened: {exc}") from exc
    try:
        return (
            f"scanner port {port!r} opened at {ser.baudrate} baud, "
            f"{ser.bytesize}{ser.parity}{ser.stopbits} ({type(ser).__module__})"
        )
    finally:
        ser.close()


class SerialScanner:
    """Reads one serial scanner on its own thread; every callback runs on that thread."""

    def __init__(
        self,
        port: str,
        baudrate: int,
        on_scan: Callable[[Scan], None],
        on_error: Callable[[str], None],
        on_state: Callable[[str], None],
        *,
        source: str = "serial",
        open_port: Callable[..., serial.SerialBase] | None = None,
    ) -> None:
        self._port = port
        self._baudrate = baudrate
        self._on_scan = on_scan
        self._on_error = on_error
        self._on_state = on_state
        self._source = source
        self._open_port = open_port if open_port is not None else serial.serial_for_url
        self._decoder = FrameDecoder(source)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state: str | None = None
        self._was_connected = False
        self._outage_reported = False

    @property
    def state(self) -> str | None:
        """The last state reported through on_state (None before start)."""
        return self._state

    def start(self) -> None:
        """Start reading on a daemon thread."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError(f"scanner {self._port!r} is already running")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner-{self._source}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop reading and wait (up to `timeout` seconds) for the thread to end."""
        self._stop.set()
        # Called from a callback on the reader thread itself: it ends after this callback returns.
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("scanner %r: reader thread did not stop in %.1f s", self._port, timeout)
            self._thread = None

    def _run(self) -> None:
        self._set_state("connecting")
        delay = BACKOFF_START_S
        while not self._stop.is_set():
            try:
                delay = self._cycle(delay)
            except Exception as exc:  # the last guard: the thread must never die silently
                log.exception("scanner %r: unexpected error", self._port)
                self._report(f"scanner {self._port!r}: unexpected error: {exc!r}")
                self._stop.wait(delay)
                delay = min(delay * 2, BACKOFF_CAP_S)

    def _cycle(self, delay: float) -> float:
        """Open, read until the port is lost, then wait; return the next backoff delay."""
        # Taken before opening: the node could be replaced between open() and a later stat().
        identity = self._node_identity()
        port = self._try_open()
        if port is not None:
            opened_at = time.monotonic()
            try:
                self._read_until_lost(port, identity)
            finally:
                self._close(port)
            if self._stop.is_set():
                return delay
            self._set_state("reconnecting")
            if time.monotonic() - opened_at >= STABLE_CONNECTION_S:
                delay = BACKOFF_START_S
        self._stop.wait(delay)
        return min(delay * 2, BACKOFF_CAP_S)

    def _try_open(self) -> serial.SerialBase | None:
        try:
            port = self._open_port(self._port, baudrate=self._baudrate, timeout=READ_TIMEOUT_S)
        except _OPEN_ERRORS as exc:
            self._set_state("reconnecting" if self._was_connected else "absent")
            # Once per outage: retrying every few seconds must not flood the log and screen.
            if not self._outage_reported:
                self._outage_reported = True
                self._report(f"scanner port {self._port!r} cannot be opened: {exc}")
            return None
        self._was_connected = True
        self._outage_reported = False
        # A frame cut in half by the outage must not be glued to the first one after it.
        self._decoder.reset()
        self._set_state("connected")
        return port

    def _read_until_lost(self, port: serial.SerialBase, identity: _NodeIdentity | None) -> None:
        next_check = time.monotonic() + NODE_CHECK_INTERVAL_S
        fast_empty = 0
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                data: bytes = port.read(port.in_waiting or 1)
            except _READ_ERRORS as exc:
                self._lost(f"read failed: {exc}")
                return
            if data:
                fast_empty = 0
                self._deliver(self._decoder.feed(data))
                continue
            now = time.monotonic()
            fast_empty = fast_empty + 1 if now - started < READ_TIMEOUT_S / 4 else 0
            if fast_empty >= FAST_EMPTY_READS_LIMIT:
                self._lost("reads return no data (device gone?)")
                return
            if identity is not None and now >= next_check:
                next_check = now + NODE_CHECK_INTERVAL_S
                if self._node_identity() != identity:
                    self._lost("device node vanished or was replaced")
                    return

    def _node_identity(self) -> _NodeIdentity | None:
        """(dev, inode, rdev) of the device node; (0, 0, 0) when it is missing; None for URLs.

        A udev symlink (/dev/serial/by-id/...) repointed at a re-enumerated device, or a node
        that vanished without the open descriptor failing, shows up as a changed identity.
        """
        if "://" in self._port or not os.path.isabs(self._port):
            return None
        try:
            st = os.stat(self._port)
        except OSError:
            return (0, 0, 0)
        return (st.st_dev, st.st_ino, st.st_rdev)

    def _lost(self, reason: str) -> None:
        # This is the outage's one report; failing reopens that follow stay quiet.
        self._outage_reported = True
        if not self._stop.is_set():
            self._report(f"scanner port {self._port!r} lost: {reason}; reconnecting")

    def _close(self, port: serial.SerialBase) -> None:
        try:
            port.close()
        except Exception as exc:  # a port that vanished may fail to close; it is gone anyway
            log.debug("scanner %r: close failed: %r", self._port, exc)

    def _deliver(self, results: list[Scan | FrameError]) -> None:
        for result in results:
            if isinstance(result, FrameError):
                self._report(f"scanner {self._source}: {result}")
                continue
            try:
                self._on_scan(result)
            except Exception as exc:
                log.exception("scanner %r: on_scan failed", self._port)
                self._report(f"scanner {self._source}: handling scan {result.code!r} failed: {exc!r}")

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        self._state = state
        try:
            self._on_state(state)
        except Exception as exc:
            log.exception("scanner %r: on_state failed", self._port)
            self._report(f"scanner {self._source}: state callback failed: {exc!r}")

    def _report(self, message: str) -> None:
        # Debug only: on_error's owner logs it (the contract wants it on screen and in the log).
        log.debug("%s", message)
        try:
            self._on_error(message)
        except Exception:
            log.exception("scanner %r: on_error failed for: %s", self._port, message)
