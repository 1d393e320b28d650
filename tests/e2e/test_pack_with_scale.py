"""Packing at a station with a scale: the live weight, CMD-WEIGH taking only a stable weight, the
order closing once weighed, the weight in the event, and a stale weight dropped after a change.
The scale is a Mettler Toledo SICS simulator on a pseudo-terminal."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from station.bootstrap import Station, build_station
from station.config import load_config
from station.services.views import ScreenChanged, ScreenState
from tests.devices.scale_simulators import ScaleSimulator
from tests.e2e.conftest import Backend, wait_for, with_scale, write_config


class Desk:
    """Types scans into the station's core and returns the screen each one produced."""

    def __init__(self, station: Station) -> None:
        self.core = station.core
        self.screens: list[ScreenState] = []
        self.core.subscribe(lambda e: self.screens.append(e.state) if isinstance(e, ScreenChanged) else None)

    def scan(self, code: str) -> ScreenState:
        from station.domain.scan import Scan

        count = len(self.screens)
        self.core.submit_scan(Scan(code))
        wait_for(lambda: len(self.screens) > count, what=f"scan {code}")
        return self.screens[-1]


def test_an_order_closes_once_weighed_and_reports_its_weight(
        tmp_path: Path, backend: Backend, scale: ScaleSimulator) -> None:
    config = load_config(with_scale(write_config(tmp_path, backend.url), scale.path))
    station = build_station(config)
    station.start()
    try:
        desk = Desk(station)
        wait_for(lambda: station.core.status().scale_stable, what="a stable reading")
        assert station.core.status().scale == "0 g"
        station.desk.packing.p.today = lambda: date(2026, 11, 22)
        desk.scan("EMP-1001")
        desk.scan("SO-100234")
        for code in ("4006381333931", "KIT-GIFTSET-1"):
            time.sleep(0.11)
            desk.scan(code)
        scale.set("stable", 590.0)
        time.sleep(0.12)
        screen = desk.scan("4006381333931")  # the last unit
        for code in ("CMD-SKIP-INSERT",) * 3:  # leave the inserts out: the weight is the point here
            screen = desk.scan(code)
        assert screen.order is not None and "CMD-WEIGH" in screen.feedback.detail
        assert "Weigh package 1 first" in desk.scan("CMD-DONE").feedback.message
        expected = screen.order.expected_weight_g
        assert expected == 2 * 180 + 420 + 2 * 140  # the T-shirts and the gift set, no box

        scale.set("motion", 702.0)
        wait_for(lambda: "(moving)" in station.core.status().scale, what="motion shown")
        assert not station.core.status().scale_stable
        screen = desk.scan("CMD-WEIGH")  # in motion for longer than CMD-WEIGH waits
        assert screen.feedback.level == "error" and screen.order is not None

        scale.set("stable", expected + 250.0)  # something extra went in
        time.sleep(0.3)
        screen = desk.scan("CMD-WEIGH")
        assert screen.order is not None and "Weight mismatch" in screen.feedback.message
        assert screen.prompt is not None and screen.prompt.kind == "supervisor"
        scale.set("stable", expected + 8.0)  # taken out again: within the 20 g tolerance
        time.sleep(0.3)
        screen = desk.scan("CMD-WEIGH")
        assert screen.order is None and screen.feedback.message == "Order SO-100234 packed"
        wait_for(lambda: backend.events(), what="the event delivered")
    finally:
        station.stop()
    [package] = backend.events()[0]["data"]["packages"]
    assert package["weight_g"] == 1068 and package["expected_weight_g"] == 1060


def test_a_weight_taken_before_the_last_unit_does_not_count(
        tmp_path: Path, backend: Backend, scale: ScaleSimulator) -> None:
    config = load_config(with_scale(write_config(tmp_path, backend.url), scale.path))
    station = build_station(config)
    station.start()
    try:
        desk = Desk(station)
        wait_for(lambda: station.core.status().scale_stable, what="a stable reading")
        desk.scan("EMP-1001")
        desk.scan("SO-100234")
        desk.scan("4006381333931")
        scale.set("stable", 300.0)
        time.sleep(0.3)
        assert desk.scan("CMD-WEIGH").order.package_weight_g == 300  # type: ignore[union-attr]
        time.sleep(0.11)
        screen = desk.scan("4006381333931")
        assert screen.order is not None and screen.order.package_weight_g is None
    finally:
        station.stop()

    again = build_station(config)  # after a restart the stale weight stays dropped
    again.start()
    try:
        desk = Desk(again)
        desk.scan("EMP-1001")
        screen = desk.scan("SO-100234")
        assert "Resumed" in screen.feedback.message
        assert screen.order is not None and screen.order.package_weight_g is None
        assert screen.order.units_counted == 2
    finally:
        again.stop()


def test_the_demo_scale_weighs_each_package_as_packed_right(tmp_path: Path, backend: Backend) -> None:
    from devices.demo_scale import DemoScale

    holder: list[Station] = []

    def expected() -> float | None:
        order = holder[0].core.screen_state().order if holder else None
        return float(order.expected_weight_g) if order and order.expected_weight_g else None

    demo_scale = DemoScale(expected)
    demo_scale.start()
    try:
        config = load_config(with_scale(write_config(tmp_path, backend.url), demo_scale.port))
        station = build_station(config)
        holder.append(station)
        station.start()
        try:
            desk = Desk(station)
            wait_for(lambda: station.core.status().scale_stable, what="a stable reading")
            desk.scan("EMP-1001")
            desk.scan("SO-100234")
            for code in ("BOX-M", "4006381333931", "KIT-GIFTSET-1"):
                time.sleep(0.11)
                desk.scan(code)
            time.sleep(0.11)
            desk.scan("4006381333931")
            screen = desk.scan("CMD-SKIP-INSERT")
            while screen.order is not None and "CMD-SKIP-INSERT" in screen.feedback.detail:
                screen = desk.scan("CMD-SKIP-INSERT")
            time.sleep(0.6)  # the scale shows the package's weight now
            screen = desk.scan("CMD-WEIGH")
            assert screen.order is None and screen.feedback.message == "Order SO-100234 packed"
        finally:
            station.stop()
    finally:
        demo_scale.stop()
