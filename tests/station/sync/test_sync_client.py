"""The backend client: headers, Retry-After, the token source, and a token that never leaks."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import station
from station.demo import DEMO_DATA
from station.refbackend import ReferenceBackend, Reply, Request
from station.refbackend.messages import error_reply
from station.storage.db import Database
from station.storage.models import OutboxRow
from station.storage.outbox import record_event
from station.sync.catalog import CatalogHolder, LookupFailed, OrderLookup
from station.sync.client import (
    EVENTS_CONTENT_TYPE,
    BackendAuthError,
    BackendClient,
    BackendError,
    BackendUnreachable,
    parse_retry_after,
    resolve_token,
)
from station.sync.relay import Relay

SECRET = "tok-SECRET-7f3a9c1e5d"  # a token the backend does not accept
T0 = datetime(2026, 11, 22, 14, 0, 0, tzinfo=UTC)


# -- Retry-After -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("0", 0.0), ("7", 7.0), (" 120 ", 120.0), (None, None), ("", None), ("soon", None),
    ("-5", None), ("1.5", None)])
def test_parse_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 88 <= (parse_retry_after(later) or 0) <= 90
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    # An obsolete date without a zone is read as UTC (RFC 9110 dates are always GMT).
    naive = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%a, %d %b %Y %H:%M:%S")
    assert 58 <= (parse_retry_after(naive) or 0) <= 60


# -- requests ----------------------------------------------------------------------------------------

@pytest.fixture
def seen(refbackend: ReferenceBackend) -> list[Request]:
    requests: list[Request] = []

    def remember(request: Request) -> Reply | None:
        requests.append(request)
        return None

    refbackend.hooks.append(remember)
    return requests


def test_every_request_carries_the_contract_headers(refbackend: ReferenceBackend, backend_token: str,
                                                    seen: list[Request]) -> None:
    client = BackendClient(refbackend.url, token=backend_token, station_id="PACK-01", timeout_s=2)
    try:
        assert client.get_catalog(None).body is not None
        assert client.get_order("SO-100234") is not None
        assert client.get_order("SO-1") is None
        assert client.get_return("RMA-5001") is not None
        assert client.post_events([]).results == []
    finally:
        client.close()

    assert len(seen) == 5
    for request in seen:
        assert request.header("authorization") == f"Bearer {backend_token}"
        assert request.header("user-agent") == f"station/{station.__version__}"
        assert request.header("x-station-id") == "PACK-01"
    assert seen[-1].header("content-type") == EVENTS_CONTENT_TYPE


def test_unreachable_backend_is_reported_without_details(tmp_path: Path) -> None:
    server = ReferenceBackend(DEMO_DATA, tmp_path / "b.sqlite")
    url = server.url
    server.stop()  # bound, never served, closed: nothing listens on this port now
    client = BackendClient(url, token=SECRET, station_id="PACK-01", timeout_s=1)
    with pytest.raises(BackendUnreachable, match=f"^backend unreachable at {re.escape(url)}$"):
        client.get_order("SO-100234")
    client.close()


# -- the token -----------------------------------------------------------------------------------------

def test_resolve_token_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("  from-file \n", encoding="utf-8")
    monkeypatch.setenv("STATION_BACKEND_TOKEN", "from-env")
    assert resolve_token(str(token_file)) == "from-file"
    assert resolve_token("") == "from-env"
    with pytest.raises(BackendError, match=r"cannot read backend\.token_file") as raised:
        resolve_token(str(tmp_path / "missing"))
    assert "from-env" not in str(raised.value)


@pytest.fixture
def wrong_client(refbackend: ReferenceBackend) -> Iterator[BackendClient]:
    client = BackendClient(refbackend.url, token=SECRET, station_id="PACK-01", timeout_s=2)
    yield client
    client.close()


def _texts(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc))]


def test_token_never_appears_in_logs_or_errors_on_401(
        db: Database, refbackend: ReferenceBackend, wrong_client: BackendClient,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # everything: requests, urllib3, the station, the backend
    with db.unit_of_work() as session:
        record_event(session, station_id="PACK-01", type="station.order.packed", subject="SO-100234",
                     data={"order_number": "SO-100234"}, time=T0)
    texts: list[str] = []

    relay = Relay(db, wrong_client, station_id="PACK-01", rng=lambda: 0.5)
    relay.run_once()  # a real 401 from the reference backend
    assert relay.status.paused and relay.status.message.startswith("backend rejected the credentials")
    texts.append(relay.status.message)

    with pytest.raises(LookupFailed) as lookup:
        OrderLookup(db, wrong_client).find("SO-100234")
    texts += _texts(lookup.value)

    with pytest.raises(BackendAuthError, match=r"^backend rejected the credentials$") as refresh:
        CatalogHolder(db).refresh(wrong_client)
    texts += _texts(refresh.value)

    for call in (lambda: wrong_client.get_order("SO-100234"), lambda: wrong_client.get_catalog(None)):
        try:
            call()
        except BackendError as exc:
            texts += _texts(exc)
    texts += [str(wrong_client.post_events([]))]

    with db.read() as session:
        texts += [str(error) for error in session.scalars(select(OutboxRow.last_error))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [record.exc_text or "" for record in caplog.records]
    texts.append(caplog.text)

    assert caplog.records, "expected some log records to check"
    assert not [text for text in texts if SECRET in text]


def test_token_is_not_in_errors_when_a_hook_answers_401(
        db: Database, refbackend: ReferenceBackend, backend_token: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    refbackend.hooks.append(lambda request: error_reply(401, "no"))
    client = BackendClient(refbackend.url, token=backend_token, station_id="PACK-01", timeout_s=2)
    try:
        with pytest.raises(LookupFailed) as raised:
            OrderLookup(db, client).find("SO-100234")
    finally:
        client.close()
    assert "backend rejected the credentials" in str(raised.value)
    assert backend_token not in caplog.text
    assert all(backend_token not in text for text in _texts(raised.value))
