"""Fixtures for the report tests: the services' test clock and a scale simulator (known_day.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.devices.scale_simulators import ScaleSimulator
from tests.station.reports.known_day import Clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock().install(monkeypatch)


@pytest.fixture
def scale() -> Iterator[ScaleSimulator]:
    simulator = ScaleSimulator("sics", grams=0.0, mode="stable")
    yield simulator
    simulator.close()
