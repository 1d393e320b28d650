"""ReferenceBackend: the contract's API served over HTTP from a JSON data file, for the demo
(`station backend`) and for tests that need a real server on loopback."""

from __future__ import annotations

import ssl
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TextIO

from station.refbackend.app import BackendApp
from station.refbackend.dataset import load_dataset
from station.refbackend.handler import BackendHTTPServer, IPv6BackendHTTPServer
from station.refbackend.ingest import EventIngestor
from station.refbackend.messages import FaultHook
from station.refbackend.store import StateStore


class ReferenceBackend:
    """Binds its port at construction, so `url` is known before `start()` or `serve_forever()`."""

    def __init__(self, data_path: Path, db_path: Path, *, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, out: TextIO | None = None,
                 tls: ssl.SSLContext | None = None) -> None:
        dataset = load_dataset(Path(data_path))
        self._store = StateStore(Path(db_path))
        self._out = out
        self._lines: list[str] = []
        self._lines_lock = threading.Lock()
        self._stop_lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        # Consulted in order before every request; the first Reply returned answers it.
        self.hooks: list[FaultHook] = []
        app = BackendApp(dataset, self._store, EventIngestor(dataset, self._store, self._emit),
                         token)
        server_class = IPv6BackendHTTPServer if ":" in host else BackendHTTPServer
        try:
            self._server = server_class((host, port), app, self.hooks)
        except OSError:
            self._store.close()
            raise
        if tls is not None:  # every connection speaks TLS, with the context's certificate
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        bound_port = self._server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://[{host}]:{bound_port}" if ":" in host else f"{scheme}://{host}:{bound_port}"

    def start(self) -> None:
        """Serve on a daemon thread and return at once."""
        if self._thread is not None or self._stopped.is_set():
            raise RuntimeError("the reference backend can be started once")
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={
            "poll_interval": 0.05}, name=f"refbackend {self.url}", daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve until Ctrl-C or stop() from another thread or a signal handler."""
        self.start()
        try:
            # Waiting here, not in socketserver, keeps the main thread free for KeyboardInterrupt.
            while not self._stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, drop open connections and close the database; safe to call twice."""
        with self._stop_lock:
            if self._stopped.is_set():
                return
            if self._thread is not None:
                self._server.shutdown()
                self._thread.join()
            self._server.drop_connections()
            self._server.server_close()
            self._store.close()
            self._stopped.set()

    def notifications(self) -> list[str]:
        """The notify lines printed so far by this instance."""
        with self._lines_lock:
            return list(self._lines)

    def __enter__(self) -> ReferenceBackend:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def _emit(self, line: str) -> None:
        with self._lines_lock:
            self._lines.append(line)
            # sys.stdout is looked up late, so a redirected or captured stdout gets the line.
            out = self._out if self._out is not None else sys.stdout
            out.write(line + "\n")
            out.flush()
