"""The audit trail: rows chain per station, and verify_chain finds the first row that was tampered with."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, bindparam, func, select, text

from station.storage.audit import (
    GENESIS,
    Actor,
    MissingRows,
    append_audit,
    missing_rows,
    row_hash,
    verify_chain,
)
from station.storage.db import Database
from station.storage.models import AuditRow

T0 = datetime(2026, 11, 22, 14, 0, 0, tzinfo=UTC)
PACKER = Actor("EMP-1001", "packer")


def _fill(db: Database) -> list[int]:
    """Two stations writing in turn: PACK-01, RET-01, PACK-01, ... (ids in insertion order)."""
    ids = []
    for i in range(6):
        station = "PACK-01" if i % 2 == 0 else "RET-01"
        with db.unit_of_work() as session:
            row = append_audit(session, station_id=station, action="unit_counted",
                               subject=f"SO-{i}", detail={"sku": "MUG-01", "n": i, "note": "Zoë"},
                               actor=PACKER if i != 3 else None, at=T0 + timedelta(seconds=i))
            ids.append(row.id)
    return ids


def _tamper(db: Database, row_id: int, detail: dict[str, object]) -> None:
    """What someone with a database shell would do: a raw UPDATE, bypassing the ORM."""
    statement = text("UPDATE audit_log SET detail = :detail WHERE id = :id").bindparams(
        bindparam("detail", type_=JSON))
    with db.engine.begin() as connection:
        assert connection.execute(statement, {"detail": detail, "id": row_id}).rowcount == 1


def test_rows_chain_per_station(db: Database) -> None:
    _fill(db)
    with db.read() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
    for station in ("PACK-01", "RET-01"):
        chain = [row for row in rows if row.station_id == station]
        assert chain[0].prev_hash == GENESIS
        for previous, row in itertools.pairwise(chain):
            assert row.prev_hash == previous.hash
        assert all(row.hash == row_hash(row) for row in chain)
    assert rows[3].operator_badge is None and rows[0].operator_badge == "EMP-1001"


def test_intact_chain_verifies(db: Database) -> None:
    with db.read() as session:
        assert verify_chain(session) is None  # an empty log holds too
    _fill(db)
    with db.read() as session:
        assert verify_chain(session) is None


def test_changed_detail_is_found(db: Database) -> None:
    ids = _fill(db)
    _tamper(db, ids[2], {"sku": "MUG-01", "n": 200, "note": "Zoë"})

    with db.read() as session:
        broken = verify_chain(session)
    assert broken is not None
    assert broken.id == ids[2]
    assert broken.detail["n"] == 200


def test_first_tampered_row_is_reported_across_stations(db: Database) -> None:
    ids = _fill(db)
    _tamper(db, ids[4], {"sku": "MUG-01", "n": 4, "note": "changed"})  # PACK-01
    _tamper(db, ids[1], {"sku": "MUG-01", "n": 1, "note": "changed"})  # RET-01, earlier

    with db.read() as session:
        broken = verify_chain(session)
    assert broken is not None and broken.id == ids[1]


def test_deleted_row_is_found(db: Database) -> None:
    ids = _fill(db)
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[2]})

    with db.read() as session:
        broken = verify_chain(session)
    # PACK-01's rows are ids[0], ids[2], ids[4]: with ids[2] gone, ids[4] no longer links.
    assert broken is not None and broken.id == ids[4]


def test_rows_deleted_from_the_end_are_found_by_the_counter(db: Database) -> None:
    ids = _fill(db)
    with db.read() as session:
        assert missing_rows(session) == []
    with db.engine.begin() as connection:  # RET-01's newest row: no later row links to it
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[5]})

    with db.read() as session:
        assert verify_chain(session) is None
        assert missing_rows(session) == [MissingRows("RET-01", written=3, found=2)]


def test_a_rewritten_hash_still_breaks_the_next_link(db: Database) -> None:
    ids = _fill(db)
    with db.read() as session:
        row = session.get(AuditRow, ids[0])
        assert row is not None
        row.detail = {"sku": "MUG-01", "n": 0, "note": "forged"}
        forged_hash = row_hash(row)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET detail = :detail, hash = :hash WHERE id = :id")
                           .bindparams(bindparam("detail", type_=JSON)),
                           {"detail": json.loads('{"sku": "MUG-01", "n": 0, "note": "forged"}'),
                            "hash": forged_hash, "id": ids[0]})

    with db.read() as session:
        broken = verify_chain(session)
    assert broken is not None and broken.id == ids[2]


def test_concurrent_appends_of_one_station_keep_one_chain(db: Database) -> None:
    import threading

    errors: list[BaseException] = []

    def append_many(worker: int) -> None:
        try:
            for n in range(15):
                with db.unit_of_work() as s:
                    append_audit(s, station_id="PACK-01", action="scan", subject=None,
                                 detail={"worker": worker, "n": n}, actor=None)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=append_many, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read() as s:
        assert verify_chain(s) is None
        assert s.execute(select(func.count()).select_from(AuditRow)).scalar_one() == 60
