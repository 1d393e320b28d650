"""The sync panel on a real outbox: dead letters made by a relay against the reference backend,
retry, export, opened from the status bar, and scans still reaching the core while it is open."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from station.bootstrap import Station, build_station
from station.demo import demo_config, start_demo_backend
from station.domain.scan import Scan
from station.refbackend import ReferenceBackend, Reply, Request
from station.refbackend.messages import error_reply
from station.services.sync_view import SyncSnapshot, SyncView, Which, backend_view
from station.services.views import ScreenChanged, StatusChanged, StatusView
from station.storage.db import Database
from station.storage.outbox import record_event
from station.sync.client import BackendClient
from station.sync.relay import Relay
from tests.ui.conftest import RecorderCore
from tests.ui.helpers import column
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot

STATION = "PACK-01"
T0 = datetime(2026, 11, 22, 14, 0, 0, tzinfo=UTC)


def record(db: Database, subjects: Sequence[str]) -> list[str]:
    ids = []
    for i, subject in enumerate(subjects):
        with db.unit_of_work() as s:
            data = {"order_number": subject, "packed_at": "2026-11-22T14:00:00Z", "station_id": STATION,
                    "operator": {"badge": "EMP-1001", "name": "Ana Silva"}, "duration_s": 60,
                    "packages": [], "inserts": [], "skipped_inserts": [], "short_items": [],
                    "override": None}
            ids.append(record_event(s, station_id=STATION, type="station.order.packed", subject=subject,
                                    data=data, time=T0 + timedelta(minutes=i)).id)
    return ids


class SyncCore(RecorderCore):
    """The recorder core with a real outbox and relay behind the sync calls; notes their threads."""

    def __init__(self, state: Any, db: Database, relay: Relay) -> None:
        status = StatusView(backend="online", backend_ok=True, events_waiting=2, dead_letters=2)
        super().__init__(state, status)
        self.outbox, self.relay = SyncView(db, STATION), relay
        self.threads: set[str] = set()

    def sync_snapshot(self) -> SyncSnapshot:
        self.threads.add(threading.current_thread().name)
        return self.outbox.snapshot(backend_view(self.relay.status, True))

    def retry_dead_letters(self, ids: Sequence[str] | None = None) -> int:
        self.threads.add(threading.current_thread().name)
        moved = self.outbox.retry_dead(ids)
        self.relay.resume()
        return moved

    def export_events(self, path: str, which: Which = "undelivered") -> int:
        self.threads.add(threading.current_thread().name)
        return self.outbox.export(path, which)


@pytest.fixture
def outbox(tmp_path: Path, refbackend: ReferenceBackend, backend_token: str
           ) -> Iterator[tuple[Database, Relay, list[str], list[str]]]:
    """Two delivered, two dead (the backend knows no SO-1 or SO-2), then two waiting."""
    db = Database(f"sqlite:///{tmp_path / 'station.sqlite'}")
    db.upgrade()
    client = BackendClient(refbackend.url, token=backend_token, station_id=STATION, timeout_s=5)
    relay = Relay(db, client, station_id=STATION, rng=lambda: 0.5)
    record(db, ["SO-100234", "SO-100235"])
    dead = record(db, ["SO-1", "SO-2"])
    relay.run_once()
    waiting = record(db, ["SO-100236", "SO-100237"])
    yield db, relay, dead, waiting
    client.close()
    db.dispose()


@pytest.fixture
def core(samples: Any, outbox: tuple[Database, Relay, list[str], list[str]]) -> SyncCore:
    db, relay, _, _ = outbox
    return SyncCore(samples.no_order(), db, relay)


@pytest.fixture
def window(open_window: Callable[[Any], MainWindow], core: SyncCore) -> MainWindow:
    return open_window(core)


def open_panel(qtbot: Any, window: MainWindow) -> None:
    qtbot.mouseClick(window.status_bar.events, Qt.MouseButton.LeftButton)
    settle(qtbot, window)


def settle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.sync_panel.snapshot is not None and not window.sync_panel.busy())


def test_clicking_the_events_part_opens_the_panel_with_dead_and_waiting_events(
        qtbot: Any, window: MainWindow, core: SyncCore) -> None:
    assert not window.sync_open
    open_panel(qtbot, window)

    panel = window.sync_panel
    assert window.sync_open and panel.isVisible()
    assert column(panel.dead_table, 2) == ["SO-1", "SO-2"]
    assert column(panel.dead_table, 5) == ["unknown order SO-1", "unknown order SO-2"]
    assert column(panel.dead_table, 1) == ["order.packed"] * 2 and column(panel.dead_table, 4) == ["1", "1"]
    assert column(panel.waiting_table, 2) == ["SO-100236", "SO-100237"]
    assert column(panel.waiting_table, 5) == ["next round"] * 2
    assert [label.text() for label in (panel.waiting_count, panel.delivered_count, panel.dead_count)] == [
        "Waiting 2", "Delivered 2", "Dead letters 2"]
    assert panel.backend.full_text == "backend reachable"
    assert panel.retry_button.text() == "Retry dead letters" and panel.retry_button.isEnabled()
    assert window.scan_input.line_edit.hasFocus()  # the panel never takes the scan input's focus
    assert core.threads and threading.main_thread().name not in core.threads  # never on the GUI thread


def test_retry_of_the_selected_dead_letter_then_of_all(
        qtbot: Any, window: MainWindow, outbox: tuple[Database, Relay, list[str], list[str]]) -> None:
    dead = outbox[2]
    open_panel(qtbot, window)
    panel = window.sync_panel
    table = panel.dead_table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(table.model().index(1, 2)).center())
    assert panel.selected_dead() == [dead[1]]
    assert panel.retry_button.text() == "Retry 1 selected"

    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)

    assert column(panel.dead_table, 2) == ["SO-1"]
    assert column(panel.waiting_table, 2) == ["SO-2", "SO-100236", "SO-100237"]  # in station order
    assert column(panel.waiting_table, 6)[0] == "unknown order SO-2"  # why it died, still shown
    assert panel.notice.full_text == "1 dead letter queued again: sending now"

    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert panel.dead_table.rowCount() == 0 and panel.dead_count.text() == "Dead letters 0"
    assert panel.waiting_count.text() == "Waiting 4"
    assert not panel.retry_button.isEnabled()
    assert window.scan_input.line_edit.hasFocus()


def test_export_writes_the_chosen_file(qtbot: Any, window: MainWindow, tmp_path: Path,
                                       outbox: tuple[Database, Relay, list[str], list[str]]) -> None:
    _, _, dead, waiting = outbox
    open_panel(qtbot, window)
    panel = window.sync_panel
    target = tmp_path / "export" / "events.json"
    asked: list[str] = []
    panel.ask_path = lambda parent, suggested: asked.append(suggested) or str(target)

    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)

    assert Path(asked[0]).name.startswith(f"events-{STATION}-") and asked[0].endswith(".json")
    events = json.loads(target.read_text(encoding="utf-8"))["events"]
    assert [e["event"]["id"] for e in events] == dead + waiting
    assert [e["state"] for e in events] == ["dead", "dead", "pending", "pending"]
    assert panel.notice.full_text == f"Exported 4 events to {target}"

    panel.ask_path = lambda parent, suggested: None  # the supervisor cancelled the file chooser
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert not panel.busy() and panel.notice.full_text == f"Exported 4 events to {target}"


def test_scans_reach_the_core_while_the_panel_is_open_and_their_result_closes_it(
        qtbot: Any, window: MainWindow, core: SyncCore, samples: Any) -> None:
    open_panel(qtbot, window)
    field = window.scan_input.line_edit
    qtbot.keyClicks(field, "SO-100234")
    qtbot.keyClick(field, Qt.Key.Key_Return)

    assert [scan.code for scan in core.scans] == ["SO-100234"]
    assert window.sync_open  # until the core answers the scan

    core.publish_from_worker(ScreenChanged(samples.in_progress()))
    qtbot.waitUntil(lambda: not window.sync_open)
    assert window.screens.currentWidget() is window.packing
    assert window.packing.header.order_number.text() == "SO-100234"


def test_back_to_scanning_and_a_status_change_refreshes_the_open_panel(
        qtbot: Any, window: MainWindow, core: SyncCore,
        outbox: tuple[Database, Relay, list[str], list[str]]) -> None:
    db = outbox[0]
    open_panel(qtbot, window)
    record(db, ["SO-100238"])
    core.publish_from_worker(StatusChanged(StatusView(events_waiting=3, dead_letters=2)))
    qtbot.waitUntil(lambda: window.sync_panel.waiting_count.text() == "Waiting 3")
    assert column(window.sync_panel.waiting_table, 2)[-1] == "SO-100238"

    qtbot.mouseClick(window.sync_panel.close_button, Qt.MouseButton.LeftButton)
    assert not window.sync_open and window.screens.currentWidget() is window.packing
    assert window.scan_input.line_edit.hasFocus()


def test_screenshot_of_the_panel(qtbot: Any, window: MainWindow, shots_dir: Path) -> None:
    """To look at: $STATION_UI_SHOTS/sync-panel.png (else a temporary folder)."""
    open_panel(qtbot, window)
    path = save_screenshot(window, shots_dir / "sync-panel.png")
    assert path.stat().st_size > 0


# -- the real station: its relay paused by rejected credentials, resumed from the panel -------------

def refuse_events(request: Request) -> Reply | None:
    if request.method == "POST" and request.path == "/v1/events":
        return error_reply(401, "bad token")
    return None


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[Station, ReferenceBackend]]:
    backend = start_demo_backend(tmp_path)
    backend.hooks.append(refuse_events)
    app = build_station(demo_config(tmp_path, backend.url))
    record(app.db, ["SO-100234", "SO-1"])
    app.start()
    yield app, backend
    app.stop()
    backend.stop()


def test_retry_on_the_real_station_resumes_sending_after_rejected_credentials(
        qtbot: Any, open_window: Callable[[Any], MainWindow],
        station: tuple[Station, ReferenceBackend]) -> None:
    app, backend = station
    window = open_window(app)
    qtbot.waitUntil(lambda: "rejected the credentials" in window.status_bar.backend.full_text, timeout=10_000)
    qtbot.mouseClick(window.status_bar.backend, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    panel = window.sync_panel
    assert panel.backend.full_text == "backend rejected the credentials"
    assert panel.notice.full_text == "sending stopped until the token changes or an operator retries"
    assert panel.waiting_count.text() == "Waiting 2" and panel.retry_button.text() == "Retry sending"

    backend.hooks.remove(refuse_events)  # the token was put right at the backend
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dead_count.text() == "Dead letters 1" and panel.backend.full_text
                    == "backend reachable" and panel.waiting_count.text() == "Waiting 0", timeout=10_000)
    assert column(panel.dead_table, 5) == ["unknown order SO-1"]

    [tries] = column(panel.dead_table, 4)
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)  # nobody signed in: not a supervisor
    qtbot.waitUntil(lambda: "sent again by a supervisor" in panel.notice.full_text, timeout=10_000)
    assert panel.dead_count.text() == "Dead letters 1" and column(panel.dead_table, 4) == [tries]

    app.submit_scan(Scan("EMP-9001"))  # the supervisor signs in; the scan's answer shows the scan screen
    qtbot.waitUntil(lambda: app.desk.operator is not None and not window.sync_open, timeout=10_000)
    assert app.retry_dead_letters() == 1  # what the panel's button calls

    def tried_again() -> bool:
        [dead] = SyncView(app.db, "PACK-01").events("dead") or [None]
        return dead is not None and dead.attempts == int(tries) + 1  # rejected again

    qtbot.waitUntil(tried_again, timeout=10_000)
    assert len(backend.notifications()) == 1
