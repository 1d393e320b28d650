"""Fixtures of the sync tests: where the `refbackend` fixture keeps its dedup store."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "backend.sqlite"  # where the refbackend fixture keeps its dedup store
