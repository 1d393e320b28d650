"""The print queue and a raw TCP label printer that is down at first: the job waits and is retried,
the retry thread delivers it once the printer listens, and it is never sent a second time."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from printing.documents.shipping_label import render_shipping_label
from printing.model import Address, ShippingLabel
from printing.targets import PrintTarget, parse_target
from printing.zpl import pdf_to_gfa
from station.services import print_queue
from station.services.print_queue import PrintJob, PrintQueue
from station.storage.db import Database
from station.storage.models import PrintJobRow
from tests.raw_printer import RawPort

TIMEOUT_S = 10.0  # each wait below normally ends within a fraction of a second
Status = tuple[int, str | None]


class StatusLog:
    """What the queue tells the status bar, one (waiting, error) per call, from any thread."""

    def __init__(self) -> None:
        self._calls: list[Status] = []
        self._changed = threading.Condition()

    def __call__(self, waiting: int, error: str | None) -> None:
        with self._changed:
            self._calls.append((waiting, error))
            self._changed.notify_all()

    def wait_until(self, what: str, predicate: Callable[[list[Status]], bool]) -> list[Status]:
        with self._changed:
            assert self._changed.wait_for(lambda: predicate(self._calls), TIMEOUT_S), \
                f"the queue never reported {what}; it reported {self._calls[-5:]}"
            return list(self._calls)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff and idle polling in tens of milliseconds, so that many rounds pass quickly."""
    monkeypatch.setattr(print_queue, "RETRY_BASE_S", 0.02)
    monkeypatch.setattr(print_queue, "RETRY_CAP_S", 0.1)
    monkeypatch.setattr(print_queue, "IDLE_POLL_S", 0.02)


@pytest.fixture
def down_port() -> int:
    """A loopback port where nothing listens (yet)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@pytest.fixture
def printer(down_port: int) -> Iterator[Callable[[], RawPort]]:
    """Switch the label printer on: a RawPort on `down_port`, closed at the end of the test."""
    started: list[RawPort] = []

    def switch_on() -> RawPort:
        started.append(RawPort(down_port, timeout_s=TIMEOUT_S))
        return started[-1]

    yield switch_on
    for port in started:
        port.close()


def _label_pdf() -> bytes:
    ship_to = Address(name="Zoë Müller", company=None, line1="Hauptstraße 5", line2=None,
                      city="Berlin", postcode="10115", region=None, country="DE", phone=None)
    return render_shipping_label(ShippingLabel(
        order_number="SO-100234", ship_to=ship_to, carrier="DHL", service="Paket",
        tracking_number="00340434161094042557", package_no=1, package_count=1, weight_g=1250,
        station_id="PACK-01"))


def _attempts(db: Database, job_id: int) -> int:
    with db.read() as s:
        return s.get_one(PrintJobRow, job_id).attempts


def _rounds_after_a_restart(db: Database, target: PrintTarget, rounds: int = 5) -> Status:
    """Run a new queue on the same database, as after a restart, for `rounds` rounds; its last report."""
    statuses = StatusLog()
    queue = _queue(db, target, statuses)
    queue.start()
    try:
        return statuses.wait_until(f"{rounds} rounds", lambda calls: len(calls) >= rounds)[-1]
    finally:
        queue.stop()


def _queue(db: Database, target: PrintTarget, statuses: StatusLog) -> PrintQueue:
    return PrintQueue(db, "PACK-01", {"label": target}.__getitem__, on_status=statuses)


def test_a_label_printer_down_at_first_gets_the_job_once_it_listens_and_never_twice(
        db: Database, fast_retries: None, down_port: int,
        printer: Callable[[], RawPort]) -> None:
    target = parse_target(f"zpl+tcp://127.0.0.1:{down_port}")
    pdf = _label_pdf()
    expected = pdf_to_gfa(pdf)  # a PDF label on a ZPL printer goes as a ZPL graphic
    statuses = StatusLog()
    queue = _queue(db, target, statuses)
    ids = queue.enqueue([PrintJob("label", "label-1", "SO-100234", pdf)])

    outcome = queue.send(ids)
    assert outcome.sent == ()
    assert outcome.errors == (f"label-1 for SO-100234 did not print: printing to ZPL printer at "
                              f"127.0.0.1:{down_port} failed: Connection refused (it will be retried)",)
    assert statuses.wait_until("the failure", bool)[-1] == (1, outcome.errors[0])
    assert queue.waiting() == 1

    queue.start()
    try:
        calls = statuses.wait_until("three failed retries", lambda _calls: _attempts(db, ids[0]) >= 4)
        assert all(error for _waiting, error in calls)  # the error stays on screen between retries
        assert queue.waiting() == 1  # still down: the job waits, nothing is lost
        raw_port = printer()
        assert raw_port.jobs(at_least=1) == [expected]
        after = len(statuses.wait_until("nothing waiting", lambda calls: calls[-1] == (0, None)))
        statuses.wait_until("five more rounds", lambda calls: len(calls) >= after + 5)
    finally:
        queue.stop()
    assert raw_port.jobs() == [expected]  # one connection, the exact bytes

    assert _rounds_after_a_restart(db, target) == (0, None)
    assert raw_port.jobs() == [expected]
    with db.read() as s:
        row = s.get_one(PrintJobRow, ids[0])
        assert (row.state, row.sent_to, row.last_error) == (
            "printed", f"ZPL printer at 127.0.0.1:{down_port}", None)
        assert row.attempts >= 4 and row.printed_at is not None
