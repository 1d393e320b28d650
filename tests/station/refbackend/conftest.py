"""Fixtures for the reference backend tests: a real server on loopback serving the demo data."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from refbackend_helpers import DEMO_DATA

from station.refbackend import ReferenceBackend


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "backend.sqlite"


@pytest.fixture
def out() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def backend(db_path: Path, out: io.StringIO) -> Iterator[ReferenceBackend]:
    server = ReferenceBackend(DEMO_DATA, db_path, out=out)
    server.start()
    yield server
    server.stop()
