"""Serial barcode scanner reader: a daemon thread that frames bytes into scans.

It reopens a port that went away, with backoff, and reports its state and errors by callback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import serial

from devices.framing import FrameDecoder, FrameError
from devices.port import IO_ERRORS, OPEN_ERRORS, READ_TIMEOUT_S, OpenPort, PortLost, PortReader, PortWatch
from station.domain.scan import Scan

log = logging.getLogger(__name__)


class ScannerError(Exception):
    """The scanner port could not be used; the message says which port and why."""


def check_port(port: str, baudrate: int) -> str:
    """Open and close `port`; return a one-line description or raise ScannerError."""
    try:
        ser = serial.serial_for_url(port, baudrate=baudrate, timeout=READ_TIMEOUT_S)
    except OPEN_ERRORS as exc:
        raise ScannerError(f"scanner port {port!r} cannot be opened: {exc}") from exc
    try:
        return (
            f"scanner port {port!r} opened at {ser.baudrate} baud, "
            f"{ser.bytesize}{ser.parity}{ser.stopbits} ({type(ser).__module__})"
        )
    finally:
        ser.close()


class SerialScanner(PortReader):
    """Reads one serial scanner on its own thread; every callback runs on that thread."""

    kind = "scanner"

    def __init__(
        self,
        port: str,
        baudrate: int,
        on_scan: Callable[[Scan], None],
        on_error: Callable[[str], None],
        on_state: Callable[[str], None],
        *,
        source: str = "serial",
        open_port: OpenPort | None = None,
    ) -> None:
        super().__init__(
            port, baudrate, on_error, on_state, thread_name=f"scanner-{source}", open_port=open_port
        )
        self._on_scan = on_scan
        self._source = source
        self._label = f"scanner {source}"
        self._decoder = FrameDecoder(source)

    def _connected(self) -> None:
        # A frame cut in half by the outage must not be glued to the first one after it.
        self._decoder.reset()

    def _session(self, port: serial.SerialBase, watch: PortWatch) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                data: bytes = port.read(port.in_waiting or 1)
            except IO_ERRORS as exc:
                raise PortLost(f"read failed: {exc}") from exc
            if data:
                watch.got_data()
                self._deliver(self._decoder.feed(data))
            else:
                watch.got_nothing(started)

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
