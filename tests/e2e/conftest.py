"""End-to-end fixtures and helpers: the reference backend on loopback, a pseudo-terminal scanner, a
simulated scale, config files, the station processes a test starts, the barcodes on a PDF."""

from __future__ import annotations

import json
import os
import shutil
import time
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pytest
import zxingcpp

from station.demo import DEMO_DATA
from station.refbackend import ReferenceBackend, Reply, Request
from tests.devices.scale_simulators import ScaleSimulator

if TYPE_CHECKING:  # station_process imports this module
    from tests.e2e.station_process import StationProcess


@dataclass
class Backend:
    server: ReferenceBackend
    posted: list[list[dict[str, object]]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def events(self) -> list[dict[str, object]]:
        return [event for batch in self.posted for event in batch]


@contextmanager
def serving(data: Path, tmp_path: Path) -> Iterator[Backend]:
    """The reference backend on loopback on the JSON file `data`, recording the event batches posted."""
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


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    data = tmp_path / "backend-data.json"
    shutil.copyfile(DEMO_DATA, data)
    with serving(data, tmp_path) as wrapper:
        yield wrapper


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


def with_scale(config_path: Path, port: str) -> Path:
    """The config file with a SICS scale on `port`."""
    config_path.write_text(config_path.read_text(encoding="utf-8").replace(
        "[printers.label]", f'[scale]\nport = "{port}"\nprotocol = "sics"\n\n[printers.label]'),
        encoding="utf-8")
    return config_path


def returns_config(tmp_path: Path, backend_url: str, scanner_port: str) -> Path:
    """write_config's config, as returns station RET-01 (number 2) with its own item printer target."""
    path = write_config(tmp_path, backend_url, scanner_port)
    text = path.read_text(encoding="utf-8")
    station = 'id = "PACK-01"\nnumber = 1\n'
    item = f'[printers.item]\ntarget = "pdf:{tmp_path / "prints"}"\n'
    assert station in text and item in text, "conftest.write_config changed its layout"
    text = text.replace(station, 'id = "RET-01"\nnumber = 2\n')
    text = text.replace(item, f'[printers.item]\ntarget = "pdf:{tmp_path / "items"}"\n')
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def scale() -> Iterator[ScaleSimulator]:
    """A SICS scale simulator on a pseudo-terminal, showing a stable 0 g."""
    simulator = ScaleSimulator("sics", grams=0.0, mode="stable")
    yield simulator
    simulator.close()


@pytest.fixture
def processes() -> Iterator[list[StationProcess]]:
    """The station processes a test starts (it appends them); each is stopped at the end."""
    started: list[StationProcess] = []
    yield started
    for process in started:
        process.stop()


def decode_all(pdf_path: Path, dpi: int = 300) -> list[str]:
    """Every barcode zxing-cpp reads on the PDF's pages rendered at `dpi`."""
    found: list[str] = []
    pdf = pdfium.PdfDocument(str(pdf_path))
    for page in pdf:
        image = page.render(scale=dpi / 72).to_pil()
        found += [result.text for result in zxingcpp.read_barcodes(image)]
    pdf.close()
    return found


def wait_for(condition: Callable[[], object], timeout: float = 15, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
