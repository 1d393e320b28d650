"""The demo profile: a throw-away folder with its own config.toml, database, backend token file and PDF
printouts, the reference backend on loopback, and the demo catalog, orders and returns."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import tomlkit

from station.config import Config, load_config
from station.refbackend import ReferenceBackend

DEMO_DATA = Path(__file__).resolve().parents[1] / "resources" / "demo" / "backend-data.json"
CONFIG_FILE = "config.toml"
TOKEN_FILE = "backend-token"
PRINTERS = ("label", "item", "document")


def make_profile(base: Path | None = None) -> Path:
    """A new, empty demo folder (under `base`, else the system's temporary folder)."""
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="station-demo-", dir=base))


def start_demo_backend(profile: Path) -> ReferenceBackend:
    """The reference backend on a free loopback port, serving a copy of the demo data. It asks for a
    new token, written to the profile's token file for the station to read."""
    data = profile / "backend-data.json"
    shutil.copyfile(DEMO_DATA, data)
    token = secrets.token_urlsafe(24)
    _write_private(profile / TOKEN_FILE, f"{token}\n")
    backend = ReferenceBackend(data, profile / "backend.db", host="127.0.0.1", port=0, token=token)
    backend.start()
    return backend


def write_demo_config(profile: Path, backend_url: str, station_id: str = "PACK-01", *,
                      scale_port: str = "") -> Path:
    """The demo's config.toml in the profile: everything inside the folder, the backend token read
    from the profile's token file (so the settings screen edits this file, never the system keyring)."""
    document = tomlkit.document()
    for line in ("The demo profile's configuration: `station demo` runs from this file, and the",
                 "settings screen saves to it. The folder is thrown away after the demo."):
        document.add(tomlkit.comment(line))
    document["station"] = {"id": station_id, "number": 1, "start_mode": "pack"}
    document["database"] = {"url": f"sqlite:///{profile / 'station.db'}"}
    document["backend"] = {"url": backend_url, "token_file": str(profile / TOKEN_FILE),
                           "catalog_refresh_s": 60}
    if scale_port:
        document["scale"] = {"port": scale_port, "protocol": "sics"}
    printers = tomlkit.table(is_super_table=True)
    for name in PRINTERS:
        printers[name] = {"target": f"pdf:{profile / 'prints'}"}
    document["printers"] = printers
    path = profile / CONFIG_FILE
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path


def demo_config(profile: Path, backend_url: str, station_id: str = "PACK-01", *,
                scale_port: str = "") -> Config:
    """Write the demo's config.toml (see `write_demo_config`) and read it back, as the station runs
    from a config file; its data folder is the profile."""
    path = write_demo_config(profile, backend_url, station_id, scale_port=scale_port)
    return replace(load_config(path), data_dir=profile)


def _write_private(path: Path, text: str) -> None:
    """A file only its owner may read (the token), created with that mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
