"""A demonstration scale: answers MT-SICS weight requests on a pseudo-terminal, so that the demo
station reads it through the same serial code as a real scale. Its weight comes from a callable."""

from __future__ import annotations

import os
import random
import threading
import tty
from collections.abc import Callable


class DemoScale:
    """The scale's far end; `port` is the device node for the station's `scale.port`."""

    def __init__(self, weight_g: Callable[[], float | None]) -> None:
        self._weight_g = weight_g
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # CR and LF must pass as they are
        self.port = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="demo-scale", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        os.close(self._master)  # ends the blocking read in _serve
        self._thread.join(timeout=2)
        os.close(self._slave)

    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            try:
                pending += os.read(self._master, 64)
            except OSError:
                return
            while b"\r\n" in pending:
                request, pending = pending.split(b"\r\n", 1)
                if request.strip() in (b"SI", b"S"):
                    os.write(self._master, self._answer())

    def _answer(self) -> bytes:
        weight = self._weight_g()
        grams = 0.0 if weight is None else max(0.0, weight + random.uniform(-3, 3))
        return f"S S {grams:10.1f} g\r\n".encode("ascii")
