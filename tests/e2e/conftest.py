"""End-to-end fixtures: the reference backend on loopback, a pseudo-terminal scanner, a config file."""

from __future__ import annotations

import json
import os
import shutil
import time
import tty
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from station.demo import DEMO_DATA
from station.refbackend import ReferenceBackend, Reply, Request


@dataclass
class Backend:
    server: ReferenceBackend
    posted: list[list[dict[str, object]]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def events(self) -> list[dict[str, object]]:
        return [event for batch in self.posted for event in batch]


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    data = tmp_path / "backend-data.json"
    shutil.copyfile(DEMO_DATA, data)
    server = ReferenceBackend(data, tmp_path / "backend.db")
    wrapper = Backend(server)

    def record(request: Request) -> Reply | None:
        if request.method == "POST" and request.path == "/v1/events":
            wrapper.posted.append(json.loads(request.body))
        return None

    server.hooks.append(record)
    server.start()
    yield wrapper
    server.stop()


@dataclass
class PtyScanner:
    """The far end of a serial scanner: what is written here arrives at the station's port."""

    master: int
    slave: int
    port: str

    def scan(self, code: str, terminator: bytes = b"\r") -> None:
        os.write(self.master, code.encode("latin-1") + terminator)


@pytest.fixture
def pty_scanner() -> Iterator[PtyScanner]:
    master, slave = os.openpty()
    tty.setraw(slave)
    yield PtyScanner(master, slave, os.ttyname(slave))
    os.close(master)
    os.close(slave)


def write_config(tmp_path: Path, backend_url: str, scanner_port: str = "") -> Path:
    prints = tmp_path / "prints"
    path = tmp_path / "config.toml"
    path.write_text(f"""
[station]
id = "PACK-01"
number = 1

[database]
url = "sqlite:///{tmp_path / 'station.db'}"

[backend]
url = "{backend_url}"
timeout_s = 5

[scanner]
port = "{scanner_port}"

[printers.label]
target = "pdf:{prints}"
[printers.document]
target = "pdf:{prints}"
[printers.item]
target = "pdf:{prints}"
""", encoding="utf-8")
    return path


def wait_for(condition: Callable[[], object], timeout: float = 15, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
