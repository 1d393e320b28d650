"""A printer's raw TCP port on 127.0.0.1 for tests (Zebra: 9100; CUPS socket:// talks to it): a
listener of the test's own that keeps the bytes of each connection, to compare with what was sent."""

from __future__ import annotations

import socket
import threading

ACCEPT_POLL_S = 0.05  # how soon the listener notices close()


class RawPort:
    """Listens on 127.0.0.1:`port` (0: a free one, see `.port`); each connection's bytes are one job.

    `timeout_s` bounds both a connection that goes quiet (its bytes so far kept, then
    b"<connection broken>") and each wait in `jobs`.
    """

    def __init__(self, port: int = 0, *, timeout_s: float = 10.0) -> None:
        self._server = socket.create_server(("127.0.0.1", port))
        self._server.settimeout(ACCEPT_POLL_S)
        self.port: int = self._server.getsockname()[1]
        self.timeout_s = timeout_s
        self._jobs: list[bytes] = []
        self._arrived = threading.Condition()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="raw-port", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            chunks: list[bytes] = []
            with connection:
                connection.settimeout(self.timeout_s)
                try:
                    while chunk := connection.recv(65536):
                        chunks.append(chunk)
                except OSError:
                    chunks.append(b"<connection broken>")
            with self._arrived:
                self._jobs.append(b"".join(chunks))
                self._arrived.notify_all()

    def jobs(self, at_least: int = 0) -> list[bytes]:
        """Every connection's bytes so far, once at least `at_least` have ended (or the timeout passed)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._jobs) >= at_least, self.timeout_s)
            return list(self._jobs)

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5)
        self._server.close()
