"""Scale simulators for device tests: each runs on the master side of a real pseudo-terminal and
answers weight requests like an MT-SICS, NCI or Toledo 8217 scale, in a state the test sets.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from typing import Literal

Mode = Literal["stable", "motion", "over", "under", "error", "garbage", "silent"]
GRAMS_PER_LB = 453.59237


def sics_answer(mode: Mode, grams: float, unit: str) -> bytes:
    value = f"{grams / 1000:.3f}" if unit == "kg" else f"{grams:.2f}"
    answers = {
        "stable": f"S S {value:>10} {unit}",
        "motion": f"S D {value:>10} {unit}",
        "over": "S +",
        "under": "S -",
        "error": "EL",
        "garbage": "S S  12,5xyz g",
    }
    return (answers[mode] + "\r\n").encode()


def nci_answer(mode: Mode, grams: float, unit: str) -> bytes:
    weight = f"{grams / GRAMS_PER_LB:7.3f}LB" if unit == "lb" else f"{grams / 1000:7.3f}KG"
    # Status bytes: bits 4 and 5 always set; byte 1 bit 0 motion, bit 2 RAM error;
    # byte 2 bit 0 under capacity, bit 1 over capacity. The "S" prefix is the SCP-02 form.
    answers = {
        "stable": f"\n{weight}\r\nS00\r\x03",
        "motion": f"\n{weight}\r\nS10\r\x03",
        "over": "\n^^^^^^^\r\nS02\r\x03",
        "under": "\nS01\r\x03",
        "error": "\nS40\r\x03",
        "garbage": "\nhello there\r\x03",
    }
    return answers[mode].encode()


def toledo_answer(mode: Mode, grams: float, unit: str) -> bytes:
    weight = f"{grams / GRAMS_PER_LB:06.2f}" if unit == "lb" else f"{grams / 1000:06.3f}"
    # Status byte: bit 6 always set; bit 0 motion, bit 1 over capacity, bit 2 under zero,
    # bit 3 outside zero capture range.
    answers = {
        "stable": weight,
        "motion": "?A",
        "over": "?B",
        "under": "?D",
        "error": "?H",
        "garbage": "1,2kg",
    }
    return f"\x02{answers[mode]}\r".encode()


# protocol: (what ends a request, the weight request, the answer builder, the default unit)
_PROTOCOLS = {
    "sics": (b"\r\n", b"SI", sics_answer, "g"),
    "nci": (b"\r", b"W", nci_answer, "kg"),
    "toledo8217": (b"", b"W", toledo_answer, "kg"),
}


class ScaleSimulator:
    """One scale on a pseudo-terminal; `path` is the device node the reader opens."""

    def __init__(self, protocol: str, grams: float = 0.0, mode: Mode = "stable", unit: str = "") -> None:
        self.protocol = protocol
        self._end, self._request, self._answer, default_unit = _PROTOCOLS[protocol]
        self.unit = unit or default_unit
        self.master, self.slave = os.openpty()
        # Raw at once: the line discipline must not turn CR into LF before the reader sets the port up.
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.requests = 0
        self._lock = threading.Lock()
        self._grams = grams
        self._mode: Mode = mode
        self._stop = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name=f"sim-{protocol}", daemon=True)
        self._thread.start()

    def set(self, mode: Mode, grams: float | None = None) -> None:
        with self._lock:
            self._mode = mode
            if grams is not None:
                self._grams = grams

    def close(self) -> None:
        """The device goes away: reads and writes on the reader's side of the pty now fail."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._thread.join(1.0)
        os.close(self.master)
        os.close(self.slave)

    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                pending += os.read(self.master, 1024)
            except OSError:
                return
            pending = self._answer_requests(pending)

    def _answer_requests(self, pending: bytes) -> bytes:
        while pending:
            if self._end:
                command, found, rest = pending.partition(self._end)
                if not found:
                    return pending
            else:
                command, rest = pending[:1], pending[1:]
            pending = rest
            if command.strip() == self._request:
                self.requests += 1
                with self._lock:
                    mode, grams = self._mode, self._grams
                if mode != "silent":
                    os.write(self.master, self._answer(mode, grams, self.unit))
        return b""
