"""The print queue: every document is a row until its printer target took it.

A job is marked printed only after the target accepted it, so a crash can at most send the job
in flight once more; a failed job stays queued and is retried with backoff on its own thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from printing.targets import PrintError, PrintTarget
from station.storage.audit import append_audit
from station.storage.db import Database
from station.storage.models import PrintJobRow

log = logging.getLogger(__name__)

RETRY_BASE_S = 2.0
RETRY_CAP_S = 120.0
IDLE_POLL_S = 30.0


@dataclass(frozen=True)
class PrintJob:
    """One document for one printer role, as PDF, ZPL or both (the target takes the form it prints)."""

    printer: str  # "label" | "item" | "document"
    document: str
    subject: str
    pdf: bytes | None
    zpl: bytes | None = None


@dataclass(frozen=True)
class PrintOutcome:
    sent: tuple[str, ...]  # where each printed document went
    errors: tuple[str, ...]  # one clear line per document that did not print (it stays queued)


def add_jobs(session: Session, station_id: str, jobs: Sequence[PrintJob]) -> list[int]:
    """Queue documents in the caller's transaction (with the work they document)."""
    now = datetime.now(UTC)
    rows = [PrintJobRow(station_id=station_id, printer=j.printer, document=j.document, subject=j.subject,
                        pdf=j.pdf, zpl=j.zpl, state="queued", attempts=0, next_attempt_at=now, created_at=now)
            for j in jobs]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


class PrintQueue:
    def __init__(self, db: Database, station_id: str, targets: Callable[[str], PrintTarget],
                 on_status: Callable[[int, str | None], None] | None = None) -> None:
        self.db, self.station_id, self._targets = db, station_id, targets
        self.on_status = on_status or (lambda _waiting, _error: None)
        self._lock = threading.Lock()  # one sender at a time: the scan consumer or the retry thread
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def enqueue(self, jobs: Sequence[PrintJob]) -> list[int]:
        with self.db.unit_of_work() as s:
            return add_jobs(s, self.station_id, jobs)

    def send(self, ids: Sequence[int]) -> PrintOutcome:
        """Try these jobs now; what fails stays queued for the retry thread."""
        sent: list[str] = []
        errors: list[str] = []
        with self._lock:
            for job_id in ids:
                where, error = self._send_one(job_id)
                if where:
                    sent.append(where)
                if error:
                    errors.append(error)
        self._publish(errors[-1] if errors else None)
        if errors:
            self._wake.set()
        return PrintOutcome(tuple(sent), tuple(errors))

    def _send_one(self, job_id: int) -> tuple[str | None, str | None]:
        with self.db.read() as s:
            job = s.get(PrintJobRow, job_id)
            if job is None or job.state != "queued":
                return None, None
            printer, document, subject, pdf, zpl = job.printer, job.document, job.subject, job.pdf, job.zpl
        try:
            where = self._targets(printer).send(document, subject, pdf, zpl)
        except (PrintError, OSError) as exc:
            message = f"{document} for {subject} did not print: {exc} (it will be retried)"
            self._failed(job_id, message)
            return None, message
        with self.db.unit_of_work() as s:
            row = s.get_one(PrintJobRow, job_id)
            row.state, row.printed_at, row.sent_to, row.last_error = "printed", datetime.now(UTC), where, None
            if row.attempts:  # the first try is audited with the work; a later one only here
                append_audit(s, station_id=self.station_id, action="print.retried", subject=subject,
                             detail={"document": document, "attempts": row.attempts + 1, "sent_to": where},
                             actor=None)
        return where, None

    def _failed(self, job_id: int, error: str) -> None:
        with self.db.unit_of_work() as s:
            row = s.get_one(PrintJobRow, job_id)
            row.attempts += 1
            delay = random.random() * min(RETRY_CAP_S, RETRY_BASE_S * 2.0 ** min(row.attempts - 1, 10))
            row.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
            row.last_error = error[:2000]
        log.warning("print job %s failed: %s", job_id, error)

    def run_once(self) -> float:
        """Retry what is due; return how long to wait before the next round."""
        now = datetime.now(UTC)
        with self.db.read() as s:
            due = list(s.execute(select(PrintJobRow.id).where(
                PrintJobRow.station_id == self.station_id, PrintJobRow.state == "queued",
                PrintJobRow.next_attempt_at <= now).order_by(PrintJobRow.id)).scalars())
            following = s.execute(select(func.min(PrintJobRow.next_attempt_at)).where(
                PrintJobRow.station_id == self.station_id, PrintJobRow.state == "queued",
                PrintJobRow.next_attempt_at > now)).scalar_one_or_none()
        if due:
            self.send(due)
        else:
            self._publish(self._latest_error())
        if following is None:
            return IDLE_POLL_S
        return max(0.05, min(IDLE_POLL_S, (following - datetime.now(UTC)).total_seconds()))

    def waiting(self) -> int:
        with self.db.read() as s:
            return int(s.execute(select(func.count()).select_from(PrintJobRow).where(
                PrintJobRow.station_id == self.station_id, PrintJobRow.state == "queued")).scalar_one())

    def _latest_error(self) -> str | None:
        """The error of the job that failed last, while it still waits: it stays on screen."""
        with self.db.read() as s:
            return s.execute(select(PrintJobRow.last_error).where(
                PrintJobRow.station_id == self.station_id, PrintJobRow.state == "queued",
                PrintJobRow.last_error.is_not(None)).order_by(PrintJobRow.id.desc()).limit(1)
            ).scalar_one_or_none()

    def _publish(self, error: str | None) -> None:
        self.on_status(self.waiting(), error)

    def start(self) -> None:
        self._stop.clear()  # a stopped queue may be started again
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self.run_once()
            except Exception:  # the queue must outlive a bug: log it and try again later
                log.exception("print queue round failed")
                delay = RETRY_CAP_S
            self._wake.wait(delay)
            self._wake.clear()
