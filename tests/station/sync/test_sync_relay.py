"""The outbox relay against the real reference backend on loopback, with faults injected by hooks,
a proxy that resets connections and a backend that answers too late; each test ends with every
event delivered exactly once (by id) or dead-lettered, none lost."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sync_helpers import (
    ORDERS,
    STATION,
    T0,
    Batch,
    Posts,
    assert_exactly_once,
    assert_subject_order,
    backend_store,
    leased,
    on_events,
    packed_data,
    record,
    resetting_proxy,
    states,
)

from station.refbackend import ReferenceBackend, Reply
from station.refbackend.messages import error_reply, json_reply
from station.storage.db import Database
from station.storage.models import OutboxRow
from station.storage.outbox import cloudevent, record_event
from station.sync.client import BackendClient
from station.sync.relay import BACKOFF_CAP_S, IDLE_POLL_S, Relay, SyncStatus


@pytest.fixture
def posts(refbackend: ReferenceBackend) -> Posts:
    recorder = Posts()
    refbackend.hooks.append(recorder)
    return recorder


@pytest.fixture
def client(refbackend: ReferenceBackend, backend_token: str) -> Iterator[BackendClient]:
    backend = BackendClient(refbackend.url, token=backend_token, station_id=STATION, timeout_s=2)
    yield backend
    backend.close()


@pytest.fixture
def make_relay(db: Database, client: BackendClient) -> Callable[..., Relay]:
    def make(**kwargs: Any) -> Relay:
        kwargs.setdefault("rng", lambda: 0.5)
        return Relay(db, client, station_id=STATION, **kwargs)
    return make


# -- delivery ----------------------------------------------------------------------------------------

def test_delivers_pending_events(db: Database, refbackend: ReferenceBackend, posts: Posts,
                                 store_path: Path, make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS[:5])
    seen: list[SyncStatus] = []
    relay = make_relay(on_status=seen.append)

    assert relay.run_once() == IDLE_POLL_S

    assert_exactly_once(db, store_path, ids, backend=refbackend)
    with db.read() as session:
        assert all(row.delivered_at is not None and row.lease_owner is None
                   for row in session.scalars(select(OutboxRow)))
    lines = refbackend.notifications()
    for line, order in zip(lines, ORDERS[:5], strict=True):
        assert line.startswith("notify customer ") and f"order {order} packed at {STATION}" in line
    assert posts.batches == [ids]
    assert seen[-1] == SyncStatus(True, "backend reachable", 0, 0)

    relay.run_once()  # nothing left: nothing is posted again
    assert len(posts.batches) == 1


def test_the_posted_events_are_the_stored_events_unchanged(
        db: Database, refbackend: ReferenceBackend, posts: Posts, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    """The relay posts each stored `data` as it is stored: the batch reads back as cloudevent() of
    each row, with every character (non-ASCII, escapes, numbers) intact."""
    data = {**packed_data(ORDERS[0]), "operator": {"badge": "EMP-7", "name": "Zoë Müller-Łukasz 李"},
            "notes": 'quote " backslash \\ tab \t newline \n', "ratio": 0.1, "big": 2**53 + 1,
            "nested": [{"a": None, "b": True}, []]}
    with db.unit_of_work() as session:
        special = record_event(session, station_id=STATION, type="station.order.packed",
                               subject=ORDERS[0], data=data, time=T0)
    ids = [special.id, *record(db, ORDERS[1:3])]

    assert make_relay().run_once() == IDLE_POLL_S

    with db.read() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.stationseq))
        stored = [cloudevent(row) for row in rows]
    [body] = [request.body for request in posts.posted]
    assert json.loads(body) == stored
    assert stored[0]["data"] == data
    assert_exactly_once(db, store_path, ids, backend=refbackend)


def test_rejected_event_goes_dead_and_the_others_are_delivered(
        db: Database, refbackend: ReferenceBackend, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    good = record(db, ORDERS[:2])
    bad = record(db, ["SO-1"])[0]
    more = record(db, ORDERS[2:4])
    relay = make_relay()

    relay.run_once()

    result = states(db)
    assert result[bad] == ("dead", "unknown order SO-1")
    assert all(result[i] == ("delivered", None) for i in good + more)
    assert relay.status.dead == 1 and relay.status.waiting == 0
    assert len(refbackend.notifications()) == 4

    relay.run_once()  # a dead event is not sent again
    assert states(db)[bad][0] == "dead"
    assert_exactly_once(db, store_path, [*good, bad, *more], dead=(bad,), backend=refbackend)


@pytest.mark.parametrize("status", [400, 422])
def test_whole_batch_refused_is_split_until_the_one_bad_event_in_100_is_found(
        status: int, db: Database, refbackend: ReferenceBackend, posts: Posts, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    ids = record(db, [ORDERS[i % len(ORDERS)] for i in range(100)])
    bad = ids[63]
    refbackend.hooks.append(on_events(
        lambda batch: error_reply(status, "bad batch") if any(e["id"] == bad for e in batch) else None))

    assert make_relay().run_once() == IDLE_POLL_S

    assert posts.batches[0] == ids  # one batch of 100, refused whole
    assert states(db)[bad] == ("dead", f"backend refused the event ({status})")
    assert_exactly_once(db, store_path, ids, dead=(bad,), backend=refbackend)
    assert len(posts.batches) <= 1 + 2 * 7  # a binary search, not one request per event
    assert max(posts.times_posted().values()) <= 8  # the bad one: once per level of the search
    assert_subject_order(store_path)


def test_413_halves_the_batch_size_and_everything_is_delivered(
        db: Database, refbackend: ReferenceBackend, posts: Posts, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS)
    refbackend.hooks.append(on_events(
        lambda batch: error_reply(413, "too large") if len(batch) > 2 else None))
    relay = make_relay(batch_size=8)

    relay.run_once()

    assert 1 <= relay.batch_size <= 2
    assert_exactly_once(db, store_path, ids, backend=refbackend)
    accepted = [batch for batch in posts.batches if len(batch) <= 2]
    assert sorted(i for batch in accepted for i in batch) == sorted(ids)
    assert_subject_order(store_path)


def _http_date_in(seconds: int) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize("status, retry_after, at_least", [
    (429, "7", 7), (503, "7", 7), (429, "http-date", 29), (503, "http-date", 29)])
def test_busy_backend_is_given_at_least_retry_after(
        status: int, retry_after: str, at_least: float, db: Database, refbackend: ReferenceBackend,
        store_path: Path, make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS[:3])
    # An HTTP date has whole seconds: "in 31 s" written as a date is between 30 and 31 s away.
    value = _http_date_in(31) if retry_after == "http-date" else retry_after
    busy = on_events(error_reply(status, "busy", (("Retry-After", value),)))
    refbackend.hooks.append(busy)
    relay = make_relay()

    delay = relay.run_once()

    assert delay >= at_least
    assert {state for state, _ in states(db).values()} == {"pending"}
    assert leased(db) == []  # released at once, for the next round
    assert backend_store(store_path) == [] and refbackend.notifications() == []
    assert relay.status.reachable is False and f"backend busy ({status})" in relay.status.message

    refbackend.hooks.remove(busy)
    assert relay.run_once() == IDLE_POLL_S
    assert_exactly_once(db, store_path, ids, backend=refbackend)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_back_off_with_full_jitter_then_deliver(
        status: int, db: Database, refbackend: ReferenceBackend, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS[:4])
    failing = on_events(error_reply(status, "server error"))  # a 503 without Retry-After too
    refbackend.hooks.append(failing)
    relay = make_relay()  # rng -> 0.5: half of each ceiling

    delays = [relay.run_once() for _ in range(11)]

    assert delays == [0.5 * min(BACKOFF_CAP_S, 2.0 ** k) for k in range(11)]
    assert all(0 <= delay <= BACKOFF_CAP_S for delay in delays)
    assert {state for state, _ in states(db).values()} == {"pending"}
    assert leased(db) == []
    assert relay.status.reachable is False and relay.status.waiting == 4
    assert f"backend error {status}" in relay.status.message

    refbackend.hooks.remove(failing)
    assert relay.run_once() == IDLE_POLL_S
    assert_exactly_once(db, store_path, ids, backend=refbackend)


def test_backoff_never_exceeds_the_cap(db: Database, refbackend: ReferenceBackend,
                                       make_relay: Callable[..., Relay]) -> None:
    record(db, ORDERS[:1])
    refbackend.hooks.append(on_events(error_reply(500, "down")))
    relay = make_relay(rng=lambda: 1.0)  # the top of the jitter range

    delays = [relay.run_once() for _ in range(12)]

    assert delays[:3] == [1.0, 2.0, 4.0]
    assert max(delays) == BACKOFF_CAP_S and delays[-1] == BACKOFF_CAP_S


@pytest.mark.parametrize("status, message", [
    (401, "backend rejected the credentials"), (403, "backend rejected the credentials"),
    (404, "backend URL or API version is wrong"), (405, "backend URL or API version is wrong"),
    (410, "backend URL or API version is wrong"), (415, "backend URL or API version is wrong")])
def test_credentials_or_configuration_refused_pauses_until_resume(
        status: int, message: str, db: Database, refbackend: ReferenceBackend, posts: Posts,
        store_path: Path, make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS[:3])
    refused = on_events(error_reply(status, "no"))
    refbackend.hooks.append(refused)
    relay = make_relay()

    assert relay.run_once() == IDLE_POLL_S
    assert relay.status.paused and relay.status.reachable is False
    assert relay.status.message == f"{message}: sending stopped"
    assert len(posts.requests) == 1

    refbackend.hooks.remove(refused)  # even once the backend would accept, nothing is sent...
    relay.run_once()
    relay.run_once()
    assert len(posts.requests) == 1
    assert {state for state, _ in states(db).values()} == {"pending"}
    assert leased(db) == []
    assert relay.status.paused and message in relay.status.message

    relay.resume()  # ...until an operator retries (or the token changes)
    assert relay.run_once() == IDLE_POLL_S
    assert not relay.status.paused
    assert_exactly_once(db, store_path, ids, backend=refbackend)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"results": "none"}', b"\xff\xfe"])
def test_malformed_answer_keeps_events_pending(
        body: bytes, db: Database, refbackend: ReferenceBackend, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS[:3])
    garbage = on_events(Reply(200, body))
    refbackend.hooks.append(garbage)
    relay = make_relay()

    delay = relay.run_once()

    assert 0 <= delay <= BACKOFF_CAP_S
    assert {state for state, _ in states(db).values()} == {"pending"}
    assert relay.status.reachable is False and relay.status.waiting == 3

    refbackend.hooks.remove(garbage)
    assert relay.run_once() == IDLE_POLL_S  # retried at once: no lease left behind
    assert_exactly_once(db, store_path, ids, backend=refbackend)


def test_answer_missing_some_results_keeps_those_pending(
        db: Database, refbackend: ReferenceBackend, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS[:3])
    partial = on_events(lambda batch: json_reply(200, {"results": [
        {"id": batch[0]["id"], "status": "accepted"}]}))
    refbackend.hooks.append(partial)
    relay = make_relay()

    relay.run_once()

    result = states(db)
    assert result[ids[0]][0] == "delivered"
    assert [result[i][0] for i in ids[1:]] == ["pending", "pending"]
    refbackend.hooks.remove(partial)
    relay.run_once()
    assert [states(db)[i][0] for i in ids] == ["delivered"] * 3
    assert sorted(i for i, _, _ in backend_store(store_path)) == sorted(ids[1:])


def test_backend_down_loses_nothing_and_delivers_when_back(
        db: Database, refbackend: ReferenceBackend, store_path: Path,
        refbackend_factory: Callable[..., ReferenceBackend], make_relay: Callable[..., Relay]) -> None:
    relay = make_relay()
    first = record(db, ORDERS[:2])
    relay.run_once()
    port = int(refbackend.url.rsplit(":", 1)[1])

    refbackend.stop()  # closed port: connection refused
    later = record(db, ORDERS[2:6])
    delays = [relay.run_once() for _ in range(3)]

    assert delays == [0.5, 1.0, 2.0]
    assert relay.status.reachable is False
    assert relay.status.message == f"backend unreachable at {refbackend.url}"
    assert relay.status.waiting == 4
    result = states(db)
    assert [result[i][0] for i in first] == ["delivered"] * 2
    assert [result[i][0] for i in later] == ["pending"] * 4

    back = refbackend_factory(port=port)  # a new server on the same port and dedup store
    assert back.url == refbackend.url
    assert relay.run_once() == IDLE_POLL_S
    assert relay.status.reachable is True
    assert_exactly_once(db, store_path, first + later)
    assert len(back.notifications()) == 4


@pytest.mark.parametrize("reset", ["reset-mid-body", "reset-after-backend"])
def test_connection_reset_mid_request_loses_nothing_and_counts_once(
        reset: str, db: Database, refbackend: ReferenceBackend, posts: Posts, backend_token: str,
        store_path: Path) -> None:
    """A RST while the batch is sent, or after the backend stored it (the station cannot know which):
    the retry sends the same ids and bodies, and the backend counts each event once."""
    ids = record(db, ORDERS[:5])
    with resetting_proxy(refbackend.url, [reset, reset]) as proxy:
        client = BackendClient(proxy.url, token=backend_token, station_id=STATION, timeout_s=2)
        relay = Relay(db, client, station_id=STATION, rng=lambda: 0.5)
        try:
            assert relay.run_once() == 0.5  # a connection error: backoff
            assert relay.status.message == f"backend unreachable at {proxy.url}"
            assert {state for state, _ in states(db).values()} == {"pending"} and leased(db) == []
            stored = sorted(i for i, _, _ in backend_store(store_path))
            assert stored == (sorted(ids) if reset == "reset-after-backend" else [])
            assert relay.run_once() == 1.0
            assert relay.run_once() == IDLE_POLL_S
        finally:
            client.close()
    assert proxy.posts == 3
    assert_exactly_once(db, store_path, ids, backend=refbackend)
    bodies = [r.body for r in posts.posted]  # what reached the backend, byte for byte
    assert len(bodies) == (3 if reset == "reset-after-backend" else 1)
    assert all(body == bodies[0] for body in bodies)  # never a new id, body or time on a retry


def test_answer_later_than_the_read_timeout_is_retried_and_counts_once(
        db: Database, refbackend: ReferenceBackend, posts: Posts, backend_token: str,
        store_path: Path) -> None:
    """The backend takes the batch but answers after the station gave up: kept, re-sent, counted once."""
    ids = record(db, ORDERS[:4])
    slow_once = threading.Event()

    def slow(_batch: Batch) -> Reply | None:
        if not slow_once.is_set():
            slow_once.set()
            time.sleep(1.5)
        return None  # then handled as usual: the backend stores the events

    refbackend.hooks.insert(0, on_events(slow))
    client = BackendClient(refbackend.url, token=backend_token, station_id=STATION, timeout_s=0.5)
    relay = Relay(db, client, station_id=STATION, rng=lambda: 0.5)
    try:
        started = time.monotonic()
        assert relay.run_once() == 0.5
        assert time.monotonic() - started < 1.4  # the station did not wait for the answer
        assert relay.status.message == "backend did not answer within 0.5 s"
        assert {state for state, _ in states(db).values()} == {"pending"} and leased(db) == []
        deadline = time.monotonic() + 5
        while len(backend_store(store_path)) < len(ids) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(backend_store(store_path)) == len(ids)  # the late attempt was stored after all
        assert relay.run_once() == IDLE_POLL_S
    finally:
        client.close()
    assert_exactly_once(db, store_path, ids, backend=refbackend)
    assert posts.batches == [ids, ids]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_answer_to_the_post_is_not_followed(
        status: int, db: Database, refbackend: ReferenceBackend, posts: Posts, store_path: Path,
        refbackend_factory: Callable[..., ReferenceBackend], make_relay: Callable[..., Relay]) -> None:
    ids = record(db, ORDERS[:3])
    elsewhere = refbackend_factory()  # the redirect's target; it stores into the same dedup store
    followed = Posts()
    elsewhere.hooks.append(followed)
    moved = on_events(Reply(status, b"", headers=(("Location", f"{elsewhere.url}/v1/events"),)))
    refbackend.hooks.insert(0, moved)
    relay = make_relay()

    assert relay.run_once() == 0.5  # retried with backoff like any answer it cannot use
    assert relay.status.message == f"backend redirected ({status}), not followed: check backend.url"
    assert followed.requests == [] and backend_store(store_path) == []
    assert {state for state, _ in states(db).values()} == {"pending"} and leased(db) == []

    refbackend.hooks.remove(moved)
    assert relay.run_once() == IDLE_POLL_S
    assert followed.requests == []
    assert_exactly_once(db, store_path, ids, backend=refbackend)


def test_each_subject_is_delivered_in_stationseq_order(
        db: Database, refbackend: ReferenceBackend, posts: Posts, store_path: Path,
        make_relay: Callable[..., Relay]) -> None:
    subjects = [ORDERS[i % 3] for i in range(24)]
    ids = record(db, subjects)
    calls = {"n": 0}

    def flaky(batch: list[dict[str, Any]]) -> Reply | None:
        calls["n"] += 1
        if len(batch) > 3:
            return error_reply(413, "too large")
        return error_reply(500, "hiccup") if calls["n"] % 4 == 0 else None

    refbackend.hooks.append(on_events(flaky))
    relay = make_relay(batch_size=10)
    for _ in range(30):
        relay.run_once()
        if all(state == "delivered" for state, _ in states(db).values()):
            break

    assert_exactly_once(db, store_path, ids, backend=refbackend)
    stored = backend_store(store_path)
    sent = [i for batch in posts.batches for i in batch]
    assert len(sent) >= len(ids)
    for subject in set(subjects):
        seqs = [seq for _, s, seq in stored if s == subject]
        assert seqs == sorted(seqs) and len(seqs) == 8


def test_offline_relay_reports_offline(db: Database) -> None:
    record(db, ORDERS[:1])
    relay = Relay(db, None, station_id=STATION)

    assert relay.run_once() == IDLE_POLL_S
    assert relay.status == SyncStatus(None, "offline: no backend configured", 1, 0)


def test_relay_thread_delivers_on_wake(db: Database, refbackend: ReferenceBackend,
                                       make_relay: Callable[..., Relay]) -> None:
    record(db, ORDERS[:2])
    delivered = threading.Event()

    def on_status(status: SyncStatus) -> None:
        if status.reachable and status.waiting == 0:
            delivered.set()

    relay = make_relay(on_status=on_status)
    relay.start()
    try:
        assert delivered.wait(5)
        delivered.clear()
        record(db, ORDERS[2:4])
        relay.wake()  # without it the next round would be IDLE_POLL_S away
        assert delivered.wait(5)
    finally:
        started = time.monotonic()
        relay.stop()
        assert time.monotonic() - started < 1
    assert {state for state, _ in states(db).values()} == {"delivered"}
    assert len(refbackend.notifications()) == 4


# -- the relay's own thread --------------------------------------------------------------------------

def test_new_events_do_not_cut_a_retry_after_short(db: Database, refbackend: ReferenceBackend,
                                                   make_relay: Callable[..., Relay]) -> None:
    posted: list[float] = []

    def busy_once(_batch: Batch) -> Reply | None:
        posted.append(time.monotonic())
        return error_reply(429, "slow down", (("Retry-After", "1"),)) if len(posted) == 1 else None

    refbackend.hooks.insert(0, on_events(busy_once))
    record(db, ORDERS[:1])
    relay = make_relay()
    relay.start()
    try:
        deadline = time.monotonic() + 5
        while not posted and time.monotonic() < deadline:
            time.sleep(0.01)
        for subject in ORDERS[1:4]:  # the packer goes on: each new event wakes the relay
            record(db, [subject])
            relay.wake()
            time.sleep(0.1)
        assert len(posted) == 1, "a request was made before Retry-After had passed"
        while set(s for s, _ in states(db).values()) != {"delivered"} and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        relay.stop()
    assert {state for state, _ in states(db).values()} == {"delivered"}
    assert posted[1] - posted[0] >= 1.0


def test_a_wake_sends_at_once_when_idle(db: Database, posts: Posts,
                                        make_relay: Callable[..., Relay]) -> None:
    relay = make_relay()
    relay.start()
    try:
        time.sleep(0.2)  # the first round found nothing and the relay sleeps for IDLE_POLL_S
        [event_id] = record(db, ORDERS[:1])
        relay.wake()
        deadline = time.monotonic() + 5
        while states(db)[event_id][0] != "delivered" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert states(db)[event_id][0] == "delivered"
    finally:
        relay.stop()
