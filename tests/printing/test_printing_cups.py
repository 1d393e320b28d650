"""Printing through a real CUPS: raw queues aimed at a listener of the test's own, so the bytes a
printer gets are checked. Needs cupsd (`bash .ci/cups.sh`): skipped without it, a failure under CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn

import pytest

from printing.documents.item_label import render_item_label
from printing.documents.packing_slip import render_packing_slip
from printing.documents.shipping_label_zpl import render_shipping_label_zpl
from printing.model import ItemLabel, PackingSlip, ShippingLabel
from printing.targets import PrintError, parse_target
from printing.zpl import pdf_to_gfa
from station.services.print_queue import PrintJob, PrintQueue
from station.storage.db import Database
from station.storage.models import PrintJobRow
from tests.raw_printer import RawPort

HOW = "install and start CUPS with: bash .ci/cups.sh"
TOOLS = ("lp", "lpstat", "lpadmin", "cupsenable", "cupsdisable", "cupsreject")
ARRIVAL_TIMEOUT_S = 30.0  # a job normally reaches the listener within a second
SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


@dataclass(frozen=True)
class RawQueue:
    name: str
    printer: RawPort


def _unavailable(reason: str) -> NoReturn:
    """Skip locally; fail under CI, so that CI cannot silently lose the CUPS tests."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI is set but {reason}", pytrace=False)
    pytest.skip(reason)


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    program = shutil.which(command[0], path=SBIN_PATH) or command[0]
    return subprocess.run([program, *command[1:]], capture_output=True, text=True, timeout=30,
                          check=False, env={**os.environ, "LC_ALL": "C"})


def _admin(*command: str) -> None:
    result = _run(*command)
    assert result.returncode == 0, f"{' '.join(command)}: {result.stderr.strip()}"


@pytest.fixture(scope="module")
def cups() -> None:
    """A running cupsd and its client tools, or a skip (a failure under CI) saying what is missing."""
    missing = [tool for tool in TOOLS if shutil.which(tool, path=SBIN_PATH) is None]
    if missing:
        _unavailable(f"the CUPS tests need {', '.join(missing)}: {HOW}")
    scheduler = _run("lpstat", "-r").stdout.strip()
    if scheduler != "scheduler is running":
        _unavailable(f'the CUPS tests need a running cupsd, lpstat -r says "{scheduler}": {HOW}')


@pytest.fixture
def raw_queue(cups: None) -> Iterator[RawQueue]:
    """A new CUPS queue that hands every job, unchanged, to a RawPort; removed afterwards."""
    printer = RawPort(timeout_s=ARRIVAL_TIMEOUT_S)
    name = f"station-test-{uuid.uuid4().hex[:12]}"
    try:
        # CUPS 2.4 (Debian 12 ships 2.4.2) still takes `-m raw`, only warning on stderr that raw
        # queues are deprecated: such a queue has no PPD and runs no filter, so cupsd gives the
        # job's bytes as they are to the socket backend. Should a later CUPS drop raw queues,
        # this fails here (under CI) with lpadmin's message.
        created = _run("lpadmin", "-p", name, "-E", "-v", f"socket://127.0.0.1:{printer.port}",
                       "-m", "raw")
        if created.returncode != 0:
            _unavailable(f"lpadmin cannot create a raw CUPS queue: {created.stderr.strip()}")
        yield RawQueue(name, printer)
    finally:
        _run("lpadmin", "-x", name)
        printer.close()


def _missing_queue() -> str:
    return f"station-test-missing-{uuid.uuid4().hex[:12]}"


def test_a_pdf_reaches_the_printer_unchanged(
        raw_queue: RawQueue, slip_factory: Callable[..., PackingSlip]) -> None:
    pdf = render_packing_slip(slip_factory())
    where = parse_target(f"cups:{raw_queue.name}").send_pdf("packing-slip", "SO-100234", pdf)
    assert where.startswith(f"CUPS queue {raw_queue.name} ({raw_queue.name}-")  # the request id
    assert raw_queue.printer.jobs(at_least=1) == [pdf]


def test_zpl_reaches_a_raw_queue_byte_for_byte(
        raw_queue: RawQueue, label_factory: Callable[..., ShippingLabel]) -> None:
    zpl = render_shipping_label_zpl(label_factory())  # UTF-8 under ^CI28: Zoë Müller, Hauptstraße
    target = parse_target(f"zpl+cups:{raw_queue.name}")
    where = target.send_zpl("label-1", "SO-100234", zpl)
    assert where.startswith(f"CUPS raw queue {raw_queue.name} ({raw_queue.name}-")
    assert raw_queue.printer.jobs(at_least=1) == [zpl]


def test_a_pdf_on_a_zpl_queue_arrives_as_a_zpl_graphic(raw_queue: RawQueue) -> None:
    pdf = render_item_label(ItemLabel(
        lpn="LPN00200000042", sku="TSHIRT-BLK-M", name="T-shirt black M", grade="B",
        disposition="RESTOCK", rma_number="RMA-5001", order_number="SO-100234",
        station_id="RET-01", printed_at=datetime(2026, 11, 25, 9, 41, tzinfo=UTC)))
    parse_target(f"zpl+cups:{raw_queue.name}").send_pdf("lpn", "LPN00200000042", pdf)
    assert raw_queue.printer.jobs(at_least=1) == [pdf_to_gfa(pdf)]


@pytest.mark.parametrize(("scheme", "job"), [("cups", b"%PDF-1.4\n%%EOF\n"), ("zpl+cups", b"^XA^XZ")])
def test_a_missing_queue_is_one_clear_line_naming_it(cups: None, scheme: str, job: bytes) -> None:
    queue = _missing_queue()
    target = parse_target(f"{scheme}:{queue}")
    with pytest.raises(PrintError) as caught:
        if scheme == "cups":
            target.send_pdf("packing-slip", "SO-1", job)
        else:
            target.send_zpl("label-1", "SO-1", job)
    message = str(caught.value)
    kind = "CUPS queue" if scheme == "cups" else "CUPS raw queue"
    assert message.startswith(f"printing to {kind} {queue} failed: lp: ")
    assert "\n" not in message and "does not exist" in message


@pytest.mark.parametrize("scheme", ["cups", "zpl+cups"])
def test_check_on_an_existing_and_a_missing_queue(raw_queue: RawQueue, scheme: str) -> None:
    status = parse_target(f"{scheme}:{raw_queue.name}").check()
    assert status.startswith(f"CUPS queue {raw_queue.name}: printer {raw_queue.name} is idle.")
    missing = _missing_queue()
    with pytest.raises(PrintError) as caught:
        parse_target(f"{scheme}:{missing}").check()
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"CUPS queue {missing} is unknown or CUPS is not running: "
                                        "lpstat: ")


def test_a_stopped_queue_fails_the_check_and_keeps_its_jobs_until_started(
        raw_queue: RawQueue) -> None:
    _admin("cupsdisable", raw_queue.name)
    target = parse_target(f"zpl+cups:{raw_queue.name}")
    with pytest.raises(PrintError) as caught:
        target.check()
    assert str(caught.value).startswith(f"CUPS queue {raw_queue.name} is disabled: ")
    assert str(caught.value).endswith(" - Paused")
    target.send_zpl("label-1", "SO-1", b"^XA^FDwaits^FS^XZ")  # CUPS takes it and holds it
    _admin("cupsenable", raw_queue.name)
    assert raw_queue.printer.jobs(at_least=1) == [b"^XA^FDwaits^FS^XZ"]


def test_a_queue_that_rejects_jobs_fails_the_check_and_the_job(raw_queue: RawQueue) -> None:
    _admin("cupsreject", raw_queue.name)
    target = parse_target(f"cups:{raw_queue.name}")
    with pytest.raises(PrintError) as caught:
        target.check()
    assert str(caught.value).startswith(f"CUPS queue {raw_queue.name} does not accept jobs: ")
    with pytest.raises(PrintError, match=f'"{raw_queue.name}" is not accepting jobs'):
        target.send_pdf("packing-slip", "SO-1", b"%PDF-1.4\n%%EOF\n")


def test_the_print_queue_delivers_to_cups_and_marks_the_job_printed(
        db: Database, raw_queue: RawQueue, slip_factory: Callable[..., PackingSlip]) -> None:
    pdf = render_packing_slip(slip_factory())
    statuses: list[tuple[int, str | None]] = []
    queue = PrintQueue(db, "PACK-01", lambda _printer: parse_target(f"cups:{raw_queue.name}"),
                       on_status=lambda waiting, error: statuses.append((waiting, error)))
    ids = queue.enqueue([PrintJob("document", "packing-slip", "SO-100234", pdf)])
    outcome = queue.send(ids)
    assert outcome.errors == ()
    assert raw_queue.printer.jobs(at_least=1) == [pdf]
    with db.read() as s:
        row = s.get_one(PrintJobRow, ids[0])
        assert (row.state, row.sent_to, row.last_error) == ("printed", outcome.sent[0], None)
    assert outcome.sent[0].startswith(f"CUPS queue {raw_queue.name} ({raw_queue.name}-")
    assert statuses[-1] == (0, None) and queue.waiting() == 0
