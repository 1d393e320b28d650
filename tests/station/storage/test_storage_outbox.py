"""Recording events: per-station sequences, concurrent writers, and the CloudEvents envelope."""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from station.refbackend.events import validate_event
from station.storage.db import Database
from station.storage.models import OutboxRow
from station.storage.outbox import cloudevent, next_counter, outbox_counts, record_event

NOW = datetime(2026, 11, 22, 14, 3, 7, tzinfo=UTC)
OPERATOR = {"badge": "EMP-1001", "name": "Ana Silva"}
ENVELOPE = {"specversion", "id", "source", "type", "subject", "time", "datacontenttype",
            "stationseq", "data"}
RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _record(db: Database, station: str = "PACK-01", subject: str = "SO-100234",
            time: datetime = NOW) -> OutboxRow:
    with db.unit_of_work() as session:
        return record_event(session, station_id=station, type="station.order.packed",
                            subject=subject, time=time,
                            data={"order_number": subject, "station_id": station,
                                  "operator": OPERATOR, "packages": []})


def _seqs(db: Database, station: str) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(OutboxRow.stationseq)
                                    .where(OutboxRow.station_id == station)
                                    .order_by(OutboxRow.time, OutboxRow.stationseq)))


def test_stationseq_strictly_increases_per_station(db: Database) -> None:
    seqs = [_record(db, time=NOW + timedelta(seconds=i)).stationseq for i in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    assert _seqs(db, "PACK-01") == seqs


def test_each_station_has_its_own_sequence(db: Database) -> None:
    a = [_record(db, "PACK-01", time=NOW + timedelta(seconds=i)).stationseq for i in range(3)]
    b = [_record(db, "RET-01", time=NOW + timedelta(seconds=i)).stationseq for i in range(2)]
    a.append(_record(db, "PACK-01", time=NOW + timedelta(seconds=9)).stationseq)
    assert a == [1, 2, 3, 4]
    assert b == [1, 2]


def test_counters_are_independent_by_name(db: Database) -> None:
    with db.unit_of_work() as session:
        assert [next_counter(session, "RET-01", "lpn") for _ in range(3)] == [1, 2, 3]
        assert next_counter(session, "RET-01", "stationseq") == 1
        assert next_counter(session, "RET-02", "lpn") == 1


def test_recorded_events_keep_unique_increasing_seqs_across_a_rollback(db: Database) -> None:
    first = _record(db, time=NOW).stationseq
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        record_event(session, station_id="PACK-01", type="station.order.packed", subject="SO-X",
                     data={}, time=NOW)
        raise RuntimeError("work failed")
    later = [_record(db, time=NOW + timedelta(seconds=i)).stationseq for i in range(1, 4)]

    recorded = _seqs(db, "PACK-01")
    # The rolled-back event was never recorded; what matters is that every recorded event has
    # its own stationseq and that they increase in the order the events were recorded.
    assert recorded == [first, *later]
    assert len(set(recorded)) == len(recorded)
    assert recorded == sorted(recorded) and recorded[0] < recorded[1]
    with db.read() as session:
        assert session.scalars(select(OutboxRow).where(OutboxRow.subject == "SO-X")).all() == []


def test_concurrent_writers_get_distinct_seqs(db: Database) -> None:
    threads_n, per_thread = 4, 50
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def writer(n: int) -> None:
        try:
            start.wait(timeout=10)
            for i in range(per_thread):
                _record(db, subject=f"SO-T{n}-{i:03d}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with db.read() as session:
        rows = session.execute(select(OutboxRow.stationseq, OutboxRow.subject)).all()
    seqs = sorted(seq for seq, _ in rows)
    assert len(rows) == threads_n * per_thread
    assert seqs == list(range(1, threads_n * per_thread + 1))
    # Within one writer, later events got later numbers.
    for n in range(threads_n):
        mine = [seq for seq, subject in sorted(rows, key=lambda r: r[1]) if subject.startswith(f"SO-T{n}-")]
        assert mine == sorted(mine)


def test_record_event_makes_a_uuid4_id_and_a_pending_row(db: Database) -> None:
    row = _record(db)
    assert uuid.UUID(row.id).version == 4
    with db.read() as session:
        stored = session.get(OutboxRow, row.id)
        assert stored is not None
        assert (stored.state, stored.attempts, stored.delivered_at) == ("pending", 0, None)


def test_cloudevent_carries_the_whole_envelope(db: Database) -> None:
    local = timezone(timedelta(hours=2))
    row = _record(db, time=datetime(2026, 11, 22, 16, 3, 7, 987654, tzinfo=local))
    with db.read() as session:
        stored = session.get(OutboxRow, row.id)
        assert stored is not None
        event = cloudevent(stored)

    assert set(event) == ENVELOPE
    assert event["specversion"] == "1.0"
    assert event["id"] == row.id
    assert event["source"] == "urn:station:PACK-01"
    assert event["type"] == "station.order.packed"
    assert event["subject"] == "SO-100234"
    assert event["time"] == "2026-11-22T14:03:07Z"
    assert RFC3339_Z.match(event["time"])
    assert event["datacontenttype"] == "application/json"
    assert event["stationseq"] == 1 and isinstance(event["stationseq"], int)
    assert event["data"] == {"order_number": "SO-100234", "station_id": "PACK-01",
                             "operator": OPERATOR, "packages": []}
    assert validate_event(json.loads(json.dumps(event))) is not None  # the reference backend agrees


def test_cloudevent_is_byte_identical_on_every_call(db: Database) -> None:
    data = {"order_number": "SO-100234", "station_id": "PACK-01", "operator": OPERATOR,
            "zeta": 1, "alpha": {"b": [1, 2.5, None, True], "a": "Zoë Müller"}, "packages": []}
    with db.unit_of_work() as session:
        row = record_event(session, station_id="PACK-01", type="station.order.packed",
                           subject="SO-100234", data=data, time=NOW + timedelta(microseconds=5))
        fresh = json.dumps(cloudevent(row), ensure_ascii=False).encode()

    bodies = []
    for _ in range(3):
        with db.read() as session:  # a new session each time: loaded from the database again
            stored = session.get(OutboxRow, row.id)
            assert stored is not None
            bodies.append(json.dumps(cloudevent(stored), ensure_ascii=False).encode())
            bodies.append(json.dumps(cloudevent(stored), ensure_ascii=False).encode())

    assert all(body == fresh for body in bodies)
    assert json.loads(fresh)["data"] == data
    assert list(json.loads(fresh)["data"]) == list(data)  # key order survives storage too


def test_outbox_counts(db: Database) -> None:
    with db.read() as session:
        assert outbox_counts(session) == {"pending": 0, "delivered": 0, "dead": 0}
    rows = [_record(db, subject=f"SO-{i}") for i in range(4)]
    with db.unit_of_work() as session:
        for row, state in zip(rows[:2], ("delivered", "dead"), strict=True):
            stored = session.get(OutboxRow, row.id)
            assert stored is not None
            stored.state = state
    with db.read() as session:
        assert outbox_counts(session) == {"pending": 2, "delivered": 1, "dead": 1}
