"""Every scan leaves at least one audit row (SQLite, and PostgreSQL when configured): sign-ins, counted
and refused units, commands that do nothing where they are scanned, serials asked for, approvals with
their PINs, mode switches, returns inspection scans and reprints; a frame the scanner refused and a
scan whose handling failed too. No PIN is ever in the trail, and the chain holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station.bootstrap import Station
from station.domain.scan import Scan
from station.storage.audit import verify_chain
from station.storage.models import AuditRow
from tests.station.services.shift import PIN, WRONG_PIN, make_station

HEADPHONES, SCARF, SHIRT = "840632110421", "8034512000120", "4006381333931"

# (scan, the action of the last row it wrote): each kind of outcome once, in a shift that makes sense.
SCANS = [
    ("CMD-UNDO", "command.refused"),  # signed out
    ("SO-100236", "scan.refused"),  # "sign in first"
    ("EMP-1001", "sign_in"),
    ("CMD-MODE-RETURNS", "command.refused"),  # a packer may not
    ("CMD-WEIGH", "command.refused"),  # no order open
    ("SO-100236", "order.opened"),
    ("CMD-UNDO", "command.refused"),  # nothing to undo
    ("CMD-REPRINT", "command.refused"),  # nothing printed yet
    ("CMD-WEIGH", "command.refused"),  # no scale at this station
    ("CMD-DONE", "command.refused"),  # units still to scan
    (HEADPHONES, "unit.code_asked"),
    ("HB1A24K09999", "unit.counted"),
    ("CMD-SKIP-INSERT", "insert.skipped"),
    ("CMD-SHORT-SHIP", "override.requested"),
    ("EMP-9001", "override.supervisor"),  # the approval's supervisor: the PIN is asked for
    (WRONG_PIN, "pin.refused"),
    ("CMD-DONE", "command.refused"),  # finish the approval first
    (PIN, "pin.accepted"),
    ("socks out of stock", "override.approved"),
    ("CMD-REPRINT", "reprint"),
    ("EMP-9001", "sign_in"),
    ("CMD-MODE-RETURNS", "mode.switched"),
    ("GRADE-A", "command.refused"),  # no return open
    ("RMA-5001", "return.received"),
    ("GRADE-A", "scan.refused"),  # no unit under inspection
    (SCARF, "return.unit_scanned"),
    ("CMD-DONE", "command.refused"),  # the unit has no grade yet
    ("GRADE-B", "return.inspected"),
    ("DISP-REFURBISH", "return.inspected"),
    ("CMD-DONE", "print"),
    ("CMD-REPRINT", "reprint"),
    ("CMD-SIGN-OUT", "sign_out"),
]


@pytest.fixture
def station(tmp_path: Path, database_url: str) -> Iterator[Station]:
    app = make_station(tmp_path, database_url)
    yield app
    app.stop()


def rows(station: Station) -> int:
    with station.db.read() as s:
        return int(s.execute(select(func.count()).select_from(AuditRow)).scalar_one())


def last_action(station: Station) -> str:
    with station.db.read() as s:
        return s.execute(select(AuditRow.action).order_by(AuditRow.id.desc()).limit(1)).scalar_one()


def test_every_scan_leaves_an_audit_row(station: Station) -> None:
    for code, action in SCANS:
        before = rows(station)
        screen = station.desk.handle(Scan(code))
        assert rows(station) > before, (code, screen.feedback)
        assert last_action(station) == action, (code, screen.feedback)
    with station.db.read() as s:
        assert verify_chain(s) is None
        details = " ".join(str(row.detail) for row in s.scalars(select(AuditRow)))
    assert PIN not in details and WRONG_PIN not in details
    with station.db.read() as s:
        graded = s.scalars(select(AuditRow).where(AuditRow.action == "return.unit_graded")).one()
    assert (graded.detail["disposition"], graded.detail["disposition_override"]) == ("REFURBISH", "REFURBISH")


def test_a_refused_frame_and_a_failed_scan_are_audited_too(station: Station) -> None:
    station.start()
    station.core.submit_scan(Scan("EMP-1001"))
    station.core.report_error("frame refused: over 512 characters")
    station.desk.packing.p.orders = None  # type: ignore[assignment]  # the order lookup now fails
    station.core.submit_scan(Scan("SO-100234"))
    assert station.core.wait_idle()
    with station.db.read() as s:
        audit = s.scalars(select(AuditRow).order_by(AuditRow.id)).all()
    assert [(row.action, row.detail) for row in audit[1:]] == [
        ("scan.refused", {"code": "", "reason": "frame refused: over 512 characters"}),
        ("scan.failed", {"error": "AttributeError"})]
    assert station.core.screen_state().feedback.message == "Something went wrong with that scan"
