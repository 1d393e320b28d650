"""HTTP plumbing: a threading server that remembers its open connections, and a request handler
that reads a Request, asks the fault hooks and then the routes, and writes the Reply."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from station.refbackend.app import MAX_BODY_BYTES, BackendApp
from station.refbackend.messages import FaultHook, Reply, Request, error_reply

log = logging.getLogger(__name__)
_DISCARD_LIMIT = 8 * MAX_BODY_BYTES


class BackendHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: BackendApp,
                 hooks: Sequence[FaultHook]) -> None:
        self.app = app
        self.hooks = hooks
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, BackendRequestHandler)

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def drop_connections(self) -> None:
        """Close kept-alive client connections too, so that a stopped backend is really gone."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # the client may have closed it already
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-reply is normal (timeouts, tests); anything else is a bug.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("client %s hung up", client_address)
        else:
            log.exception("error while serving %s", client_address)


class IPv6BackendHTTPServer(BackendHTTPServer):
    address_family = socket.AF_INET6


class BackendRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the station's requests.Session expects
    # An answer's head and body go in two sends: without TCP_NODELAY the body waits for the
    # client's delayed ACK (~40 ms on loopback) on every request.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self._backend().track(self.connection, True)

    def finish(self) -> None:
        self._backend().track(self.connection, False)
        super().finish()

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def log_error(self, format: str, *args: Any) -> None:
        log.warning("%s " + format, self.address_string(), *args)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        # Errors found while parsing the request line answer in JSON like everything else.
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        default = self.responses[code][0] if code in self.responses else "error"
        self._write(error_reply(code, message or default))

    def _backend(self) -> BackendHTTPServer:
        return cast(BackendHTTPServer, self.server)

    def _dispatch(self) -> None:
        try:
            request = self._read_request()
            reply = request if isinstance(request, Reply) else self._answer(request)
        except Exception:
            log.exception("internal error on %s %s", self.command, self.path)
            reply = error_reply(500, "internal error")
        self._write(reply)

    def _answer(self, request: Request) -> Reply:
        backend = self._backend()
        for hook in list(backend.hooks):
            reply = hook(request)
            if reply is not None:
                return reply
        return backend.app.handle(request)

    def _read_request(self) -> Request | Reply:
        url = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        length: int | None = None
        body = b""
        if "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError:
                length = -1
            if length < 0:
                self.close_connection = True
                return error_reply(400, "bad Content-Length")
            if length <= MAX_BODY_BYTES:
                body = self.rfile.read(length)
            elif length <= _DISCARD_LIMIT:
                # Reading the excess lets the client finish sending and then see the 413,
                # instead of a connection reset halfway through its upload.
                self._discard(length)
            else:
                self.close_connection = True  # the unread body would be taken for a request
        return Request(self.command, url.path, parse_qs(url.query), headers, length, body)

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        has_body = reply.status not in (204, 304) and not 100 <= reply.status < 200
        if has_body:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if has_body and self.command != "HEAD":
            self.wfile.write(reply.body)

