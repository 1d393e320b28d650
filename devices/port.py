"""Serial-port upkeep shared by the device readers: open any pyserial URL on a daemon thread, notice a
port that went away, reopen it with backoff, and report "connecting", "connected", "reconnecting" or
"absent". A subclass supplies the I/O it does while the port is open (`_session`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

try:
    import termios

    # pyserial lets termios.error through when the driver refuses a setting (some ptys refuse parity).
    _TERMIOS_ERRORS: tuple[type[Exception], ...] = (termios.error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()

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

OPEN_ERRORS = (serial.SerialException, OSError, ValueError, *_TERMIOS_ERRORS)
IO_ERRORS = (serial.SerialException, OSError, *_TERMIOS_ERRORS)

NodeIdentity = tuple[int, int, int]
OpenPort = Callable[..., serial.SerialBase]


class PortLost(Exception):
    """The open port stopped working; the message says why."""


def node_identity(port: str) -> NodeIdentity | None:
    """(dev, inode, rdev) of the device node; (0, 0, 0) when it is missing; None for URLs.

    A udev symlink (/dev/serial/by-id/...) repointed at a re-enumerated device, or a node
    that vanished without the open descriptor failing, shows up as a changed identity.
    """
    if "://" in port or not os.path.isabs(port):
        return None
    try:
        st = os.stat(port)
    except OSError:
        return (0, 0, 0)
    return (st.st_dev, st.st_ino, st.st_rdev)


class PortWatch:
    """Notices a device that is gone although reads on it do not fail."""

    def __init__(self, port: str, identity: NodeIdentity | None) -> None:
        self._port = port
        self._identity = identity
        self._next_check = time.monotonic() + NODE_CHECK_INTERVAL_S
        self._fast_empty = 0

    def got_data(self) -> None:
        self._fast_empty = 0

    def got_nothing(self, read_started: float) -> None:
        """Call after a read that returned nothing; raises PortLost when the device is gone."""
        now = time.monotonic()
        self._fast_empty = self._fast_empty + 1 if now - read_started < READ_TIMEOUT_S / 4 else 0
        if self._fast_empty >= FAST_EMPTY_READS_LIMIT:
            raise PortLost("reads return no data (device gone?)")
        self.check_node(now)

    def check_node(self, now: float) -> None:
        """Raises PortLost when the device node vanished or was replaced (checked every 0.5 s)."""
        if self._identity is None or now < self._next_check:
            return
        self._next_check = now + NODE_CHECK_INTERVAL_S
        if node_identity(self._port) != self._identity:
            raise PortLost("device node vanished or was replaced")


class PortReader:
    """Keeps one serial port open on its own thread; every callback runs on that thread."""

    kind = "device"  # how messages name the device: "scanner port '/dev/ttyACM0' cannot be opened"

    def __init__(
        self,
        port: str,
        baudrate: int,
        on_error: Callable[[str], None],
        on_state: Callable[[str], None],
        *,
        thread_name: str,
        open_port: OpenPort | None = None,
    ) -> None:
        self._port = port
        self._baudrate = baudrate
        self._on_error = on_error
        self._on_state = on_state
        self._thread_name = thread_name
        self._open_port: OpenPort = open_port if open_port is not None else serial.serial_for_url
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state: str | None = None
        self._was_connected = False
        self._outage_reported = False
        # How reports about failing callbacks name the device.
        self._label = f"{self.kind} {port!r}"

    @property
    def state(self) -> str | None:
        """The last state reported through on_state (None before start)."""
        return self._state

    def start(self) -> None:
        """Start reading on a daemon thread."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError(f"{self.kind} {self._port!r} is already running")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop reading and wait (up to `timeout` seconds) for the thread to end."""
        self._stop.set()
        # Called from a callback on the reader thread itself: it ends after this callback returns.
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("%s %r: thread did not stop in %.1f s", self.kind, self._port, timeout)
            self._thread = None

    # -- for subclasses ----------------------------------------------------------------------------

    def _session(self, port: serial.SerialBase, watch: PortWatch) -> None:
        """Do the device's I/O until the stop event is set; raise PortLost when the port is gone."""
        raise NotImplementedError

    def _open_options(self) -> dict[str, Any]:
        """Extra keyword arguments for opening the port (data bits, parity...)."""
        return {}

    def _connected(self) -> None:
        """Called on the reader thread each time the port has just been opened."""

    def _disconnected(self) -> None:
        """Called on the reader thread each time the open port has been closed."""

    # -- the loop ----------------------------------------------------------------------------------

    def _run(self) -> None:
        self._set_state("connecting")
        delay = BACKOFF_START_S
        while not self._stop.is_set():
            try:
                delay = self._cycle(delay)
            except Exception as exc:  # the last guard: the thread must never die silently
                log.exception("%s %r: unexpected error", self.kind, self._port)
                self._report(f"{self.kind} {self._port!r}: unexpected error: {exc!r}")
                self._stop.wait(delay)
                delay = min(delay * 2, BACKOFF_CAP_S)

    def _cycle(self, delay: float) -> float:
        """Open, run the session until the port is lost, then wait; return the next backoff delay."""
        # Taken before opening: the node could be replaced between open() and a later stat().
        identity = node_identity(self._port)
        port = self._try_open()
        if port is not None:
            opened_at = time.monotonic()
            try:
                self._session(port, PortWatch(self._port, identity))
            except PortLost as exc:
                self._lost(str(exc))
            except IO_ERRORS as exc:
                self._lost(f"I/O failed: {exc}")
            finally:
                self._close(port)
                self._disconnected()
            if self._stop.is_set():
                return delay
            self._set_state("reconnecting")
            if time.monotonic() - opened_at >= STABLE_CONNECTION_S:
                delay = BACKOFF_START_S
        self._stop.wait(delay)
        return min(delay * 2, BACKOFF_CAP_S)

    def _try_open(self) -> serial.SerialBase | None:
        try:
            port = self._open_port(
                self._port, baudrate=self._baudrate, timeout=READ_TIMEOUT_S, **self._open_options()
            )
        except OPEN_ERRORS as exc:
            self._set_state("reconnecting" if self._was_connected else "absent")
            # Once per outage: retrying every few seconds must not flood the log and screen.
            if not self._outage_reported:
                self._outage_reported = True
                self._report(f"{self.kind} port {self._port!r} cannot be opened: {exc}")
            return None
        self._was_connected = True
        self._outage_reported = False
        self._connected()
        self._set_state("connected")
        return port

    def _lost(self, reason: str) -> None:
        # This is the outage's one report; failing reopens that follow stay quiet.
        self._outage_reported = True
        if not self._stop.is_set():
            self._report(f"{self.kind} port {self._port!r} lost: {reason}; reconnecting")

    def _close(self, port: serial.SerialBase) -> None:
        try:
            port.close()
        except Exception as exc:  # a port that vanished may fail to close; it is gone anyway
            log.debug("%s %r: close failed: %r", self.kind, self._port, exc)

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        self._state = state
        try:
            self._on_state(state)
        except Exception as exc:
            log.exception("%s %r: on_state failed", self.kind, self._port)
            self._report(f"{self._label}: state callback failed: {exc!r}")

    def _report(self, message: str) -> None:
        # Debug only: on_error's owner logs it (the contract wants it on screen and in the log).
        log.debug("%s", message)
        try:
            self._on_error(message)
        except Exception:
            log.exception("%s %r: on_error failed for: %s", self.kind, self._port, message)
