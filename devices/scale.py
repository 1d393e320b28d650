"""Serial scale reader: a daemon thread that polls the scale for its weight and reports each reading,
its state and its errors by callback; and `check_scale`, the one-line probe of `station check`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

from devices.port import (
    IO_ERRORS,
    OPEN_ERRORS,
    READ_TIMEOUT_S,
    OpenPort,
    PortReader,
    PortWatch,
)
from devices.scale_protocols import Reading, get_protocol

log = logging.getLogger(__name__)

# NCI asks for answers within one weighing cycle and suggests 1 s as the host's time-out.
REPLY_TIMEOUT_S = 1.0
# One missed reply can be line noise; this many in a row is a scale that does not answer.
MISSED_REPLIES_LIMIT = 2
WRITE_TIMEOUT_S = 1.0
MAX_RESPONSE_BYTES = 256

# The [scale] section has no serial format. 8N1 is the usual factory setting of SICS and of many NCI
# scales; a 7E1 scale (the published NCI and 8217 default) still reads right, because parsers drop
# bit 7, but its requests need serial_format="7E1".
DEFAULT_SERIAL_FORMAT = "8N1"
_PARITIES = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}


class ScaleError(Exception):
    """The scale could not be used; the message (one line) says which port and why."""


def serial_options(serial_format: str = DEFAULT_SERIAL_FORMAT) -> dict[str, Any]:
    """pyserial keyword arguments for a data bits / parity / stop bits format such as "8N1" or "7E1"."""
    fmt = serial_format.strip().upper()
    if len(fmt) != 3 or fmt[0] not in "78" or fmt[1] not in _PARITIES or fmt[2] not in "12":
        raise ValueError(f"serial format {serial_format!r} is not like 8N1 or 7E1")
    return {"bytesize": int(fmt[0]), "parity": _PARITIES[fmt[1]], "stopbits": int(fmt[2])}


def read_response(
    port: serial.SerialBase,
    terminator: bytes,
    timeout_s: float,
    watch: PortWatch | None = None,
    stop: threading.Event | None = None,
) -> bytes:
    """The bytes up to and including `terminator`; what came before the timeout when it never came."""
    buffer = bytearray()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
        started = time.monotonic()
        chunk: bytes = port.read(port.in_waiting or 1)
        if not chunk:
            if watch is not None:
                watch.got_nothing(started)
            continue
        if watch is not None:
            watch.got_data()
        buffer += chunk
        end = buffer.find(terminator)
        if end >= 0:
            return bytes(buffer[: end + len(terminator)])
        if len(buffer) > MAX_RESPONSE_BYTES:
            break
    return bytes(buffer)


def describe(reading: Reading) -> str:
    """A reading in a few words: "1234.5 g stable", "80.2 g in motion", "over capacity"."""
    if reading.grams is None:
        return reading.message
    text = f"{reading.grams:.3f}".rstrip("0")
    return f"{text}0 g {reading.message}" if text.endswith(".") else f"{text} g {reading.message}"


class SerialScale(PortReader):
    """Polls one serial scale on its own thread; every callback runs on that thread.

    `latest()` and `wait_stable()` may be called from any thread.
    """

    kind = "scale"

    def __init__(
        self,
        port: str,
        baudrate: int,
        protocol: str,
        on_reading: Callable[[Reading], None],
        on_state: Callable[[str], None],
        on_error: Callable[[str], None],
        *,
        poll_interval_s: float = 0.25,
        serial_format: str = DEFAULT_SERIAL_FORMAT,
        open_port: OpenPort | None = None,
    ) -> None:
        self._protocol = get_protocol(protocol)
        self._options = serial_options(serial_format)
        super().__init__(
            port, baudrate, on_error, on_state, thread_name=f"scale-{protocol}", open_port=open_port
        )
        self._on_reading = on_reading
        self._poll_interval_s = poll_interval_s
        self._label = f"scale on {port}"
        self._changed = threading.Condition()
        self._latest: Reading | None = None
        self._last_delivered: tuple[object, ...] | None = None
        self._missed = 0

    def latest(self) -> Reading | None:
        """The last reading taken while the port is open (None before the first, and while away)."""
        with self._changed:
            return self._latest

    def wait_stable(self, timeout_s: float) -> Reading | None:
        """Block until a stable reading taken after this call arrives; None after `timeout_s`."""
        called = time.monotonic()

        def fresh_stable() -> Reading | None:
            reading = self._latest
            if reading is not None and reading.status == "stable" and reading.at > called:
                return reading
            return None

        with self._changed:
            return self._changed.wait_for(fresh_stable, timeout_s)

    def _open_options(self) -> dict[str, Any]:
        return {**self._options, "write_timeout": WRITE_TIMEOUT_S}

    def _connected(self) -> None:
        # After an outage the first reading is delivered even when it equals the last one before it.
        self._last_delivered = None
        self._missed = 0

    def _disconnected(self) -> None:
        # A weight read before the outage may not be on the scale any more.
        with self._changed:
            self._latest = None

    def _session(self, port: serial.SerialBase, watch: PortWatch) -> None:
        while not self._stop.is_set():
            asked = time.monotonic()
            # A late answer to the previous request must not pass for the answer to this one. An I/O
            # error ends the session: PortReader reports it as the port lost ("I/O failed: ...").
            port.reset_input_buffer()
            port.write(self._protocol.request)
            frame = read_response(port, self._protocol.terminator, REPLY_TIMEOUT_S, watch, self._stop)
            if self._stop.is_set():
                return
            reading = self._to_reading(frame)
            if reading is not None:
                self._publish(reading)
            watch.check_node(time.monotonic())
            self._stop.wait(max(0.0, self._poll_interval_s - (time.monotonic() - asked)))

    def _to_reading(self, frame: bytes) -> Reading | None:
        if not frame:
            self._missed += 1
            if self._missed < MISSED_REPLIES_LIMIT:
                return None
            request = self._protocol.request.decode("latin-1")
            return Reading(None, "error", f"scale does not answer ({self._protocol.name} {request!r})",
                           time.monotonic())
        self._missed = 0
        try:
            return self._protocol.parse(frame, time.monotonic())
        except Exception as exc:  # parsers never raise; if one does, the reader must go on
            log.exception("scale %r: parser failed on %r", self._port, frame)
            return Reading(None, "error", f"scale answer could not be read: {exc!r}", time.monotonic())

    def _publish(self, reading: Reading) -> None:
        with self._changed:
            self._latest = reading
            self._changed.notify_all()
        # The same answer poll after poll is delivered once; any change of status or value is not lost.
        key = (reading.status, reading.grams, reading.message)
        if key == self._last_delivered:
            return
        self._last_delivered = key
        if reading.status == "error":
            self._report(f"{self._label}: {reading.message}")
        try:
            self._on_reading(reading)
        except Exception as exc:
            log.exception("scale %r: on_reading failed", self._port)
            self._report(f"{self._label}: handling reading {describe(reading)!r} failed: {exc!r}")


def check_scale(
    port: str,
    baudrate: int,
    protocol: str,
    timeout_s: float = 2.0,
    *,
    serial_format: str = DEFAULT_SERIAL_FORMAT,
) -> str:
    """Ask the scale for one weight: "scale on /dev/ttyUSB0 (sics): 0.0 g stable", or ScaleError."""
    try:
        proto = get_protocol(protocol)
        options = serial_options(serial_format)
    except ValueError as exc:
        raise ScaleError(f"scale on {port}: {exc}") from None
    try:
        ser = serial.serial_for_url(
            port, baudrate=baudrate, timeout=READ_TIMEOUT_S, write_timeout=timeout_s, **options
        )
    except OPEN_ERRORS as exc:
        raise ScaleError(f"scale port {port!r} cannot be opened: {exc}") from exc
    try:
        ser.reset_input_buffer()
        ser.write(proto.request)
        frame = read_response(ser, proto.terminator, timeout_s)
    except IO_ERRORS as exc:
        raise ScaleError(f"scale on {port} ({proto.name}): I/O failed: {exc}") from exc
    finally:
        ser.close()
    if not frame:
        raise ScaleError(
            f"scale on {port} ({proto.name}) does not answer within {timeout_s:g} s "
            f"(check the cable, the baud rate {baudrate} and that the scale speaks {proto.title})"
        )
    reading = proto.parse(frame, None)
    if reading.status == "error":
        raise ScaleError(f"scale on {port} ({proto.name}): {reading.message}")
    return f"scale on {port} ({proto.name}): {describe(reading)}"
