"""The database: migrations from nothing, SQLite settings, models matching migrations, unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from station.storage.db import BUSY_TIMEOUT_MS, Database, alembic_config, current_tables, upgrade
from station.storage.models import BarcodeRow, Base, CachedOrderRow, OutboxRow
from station.storage.outbox import record_event

NOW = datetime(2026, 11, 22, 14, 3, 7, tzinfo=UTC)
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def _version(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_creates_every_table_from_nothing(empty_db: Database) -> None:
    assert current_tables(empty_db.engine) == set()

    empty_db.upgrade()

    assert current_tables(empty_db.engine) == set(Base.metadata.tables) | {"alembic_version"}
    assert _version(empty_db) == HEAD


def test_upgrade_is_idempotent_and_keeps_data(empty_db: Database) -> None:
    empty_db.upgrade()
    with empty_db.unit_of_work() as session:
        record_event(session, station_id="PACK-01", type="station.order.packed", subject="SO-1",
                     data={"n": 1}, time=NOW)

    empty_db.upgrade()
    empty_db.upgrade()

    assert current_tables(empty_db.engine) == set(Base.metadata.tables) | {"alembic_version"}
    assert _version(empty_db) == HEAD
    with empty_db.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 1


def test_models_and_migrations_agree(db: Database) -> None:
    """What Alembic autogenerate would write for the models, against the migrated schema: nothing."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


@pytest.mark.parametrize("pragma, expected", [
    ("journal_mode", "wal"),
    ("synchronous", 2),  # FULL
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_MS),
])
def test_sqlite_connection_settings(tmp_path, pragma: str, expected: object) -> None:
    database = Database(f"sqlite:///{tmp_path / 'nested' / 'station.sqlite'}")
    try:
        database.upgrade()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected
        # Every pooled connection gets them, not just the first. Raw DBAPI connections, because
        # two SQLAlchemy transactions at once would each take the write lock (BEGIN IMMEDIATE).
        raw = [database.engine.raw_connection() for _ in range(2)]
        try:
            for connection in raw:
                cursor = connection.cursor()
                assert cursor.execute(f"PRAGMA {pragma}").fetchone()[0] == expected
                cursor.close()
        finally:
            for connection in raw:
                connection.close()
        assert BUSY_TIMEOUT_MS > 0
    finally:
        database.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.unit_of_work() as session:
        session.add(BarcodeRow(code="4006381333931", sku="NO-SUCH-SKU", quantity=1, gtin14=None))


def test_work_and_event_commit_together(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add(CachedOrderRow(order_number="SO-1", status="packed", body={}, fetched_at=NOW))
        record_event(session, station_id="PACK-01", type="station.order.packed", subject="SO-1",
                     data={"order_number": "SO-1"}, time=NOW)

    with db.read() as session:
        assert session.get(CachedOrderRow, "SO-1") is not None
        assert session.scalars(select(OutboxRow.subject)).all() == ["SO-1"]


def test_work_and_event_roll_back_together(db: Database) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.unit_of_work() as session:
        session.add(CachedOrderRow(order_number="SO-1", status="packed", body={}, fetched_at=NOW))
        record_event(session, station_id="PACK-01", type="station.order.packed", subject="SO-1",
                     data={"order_number": "SO-1"}, time=NOW)
        raise Boom

    with db.read() as session:
        assert session.get(CachedOrderRow, "SO-1") is None
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 0


def test_utc_datetimes_come_back_aware(db: Database) -> None:
    moment = datetime(2026, 11, 22, 16, 3, 7, 123456).astimezone(UTC)
    with db.unit_of_work() as session:
        session.add(CachedOrderRow(order_number="SO-1", status="ready", body={}, fetched_at=moment))
    with db.read() as session:
        fetched = session.get(CachedOrderRow, "SO-1")
        assert fetched is not None
        assert fetched.fetched_at == moment
        assert fetched.fetched_at.utcoffset() is not None


def test_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), db.unit_of_work() as session:
        session.add(CachedOrderRow(order_number="SO-1", status="ready", body={},
                                   fetched_at=datetime(2026, 11, 22, 14, 3, 7)))
        session.flush()


@pytest.mark.parametrize("db", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_database_on_postgres_runs_in_its_own_schema(db: Database) -> None:
    """Guard for the fixture itself: a PostgreSQL test sees only its own, fresh tables."""
    assert db.dialect == "postgresql"
    with db.engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
    assert str(schema).startswith("t_")


def test_a_database_of_the_first_version_upgrades_and_keeps_its_work(empty_db: Database) -> None:
    """A station installed at the first schema gets every later migration at start-up."""
    upgrade(empty_db.engine, "0001")
    with empty_db.unit_of_work() as session:
        record_event(session, station_id="PACK-01", type="station.order.packed", subject="SO-1",
                     data={"n": 1}, time=NOW)
    empty_db.upgrade()
    assert _version(empty_db) == HEAD
    assert current_tables(empty_db.engine) == set(Base.metadata.tables) | {"alembic_version"}
    with empty_db.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 1
