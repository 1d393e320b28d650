"""Shared fixtures: the station database on SQLite and PostgreSQL, and the reference backend.

`db` (migrated) and `empty_db` (nothing created yet) run every test that uses them on SQLite and,
when STATION_TEST_PG_URL is set, on PostgreSQL too: each PostgreSQL test gets its own fresh
schema, so tests never see each other's rows. Without the variable the PostgreSQL runs are
skipped locally; with CI set they fail, so that CI cannot silently lose PostgreSQL coverage.
`refbackend` is a real ReferenceBackend on a loopback port serving a copy of the demo data.
"""

from __future__ import annotations

import io
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from station.demo import DEMO_DATA
from station.refbackend import ReferenceBackend
from station.storage.db import Database

PG_URL_VAR = "STATION_TEST_PG_URL"
BACKEND_TOKEN = "test-token-4c1f9e2a7b"  # what the `refbackend` fixture expects as Bearer token

DIALECTS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


# -- databases ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine | None]:
    """An engine on STATION_TEST_PG_URL for creating and dropping test schemas (None when unset)."""
    url = os.environ.get(PG_URL_VAR, "").strip()
    if not url:
        yield None
        return
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        # The variable asks for PostgreSQL: an unreachable server is an error, never a skip.
        pytest.fail(f"{PG_URL_VAR} is set but PostgreSQL cannot be reached: "
                    f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}", pytrace=False)
    yield engine
    engine.dispose()


def _require_pg(pg_admin: Engine | None) -> Engine:
    if pg_admin is not None:
        return pg_admin
    reason = (f"PostgreSQL storage tests need {PG_URL_VAR} "
              "(e.g. export STATION_TEST_PG_URL=$(bash .ci/postgres.sh))")
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI is set but {PG_URL_VAR} is not: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(params=DIALECTS)
def empty_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A Database on which nothing has been created (not migrated)."""
    database = Database(_url_for(request))
    yield database
    database.dispose()


@pytest.fixture(params=DIALECTS)
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated Database, on SQLite and (with STATION_TEST_PG_URL) on PostgreSQL."""
    database = Database(_url_for(request))
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(params=DIALECTS)
def database_url(request: pytest.FixtureRequest) -> str:
    """A URL for a whole station's database: SQLite, and PostgreSQL when configured."""
    return _url_for(request)


def _url_for(request: pytest.FixtureRequest) -> str:
    """A SQLite file in tmp_path, or a fresh PostgreSQL schema dropped when the test ends."""
    dialect = request.param
    tmp_path: Path = request.getfixturevalue("tmp_path")
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'station.sqlite'}"
    admin = _require_pg(request.getfixturevalue("pg_admin"))
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))

    request.addfinalizer(drop)
    url = make_url(admin.url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


# -- the reference backend -------------------------------------------------------------------------

@pytest.fixture
def backend_token() -> str:
    return BACKEND_TOKEN


@pytest.fixture
def refbackend_data(tmp_path: Path) -> Path:
    """A copy of the demo backend data, so that no test can change the one in resources/."""
    path = tmp_path / "backend-data.json"
    shutil.copyfile(DEMO_DATA, path)
    return path


@pytest.fixture
def refbackend_factory(tmp_path: Path, refbackend_data: Path) -> Iterator[Callable[..., ReferenceBackend]]:
    """Start a ReferenceBackend on the test's data and dedup database; `port=` to reuse a port.

    Every server started here is stopped at the end of the test; stop() is safe to call twice.
    """
    started: list[ReferenceBackend] = []

    def start(port: int = 0, token: str | None = BACKEND_TOKEN) -> ReferenceBackend:
        server = ReferenceBackend(refbackend_data, tmp_path / "backend.sqlite", port=port,
                                  token=token, out=io.StringIO())
        started.append(server)
        server.start()
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def refbackend(refbackend_factory: Callable[..., ReferenceBackend]) -> ReferenceBackend:
    """A running ReferenceBackend on 127.0.0.1 (port 0), expecting `Bearer <backend_token>`."""
    return refbackend_factory()
