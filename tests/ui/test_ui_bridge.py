"""The bridge: core events from worker threads arrive as signals on the GUI thread."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Slot

from station.services.views import ScreenChanged, StatusChanged, StatusView
from ui.bridge import CoreBridge


class Receiver(QObject):
    """Records what arrived and on which thread."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[tuple[str, object, int]] = []

    @Slot(object)
    def on_screen(self, state: object) -> None:
        self.got.append(("screen", state, threading.get_ident()))

    @Slot(object)
    def on_status(self, status: object) -> None:
        self.got.append(("status", status, threading.get_ident()))


def test_events_from_a_worker_arrive_on_the_gui_thread(qtbot: Any, recorder: Any, samples: Any) -> None:
    bridge = CoreBridge(recorder)
    receiver = Receiver()
    bridge.screenChanged.connect(receiver.on_screen)
    bridge.statusChanged.connect(receiver.on_status)
    state, status = samples.in_progress(), StatusView(backend="online", backend_ok=True)
    recorder.publish_from_worker(ScreenChanged(state))
    recorder.publish_from_worker(StatusChanged(status))
    assert receiver.got == []
    qtbot.waitUntil(lambda: len(receiver.got) == 2)
    gui = threading.get_ident()
    assert receiver.got == [("screen", state, gui), ("status", status, gui)]


def test_a_bridge_made_on_a_worker_thread_lives_on_the_gui_thread(qapp: Any, recorder: Any) -> None:
    made: list[CoreBridge] = []
    worker = threading.Thread(target=lambda: made.append(CoreBridge(recorder)))
    worker.start()
    worker.join()
    app = QCoreApplication.instance()
    assert app is not None and made[0].thread() is app.thread()
