"""Supervisor approval: the supervisor's badge and override PIN, with a lockout after wrong PINs.

Every supervisor step (short shipment, weight approval, repack, closed RMA) asks for the
supervisor's badge scan and PIN. The PIN is checked against the badge's `pin_argon2` (an Argon2id
encoded hash). Five wrong PINs in a row lock that badge out for five minutes; the count lives in
the database (`pin_lockouts`), so it holds across restarts and across stations that share one
PostgreSQL database. Each attempt writes one audit row in the same transaction as the count.

The PIN and the hash never reach a log record, an audit row or a message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Executable, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from station.domain.catalog import Staff
from station.storage.audit import Actor, append_audit
from station.storage.db import Database
from station.storage.models import PinLockoutRow

log = logging.getLogger(__name__)

LOCKOUT_AFTER = 5
LOCKOUT_FOR = timedelta(minutes=5)

# A hash asking for more than this would hold the badge's row lock for seconds: refused as invalid.
_MAX_MEMORY_KIB = 1 << 20  # 1 GiB
_MAX_TIME_COST = 16
_HASHER = PasswordHasher()


@dataclass(frozen=True, repr=False)
class PinAccepted:
    staff: Staff

    def __repr__(self) -> str:
        # Staff's own repr carries the PIN hash; this one must be safe to log.
        return f"PinAccepted(badge={self.staff.badge!r})"


@dataclass(frozen=True)
class PinRefused:
    message: str
    attempts_left: int


@dataclass(frozen=True)
class LockedOut:
    message: str
    until: datetime


PinResult = PinAccepted | PinRefused | LockedOut


def check_pin(db: Database, station_id: str, staff: Staff, pin: str, *,
              now: datetime | None = None) -> PinResult:
    """Check a supervisor's override PIN, count a wrong one, and audit the attempt.

    Only a supervisor whose badge has a valid Argon2id hash may approve; anyone else is refused
    without counting. While the badge is locked out even the right PIN is refused, unverified.
    """
    moment = _utc(now)
    actor = Actor(staff.badge, staff.role)
    if staff.role != "supervisor":
        return _refuse_alone(db, station_id, actor, f"{staff.badge} is not a supervisor",
                                 "not a supervisor", moment)
    if not staff.pin_argon2 or not _usable_hash(staff.pin_argon2):
        return _refuse_alone(db, station_id, actor, "this badge has no valid PIN",
                                 "no valid PIN", moment)
    with db.unit_of_work() as session:
        failures, locked_until = _lock_row(session, staff.badge)
        if locked_until is not None and locked_until > moment:
            return _still_locked(session, station_id, actor, failures, locked_until, moment)
        if locked_until is not None:
            failures = 0  # the lockout is over: the count starts over
        verified = _verify(staff.pin_argon2, pin)
        if verified is None:
            return _refuse(session, station_id, actor, "this badge has no valid PIN",
                                   {"reason": "no valid PIN", "failures": failures}, moment)
        if verified:
            return _accept(session, station_id, staff, actor, moment)
        return _count_failure(session, station_id, actor, failures + 1, moment)


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("check_pin needs an aware datetime")
    return now.astimezone(UTC)


def _usable_hash(encoded: str) -> bool:
    """An Argon2id encoded hash with sane costs (its digest is checked when verifying)."""
    try:
        parameters = extract_parameters(encoded)
    except (InvalidHashError, ValueError):
        return False
    return (parameters.type is Type.ID and parameters.memory_cost <= _MAX_MEMORY_KIB
            and parameters.time_cost <= _MAX_TIME_COST)


def _verify(encoded: str, pin: str) -> bool | None:
    """True for the right PIN, False for a wrong one, None when the hash cannot be used."""
    try:
        return _HASHER.verify(encoded, pin)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError, ValueError):
        return None


def _lock_row(session: Session, badge: str) -> tuple[int, datetime | None]:
    """The badge's count and lockout, its row locked until commit (PostgreSQL: FOR UPDATE;
    SQLite: the unit of work's BEGIN IMMEDIATE already holds the database's write lock)."""
    session.execute(_ensure_row_statement(session.get_bind().dialect.name), {"badge": badge})
    row = session.execute(
        select(PinLockoutRow.failures, PinLockoutRow.locked_until)
        .where(PinLockoutRow.badge == badge).with_for_update()
    ).one()
    return int(row.failures), row.locked_until


def _ensure_row_statement(dialect: str) -> Executable:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = PinLockoutRow.__table__
    assert isinstance(table, Table)
    return insert(table).values(failures=0, locked_until=None).on_conflict_do_nothing(
        index_elements=[table.c.badge])


def _store(session: Session, badge: str, failures: int, locked_until: datetime | None) -> None:
    session.execute(update(PinLockoutRow).where(PinLockoutRow.badge == badge)
                    .values(failures=failures, locked_until=locked_until))


def _audit(session: Session, station_id: str, actor: Actor, action: str,
           detail: dict[str, Any], moment: datetime) -> None:
    append_audit(session, station_id=station_id, action=action, subject=actor.badge,
                 detail=detail, actor=actor, at=moment)


def _accept(session: Session, station_id: str, staff: Staff, actor: Actor,
            moment: datetime) -> PinAccepted:
    _store(session, staff.badge, 0, None)
    _audit(session, station_id, actor, "pin.accepted", {"failures": 0}, moment)
    log.info("supervisor PIN accepted for %s", staff.badge)
    return PinAccepted(staff)


def _count_failure(session: Session, station_id: str, actor: Actor, failures: int,
                   moment: datetime) -> PinRefused | LockedOut:
    if failures < LOCKOUT_AFTER:
        _store(session, actor.badge, failures, None)
        left = LOCKOUT_AFTER - failures
        _audit(session, station_id, actor, "pin.refused",
               {"reason": "wrong PIN", "failures": failures, "attempts_left": left}, moment)
        message = f"wrong PIN: {left} {'try' if left == 1 else 'tries'} left"
        log.warning("supervisor PIN for %s refused: %s", actor.badge, message)
        return PinRefused(message, left)
    until = moment + LOCKOUT_FOR
    _store(session, actor.badge, failures, until)
    _audit(session, station_id, actor, "pin.locked_out",
           {"failures": failures, "locked_until": until.isoformat(), "started": True}, moment)
    log.warning("%s locked out until %s after %d wrong PINs", actor.badge, until.isoformat(),
                failures)
    return LockedOut(_locked_message(actor.badge, until), until)


def _still_locked(session: Session, station_id: str, actor: Actor, failures: int,
                  until: datetime, moment: datetime) -> LockedOut:
    _audit(session, station_id, actor, "pin.locked_out",
           {"failures": failures, "locked_until": until.isoformat(), "started": False}, moment)
    log.warning("supervisor PIN for %s refused unchecked: locked out until %s", actor.badge,
                until.isoformat())
    return LockedOut(_locked_message(actor.badge, until), until)


def _locked_message(badge: str, until: datetime) -> str:
    return f"{badge} is locked out until {until.astimezone():%H:%M} (five wrong PINs)"


def _refuse(session: Session, station_id: str, actor: Actor, message: str,
                    detail: dict[str, Any], moment: datetime) -> PinRefused:
    _audit(session, station_id, actor, "pin.refused", {**detail, "attempts_left": 0}, moment)
    log.warning("supervisor PIN for %s refused: %s", actor.badge, detail["reason"])
    return PinRefused(message, 0)


def _refuse_alone(db: Database, station_id: str, actor: Actor, message: str, reason: str,
                      moment: datetime) -> PinRefused:
    with db.unit_of_work() as session:
        return _refuse(session, station_id, actor, message, {"reason": reason}, moment)
