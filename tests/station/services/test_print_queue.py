"""The print queue: documents are rows until their printer took them; a failed one waits and is
retried; completion queues its documents in the same transaction as its event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from printing.targets import PrintError, PrintTarget
from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.print_queue import PrintJob, PrintQueue
from station.storage.cache import cache_order
from station.storage.db import Database
from station.storage.models import AuditRow, OutboxRow, PrintJobRow

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))


class SwitchablePrinter(PrintTarget):
    """A printer that is off until switched on; what it takes is kept, as a real one prints it.

    It stands in for a printer device only, which cannot run here."""

    def __init__(self) -> None:
        self.on = False
        self.taken: list[tuple[str, str]] = []

    def send_pdf(self, document: str, subject: str, pdf: bytes, *, now: object = None) -> str:
        if not self.on:
            raise PrintError("printer is off")
        assert pdf.startswith(b"%PDF")
        self.taken.append((document, subject))
        return f"switchable printer: {document}"

    def describe(self) -> str:
        return "switchable printer"

    def check(self) -> str:
        return "switchable printer"


def test_a_failed_job_stays_queued_and_prints_once_the_printer_is_back(db: Database) -> None:
    printer = SwitchablePrinter()
    queue = PrintQueue(db, "PACK-01", lambda _name: printer)
    outcome = queue.send(queue.enqueue([PrintJob("label", "label-1", "SO-1", b"%PDF-1.4 x")]))
    assert outcome.sent == () and "printer is off" in outcome.errors[0]
    assert queue.waiting() == 1
    with db.unit_of_work() as s:  # due now, as if its backoff had passed
        for row in s.execute(select(PrintJobRow)).scalars():
            row.next_attempt_at = row.created_at
    printer.on = True
    queue.run_once()
    queue.run_once()
    assert printer.taken == [("label-1", "SO-1")]  # exactly once
    assert queue.waiting() == 0
    with db.read() as s:  # the first try is audited with its work; the retry that printed, here
        [retried] = s.execute(select(AuditRow)).scalars().all()
    assert (retried.action, retried.subject, retried.operator_badge) == ("print.retried", "SO-1", None)
    assert retried.detail == {"document": "label-1", "attempts": 2, "sent_to": "switchable printer: label-1"}


def test_the_error_stays_on_screen_while_the_job_waits_for_its_retry(db: Database) -> None:
    printer, shown = SwitchablePrinter(), []
    queue = PrintQueue(db, "PACK-01", lambda _name: printer,
                       on_status=lambda waiting, error: shown.append((waiting, error)))
    queue.send(queue.enqueue([PrintJob("label", "label-1", "SO-1", b"%PDF-1.4 x")]))
    queue.run_once()  # nothing is due yet: the job waits out its backoff
    assert shown[-1] == (1, "label-1 for SO-1 did not print: printer is off (it will be retried)")
    with db.unit_of_work() as s:
        for row in s.execute(select(PrintJobRow)).scalars():
            row.next_attempt_at = row.created_at
    printer.on = True
    queue.run_once()
    queue.run_once()
    assert shown[-1] == (0, None)


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    config = replace(validate({"database": {"url": f"sqlite:///{tmp_path / 's.db'}"},
                               "printers": {"label": {"target": f"pdf:{tmp_path / 'prints'}"},
                                            "document": {"target": f"pdf:{tmp_path / 'prints'}"}}}),
                     data_dir=tmp_path)
    app = build_station(config, catalog_file=DATA["catalog"])
    with app.db.unit_of_work() as session:
        for order in DATA["orders"]:
            cache_order(session, order)
    yield app
    app.stop()


def test_completion_queues_its_documents_with_its_event(station: Station, tmp_path: Path) -> None:
    (tmp_path / "prints").write_text("not a folder")  # the printer target is broken
    for code in ("EMP-1001", "SO-100235", "8034512000120", "4260657810032", "4260657810032",
                 "5601234100051", "5601234100051", "90387159"):
        station.desk.handle(Scan(code))
    screen = station.desk.handle(Scan("CMD-SKIP-INSERT"))
    while screen.order is not None:
        screen = station.desk.handle(Scan("CMD-SKIP-INSERT"))
    assert "printing failed" in screen.feedback.message
    with station.db.read() as s:
        assert len(s.execute(select(OutboxRow)).scalars().all()) == 1
        jobs = s.execute(select(PrintJobRow)).scalars().all()
        assert sorted(j.document for j in jobs) == ["label-1", "packing-slip"]
        assert {j.state for j in jobs} == {"queued"} and all(j.last_error for j in jobs)
    (tmp_path / "prints").unlink()  # mended
    with station.db.unit_of_work() as s:
        for row in s.execute(select(PrintJobRow)).scalars():
            row.next_attempt_at = row.created_at
    assert station.print_queue is not None
    station.print_queue.run_once()
    assert sorted(p.name.split("-", 2)[2] for p in (tmp_path / "prints").iterdir()) == [
        "label-1-SO-100235.pdf", "packing-slip-SO-100235.pdf"]
    assert station.print_queue.waiting() == 0
