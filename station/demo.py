"""The demo profile: a throw-away folder with its own database, the reference backend on loopback,
the demo catalog, orders and returns, and printers writing PDF files into the folder."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from station.config import Config, PrinterSection, PrintersSection, validate
from station.refbackend import ReferenceBackend

DEMO_DATA = Path(__file__).resolve().parents[1] / "resources" / "demo" / "backend-data.json"


def make_profile(base: Path | None = None) -> Path:
    """A new, empty demo folder (under `base`, else the system's temporary folder)."""
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="station-demo-", dir=base))


def start_demo_backend(profile: Path) -> ReferenceBackend:
    """The reference backend on a free loopback port, serving a copy of the demo data."""
    data = profile / "backend-data.json"
    shutil.copyfile(DEMO_DATA, data)
    backend = ReferenceBackend(data, profile / "backend.db", host="127.0.0.1", port=0)
    backend.start()
    return backend


def demo_config(profile: Path, backend_url: str, station_id: str = "PACK-01") -> Config:
    """The station's configuration for the demo: everything inside the profile folder."""
    config = validate({
        "station": {"id": station_id, "number": 1, "start_mode": "pack"},
        "database": {"url": f"sqlite:///{profile / 'station.db'}"},
        "backend": {"url": backend_url, "catalog_refresh_s": 60},
    })
    prints = f"pdf:{profile / 'prints'}"
    printers = PrintersSection(label=PrinterSection(prints), item=PrinterSection(prints),
                               document=PrinterSection(prints))
    return replace(config, printers=printers, data_dir=profile)
