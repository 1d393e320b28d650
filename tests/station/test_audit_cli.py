"""`station audit verify` as a process of the installed command, on the audit trail of a real station
worked through a shift (SQLite and PostgreSQL): intact it says so; one row's detail changed with SQL, or
one row deleted from the middle, and it exits 1 naming the first broken row; the newest rows deleted,
and it says how many the station wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import JSON, bindparam, select, text

from station.storage.db import Database
from station.storage.models import AuditRow
from tests.station.services.shift import make_station, work_a_shift
from tests.station.test_sync_cli import run

Trail = tuple[Path, Database, list[AuditRow]]
BROKEN = "audit trail broken at row {id} (PACK-01, {at:%Y-%m-%d %H:%M:%S} UTC, {action}): "


@pytest.fixture
def trail(tmp_path: Path, database_url: str) -> Trail:
    """The config file naming the database, the database, and its audit rows (oldest first)."""
    station = make_station(tmp_path / "station", database_url)
    try:
        work_a_shift(station)
    finally:
        station.stop()
    config = tmp_path / "station.toml"
    config.write_text(f'[station]\nid = "PACK-01"\n[database]\nurl = "{database_url}"\n', encoding="utf-8")
    db = Database(database_url)
    with db.read() as s:
        rows = list(s.scalars(select(AuditRow).order_by(AuditRow.id)))
    return config, db, rows


def test_an_intact_trail_verifies(tmp_path: Path, trail: Trail) -> None:
    config, db, rows = trail
    db.dispose()
    result = run(tmp_path, config, "audit", "verify")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"audit trail intact: {len(rows)} row(s)\n"
    assert len(rows) > 20


def test_a_changed_detail_names_that_row(tmp_path: Path, trail: Trail) -> None:
    config, db, rows = trail
    target = next(row for row in rows[10:] if row.action == "unit.counted")
    forged = {**target.detail, "quantity": 12}
    with db.engine.begin() as connection:  # what someone with a database shell would do
        connection.execute(text("UPDATE audit_log SET detail = :detail WHERE id = :id")
                           .bindparams(bindparam("detail", type_=JSON)), {"detail": forged, "id": target.id})
    db.dispose()

    result = run(tmp_path, config, "audit", "verify")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == BROKEN.format(id=target.id, at=target.at, action="unit.counted") + (
        "its content does not match its hash: it was changed after it was written\n")


def test_a_deleted_row_names_the_one_after_it(tmp_path: Path, trail: Trail) -> None:
    config, db, rows = trail
    middle = len(rows) // 2
    with db.engine.begin() as connection:
        assert connection.execute(text("DELETE FROM audit_log WHERE id = :id"),
                                  {"id": rows[middle].id}).rowcount == 1
    db.dispose()

    result = run(tmp_path, config, "audit", "verify")
    after = rows[middle + 1]  # one station wrote them all: the next row's link is the broken one
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == BROKEN.format(id=after.id, at=after.at, action=after.action) + (
        "it does not follow its station's previous row: a row before it was removed or changed\n")


def test_the_newest_rows_deleted_are_found(tmp_path: Path, trail: Trail) -> None:
    config, db, rows = trail
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": rows[-2].id})
    db.dispose()

    result = run(tmp_path, config, "audit", "verify")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"audit trail broken: PACK-01 wrote {len(rows)} row(s) but {len(rows) - 2} are "
                             "left: its newest rows were removed\n")
