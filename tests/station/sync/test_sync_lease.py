"""Claiming under a lease: relays of one station (a second process, a restart) or of two stations on
one database, draining at once, never post an event twice; a killed relay's lease is taken over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sync_helpers import (
    ORDERS,
    STATION,
    Batch,
    Posts,
    assert_exactly_once,
    assert_subject_order,
    leased,
    on_events,
    record,
    states,
)

import station.sync.relay as relay_module
from station.refbackend import ReferenceBackend, Reply
from station.storage.db import Database
from station.storage.models import OutboxRow
from station.sync.client import BackendClient
from station.sync.relay import IDLE_POLL_S, Relay, host_tag, owner_is_gone

OTHER = "PACK-02"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def clients(refbackend: ReferenceBackend, backend_token: str) -> Iterator[Callable[[str], BackendClient]]:
    made: list[BackendClient] = []

    def make(station: str) -> BackendClient:
        made.append(BackendClient(refbackend.url, token=backend_token, station_id=station, timeout_s=5))
        return made[-1]

    yield make
    for client in made:
        client.close()


def drain(relay: Relay, deadline: float, errors: list[BaseException]) -> None:
    try:
        while time.monotonic() < deadline:
            relay.run_once()
            if relay.status.reachable and relay.status.waiting == 0:
                return
            time.sleep(0.001)  # held by another relay: look again
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)


@pytest.mark.parametrize("second", [STATION, OTHER], ids=["same-station", "two-stations"])
def test_relays_draining_one_database_at_once_post_every_event_once(
        second: str, db: Database, refbackend: ReferenceBackend, store_path: Path,
        clients: Callable[[str], BackendClient]) -> None:
    ids = record(db, [ORDERS[i % len(ORDERS)] for i in range(240)])
    if second != STATION:
        ids += record(db, [ORDERS[i % len(ORDERS)] for i in range(240)], station=second)
    posts = Posts()

    def slow(_batch: Batch) -> Reply | None:
        time.sleep(0.003)  # a backend a little slower than loopback: claims overlap posts
        return None

    refbackend.hooks += [posts, on_events(slow)]
    relays = [Relay(db, clients(station), station_id=station, batch_size=10)
              for station in (STATION, STATION, second, second)]
    errors: list[BaseException] = []
    deadline = time.monotonic() + 60
    threads = [threading.Thread(target=drain, args=(relay, deadline, errors)) for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert max(posts.times_posted().values()) == 1, "an event was posted twice"
    assert_exactly_once(db, store_path, ids, backend=refbackend)
    assert_subject_order(store_path)
    for request in posts.posted:  # each relay sends its own station's events only
        source = f"urn:station:{request.header('x-station-id')}"
        assert {event["source"] for event in json.loads(request.body)} == {source}


def holder_script(url: str, backend: str, token: str) -> list[str]:
    """A relay in its own process, posting this station's events (the test's backend holds the POST)."""
    code = ("import sys\n"
            "from station.storage.db import Database\n"
            "from station.sync.client import BackendClient\n"
            "from station.sync.relay import Relay\n"
            "client = BackendClient(sys.argv[2], token=sys.argv[3], station_id=sys.argv[4], timeout_s=60)\n"
            "Relay(Database(sys.argv[1]), client, station_id=sys.argv[4]).run_once()\n")
    return [sys.executable, "-c", code, url, backend, token, STATION]


def test_a_live_relays_lease_is_waited_for_and_a_killed_ones_taken_over_at_once(
        db: Database, refbackend: ReferenceBackend, backend_token: str, store_path: Path,
        clients: Callable[[str], BackendClient]) -> None:
    ids = record(db, ORDERS[:6])
    posts, posted, release = Posts(), threading.Event(), threading.Event()

    def hold_the_first(_batch: Batch) -> Reply | None:
        if not posted.is_set():
            posted.set()
            release.wait(30)  # the other process's POST stays in flight
        return None

    refbackend.hooks += [posts, on_events(hold_the_first)]
    other = subprocess.Popen(holder_script(db.url, refbackend.url, backend_token), cwd=ROOT)
    try:
        assert posted.wait(30), "the other process never posted"
        relay = Relay(db, clients(STATION), station_id=STATION)

        delay = relay.run_once()  # the other process is alive and sending: wait
        assert 0 < delay <= IDLE_POLL_S
        assert relay.status.message == "another relay of this station is sending"
        assert len(posts.posted) == 1

        other.kill()  # kill -9 with its POST in flight
        other.wait(10)
        assert relay.run_once() == IDLE_POLL_S  # its lease is taken over at once
    finally:
        release.set()
        if other.poll() is None:
            other.kill()
            other.wait(10)
    assert posts.batches == [ids, ids]
    assert_exactly_once(db, store_path, ids)


def test_a_lease_from_another_machine_is_waited_out(
        db: Database, refbackend: ReferenceBackend, store_path: Path,
        clients: Callable[[str], BackendClient]) -> None:
    ids = record(db, ORDERS[:4])
    elsewhere = f"{STATION}@{'0' * 8}:4242:abcd1234"  # a relay on another machine, sending these
    with db.unit_of_work() as session:
        session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids[:2])).values(
            lease_owner=elsewhere, lease_until=datetime.now(UTC) + timedelta(seconds=1)))
    posts = Posts()
    refbackend.hooks.append(posts)
    relay = Relay(db, clients(STATION), station_id=STATION)

    delay = relay.run_once()

    assert 0 < delay <= 1.0
    assert posts.posted == []  # not even the two events after the leased ones: they would overtake
    time.sleep(delay)
    assert relay.run_once() == IDLE_POLL_S
    assert posts.batches == [ids]
    assert_exactly_once(db, store_path, ids, backend=refbackend)
    assert {state for state, _ in states(db).values()} == {"delivered"}


def test_owner_is_gone_only_for_an_ended_process_of_this_machine() -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(10)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        here = host_tag()
        assert owner_is_gone(f"{STATION}@{here}:{ended.pid}:0badf00d")
        assert not owner_is_gone(f"{STATION}@{here}:{alive.pid}:0badf00d")
        assert not owner_is_gone(f"{STATION}@{here}:{os.getpid()}:0badf00d")  # this process
        assert not owner_is_gone(f"{STATION}@{'f' * 8}:{ended.pid}:0badf00d")  # another machine
        assert not owner_is_gone(f"{STATION}:0badf00d1234")  # an older station's owner: waited out
    finally:
        alive.kill()
        alive.wait(10)


def test_a_slow_backend_does_not_let_a_claims_later_batches_fall_out_of_their_lease(
        db: Database, refbackend: ReferenceBackend, store_path: Path, monkeypatch: pytest.MonkeyPatch,
        clients: Callable[[str], BackendClient]) -> None:
    monkeypatch.setattr(relay_module, "LEASE", timedelta(seconds=1))
    monkeypatch.setattr(relay_module, "RENEW_AFTER_S", 0.25)
    ids = record(db, ORDERS[:8])  # one claim: four batches of two
    unsent_leases: list[list[datetime | None]] = []

    def slow(batch: Batch) -> Reply | None:
        sent = {event["id"] for event in batch}
        with db.read() as session:  # what is left of the claim, while this batch is posted
            unsent_leases.append(list(session.scalars(select(OutboxRow.lease_until).where(
                OutboxRow.state == "pending", OutboxRow.id.not_in(sent)))))
        time.sleep(0.4)  # four batches take longer than the lease
        return None

    refbackend.hooks.append(on_events(slow))
    started = datetime.now(UTC)
    relay = Relay(db, clients(STATION), station_id=STATION, batch_size=2)

    assert relay.run_once() == IDLE_POLL_S

    assert [len(leases) for leases in unsent_leases] == [6, 4, 2, 0]
    assert all(lease is not None for leases in unsent_leases for lease in leases)
    assert all(lease > started + timedelta(seconds=1.2)  # renewed since the claim
               for lease in unsent_leases[-2] if lease is not None)
    assert_exactly_once(db, store_path, ids, backend=refbackend)


def test_a_stopped_relay_leaves_nothing_leased(
        db: Database, refbackend: ReferenceBackend, clients: Callable[[str], BackendClient]) -> None:
    ids = record(db, ORDERS[:8])
    relay = Relay(db, clients(STATION), station_id=STATION, batch_size=2)

    def stop_on_the_first(_batch: Batch) -> Reply | None:
        relay.stop()  # asked to stop (the station closes) while the first batch is out
        return None

    refbackend.hooks.append(on_events(stop_on_the_first))
    relay.run_once()

    result = states(db)
    assert [result[i][0] for i in ids] == ["delivered"] * 2 + ["pending"] * 6
    assert leased(db) == []  # a restart sends the rest at once
