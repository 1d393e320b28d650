"""SerialScale and check_scale against simulated scales on real pseudo-terminals."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import devices.scale
from devices.scale import ScaleError, SerialScale, check_scale, describe
from devices.scale_protocols import Reading
from tests.devices.reader_support import TIMEOUT, StateRecorder, symlink
from tests.devices.scale_simulators import Mode, ScaleSimulator

POLL_S = 0.05
PROTOCOLS = ["sics", "nci", "toledo8217"]


class Recorder(StateRecorder):
    """Collects what the scale reports, and lets a test wait for it."""

    def __init__(self) -> None:
        super().__init__()
        self.readings: queue.Queue[Reading] = queue.Queue()
        self.seen: list[Reading] = []

    def reading(self, status: str, grams: float | None = None) -> Reading:
        """The next delivered reading with this status (and weight); every reading is kept in `seen`."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {status} reading of {grams} g; seen: {self.seen}"
            try:
                reading = self.readings.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(reading)
            if reading.status == status and (grams is None or reading.grams == grams):
                return reading

    def error(self) -> str:
        return self.errors.get(timeout=TIMEOUT)


@pytest.fixture
def make_sim() -> Iterator[Callable[..., ScaleSimulator]]:
    made: list[ScaleSimulator] = []

    def make(protocol: str, grams: float = 0.0, mode: Mode = "stable", unit: str = "") -> ScaleSimulator:
        sim = ScaleSimulator(protocol, grams, mode, unit)
        made.append(sim)
        return sim

    yield make
    for sim in made:
        sim.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def run_scale(recorder: Recorder) -> Iterator[Callable[..., SerialScale]]:
    started: list[SerialScale] = []

    def run(port: str, protocol: str, **kwargs: Any) -> SerialScale:
        on_reading = kwargs.pop("on_reading", recorder.readings.put)
        scale = SerialScale(port, 9600, protocol, on_reading, recorder.on_state, recorder.errors.put,
                            poll_interval_s=POLL_S, **kwargs)
        scale.start()
        started.append(scale)
        return scale

    yield run
    for scale in started:
        scale.stop()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_stable_weight_is_delivered(
    protocol: str, make_sim: Callable[..., ScaleSimulator], recorder: Recorder,
    run_scale: Callable[..., SerialScale],
) -> None:
    sim = make_sim(protocol, 1234.0)
    scale = run_scale(sim.path, protocol)
    reading = recorder.reading("stable", 1234.0)
    assert reading.message == "stable"
    latest = scale.latest()
    assert latest is not None and (latest.status, latest.grams) == ("stable", 1234.0)
    assert recorder.states == ["connecting", "connected"]
    assert recorder.errors.empty()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_motion_is_never_a_stable_weight_and_wait_stable_returns_once_settled(
    protocol: str, make_sim: Callable[..., ScaleSimulator], recorder: Recorder,
    run_scale: Callable[..., SerialScale],
) -> None:
    sim = make_sim(protocol, 800.0, "motion")
    scale = run_scale(sim.path, protocol)
    moving = recorder.reading("motion")
    # SICS and NCI send the moving value (for display); 8217 sends only a status byte.
    assert moving.grams == (None if protocol == "toledo8217" else 800.0)
    assert scale.wait_stable(0.3) is None
    settle = threading.Timer(0.3, sim.set, ("stable", 812.0))
    called = time.monotonic()  # before the timer starts: it settles no sooner than 0.3 s from here
    settle.start()
    reading = scale.wait_stable(TIMEOUT)
    settle.join()
    assert reading is not None and (reading.status, reading.grams) == ("stable", 812.0)
    assert reading.at > called and time.monotonic() - called >= 0.3
    recorder.reading("stable", 812.0)
    assert [r.status for r in recorder.seen] == ["motion", "stable"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_over_under_and_errors_are_reported_and_reading_goes_on(
    protocol: str, make_sim: Callable[..., ScaleSimulator], recorder: Recorder,
    run_scale: Callable[..., SerialScale],
) -> None:
    sim = make_sim(protocol, 500.0, "over")
    scale = run_scale(sim.path, protocol)
    assert recorder.reading("over").message == "over capacity"
    sim.set("under")
    assert recorder.reading("under").grams is None
    sim.set("error")
    error = recorder.reading("error")
    assert "scale error" in error.message
    assert error.message in recorder.error()
    sim.set("garbage")
    assert "unreadable answer" in recorder.reading("error").message
    assert "unreadable answer" in recorder.error()
    sim.set("stable")
    recorder.reading("stable", 500.0)
    assert scale.wait_stable(TIMEOUT) is not None
    assert recorder.states == ["connecting", "connected"]


def test_the_same_reading_is_delivered_once_but_latest_stays_fresh(
    make_sim: Callable[..., ScaleSimulator], recorder: Recorder, run_scale: Callable[..., SerialScale],
) -> None:
    sim = make_sim("sics", 250.0)
    scale = run_scale(sim.path, "sics")
    first = recorder.reading("stable", 250.0)
    time.sleep(0.4)
    assert recorder.readings.empty() and sim.requests >= 4
    latest = scale.latest()
    assert latest is not None and latest.at > first.at and latest.grams == 250.0
    sim.set("stable", 250.5)
    recorder.reading("stable", 250.5)


def test_a_silent_scale_is_reported_once(
    make_sim: Callable[..., ScaleSimulator], recorder: Recorder, run_scale: Callable[..., SerialScale],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(devices.scale, "REPLY_TIMEOUT_S", 0.2)
    sim = make_sim("nci", 100.0, "silent")
    scale = run_scale(sim.path, "nci")
    recorder.wait_state("connected")
    assert "does not answer" in recorder.reading("error").message
    assert "does not answer" in recorder.error()
    assert scale.wait_stable(0.3) is None
    assert recorder.errors.empty()
    sim.set("stable")
    recorder.reading("stable", 100.0)


def test_failing_on_reading_is_reported_and_polling_goes_on(
    make_sim: Callable[..., ScaleSimulator], recorder: Recorder, run_scale: Callable[..., SerialScale],
) -> None:
    def on_reading(reading: Reading) -> None:
        if reading.grams == 666.0:
            raise RuntimeError("consumer broke")
        recorder.readings.put(reading)

    sim = make_sim("toledo8217", 666.0)
    run_scale(sim.path, "toledo8217", on_reading=on_reading)
    assert "consumer broke" in recorder.error()
    sim.set("stable", 700.0)
    recorder.reading("stable", 700.0)


def test_reconnects_when_the_scale_goes_away_and_comes_back(
    tmp_path: Path, make_sim: Callable[..., ScaleSimulator], recorder: Recorder,
    run_scale: Callable[..., SerialScale],
) -> None:
    first = make_sim("sics", 500.0)
    link = tmp_path / "scale"
    symlink(first.path, link)
    scale = run_scale(str(link), "sics")
    seen = recorder.wait_state("connected")
    recorder.reading("stable", 500.0)

    first.close()  # unplugged: reads and writes on the reader's side now fail
    seen = recorder.wait_state("reconnecting", seen)
    assert "lost" in recorder.error()
    assert scale.latest() is None  # a weight from before the outage is not offered as current

    second = make_sim("sics", 750.0)
    symlink(second.path, link)
    recorder.wait_state("connected", seen)
    recorder.reading("stable", 750.0)
    assert recorder.states[-2:] == ["reconnecting", "connected"]
    assert recorder.errors.empty()  # failing reopens while it was away were not reported again


def test_reconnects_when_the_symlink_is_repointed(
    tmp_path: Path, make_sim: Callable[..., ScaleSimulator], recorder: Recorder,
    run_scale: Callable[..., SerialScale],
) -> None:
    first, second = make_sim("nci", 300.0), make_sim("nci", 400.0)
    link = tmp_path / "by-id"
    symlink(first.path, link)
    run_scale(str(link), "nci")
    seen = recorder.wait_state("connected")
    recorder.reading("stable", 300.0)
    symlink(second.path, link)
    seen = recorder.wait_state("reconnecting", seen)
    assert "replaced" in recorder.error()
    recorder.wait_state("connected", seen)
    recorder.reading("stable", 400.0)


def test_absent_until_the_scale_appears(
    tmp_path: Path, make_sim: Callable[..., ScaleSimulator], recorder: Recorder,
    run_scale: Callable[..., SerialScale],
) -> None:
    link = tmp_path / "not-yet"
    run_scale(str(link), "toledo8217")
    seen = recorder.wait_state("absent")
    assert f"scale port {str(link)!r} cannot be opened" in recorder.error()
    sim = make_sim("toledo8217", 1500.0)
    symlink(sim.path, link)
    recorder.wait_state("connected", seen)
    recorder.reading("stable", 1500.0)
    assert recorder.states == ["connecting", "absent", "connected"]
    assert recorder.errors.empty()


def test_stop_ends_the_thread_quickly(
    make_sim: Callable[..., ScaleSimulator], recorder: Recorder, tmp_path: Path,
) -> None:
    sim = make_sim("sics", 1.0, "silent")
    scales = [
        SerialScale(path, 9600, "sics", recorder.readings.put, recorder.on_state, recorder.errors.put)
        for path in (sim.path, str(tmp_path / "none"))
    ]
    for scale in scales:
        scale.start()
    recorder.wait_state("connected")
    recorder.wait_state("absent")
    started = time.monotonic()
    for scale in scales:
        scale.stop()
    assert time.monotonic() - started < 1.0
    assert not any(t.name.startswith("scale-") for t in threading.enumerate())


def test_an_unknown_protocol_or_format_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="unknown scale protocol"):
        SerialScale("/dev/null", 9600, "dibal", print, print, print)
    with pytest.raises(ValueError, match="not like 8N1"):
        SerialScale("/dev/null", 9600, "sics", print, print, print, serial_format="9X3")


@pytest.mark.parametrize(
    ("protocol", "unit", "grams", "expected"),
    [
        ("sics", "g", 0.0, "0.0 g stable"),
        ("sics", "kg", 1234.0, "1234.0 g stable"),
        ("nci", "lb", 453.59237, "453.592 g stable"),
        ("toledo8217", "kg", 250.0, "250.0 g stable"),
    ],
)
def test_check_scale_describes_a_working_scale(
    protocol: str, unit: str, grams: float, expected: str, make_sim: Callable[..., ScaleSimulator],
) -> None:
    sim = make_sim(protocol, grams, unit=unit)
    assert check_scale(sim.path, 9600, protocol) == f"scale on {sim.path} ({protocol}): {expected}"
    sim.set("over")
    assert check_scale(sim.path, 9600, protocol).endswith(": over capacity")


def test_check_scale_raises_a_clear_one_line_error(
    tmp_path: Path, make_sim: Callable[..., ScaleSimulator],
) -> None:
    missing = str(tmp_path / "ttyUSB9")
    messages = []
    with pytest.raises(ScaleError, match=r"ttyUSB9.*cannot be opened") as caught:
        check_scale(missing, 9600, "sics")
    messages.append(str(caught.value))
    sim = make_sim("nci", 10.0, "silent")
    with pytest.raises(ScaleError, match=r"\(nci\) does not answer within 0.3 s") as caught:
        check_scale(sim.path, 9600, "nci", timeout_s=0.3)
    messages.append(str(caught.value))
    sim.set("garbage")
    with pytest.raises(ScaleError, match="unreadable answer from scale") as caught:
        check_scale(sim.path, 9600, "nci")
    messages.append(str(caught.value))
    sim.set("error")
    with pytest.raises(ScaleError, match="RAM error") as caught:
        check_scale(sim.path, 9600, "nci")
    messages.append(str(caught.value))
    with pytest.raises(ScaleError, match="unknown scale protocol"):
        check_scale(sim.path, 9600, "dibal")
    assert all("\n" not in message for message in messages)


def test_describe() -> None:
    assert describe(Reading(12.5, "motion", "in motion", 0.0)) == "12.5 g in motion"
    assert describe(Reading(None, "under", "below zero", 0.0)) == "below zero"
