"""The station core the UI talks to: one ordered scan queue with one consumer, listeners, status.

Scans from every scanner go into one queue; a slow step (order lookup, printing) delays the next
scan but never drops or reorders it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from station.domain.scan import Scan
from station.services.desk import Desk
from station.services.feedback import error
from station.services.views import (
    CoreEvent,
    ScreenChanged,
    ScreenState,
    StatusChanged,
    StatusView,
)

log = logging.getLogger(__name__)

Listener = Callable[[CoreEvent], None]
_STOP = object()


@dataclass(frozen=True)
class _DeviceError:
    message: str


class StationCore:
    """Thread-safe facade: `submit_scan` from any thread; listeners are called from worker threads."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._queue: queue.Queue[object] = queue.Queue()
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._screen = desk.screen()
        self._status = StatusView()
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._settled = threading.Condition()

    # -- the UI's interface -------------------------------------------------------------------------
    def submit_scan(self, scan: Scan) -> None:
        with self._settled:
            self._pending += 1
        self._queue.put(scan)

    def report_error(self, message: str) -> None:
        """A device's error (a garbled frame, say): shown in order with the scans around it."""
        with self._settled:
            self._pending += 1
        self._queue.put(_DeviceError(message))

    def subscribe(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def screen_state(self) -> ScreenState:
        return self._screen

    def status(self) -> StatusView:
        return self._status

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._consume, name="scan-consumer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait_idle(self, timeout: float = 10) -> bool:
        """Block until every submitted scan has been handled (for tests and the CLI)."""
        with self._settled:
            return self._settled.wait_for(lambda: self._pending == 0, timeout)

    # -- status from the parts (scanner, relay, printers) -----------------------------------------------
    def update_status(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]
            status = self._status
        self._publish(StatusChanged(status))

    # -- the consumer -----------------------------------------------------------------------------------
    def _consume(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            try:
                if isinstance(item, _DeviceError):
                    self._audit("scan.refused", {"code": "", "reason": item.message})
                    self._desk.feedback = error(item.message, "the scan was not used: scan again")
                    self._screen = self._desk.screen()
                else:
                    assert isinstance(item, Scan)
                    self._screen = self._desk.handle(item)
            except Exception as exc:  # one bad step must not stop the station: show it, log it, go on
                # Not the scan text: it may be a supervisor PIN typed into the scan field.
                log.exception("handling a %s failed", type(item).__name__)
                self._audit("scan.failed", {"error": exc.__class__.__name__})
                self._desk.feedback = error("Something went wrong with that scan",
                                            f"{exc.__class__.__name__}: {exc}")
                self._screen = self._desk.screen()
            self._publish(ScreenChanged(self._screen))
            with self._settled:
                self._pending -= 1
                self._settled.notify_all()

    def _audit(self, action: str, detail: dict[str, object]) -> None:
        """An audit row for a scan the desk could not handle; a database that is down only logs it."""
        try:
            self._desk.audit(action, None, detail)
        except Exception:
            log.exception("the audit row %s could not be written", action)

    def _publish(self, event: CoreEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("a listener failed")
