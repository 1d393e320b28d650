"""A returns station killed in the middle of a return resumes it with every recorded unit and
nothing else (scanning.md: "a crash or power cut at any moment loses nothing that was shown on
screen as counted, and the order (or return) resumes where it stopped when it is scanned again").

The real GUI process (offscreen) works as returns station RET-01 (number 2) on a SQLite file, from a
serial scanner on a pseudo-terminal. The clerk opens RMA-5001, grades the scarf (recorded with its
LPN when the T-shirt is scanned) and grades the T-shirt, which is still under inspection, never
committed, when the process is killed with SIGKILL. After the restart the clerk signs in and scans
RMA-5001 again: the return resumes with the scarf only; the T-shirt is inspected again and the return
completed. The backend gets one station.return.received and one station.return.completed, and the
LPNs are unique.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select

from station.storage.models import AuditRow, OutboxRow, ReturnSessionRow, ReturnUnitRow
from tests.e2e.conftest import Backend, PtyScanner, returns_config, wait_for
from tests.e2e.station_process import StationProcess

BADGE, CLERK = "EMP-2001", {"badge": "EMP-2001", "name": "Li Wei"}
RMA, ORDER, TRACKING = "RMA-5001", "SO-100242", "1Z999AA10123456784"
SCARF, SHIRT_L = "8034512000120", "4006381333948"
SOURCE = "urn:station:RET-01"
LPN_SCARF = "LPN00200000001"


class Db:
    """Reads the station's SQLite file from outside (plain reads: they take no lock)."""

    def __init__(self, path: Path) -> None:
        self.engine: Engine = create_engine(f"sqlite:///{path}")

    def units(self) -> list[dict[str, Any]]:
        """The return's recorded units not undone, in recording order: the stored unit records."""
        with self.engine.connect() as c:
            return [{**unit, "row_lpn": lpn} for lpn, unit in c.execute(
                select(ReturnUnitRow.lpn, ReturnUnitRow.unit)
                .join(ReturnSessionRow, ReturnSessionRow.id == ReturnUnitRow.session_id)
                .where(ReturnSessionRow.subject == RMA, ReturnUnitRow.undone_at.is_(None))
                .order_by(ReturnUnitRow.session_id, ReturnUnitRow.seq))]

    def all_lpns(self) -> list[str]:
        """Every LPN ever stored, undone units included."""
        with self.engine.connect() as c:
            return list(c.execute(select(ReturnUnitRow.lpn).order_by(ReturnUnitRow.id)).scalars())

    def sessions(self) -> list[str]:
        with self.engine.connect() as c:
            return list(c.execute(select(ReturnSessionRow.state).where(ReturnSessionRow.subject == RMA)
                                  .order_by(ReturnSessionRow.id)).scalars())

    def count(self, action: str) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(AuditRow)
                             .where(AuditRow.action == action)).scalar_one()

    def audits(self, action: str) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            return [d for (d,) in c.execute(select(AuditRow.detail).where(AuditRow.action == action)
                                            .order_by(AuditRow.id))]

    def outbox(self) -> list[tuple[str, str, str, int]]:
        """(id, type, state, stationseq) of the return's events, in stationseq order."""
        with self.engine.connect() as c:
            return [(i, t, s, q) for i, t, s, q in c.execute(
                select(OutboxRow.id, OutboxRow.type, OutboxRow.state, OutboxRow.stationseq)
                .where(OutboxRow.subject == RMA).order_by(OutboxRow.stationseq))]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Db]:
    reader = Db(tmp_path / "station.db")
    yield reader
    reader.engine.dispose()


def test_killed_mid_return_resumes_with_the_recorded_units_and_reports_once(
        tmp_path: Path, backend: Backend, pty_scanner: PtyScanner, db: Db,
        processes: list[StationProcess]) -> None:
    config = returns_config(tmp_path, backend.url, pty_scanner.port)

    def start() -> StationProcess:
        process = StationProcess(config, tmp_path, pty_scanner, len(processes) + 1, badge=BADGE,
                                 sign_ins=lambda: db.count("sign_in"))
        processes.append(process)
        process.sign_in()
        return process

    # Run 1: the scarf recorded (when the T-shirt is scanned), the T-shirt graded, not yet recorded.
    process = start()
    process.scan(RMA)
    wait_for(lambda: db.count("return.received") == 1, what="the return opened\n" + process.log())
    assert db.sessions() == ["open"]
    for code in (SCARF, "GRADE-B", "DEFECT-PACKAGING-DAMAGED", SHIRT_L):
        process.scan(code)
    wait_for(lambda: len(db.units()) == 1, what="the scarf recorded")
    wait_for(lambda: any((tmp_path / "items").glob(f"*-lpn-{LPN_SCARF}.pdf")), what="the scarf's LPN label")
    process.scan("GRADE-A")  # the T-shirt: graded on screen, still under inspection
    time.sleep(0.5)  # handled by now; a grade alone commits nothing
    [scarf] = db.units()
    assert (scarf["sku"], scarf["lpn"], scarf["grade"], scarf["defects"]) == (
        "SCARF-WOOL-GRY", LPN_SCARF, "B", ["packaging_damaged"]), scarf
    process.kill()
    assert process.process.returncode == -signal.SIGKILL

    # What survived the kill: the open session, the scarf and nothing of the T-shirt.
    assert db.sessions() == ["open"], "one open return session after the kill"
    assert [u["sku"] for u in db.units()] == ["SCARF-WOOL-GRY"], db.units()
    assert db.all_lpns() == [LPN_SCARF]
    assert [t for _i, t, _s, _q in db.outbox()] == ["station.return.received", "station.return.item_graded"]

    # Run 2: sign in, scan the RMA again: resumed with the scarf; the T-shirt inspected again.
    process = start()
    process.scan(RMA)
    wait_for(lambda: db.count("return.resumed") == 1, what="the return resumed\n" + process.log())
    assert db.audits("return.resumed")[0]["units"] == 1, db.audits("return.resumed")
    assert db.count("return.received") == 1
    assert db.sessions() == ["open"], "resuming must reuse the open session, not start another"
    assert [u["sku"] for u in db.units()] == ["SCARF-WOOL-GRY"], db.units()
    for code in (SHIRT_L, "GRADE-A", "CMD-DONE"):
        process.scan(code)
    wait_for(lambda: db.sessions() == ["completed"], what="the return completed\n" + process.log())
    units = db.units()
    assert [(u["sku"], u["grade"], u["expected"], u["line_id"]) for u in units] == [
        ("SCARF-WOOL-GRY", "B", True, "1"), ("TSHIRT-BLK-L", "A", True, "2")], units
    assert all(u["lpn"] == u["row_lpn"] for u in units)
    lpns = db.all_lpns()
    assert len(lpns) == len(set(lpns)) == 2, f"LPNs must be unique: {lpns}"
    assert all(lpn.startswith("LPN002") and len(lpn) == 14 and lpn[3:].isdigit() for lpn in lpns), lpns

    wait_for(lambda: [s for _i, _t, s, _q in db.outbox()] == ["delivered"] * 4, what="every event delivered")
    wait_for(lambda: len(backend.server.notifications()) >= 4, what="the backend's notifications")
    time.sleep(0.5)  # a second delivery, if any, would come now
    process.stop()
    for run in processes:
        assert "Traceback" not in run.log(), run.log()

    # -- what reached the backend: each event accepted once -----------------------------------------------
    posted = [e for e in backend.events() if e["subject"] == RMA]
    by_id: dict[str, dict[str, Any]] = {}
    for event in posted:  # a batch in flight at the kill may be sent again: the same event, same id
        event_id = str(event["id"])
        assert by_id.setdefault(event_id, event) == event, f"event {event_id} changed between deliveries"
    events = sorted(by_id.values(), key=lambda e: int(e["stationseq"]))
    assert [e["type"] for e in events] == [
        "station.return.received", "station.return.item_graded", "station.return.item_graded",
        "station.return.completed"], events
    assert [(e["id"], e["type"], "delivered", e["stationseq"]) for e in events] == db.outbox()
    assert all(e["source"] == SOURCE for e in events)
    received, graded_scarf, graded_shirt, completed = (e["data"] for e in events)
    assert isinstance(received, dict) and isinstance(completed, dict)
    assert (received["rma_number"], received["order_number"], received["tracking_number"]) == (
        RMA, ORDER, TRACKING)
    graded = [graded_scarf, graded_shirt]
    assert [(g["sku"], g["lpn"], g["grade"]) for g in graded] == [
        (u["sku"], u["lpn"], u["grade"]) for u in units]
    assert completed["items"] == [
        {"sku": u["sku"], "grade": u["grade"], "disposition": u["disposition"], "lpn": u["lpn"],
         "expected": u["expected"]} for u in units], (completed["items"], units)
    assert [i["disposition"] for i in completed["items"]] == ["RESTOCK", "RESTOCK"]
    assert (completed["missing"], completed["unexpected"], completed["refund_recommendation"]) == (
        [], [], "full")
    assert completed["operator"] == CLERK

    notifications = backend.server.notifications()
    assert len(notifications) == 4, notifications  # the backend accepted each event once
    assert sum(" received at RET-01" in n for n in notifications) == 1, notifications
    assert sum(" completed (refund recommendation: full)" in n for n in notifications) == 1, notifications

    labels = sorted(p.name for p in (tmp_path / "items").glob("*.pdf"))
    assert [name for name in labels if "-lpn-" in name] == labels and len(labels) == 2, labels
    assert {name.split("-lpn-")[1].removesuffix(".pdf") for name in labels} == set(lpns)
