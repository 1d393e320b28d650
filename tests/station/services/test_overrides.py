"""Supervisor PINs: Argon2id check, five wrong PINs lock the badge out, shared across stations."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from station.demo import DEMO_DATA
from station.domain.catalog import Staff, parse_catalog
from station.services import overrides
from station.services.overrides import (
    LOCKOUT_AFTER,
    LOCKOUT_FOR,
    LockedOut,
    PinAccepted,
    PinRefused,
    check_pin,
)
from station.storage.audit import verify_chain
from station.storage.db import Database
from station.storage.models import AuditRow, PinLockoutRow

NOW = datetime(2026, 11, 22, 14, 3, 7, tzinfo=UTC)
PIN = "73915062"  # long enough not to turn up by chance in a hex hash or a time stamp
WRONG = "40286153"
# Cheap parameters keep the tests fast; verification reads the parameters from the hash.
HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
HASH = HASHER.hash(PIN)
SUPERVISOR = Staff("EMP-9002", "Test Supervisor", "supervisor", HASH)
DEMO_STAFF = parse_catalog(json.loads(DEMO_DATA.read_text(encoding="utf-8"))["catalog"]).staff


def pin(db: Database, code: str, *, at: datetime = NOW, staff: Staff = SUPERVISOR,
        station: str = "PACK-01") -> PinAccepted | PinRefused | LockedOut:
    return check_pin(db, station, staff, code, now=at)


def lockout_row(db: Database, badge: str = SUPERVISOR.badge) -> tuple[int, datetime | None] | None:
    with db.read() as session:
        row = session.get(PinLockoutRow, badge)
        return None if row is None else (row.failures, row.locked_until)


def audit_rows(db: Database) -> list[AuditRow]:
    with db.read() as session:
        return list(session.scalars(select(AuditRow).order_by(AuditRow.id)))


def lock_out(db: Database, *, at: datetime = NOW) -> LockedOut:
    for _ in range(LOCKOUT_AFTER - 1):
        assert isinstance(pin(db, WRONG, at=at), PinRefused)
    result = pin(db, WRONG, at=at)
    assert isinstance(result, LockedOut)
    return result


@pytest.fixture
def second_station(db: Database) -> Iterator[Database]:
    """Another station's Database object on the same database."""
    other = Database(db.url)
    yield other
    other.dispose()


# -- accepted ---------------------------------------------------------------------------------------

def test_right_pin_is_accepted_and_audited(db: Database) -> None:
    result = pin(db, PIN)

    assert result == PinAccepted(SUPERVISOR)
    assert lockout_row(db) == (0, None)
    [row] = audit_rows(db)
    assert (row.action, row.subject, row.operator_badge, row.operator_role) == (
        "pin.accepted", "EMP-9002", "EMP-9002", "supervisor")
    assert row.station_id == "PACK-01"
    assert row.at == NOW


def test_demo_supervisor_pin_2468(db: Database) -> None:
    supervisor = DEMO_STAFF["EMP-9001"]

    assert pin(db, "1357", staff=supervisor) == PinRefused("wrong PIN: 4 tries left", 4)
    assert pin(db, "2468", staff=supervisor) == PinAccepted(supervisor)


def test_accepted_repr_hides_the_hash() -> None:
    assert repr(PinAccepted(SUPERVISOR)) == "PinAccepted(badge='EMP-9002')"


# -- wrong PINs and the lockout ---------------------------------------------------------------------

def test_wrong_pins_count_down(db: Database) -> None:
    results = [pin(db, WRONG) for _ in range(LOCKOUT_AFTER - 1)]

    assert results == [PinRefused("wrong PIN: 4 tries left", 4), PinRefused("wrong PIN: 3 tries left", 3),
                       PinRefused("wrong PIN: 2 tries left", 2), PinRefused("wrong PIN: 1 try left", 1)]
    assert lockout_row(db) == (4, None)
    assert [r.action for r in audit_rows(db)] == ["pin.refused"] * 4
    assert [r.detail["attempts_left"] for r in audit_rows(db)] == [4, 3, 2, 1]


def test_fifth_wrong_pin_locks_out(db: Database) -> None:
    result = lock_out(db)

    until = NOW + LOCKOUT_FOR
    assert result.until == until
    assert result.message == f"EMP-9002 is locked out until {until.astimezone():%H:%M} (five wrong PINs)"
    assert lockout_row(db) == (5, until)
    last = audit_rows(db)[-1]
    assert last.action == "pin.locked_out"
    assert last.detail == {"failures": 5, "locked_until": until.isoformat(), "started": True}


def test_locked_out_refuses_even_the_right_pin_without_verifying(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    lock_out(db)

    def no_verify(*_args: object) -> bool:
        raise AssertionError("verified a PIN while locked out")

    monkeypatch.setattr(overrides, "_verify", no_verify)
    result = pin(db, PIN, at=NOW + LOCKOUT_FOR - timedelta(seconds=1))

    assert isinstance(result, LockedOut)
    assert result.until == NOW + LOCKOUT_FOR
    assert lockout_row(db) == (5, NOW + LOCKOUT_FOR)
    assert audit_rows(db)[-1].detail["started"] is False


def test_after_five_minutes_it_works_again(db: Database) -> None:
    lock_out(db)

    assert pin(db, PIN, at=NOW + LOCKOUT_FOR) == PinAccepted(SUPERVISOR)
    assert lockout_row(db) == (0, None)


def test_after_the_lockout_the_count_starts_over(db: Database) -> None:
    lock_out(db)

    assert pin(db, WRONG, at=NOW + LOCKOUT_FOR) == PinRefused("wrong PIN: 4 tries left", 4)
    assert lockout_row(db) == (1, None)


def test_right_pin_resets_the_count(db: Database) -> None:
    for _ in range(3):
        pin(db, WRONG)

    assert pin(db, PIN) == PinAccepted(SUPERVISOR)
    assert pin(db, WRONG) == PinRefused("wrong PIN: 4 tries left", 4)


def test_lockout_is_per_badge(db: Database) -> None:
    lock_out(db)
    other = Staff("EMP-9003", "Other Supervisor", "supervisor", HASH)

    assert pin(db, PIN, staff=other) == PinAccepted(other)


# -- who may approve ----------------------------------------------------------------------------------

def test_non_supervisor_is_refused_without_counting(db: Database) -> None:
    packer = Staff("EMP-1001", "Ana Silva", "packer", HASH)

    results = [pin(db, PIN, staff=packer) for _ in range(LOCKOUT_AFTER + 1)]

    assert set(results) == {PinRefused("EMP-1001 is not a supervisor", 0)}
    assert lockout_row(db, "EMP-1001") is None
    assert [r.action for r in audit_rows(db)] == ["pin.refused"] * (LOCKOUT_AFTER + 1)


@pytest.mark.parametrize("encoded", [
    None,
    "",
    "not-a-hash",
    "$argon2id$v=19$m=65536,t=3,p=4$PM4z$7y",  # truncated salt and digest
    "$argon2id$v=19$m=4294967295,t=3,p=4$PM4z+XXv+Ot90HJaozf/XA$7yccaYzZ3AuurDxgs3fPyPHmUA1jewIwCS6iCH1gRfs",
    PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.I).hash(PIN),  # Argon2i
    "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",  # bcrypt
], ids=["none", "empty", "garbage", "truncated", "huge-memory", "argon2i", "bcrypt"])
def test_supervisor_without_a_valid_hash_is_refused(db: Database, encoded: str | None) -> None:
    staff = Staff("EMP-9004", "No PIN", "supervisor", encoded)

    results = [pin(db, PIN, staff=staff) for _ in range(LOCKOUT_AFTER + 1)]

    assert set(results) == {PinRefused("this badge has no valid PIN", 0)}
    row = lockout_row(db, "EMP-9004")
    assert row is None or row == (0, None)


def test_naive_now_is_a_programming_error(db: Database) -> None:
    with pytest.raises(ValueError):
        pin(db, PIN, at=NOW.replace(tzinfo=None))


# -- stations sharing one database --------------------------------------------------------------------

def test_lockout_is_shared_by_two_stations(db: Database, second_station: Database) -> None:
    for _ in range(3):
        pin(db, WRONG, station="PACK-01")
    assert pin(second_station, WRONG, station="PACK-02") == PinRefused("wrong PIN: 1 try left", 1)
    assert isinstance(pin(second_station, WRONG, station="PACK-02"), LockedOut)

    assert isinstance(pin(db, PIN, station="PACK-01"), LockedOut)
    assert pin(db, PIN, station="PACK-01", at=NOW + LOCKOUT_FOR) == PinAccepted(SUPERVISOR)


def test_lockout_survives_a_restart(db: Database) -> None:
    lock_out(db)
    restarted = Database(db.url)
    try:
        assert isinstance(pin(restarted, PIN), LockedOut)
    finally:
        restarted.dispose()


def test_concurrent_wrong_pins_are_counted_exactly(db: Database, second_station: Database) -> None:
    per_thread = 3
    barrier = threading.Barrier(2)
    results: list[PinRefused | PinAccepted | LockedOut] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def station(database: Database, name: str) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                outcome = pin(database, WRONG, station=name)
                with guard:
                    results.append(outcome)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=station, args=(db, "PACK-01")),
               threading.Thread(target=station, args=(second_station, "PACK-02"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    refused = sorted(r.attempts_left for r in results if isinstance(r, PinRefused))
    assert refused == [1, 2, 3, 4]
    assert sum(isinstance(r, LockedOut) for r in results) == 2
    assert lockout_row(db) == (5, NOW + LOCKOUT_FOR)
    actions = [r.action for r in audit_rows(db)]
    assert sorted(actions) == ["pin.locked_out"] * 2 + ["pin.refused"] * 4
    with db.read() as session:
        assert verify_chain(session) is None


# -- secrets ------------------------------------------------------------------------------------------

def test_no_pin_or_hash_in_audit_logs_or_messages(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    demo = DEMO_STAFF["EMP-9001"]
    assert demo.pin_argon2 is not None
    broken = Staff("EMP-9004", "Broken", "supervisor", HASH[:-10])
    caplog.set_level(logging.DEBUG)

    results = [pin(db, PIN), pin(db, "2468", staff=demo), pin(db, "1357", staff=demo),
               pin(db, PIN, staff=Staff("EMP-1001", "Ana Silva", "packer", HASH)),
               pin(db, PIN, staff=broken)]
    results += [pin(db, WRONG) for _ in range(LOCKOUT_AFTER)]
    results.append(pin(db, PIN))

    assert isinstance(results[-1], LockedOut)
    secrets = [PIN, WRONG, "2468", "1357", HASH, demo.pin_argon2, broken.pin_argon2 or ""]
    secrets += [part for encoded in (HASH, demo.pin_argon2) for part in encoded.split("$")[-2:]]
    rows = audit_rows(db)
    assert len(rows) == len(results)
    texts = [json.dumps([r.action, r.subject, r.operator_badge, r.operator_role, r.detail]) for r in rows]
    texts += [caplog.text] + [record.getMessage() for record in caplog.records]
    texts += [repr(r) for r in results] + [r.message for r in results if not isinstance(r, PinAccepted)]
    for secret in secrets:
        assert not any(secret in text for text in texts), "a secret reached an audit row, log or message"
